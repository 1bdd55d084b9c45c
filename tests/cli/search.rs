//! `attck search` on the hand-written samples.

use crate::common::sample;
use crate::contract::Hit;

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

#[test]
fn ranking_name_first_then_occurrences_then_id() {
    let h = hits(&["interpreter"]);
    assert_eq!(ids(&h), ["T1059", "T1059.001", "T1059.004"]);
    assert!(h[0].score > h[1].score);
    assert!(h[1].score >= h[2].score);
    assert!(h.iter().all(|h| h.matched_in == ["description"]));
    // A name match outranks description matches.
    let h = hits(&["scripted"]);
    assert_eq!(h[0].id, "T1059");
    assert!(h[0].matched_in.contains(&"name".to_string()));
    assert!(h[0].score >= 1.0);
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
