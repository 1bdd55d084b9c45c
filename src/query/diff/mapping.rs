//! Mapping (`attck diff --for FILE`): what a change between versions means for the
//! techniques a detection mapping names, and what to do about each.

use std::collections::{HashMap, HashSet};

use super::super::Ref;
use super::compare::relationship_changes;
use super::diff;
use super::fields::version_label;
use super::matching::match_kind;
use super::present::{describe_ref, flat_lines, list_delta};
use super::records::{Affected, DiffReport, Mapping, SectionChanges};
use crate::model::{Kind, KnowledgeBase, Node, cmp_ids};
use crate::query::technique::tactic_names;

/// [`diff`] limited to the techniques `ids` names (as IDs of OLD): the technique lists keep
/// those, the other sections are left empty, relationships count only those touching them,
/// and [`Mapping`] says what to do with each ID.
#[must_use]
pub fn diff_for(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    ids: &[String],
    source: &str,
) -> DiffReport {
    let mut full = diff(old, new);
    let matched = match_kind(old, new, Kind::Technique);
    let mut distinct: Vec<String> = ids.iter().map(|i| i.to_ascii_uppercase()).collect();
    distinct.sort_by(|a, b| cmp_ids(a, b));
    distinct.dedup();
    let (ov, nv) = (version_label(old, "OLD"), version_label(new, "NEW"));
    let mut mapping = Mapping {
        source: source.to_string(),
        ids_read: distinct.len(),
        affected: Vec::new(),
        unchanged: Vec::new(),
        unknown: Vec::new(),
    };
    let mut keep: HashSet<String> = HashSet::new();
    let mut stix: HashSet<&str> = HashSet::new();
    let tref = |kb: &KnowledgeBase, i: u32| Ref::to(kb, Node::new(Kind::Technique, i));
    // Old shortname → new shortname, for the tactics that changed theirs.
    let renamed_tactics: HashMap<&str, &str> = full
        .tactics
        .edited
        .iter()
        .flat_map(|e| &e.fields)
        .filter(|f| f.field == "x_mitre_shortname" && f.old.len() == 1 && f.new.len() == 1)
        .map(|f| (f.old[0].as_str(), f.new[0].as_str()))
        .collect();
    for id in &distinct {
        let Some(&i) = old.techniques_with_id(id).first() else {
            if let Some(&j) = new.techniques_with_id(id).first() {
                // Named for NEW already: nothing to do, but its changes belong here.
                stix.insert(&new.techniques[j as usize].meta.stix_id);
                keep.insert(id.clone());
                mapping.unchanged.push(id.clone());
            } else {
                mapping.unknown.push(id.clone());
            }
            continue;
        };
        let ot = &old.techniques[i as usize];
        stix.insert(&ot.meta.stix_id);
        let to = matched[i as usize];
        if let Some(j) = to {
            stix.insert(&new.techniques[j as usize].meta.stix_id);
            keep.insert(new.techniques[j as usize].meta.id.to_string());
        }
        keep.insert(id.clone());
        let name = ot.meta.name.to_string();
        let mut push = |change, action: String, replacement: Option<Ref>| {
            mapping.affected.push(Affected {
                id: id.clone(),
                name: name.clone(),
                change,
                action,
                replacement,
            });
        };
        if !ot.meta.is_active() {
            let was = if ot.meta.revoked {
                "revoked"
            } else {
                "deprecated"
            };
            let now = to.map(|j| Node::new(Kind::Technique, j));
            if now.is_some_and(|n| new.meta(n).is_active()) {
                push(
                    was,
                    format!("keep: {was} in {ov}, active again in {nv}"),
                    None,
                );
            } else if let Some(r) = now
                .and_then(|n| new.replacement_of(n))
                .filter(|&r| new.meta(r).is_active())
            {
                let r = Ref::to(new, r);
                push(
                    was,
                    format!("replace with {} ({was} already in {ov})", describe_ref(&r)),
                    Some(r),
                );
            } else {
                push(
                    was,
                    format!("remove: {was} already in {ov}, and nothing replaces it in {nv}"),
                    None,
                );
            }
            continue;
        }
        let new_id = to.map(|j| new.techniques[j as usize].meta.id.to_string());
        let is = |x: &str| x == id || new_id.as_deref() == Some(x);
        let t = &full.techniques;
        let mut any = false;
        if t.common.removed.iter().any(|x| x.id == *id) {
            push("removed", format!("remove: not in {nv}"), None);
            any = true;
        }
        for x in t.common.revoked.iter().filter(|x| is(&x.id)) {
            match &x.revoked_by {
                Some(r) => push(
                    "revoked",
                    format!("replace with {}", describe_ref(r)),
                    Some(r.clone()),
                ),
                None => push(
                    "revoked",
                    format!("remove: revoked in {nv} and nothing replaces it"),
                    None,
                ),
            }
            any = true;
        }
        if t.common.deprecated.iter().any(|x| is(&x.id)) {
            push(
                "deprecated",
                format!("remove: deprecated in {nv}, with no replacement"),
                None,
            );
            any = true;
        }
        for x in t.parent_changed.iter().filter(|x| is(&x.id)) {
            let what = match (x.change, &x.new_parent) {
                (_, Some(p)) => format!("now under {}", describe_ref(p)),
                (_, None) => "now a technique of its own".to_string(),
            };
            let action = if x.id == x.old_id {
                format!("check: {what}")
            } else {
                format!("use {} instead: {what}", x.id)
            };
            push("parent_changed", action, to.map(|j| tref(new, j)));
            any = true;
        }
        for x in t.common.id_changed.iter().filter(|x| is(&x.id)) {
            push(
                "id_changed",
                format!("use {} instead: its ID changed", x.id),
                to.map(|j| tref(new, j)),
            );
            any = true;
        }
        for x in t.common.renamed.iter().filter(|x| is(&x.id)) {
            push(
                "renamed",
                format!("rename: {} → {}", x.old_name, x.new_name),
                None,
            );
            any = true;
        }
        for x in t.tactics_changed.iter().filter(|x| is(&x.id)) {
            push(
                "tactics_changed",
                format!(
                    "check tactics: now {} (was {})",
                    x.new.join(", "),
                    x.old.join(", ")
                ),
                None,
            );
            any = true;
        }
        for x in t.platforms_changed.iter().filter(|x| is(&x.id)) {
            push(
                "platforms_changed",
                format!("check platforms: {}", list_delta(&x.old, &x.new)),
                None,
            );
            any = true;
        }
        for x in t.description_changed.iter().filter(|x| is(&x.id)) {
            push(
                "description_changed",
                format!("review: {} changed", x.fields.join(", ")),
                None,
            );
            any = true;
        }
        if !t.tactics_changed.iter().any(|x| is(&x.id))
            && let Some(j) = to
        {
            // Not moved, but a tactic it is in now goes by another shortname.
            let renamed: Vec<String> = tactic_names(old, ot)
                .into_iter()
                .filter_map(|o| {
                    let n = renamed_tactics.get(o.as_str())?;
                    tactic_names(new, &new.techniques[j as usize])
                        .iter()
                        .any(|x| x == n)
                        .then(|| format!("{o} is now {n}"))
                })
                .collect();
            if !renamed.is_empty() {
                push(
                    "tactics_changed",
                    format!(
                        "check tactic tags: {} (the tactic was renamed)",
                        renamed.join(", ")
                    ),
                    None,
                );
                any = true;
            }
        }
        if !any {
            mapping.unchanged.push(id.clone());
        }
    }
    let t = &mut full.techniques;
    let kept = |id: &str| keep.contains(id);
    t.common.added.retain(|x| kept(&x.id));
    t.common.removed.retain(|x| kept(&x.id));
    t.common.revoked.retain(|x| kept(&x.id));
    t.common.deprecated.retain(|x| kept(&x.id));
    t.common.reinstated.retain(|x| kept(&x.id));
    t.common.renamed.retain(|x| kept(&x.id));
    t.common
        .id_changed
        .retain(|x| kept(&x.id) || kept(&x.old_id));
    t.tactics_changed.retain(|x| kept(&x.id));
    t.platforms_changed.retain(|x| kept(&x.id));
    t.parent_changed.retain(|x| kept(&x.id) || kept(&x.old_id));
    t.description_changed.retain(|x| kept(&x.id));
    for kind in Kind::ALL {
        if let Some(s) = full.section_mut(kind) {
            *s = SectionChanges::default();
        }
    }
    full.relationships = relationship_changes(old, new, Some(&stix));
    full.mapping = Some(mapping);
    full.lines = flat_lines(&full);
    full
}
