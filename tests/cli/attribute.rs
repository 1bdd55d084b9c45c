//! `attck attribute` on the sample bundle (enterprise 2.0): rankings, scores and evidence
//! worked out by hand from data/sample/README.md, every input kind, formats, --layer, errors.
//!
//! Group profiles in the sample, closed under capability (a piece of software brings the
//! techniques it uses, in brackets): G0902 {S0901 [T1027, T1059.001, T1543], T1053.003,
//! T1059.001, T1082, T1543.002}, G0903 {S0903 [T1082], T1027, T1059.004, T1497}, G0904
//! {S0904 [T1082, T1652], T1652}. Their records: each group's own uses, and C0901 {S0901 [..],
//! T1059.001, T1082} for G0902, C0902 {S0903 [T1082], T1497} for G0903, C0903 {S0904 [..],
//! T1652} for G0904. Among the three profiles T1082 is in all (weight w(3) = 1), T1027 in two
//! (w(2)), everything else in one (w(1)), where w(df) = ln(4 / (df + 1)) + 1.

use std::fs;

use crate::common::{sample, sample_kb, sample_stdin};
use crate::contract::Candidate;
use crate::navigator::check_layer;

fn attribute(args: &[&str]) -> Vec<Candidate> {
    let mut v = vec!["attribute", "-f", "json"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn ids(c: &[Candidate]) -> Vec<&str> {
    c.iter().map(|c| c.id.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

fn w(df: u32) -> f64 {
    (4.0 / f64::from(df + 1)).ln() + 1.0
}

#[test]
fn groups_ranked_with_their_evidence() {
    let c = attribute(&["T1059.001", "T1082"]);
    assert_eq!(ids(&c), ["G0902", "G0903", "G0904"]);
    let top = &c[0];
    assert_eq!(
        (top.rank, top.name.as_str(), top.kind.as_str()),
        (1, "Tin Lantern", "group")
    );
    // Both observed items in a seven-item profile (T1027, five rare items, T1082):
    // D = W_O = w(1) + w(3), score = (W_O / W_P)^0.2.
    let w_obs = w(1) + w(3);
    let w_p = w(2) + 5.0 * w(1) + w(3);
    assert!(close(top.score, (w_obs / w_p).powf(0.2)), "{}", top.score);
    assert_eq!(top.basis, "profile");
    assert!(close(top.profile_score, top.score));
    assert!(close(top.observed_share, 1.0));
    assert!(close(top.profile_share, w_obs / w_p));
    assert_eq!(top.profile_size, 7);
    // Its closest record is C0901 (five items), scored (W_O / W_C0901)^0.3: lower.
    let r = top.record.as_ref().unwrap();
    assert_eq!(
        (r.id.as_str(), r.kind.as_str(), r.size),
        ("C0901", "campaign", 5)
    );
    assert!(close(
        r.score,
        (w_obs / (w(2) + 3.0 * w(1) + w(3))).powf(0.3)
    ));
    let matched: Vec<(&str, &str, Option<&str>)> = top
        .matched
        .iter()
        .map(|m| (m.id.as_str(), m.relation.as_str(), m.via.as_deref()))
        .collect();
    assert_eq!(
        matched,
        [("T1059.001", "same", None), ("T1082", "same", None)]
    );
    assert!(top.missing.is_empty());
    assert!(close(top.matched[0].weight, w(1)));
    assert!(close(top.matched[0].earned, w(1)));
    // G0903 has T1082 through Sweeper, and T1059.004, a sibling of T1059.001: a quarter of the
    // weight of the T1059 family, which two profiles touch.
    let second = &c[1];
    let m: Vec<(&str, &str, Option<&str>, Option<&str>)> = second
        .matched
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.relation.as_str(),
                m.via.as_deref(),
                m.through.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        m,
        [
            ("T1082", "same", None, Some("S0903")),
            ("T1059.001", "sibling", Some("T1059.004"), None)
        ]
    );
    assert!(close(second.matched[1].credit, 0.25));
    assert!(close(second.matched[1].earned, 0.25 * w(2)));
    assert!(second.missing.is_empty());
    let d = w(3) + 0.25 * w(2);
    assert!(close(second.observed_share, d / w_obs));
    let w_g3 = w(2) + 3.0 * w(1) + w(3);
    assert!(close(second.score, d / (w_obs.powf(0.8) * w_g3.powf(0.2))));
    // G0904 has T1082 through Glasswing, nothing of the T1059 family.
    let third = &c[2];
    assert_eq!(third.matched[0].through.as_deref(), Some("S0904"));
    assert_eq!(third.missing[0].id, "T1059.001");
    assert!(third.missing[0].implied_by.is_none());
}

#[test]
fn software_by_id_name_and_alias_and_comma_lists() {
    let by_name = attribute(&["Glasswing", "T1652"]);
    assert_eq!(by_name[0].id, "G0904");
    // The observation, Glasswing bringing T1082 and T1652, is exactly G0904's profile.
    assert!(close(by_name[0].score, 1.0));
    assert_eq!(
        by_name[0]
            .matched
            .iter()
            .map(|m| (m.id.as_str(), m.kind.as_str(), m.implied_by.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("S0904", "software", None),
            ("T1652", "technique", None),
            ("T1082", "technique", Some("S0904"))
        ]
    );
    // The others share only T1082; their campaigns (C0902, C0901) are their closest matches.
    assert_eq!(ids(&by_name), ["G0904", "G0903", "G0902"]);
    assert_eq!(by_name[1].basis, "record");
    assert_eq!(by_name[1].record.as_ref().unwrap().id, "C0902");
    let by_alias = attribute(&["gwing,T1652"]);
    assert_eq!(by_alias[0].id, "G0904");
    assert!(close(by_alias[0].score, 1.0));
    let by_id = attribute(&["S0904", "t1652"]);
    assert_eq!(by_id[0].id, "G0904");
}

#[test]
fn files_layers_and_stdin_read_like_coverage_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("seen.txt");
    fs::write(&text, "We saw T1059.001 and, later, T1082.\n").unwrap();
    let from_file = attribute(&[text.to_str().unwrap()]);
    assert_eq!(ids(&from_file), ["G0902", "G0903", "G0904"]);
    let layer = dir.path().join("seen.json");
    fs::write(
        &layer,
        r#"{"name":"x","domain":"enterprise-attack","versions":{"layer":"4.5"},"techniques":[{"techniqueID":"T1059.001","score":1},{"techniqueID":"T1082","score":1},{"techniqueID":"T1652","score":0}]}"#,
    )
    .unwrap();
    let from_layer = attribute(&[layer.to_str().unwrap()]);
    assert_eq!(ids(&from_layer), ["G0902", "G0903", "G0904"]);
    let all = attribute(&[layer.to_str().unwrap(), "--layer-all"]);
    assert_eq!(ids(&all), ["G0904", "G0902", "G0903"]);
    let r = sample_stdin(&["attribute", "-", "S0903", "-f", "json"], b"T1497\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: Vec<Candidate> = r.json();
    // Sweeper brings T1082: the observation is exactly C0902, G0903's campaign.
    assert_eq!(c[0].id, "G0903");
    assert_eq!(c[0].matched.len(), 3);
    assert_eq!(c[0].basis, "record");
    assert!(close(c[0].score, 1.0));
}

#[test]
fn a_revoked_id_counts_as_its_replacement() {
    let r = sample(&["attribute", "T1086", "T1082", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("T1086 is revoked; counted as T1059.001"),
        "{}",
        r.stderr
    );
    let c: Vec<Candidate> = r.json();
    assert_eq!(c[0].id, "G0902");
    assert_eq!(c[0].matched[0].id, "T1059.001");
}

#[test]
fn types_exclusions_and_top() {
    let campaigns = attribute(&["T1059.001", "T1082", "--type", "campaign"]);
    // C0902 and C0903 have T1082 through their software; campaigns have no records.
    assert_eq!(ids(&campaigns), ["C0901", "C0902", "C0903"]);
    assert!(
        campaigns
            .iter()
            .all(|c| c.kind == "campaign" && c.record.is_none() && c.basis == "profile")
    );
    let software = attribute(&["T1053.003", "T1497", "-t", "software"]);
    assert_eq!(software[0].id, "S0902");
    assert!(software.iter().all(|c| c.kind == "software"));
    // Excluding the best group leaves the other; names work as well as IDs.
    let who_else = attribute(&["T1059.001", "T1082", "--exclude", "Tin Lantern"]);
    assert_eq!(ids(&who_else), ["G0903", "G0904"]);
    // Excluding a technique takes it out of the observation too.
    let r = sample(&[
        "attribute",
        "T1059.001",
        "T1082",
        "--exclude",
        "G0903,T1082",
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("not counted as observed: T1082"),
        "{}",
        r.stderr
    );
    let c: Vec<Candidate> = r.json();
    assert_eq!(ids(&c), ["G0902"]);
    assert_eq!(c[0].matched.len(), 1);
    assert!(c[0].missing.is_empty());
    let one = attribute(&["T1059.001", "T1082", "--top", "1"]);
    assert_eq!(ids(&one), ["G0902"]);
}

#[test]
fn every_format() {
    let t = sample(&["attribute", "T1059.001", "T1082"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    for s in [
        "Rank",
        "Score",
        "Scored on",
        "G0902",
        "Tin Lantern",
        "2 of 2: T1059.001, T1082",
        "2 of 2: T1082 (through S0903), T1059.001 (via T1059.004)",
    ] {
        assert!(t.stdout.contains(s), "{s}:\n{}", t.stdout);
    }
    assert!(
        t.stdout.contains("T1059.001 (via T1059.004)"),
        "{}",
        t.stdout
    );
    assert!(
        t.stderr.contains("3 of 3 groups share something"),
        "{}",
        t.stderr
    );
    let csv = sample(&["attribute", "T1059.001", "T1082", "-f", "csv"]);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "rank,id,name,type,score,basis,profile_score,record,observed_share,profile_share,profile_size,matched,missing"
    );
    // Worked out in groups_ranked_with_their_evidence; the record as its ID.
    assert_eq!(
        lines[1],
        "1,G0902,Tin Lantern,group,0.7581,profile,0.7581,C0901,1,0.2504,7,T1059.001;T1082,"
    );
    // Partial credit shows in JSON; CSV lists the observed IDs.
    assert_eq!(
        lines[2],
        "2,G0903,Ember Weave,group,0.4014,profile,0.4014,G0903,0.4908,0.1794,5,T1082;T1059.001,"
    );
    assert_eq!(lines.len(), 4);
    let md = sample(&["attribute", "T1059.001", "T1082", "-f", "markdown"]);
    assert!(
        md.stdout
            .starts_with("| Rank | ID | Name | Type | Score | Scored on | Matched | Missing |")
    );
    assert_eq!(md.stdout.lines().count(), 5);
    let jsonl = sample(&["attribute", "T1059.001", "T1082", "-f", "jsonl"]);
    assert_eq!(jsonl.stdout.lines().count(), 3);
}

#[test]
fn layer_of_the_top_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("overlap.json");
    let r = sample(&[
        "attribute",
        "T1059.001",
        "T1082",
        "T1027",
        "T1652",
        "--layer",
        out.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("G0902 Tin Lantern"), "{}", r.stderr);
    // G0902 is closest through C0901 (S0901 [T1027, T1059.001, T1543], T1059.001, T1082):
    // the layer shows that record.
    let c: Vec<Candidate> = r.json();
    assert_eq!((c[0].id.as_str(), c[0].basis.as_str()), ("G0902", "record"));
    assert_eq!(c[0].record.as_ref().unwrap().id, "C0901");
    let text = fs::read_to_string(&out).unwrap();
    let layer = check_layer(&text, &sample_kb("enterprise-attack-2.0.json"));
    assert!(
        layer
            .description
            .as_deref()
            .unwrap_or("")
            .contains("C0901 Operation Dim Lantern"),
        "{:?}",
        layer.description
    );
    let entries = layer.techniques.unwrap();
    let colour = |id: &str| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e.technique_id == id)
            .map(|e| e.color.clone().unwrap_or_default())
            .collect()
    };
    // Observed and used (green), observed and not used (red), used and not observed (blue).
    assert_eq!(colour("T1059.001"), ["#8ec843"]);
    assert_eq!(colour("T1082"), ["#8ec843"]);
    assert_eq!(colour("T1027"), ["#8ec843"]);
    assert_eq!(colour("T1652"), ["#ff6666"]);
    // T1543 is under execution and persistence: one entry each.
    assert_eq!(colour("T1543"), ["#66b1ff", "#66b1ff"]);
    let t1027 = entries.iter().find(|e| e.technique_id == "T1027").unwrap();
    assert!(
        t1027
            .comment
            .as_deref()
            .unwrap_or("")
            .contains("through S0901"),
        "{:?}",
        t1027.comment
    );
    let ids: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.technique_id.as_str()).collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["T1027", "T1059.001", "T1082", "T1543", "T1652"]
    );
    assert_eq!(layer.legend_items.unwrap().len(), 4);
}

#[test]
fn partial_credit_shows_in_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("l.json");
    // G0903 has T1059.004, a sibling of the observed T1059.001.
    let r = sample(&[
        "attribute",
        "T1059.001",
        "T1497",
        "--layer",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let layer = check_layer(
        &fs::read_to_string(&out).unwrap(),
        &sample_kb("enterprise-attack-2.0.json"),
    );
    let e = layer
        .techniques
        .unwrap()
        .into_iter()
        .find(|e| e.technique_id == "T1059.001")
        .unwrap();
    assert_eq!(e.color.as_deref(), Some("#d4e9b5"));
    assert!(
        e.comment
            .as_deref()
            .unwrap_or("")
            .contains("sibling T1059.004"),
        "{:?}",
        e.comment
    );
}

#[test]
fn nothing_in_common_is_exit_1() {
    // T1595 is used by nobody in the 2.0 sample.
    let r = sample(&["attribute", "T1595", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "[]");
    assert!(r.stderr.contains("no group of"), "{}", r.stderr);
    let t = sample(&["attribute", "T1595"]);
    assert_eq!((t.code, t.stdout.as_str()), (1, ""));
}

#[test]
fn bad_input_is_one_clear_line() {
    let cases: [(&[&str], i32, &str); 8] = [
        (
            &["attribute", "T9999"],
            1,
            "no technique T9999 in enterprise-attack 2.0",
        ),
        (
            &["attribute", "Nightcrat"],
            1,
            "no object 'Nightcrat' in enterprise-attack 2.0 (did you mean NightCrate",
        ),
        (
            &["attribute", "Tin Lantern"],
            1,
            "names group G0902 'Tin Lantern', not a technique or software",
        ),
        (
            &["attribute", "missing.txt"],
            2,
            "cannot read missing.txt: no such file",
        ),
        (
            &["attribute", "T1059", "--exclude", "G9999"],
            1,
            "--exclude G9999",
        ),
        (
            &["attribute", "T1082", "--exclude", "T1082"],
            2,
            "nothing observed",
        ),
        (
            &["attribute", "T1082", "--top", "0"],
            2,
            "'0' is not a whole number",
        ),
        (
            &["attribute", "T1082", "--type", "mitigation"],
            2,
            "invalid value 'mitigation'",
        ),
    ];
    for (args, code, text) in cases {
        let r = sample(args);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains(text), "{args:?}: {}", r.stderr);
        // Not a usage error: one `attck: ` line, the last (anything before it is a note).
        if !r.stderr.starts_with("error: ") {
            let last = r.stderr.lines().last().unwrap_or_default();
            assert!(
                last.starts_with("attck: ") && last.contains(text),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    fs::write(&empty, "").unwrap();
    let r = sample(&["attribute", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nothing observed"), "{}", r.stderr);
    assert!(sample(&["attribute"]).code == 2, "INPUT is required");
}
