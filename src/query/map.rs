//! `attck map`: ATT&CK references in free text (a report, a ticket, notes).
//!
//! IDs are found by a byte scan (technique IDs in any case and as `T1059/001`; tactic, group,
//! software and campaign IDs in capitals). With names on, exact names and aliases of
//! techniques, groups and software are found as whole words; one-word names that are also
//! ordinary words of ATT&CK's own prose count only when capitalised as ATT&CK writes them.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use serde::Serialize;

use super::technique::tactic_names;
use super::{Cell, Ref, TableRow};
use crate::input::scan::{self, FoundId, IdKind, LineCounter};
use crate::model::plain_text::{prose, words};
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
    pub lines: Vec<u32>,
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
    let mut key = String::new();
    let mut n = 0;
    let mut prev_end = None;
    for (start, end, lower) in words(name) {
        if let Some(p) = prev_end {
            key.push_str(&separator(&name[p..start]));
        }
        key.push_str(&lower);
        prev_end = Some(end);
        n += 1;
    }
    (n > 0).then_some((key, n))
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
            let d = prose(&kb.meta(n).description);
            for (start, end, _) in words(&d) {
                let word = &d[start..end];
                if !word.chars().any(char::is_uppercase) && wanted.contains(word) {
                    found.insert(word.to_string());
                }
            }
        }
    }
    found
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

fn describe(kb: &KnowledgeBase, n: Node) -> String {
    let m = kb.meta(n);
    format!("{} {}", m.id, m.name)
}

/// Every mention of one object, folded in as the text is scanned.
#[derive(Debug, Default)]
struct Mentions {
    /// Lines (from 1); sorted unless `unsorted`.
    lines: Vec<u32>,
    unsorted: bool,
    count: usize,
    /// How it was written: a bit per [`MatchedAs`] (`1 << how as u8`).
    how: u8,
    /// The first revoked object written for it.
    written: Option<Node>,
}

/// Hashes the keys of [`map`]'s table of IDs met (numbers below 10.1 million, unique per ID)
/// by one multiplication: the default hasher guards against keys chosen to collide, which
/// costs a third of a large ID list's scan and buys nothing here.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type KeyMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The objects referred to so far, in the order first met.
#[derive(Default)]
struct Tally {
    slots: HashMap<Node, usize>,
    found: Vec<(Node, Mentions)>,
}

impl Tally {
    fn slot(&mut self, node: Node) -> usize {
        *self.slots.entry(node).or_insert_with(|| {
            self.found.push((node, Mentions::default()));
            self.found.len() - 1
        })
    }

    fn record(&mut self, slot: usize, line: u32, how: MatchedAs, written: Option<Node>) {
        let m = &mut self.found[slot].1;
        match m.lines.last() {
            Some(&last) if last == line => {}
            Some(&last) => {
                m.unsorted |= line < last;
                m.lines.push(line);
            }
            None => m.lines.push(line),
        }
        m.count += 1;
        m.how |= 1 << how as u8;
        if m.written.is_none() {
            m.written = written;
        }
    }
}

/// What an ID of the text was found to name, decided once per distinct ID.
#[derive(Clone, Copy)]
enum Named {
    /// An object (a revoked one's replacement, with the revoked one written): its tally slot.
    Object { slot: usize, written: Option<Node> },
    /// Nothing: its entry in the unknown list.
    Unknown(usize),
}

/// The model's kind of an ID the scanner found.
fn kind_of(k: IdKind) -> Kind {
    match k {
        IdKind::Technique => Kind::Technique,
        IdKind::Tactic => Kind::Tactic,
        IdKind::Group => Kind::Group,
        IdKind::Software => Kind::Software,
        IdKind::Campaign => Kind::Campaign,
    }
}

/// What an ID names, with the warnings it deserves (revoked, deprecated).
fn look_up(
    kb: &KnowledgeBase,
    f: &FoundId,
    tally: &mut Tally,
    unknown: &mut Vec<Unknown>,
    warnings: &mut BTreeSet<String>,
) -> Named {
    let id = f.id();
    let node = match f.kind {
        IdKind::Technique => kb
            .techniques_with_id(&id)
            .first()
            .map(|&i| Node::new(Kind::Technique, i)),
        k => kb
            .nodes_with_id(&id)
            .iter()
            .copied()
            .find(|n| n.kind == kind_of(k)),
    };
    let Some(node) = node else {
        unknown.push(Unknown::new(id));
        return Named::Unknown(unknown.len() - 1);
    };
    let m = kb.meta(node);
    if m.revoked {
        if let Some(r) = kb.replacement_of(node) {
            warnings.insert(format!(
                "{id} ({}) is revoked: mapped to its replacement {}",
                m.name,
                describe(kb, r)
            ));
            return Named::Object {
                slot: tally.slot(r),
                written: Some(node),
            };
        }
        warnings.insert(format!(
            "{id} ({}) is revoked and names no replacement",
            m.name
        ));
    } else if m.deprecated {
        warnings.insert(format!("{id} ({}) is deprecated in {}", m.name, kb.label()));
    }
    Named::Object {
        slot: tally.slot(node),
        written: None,
    }
}

/// A word of the text: its byte range, line and lower-case form.
struct Word<'a> {
    start: usize,
    end: usize,
    line: u32,
    lower: Cow<'a, str>,
}

/// Name references in the text, longest name first at each word. The words are read as a
/// stream through a window as long as the longest name, never all held at once.
fn scan_names(
    kb: &KnowledgeBase,
    text: &str,
    idx: &NameIndex,
    tally: &mut Tally,
    warnings: &mut BTreeSet<String>,
) {
    if idx.longest == 0 {
        return;
    }
    let mut lines = LineCounter::new(text.as_bytes());
    let mut stream = words(text).map(|(start, end, lower)| Word {
        start,
        end,
        line: line_number(lines.line_at(start)),
        lower,
    });
    let mut window: VecDeque<Word> = VecDeque::with_capacity(idx.longest);
    let mut key = String::new();
    loop {
        while window.len() < idx.longest {
            match stream.next() {
                Some(w) => window.push_back(w),
                None => break,
            }
        }
        if window.is_empty() {
            return;
        }
        key.clear();
        let mut best: Option<(usize, Vec<&NameEntry>)> = None;
        for k in 0..window.len() {
            let x = &window[k];
            if k > 0 {
                key.push_str(&separator(&text[window[k - 1].end..x.start]));
            }
            key.push_str(&x.lower);
            let Some(entries) = idx.by_key.get(&key) else {
                continue;
            };
            let written = &text[window[0].start..x.end];
            let ok: Vec<&NameEntry> = entries
                .iter()
                .filter(|e| e.exact.as_deref().is_none_or(|s| s == written))
                .collect();
            if !ok.is_empty() {
                best = Some((k + 1, ok));
            }
        }
        let Some((len, entries)) = best else {
            window.pop_front();
            continue;
        };
        let written = &text[window[0].start..window[len - 1].end];
        let primary: Vec<&&NameEntry> = entries.iter().filter(|e| !e.alias).collect();
        let chosen = if entries.len() == 1 {
            Some(entries[0])
        } else if primary.len() == 1 {
            Some(*primary[0])
        } else {
            None
        };
        if let Some(e) = chosen {
            let how = if e.alias {
                MatchedAs::Alias
            } else {
                MatchedAs::Name
            };
            let slot = tally.slot(e.node);
            tally.record(slot, window[0].line, how, None);
        } else {
            let mut who: Vec<String> = entries.iter().map(|e| describe(kb, e.node)).collect();
            who.sort();
            warnings.insert(format!(
                "'{written}' names {}: not mapped (write the ID)",
                who.join(", ")
            ));
        }
        window.drain(..len);
    }
}

/// An ID the knowledge base does not have, and where the text wrote it.
struct Unknown {
    id: String,
    /// The first [`UNKNOWN_LINES`] lines it is on.
    lines: Vec<u32>,
    /// The last line it was met on.
    last: u32,
    /// How many lines after the listed ones it is on.
    more: usize,
}

/// How many lines the warning about an unknown ID lists: a long list of IDs that are all
/// unknown would otherwise make one warning as long as the input.
const UNKNOWN_LINES: usize = 10;

impl Unknown {
    fn new(id: String) -> Unknown {
        Unknown {
            id,
            lines: Vec::new(),
            last: 0,
            more: 0,
        }
    }

    /// Notes a mention on `line` (lines come in order, from 1).
    fn add(&mut self, line: u32) {
        if line == self.last {
            return;
        }
        self.last = line;
        if self.lines.len() < UNKNOWN_LINES {
            self.lines.push(line);
        } else {
            self.more += 1;
        }
    }

    /// The warning: `T1999 is not in enterprise-attack 18.1 (line 3, 9, … and 4 more)`.
    fn warning(&self, label: &str) -> String {
        let mut lines = String::new();
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                lines.push_str(", ");
            }
            lines.push_str(&l.to_string());
        }
        if self.more > 0 {
            lines.push_str(&format!(" and {} more", self.more));
        }
        format!("{} is not in {label} (line {lines})", self.id)
    }
}

/// A line number as kept (a text of more than four billion lines is not read: inputs are
/// capped far below that).
fn line_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Finds the ATT&CK objects a text refers to.
///
/// The text is scanned once, without copies of it or of its lines; each distinct ID is looked
/// up once (in a hash table of the IDs met so far), so the cost grows with the text, not with
/// the text times the IDs in it.
#[must_use]
pub fn map(kb: &KnowledgeBase, text: &str, opts: MapOptions) -> MapResult {
    let mut warnings: BTreeSet<String> = BTreeSet::new();
    let mut tally = Tally::default();
    let mut unknown: Vec<Unknown> = Vec::new();
    let mut named: KeyMap<Named> = KeyMap::default();
    let mut lines = LineCounter::new(text.as_bytes());
    for f in scan::ids(text.as_bytes()) {
        let line = line_number(lines.line_at(f.at));
        let n = *named
            .entry(f.key())
            .or_insert_with(|| look_up(kb, &f, &mut tally, &mut unknown, &mut warnings));
        match n {
            Named::Object { slot, written } => tally.record(slot, line, MatchedAs::Id, written),
            Named::Unknown(i) => unknown[i].add(line),
        }
    }
    if opts.names {
        let idx = name_index(kb);
        scan_names(kb, text, &idx, &mut tally, &mut warnings);
    }
    let mut warnings: Vec<String> = warnings.into_iter().collect();
    unknown.sort_by(|a, b| cmp_ids(&a.id, &b.id));
    let label = kb.label();
    warnings.extend(unknown.iter().map(|u| u.warning(&label)));
    MapResult {
        found: group(kb, tally),
        warnings,
    }
}

/// One entry per object, sorted by ID.
fn group(kb: &KnowledgeBase, tally: Tally) -> Vec<Mapped> {
    let mut out: Vec<Mapped> = tally
        .found
        .into_iter()
        .map(|(n, mut mentions)| {
            if mentions.unsorted {
                mentions.lines.sort_unstable();
                mentions.lines.dedup();
            }
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
                mentions: mentions.count,
                lines: mentions.lines,
                matched_as: [MatchedAs::Id, MatchedAs::Name, MatchedAs::Alias]
                    .into_iter()
                    .filter(|&h| mentions.how & (1 << h as u8) != 0)
                    .collect(),
                replaced: mentions.written.map(|w| Ref::to(kb, w)),
                deprecated: m.deprecated,
            }
        })
        .collect();
    out.sort_by(|a, b| cmp_ids(&a.id, &b.id).then_with(|| a.kind.cmp(b.kind)));
    out
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

    #[test]
    fn an_unknown_id_lists_its_first_lines_and_counts_the_rest() {
        let mut u = Unknown::new("T1999".into());
        for line in [3, 3, 9] {
            u.add(line);
        }
        assert_eq!(u.warning("x 1"), "T1999 is not in x 1 (line 3, 9)");
        for line in 10..=30 {
            u.add(line);
            u.add(line);
        }
        assert_eq!(
            u.warning("x 1"),
            "T1999 is not in x 1 (line 3, 9, 10, 11, 12, 13, 14, 15, 16, 17 and 13 more)"
        );
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
}
