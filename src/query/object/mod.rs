//! Detail views of every object kind other than techniques, by family: [`actors`] (groups,
//! software, campaigns), [`detection`] (data sources and components, detection strategies,
//! analytics) and [`context`] (tactics, matrices, mitigations, assets). Each starts with the
//! same [`Header`] as the technique's view; the CSV record and the detail table are derived
//! from the serialisation (see [`super::layout`]).

pub mod actors;
pub mod context;
pub mod detection;

use serde::Serialize;

pub use actors::{CampaignDetail, GroupDetail, SoftwareDetail};
pub use context::{AssetDetail, MatrixDetail, MitigationDetail, TacticDetail};
pub use detection::{
    AnalyticDetail, AnalyticLogSourceView, AnalyticSummary, DataComponentDetail, DataSourceDetail,
    DetectionStrategyDetail, LogSourceView,
};

use super::Ref;
use crate::model::{Domain, Kind, KnowledgeBase, Node, cmp_ids};

/// Fields every detail view starts with (flattened into the view's JSON object).
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// ATT&CK ID; null for objects without one (17.x data components).
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Object type: `technique`, `tactic`, `group`, `software`, `campaign`, `mitigation`,
    /// `data-source`, `data-component`, `detection-strategy`, `analytic`, `asset`, `matrix`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The domain of the bundle it was read from: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// Every domain the object belongs to (its `x_mitre_domains`, and with `--domain all` every
    /// loaded domain holding it).
    pub domains: Vec<String>,
    /// ATT&CK version of the bundle.
    pub attack_version: Option<String>,
    /// Description as published (Markdown).
    pub description: String,
    /// Page on attack.mitre.org.
    pub url: Option<String>,
    /// Creation time (RFC 3339).
    pub created: Option<String>,
    /// Last modification time (RFC 3339).
    pub modified: Option<String>,
    /// The object's own version.
    pub version: Option<String>,
    /// Replaced by another object.
    pub revoked: bool,
    /// Withdrawn.
    pub deprecated: bool,
    /// For revoked objects, the replacement (following chains), else null.
    pub revoked_by: Option<Ref>,
}

impl Header {
    /// The header of any object.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, n: Node) -> Header {
        let m = kb.meta(n);
        let domains = domain_names(m.domains.iter().copied().chain([kb.domain]));
        Header {
            id: (!m.id.is_empty())
                .then(|| m.id.clone())
                .as_ref()
                .map(ToString::to_string),
            name: m.name.to_string(),
            kind: n.kind.name(),
            domain: kb.domain.short_name().to_string(),
            domains,
            attack_version: kb.attack_version.clone(),
            description: m.description.to_string(),
            url: m.url.as_ref().map(ToString::to_string),
            created: m.created.as_ref().map(ToString::to_string),
            modified: m.modified.as_ref().map(ToString::to_string),
            version: m.version.as_ref().map(ToString::to_string),
            revoked: m.revoked,
            deprecated: m.deprecated,
            revoked_by: if m.revoked {
                kb.replacement_of(n).map(|r| Ref::to(kb, r))
            } else {
                None
            },
        }
    }
}

/// Short domain names in MITRE's order (enterprise, mobile, ics), without repeats.
pub fn domain_names(domains: impl IntoIterator<Item = Domain>) -> Vec<String> {
    let mut v: Vec<Domain> = domains.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(|d| d.short_name().to_string()).collect()
}

/// A procedure example: how a group, software or campaign used a technique (the `uses`
/// relationship's description).
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    /// ATT&CK ID of the other end (the user on a technique's view, the technique elsewhere).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its type: `group`, `software`, `campaign` or `technique`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How it was used, as published (Markdown with citations).
    pub description: String,
}

/// References to objects of `kind`, sorted by ID (then name), without repeats.
pub(crate) fn refs(kb: &KnowledgeBase, kind: Kind, idx: impl IntoIterator<Item = u32>) -> Vec<Ref> {
    let mut v: Vec<Ref> = idx
        .into_iter()
        .map(|i| Ref::to(kb, Node::new(kind, i)))
        .collect();
    v.sort_by(|a, b| cmp_ids(&a.id, &b.id).then_with(|| a.name.cmp(&b.name)));
    v.dedup();
    v
}
