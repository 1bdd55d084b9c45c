//! Bad input: clear one-line errors, the right exit codes, never a panic.

use std::fs;
use std::io::Read;
use std::process::Stdio;

use crate::common::{attck_in, run, sample, sample_dir};

/// Asserts a clean failure: exit code, a single `attck: ` line containing `needle`, no panic.
fn assert_error(r: &crate::common::Run, code: i32, needle: &str) {
    assert_eq!(r.code, code, "stderr: {}", r.stderr);
    assert!(r.stdout.is_empty(), "stdout: {}", r.stdout);
    let line = r.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "one line expected: {line}");
    assert!(line.starts_with("attck: "), "{line}");
    assert!(line.contains(needle), "expected '{needle}' in: {line}");
    assert!(!r.stderr.contains("panicked"));
}

fn bundle_file(dir: &std::path::Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, content).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn truncated_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let full = fs::read(sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    let p = bundle_file(
        dir.path(),
        "enterprise-attack.json",
        &full[..full.len() / 2],
    );
    let r = run(&["--bundle", &p, "tactics"]);
    assert_error(&r, 2, "truncated");
    assert!(r.stderr.contains(&p), "names the file: {}", r.stderr);
}

#[test]
fn not_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = bundle_file(dir.path(), "x.json", b"<html>not json</html>");
    assert_error(&run(&["--bundle", &p, "tactics"]), 2, "not valid JSON");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = bundle_file(dir.path(), "x.json", b"");
    assert_error(&run(&["--bundle", &p, "tactics"]), 2, "empty");
}

#[test]
fn json_that_is_not_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let p = bundle_file(dir.path(), "x.json", br#"{"hello": "world"}"#);
    assert_error(&run(&["--bundle", &p, "tactics"]), 2, "not a STIX bundle");
    let p = bundle_file(
        dir.path(),
        "y.json",
        br#"{"type": "indicator", "objects": []}"#,
    );
    assert_error(&run(&["--bundle", &p, "tactics"]), 2, "not a STIX bundle");
}

#[test]
fn missing_bundle_file() {
    assert_error(
        &run(&["--bundle", "/nonexistent/attck/x.json", "tactics"]),
        2,
        "/nonexistent/attck/x.json",
    );
}

#[test]
fn directory_with_no_bundle_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "technique",
        "T1059",
    ]);
    assert_error(&r, 2, "no enterprise-attack bundle in");
    assert!(r.stderr.contains("--data-dir"), "{}", r.stderr);
}

#[test]
fn missing_version_lists_installed_ones() {
    let r = sample(&["tactics", "--attack-version", "17.1"]);
    assert_error(&r, 2, "no enterprise-attack 17.1 bundle");
    assert!(r.stderr.contains("1.0, 2.0"), "{}", r.stderr);
}

#[test]
fn malformed_id_is_a_usage_error_before_any_data_is_loaded() {
    // No data directory exists at all: the ID must be rejected first.
    let r = run(&["--data-dir", "/nonexistent", "technique", "T10x9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("T10x9") && r.stderr.contains("not a technique ID"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("no enterprise-attack"));
}

#[test]
fn bad_flags_and_versions_are_usage_errors() {
    assert_eq!(run(&["tactics", "--format", "yaml"]).code, 2);
    assert_eq!(run(&["tactics", "--domain", "pre"]).code, 2);
    let r = run(&["tactics", "--attack-version", "../../x"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a version"), "{}", r.stderr);
}

#[test]
fn a_version_too_large_is_called_too_large() {
    let r = run(&[
        "tactics",
        "--attack-version",
        "99999999999999999999999999999.1",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("99999999999999999999999999999 is too large")
            && !r.stderr.contains("expected digits"),
        "{}",
        r.stderr
    );
    let r = run(&["tactics", "--attack-version", &"1.".repeat(20)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("longer than 32 characters"),
        "{}",
        r.stderr
    );
}

/// A device node like the system's `/dev/full` (1:7: every write fails with ENOSPC), made in
/// a temporary directory; `None` when this user may not make device nodes.
fn full_device(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let node = dir.join("full");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "7"])
        .status()
        .ok()?;
    if !made.success() {
        eprintln!("skipping: making a device node needs root");
        return None;
    }
    Some(node)
}

#[test]
fn a_failed_write_to_stdout_names_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = full_device(dir.path()) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = attck_in(home.path())
        .args(["--data-dir", sample_dir().to_str().unwrap(), "tactics"])
        .stdout(fs::OpenOptions::new().write(true).open(&full).unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("attck: cannot write to standard output: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn a_warning_that_cannot_be_written_does_not_cost_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = full_device(dir.path()) else {
        return;
    };
    // A bundle without a matrix answers with one warning on stderr.
    let text = fs::read_to_string(sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["objects"]
        .as_array_mut()
        .unwrap()
        .retain(|o| o["type"] != "x-mitre-matrix");
    let p = bundle_file(
        dir.path(),
        "enterprise-attack.json",
        v.to_string().as_bytes(),
    );
    let good = run(&["--bundle", &p, "tactics", "-f", "json"]);
    assert_eq!(good.code, 0);
    assert!(good.stderr.contains("warning"), "{}", good.stderr);
    let home = tempfile::tempdir().unwrap();
    for extra in [&["--no-cache"][..], &[]] {
        let out = attck_in(home.path())
            .args(["--bundle", &p, "tactics", "-f", "json"])
            .args(extra)
            .stderr(fs::OpenOptions::new().write(true).open(&full).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), good.stdout);
    }
}

#[test]
fn bundle_without_matrix_loads_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["objects"]
        .as_array_mut()
        .unwrap()
        .retain(|o| o["type"] != "x-mitre-matrix");
    let p = bundle_file(
        dir.path(),
        "enterprise-attack.json",
        v.to_string().as_bytes(),
    );
    let r = run(&["--bundle", &p, "tactics", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().filter(|l| l.contains("warning")).count(),
        1,
        "{}",
        r.stderr
    );
    let t: Vec<crate::contract::Tactic> = r.json();
    let ids: Vec<&str> = t.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["TA0002", "TA0003", "TA0005", "TA0007", "TA0043"],
        "ID order without a matrix"
    );
    let quiet = run(&["--bundle", &p, "tactics", "-q"]);
    assert!(quiet.stderr.is_empty());
}

#[test]
fn broken_pipe_is_success() {
    let home = tempfile::tempdir().unwrap();
    let mut child = attck_in(home.path())
        .args([
            "--data-dir",
            sample_dir().to_str().unwrap(),
            "tactic",
            "execution",
            "-f",
            "csv",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe while the program may still be writing.
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn control_characters_never_reach_the_terminal_output() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for o in v["objects"].as_array_mut().unwrap() {
        if o["type"] == "attack-pattern" {
            o["name"] = serde_json::Value::String("Evil\u{1b}[2J\u{1b}]0;owned\u{7}Name".into());
        }
    }
    let p = bundle_file(
        dir.path(),
        "enterprise-attack.json",
        v.to_string().as_bytes(),
    );
    for f in ["table", "csv", "markdown"] {
        let r = run(&[
            "--bundle",
            &p,
            "tactic",
            "execution",
            "-f",
            f,
            "--color",
            "always",
        ]);
        assert_eq!(r.code, 0);
        assert!(
            !r.stdout.contains('\u{1b}') || !r.stdout.contains("\u{1b}]0"),
            "{f}: raw OSC escape"
        );
        assert!(!r.stdout.contains("\u{1b}[2J"), "{f}: raw CSI clear");
        assert!(!r.stdout.contains('\u{7}'), "{f}: BEL");
    }
    // JSON keeps the text verbatim, escaped.
    let r = run(&["--bundle", &p, "technique", "T1059", "-f", "json"]);
    let t: crate::contract::Technique = r.json();
    assert_eq!(t.name, "Evil\u{1b}[2J\u{1b}]0;owned\u{7}Name");
    assert!(!r.stdout.contains('\u{1b}'));
}
