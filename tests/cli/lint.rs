//! `attck lint` and `--fix` on our hand-written rules of every format and on the real
//! detection samples, checked against the real 18.1 bundle. Expected places are found in the
//! files by the tests themselves; the facts about 18.1 (T1574.002 revoked by T1574.001, which
//! is named "DLL"; T1059.001 only under execution; T1082 only under discovery) were checked
//! with `attck show` and are pinned here.

use std::fs;
use std::path::{Path, PathBuf};

use attck_explorer::input::rules::{self, Format, Read};

use crate::common::{real, real_data, real_detections, rules_dir};
use crate::contract::Lint;

/// Line (from 1) and column (from 1) of the first occurrence of `needle` after `after` in a
/// file, found independently of attck.
fn place(path: &Path, after: &str, needle: &str) -> (usize, usize) {
    let text = fs::read_to_string(path).unwrap();
    let from = text
        .find(after)
        .unwrap_or_else(|| panic!("{after} in {}", path.display()));
    let at = from + text[from..].find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

fn lint(args: &[&str]) -> Option<(i32, Lint)> {
    let mut v = vec!["lint", "-f", "json"];
    v.extend_from_slice(args);
    let r = real(&v)?;
    assert!(matches!(r.code, 0 | 1), "{}", r.stderr);
    Some((r.code, r.json()))
}

/// A copy of our hand-written rules in a temporary directory.
fn copy_rules() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("rules");
    fs::create_dir(&dir).unwrap();
    for e in fs::read_dir(rules_dir()).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    (t, dir)
}

#[test]
#[allow(clippy::many_single_char_names)] // short names for the findings of each kind
fn every_finding_kind_with_its_place_on_our_rules() {
    let dir = rules_dir();
    let Some((code, l)) = lint(&[dir.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(code, 1);
    assert_eq!(l.attack_version.as_deref(), Some("18.1"));
    // not_a_rule.yml is in no format: not counted.
    assert_eq!(l.files, 5);
    let find = |file: &str, kind: &str| {
        l.findings
            .iter()
            .filter(|f| f.path.ends_with(file) && f.kind == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    let sigma = dir.join("sigma_drift.yml");
    let r = find("sigma_drift.yml", "revoked");
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].line, r[0].column),
        place(&sigma, "tags:", "t1574.002")
    );
    assert_eq!(r[0].id.as_deref(), Some("t1574.002"));
    assert_eq!(r[0].replacement.as_deref(), Some("t1574.001"));
    assert_eq!(
        r[0].rule_id.as_deref(),
        Some("6d1c8a52-0000-4000-8000-000000000001")
    );
    let m = find("sigma_drift.yml", "tactic-mismatch");
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].line, m[0].column),
        place(&sigma, "tags:", "t1059.001")
    );
    let u = find("sigma_drift.yml", "unknown");
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].id.as_deref(), Some("t9999"));

    for file in [
        "sentinel_rule.yaml",
        "car_analytic.yaml",
        "elastic_rule.toml",
    ] {
        let r = find(file, "revoked");
        assert_eq!(r.len(), 1, "{file}: {:?}", l.findings);
        assert_eq!(
            (r[0].line, r[0].column),
            place(&dir.join(file), "T1574.", "T1574.002"),
            "{file}"
        );
        assert_eq!(r[0].replacement.as_deref(), Some("T1574.001"));
    }
    let car = find("car_analytic.yaml", "tactic-mismatch");
    assert_eq!(car.len(), 1);
    assert_eq!(car[0].id.as_deref(), Some("T1082"));
    let name = find("elastic_rule.toml", "name-mismatch");
    assert_eq!(name.len(), 1);
    assert_eq!(
        name[0].replacement.as_deref(),
        Some("Boot or Logon Autostart Execution")
    );
    assert_eq!(
        (name[0].line, name[0].column),
        place(
            &dir.join("elastic_rule.toml"),
            "\"T1547\"",
            "Boot or Logon Autostart"
        )
    );
    let p = find("broken_sigma.yml", "parse-error");
    assert_eq!(p.len(), 1);
    // The flow list opened on line 7 is found unclosed on line 8.
    assert_eq!(p[0].line, 8);
    assert!(!p[0].message.is_empty());
    // Sentinel's DefenseEvasion and Persistence are tactics 18.1 has, and T1547.001 is in
    // persistence: nothing else is reported.
    assert_eq!(
        l.findings
            .iter()
            .filter(|f| f.path.ends_with("sentinel_rule.yaml"))
            .count(),
        1
    );
    assert_eq!(l.findings.len(), 9, "{:#?}", l.findings);
}

#[test]
fn text_lines_for_editors_and_fail_on() {
    let dir = rules_dir();
    let sigma = dir.join("sigma_drift.yml");
    let Some(r) = real(&["lint", "-f", "text", sigma.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(r.code, 1);
    let (line, col) = place(&sigma, "tags:", "t1574.002");
    let first = format!("{}:{line}:{col}: revoked: ", sigma.display());
    assert!(
        r.stdout.lines().any(|l| l.starts_with(&first)),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    let s = sigma.to_str().unwrap();
    assert_eq!(
        real(&["lint", s, "--fail-on", "deprecated,name-mismatch"])
            .unwrap()
            .code,
        0
    );
    assert_eq!(
        real(&["lint", s, "--fail-on", "name-mismatch,revoked"])
            .unwrap()
            .code,
        1
    );
    let bad = real(&["lint", s, "--fail-on", "stale"]).unwrap();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a finding kind"), "{}", bad.stderr);
    let missing = real(&["lint", "/nonexistent/rules"]).unwrap();
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.starts_with("attck: "), "{}", missing.stderr);
    let clean = dir.join("not_a_rule.yml");
    // Named directly, a YAML file of no format is read as an ID list: it names nothing.
    let c = real(&["lint", clean.to_str().unwrap()]).unwrap();
    assert_eq!(c.code, 0, "{}", c.stderr);
}

/// The references of a file as read by attck's own readers, with each file's format.
fn refs(path: &Path) -> (Format, Vec<String>) {
    let text = fs::read_to_string(path).unwrap();
    match rules::read(&text, "f").unwrap() {
        Read::File(f) => (f.format, f.refs.iter().map(|r| r.at.text.clone()).collect()),
        Read::Other => panic!("{} is no longer a rule file", path.display()),
    }
}

#[test]
fn fix_rewrites_only_the_references_and_is_idempotent() {
    if real_data().is_none() {
        return;
    }
    let (_t, dir) = copy_rules();
    let before: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();

    // --dry-run: a unified diff, nothing written.
    let dry = real(&["lint", dir.to_str().unwrap(), "--fix", "--dry-run"]).unwrap();
    assert_eq!(dry.code, 1, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("-    - attack.t1574.002"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("+    - attack.t1574.001"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("@@ "), "{}", dry.stdout);
    for (p, b) in &before {
        assert_eq!(
            &fs::read(p).unwrap(),
            b,
            "{} changed by --dry-run",
            p.display()
        );
    }

    let fixed = real(&["lint", "-f", "json", dir.to_str().unwrap(), "--fix"]).unwrap();
    assert_eq!(fixed.code, 1, "{}", fixed.stderr);
    let l: Lint = fixed.json();
    assert_eq!(l.fixed.len(), 4, "{:?}", l.fixed);
    assert!(
        l.findings.iter().all(|f| f.kind != "revoked"),
        "{:?}",
        l.findings
    );

    for (p, b) in &before {
        let old = String::from_utf8(b.clone()).unwrap();
        let new = fs::read_to_string(p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap();
        // Every other byte kept: the new file is the old one with exactly these strings
        // replaced (each occurs once in the old file).
        let replacements: &[(&str, &str)] = match name {
            "sigma_drift.yml" => &[("attack.t1574.002", "attack.t1574.001")],
            "sentinel_rule.yaml" | "car_analytic.yaml" => &[("T1574.002", "T1574.001")],
            "elastic_rule.toml" => &[
                ("\"T1574.002\"", "\"T1574.001\""),
                ("\"DLL Side-Loading\"", "\"DLL\""),
                ("techniques/T1574/002/", "techniques/T1574/001/"),
            ],
            _ => &[],
        };
        let mut expected = old.clone();
        for (from, to) in replacements {
            assert_eq!(old.matches(from).count(), 1, "{name}: {from}");
            expected = expected.replace(from, to);
        }
        assert_eq!(new, expected, "{name}");
        if name == "sigma_drift.yml" {
            assert_eq!(new.matches("\r\n").count(), old.matches("\r\n").count());
        }
        if replacements.is_empty() {
            continue;
        }
        // Still parses in its format, and its references are the old ones with the
        // replacements applied.
        let (format_before, refs_before) = {
            let tmp = tempfile::NamedTempFile::new().unwrap();
            fs::write(tmp.path(), b).unwrap();
            refs(tmp.path())
        };
        let (format_after, refs_after) = refs(p);
        assert_eq!(format_after, format_before, "{name}");
        let mapped: Vec<String> = refs_before
            .iter()
            .map(|r| match r.as_str() {
                "T1574.002" => "T1574.001".to_string(),
                "t1574.002" => "t1574.001".to_string(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(refs_after, mapped, "{name}");
        if name == "elastic_rule.toml" {
            assert!(toml::from_str::<toml::Table>(&new).is_ok());
        }
    }

    // A second run changes nothing.
    let after: Vec<Vec<u8>> = before.iter().map(|(p, _)| fs::read(p).unwrap()).collect();
    let again = real(&["lint", "-f", "json", dir.to_str().unwrap(), "--fix"]).unwrap();
    assert!(again.json::<Lint>().fixed.is_empty());
    for ((p, _), b) in before.iter().zip(after) {
        assert_eq!(fs::read(p).unwrap(), b, "{} changed twice", p.display());
    }
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_symbolic_link() {
    if real_data().is_none() {
        return;
    }
    let (t, dir) = copy_rules();
    let outside = t.path().join("outside.yml");
    fs::rename(dir.join("sentinel_rule.yaml"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("sentinel_rule.yaml")).unwrap();
    let before = fs::read(&outside).unwrap();
    let r = real(&["lint", dir.to_str().unwrap(), "--fix"]).unwrap();
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(fs::read(&outside).unwrap(), before);
    assert!(
        fs::symlink_metadata(dir.join("sentinel_rule.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The other files were fixed.
    assert!(
        fs::read_to_string(dir.join("sigma_drift.yml"))
            .unwrap()
            .contains("attack.t1574.001")
    );
}

#[test]
fn fix_refuses_stdin() {
    let Some(r) = real(&["lint", "-", "--fix"]) else {
        return;
    };
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("stdin"), "{}", r.stderr);
}

#[test]
fn the_real_samples_drift_is_reported() {
    let Some(det) = real_detections() else {
        return;
    };
    let Some((code, l)) = lint(&[det.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(code, 1);
    // Two Splunk detections name T1574.002 (revoked in 18.1 by T1574.001): found with grep.
    let mut splunk_files = Vec::new();
    let mut stack = vec![det.join("splunk")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if fs::read_to_string(&p).is_ok_and(|t| t.contains("- T1574.002")) {
                splunk_files.push(p);
            }
        }
    }
    assert_eq!(splunk_files.len(), 2);
    let revoked: Vec<_> = l.findings.iter().filter(|f| f.kind == "revoked").collect();
    assert_eq!(revoked.len(), 2, "{revoked:?}");
    for p in &splunk_files {
        let f = revoked
            .iter()
            .find(|f| Path::new(&f.path) == p)
            .unwrap_or_else(|| panic!("{} not reported", p.display()));
        assert_eq!((f.line, f.column), place(p, "mitre_attack_id", "T1574.002"));
        assert_eq!(f.replacement.as_deref(), Some("T1574.001"));
        assert!(f.rule_id.is_some());
    }
    // The Atomic index names T1685.001 (an ATT&CK 19 ID) on some rows: one finding each.
    let index = det.join("atomic/atomics/Indexes/Indexes-CSV/index.csv");
    let rows = fs::read_to_string(&index)
        .unwrap()
        .lines()
        .filter(|l| l.split(',').nth(1).is_some_and(|c| c.starts_with("T1685")))
        .count();
    assert!(rows > 0);
    let unknown: Vec<_> = l
        .findings
        .iter()
        .filter(|f| f.kind == "unknown" && f.id.as_deref().is_some_and(|i| i.starts_with("T1685")))
        .collect();
    assert_eq!(unknown.len(), rows);
    assert!(unknown.iter().all(|f| Path::new(&f.path) == index));
    // Its 19-shaped tactic shortnames are tactics 18.1 does not have.
    assert!(
        l.findings
            .iter()
            .any(|f| f.kind == "unknown-tactic" && f.id.as_deref() == Some("stealth"))
    );
}

/// Our rules written for the 18-shaped sample, linted against it and against the 19-shaped
/// one (data/sample/v19: TA0005 renamed Stealth with the shortname `stealth`, T1562 moved to
/// the new tactic defense-impairment, T1562.001 and T1562.002 revoked by the new T1685).
fn lint19(version: &str, args: &[&str]) -> crate::common::Run {
    let data = crate::common::sample_dir().join("v19");
    let mut v = vec![
        "--data-dir",
        data.to_str().unwrap(),
        "--attack-version",
        version,
        "lint",
    ];
    v.extend_from_slice(args);
    crate::common::run(&v)
}

#[test]
fn a_tactic_split_is_found_and_a_revoked_id_fixed() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/data/rules19");
    let t = tempfile::tempdir().unwrap();
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), t.path().join(e.file_name())).unwrap();
    }
    let dir = t.path().to_str().unwrap();
    let before = lint19("18.0", &[dir, "-f", "json"]);
    assert_eq!(before.code, 0, "{}", before.stdout);
    assert!(before.json::<Lint>().findings.is_empty());

    let after = lint19("19.0", &[dir, "-f", "json"]);
    assert_eq!(after.code, 1, "{}", after.stderr);
    let l: Lint = after.json();
    let kinds: Vec<(&str, &str, Option<&str>, Option<&str>)> = l
        .findings
        .iter()
        .map(|f| {
            (
                Path::new(&f.path).file_name().unwrap().to_str().unwrap(),
                f.kind.as_str(),
                f.id.as_deref(),
                f.replacement.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "elastic_tamper.toml",
                "tactic-mismatch",
                Some("T1562"),
                None
            ),
            (
                "elastic_tamper.toml",
                "revoked",
                Some("T1562.002"),
                Some("T1685")
            ),
            (
                "elastic_tamper.toml",
                "name-mismatch",
                Some("Defense Evasion"),
                Some("Stealth")
            ),
            (
                "sigma_tamper.yml",
                "unknown-tactic",
                Some("defense-evasion"),
                None
            ),
            (
                "sigma_tamper.yml",
                "revoked",
                Some("t1562.001"),
                Some("t1685")
            ),
        ]
    );
    let sigma = t.path().join("sigma_tamper.yml");
    let f = &l.findings[3];
    assert_eq!(
        (f.line, f.column),
        place(&sigma, "tags:", "defense-evasion")
    );

    let elastic = t.path().join("elastic_tamper.toml");
    let elastic_before = fs::read(&elastic).unwrap();
    let sigma_before = fs::read_to_string(&sigma).unwrap();
    let fixed = lint19("19.0", &[dir, "--fix", "-f", "json"]);
    assert_eq!(fixed.code, 1, "{}", fixed.stderr);
    assert_eq!(
        fs::read_to_string(&sigma).unwrap(),
        sigma_before.replace("attack.t1562.001", "attack.t1685")
    );
    // Elastic keeps T1562.002 in a sub-technique table; T1685 is a technique of its own, so
    // the entry is left for a person to move (and still reported).
    assert_eq!(fs::read(&elastic).unwrap(), elastic_before);
    let left: Lint = fixed.json();
    assert!(
        left.findings
            .iter()
            .any(|f| f.kind == "revoked" && f.path.ends_with("elastic_tamper.toml"))
    );
    assert!(
        !left
            .findings
            .iter()
            .any(|f| f.kind == "revoked" && f.path.ends_with("sigma_tamper.yml"))
    );
    let again = lint19("19.0", &[dir, "--fix", "-f", "json"]);
    assert!(again.json::<Lint>().fixed.is_empty());
}
