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
    assert_eq!(r.code, 2, "an unknown platform is an error");
    assert!(
        r.stderr.contains("unknown platform 'plan9'"),
        "{}",
        r.stderr
    );
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
