//! Matching: which object of NEW each object of OLD is. Same STIX id first, then (among the
//! objects left) the same ATT&CK ID, an active one preferred.

use std::collections::HashMap;

use crate::model::{Kind, KnowledgeBase, Node};

/// For each OLD object of `kind`, the NEW object it matches: same STIX id, else (among the
/// objects left) the same ATT&CK ID, an active one preferred.
pub(crate) fn match_kind(old: &KnowledgeBase, new: &KnowledgeBase, kind: Kind) -> Vec<Option<u32>> {
    let by_stix: HashMap<&str, u32> = new
        .nodes(kind)
        .map(|n| (new.meta(n).stix_id.as_str(), n.index))
        .collect();
    let mut taken = vec![false; new.count(kind)];
    let mut m: Vec<Option<u32>> = old
        .nodes(kind)
        .map(|n| by_stix.get(old.meta(n).stix_id.as_str()).copied())
        .collect();
    for &i in m.iter().flatten() {
        taken[i as usize] = true;
    }
    let mut by_id: HashMap<String, Vec<u32>> = HashMap::new();
    for n in new.nodes(kind) {
        let id = &new.meta(n).id;
        if !taken[n.index as usize] && !id.is_empty() {
            by_id
                .entry(id.to_ascii_uppercase())
                .or_default()
                .push(n.index);
        }
    }
    for (i, slot) in m.iter_mut().enumerate() {
        let id = &old.meta(Node::new(kind, i as u32)).id;
        if slot.is_some() || id.is_empty() {
            continue;
        }
        let Some(cands) = by_id.get(&id.to_ascii_uppercase()) else {
            continue;
        };
        let free = |c: &&u32| !taken[**c as usize];
        let pick = cands
            .iter()
            .filter(free)
            .find(|&&c| new.meta(Node::new(kind, c)).is_active())
            .or_else(|| cands.iter().find(free))
            .copied();
        if let Some(c) = pick {
            taken[c as usize] = true;
            *slot = Some(c);
        }
    }
    m
}
