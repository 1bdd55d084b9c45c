//! `attck next`: techniques not yet observed, ranked by how strongly they co-occur with the
//! observed techniques and software across the knowledge base's groups, campaigns and
//! software, each with its evidence.
//!
//! Every active, not excluded group, campaign and piece of software is an *actor* with its
//! profile (see [`super::behaviour`]). For an observed item `o` and a technique `t`, `n(o, t)`
//! counts the actors whose profiles hold both and `n(x)` those that hold `x`; their association
//! is the cosine `n(o, t) / √(n(o) × n(t))`, which is 1 when the two always occur together and
//! does not grow with how popular `t` is. A technique's score is its mean association with the
//! observed items, from 0 to 1.
//!
//! The evidence shown with each row does not depend on the score: among the actors that share
//! at least `threshold` of the observed items (the *neighbours*), how many use the technique.
//! `threshold` is 3 (or every observed item, when fewer are observed), raised to a third of
//! the observed items for large observations so the neighbours stay close to them.

use serde::Serialize;

use super::behaviour::{Behaviour, round4};
use super::tactic_techniques::TechniqueFilter;
use super::technique::tactic_names;
use super::{Cell, TableRow};
use crate::model::{Kind, Node, cmp_ids};

/// How many observed items a row names as the most linked.
const LINKS: usize = 3;

/// What to suggest.
#[derive(Debug, Clone, Default)]
pub struct NextOptions {
    /// Only techniques under this tactic (an index of the knowledge base's tactics).
    pub tactic: Option<u32>,
    /// Only techniques for one of these platforms (case-insensitive); empty keeps all.
    pub platforms: Vec<String>,
    /// Keep this many suggestions.
    pub top: usize,
}

/// An observed item a suggestion is linked to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Link {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// `technique` or `software`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The association (cosine) of the two, from 0 to 1.
    pub strength: f64,
}

/// One suggested technique: `attck next -f json` is an array of these.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Suggestion {
    /// 1 for the strongest.
    pub rank: usize,
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tactic shortnames, in matrix order.
    pub tactics: Vec<String>,
    /// Mean association with the observed items, from 0 to 1.
    pub score: f64,
    /// Neighbours (actors sharing at least `threshold` observed items) that use it.
    pub used_by: usize,
    /// How many neighbours there are.
    pub neighbours: usize,
    /// Observed items an actor must share to be a neighbour.
    pub threshold: usize,
    /// Observed items (techniques and software, excluded ones left out).
    pub observed: usize,
    /// Actors of the whole knowledge base that use it.
    pub actors_using: usize,
    /// The observed items it is most associated with, strongest first.
    pub linked: Vec<Link>,
    /// The evidence in words: `used by 14 of the 18 actors that use 3 or more of the 9
    /// observed items; linked most to T1059.001, T1105, S0002`.
    pub evidence: String,
}

/// The suggestions and what they were drawn from.
#[derive(Debug, Clone)]
pub struct Next {
    /// The strongest suggestions, strongest first.
    pub suggestions: Vec<Suggestion>,
    /// Actors counted (groups, campaigns and software, active and not excluded).
    pub actors: usize,
    /// Techniques with any association, before `top`.
    pub candidates: usize,
}

/// Observed items an actor must share to count as a neighbour.
#[must_use]
pub fn threshold(observed: usize) -> usize {
    observed.min(3).max(observed.div_ceil(3))
}

/// Sorted-slice intersection size.
fn shared(a: &[Node], b: &[Node]) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(j);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn evidence(used_by: usize, neighbours: usize, threshold: usize, observed: usize) -> String {
    let who = if observed == 1 {
        "the observed item".to_string()
    } else if threshold >= observed {
        format!("all {observed} observed items")
    } else {
        format!("{threshold} or more of the {observed} observed items")
    };
    format!("used by {used_by} of the {neighbours} actors that use {who}")
}

/// Suggests techniques to look for next, given the observed items (techniques and software,
/// sorted, excluded ones already left out).
#[must_use]
pub fn next(behaviour: &Behaviour, observed: &[Node], opts: &NextOptions) -> Next {
    let kb = behaviour.kb();
    let n_tech = kb.techniques.len();
    let threshold = threshold(observed.len());
    // n(o, t), n(x) and the neighbours' use of each technique.
    let mut pair = vec![vec![0u32; n_tech]; observed.len()];
    let mut with_obs = vec![0u32; observed.len()];
    let mut with_tech = vec![0u32; n_tech];
    let mut near = vec![0u32; n_tech];
    let mut neighbours = 0usize;
    let mut actors = 0usize;
    for kind in [Kind::Group, Kind::Campaign, Kind::Software] {
        for actor in behaviour.actors(kind) {
            let profile = behaviour.profile(actor);
            actors += 1;
            let techs: Vec<usize> = profile
                .iter()
                .filter(|n| n.kind == Kind::Technique)
                .map(|n| n.index as usize)
                .collect();
            for &t in &techs {
                with_tech[t] += 1;
            }
            let common = shared(&profile, observed);
            for &o in &common {
                with_obs[o] += 1;
                for &t in &techs {
                    pair[o][t] += 1;
                }
            }
            if !common.is_empty() && common.len() >= threshold {
                neighbours += 1;
                for &t in &techs {
                    near[t] += 1;
                }
            }
        }
    }
    let filter = TechniqueFilter {
        platforms: opts.platforms.clone(),
        ..TechniqueFilter::default()
    };
    let association = |o: usize, t: usize| -> f64 {
        let n = f64::from(pair[o][t]);
        if n == 0.0 {
            0.0
        } else {
            n / (f64::from(with_obs[o]) * f64::from(with_tech[t])).sqrt()
        }
    };
    let mut scored: Vec<(f64, usize)> = (0..n_tech)
        .filter(|&t| {
            let tech = &kb.techniques[t];
            let node = Node::new(Kind::Technique, t as u32);
            tech.meta.is_active()
                && filter.accepts(tech)
                && opts.tactic.is_none_or(|ta| tech.tactics.contains(&ta))
                && observed.binary_search(&node).is_err()
                && !behaviour.is_excluded(node)
        })
        .filter_map(|t| {
            let total: f64 = (0..observed.len()).map(|o| association(o, t)).sum();
            // Ranked by the score as shown, so equal scores tie exactly and go by ID.
            (total > 0.0).then(|| (round4(total / observed.len() as f64), t))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| cmp_ids(&kb.techniques[a.1].meta.id, &kb.techniques[b.1].meta.id))
    });
    let candidates = scored.len();
    scored.truncate(opts.top);
    let suggestions = scored
        .into_iter()
        .enumerate()
        .map(|(rank, (score, t))| {
            let tech = &kb.techniques[t];
            let mut links: Vec<(f64, usize)> = (0..observed.len())
                .map(|o| (association(o, t), o))
                .filter(|(s, _)| *s > 0.0)
                .collect();
            links.sort_by(|a, b| {
                b.0.total_cmp(&a.0).then_with(|| {
                    cmp_ids(
                        kb.id_and_name(observed[a.1]).0,
                        kb.id_and_name(observed[b.1]).0,
                    )
                })
            });
            links.truncate(LINKS);
            let linked: Vec<Link> = links
                .iter()
                .map(|&(s, o)| {
                    let (id, name) = kb.id_and_name(observed[o]);
                    Link {
                        id: id.to_string(),
                        name: name.to_string(),
                        kind: observed[o].kind.name(),
                        strength: round4(s),
                    }
                })
                .collect();
            let used_by = near[t] as usize;
            let mut words = evidence(used_by, neighbours, threshold, observed.len());
            if !linked.is_empty() {
                let ids: Vec<&str> = linked.iter().map(|l| l.id.as_str()).collect();
                words.push_str(&format!("; linked most to {}", ids.join(", ")));
            }
            Suggestion {
                rank: rank + 1,
                id: tech.meta.id.to_string(),
                name: tech.meta.name.to_string(),
                tactics: tactic_names(kb, tech),
                score,
                used_by,
                neighbours,
                threshold,
                observed: observed.len(),
                actors_using: with_tech[t] as usize,
                linked,
                evidence: words,
            }
        })
        .collect();
    Next {
        suggestions,
        actors,
        candidates,
    }
}

impl TableRow for Suggestion {
    fn headers() -> Vec<&'static str> {
        vec!["Rank", "ID", "Name", "Tactics", "Score", "Evidence"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.rank.to_string().into(),
            self.id.as_str().into(),
            self.name.as_str().into(),
            self.tactics.join(", ").into(),
            format!("{:.3}", self.score).into(),
            self.evidence.as_str().into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KnowledgeBase;

    fn kb() -> KnowledgeBase {
        crate::query::sample_kb()
    }

    fn nodes(kb: &KnowledgeBase, ids: &[&str]) -> Vec<Node> {
        let mut v: Vec<Node> = ids.iter().map(|i| kb.nodes_with_id(i)[0]).collect();
        v.sort_unstable();
        v
    }

    fn suggest(
        kb: &KnowledgeBase,
        observed: &[&str],
        excluded: &[&str],
        opts: &NextOptions,
    ) -> Next {
        let b = Behaviour::new(kb, &nodes(kb, excluded));
        next(&b, &nodes(kb, observed), opts)
    }

    fn all() -> NextOptions {
        NextOptions {
            top: 100,
            ..NextOptions::default()
        }
    }

    #[test]
    fn thresholds() {
        assert_eq!(
            (1..=12).map(threshold).collect::<Vec<_>>(),
            [1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4]
        );
        assert_eq!(threshold(30), 10);
    }

    #[test]
    fn associations_are_cosines_of_actor_counts() {
        let kb = kb();
        // Actors (profiles): G0902 {T1053.003, T1059.001, T1082, T1543.002, S0901},
        // G0903 {T1027, T1059.004, T1497, S0903}, G0904 {T1652, S0904},
        // C0901 {T1059.001, T1082, S0901}, C0902 {T1497, S0903}, C0903 {T1652, S0904},
        // S0901 {T1027, T1059.001, T1543, S0901}, S0902 {T1053.003, T1059.004, T1497, S0902},
        // S0903 {T1082, S0903}, S0904 {T1082, T1652, S0904}.
        let n = suggest(&kb, &["T1652"], &[], &all());
        assert_eq!(n.actors, 10);
        // T1652 is in 3 actors (G0904, C0903, S0904), T1082 in 4 (G0902, C0901, S0903, S0904),
        // both in 1 (S0904); nothing else shares an actor with T1652.
        let ids: Vec<&str> = n.suggestions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["T1082"]);
        let s = &n.suggestions[0];
        assert_eq!(s.actors_using, 4);
        assert!((s.score - round4(1.0 / (3f64 * 4.0).sqrt())).abs() < 1e-9);
        assert_eq!((s.used_by, s.neighbours, s.threshold), (1, 3, 1));
        assert_eq!(s.linked[0].id, "T1652");
        assert_eq!(
            s.evidence,
            "used by 1 of the 3 actors that use the observed item; linked most to T1652"
        );
    }

    #[test]
    fn ranking_filters_and_exclusions() {
        let kb = kb();
        // T1059.001 and S0901 observed: both in G0902, C0901 and S0901.
        let both = suggest(&kb, &["S0901", "T1059.001"], &[], &all());
        let ids: Vec<&str> = both.suggestions.iter().map(|s| s.id.as_str()).collect();
        // Both observed items are in 3 actors. T1082: with each in 2 of its 4 actors,
        // 2/√12; T1543 and T1543.002: with each in their only actor, 1/√3 (the same, so by
        // ID); T1027 (2 actors) and T1053.003 (2 actors): with each in 1, 1/√6.
        assert_eq!(ids, ["T1082", "T1543", "T1543.002", "T1027", "T1053.003"]);
        assert!((both.suggestions[0].score - round4(1.0 / 3f64.sqrt())).abs() < 1e-9);
        assert!((both.suggestions[3].score - round4(1.0 / 6f64.sqrt())).abs() < 1e-9);
        assert!(
            both.suggestions
                .iter()
                .all(|s| s.threshold == 2 && s.neighbours == 3)
        );
        // --tactic persistence keeps T1543, T1543.002 and T1053.003.
        let persistence = kb.tactic("persistence").unwrap().0;
        let persist = suggest(
            &kb,
            &["S0901", "T1059.001"],
            &[],
            &NextOptions {
                tactic: Some(persistence),
                top: 100,
                ..NextOptions::default()
            },
        );
        let ids: Vec<&str> = persist.suggestions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["T1543", "T1543.002", "T1053.003"]);
        // --platform windows drops T1543.002 (Linux) and T1053.003 (Linux, macOS).
        let windows = suggest(
            &kb,
            &["S0901", "T1059.001"],
            &[],
            &NextOptions {
                platforms: vec!["WINDOWS".into()],
                top: 100,
                ..NextOptions::default()
            },
        );
        let ids: Vec<&str> = windows.suggestions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["T1082", "T1543", "T1027"]);
        // Excluding G0902 and C0901 leaves S0901 as the only actor with the observed items:
        // T1543 (in S0901 only) 1, T1027 (also in G0903) 1/√2; no T1082.
        let excl = suggest(&kb, &["S0901", "T1059.001"], &["G0902", "C0901"], &all());
        let ids: Vec<&str> = excl.suggestions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["T1543", "T1027"]);
        assert_eq!(excl.actors, 8);
        assert_eq!(excl.suggestions[0].neighbours, 1);
        // --top.
        let one = suggest(
            &kb,
            &["S0901", "T1059.001"],
            &[],
            &NextOptions {
                top: 1,
                ..NextOptions::default()
            },
        );
        assert_eq!(one.suggestions.len(), 1);
        assert!(one.candidates > 1);
    }
}
