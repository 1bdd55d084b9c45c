//! The object types around techniques and tactics, and the relationship edges between them.
//!
//! Every object is addressed by a [`Node`]: its kind and its index in that kind's vector of
//! the [`KnowledgeBase`](super::KnowledgeBase). Edges are plain data sorted by source, so
//! lookups are binary searches and the whole graph serialises without references.

use serde::{Deserialize, Serialize};

use super::{Meta, Str};

/// The kinds of ATT&CK object the knowledge base holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    /// `x-mitre-matrix`.
    Matrix,
    /// `x-mitre-tactic`.
    Tactic,
    /// `attack-pattern`: techniques and sub-techniques.
    Technique,
    /// `intrusion-set`.
    Group,
    /// `malware` and `tool`.
    Software,
    /// `campaign`.
    Campaign,
    /// `course-of-action`.
    Mitigation,
    /// `x-mitre-data-source`.
    DataSource,
    /// `x-mitre-data-component`.
    DataComponent,
    /// `x-mitre-detection-strategy` (18.x).
    DetectionStrategy,
    /// `x-mitre-analytic` (18.x).
    Analytic,
    /// `x-mitre-asset` (ICS).
    Asset,
}

/// Everything attck says about one kind of object, in one row of [`KINDS`].
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    /// The kind.
    pub kind: Kind,
    /// The name in JSON `type` fields and `--type` values: `data-source`.
    pub name: &'static str,
    /// The plural, in sentences: `data sources`. Spelt with `-` it is the `attck list` value
    /// (`data-sources`), with `_` the index-cache section and the JSON field of lists
    /// (`data_sources`).
    pub plural: &'static str,
    /// The `attck list` value (`data-sources`), or `None` for a kind that has no list.
    pub list: Option<&'static str>,
    /// The index-cache section holding the kind outside the core (`data_sources`), or `None`
    /// for the core kinds, decoded when the file is opened.
    pub section: Option<&'static str>,
    /// One line of help for the command line's value lists (no closing stop, as clap prints
    /// doc comments).
    pub help: &'static str,
    /// The STIX object types of the kind.
    pub stix: &'static [&'static str],
}

/// Every kind, one row each, in the order of [`Kind`]'s variants: the one place a kind is
/// named. The command line's `--type` and `attck list` values, the index-cache sections and
/// the plurals of sentences are read from here.
pub const KINDS: [KindInfo; 12] = [
    KindInfo {
        kind: Kind::Matrix,
        name: "matrix",
        plural: "matrices",
        list: None,
        section: None,
        help: "Matrices",
        stix: &["x-mitre-matrix"],
    },
    KindInfo {
        kind: Kind::Tactic,
        name: "tactic",
        plural: "tactics",
        list: Some("tactics"),
        section: None,
        help: "Tactics",
        stix: &["x-mitre-tactic"],
    },
    KindInfo {
        kind: Kind::Technique,
        name: "technique",
        plural: "techniques",
        list: Some("techniques"),
        section: None,
        help: "Techniques and sub-techniques",
        stix: &["attack-pattern"],
    },
    KindInfo {
        kind: Kind::Group,
        name: "group",
        plural: "groups",
        list: Some("groups"),
        section: Some("groups"),
        help: "Groups (intrusion sets)",
        stix: &["intrusion-set"],
    },
    KindInfo {
        kind: Kind::Software,
        name: "software",
        plural: "software",
        list: Some("software"),
        section: Some("software"),
        help: "Software: malware and tools",
        stix: &["malware", "tool"],
    },
    KindInfo {
        kind: Kind::Campaign,
        name: "campaign",
        plural: "campaigns",
        list: Some("campaigns"),
        section: Some("campaigns"),
        help: "Campaigns",
        stix: &["campaign"],
    },
    KindInfo {
        kind: Kind::Mitigation,
        name: "mitigation",
        plural: "mitigations",
        list: Some("mitigations"),
        section: Some("mitigations"),
        help: "Mitigations (courses of action)",
        stix: &["course-of-action"],
    },
    KindInfo {
        kind: Kind::DataSource,
        name: "data-source",
        plural: "data sources",
        list: Some("data-sources"),
        section: Some("data_sources"),
        help: "Data sources",
        stix: &["x-mitre-data-source"],
    },
    KindInfo {
        kind: Kind::DataComponent,
        name: "data-component",
        plural: "data components",
        list: Some("data-components"),
        section: Some("data_components"),
        help: "Data components",
        stix: &["x-mitre-data-component"],
    },
    KindInfo {
        kind: Kind::DetectionStrategy,
        name: "detection-strategy",
        plural: "detection strategies",
        list: Some("detection-strategies"),
        section: Some("detection_strategies"),
        help: "Detection strategies (18.x)",
        stix: &["x-mitre-detection-strategy"],
    },
    KindInfo {
        kind: Kind::Analytic,
        name: "analytic",
        plural: "analytics",
        list: Some("analytics"),
        section: Some("analytics"),
        help: "Analytics (18.x)",
        stix: &["x-mitre-analytic"],
    },
    KindInfo {
        kind: Kind::Asset,
        name: "asset",
        plural: "assets",
        list: Some("assets"),
        section: Some("assets"),
        help: "Assets (ICS)",
        stix: &["x-mitre-asset"],
    },
];

// `Kind::info` indexes the table by discriminant: the rows must follow the variants.
const _: () = {
    let mut i = 0;
    while i < KINDS.len() {
        assert!(KINDS[i].kind as usize == i, "KINDS is not in Kind's order");
        i += 1;
    }
};

impl Kind {
    /// Every kind, in the order they are listed (and counted in the index cache).
    pub const ALL: [Kind; 12] = [
        Kind::Technique,
        Kind::Tactic,
        Kind::Group,
        Kind::Software,
        Kind::Campaign,
        Kind::Mitigation,
        Kind::DataSource,
        Kind::DataComponent,
        Kind::DetectionStrategy,
        Kind::Analytic,
        Kind::Asset,
        Kind::Matrix,
    ];

    /// The kind's row of [`KINDS`].
    #[must_use]
    pub const fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// Whether the index cache keeps this kind's objects in its core (decoded when the file
    /// is opened) rather than in a section of their own, decoded on first use.
    #[must_use]
    pub fn in_core(self) -> bool {
        self.info().section.is_none()
    }

    /// The name used in JSON `type` fields and on the command line: `detection-strategy`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The plural, for sentences: `detection strategies`.
    #[must_use]
    pub fn plural(self) -> &'static str {
        self.info().plural
    }

    /// The kind of a STIX object type, if attck keeps it.
    #[must_use]
    pub fn from_stix(t: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.stix.contains(&t)).map(|k| k.kind)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One object of the knowledge base: its kind and its index in that kind's vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Node {
    /// Which vector.
    pub kind: Kind,
    /// The index in it.
    pub index: u32,
}

impl Node {
    /// A node.
    #[must_use]
    pub fn new(kind: Kind, index: u32) -> Node {
        Node { kind, index }
    }
}

/// The relationship types kept as edges (`subtechnique-of` and `revoked-by` are kept on the
/// objects themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rel {
    /// Group, software or campaign → technique; group or campaign → software.
    Uses,
    /// Mitigation → technique.
    Mitigates,
    /// Detection strategy → technique (18.x); data component → technique (before).
    Detects,
    /// Campaign → group.
    AttributedTo,
    /// Technique → asset (ICS).
    Targets,
}

impl Rel {
    /// Every relationship type kept as an edge.
    pub const ALL: [Rel; 5] = [
        Rel::Uses,
        Rel::Mitigates,
        Rel::Detects,
        Rel::AttributedTo,
        Rel::Targets,
    ];

    /// The STIX `relationship_type` (`attributed-to`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Rel::Uses => "uses",
            Rel::Mitigates => "mitigates",
            Rel::Detects => "detects",
            Rel::AttributedTo => "attributed-to",
            Rel::Targets => "targets",
        }
    }

    /// The STIX `relationship_type`.
    #[must_use]
    pub fn from_stix(t: &str) -> Option<Rel> {
        Some(match t {
            "uses" => Rel::Uses,
            "mitigates" => Rel::Mitigates,
            "detects" => Rel::Detects,
            "attributed-to" => Rel::AttributedTo,
            "targets" => Rel::Targets,
            _ => return None,
        })
    }
}

/// A relationship that counts: itself active and both ends active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The relationship type.
    pub rel: Rel,
    /// Where it starts.
    pub source: Node,
    /// Where it ends.
    pub target: Node,
    /// Where its description (for `uses`, the procedure example) is in the knowledge base's
    /// edge texts: see `KnowledgeBase::edge_text`.
    pub text: u32,
}

/// `malware` or `tool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SoftwareType {
    /// `malware`.
    Malware,
    /// `tool`.
    Tool,
}

impl SoftwareType {
    /// `malware` or `tool`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SoftwareType::Malware => "malware",
            SoftwareType::Tool => "tool",
        }
    }
}

/// A matrix and its tactics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Matrix {
    /// Common fields.
    pub meta: Meta,
    /// Tactic indexes (see [`KnowledgeBase::tactic_at`](super::KnowledgeBase::tactic_at)), in order.
    pub tactics: Vec<u32>,
}

/// A group (`intrusion-set`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    /// Common fields.
    pub meta: Meta,
    /// Other names, as published (the first is usually the name itself).
    pub aliases: Vec<Str>,
}

/// A piece of software (`malware` or `tool`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Software {
    /// Common fields.
    pub meta: Meta,
    /// Malware or tool.
    pub software_type: SoftwareType,
    /// Other names (`x_mitre_aliases`).
    pub aliases: Vec<Str>,
    /// Platforms.
    pub platforms: Vec<Str>,
}

/// A campaign.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Campaign {
    /// Common fields.
    pub meta: Meta,
    /// Other names.
    pub aliases: Vec<Str>,
    /// First seen (RFC 3339).
    pub first_seen: Option<Str>,
    /// Last seen (RFC 3339).
    pub last_seen: Option<Str>,
}

/// A mitigation (`course-of-action`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mitigation {
    /// Common fields.
    pub meta: Meta,
}

/// A data source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataSource {
    /// Common fields.
    pub meta: Meta,
    /// Platforms.
    pub platforms: Vec<Str>,
    /// Indexes of its data components.
    pub components: Vec<u32>,
}

/// A log source: where a data component's events come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSource {
    /// The log source name (`WinEventLog:Security`).
    pub name: Str,
    /// The channel (`EventCode=4688`).
    pub channel: Str,
}

/// A data component.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataComponent {
    /// Common fields (17.x components have no ATT&CK ID: `meta.id` is empty).
    pub meta: Meta,
    /// Index of its data source (17.x).
    pub data_source: Option<u32>,
    /// Its log sources (18.x).
    pub log_sources: Vec<LogSource>,
}

/// A detection strategy (18.x).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DetectionStrategy {
    /// Common fields.
    pub meta: Meta,
    /// Indexes of its analytics, in the published order.
    pub analytics: Vec<u32>,
}

/// One log source an analytic reads, with the data component it feeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnalyticLogSource {
    /// Index of the data component, when the reference resolves.
    pub component: Option<u32>,
    /// The log source name.
    pub name: Str,
    /// The channel.
    pub channel: Str,
}

/// An analytic (18.x): one platform's way of carrying out a detection strategy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Analytic {
    /// Common fields.
    pub meta: Meta,
    /// Platforms.
    pub platforms: Vec<Str>,
    /// The log sources it reads.
    pub log_sources: Vec<AnalyticLogSource>,
    /// Indexes of the detection strategies that list it.
    pub strategies: Vec<u32>,
}

/// An asset (ICS).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asset {
    /// Common fields.
    pub meta: Meta,
    /// Platforms.
    pub platforms: Vec<Str>,
    /// Sectors.
    pub sectors: Vec<Str>,
    /// `x_mitre_related_assets` (names, sectors and descriptions), as a fingerprint for
    /// `attck diff`.
    pub related: super::FieldPrint,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_one_row_whose_spellings_agree() {
        for info in &KINDS {
            assert!(Kind::ALL.contains(&info.kind));
            assert_eq!(info.kind.info().name, info.name);
            if let Some(list) = info.list {
                assert_eq!(list, info.plural.replace(' ', "-"), "{}", info.name);
            }
            if let Some(section) = info.section {
                assert_eq!(section, info.plural.replace(' ', "_"), "{}", info.name);
            }
            for t in info.stix {
                assert_eq!(Kind::from_stix(t), Some(info.kind));
            }
        }
        assert_eq!(Kind::from_stix("relationship"), None);
        assert_eq!(Kind::DetectionStrategy.plural(), "detection strategies");
    }
}
