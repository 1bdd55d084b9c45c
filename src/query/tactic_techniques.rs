//! `attck tactic <TACTIC>`: the techniques under one tactic, sub-techniques after their parent.

use super::{suggest, technique::TechniqueRow};
use crate::error::Error;
use crate::model::{KnowledgeBase, Technique, Visibility};

/// Filters for technique lists.
#[derive(Debug, Clone, Default)]
pub struct TechniqueFilter {
    /// Keep only techniques on one of these platforms (case-insensitive); empty keeps all.
    pub platforms: Vec<String>,
    /// Leave sub-techniques out.
    pub no_subtechniques: bool,
    /// Which revoked / deprecated techniques to show.
    pub visibility: Visibility,
}

impl TechniqueFilter {
    /// Whether a technique passes the filter.
    #[must_use]
    pub fn accepts(&self, t: &Technique) -> bool {
        self.visibility.shows(&t.meta)
            && !(self.no_subtechniques && t.is_subtechnique)
            && (self.platforms.is_empty()
                || t.platforms
                    .iter()
                    .any(|p| self.platforms.iter().any(|f| f.eq_ignore_ascii_case(p))))
    }
}

/// Resolves a tactic by ID, shortname or name, or says which tactics come closest.
pub fn resolve_tactic(kb: &KnowledgeBase, key: &str) -> Result<u32, Error> {
    if let Some((i, _)) = kb.tactic(key) {
        return Ok(i);
    }
    let candidates = kb.tactics.iter().flat_map(|t| {
        [
            t.meta.id.as_str(),
            t.shortname.as_str(),
            t.meta.name.as_str(),
        ]
    });
    let hints = suggest::closest(key, candidates, 3);
    Err(Error::NotFound(format!(
        "no tactic '{key}' in {}{}",
        kb.label(),
        suggest::did_you_mean(&hints)
    )))
}

/// Finds a tactic by ID, shortname or name, a matrix's first, else one of no active matrix
/// (a deprecated tactic); the index counts as [`KnowledgeBase::tactic_at`] does.
pub fn find_tactic(kb: &KnowledgeBase, key: &str) -> Result<u32, Error> {
    match resolve_tactic(kb, key) {
        Err(e) => kb.unlisted_tactic(key).ok_or(e),
        found => found,
    }
}

/// The techniques under the tactic at `idx` (see [`find_tactic`]) that pass `filter`,
/// sorted by ID (so each sub-technique follows its parent).
#[must_use]
pub fn techniques_under(
    kb: &KnowledgeBase,
    idx: u32,
    filter: &TechniqueFilter,
) -> Vec<TechniqueRow> {
    kb.techniques_under(idx)
        .into_iter()
        .map(|i| &kb.techniques[i as usize])
        .filter(|t| filter.accepts(t))
        .map(|t| TechniqueRow::new(kb, t))
        .collect()
}

/// The techniques under a tactic, sorted by ID (so each sub-technique follows its parent).
pub fn tactic(
    kb: &KnowledgeBase,
    key: &str,
    filter: &TechniqueFilter,
) -> Result<Vec<TechniqueRow>, Error> {
    let idx = find_tactic(kb, key)?;
    Ok(techniques_under(kb, idx, filter))
}
