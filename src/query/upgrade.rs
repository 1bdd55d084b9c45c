//! `attck layer upgrade`: a Navigator layer made for an older ATT&CK version, rewritten for a
//! newer one, as Navigator's manual upgrade screen would: revoked techniques replaced by their
//! successors (annotations carried over, a comment saying what was replaced), deprecated and
//! removed ones dropped, renumbered sub-techniques renamed, tactics re-derived (an entry
//! under a tactic that only changed its shortname follows it), versions set.

use std::collections::HashMap;

use super::diff::match_kind;
use super::layer::{LAYER_VERSION, NAVIGATOR_VERSION, attack_major};
use super::technique::tactic_names;
use crate::input::layer_doc::{DocEntry, DocVersions, LayerDoc};
use crate::model::{Kind, KnowledgeBase, Node, TechniqueId};

/// One thing the upgrade did (or could not do) to a technique's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeNote {
    /// The technique ID as the layer had it.
    pub id: String,
    /// `replaced`, `renumbered`, `tactics`, `merged`, `dropped`, `unknown`.
    pub change: &'static str,
    /// One sentence for stderr.
    pub detail: String,
    /// Something the user should look at (entries dropped or left alone).
    pub warning: bool,
}

/// What an upgrade did.
#[derive(Debug, Clone, Default)]
pub struct UpgradeSummary {
    /// Entries before.
    pub entries_before: usize,
    /// Entries after.
    pub entries_after: usize,
    /// Per technique, in the layer's order.
    pub notes: Vec<UpgradeNote>,
}

impl UpgradeSummary {
    /// How many notes of one kind.
    #[must_use]
    pub fn count(&self, change: &str) -> usize {
        self.notes.iter().filter(|n| n.change == change).count()
    }
}

/// Where a technique of the old layer goes.
enum Target {
    /// To this NEW technique; with a note when it is another technique or another ID.
    Keep(u32, Option<(&'static str, String)>),
    /// Nowhere.
    Drop(String),
    /// Neither version knows the ID: the entries stay as they are.
    Unknown,
}

fn label(kb: &KnowledgeBase, i: u32) -> String {
    let m = &kb.techniques[i as usize].meta;
    format!("{} {}", m.id, m.name)
}

fn target(old: &KnowledgeBase, new: &KnowledgeBase, matched: &[Option<u32>], id: &str) -> Target {
    let nv = new.attack_version.as_deref().unwrap_or("the new version");
    let Some(&i) = old.techniques_with_id(id).first() else {
        return match new.techniques_with_id(id).first() {
            Some(&j) if new.techniques[j as usize].meta.is_active() => Target::Keep(j, None),
            _ => Target::Unknown,
        };
    };
    let Some(j) = matched[i as usize] else {
        return Target::Drop(format!("{id} is not in {nv}: dropped"));
    };
    let nt = &new.techniques[j as usize];
    if nt.meta.is_active() {
        let note = (!nt.meta.id.eq_ignore_ascii_case(id)).then(|| {
            let under = nt.parent.map_or_else(
                || " (now a technique of its own)".to_string(),
                |p| format!(" (now under {})", label(new, p)),
            );
            (
                "renumbered",
                format!("{id} is {} in {nv}{under}", nt.meta.id),
            )
        });
        return Target::Keep(j, note);
    }
    if nt.meta.revoked {
        if let Some(r) = new
            .replacement_of(Node::new(Kind::Technique, j))
            .filter(|&r| new.meta(r).is_active())
        {
            return Target::Keep(
                r.index,
                Some((
                    "replaced",
                    format!(
                        "{id} ({}) is revoked in {nv}: replaced by {}",
                        old.techniques[i as usize].meta.name,
                        label(new, r.index)
                    ),
                )),
            );
        }
        return Target::Drop(format!(
            "{id} is revoked in {nv} and nothing replaces it: dropped"
        ));
    }
    Target::Drop(format!(
        "{id} ({}) is deprecated in {nv}: dropped",
        nt.meta.name
    ))
}

/// Adds the lines of `note` the comment does not have yet.
fn append_comment(e: &mut DocEntry, note: &str) {
    let mut c = e.comment.take().unwrap_or_default();
    for line in note.lines().filter(|l| !l.trim().is_empty()) {
        if !c.lines().any(|have| have == line) {
            if !c.trim().is_empty() {
                c.push('\n');
            }
            c.push_str(line);
        }
    }
    e.comment = (!c.is_empty()).then_some(c);
}

/// The layer's technique ID in ATT&CK's spelling (`t1059/001` → `T1059.001`).
fn normalise(id: &str) -> String {
    id.parse::<TechniqueId>()
        .map_or_else(|_| id.trim().to_string(), |t| t.as_str().to_string())
}

/// One entry per (technique, tactic). When two meet, the one the layer had under that ID
/// already wins over one carried there from a replaced or renumbered technique, wherever
/// each stands; the other's comment is added to it. The layer's order is kept.
fn merge(all: Vec<(String, bool, DocEntry)>, summary: &mut UpgradeSummary) -> Vec<DocEntry> {
    let key = |e: &DocEntry| (e.technique_id.clone(), e.tactic.clone());
    let mut owner: HashMap<(String, Option<String>), usize> = HashMap::new();
    for (k, (_, carried, e)) in all.iter().enumerate() {
        match owner.get(&key(e)) {
            None => {
                owner.insert(key(e), k);
            }
            Some(&o) if all[o].1 && !carried => {
                owner.insert(key(e), k);
            }
            Some(_) => {}
        }
    }
    let mut extra: HashMap<usize, Vec<String>> = HashMap::new();
    for (k, (from, _, e)) in all.iter().enumerate() {
        let o = owner[&key(e)];
        if o == k {
            continue;
        }
        if let Some(c) = e.comment.as_ref().filter(|c| !c.trim().is_empty()) {
            extra.entry(o).or_default().push(c.clone());
        }
        summary.notes.push(UpgradeNote {
            id: from.clone(),
            change: "merged",
            detail: format!(
                "{}{}: the layer has that entry already; {from}'s comment was added to it, its score and colour left out",
                e.technique_id,
                e.tactic.as_deref().map(|t| format!(" ({t})")).unwrap_or_default()
            ),
            warning: true,
        });
    }
    let mut out = Vec::new();
    for (k, (_, _, mut e)) in all.into_iter().enumerate() {
        if owner[&key(&e)] != k {
            continue;
        }
        for c in extra.remove(&k).unwrap_or_default() {
            append_comment(&mut e, &c);
        }
        out.push(e);
    }
    out
}

/// Rewrites `doc` (made for `old`) for `new`.
pub fn upgrade(old: &KnowledgeBase, new: &KnowledgeBase, doc: &mut LayerDoc) -> UpgradeSummary {
    let matched = match_kind(old, new, Kind::Technique);
    // A tactic keeps its identity (STIX id) through a new name or shortname: an entry under
    // its old shortname belongs under its new one.
    let tactic_match = match_kind(old, new, Kind::Tactic);
    let now_named = |short: &str| -> Option<String> {
        let (i, _) = old.tactic(short)?;
        let j = tactic_match.get(i as usize).copied().flatten()?;
        Some(new.tactic_at(j).shortname.to_string())
    };
    let mut summary = UpgradeSummary {
        entries_before: doc.techniques.len(),
        ..UpgradeSummary::default()
    };
    // Entries grouped by technique, in the order the layer names them.
    let mut groups: Vec<(String, Vec<DocEntry>)> = Vec::new();
    for e in std::mem::take(&mut doc.techniques) {
        let id = normalise(&e.technique_id);
        match groups.iter_mut().find(|(g, _)| *g == id) {
            Some((_, v)) => v.push(e),
            None => groups.push((id, vec![e])),
        }
    }
    // Every entry after the rewrite: (the ID the layer had, carried from another technique or
    // ID, the entry).
    let mut produced_all: Vec<(String, bool, DocEntry)> = Vec::new();
    let ov = old.attack_version.as_deref().unwrap_or("the old version");
    for (id, entries) in groups {
        let note = |change, detail: String, warning| UpgradeNote {
            id: id.clone(),
            change,
            detail,
            warning,
        };
        let (j, why) = match target(old, new, &matched, &id) {
            Target::Unknown => {
                summary.notes.push(note(
                    "unknown",
                    format!("{id} is in neither version: kept as it was"),
                    true,
                ));
                produced_all.extend(entries.into_iter().map(|e| (id.clone(), false, e)));
                continue;
            }
            Target::Drop(detail) => {
                summary.notes.push(note("dropped", detail, true));
                continue;
            }
            Target::Keep(j, why) => (j, why),
        };
        let t = &new.techniques[j as usize];
        let new_id = t.meta.id.to_string();
        let new_tactics = tactic_names(new, t);
        let old_tactics = old
            .techniques_with_id(&id)
            .first()
            .map_or_else(Vec::new, |&i| {
                tactic_names(old, &old.techniques[i as usize])
            });
        let comment = why.as_ref().map(|(change, _)| match *change {
            "replaced" => format!(
                "attck: replaces {id} ({}), revoked in {}",
                old.techniques_with_id(&id)
                    .first()
                    .map_or("", |&i| old.techniques[i as usize].meta.name.as_str()),
                new.attack_version.as_deref().unwrap_or("the new version")
            ),
            _ => format!("attck: was {id} in {ov}"),
        });
        if let Some((change, detail)) = why {
            summary.notes.push(note(change, detail, false));
        }
        let (untied, tied): (Vec<DocEntry>, Vec<DocEntry>) =
            entries.into_iter().partition(|e| e.tactic.is_none());
        let had: Vec<String> = tied.iter().filter_map(|e| e.tactic.clone()).collect();
        let mut produced: Vec<DocEntry> = untied;
        if !tied.is_empty() {
            let full = !old_tactics.is_empty() && old_tactics.iter().all(|o| had.contains(o));
            if new_tactics.is_empty() {
                let mut e = tied[0].clone();
                e.tactic = None;
                produced.push(e);
            } else if full {
                // Annotated under every tactic it had: it stays annotated under every
                // tactic it has now.
                for tac in &new_tactics {
                    let mut e = tied
                        .iter()
                        .find(|e| e.tactic.as_ref() == Some(tac))
                        .or_else(|| {
                            tied.iter().find(|e| {
                                e.tactic.as_deref().and_then(now_named).as_ref() == Some(tac)
                            })
                        })
                        .unwrap_or(&tied[0])
                        .clone();
                    e.tactic = Some(tac.clone());
                    produced.push(e);
                }
            } else {
                // Annotated under some tactics: those still valid stay, the others move to
                // the same tactic under its new shortname, else to a tactic it has now and
                // is not annotated under.
                let mut free: Vec<&String> =
                    new_tactics.iter().filter(|t| !had.contains(t)).collect();
                for mut e in tied {
                    let valid = e.tactic.as_ref().is_some_and(|t| new_tactics.contains(t));
                    if !valid {
                        let same = e
                            .tactic
                            .as_deref()
                            .and_then(now_named)
                            .and_then(|t| free.iter().position(|f| **f == t));
                        match same {
                            Some(k) => e.tactic = Some(free.remove(k).clone()),
                            None if free.is_empty() => continue,
                            None => e.tactic = Some(free.remove(0).clone()),
                        }
                    }
                    produced.push(e);
                }
            }
            let now: Vec<String> = produced.iter().filter_map(|e| e.tactic.clone()).collect();
            let (mut a, mut b) = (had.clone(), now.clone());
            a.sort();
            b.sort();
            if a != b {
                summary.notes.push(note(
                    "tactics",
                    format!(
                        "{new_id}: entries under {} now under {} (its tactics in {}: {})",
                        had.join(", "),
                        now.join(", "),
                        new.attack_version.as_deref().unwrap_or("the new version"),
                        new_tactics.join(", ")
                    ),
                    false,
                ));
            }
        }
        for mut e in produced {
            e.technique_id.clone_from(&new_id);
            if let Some(c) = &comment {
                append_comment(&mut e, c);
            }
            produced_all.push((id.clone(), comment.is_some(), e));
        }
    }
    doc.techniques = merge(produced_all, &mut summary);
    summary.entries_after = doc.techniques.len();
    if let Some(major) = attack_major(new) {
        let v = doc.versions.get_or_insert_with(|| DocVersions {
            navigator: Some(NAVIGATOR_VERSION.to_string()),
            layer: Some(LAYER_VERSION.to_string()),
            ..DocVersions::default()
        });
        v.attack = Some(major);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::layer_doc::parse;
    use crate::query::sample;

    /// (technique, tactic, score) of every entry, in order.
    fn entries(doc: &LayerDoc) -> Vec<(String, Option<String>, Option<String>)> {
        doc.techniques
            .iter()
            .map(|e| {
                (
                    e.technique_id.clone(),
                    e.tactic.clone(),
                    e.rest.get("score").map(ToString::to_string),
                )
            })
            .collect()
    }

    fn entry(id: &str, tactic: &str, score: &str) -> (String, Option<String>, Option<String>) {
        (id.into(), Some(tactic.into()), Some(score.into()))
    }

    #[test]
    fn a_layer_follows_a_tactic_split() {
        // data/sample/README.md, "v19/layer-18.json".
        let mut doc = parse(include_bytes!("../../data/sample/v19/layer-18.json")).unwrap();
        let s = upgrade(sample::split_before(), sample::split_after(), &mut doc);
        assert_eq!(
            entries(&doc),
            [
                // TA0005 only changed its shortname: its entries follow it.
                entry("T1027", "stealth", "2"),
                entry("T1059.001", "execution", "3"),
                // In TA0005 and the new TA0112 now; it was annotated under all it had.
                entry("T1070", "stealth", "1"),
                entry("T1070", "defense-impairment", "1"),
                entry("T1480", "discovery", "1"),
                // Each entry keeps its own score: defense-evasion's goes to stealth, although
                // the discovery entry comes first in the layer.
                entry("T1497", "stealth", "2"),
                entry("T1497", "discovery", "4"),
                entry("T1562", "defense-impairment", "1"),
                // Both revoked sub-techniques are T1685 now: one entry, the first one's.
                entry("T1685", "defense-impairment", "3"),
                entry("T1562.004", "defense-impairment", "1"),
            ]
        );
        assert!(
            doc.techniques
                .iter()
                .all(|e| e.tactic.as_deref() != Some("defense-evasion"))
        );
        let t1685 = doc.techniques.iter().find(|e| e.technique_id == "T1685");
        let comment = t1685.and_then(|e| e.comment.as_deref()).unwrap();
        assert!(comment.starts_with("agent stop alert\n"), "{comment}");
        assert!(comment.contains("replaces T1562.001 (Tool Disabling), revoked in 19.0"));
        assert!(comment.contains("replaces T1562.002 (Log Silencing), revoked in 19.0"));
        assert_eq!(doc.versions.as_ref().unwrap().attack.as_deref(), Some("19"));
        assert_eq!((s.entries_before, s.entries_after), (10, 10));
        assert_eq!(
            [
                s.count("replaced"),
                s.count("tactics"),
                s.count("merged"),
                s.count("dropped")
            ],
            [2, 8, 1, 0]
        );
    }

    #[test]
    fn an_entry_under_a_renamed_tactic_follows_it_whatever_the_order() {
        // 19.0 with Discovery before Stealth in the matrix: T1497's tactics there are
        // discovery, stealth. Its one entry, under defense-evasion, belongs under stealth
        // (the same tactic), not under the first tactic it lacks an entry for.
        let mut bundle: serde_json::Value = serde_json::from_slice(include_bytes!(
            "../../data/sample/v19/enterprise-attack-19.0.json"
        ))
        .unwrap();
        for o in bundle["objects"].as_array_mut().unwrap() {
            if o["type"] == "x-mitre-matrix" {
                let refs = o["tactic_refs"].as_array_mut().unwrap();
                let discovery = refs.pop().unwrap();
                refs.insert(2, discovery);
            }
        }
        let bytes = serde_json::to_vec(&bundle).unwrap();
        let new = KnowledgeBase::from_bytes(
            &bytes,
            std::path::Path::new("enterprise-attack-19.0.json"),
            None,
        )
        .unwrap();
        assert_eq!(new.tactics[2].shortname.as_str(), "discovery");
        let mut doc = parse(
            br#"{"versions":{"attack":"18"},"techniques":[
                {"techniqueID":"T1497","tactic":"defense-evasion","score":2}]}"#,
        )
        .unwrap();
        upgrade(sample::split_before(), &new, &mut doc);
        assert_eq!(entries(&doc), [entry("T1497", "stealth", "2")]);
    }

    #[test]
    fn revoked_renumbered_deprecated_and_removed_techniques() {
        // data/sample/README.md, "Changes from enterprise 1.0 to 2.0".
        let layer = br#"{"versions":{"attack":"1"},"domain":"enterprise-attack","techniques":[
            {"techniqueID":"T1168","tactic":"persistence","score":5},
            {"techniqueID":"T1053.006","tactic":"persistence","score":2},
            {"techniqueID":"T1500","tactic":"defense-evasion","score":1},
            {"techniqueID":"T1480","tactic":"defense-evasion","score":1},
            {"techniqueID":"T1543","tactic":"persistence","score":3},
            {"techniqueID":"T9999","score":1}]}"#;
        let mut doc = parse(layer).unwrap();
        let s = upgrade(sample::v1(), sample::v2(), &mut doc);
        assert_eq!(
            entries(&doc),
            [
                entry("T1053", "persistence", "5"),
                entry("T1543.002", "persistence", "2"),
                entry("T1543", "execution", "3"),
                entry("T1543", "persistence", "3"),
                ("T9999".into(), None, Some("1".into())),
            ]
        );
        let notes: Vec<(&str, &str)> = s.notes.iter().map(|n| (n.id.as_str(), n.change)).collect();
        assert_eq!(
            notes,
            [
                ("T1168", "replaced"),
                ("T1053.006", "renumbered"),
                ("T1500", "dropped"),
                ("T1480", "dropped"),
                ("T1543", "tactics"),
                ("T9999", "unknown"),
            ]
        );
        assert!(s.notes.iter().filter(|n| n.warning).count() == 3);
    }
}
