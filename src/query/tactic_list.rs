//! `attck tactics`: the domain's tactics in matrix order with their technique counts.

use serde::Serialize;

use super::{Cell, TableRow};
use crate::model::KnowledgeBase;

/// One tactic with the number of active techniques and sub-techniques under it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TacticRow {
    /// ATT&CK ID (`TA0002`).
    pub id: String,
    /// Kill-chain shortname (`execution`).
    pub shortname: String,
    /// Name (`Execution`).
    pub name: String,
    /// Description as published.
    pub description: String,
    /// Active techniques (not sub-techniques) in the tactic.
    pub technique_count: usize,
    /// Active sub-techniques in the tactic.
    pub subtechnique_count: usize,
}

/// Every tactic of the matrix, in matrix order.
#[must_use]
pub fn tactics(kb: &KnowledgeBase) -> Vec<TacticRow> {
    let mut counts = vec![(0usize, 0usize); kb.tactics.len()];
    for t in kb.techniques.iter().filter(|t| t.meta.is_active()) {
        for &i in &t.tactics {
            let c = &mut counts[i as usize];
            if t.is_subtechnique {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        }
    }
    kb.tactics
        .iter()
        .zip(counts)
        .map(|(t, (tech, sub))| TacticRow {
            id: t.meta.id.to_string(),
            shortname: t.shortname.to_string(),
            name: t.meta.name.to_string(),
            description: t.meta.description.to_string(),
            technique_count: tech,
            subtechnique_count: sub,
        })
        .collect()
}

impl TableRow for TacticRow {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "Shortname", "Name", "Techniques", "Sub-techniques"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.id.as_str().into(),
            self.shortname.as_str().into(),
            self.name.as_str().into(),
            self.technique_count.to_string().into(),
            self.subtechnique_count.to_string().into(),
        ]
    }
}
