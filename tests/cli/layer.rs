//! `attck layer`: Navigator layers from groups, software, campaigns, mitigations, searches
//! and ID files, checked against the layer format 4.5 schema (navigator.rs).

use std::fs;

use crate::common::{sample, sample_dir, sample_kb, sample_stdin};
use crate::navigator::{Layer, check_layer};

fn layer(args: &[&str]) -> Layer {
    let mut v = vec!["layer"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = if v.contains(&"ics") {
        "ics-attack-1.0.json"
    } else if v.contains(&"1.0") {
        "enterprise-attack-1.0.json"
    } else {
        "enterprise-attack-2.0.json"
    };
    check_layer(&r.stdout, &sample_kb(file))
}

/// The scored entries: what was selected (parents listed only so their sub-techniques show
/// are unscored; `check_layer` checks them).
fn entries(l: &Layer) -> Vec<(String, String, f64)> {
    l.techniques
        .iter()
        .flatten()
        .filter(|t| t.score.is_some())
        .map(|t| {
            (
                t.technique_id.clone(),
                t.tactic.clone().unwrap_or_default(),
                t.score.unwrap_or_default(),
            )
        })
        .collect()
}

fn e(id: &str, tactic: &str, score: f64) -> (String, String, f64) {
    (id.to_string(), tactic.to_string(), score)
}

#[test]
fn a_group_layer_has_one_entry_per_technique_per_tactic() {
    let l = layer(&["--group", "G0902"]);
    assert_eq!(l.name, "group G0902 Tin Lantern");
    // The parents of its sub-techniques are listed too, unscored and expanded.
    let parents: Vec<(&str, Option<&str>)> = l
        .techniques
        .iter()
        .flatten()
        .filter(|t| t.score.is_none())
        .map(|t| (t.technique_id.as_str(), t.tactic.as_deref()))
        .collect();
    assert_eq!(
        parents,
        [
            ("T1053", Some("execution")),
            ("T1053", Some("persistence")),
            ("T1059", Some("execution")),
            ("T1543", Some("execution")),
            ("T1543", Some("persistence")),
        ]
    );
    assert_eq!(l.versions.as_ref().unwrap().attack.as_deref(), Some("2"));
    assert_eq!(l.domain, "enterprise-attack");
    assert_eq!(
        entries(&l),
        [
            e("T1053.003", "execution", 1.0),
            e("T1053.003", "persistence", 1.0),
            e("T1059.001", "execution", 1.0),
            e("T1082", "discovery", 1.0),
            e("T1543.002", "persistence", 1.0),
        ]
    );
    // By alias, the same group.
    let by_alias = layer(&["--group", "quiet heron", "--attack-version", "1.0"]);
    assert_eq!(
        by_alias.versions.as_ref().unwrap().attack.as_deref(),
        Some("1")
    );
    let ids: Vec<String> = entries(&by_alias).into_iter().map(|x| x.0).collect();
    assert_eq!(
        ids,
        ["T1053.003", "T1053.003", "T1059.001", "T1082", "T1480"]
    );
}

#[test]
fn selections_combine_and_the_score_counts_them() {
    let l = layer(&[
        "--group",
        "G0902",
        "--group",
        "Ember Weave",
        "--software",
        "S0901",
    ]);
    assert_eq!(
        l.name, "G0902 + G0903 + S0901",
        "the sources in full are longer than a sheet title: their IDs"
    );
    let got = entries(&l);
    assert_eq!(got.len(), 11);
    assert!(
        got.contains(&e("T1027", "defense-evasion", 2.0)),
        "G0903 + S0901"
    );
    assert!(
        got.contains(&e("T1059.001", "execution", 2.0)),
        "G0902 + S0901"
    );
    assert!(got.contains(&e("T1543", "persistence", 1.0)));
    assert!(got.contains(&e("T1497", "discovery", 1.0)));
    let g = l.gradient.as_ref().unwrap();
    assert!((g.max_value - 3.0).abs() < 1e-9);
    assert_eq!(l.legend_items.as_ref().unwrap().len(), 3);
    let t1059 = l
        .techniques
        .iter()
        .flatten()
        .find(|t| t.technique_id == "T1059.001")
        .unwrap();
    assert_eq!(
        t1059.comment.as_deref(),
        Some("Selected by group G0902 Tin Lantern, software S0901 NightCrate")
    );
}

#[test]
fn mitigations_campaigns_searches_and_platforms() {
    let ids = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = entries(&layer(args)).into_iter().map(|x| x.0).collect();
        v.dedup();
        v
    };
    assert_eq!(
        ids(&["--mitigation", "M1902"]),
        ["T1053", "T1053.003", "T1543.002"]
    );
    assert_eq!(ids(&["--campaign", "Glass Orchard"]), ["T1652"]);
    assert_eq!(
        ids(&["--search", "interpreter"]),
        ["T1059", "T1059.001", "T1059.004"]
    );
    let l = layer(&["--group", "G0902", "--platform", "windows"]);
    let v: Vec<String> = entries(&l).into_iter().map(|x| x.0).collect();
    assert_eq!(v, ["T1059.001", "T1082"]);
    assert_eq!(
        l.filters.unwrap().platforms.unwrap(),
        ["Windows"],
        "spelled as the bundle does"
    );
    // Parents of selected sub-techniques open them by default.
    let l = layer(&["--search", "interpreter"]);
    let t = l
        .techniques
        .iter()
        .flatten()
        .find(|t| t.technique_id == "T1059")
        .unwrap();
    assert_eq!(t.show_subtechniques, Some(true));
}

#[test]
fn score_colour_and_name() {
    let l = layer(&[
        "--search",
        "scheduler",
        "--score",
        "5",
        "--color",
        "#ABC",
        "--name",
        "Jobs",
    ]);
    assert_eq!(l.name, "Jobs");
    for t in l.techniques.iter().flatten() {
        assert!((t.score.unwrap() - 5.0).abs() < 1e-9);
        assert_eq!(t.color.as_deref(), Some("#aabbcc"));
    }
    assert!((l.gradient.as_ref().unwrap().max_value - 5.0).abs() < 1e-9);
    assert_eq!(l.legend_items.unwrap()[0].label, "Jobs");
}

#[test]
fn ids_from_files_layers_and_stdin_with_revoked_ids_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("ids.csv");
    fs::write(&list, "rule,technique\nr1,T1086\nr2,T9999\nr3,T1064\n").unwrap();
    let r = sample(&["layer", "--ids", list.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let l = check_layer(&r.stdout, &sample_kb("enterprise-attack-2.0.json"));
    let v: Vec<String> = entries(&l).into_iter().map(|x| x.0).collect();
    assert_eq!(v, ["T1059.001"]);
    assert!(
        r.stderr.contains("T1086 is revoked; counted as T1059.001"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("T9999"), "{}", r.stderr);
    assert!(r.stderr.contains("deprecated"), "{}", r.stderr);

    // -o writes the file (nothing on stdout); the file is itself a technique list.
    let out = dir.path().join("g.json");
    let r = sample(&["layer", "--group", "G0903", "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    let text = fs::read_to_string(&out).unwrap();
    check_layer(&text, &sample_kb("enterprise-attack-2.0.json"));
    let r = sample_stdin(&["layer", "--ids", "-", "--name", "again"], text.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let again = check_layer(&r.stdout, &sample_kb("enterprise-attack-2.0.json"));
    let v: Vec<String> = entries(&again).into_iter().map(|x| x.0).collect();
    assert_eq!(v, ["T1027", "T1059.004", "T1497", "T1497"]);
}

#[test]
fn ics_layers() {
    let l = layer(&["--domain", "ics", "--group", "Rust Meridian"]);
    assert_eq!(l.domain, "ics-attack");
    assert_eq!(
        entries(&l),
        [
            e("T0866", "initial-access", 1.0),
            e("T0878", "inhibit-response-function", 1.0)
        ]
    );
}

#[test]
fn bad_selections() {
    let r = sample(&["layer"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("attck: say which techniques"),
        "{}",
        r.stderr
    );
    let r = sample(&["layer", "--group", "Tin Lanter"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("did you mean Tin Lantern"),
        "{}",
        r.stderr
    );
    let r = sample(&["layer", "--group", "S0901"]);
    assert_eq!(r.code, 1, "a software is not a group: {}", r.stderr);
    assert_eq!(sample(&["layer", "--search", "!!"]).code, 2);
    assert_eq!(
        sample(&["layer", "--search", "x", "--color", "red"]).code,
        2
    );
    // Nothing selected: exit 1, nothing written.
    let r = sample(&["layer", "--search", "zzzzzz"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let missing = sample_dir().join("no-such-file.txt");
    let r = sample(&["layer", "--ids", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}
