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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Visibility;
    use crate::query::flat;
    use crate::query::layout;
    use crate::query::sample::{self, ids, node};
    use crate::query::show::{ShowView, view};

    fn show(kb: &KnowledgeBase, kind: Kind, id: &str) -> ShowView {
        view(kb, node(kb, kind, id), Visibility::default())
    }

    #[test]
    fn a_group_lists_what_it_uses_and_how() {
        let kb = sample::v2();
        let ShowView::Group(g) = show(kb, Kind::Group, "G0902") else {
            panic!("G0902 is a group")
        };
        assert_eq!(g.header.name, "Tin Lantern");
        assert_eq!(g.header.kind, "group");
        assert_eq!(g.header.domains, ["enterprise"]);
        assert_eq!(
            ids(&g.techniques),
            ["T1053.003", "T1059.001", "T1082", "T1543.002"]
        );
        assert_eq!(ids(&g.software), ["S0901"]);
        assert_eq!(ids(&g.campaigns), ["C0901"]);
        let procs: Vec<&str> = g.procedures.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            procs,
            ids(&g.techniques),
            "one procedure per technique used"
        );
        assert!(g.procedures.iter().all(|p| p.kind == "technique"));
        assert!(g.aliases.iter().any(|a| a == "Quiet Heron"));
    }

    #[test]
    fn a_revoked_object_names_its_replacement() {
        let kb = sample::v2();
        let ShowView::Group(g) = show(kb, Kind::Group, "G0901") else {
            panic!("G0901 is a group")
        };
        assert!(g.header.revoked);
        assert_eq!(
            g.header.revoked_by.as_ref().map(|r| r.id.as_str()),
            Some("G0902")
        );
        let d = layout::detail(&g, false).unwrap();
        assert!(d.title.ends_with("[REVOKED]"), "{}", d.title);
        let status = d.fields.iter().find(|f| f.key == "status").unwrap();
        assert_eq!(status.value.text, "revoked, replaced by G0902 Tin Lantern");
    }

    #[test]
    fn software_campaigns_and_mitigations() {
        let kb = sample::v2();
        let ShowView::Software(s) = show(kb, Kind::Software, "S0904") else {
            panic!()
        };
        assert_eq!(s.software_type, "malware");
        assert_eq!(s.platforms, ["Windows", "Linux"]);
        assert_eq!(ids(&s.techniques), ["T1082", "T1652"]);
        assert_eq!(ids(&s.groups), ["G0904"]);
        assert_eq!(ids(&s.campaigns), ["C0903"]);
        let ShowView::Campaign(c) = show(kb, Kind::Campaign, "C0903") else {
            panic!()
        };
        assert_eq!(ids(&c.groups), ["G0904"]);
        assert_eq!(ids(&c.software), ["S0904"]);
        assert_eq!(ids(&c.techniques), ["T1652"]);
        assert_eq!(
            c.first_seen.as_deref().map(|d| &d[..10]),
            Some("2024-06-01")
        );
        let ShowView::Mitigation(m) = show(kb, Kind::Mitigation, "M1902") else {
            panic!()
        };
        assert_eq!(ids(&m.techniques), ["T1053", "T1053.003", "T1543.002"]);
    }

    #[test]
    fn the_detection_chain_in_both_data_models() {
        let kb = sample::v2();
        let ShowView::DataComponent(c) = show(kb, Kind::DataComponent, "DC0901") else {
            panic!()
        };
        assert_eq!(ids(&c.analytics), ["AN0901", "AN0902", "AN0904"]);
        assert_eq!(ids(&c.detection_strategies), ["DET0901", "DET0903"]);
        assert_eq!(ids(&c.techniques), ["T1059", "T1497"]);
        let ShowView::DetectionStrategy(d) = show(kb, Kind::DetectionStrategy, "DET0901") else {
            panic!()
        };
        assert_eq!(ids(&d.techniques), ["T1059"]);
        let an: Vec<&str> = d.analytics.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(an, ["AN0901", "AN0902"]);
        let table = layout::detail(&d, false).unwrap();
        let chain = table
            .sections
            .iter()
            .find(|s| s.key == "analytics")
            .unwrap();
        assert_eq!(chain.title, "Analytics → log sources → data components");
        assert!(chain.lines.iter().any(|l| l.indent == 1
            && l.text == "WinEventLog:Security  EventCode=4688  → DC0901  Program Launch"));

        // 17.x: components have no IDs and detect techniques directly.
        let kb = sample::v1();
        let ShowView::DataSource(s) = show(kb, Kind::DataSource, "DS0901") else {
            panic!()
        };
        assert!(s.data_components.iter().all(|c| c.id.is_none()));
        let record = flat::record(&s).unwrap();
        let cell = &record
            .iter()
            .find(|(k, _)| k == "data_components")
            .unwrap()
            .1;
        let mut names: Vec<&str> = cell.split(';').collect();
        names.sort_unstable();
        let mut want: Vec<&str> = s.data_components.iter().map(|c| c.name.as_str()).collect();
        want.sort_unstable();
        assert_eq!(names, want, "components without an ID are named in CSV");
    }

    #[test]
    fn ics_assets_and_the_techniques_that_target_them() {
        let kb = sample::ics();
        for n in kb.nodes(Kind::Asset) {
            let ShowView::Asset(a) = view(kb, n, Visibility::default()) else {
                panic!()
            };
            let want = kb.sources(n, crate::model::Rel::Targets, Kind::Technique);
            assert_eq!(a.techniques.len(), want.len(), "{}", a.header.name);
            assert!(!a.techniques.is_empty(), "every sample asset is targeted");
        }
    }

    /// Every view of every sample object: its CSV columns are its JSON fields, one for one;
    /// its table starts with the header's rows and shows each non-empty list of references as
    /// a section of one line per reference.
    #[test]
    fn every_view_derives_csv_and_table_from_its_fields() {
        for kb in [sample::v1(), sample::v2(), sample::ics()] {
            for kind in Kind::ALL {
                for n in kb.nodes(kind) {
                    let v = view(kb, n, Visibility::default());
                    let json = serde_json::to_value(&v).unwrap();
                    let json = json.as_object().unwrap();
                    let record = flat::record(&v).unwrap();
                    let mut keys: Vec<&str> = record.iter().map(|(k, _)| k.as_str()).collect();
                    let mut want: Vec<&str> = json.keys().map(String::as_str).collect();
                    keys.sort_unstable();
                    want.sort_unstable();
                    assert_eq!(keys, want, "{n:?}");
                    assert_eq!(json["type"], kind.name());

                    let d = layout::detail(&v, true).unwrap();
                    let labels: Vec<&str> = d.fields.iter().map(|f| f.label.as_str()).collect();
                    assert_eq!(labels[..3], ["ID", "Name", "Type"], "{n:?}");
                    assert!(d.title.contains(json["name"].as_str().unwrap()));
                    for (key, value) in json {
                        let refs = value
                            .as_array()
                            .filter(|a| !a.is_empty() && a.iter().all(|r| r.get("id").is_some()));
                        if let Some(refs) = refs
                            && key != "procedures"
                        {
                            let s = d.sections.iter().find(|s| &s.key == key);
                            let s = s.unwrap_or_else(|| panic!("{n:?}: no section {key}"));
                            assert!(s.lines.len() >= refs.len(), "{n:?} {key}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn procedures_show_only_when_asked() {
        let kb = sample::v2();
        let g = show(kb, Kind::Group, "G0902");
        let plain = layout::detail(&g, false).unwrap();
        assert!(plain.sections.iter().all(|s| s.key != "procedures"));
        let full = layout::detail(&g, true).unwrap();
        let p = full
            .sections
            .iter()
            .find(|s| s.key == "procedures")
            .unwrap();
        assert_eq!(p.lines.len(), 2 * 4, "a line and a text per technique used");
        assert!(p.lines[0].text.starts_with("T1053.003  "));
        assert!(p.lines[0].text.ends_with("(technique)"));
        assert_eq!(p.lines[1].indent, 1);
    }
}
