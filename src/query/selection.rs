//! Technique lists resolved against a knowledge base (unknown, revoked and deprecated IDs
//! reported), and the selections `attck layer` builds from several sources.

use serde::Serialize;

use super::resolve::{Ask, resolve_as};
use super::search::{Query, SearchOptions, search};
use super::tactic_techniques::TechniqueFilter;
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Node, Rel, cmp_ids};

/// A revoked ID found in an input, and the technique it was counted as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevokedId {
    /// The revoked ID as read.
    pub id: String,
    /// Its active replacement, or null when there is none (then it counts for nothing).
    pub replaced_by: Option<String>,
}

/// What became of the IDs an input named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InputReport {
    /// Distinct technique IDs read.
    pub ids_read: usize,
    /// IDs that name no technique in this knowledge base.
    pub unknown: Vec<String>,
    /// Revoked IDs, counted as their replacements.
    pub revoked: Vec<RevokedId>,
    /// Deprecated IDs: withdrawn without a replacement, counted for nothing.
    pub deprecated: Vec<String>,
}

/// IDs resolved to active techniques.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Indexes of active techniques, sorted and unique.
    pub techniques: Vec<u32>,
    /// What became of each ID.
    pub report: InputReport,
}

/// Index of the first active technique a revoked one leads to through `revoked-by` links.
#[must_use]
pub fn active_replacement(kb: &KnowledgeBase, index: u32) -> Option<u32> {
    let mut cur = kb.techniques[index as usize].revoked_by?;
    for _ in 0..16 {
        let t = &kb.techniques[cur as usize];
        if t.meta.is_active() {
            return Some(cur);
        }
        cur = t.revoked_by?;
    }
    None
}

/// The active technique an ID counts as: itself when active, its replacement when revoked,
/// nothing when unknown, deprecated or revoked without an active replacement (the rules of
/// [`resolve_ids`], for one ID).
#[must_use]
pub fn active_technique(kb: &KnowledgeBase, id: &str) -> Option<u32> {
    let &i = kb.techniques_with_id(id).first()?;
    let t = &kb.techniques[i as usize];
    if t.meta.is_active() {
        Some(i)
    } else if t.meta.revoked {
        active_replacement(kb, i)
    } else {
        None
    }
}

/// Resolves IDs (any case, repeats allowed) to active techniques.
pub fn resolve_ids<'a>(kb: &KnowledgeBase, ids: impl IntoIterator<Item = &'a str>) -> Resolved {
    let mut distinct: Vec<String> = ids.into_iter().map(str::to_ascii_uppercase).collect();
    distinct.sort_by(|a, b| cmp_ids(a, b));
    distinct.dedup();
    let mut out = Resolved {
        report: InputReport {
            ids_read: distinct.len(),
            ..InputReport::default()
        },
        ..Resolved::default()
    };
    for id in distinct {
        let Some(&i) = kb.techniques_with_id(&id).first() else {
            out.report.unknown.push(id);
            continue;
        };
        let t = &kb.techniques[i as usize];
        if t.meta.is_active() {
            out.techniques.push(i);
        } else if t.meta.revoked {
            let to = active_replacement(kb, i);
            if let Some(r) = to {
                out.techniques.push(r);
            }
            out.report.revoked.push(RevokedId {
                id,
                replaced_by: to
                    .map(|r| kb.techniques[r as usize].meta.id.clone())
                    .as_ref()
                    .map(ToString::to_string),
            });
        } else {
            out.report.deprecated.push(id);
        }
    }
    out.techniques.sort_unstable();
    out.techniques.dedup();
    out
}

/// One source of techniques for a layer.
#[derive(Debug, Clone)]
pub enum Selector {
    /// IDs read from an input (a file, a layer, Sigma rules), with the input's name.
    Ids {
        /// The input's name.
        label: String,
        /// The IDs as read.
        ids: Vec<String>,
    },
    /// Techniques matching a search (all words must match; a query without words finds
    /// nothing, so callers check [`Query::is_empty`] first).
    Search(String),
    /// Techniques a group uses directly (ID, name or alias).
    Group(String),
    /// Techniques a piece of software uses (ID, name or alias).
    Software(String),
    /// Techniques used in a campaign (ID, name or alias).
    Campaign(String),
    /// Techniques a mitigation mitigates (ID or name).
    Mitigation(String),
}

/// An adversary or mitigation found by [`find_object`].
#[derive(Debug, Clone)]
pub struct Found {
    /// The object (a revoked one's replacement).
    pub node: Node,
    /// How it is named to users: `group G0016 APT29`.
    pub label: String,
    /// Notes for stderr (another object with the same name, a revoked ID followed).
    pub notes: Vec<String>,
}

/// The kinds `layer` selects by, each with a flag named after it (`--software`).
const LAYER_FILTERS: &[Kind] = &[
    Kind::Group,
    Kind::Software,
    Kind::Campaign,
    Kind::Mitigation,
];

/// Finds a group, software, campaign or mitigation by ID, name or alias. With `kind` `None`,
/// any of `allowed` may match. A revoked object is followed to its replacement.
pub fn find_object(
    kb: &KnowledgeBase,
    key: &str,
    kind: Option<Kind>,
    allowed: &[Kind],
) -> Result<Found, Error> {
    let r = resolve_as(&[kb], key, kind, Ask::Flag(LAYER_FILTERS))?;
    let mut node = r.hit.node;
    let mut notes = r.notes;
    if !allowed.contains(&node.kind) {
        let m = kb.meta(node);
        let kinds: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
        let wanted = match kinds.split_last() {
            Some((last, init)) if !init.is_empty() => format!("{} or {last}", init.join(", ")),
            _ => kinds.join(""),
        };
        return Err(Error::NotFound(format!(
            "'{key}' names {} {} '{}', not a {wanted}",
            node.kind, m.id, m.name
        )));
    }
    if kb.meta(node).revoked
        && let Some(to) = kb.replacement_of(node)
    {
        notes.push(format!(
            "{} {} is revoked; using {} {}, which replaced it",
            node.kind,
            kb.meta(node).id,
            kb.meta(to).id,
            kb.meta(to).name
        ));
        node = to;
    } else if !kb.meta(node).is_active() {
        notes.push(format!(
            "{} {} is {}; it uses nothing that counts",
            node.kind,
            kb.meta(node).id,
            if kb.meta(node).revoked {
                "revoked"
            } else {
                "deprecated"
            }
        ));
    }
    let m = kb.meta(node);
    Ok(Found {
        node,
        label: format!("{} {} {}", node.kind, m.id, m.name),
        notes,
    })
}

/// The techniques an object uses (groups, software, campaigns) or mitigates (mitigations).
#[must_use]
pub fn techniques_of(kb: &KnowledgeBase, node: Node) -> Vec<u32> {
    let rel = if node.kind == Kind::Mitigation {
        Rel::Mitigates
    } else {
        Rel::Uses
    };
    kb.targets(node, rel, Kind::Technique)
}

/// A technique in a selection, and which sources named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// Index into the knowledge base's techniques.
    pub index: u32,
    /// Indexes into [`Selection::sources`].
    pub by: Vec<usize>,
}

/// The union of several sources of techniques.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// What each source was, as people would say it (`search "powershell"`, `ids.txt`).
    pub sources: Vec<String>,
    /// The selected techniques, sorted by ID.
    pub techniques: Vec<Selected>,
    /// What became of the IDs read from inputs.
    pub input: InputReport,
    /// Notes for stderr about how names were resolved.
    pub notes: Vec<String>,
}

/// Resolves every selector and unites their techniques; `filter` (platforms) applies to all.
pub fn select(
    kb: &KnowledgeBase,
    selectors: &[Selector],
    filter: &TechniqueFilter,
) -> Result<Selection, Error> {
    let mut sel = Selection::default();
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); kb.techniques.len()];
    let mut all_ids: Vec<&str> = Vec::new();
    for (n, s) in selectors.iter().enumerate() {
        let found: Vec<u32> = match s {
            Selector::Ids { label, ids } => {
                sel.sources.push(label.clone());
                all_ids.extend(ids.iter().map(String::as_str));
                resolve_ids(kb, ids.iter().map(String::as_str)).techniques
            }
            Selector::Group(key)
            | Selector::Software(key)
            | Selector::Campaign(key)
            | Selector::Mitigation(key) => {
                let kind = match s {
                    Selector::Group(_) => Kind::Group,
                    Selector::Software(_) => Kind::Software,
                    Selector::Campaign(_) => Kind::Campaign,
                    _ => Kind::Mitigation,
                };
                let found = find_object(kb, key, Some(kind), &[kind])?;
                sel.sources.push(found.label);
                sel.notes.extend(found.notes);
                techniques_of(kb, found.node)
            }
            Selector::Search(words) => {
                sel.sources.push(format!("search \"{words}\""));
                let q = Query::parse(std::slice::from_ref(words));
                let opts = SearchOptions {
                    filter: filter.clone(),
                    ..SearchOptions::default()
                };
                search(kb, &q, &opts)
                    .iter()
                    .filter_map(|h| kb.techniques_with_id(&h.row.id).first().copied())
                    .collect()
            }
        };
        for i in found {
            let t = &kb.techniques[i as usize];
            if t.meta.is_active() && filter.accepts(t) && !hits[i as usize].contains(&n) {
                hits[i as usize].push(n);
            }
        }
    }
    sel.input = resolve_ids(kb, all_ids).report;
    sel.techniques = hits
        .into_iter()
        .enumerate()
        .filter(|(_, by)| !by.is_empty())
        .map(|(i, by)| Selected {
            index: i as u32,
            by,
        })
        .collect();
    Ok(sel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sample;

    fn id_of(kb: &KnowledgeBase, i: u32) -> &str {
        &kb.techniques[i as usize].meta.id
    }

    #[test]
    fn ids_resolve_to_active_techniques_and_say_what_became_of_the_rest() {
        let kb = sample::v2();
        let r = resolve_ids(
            kb,
            ["t1059.001", "T1086", "T1064", "T9999", "T1059.001", "T1168"],
        );
        let ids: Vec<&str> = r.techniques.iter().map(|&i| id_of(kb, i)).collect();
        assert_eq!(
            ids,
            ["T1053", "T1059.001"],
            "revoked IDs count as their replacement"
        );
        assert_eq!(
            r.report,
            InputReport {
                ids_read: 5,
                unknown: vec!["T9999".into()],
                revoked: vec![
                    RevokedId {
                        id: "T1086".into(),
                        replaced_by: Some("T1059.001".into()),
                    },
                    RevokedId {
                        id: "T1168".into(),
                        replaced_by: Some("T1053".into()),
                    },
                ],
                deprecated: vec!["T1064".into()],
            }
        );
    }

    #[test]
    fn objects_are_found_by_name_and_revoked_ones_followed() {
        let kb = sample::v2();
        let f = find_object(kb, "Paper Kite", None, &[Kind::Group]).unwrap();
        assert_eq!(kb.meta(f.node).id, "G0902");
        assert_eq!(f.label, "group G0902 Tin Lantern");
        assert!(
            f.notes.iter().any(|n| n.contains("G0901 is revoked")),
            "{:?}",
            f.notes
        );
        let e = find_object(kb, "G0902", None, &[Kind::Mitigation]).unwrap_err();
        assert!(e.to_string().contains("not a mitigation"), "{e}");
        let e = find_object(kb, "G0902", None, &[Kind::Software, Kind::Mitigation]).unwrap_err();
        assert!(
            e.to_string().contains("not a software or mitigation"),
            "{e}"
        );
        let m = find_object(kb, "M1902", Some(Kind::Mitigation), &[Kind::Mitigation]).unwrap();
        let used: Vec<&str> = techniques_of(kb, m.node)
            .iter()
            .map(|&i| id_of(kb, i))
            .collect();
        assert_eq!(used, ["T1053", "T1053.003", "T1543.002"]);
    }

    #[test]
    fn a_selection_unites_its_sources_and_remembers_which_named_each() {
        let kb = sample::v2();
        let sel = select(
            kb,
            &[
                Selector::Group("G0903".into()),
                Selector::Ids {
                    label: "ids.txt".into(),
                    ids: vec!["T1497".into(), "T1082".into(), "T9999".into()],
                },
                Selector::Search("interpreter".into()),
            ],
            &TechniqueFilter::default(),
        )
        .unwrap();
        assert_eq!(sel.sources[0], "group G0903 Ember Weave");
        assert_eq!(sel.sources[1], "ids.txt");
        assert_eq!(sel.sources[2], "search \"interpreter\"");
        let got: Vec<(&str, Vec<usize>)> = sel
            .techniques
            .iter()
            .map(|s| (id_of(kb, s.index), s.by.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("T1027", vec![0]),
                ("T1059", vec![2]),
                ("T1059.001", vec![2]),
                ("T1059.004", vec![0, 2]),
                ("T1082", vec![1]),
                ("T1497", vec![0, 1]),
            ]
        );
        assert_eq!(sel.input.unknown, ["T9999"]);

        let linux = TechniqueFilter {
            platforms: vec!["Linux".into()],
            ..TechniqueFilter::default()
        };
        let sel = select(kb, &[Selector::Group("G0902".into())], &linux).unwrap();
        let ids: Vec<&str> = sel.techniques.iter().map(|s| id_of(kb, s.index)).collect();
        assert_eq!(
            ids,
            ["T1053.003", "T1082", "T1543.002"],
            "T1059.001 is Windows only"
        );
    }
}
