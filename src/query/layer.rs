//! ATT&CK Navigator layers (format 4.5) that attck writes: from a selection (`attck layer`),
//! from a coverage report (`attck coverage --layer`) and from the techniques a text names
//! (`attck map --layer`).
//!
//! These structs are the layer format as Navigator reads it, so their field names are
//! Navigator's `camelCase`, not the `snake_case` of attck's own JSON.

use serde::Serialize;

use super::coverage::{CoverageReport, Unit};
use super::map::MapResult;
use super::matrix::platforms;
use super::selection::Selection;
use crate::model::{Kind, KnowledgeBase, Technique, Version, plain_text};

/// The layer format version written.
pub const LAYER_VERSION: &str = "4.5";
/// The Navigator version written (the first to read layer format 4.5).
pub const NAVIGATOR_VERSION: &str = "5.1.0";
/// Colour of covered techniques (Navigator's own green).
pub const COVERED_COLOR: &str = "#8ec843";
/// Colour of gaps (Navigator's own red).
pub const GAP_COLOR: &str = "#ff6666";
/// `coverage --tests`: colour of techniques detected but not tested.
pub const DETECTED_ONLY_COLOR: &str = "#66b1ff";
/// `coverage --tests`: colour of techniques tested but not detected.
pub const TESTED_ONLY_COLOR: &str = "#ffe766";
/// Colour of selected techniques when none is given.
pub const DEFAULT_COLOR: &str = "#66b1ff";

/// Writes whole numbers without a fraction (`1`, not `1.0`), as Navigator itself does.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
#[allow(clippy::ref_option)] // the signature serde's serialize_with calls
fn opt_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // the signature serde's serialize_with calls
fn number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    // Whole and well inside i64, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// `versions`.
#[derive(Debug, Clone, Serialize)]
pub struct Versions {
    /// The bundle's ATT&CK major version (`18`); left out when the bundle does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// Navigator version.
    pub navigator: &'static str,
    /// Layer format version.
    pub layer: &'static str,
}

/// `filters`.
#[derive(Debug, Clone, Serialize)]
pub struct Filters {
    /// Platforms shown.
    pub platforms: Vec<String>,
}

/// `layout`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// `side`, `flat` or `mini`.
    pub layout: &'static str,
    /// `average`, `min`, `max` or `sum`.
    pub aggregate_function: &'static str,
    /// Show IDs.
    #[serde(rename = "showID")]
    pub show_id: bool,
    /// Show names.
    pub show_name: bool,
    /// Show aggregate scores.
    pub show_aggregate_scores: bool,
    /// Count unscored techniques in aggregates.
    pub count_unscored: bool,
    /// `none`, `all` or `annotated`.
    pub expanded_subtechniques: &'static str,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            layout: "side",
            aggregate_function: "average",
            show_id: false,
            show_name: true,
            show_aggregate_scores: false,
            count_unscored: false,
            expanded_subtechniques: "annotated",
        }
    }
}

/// A `{name, value}` metadata entry.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// One technique entry: a technique under one tactic.
#[derive(Debug, Clone, Serialize)]
pub struct LayerTechnique {
    /// `T1059` or `T1059.001`.
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// Tactic shortname; left out only for a technique under no tactic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Score; none for a parent listed only so its sub-techniques show.
    #[serde(serialize_with = "opt_number", skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Explicit colour (`""` lets the score pick one from the gradient).
    pub color: String,
    /// Comment.
    pub comment: String,
    /// Enabled.
    pub enabled: bool,
    /// Per-technique metadata.
    pub metadata: Vec<Metadata>,
    /// Expand the sub-techniques by default.
    #[serde(rename = "showSubtechniques")]
    pub show_subtechniques: bool,
}

/// `gradient`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gradient {
    /// At least two colours, from the lowest score to the highest.
    pub colors: Vec<String>,
    /// Lowest score.
    #[serde(serialize_with = "number")]
    pub min_value: f64,
    /// Highest score (greater than `min_value`).
    #[serde(serialize_with = "number")]
    pub max_value: f64,
}

/// A legend entry.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    /// Label.
    pub label: String,
    /// Colour.
    pub color: String,
}

/// A Navigator layer, format 4.5.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorLayer {
    /// Layer name.
    pub name: String,
    /// Versions.
    pub versions: Versions,
    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    pub domain: &'static str,
    /// Description.
    pub description: String,
    /// Filters.
    pub filters: Filters,
    /// 0: by name ascending.
    pub sorting: u8,
    /// Layout.
    pub layout: Layout,
    /// Show disabled techniques greyed out.
    pub hide_disabled: bool,
    /// Entries.
    pub techniques: Vec<LayerTechnique>,
    /// Score colours.
    pub gradient: Gradient,
    /// Legend.
    pub legend_items: Vec<LegendItem>,
    /// Tactic row background off.
    pub show_tactic_row_background: bool,
    /// Tactic row background colour.
    pub tactic_row_background: &'static str,
    /// Selecting a technique selects it under every tactic.
    pub select_techniques_across_tactics: bool,
    /// Selecting a technique does not select its sub-techniques.
    pub select_subtechniques_with_parent: bool,
    /// Selection includes hidden techniques.
    pub select_visible_techniques: bool,
    /// Layer metadata.
    pub metadata: Vec<Metadata>,
}

/// How a selection layer looks.
#[derive(Debug, Clone, Default)]
pub struct LayerOptions {
    /// Layer name; by default the selection's sources.
    pub name: Option<String>,
    /// Score of every entry; by default the number of sources naming the technique.
    pub score: Option<f64>,
    /// Colour of every entry; by default none (the gradient colours by score).
    pub color: Option<String>,
    /// Platforms for Navigator's filter; by default every platform of the domain.
    pub platforms: Vec<String>,
}

/// The ATT&CK major version of a bundle (`18.1` → `18`).
#[must_use]
pub fn attack_major(kb: &KnowledgeBase) -> Option<String> {
    kb.attack_version
        .as_deref()
        .and_then(|v| v.parse::<Version>().ok())
        .map(|v| v.major().to_string())
}

fn base(
    kb: &KnowledgeBase,
    name: String,
    description: String,
    platforms_filter: &[String],
) -> NavigatorLayer {
    let all = platforms(kb);
    let filter: Vec<String> = if platforms_filter.is_empty() {
        all
    } else {
        // Spell platforms as the bundle does, so Navigator recognises them.
        all.into_iter()
            .filter(|p| platforms_filter.iter().any(|f| f.eq_ignore_ascii_case(p)))
            .collect()
    };
    NavigatorLayer {
        name,
        versions: Versions {
            attack: attack_major(kb),
            navigator: NAVIGATOR_VERSION,
            layer: LAYER_VERSION,
        },
        domain: kb.domain.stix_name(),
        description,
        filters: Filters { platforms: filter },
        sorting: 0,
        layout: Layout::default(),
        hide_disabled: false,
        techniques: Vec::new(),
        gradient: Gradient {
            colors: vec!["#ffffff".to_string(), DEFAULT_COLOR.to_string()],
            min_value: 0.0,
            max_value: 1.0,
        },
        legend_items: Vec::new(),
        show_tactic_row_background: false,
        tactic_row_background: "#dddddd",
        select_techniques_across_tactics: true,
        select_subtechniques_with_parent: false,
        select_visible_techniques: false,
        metadata: vec![Metadata {
            name: "generator".to_string(),
            value: format!("attck {}", env!("CARGO_PKG_VERSION")),
        }],
    }
}

/// The longest default layer name: Excel's limit on sheet titles, which MITRE's exporters
/// make from layer names.
pub const MAX_NAME: usize = 31;

/// A default layer name safe for a spreadsheet sheet title: none of `: \ / ? * [ ]`, spaces
/// collapsed, at most [`MAX_NAME`] characters (ending in `…` when shortened).
#[must_use]
pub fn sheet_title(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if matches!(c, ':' | '\\' | '/' | '?' | '*' | '[' | ']') || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let t = words.join(" ");
    if t.chars().count() <= MAX_NAME {
        return if t.is_empty() { "attck".to_string() } else { t };
    }
    let mut cut: String = t.chars().take(MAX_NAME - 1).collect();
    cut = cut.trim_end().to_string();
    cut.push('…');
    cut
}

/// The default name of a selection's layer: its sources as written (`group G0016 APT29`),
/// else their names (`APT29 + Mimikatz`), else their IDs (`G0016 + S0002`), whichever is
/// the first to make a [`sheet_title`] without shortening.
fn default_name(sources: &[String]) -> String {
    // `group G0016 APT29` → ("G0016", "APT29"); a file path → its file name.
    let parts = |s: &str| -> (String, String) {
        let mut w = s.splitn(3, ' ');
        match (w.next(), w.next(), w.next()) {
            (Some(_), Some(id), Some(name))
                if id.starts_with(|c: char| c.is_ascii_uppercase())
                    && id.chars().any(|c| c.is_ascii_digit()) =>
            {
                (id.to_string(), name.to_string())
            }
            _ => {
                let short = short_sources(s);
                (short.clone(), short)
            }
        }
    };
    let full = sources.join(" + ");
    let names: Vec<String> = sources.iter().map(|s| parts(s).1).collect();
    let ids: Vec<String> = sources.iter().map(|s| parts(s).0).collect();
    for candidate in [full, names.join(" + "), ids.join(" + ")] {
        let t = sheet_title(&candidate);
        if !t.ends_with('…') {
            return t;
        }
    }
    sheet_title(&names.join(" + "))
}

/// Input paths shortened to their file names: `/srv/rules/sigma, ids.txt` → `sigma, ids.txt`.
fn short_sources(inputs: &str) -> String {
    inputs
        .split(", ")
        .map(|i| {
            std::path::Path::new(i.trim_end_matches('/'))
                .file_name()
                .map_or_else(|| i.to_string(), |n| n.to_string_lossy().into_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lists the parent of every listed sub-technique (MITRE's exporters hide a sub-technique
/// whose parent has no entry), unscored when the layer did not list it, and expands every
/// parent with a listed sub-technique; entries end up in ATT&CK ID order.
pub fn add_parents(kb: &KnowledgeBase, layer: &mut NavigatorLayer) {
    let listed: std::collections::HashSet<String> = layer
        .techniques
        .iter()
        .map(|e| e.technique_id.clone())
        .collect();
    let mut parents: Vec<u32> = Vec::new();
    for e in &layer.techniques {
        if let Some(p) = kb.technique(&e.technique_id).and_then(|t| t.parent)
            && !parents.contains(&p)
        {
            parents.push(p);
        }
    }
    let expanded: std::collections::HashSet<String> = parents
        .iter()
        .map(|&p| kb.techniques[p as usize].meta.id.to_string())
        .collect();
    for &p in &parents {
        let t = &kb.techniques[p as usize];
        if listed.contains(t.meta.id.as_str()) {
            continue;
        }
        let added = entries(kb, t, &|tactic| LayerTechnique {
            technique_id: t.meta.id.to_string(),
            tactic,
            score: None,
            color: String::new(),
            comment: "Parent of listed sub-techniques".to_string(),
            enabled: true,
            metadata: Vec::new(),
            show_subtechniques: true,
        });
        layer.techniques.extend(added);
    }
    for e in &mut layer.techniques {
        if expanded.contains(&e.technique_id) {
            e.show_subtechniques = true;
        }
    }
    layer
        .techniques
        .sort_by(|a, b| crate::model::cmp_ids(&a.technique_id, &b.technique_id));
}

/// One entry per tactic of the technique (one without a tactic if it has none).
fn entries(
    kb: &KnowledgeBase,
    t: &Technique,
    make: &dyn Fn(Option<String>) -> LayerTechnique,
) -> Vec<LayerTechnique> {
    if t.tactics.is_empty() {
        vec![make(None)]
    } else {
        t.tactics
            .iter()
            .map(|&i| make(Some(kb.tactics[i as usize].shortname.to_string())))
            .collect()
    }
}

/// Mixes two `#rrggbb` colours: `share` 0 gives `a`, 1 gives `b`.
fn mix(from: &str, to: &str, share: f64) -> String {
    let rgb = |hex: &str| -> [u8; 3] {
        let digits = hex.trim_start_matches('#');
        let channel = |at: usize| {
            digits
                .get(at..at + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .unwrap_or(0)
        };
        [channel(0), channel(2), channel(4)]
    };
    let (start, end) = (rgb(from), rgb(to));
    let share = share.clamp(0.0, 1.0);
    let blend = |k: usize| {
        let (lo, hi) = (f64::from(start[k]), f64::from(end[k]));
        // Clamped to 0..=255 above, so the cast keeps the value.
        #[allow(clippy::cast_sign_loss)]
        let v = (lo + (hi - lo) * share).round().clamp(0.0, 255.0) as u8;
        v
    };
    format!("#{:02x}{:02x}{:02x}", blend(0), blend(1), blend(2))
}

/// The layer for a selection: each selected technique under each of its tactics.
#[must_use]
pub fn from_selection(kb: &KnowledgeBase, sel: &Selection, opts: &LayerOptions) -> NavigatorLayer {
    let sources = sel.sources.join(" + ");
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| default_name(&sel.sources));
    let description = format!(
        "Techniques selected by {sources} in {} ({}). Written by attck.",
        kb.label(),
        plain_text::count(sel.techniques.len(), "technique", "techniques")
    );
    let mut layer = base(kb, name.clone(), description, &opts.platforms);
    let selected: std::collections::HashSet<u32> = sel.techniques.iter().map(|s| s.index).collect();
    let n = sel.sources.len().max(1) as f64;
    let color = opts.color.clone().unwrap_or_default();
    for s in &sel.techniques {
        let t = &kb.techniques[s.index as usize];
        let score = opts.score.unwrap_or(s.by.len() as f64);
        let by: Vec<&str> = s.by.iter().map(|&b| sel.sources[b].as_str()).collect();
        let show_subs = t.children.iter().any(|c| selected.contains(c));
        layer
            .techniques
            .extend(entries(kb, t, &|tactic| LayerTechnique {
                technique_id: t.meta.id.to_string(),
                tactic,
                score: Some(score),
                color: color.clone(),
                comment: format!("Selected by {}", by.join(", ")),
                enabled: true,
                metadata: Vec::new(),
                show_subtechniques: show_subs,
            }));
    }
    let top = opts
        .color
        .clone()
        .unwrap_or_else(|| DEFAULT_COLOR.to_string());
    if let Some(s) = opts.score {
        let min = s.min(0.0);
        layer.gradient = Gradient {
            colors: vec!["#ffffff".to_string(), top.clone()],
            min_value: min,
            max_value: if s > min { s } else { min + 1.0 },
        };
        layer.legend_items.push(LegendItem {
            label: name,
            color: top,
        });
    } else {
        layer.gradient = Gradient {
            colors: vec!["#ffffff".to_string(), top.clone()],
            min_value: 0.0,
            max_value: n,
        };
        for k in 1..=sel.sources.len() {
            layer.legend_items.push(LegendItem {
                label: if sel.sources.len() == 1 {
                    sources.clone()
                } else {
                    format!("named by {k} of {}", sel.sources.len())
                },
                color: opts
                    .color
                    .clone()
                    .unwrap_or_else(|| mix("#ffffff", &top, k as f64 / n)),
            });
        }
    }
    layer.metadata.push(Metadata {
        name: "selection".to_string(),
        value: sources,
    });
    add_parents(kb, &mut layer);
    layer
}

/// The layer for a coverage report: covered units and gaps in two colours, both annotated
/// (so Navigator's "export annotated techniques only" keeps the gaps).
#[must_use]
pub fn from_coverage(
    kb: &KnowledgeBase,
    report: &CoverageReport,
    name: Option<&str>,
    inputs: &str,
    platforms_filter: &[String],
) -> NavigatorLayer {
    let name = name.map_or_else(
        || sheet_title(&format!("Coverage of {}", short_sources(inputs))),
        ToString::to_string,
    );
    let description = format!(
        "Detection coverage of {} by {inputs}: {} of {} {}s covered ({:.1}%), universe: {}. Written by attck.",
        kb.label(),
        report.total.covered,
        report.total.total,
        match report.unit {
            Unit::Technique => "technique",
            Unit::Subtechnique => "sub-technique",
        },
        report.total.percent,
        report.universe
    );
    let mut layer = base(kb, name, description, platforms_filter);
    let named: std::collections::HashSet<u32> = report.named.iter().copied().collect();
    let mut rows: Vec<(u32, bool, String)> = report
        .units
        .iter()
        .map(|u| {
            let groups = plain_text::count(u.groups_using, "group", "groups");
            let comment = match (u.covered, u.tested) {
                (true, None) => "Covered".to_string(),
                (true, Some(true)) => "Detected and tested".to_string(),
                (true, Some(false)) => "Detected, not tested".to_string(),
                (false, None) => format!("Gap: used by {groups}"),
                (false, Some(true)) => format!("Tested, not detected: used by {groups}"),
                (false, Some(false)) => {
                    format!("Gap, neither detected nor tested: used by {groups}")
                }
            };
            (u.index, u.covered, comment)
        })
        .collect();
    let tested: std::collections::HashMap<u32, bool> = report
        .units
        .iter()
        .filter_map(|u| u.tested.map(|t| (u.index, t)))
        .collect();
    if report.unit == Unit::Technique {
        // The named sub-techniques of covered techniques show which ones carry the coverage.
        for u in report.units.iter().filter(|u| u.covered) {
            for &c in &kb.techniques[u.index as usize].children {
                if named.contains(&c) {
                    rows.push((c, true, "Covered (named in the input)".to_string()));
                }
            }
        }
    }
    rows.sort_unstable_by_key(|r| r.0);
    let annotated: std::collections::HashSet<u32> = rows.iter().map(|r| r.0).collect();
    for (i, covered, comment) in rows {
        let t = &kb.techniques[i as usize];
        let show_subs = t.children.iter().any(|c| annotated.contains(c));
        layer
            .techniques
            .extend(entries(kb, t, &|tactic| LayerTechnique {
                technique_id: t.meta.id.to_string(),
                tactic,
                score: Some(if covered { 1.0 } else { 0.0 }),
                color: match (covered, tested.get(&i)) {
                    (true, Some(false)) => DETECTED_ONLY_COLOR,
                    (true, _) => COVERED_COLOR,
                    (false, Some(true)) => TESTED_ONLY_COLOR,
                    (false, _) => GAP_COLOR,
                }
                .to_string(),
                comment: comment.clone(),
                enabled: true,
                metadata: Vec::new(),
                show_subtechniques: show_subs,
            }));
    }
    layer.gradient = Gradient {
        colors: vec![GAP_COLOR.to_string(), COVERED_COLOR.to_string()],
        min_value: 0.0,
        max_value: 1.0,
    };
    let legend: &[(&str, &str)] = if report.tests.is_some() {
        &[
            ("detected and tested", COVERED_COLOR),
            ("detected only", DETECTED_ONLY_COLOR),
            ("tested only", TESTED_ONLY_COLOR),
            ("neither", GAP_COLOR),
        ]
    } else {
        &[("covered", COVERED_COLOR), ("gap", GAP_COLOR)]
    };
    layer.legend_items = legend
        .iter()
        .map(|(label, color)| LegendItem {
            label: (*label).to_string(),
            color: (*color).to_string(),
        })
        .collect();
    layer.metadata.extend([
        Metadata {
            name: "covered".to_string(),
            value: format!(
                "{} / {} ({:.1}%)",
                report.total.covered, report.total.total, report.total.percent
            ),
        },
        Metadata {
            name: "universe".to_string(),
            value: report.universe.clone(),
        },
        Metadata {
            name: "inputs".to_string(),
            value: inputs.to_string(),
        },
    ]);
    add_parents(kb, &mut layer);
    layer
}

/// The techniques a text names (`attck map --layer`), each scored by its number of mentions,
/// with the lines in its comment. `None` when no active technique was found.
#[must_use]
pub fn from_map(kb: &KnowledgeBase, result: &MapResult, source: &str) -> Option<NavigatorLayer> {
    let found: Vec<(u32, &super::map::Mapped)> = result
        .found
        .iter()
        .filter(|m| m.kind == Kind::Technique.name() && !m.deprecated)
        .filter_map(|m| Some((*kb.techniques_with_id(&m.id).first()?, m)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let description = format!(
        "ATT&CK techniques named in {source}, mapped by attck against {} ({}); scores count mentions.",
        kb.label(),
        plain_text::count(found.len(), "technique", "techniques")
    );
    let name = sheet_title(&format!("Mapped from {}", short_sources(source)));
    let mut layer = base(kb, name, description, &[]);
    let named: std::collections::HashSet<u32> = found.iter().map(|&(i, _)| i).collect();
    for &(i, m) in &found {
        let t = &kb.techniques[i as usize];
        let lines: Vec<String> = m.lines.iter().map(ToString::to_string).collect();
        let mut comment = format!(
            "Mentioned {} time{} (line{} {})",
            m.mentions,
            if m.mentions == 1 { "" } else { "s" },
            if m.lines.len() == 1 { "" } else { "s" },
            lines.join(", ")
        );
        if let Some(r) = &m.replaced {
            comment.push_str(&format!("; written as {}, which it replaced", r.id));
        }
        let show_subs = t.children.iter().any(|c| named.contains(c));
        layer
            .techniques
            .extend(entries(kb, t, &|tactic| LayerTechnique {
                technique_id: t.meta.id.to_string(),
                tactic,
                score: Some(m.mentions as f64),
                color: String::new(),
                comment: comment.clone(),
                enabled: true,
                metadata: Vec::new(),
                show_subtechniques: show_subs,
            }));
    }
    let most = found.iter().map(|(_, m)| m.mentions).max().unwrap_or(1) as f64;
    layer.gradient.max_value = most.max(1.0);
    layer.metadata.push(Metadata {
        name: "selection".to_string(),
        value: source.to_string(),
    });
    add_parents(kb, &mut layer);
    Some(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_scores_have_no_fraction() {
        let g = Gradient {
            colors: vec![],
            min_value: -1.0,
            max_value: 2.5,
        };
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"colors":[],"minValue":-1,"maxValue":2.5}"#
        );
    }

    #[test]
    fn colours_mix() {
        assert_eq!(mix("#ffffff", "#000000", 0.0), "#ffffff");
        assert_eq!(mix("#ffffff", "#000000", 1.0), "#000000");
        assert_eq!(mix("#000000", "#66b1ff", 0.5), "#335980");
        assert_eq!(mix("#zz", "#ffffff", 1.0), "#ffffff");
    }
}
