//! `attck tactics` and `attck tactic` on the hand-written samples.

use crate::common::sample;
use crate::contract::{Row, Tactic};

fn rows(args: &[&str]) -> Vec<Row> {
    let mut v = args.to_vec();
    v.extend_from_slice(&["-f", "json"]);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn ids(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn tactics_in_matrix_order_with_counts() {
    let r = sample(&["tactics", "-f", "json", "--attack-version", "1.0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: Vec<Tactic> = r.json();
    let order: Vec<&str> = t.iter().map(|t| t.shortname.as_str()).collect();
    assert_eq!(
        order,
        [
            "reconnaissance",
            "execution",
            "persistence",
            "defense-evasion",
            "discovery"
        ]
    );
    let counts: Vec<(usize, usize)> = t
        .iter()
        .map(|t| (t.technique_count, t.subtechnique_count))
        .collect();
    assert_eq!(counts, [(1, 0), (3, 3), (3, 2), (4, 0), (2, 0)]);
    assert_eq!(t[1].id, "TA0002");
    assert_eq!(t[1].name, "Execution");
}

#[test]
fn deprecated_matrix_adds_nothing() {
    // Both samples carry a deprecated second matrix; only the active one's five tactics show.
    let t: Vec<Tactic> = sample(&["tactics", "-f", "json"]).json();
    assert_eq!(t.len(), 5);
}

#[test]
fn subtechniques_follow_their_parent() {
    let r = rows(&["tactic", "execution"]);
    assert_eq!(
        ids(&r),
        [
            "T1053",
            "T1053.003",
            "T1059",
            "T1059.001",
            "T1059.004",
            "T1543"
        ]
    );
    assert_eq!(r[1].parent.as_deref(), Some("T1053"));
    assert!(r.iter().all(|r| !r.revoked && !r.deprecated));
}

#[test]
fn tactic_by_id_shortname_or_name() {
    let a = rows(&["tactic", "TA0002"]);
    let b = rows(&["tactic", "execution"]);
    let c = rows(&["tactic", "Execution"]);
    let d = rows(&["tactic", "Defense Evasion"]);
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(ids(&b), ids(&c));
    assert_eq!(ids(&d), ["T1027", "T1497"]);
}

#[test]
fn no_subtechniques_and_platform_filters() {
    assert_eq!(
        ids(&rows(&["tactic", "execution", "--no-subtechniques"])),
        ["T1053", "T1059", "T1543"]
    );
    assert_eq!(
        ids(&rows(&["tactic", "execution", "--platform", "WINDOWS"])),
        ["T1053", "T1059", "T1059.001", "T1543"]
    );
    assert_eq!(
        ids(&rows(&[
            "tactic",
            "execution",
            "--platform",
            "linux",
            "--no-subtechniques"
        ])),
        ["T1053", "T1059", "T1543"]
    );
    let r = sample(&["tactic", "execution", "--platform", "plan9"]);
    assert_eq!(r.code, 1, "an empty list is exit 1");
}

#[test]
fn include_flags_bring_inactive_techniques_marked() {
    let base = ids(&rows(&["tactic", "execution", "--attack-version", "1.0"])).len();
    let r = rows(&[
        "tactic",
        "execution",
        "--attack-version",
        "1.0",
        "--include-revoked",
        "--include-deprecated",
    ]);
    let revoked: Vec<&str> = r
        .iter()
        .filter(|r| r.revoked)
        .map(|r| r.id.as_str())
        .collect();
    let deprecated: Vec<&str> = r
        .iter()
        .filter(|r| r.deprecated)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(revoked, ["T1086"]);
    assert_eq!(deprecated, ["T1064"]);
    assert_eq!(r.len(), base + 2);
    let table = sample(&[
        "tactic",
        "execution",
        "--attack-version",
        "1.0",
        "--include-revoked",
    ]);
    assert!(table.stdout.contains("(revoked)"), "{}", table.stdout);
}

#[test]
fn table_nests_subtechniques() {
    let r = sample(&["tactic", "execution"]);
    assert_eq!(r.code, 0);
    let line = r.stdout.lines().find(|l| l.contains("T1059.001")).unwrap();
    assert!(line.contains("└ Managed Shell Host"), "{line}");
}

#[test]
fn unknown_tactic_exits_1_with_suggestion() {
    let r = sample(&["tactic", "executon"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no tactic 'executon'") && r.stderr.contains("execution"),
        "{}",
        r.stderr
    );
}

#[test]
fn ics_sample_uses_its_own_kill_chain() {
    let r = sample(&["tactics", "--domain", "ics", "-f", "json"]);
    let t: Vec<Tactic> = r.json();
    let order: Vec<&str> = t.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(order, ["TA0108", "TA0104", "TA0107"]);
    assert_eq!(t.iter().map(|t| t.technique_count).sum::<usize>(), 5);
}

/// A bundle like mobile's: an active matrix, and a deprecated matrix holding a deprecated
/// tactic; one active technique in both tactics, one deprecated technique in the old one.
fn bundle_with_a_deprecated_tactic(dir: &std::path::Path) -> std::path::PathBuf {
    use serde_json::json;
    let ext = |id: &str| json!([{"source_name": "mitre-attack", "external_id": id}]);
    let technique = |stix: &str, id: &str, name: &str, phases: &[&str], deprecated: bool| {
        json!({"type": "attack-pattern", "id": stix, "name": name, "description": "d",
               "x_mitre_deprecated": deprecated, "x_mitre_platforms": ["Android"],
               "kill_chain_phases": phases.iter()
                   .map(|p| json!({"kill_chain_name": "mitre-mobile-attack", "phase_name": p}))
                   .collect::<Vec<_>>(),
               "external_references": ext(id)})
    };
    let objects = json!([
        {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Mobile ATT&CK",
         "x_mitre_version": "3.0"},
        {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Mobile ATT&CK",
         "external_references": ext("mobile-attack"), "tactic_refs": ["x-mitre-tactic--1"]},
        {"type": "x-mitre-matrix", "id": "x-mitre-matrix--2", "name": "Old Effects",
         "x_mitre_deprecated": true, "external_references": ext("mobile-attack"),
         "tactic_refs": ["x-mitre-tactic--2"]},
        {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution",
         "x_mitre_shortname": "execution", "external_references": ext("TA0041")},
        {"type": "x-mitre-tactic", "id": "x-mitre-tactic--2", "name": "Old Effects",
         "x_mitre_shortname": "old-effects", "x_mitre_deprecated": true,
         "external_references": ext("TA0099")},
        technique("attack-pattern--1", "T1000", "Active One", &["execution", "old-effects"], false),
        technique("attack-pattern--2", "T1001", "Withdrawn One", &["old-effects"], true),
    ]);
    let p = dir.join("mobile-attack-3.0.json");
    let b = json!({"type": "bundle", "id": "bundle--1", "objects": objects});
    std::fs::write(&p, serde_json::to_vec(&b).unwrap()).unwrap();
    p
}

#[test]
fn a_deprecated_tactic_is_found_marked_and_lists_its_techniques() {
    use crate::common::{attck_in, run_with};
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_with_a_deprecated_tactic(home.path());
    let run = |extra: &[&str]| {
        let mut v = vec!["--bundle", bundle.to_str().unwrap()];
        v.extend_from_slice(extra);
        run_with(attck_in(home.path()), &v)
    };
    for cache in [&["--no-cache"][..], &[], &[]] {
        for key in ["TA0099", "ta0099", "old-effects", "Old Effects"] {
            let r = run(&[&["tactic", key, "-f", "json"], cache].concat());
            assert_eq!(r.code, 0, "{key}: {}", r.stderr);
            let rows: Vec<Row> = r.json();
            assert_eq!(ids(&rows), ["T1000"], "{key}");
            assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
            assert!(
                r.stderr.starts_with("attck: warning: TA0099 Old Effects (old-effects) is deprecated; 1 of its 2 techniques shown"),
                "{}",
                r.stderr
            );
            let r = run(&[
                &["tactic", key, "-f", "json", "--include-deprecated"],
                cache,
            ]
            .concat());
            assert_eq!(r.code, 0, "{}", r.stderr);
            let rows: Vec<Row> = r.json();
            assert_eq!(ids(&rows), ["T1000", "T1001"], "{key}");
            assert!(rows[1].deprecated);
        }
        // An empty list is still a tactic found: exit 0, the table left out, one warning.
        let r = run(&[&["tactic", "TA0099", "--platform", "iOS"], cache].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr.contains("is deprecated; 0 of its 2"),
            "{}",
            r.stderr
        );
        // The active tactic is unchanged, and an unknown one is still not found.
        let r = run(&[&["tactic", "execution", "-f", "json"], cache].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.is_empty(), "{}", r.stderr);
        assert_eq!(ids(&r.json::<Vec<Row>>()), ["T1000"]);
        assert_eq!(run(&[&["tactic", "TA0098"], cache].concat()).code, 1);
    }
}

#[test]
fn mobile_network_effects_is_found_deprecated_in_the_real_data() {
    let Some(dir) = crate::common::real_data() else {
        return;
    };
    for version in ["17.1", "18.1"] {
        // Its techniques, straight from the bundle: those whose phases name the tactic.
        let file = dir.join(format!("mobile-attack-{version}.json"));
        let bundle: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let mut expected: Vec<String> = bundle["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "attack-pattern")
            .filter(|o| {
                o["kill_chain_phases"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["phase_name"] == "network-effects"))
            })
            .map(|o| {
                o["external_references"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| {
                        r["source_name"] == "mitre-mobile-attack"
                            || r["source_name"] == "mitre-attack"
                    })
                    .unwrap()["external_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        expected.sort();
        assert_eq!(expected.len(), 7, "{version}");
        for key in ["TA0038", "network-effects"] {
            let base = [
                "--domain",
                "mobile",
                "--attack-version",
                version,
                "tactic",
                key,
                "-f",
                "json",
            ];
            let r = crate::common::real(&base).unwrap();
            assert_eq!(r.code, 0, "{version} {key}: {}", r.stderr);
            assert!(ids(&r.json::<Vec<Row>>()).is_empty(), "{}", r.stdout);
            assert!(
                r.stderr
                    .contains("TA0038 Network Effects (network-effects) is deprecated"),
                "{}",
                r.stderr
            );
            let r = crate::common::real(
                &[&base[..], &["--include-deprecated", "--include-revoked"]].concat(),
            )
            .unwrap();
            assert_eq!(r.code, 0, "{}", r.stderr);
            let rows: Vec<Row> = r.json();
            assert_eq!(ids(&rows), expected, "{version} {key}");
        }
    }
}
