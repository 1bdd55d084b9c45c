//! `attck search` on the hand-written samples.

use crate::common::sample;
use crate::contract::{Hit, ProcedureHit};

fn hits(args: &[&str]) -> Vec<Hit> {
    let mut v = vec!["search"];
    v.extend_from_slice(args);
    v.extend_from_slice(&["-f", "json"]);
    let r = sample(&v);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r.json()
}

fn ids(h: &[Hit]) -> Vec<&str> {
    h.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn word_start_matches_and_inner_matches_do_not() {
    assert_eq!(ids(&hits(&["container"])), ["T1497"]);
    let r = sample(&["search", "sms"]);
    assert_eq!(r.code, 1, "'sms' only occurs inside 'mechanisms'");
    assert!(r.stdout.is_empty());
    assert_eq!(sample(&["search", "sms", "-f", "json"]).stdout.trim(), "[]");
}

fn sorted_ids(h: &[Hit]) -> Vec<&str> {
    let mut v = ids(h);
    v.sort_unstable();
    v
}

/// The name tier: a score's integer part.
fn tier(score: f64) -> i64 {
    score.floor() as i64
}

fn has(h: &Hit, field: &str) -> bool {
    h.matched_in.iter().any(|m| m == field)
}

#[test]
fn ranking_name_first_then_evidence_then_id() {
    let h = hits(&["interpreter"]);
    assert_eq!(ids(&h), ["T1059", "T1059.001", "T1059.004"]);
    assert!(h[0].score > h[1].score);
    assert!(h[1].score >= h[2].score);
    assert!(h.iter().all(|h| has(h, "description")));
    // DET0901, which detects T1059, is named for interpreter abuse.
    assert!(has(&h[0], "linked_names"));
    // A name match outranks description matches.
    let h = hits(&["scripted"]);
    assert_eq!(h[0].id, "T1059");
    assert!(has(&h[0], "name"));
    assert!(h[0].score >= 4.0);
}

#[test]
fn exact_name_first_then_its_children_then_phrases() {
    // "Scripted Launch" is T1059's whole name, and its sub-techniques' parent's name.
    let h = hits(&["Scripted", "Launch"]);
    assert_eq!(ids(&h), ["T1059", "T1059.001", "T1059.004"]);
    assert_eq!(tier(h[0].score), 6, "exact name");
    assert_eq!(tier(h[1].score), 5, "the parent's exact name");
    assert!(has(&h[1], "parent") && !has(&h[1], "name"));
    // Case and punctuation do not matter for an exact name.
    assert_eq!(tier(hits(&["scripted-launch"])[0].score), 6);
    // The name holds "managed shell" as a phrase: before descriptions that mention it.
    let h = hits(&["managed", "shell"]);
    assert_eq!(h[0].id, "T1059.001");
    assert_eq!(tier(h[0].score), 4);
    assert!(h[1..].iter().all(|h| h.score < 1.0), "{h:?}");
    // Every word in the name, not as a phrase.
    let h = hits(&["planting", "job"]);
    assert_eq!(h[0].id, "T1053");
    assert_eq!(tier(h[0].score), 2);
}

#[test]
fn former_names_find_the_replacement() {
    // T1086 "Managed Shell Scripting" was revoked in favour of T1059.001.
    let h = hits(&["managed", "shell", "scripting"]);
    assert_eq!(h[0].id, "T1059.001");
    assert!(has(&h[0], "former_name"));
    assert_eq!(tier(h[0].score), 5, "one step below its own exact name");
    let h = hits(&["managed", "shell", "scripting", "--include-revoked"]);
    assert_eq!(ids(&h)[..2], ["T1086", "T1059.001"]);
    assert!(h[0].revoked);
}

#[test]
fn procedure_examples_and_linked_names_are_evidence() {
    // "hypervisor" occurs only in Tallow's procedure example for T1497.
    let h = hits(&["hypervisor"]);
    assert_eq!(ids(&h), ["T1497"]);
    assert_eq!(h[0].matched_in, ["procedures"]);
    assert!(
        h[0].snippet.contains("hypervisor vendor string"),
        "{}",
        h[0].snippet
    );
    assert!(h[0].score < 1.0);
    // Detection strategies are named for what they spot; their techniques are found.
    let h = hits(&["spotting"]);
    assert_eq!(sorted_ids(&h), ["T1053.003", "T1059", "T1497"]);
    assert!(h.iter().all(|h| h.matched_in == ["linked_names"]));
    assert!(h.iter().all(|h| h.snippet.contains("Spotting")));
    // A software's name finds the techniques it uses (T1064 is deprecated, so hidden).
    let h = hits(&["tallow"]);
    assert_eq!(sorted_ids(&h), ["T1053.003", "T1059.004", "T1497"]);
    assert!(
        h.iter()
            .all(|h| has(h, "linked_names") && has(h, "procedures"))
    );
    // Own text outweighs linked text: the description hit ranks first.
    let h = hits(&["sandbox"]);
    assert_eq!(h[0].id, "T1497");
    assert!(has(&h[0], "description"));
}

fn procedures(args: &[&str]) -> Vec<ProcedureHit> {
    let mut v = vec!["search", "--type", "procedure"];
    v.extend_from_slice(args);
    v.extend_from_slice(&["-f", "json"]);
    let r = sample(&v);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    r.json()
}

fn rows(h: &[ProcedureHit]) -> Vec<(&str, &str)> {
    let mut v: Vec<(&str, &str)> = h
        .iter()
        .map(|h| (h.technique.id.as_str(), h.source.id.as_str()))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn procedure_search_finds_the_examples_themselves() {
    let h = procedures(&["job", "table"]);
    assert_eq!(rows(&h), [("T1053.003", "G0902"), ("T1053.003", "S0902")]);
    for p in &h {
        assert_eq!(p.technique.name, "Recurring Table Entry");
        assert!(p.matched_in.contains(&"procedure".to_string()));
        assert!(
            p.matched_in.contains(&"technique".to_string()),
            "its name holds 'table'"
        );
        assert!(p.snippet.contains("job table"), "{}", p.snippet);
    }
    let kinds: Vec<&str> = h.iter().map(|p| p.source.kind.as_str()).collect();
    assert!(kinds.contains(&"group") && kinds.contains(&"software"));
    // A source's aliases are its names: Ember Weave was tracked as Ember Loom.
    let h = procedures(&["loom"]);
    assert_eq!(
        rows(&h),
        [
            ("T1027", "G0903"),
            ("T1059.004", "G0903"),
            ("T1497", "G0903")
        ]
    );
    assert!(h.iter().all(|p| p.source.name == "Ember Weave"));
    // The source's name outranks the text: Tallow's own examples first.
    let h = procedures(&["tallow"]);
    assert!(h.iter().all(|p| p.source.id == "S0902"));
    assert!(h[0].score >= 6.0);
    // Retired procedure examples (their relationship revoked) are not searched.
    assert!(procedures(&["withdrawn"]).is_empty());
}

#[test]
fn procedure_search_filters_and_formats() {
    assert_eq!(procedures(&["tallow", "--limit", "1"]).len(), 1);
    assert_eq!(
        rows(&procedures(&["tallow", "--tactic", "discovery"])),
        [("T1497", "S0902")]
    );
    assert_eq!(
        rows(&procedures(&["operators", "--platform", "linux"])),
        [("T1082", "C0901"), ("T1652", "C0903")]
    );
    let r = sample(&["search", "--type", "procedure", "hypervisor"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("S0902 Tallow") && r.stdout.contains("T1497 Sandbox Awareness"));
    let csv = sample(&["search", "--type", "procedure", "hypervisor", "-f", "csv"]);
    assert!(
        csv.stdout
            .starts_with("source,technique,score,matched_in,snippet\nS0902,T1497,")
    );
    // Highlights on a colour terminal, in procedure and linked-name snippets alike.
    let bold = "\u{1b}[1;33m";
    let r = sample(&[
        "search",
        "--type",
        "procedure",
        "hypervisor",
        "--color",
        "always",
    ]);
    assert!(
        r.stdout.contains(&format!("{bold}hypervisor\u{1b}[0m")),
        "{}",
        r.stdout
    );
    let r = sample(&["search", "spotting", "--color", "always"]);
    assert!(
        r.stdout.contains(&format!("{bold}Spotting\u{1b}[0m")),
        "{}",
        r.stdout
    );
    let r = sample(&["search", "--type", "procedure", "nothingatall"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no procedure example"), "{}", r.stderr);
}

#[test]
fn every_word_must_match_and_phrases_match_in_order() {
    let both = hits(&["interpreter", "windows"]);
    assert!(!both.is_empty());
    for h in &both {
        assert!(ids(&hits(&["interpreter"])).contains(&h.id.as_str()));
    }
    let phrase = hits(&["\"virtual machines\""]);
    let reversed = hits(&["\"machines virtual\""]);
    assert_eq!(ids(&phrase), ["T1497"]);
    assert!(reversed.is_empty());
}

#[test]
fn snippet_is_one_line_containing_the_match() {
    let h = hits(&["container"]);
    assert!(
        h[0].snippet.to_lowercase().contains("container"),
        "{}",
        h[0].snippet
    );
    assert!(!h[0].snippet.contains('\n'));
    assert!(!h[0].snippet.contains("(Citation:"));
}

#[test]
fn limit_tactic_and_platform_filters() {
    assert_eq!(hits(&["interpreter", "--limit", "1"]).len(), 1);
    assert_eq!(
        ids(&hits(&["interpreter", "--platform", "linux"])),
        ["T1059", "T1059.004"]
    );
    assert!(hits(&["interpreter", "--tactic", "discovery"]).is_empty());
    // T1053.003 names the scheduler only inside a citation, which search ignores.
    assert_eq!(ids(&hits(&["scheduler", "--tactic", "TA0003"])), ["T1053"]);
    assert_eq!(
        ids(&hits(&["recurring", "--tactic", "persistence"])),
        ["T1053.003"]
    );
}

#[test]
fn deprecated_only_with_the_flag() {
    assert!(!ids(&hits(&["interpreter"])).contains(&"T1064"));
    let h = hits(&["interpreter", "--include-deprecated"]);
    let t1064 = h
        .iter()
        .find(|h| h.id == "T1064")
        .expect("T1064 with --include-deprecated");
    assert!(t1064.deprecated);
}

#[test]
fn table_and_csv_forms() {
    let r = sample(&["search", "container"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("T1497"));
    let csv = sample(&["search", "container", "-f", "csv"]);
    assert!(csv.stdout.starts_with("id,name,is_subtechnique,parent,tactics,platforms,revoked,deprecated,score,matched_in,snippet\n"));
}

#[test]
fn a_damaged_search_index_is_answered_from_the_bundle() {
    use crate::common::{attck_in, run_with, sample_dir};
    let home = tempfile::tempdir().unwrap();
    let bundle = home.path().join("enterprise-attack-2.0.json");
    std::fs::copy(sample_dir().join("enterprise-attack-2.0.json"), &bundle).unwrap();
    let caches = home.path().join("caches");
    let run = |args: &[&str]| {
        let mut cmd = attck_in(home.path());
        cmd.env("ATTCK_CACHE_DIR", &caches);
        let mut v = vec!["--bundle", bundle.to_str().unwrap()];
        v.extend_from_slice(args);
        run_with(cmd, &v)
    };
    let queries: [&[&str]; 3] = [
        &["search", "tallow", "-f", "json"],
        &[
            "search",
            "--type",
            "procedure",
            "job",
            "table",
            "-f",
            "json",
        ],
        &["search", "--type", "all", "lantern", "-f", "json"],
    ];
    let answers = |extra: &[&str]| -> Vec<String> {
        queries
            .iter()
            .map(|q| {
                let mut v = q.to_vec();
                v.extend_from_slice(extra);
                let r = run(&v);
                assert_eq!(r.code, 0, "{q:?}: {}", r.stderr);
                r.stdout
            })
            .collect()
    };
    let parsed = answers(&["--no-cache"]);
    assert_eq!(
        answers(&[]),
        parsed,
        "the first run, which builds the cache"
    );
    assert_eq!(answers(&[]), parsed, "a warm run");
    let file = std::fs::read_dir(&caches)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let whole = std::fs::read(&file).unwrap();
    let head = attck_explorer::model::cache_format::header(&whole).unwrap();
    let s = head.sections.iter().find(|s| s.name == "search").unwrap();
    let mut bytes = whole.clone();
    let mid = (s.offset + s.len / 2) as usize;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0xA5;
    }
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(answers(&[]), parsed, "answered from the bundle");
    assert_eq!(answers(&[]), parsed);
    assert!(
        std::fs::read(&file).unwrap() == whole,
        "the damaged cache was replaced by a whole one"
    );
}
