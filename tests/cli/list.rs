//! `attck list <type>` and the technique filters, on the samples.

use serde_json::Value;

use crate::common::sample;

fn ids(args: &[&str]) -> Vec<String> {
    let mut a = vec!["list"];
    a.extend_from_slice(args);
    a.extend(["-f", "json"]);
    let r = sample(&a);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    let v: Vec<Value> = r.json();
    v.iter()
        .map(|r| r["id"].as_str().unwrap_or("null").to_string())
        .collect()
}

#[test]
fn every_type_lists_its_active_objects() {
    assert_eq!(ids(&["groups"]), ["G0902", "G0903", "G0904"]);
    assert_eq!(ids(&["software"]), ["S0901", "S0902", "S0903", "S0904"]);
    assert_eq!(ids(&["campaigns"]), ["C0901", "C0902", "C0903"]);
    assert_eq!(ids(&["mitigations"]), ["M1901", "M1902"]);
    assert_eq!(ids(&["data-sources"]), Vec::<String>::new());
    assert_eq!(ids(&["data-components"]), ["DC0901", "DC0902", "DC0903"]);
    assert_eq!(
        ids(&["detection-strategies"]),
        ["DET0901", "DET0902", "DET0903"]
    );
    assert_eq!(
        ids(&["analytics"]),
        ["AN0901", "AN0902", "AN0903", "AN0904"]
    );
    assert_eq!(ids(&["tactics"]).len(), 5);
    assert_eq!(ids(&["techniques"]).len(), 12);
    assert_eq!(ids(&["--domain", "ics", "assets"]), ["A0901", "A0902"]);
    assert_eq!(
        ids(&["--attack-version", "1.0", "data-sources"]),
        ["DS0901", "DS0902"]
    );
    assert_eq!(
        ids(&["--attack-version", "1.0", "data-components"]),
        ["null", "null", "null"]
    );
}

#[test]
fn withdrawn_objects_are_listed_on_request() {
    assert_eq!(
        ids(&["groups", "--include-revoked"]),
        ["G0901", "G0902", "G0903", "G0904"]
    );
    assert_eq!(
        ids(&["mitigations", "--include-deprecated"]),
        ["M1901", "M1902", "M1903", "T1053"]
    );
    // An empty list: exit 1, a hint on stderr, no empty table.
    let r = sample(&["list", "data-sources"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("--include-deprecated"), "{}", r.stderr);
}

#[test]
fn rows_carry_the_key_fields() {
    let r = sample(&["list", "software", "-f", "json"]);
    let v: Vec<Value> = r.json();
    assert_eq!(v[2]["software_type"], "tool");
    assert_eq!(
        v[2]["platforms"],
        serde_json::json!(["Windows", "Linux", "macOS"])
    );
    let r = sample(&["list", "campaigns", "-f", "json"]);
    let v: Vec<Value> = r.json();
    assert_eq!(v[2]["groups"], serde_json::json!(["G0904"]));
    assert!(
        v[2]["first_seen"]
            .as_str()
            .unwrap()
            .starts_with("2024-06-01")
    );
    let r = sample(&["list", "detection-strategies", "-f", "json"]);
    let v: Vec<Value> = r.json();
    assert_eq!(v[0]["techniques"], serde_json::json!(["T1059"]));
    assert_eq!(v[0]["analytics"], serde_json::json!(["AN0901", "AN0902"]));
}

/// The first field of every CSV record (quoted fields may hold commas and line breaks).
fn csv_first_column(csv: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted, mut first) = (Vec::new(), String::new(), false, true);
    for c in csv.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted && first => {
                out.push(std::mem::take(&mut field));
                first = false;
            }
            '\n' if !quoted => {
                if first {
                    out.push(std::mem::take(&mut field));
                }
                field.clear();
                first = true;
            }
            c if first => field.push(c),
            _ => {}
        }
    }
    out
}

/// Every format lists exactly the active objects of the sample (README of `data/sample`), in
/// order: the same IDs in the table, JSON, JSON Lines, CSV and Markdown.
#[test]
fn every_format_renders_every_type() {
    for (kind, want) in [
        (
            "techniques",
            &[
                "T1027",
                "T1053",
                "T1053.003",
                "T1059",
                "T1059.001",
                "T1059.004",
                "T1082",
                "T1497",
                "T1543",
                "T1543.002",
                "T1595",
                "T1652",
            ][..],
        ),
        (
            "tactics",
            &["TA0043", "TA0002", "TA0003", "TA0005", "TA0007"],
        ),
        ("groups", &["G0902", "G0903", "G0904"]),
        ("software", &["S0901", "S0902", "S0903", "S0904"]),
        ("mitigations", &["M1901", "M1902"]),
        ("campaigns", &["C0901", "C0902", "C0903"]),
        ("data-components", &["DC0901", "DC0902", "DC0903"]),
        ("detection-strategies", &["DET0901", "DET0902", "DET0903"]),
        ("analytics", &["AN0901", "AN0902", "AN0903", "AN0904"]),
    ] {
        for f in ["table", "json", "jsonl", "csv", "markdown"] {
            let r = sample(&["list", kind, "-f", f]);
            assert_eq!(r.code, 0, "{kind} {f}: {}", r.stderr);
            assert!(!r.stdout.is_empty(), "{kind} {f}");
            let listed: Vec<String> = match f {
                "json" => r
                    .json::<Vec<Value>>()
                    .iter()
                    .map(|v| v["id"].as_str().unwrap().to_string())
                    .collect(),
                "jsonl" => r
                    .stdout
                    .lines()
                    .map(|l| {
                        let v: Value = serde_json::from_str(l).unwrap();
                        v["id"].as_str().unwrap().to_string()
                    })
                    .collect(),
                "csv" => csv_first_column(&r.stdout).into_iter().skip(1).collect(),
                "markdown" => r
                    .stdout
                    .lines()
                    .skip(2)
                    .map(|l| {
                        l.split(" | ")
                            .next()
                            .unwrap()
                            .trim_start_matches("| ")
                            .to_string()
                    })
                    .collect(),
                _ => r
                    .stdout
                    .lines()
                    .filter_map(|l| {
                        l.split('│')
                            .nth(1)
                            .map(|c| c.trim().to_string())
                            .filter(|c| want.contains(&c.as_str()))
                    })
                    .collect(),
            };
            assert_eq!(listed, want, "{kind} {f}:\n{}", r.stdout);
        }
    }
    let csv = sample(&["list", "groups", "-f", "csv"]).stdout;
    assert_eq!(
        csv.lines().next().unwrap(),
        "id,name,aliases,technique_count,software_count,revoked,deprecated"
    );
}

#[test]
fn technique_filters_combine() {
    assert_eq!(
        ids(&["techniques", "--group", "Tin Lantern"]),
        ["T1053.003", "T1059.001", "T1082", "T1543.002"]
    );
    assert_eq!(
        ids(&["techniques", "--group", "G0902", "--tactic", "execution"]),
        ["T1053.003", "T1059.001"]
    );
    assert_eq!(
        ids(&[
            "techniques",
            "--group",
            "G0902",
            "--tactic",
            "execution",
            "--platform",
            "windows"
        ]),
        ["T1059.001"]
    );
    assert_eq!(
        ids(&[
            "techniques",
            "--group",
            "G0902",
            "--subtechniques",
            "exclude"
        ]),
        ["T1082"]
    );
    assert_eq!(
        ids(&[
            "techniques",
            "--tactic",
            "execution",
            "--subtechniques",
            "only"
        ]),
        ["T1053.003", "T1059.001", "T1059.004"]
    );
    assert_eq!(
        ids(&["techniques", "--software", "NCRATE"]),
        ["T1027", "T1059.001", "T1543"]
    );
    assert_eq!(ids(&["techniques", "--campaign", "C0903"]), ["T1652"]);
    assert_eq!(
        ids(&["techniques", "--mitigation", "M1902"]),
        ["T1053", "T1053.003", "T1543.002"]
    );
    assert_eq!(
        ids(&["techniques", "--data-component", "DC0901"]),
        ["T1059", "T1497"]
    );
    // In 2.0 both data sources are deprecated and own no components: nothing to list.
    assert_eq!(
        ids(&["techniques", "--data-source", "DS0902"]),
        Vec::<String>::new()
    );
    let r = sample(&[
        "--attack-version",
        "1.0",
        "list",
        "techniques",
        "--data-source",
        "DS0902",
        "-f",
        "json",
    ]);
    let v: Vec<Value> = r.json();
    let got: Vec<&str> = v.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(got, ["T1053", "T1053.003", "T1053.006"]);
}

#[test]
fn bad_filters() {
    let r = sample(&["list", "techniques", "--group", "Nobody Here"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("attck: no group 'Nobody Here'"),
        "{}",
        r.stderr
    );
    let r = sample(&["list", "groups", "--tactic", "execution"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1);
    let r = sample(&["list", "widgets"]);
    assert_eq!(r.code, 2);
}
