//! The diff's view structs: what `attck diff -f json` prints (they are the JSON contract).

use std::collections::HashMap;

use serde::Serialize;

use super::super::Ref;
use crate::model::Kind;

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The ATT&CK version of the bundle, or null when it does not say.
    pub attack_version: Option<String>,
    /// The bundle file.
    pub source: String,
}

/// An object revoked in NEW.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// What replaces it in NEW (revoked-by chains followed), or null when none is named.
    pub revoked_by: Option<Ref>,
}

/// An object inactive in OLD and active again in NEW.
#[derive(Debug, Clone, Serialize)]
pub struct Reinstated {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it was in OLD: `revoked` or `deprecated`.
    pub was: &'static str,
}

/// An object whose name changed.
#[derive(Debug, Clone, Serialize)]
pub struct Renamed {
    /// ATT&CK ID.
    pub id: String,
    /// The name in NEW.
    pub name: String,
    /// The name in OLD.
    pub old_name: String,
    /// The name in NEW (the same as `name`).
    pub new_name: String,
}

/// An object whose ATT&CK ID changed (other than a sub-technique moving to another parent).
#[derive(Debug, Clone, Serialize)]
pub struct IdChanged {
    /// ATT&CK ID in NEW.
    pub id: String,
    /// Name.
    pub name: String,
    /// ATT&CK ID in OLD.
    pub old_id: String,
}

/// A list field that changed (tactics, platforms): compared as sets, shown as published.
#[derive(Debug, Clone, Serialize)]
pub struct ListChanged {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The values in OLD.
    pub old: Vec<String>,
    /// The values in NEW.
    pub new: Vec<String>,
}

/// A technique that became a sub-technique, stopped being one, or moved to another parent.
#[derive(Debug, Clone, Serialize)]
pub struct ParentChanged {
    /// ATT&CK ID in NEW.
    pub id: String,
    /// Name.
    pub name: String,
    /// ATT&CK ID in OLD (sub-technique IDs change with the parent).
    pub old_id: String,
    /// `promoted` (sub-technique to technique), `demoted` (technique to sub-technique) or
    /// `moved` (to another parent).
    pub change: &'static str,
    /// The parent in OLD.
    pub old_parent: Option<Ref>,
    /// The parent in NEW.
    pub new_parent: Option<Ref>,
}

/// A technique whose text changed.
#[derive(Debug, Clone, Serialize)]
pub struct ContentChanged {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The STIX fields that changed: `description`, and `x_mitre_detection` or
    /// `x_mitre_data_sources` unless their change is a data-model change.
    pub fields: Vec<&'static str>,
}

/// The changes every section has.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ObjectChanges {
    /// Active in NEW, absent from OLD.
    pub added: Vec<Ref>,
    /// Active in OLD, absent from NEW.
    pub removed: Vec<Ref>,
    /// Active in OLD, revoked in NEW.
    pub revoked: Vec<Revoked>,
    /// Active in OLD, deprecated in NEW.
    pub deprecated: Vec<Ref>,
    /// Revoked or deprecated in OLD, active in NEW.
    pub reinstated: Vec<Reinstated>,
    /// Active in both, name changed.
    pub renamed: Vec<Renamed>,
    /// Active in both, ATT&CK ID changed.
    pub id_changed: Vec<IdChanged>,
}

impl ObjectChanges {
    /// Changes of any kind.
    #[must_use]
    pub fn len(&self) -> usize {
        self.added.len()
            + self.removed.len()
            + self.revoked.len()
            + self.deprecated.len()
            + self.reinstated.len()
            + self.renamed.len()
            + self.id_changed.len()
    }

    /// Nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One field of an object that changed.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// The STIX field: `description`, `aliases`, `x_mitre_shortname`, `x_mitre_platforms`, …
    pub field: &'static str,
    /// The values in OLD for list and short fields (lists compare as sets, except a matrix's
    /// `tactic_refs`, whose order counts); empty for long text, whose change alone is told.
    pub old: Vec<String>,
    /// The values in NEW, as `old`.
    pub new: Vec<String>,
}

/// An object active in both versions whose fields (other than name and ATT&CK ID) changed.
#[derive(Debug, Clone, Serialize)]
pub struct Edited {
    /// ATT&CK ID (in NEW).
    pub id: String,
    /// Name (in NEW).
    pub name: String,
    /// The fields that changed, in the order of the kind's field table.
    pub fields: Vec<FieldChange>,
}

/// What changed in a section other than techniques (tactics, groups, software, …).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionChanges {
    /// The changes every section has.
    #[serde(flatten)]
    pub common: ObjectChanges,
    /// Active in both, fields edited (a data-model change of a field is not an edit).
    pub edited: Vec<Edited>,
}

impl SectionChanges {
    /// Changes of any kind.
    #[must_use]
    pub fn len(&self) -> usize {
        self.common.len() + self.edited.len()
    }

    /// Nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What changed among techniques and sub-techniques.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TechniqueChanges {
    /// The changes every section has.
    #[serde(flatten)]
    pub common: ObjectChanges,
    /// Active in both, moved to other tactics (tactics are matched by STIX id, so a tactic
    /// that is only renamed, or given a new shortname, moves nothing: that is one change of
    /// the tactic). `old` and `new` are the shortnames as each version publishes them.
    pub tactics_changed: Vec<ListChanged>,
    /// Active in both, platforms changed (order alone does not count).
    pub platforms_changed: Vec<ListChanged>,
    /// Active in both, promoted, demoted or moved to another parent.
    pub parent_changed: Vec<ParentChanged>,
    /// Active in both, description (or other tracked text) changed.
    pub description_changed: Vec<ContentChanged>,
    /// Names as tables and Markdown show them, by ATT&CK ID: sub-techniques as
    /// `Parent: Name` (NEW's, else OLD's). Not part of the JSON.
    #[serde(skip)]
    pub labels: HashMap<String, String>,
    /// Tactics of the added techniques in NEW, by ID, for tables and Markdown.
    #[serde(skip)]
    pub added_tactics: HashMap<String, Vec<String>>,
}

impl TechniqueChanges {
    /// Changes of any kind.
    #[must_use]
    pub fn len(&self) -> usize {
        self.common.len()
            + self.tactics_changed.len()
            + self.platforms_changed.len()
            + self.parent_changed.len()
            + self.description_changed.len()
    }

    /// Nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counted relationships of one type added and removed.
#[derive(Debug, Clone, Serialize)]
pub struct RelationshipKindChange {
    /// The relationship type: `uses`, `mitigates`, `detects`, `attributed-to`, `targets`,
    /// `subtechnique-of`, `revoked-by`.
    pub kind: &'static str,
    /// Relationships in NEW and not in OLD.
    pub added: usize,
    /// Relationships in OLD and not in NEW.
    pub removed: usize,
}

/// Counted relationships added and removed, compared by (type, source STIX id, target STIX id).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RelationshipChanges {
    /// All types together.
    pub added: usize,
    /// All types together.
    pub removed: usize,
    /// Per type, sorted by type; types without changes are left out.
    pub kinds: Vec<RelationshipKindChange>,
}

/// A change of MITRE's data model, reported once instead of on every object.
#[derive(Debug, Clone, Serialize)]
pub struct ModelChange {
    /// The object type (`technique`, `data-component`, …) or `relationship`.
    pub object_type: &'static str,
    /// The STIX field (`x_mitre_detection`), the relationship type for `relationship`, or
    /// null for a change of the whole type.
    pub field: Option<&'static str>,
    /// Fields: `emptied`, `removed` or `introduced`; types: `introduced` or `withdrawn` (no
    /// active object left); relationships: `moved` (they start or end at another type).
    pub change: &'static str,
    /// How many objects it concerns (for fields: the active objects that had, or now have,
    /// a value; for relationships: the relationships of the new shape).
    pub objects: usize,
    /// One sentence saying what changed.
    pub summary: String,
}

/// `attck diff OLD NEW`: everything that changed.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// The older side.
    pub old: Side,
    /// The newer side.
    pub new: Side,
    /// Data-model changes (reported once, left out of the sections).
    pub model_changes: Vec<ModelChange>,
    /// Techniques and sub-techniques.
    pub techniques: TechniqueChanges,
    /// Tactics.
    pub tactics: SectionChanges,
    /// Groups.
    pub groups: SectionChanges,
    /// Software (malware and tools).
    pub software: SectionChanges,
    /// Mitigations.
    pub mitigations: SectionChanges,
    /// Campaigns.
    pub campaigns: SectionChanges,
    /// Data sources.
    pub data_sources: SectionChanges,
    /// Data components.
    pub data_components: SectionChanges,
    /// Detection strategies (18.x).
    pub detection_strategies: SectionChanges,
    /// Analytics (18.x).
    pub analytics: SectionChanges,
    /// Assets (ICS).
    pub assets: SectionChanges,
    /// Matrices.
    pub matrices: SectionChanges,
    /// Counted relationships.
    pub relationships: RelationshipChanges,
    /// With `--for`: what the change means for the techniques a file names (the sections
    /// above are then limited to them); null otherwise.
    pub mapping: Option<Mapping>,
    /// The kinds either version holds: their sections are shown in tables.
    #[serde(skip)]
    pub present: Vec<Kind>,
    /// Every change as a flat record, for CSV and JSON Lines.
    #[serde(skip)]
    pub lines: Vec<DiffLine>,
}

/// A technique of the user's mapping that NEW changes, and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Affected {
    /// The ID as the mapping names it.
    pub id: String,
    /// Its name (in OLD).
    pub name: String,
    /// `removed`, `revoked`, `deprecated`, `renamed`, `tactics_changed`, `platforms_changed`,
    /// `parent_changed`, `id_changed`, `description_changed`; `revoked` and `deprecated` also
    /// for IDs already withdrawn in OLD; `tactics_changed` also for a technique whose tactic
    /// was renamed or given a new shortname.
    pub change: &'static str,
    /// What to do, in words: `replace with T1053 Timed Job Planting`.
    pub action: String,
    /// The technique to use in NEW instead, when it is another one or has another ID.
    pub replacement: Option<Ref>,
}

/// What NEW changes for the techniques a file names (`attck diff --for FILE`).
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    /// The file (`stdin` for -).
    pub source: String,
    /// Distinct technique IDs read from it.
    pub ids_read: usize,
    /// One entry per change that needs attention, sorted by ID.
    pub affected: Vec<Affected>,
    /// IDs valid in NEW with nothing to do, sorted.
    pub unchanged: Vec<String>,
    /// IDs in neither version, sorted.
    pub unknown: Vec<String>,
}

/// One change as a flat record (CSV and JSON Lines).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffLine {
    /// `mapping`, `model`, a section of the report (`techniques`, `tactics`, `groups`, …,
    /// `matrices`) or `relationships`.
    pub section: &'static str,
    /// The list it comes from (`added`, `revoked`, `tactics_changed`, `edited`, …); for
    /// `model`, the model change (`emptied`, …); for `relationships`, `added` or `removed`.
    pub change: &'static str,
    /// ATT&CK ID; for `model`, the object type; for `relationships`, the relationship type.
    pub id: String,
    /// Name; for `model`, the field (or empty); for `relationships`, empty.
    pub name: String,
    /// What changed, in words (for `relationships`, the count).
    pub detail: String,
}

impl DiffReport {
    /// The sections other than techniques, in the order they are shown, with their kind and
    /// JSON name.
    #[must_use]
    pub fn sections(&self) -> [(Kind, &'static str, &SectionChanges); 11] {
        [
            (Kind::Tactic, "tactics", &self.tactics),
            (Kind::Group, "groups", &self.groups),
            (Kind::Software, "software", &self.software),
            (Kind::Mitigation, "mitigations", &self.mitigations),
            (Kind::Campaign, "campaigns", &self.campaigns),
            (Kind::DataSource, "data_sources", &self.data_sources),
            (
                Kind::DataComponent,
                "data_components",
                &self.data_components,
            ),
            (
                Kind::DetectionStrategy,
                "detection_strategies",
                &self.detection_strategies,
            ),
            (Kind::Analytic, "analytics", &self.analytics),
            (Kind::Asset, "assets", &self.assets),
            (Kind::Matrix, "matrices", &self.matrices),
        ]
    }

    /// The section of a kind other than techniques (`None` for techniques).
    pub(super) fn section_mut(&mut self, kind: Kind) -> Option<&mut SectionChanges> {
        Some(match kind {
            Kind::Technique => return None,
            Kind::Tactic => &mut self.tactics,
            Kind::Group => &mut self.groups,
            Kind::Software => &mut self.software,
            Kind::Mitigation => &mut self.mitigations,
            Kind::Campaign => &mut self.campaigns,
            Kind::DataSource => &mut self.data_sources,
            Kind::DataComponent => &mut self.data_components,
            Kind::DetectionStrategy => &mut self.detection_strategies,
            Kind::Analytic => &mut self.analytics,
            Kind::Asset => &mut self.assets,
            Kind::Matrix => &mut self.matrices,
        })
    }

    /// True when nothing at all changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.model_changes.is_empty()
            && self.techniques.is_empty()
            && self.sections().iter().all(|(_, _, s)| s.is_empty())
            && self.relationships.kinds.is_empty()
            && self.mapping.as_ref().is_none_or(|m| m.affected.is_empty())
    }
}
