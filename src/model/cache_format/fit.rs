//! Checks that a decoded cache fits together: every link of the core and of each section
//! decoded later points inside the knowledge base, so no query can index out of bounds.

use crate::model::{
    Analytic, DataComponent, DataSource, DetectionStrategy, Edges, Kind, KnowledgeBase, Lookups,
    Node, kind_at,
};

fn node_fits(n: Node, counts: &[usize; 12]) -> bool {
    (n.index as usize) < counts[kind_at(n.kind)]
}

impl KnowledgeBase {
    /// Checks that every link points inside the knowledge base, so no query can index out of
    /// bounds. Built knowledge bases always pass; a decoded cache file might not.
    pub fn check(&self) -> Result<(), String> {
        let n_tactics = self.count(Kind::Tactic);
        let n_tech = self.techniques.len();
        let node_ok = |n: Node| (n.index as usize) < self.count(n.kind);
        let all_below = |v: &[u32], n: usize| v.iter().all(|&i| (i as usize) < n);
        let bad = |what: &str| Err(format!("a {what} link points outside the knowledge base"));
        for t in &self.techniques {
            if !all_below(&t.tactics, self.tactics.len())
                || !all_below(&t.children, n_tech)
                || t.parent.is_some_and(|p| p as usize >= n_tech)
                || t.revoked_by.is_some_and(|p| p as usize >= n_tech)
                || !all_below(&t.data_components, self.count(Kind::DataComponent))
            {
                return bad("technique");
            }
        }
        if !self
            .matrices
            .iter()
            .all(|m| all_below(&m.tactics, n_tactics))
        {
            return bad("matrix");
        }
        if self.count(Kind::Technique) != n_tech
            || self.count(Kind::Matrix) != self.matrices.len()
            || self.count(Kind::Tactic) != self.tactics.len() + self.unlisted_tactics.len()
        {
            return bad("size");
        }
        if !self
            .revocations
            .iter()
            .all(|&(a, b)| node_ok(a) && node_ok(b))
        {
            return bad("relationship");
        }
        if !self.unlisted_members.iter().all(|&(a, t)| {
            (a as usize) >= self.tactics.len()
                && (a as usize) < self.count(Kind::Tactic)
                && (t as usize) < n_tech
        }) || !self.unlisted_members.is_sorted()
        {
            return bad("tactic");
        }
        if !self.technique_ids.check(|&i| (i as usize) < n_tech) {
            return bad("lookup");
        }
        Ok(())
    }

    /// How many objects of each kind there are (in [`Kind::ALL`] order), for checking the
    /// parts that are decoded later.
    #[must_use]
    pub fn counts(&self) -> [usize; 12] {
        Kind::ALL.map(|k| self.count(k))
    }

    /// Whether every edge and the target index point inside a knowledge base of `counts`
    /// with `texts` edge descriptions.
    #[must_use]
    pub fn edges_fit(edges: &Edges, counts: &[usize; 12], texts: usize) -> bool {
        let ok = |n: Node| node_fits(n, counts);
        edges
            .list
            .iter()
            .all(|e| ok(e.source) && ok(e.target) && (e.text as usize) < texts)
            && edges.incoming.len() == edges.list.len()
            && edges
                .incoming
                .iter()
                .all(|&i| (i as usize) < edges.list.len())
    }

    /// Whether decoded data sources and data components fit `counts` and each other.
    #[must_use]
    pub fn sources_fit(sources: &[DataSource], counts: &[usize; 12]) -> bool {
        sources.len() == counts[kind_at(Kind::DataSource)]
            && sources.iter().all(|d| {
                d.components
                    .iter()
                    .all(|&c| (c as usize) < counts[kind_at(Kind::DataComponent)])
            })
    }

    /// Whether decoded data components fit `counts`.
    #[must_use]
    pub fn components_fit(components: &[DataComponent], counts: &[usize; 12]) -> bool {
        components.len() == counts[kind_at(Kind::DataComponent)]
            && components.iter().all(|c| {
                c.data_source
                    .is_none_or(|d| (d as usize) < counts[kind_at(Kind::DataSource)])
            })
    }

    /// Whether decoded detection strategies fit `counts`.
    #[must_use]
    pub fn strategies_fit(strategies: &[DetectionStrategy], counts: &[usize; 12]) -> bool {
        strategies.len() == counts[kind_at(Kind::DetectionStrategy)]
            && strategies.iter().all(|d| {
                d.analytics
                    .iter()
                    .all(|&a| (a as usize) < counts[kind_at(Kind::Analytic)])
            })
    }

    /// Whether decoded analytics fit `counts`.
    #[must_use]
    pub fn analytics_fit(analytics: &[Analytic], counts: &[usize; 12]) -> bool {
        analytics.len() == counts[kind_at(Kind::Analytic)]
            && analytics.iter().all(|a| {
                a.strategies
                    .iter()
                    .all(|&s| (s as usize) < counts[kind_at(Kind::DetectionStrategy)])
                    && a.log_sources.iter().all(|l| {
                        l.component
                            .is_none_or(|c| (c as usize) < counts[kind_at(Kind::DataComponent)])
                    })
            })
    }

    /// Whether every lookup points inside a knowledge base of `counts`.
    #[must_use]
    pub fn lookups_fit(lookups: &Lookups, counts: &[usize; 12]) -> bool {
        lookups.ids.check(|&n| node_fits(n, counts))
            && lookups.names.check(|h| node_fits(h.node, counts))
    }
}
