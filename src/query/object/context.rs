//! Where techniques sit and what acts on them: tactics and matrices, mitigations, and the ICS
//! assets techniques target. Each is its header and a list of references.

use serde::Serialize;

use super::{Header, refs};
use crate::model::{Kind, KnowledgeBase, Node, Rel, Visibility};
use crate::query::{DetailView, Ref, strings};

/// `attck show TA…`: a tactic.
#[derive(Debug, Clone, Serialize)]
pub struct TacticDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Kill-chain shortname (`execution`).
    pub shortname: String,
    /// Techniques and sub-techniques under it, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl TacticDetail {
    /// The view of the tactic at index `i` (see [`KnowledgeBase::tactic_at`]).
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32, vis: Visibility) -> TacticDetail {
        let n = Node::new(Kind::Tactic, i);
        TacticDetail {
            header: Header::new(kb, n),
            shortname: kb.tactic_at(i).shortname.to_string(),
            techniques: kb
                .techniques
                .iter()
                .filter(|t| t.tactics.contains(&i) && vis.shows(&t.meta))
                .map(|t| Ref {
                    id: t.meta.id.to_string(),
                    name: t.meta.name.to_string(),
                })
                .collect(),
        }
    }
}

impl DetailView for TacticDetail {}

/// `attck show enterprise-attack`: a matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Its tactics, in matrix order.
    pub tactics: Vec<Ref>,
}

impl MatrixDetail {
    /// The view of matrix `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> MatrixDetail {
        let n = Node::new(Kind::Matrix, i);
        MatrixDetail {
            header: Header::new(kb, n),
            tactics: kb.matrices[i as usize]
                .tactics
                .iter()
                .map(|&t| Ref::to(kb, Node::new(Kind::Tactic, t)))
                .collect(),
        }
    }
}

impl DetailView for MatrixDetail {}

/// `attck show M…`: a mitigation.
#[derive(Debug, Clone, Serialize)]
pub struct MitigationDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Techniques it mitigates, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl MitigationDetail {
    /// The view of mitigation `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> MitigationDetail {
        let n = Node::new(Kind::Mitigation, i);
        MitigationDetail {
            header: Header::new(kb, n),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Mitigates, Kind::Technique),
            ),
        }
    }
}

impl DetailView for MitigationDetail {}

/// `attck show A…`: an ICS asset.
#[derive(Debug, Clone, Serialize)]
pub struct AssetDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Sectors.
    pub sectors: Vec<String>,
    /// Techniques that target it, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl AssetDetail {
    /// The view of asset `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> AssetDetail {
        let n = Node::new(Kind::Asset, i);
        let a = &kb.assets[i as usize];
        AssetDetail {
            header: Header::new(kb, n),
            platforms: strings(&a.platforms),
            sectors: strings(&a.sectors),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.sources(n, Rel::Targets, Kind::Technique),
            ),
        }
    }
}

impl DetailView for AssetDetail {}
