//! Detection content and tests as ATT&CK references: Sigma, Elastic (TOML), Splunk, Microsoft
//! Sentinel, MITRE CAR and Atomic Red Team files (and, for `lint`, Navigator layers and ID
//! lists), each told apart by its content and read into a [`RuleFile`]: the rule's id and
//! title, and every technique and tactic it names with where it is written, so `coverage` can
//! count rules per technique and `lint` can point at (and `--fix` rewrite) each reference.
//!
//! Pure functions over text: reading files and directories is [`super::read`]'s.

mod atomic_index;
mod elastic;
mod id_list;
pub mod yaml;
mod yaml_rules;

use serde::Serialize;

use crate::ids::TechniqueId;

/// A format of detection content (or of a technique list, for `lint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Sigma rules (YAML, `tags: [attack.t1059.001, attack.execution]`).
    Sigma,
    /// Elastic detection rules (TOML, `[[rule.threat]]`).
    Elastic,
    /// Splunk security content (YAML, `tags: mitre_attack_id:`).
    Splunk,
    /// Microsoft Sentinel analytics rules (YAML, `relevantTechniques:`, `tactics:`).
    Sentinel,
    /// MITRE CAR analytics (YAML, `coverage: [{technique, subtechniques, tactics}]`).
    Car,
    /// An Atomic Red Team technique file (`atomics/T*/T*.yaml`).
    Atomic,
    /// The Atomic Red Team index (`atomics/Indexes/Indexes-CSV/index.csv`).
    AtomicIndex,
    /// A Navigator layer (read by `lint`).
    Layer,
    /// Text or CSV naming IDs (read by `lint`).
    List,
}

impl Format {
    /// How the format is named to users.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Format::Sigma => "Sigma",
            Format::Elastic => "Elastic",
            Format::Splunk => "Splunk",
            Format::Sentinel => "Sentinel",
            Format::Car => "CAR",
            Format::Atomic => "Atomic Red Team",
            Format::AtomicIndex => "Atomic Red Team index",
            Format::Layer => "Navigator layer",
            Format::List => "ID list",
        }
    }

    /// Whether files of this format are tests (Atomic Red Team) rather than detections.
    #[must_use]
    pub fn is_tests(self) -> bool {
        matches!(self, Format::Atomic | Format::AtomicIndex)
    }
}

/// What a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A technique or sub-technique ID.
    Technique,
    /// A tactic: its ID (`TA0005`), shortname (`defense-evasion`) or name.
    Tactic,
}

/// Text of a file and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Its line (from 1), once [`RuleFile`] reading has placed it.
    pub line: usize,
    /// Its column (from 1, in characters).
    pub col: usize,
    /// The text as written in the file (for an inexact place, the value as read).
    pub text: String,
    /// Its first byte in the file.
    pub start: usize,
    /// The byte after it.
    pub end: usize,
    /// Whether `start..end` holds exactly `text` (false when the value was written with
    /// escapes or folded lines: then it is only near there, and `--fix` leaves it alone).
    pub exact: bool,
}

/// One ATT&CK reference in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// What it names.
    pub kind: RefKind,
    /// The ID (or tactic) as written, and where.
    pub at: Located,
    /// The entry it belongs to: references with the same number go together (an Elastic
    /// threat entry, a CAR coverage item, an index row, a layer entry); 0 is the whole file.
    /// A technique given with tactics must be in one of its entry's tactics.
    pub entry: u32,
    /// The name written beside the ID (Elastic, Atomic Red Team).
    pub name: Option<Located>,
    /// The ATT&CK URL written beside the ID (Elastic `reference`).
    pub link: Option<Located>,
    /// Atomic Red Team: how many tests the reference stands for.
    pub tests: usize,
}

impl Reference {
    /// The technique ID, normalised (`T1059.001`), if the reference is a well-formed one.
    #[must_use]
    pub fn technique(&self) -> Option<TechniqueId> {
        if self.kind != RefKind::Technique {
            return None;
        }
        self.at.text.replace('/', ".").parse().ok()
    }
}

/// One file of detection content, tests, or (for `lint`) a layer or ID list.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The path as named to users.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// The rule's own id (Sigma `id`, Elastic `rule_id`, Splunk and Sentinel `id`, CAR `id`).
    pub id: Option<String>,
    /// The rule's title (Sigma and CAR `title`, Elastic, Splunk and Sentinel `name`, Atomic
    /// Red Team `display_name`).
    pub title: Option<String>,
    /// Every ATT&CK reference, in file order.
    pub refs: Vec<Reference>,
}

impl RuleFile {
    fn new(path: &str, format: Format) -> RuleFile {
        RuleFile {
            path: path.to_string(),
            format,
            id: None,
            title: None,
            refs: Vec::new(),
        }
    }

    /// The distinct well-formed technique IDs named, in first-seen order.
    #[must_use]
    pub fn technique_ids(&self) -> Vec<TechniqueId> {
        let mut out: Vec<TechniqueId> = Vec::new();
        for id in self.refs.iter().filter_map(Reference::technique) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// A file that is in a format attck reads but could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's reason, one line.
    pub message: String,
    /// Line (from 1).
    pub line: usize,
    /// Column (from 1, in characters).
    pub col: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

/// What a file turned out to be.
#[derive(Debug)]
pub enum Read {
    /// A file of a format attck reads.
    File(RuleFile),
    /// None of the formats.
    Other,
}

/// Reads a file of detection content or tests, its format told by its content: Elastic TOML
/// (`[rule]`, `[[rule.threat]]`), the Atomic Red Team index (its CSV header), or YAML whose
/// root keys say Sigma, Splunk, Sentinel, CAR or an Atomic Red Team technique file.
/// Anything else is [`Read::Other`]; a file of one of the formats that does not parse is an
/// error with the parser's reason and place.
pub fn read(text: &str, path: &str) -> Result<Read, ParseError> {
    let read = if elastic::looks_like(text) {
        elastic::read(text, path).map(Read::File)?
    } else if atomic_index::looks_like(text) {
        Read::File(atomic_index::read(text, path))
    } else if yaml_rules::looks_like(text) {
        yaml_rules::read(text, path)?
    } else {
        Read::Other
    };
    Ok(match read {
        Read::File(f) => Read::File(placed(f, text)),
        Read::Other => Read::Other,
    })
}

/// Fills in the line and column of every place in the file.
fn placed(mut f: RuleFile, text: &str) -> RuleFile {
    let lines = Lines::new(text);
    let mut place = |l: &mut Located| (l.line, l.col) = lines.position(l.start);
    for r in &mut f.refs {
        place(&mut r.at);
        r.name.as_mut().map(&mut place);
        r.link.as_mut().map(&mut place);
    }
    f
}

/// Reads a Navigator layer's references (for `lint`): each entry's `techniqueID` and `tactic`.
#[must_use]
pub fn read_layer(text: &str, path: &str) -> RuleFile {
    placed(id_list::layer(text, path), text)
}

/// Reads the IDs of a text or CSV list (for `lint`): technique and tactic IDs, a line being
/// one entry.
#[must_use]
pub fn read_list(text: &str, path: &str) -> RuleFile {
    placed(id_list::list(text, path), text)
}

/// Byte offsets of line starts, to turn a parser's line and column into a byte offset and
/// back.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// The line starts of `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// The byte offset of `col` characters (from 0) into line `line` (from 1).
    #[must_use]
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        if rest.as_bytes().iter().take(col).all(u8::is_ascii) {
            return (start + col).min(self.text.len());
        }
        rest.char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    /// Line (from 1) and column (from 1, in characters) of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }
}

/// Where `piece` (a part of a scalar's value starting `at` bytes into it) is in the file: in
/// the scalar's source when that is the value itself, bare or in quotes without escapes.
fn locate(source: &str, start: usize, end: usize, value: &str, at: usize, piece: &str) -> Located {
    let raw = source.get(start..end).unwrap_or_default();
    let inner = if raw == value {
        Some(start)
    } else if raw.len() == value.len() + 2
        && (raw.starts_with('"') || raw.starts_with('\''))
        && raw.ends_with(&raw[..1])
        && &raw[1..raw.len() - 1] == value
    {
        Some(start + 1)
    } else {
        None
    };
    match inner {
        Some(s) => Located {
            line: 0,
            col: 0,
            text: piece.to_string(),
            start: s + at,
            end: s + at + piece.len(),
            exact: true,
        },
        None => Located {
            line: 0,
            col: 0,
            text: piece.to_string(),
            start,
            end: start,
            exact: false,
        },
    }
}

/// The whole value of a scalar, located.
fn locate_value(source: &str, start: usize, end: usize, value: &str) -> Located {
    locate(source, start, end, value.trim_end(), 0, value.trim_end())
}

/// Whether `s` is written like a technique ID (`T1059`, `t1059.001`, `T1059/001`), well
/// formed or not: a `T` and digits.
fn looks_like_technique(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && matches!(b[0], b'T' | b't')
        && b[1].is_ascii_digit()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_digit() || *c == b'.' || *c == b'/')
}

/// Whether `s` is written like a tactic ID (`TA0005`).
fn looks_like_tactic_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[..2].eq_ignore_ascii_case(b"TA") && b[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_both_ways() {
        let text = "ab\né漢x\n\nz";
        let l = Lines::new(text);
        assert_eq!(l.offset(1, 1), 1);
        assert_eq!(l.offset(2, 2), 3 + "é漢".len());
        assert_eq!(&text[l.offset(2, 2)..l.offset(2, 3)], "x");
        assert_eq!(l.offset(4, 0), text.len() - 1);
        assert_eq!(l.offset(9, 0), text.len());
        assert_eq!(l.position(0), (1, 1));
        assert_eq!(l.position(3 + "é漢".len()), (2, 3));
        assert_eq!(l.position(text.len() - 1), (4, 1));
    }

    #[test]
    fn located_only_where_the_source_is_the_value() {
        let src = "a: 'attack.t1059'\nb: \"x\\u0041\"\n";
        let l = locate(src, 3, 17, "attack.t1059", 7, "t1059");
        assert!(l.exact);
        assert_eq!(&src[l.start..l.end], "t1059");
        let e = locate(src, 21, 30, "xA", 0, "xA");
        assert!(!e.exact);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Any text, in any of the formats' shapes: no panic, and every exact place holds
        /// the text it names.
        #[test]
        fn never_panics_and_places_hold_their_text(
            head in proptest::sample::select(vec![
                "tags:\n  - ", "[rule]\n[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[[rule.threat.technique]]\nid = ",
                "relevantTechniques:\n  - ", "coverage:\n  - technique: ", "attack_technique: ",
                "Tactic,Technique #,Technique Name,Test #\n", "detection:\n  a: 1\ntags: [",
            ]),
            body in "[ -~\\n\\t\"'é漢\\[\\]{}:,#-]{0,80}",
        ) {
            let text = format!("{head}{body}\ndetection: {{}}\nlogsource: {{}}\n");
            if let Ok(Read::File(f)) = read(&text, "p") {
                for r in &f.refs {
                    if r.at.exact {
                        proptest::prop_assert_eq!(&text[r.at.start..r.at.end], r.at.text.as_str());
                    }
                }
            }
            let _ = read_layer(&text, "p");
            let _ = read_list(&text, "p");
        }
    }

    #[test]
    fn id_shapes() {
        assert!(looks_like_technique("T1059.001"));
        assert!(looks_like_technique("t1059/001"));
        assert!(looks_like_technique("T10590"));
        assert!(!looks_like_technique("TA0005"));
        assert!(!looks_like_technique("Tactic"));
        assert!(looks_like_tactic_id("TA0005"));
        assert!(looks_like_tactic_id("ta0005"));
        assert!(!looks_like_tactic_id("TAB"));
    }
}
