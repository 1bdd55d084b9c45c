//! `attck coverage`: exact figures on the sample bundles (worked out by hand from
//! data/sample/README.md), every input kind, --against, --layer, --fail-under, errors.

use std::fs;
use std::path::Path;

use crate::common::{sample, sample_kb, sample_stdin};
use crate::contract::{Coverage, CoverageInput, Figure, RevokedId};
use crate::navigator::check_layer;

/// T1059.001; T1027; T1086 (revoked → T1059.001); T9999 (unknown); T1064 (deprecated);
/// T1543.002 — spread over prose and CSV.
const IDS: &str = "We detect T1059.001 (PowerShell-ish) and T1027.\nrule,id\nold,T1086\nbad,T9999\ngone,T1064\nsvc,t1543/002\n";

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn coverage(args: &[&str]) -> Coverage {
    let mut v = vec!["coverage", "-f", "json"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn fig(covered: usize, total: usize, percent: f64) -> Figure {
    Figure {
        covered,
        total,
        percent,
    }
}

fn tactics(c: &Coverage) -> Vec<(&str, usize, usize)> {
    c.tactics
        .iter()
        .map(|t| (t.shortname.as_str(), t.covered, t.total))
        .collect()
}

fn gaps(c: &Coverage) -> Vec<(&str, usize)> {
    c.gaps
        .iter()
        .map(|g| (g.id.as_str(), g.groups_using))
        .collect()
}

#[test]
fn techniques_as_units() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ids.txt", IDS.as_bytes());
    let c = coverage(&[&f]);
    assert_eq!(
        (
            c.domain.as_str(),
            c.attack_version.as_deref(),
            c.unit.as_str()
        ),
        ("enterprise", Some("2.0"), "technique")
    );
    assert_eq!(c.universe, "all");
    // Covered: T1059 (via .001), T1027, T1543 (via .002) of 8 techniques.
    assert_eq!(c.total, fig(3, 8, 37.5));
    assert_eq!(
        tactics(&c),
        [
            ("reconnaissance", 0, 1),
            ("execution", 2, 3),
            ("persistence", 1, 2),
            ("defense-evasion", 1, 2),
            ("discovery", 0, 3)
        ]
    );
    assert!((c.tactics[1].percent - 66.7).abs() < 1e-9);
    // Ranked by groups using them (T1053 through T1053.003 by G0902; T1082 G0902; T1497
    // G0903; T1652 G0904), then by ID.
    assert_eq!(
        gaps(&c),
        [
            ("T1053", 1),
            ("T1082", 1),
            ("T1497", 1),
            ("T1652", 1),
            ("T1595", 0)
        ]
    );
    assert_eq!(c.gaps[2].tactics, ["defense-evasion", "discovery"]);
    assert_eq!(
        c.input,
        CoverageInput {
            ids_read: 6,
            unknown: vec!["T9999".into()],
            revoked: vec![RevokedId {
                id: "T1086".into(),
                replaced_by: Some("T1059.001".into())
            }],
            deprecated: vec!["T1064".into()],
        }
    );
}

#[test]
fn subtechniques_as_units() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ids.txt", IDS.as_bytes());
    let c = coverage(&[&f, "--subtechniques"]);
    assert_eq!(c.unit, "subtechnique");
    // Units: 4 sub-techniques + T1027, T1082, T1497, T1595, T1652 (no sub-techniques).
    // Covered: T1059.001, T1543.002, T1027.
    assert_eq!(c.total, fig(3, 9, 33.3));
    assert_eq!(
        tactics(&c),
        [
            ("reconnaissance", 0, 1),
            ("execution", 1, 3),
            ("persistence", 1, 2),
            ("defense-evasion", 1, 2),
            ("discovery", 0, 3)
        ]
    );
    assert_eq!(
        gaps(&c),
        [
            ("T1053.003", 1),
            ("T1059.004", 1),
            ("T1082", 1),
            ("T1497", 1),
            ("T1652", 1),
            ("T1595", 0)
        ]
    );
    // Naming a parent covers none of its sub-techniques here, and says so.
    let f = write(dir.path(), "parent.txt", b"T1059");
    let r = sample(&["coverage", &f, "--subtechniques", "-f", "json"]);
    assert_eq!(r.json::<Coverage>().total, fig(0, 9, 0.0));
    assert!(
        r.stderr.contains("covers none of them: T1059"),
        "{}",
        r.stderr
    );
}

#[test]
fn against_an_adversary_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ids.txt", IDS.as_bytes());
    // G0902 uses T1053.003, T1059.001, T1082, T1543.002 → T1053, T1059, T1082, T1543.
    let c = coverage(&[&f, "--against", "Tin Lantern"]);
    assert_eq!(c.universe, "group G0902 Tin Lantern");
    assert_eq!(c.total, fig(2, 4, 50.0));
    assert_eq!(
        tactics(&c),
        [
            ("execution", 2, 3),
            ("persistence", 1, 2),
            ("discovery", 0, 1)
        ]
    );
    assert_eq!(gaps(&c), [("T1053", 1), ("T1082", 1)]);
    // G0903 uses T1027, T1059.004, T1497: T1027 and T1059 (through .001) are covered.
    assert_eq!(coverage(&[&f, "--against", "G0903"]).total, fig(2, 3, 66.7));
    // A revoked group is followed to its replacement.
    let r = sample(&["coverage", &f, "--against", "G0901", "-f", "json"]);
    assert_eq!(r.json::<Coverage>().universe, "group G0902 Tin Lantern");
    assert!(r.stderr.contains("G0901 is revoked"), "{}", r.stderr);
    // Software and campaigns too.
    assert_eq!(coverage(&[&f, "--against", "S0902"]).total, fig(1, 3, 33.3));
    assert_eq!(coverage(&[&f, "--against", "C0903"]).total, fig(0, 1, 0.0));
    // A layer written by `attck layer` gives the same universe as the group.
    let layer = dir.path().join("g.json");
    assert_eq!(
        sample(&["layer", "--group", "G0902", "-o", layer.to_str().unwrap()]).code,
        0
    );
    let c = coverage(&[&f, "--against", layer.to_str().unwrap()]);
    assert_eq!(c.universe, layer.to_str().unwrap());
    assert_eq!(c.total, fig(2, 4, 50.0));
    // Not an adversary.
    let r = sample(&["coverage", &f, "--against", "T1059"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a group, software or campaign"),
        "{}",
        r.stderr
    );
    let r = sample(&["coverage", &f, "--against", "Nobody At All"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
}

/// A Sigma rule directory written for the test: nested, mixed extensions, a hidden
/// directory, a rule without tags, a binary file and one that is not UTF-8.
fn sigma_dir(dir: &Path) -> String {
    let rules = dir.join("rules");
    write(
        &rules,
        "proc/shell.yml",
        b"title: Shell host launched\nid: 1\ntags:\n    - attack.execution\n    - attack.t1059.001\n    - attack.t1027 # also obfuscation\nlogsource:\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: '\\x.exe'\n    condition: selection\n",
    );
    write(
        &rules,
        "svc.YAML",
        b"title: Timer unit\ntags: [attack.persistence, 'attack.t1543.002']\nlogsource: {product: linux}\ndetection: {sel: {a: b}, condition: sel}\n",
    );
    write(
        &rules,
        "old/legacy.yml",
        b"title: Old\ndescription: mentions T1595 in prose only\ntags:\n  - attack.t1086\nlogsource:\n  product: windows\ndetection:\n  condition: x\n",
    );
    write(
        &rules,
        "untagged.yml",
        b"title: x\nlogsource:\n  product: y\ndetection:\n  condition: z\n",
    );
    write(
        &rules,
        ".hidden/skip.yml",
        b"tags:\n  - attack.t1595\ndetection: {}\n",
    );
    write(&rules, "notes.txt", b"T1082 is not read: not YAML");
    write(&rules, "blob.yml", b"\x00\x01tags:\n - attack.t1082\n");
    write(
        &rules,
        "latin1.yml",
        b"title: caf\xe9\ntags:\n  - attack.t1027\nlogsource: {}\ndetection: {}\n",
    );
    rules.to_str().unwrap().to_string()
}

#[test]
fn sigma_directories() {
    let dir = tempfile::tempdir().unwrap();
    let rules = sigma_dir(dir.path());
    let r = sample(&["coverage", &rules, "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: Coverage = r.json();
    assert_eq!(c.total, fig(3, 8, 37.5));
    assert_eq!(
        c.input,
        CoverageInput {
            ids_read: 4,
            unknown: vec![],
            revoked: vec![RevokedId {
                id: "T1086".into(),
                replaced_by: Some("T1059.001".into())
            }],
            deprecated: vec![],
        }
    );
    assert!(
        r.stderr
            .contains("rules, 5 files (Sigma 5; 4 naming techniques)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("blob.yml: binary data"), "{}", r.stderr);
}

#[test]
fn stdin_layers_and_layer_all() {
    let r = sample_stdin(&["coverage", "-", "-f", "json"], b"T1595\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json::<Coverage>().total, fig(1, 8, 12.5));
    let r = sample_stdin(&["coverage", "-", "-", "-f", "json"], b"T1595\n");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("only once"), "{}", r.stderr);

    // A layer written by `attck layer`, read back.
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("l.json");
    let r = sample(&[
        "layer",
        "--search",
        "interpreter",
        "-o",
        l.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let l = l.to_str().unwrap();
    assert_eq!(coverage(&[l]).total, fig(1, 8, 12.5));
    assert_eq!(coverage(&[l, "--subtechniques"]).total, fig(2, 9, 22.2));

    // The coverage layer: gaps are scored 0, so only covered ones count when read back;
    // with --layer-all every listed technique does.
    let ids = write(dir.path(), "ids.txt", IDS.as_bytes());
    let out = dir.path().join("cov.json");
    let r = sample(&["coverage", &ids, "--layer", out.to_str().unwrap(), "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = out.to_str().unwrap();
    assert_eq!(coverage(&[out]).total, fig(3, 8, 37.5));
    assert_eq!(coverage(&[out, "--layer-all"]).total, fig(8, 8, 100.0));
}

#[test]
fn the_coverage_layer_annotates_covered_and_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "ids.txt", IDS.as_bytes());
    let out = dir.path().join("gaps.json");
    let r = sample(&[
        "coverage",
        &ids,
        "--against",
        "G0902",
        "--layer",
        out.to_str().unwrap(),
        "--layer-name",
        "Tin Lantern gaps",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(2 covered, 2 gaps)"), "{}", r.stderr);
    let l = check_layer(
        &fs::read_to_string(&out).unwrap(),
        &sample_kb("enterprise-attack-2.0.json"),
    );
    assert_eq!(l.name, "Tin Lantern gaps");
    let got: Vec<(String, String, String)> = l
        .techniques
        .iter()
        .flatten()
        .map(|t| {
            (
                t.technique_id.clone(),
                t.color.clone().unwrap(),
                t.comment.clone().unwrap(),
            )
        })
        .collect();
    let row = |id: &str, c: &str, m: &str| (id.to_string(), c.to_string(), m.to_string());
    assert_eq!(
        got,
        [
            row("T1053", "#ff6666", "Gap: used by 1 group"),
            row("T1053", "#ff6666", "Gap: used by 1 group"),
            row("T1059", "#8ec843", "Covered"),
            row("T1059.001", "#8ec843", "Covered (named in the input)"),
            row("T1082", "#ff6666", "Gap: used by 1 group"),
            row("T1543", "#8ec843", "Covered"),
            row("T1543", "#8ec843", "Covered"),
            row("T1543.002", "#8ec843", "Covered (named in the input)"),
        ]
    );
    let legend: Vec<String> = l
        .legend_items
        .unwrap()
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert_eq!(legend, ["covered", "gap"]);
}

#[test]
fn fail_under_limit_and_platform() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "ids.txt", IDS.as_bytes());
    let r = sample(&["coverage", &ids, "--fail-under", "40"]);
    assert_eq!(r.code, 1, "37.5% < 40%");
    assert!(
        r.stdout
            .contains("Total: 3 of 8 techniques covered (37.5%).")
    );
    assert!(r.stderr.contains("below --fail-under 40%"), "{}", r.stderr);
    assert_eq!(sample(&["coverage", &ids, "--fail-under", "37.5"]).code, 0);
    assert_eq!(sample(&["coverage", &ids, "--fail-under", "101"]).code, 2);
    let c = coverage(&[&ids, "--limit", "2"]);
    assert_eq!(gaps(&c), [("T1053", 1), ("T1082", 1)]);
    let c = coverage(&[&ids, "--platform", "PRE"]);
    assert_eq!(c.total, fig(0, 1, 0.0));
    assert_eq!(tactics(&c), [("reconnaissance", 0, 1)]);
    let r = sample(&["coverage", &ids, "--platform", "Amiga"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown platform 'Amiga'"),
        "{}",
        r.stderr
    );
}

#[test]
fn other_domains_and_versions() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "ids.txt", b"T0866, T0814");
    let c = coverage(&["--domain", "ics", &ids, "--against", "G0951"]);
    // G0951 uses T0866, T0878: T0866 covered.
    assert_eq!(c.total, fig(1, 2, 50.0));
    let ids = write(dir.path(), "v1.txt", b"T1168 T1480");
    let c = coverage(&["--attack-version", "1.0", &ids]);
    assert_eq!(c.attack_version.as_deref(), Some("1.0"));
    assert_eq!(c.total, fig(2, 10, 20.0));
    // The same IDs in 2.0: T1168 is revoked (→ T1053), T1480 is gone.
    let c = coverage(&[&ids]);
    assert_eq!(c.total, fig(1, 8, 12.5));
    assert_eq!(c.input.unknown, ["T1480"]);
}

#[test]
fn tables_markdown_csv_html() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "ids.txt", IDS.as_bytes());
    let r = sample(&["coverage", &ids]);
    assert!(
        r.stdout
            .contains("│ Execution       │ 2       │ 3     │ 66.7%   │ █████████████░░░░░░░ │"),
        "{}",
        r.stdout
    );
    let r = sample(&["coverage", &ids, "-f", "csv"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id,name,tactics,covered,groups_using,rules,tested"
    );
    assert_eq!(lines.len(), 9);
    // A text list is no rule file: no rule counts, and without --tests nothing is tested.
    assert!(lines.contains(&"T1053,Timed Job Planting,execution;persistence,false,1,0,"));
    let r = sample(&["coverage", &ids, "-f", "html"]);
    let h = &r.stdout;
    assert!(h.starts_with("<!DOCTYPE html>"));
    for remote in ["<script", "src=", "href=", "@import", "url(", "<link"] {
        assert!(!h.contains(remote), "fetches something: {remote}");
    }
    // Cells per column: covered T1027, T1059, T1543 (twice); gaps T1053 and T1497 (twice
    // each), T1082, T1595, T1652.
    assert_eq!(h.matches("class=\"cell covered\"").count(), 4);
    assert_eq!(h.matches("class=\"cell gap\"").count(), 7);
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let check = |args: &[&str], needle: &str| {
        let mut v = vec!["coverage"];
        v.extend_from_slice(args);
        let r = sample(&v);
        assert_eq!(r.code, 2, "{v:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with("attck: ") && r.stderr.contains(needle),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"));
    };
    let bad = write(
        dir.path(),
        "bad.json",
        br#"{"name":"x","domain":"enterprise-attack","versions":{"layer":"4.5"},"techniques":[{"techniqueID":"T1059","score":"high"}]}"#,
    );
    check(&[&bad], "not a valid Navigator layer");
    let cut = write(
        dir.path(),
        "cut.json",
        br#"{"name":"x","techniques":[{"techniqueID":"T10"#,
    );
    check(&[&cut], "not a valid Navigator layer");
    let bin = write(dir.path(), "x.zip", b"PK\x03\x04\x00\x00");
    check(&[&bin], "binary data");
    check(&["/no/such/file.txt"], "cannot read /no/such/file.txt");
    assert_eq!(
        sample(&["coverage", ""]).code,
        2,
        "an empty path is a usage error"
    );
    check(&[&bad, "--against", "-", "-"], "only once");
}

#[test]
fn an_empty_input_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"");
    let r = sample(&["coverage", &empty, "-f", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json::<Coverage>().total, fig(0, 8, 0.0));
    assert!(r.stderr.contains("names no technique ID"), "{}", r.stderr);
}
