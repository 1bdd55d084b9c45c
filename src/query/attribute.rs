//! `attck attribute`: which groups (or campaigns, or software) behave most like an
//! observation of techniques and software, each with its evidence.
//!
//! The score of a candidate `c` for an observation `O` is
//!
//! ```text
//! score(c) = D / (W_O^0.8 × W_c^0.2), clamped to [0, 1]
//! D   = Σ over observed items o of weight(o) × credit(o, c)
//! W_O = Σ over observed items of weight(o);  W_c = Σ over c's profile of weight(p)
//! ```
//!
//! `weight` is the rarity of an item among the candidates' profiles (see
//! [`Weights`]); `credit` is 1 for an item the candidate has, 0.5 when it has the parent (or a
//! sub-technique) of an observed technique, 0.25 when it has a sibling sub-technique, else 0.
//! `D / W_O` is the share of the observation the candidate explains; dividing by a small power
//! of the profile's own weight keeps a candidate from winning by being large (a profile holding
//! every technique explains everything and scores low). A score of 1 means the candidate's
//! profile is exactly the observation.

use serde::Serialize;

use super::behaviour::{Behaviour, Relation, Weights, best_match, round4};
use super::layer::{
    COVERED_COLOR, DEFAULT_COLOR, GAP_COLOR, LayerOptions, LegendItem, Metadata, NavigatorLayer,
    from_selection,
};
use super::selection::{Selected, Selection};
use super::{Cell, TableRow};
use crate::model::{Kind, KnowledgeBase, Node, cmp_ids};

/// Layer colour of observed techniques the candidate accounts for only in part (its parent,
/// sub-technique or sibling).
pub const PARTIAL_COLOR: &str = "#d4e9b5";

/// How much the candidate's profile weight counts against it (the observation's counts the
/// rest, `1 - PROFILE_EXPONENT`).
pub const PROFILE_EXPONENT: f64 = 0.2;

/// An observed item, as shown in evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Item {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// `technique` or `software`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Rarity weight among the candidates (higher: fewer candidates use it).
    pub weight: f64,
}

impl Item {
    fn new(kb: &KnowledgeBase, n: Node, w: &Weights) -> Item {
        let (id, name) = kb.id_and_name(n);
        Item {
            id: id.to_string(),
            name: name.to_string(),
            kind: n.kind.name(),
            weight: round4(w.weight(n)),
        }
    }
}

/// An observed item the candidate accounts for.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Matched {
    /// The observed item.
    #[serde(flatten)]
    pub item: Item,
    /// `same`, or for partial credit `parent`, `child` or `sibling`.
    pub relation: Relation,
    /// 1, 0.5 or 0.25.
    pub credit: f64,
    /// The candidate's item that earned partial credit (null for `same`).
    pub via: Option<String>,
}

/// One ranked candidate: `attck attribute -f json` is an array of these.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Candidate {
    /// 1 for the best match.
    pub rank: usize,
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// `group`, `campaign` or `software`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How well its known behaviour matches the observation, from 0 to 1 (see the module
    /// documentation); comparable between candidates of one run, not between runs.
    pub score: f64,
    /// Share of the observation's weight it accounts for (0 to 1).
    pub observed_share: f64,
    /// Share of its own profile's weight the observation accounts for (0 to 1).
    pub profile_share: f64,
    /// Items (techniques and software) in its profile.
    pub profile_size: usize,
    /// The observed items it accounts for, the most telling (weight × credit) first.
    pub matched: Vec<Matched>,
    /// The observed items it has nothing of, the rarest first.
    pub missing: Vec<Item>,
    /// The candidate (`None` only in an empty row's default).
    #[serde(skip)]
    pub node: Option<Node>,
    /// Its profile (for the layer).
    #[serde(skip)]
    pub profile: Vec<Node>,
}

/// What to rank.
#[derive(Debug, Clone, Copy)]
pub struct AttributeOptions {
    /// Groups, campaigns or software.
    pub kind: Kind,
    /// Keep this many candidates.
    pub top: usize,
}

/// The ranking and what it was drawn from.
#[derive(Debug, Clone)]
pub struct Attribution {
    /// The best candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Candidates considered (active, not excluded).
    pub considered: usize,
    /// Candidates sharing anything with the observation (before `top`).
    pub matching: usize,
}

/// Ranks the candidates of `opts.kind` against the observed items (techniques and software,
/// sorted, excluded ones already left out).
#[must_use]
pub fn attribute(behaviour: &Behaviour, observed: &[Node], opts: &AttributeOptions) -> Attribution {
    let kb = behaviour.kb();
    let candidates: Vec<(Node, Vec<Node>)> = behaviour
        .actors(opts.kind)
        .map(|n| (n, behaviour.profile(n)))
        .collect();
    let weights = Weights::over(kb, candidates.iter().map(|(_, p)| p.as_slice()));
    let w_obs: f64 = observed.iter().map(|&o| weights.weight(o)).sum();
    // Scores first (cheap); the evidence only for the candidates kept.
    let mut scored: Vec<(f64, f64, f64, usize)> = Vec::new();
    for (at, (_, profile)) in candidates.iter().enumerate() {
        let d: f64 = observed
            .iter()
            .filter_map(|&o| {
                best_match(kb, o, profile).map(|m| weights.weight(o) * m.relation.credit())
            })
            .sum();
        if d <= 0.0 {
            continue;
        }
        let w_c: f64 = profile.iter().map(|&p| weights.weight(p)).sum();
        // Rounded as shown, so equal scores tie exactly and go by ID.
        let score = round4(
            (d / (w_obs.powf(1.0 - PROFILE_EXPONENT) * w_c.powf(PROFILE_EXPONENT))).min(1.0),
        );
        scored.push((score, d, w_c, at));
    }
    // Candidates are in ID order, so a stable sort by score leaves ties in ID order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let matching = scored.len();
    scored.truncate(opts.top);
    let ranked = scored
        .into_iter()
        .enumerate()
        .map(|(i, (score, d, w_c, at))| {
            let (node, profile) = &candidates[at];
            let (matched, missing) = evidence(kb, &weights, observed, profile);
            let (id, name) = kb.id_and_name(*node);
            Candidate {
                rank: i + 1,
                id: id.to_string(),
                name: name.to_string(),
                kind: node.kind.name(),
                score,
                observed_share: round4((d / w_obs).min(1.0)),
                profile_share: round4((d / w_c).min(1.0)),
                profile_size: profile.len(),
                matched,
                missing,
                node: Some(*node),
                profile: profile.clone(),
            }
        })
        .collect();
    Attribution {
        candidates: ranked,
        considered: candidates.len(),
        matching,
    }
}

/// What of the observation a profile accounts for, the most telling first, and what it lacks,
/// the rarest first.
fn evidence(
    kb: &KnowledgeBase,
    weights: &Weights,
    observed: &[Node],
    profile: &[Node],
) -> (Vec<Matched>, Vec<Item>) {
    let mut matched = Vec::new();
    let mut missing = Vec::new();
    for &o in observed {
        match best_match(kb, o, profile) {
            Some(m) => matched.push(Matched {
                item: Item::new(kb, o, weights),
                relation: m.relation,
                credit: m.relation.credit(),
                via: (m.relation != Relation::Same).then(|| kb.id_and_name(m.via).0.to_string()),
            }),
            None => missing.push(Item::new(kb, o, weights)),
        }
    }
    matched.sort_by(|a, b| {
        (b.item.weight * b.credit)
            .total_cmp(&(a.item.weight * a.credit))
            .then_with(|| cmp_ids(&a.item.id, &b.item.id))
    });
    missing.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| cmp_ids(&a.id, &b.id))
    });
    (matched, missing)
}

/// The top candidate's overlap with the observation as a Navigator layer: observed techniques
/// it has (green), has in part (light green: the comment names what it has instead) or lacks
/// (red), and its own techniques not observed (blue), with a legend.
#[must_use]
pub fn layer(
    kb: &KnowledgeBase,
    observed: &[Node],
    top: &Candidate,
    inputs: &str,
) -> NavigatorLayer {
    let who = format!("{} {}", top.id, top.name);
    let techniques = |v: &[Node]| -> Vec<u32> {
        v.iter()
            .filter(|n| n.kind == Kind::Technique)
            .map(|n| n.index)
            .collect()
    };
    let seen = techniques(observed);
    let known = techniques(&top.profile);
    let mut all: Vec<u32> = seen.iter().chain(&known).copied().collect();
    all.sort_unstable();
    all.dedup();
    let sel = Selection {
        sources: vec![inputs.to_string(), who.clone()],
        techniques: all
            .iter()
            .map(|&t| Selected {
                index: t,
                by: [
                    seen.binary_search(&t).is_ok(),
                    known.binary_search(&t).is_ok(),
                ]
                .iter()
                .enumerate()
                .filter(|(_, in_side)| **in_side)
                .map(|(i, _)| i)
                .collect(),
            })
            .collect(),
        ..Selection::default()
    };
    let mut layer = from_selection(
        kb,
        &sel,
        &LayerOptions {
            name: Some(format!("{who}: overlap with {inputs}")),
            ..LayerOptions::default()
        },
    );
    layer.description = format!(
        "Observed techniques ({inputs}) against what {who} is known to use in {}: score {:.3}, {} of {} observed items matched. Written by attck.",
        kb.label(),
        top.score,
        top.matched.len(),
        top.matched.len() + top.missing.len()
    );
    for e in &mut layer.techniques {
        let Some(&t) = kb.techniques_with_id(&e.technique_id).first() else {
            continue;
        };
        let node = Node::new(Kind::Technique, t);
        let (score, color, comment) = if seen.binary_search(&t).is_ok() {
            match best_match(kb, node, &top.profile) {
                Some(m) if m.relation == Relation::Same => {
                    (1.0, COVERED_COLOR, format!("Observed; used by {who}"))
                }
                Some(m) => (
                    m.relation.credit(),
                    PARTIAL_COLOR,
                    format!(
                        "Observed; {who} uses its {} {} ({} credit)",
                        m.relation.name(),
                        kb.id_and_name(m.via).0,
                        m.relation.credit()
                    ),
                ),
                None => (0.0, GAP_COLOR, format!("Observed; not known for {who}")),
            }
        } else {
            (0.0, DEFAULT_COLOR, format!("Known for {who}; not observed"))
        };
        e.score = score;
        e.color = color.to_string();
        e.comment = comment;
    }
    layer.legend_items = vec![
        LegendItem {
            label: format!("observed, used by {who}"),
            color: COVERED_COLOR.to_string(),
        },
        LegendItem {
            label: "observed, its parent, sub-technique or sibling used".to_string(),
            color: PARTIAL_COLOR.to_string(),
        },
        LegendItem {
            label: format!("observed, not known for {who}"),
            color: GAP_COLOR.to_string(),
        },
        LegendItem {
            label: format!("known for {who}, not observed"),
            color: DEFAULT_COLOR.to_string(),
        },
    ];
    layer.gradient.max_value = 1.0;
    layer.metadata.retain(|m| m.name != "selection");
    layer.metadata.extend([
        Metadata {
            name: "candidate".to_string(),
            value: who,
        },
        Metadata {
            name: "score".to_string(),
            value: format!("{:.3}", top.score),
        },
        Metadata {
            name: "inputs".to_string(),
            value: inputs.to_string(),
        },
    ]);
    layer
}

impl Matched {
    /// `T1059.003`, or `T1059.003 (via T1059)` for partial credit.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.via {
            Some(v) => format!("{} (via {v})", self.item.id),
            None => self.item.id.clone(),
        }
    }
}

/// How many items a table cell lists before `+N more` (JSON and CSV list them all).
pub const CELL_ITEMS: usize = 8;

/// The first [`CELL_ITEMS`] of a list, joined, and how many more there are.
fn first(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(CELL_ITEMS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > CELL_ITEMS {
        s.push_str(&format!(" +{} more", items.len() - CELL_ITEMS));
    }
    s
}

impl TableRow for Candidate {
    fn headers() -> Vec<&'static str> {
        vec!["Rank", "ID", "Name", "Type", "Score", "Matched", "Missing"]
    }

    fn cells(&self) -> Vec<Cell> {
        let matched: Vec<String> = self.matched.iter().map(Matched::label).collect();
        let missing: Vec<String> = self.missing.iter().map(|m| m.id.clone()).collect();
        let observed = self.matched.len() + self.missing.len();
        vec![
            self.rank.to_string().into(),
            self.id.as_str().into(),
            self.name.as_str().into(),
            self.kind.into(),
            Cell {
                text: format!("{:.3}", self.score),
                // A score is in [0, 1], so the permille is in 0..=1000.
                #[allow(clippy::cast_sign_loss)]
                bar: Some((self.score.clamp(0.0, 1.0) * 1000.0).round() as u16),
                ..Cell::default()
            },
            format!("{} of {observed}: {}", self.matched.len(), first(&matched)).into(),
            first(&missing).into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        crate::query::sample_kb()
    }

    fn nodes(kb: &KnowledgeBase, ids: &[&str]) -> Vec<Node> {
        let mut v: Vec<Node> = ids.iter().map(|i| kb.nodes_with_id(i)[0]).collect();
        v.sort_unstable();
        v
    }

    fn rank(kb: &KnowledgeBase, observed: &[&str], excluded: &[&str], kind: Kind) -> Attribution {
        let b = Behaviour::new(kb, &nodes(kb, excluded));
        attribute(
            &b,
            &nodes(kb, observed),
            &AttributeOptions { kind, top: 10 },
        )
    }

    fn ids(a: &Attribution) -> Vec<&str> {
        a.candidates.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn scores_follow_the_formula() {
        let kb = kb();
        // Groups: G0902 {S0901, T1053.003, T1059.001, T1082, T1543.002},
        // G0903 {S0903, T1027, T1059.004, T1497}, G0904 {S0904, T1652}. Observed: T1059.001 and
        // T1082, both only in G0902's profile: df 1 of 3, weight ln(4/2) + 1 each.
        let a = rank(&kb, &["T1059.001", "T1082"], &[], Kind::Group);
        assert_eq!(a.considered, 3);
        let top = &a.candidates[0];
        assert_eq!(top.id, "G0902");
        let w1 = 2f64.ln() + 1.0;
        // G0902's profile: five items, each in one profile of three.
        let d = 2.0 * w1;
        let expected = d / ((2.0 * w1).powf(0.8) * (5.0 * w1).powf(0.2));
        assert!((top.score - round4(expected)).abs() < 1e-9, "{}", top.score);
        assert!((top.observed_share - 1.0).abs() < 1e-9);
        assert!((top.profile_share - 0.4).abs() < 1e-9);
        assert_eq!(top.profile_size, 5);
        assert!(top.missing.is_empty());
        // G0903 has T1059.004, a sibling of T1059.001: a quarter of its weight.
        let g3 = &a.candidates[1];
        assert_eq!(g3.id, "G0903");
        assert_eq!(g3.matched.len(), 1);
        assert_eq!(g3.matched[0].relation, Relation::Sibling);
        assert_eq!(g3.matched[0].via.as_deref(), Some("T1059.004"));
        assert_eq!(
            g3.missing.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["T1082"]
        );
        assert!((g3.observed_share - round4(0.25 / 2.0)).abs() < 1e-9);
        // G0904 shares nothing and is left out.
        assert_eq!(ids(&a), ["G0902", "G0903"]);
        assert_eq!(a.matching, 2);
    }

    #[test]
    fn an_exact_profile_scores_one_and_ranks_first() {
        let kb = kb();
        let a = rank(&kb, &["S0904", "T1652"], &[], Kind::Group);
        assert_eq!(ids(&a), ["G0904"]);
        assert!((a.candidates[0].score - 1.0).abs() < 1e-9);
    }

    #[test]
    fn rare_evidence_outweighs_common_evidence() {
        let kb = kb();
        // Each observed item is in one group profile only (T1082: G0902; S0903 and T1497:
        // G0903), so each weighs the same and G0903 accounts for twice as much.
        let a = rank(&kb, &["T1082", "S0903", "T1497"], &[], Kind::Group);
        assert_eq!(ids(&a), ["G0903", "G0902"]);
    }

    #[test]
    fn exclusions_remove_candidates_and_campaign_evidence() {
        let kb = kb();
        let a = rank(&kb, &["T1059.001", "T1082"], &["G0902"], Kind::Group);
        assert_eq!(ids(&a), ["G0903"]);
        assert_eq!(a.considered, 2);
        // Campaigns as candidates: C0901 uses T1059.001, T1082 and S0901.
        let c = rank(&kb, &["T1059.001", "T1082"], &[], Kind::Campaign);
        assert_eq!(ids(&c), ["C0901"]);
        let c = rank(&kb, &["T1059.001", "T1082"], &["C0901"], Kind::Campaign);
        assert!(c.candidates.is_empty());
        assert_eq!(c.considered, 2);
    }

    #[test]
    fn software_candidates_match_themselves() {
        let kb = kb();
        let a = rank(&kb, &["S0902"], &[], Kind::Software);
        assert_eq!(ids(&a), ["S0902"]);
        // Tallow uses T1053.003, T1059.004, T1497; NightCrate T1027, T1059.001, T1543.
        let a = rank(&kb, &["T1053.003", "T1497"], &[], Kind::Software);
        assert_eq!(ids(&a)[0], "S0902");
        assert!(a.candidates.iter().all(|c| c.kind == "software"));
    }

    #[test]
    fn top_keeps_the_best() {
        let kb = kb();
        // Among software, T1082 is used by S0903 (profile: T1082, itself) and S0904 (T1082,
        // T1652, itself): the smaller profile is the closer match.
        let a = rank(&kb, &["T1082"], &[], Kind::Software);
        assert_eq!(ids(&a), ["S0903", "S0904"]);
        let b = Behaviour::new(&kb, &[]);
        let one = attribute(
            &b,
            &nodes(&kb, &["T1082"]),
            &AttributeOptions {
                kind: Kind::Software,
                top: 1,
            },
        );
        assert_eq!(ids(&one), ["S0903"]);
        assert_eq!(one.matching, 2);
        assert_eq!(one.candidates[0].rank, 1);
    }
}
