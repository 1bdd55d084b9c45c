//! `attck lint`: every ATT&CK reference of rule files, tests, layers and ID lists checked
//! against a knowledge base (unknown, revoked, deprecated, a name that no longer matches, a
//! technique under a tactic it is not in, a tactic the data does not have), and the edits
//! `--fix` makes: each revoked ID with exactly one successor rewritten in its own spelling,
//! with Elastic's `name` and `reference` beside it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::selection::active_replacement;
use super::{Block, Cell, Report};
use crate::input::rules::{Format, Located, RefKind, Reference, RuleFile};
use crate::model::plain_text::count;
use crate::model::{KnowledgeBase, Tactic, Technique};

/// What is wrong with a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The file is in a format lint reads but does not parse.
    ParseError,
    /// A technique ID the data does not have (or text that is no technique ID).
    Unknown,
    /// A revoked technique; the replacement names its successor when there is exactly one.
    Revoked,
    /// A deprecated technique or tactic (withdrawn without a replacement).
    Deprecated,
    /// The name written beside an ID is not the ID's name.
    NameMismatch,
    /// A technique given with tactics, none of which it is in.
    TacticMismatch,
    /// A tactic (ID, shortname or name) the data does not have.
    UnknownTactic,
}

impl FindingKind {
    /// Every kind, in the order findings of one place are listed.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::ParseError,
        FindingKind::Unknown,
        FindingKind::Revoked,
        FindingKind::Deprecated,
        FindingKind::NameMismatch,
        FindingKind::TacticMismatch,
        FindingKind::UnknownTactic,
    ];

    /// The kind as written in output and in `--fail-on`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::ParseError => "parse-error",
            FindingKind::Unknown => "unknown",
            FindingKind::Revoked => "revoked",
            FindingKind::Deprecated => "deprecated",
            FindingKind::NameMismatch => "name-mismatch",
            FindingKind::TacticMismatch => "tactic-mismatch",
            FindingKind::UnknownTactic => "unknown-tactic",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FindingKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        FindingKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let all: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
                format!("'{s}' is not a finding kind (one of: {})", all.join(", "))
            })
    }
}

/// One finding.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Finding {
    /// The file.
    pub path: String,
    /// Line (from 1).
    pub line: usize,
    /// Column (from 1, in characters).
    pub column: usize,
    /// The rule's own id, where the format has one.
    pub rule_id: Option<String>,
    /// What is wrong (`revoked`, `unknown`, ...).
    pub kind: String,
    /// The reference as written (an ID, a tactic, a name), or null for a parse error.
    pub id: Option<String>,
    /// What to write instead, when there is one answer.
    pub replacement: Option<String>,
    /// One line saying what is wrong.
    pub message: String,
}

impl super::TableRow for Finding {
    // The rule's own ID (often a 36-character UUID) comes last, so a narrow terminal drops
    // it before the kind, the replacement and the message; the place already names the file.
    fn headers() -> Vec<&'static str> {
        vec!["Place", "Kind", "ID", "Replacement", "Message", "Rule"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            format!("{}:{}:{}", self.path, self.line, self.column).into(),
            self.kind.as_str().into(),
            super::opt(self.id.as_deref()).into(),
            super::opt(self.replacement.as_deref()).into(),
            self.message.as_str().into(),
            super::opt(self.rule_id.as_deref()).into(),
        ]
    }
}

impl Finding {
    /// The finding as editors and CI read it: `path:line:col: kind: message`.
    #[must_use]
    pub fn text_line(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.column, self.kind, self.message
        )
    }
}

/// A file rewritten (or, with `--dry-run`, to be rewritten) by `--fix`.
#[derive(Debug, Clone, Serialize)]
pub struct FixedFile {
    /// The file.
    pub path: String,
    /// References rewritten in it (IDs, names and URLs each count).
    pub replacements: usize,
}

/// `attck lint`: the documented JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// ATT&CK version of the data checked against, or null when unknown.
    pub attack_version: Option<String>,
    /// Files checked.
    pub files: usize,
    /// Findings that count (all of them, or those of the `--fail-on` kinds), by path, line
    /// and column. With `--fix`, those left after the rewrite.
    pub findings: Vec<Finding>,
    /// With `--fix`: the files rewritten (with `--dry-run`: that would be).
    pub fixed: Vec<FixedFile>,
    /// `enterprise-attack 18.1`.
    #[serde(skip)]
    pub label: String,
}

impl Report for LintReport {
    type Line = Finding;
    type Record = Finding;

    fn title(&self) -> String {
        format!("Lint against {}", self.label)
    }

    fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        if !self.findings.is_empty() {
            blocks.push(Block::Table {
                headers: <Finding as super::TableRow>::headers(),
                rows: self.findings.iter().map(super::TableRow::cells).collect(),
            });
        }
        let fixed: usize = self.fixed.iter().map(|f| f.replacements).sum();
        let fixed = if self.fixed.is_empty() {
            String::new()
        } else {
            format!(
                " {} rewritten in {}.",
                count(fixed, "reference", "references"),
                count(self.fixed.len(), "file", "files")
            )
        };
        blocks.push(Block::Text(format!(
            "{} in {} checked against {}.{fixed}",
            count(self.findings.len(), "finding", "findings"),
            count(self.files, "file", "files"),
            self.label
        )));
        blocks
    }

    fn json_lines(&self) -> Vec<&Finding> {
        self.findings.iter().collect()
    }

    fn records(&self) -> Vec<Finding> {
        self.findings.clone()
    }
}

/// A finding before it is given its file's path and rule id.
#[derive(Debug, Clone)]
struct Raw {
    line: usize,
    col: usize,
    kind: FindingKind,
    id: Option<String>,
    replacement: Option<String>,
    message: String,
}

fn raw(at: &Located, kind: FindingKind, replacement: Option<String>, message: String) -> Raw {
    Raw {
        line: at.line.max(1),
        col: at.col.max(1),
        kind,
        id: Some(at.text.clone()),
        replacement,
        message,
    }
}

/// A tactic key reduced to letters and digits, lower-cased: `defense-evasion`,
/// `defense_evasion`, `Defense Evasion` and `DefenseEvasion` are one key.
fn tactic_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What a tactic reference names.
enum TacticHit {
    /// An active tactic (its index).
    Active(u32),
    /// A tactic of no active matrix.
    Withdrawn(u32),
    /// Nothing.
    Unknown,
}

fn find_tactic(kb: &KnowledgeBase, written: &str) -> TacticHit {
    let key = tactic_key(written);
    let hit = |t: &Tactic| {
        t.meta.id.eq_ignore_ascii_case(written.trim())
            || (!key.is_empty()
                && (tactic_key(&t.shortname) == key || tactic_key(&t.meta.name) == key))
    };
    if let Some(i) = kb.tactics.iter().position(hit) {
        return TacticHit::Active(i as u32);
    }
    match kb.unlisted_tactics.iter().position(hit) {
        Some(i) => TacticHit::Withdrawn((kb.tactics.len() + i) as u32),
        None => TacticHit::Unknown,
    }
}

/// Names compared as people read them: case, spaces and punctuation do not matter
/// (`Masquerading:Right-to-Left Override`, a trailing full stop), words do.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// A technique's name as files write it: its own, or `Parent: Sub` for a sub-technique.
fn name_matches(kb: &KnowledgeBase, t: &Technique, written: &str) -> bool {
    same_name(written, &t.meta.name)
        || t.parent.is_some_and(|p| {
            same_name(
                written,
                &format!("{}: {}", kb.techniques[p as usize].meta.name, t.meta.name),
            )
        })
}

/// What a technique ID leads to.
enum TechniqueHit {
    /// Not an ID the data has (or not an ID).
    Unknown,
    /// An active technique.
    Active(u32),
    /// Revoked; the distinct active successors.
    Revoked(Vec<u32>),
    /// Deprecated.
    Deprecated(u32),
}

fn find_technique(kb: &KnowledgeBase, r: &Reference) -> TechniqueHit {
    let Some(id) = r.technique() else {
        return TechniqueHit::Unknown;
    };
    let all = kb.techniques_with_id(id.as_str());
    let Some(&first) = all.first() else {
        return TechniqueHit::Unknown;
    };
    if kb.techniques[first as usize].meta.is_active() {
        return TechniqueHit::Active(first);
    }
    if all.iter().all(|&i| !kb.techniques[i as usize].meta.revoked) {
        return TechniqueHit::Deprecated(first);
    }
    let mut to: Vec<u32> = all
        .iter()
        .filter(|&&i| kb.techniques[i as usize].meta.revoked)
        .filter_map(|&i| active_replacement(kb, i))
        .collect();
    to.sort_unstable();
    to.dedup();
    TechniqueHit::Revoked(to)
}

/// The successor's ID written the way the original was: lower case stays lower case, a `/`
/// separator stays a `/`.
fn respell(original: &str, successor: &str) -> String {
    let mut s = successor.to_string();
    if original.contains('/') {
        s = s.replace('.', "/");
    }
    if original.starts_with('t') {
        s = s.to_ascii_lowercase();
    }
    s
}

/// Why an Elastic entry cannot take the successor in place: a sub-technique table holds
/// sub-techniques of the technique it is under, a technique table techniques.
fn elastic_shape_problem(old: &str, new: &str) -> Option<String> {
    let parent = |s: &str| {
        s.split(['.', '/'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    };
    let (old_sub, new_sub) = (old.contains(['.', '/']), new.contains('.'));
    match (old_sub, new_sub) {
        (true, true) if parent(old) == parent(new) => None,
        (false, false) => None,
        (true, _) => Some(format!(
            "{new} is not a sub-technique of {}; move the entry by hand",
            parent(old)
        )),
        (false, true) => Some(format!(
            "{new} is a sub-technique; move the entry under {} by hand",
            parent(new)
        )),
    }
}

/// One edit of a file: bytes `start..end` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// First byte replaced.
    pub start: usize,
    /// Byte after the last one replaced.
    pub end: usize,
    /// The new text.
    pub text: String,
}

/// What linting one file gave.
#[derive(Debug, Clone, Default)]
pub struct FileLint {
    /// Its findings, in file order.
    pub findings: Vec<Finding>,
    /// The edits `--fix` makes, in file order, never overlapping.
    pub edits: Vec<Edit>,
}

/// Checks every reference of one file and plans its fixes.
#[must_use]
pub fn lint_file(kb: &KnowledgeBase, file: &RuleFile) -> FileLint {
    let mut raws: Vec<Raw> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let label = kb.label();
    // Active tactics given in each entry, and the active techniques, for the membership check.
    let mut entry_tactics: Vec<(u32, u32)> = Vec::new();
    let mut entry_techniques: Vec<(u32, u32, &Reference)> = Vec::new();
    for r in &file.refs {
        match r.kind {
            RefKind::Tactic => match find_tactic(kb, &r.at.text) {
                TacticHit::Active(i) => {
                    entry_tactics.push((r.entry, i));
                    let t = kb.tactic_at(i);
                    if let Some(n) = &r.name
                        && !same_name(&n.text, &t.meta.name)
                    {
                        raws.push(raw(
                            n,
                            FindingKind::NameMismatch,
                            Some(t.meta.name.to_string()),
                            format!(
                                "'{}' is not the name of {}: it is '{}' in {label}",
                                n.text, t.meta.id, t.meta.name
                            ),
                        ));
                    }
                }
                TacticHit::Withdrawn(i) => {
                    let t = kb.tactic_at(i);
                    raws.push(raw(
                        &r.at,
                        FindingKind::Deprecated,
                        None,
                        format!(
                            "tactic {} {} is withdrawn in {label}",
                            t.meta.id, t.meta.name
                        ),
                    ));
                }
                TacticHit::Unknown => raws.push(raw(
                    &r.at,
                    FindingKind::UnknownTactic,
                    None,
                    format!("tactic '{}' is not in {label}", r.at.text),
                )),
            },
            RefKind::Technique => match find_technique(kb, r) {
                TechniqueHit::Unknown => raws.push(raw(
                    &r.at,
                    FindingKind::Unknown,
                    None,
                    if r.technique().is_some() {
                        format!("{} is not in {label}", r.at.text.to_ascii_uppercase())
                    } else {
                        format!("'{}' is not a technique ID", r.at.text)
                    },
                )),
                TechniqueHit::Deprecated(i) => {
                    let t = &kb.techniques[i as usize];
                    raws.push(raw(
                        &r.at,
                        FindingKind::Deprecated,
                        None,
                        format!(
                            "{} {} is deprecated (withdrawn without a replacement) in {label}",
                            t.meta.id, t.meta.name
                        ),
                    ));
                }
                TechniqueHit::Active(i) => {
                    entry_techniques.push((r.entry, i, r));
                    let t = &kb.techniques[i as usize];
                    if let Some(n) = &r.name
                        && !name_matches(kb, t, &n.text)
                    {
                        raws.push(raw(
                            n,
                            FindingKind::NameMismatch,
                            Some(t.meta.name.to_string()),
                            format!(
                                "'{}' is not the name of {}: it is '{}' in {label}",
                                n.text, t.meta.id, t.meta.name
                            ),
                        ));
                    }
                }
                TechniqueHit::Revoked(to) => {
                    let written = r.at.text.to_ascii_uppercase();
                    match to.as_slice() {
                        [] => raws.push(raw(
                            &r.at,
                            FindingKind::Revoked,
                            None,
                            format!("{written} is revoked and has no active successor in {label}"),
                        )),
                        [one] => {
                            let s = &kb.techniques[*one as usize];
                            let new_id = respell(&r.at.text, &s.meta.id);
                            let shape = (file.format == Format::Elastic)
                                .then(|| elastic_shape_problem(&r.at.text, &s.meta.id))
                                .flatten();
                            let mut message = format!(
                                "{written} is revoked; its successor is {} {} in {label}",
                                s.meta.id, s.meta.name
                            );
                            match (&shape, r.at.exact) {
                                (Some(why), _) => message.push_str(&format!(" ({why})")),
                                (None, false) => message.push_str(
                                    " (written with escapes or across lines; fix it by hand)",
                                ),
                                (None, true) => plan_fix(r, s, &new_id, &mut edits),
                            }
                            raws.push(raw(&r.at, FindingKind::Revoked, Some(new_id), message));
                        }
                        many => {
                            let ids: Vec<String> = many
                                .iter()
                                .map(|&i| kb.techniques[i as usize].meta.id.to_string())
                                .collect();
                            raws.push(raw(
                                &r.at,
                                FindingKind::Revoked,
                                None,
                                format!(
                                    "{written} is revoked; its possible successors are {} in {label}; choose by hand",
                                    ids.join(", ")
                                ),
                            ));
                        }
                    }
                }
            },
        }
    }
    for (entry, i, r) in entry_techniques {
        let given: Vec<u32> = entry_tactics
            .iter()
            .filter(|(e, _)| *e == entry)
            .map(|&(_, t)| t)
            .collect();
        let t = &kb.techniques[i as usize];
        if given.is_empty() || t.tactics.iter().any(|x| given.contains(x)) {
            continue;
        }
        let names = |v: &[u32]| -> String {
            v.iter()
                .map(|&x| kb.tactic_at(x).shortname.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        raws.push(raw(
            &r.at,
            FindingKind::TacticMismatch,
            None,
            format!(
                "{} {} is not in tactic {} (it is in {}) in {label}",
                t.meta.id,
                t.meta.name,
                names(&given),
                if t.tactics.is_empty() {
                    "none".to_string()
                } else {
                    names(&t.tactics)
                }
            ),
        ));
    }
    raws.sort_by_key(|a| (a.line, a.col, a.kind));
    edits.sort_by_key(|e| e.start);
    edits.dedup_by(|b, a| b.start < a.end);
    FileLint {
        findings: raws
            .into_iter()
            .map(|r| Finding {
                path: file.path.clone(),
                line: r.line,
                column: r.col,
                rule_id: file.id.clone(),
                kind: r.kind.name().to_string(),
                id: r.id,
                replacement: r.replacement,
                message: r.message,
            })
            .collect(),
        edits,
    }
}

/// The edits for one revoked reference with one successor: the ID, and the name and URL
/// written beside it (Elastic).
fn plan_fix(r: &Reference, s: &Technique, new_id: &str, edits: &mut Vec<Edit>) {
    edits.push(Edit {
        start: r.at.start,
        end: r.at.end,
        text: new_id.to_string(),
    });
    if let Some(n) = r.name.as_ref().filter(|n| n.exact) {
        edits.push(Edit {
            start: n.start,
            end: n.end,
            text: s.meta.name.to_string(),
        });
    }
    if let Some(l) = r.link.as_ref().filter(|l| l.exact) {
        // The technique's path in the URL: `T1574/002` for `T1574.002`.
        let old_path = r.at.text.to_ascii_uppercase().replace('.', "/");
        let new_path = s.meta.id.replace('.', "/");
        let upper = l.text.to_ascii_uppercase();
        if let Some(at) = upper.find(&format!("/{old_path}/")).or_else(|| {
            upper
                .ends_with(&format!("/{old_path}"))
                .then(|| upper.len() - old_path.len() - 1)
        }) {
            let mut url = l.text.clone();
            url.replace_range(at + 1..at + 1 + old_path.len(), &new_path);
            edits.push(Edit {
                start: l.start,
                end: l.end,
                text: url,
            });
        }
    }
}

/// A parse error as a finding.
#[must_use]
pub fn parse_error(path: &str, line: usize, col: usize, message: &str) -> Finding {
    Finding {
        path: path.to_string(),
        line,
        column: col,
        rule_id: None,
        kind: FindingKind::ParseError.name().to_string(),
        id: None,
        replacement: None,
        message: message.to_string(),
    }
}

/// Applies edits (sorted, not overlapping) to text.
#[must_use]
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_print() {
        for k in FindingKind::ALL {
            assert_eq!(k.name().parse::<FindingKind>(), Ok(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::String(k.name().to_string())
            );
        }
        assert!("bogus".parse::<FindingKind>().is_err());
    }

    #[test]
    fn spelling_is_kept() {
        assert_eq!(respell("t1574.002", "T1574.001"), "t1574.001");
        assert_eq!(respell("T1574/002", "T1574.001"), "T1574/001");
        assert_eq!(respell("T1562.001", "T1685"), "T1685");
    }

    #[test]
    fn elastic_shapes() {
        assert!(elastic_shape_problem("T1574.002", "T1574.001").is_none());
        assert!(elastic_shape_problem("T1562.001", "T1685").is_some());
        assert!(elastic_shape_problem("T1100", "T1505.003").is_some());
        assert!(elastic_shape_problem("T1100", "T1505").is_none());
    }

    #[test]
    fn edits_apply_in_place() {
        let e = [
            Edit {
                start: 1,
                end: 2,
                text: "XY".into(),
            },
            Edit {
                start: 3,
                end: 3,
                text: "-".into(),
            },
        ];
        assert_eq!(apply("abcd", &e), "aXYc-d");
    }

    #[test]
    fn tactic_keys() {
        assert_eq!(tactic_key("Defense Evasion"), tactic_key("defense_evasion"));
        assert_eq!(tactic_key("DefenseEvasion"), tactic_key("defense-evasion"));
    }
}
