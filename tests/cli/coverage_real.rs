//! Coverage, layers and inputs on the real bundles. Every number here was computed by an
//! independent script over the raw STIX (`scripts/coverage_facts.py`), not by attck.
//! In-process (the bundle loads once per test run) except one end-to-end run of the binary.

use std::fs;

use attck_explorer::input::{self, ReadOptions, Source};
use attck_explorer::model::{Kind, KnowledgeBase};
use attck_explorer::query::coverage::{CoverageOptions, CoverageReport, Unit, Universe, coverage};
use attck_explorer::query::layer::{LayerOptions, from_selection};
use attck_explorer::query::selection::{Selector, find_object, resolve_ids, select, techniques_of};
use attck_explorer::query::tactic_techniques::TechniqueFilter;

use crate::common::{real, real_kb};
use crate::contract::Coverage;
use crate::navigator::check_layer;

/// A hand-made list: a revoked ID (T1086 → T1059.001), an unknown one, techniques that have
/// sub-techniques (T1003, T1078, T1562) and a lower-case ID.
const LIST: &str = "T1059.001 T1003 T1086 T1566.001 t1078 T9999 T1027.013 T1021.001 T1562";

fn measure(kb: &KnowledgeBase, text: &str, against: Option<&str>, unit: Unit) -> CoverageReport {
    let list = input::parse(text.as_bytes(), "list", ReadOptions::default()).unwrap();
    let named = resolve_ids(kb, list.id_strs());
    let universe = match against {
        None => Universe::all(),
        Some(key) => {
            let f = find_object(
                kb,
                key,
                None,
                &[Kind::Group, Kind::Software, Kind::Campaign],
            )
            .unwrap();
            Universe {
                label: f.label,
                techniques: Some(techniques_of(kb, f.node)),
            }
        }
    };
    coverage(
        kb,
        &named,
        &universe,
        &CoverageOptions {
            unit,
            ..CoverageOptions::default()
        },
    )
}

fn figures(c: &CoverageReport) -> (usize, usize, Vec<(String, usize, usize)>) {
    (
        c.total.covered,
        c.total.total,
        c.tactics
            .iter()
            .map(|t| (t.shortname.clone(), t.covered, t.total))
            .collect(),
    )
}

fn first_gaps(c: &CoverageReport) -> Vec<(&str, usize)> {
    c.gaps
        .iter()
        .take(5)
        .map(|g| (g.id.as_str(), g.groups_using))
        .collect()
}

fn t(s: &str, covered: usize, total: usize) -> (String, usize, usize) {
    (s.to_string(), covered, total)
}

#[test]
fn a_hand_made_list_on_enterprise_18_1() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let c = measure(&kb, LIST, None, Unit::Technique);
    assert_eq!(
        figures(&c),
        (
            7,
            216,
            vec![
                t("reconnaissance", 0, 11),
                t("resource-development", 0, 8),
                t("initial-access", 2, 11),
                t("execution", 1, 17),
                t("persistence", 1, 23),
                t("privilege-escalation", 1, 14),
                t("defense-evasion", 3, 47),
                t("credential-access", 1, 17),
                t("discovery", 0, 34),
                t("lateral-movement", 1, 9),
                t("collection", 0, 17),
                t("command-and-control", 0, 18),
                t("exfiltration", 0, 9),
                t("impact", 0, 15),
            ]
        )
    );
    assert!((c.total.percent - 3.2).abs() < 1e-9);
    assert_eq!(
        first_gaps(&c),
        [
            ("T1204", 97),
            ("T1036", 85),
            ("T1105", 85),
            ("T1588", 84),
            ("T1071", 63)
        ]
    );
    assert_eq!(c.input.ids_read, 9);
    assert_eq!(c.input.unknown, ["T9999"]);
    assert_eq!(c.input.revoked[0].replaced_by.as_deref(), Some("T1059.001"));

    let s = measure(&kb, LIST, None, Unit::Subtechnique);
    assert_eq!((s.total.covered, s.total.total), (4, 593));
    assert_eq!(
        first_gaps(&s),
        [
            ("T1105", 85),
            ("T1204.002", 84),
            ("T1588.002", 79),
            ("T1059.003", 71),
            ("T1036.005", 59)
        ]
    );
    assert_eq!(s.parents_named, ["T1003", "T1078", "T1562"]);
}

#[test]
fn against_apt29_by_id_name_and_alias() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    for key in ["G0016", "APT29", "Cozy Bear", "midnight blizzard"] {
        let c = measure(&kb, LIST, Some(key), Unit::Technique);
        assert_eq!(c.universe, "group G0016 APT29", "{key}");
        assert_eq!((c.total.covered, c.total.total), (7, 47), "{key}");
    }
    let c = measure(&kb, LIST, Some("APT29"), Unit::Technique);
    assert_eq!(
        figures(&c).2,
        [
            t("reconnaissance", 0, 1),
            t("resource-development", 0, 4),
            t("initial-access", 2, 5),
            t("execution", 1, 6),
            t("persistence", 1, 10),
            t("privilege-escalation", 1, 8),
            t("defense-evasion", 3, 10),
            t("credential-access", 1, 6),
            t("discovery", 0, 2),
            t("lateral-movement", 1, 2),
            t("collection", 0, 2),
            t("command-and-control", 0, 5),
        ]
    );
    assert_eq!(
        first_gaps(&c),
        [
            ("T1204", 97),
            ("T1036", 85),
            ("T1105", 85),
            ("T1588", 84),
            ("T1583", 60)
        ]
    );
    // 66 techniques and sub-techniques used (FACTS.md: 17 + 49).
    let s = measure(&kb, LIST, Some("APT29"), Unit::Subtechnique);
    assert_eq!((s.total.covered, s.total.total), (3, 66));
    assert_eq!(
        first_gaps(&s),
        [
            ("T1105", 85),
            ("T1204.002", 84),
            ("T1588.002", 79),
            ("T1036.005", 59),
            ("T1547.001", 55)
        ]
    );
}

#[test]
fn ics_and_mobile() {
    if let Some(kb) = real_kb("ics-attack-18.1.json") {
        let c = measure(&kb, "T0800 T0801 T0886 T9999 T0817", None, Unit::Technique);
        assert_eq!((c.total.covered, c.total.total), (4, 83));
        assert_eq!(
            first_gaps(&c),
            [
                ("T0865", 4),
                ("T0852", 2),
                ("T0853", 2),
                ("T0859", 2),
                ("T0862", 2)
            ]
        );
        let c = measure(&kb, "T0800", Some("Sandworm Team"), Unit::Technique);
        assert_eq!((c.total.covered, c.total.total), (0, 3));
    }
    if let Some(kb) = real_kb("mobile-attack-18.1.json") {
        let list = "T1406 T1417.001 T1626 T1398";
        let c = measure(&kb, list, None, Unit::Technique);
        assert_eq!((c.total.covered, c.total.total), (4, 77));
        assert_eq!(
            first_gaps(&c),
            [
                ("T1660", 5),
                ("T1655", 3),
                ("T1451", 2),
                ("T1676", 2),
                ("T1407", 1)
            ]
        );
        let s = measure(&kb, list, None, Unit::Subtechnique);
        assert_eq!((s.total.covered, s.total.total), (2, 97));
    }
}

/// Writes a Sigma rule directory tagging the hand-made list, one rule per ID.
fn sigma_rules(dir: &std::path::Path) -> std::path::PathBuf {
    let rules = dir.join("sigma");
    for (i, id) in LIST.split_whitespace().enumerate() {
        let sub = rules.join(if i % 2 == 0 { "windows" } else { "linux/deep" });
        fs::create_dir_all(&sub).unwrap();
        fs::write(
            sub.join(format!("rule_{i}.yml")),
            format!(
                "title: Rule {i}\nstatus: test\ntags:\n    - attack.execution\n    - attack.{}\nlogsource:\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: 'x'\n    condition: selection\nlevel: high\n",
                id.to_ascii_lowercase()
            ),
        )
        .unwrap();
    }
    rules
}

#[test]
fn a_sigma_directory_reads_like_the_list() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rules = sigma_rules(dir.path());
    let list = input::read_list(
        &Source::Path(rules),
        &mut std::io::empty(),
        ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(list.files.len(), 9);
    assert!(list.files.iter().all(|f| !f.technique_ids().is_empty()));
    let from_rules = resolve_ids(&kb, list.id_strs());
    let from_text = resolve_ids(&kb, LIST.split_whitespace());
    assert_eq!(from_rules.techniques, from_text.techniques);
    assert_eq!(from_rules.report, from_text.report);
}

#[test]
fn a_group_layer_is_valid_and_reads_back_as_full_coverage() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let sel = select(
        &kb,
        &[Selector::Group("APT29".into())],
        &TechniqueFilter::default(),
    )
    .unwrap();
    assert_eq!(sel.techniques.len(), 66);
    let layer = from_selection(&kb, &sel, &LayerOptions::default());
    let text = serde_json::to_string_pretty(&layer).unwrap();
    let checked = check_layer(&text, &kb);
    assert_eq!(checked.versions.unwrap().attack.as_deref(), Some("18"));
    // One entry per technique per tactic: 89 for APT29's 66 (independent count).
    // Parents of its sub-techniques are listed besides, unscored (checked by check_layer).
    let entries = checked.techniques.unwrap();
    assert_eq!(entries.iter().filter(|t| t.score.is_some()).count(), 89);
    let back = input::parse(text.as_bytes(), "apt29.json", ReadOptions::default()).unwrap();
    assert_eq!(back.kind, input::Kind::Layer);
    let named = resolve_ids(&kb, back.id_strs());
    for unit in [Unit::Technique, Unit::Subtechnique] {
        let universe = Universe {
            label: "APT29".into(),
            techniques: Some(sel.techniques.iter().map(|s| s.index).collect()),
        };
        let c = coverage(
            &kb,
            &named,
            &universe,
            &CoverageOptions {
                unit,
                ..CoverageOptions::default()
            },
        );
        assert_eq!(c.total.covered, c.total.total, "{unit:?}");
    }
}

#[test]
fn the_detection_engineer_s_command_end_to_end() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rules = sigma_rules(dir.path());
    let gaps = dir.path().join("gaps.json");
    let Some(r) = real(&[
        "coverage",
        rules.to_str().unwrap(),
        "--against",
        "APT29",
        "--layer",
        gaps.to_str().unwrap(),
        "-f",
        "json",
    ]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: Coverage = r.json();
    assert_eq!(c.universe, "group G0016 APT29");
    assert_eq!((c.total.covered, c.total.total), (7, 47));
    assert_eq!(c.gaps.len(), 40);
    assert_eq!(c.gaps[0].id, "T1204");
    let layer = check_layer(&fs::read_to_string(&gaps).unwrap(), &kb);
    let entries = layer.techniques.unwrap();
    let gap_entries = entries
        .iter()
        .filter(|e| e.color.as_deref() == Some("#ff6666"));
    let mut gap_ids: Vec<&str> = gap_entries.map(|e| e.technique_id.as_str()).collect();
    gap_ids.dedup();
    assert_eq!(gap_ids.len(), 40);
    assert!(
        entries
            .iter()
            .all(|e| e.comment.as_deref().is_some_and(|c| !c.is_empty()))
    );
}

#[test]
fn mobile_and_ics_layers_are_valid_too() {
    for (file, selector, major) in [
        (
            "mobile-attack-18.1.json",
            Selector::Search("location".into()),
            "18",
        ),
        (
            "ics-attack-18.1.json",
            Selector::Group("Sandworm Team".into()),
            "18",
        ),
        (
            "enterprise-attack-17.1.json",
            Selector::Mitigation("M1042".into()),
            "17",
        ),
    ] {
        let Some(kb) = real_kb(file) else {
            return;
        };
        let sel = select(&kb, &[selector], &TechniqueFilter::default()).unwrap();
        assert!(!sel.techniques.is_empty(), "{file}");
        let layer = from_selection(&kb, &sel, &LayerOptions::default());
        let text = serde_json::to_string(&layer).unwrap();
        let checked = check_layer(&text, &kb);
        assert_eq!(checked.versions.unwrap().attack.as_deref(), Some(major));
    }
}
