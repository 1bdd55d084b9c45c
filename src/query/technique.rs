//! The technique detail view and the technique row shared by lists and search.

use serde::Serialize;

use super::object::{Extra, Procedure};
use super::{Cell, DetailView, OptRef, Ref, Section, TableRow, join, opt, status_note, suggest};
use crate::error::Error;
use crate::model::{
    Kind, KnowledgeBase, Node, Rel, Technique, TechniqueId, Visibility, cmp_ids, text,
};

/// `attck technique <ID>`: everything about one technique.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueDetail {
    /// ATT&CK ID (`T1059.001`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// ATT&CK version of the bundle (`18.1`), or null when unknown.
    pub attack_version: Option<String>,
    /// True for sub-techniques.
    pub is_subtechnique: bool,
    /// The parent technique of a sub-technique.
    pub parent: Option<Ref>,
    /// Tactic shortnames, in matrix order.
    pub tactics: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Sub-techniques, sorted by ID.
    pub subtechniques: Vec<Ref>,
    /// Description as published (Markdown).
    pub description: String,
    /// Page on attack.mitre.org.
    pub url: Option<String>,
    /// Creation time (RFC 3339).
    pub created: Option<String>,
    /// Last modification time (RFC 3339).
    pub modified: Option<String>,
    /// The object's own version.
    pub version: Option<String>,
    /// Replaced by another technique.
    pub revoked: bool,
    /// Withdrawn without replacement.
    pub deprecated: bool,
    /// The replacement of a revoked technique.
    pub revoked_by: Option<Ref>,
    /// Always `technique` (sub-techniques too; see `is_subtechnique`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Mitigations of the technique, sorted by ID.
    pub mitigations: Vec<Ref>,
    /// Groups that use the technique directly, sorted by ID.
    pub groups: Vec<Ref>,
    /// Software that uses the technique, sorted by ID.
    pub software: Vec<Ref>,
    /// Campaigns that used the technique, sorted by ID.
    pub campaigns: Vec<Ref>,
    /// Detection strategies that detect it (18.x), sorted by ID.
    pub detection_strategies: Vec<Ref>,
    /// Data components that help detect it: `detects` relationships before 18 (no IDs there:
    /// `id` is null), and the components its strategies' analytics read in 18.x. Sorted by ID,
    /// then name.
    pub data_components: Vec<OptRef>,
    /// Assets it targets (ICS), sorted by ID.
    pub assets: Vec<Ref>,
    /// Procedure examples: how each group, software or campaign used it (the `uses`
    /// relationship descriptions), sorted by ID.
    pub procedures: Vec<Procedure>,
    /// Show procedures (and the detection chain) in the table view.
    #[serde(skip)]
    pub verbose: bool,
}

fn to_ref(t: &Technique) -> Ref {
    Ref {
        id: t.meta.id.to_string(),
        name: t.meta.name.to_string(),
    }
}

/// Tactic shortnames of a technique, in matrix order.
#[must_use]
pub fn tactic_names(kb: &KnowledgeBase, t: &Technique) -> Vec<String> {
    t.tactics
        .iter()
        .map(|&i| kb.tactics[i as usize].shortname.to_string())
        .collect()
}

/// Looks a technique up by ID. Unknown IDs are [`Error::NotFound`] with suggestions.
pub fn technique(
    kb: &KnowledgeBase,
    id: &TechniqueId,
    vis: Visibility,
) -> Result<TechniqueDetail, Error> {
    let Some(&i) = kb.techniques_with_id(id.as_str()).first() else {
        let hints = suggest::closest(
            id.as_str(),
            kb.techniques.iter().map(|t| t.meta.id.as_str()),
            3,
        );
        return Err(Error::NotFound(format!(
            "no technique {id} in {}{}",
            kb.label(),
            suggest::did_you_mean(&hints)
        )));
    };
    Ok(technique_at(kb, i, vis))
}

fn sorted_refs(kb: &KnowledgeBase, kind: Kind, idx: &[u32]) -> Vec<Ref> {
    let mut v: Vec<Ref> = idx
        .iter()
        .map(|&i| Ref::to(kb, Node::new(kind, i)))
        .collect();
    v.sort_by(|a, b| cmp_ids(&a.id, &b.id));
    v.dedup();
    v
}

/// The relationship fields of a technique's view (the rest left empty).
fn relations(kb: &KnowledgeBase, i: u32) -> TechniqueDetail {
    let n = Node::new(Kind::Technique, i);
    let strategies = kb.sources(n, Rel::Detects, Kind::DetectionStrategy);
    let components = &kb.techniques[i as usize].data_components;
    let mut data_components: Vec<OptRef> = components
        .iter()
        .map(|&c| OptRef::to(kb, Node::new(Kind::DataComponent, c)))
        .collect();
    data_components.sort_by(|a, b| {
        cmp_ids(
            a.id.as_deref().unwrap_or_default(),
            b.id.as_deref().unwrap_or_default(),
        )
        .then_with(|| a.name.cmp(&b.name))
    });
    let mut procedures: Vec<Procedure> = kb
        .in_edges(n)
        .filter(|e| {
            e.rel == Rel::Uses
                && matches!(e.source.kind, Kind::Group | Kind::Software | Kind::Campaign)
        })
        .map(|e| {
            let (id, name) = kb.id_and_name(e.source);
            Procedure {
                id: id.to_string(),
                name: name.to_string(),
                kind: e.source.kind.name(),
                description: kb.edge_text(e).to_string(),
            }
        })
        .collect();
    procedures.sort_by(|a, b| cmp_ids(&a.id, &b.id));
    TechniqueDetail {
        id: String::new(),
        name: String::new(),
        domain: String::new(),
        attack_version: None,
        is_subtechnique: false,
        parent: None,
        tactics: Vec::new(),
        platforms: Vec::new(),
        subtechniques: Vec::new(),
        description: String::new(),
        url: None,
        created: None,
        modified: None,
        version: None,
        revoked: false,
        deprecated: false,
        revoked_by: None,
        kind: "technique",
        mitigations: sorted_refs(
            kb,
            Kind::Mitigation,
            &kb.sources(n, Rel::Mitigates, Kind::Mitigation),
        ),
        groups: sorted_refs(kb, Kind::Group, &kb.sources(n, Rel::Uses, Kind::Group)),
        software: sorted_refs(
            kb,
            Kind::Software,
            &kb.sources(n, Rel::Uses, Kind::Software),
        ),
        campaigns: sorted_refs(
            kb,
            Kind::Campaign,
            &kb.sources(n, Rel::Uses, Kind::Campaign),
        ),
        detection_strategies: sorted_refs(kb, Kind::DetectionStrategy, &strategies),
        data_components,
        assets: sorted_refs(kb, Kind::Asset, &kb.targets(n, Rel::Targets, Kind::Asset)),
        procedures,
        verbose: false,
    }
}

/// The view of the technique at index `i` (any state), as `technique` would show it.
#[must_use]
pub fn technique_at(kb: &KnowledgeBase, i: u32, vis: Visibility) -> TechniqueDetail {
    let t = &kb.techniques[i as usize];
    let subtechniques = t
        .children
        .iter()
        .map(|&c| &kb.techniques[c as usize])
        .filter(|c| vis.shows(&c.meta))
        .map(to_ref)
        .collect();
    TechniqueDetail {
        id: t.meta.id.to_string(),
        name: t.meta.name.to_string(),
        domain: kb.domain.short_name().to_string(),
        attack_version: kb.attack_version.clone(),
        is_subtechnique: t.is_subtechnique,
        parent: t.parent.map(|p| to_ref(&kb.techniques[p as usize])),
        tactics: tactic_names(kb, t),
        platforms: crate::query::strings(&t.platforms),
        subtechniques,
        description: t.meta.description.to_string(),
        url: t.meta.url.as_ref().map(ToString::to_string),
        created: t.meta.created.as_ref().map(ToString::to_string),
        modified: t.meta.modified.as_ref().map(ToString::to_string),
        version: t.meta.version.as_ref().map(ToString::to_string),
        revoked: t.meta.revoked,
        deprecated: t.meta.deprecated,
        revoked_by: if t.meta.revoked {
            kb.replacement(t).map(to_ref)
        } else {
            None
        },
        kind: "technique",
        ..relations(kb, i)
    }
}

impl DetailView for TechniqueDetail {
    fn title(&self) -> String {
        let mut s = format!("{} {}", self.id, self.name);
        if let Some(n) = status_note(self.revoked, self.deprecated) {
            s.push_str(&format!(" [{}]", n.to_uppercase()));
        }
        s
    }

    fn fields(&self) -> Vec<(&'static str, Cell)> {
        let mut f: Vec<(&'static str, Cell)> = vec![
            ("ID", self.id.as_str().into()),
            ("Name", self.name.as_str().into()),
            (
                "Type",
                if self.is_subtechnique {
                    "sub-technique"
                } else {
                    "technique"
                }
                .into(),
            ),
        ];
        if self.revoked {
            let by = self.revoked_by.as_ref().map_or_else(
                || "revoked (no replacement named)".to_string(),
                |r| format!("revoked, replaced by {} {}", r.id, r.name),
            );
            f.push(("Status", by.into()));
        } else if self.deprecated {
            f.push(("Status", "deprecated".into()));
        }
        if let Some(p) = &self.parent {
            f.push(("Parent", format!("{} {}", p.id, p.name).into()));
        }
        f.push(("Tactics", self.tactics.join(", ").into()));
        f.push(("Platforms", self.platforms.join(", ").into()));
        f.push((
            "Domain",
            format!(
                "{} {}",
                self.domain,
                self.attack_version
                    .as_deref()
                    .unwrap_or("(version unknown)")
            )
            .into(),
        ));
        if let Some(u) = &self.url {
            f.push(("URL", u.as_str().into()));
        }
        f.push(("Version", opt(self.version.as_deref()).into()));
        f.push(("Created", opt(self.created.as_deref()).into()));
        f.push(("Modified", opt(self.modified.as_deref()).into()));
        f
    }

    fn sections(&self) -> Vec<Section> {
        let mut s = Vec::new();
        if !self.subtechniques.is_empty() {
            s.push(Section {
                title: "Sub-techniques",
                lines: self
                    .subtechniques
                    .iter()
                    .map(|r| format!("{}  {}", r.id, r.name).into())
                    .collect(),
            });
        }
        s.push(Section {
            title: "Description",
            lines: vec![text::plain(&self.description).into()],
        });
        s.extend(self.relation_parts().sections);
        s
    }

    fn csv_fields(&self) -> Vec<(&'static str, String)> {
        let r = |r: &Option<Ref>| r.as_ref().map(|r| r.id.clone()).unwrap_or_default();
        vec![
            ("id", self.id.clone()),
            ("name", self.name.clone()),
            ("domain", self.domain.clone()),
            ("attack_version", opt(self.attack_version.as_deref())),
            ("is_subtechnique", self.is_subtechnique.to_string()),
            ("parent", r(&self.parent)),
            ("tactics", join(&self.tactics)),
            ("platforms", join(&self.platforms)),
            (
                "subtechniques",
                self.subtechniques
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            ("description", self.description.clone()),
            ("url", opt(self.url.as_deref())),
            ("created", opt(self.created.as_deref())),
            ("modified", opt(self.modified.as_deref())),
            ("version", opt(self.version.as_deref())),
            ("revoked", self.revoked.to_string()),
            ("deprecated", self.deprecated.to_string()),
            ("revoked_by", r(&self.revoked_by)),
        ]
        .into_iter()
        .chain(self.relation_parts().csv)
        .collect()
    }
}

impl TechniqueDetail {
    fn relation_parts(&self) -> Extra {
        let mut e = Extra::default();
        let list = |e: &mut Extra, title: &'static str, key: &'static str, refs: &[Ref]| {
            if !refs.is_empty() {
                e.sections.push(Section {
                    title,
                    lines: refs.iter().map(|r| r.line().into()).collect(),
                });
            }
            e.csv.push((
                key,
                refs.iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
            ));
        };
        list(&mut e, "Mitigations", "mitigations", &self.mitigations);
        list(&mut e, "Groups", "groups", &self.groups);
        list(&mut e, "Software", "software", &self.software);
        list(&mut e, "Campaigns", "campaigns", &self.campaigns);
        list(
            &mut e,
            "Detection strategies",
            "detection_strategies",
            &self.detection_strategies,
        );
        if !self.data_components.is_empty() {
            e.sections.push(Section {
                title: "Data components",
                lines: self
                    .data_components
                    .iter()
                    .map(|r| r.line().into())
                    .collect(),
            });
        }
        e.csv.push((
            "data_components",
            self.data_components
                .iter()
                .map(OptRef::key)
                .collect::<Vec<_>>()
                .join(";"),
        ));
        list(&mut e, "Assets", "assets", &self.assets);
        e.procedures(self.verbose, &self.procedures);
        e
    }
}

/// One technique in a list (`tactic`, and the base of a search hit).
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueRow {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// True for sub-techniques.
    pub is_subtechnique: bool,
    /// The parent's ATT&CK ID, for sub-techniques.
    pub parent: Option<String>,
    /// Tactic shortnames in matrix order.
    pub tactics: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Revoked (shown only with `--include-revoked`).
    pub revoked: bool,
    /// Deprecated (shown only with `--include-deprecated`).
    pub deprecated: bool,
}

impl TechniqueRow {
    /// The row for a technique.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, t: &Technique) -> TechniqueRow {
        TechniqueRow {
            id: t.meta.id.to_string(),
            name: t.meta.name.to_string(),
            is_subtechnique: t.is_subtechnique,
            parent: t
                .parent
                .map(|p| kb.techniques[p as usize].meta.id.clone())
                .as_ref()
                .map(ToString::to_string),
            tactics: tactic_names(kb, t),
            platforms: crate::query::strings(&t.platforms),
            revoked: t.meta.revoked,
            deprecated: t.meta.deprecated,
        }
    }

    pub(crate) fn id_cell(&self) -> Cell {
        Cell::from(self.id.as_str())
    }

    pub(crate) fn name_cell(&self) -> Cell {
        Cell {
            text: self.name.clone(),
            indent: u8::from(self.is_subtechnique),
            note: status_note(self.revoked, self.deprecated),
            ..Cell::default()
        }
    }

    pub(crate) fn csv_base(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.is_subtechnique.to_string(),
            opt(self.parent.as_deref()),
            join(&self.tactics),
            join(&self.platforms),
            self.revoked.to_string(),
            self.deprecated.to_string(),
        ]
    }
}

/// CSV columns of a technique row.
pub const ROW_CSV_HEADERS: [&str; 8] = [
    "id",
    "name",
    "is_subtechnique",
    "parent",
    "tactics",
    "platforms",
    "revoked",
    "deprecated",
];

impl TableRow for TechniqueRow {
    fn headers() -> &'static [&'static str] {
        &["ID", "Name", "Tactics", "Platforms"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.id_cell(),
            self.name_cell(),
            self.tactics.join(", ").into(),
            self.platforms.join(", ").into(),
        ]
    }

    fn csv_headers() -> &'static [&'static str] {
        &ROW_CSV_HEADERS
    }

    fn csv_record(&self) -> Vec<String> {
        self.csv_base()
    }
}
