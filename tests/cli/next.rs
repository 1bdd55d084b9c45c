//! `attck next` on the sample bundle (enterprise 2.0): associations worked out by hand from
//! data/sample/README.md (the actor profiles are listed in src/query/next.rs's tests),
//! filters, exclusions, formats, errors.

use crate::common::sample;
use crate::contract::{Link, Suggestion};

fn next(args: &[&str]) -> Vec<Suggestion> {
    let mut v = vec!["next", "-f", "json"];
    v.extend_from_slice(args);
    let r = sample(&v);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn ids(s: &[Suggestion]) -> Vec<&str> {
    s.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn one_observed_technique() {
    // T1652 is in G0904, C0903 and S0904; of those only S0904 uses another technique, T1082
    // (in 4 actors): association 1/√(3×4).
    let s = next(&["T1652"]);
    assert_eq!(ids(&s), ["T1082"]);
    let t = &s[0];
    assert_eq!(t.name, "Host Fingerprinting");
    assert_eq!(t.tactics, ["discovery"]);
    assert!((t.score - 0.2887).abs() < 1e-9, "{}", t.score);
    assert_eq!(
        (
            t.used_by,
            t.neighbours,
            t.threshold,
            t.observed,
            t.actors_using
        ),
        (1, 3, 1, 1, 4)
    );
    assert_eq!(
        t.linked,
        [Link {
            id: "T1652".into(),
            name: "Kernel Module Census".into(),
            kind: "technique".into(),
            strength: 0.2887
        }]
    );
    assert_eq!(
        t.evidence,
        "used by 1 of the 3 actors that use the observed item; linked most to T1652"
    );
}

#[test]
fn software_and_techniques_filters_and_exclusions() {
    let s = next(&["NightCrate", "T1059.001"]);
    assert_eq!(
        ids(&s),
        ["T1082", "T1543", "T1543.002", "T1027", "T1053.003"]
    );
    assert!(s.iter().all(|x| x.neighbours == 3 && x.threshold == 2));
    assert_eq!(
        s[0].evidence,
        "used by 2 of the 3 actors that use all 2 observed items; linked most to S0901, T1059.001"
    );
    assert_eq!(
        ids(&next(&["S0901,T1059.001", "--top", "2"])),
        ["T1082", "T1543"]
    );
    assert_eq!(
        ids(&next(&["S0901", "T1059.001", "--tactic", "Persistence"])),
        ["T1543", "T1543.002", "T1053.003"]
    );
    assert_eq!(
        ids(&next(&[
            "S0901",
            "T1059.001",
            "--tactic",
            "TA0003",
            "--platform",
            "windows"
        ])),
        ["T1543"]
    );
    let x = next(&[
        "S0901",
        "T1059.001",
        "--exclude",
        "G0902",
        "--exclude",
        "C0901",
    ]);
    assert_eq!(ids(&x), ["T1543", "T1027"]);
    assert_eq!(x[0].neighbours, 1);
    // An excluded technique is neither observed nor suggested.
    let y = next(&["S0901", "T1059.001", "--exclude", "T1082"]);
    assert!(!ids(&y).contains(&"T1082"));
}

#[test]
fn table_csv_and_markdown() {
    let t = sample(&["next", "T1652"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    for s in [
        "Evidence",
        "T1082",
        "Host Fingerprinting",
        "0.289",
        "used by 1 of the 3 actors",
    ] {
        assert!(t.stdout.contains(s), "{s}:\n{}", t.stdout);
    }
    let csv = sample(&["next", "T1652", "-f", "csv"]);
    assert_eq!(
        csv.stdout,
        "rank,id,name,tactics,score,used_by,neighbours,threshold,observed,actors_using,linked,evidence\n1,T1082,Host Fingerprinting,discovery,0.2887,1,3,1,1,4,T1652,used by 1 of the 3 actors that use the observed item; linked most to T1652\n"
    );
    let md = sample(&["next", "T1652", "-f", "markdown"]);
    assert!(
        md.stdout
            .starts_with("| Rank | ID | Name | Tactics | Score | Evidence |")
    );
}

#[test]
fn errors_and_nothing_found() {
    let r = sample(&["next", "T1595", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "[]");
    let r = sample(&["next", "T1652", "--tactic", "persistance"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no tactic 'persistance'"), "{}", r.stderr);
    assert!(r.stderr.contains("persistence"), "{}", r.stderr);
    let r = sample(&["next", "T9999"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no technique T9999"), "{}", r.stderr);
    let r = sample(&["next", "G0902"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a technique or software"),
        "{}",
        r.stderr
    );
    let r = sample(&["next"]);
    assert_eq!(r.code, 2);
}
