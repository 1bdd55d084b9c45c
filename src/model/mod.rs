//! The in-memory ATT&CK graph: built once from a bundle, read-only afterwards.
//!
//! Objects live in vectors sorted by ATT&CK ID and refer to each other by index, so the
//! graph has no lifetimes, no reference counting and serialises as plain data.

mod build;
pub mod cache_format;
pub mod fingerprint;
pub mod graph;
pub mod lazy;
pub mod plain_text;
pub mod search_index;
pub mod string;
pub mod string_table;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use crate::ids::{Domain, TechniqueId, Version, cmp_ids, version_from_file_name};
pub use fingerprint::{FieldPrint, TechniquePrints};
pub use graph::{
    Analytic, AnalyticLogSource, Asset, Campaign, DataComponent, DataSource, DetectionStrategy,
    Edge, Group, KINDS, Kind, KindInfo, LogSource, Matrix, Mitigation, Node, Rel, Software,
    SoftwareType,
};
pub use search_index::SearchIndex;
pub use string::{Lookup, Str};
pub use string_table::StringTable;

/// Fields every ATT&CK object has.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    /// The STIX id (`attack-pattern--…`).
    pub stix_id: Str,
    /// The ATT&CK ID (`T1059`); empty when the object has none.
    pub id: Str,
    /// The display name.
    pub name: Str,
    /// The description as published (Markdown with citations).
    pub description: Str,
    /// The page on attack.mitre.org.
    pub url: Option<Str>,
    /// When the object was created (RFC 3339).
    pub created: Option<Str>,
    /// When the object was last modified (RFC 3339).
    pub modified: Option<Str>,
    /// The object's own version (`x_mitre_version`).
    pub version: Option<Str>,
    /// Revoked: replaced by another object (see `revoked_by`).
    pub revoked: bool,
    /// Deprecated: withdrawn without a replacement.
    pub deprecated: bool,
    /// The domains the object says it belongs to (`x_mitre_domains`).
    pub domains: Vec<Domain>,
}

impl Meta {
    /// Neither revoked nor deprecated.
    #[must_use]
    pub fn is_active(&self) -> bool {
        !self.revoked && !self.deprecated
    }
}

/// A tactic: a column of the matrix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tactic {
    /// Common fields.
    pub meta: Meta,
    /// The kill-chain phase name techniques refer to (`execution`).
    pub shortname: Str,
}

/// A technique or sub-technique.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Technique {
    /// Common fields.
    pub meta: Meta,
    /// Platforms as published (`Windows`, `Linux`, …).
    pub platforms: Vec<Str>,
    /// Indexes into [`KnowledgeBase::tactics`], in matrix order.
    pub tactics: Vec<u32>,
    /// Marked `x_mitre_is_subtechnique`.
    pub is_subtechnique: bool,
    /// Index of the parent technique, for sub-techniques.
    pub parent: Option<u32>,
    /// Indexes of the sub-techniques (every state), sorted by ID.
    pub children: Vec<u32>,
    /// Index of the technique that replaced this one, when revoked.
    pub revoked_by: Option<u32>,
    /// Fingerprints of bundle fields kept only for comparing versions (`attck diff`).
    pub prints: TechniquePrints,
    /// Data components that help detect it, sorted: through `detects` (17.x) or through its
    /// detection strategies' analytics (18.x). Kept here so a lookup need not read analytics.
    #[serde(default)]
    pub data_components: Vec<u32>,
}

/// Numbers about the load, for diagnostics.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoadStats {
    /// Objects in the bundle.
    pub objects: usize,
    /// Relationships whose source or target is not in the bundle.
    pub dangling_refs: usize,
    /// Objects dropped because a newer object had the same STIX id.
    pub duplicates: usize,
}

/// One ATT&CK domain at one version, loaded from one bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KnowledgeBase {
    /// The domain the bundle holds.
    pub domain: Domain,
    /// The ATT&CK version, from the collection object or the file name.
    pub attack_version: Option<String>,
    /// The bundle file this was loaded from.
    pub source: PathBuf,
    /// Tactics in matrix order.
    pub tactics: Vec<Tactic>,
    /// Techniques and sub-techniques, sorted by ATT&CK ID.
    pub techniques: Vec<Technique>,
    /// Load diagnostics.
    pub stats: LoadStats,
    /// Problems worth telling the user about (shown on stderr unless quiet).
    pub warnings: Vec<String>,
    /// Tactics of no active matrix (deprecated ones), sorted by ID; see [`Self::tactic_at`].
    pub unlisted_tactics: Vec<Tactic>,
    /// Matrices (mobile has two with the same ATT&CK ID), sorted by ID.
    pub matrices: Vec<Matrix>,
    /// Groups, sorted by ATT&CK ID.
    #[serde(skip)]
    pub groups: lazy::Lazy<Vec<Group>>,
    /// Software (malware and tools), sorted by ATT&CK ID.
    #[serde(skip)]
    pub software: lazy::Lazy<Vec<Software>>,
    /// Campaigns, sorted by ATT&CK ID.
    #[serde(skip)]
    pub campaigns: lazy::Lazy<Vec<Campaign>>,
    /// Mitigations, sorted by ATT&CK ID.
    #[serde(skip)]
    pub mitigations: lazy::Lazy<Vec<Mitigation>>,
    /// Data sources, sorted by ATT&CK ID.
    #[serde(skip)]
    pub data_sources: lazy::Lazy<Vec<DataSource>>,
    /// Data components, sorted by ATT&CK ID (17.x: no IDs, sorted by name).
    #[serde(skip)]
    pub data_components: lazy::Lazy<Vec<DataComponent>>,
    /// Detection strategies (18.x), sorted by ATT&CK ID.
    #[serde(skip)]
    pub detection_strategies: lazy::Lazy<Vec<DetectionStrategy>>,
    /// Analytics (18.x), sorted by ATT&CK ID.
    #[serde(skip)]
    pub analytics: lazy::Lazy<Vec<Analytic>>,
    /// Assets (ICS), sorted by ATT&CK ID.
    #[serde(skip)]
    pub assets: lazy::Lazy<Vec<Asset>>,
    /// How many objects of each kind (in [`Kind::ALL`] order), known without decoding the
    /// parts of a cached knowledge base that hold them.
    sizes: [u32; 12],
    /// Raw `revoked-by` links (source, replacement), sorted.
    revocations: Vec<(Node, Node)>,
    /// Techniques whose kill-chain phases name a tactic of no active matrix (a deprecated
    /// one), as (tactic index, technique index) pairs, sorted; the tactic index counts as
    /// [`Self::tactic_at`] does. (A technique's `tactics` hold only the matrices' tactics.)
    #[serde(default)]
    unlisted_members: Vec<(u32, u32)>,
    technique_ids: Lookup<u32>,
    /// Relationships that count (a cache section of its own, decoded on first use).
    #[serde(skip)]
    pub(crate) edges: lazy::Lazy<Edges>,
    /// The relationships' descriptions, numbered by [`Edge::text`] (a cache section read one
    /// string at a time).
    #[serde(skip)]
    pub(crate) edge_texts: StringTable,
    /// ATT&CK ID and name of every object of the kinds outside the core, two strings per
    /// object in [`Kind::ALL`] order (a cache section read one string at a time), so naming
    /// a group or a mitigation does not decode every group or mitigation. `None` after a
    /// parse, where the objects themselves are at hand.
    #[serde(skip)]
    pub(crate) names: Option<StringTable>,
    /// ID and name lookups over every kind (a cache section of its own, decoded on first use).
    #[serde(skip)]
    pub(crate) lookups: lazy::Lazy<Lookups>,
    /// The search index (a cache section of its own, checked on first use; built on first
    /// use after a parse).
    #[serde(skip)]
    pub(crate) search: SearchIndex,
}

/// The relationships that count, and their index by target.
///
/// Serialised as one byte string of fixed-width records rather than field by field: decoding
/// 20,000 edges through serde was a third of a cached technique lookup.
#[derive(Debug, Clone, Default)]
pub struct Edges {
    /// Sorted by (source, type, target).
    pub(crate) list: Vec<Edge>,
    /// Indexes into `list`, sorted by (target, type, source).
    pub(crate) incoming: Vec<u32>,
}

/// Lookups by ATT&CK ID and by name over every kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lookups {
    /// Upper-case ATT&CK ID → objects, active ones first.
    pub(crate) ids: Lookup<Node>,
    /// Lower-case name or alias → objects.
    pub(crate) names: Lookup<NameHit>,
}

/// The position of a kind in [`Kind::ALL`] (and so in `counts` arrays).
#[must_use]
pub fn kind_at(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}

/// An object found by name or alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameHit {
    /// The object.
    pub node: Node,
    /// Found through an alias rather than its name.
    pub alias: bool,
}

/// Which inactive objects a list or search shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Visibility {
    /// Show revoked objects.
    pub include_revoked: bool,
    /// Show deprecated objects.
    pub include_deprecated: bool,
}

impl Visibility {
    /// Whether an object with these fields is shown.
    #[must_use]
    pub fn shows(self, meta: &Meta) -> bool {
        (!meta.revoked || self.include_revoked) && (!meta.deprecated || self.include_deprecated)
    }
}

impl KnowledgeBase {
    /// Builds a knowledge base from bundle bytes (UTF-8, or UTF-16 with a byte-order mark);
    /// `path` names them in errors and, when the bundle does not say, gives the domain and
    /// version by its file name. The model reads no file: the loader (`crate::load`) does.
    pub fn from_bytes(
        bytes: &[u8],
        path: &Path,
        expected: Option<Domain>,
    ) -> Result<KnowledgeBase> {
        // A bundle saved with a byte-order mark, or as UTF-16, reads like any other.
        let bytes = crate::encoding::to_utf8_slice(bytes);
        let bundle = crate::stix::parse_bundle(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        KnowledgeBase::from_bundle(bundle, path, expected)
            .with_context(|| format!("cannot load {}", path.display()))
    }

    /// Builds a knowledge base from a parsed bundle; `name`'s file name gives the domain and
    /// version when the bundle does not say. Errors carry no file name.
    pub fn from_bundle(
        bundle: crate::stix::Bundle,
        name: &Path,
        expected: Option<Domain>,
    ) -> Result<KnowledgeBase> {
        build::build(bundle, name, expected)
    }

    /// The domain and version as people write it: `enterprise-attack 18.1`.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.attack_version {
            Some(v) => format!("{} {v}", self.domain),
            None => format!("{} (version unknown)", self.domain),
        }
    }

    /// Every technique carrying this ATT&CK ID (usually one), active ones first.
    #[must_use]
    pub fn techniques_with_id(&self, id: &str) -> &[u32] {
        self.technique_ids.get(&id.to_ascii_uppercase())
    }

    /// The technique with this ATT&CK ID, preferring an active one.
    #[must_use]
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques_with_id(id)
            .first()
            .map(|&i| &self.techniques[i as usize])
    }

    /// The tactic with this ID, shortname or name (case-insensitive).
    #[must_use]
    pub fn tactic(&self, key: &str) -> Option<(u32, &Tactic)> {
        let k = key.trim();
        let norm = |s: &str| s.to_ascii_lowercase().replace([' ', '_'], "-");
        self.tactics
            .iter()
            .enumerate()
            .find(|(_, t)| {
                t.meta.id.eq_ignore_ascii_case(k)
                    || t.shortname.eq_ignore_ascii_case(k)
                    || norm(&t.meta.name) == norm(k)
            })
            .map(|(i, t)| (i as u32, t))
    }

    /// The tactic of no active matrix (a deprecated one) with this ID, shortname or name
    /// (case-insensitive), as an index counted as [`Self::tactic_at`] does.
    #[must_use]
    pub fn unlisted_tactic(&self, key: &str) -> Option<u32> {
        let k = key.trim();
        let norm = |s: &str| s.to_ascii_lowercase().replace([' ', '_'], "-");
        self.unlisted_tactics
            .iter()
            .position(|t| {
                t.meta.id.eq_ignore_ascii_case(k)
                    || t.shortname.eq_ignore_ascii_case(k)
                    || norm(&t.meta.name) == norm(k)
            })
            .map(|i| (self.tactics.len() + i) as u32)
    }

    /// Indexes of the techniques under the tactic at `i` (counted as [`Self::tactic_at`]
    /// does), every state, in ID order.
    #[must_use]
    pub fn techniques_under(&self, i: u32) -> Vec<u32> {
        if (i as usize) < self.tactics.len() {
            return (0..self.techniques.len() as u32)
                .filter(|&t| self.techniques[t as usize].tactics.contains(&i))
                .collect();
        }
        let lo = self.unlisted_members.partition_point(|&(a, _)| a < i);
        let hi = self.unlisted_members.partition_point(|&(a, _)| a <= i);
        self.unlisted_members[lo..hi]
            .iter()
            .map(|&(_, t)| t)
            .collect()
    }

    /// The tactic at an index: [`Self::tactics`] first, then [`Self::unlisted_tactics`].
    #[must_use]
    pub fn tactic_at(&self, i: u32) -> &Tactic {
        let i = i as usize;
        self.tactics
            .get(i)
            .unwrap_or_else(|| &self.unlisted_tactics[i - self.tactics.len()])
    }

    /// How many objects of a kind there are (every state).
    #[must_use]
    pub fn count(&self, kind: Kind) -> usize {
        self.sizes[kind_at(kind)] as usize
    }

    /// Records how many objects of each kind there are (after building).
    pub(crate) fn record_sizes(&mut self) {
        let len = |k: Kind| -> usize {
            match k {
                Kind::Matrix => self.matrices.len(),
                Kind::Tactic => self.tactics.len() + self.unlisted_tactics.len(),
                Kind::Technique => self.techniques.len(),
                Kind::Group => self.groups.len(),
                Kind::Software => self.software.len(),
                Kind::Campaign => self.campaigns.len(),
                Kind::Mitigation => self.mitigations.len(),
                Kind::DataSource => self.data_sources.len(),
                Kind::DataComponent => self.data_components.len(),
                Kind::DetectionStrategy => self.detection_strategies.len(),
                Kind::Analytic => self.analytics.len(),
                Kind::Asset => self.assets.len(),
            }
        };
        self.sizes = Kind::ALL.map(|k| len(k) as u32);
    }

    /// Every object of a kind, in ID order (tactics: matrix order, then unlisted ones).
    pub fn nodes(&self, kind: Kind) -> impl Iterator<Item = Node> + use<> {
        (0..self.count(kind) as u32).map(move |i| Node::new(kind, i))
    }

    /// The common fields of any object.
    #[must_use]
    pub fn meta(&self, n: Node) -> &Meta {
        let i = n.index as usize;
        match n.kind {
            Kind::Matrix => &self.matrices[i].meta,
            Kind::Tactic => &self.tactic_at(n.index).meta,
            Kind::Technique => &self.techniques[i].meta,
            Kind::Group => &self.groups[i].meta,
            Kind::Software => &self.software[i].meta,
            Kind::Campaign => &self.campaigns[i].meta,
            Kind::Mitigation => &self.mitigations[i].meta,
            Kind::DataSource => &self.data_sources[i].meta,
            Kind::DataComponent => &self.data_components[i].meta,
            Kind::DetectionStrategy => &self.detection_strategies[i].meta,
            Kind::Analytic => &self.analytics[i].meta,
            Kind::Asset => &self.assets[i].meta,
        }
    }

    /// The aliases of a group, software or campaign (empty for other kinds).
    #[must_use]
    pub fn aliases(&self, n: Node) -> &[Str] {
        let i = n.index as usize;
        match n.kind {
            Kind::Group => &self.groups[i].aliases,
            Kind::Software => &self.software[i].aliases,
            Kind::Campaign => &self.campaigns[i].aliases,
            _ => &[],
        }
    }

    /// The description of an edge (for `uses`, the procedure example); may be empty.
    #[must_use]
    pub fn edge_text(&self, e: &Edge) -> &str {
        self.edge_texts.get(e.text as usize)
    }

    /// The ATT&CK ID (empty when it has none) and name of an object, without decoding its
    /// kind's objects from the cache.
    #[must_use]
    pub fn id_and_name(&self, n: Node) -> (&str, &str) {
        match (&self.names, n.kind) {
            (Some(names), kind) if !kind.in_core() => {
                let at = 2 * self.names_before(kind) + 2 * n.index as usize;
                (names.get(at), names.get(at + 1))
            }
            _ => {
                let m = self.meta(n);
                (m.id.as_str(), m.name.as_str())
            }
        }
    }

    /// How many objects of the kinds outside the core come before `kind`'s in [`Kind::ALL`].
    fn names_before(&self, kind: Kind) -> usize {
        Kind::ALL
            .iter()
            .take_while(|&&k| k != kind)
            .filter(|k| !k.in_core())
            .map(|&k| self.count(k))
            .sum()
    }

    /// ID and name of every object of the kinds outside the core, in the order
    /// [`Self::id_and_name`] reads them from the cache.
    pub(crate) fn names_table(&self) -> Vec<&str> {
        let mut v = Vec::new();
        for k in Kind::ALL {
            if !k.in_core() {
                for n in self.nodes(k) {
                    let m = self.meta(n);
                    v.push(m.id.as_str());
                    v.push(m.name.as_str());
                }
            }
        }
        v
    }

    /// Every relationship that counts, sorted by (source, type, target).
    #[must_use]
    pub fn edges(&self) -> &[Edge] {
        &self.edges.get().list
    }

    /// Edges that start at `n`, sorted by (type, target).
    #[must_use]
    pub fn out_edges(&self, n: Node) -> &[Edge] {
        let edges = self.edges();
        let lo = edges.partition_point(|e| e.source < n);
        let hi = edges.partition_point(|e| e.source <= n);
        &edges[lo..hi]
    }

    /// Edges that end at `n`, sorted by (type, source).
    pub fn in_edges(&self, n: Node) -> impl Iterator<Item = &Edge> {
        let Edges { list, incoming } = self.edges.get();
        let lo = incoming.partition_point(|&e| list[e as usize].target < n);
        let hi = incoming.partition_point(|&e| list[e as usize].target <= n);
        incoming[lo..hi].iter().map(|&e| &list[e as usize])
    }

    /// Indexes of the `kind` objects `n` points at through `rel`, sorted and unique.
    #[must_use]
    pub fn targets(&self, n: Node, rel: Rel, kind: Kind) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .out_edges(n)
            .iter()
            .filter(|e| e.rel == rel && e.target.kind == kind)
            .map(|e| e.target.index)
            .collect();
        v.dedup();
        v
    }

    /// Indexes of the `kind` objects pointing at `n` through `rel`, sorted and unique.
    #[must_use]
    pub fn sources(&self, n: Node, rel: Rel, kind: Kind) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .in_edges(n)
            .filter(|e| e.rel == rel && e.source.kind == kind)
            .map(|e| e.source.index)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every object with this ATT&CK ID (any kind), active ones first.
    #[must_use]
    pub fn nodes_with_id(&self, id: &str) -> &[Node] {
        self.lookups.get().ids.get(&id.trim().to_ascii_uppercase())
    }

    /// Every object with this name or alias (case-insensitive).
    #[must_use]
    pub fn nodes_named(&self, name: &str) -> &[NameHit] {
        self.lookups.get().names.get(&name.trim().to_lowercase())
    }

    /// Every ATT&CK ID, name and alias, for did-you-mean suggestions.
    pub fn lookup_keys(&self) -> impl Iterator<Item = &str> {
        Kind::ALL.into_iter().flat_map(move |k| {
            self.nodes(k).flat_map(move |n| {
                let m = self.meta(n);
                [m.id.as_str(), m.name.as_str()]
                    .into_iter()
                    .chain(self.aliases(n).iter().map(Str::as_str))
            })
        })
    }

    /// The object named by `n`'s `revoked-by` relationship, if any.
    #[must_use]
    pub fn revoked_by(&self, n: Node) -> Option<Node> {
        let i = self.revocations.partition_point(|(s, _)| *s < n);
        self.revocations
            .get(i)
            .filter(|(s, _)| *s == n)
            .map(|(_, r)| *r)
    }

    /// Follows `revoked-by` links from a revoked object to the first replacement that is not
    /// itself revoked (or the last link of the chain).
    #[must_use]
    pub fn replacement_of(&self, n: Node) -> Option<Node> {
        let mut cur = self.revoked_by(n)?;
        for _ in 0..16 {
            match self.revoked_by(cur) {
                Some(next) if self.meta(cur).revoked => cur = next,
                _ => return Some(cur),
            }
        }
        Some(cur)
    }

    /// Techniques a data component helps detect: its own `detects` relationships (17.x) and,
    /// in 18.x, those of the detection strategies whose analytics read it. Sorted, unique.
    #[must_use]
    pub fn techniques_detected_by_component(&self, dc: u32) -> Vec<u32> {
        let node = Node::new(Kind::DataComponent, dc);
        let mut v = self.targets(node, Rel::Detects, Kind::Technique);
        for s in self.strategies_reading_component(dc) {
            v.extend(self.targets(
                Node::new(Kind::DetectionStrategy, s),
                Rel::Detects,
                Kind::Technique,
            ));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Analytics that read a data component (18.x), sorted.
    #[must_use]
    pub fn analytics_reading_component(&self, dc: u32) -> Vec<u32> {
        self.analytics
            .iter()
            .enumerate()
            .filter(|(_, a)| a.log_sources.iter().any(|l| l.component == Some(dc)))
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// Detection strategies with an analytic that reads a data component (18.x), sorted.
    #[must_use]
    pub fn strategies_reading_component(&self, dc: u32) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .analytics_reading_component(dc)
            .into_iter()
            .flat_map(|a| self.analytics[a as usize].strategies.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Follows `revoked-by` links to the first active replacement (or the last link).
    #[must_use]
    pub fn replacement(&self, technique: &Technique) -> Option<&Technique> {
        let mut cur = technique.revoked_by?;
        for _ in 0..16 {
            let t = &self.techniques[cur as usize];
            match t.revoked_by {
                Some(next) if t.meta.revoked => cur = next,
                _ => return Some(t),
            }
        }
        Some(&self.techniques[cur as usize])
    }
}
