//! The documented JSON contract as strict structs: unknown or missing fields fail the test.

#![allow(dead_code)] // fields exist to be checked by deserialization

use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Ref {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub domains: Vec<String>,
    pub attack_version: Option<String>,
    pub is_subtechnique: bool,
    pub parent: Option<Ref>,
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
    pub subtechniques: Vec<Ref>,
    pub description: String,
    pub url: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub version: Option<String>,
    pub revoked: bool,
    pub deprecated: bool,
    pub revoked_by: Option<Ref>,
    #[serde(rename = "type")]
    pub kind: String,
    pub mitigations: Vec<Ref>,
    pub groups: Vec<Ref>,
    pub software: Vec<Ref>,
    pub campaigns: Vec<Ref>,
    pub detection_strategies: Vec<Ref>,
    pub data_components: Vec<OptRef>,
    pub assets: Vec<Ref>,
    pub procedures: Vec<Procedure>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OptRef {
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub is_subtechnique: bool,
    pub parent: Option<String>,
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
    pub revoked: bool,
    pub deprecated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hit {
    pub id: String,
    pub name: String,
    pub is_subtechnique: bool,
    pub parent: Option<String>,
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
    pub revoked: bool,
    pub deprecated: bool,
    pub score: f64,
    pub matched_in: Vec<String>,
    pub snippet: String,
}

/// `attck search --type procedure -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureHit {
    pub source: SourceRef,
    pub technique: Ref,
    pub score: f64,
    pub matched_in: Vec<String>,
    pub snippet: String,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `attck search --type <any other type or all> -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectHit {
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub score: f64,
    pub matched_in: Vec<String>,
    pub snippet: String,
    pub revoked: bool,
    pub deprecated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tactic {
    pub id: String,
    pub shortname: String,
    pub name: String,
    pub description: String,
    pub technique_count: usize,
    pub subtechnique_count: usize,
}

/// `attck matrix -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixColumn {
    pub tactic: MatrixTactic,
    pub techniques: Vec<MatrixTechnique>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MatrixTactic {
    pub id: String,
    pub shortname: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixTechnique {
    pub id: String,
    pub name: String,
    pub subtechniques: Vec<Ref>,
}

/// `attck coverage -f json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub domain: String,
    pub attack_version: Option<String>,
    pub unit: String,
    pub universe: String,
    pub total: Figure,
    pub tactics: Vec<TacticCoverage>,
    pub gaps: Vec<Gap>,
    pub input: CoverageInput,
    pub rules: Vec<TechniqueRules>,
    pub tests: Option<TestedSummary>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechniqueRules {
    pub id: String,
    pub name: String,
    pub rule_count: usize,
    pub rule_files: Vec<RuleRef>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleRef {
    pub path: String,
    pub format: String,
    pub id: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestedSummary {
    pub both: usize,
    pub detected_only: usize,
    pub tested_only: usize,
    pub neither: usize,
    pub tested: Figure,
}

/// `attck coverage --by-rule -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleRow {
    pub path: String,
    pub format: String,
    pub id: Option<String>,
    pub title: Option<String>,
    pub techniques: Vec<String>,
}

/// `attck lint -f json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    pub domain: String,
    pub attack_version: Option<String>,
    pub files: usize,
    pub findings: Vec<Finding>,
    pub fixed: Vec<FixedFile>,
}

#[derive(Debug, Deserialize, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule_id: Option<String>,
    pub kind: String,
    pub id: Option<String>,
    pub replacement: Option<String>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedFile {
    pub path: String,
    pub replacements: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub covered: usize,
    pub total: usize,
    pub percent: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TacticCoverage {
    pub id: String,
    pub shortname: String,
    pub name: String,
    pub covered: usize,
    pub total: usize,
    pub percent: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
    pub groups_using: usize,
    pub tested: Option<bool>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CoverageInput {
    pub ids_read: usize,
    pub unknown: Vec<String>,
    pub revoked: Vec<RevokedId>,
    pub deprecated: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RevokedId {
    pub id: String,
    pub replaced_by: Option<String>,
}

/// `attck attribute -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    pub rank: usize,
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub score: f64,
    pub basis: String,
    pub profile_score: f64,
    pub record: Option<Record>,
    pub observed_share: f64,
    pub profile_share: f64,
    pub profile_size: usize,
    pub matched: Vec<Matched>,
    pub missing: Vec<Item>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub score: f64,
    pub size: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub weight: f64,
    pub implied_by: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Matched {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub weight: f64,
    pub implied_by: Option<String>,
    pub relation: String,
    pub credit: f64,
    pub earned: f64,
    pub via: Option<String>,
    pub through: Option<String>,
}

/// `attck next -f json`: an array of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    pub rank: usize,
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
    pub score: f64,
    pub used_by: usize,
    pub neighbours: usize,
    pub threshold: usize,
    pub observed: usize,
    pub actors_using: usize,
    pub linked: Vec<Link>,
    pub evidence: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub strength: f64,
}

/// `attck compare -f json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub domain: String,
    pub attack_version: Option<String>,
    pub sides: Vec<CompareSide>,
    pub jaccard: f64,
    pub pairs: Vec<ComparePair>,
    pub shared: Vec<Ref>,
    pub only: Vec<CompareOnly>,
    pub partly_shared: Vec<ComparePartly>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompareSide {
    pub label: String,
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub techniques: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ComparePair {
    pub a: String,
    pub b: String,
    pub shared: usize,
    pub union: usize,
    pub jaccard: f64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompareOnly {
    pub side: String,
    pub techniques: Vec<Ref>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ComparePartly {
    pub id: String,
    pub name: String,
    pub sides: Vec<String>,
}

/// `attck diff -f json` and its flat records (`-f jsonl`, `-f csv`).
pub mod diff {
    #![allow(clippy::struct_field_names)] // the contract's field names

    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq, Eq, Clone)]
    #[serde(deny_unknown_fields)]
    pub struct Ref {
        pub id: String,
        pub name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Side {
        pub attack_version: Option<String>,
        pub source: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(clippy::struct_field_names)] // the contract's field name
    pub struct Revoked {
        pub id: String,
        pub name: String,
        pub revoked_by: Option<Ref>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Reinstated {
        pub id: String,
        pub name: String,
        pub was: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Renamed {
        pub id: String,
        pub name: String,
        pub old_name: String,
        pub new_name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct IdChanged {
        pub id: String,
        pub name: String,
        pub old_id: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ListChanged {
        pub id: String,
        pub name: String,
        pub old: Vec<String>,
        pub new: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ParentChanged {
        pub id: String,
        pub name: String,
        pub old_id: String,
        pub change: String,
        pub old_parent: Option<Ref>,
        pub new_parent: Option<Ref>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ContentChanged {
        pub id: String,
        pub name: String,
        pub fields: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Section {
        pub added: Vec<Ref>,
        pub removed: Vec<Ref>,
        pub revoked: Vec<Revoked>,
        pub deprecated: Vec<Ref>,
        pub reinstated: Vec<Reinstated>,
        pub renamed: Vec<Renamed>,
        pub id_changed: Vec<IdChanged>,
        pub edited: Vec<Edited>,
    }

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(deny_unknown_fields)]
    pub struct FieldChange {
        pub field: String,
        pub old: Vec<String>,
        pub new: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Edited {
        pub id: String,
        pub name: String,
        pub fields: Vec<FieldChange>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Techniques {
        pub added: Vec<Ref>,
        pub removed: Vec<Ref>,
        pub revoked: Vec<Revoked>,
        pub deprecated: Vec<Ref>,
        pub reinstated: Vec<Reinstated>,
        pub renamed: Vec<Renamed>,
        pub id_changed: Vec<IdChanged>,
        pub tactics_changed: Vec<ListChanged>,
        pub platforms_changed: Vec<ListChanged>,
        pub parent_changed: Vec<ParentChanged>,
        pub description_changed: Vec<ContentChanged>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct KindChange {
        pub kind: String,
        pub added: usize,
        pub removed: usize,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Relationships {
        pub added: usize,
        pub removed: usize,
        pub kinds: Vec<KindChange>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ModelChange {
        pub object_type: String,
        pub field: Option<String>,
        pub change: String,
        pub objects: usize,
        pub summary: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Affected {
        pub id: String,
        pub name: String,
        pub change: String,
        pub action: String,
        pub replacement: Option<Ref>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Mapping {
        pub source: String,
        pub ids_read: usize,
        pub affected: Vec<Affected>,
        pub unchanged: Vec<String>,
        pub unknown: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Diff {
        pub domain: String,
        pub old: Side,
        pub new: Side,
        pub model_changes: Vec<ModelChange>,
        pub techniques: Techniques,
        pub tactics: Section,
        pub groups: Section,
        pub software: Section,
        pub mitigations: Section,
        pub campaigns: Section,
        pub data_sources: Section,
        pub data_components: Section,
        pub detection_strategies: Section,
        pub analytics: Section,
        pub assets: Section,
        pub matrices: Section,
        pub relationships: Relationships,
        pub mapping: Option<Mapping>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Line {
        pub section: String,
        pub change: String,
        pub id: String,
        pub name: String,
        pub detail: String,
    }
}
