//! The ATT&CK Navigator layer format 4.5 as a strict schema, from MITRE's documented
//! definition (attack-navigator, layers/spec/v4.5/layerformat.md): every property the format
//! defines, with its type and allowed values, and nothing else. Layers attck writes are
//! checked against it, and against the knowledge base they were made from.

#![allow(dead_code)] // fields exist to be checked by deserialization
#![allow(clippy::struct_field_names)] // field names mirror the layer format

use std::collections::HashSet;

use attck_explorer::model::KnowledgeBase;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Layer {
    pub name: String,
    pub versions: Option<Versions>,
    pub description: Option<String>,
    pub domain: String,
    #[serde(rename = "customDataURL")]
    pub custom_data_url: Option<String>,
    pub filters: Option<Filters>,
    pub sorting: Option<u8>,
    pub layout: Option<Layout>,
    pub hide_disabled: Option<bool>,
    pub techniques: Option<Vec<Technique>>,
    pub gradient: Option<Gradient>,
    pub legend_items: Option<Vec<LegendItem>>,
    pub show_tactic_row_background: Option<bool>,
    pub tactic_row_background: Option<String>,
    pub select_techniques_across_tactics: Option<bool>,
    pub select_subtechniques_with_parent: Option<bool>,
    pub select_visible_techniques: Option<bool>,
    pub metadata: Option<Vec<MetadataItem>>,
    pub links: Option<Vec<LinkItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    pub attack: Option<String>,
    pub navigator: String,
    pub layer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    pub platforms: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Layout {
    pub layout: Option<String>,
    #[serde(rename = "showID")]
    pub show_id: Option<bool>,
    pub show_name: Option<bool>,
    pub show_aggregate_scores: Option<bool>,
    pub count_unscored: Option<bool>,
    pub aggregate_function: Option<String>,
    pub expanded_subtechniques: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    pub tactic: Option<String>,
    pub comment: Option<String>,
    pub enabled: Option<bool>,
    pub score: Option<f64>,
    pub color: Option<String>,
    pub metadata: Option<Vec<MetadataItem>>,
    pub links: Option<Vec<LinkItem>>,
    #[serde(rename = "showSubtechniques")]
    pub show_subtechniques: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gradient {
    pub colors: Vec<String>,
    pub min_value: f64,
    pub max_value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegendItem {
    pub label: String,
    pub color: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Divider {
    pub divider: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MetadataItem {
    Metadata(Metadata),
    Divider(Divider),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum LinkItem {
    Link(Link),
    Divider(Divider),
}

fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| (h.len() == 6 || h.len() == 3) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_technique_id(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 5 || b.len() == 9)
        && b[0] == b'T'
        && digits(1..5)
        && (b.len() == 5 || (b[5] == b'.' && digits(6..9)))
}

fn semver_at_least(v: &str, min: [u32; 3]) -> bool {
    let parts: Vec<u32> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.len() == 3 && [parts[0], parts[1], parts[2]] >= min
}

/// No JSON null anywhere: the format types every property, and null is none of them.
fn assert_no_nulls(v: &serde_json::Value, path: &str) {
    match v {
        serde_json::Value::Null => panic!("null at {path}"),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_no_nulls(x, &format!("{path}[{i}]"));
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                assert_no_nulls(x, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

fn check_metadata(items: &[MetadataItem]) {
    for m in items {
        if let MetadataItem::Metadata(m) = m {
            assert!(!m.name.is_empty(), "metadata without a name");
        }
    }
}

/// Parses `text` as a layer 4.5 and checks every documented constraint, plus what attck
/// promises on top: one entry per technique per tactic, every entry an active technique of
/// `kb` under a tactic it belongs to, `versions.attack` the bundle's major version.
pub fn check_layer(text: &str, kb: &KnowledgeBase) -> Layer {
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("layer is not JSON ({e}):\n{text}"));
    assert_no_nulls(&value, "$");
    let layer: Layer = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("layer does not match format 4.5 ({e}):\n{text}"));

    // Versions: layer "4.5", navigator at least 4.9.0 (we write 5.1.0), attack the major.
    let v = layer.versions.as_ref().expect("versions");
    assert_eq!(v.layer, "4.5");
    assert!(semver_at_least(&v.navigator, [4, 9, 0]), "{}", v.navigator);
    assert_eq!(v.navigator, "5.1.0");
    let major = kb
        .attack_version
        .as_deref()
        .and_then(|x| x.split('.').next())
        .expect("the test bundles say their version");
    assert_eq!(v.attack.as_deref(), Some(major), "versions.attack");

    assert!(
        ["enterprise-attack", "mobile-attack", "ics-attack"].contains(&layer.domain.as_str()),
        "{}",
        layer.domain
    );
    assert_eq!(layer.domain, kb.domain.stix_name());
    assert!(!layer.name.is_empty());
    assert!(layer.sorting.is_none_or(|s| s <= 3));

    if let Some(l) = &layer.layout {
        assert!(
            l.layout
                .as_deref()
                .is_none_or(|x| ["side", "flat", "mini"].contains(&x))
        );
        assert!(
            l.aggregate_function
                .as_deref()
                .is_none_or(|x| ["average", "min", "max", "sum"].contains(&x))
        );
        assert!(
            l.expanded_subtechniques
                .as_deref()
                .is_none_or(|x| ["none", "all", "annotated"].contains(&x))
        );
    }

    let platforms: HashSet<String> = kb
        .techniques
        .iter()
        .filter(|t| t.meta.is_active())
        .flat_map(|t| t.platforms.iter().map(ToString::to_string))
        .collect();
    let filter = layer
        .filters
        .as_ref()
        .and_then(|f| f.platforms.as_ref())
        .expect("filters.platforms");
    assert!(!filter.is_empty());
    for p in filter {
        assert!(platforms.contains(p), "filters.platforms names '{p}'");
    }

    if let Some(g) = &layer.gradient {
        assert!(g.colors.len() >= 2, "gradient needs two colours");
        assert!(g.colors.iter().all(|c| is_hex_color(c)), "{:?}", g.colors);
        assert!(g.max_value > g.min_value, "maxValue must be > minValue");
    }
    for l in layer.legend_items.iter().flatten() {
        assert!(!l.label.is_empty());
        assert!(is_hex_color(&l.color), "{}", l.color);
    }
    if let Some(c) = &layer.tactic_row_background {
        assert!(is_hex_color(c));
    }
    check_metadata(layer.metadata.as_deref().unwrap_or_default());
    for l in layer.links.iter().flatten() {
        if let LinkItem::Link(l) = l {
            assert!(l.url.contains("://"), "{}", l.url);
        }
    }

    let mut seen = HashSet::new();
    for t in layer.techniques.iter().flatten() {
        assert!(is_technique_id(&t.technique_id), "{}", t.technique_id);
        let tech = kb
            .technique(&t.technique_id)
            .unwrap_or_else(|| panic!("{} is not in the bundle", t.technique_id));
        assert!(tech.meta.is_active(), "{} is not active", t.technique_id);
        let tactic = t.tactic.as_deref().expect("attck names the tactic");
        let (ti, _) = kb
            .tactic(tactic)
            .unwrap_or_else(|| panic!("{tactic} is not a tactic"));
        assert!(
            kb.tactics[ti as usize].shortname == tactic,
            "tactic must be a shortname: {tactic}"
        );
        assert!(
            tech.tactics.contains(&ti),
            "{} is not under {tactic}",
            t.technique_id
        );
        assert!(
            seen.insert((t.technique_id.clone(), tactic.to_string())),
            "{} under {tactic} twice",
            t.technique_id
        );
        assert!(t.score.is_none_or(f64::is_finite), "score");
        if let Some(c) = &t.color {
            assert!(c.is_empty() || is_hex_color(c), "{c}");
        }
        if t.show_subtechniques == Some(true) {
            assert!(
                !tech.children.is_empty(),
                "showSubtechniques on {} without sub-techniques",
                t.technique_id
            );
        }
        check_metadata(t.metadata.as_deref().unwrap_or_default());
    }
    // Every listed sub-technique has its parent listed, expanded (MITRE's exporters hide a
    // sub-technique whose parent has no entry); an unscored entry is such a parent.
    let entries = layer.techniques.as_deref().unwrap_or_default();
    let parents: HashSet<String> = entries
        .iter()
        .filter_map(|t| t.technique_id.split_once('.').map(|(p, _)| p.to_string()))
        .collect();
    for p in &parents {
        let listed: Vec<&Technique> = entries.iter().filter(|t| &t.technique_id == p).collect();
        assert!(
            !listed.is_empty(),
            "{p} is not listed though a sub-technique of it is"
        );
        assert!(
            listed.iter().all(|t| t.show_subtechniques == Some(true)),
            "{p} lists sub-techniques but does not show them"
        );
    }
    for t in entries.iter().filter(|t| t.score.is_none()) {
        assert!(
            parents.contains(&t.technique_id),
            "{} is unscored",
            t.technique_id
        );
    }
    // Every technique present is present under each of its tactics.
    for (id, _) in &seen {
        let tech = kb.technique(id).expect("checked above");
        for &ti in &tech.tactics {
            let s = &kb.tactics[ti as usize].shortname;
            assert!(
                seen.contains(&(id.clone(), s.to_string())),
                "{id} is missing under {s}"
            );
        }
    }
    layer
}

#[test]
fn the_schema_accepts_mitre_s_own_example_and_rejects_others() {
    // The example in the 4.5 definition, reduced to the properties it exercises.
    let example = r##"{
        "name": "example layer",
        "versions": {"attack": "18", "navigator": "5.2.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": "hello, world",
        "filters": {"platforms": ["Windows", "macOS"]},
        "sorting": 2,
        "layout": {"layout": "side", "showName": true, "showID": false, "showAggregateScores": true,
                   "countUnscored": true, "aggregateFunction": "average", "expandedSubtechniques": "annotated"},
        "hideDisabled": false,
        "techniques": [
            {"techniqueID": "T1110", "score": 0, "color": "#fd8d3c", "comment": "c", "showSubtechniques": true},
            {"techniqueID": "T1110.001", "score": 100, "links": [{"label": "Navigator", "url": "https://github.com/mitre-attack/attack-navigator"}]},
            {"techniqueID": "T1078", "tactic": "discovery", "enabled": false},
            {"techniqueID": "T1053", "tactic": "privilege-escalation", "metadata": [{"name": "a", "value": "b"}, {"divider": true}]}
        ],
        "gradient": {"colors": ["#ff6666", "#ffe766", "#8ec843"], "minValue": 0, "maxValue": 100},
        "legendItems": [{"label": "Legend Item Label", "color": "#FF00FF"}],
        "showTacticRowBackground": true,
        "tacticRowBackground": "#dddddd",
        "selectTechniquesAcrossTactics": false,
        "selectSubtechniquesWithParent": false,
        "selectVisibleTechniques": false,
        "metadata": [{"name": "layer metadata 1", "value": "v"}, {"divider": true}]
    }"##;
    let l: Layer = serde_json::from_str(example).unwrap();
    assert_eq!(l.techniques.unwrap().len(), 4);
    for bad in [
        r#"{"name": "x", "domain": "enterprise-attack", "unknownProperty": 1}"#,
        r#"{"domain": "enterprise-attack"}"#,
        r#"{"name": "x", "domain": "enterprise-attack", "techniques": [{"techniqueId": "T1059"}]}"#,
        r#"{"name": "x", "domain": "enterprise-attack", "techniques": [{"techniqueID": "T1059", "score": "1"}]}"#,
        r#"{"name": "x", "domain": "enterprise-attack", "versions": {"layer": "4.5"}}"#,
        r##"{"name": "x", "domain": "enterprise-attack", "gradient": {"colors": ["#fff"], "minValue": 0}}"##,
    ] {
        assert!(
            serde_json::from_str::<Layer>(bad).is_err(),
            "accepted: {bad}"
        );
    }
    assert!(
        is_technique_id("T1059.001") && !is_technique_id("T1059.1") && !is_technique_id("t1059")
    );
    assert!(is_hex_color("#8ec843") && is_hex_color("#FFF") && !is_hex_color("8ec843"));
    assert!(semver_at_least("5.1.0", [4, 9, 0]) && !semver_at_least("4.8.9", [4, 9, 0]));
}

/// A default layer name MITRE's Excel exporter can use as a sheet title.
pub fn assert_sheet_safe(name: &str) {
    assert!(
        name.chars().count() <= 31,
        "{name:?} is longer than 31 characters"
    );
    assert!(
        !name.contains([':', '\\', '/', '?', '*', '[', ']']),
        "{name:?} has a character sheet titles refuse"
    );
    assert!(!name.trim().is_empty());
}

#[test]
fn default_layer_names_are_safe_sheet_titles() {
    use crate::common::{sample, sample_dir, sample_kb};
    let kb = sample_kb("enterprise-attack-2.0.json");
    let dir = tempfile::tempdir().unwrap();
    let deep = dir
        .path()
        .join("a very long directory name/with: odd [chars]");
    std::fs::create_dir_all(&deep).unwrap();
    let ids = deep.join("detections?.txt");
    std::fs::write(&ids, "T1059.001\nT1053.003\n").unwrap();
    let layer_file = dir.path().join("cov.json");
    let r = sample(&[
        "coverage",
        ids.to_str().unwrap(),
        "--layer",
        layer_file.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let l = check_layer(&std::fs::read_to_string(&layer_file).unwrap(), &kb);
    assert_sheet_safe(&l.name);
    assert!(l.name.starts_with("Coverage of detections"), "{}", l.name);
    for args in [
        &[
            "layer",
            "--group",
            "G0902",
            "--software",
            "S0901",
            "--campaign",
            "C0901",
        ][..],
        &[
            "layer",
            "--search",
            "interpreter",
            "--search",
            "scripted launch",
            "--search",
            "shell host",
        ],
        &["layer", "--ids", ids.to_str().unwrap()],
    ] {
        let r = sample(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let l = check_layer(&r.stdout, &kb);
        assert_sheet_safe(&l.name);
    }
    let report = sample_dir().join("../../tests/cli/data/report.txt");
    let mapped = dir.path().join("mapped.json");
    let r = sample(&[
        "map",
        report.to_str().unwrap(),
        "--layer",
        mapped.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let l = check_layer(&std::fs::read_to_string(&mapped).unwrap(), &kb);
    assert_sheet_safe(&l.name);
    // A name the user gives is kept as given.
    let r = sample(&["layer", "--group", "G0902", "--name", "Ours: all [x]"]);
    assert_eq!(check_layer(&r.stdout, &kb).name, "Ours: all [x]");
}
