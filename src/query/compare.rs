//! `attck compare`: the techniques two or more groups, campaigns, pieces of software or
//! technique lists share, those only one of them has, and how alike they are (Jaccard index).

use serde::Serialize;

use super::layer::{
    COVERED_COLOR, DEFAULT_COLOR, LayerOptions, LegendItem, Metadata, NavigatorLayer,
    from_selection, sheet_title,
};
use super::selection::{Selected, Selection};
use super::{Block, Ref, Report};
use crate::model::{KnowledgeBase, Node};

/// Colours of the techniques only one side has, side by side (Navigator-friendly pastels).
pub const SIDE_COLORS: [&str; 6] = [
    DEFAULT_COLOR,
    "#ff9f43",
    "#c77dff",
    "#f7d154",
    "#4dd0c8",
    "#ff8fab",
];
/// Colour of techniques every side has.
pub const ALL_COLOR: &str = COVERED_COLOR;
/// Colour of techniques some sides (more than one, not all) have.
pub const SOME_COLOR: &str = "#b0b0b0";

/// One thing being compared, resolved.
#[derive(Debug, Clone)]
pub struct Side {
    /// How it is named in the output: the ATT&CK ID, or the file as given.
    pub label: String,
    /// The ATT&CK ID (null for a file).
    pub id: Option<String>,
    /// The name (the file name for a file).
    pub name: String,
    /// `group`, `campaign`, `software` or `file`.
    pub kind: &'static str,
    /// Technique indexes, sorted and unique.
    pub techniques: Vec<u32>,
}

impl Side {
    /// A group, campaign or piece of software with its techniques.
    #[must_use]
    pub fn object(kb: &KnowledgeBase, node: Node, techniques: Vec<u32>) -> Side {
        let (id, name) = kb.id_and_name(node);
        Side {
            label: id.to_string(),
            id: Some(id.to_string()),
            name: name.to_string(),
            kind: node.kind.name(),
            techniques,
        }
    }
}

/// A side as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SideView {
    /// How the side is named elsewhere in the report (its ID, or the file as given).
    pub label: String,
    /// ATT&CK ID, or null for a file.
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// `group`, `campaign`, `software` or `file`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Techniques it has.
    pub techniques: usize,
}

/// Two sides side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The first side's label.
    pub a: String,
    /// The second side's label.
    pub b: String,
    /// Techniques both have.
    pub shared: usize,
    /// Techniques either has.
    pub union: usize,
    /// `shared / union` (0 when both are empty).
    pub jaccard: f64,
}

/// The techniques only one side has.
#[derive(Debug, Clone, Serialize)]
pub struct Only {
    /// The side's label.
    pub side: String,
    /// Its techniques no other side has, by ID.
    pub techniques: Vec<Ref>,
}

/// A technique some sides have, but not all (three sides or more).
#[derive(Debug, Clone, Serialize)]
pub struct Partly {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Labels of the sides that have it.
    pub sides: Vec<String>,
}

/// A CSV record of `attck compare`: one technique any side has.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Labels of the sides that have it.
    pub sides: Vec<String>,
    /// Every side has it.
    pub in_all: bool,
}

/// A technique any side has, and which sides have it.
#[derive(Debug, Clone)]
pub struct Member {
    /// Index into the knowledge base's techniques.
    pub index: u32,
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Indexes of the sides that have it.
    pub by: Vec<usize>,
}

/// `attck compare -f json`: the documented contract.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// ATT&CK version of the bundle, or null when unknown.
    pub attack_version: Option<String>,
    /// The sides, in the order given.
    pub sides: Vec<SideView>,
    /// Techniques every side has, divided by techniques any side has (0 when none has any).
    pub jaccard: f64,
    /// Every pair of sides, in the order given.
    pub pairs: Vec<Pair>,
    /// Techniques every side has, by ID.
    pub shared: Vec<Ref>,
    /// Per side, the techniques only it has.
    pub only: Vec<Only>,
    /// Techniques more than one side has but not all (empty for two sides), by ID.
    pub partly_shared: Vec<Partly>,
    /// Every technique any side has, with the sides that have it, by ID.
    #[serde(skip)]
    pub membership: Vec<Member>,
    /// `enterprise-attack 18.1`.
    #[serde(skip)]
    pub label: String,
}

fn jaccard(shared: usize, union: usize) -> f64 {
    if union == 0 {
        0.0
    } else {
        super::behaviour::round4(shared as f64 / union as f64)
    }
}

fn count_shared(a: &[u32], b: &[u32]) -> usize {
    a.iter().filter(|t| b.binary_search(t).is_ok()).count()
}

/// Compares the sides' techniques.
#[must_use]
pub fn compare(kb: &KnowledgeBase, sides: &[Side]) -> Comparison {
    let mut union: Vec<u32> = sides.iter().flat_map(|s| s.techniques.clone()).collect();
    union.sort_unstable();
    union.dedup();
    let membership: Vec<Member> = union
        .iter()
        .map(|&t| {
            let m = &kb.techniques[t as usize].meta;
            Member {
                index: t,
                id: m.id.to_string(),
                name: m.name.to_string(),
                by: sides
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.techniques.binary_search(&t).is_ok())
                    .map(|(i, _)| i)
                    .collect(),
            }
        })
        .collect();
    let tech_ref = |m: &Member| Ref {
        id: m.id.clone(),
        name: m.name.clone(),
    };
    let n = sides.len();
    let shared: Vec<Ref> = membership
        .iter()
        .filter(|m| m.by.len() == n)
        .map(tech_ref)
        .collect();
    let only = sides
        .iter()
        .enumerate()
        .map(|(i, s)| Only {
            side: s.label.clone(),
            techniques: membership
                .iter()
                .filter(|m| m.by.as_slice() == [i])
                .map(tech_ref)
                .collect(),
        })
        .collect();
    let partly_shared = membership
        .iter()
        .filter(|m| m.by.len() > 1 && m.by.len() < n)
        .map(|m| Partly {
            id: m.id.clone(),
            name: m.name.clone(),
            sides: m.by.iter().map(|&i| sides[i].label.clone()).collect(),
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let both = count_shared(&sides[i].techniques, &sides[j].techniques);
            let either = sides[i].techniques.len() + sides[j].techniques.len() - both;
            pairs.push(Pair {
                a: sides[i].label.clone(),
                b: sides[j].label.clone(),
                shared: both,
                union: either,
                jaccard: jaccard(both, either),
            });
        }
    }
    Comparison {
        domain: kb.domain.short_name().to_string(),
        attack_version: kb.attack_version.clone(),
        sides: sides
            .iter()
            .map(|s| SideView {
                label: s.label.clone(),
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                techniques: s.techniques.len(),
            })
            .collect(),
        jaccard: jaccard(shared.len(), union.len()),
        pairs,
        shared,
        only,
        partly_shared,
        membership,
        label: kb.label(),
    }
}

impl Comparison {
    /// The default layer name, a safe sheet title: the sides' names (`APT29 vs APT28`), else
    /// their IDs or file names (`G0016 vs G0007 vs G0102`), whichever fits unshortened.
    fn layer_name(&self) -> String {
        let short = |s: &SideView| {
            std::path::Path::new(s.label.trim_end_matches('/'))
                .file_name()
                .map_or_else(|| s.label.clone(), |n| n.to_string_lossy().into_owned())
        };
        let names: Vec<String> = self
            .sides
            .iter()
            .map(|s| {
                if s.id.is_some() {
                    s.name.clone()
                } else {
                    short(s)
                }
            })
            .collect();
        let labels: Vec<String> = self
            .sides
            .iter()
            .map(|s| {
                if s.id.is_some() {
                    s.label.clone()
                } else {
                    short(s)
                }
            })
            .collect();
        for candidate in [names.join(" vs "), labels.join(" vs ")] {
            let t = sheet_title(&candidate);
            if !t.ends_with('…') {
                return t;
            }
        }
        sheet_title(&labels.join(" vs "))
    }

    fn side_name(&self, i: usize) -> String {
        let s = &self.sides[i];
        if s.id.is_some() {
            format!("{} ({})", s.name, s.label)
        } else {
            s.label.clone()
        }
    }
}

fn ref_rows(refs: &[Ref]) -> Block {
    Block::Table {
        headers: vec!["ID", "Name"],
        rows: refs
            .iter()
            .map(|r| vec![r.id.as_str().into(), r.name.as_str().into()])
            .collect(),
    }
}

impl Report for Comparison {
    type Line = Comparison;
    type Record = Row;

    fn title(&self) -> String {
        let names: Vec<String> = (0..self.sides.len()).map(|i| self.side_name(i)).collect();
        format!("Comparison in {}: {}", self.label, names.join(" · "))
    }

    fn blocks(&self) -> Vec<Block> {
        let mut b = vec![Block::Table {
            headers: vec!["Side", "Type", "Name", "Techniques"],
            rows: self
                .sides
                .iter()
                .map(|s| {
                    vec![
                        s.label.as_str().into(),
                        s.kind.into(),
                        s.name.as_str().into(),
                        s.techniques.to_string().into(),
                    ]
                })
                .collect(),
        }];
        let all = if self.sides.len() == 2 { "both" } else { "all" };
        b.push(Block::Text(format!(
            "Jaccard index: {:.3} ({} in {all} of {} in any).",
            self.jaccard,
            crate::model::plain_text::count(self.shared.len(), "technique", "techniques"),
            self.membership.len()
        )));
        if self.pairs.len() > 1 {
            b.push(Block::Heading("Pairs".to_string()));
            b.push(Block::Table {
                headers: vec!["A", "B", "Shared", "Union", "Jaccard"],
                rows: self
                    .pairs
                    .iter()
                    .map(|p| {
                        vec![
                            p.a.as_str().into(),
                            p.b.as_str().into(),
                            p.shared.to_string().into(),
                            p.union.to_string().into(),
                            format!("{:.3}", p.jaccard).into(),
                        ]
                    })
                    .collect(),
            });
        }
        b.push(Block::Heading(format!("In {all} ({})", self.shared.len())));
        if !self.shared.is_empty() {
            b.push(ref_rows(&self.shared));
        }
        for (i, o) in self.only.iter().enumerate() {
            b.push(Block::Heading(format!(
                "Only in {} ({})",
                self.side_name(i),
                o.techniques.len()
            )));
            if !o.techniques.is_empty() {
                b.push(ref_rows(&o.techniques));
            }
        }
        if self.sides.len() > 2 {
            b.push(Block::Heading(format!(
                "In some, not all ({})",
                self.partly_shared.len()
            )));
            if !self.partly_shared.is_empty() {
                b.push(Block::Table {
                    headers: vec!["ID", "Name", "In"],
                    rows: self
                        .partly_shared
                        .iter()
                        .map(|p| {
                            vec![
                                p.id.as_str().into(),
                                p.name.as_str().into(),
                                p.sides.join(", ").into(),
                            ]
                        })
                        .collect(),
                });
            }
        }
        b
    }

    fn json_lines(&self) -> Vec<&Comparison> {
        vec![self]
    }

    fn records(&self) -> Vec<Row> {
        self.membership
            .iter()
            .map(|m| Row {
                id: m.id.clone(),
                name: m.name.clone(),
                sides: m.by.iter().map(|&i| self.sides[i].label.clone()).collect(),
                in_all: m.by.len() == self.sides.len(),
            })
            .collect()
    }
}

/// The comparison as one Navigator layer: the techniques only one side has in that side's
/// colour, those every side has in green, those several (not all) have in grey; the legend
/// says which is which and each comment names the sides.
#[must_use]
pub fn layer(kb: &KnowledgeBase, c: &Comparison, name: Option<&str>) -> NavigatorLayer {
    let n = c.sides.len();
    let sel = Selection {
        sources: c.sides.iter().map(|s| s.label.clone()).collect(),
        techniques: c
            .membership
            .iter()
            .map(|m| Selected {
                index: m.index,
                by: m.by.clone(),
            })
            .collect(),
        ..Selection::default()
    };
    let names: Vec<String> = (0..n).map(|i| c.side_name(i)).collect();
    let mut layer = from_selection(
        kb,
        &sel,
        &LayerOptions {
            name: Some(name.map_or_else(|| c.layer_name(), str::to_string)),
            ..LayerOptions::default()
        },
    );
    layer.description = format!(
        "Techniques of {} in {}: Jaccard index {:.3} ({} in all of {} in any). Written by attck.",
        names.join(", "),
        kb.label(),
        c.jaccard,
        c.shared.len(),
        c.membership.len()
    );
    let side_color = |i: usize| SIDE_COLORS[i % SIDE_COLORS.len()];
    let all_label = if n == 2 { "both" } else { "all" };
    for e in &mut layer.techniques {
        let Some(m) = c.membership.iter().find(|m| m.id == e.technique_id) else {
            continue;
        };
        let (color, comment) = match m.by.as_slice() {
            [i] => (side_color(*i), format!("Only in {}", names[*i])),
            b if b.len() == n => (ALL_COLOR, format!("In {all_label}: {}", names.join(", "))),
            b => (
                SOME_COLOR,
                format!(
                    "In {}",
                    b.iter()
                        .map(|&i| names[i].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        e.color = color.to_string();
        e.comment = comment;
    }
    layer.legend_items = (0..n)
        .map(|i| LegendItem {
            label: format!("{} only", names[i]),
            color: side_color(i).to_string(),
        })
        .chain(std::iter::once(LegendItem {
            label: all_label.to_string(),
            color: ALL_COLOR.to_string(),
        }))
        .chain((n > 2).then(|| LegendItem {
            label: "some, not all".to_string(),
            color: SOME_COLOR.to_string(),
        }))
        .collect();
    layer.metadata.retain(|m| m.name != "selection");
    layer.metadata.push(Metadata {
        name: "jaccard".to_string(),
        value: format!("{:.3}", c.jaccard),
    });
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        crate::query::sample_kb()
    }

    fn side(kb: &KnowledgeBase, label: &str, ids: &[&str]) -> Side {
        let mut techniques: Vec<u32> = ids.iter().map(|i| kb.techniques_with_id(i)[0]).collect();
        techniques.sort_unstable();
        Side {
            label: label.to_string(),
            id: None,
            name: label.to_string(),
            kind: "file",
            techniques,
        }
    }

    #[test]
    fn jaccard_shared_only_and_partly() {
        let kb = kb();
        let a = side(&kb, "a", &["T1027", "T1059", "T1082"]);
        let b = side(&kb, "b", &["T1059", "T1082", "T1497"]);
        let c = side(&kb, "c", &["T1059", "T1652"]);
        let two = compare(&kb, &[a.clone(), b.clone()]);
        assert!((two.jaccard - 0.5).abs() < 1e-12);
        assert_eq!(
            two.shared.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["T1059", "T1082"]
        );
        assert!(two.partly_shared.is_empty());
        let three = compare(&kb, &[a, b, c]);
        // All: T1059 of T1027, T1059, T1082, T1497, T1652.
        assert!((three.jaccard - 0.2).abs() < 1e-12);
        assert_eq!(three.partly_shared.len(), 1);
        assert_eq!(three.partly_shared[0].sides, ["a", "b"]);
        let pairs: Vec<(usize, usize)> = three.pairs.iter().map(|p| (p.shared, p.union)).collect();
        assert_eq!(pairs, [(2, 4), (1, 4), (1, 4)]);
        assert_eq!(three.only[2].techniques[0].id, "T1652");
        assert_eq!(three.membership.len(), 5);
    }

    #[test]
    fn default_layer_names_are_sheet_titles_names_then_ids() {
        let kb = kb();
        let named = |label: &str, name: &str| Side {
            id: Some(label.to_string()),
            name: name.to_string(),
            ..side(&kb, label, &["T1059"])
        };
        let two = compare(
            &kb,
            &[named("G0902", "Tin Lantern"), named("G0903", "Ember Weave")],
        );
        assert_eq!(layer(&kb, &two, None).name, "Tin Lantern vs Ember Weave");
        // Three long names do not fit 31 characters: their IDs do.
        let three = compare(
            &kb,
            &[
                named("G0902", "Tin Lantern"),
                named("G0903", "Ember Weave"),
                named("G0904", "Quiet Heron Collective"),
            ],
        );
        assert_eq!(layer(&kb, &three, None).name, "G0902 vs G0903 vs G0904");
        // Files are named by their file name, without the characters sheet titles refuse.
        let files = compare(
            &kb,
            &[
                side(&kb, "/srv/a: b/ours.json", &["T1059"]),
                side(&kb, "x/[t].txt", &[]),
            ],
        );
        let n = layer(&kb, &files, None).name;
        assert_eq!(n, "ours.json vs t .txt");
        assert!(n.chars().count() <= super::super::layer::MAX_NAME);
        // A name the user gives is kept.
        assert_eq!(layer(&kb, &two, Some("Ours: [x]")).name, "Ours: [x]");
    }

    #[test]
    fn empty_sides_have_a_zero_index() {
        let kb = kb();
        let c = compare(&kb, &[side(&kb, "a", &[]), side(&kb, "b", &[])]);
        assert!(c.jaccard.abs() < f64::EPSILON);
        assert!(c.pairs[0].jaccard.abs() < f64::EPSILON);
        assert!(c.membership.is_empty());
    }
}
