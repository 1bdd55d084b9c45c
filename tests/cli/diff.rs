//! `attck diff`: the two enterprise samples hold one of every kind of change on purpose
//! (data/sample/README.md, "Changes from enterprise 1.0 to 2.0"); the real 17.1 → 18.1 facts
//! were computed apart with `scripts/diff_facts.py` over ../shared/attack.

#![allow(dead_code)] // contract fields exist to be checked by deserialization

use attck_explorer::query::diff::{DiffReport, diff, diff_for};

use crate::common::{real_kb, sample, sample_dir};
use crate::contract::diff::{Diff, Line, Ref};

fn r(id: &str, name: &str) -> Ref {
    Ref {
        id: id.into(),
        name: name.into(),
    }
}

fn sample_diff() -> Diff {
    let run = sample(&["diff", "1.0", "2.0", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

#[test]
fn every_kind_of_technique_change_in_the_samples() {
    let d = sample_diff();
    assert_eq!(d.domain, "enterprise");
    assert_eq!(d.old.attack_version.as_deref(), Some("1.0"));
    assert_eq!(d.new.attack_version.as_deref(), Some("2.0"));
    assert!(d.old.source.ends_with("enterprise-attack-1.0.json"));
    let t = &d.techniques;
    assert_eq!(t.added, [r("T1652", "Kernel Module Census")]);
    assert_eq!(t.removed, [r("T1480", "Target Gating")]);
    assert_eq!(t.revoked.len(), 1);
    assert_eq!(t.revoked[0].id, "T1168");
    assert_eq!(
        t.revoked[0].revoked_by,
        Some(r("T1053", "Timed Job Planting"))
    );
    assert_eq!(t.deprecated, [r("T1500", "On-Host Compilation")]);
    assert!(t.reinstated.is_empty());
    assert_eq!(t.renamed.len(), 1);
    assert_eq!(
        (
            t.renamed[0].id.as_str(),
            t.renamed[0].old_name.as_str(),
            t.renamed[0].new_name.as_str(),
            t.renamed[0].name.as_str()
        ),
        (
            "T1082",
            "Host Profile Gathering",
            "Host Fingerprinting",
            "Host Fingerprinting"
        )
    );
    assert_eq!(t.tactics_changed.len(), 1);
    assert_eq!(t.tactics_changed[0].id, "T1543");
    assert_eq!(t.tactics_changed[0].old, ["persistence"]);
    assert_eq!(t.tactics_changed[0].new, ["execution", "persistence"]);
    assert_eq!(t.platforms_changed.len(), 1);
    assert_eq!(t.platforms_changed[0].id, "T1497");
    assert_eq!(t.platforms_changed[0].old, ["Windows", "macOS"]);
    assert_eq!(t.platforms_changed[0].new, ["Windows", "Linux", "macOS"]);
    // The sub-technique that moved keeps its STIX id and gets a new ATT&CK ID with its parent:
    // one parent change, not a removal plus an addition, and not a separate ID change.
    assert_eq!(t.parent_changed.len(), 1);
    let p = &t.parent_changed[0];
    assert_eq!(
        (p.id.as_str(), p.old_id.as_str()),
        ("T1543.002", "T1053.006")
    );
    assert_eq!(p.change, "moved");
    assert_eq!(p.old_parent, Some(r("T1053", "Timed Job Planting")));
    assert_eq!(p.new_parent, Some(r("T1543", "Resident Service Setup")));
    assert!(t.id_changed.is_empty());
    // Only T1595's text was edited; the emptied detection text of every technique is a
    // data-model change, not 14 edits.
    assert_eq!(t.description_changed.len(), 1);
    assert_eq!(t.description_changed[0].id, "T1595");
    assert_eq!(t.description_changed[0].fields, ["description"]);
}

#[test]
fn every_kind_of_change_in_the_other_sections() {
    let d = sample_diff();
    assert_eq!(d.groups.added, [r("G0904", "Salt Ferry")]);
    assert_eq!(d.groups.renamed.len(), 1);
    assert_eq!(d.groups.renamed[0].id, "G0903");
    assert_eq!(d.groups.renamed[0].old_name, "Ember Loom");
    assert_eq!(d.groups.renamed[0].new_name, "Ember Weave");
    assert!(d.groups.removed.is_empty() && d.groups.revoked.is_empty());
    assert_eq!(d.software.added, [r("S0904", "Glasswing")]);
    assert_eq!(d.campaigns.added, [r("C0903", "Glass Orchard")]);
    assert_eq!(
        d.mitigations.deprecated,
        [r("M1903", "Behaviour Monitoring")]
    );
    for s in [&d.software, &d.campaigns, &d.mitigations] {
        assert!(s.removed.is_empty() && s.renamed.is_empty() && s.revoked.is_empty());
    }
}

#[test]
fn relationships_added_and_removed_per_kind() {
    // data/sample/README.md: 15 counted relationships added, 16 removed.
    let d = sample_diff();
    assert_eq!((d.relationships.added, d.relationships.removed), (15, 16));
    let kinds: Vec<(&str, usize, usize)> = d
        .relationships
        .kinds
        .iter()
        .map(|k| (k.kind.as_str(), k.added, k.removed))
        .collect();
    assert_eq!(
        kinds,
        [
            ("attributed-to", 1, 0),
            ("detects", 3, 9),
            ("mitigates", 1, 4),
            ("revoked-by", 1, 0),
            ("subtechnique-of", 1, 1),
            ("uses", 8, 2)
        ]
    );
}

#[test]
fn data_model_changes_are_reported_once() {
    let d = sample_diff();
    let got: Vec<(&str, Option<&str>, &str, usize)> = d
        .model_changes
        .iter()
        .map(|m| {
            (
                m.object_type.as_str(),
                m.field.as_deref(),
                m.change.as_str(),
                m.objects,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("technique", Some("x_mitre_detection"), "emptied", 14),
            ("technique", Some("x_mitre_data_sources"), "removed", 14),
            ("data-source", None, "withdrawn", 2),
            ("data-component", Some("external_id"), "introduced", 3),
            (
                "data-component",
                Some("x_mitre_data_source_ref"),
                "removed",
                3
            ),
            (
                "data-component",
                Some("x_mitre_log_sources"),
                "introduced",
                3
            ),
            ("detection-strategy", None, "introduced", 3),
            ("analytic", None, "introduced", 4),
            ("relationship", Some("detects"), "moved", 3),
        ]
    );
    assert!(d.model_changes.iter().all(|m| !m.summary.is_empty()));
}

#[test]
fn the_reverse_diff_mirrors_the_forward_one() {
    let run = sample(&["diff", "2.0", "1.0", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Diff = run.json();
    let t = &d.techniques;
    assert_eq!(t.added, [r("T1480", "Target Gating")]);
    assert_eq!(t.removed, [r("T1652", "Kernel Module Census")]);
    // Revoked and deprecated in 2.0 but active in 1.0: reinstated going backwards.
    let back: Vec<(&str, &str)> = t
        .reinstated
        .iter()
        .map(|x| (x.id.as_str(), x.was.as_str()))
        .collect();
    assert_eq!(back, [("T1168", "revoked"), ("T1500", "deprecated")]);
    assert_eq!(t.parent_changed[0].id, "T1053.006");
    assert_eq!(t.parent_changed[0].old_id, "T1543.002");
    assert_eq!((d.relationships.added, d.relationships.removed), (16, 15));
    let fields: Vec<(&str, &str)> = d
        .model_changes
        .iter()
        .filter_map(|m| Some((m.field.as_deref()?, m.change.as_str())))
        .collect();
    assert!(fields.contains(&("x_mitre_detection", "introduced")));
    assert!(fields.contains(&("x_mitre_data_sources", "introduced")));
}

#[test]
fn identical_versions_have_no_differences_and_exit_1() {
    let run = sample(&["diff", "2.0", "2.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("No differences."), "{}", run.stdout);
}

#[test]
fn files_and_versions_can_be_mixed() {
    let old = sample_dir().join("enterprise-attack-1.0.json");
    let run = sample(&["diff", old.to_str().unwrap(), "2.0", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Diff = run.json();
    assert_eq!(d.techniques.added.len(), 1);
}

#[test]
fn flat_formats_hold_one_record_per_change() {
    let run = sample(&["diff", "1.0", "2.0", "-f", "jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Line> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // 9 model changes, 9 technique changes, 6 in other sections (G0903 is renamed and
    // edited), 10 relationship counts (6 types; added and removed are separate records).
    assert_eq!(lines.len(), 9 + 9 + 6 + 10);
    assert!(lines.iter().any(|l| l.section == "groups"
        && l.change == "edited"
        && l.id == "G0903"
        && l.detail == "description; aliases: added Ember Weave"));
    assert!(lines.iter().any(|l| l.section == "techniques"
        && l.change == "revoked"
        && l.id == "T1168"
        && l.detail == "replaced by T1053 Timed Job Planting"));
    let csv = sample(&["diff", "1.0", "2.0", "-f", "csv"]);
    assert_eq!(csv.code, 0);
    assert_eq!(csv.stdout.lines().count(), lines.len() + 1);
    assert!(csv.stdout.starts_with("section,change,id,name,detail\n"));
}

#[test]
fn errors_are_one_line_with_exit_2() {
    let ics = sample_dir().join("ics-attack-1.0.json");
    for (args, needle) in [
        (
            vec!["diff", "1.0", ics.to_str().unwrap()],
            "different domains",
        ),
        (
            vec!["diff", "1.0", "not-a-version"],
            "neither a bundle file nor an ATT&CK version",
        ),
        (
            vec!["diff", "1.0", "9.9"],
            "no enterprise-attack 9.9 bundle",
        ),
        (
            vec!["--attack-version", "1.0", "diff", "1.0", "2.0"],
            "takes both versions as arguments",
        ),
        (vec!["diff", "1.0", "/"], "is not a bundle file"),
    ] {
        let run = sample(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("attck: "), "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

/// A detection mapping made for 1.0 (our own list): one ID for each kind of change, an ID
/// already revoked in 1.0, one deprecated in 1.0, one new in 2.0, an unknown one, and an
/// unchanged one.
const MAPPING: &str = "T1059.001\nT1053.006 T1168 T1500 T1480\nT1082,T1543,T1497,T1595\nT1086 T1064 T1652 T9999 T1027\n";

fn for_mapping(extra: &[&str]) -> (crate::common::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mapping.txt");
    std::fs::write(&file, MAPPING).unwrap();
    let mut args = vec!["diff", "1.0", "2.0", "--for", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    (sample(&args), dir)
}

#[test]
fn for_a_mapping_says_what_to_do_with_each_id() {
    let (run, _dir) = for_mapping(&["-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Diff = run.json();
    let m = d.mapping.expect("mapping");
    assert!(m.source.ends_with("mapping.txt"));
    assert_eq!(m.ids_read, 14);
    let got: Vec<(&str, &str, &str, Option<&str>)> = m
        .affected
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.change.as_str(),
                a.action.as_str(),
                a.replacement.as_ref().map(|r| r.id.as_str()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "T1053.006",
                "parent_changed",
                "use T1543.002 instead: now under T1543 Resident Service Setup",
                Some("T1543.002")
            ),
            (
                "T1064",
                "deprecated",
                "remove: deprecated already in 1.0, and nothing replaces it in 2.0",
                None
            ),
            (
                "T1082",
                "renamed",
                "rename: Host Profile Gathering → Host Fingerprinting",
                None
            ),
            (
                "T1086",
                "revoked",
                "replace with T1059.001 Managed Shell Host (revoked already in 1.0)",
                Some("T1059.001")
            ),
            (
                "T1168",
                "revoked",
                "replace with T1053 Timed Job Planting",
                Some("T1053")
            ),
            ("T1480", "removed", "remove: not in 2.0", None),
            (
                "T1497",
                "platforms_changed",
                "check platforms: added Linux",
                None
            ),
            (
                "T1500",
                "deprecated",
                "remove: deprecated in 2.0, with no replacement",
                None
            ),
            (
                "T1543",
                "tactics_changed",
                "check tactics: now execution, persistence (was persistence)",
                None
            ),
            (
                "T1595",
                "description_changed",
                "review: description changed",
                None
            ),
        ]
    );
    assert_eq!(m.unchanged, ["T1027", "T1059.001", "T1652"]);
    assert_eq!(m.unknown, ["T9999"]);
    // The sections keep the mapping's techniques only; the others are not about techniques.
    let t = &d.techniques;
    assert_eq!(t.added, [r("T1652", "Kernel Module Census")]);
    assert_eq!(t.parent_changed.len(), 1);
    assert!(d.groups.added.is_empty() && d.software.added.is_empty());
    assert!(d.campaigns.added.is_empty() && d.mitigations.deprecated.is_empty());
    // Relationships with an end among them (worked out by hand from data/sample/README.md).
    assert_eq!((d.relationships.added, d.relationships.removed), (9, 10));
    assert_eq!(d.model_changes.len(), 9);
}

#[test]
fn for_a_mapping_in_markdown_leads_with_the_actions() {
    let (run, _dir) = for_mapping(&["-f", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(
        md.starts_with("## ATT&CK enterprise 1.0 → 2.0 for "),
        "{md}"
    );
    let mine = md.find("### Your mapping").unwrap();
    assert!(mine < md.find("### Summary").unwrap());
    assert!(md.contains(
        "14 technique IDs read; 10 need attention, 3 unchanged, 1 in neither version (T9999)."
    ));
    assert!(md.contains(
        "| T1168 | Local Job Planting | revoked | replace with T1053 Timed Job Planting |"
    ));
    assert!(!md.contains("### Groups"));
    let csv = for_mapping(&["-f", "csv"]).0.stdout;
    assert!(csv.contains(
        "\nmapping,revoked,T1168,Local Job Planting,replace with T1053 Timed Job Planting\n"
    ));
}

#[test]
fn for_reads_layers_and_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "T1168 T1059.001").unwrap();
    let layer = dir.path().join("layer.json");
    let r = sample(&[
        "--attack-version",
        "1.0",
        "layer",
        "--ids",
        ids.to_str().unwrap(),
        "-o",
        layer.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = sample(&[
        "diff",
        "1.0",
        "2.0",
        "--for",
        layer.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Navigator layer"), "{}", r.stderr);
    let d: Diff = r.json();
    let m = d.mapping.unwrap();
    assert_eq!(m.ids_read, 2);
    assert_eq!(m.affected.len(), 1);
    assert_eq!(m.affected[0].id, "T1168");
    // Nothing in the mapping changes: exit 1.
    std::fs::write(&ids, "T1027 T1059.001").unwrap();
    let r = sample(&["diff", "1.0", "2.0", "--for", ids.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("2 technique IDs read; 0 need attention, 2 unchanged.")
    );
    // A missing file fails before any bundle is read.
    let missing = dir.path().join("missing.txt");
    let r = sample(&["diff", "1.0", "9.9", "--for", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}

/// The real diff, computed in-process on bundles loaded once per test run.
fn real_diff(domain: &str) -> Option<DiffReport> {
    let old = real_kb(&format!("{domain}-attack-17.1.json"))?;
    let new = real_kb(&format!("{domain}-attack-18.1.json"))?;
    Some(diff(&old, &new))
}

fn ids<T>(v: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    v.iter().map(|x| id(x).to_string()).collect()
}

fn model(d: &DiffReport) -> Vec<(String, Option<String>, String, usize)> {
    d.model_changes
        .iter()
        .map(|m| {
            (
                m.object_type.to_string(),
                m.field.map(ToString::to_string),
                m.change.to_string(),
                m.objects,
            )
        })
        .collect()
}

/// Each edited object with the fields that changed.
fn edited(s: &attck_explorer::query::diff::SectionChanges) -> Vec<(String, Vec<&'static str>)> {
    s.edited
        .iter()
        .map(|e| (e.id.clone(), e.fields.iter().map(|f| f.field).collect()))
        .collect()
}

fn e(id: &str, fields: &[&'static str]) -> (String, Vec<&'static str>) {
    (id.to_string(), fields.to_vec())
}

fn rel_kinds(d: &DiffReport) -> Vec<(&str, usize, usize)> {
    d.relationships
        .kinds
        .iter()
        .map(|k| (k.kind, k.added, k.removed))
        .collect()
}

#[test]
fn real_enterprise_17_1_to_18_1() {
    let Some(d) = real_diff("enterprise") else {
        return;
    };
    let t = &d.techniques;
    assert_eq!(
        ids(&t.common.added, |r| &r.id),
        [
            "T1036.012",
            "T1059.013",
            "T1204.005",
            "T1213.006",
            "T1518.002",
            "T1546.018",
            "T1562.013",
            "T1677",
            "T1678",
            "T1679",
            "T1680",
            "T1681"
        ]
    );
    assert!(t.common.removed.is_empty() && t.common.revoked.is_empty());
    assert!(t.common.deprecated.is_empty() && t.common.reinstated.is_empty());
    assert_eq!(
        ids(&t.common.renamed, |r| &r.id),
        ["T1497.003", "T1552.003"]
    );
    assert!(t.tactics_changed.is_empty() && t.parent_changed.is_empty());
    // 145 more techniques list their platforms in another order: not a change.
    assert_eq!(
        ids(&t.platforms_changed, |r| &r.id),
        ["T1195", "T1489", "T1552.003"]
    );
    // 49 real text edits; the detection text emptied on 583 techniques and the data sources
    // removed from 639 are one data-model change each.
    assert_eq!(t.description_changed.len(), 49);
    assert!(
        t.description_changed
            .iter()
            .all(|c| c.fields == ["description"])
    );
    assert_eq!(t.description_changed[0].id, "T1005");
    assert_eq!(t.description_changed[48].id, "T1672");
    let m = model(&d);
    assert!(m.contains(&(
        "technique".into(),
        Some("x_mitre_detection".into()),
        "emptied".into(),
        583
    )));
    assert!(m.contains(&(
        "technique".into(),
        Some("x_mitre_data_sources".into()),
        "removed".into(),
        639
    )));
    assert!(m.contains(&("data-source".into(), None, "withdrawn".into(), 37)));
    assert!(m.contains(&("detection-strategy".into(), None, "introduced".into(), 691)));
    assert!(m.contains(&("analytic".into(), None, "introduced".into(), 1739)));
    assert_eq!(d.groups.common.added.len(), 6);
    assert_eq!(d.groups.common.added[0].id, "G1048");
    assert_eq!(d.software.common.added.len(), 29);
    assert_eq!(d.campaigns.common.added.len(), 5);
    assert_eq!(ids(&d.campaigns.common.added, |r| &r.id)[0], "C0055");
    // Edits to the other kinds (scripts/diff_facts.py): descriptions and aliases; the data
    // components' new log sources and lost data-source refs are data-model changes, their
    // 51 new descriptions edits.
    assert_eq!(
        edited(&d.groups),
        [
            e("G0027", &["aliases"]),
            e("G0032", &["description"]),
            e("G0046", &["description"]),
            e("G0047", &["description"]),
            e("G0094", &["description"]),
            e("G0129", &["description", "aliases"]),
            e("G1015", &["description", "aliases"]),
        ]
    );
    assert_eq!(
        edited(&d.software),
        [
            e("S0363", &["description"]),
            e("S0681", &["x_mitre_aliases"])
        ]
    );
    assert_eq!(
        edited(&d.mitigations),
        [e("M1032", &["description"]), e("M1048", &["description"])]
    );
    assert!(d.mitigations.common.is_empty());
    assert_eq!(edited(&d.tactics), [e("TA0008", &["description"])]);
    assert!(d.tactics.common.is_empty());
    assert_eq!(d.data_components.edited.len(), 51);
    assert!(
        d.data_components
            .edited
            .iter()
            .all(|x| x.fields.len() == 1 && x.fields[0].field == "description")
    );
    assert!(d.data_components.common.is_empty());
    assert!(m.contains(&(
        "data-component".into(),
        Some("x_mitre_data_source_ref".into()),
        "removed".into(),
        106
    )));
    assert!(m.contains(&(
        "data-component".into(),
        Some("x_mitre_log_sources".into()),
        "introduced".into(),
        99
    )));
    // Whole types introduced or withdrawn are one model change each, not a list.
    for s in [&d.data_sources, &d.detection_strategies, &d.analytics] {
        assert!(s.is_empty());
    }
    assert!(d.assets.is_empty() && d.matrices.is_empty() && d.campaigns.edited.is_empty());
    assert_eq!(
        (d.relationships.added, d.relationships.removed),
        (1807, 2170)
    );
    assert_eq!(
        rel_kinds(&d),
        [
            ("attributed-to", 2, 0),
            ("detects", 691, 2116),
            ("mitigates", 24, 0),
            ("subtechnique-of", 7, 0),
            ("uses", 1083, 54)
        ]
    );
}

#[test]
fn real_mobile_17_1_to_18_1() {
    let Some(d) = real_diff("mobile") else {
        return;
    };
    let t = &d.techniques;
    assert_eq!(ids(&t.common.added, |r| &r.id), ["T1636.005", "T1676"]);
    // Deprecated in 17.1, active again in 18.1.
    assert_eq!(ids(&t.common.reinstated, |r| &r.id), ["T1453"]);
    assert_eq!(t.common.reinstated[0].was, "deprecated");
    assert_eq!(ids(&t.description_changed, |r| &r.id), ["T1660"]);
    assert_eq!(t.len(), 4);
    assert_eq!(ids(&d.groups.common.added, |r| &r.id), ["G0069", "G1033"]);
    assert_eq!(
        ids(&d.software.common.added, |r| &r.id),
        ["S1225", "S1231", "S1241", "S1243"]
    );
    assert!(d.mitigations.is_empty() && d.campaigns.is_empty());
    assert_eq!(edited(&d.groups), [e("G1015", &["description", "aliases"])]);
    assert_eq!(edited(&d.software), [e("S1083", &["description"])]);
    assert_eq!(
        ids(&d.data_components.edited, |r| &r.id),
        ["DC0021", "DC0032", "DC0033", "DC0064", "DC0078"]
    );
    assert!(model(&d).contains(&(
        "technique".into(),
        Some("x_mitre_detection".into()),
        "emptied".into(),
        107
    )));
    assert_eq!((d.relationships.added, d.relationships.removed), (214, 169));
    assert_eq!(
        rel_kinds(&d),
        [
            ("detects", 124, 168),
            ("mitigates", 4, 0),
            ("revoked-by", 2, 0),
            ("subtechnique-of", 1, 0),
            ("uses", 83, 1)
        ]
    );
}

#[test]
fn real_ics_17_1_to_18_1() {
    let Some(d) = real_diff("ics") else {
        return;
    };
    // No technique changed; the data model did, and (scripts/diff_facts.py) 4 assets were
    // added and 6 edited, 2 groups' descriptions and 19 data components' descriptions.
    assert!(d.techniques.is_empty(), "{:?}", d.techniques);
    assert_eq!(
        ids(&d.assets.common.added, |r| &r.id),
        ["A0015", "A0016", "A0017", "A0018"]
    );
    assert_eq!(
        edited(&d.assets),
        [
            e("A0001", &["x_mitre_platforms"]),
            e("A0006", &["description"]),
            e("A0007", &["x_mitre_platforms", "x_mitre_related_assets"]),
            e("A0008", &["x_mitre_related_assets"]),
            e(
                "A0009",
                &["description", "x_mitre_platforms", "x_mitre_related_assets"]
            ),
            e("A0014", &["x_mitre_platforms"]),
        ]
    );
    assert_eq!(d.assets.len(), 10);
    let a1 = &d.assets.edited[0].fields[0];
    assert_eq!(
        (a1.old.as_slice(), a1.new.as_slice()),
        (
            &["Windows".to_string()][..],
            &["Windows".to_string(), "Linux".to_string()][..]
        )
    );
    assert_eq!(
        edited(&d.groups),
        [e("G0032", &["description"]), e("G0046", &["description"])]
    );
    assert_eq!(d.data_components.edited.len(), 19);
    for s in [
        &d.tactics,
        &d.software,
        &d.mitigations,
        &d.campaigns,
        &d.matrices,
    ] {
        assert!(s.is_empty());
    }
    assert!(model(&d).contains(&(
        "technique".into(),
        Some("x_mitre_data_sources".into()),
        "removed".into(),
        71
    )));
    assert_eq!(rel_kinds(&d), [("detects", 83, 238), ("targets", 161, 0)]);
}

#[test]
fn real_enterprise_for_a_mapping() {
    let (Some(old), Some(new)) = (
        real_kb("enterprise-attack-17.1.json"),
        real_kb("enterprise-attack-18.1.json"),
    ) else {
        return;
    };
    let ids: Vec<String> = [
        "T1497.003",
        "t1552.003",
        "T1059.001",
        "T1086",
        "T1195",
        "T9999",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let d = diff_for(&old, &new, &ids, "ids.txt");
    let m = d.mapping.as_ref().unwrap();
    let got: Vec<(&str, &str)> = m
        .affected
        .iter()
        .map(|a| (a.id.as_str(), a.change))
        .collect();
    assert_eq!(
        got,
        [
            ("T1086", "revoked"),
            ("T1195", "platforms_changed"),
            ("T1195", "description_changed"),
            ("T1497.003", "renamed"),
            ("T1497.003", "description_changed"),
            ("T1552.003", "renamed"),
            ("T1552.003", "platforms_changed"),
            ("T1552.003", "description_changed"),
        ]
    );
    assert_eq!(
        m.affected[0].replacement.as_ref().map(|r| r.id.as_str()),
        Some("T1059.001")
    );
    assert_eq!(m.unchanged, ["T1059.001"]);
    assert_eq!(m.unknown, ["T9999"]);
    assert_eq!(d.techniques.description_changed.len(), 3);
    assert!(d.groups.is_empty() && d.software.is_empty());
}

/// Runs the binary on the tactic-split pair (data/sample/v19, its own data directory).
fn split(args: &[&str]) -> crate::common::Run {
    let dir = sample_dir().join("v19");
    let mut v = vec!["--data-dir", dir.to_str().unwrap()];
    v.extend_from_slice(args);
    crate::common::run(&v)
}

#[test]
fn a_tactic_split_is_a_renamed_tactic_and_techniques_that_moved() {
    // data/sample/README.md, "Changes from 18.0 to 19.0".
    let run = split(&["diff", "18.0", "19.0", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Diff = run.json();
    assert_eq!(d.tactics.added, [r("TA0112", "Defense Impairment")]);
    let renamed = &d.tactics.renamed;
    assert_eq!(renamed.len(), 1);
    assert_eq!(
        (
            renamed[0].id.as_str(),
            renamed[0].old_name.as_str(),
            renamed[0].new_name.as_str()
        ),
        ("TA0005", "Defense Evasion", "Stealth")
    );
    let shortname = d.tactics.edited[0]
        .fields
        .iter()
        .find(|f| f.field == "x_mitre_shortname")
        .expect("the shortname change");
    assert_eq!(
        (shortname.old.as_slice(), shortname.new.as_slice()),
        (
            &["defense-evasion".to_string()][..],
            &["stealth".to_string()][..]
        )
    );
    let moved: Vec<&str> = d
        .techniques
        .tactics_changed
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(moved, ["T1070", "T1480", "T1562", "T1562.004"]);
    let revoked: Vec<(&str, Option<&str>)> = d
        .techniques
        .revoked
        .iter()
        .map(|x| (x.id.as_str(), x.revoked_by.as_ref().map(|r| r.id.as_str())))
        .collect();
    assert_eq!(
        revoked,
        [("T1562.001", Some("T1685")), ("T1562.002", Some("T1685"))]
    );
    // The same in the other formats: one record per change, a table row per record.
    let lines = split(&["diff", "18.0", "19.0", "-f", "jsonl"]);
    let lines: Vec<Line> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l.section == "tactics"
        && l.change == "edited"
        && l.detail == "description; x_mitre_shortname: defense-evasion → stealth"));
    let table = split(&["diff", "18.0", "19.0"]);
    assert!(
        table.stdout.contains("Tactics: renamed (1)"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_tactic_split_in_the_matrix_and_a_layer() {
    let run = split(&["matrix", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cols: Vec<crate::contract::MatrixColumn> = run.json();
    let tactics: Vec<(&str, &str)> = cols
        .iter()
        .map(|c| (c.tactic.id.as_str(), c.tactic.shortname.as_str()))
        .collect();
    assert_eq!(
        tactics,
        [
            ("TA0002", "execution"),
            ("TA0003", "persistence"),
            ("TA0005", "stealth"),
            ("TA0112", "defense-impairment"),
            ("TA0007", "discovery")
        ]
    );
    let old = split(&["--attack-version", "18.0", "matrix", "-f", "json"]);
    let cols: Vec<crate::contract::MatrixColumn> = old.json();
    assert_eq!(cols.len(), 4);
    assert_eq!(cols[2].tactic.shortname, "defense-evasion");
    // A layer made against 18.0 (versions.attack "18") loses every old tactic tag.
    let layer = sample_dir().join("v19/layer-18.json");
    let up = split(&["layer", "upgrade", layer.to_str().unwrap()]);
    assert_eq!(up.code, 0, "{}", up.stderr);
    let doc: serde_json::Value = serde_json::from_str(&up.stdout).unwrap();
    let tags: Vec<(&str, &str)> = doc["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["techniqueID"].as_str().unwrap(),
                e["tactic"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        tags.iter().all(|(_, t)| *t != "defense-evasion"),
        "{tags:?}"
    );
    assert!(tags.contains(&("T1027", "stealth")));
    assert!(tags.contains(&("T1685", "defense-impairment")));
    assert!(
        !tags
            .iter()
            .any(|(id, _)| id.starts_with("T1562.00") && *id != "T1562.004")
    );
    assert_eq!(doc["versions"]["attack"], "19");
}
