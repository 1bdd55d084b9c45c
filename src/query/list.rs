//! `attck list <kind>`: one row per object of a kind, and the technique list with filters
//! that combine (group, software, campaign, mitigation, data source or component, tactic,
//! platform, sub-technique mode).

use std::collections::HashSet;

use serde::Serialize;

use super::show::resolve;
use super::tactic::resolve_tactic;
use super::technique::TechniqueRow;
use super::{Cell, TableRow, status_note};
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Node, Rel, Visibility};

/// How a value is written into a table cell and a CSV field.
trait Column {
    fn table(&self) -> String;
    fn csv(&self) -> String {
        self.table()
    }
}

impl Column for String {
    fn table(&self) -> String {
        self.clone()
    }
}

impl Column for &'static str {
    fn table(&self) -> String {
        (*self).to_string()
    }
}

impl Column for Option<String> {
    fn table(&self) -> String {
        self.clone().unwrap_or_default()
    }
}

impl Column for usize {
    fn table(&self) -> String {
        self.to_string()
    }
}

impl Column for Vec<String> {
    fn table(&self) -> String {
        self.join(", ")
    }
    fn csv(&self) -> String {
        self.join(";")
    }
}

/// Declares a list row: its fields (each a table column and a CSV column named after the
/// field), plus `revoked` and `deprecated`, which show as a note after the name.
macro_rules! list_row {
    ($(#[doc = $sdoc:literal])* $name:ident {
        $( $(#[doc = $doc:literal])* $field:ident : $ty:ty => $header:literal ),* $(,)?
    }) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Serialize)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            /// Revoked (listed only with `--include-revoked`).
            pub revoked: bool,
            /// Deprecated (listed only with `--include-deprecated`).
            pub deprecated: bool,
        }

        impl TableRow for $name {
            fn headers() -> &'static [&'static str] {
                &[$($header),*]
            }

            fn cells(&self) -> Vec<Cell> {
                let mut cells = Vec::new();
                $(
                    let mut c = Cell::from(self.$field.table());
                    if $header == "Name" {
                        c.note = status_note(self.revoked, self.deprecated);
                    }
                    cells.push(c);
                )*
                cells
            }

            fn csv_headers() -> &'static [&'static str] {
                &[$(stringify!($field),)* "revoked", "deprecated"]
            }

            fn csv_record(&self) -> Vec<String> {
                vec![$(self.$field.csv(),)* self.revoked.to_string(), self.deprecated.to_string()]
            }
        }
    };
}

list_row! {
    /// `attck list groups`.
    GroupRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// Other names.
        aliases: Vec<String> => "Aliases",
        /// Techniques the group uses directly.
        technique_count: usize => "Techniques",
        /// Software the group uses.
        software_count: usize => "Software",
    }
}

list_row! {
    /// `attck list software`.
    SoftwareRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// `malware` or `tool`.
        software_type: &'static str => "Type",
        /// Other names.
        aliases: Vec<String> => "Aliases",
        /// Platforms.
        platforms: Vec<String> => "Platforms",
        /// Techniques it uses.
        technique_count: usize => "Techniques",
    }
}

list_row! {
    /// `attck list campaigns`.
    CampaignRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// First seen (RFC 3339).
        first_seen: Option<String> => "First seen",
        /// Last seen (RFC 3339).
        last_seen: Option<String> => "Last seen",
        /// IDs of the groups it is attributed to.
        groups: Vec<String> => "Groups",
        /// Techniques used.
        technique_count: usize => "Techniques",
    }
}

list_row! {
    /// `attck list mitigations`.
    MitigationRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// Techniques it mitigates.
        technique_count: usize => "Techniques",
    }
}

list_row! {
    /// `attck list data-sources`.
    DataSourceRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// Platforms.
        platforms: Vec<String> => "Platforms",
        /// Names of its data components.
        data_components: Vec<String> => "Data components",
    }
}

list_row! {
    /// `attck list data-components`.
    DataComponentRow {
        /// ATT&CK ID (null before 18: components had none).
        id: Option<String> => "ID",
        /// Name.
        name: String => "Name",
        /// ID of its data source (17.x), or null.
        data_source: Option<String> => "Data source",
        /// Its log sources (18.x), as `name|channel`.
        log_sources: Vec<String> => "Log sources",
        /// Techniques it helps detect.
        technique_count: usize => "Techniques",
    }
}

list_row! {
    /// `attck list detection-strategies`.
    DetectionStrategyRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// IDs of the techniques it detects.
        techniques: Vec<String> => "Techniques",
        /// IDs of its analytics.
        analytics: Vec<String> => "Analytics",
    }
}

list_row! {
    /// `attck list analytics`.
    AnalyticRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// Platforms.
        platforms: Vec<String> => "Platforms",
        /// IDs of the detection strategies that list it.
        detection_strategies: Vec<String> => "Strategies",
        /// Log source names it reads (unique, in order).
        log_sources: Vec<String> => "Log sources",
    }
}

list_row! {
    /// `attck list assets`.
    AssetRow {
        /// ATT&CK ID.
        id: String => "ID",
        /// Name.
        name: String => "Name",
        /// Platforms.
        platforms: Vec<String> => "Platforms",
        /// Sectors.
        sectors: Vec<String> => "Sectors",
        /// Techniques that target it.
        technique_count: usize => "Techniques",
    }
}

fn ids(kb: &KnowledgeBase, kind: Kind, idx: &[u32]) -> Vec<String> {
    idx.iter()
        .map(|&i| kb.meta(Node::new(kind, i)).id.to_string())
        .collect()
}

fn shown(kb: &KnowledgeBase, kind: Kind, vis: Visibility) -> impl Iterator<Item = Node> + '_ {
    kb.nodes(kind).filter(move |&n| vis.shows(kb.meta(n)))
}

/// Group rows, sorted by ID.
#[must_use]
pub fn groups(kb: &KnowledgeBase, vis: Visibility) -> Vec<GroupRow> {
    shown(kb, Kind::Group, vis)
        .map(|n| {
            let m = kb.meta(n);
            GroupRow {
                id: m.id.to_string(),
                name: m.name.to_string(),
                aliases: crate::query::strings(kb.aliases(n)),
                technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
                software_count: kb.targets(n, Rel::Uses, Kind::Software).len(),
                revoked: m.revoked,
                deprecated: m.deprecated,
            }
        })
        .collect()
}

/// Software rows, sorted by ID.
#[must_use]
pub fn software(kb: &KnowledgeBase, vis: Visibility) -> Vec<SoftwareRow> {
    shown(kb, Kind::Software, vis)
        .map(|n| {
            let s = &kb.software[n.index as usize];
            SoftwareRow {
                id: s.meta.id.to_string(),
                name: s.meta.name.to_string(),
                software_type: s.software_type.name(),
                aliases: crate::query::strings(&s.aliases),
                platforms: crate::query::strings(&s.platforms),
                technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
                revoked: s.meta.revoked,
                deprecated: s.meta.deprecated,
            }
        })
        .collect()
}

/// Campaign rows, sorted by ID.
#[must_use]
pub fn campaigns(kb: &KnowledgeBase, vis: Visibility) -> Vec<CampaignRow> {
    shown(kb, Kind::Campaign, vis)
        .map(|n| {
            let c = &kb.campaigns[n.index as usize];
            CampaignRow {
                id: c.meta.id.to_string(),
                name: c.meta.name.to_string(),
                first_seen: c.first_seen.as_ref().map(ToString::to_string),
                last_seen: c.last_seen.as_ref().map(ToString::to_string),
                groups: ids(
                    kb,
                    Kind::Group,
                    &kb.targets(n, Rel::AttributedTo, Kind::Group),
                ),
                technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
                revoked: c.meta.revoked,
                deprecated: c.meta.deprecated,
            }
        })
        .collect()
}

/// Mitigation rows, sorted by ID.
#[must_use]
pub fn mitigations(kb: &KnowledgeBase, vis: Visibility) -> Vec<MitigationRow> {
    shown(kb, Kind::Mitigation, vis)
        .map(|n| {
            let m = kb.meta(n);
            MitigationRow {
                id: m.id.to_string(),
                name: m.name.to_string(),
                technique_count: kb.targets(n, Rel::Mitigates, Kind::Technique).len(),
                revoked: m.revoked,
                deprecated: m.deprecated,
            }
        })
        .collect()
}

/// Data source rows, sorted by ID.
#[must_use]
pub fn data_sources(kb: &KnowledgeBase, vis: Visibility) -> Vec<DataSourceRow> {
    shown(kb, Kind::DataSource, vis)
        .map(|n| {
            let s = &kb.data_sources[n.index as usize];
            DataSourceRow {
                id: s.meta.id.to_string(),
                name: s.meta.name.to_string(),
                platforms: crate::query::strings(&s.platforms),
                data_components: s
                    .components
                    .iter()
                    .map(|&c| kb.data_components[c as usize].meta.name.to_string())
                    .collect(),
                revoked: s.meta.revoked,
                deprecated: s.meta.deprecated,
            }
        })
        .collect()
}

/// Data component rows, sorted by ID (17.x: by name).
#[must_use]
pub fn data_components(kb: &KnowledgeBase, vis: Visibility) -> Vec<DataComponentRow> {
    shown(kb, Kind::DataComponent, vis)
        .map(|n| {
            let c = &kb.data_components[n.index as usize];
            DataComponentRow {
                id: (!c.meta.id.is_empty())
                    .then(|| c.meta.id.clone())
                    .as_ref()
                    .map(ToString::to_string),
                name: c.meta.name.to_string(),
                data_source: c
                    .data_source
                    .map(|s| kb.data_sources[s as usize].meta.id.clone())
                    .as_ref()
                    .map(ToString::to_string),
                log_sources: c
                    .log_sources
                    .iter()
                    .map(|l| format!("{}|{}", l.name, l.channel))
                    .collect(),
                technique_count: kb.techniques_detected_by_component(n.index).len(),
                revoked: c.meta.revoked,
                deprecated: c.meta.deprecated,
            }
        })
        .collect()
}

/// Detection strategy rows, sorted by ID.
#[must_use]
pub fn detection_strategies(kb: &KnowledgeBase, vis: Visibility) -> Vec<DetectionStrategyRow> {
    shown(kb, Kind::DetectionStrategy, vis)
        .map(|n| {
            let d = &kb.detection_strategies[n.index as usize];
            DetectionStrategyRow {
                id: d.meta.id.to_string(),
                name: d.meta.name.to_string(),
                techniques: ids(
                    kb,
                    Kind::Technique,
                    &kb.targets(n, Rel::Detects, Kind::Technique),
                ),
                analytics: ids(kb, Kind::Analytic, &d.analytics),
                revoked: d.meta.revoked,
                deprecated: d.meta.deprecated,
            }
        })
        .collect()
}

/// Analytic rows, sorted by ID.
#[must_use]
pub fn analytics(kb: &KnowledgeBase, vis: Visibility) -> Vec<AnalyticRow> {
    shown(kb, Kind::Analytic, vis)
        .map(|n| {
            let a = &kb.analytics[n.index as usize];
            let mut sources: Vec<String> = Vec::new();
            for l in &a.log_sources {
                if !sources.iter().any(|s| *s == *l.name) {
                    sources.push(l.name.to_string());
                }
            }
            AnalyticRow {
                id: a.meta.id.to_string(),
                name: a.meta.name.to_string(),
                platforms: crate::query::strings(&a.platforms),
                detection_strategies: ids(kb, Kind::DetectionStrategy, &a.strategies),
                log_sources: sources,
                revoked: a.meta.revoked,
                deprecated: a.meta.deprecated,
            }
        })
        .collect()
}

/// Asset rows, sorted by ID.
#[must_use]
pub fn assets(kb: &KnowledgeBase, vis: Visibility) -> Vec<AssetRow> {
    shown(kb, Kind::Asset, vis)
        .map(|n| {
            let a = &kb.assets[n.index as usize];
            AssetRow {
                id: a.meta.id.to_string(),
                name: a.meta.name.to_string(),
                platforms: crate::query::strings(&a.platforms),
                sectors: crate::query::strings(&a.sectors),
                technique_count: kb.sources(n, Rel::Targets, Kind::Technique).len(),
                revoked: a.meta.revoked,
                deprecated: a.meta.deprecated,
            }
        })
        .collect()
}

/// Which sub-techniques a technique list keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Subtechniques {
    /// Techniques and sub-techniques (the default).
    #[default]
    Include,
    /// Techniques only.
    Exclude,
    /// Sub-techniques only.
    Only,
}

/// Filters of `attck list techniques`; they combine (every one must hold).
#[derive(Debug, Clone, Default)]
pub struct TechniqueListFilter {
    /// Tactic ID, shortname or name.
    pub tactic: Option<String>,
    /// Platforms (any of them, case-insensitive).
    pub platforms: Vec<String>,
    /// Group ID, name or alias: techniques it uses directly.
    pub group: Option<String>,
    /// Software ID, name or alias: techniques it uses.
    pub software: Option<String>,
    /// Campaign ID, name or alias: techniques used in it.
    pub campaign: Option<String>,
    /// Mitigation ID or name: techniques it mitigates.
    pub mitigation: Option<String>,
    /// Data source ID or name: techniques its components help detect.
    pub data_source: Option<String>,
    /// Data component ID or name: techniques it helps detect.
    pub data_component: Option<String>,
    /// Sub-technique mode.
    pub subtechniques: Subtechniques,
    /// Revoked / deprecated techniques shown.
    pub visibility: Visibility,
}

fn one(kb: &KnowledgeBase, key: &str, kind: Kind) -> Result<u32, Error> {
    let r = resolve(&[kb], key, Some(kind))?;
    Ok(r.hit.node.index)
}

/// The techniques that pass every filter, sorted by ID.
pub fn techniques(kb: &KnowledgeBase, f: &TechniqueListFilter) -> Result<Vec<TechniqueRow>, Error> {
    let tactic = f
        .tactic
        .as_deref()
        .map(|t| resolve_tactic(kb, t))
        .transpose()?;
    let mut sets: Vec<HashSet<u32>> = Vec::new();
    let mut by = |key: &Option<String>, kind: Kind, rel: Rel| -> Result<(), Error> {
        if let Some(k) = key {
            let i = one(kb, k, kind)?;
            sets.push(
                kb.targets(Node::new(kind, i), rel, Kind::Technique)
                    .into_iter()
                    .collect(),
            );
        }
        Ok(())
    };
    by(&f.group, Kind::Group, Rel::Uses)?;
    by(&f.software, Kind::Software, Rel::Uses)?;
    by(&f.campaign, Kind::Campaign, Rel::Uses)?;
    by(&f.mitigation, Kind::Mitigation, Rel::Mitigates)?;
    if let Some(k) = &f.data_component {
        let i = one(kb, k, Kind::DataComponent)?;
        sets.push(kb.techniques_detected_by_component(i).into_iter().collect());
    }
    if let Some(k) = &f.data_source {
        let i = one(kb, k, Kind::DataSource)?;
        sets.push(
            kb.data_sources[i as usize]
                .components
                .iter()
                .flat_map(|&c| kb.techniques_detected_by_component(c))
                .collect(),
        );
    }
    Ok(kb
        .techniques
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            f.visibility.shows(&t.meta)
                && match f.subtechniques {
                    Subtechniques::Include => true,
                    Subtechniques::Exclude => !t.is_subtechnique,
                    Subtechniques::Only => t.is_subtechnique,
                }
                && tactic.is_none_or(|x| t.tactics.contains(&x))
                && (f.platforms.is_empty()
                    || t.platforms
                        .iter()
                        .any(|p| f.platforms.iter().any(|x| x.eq_ignore_ascii_case(p))))
                && sets.iter().all(|s| s.contains(&(*i as u32)))
        })
        .map(|(_, t)| TechniqueRow::new(kb, t))
        .collect())
}
