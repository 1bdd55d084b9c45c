//! `attck list <kind>`: one row per object of a kind, and the technique list with filters
//! that combine (group, software, campaign, mitigation, data source or component, tactic,
//! platform, sub-technique mode).

use std::collections::HashSet;

use serde::Serialize;

use super::flat::{self, Flat};
use super::resolve::{Ask, resolve_as};
use super::tactic_techniques::resolve_tactic;
use super::technique::TechniqueRow;
use super::{Cell, TableRow, status_note, strings};
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Meta, Node, Rel, Visibility};

/// One object in a list. Every row starts with `id` and `name` and ends with `revoked` and
/// `deprecated` (in JSON and CSV alike); `fields` are the kind's own columns between them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row<T, Id = String> {
    /// ATT&CK ID (`Option<String>` for kinds whose objects may have none: 17.x data
    /// components).
    pub id: Id,
    /// Name.
    pub name: String,
    /// The kind's own fields.
    #[serde(flatten)]
    pub fields: T,
    /// Revoked (listed only with `--include-revoked`).
    pub revoked: bool,
    /// Deprecated (listed only with `--include-deprecated`).
    pub deprecated: bool,
}

/// How a row holds its object's ATT&CK ID: a string, or a string or null.
pub trait RowId: Serialize + Default {
    /// From the model's ID (empty when the object has none).
    fn from_id(id: &str) -> Self;
}

impl RowId for String {
    fn from_id(id: &str) -> Self {
        id.to_string()
    }
}

impl RowId for Option<String> {
    fn from_id(id: &str) -> Self {
        (!id.is_empty()).then(|| id.to_string())
    }
}

impl<T, Id: RowId> Row<T, Id> {
    /// The row of an object: the common fields from its `meta`, and its own `fields`.
    pub fn of(meta: &Meta, fields: T) -> Self {
        Row {
            id: Id::from_id(&meta.id),
            name: meta.name.to_string(),
            fields,
            revoked: meta.revoked,
            deprecated: meta.deprecated,
        }
    }

    /// The name, with `(revoked)` or `(deprecated)` after it.
    pub(crate) fn name_with_status(&self) -> Cell {
        Cell {
            text: self.name.clone(),
            note: status_note(self.revoked, self.deprecated),
            ..Cell::default()
        }
    }
}

/// A kind's own columns of `attck list`, shown in the human table after `ID` and `Name`.
pub trait ListFields: Serialize + Default {
    /// Their table headings, one per field, in field order.
    const HEADERS: &'static [&'static str];
}

/// Every serialised field is a column: values as they are, lists joined with `, `.
impl<T: ListFields, Id: RowId> TableRow for Row<T, Id> {
    fn headers() -> Vec<&'static str> {
        let mut h = vec!["ID", "Name"];
        h.extend(T::HEADERS);
        h
    }

    fn cells(&self) -> Vec<Cell> {
        let mut cells = vec![
            flat::tree(&self.id).map_or_else(|_| Cell::default(), |id| flat::cell(&id).into()),
            self.name_with_status(),
        ];
        if let Ok(Flat::Object(fields)) = flat::tree(&self.fields) {
            cells.extend(fields.iter().map(|(_, v)| {
                Cell::from(match v {
                    Flat::List(items) => {
                        items.iter().map(flat::cell).collect::<Vec<_>>().join(", ")
                    }
                    other => flat::cell(other),
                })
            }));
        }
        cells
    }
}

/// `attck list groups`.
pub type GroupRow = Row<GroupFields>;

/// A group's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupFields {
    /// Other names.
    pub aliases: Vec<String>,
    /// Techniques the group uses directly.
    pub technique_count: usize,
    /// Software the group uses.
    pub software_count: usize,
}

impl ListFields for GroupFields {
    const HEADERS: &'static [&'static str] = &["Aliases", "Techniques", "Software"];
}

/// `attck list software`.
pub type SoftwareRow = Row<SoftwareFields>;

/// A piece of software's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SoftwareFields {
    /// `malware` or `tool`.
    pub software_type: &'static str,
    /// Other names.
    pub aliases: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Techniques it uses.
    pub technique_count: usize,
}

impl ListFields for SoftwareFields {
    const HEADERS: &'static [&'static str] = &["Type", "Aliases", "Platforms", "Techniques"];
}

/// `attck list campaigns`.
pub type CampaignRow = Row<CampaignFields>;

/// A campaign's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CampaignFields {
    /// First seen (RFC 3339).
    pub first_seen: Option<String>,
    /// Last seen (RFC 3339).
    pub last_seen: Option<String>,
    /// IDs of the groups it is attributed to.
    pub groups: Vec<String>,
    /// Techniques used.
    pub technique_count: usize,
}

impl ListFields for CampaignFields {
    const HEADERS: &'static [&'static str] = &["First seen", "Last seen", "Groups", "Techniques"];
}

/// `attck list mitigations`.
pub type MitigationRow = Row<MitigationFields>;

/// A mitigation's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MitigationFields {
    /// Techniques it mitigates.
    pub technique_count: usize,
}

impl ListFields for MitigationFields {
    const HEADERS: &'static [&'static str] = &["Techniques"];
}

/// `attck list data-sources`.
pub type DataSourceRow = Row<DataSourceFields>;

/// A data source's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataSourceFields {
    /// Platforms.
    pub platforms: Vec<String>,
    /// Names of its data components.
    pub data_components: Vec<String>,
}

impl ListFields for DataSourceFields {
    const HEADERS: &'static [&'static str] = &["Platforms", "Data components"];
}

/// `attck list data-components` (IDs are null before 18: components had none).
pub type DataComponentRow = Row<DataComponentFields, Option<String>>;

/// A data component's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataComponentFields {
    /// ID of its data source (17.x), or null.
    pub data_source: Option<String>,
    /// Its log sources (18.x), as `name|channel`.
    pub log_sources: Vec<String>,
    /// Techniques it helps detect.
    pub technique_count: usize,
}

impl ListFields for DataComponentFields {
    const HEADERS: &'static [&'static str] = &["Data source", "Log sources", "Techniques"];
}

/// `attck list detection-strategies`.
pub type DetectionStrategyRow = Row<DetectionStrategyFields>;

/// A detection strategy's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DetectionStrategyFields {
    /// IDs of the techniques it detects.
    pub techniques: Vec<String>,
    /// IDs of its analytics.
    pub analytics: Vec<String>,
}

impl ListFields for DetectionStrategyFields {
    const HEADERS: &'static [&'static str] = &["Techniques", "Analytics"];
}

/// `attck list analytics`.
pub type AnalyticRow = Row<AnalyticFields>;

/// An analytic's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AnalyticFields {
    /// Platforms.
    pub platforms: Vec<String>,
    /// IDs of the detection strategies that list it.
    pub detection_strategies: Vec<String>,
    /// Log source names it reads (unique, in order).
    pub log_sources: Vec<String>,
}

impl ListFields for AnalyticFields {
    const HEADERS: &'static [&'static str] = &["Platforms", "Strategies", "Log sources"];
}

/// `attck list assets`.
pub type AssetRow = Row<AssetFields>;

/// An asset's own columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AssetFields {
    /// Platforms.
    pub platforms: Vec<String>,
    /// Sectors.
    pub sectors: Vec<String>,
    /// Techniques that target it.
    pub technique_count: usize,
}

impl ListFields for AssetFields {
    const HEADERS: &'static [&'static str] = &["Platforms", "Sectors", "Techniques"];
}

fn ids(kb: &KnowledgeBase, kind: Kind, idx: &[u32]) -> Vec<String> {
    idx.iter()
        .map(|&i| kb.meta(Node::new(kind, i)).id.to_string())
        .collect()
}

/// The rows of the objects of `kind` that `vis` shows, sorted by ID: each built by `fields`
/// from the object's node.
fn rows<T, Id: RowId>(
    kb: &KnowledgeBase,
    kind: Kind,
    vis: Visibility,
    fields: impl Fn(Node) -> T,
) -> Vec<Row<T, Id>> {
    kb.nodes(kind)
        .filter(|&n| vis.shows(kb.meta(n)))
        .map(|n| Row::of(kb.meta(n), fields(n)))
        .collect()
}

/// Group rows, sorted by ID.
#[must_use]
pub fn groups(kb: &KnowledgeBase, vis: Visibility) -> Vec<GroupRow> {
    rows(kb, Kind::Group, vis, |n| GroupFields {
        aliases: strings(kb.aliases(n)),
        technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
        software_count: kb.targets(n, Rel::Uses, Kind::Software).len(),
    })
}

/// Software rows, sorted by ID.
#[must_use]
pub fn software(kb: &KnowledgeBase, vis: Visibility) -> Vec<SoftwareRow> {
    rows(kb, Kind::Software, vis, |n| {
        let s = &kb.software[n.index as usize];
        SoftwareFields {
            software_type: s.software_type.name(),
            aliases: strings(&s.aliases),
            platforms: strings(&s.platforms),
            technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
        }
    })
}

/// Campaign rows, sorted by ID.
#[must_use]
pub fn campaigns(kb: &KnowledgeBase, vis: Visibility) -> Vec<CampaignRow> {
    rows(kb, Kind::Campaign, vis, |n| {
        let c = &kb.campaigns[n.index as usize];
        CampaignFields {
            first_seen: c.first_seen.as_ref().map(ToString::to_string),
            last_seen: c.last_seen.as_ref().map(ToString::to_string),
            groups: ids(
                kb,
                Kind::Group,
                &kb.targets(n, Rel::AttributedTo, Kind::Group),
            ),
            technique_count: kb.targets(n, Rel::Uses, Kind::Technique).len(),
        }
    })
}

/// Mitigation rows, sorted by ID.
#[must_use]
pub fn mitigations(kb: &KnowledgeBase, vis: Visibility) -> Vec<MitigationRow> {
    rows(kb, Kind::Mitigation, vis, |n| MitigationFields {
        technique_count: kb.targets(n, Rel::Mitigates, Kind::Technique).len(),
    })
}

/// Data source rows, sorted by ID.
#[must_use]
pub fn data_sources(kb: &KnowledgeBase, vis: Visibility) -> Vec<DataSourceRow> {
    rows(kb, Kind::DataSource, vis, |n| {
        let s = &kb.data_sources[n.index as usize];
        DataSourceFields {
            platforms: strings(&s.platforms),
            data_components: s
                .components
                .iter()
                .map(|&c| kb.data_components[c as usize].meta.name.to_string())
                .collect(),
        }
    })
}

/// Data component rows, sorted by ID (17.x: by name).
#[must_use]
pub fn data_components(kb: &KnowledgeBase, vis: Visibility) -> Vec<DataComponentRow> {
    rows(kb, Kind::DataComponent, vis, |n| {
        let c = &kb.data_components[n.index as usize];
        DataComponentFields {
            data_source: c
                .data_source
                .map(|s| kb.data_sources[s as usize].meta.id.to_string()),
            log_sources: c
                .log_sources
                .iter()
                .map(|l| format!("{}|{}", l.name, l.channel))
                .collect(),
            technique_count: kb.techniques_detected_by_component(n.index).len(),
        }
    })
}

/// Detection strategy rows, sorted by ID.
#[must_use]
pub fn detection_strategies(kb: &KnowledgeBase, vis: Visibility) -> Vec<DetectionStrategyRow> {
    rows(kb, Kind::DetectionStrategy, vis, |n| {
        let d = &kb.detection_strategies[n.index as usize];
        DetectionStrategyFields {
            techniques: ids(
                kb,
                Kind::Technique,
                &kb.targets(n, Rel::Detects, Kind::Technique),
            ),
            analytics: ids(kb, Kind::Analytic, &d.analytics),
        }
    })
}

/// Analytic rows, sorted by ID.
#[must_use]
pub fn analytics(kb: &KnowledgeBase, vis: Visibility) -> Vec<AnalyticRow> {
    rows(kb, Kind::Analytic, vis, |n| {
        let a = &kb.analytics[n.index as usize];
        let mut sources: Vec<String> = Vec::new();
        for l in &a.log_sources {
            if !sources.iter().any(|s| *s == *l.name) {
                sources.push(l.name.to_string());
            }
        }
        AnalyticFields {
            platforms: strings(&a.platforms),
            detection_strategies: ids(kb, Kind::DetectionStrategy, &a.strategies),
            log_sources: sources,
        }
    })
}

/// Asset rows, sorted by ID.
#[must_use]
pub fn assets(kb: &KnowledgeBase, vis: Visibility) -> Vec<AssetRow> {
    rows(kb, Kind::Asset, vis, |n| {
        let a = &kb.assets[n.index as usize];
        AssetFields {
            platforms: strings(&a.platforms),
            sectors: strings(&a.sectors),
            technique_count: kb.sources(n, Rel::Targets, Kind::Technique).len(),
        }
    })
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

/// The kinds `list techniques` filters by, each with a flag named after it (`--software`).
const LIST_FILTERS: &[Kind] = &[
    Kind::Group,
    Kind::Software,
    Kind::Campaign,
    Kind::Mitigation,
    Kind::DataSource,
    Kind::DataComponent,
];

fn one(kb: &KnowledgeBase, key: &str, kind: Kind) -> Result<u32, Error> {
    let r = resolve_as(&[kb], key, Some(kind), Ask::Flag(LIST_FILTERS))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sample;

    fn row_ids<T, Id: Clone>(rows: &[Row<T, Id>]) -> Vec<Id> {
        rows.iter().map(|r| r.id.clone()).collect()
    }

    fn technique_ids(f: &TechniqueListFilter) -> Vec<String> {
        row_ids(&techniques(sample::v2(), f).unwrap())
    }

    #[test]
    fn rows_of_each_kind_count_what_the_sample_holds() {
        let kb = sample::v2();
        let vis = Visibility::default();
        let grp = groups(kb, vis);
        assert_eq!(row_ids(&grp), ["G0902", "G0903", "G0904"]);
        assert_eq!(
            (grp[0].fields.technique_count, grp[0].fields.software_count),
            (4, 1)
        );
        let all = Visibility {
            include_revoked: true,
            include_deprecated: true,
        };
        let grp = groups(kb, all);
        assert_eq!(grp[0].id, "G0901");
        assert!(grp[0].revoked);
        assert_eq!(grp[0].cells()[1].note, Some("revoked"));

        let sw = software(kb, vis);
        assert_eq!(row_ids(&sw), ["S0901", "S0902", "S0903", "S0904"]);
        assert_eq!(sw[3].fields.software_type, "malware");
        assert_eq!(sw[3].fields.technique_count, 2);
        let camp = campaigns(kb, vis);
        assert_eq!(camp[2].fields.groups, ["G0904"]);
        assert_eq!(row_ids(&mitigations(kb, vis)), ["M1901", "M1902"]);
        assert!(
            data_sources(kb, vis).is_empty(),
            "both are deprecated in 2.0"
        );
        let det = detection_strategies(kb, vis);
        assert_eq!(det[0].fields.analytics, ["AN0901", "AN0902"]);
        assert_eq!(det[2].fields.techniques, ["T1497"]);
        let an = analytics(kb, vis);
        assert_eq!(an[0].fields.detection_strategies, ["DET0901"]);
        let dc = data_components(kb, vis);
        assert_eq!(dc[0].id.as_deref(), Some("DC0901"));
        assert_eq!(dc[0].fields.technique_count, 2);

        let dc = data_components(sample::v1(), vis);
        assert!(
            dc.iter().all(|r| r.id.is_none()),
            "17.x components have no IDs"
        );
        assert_eq!(dc.len(), 3);
        let cells = dc[0].cells();
        assert_eq!(cells[0].text, "", "a missing ID is an empty cell");
        assert_eq!(assets(sample::ics(), vis).len(), sample::ics().assets.len());
    }

    /// The human table has one heading per cell, for every kind of list.
    #[test]
    fn headers_and_cells_agree_for_every_kind() {
        fn check<T: TableRow>(rows: &[T]) {
            for r in rows {
                assert_eq!(r.cells().len(), T::headers().len());
            }
            assert_eq!(
                crate::query::flat::record(&T::default()).unwrap().len(),
                crate::query::flat::record(rows.first().unwrap_or(&T::default()))
                    .unwrap()
                    .len(),
                "an empty list has the same CSV columns"
            );
        }
        let vis = Visibility {
            include_revoked: true,
            include_deprecated: true,
        };
        for kb in [sample::v1(), sample::v2(), sample::ics()] {
            check(&groups(kb, vis));
            check(&software(kb, vis));
            check(&campaigns(kb, vis));
            check(&mitigations(kb, vis));
            check(&data_sources(kb, vis));
            check(&data_components(kb, vis));
            check(&detection_strategies(kb, vis));
            check(&analytics(kb, vis));
            check(&assets(kb, vis));
            check(&techniques(kb, &TechniqueListFilter::default()).unwrap());
        }
    }

    #[test]
    fn technique_filters_combine() {
        let by_group = TechniqueListFilter {
            group: Some("Tin Lantern".into()),
            ..TechniqueListFilter::default()
        };
        assert_eq!(
            technique_ids(&by_group),
            ["T1053.003", "T1059.001", "T1082", "T1543.002"]
        );
        assert_eq!(
            technique_ids(&TechniqueListFilter {
                tactic: Some("execution".into()),
                ..by_group.clone()
            }),
            ["T1053.003", "T1059.001"]
        );
        assert_eq!(
            technique_ids(&TechniqueListFilter {
                subtechniques: Subtechniques::Exclude,
                ..by_group.clone()
            }),
            ["T1082"]
        );
        let m1902 = TechniqueListFilter {
            mitigation: Some("M1902".into()),
            platforms: vec!["LINUX".into()],
            ..TechniqueListFilter::default()
        };
        assert_eq!(technique_ids(&m1902), ["T1053", "T1053.003", "T1543.002"]);
        assert_eq!(
            technique_ids(&TechniqueListFilter {
                subtechniques: Subtechniques::Only,
                ..m1902
            }),
            ["T1053.003", "T1543.002"]
        );
        assert_eq!(
            technique_ids(&TechniqueListFilter {
                data_component: Some("DC0903".into()),
                ..TechniqueListFilter::default()
            }),
            ["T1053.003"]
        );
        let e = techniques(
            sample::v2(),
            &TechniqueListFilter {
                group: Some("Nobody".into()),
                ..TechniqueListFilter::default()
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{e}");
    }

    #[test]
    fn withdrawn_techniques_are_listed_only_when_asked() {
        let active = technique_ids(&TechniqueListFilter::default());
        assert_eq!(active.len(), 12);
        assert!(!active.iter().any(|id| id == "T1086" || id == "T1064"));
        let all = technique_ids(&TechniqueListFilter {
            visibility: Visibility {
                include_revoked: true,
                include_deprecated: true,
            },
            ..TechniqueListFilter::default()
        });
        assert_eq!(all.len(), 16);
    }
}
