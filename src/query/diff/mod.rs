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
