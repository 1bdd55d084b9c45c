//! Behaviour profiles shared by `attck attribute`, `attck compare` and `attck next`: what each
//! group, campaign and piece of software is known to use, how rare each technique and piece
//! of software is among a set of actors, and the partial credit a sub-technique earns against
//! its parent and its siblings.
//!
//! An *item* is a technique (or sub-technique) or a piece of software: a [`Node`] of kind
//! [`Kind::Technique`] or [`Kind::Software`]. An *actor* is a group, a campaign or a piece of
//! software. A group's profile is what it uses directly plus what the campaigns attributed to
//! it use; a campaign's is what it uses; a piece of software's is the techniques it uses plus
//! itself (so observing a tool is evidence for that tool). Objects the user excludes are left
//! out everywhere: they are no actor, no item of any profile, and no campaign of any group.

use serde::Serialize;

use crate::model::{Kind, KnowledgeBase, Node, Rel};

/// Credit for an observed sub-technique when the other side has its parent technique (or for
/// an observed technique when the other side has one of its sub-techniques).
pub const PARENT_CREDIT: f64 = 0.5;
/// Credit for an observed sub-technique when the other side has a sibling of it (another
/// sub-technique of the same parent) but neither it nor the parent.
pub const SIBLING_CREDIT: f64 = 0.25;

/// What the knowledge base says each actor uses, with some objects excluded.
#[derive(Debug, Clone)]
pub struct Behaviour<'a> {
    kb: &'a KnowledgeBase,
    /// Items each group, software and campaign uses directly (sorted), by kind then index.
    direct: [Vec<Vec<Node>>; 3],
    /// Campaigns attributed to each group (sorted).
    campaigns_of: Vec<Vec<u32>>,
    /// Excluded objects, sorted.
    excluded: Vec<Node>,
}

/// The position of an actor kind in [`Behaviour::direct`].
fn slot(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Group => Some(0),
        Kind::Software => Some(1),
        Kind::Campaign => Some(2),
        _ => None,
    }
}

/// Whether a node is an item (a technique or a piece of software).
#[must_use]
pub fn is_item(n: Node) -> bool {
    matches!(n.kind, Kind::Technique | Kind::Software)
}

impl<'a> Behaviour<'a> {
    /// Reads every `uses` and `attributed-to` relationship that counts, once.
    #[must_use]
    pub fn new(kb: &'a KnowledgeBase, excluded: &[Node]) -> Behaviour<'a> {
        let mut direct = [
            vec![Vec::new(); kb.count(Kind::Group)],
            vec![Vec::new(); kb.count(Kind::Software)],
            vec![Vec::new(); kb.count(Kind::Campaign)],
        ];
        let mut campaigns_of = vec![Vec::new(); kb.count(Kind::Group)];
        for e in kb.edges() {
            match e.rel {
                Rel::Uses if is_item(e.target) => {
                    if let Some(s) = slot(e.source.kind)
                        && let Some(v) = direct[s].get_mut(e.source.index as usize)
                    {
                        v.push(e.target);
                    }
                }
                Rel::AttributedTo
                    if e.source.kind == Kind::Campaign && e.target.kind == Kind::Group =>
                {
                    if let Some(v) = campaigns_of.get_mut(e.target.index as usize) {
                        v.push(e.source.index);
                    }
                }
                _ => {}
            }
        }
        for v in direct.iter_mut().flatten() {
            v.sort_unstable();
            v.dedup();
        }
        for v in &mut campaigns_of {
            v.sort_unstable();
            v.dedup();
        }
        let mut excluded = excluded.to_vec();
        excluded.sort_unstable();
        excluded.dedup();
        Behaviour {
            kb,
            direct,
            campaigns_of,
            excluded,
        }
    }

    /// The knowledge base.
    #[must_use]
    pub fn kb(&self) -> &'a KnowledgeBase {
        self.kb
    }

    /// Whether the user excluded this object.
    #[must_use]
    pub fn is_excluded(&self, n: Node) -> bool {
        self.excluded.binary_search(&n).is_ok()
    }

    /// The active, not excluded actors of a kind (group, software or campaign), in ID order.
    pub fn actors(&self, kind: Kind) -> impl Iterator<Item = Node> + '_ {
        self.kb
            .nodes(kind)
            .filter(move |&n| !self.is_excluded(n) && self.kb.meta(n).is_active())
    }

    /// The campaigns attributed to a group (excluded ones left out), sorted.
    #[must_use]
    pub fn campaigns_of(&self, group: u32) -> Vec<u32> {
        self.campaigns_of
            .get(group as usize)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&c| !self.is_excluded(Node::new(Kind::Campaign, c)))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn direct(&self, actor: Node) -> &[Node] {
        slot(actor.kind)
            .and_then(|s| self.direct[s].get(actor.index as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// An actor's profile: sorted, unique items, excluded ones left out (see the module
    /// documentation for what each kind's profile holds).
    #[must_use]
    pub fn profile(&self, actor: Node) -> Vec<Node> {
        let mut items: Vec<Node> = self.direct(actor).to_vec();
        match actor.kind {
            Kind::Group => {
                for c in self.campaigns_of(actor.index) {
                    items.extend_from_slice(self.direct(Node::new(Kind::Campaign, c)));
                }
            }
            Kind::Software => items.push(actor),
            _ => {}
        }
        items.retain(|&i| !self.is_excluded(i));
        items.sort_unstable();
        items.dedup();
        items
    }

    /// The techniques of an actor's profile, as technique indexes (sorted).
    #[must_use]
    pub fn techniques(&self, actor: Node) -> Vec<u32> {
        self.profile(actor)
            .into_iter()
            .filter(|n| n.kind == Kind::Technique)
            .map(|n| n.index)
            .collect()
    }
}

/// How an item was matched on the other side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The same technique or software.
    #[default]
    Same,
    /// The other side has the parent technique of an observed sub-technique.
    Parent,
    /// The other side has a sub-technique of an observed technique.
    Child,
    /// The other side has a sibling of an observed sub-technique.
    Sibling,
}

impl Relation {
    /// The credit this relation earns.
    #[must_use]
    pub fn credit(self) -> f64 {
        match self {
            Relation::Same => 1.0,
            Relation::Parent | Relation::Child => PARENT_CREDIT,
            Relation::Sibling => SIBLING_CREDIT,
        }
    }

    /// How it reads in a table: `parent`, `sub-technique`, `sibling`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Relation::Same => "same",
            Relation::Parent => "parent",
            Relation::Child => "sub-technique",
            Relation::Sibling => "sibling",
        }
    }
}

/// The best match of an item in a set of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// How it matched.
    pub relation: Relation,
    /// The item of the set that matched (the item itself for [`Relation::Same`]).
    pub via: Node,
}

/// The best match of `item` in `set` (sorted): itself, else its parent or one of its
/// sub-techniques, else a sibling. `None` when nothing of its family is there.
#[must_use]
pub fn best_match(kb: &KnowledgeBase, item: Node, set: &[Node]) -> Option<Match> {
    let has = |n: Node| set.binary_search(&n).is_ok();
    if has(item) {
        return Some(Match {
            relation: Relation::Same,
            via: item,
        });
    }
    if item.kind != Kind::Technique {
        return None;
    }
    let tech = |i: u32| Node::new(Kind::Technique, i);
    let t = &kb.techniques[item.index as usize];
    if let Some(p) = t.parent.filter(|_| t.is_subtechnique) {
        if has(tech(p)) {
            return Some(Match {
                relation: Relation::Parent,
                via: tech(p),
            });
        }
        return kb.techniques[p as usize]
            .children
            .iter()
            .map(|&c| tech(c))
            .find(|&c| c != item && has(c))
            .map(|via| Match {
                relation: Relation::Sibling,
                via,
            });
    }
    t.children
        .iter()
        .map(|&c| tech(c))
        .find(|&c| has(c))
        .map(|via| Match {
            relation: Relation::Child,
            via,
        })
}

/// Rarity weights of items among a population of profiles: an item in `df` of `n` profiles
/// weighs `ln((n + 1) / (df + 1)) + 1` (inverse document frequency, smoothed so that an item
/// every profile has still weighs 1 and one no profile has weighs most).
#[derive(Debug, Clone)]
pub struct Weights {
    n: usize,
    techniques: Vec<u32>,
    software: Vec<u32>,
}

impl Weights {
    /// Counts, for each item, how many of the profiles hold it.
    pub fn over<'p>(kb: &KnowledgeBase, profiles: impl IntoIterator<Item = &'p [Node]>) -> Weights {
        let mut w = Weights {
            n: 0,
            techniques: vec![0; kb.techniques.len()],
            software: vec![0; kb.count(Kind::Software)],
        };
        for p in profiles {
            w.n += 1;
            for &i in p {
                if let Some(c) = w.count_mut(i) {
                    *c += 1;
                }
            }
        }
        w
    }

    fn count_mut(&mut self, item: Node) -> Option<&mut u32> {
        match item.kind {
            Kind::Technique => self.techniques.get_mut(item.index as usize),
            Kind::Software => self.software.get_mut(item.index as usize),
            _ => None,
        }
    }

    /// How many profiles were counted.
    #[must_use]
    pub fn population(&self) -> usize {
        self.n
    }

    /// How many of the profiles hold an item.
    #[must_use]
    pub fn frequency(&self, item: Node) -> u32 {
        match item.kind {
            Kind::Technique => self.techniques.get(item.index as usize).copied(),
            Kind::Software => self.software.get(item.index as usize).copied(),
            _ => None,
        }
        .unwrap_or(0)
    }

    /// The rarity weight of an item.
    #[must_use]
    pub fn weight(&self, item: Node) -> f64 {
        let n = self.n as f64;
        let df = f64::from(self.frequency(item));
        ((n + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

/// A number rounded to four decimals, so JSON carries no float noise (0.30000000000000004).
#[must_use]
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        crate::query::sample_kb()
    }

    fn node(kb: &KnowledgeBase, id: &str) -> Node {
        kb.nodes_with_id(id)[0]
    }

    fn ids(kb: &KnowledgeBase, v: &[Node]) -> Vec<String> {
        v.iter().map(|&n| kb.meta(n).id.to_string()).collect()
    }

    #[test]
    fn a_group_profile_holds_its_campaigns() {
        let kb = kb();
        let b = Behaviour::new(&kb, &[]);
        // G0902 uses S0901, T1053.003, T1059.001, T1082, T1543.002; C0901 (attributed to it)
        // uses S0901, T1059.001, T1082: nothing new, so the profile is the direct uses.
        assert_eq!(
            ids(&kb, &b.profile(node(&kb, "G0902"))),
            ["T1053.003", "T1059.001", "T1082", "T1543.002", "S0901"]
        );
        // G0904 uses S0904, T1652; C0903 adds nothing either; its campaigns are C0903.
        let g = node(&kb, "G0904");
        assert_eq!(b.campaigns_of(g.index).len(), 1);
        // Software profiles hold the software itself.
        assert_eq!(
            ids(&kb, &b.profile(node(&kb, "S0904"))),
            ["T1082", "T1652", "S0904"]
        );
        assert_eq!(ids(&kb, &b.profile(node(&kb, "C0902"))), ["T1497", "S0903"]);
    }

    #[test]
    fn exclusions_leave_objects_out_everywhere() {
        let kb = kb();
        let excluded = [node(&kb, "C0903"), node(&kb, "T1652"), node(&kb, "G0903")];
        let b = Behaviour::new(&kb, &excluded);
        let g = node(&kb, "G0904");
        assert!(b.campaigns_of(g.index).is_empty());
        assert_eq!(ids(&kb, &b.profile(g)), ["S0904"]);
        let groups: Vec<String> = b
            .actors(Kind::Group)
            .map(|n| kb.meta(n).id.to_string())
            .collect();
        // G0901 is revoked, G0903 excluded.
        assert_eq!(groups, ["G0902", "G0904"]);
        assert!(b.actors(Kind::Campaign).all(|c| kb.meta(c).id != "C0903"));
    }

    #[test]
    fn sub_techniques_earn_partial_credit() {
        let kb = kb();
        let set = |ids: &[&str]| {
            let mut v: Vec<Node> = ids.iter().map(|i| node(&kb, i)).collect();
            v.sort_unstable();
            v
        };
        let m = |item: &str, s: &[&str]| {
            best_match(&kb, node(&kb, item), &set(s))
                .map(|m| (m.relation, kb.meta(m.via).id.to_string()))
        };
        assert_eq!(
            m("T1059.001", &["T1059.001"]),
            Some((Relation::Same, "T1059.001".into()))
        );
        assert_eq!(
            m("T1059.001", &["T1059", "T1059.004"]),
            Some((Relation::Parent, "T1059".into()))
        );
        assert_eq!(
            m("T1059.001", &["T1059.004"]),
            Some((Relation::Sibling, "T1059.004".into()))
        );
        assert_eq!(
            m("T1059", &["T1059.004"]),
            Some((Relation::Child, "T1059.004".into()))
        );
        assert_eq!(m("T1059.001", &["T1053.003", "T1082"]), None);
        assert_eq!(m("S0901", &["T1059.001"]), None);
        assert!((Relation::Sibling.credit() - 0.25).abs() < 1e-12);
        assert!((Relation::Parent.credit() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn rare_items_weigh_more() {
        let kb = kb();
        let a = vec![node(&kb, "T1082"), node(&kb, "T1652")];
        let b2 = vec![node(&kb, "T1082")];
        let w = Weights::over(&kb, [a.as_slice(), b2.as_slice()]);
        assert_eq!(w.population(), 2);
        assert_eq!(w.frequency(node(&kb, "T1082")), 2);
        // ln(3/3) + 1 = 1; ln(3/2) + 1; ln(3/1) + 1.
        assert!((w.weight(node(&kb, "T1082")) - 1.0).abs() < 1e-12);
        assert!((w.weight(node(&kb, "T1652")) - (1.5f64.ln() + 1.0)).abs() < 1e-12);
        assert!((w.weight(node(&kb, "T1027")) - (3f64.ln() + 1.0)).abs() < 1e-12);
        assert!((round4(0.1 + 0.2) - 0.3).abs() < 1e-15);
    }
}
