//! Facts about the real bundles (`ATTCK_TEST_DATA`), computed independently with Python
//! (/work/facts/FACTS.md and spot checks): counts per type, relationship fields, lookups.
//! These load each bundle once per test process through `real_kb`.

use attck_explorer::model::{Kind, KnowledgeBase, Node, Rel, Visibility};
use attck_explorer::query::resolve::resolve;
use attck_explorer::query::show::{ShowView, show, view};
use attck_explorer::query::{detects, list};

use crate::common::real_kb;

const FILES: [&str; 6] = [
    "enterprise-attack-17.1.json",
    "enterprise-attack-18.1.json",
    "mobile-attack-17.1.json",
    "mobile-attack-18.1.json",
    "ics-attack-17.1.json",
    "ics-attack-18.1.json",
];

fn active(kb: &KnowledgeBase, kind: Kind) -> usize {
    kb.nodes(kind).filter(|&n| kb.meta(n).is_active()).count()
}

fn ids(kb: &KnowledgeBase, kind: Kind, idx: &[u32]) -> Vec<String> {
    idx.iter()
        .map(|&i| kb.meta(Node::new(kind, i)).id.to_string())
        .collect()
}

fn node(kb: &KnowledgeBase, key: &str) -> Node {
    resolve(&[kb], key, None)
        .unwrap_or_else(|e| panic!("{key}: {e}"))
        .hit
        .node
}

#[test]
fn active_counts_per_type() {
    // file: groups, software, mitigations, campaigns, data sources, data components,
    // detection strategies, analytics, assets (FACTS.md summary table).
    let expected: [(&str, [usize; 9]); 6] = [
        (
            "enterprise-attack-17.1.json",
            [166, 755, 44, 47, 37, 106, 0, 0, 0],
        ),
        (
            "enterprise-attack-18.1.json",
            [172, 784, 44, 52, 0, 106, 691, 1739, 0],
        ),
        ("mobile-attack-17.1.json", [15, 118, 13, 3, 6, 17, 0, 0, 0]),
        (
            "mobile-attack-18.1.json",
            [17, 122, 13, 3, 0, 17, 124, 211, 0],
        ),
        ("ics-attack-17.1.json", [14, 23, 52, 7, 17, 36, 0, 0, 14]),
        ("ics-attack-18.1.json", [14, 23, 52, 7, 0, 36, 83, 82, 18]),
    ];
    let kinds = [
        Kind::Group,
        Kind::Software,
        Kind::Mitigation,
        Kind::Campaign,
        Kind::DataSource,
        Kind::DataComponent,
        Kind::DetectionStrategy,
        Kind::Analytic,
        Kind::Asset,
    ];
    for (file, want) in expected {
        let Some(kb) = real_kb(file) else { return };
        let got: Vec<usize> = kinds.iter().map(|&k| active(&kb, k)).collect();
        assert_eq!(got, want, "{file}");
        // The list command shows exactly the active ones.
        let vis = Visibility::default();
        assert_eq!(list::groups(&kb, vis).len(), want[0], "{file}");
        assert_eq!(list::software(&kb, vis).len(), want[1], "{file}");
        assert_eq!(list::analytics(&kb, vis).len(), want[7], "{file}");
    }
}

#[test]
fn counted_relationships_per_type() {
    // uses, mitigates, detects, attributed-to, targets: the "counting" column of FACTS.md.
    let expected: [(&str, [usize; 5]); 6] = [
        ("enterprise-attack-17.1.json", [16241, 1421, 2116, 23, 0]),
        ("enterprise-attack-18.1.json", [17270, 1445, 691, 25, 0]),
        ("mobile-attack-17.1.json", [1338, 163, 168, 1, 0]),
        ("mobile-attack-18.1.json", [1420, 167, 124, 1, 0]),
        ("ics-attack-17.1.json", [267, 331, 238, 5, 524]),
        ("ics-attack-18.1.json", [267, 331, 83, 5, 685]),
    ];
    let rels = [
        Rel::Uses,
        Rel::Mitigates,
        Rel::Detects,
        Rel::AttributedTo,
        Rel::Targets,
    ];
    for (file, want) in expected {
        let Some(kb) = real_kb(file) else { return };
        let got: Vec<usize> = rels
            .iter()
            .map(|r| kb.edges().iter().filter(|e| e.rel == *r).count())
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn apt29() {
    for file in ["enterprise-attack-17.1.json", "enterprise-attack-18.1.json"] {
        let Some(kb) = real_kb(file) else { return };
        for key in [
            "G0016",
            "APT29",
            "Cozy Bear",
            "cozy bear",
            "Midnight Blizzard",
        ] {
            assert_eq!(kb.meta(node(&kb, key)).id, "G0016", "{file} {key}");
        }
        let n = node(&kb, "G0016");
        assert!(kb.aliases(n).iter().any(|a| a == "Cozy Bear"));
        assert_eq!(kb.aliases(n).len(), 15);
        assert_eq!(
            kb.targets(n, Rel::Uses, Kind::Technique).len(),
            66,
            "{file}"
        );
        assert_eq!(kb.targets(n, Rel::Uses, Kind::Software).len(), 49, "{file}");
    }
}

#[test]
fn technique_relationship_fields() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let t = node(&kb, "T1059");
    assert_eq!(
        ids(
            &kb,
            Kind::Mitigation,
            &kb.sources(t, Rel::Mitigates, Kind::Mitigation)
        ),
        [
            "M1021", "M1026", "M1033", "M1038", "M1040", "M1042", "M1045", "M1047", "M1049"
        ]
    );
    let g = kb.sources(t, Rel::Uses, Kind::Group);
    assert_eq!(g.len(), 17);
    assert_eq!(
        ids(&kb, Kind::Group, &g[..5]),
        ["G0004", "G0035", "G0037", "G0038", "G0046"]
    );
    assert_eq!(
        ids(
            &kb,
            Kind::DetectionStrategy,
            &kb.sources(t, Rel::Detects, Kind::DetectionStrategy)
        ),
        ["DET0516"]
    );

    let ps = node(&kb, "T1059.001");
    let g = kb.sources(ps, Rel::Uses, Kind::Group);
    assert_eq!(g.len(), 83);
    assert_eq!(
        ids(&kb, Kind::Group, &g[..5]),
        ["G0007", "G0009", "G0010", "G0016", "G0021"]
    );
    assert_eq!(kb.sources(ps, Rel::Uses, Kind::Campaign).len(), 16);
    assert_eq!(kb.sources(ps, Rel::Uses, Kind::Software).len(), 112 + 12);
    let ShowView::Technique(v) = view(&kb, ps, Visibility::default()) else {
        panic!("T1059.001 is a technique");
    };
    assert_eq!(v.groups.len(), 83);
    assert_eq!(v.procedures.len(), 83 + 16 + 124);
    let mut sorted = v.procedures.clone();
    sorted.sort_by(|a, b| attck_explorer::model::cmp_ids(&a.id, &b.id));
    assert_eq!(
        sorted.iter().map(|p| &p.id).collect::<Vec<_>>(),
        v.procedures.iter().map(|p| &p.id).collect::<Vec<_>>()
    );

    let Some(kb) = real_kb("enterprise-attack-17.1.json") else {
        return;
    };
    let ps = node(&kb, "T1059.001");
    assert_eq!(kb.sources(ps, Rel::Uses, Kind::Group).len(), 79);
    assert_eq!(kb.sources(ps, Rel::Uses, Kind::Campaign).len(), 15);
    assert_eq!(
        kb.sources(node(&kb, "T1059"), Rel::Uses, Kind::Group).len(),
        16
    );
    // 17.1: data components detect techniques directly, and have no IDs.
    let ShowView::Technique(v) = view(&kb, node(&kb, "T1059"), Visibility::default()) else {
        panic!()
    };
    assert!(v.detection_strategies.is_empty());
    assert!(!v.data_components.is_empty());
    assert!(v.data_components.iter().all(|c| c.id.is_none()));
}

#[test]
fn detection_chain_18() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let ShowView::DetectionStrategy(d) = view(&kb, node(&kb, "DET0516"), Visibility::default())
    else {
        panic!("DET0516 is a detection strategy")
    };
    assert_eq!(
        d.techniques
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["T1059"]
    );
    assert_eq!(
        d.analytics
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["AN1428", "AN1429", "AN1430", "AN1431", "AN1432"]
    );
    let ShowView::Analytic(a) = view(&kb, node(&kb, "AN0001"), Visibility::default()) else {
        panic!("AN0001 is an analytic")
    };
    assert_eq!(a.platforms, ["IaaS"]);
    let ls: Vec<(&str, Option<&str>)> = a
        .log_sources
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.data_component.as_ref().and_then(|c| c.id.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        ls,
        [
            ("AWS:VPCFlowLogs", Some("DC0082")),
            ("AWS:CloudTrail", Some("DC0070")),
            ("ebpf:syscalls", Some("DC0085"))
        ]
    );
    assert_eq!(
        a.detection_strategies
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["DET0001"]
    );
    // The reverse question, checked with Python: 103 paths to 103 techniques.
    let rows = detects::detects(
        &kb,
        "WinEventLog:Security",
        Some("4688"),
        Visibility::default(),
    )
    .expect("log source exists");
    assert_eq!(rows.len(), 103);
    assert_eq!(rows[0].technique.id, "T1003.002");
    let rows = detects::detects(&kb, "DC0032", None, Visibility::default()).unwrap();
    assert_eq!(rows.len(), 855);
    // Every analytic is referenced by a strategy, every strategy detects something.
    assert!(kb.analytics.iter().all(|a| !a.strategies.is_empty()));
}

#[test]
fn colliding_ids_are_type_aware() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let shared = kb
        .techniques
        .iter()
        .filter(|t| kb.nodes_with_id(&t.meta.id).len() > 1)
        .count();
    assert_eq!(shared, 224);
    let kbs = [&*kb];
    let (v, notes) = show(&kbs, "T1033", None, Visibility::default()).unwrap();
    assert!(matches!(v, ShowView::Technique(_)));
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("mitigation, deprecated"), "{notes:?}");
    let (v, _) = show(&kbs, "T1033", Some(Kind::Mitigation), Visibility::default()).unwrap();
    let ShowView::Mitigation(m) = v else { panic!() };
    assert!(m.header.deprecated);
    // Names: an exact name beats an alias, else ambiguity lists the candidates.
    let e = show(&kbs, "Carbanak", None, Visibility::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("G0008") && msg.contains("S0030"), "{msg}");
    assert_eq!(kb.meta(node(&kb, "Mimikatz")).id, "S0002");
}

#[test]
fn revocations_follow_chains() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let r = |key: &str| {
        kb.replacement_of(node(&kb, key))
            .map(|n| kb.meta(n).id.clone())
    };
    assert_eq!(r("T1086").as_deref(), Some("T1059.001"));
    assert_eq!(r("T1073").as_deref(), Some("T1574.001"));
    // Every revoked group names a replacement.
    let revoked: Vec<Node> = kb
        .nodes(Kind::Group)
        .filter(|&n| kb.meta(n).revoked)
        .collect();
    assert_eq!(revoked.len(), 6);
    assert!(revoked.iter().all(|&n| kb.replacement_of(n).is_some()));
    let Some(kb) = real_kb("mobile-attack-18.1.json") else {
        return;
    };
    // A replacement that is itself deprecated is still named.
    let t = kb.nodes_with_id("T1431")[0];
    let rep = kb.replacement_of(t).unwrap();
    assert_eq!(kb.meta(rep).id, "T1476");
    assert!(kb.meta(rep).deprecated);
}

#[test]
fn ics_assets() {
    for file in ["ics-attack-17.1.json", "ics-attack-18.1.json"] {
        let Some(kb) = real_kb(file) else { return };
        let a = node(&kb, "A0008");
        assert_eq!(kb.meta(a).name, "Application Server");
        let t = kb.sources(a, Rel::Targets, Kind::Technique);
        assert_eq!(t.len(), 35, "{file}");
        assert_eq!(
            ids(&kb, Kind::Technique, &t[..3]),
            ["T0807", "T0809", "T0812"]
        );
        assert_eq!(ids(&kb, Kind::Technique, &t[34..]), ["T0895"]);
    }
}

#[test]
fn every_object_of_every_bundle_shows_and_is_found_by_its_id() {
    for file in FILES {
        let Some(kb) = real_kb(file) else { return };
        let kbs: &[&attck_explorer::model::KnowledgeBase] = &[&*kb];
        for kind in Kind::ALL {
            for n in kb.nodes(kind) {
                let v = view(&kb, n, Visibility::default());
                let json = serde_json::to_value(&v).expect("views serialise");
                assert_eq!(json["type"], kind.name(), "{file} {n:?}");
                let id = &kb.meta(n).id;
                if id.is_empty() {
                    continue;
                }
                assert_eq!(json["id"], id.as_str(), "{file}");
                let found = resolve(kbs, id, Some(kind)).expect("found by ID");
                assert_eq!(&kb.meta(found.hit.node).id, id, "{file}");
            }
        }
    }
}

#[test]
fn technique_list_filters_combine() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let f = list::TechniqueListFilter {
        group: Some("APT29".into()),
        ..Default::default()
    };
    assert_eq!(list::techniques(&kb, &f).unwrap().len(), 66);
    let f = list::TechniqueListFilter {
        group: Some("APT29".into()),
        tactic: Some("persistence".into()),
        platforms: vec!["windows".into()],
        ..Default::default()
    };
    let rows = list::techniques(&kb, &f).unwrap();
    assert!(!rows.is_empty());
    let n = node(&kb, "G0016");
    let used = ids(
        &kb,
        Kind::Technique,
        &kb.targets(n, Rel::Uses, Kind::Technique),
    );
    for r in &rows {
        assert!(used.contains(&r.id));
        assert!(r.fields.tactics.iter().any(|t| t == "persistence"));
        assert!(r.fields.platforms.iter().any(|p| p == "Windows"));
    }
}
