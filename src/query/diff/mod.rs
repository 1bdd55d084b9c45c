//! `attck diff`: what changed between two versions of one ATT&CK domain.
//!
//! Objects of every kind are matched by STIX id first, then by ATT&CK ID. A field emptied,
//! removed or introduced across a whole object type is a change of MITRE's data model, not an
//! edit: it is reported once in `model_changes` and left out of the per-object comparison, so
//! a schema migration (17.1 → 18.1 empties `x_mitre_detection` on every technique) does not
//! look like hundreds of edited techniques. Tactics are matched the same way, so a tactic that
//! keeps its STIX id under a new name and shortname is one renamed tactic, and its techniques
//! have not moved.
//!
//! The parts: [`records`] (the view structs, the JSON contract), `fields` (which fields are
//! compared per kind; data-model changes; one object's edits), `matching`, `compare` (the
//! changes of each section and the relationships), `mapping` (`--for`) and `present` (each
//! change formatted once, for tables and flat records alike).

mod compare;
mod fields;
mod mapping;
mod matching;
mod present;
pub mod records;

pub use mapping::diff_for;
pub(crate) use matching::match_kind;
pub use records::*;

use crate::model::{Kind, KnowledgeBase};

/// Compares two knowledge bases of the same domain.
#[must_use]
pub fn diff(old: &KnowledgeBase, new: &KnowledgeBase) -> DiffReport {
    let (model_changes, covered) = fields::model_changes(old, new);
    let mut report = DiffReport {
        domain: new.domain.short_name().to_string(),
        old: Side {
            attack_version: old.attack_version.clone(),
            source: old.source.display().to_string(),
        },
        new: Side {
            attack_version: new.attack_version.clone(),
            source: new.source.display().to_string(),
        },
        techniques: compare::technique_changes(old, new, &covered),
        tactics: SectionChanges::default(),
        groups: SectionChanges::default(),
        software: SectionChanges::default(),
        mitigations: SectionChanges::default(),
        campaigns: SectionChanges::default(),
        data_sources: SectionChanges::default(),
        data_components: SectionChanges::default(),
        detection_strategies: SectionChanges::default(),
        analytics: SectionChanges::default(),
        assets: SectionChanges::default(),
        matrices: SectionChanges::default(),
        relationships: compare::relationship_changes(old, new, None),
        mapping: None,
        present: Kind::ALL
            .into_iter()
            .filter(|&k| old.count(k) + new.count(k) > 0)
            .collect(),
        lines: Vec::new(),
        model_changes: Vec::new(),
    };
    for kind in Kind::ALL {
        // A kind introduced or withdrawn as a whole is one model change, not a list.
        let whole = model_changes
            .iter()
            .any(|m| m.field.is_none() && m.object_type == kind.name());
        if let Some(s) = report.section_mut(kind) {
            *s = compare::section(old, new, kind, &covered, whole);
        }
    }
    report.model_changes = model_changes;
    report.lines = present::flat_lines(&report);
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sample;
    use crate::query::{Block, Report};

    fn ids<T>(v: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
        v.iter().map(|x| id(x).to_string()).collect()
    }

    /// A changed field as (field, old, new).
    type Field<'a> = (&'a str, Vec<&'a str>, Vec<&'a str>);

    /// Each edited object with its changed fields.
    fn edits(s: &SectionChanges) -> Vec<(&str, Vec<Field<'_>>)> {
        fn strs(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        s.edited
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.fields
                        .iter()
                        .map(|f| (f.field, strs(&f.old), strs(&f.new)))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_tactic_split() {
        // data/sample/README.md, "Changes from 18.0 to 19.0".
        let d = diff(sample::split_before(), sample::split_after());
        let t = &d.tactics;
        assert_eq!(ids(&t.common.added, |r| &r.id), ["TA0112"]);
        assert_eq!(t.common.renamed.len(), 1);
        let r = &t.common.renamed[0];
        assert_eq!(
            (r.id.as_str(), r.old_name.as_str(), r.new_name.as_str()),
            ("TA0005", "Defense Evasion", "Stealth")
        );
        assert_eq!(
            edits(t),
            [(
                "TA0005",
                vec![
                    ("description", vec![], vec![]),
                    (
                        "x_mitre_shortname",
                        vec!["defense-evasion"],
                        vec!["stealth"]
                    )
                ]
            )]
        );
        assert!(t.common.removed.is_empty() && t.common.id_changed.is_empty());
        // Techniques that moved; T1027 and T1497 only follow TA0005's new shortname.
        let tc = &d.techniques;
        assert_eq!(
            ids(&tc.tactics_changed, |r| &r.id),
            ["T1070", "T1480", "T1562", "T1562.004"]
        );
        let t1070 = &tc.tactics_changed[0];
        assert_eq!(
            (t1070.old.as_slice(), t1070.new.as_slice()),
            (
                &["defense-evasion".to_string()][..],
                &["stealth".to_string(), "defense-impairment".to_string()][..]
            )
        );
        assert_eq!(ids(&tc.common.added, |r| &r.id), ["T1685"]);
        let revoked: Vec<(&str, Option<&str>)> = tc
            .common
            .revoked
            .iter()
            .map(|x| (x.id.as_str(), x.revoked_by.as_ref().map(|r| r.id.as_str())))
            .collect();
        assert_eq!(
            revoked,
            [("T1562.001", Some("T1685")), ("T1562.002", Some("T1685"))]
        );
        assert!(tc.platforms_changed.is_empty() && tc.parent_changed.is_empty());
        assert!(tc.description_changed.is_empty() && tc.common.renamed.is_empty());
        assert_eq!(
            edits(&d.matrices),
            [(
                "enterprise-attack",
                vec![(
                    "tactic_refs",
                    vec!["TA0002", "TA0003", "TA0005", "TA0007"],
                    vec!["TA0002", "TA0003", "TA0005", "TA0112", "TA0007"]
                )]
            )]
        );
        assert_eq!(
            edits(&d.groups),
            [(
                "G0911",
                vec![
                    ("description", vec![], vec![]),
                    (
                        "aliases",
                        vec!["Copper Wren", "Slate Finch"],
                        vec!["Copper Wren", "Slate Finch", "Quiet Anvil"]
                    )
                ]
            )]
        );
        assert_eq!(
            edits(&d.software),
            [(
                "S0911",
                vec![("x_mitre_aliases", vec!["Ashvane"], vec!["Ashvane", "ASHV"])]
            )]
        );
        assert_eq!(
            edits(&d.campaigns),
            [("C0911", vec![("description", vec![], vec![])])]
        );
        for s in [
            &d.mitigations,
            &d.data_components,
            &d.detection_strategies,
            &d.analytics,
        ] {
            assert!(s.is_empty(), "{s:?}");
        }
        assert!(d.model_changes.is_empty());
        assert_eq!((d.relationships.added, d.relationships.removed), (6, 7));
    }

    #[test]
    fn the_split_backwards() {
        let d = diff(sample::split_after(), sample::split_before());
        assert_eq!(ids(&d.tactics.common.removed, |r| &r.id), ["TA0112"]);
        assert_eq!(d.tactics.common.renamed[0].new_name, "Defense Evasion");
        let back: Vec<(&str, &str)> = d
            .techniques
            .common
            .reinstated
            .iter()
            .map(|x| (x.id.as_str(), x.was))
            .collect();
        assert_eq!(back, [("T1562.001", "revoked"), ("T1562.002", "revoked")]);
        assert_eq!(ids(&d.techniques.common.removed, |r| &r.id), ["T1685"]);
    }

    #[test]
    fn the_samples_1_0_to_2_0() {
        // data/sample/README.md, "Changes from enterprise 1.0 to 2.0".
        let d = diff(sample::v1(), sample::v2());
        assert_eq!(ids(&d.groups.common.added, |r| &r.id), ["G0904"]);
        assert_eq!(
            edits(&d.groups),
            [(
                "G0903",
                vec![
                    ("description", vec![], vec![]),
                    (
                        "aliases",
                        vec!["Ember Loom"],
                        vec!["Ember Weave", "Ember Loom"]
                    )
                ]
            )]
        );
        // The data components gain IDs, log sources and lose their data source with the data
        // model: none of that is an edit or an ID change of one component.
        assert!(d.data_components.is_empty(), "{:?}", d.data_components);
        let model: Vec<(&str, Option<&str>, &str)> = d
            .model_changes
            .iter()
            .map(|m| (m.object_type, m.field, m.change))
            .collect();
        for m in [
            ("data-component", Some("external_id"), "introduced"),
            ("data-component", Some("x_mitre_data_source_ref"), "removed"),
            ("data-component", Some("x_mitre_log_sources"), "introduced"),
            ("detection-strategy", None, "introduced"),
            ("data-source", None, "withdrawn"),
        ] {
            assert!(model.contains(&m), "{m:?} in {model:?}");
        }
        // Kinds introduced or withdrawn as a whole list nothing one by one.
        for s in [&d.detection_strategies, &d.analytics, &d.data_sources] {
            assert!(s.is_empty());
        }
        assert!(d.tactics.is_empty() && d.matrices.is_empty());
        assert_eq!(ids(&d.techniques.tactics_changed, |r| &r.id), ["T1543"]);
    }

    #[test]
    fn assets_are_compared() {
        // The ICS sample against an edited copy: A0901's platforms, A0902's description, a
        // new asset.
        let mut bundle: serde_json::Value =
            serde_json::from_slice(include_bytes!("../../../data/sample/ics-attack-1.0.json"))
                .unwrap();
        let objects = bundle["objects"].as_array_mut().unwrap();
        let mut added = None;
        for o in objects.iter_mut() {
            let id = o["external_references"][0]["external_id"].clone();
            if id == "A0901" {
                o["x_mitre_platforms"] = serde_json::json!(["Embedded", "Windows"]);
                let mut copy = o.clone();
                copy["id"] = "x-mitre-asset--5a3b1e1c-0903-4000-800d-000000000000".into();
                copy["external_references"][0]["external_id"] = "A0903".into();
                copy["name"] = "Protocol Gateway".into();
                added = Some(copy);
            }
            if id == "A0902" {
                o["description"] = "An operator's workstation, described again.".into();
            }
        }
        objects.push(added.unwrap());
        let bytes = serde_json::to_vec(&bundle).unwrap();
        let new =
            KnowledgeBase::from_bytes(&bytes, std::path::Path::new("ics-attack-1.1.json"), None)
                .unwrap();
        let d = diff(sample::ics(), &new);
        assert_eq!(ids(&d.assets.common.added, |r| &r.id), ["A0903"]);
        assert_eq!(
            edits(&d.assets),
            [
                (
                    "A0901",
                    vec![(
                        "x_mitre_platforms",
                        vec!["Embedded"],
                        vec!["Embedded", "Windows"]
                    )]
                ),
                ("A0902", vec![("description", vec![], vec![])]),
            ]
        );
        assert!(d.techniques.is_empty() && d.groups.is_empty());
    }

    #[test]
    fn identical_versions_differ_in_nothing() {
        for kb in [
            sample::v1(),
            sample::v2(),
            sample::split_after(),
            sample::ics(),
        ] {
            let d = diff(kb, kb);
            assert!(d.is_empty(), "{}", kb.label());
            assert!(d.lines.is_empty());
        }
    }

    #[test]
    fn every_record_is_a_table_row() {
        // Formatted once: each flat record of a change has its row, under its section, in
        // the table blocks, and the summary counts them.
        for (old, new) in [
            (sample::v1(), sample::v2()),
            (sample::split_before(), sample::split_after()),
        ] {
            let d = diff(old, new);
            let blocks = d.blocks();
            let mut rows: Vec<(String, String)> = Vec::new();
            let mut heading = String::new();
            for b in &blocks {
                match b {
                    Block::Heading(h) => heading.clone_from(h),
                    Block::Table { rows: r, .. } => rows.extend(
                        r.iter()
                            .map(|row| (heading.to_lowercase(), row[0].text.clone())),
                    ),
                    _ => {}
                }
            }
            let changes: Vec<&DiffLine> = d
                .lines
                .iter()
                .filter(|l| !["model", "relationships", "mapping"].contains(&l.section))
                .collect();
            assert!(!changes.is_empty());
            for l in &changes {
                let section = l.section.replace('_', " ");
                assert!(
                    rows.iter()
                        .any(|(h, id)| h.starts_with(&format!("{section}: ")) && *id == l.id),
                    "{l:?}"
                );
            }
        }
    }

    #[test]
    fn a_mapping_hears_of_its_renamed_tactic() {
        let ids: Vec<String> = ["T1027", "T1562.001", "T1070", "T1082"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let d = diff_for(sample::split_before(), sample::split_after(), &ids, "rules");
        let m = d.mapping.as_ref().unwrap();
        let got: Vec<(&str, &str, &str)> = m
            .affected
            .iter()
            .map(|a| (a.id.as_str(), a.change, a.action.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "T1027",
                    "tactics_changed",
                    "check tactic tags: defense-evasion is now stealth (the tactic was renamed)"
                ),
                (
                    "T1070",
                    "tactics_changed",
                    "check tactics: now stealth, defense-impairment (was defense-evasion)"
                ),
                (
                    "T1562.001",
                    "revoked",
                    "replace with T1685 Security Control Shutdown"
                ),
            ]
        );
        assert_eq!(m.unchanged, ["T1082"]);
        // Sections other than techniques are left out with a mapping.
        assert!(d.sections().iter().all(|(_, _, s)| s.is_empty()));
    }
}
