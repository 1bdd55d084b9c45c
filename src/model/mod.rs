//! The in-memory ATT&CK graph: built once from a bundle, read-only afterwards.
//!
//! Objects live in vectors sorted by ATT&CK ID and refer to each other by index, so the
//! graph has no lifetimes, no reference counting and serialises as plain data.

mod build;
pub mod id;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use id::{Domain, TechniqueId, Version, cmp_ids};

/// Fields every ATT&CK object has.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    /// The STIX id (`attack-pattern--…`).
    pub stix_id: String,
    /// The ATT&CK ID (`T1059`); empty when the object has none.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The description as published (Markdown with citations).
    pub description: String,
    /// The page on attack.mitre.org.
    pub url: Option<String>,
    /// When the object was created (RFC 3339).
    pub created: Option<String>,
    /// When the object was last modified (RFC 3339).
    pub modified: Option<String>,
    /// The object's own version (`x_mitre_version`).
    pub version: Option<String>,
    /// Revoked: replaced by another object (see `revoked_by`).
    pub revoked: bool,
    /// Deprecated: withdrawn without a replacement.
    pub deprecated: bool,
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
    pub shortname: String,
}

/// A technique or sub-technique.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Technique {
    /// Common fields.
    pub meta: Meta,
    /// Platforms as published (`Windows`, `Linux`, …).
    pub platforms: Vec<String>,
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
    technique_ids: HashMap<String, Vec<u32>>,
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
        self.technique_ids
            .get(&id.to_ascii_uppercase())
            .map_or(&[], Vec::as_slice)
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
