//! Who acts: groups, software and campaigns, with the techniques they use and how (procedure
//! examples).

use serde::Serialize;

use super::{Header, Procedure, refs};
use crate::model::{Kind, KnowledgeBase, Node, Rel, cmp_ids};
use crate::query::{DetailView, Ref, strings};

/// The `uses` relationships from `n` to techniques, as procedures sorted by technique ID.
fn procedures_out(kb: &KnowledgeBase, n: Node) -> Vec<Procedure> {
    let mut v: Vec<Procedure> = kb
        .out_edges(n)
        .iter()
        .filter(|e| e.rel == Rel::Uses && e.target.kind == Kind::Technique)
        .map(|e| {
            let m = kb.meta(e.target);
            Procedure {
                id: m.id.to_string(),
                name: m.name.to_string(),
                kind: "technique",
                description: kb.edge_text(e).to_string(),
            }
        })
        .collect();
    v.sort_by(|a, b| cmp_ids(&a.id, &b.id));
    v
}

/// `attck show G…`: a group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Other names.
    pub aliases: Vec<String>,
    /// Techniques the group uses directly, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Software the group uses, sorted by ID.
    pub software: Vec<Ref>,
    /// Campaigns attributed to the group, sorted by ID.
    pub campaigns: Vec<Ref>,
    /// How the group used each technique, sorted by technique ID.
    pub procedures: Vec<Procedure>,
}

impl GroupDetail {
    /// The view of group `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> GroupDetail {
        let n = Node::new(Kind::Group, i);
        GroupDetail {
            header: Header::new(kb, n),
            aliases: strings(&kb.groups[i as usize].aliases),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            software: refs(kb, Kind::Software, kb.targets(n, Rel::Uses, Kind::Software)),
            campaigns: refs(
                kb,
                Kind::Campaign,
                kb.sources(n, Rel::AttributedTo, Kind::Campaign),
            ),
            procedures: procedures_out(kb, n),
        }
    }
}

impl DetailView for GroupDetail {}

/// `attck show S…`: a piece of software.
#[derive(Debug, Clone, Serialize)]
pub struct SoftwareDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// `malware` or `tool`.
    pub software_type: &'static str,
    /// Other names.
    pub aliases: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Techniques it uses, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Groups that use it, sorted by ID.
    pub groups: Vec<Ref>,
    /// Campaigns that use it, sorted by ID.
    pub campaigns: Vec<Ref>,
    /// How it used each technique, sorted by technique ID.
    pub procedures: Vec<Procedure>,
}

impl SoftwareDetail {
    /// The view of software `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> SoftwareDetail {
        let n = Node::new(Kind::Software, i);
        let s = &kb.software[i as usize];
        SoftwareDetail {
            header: Header::new(kb, n),
            software_type: s.software_type.name(),
            aliases: strings(&s.aliases),
            platforms: strings(&s.platforms),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            groups: refs(kb, Kind::Group, kb.sources(n, Rel::Uses, Kind::Group)),
            campaigns: refs(kb, Kind::Campaign, kb.sources(n, Rel::Uses, Kind::Campaign)),
            procedures: procedures_out(kb, n),
        }
    }
}

impl DetailView for SoftwareDetail {}

/// `attck show C…`: a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Other names.
    pub aliases: Vec<String>,
    /// First seen (RFC 3339).
    pub first_seen: Option<String>,
    /// Last seen (RFC 3339).
    pub last_seen: Option<String>,
    /// Groups the campaign is attributed to, sorted by ID.
    pub groups: Vec<Ref>,
    /// Techniques used in the campaign, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Software used in the campaign, sorted by ID.
    pub software: Vec<Ref>,
    /// How each technique was used, sorted by technique ID.
    pub procedures: Vec<Procedure>,
}

impl CampaignDetail {
    /// The view of campaign `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> CampaignDetail {
        let n = Node::new(Kind::Campaign, i);
        let c = &kb.campaigns[i as usize];
        CampaignDetail {
            header: Header::new(kb, n),
            aliases: strings(&c.aliases),
            first_seen: c.first_seen.as_ref().map(ToString::to_string),
            last_seen: c.last_seen.as_ref().map(ToString::to_string),
            groups: refs(
                kb,
                Kind::Group,
                kb.targets(n, Rel::AttributedTo, Kind::Group),
            ),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Uses, Kind::Technique),
            ),
            software: refs(kb, Kind::Software, kb.targets(n, Rel::Uses, Kind::Software)),
            procedures: procedures_out(kb, n),
        }
    }
}

impl DetailView for CampaignDetail {}
