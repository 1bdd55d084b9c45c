//! `attck coverage`: what a set of detections covers, per tactic and in total, and the gaps
//! ranked by how many active groups use them.

use serde::Serialize;

use super::matrix::{MatrixOptions, matrix};
use super::selection::active_technique;
use super::selection::{InputReport, Resolved};
use super::tactic_techniques::TechniqueFilter;
use super::technique::tactic_names;
use super::{Block, Cell, Grid, Report, Shade};
use crate::input::rules::{Format, RuleFile};
use crate::model::{Kind, KnowledgeBase, Rel, Technique, cmp_ids, plain_text};

/// What counts as one unit of coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Techniques; one is covered when it or any of its sub-techniques is named.
    #[default]
    Technique,
    /// Sub-techniques, and techniques that have none.
    Subtechnique,
}

impl Unit {
    fn plural(self) -> &'static str {
        match self {
            Unit::Technique => "techniques",
            Unit::Subtechnique => "sub-techniques (or techniques without any)",
        }
    }
}

/// What the coverage is measured against.
#[derive(Debug, Clone, Default)]
pub struct Universe {
    /// How it is described: `all`, or `group G0016 APT29`, or a file name.
    pub label: String,
    /// The techniques it is made of (lifted to the unit), or `None` for every active unit.
    pub techniques: Option<Vec<u32>>,
}

impl Universe {
    /// Every active technique of the domain.
    #[must_use]
    pub fn all() -> Universe {
        Universe {
            label: "all".to_string(),
            techniques: None,
        }
    }
}

/// How to measure.
#[derive(Debug, Clone, Default)]
pub struct CoverageOptions {
    /// The unit.
    pub unit: Unit,
    /// Restrict the universe to techniques for these platforms; empty keeps all.
    pub platforms: Vec<String>,
    /// Report at most this many gaps.
    pub gap_limit: Option<usize>,
}

/// `{covered, total, percent}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// Units covered.
    pub covered: usize,
    /// Units in the universe.
    pub total: usize,
    /// `covered / total` in percent, rounded to one decimal (0 when the total is 0).
    pub percent: f64,
}

impl Figure {
    fn new(covered: usize, total: usize) -> Figure {
        let percent = if total == 0 {
            0.0
        } else {
            (covered as f64 * 1000.0 / total as f64).round() / 10.0
        };
        Figure {
            covered,
            total,
            percent,
        }
    }

    /// Whether the exact share is below `threshold` percent (not the rounded one).
    #[must_use]
    pub fn below(&self, threshold: f64) -> bool {
        (self.covered as f64) * 100.0 < threshold * self.total as f64
    }

    fn permille(&self) -> u16 {
        (self.covered * 1000)
            .checked_div(self.total)
            .map_or(0, |p| p as u16)
    }
}

/// Coverage of one tactic.
#[derive(Debug, Clone, Serialize)]
pub struct TacticCoverage {
    /// ATT&CK ID.
    pub id: String,
    /// Shortname.
    pub shortname: String,
    /// Name.
    pub name: String,
    /// Units of this tactic covered.
    pub covered: usize,
    /// Units of this tactic in the universe.
    pub total: usize,
    /// Percent, one decimal.
    pub percent: f64,
}

/// An uncovered unit.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tactic shortnames, in matrix order.
    pub tactics: Vec<String>,
    /// Active groups using it (or, for a technique unit, any of its sub-techniques).
    pub groups_using: usize,
    /// With `--tests`: whether an Atomic Red Team test exists for it; null without.
    pub tested: Option<bool>,
}

/// One unit of the universe and whether it is covered (a CSV record of the report).
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitState {
    /// Index into the knowledge base's techniques.
    #[serde(skip)]
    pub index: u32,
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tactic shortnames.
    pub tactics: Vec<String>,
    /// Covered by the input.
    pub covered: bool,
    /// Active groups using it.
    pub groups_using: usize,
    /// Rule files naming it (or, for a technique unit, any of its sub-techniques).
    pub rules: usize,
    /// With `--tests`: whether an Atomic Red Team test exists for it (or for any of its
    /// sub-techniques, for a technique unit); empty without `--tests`.
    pub tested: Option<bool>,
}

/// A rule file, as coverage names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// The file's path.
    pub path: String,
    /// Its format: `sigma`, `elastic`, `splunk`, `sentinel`, `car`, `atomic`, `atomic-index`.
    pub format: Format,
    /// The rule's own id, where the format has one.
    pub id: Option<String>,
    /// The rule's title or name, where the format has one.
    pub title: Option<String>,
}

impl RuleRef {
    fn of(f: &RuleFile) -> RuleRef {
        RuleRef {
            path: f.path.clone(),
            format: f.format,
            id: f.id.clone(),
            title: f.title.clone(),
        }
    }
}

/// The rule files naming one technique.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueRules {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// How many rule files name it.
    pub rule_count: usize,
    /// The rule files, in the order read.
    pub rule_files: Vec<RuleRef>,
}

/// How many units are detected, tested, both or neither (`--tests`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestedSummary {
    /// Units covered by a rule and by a test.
    pub both: usize,
    /// Units covered by a rule only.
    pub detected_only: usize,
    /// Units with a test only.
    pub tested_only: usize,
    /// Units with neither.
    pub neither: usize,
    /// Units with a test, over the universe.
    pub tested: Figure,
}

/// One rule file and the techniques it names (`coverage --by-rule`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleRow {
    /// The file's path.
    pub path: String,
    /// Its format.
    pub format: String,
    /// The rule's own id, where the format has one.
    pub id: Option<String>,
    /// The rule's title or name, where the format has one.
    pub title: Option<String>,
    /// The technique IDs it names, as written (normalised), in file order.
    pub techniques: Vec<String>,
}

impl super::TableRow for RuleRow {
    // The rule's own ID (often a 36-character UUID) comes last, so a narrow terminal drops
    // it before the techniques.
    fn headers() -> Vec<&'static str> {
        vec!["Path", "Format", "Techniques", "Title", "Rule ID"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.path.as_str().into(),
            self.format.as_str().into(),
            self.techniques.join(", ").into(),
            super::opt(self.title.as_deref()).into(),
            super::opt(self.id.as_deref()).into(),
        ]
    }
}

/// Each rule file and the technique IDs it names.
#[must_use]
pub fn by_rule(files: &[&RuleFile]) -> Vec<RuleRow> {
    files
        .iter()
        .map(|f| RuleRow {
            path: f.path.clone(),
            format: f.format.describe().to_string(),
            id: f.id.clone(),
            title: f.title.clone(),
            techniques: f
                .technique_ids()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        })
        .collect()
}

/// For each technique of the knowledge base, the files (indexes into `files`) naming it,
/// revoked IDs counted as their active replacement.
fn files_per_technique(kb: &KnowledgeBase, files: &[&RuleFile]) -> Vec<Vec<usize>> {
    let mut per = vec![Vec::new(); kb.techniques.len()];
    for (n, f) in files.iter().enumerate() {
        for id in f.technique_ids() {
            if let Some(i) = active_technique(kb, id.as_str()) {
                let v: &mut Vec<usize> = &mut per[i as usize];
                if v.last() != Some(&n) {
                    v.push(n);
                }
            }
        }
    }
    per
}

/// The files naming a unit: itself, and for a technique unit its active sub-techniques.
fn unit_files(kb: &KnowledgeBase, per: &[Vec<usize>], unit: Unit, i: u32) -> usize {
    let t = &kb.techniques[i as usize];
    let mut all: Vec<usize> = per[i as usize].clone();
    if unit == Unit::Technique {
        for c in active_children(kb, t) {
            all.extend_from_slice(&per[c as usize]);
        }
    }
    all.sort_unstable();
    all.dedup();
    all.len()
}

/// `attck coverage`: the documented JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// ATT&CK version of the bundle, or null when unknown.
    pub attack_version: Option<String>,
    /// `technique` or `subtechnique`.
    pub unit: Unit,
    /// What was measured against: `all`, or the adversary or file given to `--against`.
    pub universe: String,
    /// Units covered in the whole universe (a unit under several tactics counts once).
    pub total: Figure,
    /// Per tactic, in matrix order; tactics with nothing in the universe are left out.
    pub tactics: Vec<TacticCoverage>,
    /// Uncovered units, most used by groups first, then by ID.
    pub gaps: Vec<Gap>,
    /// What became of the input's IDs.
    pub input: InputReport,
    /// Per technique named by a rule file (after revoked IDs were mapped), sorted by ID: the
    /// rule files naming it. Empty when no input was a rule file.
    pub rules: Vec<TechniqueRules>,
    /// With `--tests`: each unit as detected, tested, both or neither; null without.
    pub tests: Option<TestedSummary>,
    /// Every unit of the universe, sorted by ID (CSV, layers, heat maps).
    #[serde(skip)]
    pub units: Vec<UnitState>,
    /// Active techniques the input named (after revoked IDs were mapped), sorted.
    #[serde(skip)]
    pub named: Vec<u32>,
    /// Gaps before `gap_limit` applied.
    #[serde(skip)]
    pub gap_count: usize,
    /// Sub-technique units: named techniques that have sub-techniques and so cover nothing
    /// (unless the universe holds the technique itself).
    #[serde(skip)]
    pub parents_named: Vec<String>,
    /// `enterprise-attack 18.1`.
    #[serde(skip)]
    pub label: String,
    /// The heat map.
    #[serde(skip)]
    pub heat_map: Grid,
}

/// Active groups using each technique directly, by technique index (sorted group indexes).
#[must_use]
pub fn group_users(kb: &KnowledgeBase) -> Vec<Vec<u32>> {
    let mut users = vec![Vec::new(); kb.techniques.len()];
    for e in kb.edges() {
        if e.rel == Rel::Uses
            && e.source.kind == Kind::Group
            && e.target.kind == Kind::Technique
            && kb.meta(e.source).is_active()
        {
            users[e.target.index as usize].push(e.source.index);
        }
    }
    for u in &mut users {
        u.sort_unstable();
        u.dedup();
    }
    users
}

fn active_children<'a>(kb: &'a KnowledgeBase, t: &'a Technique) -> impl Iterator<Item = u32> + 'a {
    t.children
        .iter()
        .copied()
        .filter(|&c| kb.techniques[c as usize].meta.is_active())
}

/// The units of the universe, sorted by index (that is, by ID).
fn universe_units(
    kb: &KnowledgeBase,
    universe: &Universe,
    unit: Unit,
    filter: &TechniqueFilter,
) -> Vec<u32> {
    let lift = |i: u32| -> u32 {
        let t = &kb.techniques[i as usize];
        match (unit, t.parent) {
            (Unit::Technique, Some(p)) if t.is_subtechnique => p,
            _ => i,
        }
    };
    let mut units: Vec<u32> = match &universe.techniques {
        None => kb
            .techniques
            .iter()
            .enumerate()
            .filter(|(_, t)| match unit {
                Unit::Technique => !t.is_subtechnique,
                Unit::Subtechnique => t.is_subtechnique || active_children(kb, t).next().is_none(),
            })
            .map(|(i, _)| i as u32)
            .collect(),
        Some(used) => used.iter().map(|&i| lift(i)).collect(),
    };
    units.retain(|&i| filter.accepts(&kb.techniques[i as usize]));
    units.sort_unstable();
    units.dedup();
    units
}

/// Measures the coverage of `named` over `universe`.
#[must_use]
pub fn coverage(
    kb: &KnowledgeBase,
    named: &Resolved,
    universe: &Universe,
    opts: &CoverageOptions,
) -> CoverageReport {
    let filter = TechniqueFilter {
        platforms: opts.platforms.clone(),
        ..TechniqueFilter::default()
    };
    let mut is_named = vec![false; kb.techniques.len()];
    for &i in &named.techniques {
        is_named[i as usize] = true;
    }
    let users = group_users(kb);
    let units: Vec<UnitState> = universe_units(kb, universe, opts.unit, &filter)
        .into_iter()
        .map(|i| {
            let t = &kb.techniques[i as usize];
            let covered =
                is_named[i as usize] || active_children(kb, t).any(|c| is_named[c as usize]);
            let mut groups: Vec<u32> = users[i as usize].clone();
            for c in active_children(kb, t) {
                groups.extend_from_slice(&users[c as usize]);
            }
            groups.sort_unstable();
            groups.dedup();
            UnitState {
                index: i,
                id: t.meta.id.to_string(),
                name: t.meta.name.to_string(),
                tactics: tactic_names(kb, t),
                covered,
                groups_using: groups.len(),
                rules: 0,
                tested: None,
            }
        })
        .collect();

    let tactics = kb
        .tactics
        .iter()
        .enumerate()
        .filter_map(|(ti, tactic)| {
            let ti = ti as u32;
            let members = units
                .iter()
                .filter(|u| kb.techniques[u.index as usize].tactics.contains(&ti));
            let total = members.clone().count();
            let covered = members.filter(|u| u.covered).count();
            (total > 0).then(|| {
                let f = Figure::new(covered, total);
                TacticCoverage {
                    id: tactic.meta.id.to_string(),
                    shortname: tactic.shortname.to_string(),
                    name: tactic.meta.name.to_string(),
                    covered,
                    total,
                    percent: f.percent,
                }
            })
        })
        .collect();

    let mut gaps: Vec<Gap> = units
        .iter()
        .filter(|u| !u.covered)
        .map(|u| Gap {
            id: u.id.clone(),
            name: u.name.clone(),
            tactics: u.tactics.clone(),
            groups_using: u.groups_using,
            tested: None,
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.groups_using
            .cmp(&a.groups_using)
            .then_with(|| cmp_ids(&a.id, &b.id))
    });
    let gap_count = gaps.len();
    if let Some(n) = opts.gap_limit {
        gaps.truncate(n);
    }

    let state: std::collections::HashMap<u32, &UnitState> =
        units.iter().map(|u| (u.index, u)).collect();
    let heat_map = matrix(
        kb,
        &MatrixOptions {
            platforms: opts.platforms.clone(),
            subtechniques: opts.unit == Unit::Subtechnique,
        },
    )
    .grid_with(|i| match state.get(&i) {
        Some(u) if u.covered => (Shade::Covered, Some("covered".to_string())),
        Some(u) => (
            Shade::Gap,
            Some(format!(
                "gap; used by {}",
                plain_text::count(u.groups_using, "group", "groups")
            )),
        ),
        None => (Shade::Outside, Some("outside the universe".to_string())),
    });
    let heat_map = Grid {
        legend: vec![
            (Shade::Covered, "covered".to_string()),
            (Shade::Gap, "gap".to_string()),
            (Shade::Outside, "not measured".to_string()),
        ],
        ..heat_map
    };

    let parents_named: Vec<String> = if opts.unit == Unit::Subtechnique {
        named
            .techniques
            .iter()
            .filter(|&&i| !state.contains_key(&i))
            .map(|&i| &kb.techniques[i as usize])
            .filter(|t| active_children(kb, t).next().is_some())
            .map(|t| t.meta.id.to_string())
            .collect()
    } else {
        Vec::new()
    };
    let covered = units.iter().filter(|u| u.covered).count();
    CoverageReport {
        domain: kb.domain.short_name().to_string(),
        attack_version: kb.attack_version.clone(),
        unit: opts.unit,
        universe: universe.label.clone(),
        total: Figure::new(covered, units.len()),
        tactics,
        gaps,
        input: named.report.clone(),
        rules: Vec::new(),
        tests: None,
        units,
        named: named.techniques.clone(),
        gap_count,
        parents_named,
        label: kb.label(),
        heat_map,
    }
}

impl CoverageReport {
    /// Adds which rule files name each technique (`rules`, and each unit's `rules` count).
    pub fn add_rules(&mut self, kb: &KnowledgeBase, files: &[&RuleFile]) {
        let per = files_per_technique(kb, files);
        for u in &mut self.units {
            u.rules = unit_files(kb, &per, self.unit, u.index);
        }
        self.rules = per
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(i, v)| {
                let t = &kb.techniques[i];
                TechniqueRules {
                    id: t.meta.id.to_string(),
                    name: t.meta.name.to_string(),
                    rule_count: v.len(),
                    rule_files: v.iter().map(|&n| RuleRef::of(files[n])).collect(),
                }
            })
            .collect();
    }

    /// Marks each unit tested or not (`--tests`): `tested` holds the active techniques the
    /// tests name (revoked IDs mapped already).
    pub fn add_tests(&mut self, kb: &KnowledgeBase, tested: &[u32]) {
        let mut is_tested = vec![false; kb.techniques.len()];
        for &i in tested {
            is_tested[i as usize] = true;
        }
        let (mut both, mut detected_only, mut tested_only, mut neither) = (0, 0, 0, 0);
        for u in &mut self.units {
            let t = &kb.techniques[u.index as usize];
            let yes = is_tested[u.index as usize]
                || (self.unit == Unit::Technique
                    && active_children(kb, t).any(|c| is_tested[c as usize]));
            u.tested = Some(yes);
            match (u.covered, yes) {
                (true, true) => both += 1,
                (true, false) => detected_only += 1,
                (false, true) => tested_only += 1,
                (false, false) => neither += 1,
            }
        }
        for g in &mut self.gaps {
            g.tested = self
                .units
                .iter()
                .find(|u| u.id == g.id)
                .and_then(|u| u.tested);
        }
        self.tests = Some(TestedSummary {
            both,
            detected_only,
            tested_only,
            neither,
            tested: Figure::new(both + tested_only, self.units.len()),
        });
        let state: std::collections::HashMap<&str, (bool, bool)> = self
            .units
            .iter()
            .map(|u| (u.id.as_str(), (u.covered, u.tested == Some(true))))
            .collect();
        for col in &mut self.heat_map.columns {
            for cell in &mut col.cells {
                if let Some(&(d, t)) = state.get(cell.id.as_str()) {
                    let (shade, note) = match (d, t) {
                        (true, true) => (Shade::Covered, "detected and tested"),
                        (true, false) => (Shade::Detected, "detected, not tested"),
                        (false, true) => (Shade::Tested, "tested, not detected"),
                        (false, false) => (Shade::Gap, "neither detected nor tested"),
                    };
                    cell.shade = shade;
                    cell.note = Some(note.to_string());
                }
            }
        }
        self.heat_map.legend = vec![
            (Shade::Covered, "detected and tested".to_string()),
            (Shade::Detected, "detected only".to_string()),
            (Shade::Tested, "tested only".to_string()),
            (Shade::Gap, "neither".to_string()),
            (Shade::Outside, "not measured".to_string()),
        ];
    }

    fn summary_blocks(&self) -> (Vec<Block>, Vec<Block>) {
        let unit_text = match self.unit {
            Unit::Technique => {
                "Unit: technique (covered when it or any of its sub-techniques is named)"
            }
            Unit::Subtechnique => "Unit: sub-technique (and techniques that have none)",
        };
        let head = vec![Block::Text(format!(
            "{unit_text}. Universe: {}.",
            self.universe
        ))];
        let rows = self
            .tactics
            .iter()
            .map(|t| {
                let f = Figure::new(t.covered, t.total);
                vec![
                    Cell::from(t.name.as_str()),
                    t.covered.to_string().into(),
                    t.total.to_string().into(),
                    format!("{:.1}%", t.percent).into(),
                    Cell {
                        bar: Some(f.permille()),
                        ..Cell::default()
                    },
                ]
            })
            .collect();
        let mut tail = vec![
            Block::Heading("Coverage by tactic".to_string()),
            Block::Table {
                headers: vec!["Tactic", "Covered", "Total", "Percent", "Coverage"],
                rows,
            },
            Block::Text(format!(
                "Total: {} of {} {} covered ({:.1}%).",
                self.total.covered,
                self.total.total,
                self.unit.plural(),
                self.total.percent
            )),
        ];
        if let Some(t) = &self.tests {
            tail.push(Block::Text(format!(
                "Tested: {} of {} {} ({:.1}%). Detected and tested {}, detected only {}, tested only {}, neither {}.",
                t.tested.covered,
                t.tested.total,
                self.unit.plural(),
                t.tested.percent,
                t.both,
                t.detected_only,
                t.tested_only,
                t.neither
            )));
        }
        tail.push(Block::Heading(format!(
            "Gaps ({}), most used by groups first",
            self.gap_count
        )));
        if self.gaps.is_empty() {
            tail.push(Block::Text(if self.gap_count == 0 {
                "No gaps: everything in the universe is covered.".to_string()
            } else {
                format!("{} gaps not shown (--limit).", self.gap_count)
            }));
        } else {
            let with_tests = self.tests.is_some();
            tail.push(Block::Table {
                headers: if with_tests {
                    vec!["ID", "Name", "Tactics", "Groups using", "Tested"]
                } else {
                    vec!["ID", "Name", "Tactics", "Groups using"]
                },
                rows: self
                    .gaps
                    .iter()
                    .map(|g| {
                        let mut row = vec![
                            g.id.as_str().into(),
                            g.name.as_str().into(),
                            g.tactics.join(", ").into(),
                            g.groups_using.to_string().into(),
                        ];
                        if with_tests {
                            row.push(if g.tested == Some(true) { "yes" } else { "no" }.into());
                        }
                        row
                    })
                    .collect(),
            });
            if self.gap_count > self.gaps.len() {
                tail.push(Block::Text(format!(
                    "… and {} more gaps (--limit).",
                    self.gap_count - self.gaps.len()
                )));
            }
        }
        if !self.rules.is_empty() {
            tail.push(Block::Heading(format!(
                "Rules per technique ({})",
                self.rules.len()
            )));
            tail.push(Block::Table {
                headers: vec!["ID", "Name", "Rules"],
                rows: self
                    .rules
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.as_str().into(),
                            r.name.as_str().into(),
                            r.rule_count.to_string().into(),
                        ]
                    })
                    .collect(),
            });
        }
        (head, tail)
    }
}

impl Report for CoverageReport {
    type Line = CoverageReport;
    type Record = UnitState;

    fn title(&self) -> String {
        format!("Detection coverage: {}", self.label)
    }

    fn blocks(&self) -> Vec<Block> {
        let (mut head, tail) = self.summary_blocks();
        head.extend(tail);
        head
    }

    fn html_blocks(&self) -> Vec<Block> {
        let (mut head, tail) = self.summary_blocks();
        head.push(Block::Grid(self.heat_map.clone()));
        head.extend(tail);
        head
    }

    fn json_lines(&self) -> Vec<&CoverageReport> {
        vec![self]
    }

    fn records(&self) -> Vec<UnitState> {
        self.units.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_round_and_compare_exactly() {
        let f = Figure::new(1, 3);
        assert!((f.percent - 33.3).abs() < 1e-9);
        assert!(f.below(33.34));
        assert!(!f.below(33.33));
        let f = Figure::new(2, 3);
        assert!((f.percent - 66.7).abs() < 1e-9);
        assert!(
            f.below(66.7),
            "66.67 is below 66.7 even though it prints as 66.7"
        );
        assert!(Figure::new(0, 0).percent.abs() < f64::EPSILON);
        assert!(!Figure::new(0, 0).below(0.0));
        assert_eq!(Figure::new(1, 2).permille(), 500);
    }
}
