//! The in-memory ATT&CK graph: built once from a bundle, read-only afterwards.
//!
//! Objects live in vectors sorted by ATT&CK ID and refer to each other by index, so the
//! graph has no lifetimes, no reference counting and serialises as plain data.

mod build;
pub mod cache;
pub mod graph;
pub mod id;
pub mod lazy;
pub mod search_index;
pub mod string;
pub mod text;
pub mod texts;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use graph::{
    Analytic, AnalyticLogSource, Asset, Campaign, DataComponent, DataSource, DetectionStrategy,
    Edge, Group, KINDS, Kind, KindInfo, LogSource, Matrix, Mitigation, Node, Rel, Software,
    SoftwareType,
};
pub use id::{Domain, TechniqueId, Version, cmp_ids};
pub use search_index::SearchIndex;
pub use string::{Lookup, Str};
pub use texts::Texts;

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

/// What a text field of the bundle held, kept as a fingerprint: enough to tell whether the
/// field is there, empty or changed between two versions, without keeping its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FieldPrint {
    /// The field is not in the object.
    #[default]
    Absent,
    /// The field is there but empty (`""` or `[]`).
    Empty,
    /// The field holds text with this 64-bit FNV-1a hash.
    Text(u64),
}

impl FieldPrint {
    /// The fingerprint of an optional string field.
    #[must_use]
    pub fn of_text(v: Option<&str>) -> FieldPrint {
        match v {
            None => FieldPrint::Absent,
            Some("") => FieldPrint::Empty,
            Some(s) => FieldPrint::Text(fnv1a(s.as_bytes(), FNV_OFFSET)),
        }
    }

    /// The fingerprint of an optional list of strings (order matters).
    #[must_use]
    pub fn of_list<S: std::ops::Deref<Target = str>>(v: Option<&[S]>) -> FieldPrint {
        match v {
            None => FieldPrint::Absent,
            Some([]) => FieldPrint::Empty,
            Some(items) => FieldPrint::Text(items.iter().fold(FNV_OFFSET, |h, s| {
                // A separator no bundle string holds keeps ["ab"] apart from ["a", "b"].
                fnv1a(&[0], fnv1a(s.as_bytes(), h))
            })),
        }
    }

    /// The same value: equal text, or no value on both sides (absent and empty are alike).
    #[must_use]
    pub fn same_value(self, other: FieldPrint) -> bool {
        self == other || (!self.has_value() && !other.has_value())
    }

    /// Holds something (neither absent nor empty).
    #[must_use]
    pub fn has_value(self) -> bool {
        matches!(self, FieldPrint::Text(_))
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: tiny, stable across Rust releases and platforms (unlike `DefaultHasher`), so
/// fingerprints may be cached on disk.
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Technique fields attck does not show but `attck diff` compares, to tell a content edit from
/// a change of MITRE's data model (in 18.x `x_mitre_detection` is emptied and
/// `x_mitre_data_sources` removed on every technique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TechniquePrints {
    /// `x_mitre_detection`: the detection advice of 17.x and older.
    pub detection: FieldPrint,
    /// `x_mitre_data_sources`: `"Source: Component"` strings of 17.x and older.
    pub data_sources: FieldPrint,
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
    pub(crate) edge_texts: Texts,
    /// ATT&CK ID and name of every object of the kinds outside the core, two strings per
    /// object in [`Kind::ALL`] order (a cache section read one string at a time), so naming
    /// a group or a mitigation does not decode every group or mitigation. `None` after a
    /// parse, where the objects themselves are at hand.
    #[serde(skip)]
    pub(crate) names: Option<Texts>,
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

/// One edge as 16 bytes: type, source kind, target kind, a zero, then the source index,
/// target index and text number as little-endian `u32`s; kinds are positions in [`Kind::ALL`].
const EDGE_BYTES: usize = 16;

impl Serialize for Edges {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut b = Vec::with_capacity(4 + self.list.len() * (EDGE_BYTES + 4));
        b.extend_from_slice(&(self.list.len() as u32).to_le_bytes());
        for e in &self.list {
            let rel = Rel::ALL.iter().position(|&r| r == e.rel).unwrap_or(0);
            b.extend_from_slice(&[
                rel as u8,
                kind_at(e.source.kind) as u8,
                kind_at(e.target.kind) as u8,
                0,
            ]);
            for v in [e.source.index, e.target.index, e.text] {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        for &i in &self.incoming {
            b.extend_from_slice(&i.to_le_bytes());
        }
        s.serialize_bytes(&b)
    }
}

impl Edges {
    /// Reads the byte form written by `Serialize`; `None` if it is malformed.
    fn from_bytes(b: &[u8]) -> Option<Edges> {
        let n = texts::u32_at(b, 0)? as usize;
        let records = n.checked_mul(EDGE_BYTES)?;
        if b.len() != 4 + records + n.checked_mul(4)? {
            return None;
        }
        let mut list = Vec::with_capacity(n);
        for r in b[4..4 + records].chunks_exact(EDGE_BYTES) {
            let kind = |k: u8| Kind::ALL.get(k as usize).copied();
            let at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
            list.push(Edge {
                rel: *Rel::ALL.get(r[0] as usize)?,
                source: Node::new(kind(r[1])?, at(4)),
                target: Node::new(kind(r[2])?, at(8)),
                text: at(12),
            });
        }
        let incoming = b[4 + records..]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Some(Edges { list, incoming })
    }
}

impl<'de> Deserialize<'de> for Edges {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Edges;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("edges as bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Edges, E> {
                Edges::from_bytes(b).ok_or_else(|| E::custom("malformed edges"))
            }
        }
        d.deserialize_bytes(Bytes)
    }
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

fn node_fits(n: Node, counts: &[usize; 12]) -> bool {
    (n.index as usize) < counts[kind_at(n.kind)]
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
    /// Reads and builds a knowledge base from a bundle file.
    ///
    /// `expected` is the domain the caller asked for; it is used only when the bundle does not
    /// say which domain it holds.
    pub fn open(path: &Path, expected: Option<Domain>) -> Result<KnowledgeBase> {
        let bytes = crate::store::read_bundle_bytes(path)?;
        KnowledgeBase::from_bytes(&bytes, path, expected)
    }

    /// Builds a knowledge base from bundle bytes; `path` names them in errors and, when the
    /// bundle does not say, gives the domain and version by its file name.
    pub fn from_bytes(
        bytes: &[u8],
        path: &Path,
        expected: Option<Domain>,
    ) -> Result<KnowledgeBase> {
        let bundle = crate::stix::parse_bundle(bytes)
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

    /// Checks that every link points inside the knowledge base, so no query can index out of
    /// bounds. Built knowledge bases always pass; a decoded cache file might not.
    pub fn check(&self) -> Result<(), String> {
        let n_tactics = self.count(Kind::Tactic);
        let n_tech = self.techniques.len();
        let node_ok = |n: Node| (n.index as usize) < self.count(n.kind);
        let all_below = |v: &[u32], n: usize| v.iter().all(|&i| (i as usize) < n);
        let bad = |what: &str| Err(format!("a {what} link points outside the knowledge base"));
        for t in &self.techniques {
            if !all_below(&t.tactics, self.tactics.len())
                || !all_below(&t.children, n_tech)
                || t.parent.is_some_and(|p| p as usize >= n_tech)
                || t.revoked_by.is_some_and(|p| p as usize >= n_tech)
                || !all_below(&t.data_components, self.count(Kind::DataComponent))
            {
                return bad("technique");
            }
        }
        if !self
            .matrices
            .iter()
            .all(|m| all_below(&m.tactics, n_tactics))
        {
            return bad("matrix");
        }
        if self.count(Kind::Technique) != n_tech
            || self.count(Kind::Matrix) != self.matrices.len()
            || self.count(Kind::Tactic) != self.tactics.len() + self.unlisted_tactics.len()
        {
            return bad("size");
        }
        if !self
            .revocations
            .iter()
            .all(|&(a, b)| node_ok(a) && node_ok(b))
        {
            return bad("relationship");
        }
        if !self.unlisted_members.iter().all(|&(a, t)| {
            (a as usize) >= self.tactics.len()
                && (a as usize) < self.count(Kind::Tactic)
                && (t as usize) < n_tech
        }) || !self.unlisted_members.is_sorted()
        {
            return bad("tactic");
        }
        if !self.technique_ids.check(|&i| (i as usize) < n_tech) {
            return bad("lookup");
        }
        Ok(())
    }

    /// How many objects of each kind there are (in [`Kind::ALL`] order), for checking the
    /// parts that are decoded later.
    #[must_use]
    pub fn counts(&self) -> [usize; 12] {
        Kind::ALL.map(|k| self.count(k))
    }

    /// Whether every edge and the target index point inside a knowledge base of `counts`
    /// with `texts` edge descriptions.
    #[must_use]
    pub fn edges_fit(edges: &Edges, counts: &[usize; 12], texts: usize) -> bool {
        let ok = |n: Node| node_fits(n, counts);
        edges
            .list
            .iter()
            .all(|e| ok(e.source) && ok(e.target) && (e.text as usize) < texts)
            && edges.incoming.len() == edges.list.len()
            && edges
                .incoming
                .iter()
                .all(|&i| (i as usize) < edges.list.len())
    }

    /// Whether decoded data sources and data components fit `counts` and each other.
    #[must_use]
    pub fn sources_fit(sources: &[DataSource], counts: &[usize; 12]) -> bool {
        sources.len() == counts[kind_at(Kind::DataSource)]
            && sources.iter().all(|d| {
                d.components
                    .iter()
                    .all(|&c| (c as usize) < counts[kind_at(Kind::DataComponent)])
            })
    }

    /// Whether decoded data components fit `counts`.
    #[must_use]
    pub fn components_fit(components: &[DataComponent], counts: &[usize; 12]) -> bool {
        components.len() == counts[kind_at(Kind::DataComponent)]
            && components.iter().all(|c| {
                c.data_source
                    .is_none_or(|d| (d as usize) < counts[kind_at(Kind::DataSource)])
            })
    }

    /// Whether decoded detection strategies fit `counts`.
    #[must_use]
    pub fn strategies_fit(strategies: &[DetectionStrategy], counts: &[usize; 12]) -> bool {
        strategies.len() == counts[kind_at(Kind::DetectionStrategy)]
            && strategies.iter().all(|d| {
                d.analytics
                    .iter()
                    .all(|&a| (a as usize) < counts[kind_at(Kind::Analytic)])
            })
    }

    /// Whether decoded analytics fit `counts`.
    #[must_use]
    pub fn analytics_fit(analytics: &[Analytic], counts: &[usize; 12]) -> bool {
        analytics.len() == counts[kind_at(Kind::Analytic)]
            && analytics.iter().all(|a| {
                a.strategies
                    .iter()
                    .all(|&s| (s as usize) < counts[kind_at(Kind::DetectionStrategy)])
                    && a.log_sources.iter().all(|l| {
                        l.component
                            .is_none_or(|c| (c as usize) < counts[kind_at(Kind::DataComponent)])
                    })
            })
    }

    /// Whether every lookup points inside a knowledge base of `counts`.
    #[must_use]
    pub fn lookups_fit(lookups: &Lookups, counts: &[usize; 12]) -> bool {
        lookups.ids.check(|&n| node_fits(n, counts))
            && lookups.names.check(|h| node_fits(h.node, counts))
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
