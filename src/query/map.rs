//! `attck map`: ATT&CK references in free text (a report, a ticket, notes).
//!
//! IDs are found by a byte scan (technique IDs in any case and as `T1059/001`; tactic, group,
//! software and campaign IDs in capitals). With names on, exact names and aliases of
//! techniques, groups and software are found as whole words; one-word names that are also
//! ordinary words of ATT&CK's own prose count only when capitalised as ATT&CK writes them.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::layer::{LayerOptions, NavigatorLayer, from_selection};
use super::selection::{Selected, Selection};
use super::technique::tactic_names;
use super::{Cell, Ref, TableRow};
use crate::model::{Kind, KnowledgeBase, Node, cmp_ids};

/// How a reference was written in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedAs {
    /// An ATT&CK ID.
    Id,
    /// The object's name.
    Name,
    /// One of its aliases.
    Alias,
}

impl MatchedAs {
    fn name(self) -> &'static str {
        match self {
            MatchedAs::Id => "id",
            MatchedAs::Name => "name",
            MatchedAs::Alias => "alias",
        }
    }
}

/// One object the text refers to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Mapped {
    /// ATT&CK ID (of the replacement, for a revoked ID).
    pub id: String,
    /// Name.
    pub name: String,
    /// `technique`, `tactic`, `group`, `software` or `campaign`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Tactic shortnames for techniques, in matrix order; empty for other types.
    pub tactics: Vec<String>,
    /// How many times the text refers to it (IDs and names together).
    pub mentions: usize,
    /// The lines (from 1) where it is referred to, sorted.
    pub lines: Vec<usize>,
    /// How it was written: `id`, `name`, `alias`.
    pub matched_as: Vec<MatchedAs>,
    /// The revoked object the text named, when it was mapped to its replacement.
    pub replaced: Option<Ref>,
    /// Whether the object is deprecated (kept, with a warning).
    #[serde(skip)]
    pub deprecated: bool,
}

/// What [`map`] found, and what it has to say about it.
#[derive(Debug, Clone, Default)]
pub struct MapResult {
    /// The objects referred to, sorted by ATT&CK ID.
    pub found: Vec<Mapped>,
    /// Unknown IDs, revoked and deprecated ones, ambiguous names: one line each.
    pub warnings: Vec<String>,
}

/// What to look for.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapOptions {
    /// Also names and aliases.
    pub names: bool,
}

/// An ID-shaped token found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IdToken {
    id: String,
    kind: Kind,
    line: usize,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn digits(t: &[u8], from: usize, n: usize) -> bool {
    t.get(from..from + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// The ID starting at byte `i`, and its length.
fn id_at(t: &[u8], i: usize) -> Option<(String, Kind, usize)> {
    if i > 0 && is_word(t[i - 1]) {
        return None;
    }
    let ends = |at: usize| !t.get(at).is_some_and(|&b| is_word(b));
    let (prefix, kind) = match t[i] {
        b'T' if t.get(i + 1) == Some(&b'A') => ("TA", Kind::Tactic),
        b'T' | b't' => ("T", Kind::Technique),
        b'G' => ("G", Kind::Group),
        b'S' => ("S", Kind::Software),
        b'C' => ("C", Kind::Campaign),
        _ => return None,
    };
    let start = i + prefix.len();
    if !digits(t, start, 4) {
        return None;
    }
    let number = std::str::from_utf8(&t[start..start + 4]).ok()?;
    let base = start + 4;
    if kind == Kind::Technique && matches!(t.get(base), Some(b'.' | b'/')) && digits(t, base + 1, 1)
    {
        // A sub-technique has exactly three digits; T1059.01 or T1059.0011 names nothing.
        if digits(t, base + 1, 3) && ends(base + 4) {
            let sub = std::str::from_utf8(&t[base + 1..base + 4]).ok()?;
            return Some((format!("T{number}.{sub}"), kind, base + 4 - i));
        }
        return None;
    }
    if !ends(base) {
        return None;
    }
    Some((format!("{prefix}{number}"), kind, base - i))
}

/// Every ID-shaped token, in order, with its line (from 1).
fn scan_ids(text: &str) -> Vec<IdToken> {
    let t = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < t.len() {
        if t[i] == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if let Some((id, kind, len)) = id_at(t, i) {
            out.push(IdToken { id, kind, line });
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// A word of the text: its byte range and line.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    line: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut cur: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if cur.is_none() {
                cur = Some((i, line));
            }
        } else {
            if let Some((s, l)) = cur.take() {
                out.push(Word {
                    start: s,
                    end: i,
                    line: l,
                });
            }
            if c == '\n' {
                line += 1;
            }
        }
    }
    if let Some((s, l)) = cur {
        out.push(Word {
            start: s,
            end: text.len(),
            line: l,
        });
    }
    out
}

/// The separator between two words as a key: whitespace runs become one space.
fn separator(s: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// The lookup key of a name: its words lower-cased, joined by their separators; leading and
/// trailing punctuation dropped (`LAPSUS$` → `lapsus`). Also the number of words.
fn name_key(name: &str) -> Option<(String, usize)> {
    let w = words(name);
    let (first, last) = (w.first()?, w.last()?);
    let mut key = String::new();
    for (k, x) in w.iter().enumerate() {
        if k > 0 {
            key.push_str(&separator(&name[w[k - 1].end..x.start]));
        }
        key.push_str(&name[x.start..x.end].to_lowercase());
    }
    debug_assert!(first.start <= last.end);
    Some((key, w.len()))
}

/// A one-word name of letters only, with no capital after the first letter or all in
/// capitals: it may be an ordinary word (Phishing, Net, CALENDAR).
fn plain_word(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest: Vec<char> = chars.collect();
    first.is_alphabetic()
        && rest.iter().all(|c| c.is_alphabetic())
        && (rest.iter().all(|c| c.is_lowercase()) || rest.iter().all(|c| c.is_uppercase()))
}

/// Words written in lower case in ATT&CK's own prose (descriptions without links, code,
/// citations and URLs), among `wanted`.
fn prose_words(kb: &KnowledgeBase, wanted: &HashSet<String>) -> HashSet<String> {
    let mut found = HashSet::new();
    if wanted.is_empty() {
        return found;
    }
    for kind in Kind::ALL {
        for n in kb.nodes(kind) {
            let d = strip_markup(&kb.meta(n).description);
            for w in words(&d) {
                let word = &d[w.start..w.end];
                if !word.chars().any(char::is_uppercase) && wanted.contains(word) {
                    found.insert(word.to_string());
                }
            }
        }
    }
    found
}

/// A description without Markdown links, `<code>` spans, citations and URLs: the ordinary
/// words around them.
fn strip_markup(d: &str) -> String {
    let mut out = String::with_capacity(d.len());
    let mut rest = d;
    while let Some(pos) = rest.find(['[', '(', '<', 'h']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let skip = if tail.starts_with('[') {
            link_len(tail)
        } else if tail.starts_with("(Citation:") {
            Some(tail.find(')').map_or(tail.len(), |e| e + 1))
        } else if tail.starts_with("<code>") {
            Some(
                tail.find("</code>")
                    .map_or(tail.len(), |e| e + "</code>".len()),
            )
        } else if tail.starts_with("http://") || tail.starts_with("https://") {
            Some(tail.find(char::is_whitespace).unwrap_or(tail.len()))
        } else {
            None
        };
        if let Some(n) = skip {
            out.push(' ');
            rest = &tail[n..];
        } else {
            let c = tail.chars().next().map_or(1, char::len_utf8);
            out.push_str(&tail[..c]);
            rest = &tail[c..];
        }
    }
    out.push_str(rest);
    out
}

/// Length of a Markdown link `[text](url)` at the start of `s`.
fn link_len(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    if !s[close + 1..].starts_with('(') {
        return None;
    }
    let end = s[close + 1..].find(')')?;
    Some(close + 2 + end)
}

/// One name or alias in the index.
#[derive(Debug, Clone)]
struct NameEntry {
    node: Node,
    alias: bool,
    /// Must be written exactly so (a common word).
    exact: Option<String>,
}

struct NameIndex {
    by_key: HashMap<String, Vec<NameEntry>>,
    longest: usize,
}

fn name_index(kb: &KnowledgeBase) -> NameIndex {
    let mut raw: Vec<(String, Node, bool, bool)> = Vec::new(); // (name, node, alias, sub-technique)
    for kind in [Kind::Technique, Kind::Group, Kind::Software] {
        for n in kb.nodes(kind) {
            let m = kb.meta(n);
            if !m.is_active() || m.name.is_empty() {
                continue;
            }
            let sub = kind == Kind::Technique && kb.techniques[n.index as usize].parent.is_some();
            raw.push((m.name.to_string(), n, false, sub));
            if sub && let Some(p) = kb.techniques[n.index as usize].parent {
                let parent = &kb.techniques[p as usize].meta.name;
                raw.push((format!("{parent}: {}", m.name), n, false, false));
            }
            for a in kb.aliases(n) {
                if !a.eq_ignore_ascii_case(&m.name) {
                    raw.push((a.to_string(), n, true, false));
                }
            }
        }
    }
    let wanted: HashSet<String> = raw
        .iter()
        .filter(|r| plain_word(&r.0))
        .map(|r| r.0.to_lowercase())
        .collect();
    let common = prose_words(kb, &wanted);
    let mut by_key: HashMap<String, Vec<NameEntry>> = HashMap::new();
    let mut longest = 0;
    for (name, node, alias, sub) in raw {
        let Some((key, n)) = name_key(&name) else {
            continue;
        };
        let mut exact = None;
        if plain_word(&name) && common.contains(&name.to_lowercase()) {
            // An ordinary word: only as ATT&CK capitalises it, never when ATT&CK writes it in
            // lower case, and a sub-technique's (Malware, DLL) only with its parent's name.
            if sub || !name.starts_with(char::is_uppercase) {
                continue;
            }
            exact = Some(name.clone());
        }
        longest = longest.max(n);
        let v = by_key.entry(key).or_default();
        if !v.iter().any(|e| e.node == node) {
            v.push(NameEntry { node, alias, exact });
        }
    }
    NameIndex { by_key, longest }
}

/// A reference found in the text, before grouping.
struct Hit {
    node: Node,
    line: usize,
    how: MatchedAs,
    written: Option<Node>,
}

fn describe(kb: &KnowledgeBase, n: Node) -> String {
    let m = kb.meta(n);
    format!("{} {}", m.id, m.name)
}

/// Name references in the text, longest name first at each word.
fn scan_names(
    kb: &KnowledgeBase,
    text: &str,
    idx: &NameIndex,
    warnings: &mut BTreeSet<String>,
) -> Vec<Hit> {
    let w = words(text);
    let mut hits = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let mut key = String::new();
        let mut best: Option<(usize, Vec<&NameEntry>)> = None;
        for k in 0..idx.longest.min(w.len() - i) {
            let x = w[i + k];
            if k > 0 {
                key.push_str(&separator(&text[w[i + k - 1].end..x.start]));
            }
            key.push_str(&text[x.start..x.end].to_lowercase());
            let Some(entries) = idx.by_key.get(&key) else {
                continue;
            };
            let written = &text[w[i].start..x.end];
            let ok: Vec<&NameEntry> = entries
                .iter()
                .filter(|e| e.exact.as_deref().is_none_or(|s| s == written))
                .collect();
            if !ok.is_empty() {
                best = Some((k + 1, ok));
            }
        }
        let Some((len, entries)) = best else {
            i += 1;
            continue;
        };
        let written = &text[w[i].start..w[i + len - 1].end];
        let primary: Vec<&&NameEntry> = entries.iter().filter(|e| !e.alias).collect();
        let chosen = if entries.len() == 1 {
            Some(entries[0])
        } else if primary.len() == 1 {
            Some(*primary[0])
        } else {
            None
        };
        if let Some(e) = chosen {
            hits.push(Hit {
                node: e.node,
                line: w[i].line,
                how: if e.alias {
                    MatchedAs::Alias
                } else {
                    MatchedAs::Name
                },
                written: None,
            });
        } else {
            let mut who: Vec<String> = entries.iter().map(|e| describe(kb, e.node)).collect();
            who.sort();
            warnings.insert(format!(
                "'{written}' names {}: not mapped (write the ID)",
                who.join(", ")
            ));
        }
        i += len;
    }
    hits
}

/// Finds the ATT&CK objects a text refers to.
#[must_use]
pub fn map(kb: &KnowledgeBase, text: &str, opts: MapOptions) -> MapResult {
    let mut warnings: BTreeSet<String> = BTreeSet::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut unknown: Vec<(String, Vec<usize>)> = Vec::new();
    for t in scan_ids(text) {
        let node = if t.kind == Kind::Technique {
            kb.techniques_with_id(&t.id)
                .first()
                .map(|&i| Node::new(Kind::Technique, i))
        } else {
            kb.nodes_with_id(&t.id)
                .iter()
                .copied()
                .find(|n| n.kind == t.kind)
        };
        let Some(node) = node else {
            match unknown.iter_mut().find(|(id, _)| *id == t.id) {
                Some((_, lines)) => lines.push(t.line),
                None => unknown.push((t.id, vec![t.line])),
            }
            continue;
        };
        let m = kb.meta(node);
        if m.revoked {
            match kb.replacement_of(node) {
                Some(r) => {
                    warnings.insert(format!(
                        "{} ({}) is revoked: mapped to its replacement {}",
                        t.id,
                        m.name,
                        describe(kb, r)
                    ));
                    hits.push(Hit {
                        node: r,
                        line: t.line,
                        how: MatchedAs::Id,
                        written: Some(node),
                    });
                    continue;
                }
                None => {
                    warnings.insert(format!(
                        "{} ({}) is revoked and names no replacement",
                        t.id, m.name
                    ));
                }
            }
        } else if m.deprecated {
            warnings.insert(format!(
                "{} ({}) is deprecated in {}",
                t.id,
                m.name,
                kb.label()
            ));
        }
        hits.push(Hit {
            node,
            line: t.line,
            how: MatchedAs::Id,
            written: None,
        });
    }
    if opts.names {
        let idx = name_index(kb);
        hits.extend(scan_names(kb, text, &idx, &mut warnings));
    }
    let mut warnings: Vec<String> = warnings.into_iter().collect();
    unknown.sort_by(|a, b| cmp_ids(&a.0, &b.0));
    for (id, lines) in unknown {
        let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
        warnings.push(format!(
            "{id} is not in {} (line {})",
            kb.label(),
            lines.join(", ")
        ));
    }
    MapResult {
        found: group(kb, hits),
        warnings,
    }
}

/// Mentions of one object: lines, count, how it was written, the revoked object named.
type Mentions = (BTreeSet<usize>, usize, BTreeSet<MatchedAs>, Option<Node>);

/// One entry per object, with every mention folded in.
fn group(kb: &KnowledgeBase, hits: Vec<Hit>) -> Vec<Mapped> {
    let mut by_node: HashMap<Node, Mentions> = HashMap::new();
    for h in hits {
        let e = by_node.entry(h.node).or_default();
        e.0.insert(h.line);
        e.1 += 1;
        e.2.insert(h.how);
        if e.3.is_none() {
            e.3 = h.written;
        }
    }
    let mut out: Vec<Mapped> = by_node
        .into_iter()
        .map(|(n, (lines, mentions, how, written))| {
            let m = kb.meta(n);
            Mapped {
                id: m.id.to_string(),
                name: m.name.to_string(),
                kind: n.kind.name(),
                tactics: if n.kind == Kind::Technique {
                    tactic_names(kb, &kb.techniques[n.index as usize])
                } else {
                    Vec::new()
                },
                mentions,
                lines: lines.into_iter().collect(),
                matched_as: how.into_iter().collect(),
                replaced: written.map(|w| Ref::to(kb, w)),
                deprecated: m.deprecated,
            }
        })
        .collect();
    out.sort_by(|a, b| cmp_ids(&a.id, &b.id).then_with(|| a.kind.cmp(b.kind)));
    out
}

/// The techniques found, as a Navigator layer: each scored by its number of mentions, with
/// the lines in its comment. `None` when no technique was found.
#[must_use]
pub fn layer(kb: &KnowledgeBase, result: &MapResult, source: &str) -> Option<NavigatorLayer> {
    let found: Vec<(u32, &Mapped)> = result
        .found
        .iter()
        .filter(|m| m.kind == Kind::Technique.name() && !m.deprecated)
        .filter_map(|m| Some((*kb.techniques_with_id(&m.id).first()?, m)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let sel = Selection {
        sources: vec![source.to_string()],
        techniques: found
            .iter()
            .map(|&(index, _)| Selected { index, by: vec![0] })
            .collect(),
        ..Selection::default()
    };
    let mut layer = from_selection(
        kb,
        &sel,
        &LayerOptions {
            name: Some(format!("Mapped from {source}")),
            ..LayerOptions::default()
        },
    );
    layer.description = format!(
        "ATT&CK techniques named in {source}, mapped by attck against {} ({} techniques); scores count mentions.",
        kb.label(),
        found.len()
    );
    for e in &mut layer.techniques {
        if let Some((_, m)) = found.iter().find(|(_, m)| m.id == e.technique_id) {
            let lines: Vec<String> = m.lines.iter().map(ToString::to_string).collect();
            e.score = m.mentions as f64;
            e.comment = format!(
                "Mentioned {} time{} (line{} {})",
                m.mentions,
                if m.mentions == 1 { "" } else { "s" },
                if m.lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
            );
            if let Some(r) = &m.replaced {
                e.comment
                    .push_str(&format!("; written as {}, which it replaced", r.id));
            }
        }
    }
    let most = found.iter().map(|(_, m)| m.mentions).max().unwrap_or(1) as f64;
    layer.gradient.max_value = most.max(1.0);
    layer.legend_items.clear();
    Some(layer)
}

impl TableRow for Mapped {
    fn headers() -> Vec<&'static str> {
        vec![
            "ID",
            "Name",
            "Type",
            "Tactics",
            "Mentions",
            "Lines",
            "Matched as",
            "Replaces",
        ]
    }

    fn cells(&self) -> Vec<Cell> {
        let lines: Vec<String> = self.lines.iter().map(ToString::to_string).collect();
        let how: Vec<&str> = self.matched_as.iter().map(|m| m.name()).collect();
        vec![
            self.id.as_str().into(),
            Cell {
                text: self.name.clone(),
                note: self.deprecated.then_some("deprecated"),
                ..Cell::default()
            },
            self.kind.into(),
            self.tactics.join(", ").into(),
            self.mentions.to_string().into(),
            lines.join(", ").into(),
            how.join(", ").into(),
            self.replaced
                .as_ref()
                .map(|r| format!("{} {}", r.id, r.name))
                .unwrap_or_default()
                .into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<(String, Kind, usize)> {
        scan_ids(s)
            .into_iter()
            .map(|t| (t.id, t.kind, t.line))
            .collect()
    }

    #[test]
    fn ids_of_every_kind_are_found_with_lines() {
        let found = ids("Ran T1059 and t1059.001;\nthen T1003/001, TA0002, G0016 (S0002) C0024.");
        let got: Vec<(&str, usize)> = found.iter().map(|(i, _, l)| (i.as_str(), *l)).collect();
        assert_eq!(
            got,
            [
                ("T1059", 1),
                ("T1059.001", 1),
                ("T1003.001", 2),
                ("TA0002", 2),
                ("G0016", 2),
                ("S0002", 2),
                ("C0024", 2)
            ]
        );
        assert_eq!(found[3].1, Kind::Tactic);
        assert_eq!(found[4].1, Kind::Group);
    }

    #[test]
    fn lookalikes_are_not_ids() {
        for s in [
            "T10591",
            "XT1059",
            "T105",
            "T1059.0011",
            "T1059.01",
            "T1059a",
            "g0016",
            "ta0002",
            "S00021",
            "AC0024",
            "T1059_001",
            "",
        ] {
            assert!(ids(s).is_empty(), "{s}: {:?}", ids(s));
        }
        assert_eq!(ids("end of sentence T1059.")[0].0, "T1059");
    }

    #[test]
    fn non_ascii_text_is_fine() {
        assert_eq!(ids("é T1059 ü\u{1F600}T1027")[0].0, "T1059");
        assert!(ids("ü\u{1F600}T1027").len() == 1);
    }

    #[test]
    fn name_keys_and_plain_words() {
        assert_eq!(
            name_key("Cobalt  Strike"),
            Some(("cobalt strike".into(), 2))
        );
        assert_eq!(name_key("LAPSUS$"), Some(("lapsus".into(), 1)));
        assert_eq!(name_key("cmd.exe"), Some(("cmd.exe".into(), 2)));
        assert_eq!(
            name_key("BlackEnergy (Group)"),
            Some(("blackenergy (group".into(), 2))
        );
        assert_eq!(name_key("$$"), None);
        assert!(plain_word("Phishing"));
        assert!(plain_word("CALENDAR"));
        assert!(plain_word("at"));
        assert!(!plain_word("PowerShell"));
        assert!(!plain_word("APT29"));
        assert!(!plain_word("cmd.exe"));
    }

    /// A tiny bundle with the name cases that matter (our own words).
    fn kb() -> KnowledgeBase {
        let obj = |t: &str, id: &str, ext: &str, name: &str, desc: &str, extra: &str| {
            format!(
                r#"{{"type":"{t}","id":"{t}--{id}","name":"{name}","description":"{desc}","x_mitre_domains":["enterprise-attack"],"external_references":[{{"source_name":"mitre-attack","external_id":"{ext}"}}]{extra}}}"#
            )
        };
        let objects = [
            obj(
                "x-mitre-tactic",
                "1",
                "TA0001",
                "Initial Access",
                "",
                r#","x_mitre_shortname":"initial-access""#,
            ),
            obj(
                "attack-pattern",
                "2",
                "T1566",
                "Phishing",
                "Send phishing mail.",
                r#","kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}]"#,
            ),
            obj(
                "attack-pattern",
                "3",
                "T1574",
                "Hijack Execution Flow",
                "Load a dll from a path.",
                "",
            ),
            obj(
                "attack-pattern",
                "4",
                "T1574.001",
                "DLL",
                "Side by side.",
                r#","x_mitre_is_subtechnique":true"#,
            ),
            obj("tool", "5", "S0110", "at", "Runs at a set time.", ""),
            obj("tool", "6", "S0002", "Mimikatz", "Dumps secrets.", ""),
            obj("malware", "7", "S0063", "Pirpi", "A backdoor.", ""),
            obj(
                "intrusion-set",
                "8",
                "G0022",
                "APT3",
                "A group.",
                r#","aliases":["APT3","Pirpi","Echo Cloud"]"#,
            ),
            obj(
                "malware",
                "9",
                "S0009",
                "Echo",
                "Another.",
                r#","x_mitre_aliases":["Echo Cloud"]"#,
            ),
            obj("tool", "10", "S0039", "Net", "Uses the net command.", ""),
        ];
        let bundle = format!(r#"{{"type":"bundle","objects":[{}]}}"#, objects.join(","));
        KnowledgeBase::from_bytes(
            bundle.as_bytes(),
            std::path::Path::new("enterprise-attack-1.0.json"),
            None,
        )
        .unwrap()
    }

    fn found(text: &str) -> (Vec<(String, Vec<MatchedAs>)>, Vec<String>) {
        let r = map(&kb(), text, MapOptions { names: true });
        (
            r.found.into_iter().map(|m| (m.id, m.matched_as)).collect(),
            r.warnings,
        )
    }

    #[test]
    fn common_words_need_the_bundle_capitals() {
        let (f, _) = found("Phishing first, then phishing again; MIMIKATZ and Net and net.");
        let ids: Vec<&str> = f.iter().map(|(i, _)| i.as_str()).collect();
        // Phishing and Net are ordinary words of the prose: capitals only. Mimikatz is not.
        assert_eq!(ids, ["S0002", "S0039", "T1566"]);
        let r = map(
            &kb(),
            "Phishing phishing Net net",
            MapOptions { names: true },
        );
        assert_eq!(
            r.found.iter().map(|m| m.mentions).collect::<Vec<_>>(),
            [1, 1]
        );
    }

    #[test]
    fn lower_case_common_names_and_bare_sub_technique_words_are_not_names() {
        let (f, _) = found("at noon, at the DLL; S0110 by ID");
        assert_eq!(f, [("S0110".to_string(), vec![MatchedAs::Id])]);
        let (f, _) = found("Hijack Execution Flow: DLL");
        assert_eq!(f, [("T1574.001".to_string(), vec![MatchedAs::Name])]);
    }

    #[test]
    fn names_beat_aliases_and_ties_are_warned_about() {
        let (f, w) = found("Pirpi was dropped. Echo Cloud was seen.");
        assert_eq!(f, [("S0063".to_string(), vec![MatchedAs::Name])]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("G0022") && w[0].contains("S0009"), "{w:?}");
    }

    #[test]
    fn names_without_the_option_are_not_looked_for() {
        let r = map(&kb(), "Mimikatz and T1566", MapOptions::default());
        assert_eq!(r.found.len(), 1);
        assert_eq!(r.found[0].id, "T1566");
        assert_eq!(r.found[0].tactics, ["initial-access"]);
    }

    #[test]
    fn markup_is_stripped_from_prose() {
        assert_eq!(
            strip_markup(
                "Use [Mimikatz](https://x/S0002) or <code>net use</code>.(Citation: A b) see https://e.x/y now"
            ),
            "Use   or  .  see   now"
        );
    }
}
