//! `attck attribute`: which groups (or campaigns, or software) behave most like an
//! observation of techniques and software, each with its evidence.
//!
//! Both sides are first closed under capability: a piece of software, observed or in a
//! candidate's profile, brings the techniques it is known to use (see
//! [`Behaviour::with_capabilities`]). The similarity of a set of items `S` to the observation
//! `O` is
//!
//! ```text
//! sim(S, e) = D / (W_O^(1-e) × W_S^e), clamped to [0, 1]
//! D   = Σ over observed items o of what o earns against S
//! W_O = Σ over observed items of weight(o);  W_S = Σ over S of weight(s)
//! ```
//!
//! `weight` is the rarity of an item among the candidates' profiles (see [`Weights`]). An
//! observed item `S` has (itself, or through its software) earns its weight. Otherwise an
//! observed technique earns partial credit when `S` has its parent or one of its
//! sub-techniques (0.5) or a sibling sub-technique (0.25), times the weight of the technique's
//! family (what the two share is the family, not the technique, so it weighs as rare as the
//! family is), and only between items reported on both sides: the technique observed itself,
//! not brought by observed software, and the relative reported for the candidate itself, not
//! brought by its software. A capability is already one inference; a family resemblance on
//! top of it would be a second, and with software's detailed mappings nearly every large
//! profile touches nearly every family. A family resemblance is one piece of evidence, so in
//! each observed family partial credit counts once (the member earning most) and not at all
//! when a member matched exactly. `D / W_O` is the share of the observation `S`
//! explains; dividing by a small power of `S`'s own weight keeps a candidate from winning by
//! being large (a profile holding every technique explains everything and scores low). `sim`
//! is 1 when `S` is exactly the observation.
//!
//! A candidate's score is the similarity of its whole profile, `sim(P, 0.2)`. A group is also
//! known from separate records (its own reported uses, and each campaign attributed to it):
//! its score is the greater of `sim(P, 0.2)` and `sim(R, 0.3)` for its closest record `R`. An
//! observation of one intrusion often resembles one past operation more than the sum of all a
//! group was ever seen doing; the record's stronger size discount keeps a single large record
//! from winning by size. The evidence is shown against whichever of the two gave the score.

use serde::Serialize;

use super::behaviour::{Behaviour, Match, Relation, Weights, best_match_in, family, round4};
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

/// How much a candidate's whole profile weight counts against it (the observation's counts
/// the rest, `1 - PROFILE_EXPONENT`).
pub const PROFILE_EXPONENT: f64 = 0.2;

/// How much a single record's weight counts against it: more than a whole profile's, since a
/// record is matched alone and a large one would otherwise win by size.
pub const RECORD_EXPONENT: f64 = 0.3;

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
    /// The observed piece of software that brings this technique into the observation (null
    /// when it was observed itself).
    pub implied_by: Option<String>,
}

impl Item {
    fn new(kb: &KnowledgeBase, n: Node, w: &Weights, implied_by: Option<Node>) -> Item {
        let (id, name) = kb.id_and_name(n);
        Item {
            id: id.to_string(),
            name: name.to_string(),
            kind: n.kind.name(),
            weight: round4(w.weight(n)),
            implied_by: implied_by.map(|s| kb.id_and_name(s).0.to_string()),
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
    /// What it adds to the score's `D`: its weight for `same`, else the credit times the weight
    /// of its technique family (what a partial match shares).
    pub earned: f64,
    /// The candidate's item that earned partial credit (null for `same`).
    pub via: Option<String>,
    /// The candidate's piece of software through which it has the item (or `via`): null when
    /// it is known to use it itself.
    pub through: Option<String>,
}

/// What a candidate's score, shares and evidence were computed against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Its whole profile.
    #[default]
    Profile,
    /// Its closest record (see [`Record`]).
    Record,
}

/// A group's record closest to the observation: its own reported uses, or one campaign
/// attributed to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record {
    /// The campaign's ATT&CK ID, or the group's own for what it is reported to use itself.
    pub id: String,
    /// The campaign's name, or the group's.
    pub name: String,
    /// `campaign`, or `group` for the group's own reported uses.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its similarity to the observation, from 0 to 1 (see the module documentation).
    pub score: f64,
    /// Items (techniques and software) in it, the techniques its software brings included.
    pub size: usize,
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
    /// documentation): the greater of `profile_score` and the closest record's score.
    /// Comparable between candidates of one run, not between runs.
    pub score: f64,
    /// Whether the score, the shares and the evidence below come from the whole profile or
    /// from the closest record.
    pub basis: Basis,
    /// The similarity of its whole profile.
    pub profile_score: f64,
    /// A group's record closest to the observation (null for campaigns and software).
    pub record: Option<Record>,
    /// Share of the observation's weight the basis accounts for (0 to 1).
    pub observed_share: f64,
    /// Share of the basis's own weight the observation accounts for (0 to 1).
    pub profile_share: f64,
    /// Items (techniques and software) in its profile, the techniques its software brings
    /// included.
    pub profile_size: usize,
    /// The observed items the basis accounts for, the most telling (weight × credit) first.
    pub matched: Vec<Matched>,
    /// The observed items the basis has nothing of, the rarest first.
    pub missing: Vec<Item>,
    /// The candidate (`None` only in an empty row's default).
    #[serde(skip)]
    pub node: Option<Node>,
    /// The items of the basis (for the layer).
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
    /// The observation as scored: the observed items and the techniques their software
    /// brings, sorted.
    pub observed: Vec<Node>,
    /// How many of those techniques only the observed software brings.
    pub implied: usize,
}

/// A [`Marks`] bit: the item is in the set, closed under capability.
const HELD: u8 = 1;
/// A [`Marks`] bit: the item is reported for the set itself (not only brought by software).
const OWN: u8 = 2;

/// Which items one set holds, so that every observed item is tested against it in constant
/// time: loaded with a set's own items (and closed under capability), read, then loaded with
/// the next.
struct Marks {
    techniques: Vec<u8>,
    software: Vec<u8>,
    /// What is loaded: the set closed under capability, each item once, in no order.
    loaded: Vec<Node>,
}

impl Marks {
    fn new(kb: &KnowledgeBase) -> Marks {
        Marks {
            techniques: vec![0; kb.techniques.len()],
            software: vec![0; kb.count(Kind::Software)],
            loaded: Vec::new(),
        }
    }

    fn slot(&mut self, n: Node) -> Option<&mut u8> {
        match n.kind {
            Kind::Technique => self.techniques.get_mut(n.index as usize),
            Kind::Software => self.software.get_mut(n.index as usize),
            _ => None,
        }
    }

    fn get(&self, n: Node) -> u8 {
        match n.kind {
            Kind::Technique => self.techniques.get(n.index as usize),
            Kind::Software => self.software.get(n.index as usize),
            _ => None,
        }
        .copied()
        .unwrap_or(0)
    }

    fn mark(&mut self, n: Node, bits: u8) {
        let fresh = match self.slot(n) {
            Some(f) => {
                let fresh = *f == 0;
                *f |= bits;
                fresh
            }
            None => false,
        };
        if fresh {
            self.loaded.push(n);
        }
    }

    /// Loads a set's own items, and the techniques of its software.
    fn load(&mut self, behaviour: &Behaviour, own: &[Node]) {
        self.clear();
        for &i in own {
            self.mark(i, HELD | OWN);
        }
        for &s in own.iter().filter(|n| n.kind == Kind::Software) {
            for t in behaviour.capabilities(s) {
                self.mark(t, HELD);
            }
        }
    }

    fn clear(&mut self) {
        let mut loaded = std::mem::take(&mut self.loaded);
        for &n in &loaded {
            if let Some(f) = self.slot(n) {
                *f = 0;
            }
        }
        loaded.clear();
        self.loaded = loaded;
    }

    /// The loaded set, sorted.
    fn sorted(&self) -> Vec<Node> {
        let mut v = self.loaded.clone();
        v.sort_unstable();
        v
    }
}

/// The observation: what was observed (sorted), and that with the techniques its software
/// brings (sorted), each marked whether it was observed itself.
struct Seen {
    own: Vec<Node>,
    all: Vec<Node>,
    stated: Vec<bool>,
    /// For each item of `all`, the slot of its technique family among the observation's
    /// families (`None` for software).
    family: Vec<Option<usize>>,
    /// How many technique families the observation touches.
    families: usize,
}

impl Seen {
    fn new(kb: &KnowledgeBase, own: &[Node], all: Vec<Node>) -> Seen {
        let stated = all.iter().map(|o| own.binary_search(o).is_ok()).collect();
        let mut seen_families: Vec<u32> = Vec::new();
        let family = all
            .iter()
            .map(|o| {
                (o.kind == Kind::Technique).then(|| {
                    let f = family(kb, o.index);
                    seen_families
                        .iter()
                        .position(|&x| x == f)
                        .unwrap_or_else(|| {
                            seen_families.push(f);
                            seen_families.len() - 1
                        })
                })
            })
            .collect();
        Seen {
            own: own.to_vec(),
            all,
            stated,
            family,
            families: seen_families.len(),
        }
    }
}

/// A candidate and what it is known for (its own items, sorted, before capability).
struct Actor {
    node: Node,
    profile: Vec<Node>,
    /// Its records (groups only): the record's key (the group or a campaign) and its items.
    records: Vec<(Node, Vec<Node>)>,
}

/// How well a set of items fits the observation.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// The similarity, rounded as shown (so equal scores tie exactly and go by ID).
    score: f64,
    /// The weight of the observation accounted for.
    d: f64,
    /// The set's own weight.
    w: f64,
    /// Items in the set, closed under capability.
    size: usize,
}

/// How an observed item `o` matches the loaded set, and the weight it earns: its own weight
/// for the item itself (held or brought by software), or for partial credit the credit times
/// its family's weight, only between items reported on both sides (`o` observed itself, the
/// relative the set's own).
fn earn(
    kb: &KnowledgeBase,
    weights: &Weights,
    o: Node,
    stated: bool,
    marks: &Marks,
) -> Option<(Match, f64)> {
    if marks.get(o) & HELD != 0 {
        let m = Match {
            relation: Relation::Same,
            via: o,
        };
        return Some((m, weights.weight(o)));
    }
    if !stated {
        return None;
    }
    best_match_in(kb, o, |n| marks.get(n) & OWN != 0)
        .map(|m| (m, m.relation.credit() * weights.family_weight(o)))
}

/// A candidate's score and where it came from.
struct Scored {
    /// The greater of the two below.
    score: f64,
    /// Its whole profile's fit.
    whole: Fit,
    /// Its closest record (its index among the actor's records) and that record's fit.
    nearest: Option<(usize, Fit)>,
    /// The actor's index.
    at: usize,
}

/// Everything scoring reads, and the scratch marks.
struct Scorer<'b, 'a> {
    behaviour: &'b Behaviour<'a>,
    weights: Weights,
    seen: Seen,
    w_obs: f64,
    marks: Marks,
    /// Scratch, per observed family: whether a member matched exactly, and the observed item
    /// (its position in `seen.all`) whose partial credit counts, with that credit.
    families: Vec<(bool, Option<(usize, f64)>)>,
}

impl Scorer<'_, '_> {
    /// `sim(set, exponent)` of the module documentation, for a set's own items.
    fn fit(&mut self, own: &[Node], exponent: f64) -> Fit {
        self.marks.load(self.behaviour, own);
        let w: f64 = self
            .marks
            .loaded
            .iter()
            .map(|&p| self.weights.weight(p))
            .sum();
        let d: f64 = self.earnings().into_iter().flatten().map(|(_, e)| e).sum();
        let score = if d > 0.0 {
            round4((d / (self.w_obs.powf(1.0 - exponent) * w.powf(exponent))).min(1.0))
        } else {
            0.0
        };
        Fit {
            score,
            d,
            w,
            size: self.marks.loaded.len(),
        }
    }

    /// What each observed item (in `seen.all` order) earns against the loaded set, and how it
    /// matched (see [`earn`]). A family resemblance is one piece of evidence: in each technique
    /// family of the observation, partial credit counts once, for the member earning most (the
    /// first among equals), and not at all when a member of the family matched exactly (which
    /// already shows the family shared). The other partial matches earn 0.
    fn earnings(&mut self) -> Vec<Option<(Match, f64)>> {
        let kb = self.behaviour.kb();
        let seen = &self.seen;
        let mut out: Vec<Option<(Match, f64)>> = seen
            .all
            .iter()
            .zip(&seen.stated)
            .map(|(&o, &stated)| earn(kb, &self.weights, o, stated, &self.marks))
            .collect();
        self.families.clear();
        self.families.resize(seen.families, (false, None));
        for (i, e) in out.iter().enumerate() {
            let (Some((m, earned)), Some(f)) = (e, seen.family[i]) else {
                continue;
            };
            let slot = &mut self.families[f];
            if m.relation == Relation::Same {
                slot.0 = true;
            } else if slot.1.is_none_or(|(_, best)| *earned > best) {
                slot.1 = Some((i, *earned));
            }
        }
        for (i, e) in out.iter_mut().enumerate() {
            if let (Some((m, earned)), Some(f)) = (e.as_mut(), seen.family[i])
                && m.relation != Relation::Same
            {
                let (exact, counted) = self.families[f];
                if exact || counted.is_none_or(|(at, _)| at != i) {
                    *earned = 0.0;
                }
            }
        }
        out
    }

    /// What of the observation a set accounts for, the most telling first, and what it lacks,
    /// the rarest first; each item says which observed software brought it, each match which
    /// of the candidate's software brought what matched. Leaves the set loaded.
    fn evidence(&mut self, own: &[Node]) -> (Vec<Matched>, Vec<Item>) {
        let b = self.behaviour;
        let kb = b.kb();
        self.marks.load(b, own);
        let earnings = self.earnings();
        let mut matched = Vec::new();
        let mut missing = Vec::new();
        for ((&o, &stated), earned) in self.seen.all.iter().zip(&self.seen.stated).zip(earnings) {
            let implied_by = if stated {
                None
            } else {
                b.brought_by(o, &self.seen.own)
            };
            let item = Item::new(kb, o, &self.weights, implied_by);
            match earned {
                Some((m, earned)) => matched.push(Matched {
                    item,
                    relation: m.relation,
                    credit: m.relation.credit(),
                    earned: round4(earned),
                    via: (m.relation != Relation::Same)
                        .then(|| kb.id_and_name(m.via).0.to_string()),
                    through: b
                        .brought_by(m.via, own)
                        .map(|s| kb.id_and_name(s).0.to_string()),
                }),
                None => missing.push(item),
            }
        }
        matched.sort_by(|a, b| {
            b.earned
                .total_cmp(&a.earned)
                .then_with(|| cmp_ids(&a.item.id, &b.item.id))
        });
        missing.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| cmp_ids(&a.id, &b.id))
        });
        (matched, missing)
    }
}

/// Ranks the candidates of `opts.kind` against the observed items (techniques and software,
/// sorted, excluded ones already left out).
#[must_use]
pub fn attribute(behaviour: &Behaviour, observed: &[Node], opts: &AttributeOptions) -> Attribution {
    let kb = behaviour.kb();
    let actors: Vec<Actor> = behaviour
        .actors(opts.kind)
        .map(|node| Actor {
            node,
            profile: behaviour.profile(node),
            records: behaviour.records(node),
        })
        .collect();
    let mut marks = Marks::new(kb);
    let mut weights = Weights::none(kb);
    for a in &actors {
        marks.load(behaviour, &a.profile);
        weights.count(&marks.loaded);
    }
    marks.load(behaviour, observed);
    let seen = Seen::new(kb, observed, marks.sorted());
    let all = &seen.all;
    let w_obs: f64 = all.iter().map(|&o| weights.weight(o)).sum();
    let mut sc = Scorer {
        behaviour,
        weights,
        seen,
        w_obs,
        marks,
        families: Vec::new(),
    };
    // Scores first (cheap); the evidence only for the candidates kept.
    let mut scored: Vec<Scored> = Vec::new();
    for (at, actor) in actors.iter().enumerate() {
        let whole = sc.fit(&actor.profile, PROFILE_EXPONENT);
        if whole.d <= 0.0 {
            continue;
        }
        // The closest record; the first (own uses, then campaigns in ID order) among equals.
        let mut nearest: Option<(usize, Fit)> = None;
        for (i, (_, items)) in actor.records.iter().enumerate() {
            let f = sc.fit(items, RECORD_EXPONENT);
            if nearest.is_none_or(|(_, n)| f.score > n.score) {
                nearest = Some((i, f));
            }
        }
        let score = nearest.map_or(whole.score, |(_, n)| n.score.max(whole.score));
        scored.push(Scored {
            score,
            whole,
            nearest,
            at,
        });
    }
    // Candidates are in ID order, so a stable sort by score leaves ties in ID order.
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    let matching = scored.len();
    scored.truncate(opts.top);
    let ranked = scored
        .into_iter()
        .enumerate()
        .map(|(i, best)| {
            let Scored {
                score,
                whole,
                nearest,
                at,
            } = best;
            let actor = &actors[at];
            // The record is the basis only when it scores strictly better.
            let (basis, items, f) = match nearest {
                Some((r, n)) if n.score > whole.score => (Basis::Record, &actor.records[r].1, n),
                _ => (Basis::Profile, &actor.profile, whole),
            };
            let (matched, missing) = sc.evidence(items);
            let (id, name) = kb.id_and_name(actor.node);
            Candidate {
                rank: i + 1,
                id: id.to_string(),
                name: name.to_string(),
                kind: actor.node.kind.name(),
                score,
                basis,
                profile_score: whole.score,
                record: nearest.map(|(r, n)| {
                    let (id, name) = kb.id_and_name(actor.records[r].0);
                    Record {
                        id: id.to_string(),
                        name: name.to_string(),
                        kind: actor.records[r].0.kind.name(),
                        score: n.score,
                        size: n.size,
                    }
                }),
                observed_share: round4((f.d / w_obs).min(1.0)),
                profile_share: round4((f.d / f.w).min(1.0)),
                profile_size: whole.size,
                matched,
                missing,
                node: Some(actor.node),
                profile: sc.marks.sorted(),
            }
        })
        .collect();
    let Seen { all, stated, .. } = sc.seen;
    Attribution {
        candidates: ranked,
        considered: actors.len(),
        matching,
        implied: stated.iter().filter(|s| !**s).count(),
        observed: all,
    }
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
        "Observed techniques ({inputs}) against what {who} is known to use ({}) in {}: score {:.3}, {} of {} observed items matched. Written by attck.",
        top.scope(),
        kb.label(),
        top.score,
        top.matched.len(),
        top.matched.len() + top.missing.len()
    );
    let by_id = |id: &str| top.matched.iter().find(|m| m.item.id == id);
    let implied = |id: &str| {
        top.matched
            .iter()
            .map(|m| &m.item)
            .chain(&top.missing)
            .find(|i| i.id == id)
            .and_then(|i| i.implied_by.as_deref())
            .map(|s| format!(" (implied by observed {s})"))
            .unwrap_or_default()
    };
    for e in &mut layer.techniques {
        let Some(&t) = kb.techniques_with_id(&e.technique_id).first() else {
            continue;
        };
        let (score, color, comment) = if seen.binary_search(&t).is_ok() {
            let observed = format!("Observed{}", implied(&e.technique_id));
            match by_id(&e.technique_id) {
                Some(m) => {
                    let through = m
                        .through
                        .as_deref()
                        .map(|s| format!(" through {s}"))
                        .unwrap_or_default();
                    match &m.via {
                        None => (
                            1.0,
                            COVERED_COLOR,
                            format!("{observed}; used by {who}{through}"),
                        ),
                        Some(via) => (
                            m.credit,
                            PARTIAL_COLOR,
                            format!(
                                "{observed}; {who} uses its {} {via}{through} ({} credit)",
                                m.relation.name(),
                                m.credit
                            ),
                        ),
                    }
                }
                None => (0.0, GAP_COLOR, format!("{observed}; not known for {who}")),
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
            name: "scored on".to_string(),
            value: top.scope(),
        },
        Metadata {
            name: "inputs".to_string(),
            value: inputs.to_string(),
        },
    ]);
    layer
}

impl Matched {
    /// `T1059.003`, annotated with how it matched: `T1059.003 (via T1059)` for partial credit,
    /// `T1105 (through S0002)` when the candidate has it through its software,
    /// `T1105 (implied by S0154)` when the observed software brought it into the observation.
    #[must_use]
    pub fn label(&self) -> String {
        let notes: Vec<String> = [
            self.item
                .implied_by
                .as_ref()
                .map(|s| format!("implied by {s}")),
            self.via.as_ref().map(|v| format!("via {v}")),
            self.through.as_ref().map(|s| format!("through {s}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if notes.is_empty() {
            self.item.id.clone()
        } else {
            format!("{} ({})", self.item.id, notes.join(", "))
        }
    }
}

impl Candidate {
    /// What the score was computed against, in words: `its whole profile`, `its own reported
    /// uses` or a campaign (`C0024 SolarWinds Compromise`).
    #[must_use]
    pub fn scope(&self) -> String {
        match (&self.basis, &self.record) {
            (Basis::Record, Some(r)) if r.kind == Kind::Group.name() => {
                "its own reported uses".to_string()
            }
            (Basis::Record, Some(r)) => format!("{} {}", r.id, r.name),
            _ => "its whole profile".to_string(),
        }
    }

    /// The table's short form of [`Candidate::scope`]: `profile`, `own uses` or a campaign ID.
    fn basis_cell(&self) -> String {
        match (&self.basis, &self.record) {
            (Basis::Record, Some(r)) if r.kind == Kind::Group.name() => "own uses".to_string(),
            (Basis::Record, Some(r)) => r.id.clone(),
            _ => "profile".to_string(),
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
        vec![
            "Rank",
            "ID",
            "Name",
            "Type",
            "Score",
            "Scored on",
            "Matched",
            "Missing",
        ]
    }

    fn cells(&self) -> Vec<Cell> {
        // What was observed itself, item by item; what observed software brought, counted per
        // piece of software (JSON and CSV list it all).
        let stated = |i: &Item| i.implied_by.is_none();
        let matched: Vec<String> = self
            .matched
            .iter()
            .filter(|m| stated(&m.item))
            .map(Matched::label)
            .collect();
        let missing: Vec<String> = self
            .missing
            .iter()
            .filter(|i| stated(i))
            .map(|m| m.id.clone())
            .collect();
        let observed = matched.len() + missing.len();
        let mut text = format!("{} of {observed}: {}", matched.len(), first(&matched));
        let mut brought: Vec<(&str, usize, usize)> = Vec::new();
        for (item, hit) in self
            .matched
            .iter()
            .map(|m| (&m.item, true))
            .chain(self.missing.iter().map(|i| (i, false)))
        {
            let Some(s) = item.implied_by.as_deref() else {
                continue;
            };
            match brought.iter_mut().find(|b| b.0 == s) {
                Some(b) => {
                    b.1 += usize::from(hit);
                    b.2 += 1;
                }
                None => brought.push((s, usize::from(hit), 1)),
            }
        }
        brought.sort_by(|a, b| cmp_ids(a.0, b.0));
        for (s, hit, all) in brought {
            text.push_str(&format!("; {hit} of {all} techniques {s} brings"));
        }
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
            self.basis_cell().into(),
            text.into(),
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

    fn find<'a>(a: &'a Attribution, id: &str) -> &'a Candidate {
        a.candidates.iter().find(|c| c.id == id).unwrap()
    }

    /// Weight of an item in `df` of the sample's three group profiles.
    fn w(df: u32) -> f64 {
        (4.0 / f64::from(df + 1)).ln() + 1.0
    }

    /// `sim` of the module documentation.
    fn sim(d: f64, w_obs: f64, w_set: f64, e: f64) -> f64 {
        round4((d / (w_obs.powf(1.0 - e) * w_set.powf(e))).min(1.0))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    // Group profiles in the sample, closed under capability (the software's techniques in
    // brackets): G0902 {S0901 [T1027, T1059.001, T1543], T1053.003, T1059.001, T1082,
    // T1543.002}, records G0902 itself and C0901 {S0901 [..], T1059.001, T1082};
    // G0903 {S0903 [T1082], T1027, T1059.004, T1497}, records G0903 and C0902 {S0903 [T1082],
    // T1497}; G0904 {S0904 [T1082, T1652], T1652}, records G0904 and C0903 (the same items).
    // Among the three: T1082 is in all (weight w(3)), T1027 in two (w(2)), every other item in
    // one (w(1)); the T1059 family is in two (G0902, G0903).

    #[test]
    fn scores_follow_the_formula() {
        let kb = kb();
        let a = rank(&kb, &["T1059.001", "T1082"], &[], Kind::Group);
        assert_eq!(a.considered, 3);
        assert_eq!(ids(&a), ["G0902", "G0903", "G0904"]);
        let w_obs = w(1) + w(3);
        // G0902 has both itself; its profile: T1027, five rare items, T1082.
        let top = &a.candidates[0];
        let w_p = w(2) + 5.0 * w(1) + w(3);
        assert!(
            close(top.score, sim(w_obs, w_obs, w_p, 0.2)),
            "{}",
            top.score
        );
        assert_eq!(top.basis, Basis::Profile);
        assert!(close(top.profile_score, top.score));
        // Its closest record is C0901 (T1027, T1059.001, T1082, T1543, S0901), scored with the
        // record exponent; the profile still scores higher, so the evidence is the profile's.
        let r = top.record.as_ref().unwrap();
        assert_eq!((r.id.as_str(), r.kind, r.size), ("C0901", "campaign", 5));
        let w_r = w(2) + 3.0 * w(1) + w(3);
        assert!(close(r.score, sim(w_obs, w_obs, w_r, 0.3)), "{}", r.score);
        assert!(r.score < top.score);
        assert!(close(top.observed_share, 1.0));
        assert!(close(top.profile_share, round4(w_obs / w_p)));
        assert_eq!(top.profile_size, 7);
        assert!(top.missing.is_empty());
        // G0903: T1059.004, a sibling of T1059.001, earns a quarter of the T1059 family's
        // weight (in two profiles), not of T1059.001's (in one); T1082 comes through S0903.
        let g3 = find(&a, "G0903");
        let by: Vec<(&str, Relation, Option<&str>, Option<&str>)> = g3
            .matched
            .iter()
            .map(|m| {
                (
                    m.item.id.as_str(),
                    m.relation,
                    m.via.as_deref(),
                    m.through.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            by,
            [
                ("T1082", Relation::Same, None, Some("S0903")),
                ("T1059.001", Relation::Sibling, Some("T1059.004"), None),
            ]
        );
        let sibling = &g3.matched[1];
        assert!(close(sibling.earned, round4(0.25 * w(2))));
        assert!(sibling.earned < 0.25 * w(1));
        let d = 0.25 * w(2) + w(3);
        let w_g3 = w(2) + 3.0 * w(1) + w(3);
        assert!(close(g3.score, sim(d, w_obs, w_g3, 0.2)), "{}", g3.score);
        assert!(close(g3.observed_share, round4(d / w_obs)));
        // G0904 has T1082 through S0904 only.
        let g4 = find(&a, "G0904");
        assert_eq!(g4.matched[0].through.as_deref(), Some("S0904"));
        assert_eq!(g4.missing.len(), 1);
        assert_eq!(a.matching, 3);
    }

    #[test]
    fn software_brings_its_techniques_to_its_users() {
        let kb = kb();
        // T1543 is used by NightCrate (S0901) alone, which G0902 uses: a full match through it,
        // where without capabilities G0902 would earn only half for its T1543.002.
        let a = rank(&kb, &["T1543"], &[], Kind::Group);
        assert_eq!(ids(&a), ["G0902"]);
        let m = &a.candidates[0].matched[0];
        assert_eq!(
            (m.relation, m.via.as_deref(), m.through.as_deref()),
            (Relation::Same, None, Some("S0901"))
        );
        assert!(close(m.credit, 1.0));
        assert!(close(m.earned, round4(w(1))));
        assert_eq!(m.label(), "T1543 (through S0901)");
    }

    #[test]
    fn observed_software_brings_its_techniques() {
        let kb = kb();
        // No group uses Tallow (S0902); it uses T1053.003 (G0902's), T1059.004 and T1497
        // (G0903's), which the observation now holds.
        let a = rank(&kb, &["S0902"], &[], Kind::Group);
        assert_eq!(a.implied, 3);
        assert_eq!(a.observed.len(), 4);
        assert_eq!(ids(&a), ["G0903", "G0902"]);
        let g3 = &a.candidates[0];
        let matched: Vec<(&str, Option<&str>)> = g3
            .matched
            .iter()
            .map(|m| (m.item.id.as_str(), m.item.implied_by.as_deref()))
            .collect();
        assert_eq!(
            matched,
            [("T1059.004", Some("S0902")), ("T1497", Some("S0902"))]
        );
        assert_eq!(g3.matched[0].label(), "T1059.004 (implied by S0902)");
        // S0902 itself is observed, not implied; no group profile holds it.
        assert!(
            g3.missing
                .iter()
                .any(|i| i.id == "S0902" && i.implied_by.is_none())
        );
        // G0902 has T1053.003. T1059.004 came from software, so G0902's own T1059.001 (a
        // sibling) earns nothing: a family resemblance counts only between reported items.
        let g2 = &a.candidates[1];
        assert_eq!(g2.matched.len(), 1);
        assert_eq!(g2.matched[0].item.id, "T1053.003");
        assert!(g2.missing.iter().any(|i| i.id == "T1059.004"));
    }

    #[test]
    fn a_family_resemblance_counts_once() {
        let kb = kb();
        // G0903 is known for T1059.004 alone in the T1059 family. Observed T1059 (a
        // sub-technique of it held: half credit) and T1059.001 (a sibling held: a quarter):
        // one resemblance, so only the larger credit counts.
        let a = rank(&kb, &["T1059", "T1059.001"], &[], Kind::Group);
        let g3 = find(&a, "G0903");
        let earned: Vec<(&str, Relation, f64)> = g3
            .matched
            .iter()
            .map(|m| (m.item.id.as_str(), m.relation, m.earned))
            .collect();
        // The T1059 family is in two of the three profiles; T1059 itself in none.
        assert_eq!(
            earned,
            [
                ("T1059", Relation::Child, round4(0.5 * w(2))),
                ("T1059.001", Relation::Sibling, 0.0),
            ]
        );
        let w_obs = w(0) + w(1);
        let w_g3 = w(2) + 3.0 * w(1) + w(3);
        assert!(close(g3.profile_score, sim(0.5 * w(2), w_obs, w_g3, 0.2)));
        // With T1059.004 observed too, G0903 matches a member of the family exactly, which
        // already shows the family shared: the partial matches earn nothing.
        let a = rank(&kb, &["T1059", "T1059.001", "T1059.004"], &[], Kind::Group);
        let g3 = find(&a, "G0903");
        let earned: Vec<(&str, Relation, f64)> = g3
            .matched
            .iter()
            .map(|m| (m.item.id.as_str(), m.relation, m.earned))
            .collect();
        assert_eq!(
            earned,
            [
                ("T1059.004", Relation::Same, round4(w(1))),
                ("T1059", Relation::Child, 0.0),
                ("T1059.001", Relation::Sibling, 0.0),
            ]
        );
        let w_obs = w(0) + 2.0 * w(1);
        assert!(close(g3.profile_score, sim(w(1), w_obs, w_g3, 0.2)));
    }

    #[test]
    fn partial_credit_needs_the_relative_reported_for_the_candidate() {
        let kb = kb();
        // C0901 has T1543 only through NightCrate: no parent credit for T1543.002.
        let a = rank(&kb, &["T1543.002", "T1082"], &[], Kind::Campaign);
        let c1 = find(&a, "C0901");
        assert_eq!(
            c1.matched
                .iter()
                .map(|m| m.item.id.as_str())
                .collect::<Vec<_>>(),
            ["T1082"]
        );
        assert_eq!(c1.missing[0].id, "T1543.002");
        // Campaigns have no records.
        assert!(a.candidates.iter().all(|c| c.record.is_none()));
    }

    #[test]
    fn the_closest_record_scores_a_group() {
        let kb = kb();
        // Sweeper (bringing T1082) and T1497: exactly C0902, G0903's campaign.
        let a = rank(&kb, &["S0903", "T1497"], &[], Kind::Group);
        assert_eq!(ids(&a), ["G0903", "G0904", "G0902"]);
        let top = &a.candidates[0];
        assert!(close(top.score, 1.0));
        assert_eq!(top.basis, Basis::Record);
        let r = top.record.as_ref().unwrap();
        assert_eq!((r.id.as_str(), r.kind, r.size), ("C0902", "campaign", 3));
        assert!(close(r.score, 1.0));
        assert_eq!(top.scope(), "C0902 Frostbite Relay");
        // Its whole profile also holds T1027 and T1059.004.
        let w_obs = w(3) + 2.0 * w(1);
        let w_p = w(2) + 3.0 * w(1) + w(3);
        assert!(close(top.profile_score, sim(w_obs, w_obs, w_p, 0.2)));
        assert!(top.profile_score < 1.0);
        assert!(close(top.profile_share, 1.0));
        assert!(top.missing.is_empty());
        // Without the campaign, the group's own uses are its only record.
        let a = rank(&kb, &["S0903", "T1497"], &["C0902"], Kind::Group);
        let top = &a.candidates[0];
        assert_eq!(top.id, "G0903");
        assert!(top.score < 1.0);
        assert_eq!(top.record.as_ref().unwrap().id, "G0903");
    }

    #[test]
    fn an_exact_profile_scores_one_and_ranks_first() {
        let kb = kb();
        let a = rank(&kb, &["S0904", "T1652"], &[], Kind::Group);
        assert_eq!(ids(&a)[0], "G0904");
        assert!(close(a.candidates[0].score, 1.0));
        assert_eq!(a.candidates[0].basis, Basis::Profile);
    }

    #[test]
    fn rare_evidence_outweighs_common_evidence() {
        let kb = kb();
        // S0903 and T1497 are G0903's alone; T1082, in every profile, ranks the others.
        let a = rank(&kb, &["T1082", "S0903", "T1497"], &[], Kind::Group);
        assert_eq!(ids(&a)[0], "G0903");
    }

    #[test]
    fn exclusions_remove_candidates_and_campaign_evidence() {
        let kb = kb();
        let a = rank(&kb, &["T1059.001", "T1082"], &["G0902"], Kind::Group);
        assert_eq!(ids(&a), ["G0903", "G0904"]);
        assert_eq!(a.considered, 2);
        // An excluded piece of software brings nothing: G0904 keeps T1082 through S0904 only.
        let a = rank(&kb, &["T1082"], &["S0904"], Kind::Group);
        assert!(a.candidates.iter().all(|c| c.id != "G0904"));
        // Campaigns as candidates: C0901 uses T1059.001 and T1082, the others T1082 through
        // their software.
        let c = rank(&kb, &["T1059.001", "T1082"], &[], Kind::Campaign);
        assert_eq!(ids(&c)[0], "C0901");
        let c = rank(&kb, &["T1059.001", "T1082"], &["C0901"], Kind::Campaign);
        assert!(c.candidates.iter().all(|x| x.id != "C0901"));
        assert_eq!(c.considered, 2);
    }

    #[test]
    fn software_candidates_match_themselves() {
        let kb = kb();
        let a = rank(&kb, &["S0902"], &[], Kind::Software);
        assert_eq!(ids(&a)[0], "S0902");
        assert!(close(a.candidates[0].score, 1.0));
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

    #[test]
    fn table_cells_count_what_software_brought() {
        let kb = kb();
        let a = rank(&kb, &["S0902", "T1082"], &[], Kind::Group);
        let g3 = find(&a, "G0903");
        let cells = g3.cells();
        // G0903's own uses hold what its whole profile does; the observation outweighs them, so
        // the record exponent scores them higher than the profile exponent does.
        assert_eq!(g3.basis, Basis::Record);
        assert_eq!(cells[5].text, "own uses");
        assert_eq!(g3.scope(), "its own reported uses");
        assert_eq!(
            cells[6].text,
            "1 of 2: T1082 (through S0903); 2 of 3 techniques S0902 brings"
        );
        assert_eq!(cells[7].text, "S0902");
    }
}
