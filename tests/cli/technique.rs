//! `attck technique` on the hand-written samples.

use crate::common::sample;
use crate::contract::{Ref, Technique};

fn technique(args: &[&str]) -> Technique {
    let mut v = vec!["technique"];
    v.extend_from_slice(args);
    v.extend_from_slice(&["-f", "json"]);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

#[test]
fn looks_up_a_technique_with_its_subtechniques() {
    let t = technique(&["T1059"]);
    assert_eq!(t.name, "Scripted Launch");
    assert_eq!(t.domain, "enterprise");
    assert_eq!(
        t.attack_version.as_deref(),
        Some("2.0"),
        "newest sample version is the default"
    );
    assert!(!t.is_subtechnique);
    assert_eq!(t.tactics, ["execution"]);
    let subs: Vec<&str> = t.subtechniques.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(subs, ["T1059.001", "T1059.004"]);
    assert_eq!(
        t.url.as_deref(),
        Some("https://attack.mitre.org/techniques/T1059")
    );
    assert!(!t.revoked && !t.deprecated && t.revoked_by.is_none());
}

#[test]
fn ids_are_case_insensitive_and_accept_slash_form() {
    assert_eq!(technique(&["t1059"]).id, "T1059");
    let sub = technique(&["T1059/001"]);
    assert_eq!(sub.id, "T1059.001");
    assert!(sub.is_subtechnique);
    assert_eq!(
        sub.parent,
        Some(Ref {
            id: "T1059".into(),
            name: "Scripted Launch".into()
        })
    );
}

#[test]
fn tactics_follow_matrix_order() {
    // T1497 is in defense-evasion and discovery; the matrix lists defense-evasion first.
    assert_eq!(
        technique(&["T1497"]).tactics,
        ["defense-evasion", "discovery"]
    );
    assert_eq!(
        technique(&["T1543", "--attack-version", "2.0"]).tactics,
        ["execution", "persistence"]
    );
    assert_eq!(
        technique(&["T1543", "--attack-version", "1.0"]).tactics,
        ["persistence"]
    );
}

#[test]
fn revoked_technique_names_its_replacement() {
    let t = technique(&["T1086"]);
    assert!(t.revoked);
    assert_eq!(
        t.revoked_by,
        Some(Ref {
            id: "T1059.001".into(),
            name: "Managed Shell Host".into()
        })
    );
    let table = sample(&["technique", "T1086"]);
    assert_eq!(table.code, 0);
    assert!(
        table
            .stdout
            .contains("replaced by T1059.001 Managed Shell Host"),
        "{}",
        table.stdout
    );
}

#[test]
fn deprecated_technique_is_shown_marked() {
    let t = technique(&["T1064"]);
    assert!(t.deprecated);
    assert!(t.revoked_by.is_none());
}

#[test]
fn technique_id_shared_with_a_deprecated_mitigation_finds_the_technique() {
    let t = technique(&["T1053"]);
    assert_eq!(t.name, "Timed Job Planting");
    assert!(!t.deprecated);
}

#[test]
fn stix_20_and_21_samples_both_load() {
    let old = technique(&["T1082", "--attack-version", "1.0"]);
    let new = technique(&["T1082", "--attack-version", "2.0"]);
    assert_eq!(
        old.attack_version.as_deref(),
        Some("1.0"),
        "1.0 has no collection: version from file name"
    );
    assert_eq!(old.name, "Host Profile Gathering");
    assert_eq!(new.name, "Host Fingerprinting");
}

#[test]
fn unknown_id_exits_1_with_suggestions() {
    let r = sample(&["technique", "T1058"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let line = r.stderr.trim();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.starts_with("attck: no technique T1058 in enterprise-attack 2.0"),
        "{line}"
    );
    assert!(
        line.contains("did you mean") && line.contains("T1059"),
        "{line}"
    );
}

#[test]
fn every_format_renders() {
    for f in ["table", "json", "jsonl", "csv", "markdown"] {
        let r = sample(&["technique", "T1059", "-f", f]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(r.stdout.contains("T1059"), "{f}");
    }
    let jsonl = sample(&["technique", "T1059", "-f", "jsonl"]);
    assert_eq!(jsonl.stdout.lines().count(), 1);
    let csv = sample(&["technique", "T1059", "-f", "csv"]);
    assert!(csv.stdout.starts_with(
        "id,name,type,domain,domains,attack_version,description,url,created,modified,version,revoked,deprecated,revoked_by,is_subtechnique,parent,tactics,platforms,subtechniques,"
    ));
    assert!(csv.stdout.contains("T1059.001;T1059.004"));
}
