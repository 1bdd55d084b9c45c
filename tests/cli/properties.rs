//! Property tests: random small but valid bundles (tactics, techniques, sub-techniques,
//! revoked and deprecated ones, groups, unicode names) checked against invariants through the
//! library, plus a few end-to-end runs of the binary; and the natural ID order on random IDs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use attck_explorer::model::{Domain, KnowledgeBase, Visibility, cmp_ids};
use attck_explorer::query::list::TechniqueListFilter;
use attck_explorer::query::map::{MapOptions, map};
use attck_explorer::query::tactic_techniques::TechniqueFilter;
use attck_explorer::render::{self, Format, Options};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value, json};

use crate::common::{attck_in, run_with};
use crate::contract;

/// One generated technique with its sub-techniques.
#[derive(Debug, Clone)]
struct GenTechnique {
    number: u32,
    name: String,
    tactics: Vec<usize>,
    revoked: bool,
    deprecated: bool,
    /// Sub-technique numbers (1..=999) with their names and states.
    subs: BTreeMap<u32, (String, bool, bool)>,
}

#[derive(Debug, Clone)]
struct GenBundle {
    tactics: Vec<String>,
    techniques: Vec<GenTechnique>,
    /// Each group's name and the techniques (index into `techniques`) it uses.
    groups: Vec<(String, Vec<usize>)>,
    /// For revoked techniques: the index of the technique that replaces it.
    replacements: Vec<(usize, usize)>,
}

/// Names: ASCII words, accented and CJK letters, emoji, quotes and separators.
fn name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Alpha"),
        Just("Beta"),
        Just("Gamma"),
        Just("Éclair"),
        Just("naïve"),
        Just("日本語"),
        Just("Ωmega"),
        Just("🙂"),
        Just("\"quoted\""),
        Just("a|b"),
        Just("x,y"),
        Just("<tag>"),
        Just("T1059"),
    ];
    prop::collection::vec(piece, 1..4).prop_map(|v| v.join(" "))
}

fn state() -> impl Strategy<Value = (bool, bool)> {
    // Mostly active: a revoked or deprecated object in one case in five, each.
    (prop::bool::weighted(0.2), prop::bool::weighted(0.2))
}

/// A technique's name, tactics, (revoked, deprecated) and sub-techniques.
type TechniqueParts = (
    String,
    Vec<usize>,
    (bool, bool),
    BTreeMap<u32, (String, bool, bool)>,
);

fn gen_technique(n_tactics: usize) -> impl Strategy<Value = TechniqueParts> {
    (
        name(),
        prop::collection::vec(0..n_tactics, 1..3),
        state(),
        prop::collection::btree_map(1u32..=999, (name(), state()), 0..4).prop_map(|m| {
            m.into_iter()
                .map(|(k, (n, (r, d)))| (k, (n, r, d)))
                .collect()
        }),
    )
}

fn bundle() -> impl Strategy<Value = GenBundle> {
    (1usize..4)
        .prop_flat_map(|n_tactics| {
            (
                prop::collection::vec(name(), n_tactics),
                prop::collection::btree_set(1000u32..2000, 1..7),
                prop::collection::vec(gen_technique(n_tactics), 7),
                prop::collection::vec((name(), prop::collection::vec(0usize..7, 0..4)), 0..3),
                prop::collection::vec(0usize..7, 7),
            )
        })
        .prop_map(|(tactics, numbers, details, groups, targets)| {
            let techniques: Vec<GenTechnique> = numbers
                .into_iter()
                .zip(details)
                .map(
                    |(number, (name, tactics, (revoked, deprecated), subs))| GenTechnique {
                        number,
                        name,
                        tactics,
                        revoked,
                        deprecated,
                        subs,
                    },
                )
                .collect();
            let n = techniques.len();
            let groups = groups
                .into_iter()
                .map(|(g, uses)| (g, uses.into_iter().filter(|&u| u < n).collect()))
                .collect();
            let replacements = techniques
                .iter()
                .enumerate()
                .filter(|(i, t)| t.revoked && targets[*i] < n && targets[*i] != *i)
                .map(|(i, _)| (i, targets[i]))
                .collect();
            GenBundle {
                tactics,
                techniques,
                groups,
                replacements,
            }
        })
}

fn tech_stix(i: usize) -> String {
    format!("attack-pattern--{i:08}-0000-4000-8000-000000000000")
}

fn sub_stix(i: usize, s: u32) -> String {
    format!("attack-pattern--{i:08}-{s:04}-4000-8000-000000000001")
}

fn ext(id: &str) -> Value {
    json!([{"source_name": "mitre-attack", "external_id": id}])
}

impl GenBundle {
    fn shortname(i: usize) -> String {
        format!("tactic-{i}")
    }

    fn technique_json(
        stix: &str,
        id: &str,
        name: &str,
        tactics: &[usize],
        revoked: bool,
        deprecated: bool,
    ) -> Value {
        let phases: Vec<Value> = tactics
            .iter()
            .map(|&t| json!({"kill_chain_name": "mitre-attack", "phase_name": Self::shortname(t)}))
            .collect();
        json!({"type": "attack-pattern", "id": stix, "name": name,
               "description": format!("About {name}."), "revoked": revoked,
               "x_mitre_deprecated": deprecated, "x_mitre_is_subtechnique": id.contains('.'),
               "modified": "2024-01-01T00:00:00.000Z", "kill_chain_phases": phases,
               "x_mitre_platforms": ["Windows"], "x_mitre_domains": ["enterprise-attack"],
               "external_references": ext(id)})
    }

    fn to_json(&self) -> Value {
        let mut objects = vec![json!({
            "type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK",
            "external_references": ext("enterprise-attack"),
            "tactic_refs": (0..self.tactics.len()).map(|i| format!("x-mitre-tactic--{i}")).collect::<Vec<_>>(),
        })];
        for (i, name) in self.tactics.iter().enumerate() {
            objects.push(
                json!({"type": "x-mitre-tactic", "id": format!("x-mitre-tactic--{i}"),
                "name": name, "x_mitre_shortname": Self::shortname(i),
                "external_references": ext(&format!("TA{:04}", i + 1))}),
            );
        }
        let mut rel = 0;
        let mut relationship = |objects: &mut Vec<Value>, kind: &str, src: &str, dst: &str| {
            rel += 1;
            objects.push(
                json!({"type": "relationship", "id": format!("relationship--{rel}"),
                "relationship_type": kind, "source_ref": src, "target_ref": dst}),
            );
        };
        for (i, t) in self.techniques.iter().enumerate() {
            let id = format!("T{}", t.number);
            objects.push(Self::technique_json(
                &tech_stix(i),
                &id,
                &t.name,
                &t.tactics,
                t.revoked,
                t.deprecated,
            ));
            for (&s, (name, revoked, deprecated)) in &t.subs {
                let sid = format!("{id}.{s:03}");
                objects.push(Self::technique_json(
                    &sub_stix(i, s),
                    &sid,
                    name,
                    &t.tactics,
                    *revoked,
                    *deprecated,
                ));
                relationship(
                    &mut objects,
                    "subtechnique-of",
                    &sub_stix(i, s),
                    &tech_stix(i),
                );
            }
        }
        for &(old, new) in &self.replacements {
            relationship(&mut objects, "revoked-by", &tech_stix(old), &tech_stix(new));
        }
        for (g, (name, uses)) in self.groups.iter().enumerate() {
            let stix = format!("intrusion-set--{g}");
            objects.push(json!({"type": "intrusion-set", "id": stix, "name": name,
                "external_references": ext(&format!("G{:04}", g + 1))}));
            for &u in uses {
                relationship(&mut objects, "uses", &stix, &tech_stix(u));
            }
        }
        json!({"type": "bundle", "id": "bundle--1", "objects": objects})
    }

    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).unwrap()
    }

    fn load(&self) -> KnowledgeBase {
        let bytes = self.bytes();
        let parsed = attck_explorer::stix::parse_bundle(&bytes).expect("a generated bundle parses");
        KnowledgeBase::from_bundle(
            parsed,
            Path::new("enterprise-attack.json"),
            Some(Domain::Enterprise),
        )
        .expect("a generated bundle loads")
    }

    /// Every ATT&CK ID the bundle holds, with (name, active).
    fn ids(&self) -> BTreeMap<String, (String, bool)> {
        let mut m = BTreeMap::new();
        for t in &self.techniques {
            m.insert(
                format!("T{}", t.number),
                (t.name.clone(), !t.revoked && !t.deprecated),
            );
            for (s, (name, r, d)) in &t.subs {
                m.insert(format!("T{}.{s:03}", t.number), (name.clone(), !r && !d));
            }
        }
        m
    }
}

const ALL: Visibility = Visibility {
    include_revoked: true,
    include_deprecated: true,
};

fn json_of(write: impl FnOnce(&mut Vec<u8>, &Options) -> std::io::Result<()>) -> Vec<u8> {
    let opts = Options {
        format: Format::Json,
        ..Options::default()
    };
    let mut out = Vec::new();
    write(&mut out, &opts).unwrap();
    out
}

fn assert_sorted(ids: &[String]) {
    for w in ids.windows(2) {
        assert!(
            cmp_ids(&w[0], &w[1]).is_lt(),
            "not sorted (or repeated): {} then {}",
            w[0],
            w[1]
        );
    }
}

/// ID-shaped strings: broad ones, and from a tiny alphabet so that IDs equal but for case or
/// leading zeros (`T1`, `t01`) meet often.
fn id_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[TtAGS]{0,2}[0-9]{0,5}([./][0-9]{0,4})?[A-Za-z:_-]?",
        "[tT]?0{0,2}[12]?([.][0]?[12])?",
    ]
}

/// Few cases (each builds a knowledge base), and no failure files written into the tree.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Every listed technique can be looked up; lists are sorted; every sub-technique's
    /// parent lists it; the JSON of every view parses into the strict contract structs.
    #[test]
    fn generated_bundles_hold_their_invariants(g in bundle()) {
        let kb = g.load();
        let expected = g.ids();
        for vis in [Visibility::default(), ALL] {
            let filter = TechniqueListFilter { visibility: vis, ..TechniqueListFilter::default() };
            let rows = attck_explorer::query::list::techniques(&kb, &filter).unwrap();
            let listed: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            assert_sorted(&listed);
            // Exactly the generated IDs, less the hidden ones.
            let want: Vec<&String> = expected
                .iter()
                .filter(|(_, (_, active))| *active || vis.include_revoked)
                .map(|(id, _)| id)
                .collect();
            let mut want_sorted: Vec<String> = want.into_iter().cloned().collect();
            want_sorted.sort_by(|a, b| cmp_ids(a, b));
            prop_assert_eq!(&listed, &want_sorted);
            let json = json_of(|o, opts| render::list(o, &rows, opts));
            let parsed: Vec<contract::Row> = serde_json::from_slice(&json).unwrap();
            prop_assert_eq!(parsed.len(), rows.len());
            for r in &parsed {
                let id: attck_explorer::model::TechniqueId = r.id.parse().unwrap();
                let detail = attck_explorer::query::technique::technique(&kb, &id, vis).unwrap();
                prop_assert_eq!(detail.header.id.as_ref(), Some(&r.id));
                prop_assert_eq!(&detail.header.name, &expected[&r.id].0);
                prop_assert_eq!(&r.name, &expected[&r.id].0);
                let json = json_of(|o, opts| render::detail(o, &detail, opts));
                let t: contract::Technique = serde_json::from_slice(&json).unwrap();
                prop_assert_eq!(&t.id, &r.id);
                let subs: Vec<String> = t.subtechniques.iter().map(|s| s.id.clone()).collect();
                assert_sorted(&subs);
                if let Some(p) = &t.parent {
                    // The generator's parent: the ID before the dot.
                    prop_assert_eq!(Some(p.id.as_str()), r.id.split('.').next());
                    let pid: attck_explorer::model::TechniqueId = p.id.parse().unwrap();
                    let parent = attck_explorer::query::technique::technique(&kb, &pid, ALL).unwrap();
                    prop_assert!(
                        parent.subtechniques.iter().any(|s| s.id == r.id),
                        "{} is missing from {}'s sub-techniques {:?}", r.id, p.id, parent.subtechniques
                    );
                } else {
                    prop_assert!(!r.id.contains('.'), "{} has no parent", r.id);
                }
            }
        }
        for (i, name) in g.tactics.iter().enumerate() {
            let filter = TechniqueFilter { visibility: Visibility::default(), ..TechniqueFilter::default() };
            let rows = attck_explorer::query::tactic_techniques::tactic(&kb, &GenBundle::shortname(i), &filter).unwrap();
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            assert_sorted(&ids);
            let json = json_of(|o, opts| render::list(o, &rows, opts));
            let parsed: Vec<contract::Row> = serde_json::from_slice(&json).unwrap();
            for r in &parsed {
                prop_assert!(r.tactics.contains(&GenBundle::shortname(i)), "{} under {name}", r.id);
                prop_assert!(expected[&r.id].1, "{} is hidden", r.id);
            }
        }
        let tactics = attck_explorer::query::tactic_list::tactics(&kb);
        let json = json_of(|o, opts| render::list(o, &tactics, opts));
        let parsed: Vec<contract::Tactic> = serde_json::from_slice(&json).unwrap();
        let names: Vec<&str> = parsed.iter().map(|t| t.name.as_str()).collect();
        let want: Vec<&str> = g.tactics.iter().map(String::as_str).collect();
        prop_assert_eq!(names, want, "matrix order");
    }

    /// `map` never reports an ID the text does not contain (a revoked one's replacement is
    /// reported with the ID the text used), whatever near misses surround the real ones.
    #[test]
    fn map_reports_only_ids_in_the_text(g in bundle(), words in prop::collection::vec((0usize..12, 0usize..40, 0usize..6), 1..30)) {
        let kb = g.load();
        let ids: Vec<String> = g.ids().into_keys().collect();
        let mut text = String::new();
        for (shape, pick, sep) in words {
            let id = &ids[pick % ids.len()];
            let (base, sub) = id.split_once('.').map_or((id.as_str(), None), |(b, s)| (b, Some(s)));
            let word = match shape {
                0 => id.clone(),
                1 => id.to_lowercase(),
                2 => format!("{id}1"),                       // T10591
                3 => format!("{base}.{}", &sub.unwrap_or("001")[..1]), // T1059.0
                4 => format!("x{id}"),
                5 => format!("({id})"),
                6 => format!("{base}/{}", sub.unwrap_or("12")),
                7 => format!("{id}_"),
                8 => format!("{base}.{}0", sub.unwrap_or("001")), // T1059.0010
                9 => format!("T{}", &base[1..4]),            // three digits
                10 => format!("{id}é"),
                _ => "日本 naïve".to_string(),
            };
            text.push_str(&word);
            text.push_str([" ", ", ", ".\n", "; ", "\t", "—"][sep]);
        }
        let result = map(&kb, &text, MapOptions::default());
        // Upper-case, and `/` read as `.` (map accepts T1059/001): same byte positions.
        let upper = text.to_ascii_uppercase().replace('/', ".");
        let occurs = |id: &str| {
            upper.match_indices(id).any(|(at, _)| {
                let before = upper[..at].chars().next_back();
                let after = upper[at + id.len()..].chars().next();
                // Word characters as map defines them: ASCII letters, digits and `_`.
                let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                !word(before) && !word(after)
            })
        };
        for f in &result.found {
            let named = f.replaced.as_ref().map_or(f.id.as_str(), |r| r.id.as_str());
            prop_assert!(occurs(named), "{} reported from text {:?}", named, text);
            if let Some(r) = &f.replaced {
                let old = kb.technique(&r.id).unwrap();
                prop_assert_eq!(kb.replacement(old).map(|t| t.meta.id.to_string()), Some(f.id.clone()));
            }
        }
        let found: Vec<String> = result.found.iter().map(|f| f.id.clone()).collect();
        let unique: BTreeSet<&String> = found.iter().collect();
        prop_assert_eq!(unique.len(), found.len(), "each object once");
    }

    /// The natural ID order is a total order consistent with equality.
    #[test]
    fn cmp_ids_is_a_total_order(ids in prop::collection::vec(id_like(), 3)) {
        let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
        prop_assert_eq!(cmp_ids(a, b), cmp_ids(b, a).reverse());
        prop_assert_eq!(cmp_ids(a, b).is_eq(), a == b);
        prop_assert!(cmp_ids(a, a).is_eq());
        if cmp_ids(a, b).is_le() && cmp_ids(b, c).is_le() {
            prop_assert!(cmp_ids(a, c).is_le(), "{a} <= {b} <= {c}");
        }
        let mut sorted = ids.clone();
        sorted.sort_by(|x, y| cmp_ids(x, y));
        let mut again = sorted.clone();
        again.reverse();
        again.sort_by(|x, y| cmp_ids(x, y));
        prop_assert_eq!(sorted, again, "sorting is independent of the input order");
    }
}

proptest! {
    #![proptest_config(config(3))]

    /// End to end through the binary: `list techniques` and `technique ID` (JSON, strict
    /// structs), with and without the index cache, and `map` on a file.
    #[test]
    fn the_binary_agrees_on_generated_bundles(g in bundle()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("enterprise-attack.json");
        std::fs::write(&path, g.bytes()).unwrap();
        let p = path.to_str().unwrap();
        let home = dir.path().join("home");
        let run = |args: &[&str]| run_with(attck_in(&home), &[&["--bundle", p][..], args].concat());
        let expected = g.ids();
        let r = run(&["list", "techniques", "-f", "json", "--include-revoked", "--include-deprecated"]);
        prop_assert_eq!(r.code, 0, "{}", r.stderr);
        let rows: Vec<contract::Row> = r.json();
        let listed: Vec<&String> = rows.iter().map(|r| &r.id).collect();
        let want: Vec<&String> = {
            let mut v: Vec<&String> = expected.keys().collect();
            v.sort_by(|a, b| cmp_ids(a, b));
            v
        };
        prop_assert_eq!(listed, want);
        for row in rows.iter().take(3) {
            for cache in [&[][..], &["--no-cache"][..]] {
                let r = run(&[&["technique", &row.id, "-f", "json"][..], cache].concat());
                prop_assert_eq!(r.code, 0, "{}", r.stderr);
                let t: contract::Technique = r.json();
                prop_assert_eq!(&t.id, &row.id);
                prop_assert_eq!(&t.name, &expected[&row.id].0);
            }
        }
        let ids: Vec<&String> = expected.keys().collect();
        let text = format!("Saw {} and {}1 and x{} today.\n", ids[0], ids[0], ids[ids.len() - 1]);
        let text_file = dir.path().join("report.txt");
        std::fs::write(&text_file, &text).unwrap();
        let r = run(&["map", text_file.to_str().unwrap(), "-f", "json"]);
        prop_assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        if r.code == 0 {
            let found: Vec<Value> = r.json();
            for f in &found {
                let named = f["replaced"]["id"].as_str().or(f["id"].as_str()).unwrap();
                prop_assert_eq!(named, ids[0].as_str(), "from {:?}", text);
            }
        }
    }
}
