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
//!
//! Two further views serve attribution. *Capabilities*: whoever uses a piece of software can do
//! what the software does, so [`Behaviour::with_capabilities`] adds to a set of items the
//! techniques of each piece of software in it, and [`Behaviour::brought_by`] says which piece
//! of software brought a technique in. *Records*: a group is known from separate reports, its
//! own uses and each campaign attributed to it ([`Behaviour::records`]), and an observation of
//! one intrusion is more like one of them than like their union.

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

    /// The techniques a piece of software uses (excluded ones left out): what using it brings.
    pub fn capabilities(&self, software: Node) -> impl Iterator<Item = Node> + '_ {
        let of: &[Node] = if software.kind == Kind::Software {
            self.direct(software)
        } else {
            &[]
        };
        of.iter()
            .copied()
            .filter(move |&t| t.kind == Kind::Technique && !self.is_excluded(t))
    }

    /// `items` (sorted) with the techniques of each piece of software among them added, sorted
    /// and unique: a profile or an observation closed under what its software can do.
    #[must_use]
    pub fn with_capabilities(&self, items: &[Node]) -> Vec<Node> {
        let mut out = items.to_vec();
        for &s in items.iter().filter(|n| n.kind == Kind::Software) {
            out.extend(self.capabilities(s));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How `items` (sorted, before [`Behaviour::with_capabilities`]) come to hold `item`:
    /// `None` when they hold it themselves (or not at all), else the first piece of software
    /// among them, in ID order, that uses it.
    #[must_use]
    pub fn brought_by(&self, item: Node, items: &[Node]) -> Option<Node> {
        if item.kind != Kind::Technique || items.binary_search(&item).is_ok() {
            return None;
        }
        items
            .iter()
            .copied()
            .filter(|n| n.kind == Kind::Software)
            .find(|&s| self.capabilities(s).any(|t| t == item))
    }

    /// A group's records: what it is reported to use itself (keyed by the group) and what each
    /// campaign attributed to it uses (keyed by the campaign), excluded objects left out, empty
    /// records dropped. Each record's items are sorted and unique. Other actors have none.
    #[must_use]
    pub fn records(&self, group: Node) -> Vec<(Node, Vec<Node>)> {
        if group.kind != Kind::Group {
            return Vec::new();
        }
        let own = std::iter::once(group);
        let campaigns = self
            .campaigns_of(group.index)
            .into_iter()
            .map(|c| Node::new(Kind::Campaign, c));
        own.chain(campaigns)
            .filter_map(|r| {
                let items: Vec<Node> = self
                    .direct(r)
                    .iter()
                    .copied()
                    .filter(|&i| !self.is_excluded(i))
                    .collect();
                (!items.is_empty()).then_some((r, items))
            })
            .collect()
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
    best_match_in(kb, item, |n| set.binary_search(&n).is_ok())
}

/// [`best_match`] in the set of items for which `has` is true.
#[must_use]
pub fn best_match_in(kb: &KnowledgeBase, item: Node, has: impl Fn(Node) -> bool) -> Option<Match> {
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

/// The family of a technique: its parent for a sub-technique (as [`best_match`] relates
/// them), else itself.
#[must_use]
pub fn family(kb: &KnowledgeBase, technique: u32) -> u32 {
    let t = &kb.techniques[technique as usize];
    t.parent.filter(|_| t.is_subtechnique).unwrap_or(technique)
}

/// Rarity weights of items among a population of profiles: an item in `df` of `n` profiles
/// weighs `ln((n + 1) / (df + 1)) + 1` (inverse document frequency, smoothed so that an item
/// every profile has still weighs 1 and one no profile has weighs most). A technique family
/// (a technique and its sub-techniques) weighs the same way, `df` counting the profiles that
/// hold any member of it: what a partial match shares (see [`Weights::family_weight`]).
#[derive(Debug, Clone)]
pub struct Weights {
    n: usize,
    techniques: Vec<u32>,
    software: Vec<u32>,
    /// Profiles holding any member of each family, by the family's technique index.
    families: Vec<u32>,
    /// The family of each technique.
    family_of: Vec<u32>,
}

impl Weights {
    /// Counts, for each item and each technique family, how many of the profiles hold it.
    pub fn over<'p>(kb: &KnowledgeBase, profiles: impl IntoIterator<Item = &'p [Node]>) -> Weights {
        let mut w = Weights::none(kb);
        for p in profiles {
            w.count(p);
        }
        w
    }

    /// Weights over no profile yet (see [`Weights::count`]).
    #[must_use]
    pub fn none(kb: &KnowledgeBase) -> Weights {
        let count = kb.techniques.len();
        #[allow(clippy::cast_possible_truncation)] // technique indexes are u32
        let family_of: Vec<u32> = (0..count as u32).map(|t| family(kb, t)).collect();
        Weights {
            n: 0,
            techniques: vec![0; count],
            software: vec![0; kb.count(Kind::Software)],
            families: vec![0; count],
            family_of,
        }
    }

    /// Counts one more profile (its items unique, in any order).
    pub fn count(&mut self, profile: &[Node]) {
        self.n += 1;
        let mut families: Vec<u32> = Vec::new();
        for &i in profile {
            if let Some(c) = self.count_mut(i) {
                *c += 1;
            }
            if i.kind == Kind::Technique
                && let Some(&f) = self.family_of.get(i.index as usize)
            {
                families.push(f);
            }
        }
        families.sort_unstable();
        families.dedup();
        for f in families {
            self.families[f as usize] += 1;
        }
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
        self.idf(self.frequency(item))
    }

    /// The rarity weight of a technique's family: what a partial match (parent, sub-technique
    /// or sibling) shares. Never more than the technique's own weight, since every profile
    /// holding the technique holds a member of its family. Other items weigh as themselves.
    #[must_use]
    pub fn family_weight(&self, item: Node) -> f64 {
        if item.kind != Kind::Technique {
            return self.weight(item);
        }
        let df = self
            .family_of
            .get(item.index as usize)
            .and_then(|&f| self.families.get(f as usize))
            .copied()
            .unwrap_or(0);
        self.idf(df)
    }

    fn idf(&self, df: u32) -> f64 {
        let n = self.n as f64;
        ((n + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0
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
    fn software_brings_its_techniques() {
        let kb = kb();
        let b = Behaviour::new(&kb, &[]);
        // G0902 uses NightCrate (S0901: T1027, T1059.001, T1543).
        let own = b.profile(node(&kb, "G0902"));
        let all = b.with_capabilities(&own);
        assert_eq!(
            ids(&kb, &all),
            [
                "T1027",
                "T1053.003",
                "T1059.001",
                "T1082",
                "T1543",
                "T1543.002",
                "S0901"
            ]
        );
        assert_eq!(
            b.brought_by(node(&kb, "T1543"), &own),
            Some(node(&kb, "S0901"))
        );
        // Held itself (T1059.001 also comes with S0901), held by nothing, not a technique.
        assert_eq!(b.brought_by(node(&kb, "T1059.001"), &own), None);
        assert_eq!(b.brought_by(node(&kb, "T1652"), &own), None);
        assert_eq!(b.brought_by(node(&kb, "S0901"), &own), None);
        // An excluded technique is brought by nothing.
        let b = Behaviour::new(&kb, &[node(&kb, "T1543")]);
        assert!(!b.with_capabilities(&own).contains(&node(&kb, "T1543")));
    }

    #[test]
    fn a_group_has_its_own_record_and_its_campaigns() {
        let kb = kb();
        let b = Behaviour::new(&kb, &[]);
        let g = node(&kb, "G0902");
        let records = b.records(g);
        let keys: Vec<Node> = records.iter().map(|r| r.0).collect();
        assert_eq!(keys, [g, node(&kb, "C0901")]);
        assert_eq!(ids(&kb, &records[1].1), ["T1059.001", "T1082", "S0901"]);
        assert!(b.records(node(&kb, "C0901")).is_empty());
        let b = Behaviour::new(&kb, &[node(&kb, "C0901")]);
        assert_eq!(b.records(g).len(), 1);
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
        // Profiles {T1082, T1652} and {T1059.004}: T1059.001 is in neither, but its family
        // (T1059 and its sub-techniques) is in one, so a partial match on it weighs ln(3/2) + 1.
        // A technique without sub-techniques is its own family.
        let c = vec![node(&kb, "T1059.004")];
        let w = Weights::over(&kb, [a.as_slice(), c.as_slice()]);
        assert!((w.family_weight(node(&kb, "T1059.001")) - (1.5f64.ln() + 1.0)).abs() < 1e-12);
        assert!((w.family_weight(node(&kb, "T1059")) - (1.5f64.ln() + 1.0)).abs() < 1e-12);
        assert!((w.weight(node(&kb, "T1059.001")) - (3f64.ln() + 1.0)).abs() < 1e-12);
        assert!((w.family_weight(node(&kb, "T1082")) - (1.5f64.ln() + 1.0)).abs() < 1e-12);
        assert_eq!(
            family(&kb, node(&kb, "T1059.004").index),
            node(&kb, "T1059").index
        );
    }
}
