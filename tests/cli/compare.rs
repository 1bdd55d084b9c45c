//! `attck compare` on the sample bundle (enterprise 2.0): figures worked out by hand from
//! data/sample/README.md, names and files as sides, formats, --layer, errors.
//!
//! Techniques: G0902 {T1053.003, T1059.001, T1082, T1543.002} (its campaign C0901 adds
//! nothing), S0901 `NightCrate` {T1027, T1059.001, T1543}, C0901 {T1059.001, T1082}.

use std::fs;

use crate::common::{sample, sample_kb};
use crate::contract::{CompareOnly, ComparePair, ComparePartly, CompareSide, Comparison, Ref};
use crate::navigator::check_layer;

fn compare(args: &[&str]) -> Comparison {
    let mut v = vec!["compare", "-f", "json"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn refs(ids: &[(&str, &str)]) -> Vec<Ref> {
    ids.iter()
        .map(|(id, name)| Ref {
            id: (*id).to_string(),
            name: (*name).to_string(),
        })
        .collect()
}

fn pair(a: &str, b: &str, shared: usize, union: usize, jaccard: f64) -> ComparePair {
    ComparePair {
        a: a.into(),
        b: b.into(),
        shared,
        union,
        jaccard,
    }
}

#[test]
fn two_sides() {
    // By name and by alias ("GWING" is Glasswing's alias) as well as by ID.
    let c = compare(&["Tin Lantern", "C0901"]);
    assert_eq!(
        (c.domain.as_str(), c.attack_version.as_deref()),
        ("enterprise", Some("2.0"))
    );
    assert_eq!(
        c.sides,
        [
            CompareSide {
                label: "G0902".into(),
                id: Some("G0902".into()),
                name: "Tin Lantern".into(),
                kind: "group".into(),
                techniques: 4
            },
            CompareSide {
                label: "C0901".into(),
                id: Some("C0901".into()),
                name: "Operation Dim Lantern".into(),
                kind: "campaign".into(),
                techniques: 2
            },
        ]
    );
    assert!((c.jaccard - 0.5).abs() < 1e-9);
    assert_eq!(c.pairs, [pair("G0902", "C0901", 2, 4, 0.5)]);
    assert_eq!(
        c.shared,
        refs(&[
            ("T1059.001", "Managed Shell Host"),
            ("T1082", "Host Fingerprinting")
        ])
    );
    assert_eq!(
        c.only,
        [
            CompareOnly {
                side: "G0902".into(),
                techniques: refs(&[
                    ("T1053.003", "Recurring Table Entry"),
                    ("T1543.002", "Service Timer Units")
                ])
            },
            CompareOnly {
                side: "C0901".into(),
                techniques: vec![]
            },
        ]
    );
    assert!(c.partly_shared.is_empty());
    let soft = compare(&["GWING", "S0903"]);
    // Glasswing {T1082, T1652}, Sweeper {T1082}.
    assert_eq!(soft.pairs, [pair("S0904", "S0903", 1, 2, 0.5)]);
}

#[test]
fn three_sides() {
    let c = compare(&["G0902", "NightCrate", "C0901"]);
    assert_eq!(c.shared, refs(&[("T1059.001", "Managed Shell Host")]));
    // Union: T1027, T1053.003, T1059.001, T1082, T1543, T1543.002.
    assert!((c.jaccard - 0.1667).abs() < 1e-9, "{}", c.jaccard);
    assert_eq!(
        c.pairs,
        [
            pair("G0902", "S0901", 1, 6, 0.1667),
            pair("G0902", "C0901", 2, 4, 0.5),
            pair("S0901", "C0901", 1, 4, 0.25),
        ]
    );
    assert_eq!(
        c.partly_shared,
        [ComparePartly {
            id: "T1082".into(),
            name: "Host Fingerprinting".into(),
            sides: vec!["G0902".into(), "C0901".into()]
        }]
    );
    let only: Vec<Vec<&str>> = c
        .only
        .iter()
        .map(|o| o.techniques.iter().map(|t| t.id.as_str()).collect())
        .collect();
    assert_eq!(
        only,
        [
            vec!["T1053.003", "T1543.002"],
            vec!["T1027", "T1543"],
            vec![]
        ]
    );
}

#[test]
fn a_file_is_a_side() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ours.txt");
    fs::write(&f, "T1059.001\nT1027\nT1086\n").unwrap();
    let c = compare(&[f.to_str().unwrap(), "G0902"]);
    // T1086 is revoked and counts as T1059.001.
    assert_eq!(c.sides[0].kind, "file");
    assert_eq!(c.sides[0].id, None);
    assert_eq!(c.sides[0].label, f.to_str().unwrap());
    assert_eq!(c.sides[0].techniques, 2);
    assert_eq!(c.shared, refs(&[("T1059.001", "Managed Shell Host")]));
    assert_eq!(c.pairs[0].union, 5);
}

#[test]
fn table_csv_and_markdown() {
    let t = sample(&["compare", "G0902", "C0901"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    for s in [
        "Tin Lantern (G0902)",
        "Jaccard index: 0.500 (2 techniques in both of 4 in any).",
        "In both (2)",
        "Only in Tin Lantern (G0902) (2)",
        "Only in Operation Dim Lantern (C0901) (0)",
    ] {
        assert!(t.stdout.contains(s), "{s}:\n{}", t.stdout);
    }
    let csv = sample(&["compare", "G0902", "C0901", "-f", "csv"]);
    assert_eq!(
        csv.stdout,
        "id,name,sides,in_all\nT1053.003,Recurring Table Entry,G0902,false\nT1059.001,Managed Shell Host,G0902;C0901,true\nT1082,Host Fingerprinting,G0902;C0901,true\nT1543.002,Service Timer Units,G0902,false\n"
    );
    let md = sample(&["compare", "G0902", "S0901", "C0901", "-f", "markdown"]);
    assert!(
        md.stdout.contains("### In some, not all (1)"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| T1082 | Host Fingerprinting | G0902, C0901 |")
    );
}

#[test]
fn layer_colours_each_side_and_both() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp.json");
    let r = sample(&[
        "compare",
        "G0902",
        "S0901",
        "--layer",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let layer = check_layer(
        &fs::read_to_string(&out).unwrap(),
        &sample_kb("enterprise-attack-2.0.json"),
    );
    let entries = layer.techniques.unwrap();
    let colour = |id: &str| {
        entries
            .iter()
            .find(|e| e.technique_id == id)
            .and_then(|e| e.color.clone())
            .unwrap()
    };
    assert_eq!(colour("T1059.001"), "#8ec843");
    assert_eq!(colour("T1082"), "#66b1ff");
    assert_eq!(colour("T1027"), "#ff9f43");
    let legend: Vec<(String, String)> = layer
        .legend_items
        .unwrap()
        .into_iter()
        .map(|l| (l.label, l.color))
        .collect();
    assert_eq!(
        legend,
        [
            (
                "Tin Lantern (G0902) only".to_string(),
                "#66b1ff".to_string()
            ),
            ("NightCrate (S0901) only".to_string(), "#ff9f43".to_string()),
            ("both".to_string(), "#8ec843".to_string()),
        ]
    );
    let comment = entries
        .iter()
        .find(|e| e.technique_id == "T1027")
        .and_then(|e| e.comment.clone())
        .unwrap();
    assert_eq!(comment, "Only in NightCrate (S0901)");
}

#[test]
fn errors() {
    let cases: [(&[&str], i32, &str); 4] = [
        (&["compare", "G0902"], 2, "SIDE"),
        (&["compare", "G0902", "G9999"], 1, "no object 'G9999'"),
        (
            &["compare", "G0902", "T1059"],
            1,
            "names technique T1059 'Scripted Launch', not a group, campaign or software",
        ),
        (
            &["compare", "G0902", "nope.json"],
            2,
            "cannot read nope.json",
        ),
    ];
    for (args, code, text) in cases {
        let r = sample(args);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(text), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // Two sides with no technique at all: nothing to compare, exit 1.
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.txt");
    fs::write(&e, "nothing here").unwrap();
    let r = sample(&["compare", e.to_str().unwrap(), e.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}
