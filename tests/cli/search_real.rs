//! `attck search` on the real enterprise 18.1 bundle: counts checked independently
//! (`scripts/search_facts.py` over the raw STIX) and orderings an analyst expects. Never
//! MITRE prose.

use std::collections::{BTreeMap, HashMap};

use attck_explorer::model::Kind;
use attck_explorer::model::cache_format::{Fallback, SourceId, decode, encode};
use attck_explorer::model::{KnowledgeBase, Visibility};
use attck_explorer::query::search::{
    Query, SearchOptions, search, search_objects, search_procedures,
};
use attck_explorer::query::tactic_techniques::TechniqueFilter;

use crate::common::{real, real_kb};
use crate::contract::{Hit, ProcedureHit};

const ENTERPRISE: &str = "enterprise-attack-18.1.json";

fn hits(args: &[&str]) -> Option<Vec<Hit>> {
    let mut v = vec!["search"];
    v.extend_from_slice(args);
    v.extend_from_slice(&["-f", "json"]);
    let r = real(&v)?;
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    Some(r.json())
}

fn first_ids(args: &[&str], n: usize) -> Option<Vec<String>> {
    Some(hits(args)?.into_iter().take(n).map(|h| h.id).collect())
}

/// How many hits name each field in `matched_in`.
fn fields<'a>(matched: impl Iterator<Item = &'a Vec<String>>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in matched.flatten() {
        *m.entry(f.clone()).or_default() += 1;
    }
    m
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(f, n)| (f.to_string(), n)).collect()
}

#[test]
fn every_hit_is_counted_where_it_matched() {
    // (word, techniques, [where]), from scripts/search_facts.py.
    let expected = [
        (
            "powershell",
            111,
            counts(&[
                ("description", 46),
                ("former_name", 2),
                ("linked_names", 3),
                ("name", 2),
                ("procedures", 85),
            ]),
        ),
        (
            "container",
            36,
            counts(&[
                ("description", 30),
                ("linked_names", 9),
                ("name", 8),
                ("procedures", 15),
            ]),
        ),
        (
            "sms",
            13,
            counts(&[
                ("description", 5),
                ("linked_names", 1),
                ("name", 1),
                ("procedures", 9),
            ]),
        ),
        (
            "mimikatz",
            30,
            counts(&[("description", 5), ("linked_names", 17), ("procedures", 29)]),
        ),
    ];
    for (word, n, wheres) in expected {
        let Some(h) = hits(&[word]) else { return };
        assert_eq!(h.len(), n, "{word}");
        assert_eq!(fields(h.iter().map(|h| &h.matched_in)), wheres, "{word}");
    }
}

#[test]
fn every_procedure_example_is_counted_where_it_matched() {
    // (word, procedure examples, [where]), from scripts/search_facts.py.
    let expected = [
        (
            "powershell",
            503,
            counts(&[("procedure", 429), ("source", 73), ("technique", 224)]),
        ),
        (
            "mimikatz",
            130,
            counts(&[("procedure", 130), ("source", 17)]),
        ),
    ];
    for (word, n, wheres) in expected {
        let Some(r) = real(&["search", "--type", "procedure", word, "-f", "json"]) else {
            return;
        };
        let h: Vec<ProcedureHit> = r.json();
        assert_eq!(h.len(), n, "{word}");
        assert_eq!(fields(h.iter().map(|h| &h.matched_in)), wheres, "{word}");
    }
    // Mimikatz's own examples (its name is the query) come before those that mention it.
    let Some(r) = real(&["search", "--type", "procedure", "mimikatz", "-f", "json"]) else {
        return;
    };
    let h: Vec<ProcedureHit> = r.json();
    let own = h.iter().take_while(|p| p.source.id == "S0002").count();
    assert_eq!(own, 17);
    assert!(h[own..].iter().all(|p| p.source.id != "S0002"));
}

#[test]
fn names_rank_first() {
    // (query, the technique an analyst means): names, phrases and former names.
    for (query, want) in [
        ("powershell", "T1059.001"),
        ("process injection", "T1055"),
        ("phishing", "T1566"),
        ("credential dumping", "T1003"),
        ("create account", "T1136"),
        ("dll side-loading", "T1574.001"),
        ("disabling security tools", "T1562.001"),
        // Typed without the accent of "Process Doppelgänging".
        ("process doppelganging", "T1055.013"),
        // Tools and behaviours: found through procedure examples and linked names too.
        ("kerberoasting", "T1558.003"),
        ("rundll32", "T1218.011"),
        ("lsass", "T1003.001"),
        ("psexec", "T1569.002"),
    ] {
        let words: Vec<&str> = query.split(' ').collect();
        let Some(ids) = first_ids(&words, 1) else {
            return;
        };
        assert_eq!(ids, [want], "{query}");
    }
    // A parent's exact name brings its sub-techniques right after it.
    let Some(h) = hits(&["process", "injection"]) else {
        return;
    };
    let family = h.iter().take_while(|h| h.id.starts_with("T1055")).count();
    assert_eq!(family, 13, "T1055 and its 12 sub-techniques");
    assert!(h[family..].iter().all(|h| h.score < 5.0));
}

#[test]
fn every_unique_technique_name_ranks_its_technique_first() {
    let Some(kb) = real_kb(ENTERPRISE) else {
        return;
    };
    let norm = |s: &str| -> String {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let active: Vec<_> = kb
        .techniques
        .iter()
        .filter(|t| t.meta.is_active())
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for t in &active {
        *seen.entry(norm(&t.meta.name)).or_default() += 1;
    }
    let opts = SearchOptions {
        filter: TechniqueFilter::default(),
        tactic: None,
        limit: Some(1),
    };
    let mut unique = 0;
    let mut wrong = Vec::new();
    for t in active.iter().filter(|t| seen[&norm(&t.meta.name)] == 1) {
        unique += 1;
        let words: Vec<String> = t.meta.name.split(' ').map(str::to_string).collect();
        let first = search(&kb, &Query::parse(&words), &opts);
        if first.first().map(|h| h.row.id.as_str()) != Some(t.meta.id.as_str()) {
            wrong.push(t.meta.id.to_string());
        }
    }
    assert_eq!(unique, 643);
    assert!(wrong.is_empty(), "not first for their own name: {wrong:?}");
}

#[test]
fn searches_through_the_cache_answer_as_a_parse_does() {
    let Some(kb) = real_kb(ENTERPRISE) else {
        return;
    };
    let id = SourceId {
        path: "/t".into(),
        size: 1,
        mtime_ns: 1,
        ..SourceId::default()
    };
    let bytes = encode(&kb, id.clone(), "x".into()).expect("encodes");
    let back: KnowledgeBase =
        decode(Box::leak(bytes.into_boxed_slice()), &id, Fallback::none()).expect("decodes");
    let opts = SearchOptions::default();
    for words in [
        &["powershell"][..],
        &["process", "injection"],
        &["\"pass the hash\"", "mimikatz"],
        &["cmd.exe"],
    ] {
        let words: Vec<String> = words.iter().map(ToString::to_string).collect();
        let q = Query::parse(&words);
        let json = |kb: &KnowledgeBase| {
            (
                serde_json::to_string(&search(kb, &q, &opts)).unwrap(),
                serde_json::to_string(&search_procedures(kb, &q, &opts)).unwrap(),
                serde_json::to_string(&search_objects(
                    kb,
                    &q,
                    &Kind::ALL,
                    Visibility::default(),
                    None,
                ))
                .unwrap(),
            )
        };
        let (a, b) = (json(&kb), json(&back));
        assert!(a.0.len() > 2 && a.1.len() > 2, "{words:?} finds something");
        assert_eq!(a, b, "{words:?}");
    }
}
