//! `attck matrix`: columns in matrix order, techniques by name, sub-techniques under their
//! parent, platform filters, every format; facts from data/sample/README.md and FACTS.md.

use crate::common::{real, sample};
use crate::contract::{MatrixColumn, MatrixTactic};

fn columns(args: &[&str]) -> Vec<MatrixColumn> {
    let mut v = vec!["matrix", "-f", "json"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn names(c: &MatrixColumn) -> Vec<&str> {
    c.techniques.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn columns_in_matrix_order_techniques_by_name() {
    let m = columns(&[]);
    let tactics: Vec<&str> = m.iter().map(|c| c.tactic.shortname.as_str()).collect();
    assert_eq!(
        tactics,
        [
            "reconnaissance",
            "execution",
            "persistence",
            "defense-evasion",
            "discovery"
        ]
    );
    assert_eq!(
        m[1].tactic,
        MatrixTactic {
            id: "TA0002".into(),
            shortname: "execution".into(),
            name: "Execution".into()
        }
    );
    // By name, not by ID: T1543 before T1059 before T1053.
    assert_eq!(
        names(&m[1]),
        [
            "Resident Service Setup",
            "Scripted Launch",
            "Timed Job Planting"
        ]
    );
    assert_eq!(
        names(&m[4]),
        [
            "Host Fingerprinting",
            "Kernel Module Census",
            "Sandbox Awareness"
        ]
    );
    // A technique under two tactics appears in both columns.
    assert!(names(&m[3]).contains(&"Sandbox Awareness"));
    // Without --subtechniques, none are listed.
    assert!(
        m.iter()
            .flat_map(|c| &c.techniques)
            .all(|t| t.subtechniques.is_empty())
    );
}

#[test]
fn subtechniques_sit_under_their_parent_in_each_of_their_tactics() {
    let m = columns(&["--subtechniques"]);
    let exec = &m[1];
    let t1059 = exec.techniques.iter().find(|t| t.id == "T1059").unwrap();
    let subs: Vec<&str> = t1059.subtechniques.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(subs, ["T1059.001", "T1059.004"]); // Managed…, Terminal… (by name)
    let persist = &m[2];
    let t1543 = persist.techniques.iter().find(|t| t.id == "T1543").unwrap();
    assert_eq!(t1543.subtechniques[0].id, "T1543.002");
    // T1543.002 is persistence only, so T1543 lists nothing under execution.
    let t1543x = exec.techniques.iter().find(|t| t.id == "T1543").unwrap();
    assert!(t1543x.subtechniques.is_empty());
}

#[test]
fn platforms_filter_techniques_and_subtechniques() {
    let m = columns(&["--platform", "linux", "--subtechniques"]);
    assert!(m[0].techniques.is_empty(), "T1595 is PRE only");
    let t1059 = m[1].techniques.iter().find(|t| t.id == "T1059").unwrap();
    let subs: Vec<&str> = t1059.subtechniques.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(subs, ["T1059.004"], "T1059.001 is Windows only");
    let m = columns(&["--platform", "PRE", "--platform", "macos"]);
    let total: usize = m.iter().map(|c| c.techniques.len()).sum();
    assert!(total > 1);
    let m = columns(&["--platform", "PRE"]);
    let total: usize = m.iter().map(|c| c.techniques.len()).sum();
    assert_eq!(total, 1);
    // An unknown platform is an error listing the known ones, as in every command.
    let r = sample(&["matrix", "--platform", "Amiga"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("Linux, macOS, PRE, Windows"),
        "{}",
        r.stderr
    );
}

#[test]
fn older_versions_and_other_domains() {
    let m = columns(&["--attack-version", "1.0"]);
    let total: usize = m.iter().map(|c| c.techniques.len()).sum();
    // 1.0: recon 1, execution 3, persistence 3, defense-evasion 4, discovery 2.
    assert_eq!(total, 13);
    assert!(names(&m[3]).contains(&"Target Gating"));
    let m = columns(&["--domain", "ics"]);
    let tactics: Vec<&str> = m.iter().map(|c| c.tactic.shortname.as_str()).collect();
    assert_eq!(
        tactics,
        ["initial-access", "execution", "inhibit-response-function"]
    );
    assert_eq!(
        names(&m[1]),
        ["Controller Task Swap", "Engineering Console Abuse"]
    );
}

#[test]
fn csv_is_one_row_per_tactic_and_technique() {
    let r = sample(&["matrix", "--subtechniques", "-f", "csv"]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "tactic_id,tactic_shortname,tactic_name,id,name,parent"
    );
    // 1 + 6 + 4 + 2 + 3 rows (README: active members per tactic).
    assert_eq!(lines.len() - 1, 16);
    assert!(lines.contains(&"TA0002,execution,Execution,T1059.001,Managed Shell Host,T1059"));
}

#[test]
fn html_is_one_self_contained_page() {
    let r = sample(&["matrix", "--subtechniques", "-f", "html"]);
    assert_eq!(r.code, 0);
    let h = &r.stdout;
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.trim_end().ends_with("</html>"));
    for remote in ["<script", "src=", "href=", "@import", "url(", "<link"] {
        assert!(!h.contains(remote), "fetches something: {remote}");
    }
    assert_eq!(h.matches("<section class=\"tactic\">").count(), 5);
    assert!(h.contains("<span class=\"id\">T1059.001</span>Managed Shell Host"));
    assert!(h.contains("class=\"cell sub\""));
}

#[test]
fn enterprise_18_1_columns_match_the_independent_counts() {
    let Some(r) = real(&["matrix", "--subtechniques", "-f", "json"]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Vec<MatrixColumn> = r.json();
    // FACTS.md, enterprise-attack-18.1.json, "Tactics": techniques and sub-techniques per tactic.
    let expected = [
        ("reconnaissance", 11, 34),
        ("resource-development", 8, 39),
        ("initial-access", 11, 11),
        ("execution", 17, 29),
        ("persistence", 23, 103),
        ("privilege-escalation", 14, 95),
        ("defense-evasion", 47, 168),
        ("credential-access", 17, 50),
        ("discovery", 34, 15),
        ("lateral-movement", 9, 14),
        ("collection", 17, 24),
        ("command-and-control", 18, 27),
        ("exfiltration", 9, 10),
        ("impact", 15, 18),
    ];
    let got: Vec<(&str, usize, usize)> = m
        .iter()
        .map(|c| {
            (
                c.tactic.shortname.as_str(),
                c.techniques.len(),
                c.techniques.iter().map(|t| t.subtechniques.len()).sum(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    for c in &m {
        let n: Vec<String> = c.techniques.iter().map(|t| t.name.to_lowercase()).collect();
        let mut sorted = n.clone();
        sorted.sort();
        assert_eq!(n, sorted, "{} is not sorted by name", c.tactic.shortname);
    }
}

#[test]
fn the_html_matrix_breaks_names_between_words_only() {
    let r = sample(&["matrix", "--subtechniques", "-f", "html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No rule lets a browser break inside a word or hyphenate one.
    for bad in [
        "overflow-wrap: anywhere",
        "word-break: break-all",
        "hyphens: auto",
    ] {
        assert!(!r.stdout.contains(bad), "{bad}");
    }
    assert!(r.stdout.contains("overflow-wrap: normal"));
    // Columns are at least as wide as their longest word.
    assert!(r.stdout.contains("minmax(min-content"));
    if let Some(real) = real(&["matrix", "-f", "html"]) {
        // Websites/Domains, Shutdown/Reboot: a break is offered after the slash.
        assert!(
            real.stdout.contains("Shutdown/<wbr>Reboot"),
            "no break after the slash"
        );
        assert!(!real.stdout.contains("Shutdown/Reboot<"));
    }
}
