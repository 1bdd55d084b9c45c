//! `attck show`: any object by ID, name or alias, on the hand-written samples (facts in
//! `data/sample/README.md`, rechecked by `data/sample/check_facts.py`).

use serde::Deserialize;
use serde_json::Value;

use crate::common::sample;

/// The `{id, name}` reference of the JSON contract.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Ref {
    id: String,
    name: String,
}

/// A procedure example.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Procedure {
    id: String,
    #[allow(dead_code)]
    name: String,
    #[serde(rename = "type")]
    kind: String,
    description: String,
}

/// The group view, strictly: a field added without updating this struct fails the test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Group {
    id: Option<String>,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    domain: String,
    domains: Vec<String>,
    attack_version: Option<String>,
    description: String,
    url: Option<String>,
    created: Option<String>,
    modified: Option<String>,
    version: Option<String>,
    revoked: bool,
    deprecated: bool,
    revoked_by: Option<Ref>,
    aliases: Vec<String>,
    techniques: Vec<Ref>,
    software: Vec<Ref>,
    campaigns: Vec<Ref>,
    procedures: Vec<Procedure>,
}

fn ids(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("null").to_string())
        .collect()
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["-f", "json"]);
    let r = sample(&a);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.json()
}

#[test]
fn group_by_id_name_and_alias() {
    for key in [
        "G0902",
        "g0902",
        "Tin Lantern",
        "quiet heron",
        "GRAPHITE WREN",
    ] {
        let r = sample(&["show", key, "-f", "json"]);
        assert_eq!(r.code, 0, "{key}: {}", r.stderr);
        let g: Group = r.json();
        assert_eq!(g.id.as_deref(), Some("G0902"), "{key}");
        assert_eq!(g.kind, "group");
        assert_eq!(g.aliases, ["Tin Lantern", "Quiet Heron", "GRAPHITE WREN"]);
        let t: Vec<&str> = g.techniques.iter().map(|r| r.id.as_str()).collect();
        // G0902 uses T1027 too, but that relationship is revoked: it does not count.
        assert_eq!(t, ["T1053.003", "T1059.001", "T1082", "T1543.002"]);
        assert_eq!(
            g.software,
            [Ref {
                id: "S0901".into(),
                name: "NightCrate".into()
            }]
        );
        assert_eq!(g.campaigns.len(), 1);
        assert_eq!(g.campaigns[0].id, "C0901");
        let p: Vec<&str> = g.procedures.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(p, t, "one procedure per technique used");
        assert!(g.procedures.iter().all(|p| p.kind == "technique"));
        assert!(g.procedures.iter().all(|p| !p.description.is_empty()));
    }
}

#[test]
fn alias_of_a_renamed_group() {
    // 2.0 renamed G0903 Ember Loom to Ember Weave; the old name stays an alias.
    assert_eq!(json(&["show", "Ember Loom"])["id"], "G0903");
    assert_eq!(
        json(&["--attack-version", "1.0", "show", "Ember Loom"])["name"],
        "Ember Loom"
    );
}

#[test]
fn revoked_group_names_its_replacement() {
    let v = json(&["show", "G0901"]);
    assert_eq!(v["revoked"], true);
    assert_eq!(v["revoked_by"]["id"], "G0902");
    let r = sample(&["show", "G0901"]);
    assert!(
        r.stdout.contains("replaced by G0902 Tin Lantern"),
        "{}",
        r.stdout
    );
}

#[test]
fn software_campaign_mitigation() {
    let s = json(&["show", "S0903"]);
    assert_eq!(s["type"], "software");
    assert_eq!(s["software_type"], "tool");
    assert_eq!(s["aliases"], serde_json::json!(["Sweeper", "sweep.py"]));
    assert_eq!(ids(&s, "techniques"), ["T1082"]);
    assert_eq!(ids(&s, "groups"), ["G0903"]);
    assert_eq!(ids(&s, "campaigns"), ["C0902"]);
    let s = json(&["show", "ncrate"]);
    assert_eq!(s["id"], "S0901");
    assert_eq!(s["software_type"], "malware");
    assert_eq!(ids(&s, "groups"), ["G0902"]);

    let c = json(&["show", "C0903"]);
    assert_eq!(c["type"], "campaign");
    assert!(c["first_seen"].as_str().unwrap().starts_with("2024-06-01"));
    assert!(c["last_seen"].as_str().unwrap().starts_with("2025-01-31"));
    assert_eq!(ids(&c, "groups"), ["G0904"]);
    assert_eq!(ids(&c, "software"), ["S0904"]);
    assert_eq!(ids(&c, "techniques"), ["T1652"]);

    let m = json(&["show", "M1901"]);
    assert_eq!(m["type"], "mitigation");
    assert_eq!(ids(&m, "techniques"), ["T1059", "T1059.001"]);
    // M1903 is deprecated in 2.0: it still shows, marked, and mitigates nothing that counts.
    let m = json(&["show", "M1903"]);
    assert_eq!(m["deprecated"], true);
    assert_eq!(ids(&m, "techniques"), Vec::<String>::new());
}

#[test]
fn detection_chain_v2() {
    let d = json(&["show", "DET0901"]);
    assert_eq!(d["type"], "detection-strategy");
    assert_eq!(ids(&d, "techniques"), ["T1059"]);
    assert_eq!(ids(&d, "analytics"), ["AN0901", "AN0902"]);
    let an = &d["analytics"][0];
    assert_eq!(an["platforms"], serde_json::json!(["Windows"]));
    assert_eq!(an["log_sources"][1]["name"], "WinEventLog:Security");
    assert_eq!(an["log_sources"][1]["channel"], "EventCode=4688");
    assert_eq!(an["log_sources"][1]["data_component"]["id"], "DC0901");

    let a = json(&["show", "AN0903"]);
    assert_eq!(a["type"], "analytic");
    assert_eq!(ids(&a, "detection_strategies"), ["DET0902"]);
    assert_eq!(ids(&a, "techniques"), ["T1053.003"]);
    assert_eq!(a["log_sources"][0]["data_component"]["id"], "DC0903");

    let c = json(&["show", "DC0901"]);
    assert_eq!(c["type"], "data-component");
    assert_eq!(ids(&c, "analytics"), ["AN0901", "AN0902", "AN0904"]);
    assert_eq!(ids(&c, "detection_strategies"), ["DET0901", "DET0903"]);
    assert_eq!(ids(&c, "techniques"), ["T1059", "T1497"]);

    // The table prints the chain: strategy, analytic, log source, data component.
    let r = sample(&["show", "DET0901"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("AN0901"));
    assert!(
        r.stdout
            .contains("WinEventLog:Security  EventCode=4688  → DC0901  Program Launch")
    );
}

#[test]
fn data_sources_and_components_before_18() {
    let v = ["--attack-version", "1.0"];
    let ds = json(&[v[0], v[1], "show", "DS0901"]);
    assert_eq!(ds["type"], "data-source");
    let comps: Vec<(&Value, &Value)> = ds["data_components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (&c["id"], &c["name"]))
        .collect();
    assert_eq!(comps.len(), 2);
    assert!(
        comps.iter().all(|(id, _)| id.is_null()),
        "no DC IDs before 18"
    );
    assert_eq!(comps[0].1, "Interpreter Invocation");
    assert_eq!(comps[1].1, "Program Launch");
    assert_eq!(
        ids(&ds, "techniques"),
        ["T1059", "T1059.001", "T1059.004", "T1497", "T1543"]
    );
    // A component without an ID is found by name.
    let dc = json(&[v[0], v[1], "show", "program launch"]);
    assert!(dc["id"].is_null());
    assert_eq!(dc["data_source"]["id"], "DS0901");
    assert_eq!(ids(&dc, "techniques"), ["T1059", "T1497", "T1543"]);
}

#[test]
fn tactic_matrix_asset() {
    let t = json(&["show", "TA0002"]);
    assert_eq!(t["type"], "tactic");
    assert_eq!(t["shortname"], "execution");
    assert_eq!(
        ids(&t, "techniques"),
        [
            "T1053",
            "T1053.003",
            "T1059",
            "T1059.001",
            "T1059.004",
            "T1543"
        ]
    );
    assert_eq!(json(&["show", "persistence"])["id"], "TA0003");
    let m = json(&["show", "enterprise-attack"]);
    assert_eq!(m["type"], "matrix");
    assert_eq!(
        ids(&m, "tactics"),
        ["TA0043", "TA0002", "TA0003", "TA0005", "TA0007"]
    );
    let a = json(&["--domain", "ics", "show", "A0901"]);
    assert_eq!(a["type"], "asset");
    assert_eq!(ids(&a, "techniques"), ["T0814", "T0821", "T0878"]);
    assert_eq!(a["sectors"], serde_json::json!(["Electric"]));
}

#[test]
fn colliding_id_prefers_the_active_object_and_says_so() {
    let r = sample(&["show", "T1053", "-f", "json"]);
    assert_eq!(r.code, 0);
    let v: Value = r.json();
    assert_eq!(v["type"], "technique");
    assert_eq!(v["name"], "Timed Job Planting");
    assert!(r.stderr.contains("also names T1053"), "{}", r.stderr);
    assert!(r.stderr.contains("mitigation, deprecated"), "{}", r.stderr);
    // --quiet silences the note; --type picks the other object.
    assert!(sample(&["-q", "show", "T1053"]).stderr.is_empty());
    let m = json(&["show", "--type", "mitigation", "T1053"]);
    assert_eq!(m["type"], "mitigation");
    assert_eq!(m["deprecated"], true);
    // `technique` is type-aware.
    assert_eq!(json(&["technique", "T1053"])["type"], "technique");
}

#[test]
fn unknown_names_exit_1_with_suggestions() {
    let r = sample(&["show", "Tin Lanterm"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("attck: "));
    assert!(
        r.stderr.contains("did you mean Tin Lantern"),
        "{}",
        r.stderr
    );
    let r = sample(&["show", "S0999"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("S0901"), "{}", r.stderr);
}

#[test]
fn every_format_renders_a_group() {
    for f in ["table", "json", "jsonl", "csv", "markdown"] {
        let r = sample(&["show", "G0902", "-f", f]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(r.stdout.contains("Tin Lantern"), "{f}");
    }
    let csv = sample(&["show", "G0902", "-f", "csv"]).stdout;
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("id,name,type,domain,domains"),
        "{header}"
    );
    assert!(
        header.contains(",techniques,software,campaigns,procedures"),
        "{header}"
    );
}

#[test]
fn technique_relationship_fields() {
    let t = json(&["technique", "T1059.001"]);
    assert_eq!(ids(&t, "groups"), ["G0902"]);
    assert_eq!(ids(&t, "software"), ["S0901"]);
    assert_eq!(ids(&t, "campaigns"), ["C0901"]);
    assert_eq!(ids(&t, "mitigations"), ["M1901"]);
    assert_eq!(ids(&t, "procedures"), ["C0901", "G0902", "S0901"]);
    let kinds: Vec<&str> = t["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["campaign", "group", "software"]);
    let t = json(&["technique", "T1059"]);
    assert_eq!(ids(&t, "detection_strategies"), ["DET0901"]);
    assert_eq!(ids(&t, "data_components"), ["DC0901", "DC0902"]);
    // Before 18: data components come from `detects`, without IDs.
    let t = json(&["--attack-version", "1.0", "technique", "T1059"]);
    assert_eq!(ids(&t, "detection_strategies"), Vec::<String>::new());
    let names: Vec<&str> = t["data_components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(c["id"].is_null());
            c["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(names, ["Interpreter Invocation", "Program Launch"]);
    let t = json(&["--domain", "ics", "technique", "T0878"]);
    assert_eq!(ids(&t, "assets"), ["A0901", "A0902"]);
    assert_eq!(ids(&t, "groups"), ["G0951"]);
    assert_eq!(ids(&t, "mitigations"), ["M0951"]);

    // Table: sections always, procedures only with --procedures or -v.
    let plain = sample(&["technique", "T1059.001"]).stdout;
    assert!(plain.contains("Groups") && plain.contains("G0902  Tin Lantern"));
    assert!(!plain.contains("Procedures"));
    for flag in ["--procedures", "-v"] {
        let v = sample(&["technique", "T1059.001", flag]).stdout;
        assert!(v.contains("Procedures"), "{flag}");
    }
}

#[test]
fn domain_all_finds_objects_anywhere() {
    let v = json(&["--domain", "all", "show", "A0902"]);
    assert_eq!(v["domain"], "ics");
    // G0951 says it belongs to ICS and enterprise.
    let v = json(&["--domain", "all", "show", "G0951"]);
    assert_eq!(v["domains"], serde_json::json!(["enterprise", "ics"]));
    let r = sample(&["--domain", "all", "tactics"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--domain all"), "{}", r.stderr);
}

#[test]
fn real_examples_from_the_command_line() {
    use crate::common::real;
    let Some(r) = real(&["show", "Cozy", "Bear", "-f", "json"]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g: Group = r.json();
    assert_eq!(g.id.as_deref(), Some("G0016"));
    assert!(g.aliases.iter().any(|a| a == "Cozy Bear"));
    let Some(r) = real(&["show", "Carbanak"]) else {
        return;
    };
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(r.stderr.contains("ambiguous"), "{}", r.stderr);
    let Some(r) = real(&["--domain", "all", "show", "M1013", "-f", "json"]) else {
        return;
    };
    let v: Value = r.json();
    assert_eq!(v["domains"], serde_json::json!(["enterprise", "mobile"]));
}
