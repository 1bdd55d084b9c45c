//! `attck show <ID | name | alias>`: finds any object in one or more knowledge bases (see
//! [`resolve`]) and builds its detail view.

use serde::Serialize;

use super::DetailView;
use super::layout::Detail;
use super::object::{
    AnalyticDetail, AssetDetail, CampaignDetail, DataComponentDetail, DataSourceDetail,
    DetectionStrategyDetail, GroupDetail, MatrixDetail, MitigationDetail, SoftwareDetail,
    TacticDetail, domain_names,
};
use super::resolve::resolve;
use super::technique::{TechniqueDetail, technique_at};
use crate::error::Error;
use crate::model::{Domain, Kind, KnowledgeBase, Node, Visibility};

/// Declares [`ShowView`] from one line per kind, `Kind => ViewType: constructor`: the enum,
/// the dispatch from a node to its view, and the delegation of the view traits. The match
/// over [`Kind`] is exhaustive, so a new kind does not build until it has its line here.
macro_rules! show_views {
    ($($kind:ident => $view:ident: |$kb:ident, $i:ident, $vis:ident| $new:expr,)*) => {
        /// The detail view of any object (JSON: the object's own view; its `type` field says
        /// which).
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        #[allow(missing_docs)] // one variant per kind
        pub enum ShowView {
            $($kind($view),)*
        }

        impl DetailView for ShowView {
            fn adjust(&self, detail: &mut Detail) {
                match self {
                    $(ShowView::$kind(v) => v.adjust(detail),)*
                }
            }
        }

        impl ShowView {
            /// The common header.
            pub fn header_mut(&mut self) -> &mut super::object::Header {
                match self {
                    $(ShowView::$kind(v) => &mut v.header,)*
                }
            }
        }

        /// The detail view of one object.
        #[must_use]
        pub fn view(kb: &KnowledgeBase, n: Node, vis: Visibility) -> ShowView {
            match n.kind {
                $(Kind::$kind => {
                    let ($kb, $i, $vis) = (kb, n.index, vis);
                    ShowView::$kind($new)
                })*
            }
        }
    };
}

show_views! {
    Technique => TechniqueDetail: |kb, i, vis| technique_at(kb, i, vis),
    Tactic => TacticDetail: |kb, i, vis| TacticDetail::new(kb, i, vis),
    Group => GroupDetail: |kb, i, _vis| GroupDetail::new(kb, i),
    Software => SoftwareDetail: |kb, i, _vis| SoftwareDetail::new(kb, i),
    Campaign => CampaignDetail: |kb, i, _vis| CampaignDetail::new(kb, i),
    Mitigation => MitigationDetail: |kb, i, _vis| MitigationDetail::new(kb, i),
    DataSource => DataSourceDetail: |kb, i, _vis| DataSourceDetail::new(kb, i),
    DataComponent => DataComponentDetail: |kb, i, _vis| DataComponentDetail::new(kb, i),
    DetectionStrategy => DetectionStrategyDetail: |kb, i, _vis| DetectionStrategyDetail::new(kb, i),
    Analytic => AnalyticDetail: |kb, i, _vis| AnalyticDetail::new(kb, i),
    Asset => AssetDetail: |kb, i, _vis| AssetDetail::new(kb, i),
    Matrix => MatrixDetail: |kb, i, _vis| MatrixDetail::new(kb, i),
}

/// Looks `key` up and builds the view; `domains` of the view include every loaded domain
/// holding the object.
pub fn show(
    kbs: &[&KnowledgeBase],
    key: &str,
    kind: Option<Kind>,
    vis: Visibility,
) -> Result<(ShowView, Vec<String>), Error> {
    let r = resolve(kbs, key, kind)?;
    let kb = &kbs[r.hit.kb];
    let mut v = view(kb, r.hit.node, vis);
    let h = v.header_mut();
    let all = h
        .domains
        .iter()
        .chain(&r.domains)
        .filter_map(|d| Domain::from_any(d));
    h.domains = domain_names(all.collect::<Vec<_>>());
    Ok((v, r.notes))
}
