//! Snapshots of every command in every format on the hand-written samples (our own text).

use std::sync::OnceLock;

use crate::common::{sample, sample_dir};

const FORMATS: [&str; 6] = ["table", "json", "jsonl", "csv", "markdown", "html"];

/// What stands for the style block in the HTML snapshots.
const STYLE: &str = "<style>[the style block: snapshot html_style]</style>";

/// An HTML page's `<style>` element and the page with [`STYLE`] in its place.
fn split_style(page: &str) -> (&str, String) {
    let start = page.find("<style>").expect("the page has a style block");
    let end = page[start..]
        .find("</style>")
        .expect("the style block ends")
        + start
        + 8;
    let style = &page[start..end];
    (style, page.replacen(style, STYLE, 1))
}

/// The style block every HTML page carries (of `tactics -f html`).
fn style() -> &'static str {
    static STYLE_BLOCK: OnceLock<String> = OnceLock::new();
    STYLE_BLOCK.get_or_init(|| {
        let r = sample(&["tactics", "-f", "html"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        split_style(&r.stdout).0.to_string()
    })
}

fn snap(name: &str, args: &[&str]) {
    for f in FORMATS {
        let mut v = args.to_vec();
        v.extend_from_slice(&["-f", f]);
        let r = sample(&v);
        assert!(r.code == 0, "{name} {f}: {}", r.stderr);
        // Paths into this checkout differ between machines.
        let dir = sample_dir().display().to_string();
        let mut out = r.stdout.replace(&dir, "[sample]");
        if f == "html" {
            // The style block is the same on every page: snapshotted once (`html_style`).
            let (page_style, page) = split_style(&out);
            assert_eq!(
                page_style,
                style(),
                "{name}: a page with another style block"
            );
            out = page;
        }
        insta::assert_snapshot!(format!("{name}__{f}"), out);
    }
}

#[test]
fn html_style() {
    insta::assert_snapshot!("html_style", style());
}

#[test]
fn technique() {
    snap("technique_T1059", &["technique", "T1059"]);
    snap(
        "technique_T1059.001_v1",
        &["technique", "T1059.001", "--attack-version", "1.0"],
    );
    snap("technique_T1086_revoked", &["technique", "T1086"]);
}

#[test]
fn tactics() {
    snap("tactics", &["tactics"]);
    snap("tactics_ics", &["tactics", "--domain", "ics"]);
}

#[test]
fn tactic() {
    snap("tactic_execution", &["tactic", "execution"]);
    snap(
        "tactic_execution_all_v1",
        &[
            "tactic",
            "execution",
            "--attack-version",
            "1.0",
            "--include-revoked",
            "--include-deprecated",
        ],
    );
}

#[test]
fn search() {
    snap("search_interpreter", &["search", "interpreter"]);
    snap("search_phrase", &["search", "\"virtual machines\""]);
    snap(
        "search_procedures_tallow",
        &["search", "--type", "procedure", "tallow"],
    );
    snap(
        "search_all_lantern",
        &["search", "--type", "all", "lantern"],
    );
}

#[test]
fn matrix() {
    snap("matrix", &["matrix"]);
    snap("matrix_subtechniques", &["matrix", "--subtechniques"]);
    snap("matrix_ics", &["matrix", "--domain", "ics"]);
}

#[test]
fn coverage() {
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "T1059.001 T1027 T1086 T9999 T1064 T1543.002\n").unwrap();
    let ids = ids.to_str().unwrap();
    snap("coverage", &["coverage", ids]);
    snap(
        "coverage_subtechniques_against_G0902",
        &["coverage", ids, "--subtechniques", "--against", "G0902"],
    );
}

#[test]
fn layer() {
    let r = sample(&["layer", "--group", "G0902", "--search", "interpreter"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("layer_G0902_interpreter", r.stdout);
}

#[test]
fn diff() {
    snap("diff_1.0_2.0", &["diff", "1.0", "2.0"]);
}

#[test]
fn map() {
    let report = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/data/report.txt");
    snap(
        "map_report_names",
        &["map", report.to_str().unwrap(), "--names"],
    );
}
