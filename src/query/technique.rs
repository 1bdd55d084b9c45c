//! The technique detail view and the technique row shared by lists and search.

use serde::Serialize;

use super::layout::Detail;
use super::list::Row;
use super::object::{Header, Procedure, refs};
use super::{Cell, DetailView, OptRef, Ref, TableRow, strings, suggest};
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Node, Rel, Technique, TechniqueId, Visibility, cmp_ids};

/// `attck technique <ID>`: everything about one technique.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueDetail {
    /// Common fields (`type` is always `technique`; see `is_subtechnique`).
    #[serde(flatten)]
    pub header: Header,
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

/// The view of the technique at index `i` (any state), as `technique` would show it.
#[must_use]
pub fn technique_at(kb: &KnowledgeBase, i: u32, vis: Visibility) -> TechniqueDetail {
    let t = &kb.techniques[i as usize];
    let n = Node::new(Kind::Technique, i);
    let mut data_components: Vec<OptRef> = t
        .data_components
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
        header: Header::new(kb, n),
        is_subtechnique: t.is_subtechnique,
        parent: t.parent.map(|p| to_ref(&kb.techniques[p as usize])),
        tactics: tactic_names(kb, t),
        platforms: strings(&t.platforms),
        subtechniques: t
            .children
            .iter()
            .map(|&c| &kb.techniques[c as usize])
            .filter(|c| vis.shows(&c.meta))
            .map(to_ref)
            .collect(),
        mitigations: refs(
            kb,
            Kind::Mitigation,
            kb.sources(n, Rel::Mitigates, Kind::Mitigation),
        ),
        groups: refs(kb, Kind::Group, kb.sources(n, Rel::Uses, Kind::Group)),
        software: refs(kb, Kind::Software, kb.sources(n, Rel::Uses, Kind::Software)),
        campaigns: refs(kb, Kind::Campaign, kb.sources(n, Rel::Uses, Kind::Campaign)),
        detection_strategies: refs(
            kb,
            Kind::DetectionStrategy,
            kb.sources(n, Rel::Detects, Kind::DetectionStrategy),
        ),
        data_components,
        assets: refs(kb, Kind::Asset, kb.targets(n, Rel::Targets, Kind::Asset)),
        procedures,
    }
}

/// The table says `sub-technique` as the type rather than in a row of its own, and lists the
/// sub-techniques first, above the description.
impl DetailView for TechniqueDetail {
    fn adjust(&self, detail: &mut Detail) {
        detail.remove("is_subtechnique");
        if self.is_subtechnique
            && let Some(t) = detail.field_mut("type")
        {
            *t = "sub-technique".into();
        }
        if let Some(i) = detail
            .sections
            .iter()
            .position(|s| s.key == "subtechniques")
        {
            let subs = detail.sections.remove(i);
            detail.sections.insert(0, subs);
        }
    }
}

/// A technique's own columns in a list (between the common `id`, `name` and `revoked`,
/// `deprecated`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TechniqueFields {
    /// True for sub-techniques.
    pub is_subtechnique: bool,
    /// The parent's ATT&CK ID, for sub-techniques.
    pub parent: Option<String>,
    /// Tactic shortnames in matrix order.
    pub tactics: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
}

/// One technique in a list (`tactic`, `list techniques`, and the base of a search hit).
pub type TechniqueRow = Row<TechniqueFields>;

impl TechniqueRow {
    /// The row for a technique.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, t: &Technique) -> TechniqueRow {
        Row::of(
            &t.meta,
            TechniqueFields {
                is_subtechnique: t.is_subtechnique,
                parent: t
                    .parent
                    .map(|p| kb.techniques[p as usize].meta.id.to_string()),
                tactics: tactic_names(kb, t),
                platforms: strings(&t.platforms),
            },
        )
    }

    /// The name, under its parent when it is a sub-technique.
    pub(crate) fn name_cell(&self) -> Cell {
        Cell {
            indent: u8::from(self.fields.is_subtechnique),
            ..self.name_with_status()
        }
    }
}

impl TableRow for TechniqueRow {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "Name", "Tactics", "Platforms"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.id.as_str().into(),
            self.name_cell(),
            self.fields.tactics.join(", ").into(),
            self.fields.platforms.join(", ").into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::flat;
    use crate::query::layout;
    use crate::query::sample::{self, ids};

    fn view(kb: &KnowledgeBase, id: &str) -> TechniqueDetail {
        technique(kb, &id.parse().unwrap(), Visibility::default()).unwrap()
    }

    #[test]
    fn a_technique_has_the_common_header_and_its_relations() {
        let kb = sample::v2();
        let t = view(kb, "T1059");
        assert_eq!(t.header.id.as_deref(), Some("T1059"));
        assert_eq!(t.header.kind, "technique");
        assert_eq!(t.header.domain, "enterprise");
        assert_eq!(t.header.domains, ["enterprise"]);
        assert_eq!(t.header.attack_version.as_deref(), Some("2.0"));
        assert_eq!(ids(&t.subtechniques), ["T1059.001", "T1059.004"]);
        assert_eq!(t.tactics, ["execution"]);
        assert_eq!(ids(&t.mitigations), ["M1901"]);
        assert_eq!(ids(&t.detection_strategies), ["DET0901"]);
        let dc: Vec<Option<&str>> = t.data_components.iter().map(|c| c.id.as_deref()).collect();
        assert_eq!(dc, [Some("DC0901"), Some("DC0902")]);

        let s = view(kb, "T1059.001");
        assert!(s.is_subtechnique);
        assert_eq!(s.parent.as_ref().map(|p| p.id.as_str()), Some("T1059"));
        assert_eq!(ids(&s.groups), ["G0902"]);
        assert_eq!(ids(&s.software), ["S0901"]);
        assert_eq!(ids(&s.campaigns), ["C0901"]);
        let users: Vec<(&str, &str)> = s
            .procedures
            .iter()
            .map(|p| (p.id.as_str(), p.kind))
            .collect();
        assert_eq!(
            users,
            [
                ("C0901", "campaign"),
                ("G0902", "group"),
                ("S0901", "software")
            ]
        );

        let r = view(kb, "T1168");
        assert!(r.header.revoked);
        assert_eq!(
            r.header.revoked_by.as_ref().map(|p| p.id.as_str()),
            Some("T1053")
        );
    }

    #[test]
    fn unknown_ids_are_not_found_with_suggestions() {
        let e = technique(
            sample::v2(),
            &"T1058".parse().unwrap(),
            Visibility::default(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("no technique T1058"), "{msg}");
        assert!(msg.contains("T1059"), "{msg}");
    }

    #[test]
    fn the_table_says_sub_technique_and_lists_sub_techniques_first() {
        let kb = sample::v2();
        let d = layout::detail(&view(kb, "T1059.001"), false).unwrap();
        let row = |k: &str| {
            d.fields
                .iter()
                .find(|f| f.key == k)
                .map(|f| f.value.text.clone())
        };
        assert_eq!(row("type").as_deref(), Some("sub-technique"));
        assert_eq!(row("parent").as_deref(), Some("T1059 Scripted Launch"));
        assert_eq!(row("is_subtechnique"), None);
        assert_eq!(row("domain").as_deref(), Some("enterprise 2.0"));
        let d = layout::detail(&view(kb, "T1059"), false).unwrap();
        let keys: Vec<&str> = d.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "subtechniques",
                "description",
                "mitigations",
                "detection_strategies",
                "data_components"
            ]
        );
        let labels: Vec<&str> = d.fields.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "ID",
                "Name",
                "Type",
                "Tactics",
                "Platforms",
                "Domain",
                "URL",
                "Version",
                "Created",
                "Modified"
            ]
        );
    }

    #[test]
    fn the_csv_record_has_the_header_first() {
        let r = flat::record(&view(sample::v2(), "T1059.001")).unwrap();
        let keys: Vec<&str> = r.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys[..5], ["id", "name", "type", "domain", "domains"]);
        let cell = |k: &str| r.iter().find(|(key, _)| key == k).unwrap().1.as_str();
        assert_eq!(cell("type"), "technique");
        assert_eq!(cell("parent"), "T1059");
        assert_eq!(cell("procedures"), "C0901;G0902;S0901");
        assert_eq!(cell("revoked_by"), "");
    }

    #[test]
    fn rows_share_the_base_and_indent_sub_techniques() {
        let kb = sample::v2();
        let t = kb.technique("T1543.002").unwrap();
        let row = TechniqueRow::new(kb, t);
        assert_eq!(row.id, "T1543.002");
        assert_eq!(row.fields.parent.as_deref(), Some("T1543"));
        assert_eq!(row.fields.tactics, ["persistence"]);
        let cells = row.cells();
        assert_eq!(cells.len(), TechniqueRow::headers().len());
        assert_eq!(cells[1].indent, 1);
        let keys: Vec<String> = flat::record(&row)
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "is_subtechnique",
                "parent",
                "tactics",
                "platforms",
                "revoked",
                "deprecated"
            ]
        );
    }
}
