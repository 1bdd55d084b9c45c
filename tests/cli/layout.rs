//! Tables at 80, 100 and 120 columns, through a real pseudo-terminal (util-linux `script`)
//! and through `COLUMNS`: no line wider than the screen, no word or ID split across lines.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use crate::common::{Run, real_data, run, sample_dir};

const WIDTHS: [usize; 3] = [80, 100, 120];

/// The characters tables are drawn with, which separate words like spaces.
fn is_rule(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '│' | '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '─'
        )
}

fn words(s: &str) -> Vec<&str> {
    s.split(is_rule).filter(|w| !w.is_empty()).collect()
}

/// The environment every run gets (as `common::attck_in`): no colour, offline; one index
/// cache for the whole test process, so the real bundles are parsed once.
fn hermetic(cmd: &mut Command, home: &Path) {
    static CACHES: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let caches = CACHES.get_or_init(|| tempfile::tempdir().unwrap());
    cmd.env_clear()
        .env("ATTCK_CACHE_DIR", caches.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("NO_COLOR", "1")
        .env("ATTCK_OFFLINE", "1")
        .env("ATTCK_SOURCE_URL", "http://127.0.0.1:9");
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs attck on a pseudo-terminal `width` columns wide (stdout and stderr both reach it, as
/// on a screen). Fails the test when `script` is missing: never skipped silently.
fn on_terminal(args: &[&str], width: usize) -> String {
    let home = tempfile::tempdir().unwrap();
    let typescript = home.path().join("typescript");
    let line = std::iter::once(env!("CARGO_BIN_EXE_attck"))
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    hermetic(&mut cmd, home.path());
    cmd.args(["-q", "-e", "-c"])
        .arg(format!("stty cols {width} rows 50; exec {line}"))
        .arg(&typescript)
        .stdin(std::process::Stdio::null());
    let out = cmd
        .output()
        .expect("util-linux `script` runs (it is part of every Debian system)");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .replace("\r\n", "\n")
}

/// Runs attck piped, with `COLUMNS` set (or not).
fn piped(args: &[&str], columns: Option<usize>) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_attck"));
    hermetic(&mut cmd, home.path());
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.args(args).output().expect("attck runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// Checks a fitted rendering against the unfitted one: every line fits, every word is one
/// of the unfitted words (or a truncation of one, ending in `…`), and every ATT&CK ID of the
/// unfitted output is still whole unless a note says a column was left out.
fn check(what: &str, fitted: &str, full: &str, width: usize) {
    let known: HashSet<&str> = words(full).into_iter().collect();
    for line in fitted.lines().filter(|l| !l.starts_with("attck: ")) {
        assert!(
            line.chars().count() <= width,
            "{what} at {width}: a line of {} columns:\n{line}\n{fitted}",
            line.chars().count()
        );
        for w in words(line) {
            if known.contains(w) {
                continue;
            }
            let stem = w.trim_end_matches('…');
            assert!(
                w.ends_with('…') && known.iter().any(|k| k.starts_with(stem)),
                "{what} at {width}: '{w}' is not a whole word of the table:\n{fitted}"
            );
        }
    }
    let dropped = fitted.contains("left out to fit");
    let is_id = |w: &&&str| {
        let digits = w.trim_start_matches(|c: char| c.is_ascii_uppercase());
        digits.len() < w.len()
            && digits.len() >= 4
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    if !dropped {
        let have: HashSet<&str> = words(fitted).into_iter().collect();
        for id in known.iter().filter(is_id) {
            assert!(
                have.contains(id),
                "{what} at {width}: {id} is missing or split:\n{fitted}"
            );
        }
    }
}

fn check_command(args: &[&str]) {
    let full = piped(args, None);
    assert!(full.code <= 1, "{args:?}: {}", full.stderr);
    assert!(!full.stdout.is_empty(), "{args:?}");
    for w in WIDTHS {
        let tty = on_terminal(args, w);
        check(&format!("{args:?} (terminal)"), &tty, &full.stdout, w);
        let cols = piped(args, Some(w));
        check(
            &format!("{args:?} (COLUMNS)"),
            &format!("{}{}", cols.stdout, cols.stderr),
            &full.stdout,
            w,
        );
        // The terminal and COLUMNS agree on the results (stderr aside).
        let tty_out: Vec<&str> = tty.lines().filter(|l| !l.starts_with("attck: ")).collect();
        let cols_out: Vec<&str> = cols.stdout.lines().collect();
        assert_eq!(tty_out, cols_out, "{args:?} at {w}");
    }
}

#[test]
fn sample_tables_fit_80_100_and_120_columns_without_splitting_words() {
    let dir = sample_dir();
    let d = dir.to_str().unwrap();
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/data/report.txt");
    let ids = tempfile::tempdir().unwrap();
    let ids_file = ids.path().join("ids.txt");
    std::fs::write(&ids_file, "T1059\nT1053.003\n").unwrap();
    let rules = crate::common::rules_dir();
    let rules = rules.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["tactics"],
        vec!["tactic", "execution"],
        vec!["search", "interpreter"],
        vec!["search", "launch", "--type", "all"],
        vec!["search", "tallow", "--type", "procedure"],
        vec!["show", "G0902"],
        vec!["show", "DET0901"],
        vec!["technique", "T1059"],
        vec!["technique", "T1059", "--procedures"],
        vec!["list", "techniques"],
        vec!["list", "groups"],
        vec!["list", "software"],
        vec!["list", "campaigns"],
        vec!["list", "mitigations"],
        vec!["list", "data-components"],
        vec!["list", "analytics"],
        vec!["list", "detection-strategies"],
        vec!["detects", "WinEventLog:Security"],
        vec!["matrix", "--subtechniques"],
        vec!["coverage", ids_file.to_str().unwrap()],
        vec!["diff", "1.0", "2.0"],
        vec!["map", report.to_str().unwrap(), "--names"],
        vec!["data", "status"],
        vec!["attribute", "T1059.001", "T1082", "T1027"],
        vec!["compare", "G0902", "S0901", "G0903"],
        vec!["next", "T1059.001", "T1082"],
        vec!["list", "tactics"],
        vec!["show", "S0901"],
        vec!["--domain", "ics", "list", "assets"],
        vec!["--domain", "ics", "tactics"],
        vec!["coverage", rules],
        vec!["coverage", rules, "--by-rule"],
        vec!["lint", rules],
    ];
    for c in cases {
        let mut args = vec!["--data-dir", d];
        args.extend(c);
        check_command(&args);
    }
}

#[test]
fn real_tables_fit_80_100_and_120_columns_without_splitting_words() {
    let Some(dir) = real_data() else { return };
    let d = dir.to_str().unwrap();
    for c in [
        &["list", "techniques"][..],
        &["tactic", "execution"],
        &["search", "powershell"],
        &["show", "G0016"],
        &["technique", "T1003"],
        &["detects", "WinEventLog:Security", "--channel", "4688"],
        &["list", "groups"],
        &["list", "software"],
        &["matrix"],
        &[
            "attribute",
            "T1566.001",
            "T1059.001",
            "T1105",
            "S0002",
            "-n",
            "5",
        ],
        &["compare", "APT29", "APT28"],
    ] {
        let mut args = vec!["--data-dir", d];
        args.extend_from_slice(c);
        check_command(&args);
    }
}

#[test]
fn columns_that_cannot_fit_are_left_out_with_a_note_and_names_stay_whole() {
    let Some(dir) = real_data() else { return };
    let d = dir.to_str().unwrap();
    // The longest technique name (Linux and Mac File and Directory Permissions Modification,
    // 57 characters, nested) leaves no room at 80 columns for the tactics and platforms.
    let r = piped(&["--data-dir", d, "list", "techniques"], Some(80));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("│ └ Linux and Mac File and Directory Permissions Modification │"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("left out to fit 80 columns: Tactics, Platforms"),
        "{}",
        r.stderr
    );
    // At 120 everything fits and Windows Management Instrumentation is on one line.
    let r = piped(&["--data-dir", d, "tactic", "execution"], Some(120));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.contains("│ Windows Management Instrumentation │"));
    assert!(r.stdout.contains("privilege-escalation"));
    // Piped with no COLUMNS, nothing is wrapped or left out.
    let r = piped(&["--data-dir", d, "list", "techniques"], None);
    assert!(r.stderr.is_empty());
    assert!(
        r.stdout
            .lines()
            .nth(2)
            .is_some_and(|l| l.contains("Platforms"))
    );
}

#[test]
fn detail_views_piped_keep_their_id_columns_aligned() {
    let dir = sample_dir();
    let r = run(&["--data-dir", dir.to_str().unwrap(), "show", "G0902"]);
    assert_eq!(r.code, 0);
    let section: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| *l != "Techniques")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section.len() >= 3, "{}", r.stdout);
    assert!(section.iter().any(|l| l.trim_start().starts_with("T1082 ")));
    assert!(
        section
            .iter()
            .any(|l| l.trim_start().starts_with("T1053.003 "))
    );
    // Every name starts in the same column.
    let starts: HashSet<usize> = section
        .iter()
        .map(|l| {
            let id_end = 2 + l[2..].find(' ').unwrap();
            id_end + l[id_end..].len() - l[id_end..].trim_start().len()
        })
        .collect();
    assert_eq!(starts.len(), 1, "{section:?}");
    // No trailing blanks anywhere in a piped detail view.
    assert!(
        r.stdout.lines().all(|l| l == l.trim_end()),
        "{:?}",
        r.stdout
    );
}

#[test]
fn every_table_is_captioned_with_its_domain_and_version() {
    let ids = tempfile::tempdir().unwrap();
    let ids_file = ids.path().join("ids.txt");
    std::fs::write(&ids_file, "T1059\n").unwrap();
    let rules = crate::common::rules_dir();
    let rules = rules.to_str().unwrap();
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/data/report.txt");
    let cases: Vec<Vec<&str>> = vec![
        vec!["tactics"],
        vec!["tactic", "execution"],
        vec!["search", "interpreter"],
        vec!["search", "launch", "--type", "all"],
        vec!["search", "tallow", "--type", "procedure"],
        vec!["list", "techniques"],
        vec!["list", "groups"],
        vec!["list", "software"],
        vec!["list", "tactics"],
        vec!["detects", "WinEventLog:Security"],
        vec!["matrix"],
        vec!["coverage", ids_file.to_str().unwrap()],
        vec!["attribute", "T1059.001", "T1082"],
        vec!["compare", "G0902", "S0901"],
        vec!["next", "T1059.001"],
        vec!["map", report.to_str().unwrap(), "--names"],
        vec!["lint", rules],
        vec!["coverage", rules, "--by-rule"],
    ];
    for c in cases {
        let r = crate::common::sample(&c);
        // lint's sample rules hold drift: it exits 1 with its findings.
        let code = i32::from(c[0] == "lint");
        assert_eq!(r.code, code, "{c:?}: {}", r.stderr);
        let first = r.stdout.lines().next().unwrap_or_default();
        assert!(
            first.contains("enterprise-attack 2.0"),
            "{c:?}: the caption does not name the domain and version: {first}"
        );
    }
    let r = crate::common::sample(&["--domain", "ics", "list", "assets"]);
    assert!(
        r.stdout.starts_with("2 assets in ics-attack 1.0\n"),
        "{}",
        r.stdout
    );
}
