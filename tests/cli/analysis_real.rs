//! `attribute`, `compare` and `next` on real enterprise 18.1 (`ATTCK_TEST_DATA`): facts
//! computed independently from the bundle's JSON with Python (scripts/analysis-eval's
//! `Bundle`, which shares no code with attck), and campaigns whose true group must rank high.

use crate::common::real;
use crate::contract::{Candidate, Comparison, Suggestion};

const V: &str = "18.1";

/// The campaign's techniques as `attck layer` writes them, plus its software by ID, observed
/// with the campaign excluded: the group it is attributed to ranks among the first five.
fn true_group_in_top_5(campaign: &str, software: &str, group: &str) -> Option<()> {
    true_group_in_top_5_by(campaign, software, group).map(|_| ())
}

/// [`true_group_in_top_5`], returning the group's row.
fn true_group_in_top_5_by(campaign: &str, software: &str, group: &str) -> Option<Candidate> {
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("c.json");
    let l = real(&[
        "--attack-version",
        V,
        "layer",
        "--campaign",
        campaign,
        "-o",
        layer.to_str().unwrap(),
    ])?;
    assert_eq!(l.code, 0, "{}", l.stderr);
    let r = real(&[
        "--attack-version",
        V,
        "attribute",
        layer.to_str().unwrap(),
        software,
        "--exclude",
        campaign,
        "--top",
        "5",
        "-f",
        "json",
    ])?;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: Vec<Candidate> = r.json();
    assert_eq!(c.len(), 5);
    assert!(
        c.iter().any(|x| x.id == group),
        "{campaign}: {group} not in {:?}",
        c.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    assert!(c.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(c.iter().all(|x| (0.0..=1.0).contains(&x.score)));
    c.into_iter().find(|x| x.id == group)
}

#[test]
fn campaigns_point_at_their_groups() {
    // Software of each campaign (Python): C0024 SolarWinds Compromise → G0016 APT29;
    // C0040 APT41 DUST → G0096; C0044 Juicy Mix → G0049 OilRig.
    if true_group_in_top_5(
        "C0024",
        "S0002,S0154,S0552,S0559,S0560,S0562,S0565,S0588,S0589,S0597,S0682",
        "G0016",
    )
    .is_none()
    {
        return;
    }
    true_group_in_top_5("C0040", "S0154,S0160,S1158,S1159", "G0096");
    true_group_in_top_5("C0044", "S1169", "G0049");
}

#[test]
fn a_group_is_found_through_its_closest_campaign() {
    // Python: TEMP.Veles (G0088) has two campaigns, C0030 and C0032, both with Mimikatz
    // (S0002) and 10 and 17 techniques. With C0032 excluded, C0030 is what points at G0088.
    let Some(g) = true_group_in_top_5_by("C0032", "S0002", "G0088") else {
        return;
    };
    assert_eq!(g.basis, "record");
    let r = g.record.unwrap();
    assert_eq!((r.id.as_str(), r.kind.as_str()), ("C0030", "campaign"));
    assert!((g.score - r.score).abs() < 1e-9 && g.score > g.profile_score);
    // Mimikatz's techniques came with it: some matched item was implied by it.
    assert!(
        g.matched
            .iter()
            .any(|m| m.implied_by.as_deref() == Some("S0002"))
    );
}

#[test]
fn apt29_and_apt28() {
    // Python: APT29's techniques with its campaigns (C0023, C0024) 119, APT28's 99, 48 in
    // both, 170 in either.
    let Some(r) = real(&[
        "--attack-version",
        V,
        "compare",
        "APT29",
        "Fancy Bear",
        "-f",
        "json",
    ]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c: Comparison = r.json();
    let sizes: Vec<(&str, usize)> = c
        .sides
        .iter()
        .map(|s| (s.label.as_str(), s.techniques))
        .collect();
    assert_eq!(sizes, [("G0016", 119), ("G0007", 99)]);
    assert_eq!(c.shared.len(), 48);
    assert_eq!((c.pairs[0].shared, c.pairs[0].union), (48, 170));
    assert!((c.jaccard - 0.2824).abs() < 1e-9, "{}", c.jaccard);
    assert_eq!(c.only[0].techniques.len(), 71);
    assert_eq!(c.only[1].techniques.len(), 51);
    assert!(c.shared.iter().any(|t| t.id == "T1059.001"));
}

#[test]
fn next_after_a_phishing_foothold() {
    let Some(r) = real(&[
        "--attack-version",
        V,
        "next",
        "T1566.001",
        "T1059.001",
        "T1105",
        "--top",
        "10",
        "-f",
        "json",
    ]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Vec<Suggestion> = r.json();
    assert_eq!(s.len(), 10);
    let ids: Vec<&str> = s.iter().map(|x| x.id.as_str()).collect();
    assert!(
        !ids.iter()
            .any(|i| ["T1566.001", "T1059.001", "T1105"].contains(i))
    );
    // A malicious attachment is opened by the user: the obvious next step ranks first.
    assert_eq!(ids[0], "T1204.002");
    assert!(s.windows(2).all(|w| w[0].score >= w[1].score));
    for x in &s {
        assert!(x.used_by <= x.neighbours && x.neighbours > 0, "{x:?}");
        assert_eq!((x.threshold, x.observed), (3, 3));
        assert!(x.evidence.starts_with(&format!(
            "used by {} of the {} actors that use all 3 observed items",
            x.used_by, x.neighbours
        )));
    }
    // --tactic keeps only that tactic's techniques.
    let p = real(&[
        "--attack-version",
        V,
        "next",
        "T1566.001",
        "T1059.001",
        "T1105",
        "--tactic",
        "persistence",
        "-f",
        "json",
    ])
    .unwrap();
    let s: Vec<Suggestion> = p.json();
    assert!(!s.is_empty());
    assert!(
        s.iter()
            .all(|x| x.tactics.iter().any(|t| t == "persistence"))
    );
}

#[test]
fn a_family_resemblance_counts_once() {
    // Python: C0049 (no software) observes T1078, T1078.002, T1078.003 and T1552, T1552.001;
    // Volt Typhoon (G1017) uses T1078, T1078.002, T1552 and T1552.004 itself, not T1078.003
    // or T1552.001.
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("c.json");
    let Some(made) = real(&[
        "--attack-version",
        V,
        "layer",
        "--campaign",
        "C0049",
        "-o",
        layer.to_str().unwrap(),
    ]) else {
        return;
    };
    assert_eq!(made.code, 0, "{}", made.stderr);
    let ranked = real(&[
        "--attack-version",
        V,
        "attribute",
        layer.to_str().unwrap(),
        "--exclude",
        "C0049",
        "--top",
        "30",
        "-f",
        "json",
    ])
    .unwrap();
    assert_eq!(ranked.code, 0, "{}", ranked.stderr);
    let candidates: Vec<Candidate> = ranked.json();
    assert_eq!(candidates.len(), 30);
    let family = |id: &str| id.split('.').next().unwrap().to_string();
    let mut partials = 0;
    for x in &candidates {
        let techniques = x.matched.iter().filter(|m| m.kind == "technique");
        let mut earning: Vec<String> = Vec::new();
        for m in techniques.clone().filter(|m| m.relation != "same") {
            partials += 1;
            let exact = techniques
                .clone()
                .any(|e| e.relation == "same" && family(&e.id) == family(&m.id));
            if exact {
                assert!(m.earned == 0.0, "{}: {} earned {}", x.id, m.id, m.earned);
            } else if m.earned > 0.0 {
                earning.push(family(&m.id));
            }
        }
        let n = earning.len();
        earning.sort();
        earning.dedup();
        assert_eq!(n, earning.len(), "{}: a family earned twice", x.id);
    }
    assert!(partials > 0);
    let volt = candidates
        .iter()
        .find(|x| x.id == "G1017")
        .expect("G1017 among 30");
    let by = |id: &str| volt.matched.iter().find(|m| m.id == id).unwrap();
    for (id, via) in [("T1078.003", "T1078"), ("T1552.001", "T1552")] {
        let m = by(id);
        assert_eq!(
            (m.relation.as_str(), m.via.as_deref()),
            ("parent", Some(via))
        );
        assert!(m.earned == 0.0, "{id}: {}", m.earned);
        assert_eq!(by(via).relation, "same");
    }
}
