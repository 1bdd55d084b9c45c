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

impl Kind {
    /// Every kind, in the order they are listed.
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

    /// Whether the index cache keeps this kind's objects in its core (decoded when the file
    /// is opened) rather than in a section of their own, decoded on first use.
    #[must_use]
    pub fn in_core(self) -> bool {
        matches!(self, Kind::Matrix | Kind::Tactic | Kind::Technique)
    }

    /// The name used in JSON `type` fields and on the command line: `detection-strategy`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Matrix => "matrix",
            Kind::Tactic => "tactic",
            Kind::Technique => "technique",
            Kind::Group => "group",
            Kind::Software => "software",
            Kind::Campaign => "campaign",
            Kind::Mitigation => "mitigation",
            Kind::DataSource => "data-source",
            Kind::DataComponent => "data-component",
            Kind::DetectionStrategy => "detection-strategy",
            Kind::Analytic => "analytic",
            Kind::Asset => "asset",
        }
    }

    /// The kind of a STIX object type, if attck keeps it.
    #[must_use]
    pub fn from_stix(t: &str) -> Option<Kind> {
        Some(match t {
            "x-mitre-matrix" => Kind::Matrix,
            "x-mitre-tactic" => Kind::Tactic,
            "attack-pattern" => Kind::Technique,
            "intrusion-set" => Kind::Group,
            "malware" | "tool" => Kind::Software,
            "campaign" => Kind::Campaign,
            "course-of-action" => Kind::Mitigation,
            "x-mitre-data-source" => Kind::DataSource,
            "x-mitre-data-component" => Kind::DataComponent,
            "x-mitre-detection-strategy" => Kind::DetectionStrategy,
            "x-mitre-analytic" => Kind::Analytic,
            "x-mitre-asset" => Kind::Asset,
            _ => return None,
        })
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
}
