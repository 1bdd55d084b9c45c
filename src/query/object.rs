//! Detail views of every object kind other than techniques: groups, software, campaigns,
//! mitigations, data sources and components, detection strategies, analytics, assets,
//! tactics and matrices. Each starts with the same [`Header`] fields.

use serde::Serialize;

use super::{Cell, DetailView, OptRef, Ref, Section, join, opt, status_note};
use crate::model::{Domain, Kind, KnowledgeBase, Node, Rel, Visibility, cmp_ids, text};

/// Fields every detail view starts with (flattened into the view's JSON object).
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// ATT&CK ID; null for objects without one (17.x data components).
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Object type: `technique`, `tactic`, `group`, `software`, `campaign`, `mitigation`,
    /// `data-source`, `data-component`, `detection-strategy`, `analytic`, `asset`, `matrix`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The domain of the bundle it was read from: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// Every domain the object belongs to (its `x_mitre_domains`, and with `--domain all` every
    /// loaded domain holding it).
    pub domains: Vec<String>,
    /// ATT&CK version of the bundle.
    pub attack_version: Option<String>,
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
    /// Replaced by another object.
    pub revoked: bool,
    /// Withdrawn.
    pub deprecated: bool,
    /// For revoked objects, the replacement (following chains), else null.
    pub revoked_by: Option<Ref>,
}

impl Header {
    /// The header of any object.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, n: Node) -> Header {
        let m = kb.meta(n);
        let domains = domain_names(m.domains.iter().copied().chain([kb.domain]));
        Header {
            id: (!m.id.is_empty())
                .then(|| m.id.clone())
                .as_ref()
                .map(ToString::to_string),
            name: m.name.to_string(),
            kind: n.kind.name(),
            domain: kb.domain.short_name().to_string(),
            domains,
            attack_version: kb.attack_version.clone(),
            description: m.description.to_string(),
            url: m.url.as_ref().map(ToString::to_string),
            created: m.created.as_ref().map(ToString::to_string),
            modified: m.modified.as_ref().map(ToString::to_string),
            version: m.version.as_ref().map(ToString::to_string),
            revoked: m.revoked,
            deprecated: m.deprecated,
            revoked_by: if m.revoked {
                kb.replacement_of(n).map(|r| Ref::to(kb, r))
            } else {
                None
            },
        }
    }

    /// `G0016 APT29 [REVOKED]`.
    #[must_use]
    pub fn title(&self) -> String {
        let mut s = match &self.id {
            Some(id) => format!("{id} {}", self.name),
            None => self.name.clone(),
        };
        if let Some(n) = status_note(self.revoked, self.deprecated) {
            s.push_str(&format!(" [{}]", n.to_uppercase()));
        }
        s
    }

    fn top(&self) -> Vec<(&'static str, Cell)> {
        let mut f: Vec<(&'static str, Cell)> = vec![
            ("ID", opt(self.id.as_deref()).into()),
            ("Name", self.name.as_str().into()),
            ("Type", self.kind.into()),
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
        f
    }

    fn bottom(&self) -> Vec<(&'static str, Cell)> {
        let mut f: Vec<(&'static str, Cell)> = vec![(
            "Domain",
            format!(
                "{} {}",
                self.domain,
                self.attack_version
                    .as_deref()
                    .unwrap_or("(version unknown)")
            )
            .into(),
        )];
        if self.domains.len() > 1 {
            f.push(("Domains", self.domains.join(", ").into()));
        }
        if let Some(u) = &self.url {
            f.push(("URL", u.as_str().into()));
        }
        f.push(("Version", opt(self.version.as_deref()).into()));
        f.push(("Created", opt(self.created.as_deref()).into()));
        f.push(("Modified", opt(self.modified.as_deref()).into()));
        f
    }

    fn csv(&self) -> Vec<(&'static str, String)> {
        vec![
            ("id", opt(self.id.as_deref())),
            ("name", self.name.clone()),
            ("type", self.kind.to_string()),
            ("domain", self.domain.clone()),
            ("domains", join(&self.domains)),
            ("attack_version", opt(self.attack_version.as_deref())),
            ("description", self.description.clone()),
            ("url", opt(self.url.as_deref())),
            ("created", opt(self.created.as_deref())),
            ("modified", opt(self.modified.as_deref())),
            ("version", opt(self.version.as_deref())),
            ("revoked", self.revoked.to_string()),
            ("deprecated", self.deprecated.to_string()),
            (
                "revoked_by",
                self.revoked_by
                    .as_ref()
                    .map(|r| r.id.clone())
                    .unwrap_or_default(),
            ),
        ]
    }
}

/// Short domain names in MITRE's order (enterprise, mobile, ics), without repeats.
pub fn domain_names(domains: impl IntoIterator<Item = Domain>) -> Vec<String> {
    let mut v: Vec<Domain> = domains.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(|d| d.short_name().to_string()).collect()
}

/// A procedure example: how a group, software or campaign used a technique (the `uses`
/// relationship's description).
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    /// ATT&CK ID of the other end (the user on a technique's view, the technique elsewhere).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its type: `group`, `software`, `campaign` or `technique`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How it was used, as published (Markdown with citations).
    pub description: String,
}

/// What a view adds to its header.
#[derive(Default)]
pub(crate) struct Extra {
    pub fields: Vec<(&'static str, Cell)>,
    pub sections: Vec<Section>,
    pub csv: Vec<(&'static str, String)>,
}

impl Extra {
    fn field(&mut self, label: &'static str, value: impl Into<Cell>) {
        self.fields.push((label, value.into()));
    }

    fn list(&mut self, title: &'static str, key: &'static str, refs: &[Ref]) {
        if !refs.is_empty() {
            self.sections.push(Section {
                title,
                lines: refs.iter().map(|r| r.line().into()).collect(),
            });
        }
        self.csv.push((
            key,
            refs.iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ));
    }

    fn opt_list(&mut self, title: &'static str, key: &'static str, refs: &[OptRef]) {
        if !refs.is_empty() {
            self.sections.push(Section {
                title,
                lines: refs.iter().map(|r| r.line().into()).collect(),
            });
        }
        self.csv.push((
            key,
            refs.iter().map(OptRef::key).collect::<Vec<_>>().join(";"),
        ));
    }

    fn csv(&mut self, key: &'static str, value: String) {
        self.csv.push((key, value));
    }

    pub(crate) fn procedures(&mut self, show: bool, procs: &[Procedure]) {
        if show && !procs.is_empty() {
            self.sections.push(Section {
                title: "Procedures",
                lines: procs
                    .iter()
                    .flat_map(|p| {
                        [
                            Cell::from(format!("{}  {} ({})", p.id, p.name, p.kind)),
                            Cell {
                                text: text::plain(p.description.trim()),
                                indent: 1,
                                ..Cell::default()
                            },
                        ]
                    })
                    .collect(),
            });
        }
        self.csv.push((
            "procedures",
            procs
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ));
    }
}

/// Implements [`DetailView`] for a view with a `header` and an `extra()` method.
macro_rules! object_view {
    ($t:ty) => {
        impl DetailView for $t {
            fn title(&self) -> String {
                self.header.title()
            }
            fn fields(&self) -> Vec<(&'static str, Cell)> {
                let mut f = self.header.top();
                f.extend(self.extra().fields);
                f.extend(self.header.bottom());
                f
            }
            fn sections(&self) -> Vec<Section> {
                let mut s = vec![Section {
                    title: "Description",
                    lines: vec![text::plain(&self.header.description).into()],
                }];
                s.extend(self.extra().sections);
                s
            }
            fn csv_fields(&self) -> Vec<(&'static str, String)> {
                let mut f = self.header.csv();
                f.extend(self.extra().csv);
                f
            }
        }
    };
}

fn refs(kb: &KnowledgeBase, kind: Kind, idx: impl IntoIterator<Item = u32>) -> Vec<Ref> {
    let mut v: Vec<Ref> = idx
        .into_iter()
        .map(|i| Ref::to(kb, Node::new(kind, i)))
        .collect();
    v.sort_by(|a, b| cmp_ids(&a.id, &b.id).then_with(|| a.name.cmp(&b.name)));
    v.dedup();
    v
}

/// The `uses` relationships from `n` to techniques, as procedures sorted by technique ID.
fn procedures_out(kb: &KnowledgeBase, n: Node) -> Vec<Procedure> {
    let mut v: Vec<Procedure> = kb
        .out_edges(n)
        .iter()
        .filter(|e| e.rel == Rel::Uses && e.target.kind == Kind::Technique)
        .map(|e| {
            let m = kb.meta(e.target);
            Procedure {
                id: m.id.to_string(),
                name: m.name.to_string(),
                kind: "technique",
                description: kb.edge_text(e).to_string(),
            }
        })
        .collect();
    v.sort_by(|a, b| cmp_ids(&a.id, &b.id));
    v
}

/// `attck show G…`: a group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Other names.
    pub aliases: Vec<String>,
    /// Techniques the group uses directly, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Software the group uses, sorted by ID.
    pub software: Vec<Ref>,
    /// Campaigns attributed to the group, sorted by ID.
    pub campaigns: Vec<Ref>,
    /// How the group used each technique, sorted by technique ID.
    pub procedures: Vec<Procedure>,
    /// Show procedures in the table view.
    #[serde(skip)]
    pub verbose: bool,
}

impl GroupDetail {
    /// The view of group `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> GroupDetail {
        let n = Node::new(Kind::Group, i);
        GroupDetail {
            header: Header::new(kb, n),
            aliases: crate::query::strings(&kb.groups[i as usize].aliases),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            software: refs(kb, Kind::Software, kb.targets(n, Rel::Uses, Kind::Software)),
            campaigns: refs(
                kb,
                Kind::Campaign,
                kb.sources(n, Rel::AttributedTo, Kind::Campaign),
            ),
            procedures: procedures_out(kb, n),
            verbose: false,
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Aliases", self.aliases.join(", "));
        e.csv("aliases", join(&self.aliases));
        e.list("Techniques", "techniques", &self.techniques);
        e.list("Software", "software", &self.software);
        e.list("Campaigns", "campaigns", &self.campaigns);
        e.procedures(self.verbose, &self.procedures);
        e
    }
}
object_view!(GroupDetail);

/// `attck show S…`: a piece of software.
#[derive(Debug, Clone, Serialize)]
pub struct SoftwareDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// `malware` or `tool`.
    pub software_type: &'static str,
    /// Other names.
    pub aliases: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Techniques it uses, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Groups that use it, sorted by ID.
    pub groups: Vec<Ref>,
    /// Campaigns that use it, sorted by ID.
    pub campaigns: Vec<Ref>,
    /// How it used each technique, sorted by technique ID.
    pub procedures: Vec<Procedure>,
    /// Show procedures in the table view.
    #[serde(skip)]
    pub verbose: bool,
}

impl SoftwareDetail {
    /// The view of software `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> SoftwareDetail {
        let n = Node::new(Kind::Software, i);
        let s = &kb.software[i as usize];
        SoftwareDetail {
            header: Header::new(kb, n),
            software_type: s.software_type.name(),
            aliases: crate::query::strings(&s.aliases),
            platforms: crate::query::strings(&s.platforms),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            groups: refs(kb, Kind::Group, kb.sources(n, Rel::Uses, Kind::Group)),
            campaigns: refs(kb, Kind::Campaign, kb.sources(n, Rel::Uses, Kind::Campaign)),
            procedures: procedures_out(kb, n),
            verbose: false,
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Software type", self.software_type);
        e.field("Aliases", self.aliases.join(", "));
        e.field("Platforms", self.platforms.join(", "));
        e.csv("software_type", self.software_type.to_string());
        e.csv("aliases", join(&self.aliases));
        e.csv("platforms", join(&self.platforms));
        e.list("Techniques", "techniques", &self.techniques);
        e.list("Groups", "groups", &self.groups);
        e.list("Campaigns", "campaigns", &self.campaigns);
        e.procedures(self.verbose, &self.procedures);
        e
    }
}
object_view!(SoftwareDetail);

/// `attck show C…`: a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Other names.
    pub aliases: Vec<String>,
    /// First seen (RFC 3339).
    pub first_seen: Option<String>,
    /// Last seen (RFC 3339).
    pub last_seen: Option<String>,
    /// Groups the campaign is attributed to, sorted by ID.
    pub groups: Vec<Ref>,
    /// Techniques used in the campaign, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Software used in the campaign, sorted by ID.
    pub software: Vec<Ref>,
    /// How each technique was used, sorted by technique ID.
    pub procedures: Vec<Procedure>,
    /// Show procedures in the table view.
    #[serde(skip)]
    pub verbose: bool,
}

impl CampaignDetail {
    /// The view of campaign `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> CampaignDetail {
        let n = Node::new(Kind::Campaign, i);
        let c = &kb.campaigns[i as usize];
        CampaignDetail {
            header: Header::new(kb, n),
            aliases: crate::query::strings(&c.aliases),
            first_seen: c.first_seen.as_ref().map(ToString::to_string),
            last_seen: c.last_seen.as_ref().map(ToString::to_string),
            groups: refs(
                kb,
                Kind::Group,
                kb.targets(n, Rel::AttributedTo, Kind::Group),
            ),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            software: refs(kb, Kind::Software, kb.targets(n, Rel::Uses, Kind::Software)),
            procedures: procedures_out(kb, n),
            verbose: false,
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Aliases", self.aliases.join(", "));
        e.field("First seen", opt(self.first_seen.as_deref()));
        e.field("Last seen", opt(self.last_seen.as_deref()));
        e.csv("aliases", join(&self.aliases));
        e.csv("first_seen", opt(self.first_seen.as_deref()));
        e.csv("last_seen", opt(self.last_seen.as_deref()));
        e.list("Groups", "groups", &self.groups);
        e.list("Techniques", "techniques", &self.techniques);
        e.list("Software", "software", &self.software);
        e.procedures(self.verbose, &self.procedures);
        e
    }
}
object_view!(CampaignDetail);

/// `attck show M…`: a mitigation.
#[derive(Debug, Clone, Serialize)]
pub struct MitigationDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Techniques it mitigates, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl MitigationDetail {
    /// The view of mitigation `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> MitigationDetail {
        let n = Node::new(Kind::Mitigation, i);
        MitigationDetail {
            header: Header::new(kb, n),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Mitigates, Kind::Technique),
            ),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(MitigationDetail);

/// `attck show DS…`: a data source.
#[derive(Debug, Clone, Serialize)]
pub struct DataSourceDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Its data components (`{id or null, name}`), sorted by ID then name.
    pub data_components: Vec<OptRef>,
    /// Techniques its components help detect, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl DataSourceDetail {
    /// The view of data source `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DataSourceDetail {
        let n = Node::new(Kind::DataSource, i);
        let s = &kb.data_sources[i as usize];
        DataSourceDetail {
            header: Header::new(kb, n),
            platforms: crate::query::strings(&s.platforms),
            data_components: s
                .components
                .iter()
                .map(|&c| OptRef::to(kb, Node::new(Kind::DataComponent, c)))
                .collect(),
            techniques: refs(
                kb,
                Kind::Technique,
                s.components
                    .iter()
                    .flat_map(|&c| kb.techniques_detected_by_component(c)),
            ),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Platforms", self.platforms.join(", "));
        e.csv("platforms", join(&self.platforms));
        e.opt_list("Data components", "data_components", &self.data_components);
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(DataSourceDetail);

/// A log source: name and channel.
#[derive(Debug, Clone, Serialize)]
pub struct LogSourceView {
    /// The log source name (`WinEventLog:Security`).
    pub name: String,
    /// The channel (`EventCode=4688`).
    pub channel: String,
}

/// `attck show DC…` (or a data component's name): a data component.
#[derive(Debug, Clone, Serialize)]
pub struct DataComponentDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Its data source (17.x), or null.
    pub data_source: Option<Ref>,
    /// Its log sources (18.x).
    pub log_sources: Vec<LogSourceView>,
    /// Analytics that read it (18.x), sorted by ID.
    pub analytics: Vec<Ref>,
    /// Detection strategies whose analytics read it (18.x), sorted by ID.
    pub detection_strategies: Vec<Ref>,
    /// Techniques it helps detect: its `detects` relationships (17.x) or through the
    /// detection strategies (18.x), sorted by ID.
    pub techniques: Vec<Ref>,
}

impl DataComponentDetail {
    /// The view of data component `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DataComponentDetail {
        let n = Node::new(Kind::DataComponent, i);
        let c = &kb.data_components[i as usize];
        DataComponentDetail {
            header: Header::new(kb, n),
            data_source: c
                .data_source
                .map(|s| Ref::to(kb, Node::new(Kind::DataSource, s))),
            log_sources: c
                .log_sources
                .iter()
                .map(|l| LogSourceView {
                    name: l.name.to_string(),
                    channel: l.channel.to_string(),
                })
                .collect(),
            analytics: refs(kb, Kind::Analytic, kb.analytics_reading_component(i)),
            detection_strategies: refs(
                kb,
                Kind::DetectionStrategy,
                kb.strategies_reading_component(i),
            ),
            techniques: refs(kb, Kind::Technique, kb.techniques_detected_by_component(i)),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        if let Some(s) = &self.data_source {
            e.field("Data source", format!("{} {}", s.id, s.name));
        }
        e.csv(
            "data_source",
            self.data_source
                .as_ref()
                .map(|s| s.id.clone())
                .unwrap_or_default(),
        );
        if !self.log_sources.is_empty() {
            e.sections.push(Section {
                title: "Log sources",
                lines: self
                    .log_sources
                    .iter()
                    .map(|l| format!("{}  {}", l.name, l.channel).into())
                    .collect(),
            });
        }
        e.csv(
            "log_sources",
            self.log_sources
                .iter()
                .map(|l| format!("{}|{}", l.name, l.channel))
                .collect::<Vec<_>>()
                .join(";"),
        );
        e.list("Analytics", "analytics", &self.analytics);
        e.list(
            "Detection strategies",
            "detection_strategies",
            &self.detection_strategies,
        );
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(DataComponentDetail);

/// One log source an analytic reads, with the data component it feeds.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticLogSourceView {
    /// The log source name.
    pub name: String,
    /// The channel.
    pub channel: String,
    /// The data component (`{id or null, name}`), or null when the reference does not resolve.
    pub data_component: Option<OptRef>,
}

/// An analytic inside a detection strategy's view.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticSummary {
    /// ATT&CK ID (`AN0001`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Platforms.
    pub platforms: Vec<String>,
    /// The log sources it reads.
    pub log_sources: Vec<AnalyticLogSourceView>,
}

fn log_sources(kb: &KnowledgeBase, a: u32) -> Vec<AnalyticLogSourceView> {
    kb.analytics[a as usize]
        .log_sources
        .iter()
        .map(|l| AnalyticLogSourceView {
            name: l.name.to_string(),
            channel: l.channel.to_string(),
            data_component: l
                .component
                .map(|c| OptRef::to(kb, Node::new(Kind::DataComponent, c))),
        })
        .collect()
}

fn log_source_lines(ls: &[AnalyticLogSourceView], indent: u8) -> Vec<Cell> {
    ls.iter()
        .map(|l| Cell {
            text: format!(
                "{}  {}  → {}",
                l.name,
                l.channel,
                l.data_component
                    .as_ref()
                    .map_or_else(|| "(no data component)".to_string(), OptRef::line)
            ),
            indent,
            ..Cell::default()
        })
        .collect()
}

/// `attck show DET…`: a detection strategy and its chain of analytics, log sources and data
/// components.
#[derive(Debug, Clone, Serialize)]
pub struct DetectionStrategyDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Techniques it detects, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Its analytics, in the published order (one per platform or platform group).
    pub analytics: Vec<AnalyticSummary>,
}

impl DetectionStrategyDetail {
    /// The view of detection strategy `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DetectionStrategyDetail {
        let n = Node::new(Kind::DetectionStrategy, i);
        DetectionStrategyDetail {
            header: Header::new(kb, n),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Detects, Kind::Technique),
            ),
            analytics: kb.detection_strategies[i as usize]
                .analytics
                .iter()
                .map(|&a| {
                    let an = &kb.analytics[a as usize];
                    AnalyticSummary {
                        id: an.meta.id.to_string(),
                        name: an.meta.name.to_string(),
                        platforms: crate::query::strings(&an.platforms),
                        log_sources: log_sources(kb, a),
                    }
                })
                .collect(),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.list("Techniques", "techniques", &self.techniques);
        if !self.analytics.is_empty() {
            let mut lines = Vec::new();
            for a in &self.analytics {
                lines.push(Cell::from(format!(
                    "{}  {} ({})",
                    a.id,
                    a.name,
                    a.platforms.join(", ")
                )));
                lines.extend(log_source_lines(&a.log_sources, 1));
            }
            e.sections.push(Section {
                title: "Analytics → log sources → data components",
                lines,
            });
        }
        e.csv(
            "analytics",
            self.analytics
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        e
    }
}
object_view!(DetectionStrategyDetail);

/// `attck show AN…`: an analytic, its log sources and the strategies and techniques above it.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// The log sources it reads, with their data components.
    pub log_sources: Vec<AnalyticLogSourceView>,
    /// Detection strategies that list it, sorted by ID.
    pub detection_strategies: Vec<Ref>,
    /// Techniques those strategies detect, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl AnalyticDetail {
    /// The view of analytic `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> AnalyticDetail {
        let n = Node::new(Kind::Analytic, i);
        let a = &kb.analytics[i as usize];
        AnalyticDetail {
            header: Header::new(kb, n),
            platforms: crate::query::strings(&a.platforms),
            log_sources: log_sources(kb, i),
            detection_strategies: refs(kb, Kind::DetectionStrategy, a.strategies.iter().copied()),
            techniques: refs(
                kb,
                Kind::Technique,
                a.strategies.iter().flat_map(|&s| {
                    kb.targets(
                        Node::new(Kind::DetectionStrategy, s),
                        Rel::Detects,
                        Kind::Technique,
                    )
                }),
            ),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Platforms", self.platforms.join(", "));
        e.csv("platforms", join(&self.platforms));
        if !self.log_sources.is_empty() {
            e.sections.push(Section {
                title: "Log sources → data components",
                lines: log_source_lines(&self.log_sources, 0),
            });
        }
        e.csv(
            "log_sources",
            self.log_sources
                .iter()
                .map(|l| format!("{}|{}", l.name, l.channel))
                .collect::<Vec<_>>()
                .join(";"),
        );
        e.list(
            "Detection strategies",
            "detection_strategies",
            &self.detection_strategies,
        );
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(AnalyticDetail);

/// `attck show A…`: an ICS asset.
#[derive(Debug, Clone, Serialize)]
pub struct AssetDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Sectors.
    pub sectors: Vec<String>,
    /// Techniques that target it, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl AssetDetail {
    /// The view of asset `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> AssetDetail {
        let n = Node::new(Kind::Asset, i);
        let a = &kb.assets[i as usize];
        AssetDetail {
            header: Header::new(kb, n),
            platforms: crate::query::strings(&a.platforms),
            sectors: crate::query::strings(&a.sectors),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.sources(n, Rel::Targets, Kind::Technique),
            ),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Platforms", self.platforms.join(", "));
        e.field("Sectors", self.sectors.join(", "));
        e.csv("platforms", join(&self.platforms));
        e.csv("sectors", join(&self.sectors));
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(AssetDetail);

/// `attck show TA…`: a tactic.
#[derive(Debug, Clone, Serialize)]
pub struct TacticDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Kill-chain shortname (`execution`).
    pub shortname: String,
    /// Techniques and sub-techniques under it, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl TacticDetail {
    /// The view of the tactic at index `i` (see [`KnowledgeBase::tactic_at`]).
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32, vis: Visibility) -> TacticDetail {
        let n = Node::new(Kind::Tactic, i);
        TacticDetail {
            header: Header::new(kb, n),
            shortname: kb.tactic_at(i).shortname.to_string(),
            techniques: kb
                .techniques
                .iter()
                .filter(|t| t.tactics.contains(&i) && vis.shows(&t.meta))
                .map(|t| Ref {
                    id: t.meta.id.to_string(),
                    name: t.meta.name.to_string(),
                })
                .collect(),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        e.field("Shortname", self.shortname.as_str());
        e.csv("shortname", self.shortname.clone());
        e.list("Techniques", "techniques", &self.techniques);
        e
    }
}
object_view!(TacticDetail);

/// `attck show enterprise-attack`: a matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Its tactics, in matrix order.
    pub tactics: Vec<Ref>,
}

impl MatrixDetail {
    /// The view of matrix `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> MatrixDetail {
        let n = Node::new(Kind::Matrix, i);
        MatrixDetail {
            header: Header::new(kb, n),
            tactics: kb.matrices[i as usize]
                .tactics
                .iter()
                .map(|&t| Ref::to(kb, Node::new(Kind::Tactic, t)))
                .collect(),
        }
    }

    fn extra(&self) -> Extra {
        let mut e = Extra::default();
        if !self.tactics.is_empty() {
            e.sections.push(Section {
                title: "Tactics",
                lines: self.tactics.iter().map(|r| r.line().into()).collect(),
            });
        }
        e.csv(
            "tactics",
            self.tactics
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        e
    }
}
object_view!(MatrixDetail);
