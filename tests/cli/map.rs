//! `attck map`: ATT&CK references in a hand-written report (our own words, in
//! tests/cli/data/report.txt) against the sample bundle, and in a short text against real
//! enterprise 18.1 (IDs checked with Python over ../shared/attack).

use std::io::Write;
use std::process::Stdio;

use serde::Deserialize;

use attck_explorer::query::map::MatchedAs::{Alias, Id, Name};
use attck_explorer::query::map::{MapOptions, MatchedAs, map};

use crate::common::{attck_in, real_kb, sample, sample_dir};

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Ref {
    id: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapped {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    tactics: Vec<String>,
    mentions: usize,
    lines: Vec<usize>,
    matched_as: Vec<String>,
    replaced: Option<Ref>,
}

fn report() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/data/report.txt")
        .display()
        .to_string()
}

fn mapped(extra: &[&str]) -> (Vec<Mapped>, String) {
    let path = report();
    let mut args = vec!["map", path.as_str(), "-f", "json"];
    args.extend_from_slice(extra);
    let r = sample(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (r.json(), r.stderr)
}

/// (id, type, mentions, lines, `matched_as`, replaced id)
type Row = (
    String,
    String,
    usize,
    Vec<usize>,
    Vec<String>,
    Option<String>,
);

fn rows(v: &[Mapped]) -> Vec<Row> {
    v.iter()
        .map(|m| {
            (
                m.id.clone(),
                m.kind.clone(),
                m.mentions,
                m.lines.clone(),
                m.matched_as.clone(),
                m.replaced.as_ref().map(|r| r.id.clone()),
            )
        })
        .collect()
}

fn row(
    id: &str,
    kind: &str,
    mentions: usize,
    lines: &[usize],
    how: &[&str],
    replaced: Option<&str>,
) -> Row {
    (
        id.to_string(),
        kind.to_string(),
        mentions,
        lines.to_vec(),
        how.iter().map(ToString::to_string).collect(),
        replaced.map(ToString::to_string),
    )
}

#[test]
fn ids_names_aliases_revoked_and_unknown() {
    let (found, stderr) = mapped(&["--names"]);
    assert_eq!(
        rows(&found),
        [
            row("C0901", "campaign", 1, &[15], &["id"], None),
            // Quiet Heron (line 3), GRAPHITE WREN and G0902 (line 15).
            row("G0902", "group", 3, &[3, 15], &["id", "alias"], None),
            // NightCrate and its alias NCRATE.
            row("S0901", "software", 2, &[13], &["name", "alias"], None),
            // sweep.py (an alias with a dot) and Sweeper.
            row("S0903", "software", 2, &[13, 14], &["name", "alias"], None),
            row("S0904", "software", 1, &[14], &["name"], None),
            // T1168 is revoked: mapped to its replacement.
            row("T1053", "technique", 1, &[9], &["id"], Some("T1168")),
            // Written T1053/003.
            row("T1053.003", "technique", 1, &[8], &["id"], None),
            row("T1059", "technique", 1, &[6], &["name"], None),
            // Its name, t1059.001 in lower case, and the revoked T1086.
            row(
                "T1059.001",
                "technique",
                3,
                &[5, 10],
                &["id", "name"],
                Some("T1086")
            ),
            row("T1059.004", "technique", 1, &[6], &["id"], None),
            // Deprecated: kept, with a warning.
            row("T1064", "technique", 1, &[10], &["id"], None),
            // "host fingerprinting (Host Fingerprinting)": whole words, any case.
            row("T1082", "technique", 2, &[18], &["name"], None),
            row("TA0002", "tactic", 1, &[18], &["id"], None),
            row("TA0003", "tactic", 1, &[18], &["id"], None),
            row("TA0007", "tactic", 1, &[18], &["id"], None),
        ]
    );
    let t = found.iter().find(|m| m.id == "T1053").unwrap();
    assert_eq!(t.name, "Timed Job Planting");
    assert_eq!(t.tactics, ["execution", "persistence"]);
    assert_eq!(
        t.replaced,
        Some(Ref {
            id: "T1168".into(),
            name: "Local Job Planting".into()
        })
    );
    assert!(
        found
            .iter()
            .filter(|m| m.kind != "technique")
            .all(|m| m.tactics.is_empty())
    );
    for needle in [
        "T1999 is not in enterprise-attack 2.0 (line 19)",
        "G0999 is not in enterprise-attack 2.0 (line 19)",
        // Moved to T1543.002 in 2.0: no longer an ID there.
        "T1053.006 is not in enterprise-attack 2.0 (line 9)",
        "T1086 (Managed Shell Scripting) is revoked: mapped to its replacement T1059.001",
        "T1064 (Legacy Scripting) is deprecated",
    ] {
        assert!(stderr.contains(needle), "{needle}:\n{stderr}");
    }
    // Lookalikes named nothing.
    assert!(!stderr.contains("T1059.0011") && !stderr.contains("S00021"));
}

#[test]
fn without_names_only_ids_count() {
    let (found, _) = mapped(&[]);
    let ids: Vec<&str> = found.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "C0901",
            "G0902",
            "T1053",
            "T1053.003",
            "T1059.001",
            "T1059.004",
            "T1064",
            "TA0002",
            "TA0003",
            "TA0007"
        ]
    );
    assert!(found.iter().all(|m| m.matched_as == ["id"]));
    let g = found.iter().find(|m| m.id == "G0902").unwrap();
    assert_eq!((g.mentions, g.lines.as_slice()), (1, &[15][..]));
}

#[test]
fn the_older_version_knows_other_ids() {
    let (found, stderr) = mapped(&["--attack-version", "1.0"]);
    // T1053.006 exists in 1.0; T1168 is active there.
    assert!(found.iter().any(|m| m.id == "T1053.006"));
    assert!(
        found
            .iter()
            .any(|m| m.id == "T1168" && m.replaced.is_none())
    );
    assert!(!stderr.contains("T1053.006 is not"));
}

#[test]
fn quiet_hides_the_warnings() {
    let r = sample(&["map", &report(), "-q"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn reads_stdin() {
    let home = tempfile::tempdir().unwrap();
    let dir = sample_dir();
    let mut child = attck_in(home.path())
        .args(["--data-dir", dir.to_str().unwrap(), "map", "-", "-f", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"seen: T1027 twice (T1027) and\nS0902\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id,name,type,tactics,mentions,lines,matched_as,replaced\n\
         S0902,Tallow,software,,1,2,id,\n\
         T1027,Content Scrambling,technique,defense-evasion,2,1,id,\n"
    );
}

#[test]
fn nothing_found_is_exit_1_and_bad_input_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "Nothing to see here.\n").unwrap();
    let r = sample(&["map", plain.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("no ATT&CK reference"), "{}", r.stderr);
    let r = sample(&["map", plain.to_str().unwrap(), "-f", "json"]);
    assert_eq!((r.code, r.stdout.trim()), (1, "[]"));

    let binary = dir.path().join("blob.bin");
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    bytes.extend_from_slice(b"\xff\xfeT1027\xc3");
    std::fs::write(&binary, &bytes).unwrap();
    let r = sample(&["map", binary.to_str().unwrap(), "--names", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"T1027\""));

    let r = sample(&["map", dir.path().join("missing.txt").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("attck: cannot read"), "{}", r.stderr);
}

/// Our own sentences, mapped against real enterprise 18.1.
const REAL_TEXT: &str =
    "The actor, tracked by others as Cozy Bear and APT29, sent Phishing emails with a
malicious DLL. Software on the host was listed with Tasklist.
They dumped credentials with Mimikatz and moved with PsExec and
cmd.exe; at 10:00 they used the at command and route print. PowerShell scripts and
Python loaders ran; a Cobalt Strike beacon talked over SSH. We saw T1086 and t1003/001.
Command and Scripting Interpreter: Python was also noted. Malware was staged.";

#[test]
fn real_enterprise_names_and_common_words() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let r = map(&kb, REAL_TEXT, MapOptions { names: true });
    let got: Vec<(&str, Vec<MatchedAs>)> = r
        .found
        .iter()
        .map(|m| (m.id.as_str(), m.matched_as.clone()))
        .collect();
    assert_eq!(
        got,
        [
            // APT29 by name, Cozy Bear by alias.
            ("G0016", vec![Name, Alias]),
            ("S0002", vec![Name]),
            ("S0029", vec![Name]),
            ("S0057", vec![Name]),
            // cmd.exe is an alias of cmd; the bare word cmd would not be.
            ("S0106", vec![Alias]),
            ("S0154", vec![Name]),
            ("T1003.001", vec![Id]),
            // T1086 is revoked by T1059.001 PowerShell, also named in the text.
            ("T1059.001", vec![Id, Name]),
            // Python alone is an ordinary word naming a sub-technique: only the full form counts.
            ("T1059.006", vec![Name]),
            ("T1566", vec![Name]),
        ]
    );
    let ps = r.found.iter().find(|m| m.id == "T1059.001").unwrap();
    assert_eq!(ps.replaced.as_ref().map(|x| x.id.as_str()), Some("T1086"));
    assert_eq!(ps.lines, [4, 5]);
    // Not mapped: at (S0110), route (S0103), DLL (T1574.001), SSH (T1021.004), Software,
    // Malware: ordinary words in ATT&CK's own prose.
    for id in ["S0110", "S0103", "T1574.001", "T1021.004", "T1592.002"] {
        assert!(
            r.found.iter().all(|m| m.id != id),
            "{id} should not be found"
        );
    }
    // Without --names only the two IDs count.
    let r = map(&kb, REAL_TEXT, MapOptions::default());
    let ids: Vec<&str> = r.found.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["T1003.001", "T1059.001"]);
}

#[test]
fn layer_hands_the_techniques_to_navigator() {
    use attck_explorer::input::layer::{Parsed, parse};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report-layer.json");
    let r = sample(&[
        "map",
        &report(),
        "--names",
        "--layer",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    let Ok(Parsed::Layers(layers)) = parse(&std::fs::read(&out).unwrap()) else {
        panic!("not a layer");
    };
    let l = &layers[0];
    assert_eq!(l.domain_name(), Some("enterprise-attack"));
    assert_eq!(
        l.versions.as_ref().and_then(|v| v.attack.as_deref()),
        Some("2")
    );
    // One entry per technique and tactic; tactics, groups and software are not in a layer,
    // nor the deprecated T1064.
    let entries: Vec<(&str, Option<&str>, Option<f64>)> = l
        .techniques
        .iter()
        .map(|e| (e.technique_id.as_str(), e.tactic.as_deref(), e.score))
        .collect();
    assert_eq!(
        entries,
        [
            ("T1053", Some("execution"), Some(1.0)),
            ("T1053", Some("persistence"), Some(1.0)),
            ("T1053.003", Some("execution"), Some(1.0)),
            ("T1053.003", Some("persistence"), Some(1.0)),
            ("T1059", Some("execution"), Some(1.0)),
            ("T1059.001", Some("execution"), Some(3.0)),
            ("T1059.004", Some("execution"), Some(1.0)),
            ("T1082", Some("discovery"), Some(2.0)),
        ]
    );
    let t1053 = &l.techniques[0];
    assert_eq!(
        t1053.comment.as_deref(),
        Some("Mentioned 1 time (line 9); written as T1168, which it replaced")
    );
    // Nothing technique-shaped: no layer written, and a warning says so.
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "G0902 only\n").unwrap();
    let out2 = dir.path().join("none.json");
    let r = sample(&[
        "map",
        plain.to_str().unwrap(),
        "--layer",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0);
    assert!(!out2.exists());
    assert!(r.stderr.contains("not written"), "{}", r.stderr);
}
