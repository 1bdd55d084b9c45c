//! `coverage` over detection content of every format: the real samples in
//! `ATTCK_TEST_DETECTIONS` (Elastic, Splunk, CAR, Atomic Red Team) and our own Sigma and
//! Sentinel rules, checked against the real 18.1 bundle. The IDs each file names are found
//! here with plain line scans written for these tests, not with attck's readers.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{real, real_detections, rules_dir};
use crate::contract::{Coverage, RuleRow};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A technique ID at the start of `s` (`T1059`, `T1059.001`), as written.
fn id_at(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.first() != Some(&b'T') || !digits(1..5) {
        return None;
    }
    if b.get(5) == Some(&b'.') && digits(6..9) {
        Some(s[..9].to_string())
    } else {
        Some(s[..5].to_string())
    }
}

/// The technique IDs a file names, by a line scan that knows each format's layout.
fn scanned(path: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut out = BTreeSet::new();
    let mut in_list = false;
    for line in text.lines() {
        let t = line.trim();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext == "toml" {
            if let Some(v) = t.strip_prefix("id = \"") {
                out.extend(id_at(v));
            }
            continue;
        }
        if let Some(v) = t.trim_start_matches("- ").strip_prefix("technique: ") {
            out.extend(id_at(v));
        }
        if t.starts_with("mitre_attack_id:") || t.starts_with("subtechniques:") {
            in_list = true;
            continue;
        }
        match t.strip_prefix("- ") {
            Some(v) if in_list => out.extend(id_at(v)),
            _ => in_list = false,
        }
    }
    out
}

#[test]
fn every_format_is_told_by_content_and_reads_its_ids() {
    let Some(det) = real_detections() else {
        return;
    };
    for (folder, format, count) in [
        ("elastic", "Elastic", 8),
        ("splunk", "Splunk", 30),
        ("car", "CAR", 12),
    ] {
        let dir = det.join(folder);
        let Some(r) = real(&["coverage", dir.to_str().unwrap(), "--by-rule", "-f", "json"]) else {
            return;
        };
        assert_eq!(r.code, 0, "{}", r.stderr);
        let rows: Vec<RuleRow> = r.json();
        let mut on_disk = Vec::new();
        files(&dir, &mut on_disk);
        on_disk.retain(|p| {
            p.extension()
                .is_some_and(|e| e == "yml" || e == "yaml" || e == "toml")
        });
        assert_eq!(rows.len(), count, "{folder}");
        assert_eq!(on_disk.len(), count, "{folder}");
        for row in &rows {
            assert_eq!(row.format, format);
            assert!(row.id.is_some() && row.title.is_some(), "{row:?}");
            let got: BTreeSet<String> = row.techniques.iter().cloned().collect();
            assert_eq!(got, scanned(Path::new(&row.path)), "{}", row.path);
        }
    }
    // Atomic Red Team: the technique files, and the index (one row per test).
    let atomics = det.join("atomic/atomics");
    let r = real(&[
        "coverage",
        atomics.to_str().unwrap(),
        "--by-rule",
        "-f",
        "json",
    ])
    .unwrap();
    let rows: Vec<RuleRow> = r.json();
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row.format, "Atomic Red Team");
        let dir_name = Path::new(&row.path).parent().unwrap().file_name().unwrap();
        assert_eq!(row.techniques, [dir_name.to_str().unwrap()]);
    }
    let index = atomics.join("Indexes/Indexes-CSV/index.csv");
    let r = real(&[
        "coverage",
        index.to_str().unwrap(),
        "--by-rule",
        "-f",
        "json",
    ])
    .unwrap();
    let rows: Vec<RuleRow> = r.json();
    let column: BTreeSet<String> = fs::read_to_string(&index)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].format, "Atomic Red Team index");
    assert_eq!(
        rows[0].techniques.iter().cloned().collect::<BTreeSet<_>>(),
        column
    );
}

#[test]
fn our_sigma_and_sentinel_rules_are_read() {
    let dir = rules_dir();
    let Some(r) = real(&["coverage", dir.to_str().unwrap(), "--by-rule", "-f", "json"]) else {
        return;
    };
    let rows: Vec<RuleRow> = r.json();
    let by_file: BTreeMap<&str, &RuleRow> = rows
        .iter()
        .map(|r| (Path::new(&r.path).file_name().unwrap().to_str().unwrap(), r))
        .collect();
    let sentinel = by_file["sentinel_rule.yaml"];
    assert_eq!(sentinel.format, "Sentinel");
    assert_eq!(sentinel.techniques, ["T1574.002", "T1547.001"]);
    assert_eq!(
        sentinel.title.as_deref(),
        Some("Library loaded next to a renamed binary")
    );
    let sigma = by_file["sigma_drift.yml"];
    assert_eq!(sigma.format, "Sigma");
    assert_eq!(sigma.techniques, ["T1574.002", "T1059.001", "T9999"]);
    // The broken rule is named with the parser's reason; the run goes on.
    assert!(!by_file.contains_key("broken_sigma.yml"));
    assert!(
        r.stderr.contains("broken_sigma.yml: line 8, column"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("skipped"), "{}", r.stderr);
}

#[test]
fn rules_per_technique_and_the_four_states() {
    let Some(det) = real_detections() else {
        return;
    };
    let splunk = det.join("splunk");
    let index = det.join("atomic/atomics/Indexes/Indexes-CSV/index.csv");
    let Some(run) = real(&[
        "coverage",
        splunk.to_str().unwrap(),
        "--tests",
        index.to_str().unwrap(),
        "-f",
        "json",
    ]) else {
        return;
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cov: Coverage = run.json();
    // T1574.002 is revoked by T1574.001: the files naming either count for T1574.001.
    let mut all = Vec::new();
    files(&splunk, &mut all);
    let naming = |ids: &[&str]| {
        all.iter()
            .filter(|p| {
                let s = scanned(p);
                ids.iter().any(|i| s.contains(*i))
            })
            .count()
    };
    let dll = cov.rules.iter().find(|t| t.id == "T1574.001").unwrap();
    assert_eq!(dll.rule_count, naming(&["T1574.001", "T1574.002"]));
    assert_eq!(dll.rule_files.len(), dll.rule_count);
    assert!(
        dll.rule_files
            .iter()
            .all(|f| f.format == "splunk" && f.id.is_some())
    );
    for t in &cov.rules {
        assert!(t.rule_count >= 1 && t.rule_count <= 30);
    }
    assert!(!cov.rules.iter().any(|t| t.id == "T1574.002"));
    assert!(
        run.stderr.contains("T1685.001"),
        "the 19 ID is reported: {}",
        run.stderr
    );

    let states = cov.tests.expect("tests summary");
    assert_eq!(states.both + states.detected_only, cov.total.covered);
    assert_eq!(states.both + states.tested_only, states.tested.covered);
    assert_eq!(
        states.both + states.detected_only + states.tested_only + states.neither,
        cov.total.total
    );
    // A gap is tested exactly when the index has a row for it or one of its sub-techniques
    // (T1685.001, unknown to 18.1, counts for nothing).
    let rows: BTreeSet<String> = fs::read_to_string(&index)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .collect();
    for g in &cov.gaps {
        let has = rows
            .iter()
            .any(|id| id == &g.id || id.starts_with(&format!("{}.", g.id)));
        assert_eq!(g.tested, Some(has), "{}", g.id);
    }
    assert!(cov.gaps.iter().any(|g| g.tested == Some(true)));

    // --fail-under keeps meaning the detected share.
    let between = f64::midpoint(cov.total.percent, states.tested.percent);
    assert!(states.tested.percent > cov.total.percent);
    let fail = real(&[
        "coverage",
        splunk.to_str().unwrap(),
        "--tests",
        index.to_str().unwrap(),
        "--fail-under",
        &format!("{between:.1}"),
        "-q",
    ])
    .unwrap();
    assert_eq!(fail.code, 1);

    // CSV, HTML and the layer show the states.
    let csv = real(&[
        "coverage",
        splunk.to_str().unwrap(),
        "--tests",
        index.to_str().unwrap(),
        "-f",
        "csv",
    ])
    .unwrap();
    assert!(
        csv.stdout
            .starts_with("id,name,tactics,covered,groups_using,rules,tested\n")
    );
    assert!(
        csv.stdout
            .lines()
            .skip(1)
            .all(|l| l.ends_with(",true") || l.ends_with(",false"))
    );
    let html = real(&[
        "coverage",
        splunk.to_str().unwrap(),
        "--tests",
        index.to_str().unwrap(),
        "-f",
        "html",
    ])
    .unwrap();
    assert!(html.stdout.contains("tested only") && html.stdout.contains("cell tested"));
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("l.json");
    let l = real(&[
        "coverage",
        splunk.to_str().unwrap(),
        "--tests",
        index.to_str().unwrap(),
        "--layer",
        layer.to_str().unwrap(),
    ])
    .unwrap();
    assert_eq!(l.code, 0);
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&layer).unwrap()).unwrap();
    let labels: Vec<&str> = v["legendItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "detected and tested",
            "detected only",
            "tested only",
            "neither"
        ]
    );
    let colours: BTreeSet<&str> = v["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["color"].as_str().unwrap())
        .collect();
    assert_eq!(colours.len(), 4, "{colours:?}");
}
