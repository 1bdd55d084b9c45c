//! Comparison: the changes of each section (objects added, removed, revoked, deprecated,
//! reinstated, renamed, renumbered and edited; a technique's own lists) and the counted
//! relationships added and removed.

use std::collections::{BTreeMap, HashSet};

use super::super::{Ref, strings};
use super::fields::{Covered, edits, fields_of};
use super::matching::match_kind;
use super::records::{
    ContentChanged, Edited, IdChanged, ListChanged, ObjectChanges, ParentChanged, Reinstated,
    RelationshipChanges, RelationshipKindChange, Renamed, Revoked, SectionChanges,
    TechniqueChanges,
};
use crate::model::{Kind, KnowledgeBase, Node, cmp_ids};
use crate::query::technique::tactic_names;

pub(super) fn by_id<T>(v: &mut [T], id: impl Fn(&T) -> &str) {
    v.sort_by(|a, b| cmp_ids(id(a), id(b)));
}

/// The changes every section has; `skip_id` leaves out ID changes another list explains,
/// `ids_are_model` all of them (the ATT&CK ID came or went with the data model).
fn object_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    kind: Kind,
    m: &[Option<u32>],
    skip_id: &HashSet<u32>,
    ids_are_model: bool,
) -> ObjectChanges {
    let mut c = ObjectChanges::default();
    let mut back: Vec<Option<u32>> = vec![None; new.count(kind)];
    for (i, &j) in m.iter().enumerate() {
        if let Some(j) = j {
            back[j as usize] = Some(i as u32);
        }
    }
    for n in new.nodes(kind) {
        let nm = new.meta(n);
        if !nm.is_active() {
            continue;
        }
        match back[n.index as usize] {
            None => c.added.push(Ref::to(new, n)),
            Some(o) => {
                let om = old.meta(Node::new(kind, o));
                if !om.is_active() {
                    c.reinstated.push(Reinstated {
                        id: nm.id.to_string(),
                        name: nm.name.to_string(),
                        was: if om.revoked { "revoked" } else { "deprecated" },
                    });
                }
            }
        }
    }
    for (i, &j) in m.iter().enumerate() {
        let on = Node::new(kind, i as u32);
        let om = old.meta(on);
        if !om.is_active() {
            continue;
        }
        let Some(j) = j else {
            c.removed.push(Ref::to(old, on));
            continue;
        };
        let nn = Node::new(kind, j);
        let nm = new.meta(nn);
        let id = if nm.id.is_empty() { &om.id } else { &nm.id };
        if nm.revoked {
            c.revoked.push(Revoked {
                id: id.to_string(),
                name: nm.name.to_string(),
                revoked_by: new.replacement_of(nn).map(|r| Ref::to(new, r)),
            });
        } else if nm.deprecated {
            c.deprecated.push(Ref {
                id: id.to_string(),
                name: nm.name.to_string(),
            });
        } else {
            if om.name != nm.name {
                c.renamed.push(Renamed {
                    id: id.to_string(),
                    name: nm.name.to_string(),
                    old_name: om.name.to_string(),
                    new_name: nm.name.to_string(),
                });
            }
            if !om.id.eq_ignore_ascii_case(&nm.id) && !skip_id.contains(&j) && !ids_are_model {
                c.id_changed.push(IdChanged {
                    id: nm.id.to_string(),
                    name: nm.name.to_string(),
                    old_id: om.id.to_string(),
                });
            }
        }
    }
    by_id(&mut c.added, |r| &r.id);
    by_id(&mut c.removed, |r| &r.id);
    by_id(&mut c.revoked, |r| &r.id);
    by_id(&mut c.deprecated, |r| &r.id);
    by_id(&mut c.reinstated, |r| &r.id);
    by_id(&mut c.renamed, |r| &r.id);
    by_id(&mut c.id_changed, |r| &r.id);
    c
}

/// The changes of a kind other than techniques. A kind the data model introduces or
/// withdraws as a whole lists none of its objects one by one: the model change says it.
pub(super) fn section(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    kind: Kind,
    covered: &Covered,
    whole_type: bool,
) -> SectionChanges {
    if whole_type {
        return SectionChanges::default();
    }
    let m = match_kind(old, new, kind);
    let ids_are_model = covered.contains(&(kind, "external_id"));
    let common = object_changes(old, new, kind, &m, &HashSet::new(), ids_are_model);
    let fields = fields_of(kind);
    let mut edited = Vec::new();
    for (i, &j) in m.iter().enumerate() {
        let (on, Some(j)) = (Node::new(kind, i as u32), j) else {
            continue;
        };
        let nn = Node::new(kind, j);
        if !old.meta(on).is_active() || !new.meta(nn).is_active() {
            continue;
        }
        let fields = edits(old, new, on, nn, &fields, covered);
        if !fields.is_empty() {
            let (id, name) = new.id_and_name(nn);
            let id = if id.is_empty() {
                old.meta(on).id.as_str()
            } else {
                id
            };
            edited.push(Edited {
                id: id.to_string(),
                name: name.to_string(),
                fields,
            });
        }
    }
    by_id(&mut edited, |r| &r.id);
    SectionChanges { common, edited }
}

fn same_set<S: std::ops::Deref<Target = str>>(a: &[S], b: &[S]) -> bool {
    let sa: HashSet<&str> = a.iter().map(|x| &**x).collect();
    let sb: HashSet<&str> = b.iter().map(|x| &**x).collect();
    sa == sb
}

pub(super) fn technique_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    model: &Covered,
) -> TechniqueChanges {
    let matched = match_kind(old, new, Kind::Technique);
    // Tactics are compared by identity: a tactic renamed moves none of its techniques.
    let tactic_match = match_kind(old, new, Kind::Tactic);
    let mut changes = TechniqueChanges::default();
    let mut moved = HashSet::new();
    let tref = |kb: &KnowledgeBase, i: u32| Ref::to(kb, Node::new(Kind::Technique, i));
    for (i, &to) in matched.iter().enumerate() {
        let (Some(j), ot) = (to, &old.techniques[i]) else {
            continue;
        };
        let nt = &new.techniques[j as usize];
        if !ot.meta.is_active() || !nt.meta.is_active() {
            continue;
        }
        let (id, name) = (nt.meta.id.to_string(), nt.meta.name.to_string());
        let was: HashSet<Option<u32>> = ot
            .tactics
            .iter()
            .map(|&t| tactic_match.get(t as usize).copied().flatten())
            .collect();
        let now: HashSet<Option<u32>> = nt.tactics.iter().map(|&t| Some(t)).collect();
        if was != now {
            changes.tactics_changed.push(ListChanged {
                id: id.clone(),
                name: name.clone(),
                old: tactic_names(old, ot),
                new: tactic_names(new, nt),
            });
        }
        if !same_set(&ot.platforms, &nt.platforms) {
            changes.platforms_changed.push(ListChanged {
                id: id.clone(),
                name: name.clone(),
                old: strings(&ot.platforms),
                new: strings(&nt.platforms),
            });
        }
        let old_parent_now = ot.parent.map(|p| matched[p as usize]);
        let change = match (old_parent_now, nt.parent) {
            (None, None) => None,
            (Some(_), None) => Some("promoted"),
            (None, Some(_)) => Some("demoted"),
            (Some(was), Some(now)) => (was != Some(now)).then_some("moved"),
        };
        if let Some(change) = change {
            moved.insert(j);
            changes.parent_changed.push(ParentChanged {
                id: id.clone(),
                name: name.clone(),
                old_id: ot.meta.id.to_string(),
                change,
                old_parent: ot.parent.map(|p| tref(old, p)),
                new_parent: nt.parent.map(|p| tref(new, p)),
            });
        }
        let mut fields = Vec::new();
        let tracked = [
            ("description", ot.meta.description != nt.meta.description),
            (
                "x_mitre_detection",
                !ot.prints.detection.same_value(nt.prints.detection),
            ),
            (
                "x_mitre_data_sources",
                !ot.prints.data_sources.same_value(nt.prints.data_sources),
            ),
        ];
        for (f, differs) in tracked {
            if differs && !model.contains(&(Kind::Technique, f)) {
                fields.push(f);
            }
        }
        if !fields.is_empty() {
            changes
                .description_changed
                .push(ContentChanged { id, name, fields });
        }
    }
    let ids_are_model = model.contains(&(Kind::Technique, "external_id"));
    changes.common = object_changes(old, new, Kind::Technique, &matched, &moved, ids_are_model);
    for kb in [new, old] {
        for t in &kb.techniques {
            if let Some(p) = t.parent {
                changes
                    .labels
                    .entry(t.meta.id.to_string())
                    .or_insert_with(|| {
                        format!("{}: {}", kb.techniques[p as usize].meta.name, t.meta.name)
                    });
            }
        }
    }
    for a in &changes.common.added {
        if let Some(&j) = new.techniques_with_id(&a.id).first() {
            let tactics = tactic_names(new, &new.techniques[j as usize]);
            changes.added_tactics.insert(a.id.clone(), tactics);
        }
    }
    by_id(&mut changes.tactics_changed, |r| &r.id);
    by_id(&mut changes.platforms_changed, |r| &r.id);
    by_id(&mut changes.parent_changed, |r| &r.id);
    by_id(&mut changes.description_changed, |r| &r.id);
    changes
}

/// Every counted relationship as (type, source STIX id, target STIX id). `subtechnique-of`
/// counts when both ends are active; `revoked-by` when the replacement is active.
fn relationship_keys(kb: &KnowledgeBase) -> HashSet<(&'static str, &str, &str)> {
    let mut s = HashSet::with_capacity(kb.edges().len() + kb.techniques.len());
    for e in kb.edges() {
        s.insert((
            e.rel.name(),
            kb.meta(e.source).stix_id.as_str(),
            kb.meta(e.target).stix_id.as_str(),
        ));
    }
    for t in &kb.techniques {
        if let Some(p) = t.parent {
            let p = &kb.techniques[p as usize];
            if t.meta.is_active() && p.meta.is_active() {
                s.insert((
                    "subtechnique-of",
                    t.meta.stix_id.as_str(),
                    p.meta.stix_id.as_str(),
                ));
            }
        }
    }
    for kind in Kind::ALL {
        for n in kb.nodes(kind) {
            if let Some(r) = kb.revoked_by(n)
                && kb.meta(r).is_active()
            {
                s.insert((
                    "revoked-by",
                    kb.meta(n).stix_id.as_str(),
                    kb.meta(r).stix_id.as_str(),
                ));
            }
        }
    }
    s
}

/// Counted relationships added and removed; with `only`, those with an end among these STIX
/// ids.
pub(super) fn relationship_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    only: Option<&HashSet<&str>>,
) -> RelationshipChanges {
    let (mut o, mut n) = (relationship_keys(old), relationship_keys(new));
    if let Some(only) = only {
        o.retain(|k| only.contains(k.1) || only.contains(k.2));
        n.retain(|k| only.contains(k.1) || only.contains(k.2));
    }
    let mut kinds: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for k in n.difference(&o) {
        kinds.entry(k.0).or_default().0 += 1;
    }
    for k in o.difference(&n) {
        kinds.entry(k.0).or_default().1 += 1;
    }
    let kinds: Vec<RelationshipKindChange> = kinds
        .into_iter()
        .map(|(kind, (added, removed))| RelationshipKindChange {
            kind,
            added,
            removed,
        })
        .collect();
    RelationshipChanges {
        added: kinds.iter().map(|k| k.added).sum(),
        removed: kinds.iter().map(|k| k.removed).sum(),
        kinds,
    }
}
