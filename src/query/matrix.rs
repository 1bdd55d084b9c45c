//! `attck matrix`: the domain's matrix, tactics as columns in matrix order, techniques sorted
//! by name as on MITRE's site, sub-techniques under their parent.

use std::cmp::Ordering;

use serde::Serialize;

use super::tactic_techniques::TechniqueFilter;
use super::{Block, Grid, GridCell, GridColumn, Ref, Report, Shade};
use crate::model::{KnowledgeBase, cmp_ids};

/// A tactic heading: `{id, shortname, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TacticRef {
    /// ATT&CK ID (`TA0002`).
    pub id: String,
    /// Kill-chain shortname (`execution`).
    pub shortname: String,
    /// Name (`Execution`).
    pub name: String,
}

/// A technique in a matrix column.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixTechnique {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Sub-techniques under this tactic, by name (empty without `--subtechniques`).
    pub subtechniques: Vec<Ref>,
    /// Index of the technique in the knowledge base.
    #[serde(skip)]
    pub index: u32,
    /// Indexes of the listed sub-techniques, in the same order.
    #[serde(skip)]
    pub sub_indexes: Vec<u32>,
}

/// One column of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixColumn {
    /// The tactic.
    pub tactic: TacticRef,
    /// Its techniques, by name.
    pub techniques: Vec<MatrixTechnique>,
}

/// One CSV record of a matrix: a technique or sub-technique under a tactic.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MatrixRecord {
    /// The tactic's ATT&CK ID.
    pub tactic_id: String,
    /// The tactic's shortname.
    pub tactic_shortname: String,
    /// The tactic's name.
    pub tactic_name: String,
    /// The technique's ATT&CK ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// For a sub-technique, its parent's ID.
    pub parent: Option<String>,
}

/// The matrix: JSON is the array of columns.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Matrix {
    /// The columns in matrix order.
    pub columns: Vec<MatrixColumn>,
    /// `enterprise-attack 18.1`.
    #[serde(skip)]
    pub label: String,
    /// Platforms the matrix was filtered to.
    #[serde(skip)]
    pub platforms: Vec<String>,
    /// Whether sub-techniques are listed.
    #[serde(skip)]
    pub subtechniques: bool,
}

/// Which techniques a matrix shows.
#[derive(Debug, Clone, Default)]
pub struct MatrixOptions {
    /// Keep techniques for one of these platforms (case-insensitive); empty keeps all.
    pub platforms: Vec<String>,
    /// List sub-techniques under their parent.
    pub subtechniques: bool,
}

impl MatrixOptions {
    /// The filter for the techniques shown: active ones on the platforms.
    #[must_use]
    pub fn filter(&self) -> TechniqueFilter {
        TechniqueFilter {
            platforms: self.platforms.clone(),
            ..TechniqueFilter::default()
        }
    }
}

/// Orders by name as people read it (case-insensitive), then by ID.
fn by_name(kb: &KnowledgeBase, a: u32, b: u32) -> Ordering {
    let (x, y) = (
        &kb.techniques[a as usize].meta,
        &kb.techniques[b as usize].meta,
    );
    x.name
        .to_lowercase()
        .cmp(&y.name.to_lowercase())
        .then_with(|| cmp_ids(&x.id, &y.id))
}

/// Builds the matrix. A sub-technique appears under a tactic when it lists that tactic and
/// its parent is shown there.
#[must_use]
pub fn matrix(kb: &KnowledgeBase, opts: &MatrixOptions) -> Matrix {
    let filter = opts.filter();
    let columns = kb
        .tactics
        .iter()
        .enumerate()
        .map(|(ti, tactic)| {
            let ti = ti as u32;
            let mut idx: Vec<u32> = kb
                .techniques
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.is_subtechnique && t.tactics.contains(&ti) && filter.accepts(t))
                .map(|(i, _)| i as u32)
                .collect();
            idx.sort_by(|&a, &b| by_name(kb, a, b));
            let techniques = idx
                .into_iter()
                .map(|i| {
                    let t = &kb.techniques[i as usize];
                    let mut subs: Vec<u32> = if opts.subtechniques {
                        t.children
                            .iter()
                            .copied()
                            .filter(|&c| {
                                let c = &kb.techniques[c as usize];
                                c.tactics.contains(&ti) && filter.accepts(c)
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    subs.sort_by(|&a, &b| by_name(kb, a, b));
                    MatrixTechnique {
                        id: t.meta.id.to_string(),
                        name: t.meta.name.to_string(),
                        subtechniques: subs
                            .iter()
                            .map(|&s| {
                                let m = &kb.techniques[s as usize].meta;
                                Ref {
                                    id: m.id.to_string(),
                                    name: m.name.to_string(),
                                }
                            })
                            .collect(),
                        index: i,
                        sub_indexes: subs,
                    }
                })
                .collect();
            MatrixColumn {
                tactic: TacticRef {
                    id: tactic.meta.id.to_string(),
                    shortname: tactic.shortname.to_string(),
                    name: tactic.meta.name.to_string(),
                },
                techniques,
            }
        })
        .collect();
    Matrix {
        columns,
        label: kb.label(),
        platforms: opts.platforms.clone(),
        subtechniques: opts.subtechniques,
    }
}

/// Every platform named by an active technique, sorted case-insensitively.
#[must_use]
pub fn platforms(kb: &KnowledgeBase) -> Vec<String> {
    let mut v: Vec<String> = kb
        .techniques
        .iter()
        .filter(|t| t.meta.is_active())
        .flat_map(|t| t.platforms.iter().map(ToString::to_string))
        .collect();
    v.sort_by_key(|p| (p.to_lowercase(), p.clone()));
    v.dedup();
    v
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Matrix {
    /// Distinct techniques shown (a technique under two tactics counts once).
    #[must_use]
    pub fn technique_count(&self) -> usize {
        let mut ids: Vec<u32> = self
            .columns
            .iter()
            .flat_map(|c| c.techniques.iter().map(|t| t.index))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// Distinct sub-techniques shown.
    #[must_use]
    pub fn subtechnique_count(&self) -> usize {
        let mut ids: Vec<u32> = self
            .columns
            .iter()
            .flat_map(|c| {
                c.techniques
                    .iter()
                    .flat_map(|t| t.sub_indexes.iter().copied())
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// The matrix as a grid of plain cells.
    #[must_use]
    pub fn grid(&self) -> Grid {
        self.grid_with(|_| (Shade::Plain, None))
    }

    /// The matrix as a grid, each cell shaded (and annotated) by its technique's index.
    #[must_use]
    pub fn grid_with(&self, shade: impl Fn(u32) -> (Shade, Option<String>)) -> Grid {
        let cell = |index: u32, id: &str, name: &str, level: u8| {
            let (shade, note) = shade(index);
            GridCell {
                id: id.to_string(),
                name: name.to_string(),
                level,
                shade,
                note,
            }
        };
        Grid {
            columns: self
                .columns
                .iter()
                .map(|c| GridColumn {
                    title: c.tactic.name.clone(),
                    subtitle: format!(
                        "{} · {}",
                        c.tactic.id,
                        plural(c.techniques.len(), "technique", "techniques")
                    ),
                    cells: c
                        .techniques
                        .iter()
                        .flat_map(|t| {
                            std::iter::once(cell(t.index, &t.id, &t.name, 0)).chain(
                                t.subtechniques
                                    .iter()
                                    .zip(&t.sub_indexes)
                                    .map(|(s, &i)| cell(i, &s.id, &s.name, 1)),
                            )
                        })
                        .collect(),
                })
                .collect(),
            legend: Vec::new(),
        }
    }
}

impl Report for Matrix {
    type Line = MatrixColumn;
    type Record = MatrixRecord;

    fn title(&self) -> String {
        let mut s = format!(
            "ATT&CK matrix: {} ({} tactics, {}",
            self.label,
            self.columns.len(),
            plural(self.technique_count(), "technique", "techniques")
        );
        if self.subtechniques {
            s.push_str(&format!(
                ", {}",
                plural(self.subtechnique_count(), "sub-technique", "sub-techniques")
            ));
        }
        s.push(')');
        if !self.platforms.is_empty() {
            s.push_str(&format!("; platforms: {}", self.platforms.join(", ")));
        }
        s
    }

    fn blocks(&self) -> Vec<Block> {
        vec![Block::Grid(self.grid())]
    }

    fn json_lines(&self) -> Vec<&MatrixColumn> {
        self.columns.iter().collect()
    }

    fn records(&self) -> Vec<MatrixRecord> {
        let mut rows = Vec::new();
        for c in &self.columns {
            let record = |id: &str, name: &str, parent: Option<&str>| MatrixRecord {
                tactic_id: c.tactic.id.clone(),
                tactic_shortname: c.tactic.shortname.clone(),
                tactic_name: c.tactic.name.clone(),
                id: id.to_string(),
                name: name.to_string(),
                parent: parent.map(ToString::to_string),
            };
            for t in &c.techniques {
                rows.push(record(&t.id, &t.name, None));
                for s in &t.subtechniques {
                    rows.push(record(&s.id, &s.name, Some(&t.id)));
                }
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sample;

    fn columns(m: &Matrix) -> Vec<(&str, &str, &str)> {
        m.columns
            .iter()
            .map(|c| {
                (
                    c.tactic.id.as_str(),
                    c.tactic.shortname.as_str(),
                    c.tactic.name.as_str(),
                )
            })
            .collect()
    }

    fn ids(c: &MatrixColumn) -> Vec<&str> {
        c.techniques.iter().map(|t| t.id.as_str()).collect()
    }

    #[test]
    fn columns_are_the_data_s_tactics_in_matrix_order() {
        // data/sample/README.md: matrix order, not ID order.
        let m = matrix(sample::v2(), &MatrixOptions::default());
        assert_eq!(
            columns(&m).iter().map(|c| c.0).collect::<Vec<_>>(),
            ["TA0043", "TA0002", "TA0003", "TA0005", "TA0007"]
        );
        // Techniques by name; sub-techniques only with the option.
        assert_eq!(
            ids(&m.columns[1]),
            ["T1543", "T1059", "T1053"],
            "Resident Service Setup, Scripted Launch, Timed Job Planting"
        );
        assert!(
            m.columns
                .iter()
                .all(|c| c.techniques.iter().all(|t| t.subtechniques.is_empty()))
        );
        let pre = matrix(
            sample::v2(),
            &MatrixOptions {
                platforms: vec!["pre".into()],
                subtechniques: false,
            },
        );
        let counts: Vec<usize> = pre.columns.iter().map(|c| c.techniques.len()).collect();
        assert_eq!(counts, [1, 0, 0, 0, 0]);
    }

    #[test]
    fn a_tactic_split_gives_other_columns() {
        let before = matrix(sample::split_before(), &MatrixOptions::default());
        assert_eq!(
            columns(&before),
            [
                ("TA0002", "execution", "Execution"),
                ("TA0003", "persistence", "Persistence"),
                ("TA0005", "defense-evasion", "Defense Evasion"),
                ("TA0007", "discovery", "Discovery"),
            ]
        );
        assert_eq!(
            ids(&before.columns[2]),
            ["T1027", "T1562", "T1497", "T1480", "T1070"]
        );
        let opts = MatrixOptions {
            platforms: Vec::new(),
            subtechniques: true,
        };
        let after = matrix(sample::split_after(), &opts);
        assert_eq!(
            columns(&after),
            [
                ("TA0002", "execution", "Execution"),
                ("TA0003", "persistence", "Persistence"),
                ("TA0005", "stealth", "Stealth"),
                ("TA0112", "defense-impairment", "Defense Impairment"),
                ("TA0007", "discovery", "Discovery"),
            ]
        );
        assert_eq!(ids(&after.columns[2]), ["T1027", "T1497", "T1070"]);
        assert_eq!(ids(&after.columns[3]), ["T1562", "T1685", "T1070"]);
        assert_eq!(ids(&after.columns[4]), ["T1082", "T1497", "T1480"]);
        // The revoked sub-techniques are gone; the one left stays under its parent.
        let t1562 = &after.columns[3].techniques[0];
        assert_eq!(sample::ids(&t1562.subtechniques), ["T1562.004"]);
    }
}
