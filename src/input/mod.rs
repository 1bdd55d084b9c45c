//! The user's own files: [`read`] is the one reader of every input the user names (a file,
//! a directory, or `-` for stdin), decoding a byte-order mark or UTF-16 on the way; technique
//! lists ([`read_list`]: text or CSV naming IDs, ATT&CK Navigator layers, detection content
//! of every format [`rules`] reads, and directories of it) are built on it, their kind told
//! from the content, not the name; [`files_under`] walks directories for `coverage` and
//! `lint`.
//!
//! Resolving IDs against a knowledge base (unknown, revoked, deprecated) is
//! [`crate::query::selection`]. The parsers ([`scan`], [`rules`], [`layer`], [`layer_doc`])
//! are pure functions over bytes, so every command that accepts a technique list (`coverage`,
//! `layer --ids`, `coverage --against`, `diff --for`, `attribute`, `compare`, `next`) reads
//! them the same way, and `map` and `layer upgrade` read their files through [`read`] too.

pub mod layer;
pub mod layer_doc;
pub mod rules;
pub mod scan;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};

use crate::ids::TechniqueId;

/// Where a technique list comes from: a file, a directory of rules, or stdin (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file or a directory.
    Path(PathBuf),
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "" => Err("an empty path names no input".to_string()),
            "-" => Ok(Source::Stdin),
            p => Ok(Source::Path(PathBuf::from(p))),
        }
    }
}

impl Source {
    /// The input as named to users: its path, or `stdin`.
    #[must_use]
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("stdin"),
            Source::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// What an input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text or CSV: every technique ID anywhere in it.
    Text,
    /// One or more Navigator layers.
    Layer,
    /// Detection content or tests (Sigma, Elastic, Splunk, Sentinel, CAR, Atomic Red Team):
    /// the techniques each file names.
    Rules,
}

impl Kind {
    /// How the kind is named to users.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Layer => "Navigator layer",
            Kind::Rules => "rules",
        }
    }
}

/// One input the user named, read whole.
#[derive(Debug)]
pub struct Input {
    /// The input as named to users (a path, or `stdin`).
    pub name: String,
    /// What it held.
    pub content: Content,
}

/// What an input held.
#[derive(Debug)]
pub enum Content {
    /// A file's or stdin's bytes, as UTF-8 when they were marked as anything else (a UTF-8
    /// byte-order mark removed, UTF-16 decoded); unmarked bytes as they were.
    Bytes(Vec<u8>),
    /// A directory (not read: what is in it depends on what the caller looks for).
    Dir(PathBuf),
}

impl Input {
    /// The bytes of a file or of stdin; a directory is an error naming it and `what` the
    /// command wanted instead (`a text file`).
    pub fn into_bytes(self, what: &str) -> Result<Vec<u8>> {
        match self.content {
            Content::Bytes(b) => Ok(b),
            Content::Dir(d) => bail!("{} is a directory; give {what}", d.display()),
        }
    }
}

/// Reads one input the user named: stdin for `-`, a file, or a directory (listed, not read).
/// Files and stdin over [`crate::store::MAX_FILE_BYTES`] are refused; text in UTF-16 or
/// with a byte-order mark comes back as UTF-8. Errors name the input.
///
/// Every input a command reads comes through here: technique lists, Sigma rules (each file
/// of a directory too), `map`'s text and `layer upgrade`'s layer.
pub fn read(source: &Source, stdin: &mut dyn std::io::Read) -> Result<Input> {
    let bytes = match source {
        Source::Stdin => crate::store::read_capped(stdin, "stdin")?,
        Source::Path(p) => {
            let meta = fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
            if meta.is_dir() {
                return Ok(Input {
                    name: source.name(),
                    content: Content::Dir(p.clone()),
                });
            }
            crate::store::read_input_file(p)?
        }
    };
    Ok(Input {
        name: source.name(),
        content: Content::Bytes(crate::encoding::to_utf8(bytes)),
    })
}

/// How to read technique lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Layers: take every listed technique, not only the enabled ones scored above 0.
    pub layer_all: bool,
}

/// The technique IDs one input names, before resolution against a knowledge base.
#[derive(Debug, Clone)]
pub struct TechniqueList {
    /// The input as named to users (a path, or `stdin`).
    pub source: String,
    /// What the input turned out to be.
    pub kind: Kind,
    /// The IDs named, each once, in the order first read (every command that reads a list
    /// counts what it names, not how often).
    pub ids: Vec<TechniqueId>,
    /// The domain a layer says it is for (`enterprise-attack`), if any.
    pub layer_domain: Option<&'static str>,
    /// Things worth telling the user (skipped files, old layer formats, ...).
    pub notes: Vec<String>,
    /// Rules: the files of detection content or tests read, with what each names.
    pub files: Vec<rules::RuleFile>,
    /// Rules: files read that are in none of the formats (skipped).
    pub other_files: usize,
    /// Which IDs are in `ids` already (a bit per possible technique ID, 1.2 MB, allocated
    /// zeroed so untouched pages cost nothing).
    seen: Vec<u64>,
}

impl TechniqueList {
    fn new(source: &str, kind: Kind) -> TechniqueList {
        TechniqueList {
            source: source.to_string(),
            kind,
            ids: Vec::new(),
            layer_domain: None,
            notes: Vec::new(),
            files: Vec::new(),
            other_files: 0,
            seen: Vec::new(),
        }
    }

    /// Adds an ID unless the list holds it already.
    fn push(&mut self, id: TechniqueId) {
        if self.seen.is_empty() {
            self.seen = vec![0; TechniqueId::COUNT.div_ceil(64)];
        }
        let i = id.index();
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if self.seen[word] & bit == 0 {
            self.seen[word] |= bit;
            self.ids.push(id);
        }
    }

    /// The IDs as text, in the list's order.
    pub fn id_strs(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(TechniqueId::as_str)
    }

    /// A one-line summary: `rules/: rules, 12 files (Sigma 9, Elastic 3; 11 naming
    /// techniques), 14 technique IDs`.
    #[must_use]
    pub fn summary(&self) -> String {
        let files = if self.kind == Kind::Rules {
            let mut formats: Vec<(rules::Format, usize)> = Vec::new();
            for f in &self.files {
                match formats.iter_mut().find(|(k, _)| *k == f.format) {
                    Some((_, n)) => *n += 1,
                    None => formats.push((f.format, 1)),
                }
            }
            formats.sort();
            let by_format: Vec<String> = formats
                .iter()
                .map(|(k, n)| format!("{} {n}", k.describe()))
                .collect();
            let naming = self
                .files
                .iter()
                .filter(|f| f.refs.iter().any(|r| r.technique().is_some()))
                .count();
            let other = if self.other_files > 0 {
                format!(
                    ", {} skipped",
                    plural(self.other_files, "other file", "other files")
                )
            } else {
                String::new()
            };
            format!(
                ", {} ({}; {naming} naming techniques){other}",
                plural(self.files.len(), "file", "files"),
                by_format.join(", ")
            )
        } else {
            String::new()
        };
        format!(
            "{}: {}{files}, {}",
            self.source,
            self.kind.describe(),
            plural(self.ids.len(), "technique ID", "technique IDs")
        )
    }

    /// Adds a file of detection content and the techniques it names.
    fn add_file(&mut self, file: rules::RuleFile) {
        for id in file.technique_ids() {
            self.push(id);
        }
        self.files.push(file);
    }
}

/// `n` and a noun that agrees with it (`1 file`, `3 files`); the input layer stays
/// clear of the model, whose `plain_text::count` says the same.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Reads one technique list: stdin, a directory of rules, or a file whose content
/// decides what it is (see [`parse`]).
pub fn read_list(
    source: &Source,
    stdin: &mut dyn std::io::Read,
    opts: ReadOptions,
) -> Result<TechniqueList> {
    let input = read(source, stdin)?;
    match input.content {
        Content::Dir(dir) => Ok(read_rules_dir(&dir)),
        Content::Bytes(bytes) => parse(&bytes, &input.name, opts),
    }
}

/// Binary data (a NUL byte early on) is not a technique list.
fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// Parses the bytes of one file or of stdin: a layer, detection content or tests of a
/// format [`rules`] reads, or text. A rule file that does not parse is an error naming it.
pub fn parse(bytes: &[u8], name: &str, opts: ReadOptions) -> Result<TechniqueList> {
    let bytes = &*crate::encoding::to_utf8_slice(bytes);
    if is_binary(bytes) {
        bail!("{name} is binary data, not a technique list, layer or rule");
    }
    match layer::parse(bytes).map_err(|e| anyhow!("{name}: {e}"))? {
        layer::Parsed::Layers(layers) => Ok(from_layers(&layers, name, opts)),
        layer::Parsed::NotALayer => {
            let text = String::from_utf8_lossy(bytes);
            match rules::read(&text, name).map_err(|e| anyhow!("{name}: {e}"))? {
                rules::Read::File(file) => {
                    let mut list = TechniqueList::new(name, Kind::Rules);
                    list.add_file(file);
                    Ok(list)
                }
                rules::Read::Other => {
                    let mut list = TechniqueList::new(name, Kind::Text);
                    for id in scan::technique_ids(bytes) {
                        list.push(id);
                    }
                    Ok(list)
                }
            }
        }
    }
}

fn from_layers(layers: &[layer::Layer], name: &str, opts: ReadOptions) -> TechniqueList {
    let mut list = TechniqueList::new(name, Kind::Layer);
    let mut skipped = 0usize;
    for l in layers {
        if let Some(v) = l.format_version()
            && !v.starts_with("4.")
        {
            list.notes.push(format!(
                "{name}: layer format {v} is older than 4.x; reading its techniqueID entries anyway"
            ));
        }
        match (list.layer_domain, l.domain_name()) {
            (None, d) => list.layer_domain = d,
            (Some(a), Some(b)) if a != b => list.notes.push(format!(
                "{name}: holds layers for both {a} and {b}; every layer is read"
            )),
            _ => {}
        }
        for e in &l.techniques {
            if !(opts.layer_all || e.counts()) {
                skipped += 1;
                continue;
            }
            match e.technique_id.parse::<TechniqueId>() {
                Ok(id) => list.push(id),
                Err(_) => list.notes.push(format!(
                    "{name}: ignored the entry with techniqueID '{}' (not a technique ID)",
                    e.technique_id
                )),
            }
        }
    }
    if list.ids.is_empty() && skipped > 0 {
        list.notes.push(format!(
            "{name}: no entry is enabled with a score above 0; --layer-all reads every listed technique"
        ));
    }
    list
}

/// Whether a directory walk of rules reads the file: YAML and TOML, the formats of rule repositories
/// (the Atomic Red Team CSV index is read when named, so a directory's tests are not counted
/// twice).
#[must_use]
pub fn is_rule_file(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yml", "yaml", "toml"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Every file under `dir` that `accept` takes (by name), sorted; hidden directories and symbolic links
/// to directories are not entered (no loops). Problems become notes, never errors.
pub fn files_under(
    dir: &Path,
    accept: &dyn Fn(&Path) -> bool,
    files: &mut Vec<PathBuf>,
    notes: &mut Vec<String>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            notes.push(format!("cannot read directory {}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let Ok(lmeta) = fs::symlink_metadata(&p) else {
            continue;
        };
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if lmeta.is_dir() {
            if !hidden {
                files_under(&p, accept, files, notes);
            }
        } else if accept(&p) {
            match fs::metadata(&p) {
                Ok(m) if m.is_file() => files.push(p),
                Ok(_) => {}
                Err(e) => notes.push(format!("cannot read {}: {e}; skipped", p.display())),
            }
        }
    }
}

/// What reading one file of a directory gave.
pub enum DirFile {
    /// A file of a format [`rules`] reads.
    Rule(rules::RuleFile),
    /// A file in none of the formats.
    Other,
    /// A file that could not be read or parsed: the note to give (path and reason).
    Failed(String),
}

/// Reads one file found in a directory walk as detection content.
#[must_use]
pub fn read_dir_file(path: &Path) -> DirFile {
    match read(&Source::Path(path.to_path_buf()), &mut std::io::empty())
        .and_then(|i| i.into_bytes("a rule file"))
    {
        Ok(bytes) if is_binary(&bytes) => DirFile::Failed(format!(
            "{}: binary data, not a rule file; skipped",
            path.display()
        )),
        Ok(bytes) => {
            let name = path.display().to_string();
            match rules::read(&String::from_utf8_lossy(&bytes), &name) {
                Ok(rules::Read::File(f)) => DirFile::Rule(f),
                Ok(rules::Read::Other) => DirFile::Other,
                Err(e) => DirFile::Failed(format!("{name}: {e}; skipped")),
            }
        }
        Err(e) => DirFile::Failed(format!("{e:#}; skipped")),
    }
}

/// Whether a directory walk of `lint` reads the file: rule files, layers (`*.json`) and
/// the Atomic Red Team index (`*.csv`).
#[must_use]
pub fn is_lint_file(p: &Path) -> bool {
    is_rule_file(p)
        || p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("csv"))
}

/// The ATT&CK references of one file for `lint`: a layer, a file of a format [`rules`]
/// reads, or (only when `named`, that is given by the user rather than found in a
/// directory) an ID list. `Ok(None)`: a file of a directory in none of the formats.
pub fn references(
    bytes: &[u8],
    name: &str,
    named: bool,
) -> Result<Option<rules::RuleFile>, rules::ParseError> {
    let whole = |message: String| rules::ParseError {
        message,
        line: 1,
        col: 1,
    };
    if is_binary(bytes) {
        return if named {
            Err(whole(
                "binary data, not a rule, layer or ID list".to_string(),
            ))
        } else {
            Ok(None)
        };
    }
    let text = String::from_utf8_lossy(bytes);
    match layer::parse(bytes).map_err(whole)? {
        layer::Parsed::Layers(_) => return Ok(Some(rules::read_layer(&text, name))),
        layer::Parsed::NotALayer => {}
    }
    match rules::read(&text, name)? {
        rules::Read::File(f) => Ok(Some(f)),
        rules::Read::Other if named => Ok(Some(rules::read_list(&text, name))),
        rules::Read::Other => Ok(None),
    }
}

fn read_rules_dir(dir: &Path) -> TechniqueList {
    let name = dir.display().to_string();
    let mut list = TechniqueList::new(&name, Kind::Rules);
    let mut files = Vec::new();
    files_under(dir, &is_rule_file, &mut files, &mut list.notes);
    if files.is_empty() {
        list.notes
            .push(format!("{name}: no *.yml, *.yaml or *.toml files under it"));
    }
    for f in files {
        match read_dir_file(&f) {
            DirFile::Rule(file) => list.add_file(file),
            DirFile::Other => list.other_files += 1,
            DirFile::Failed(note) => list.notes.push(note),
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!("-".parse::<Source>(), Ok(Source::Stdin));
        assert_eq!(
            "a.txt".parse::<Source>(),
            Ok(Source::Path(PathBuf::from("a.txt")))
        );
        assert!("".parse::<Source>().is_err());
        assert_eq!(Source::Stdin.to_string(), "stdin");
    }

    #[test]
    fn content_decides_the_kind() {
        let o = ReadOptions::default();
        let t = parse(b"T1059, T1027\n", "a", o).unwrap();
        assert_eq!(
            (t.kind, t.ids.clone()),
            (
                Kind::Text,
                vec!["T1059".parse().unwrap(), "T1027".parse().unwrap()]
            )
        );
        let s = parse(
            b"title: x\ndescription: mentions T1082\ntags:\n  - attack.t1059\nlogsource:\n  product: windows\ndetection:\n  condition: x\n",
            "r.yml",
            o,
        )
        .unwrap();
        assert_eq!(
            (s.kind, s.ids.clone()),
            (Kind::Rules, vec!["T1059".parse().unwrap()])
        );
        let l = parse(
            br#"{"name":"n","domain":"enterprise-attack","versions":{"layer":"4.5"},"techniques":[{"techniqueID":"T1059","score":1},{"techniqueID":"T1027","score":0},{"techniqueID":"bad","score":1}]}"#,
            "l.json",
            o,
        )
        .unwrap();
        assert_eq!(l.kind, Kind::Layer);
        assert_eq!(l.id_strs().collect::<Vec<_>>(), ["T1059"]);
        assert_eq!(l.layer_domain, Some("enterprise-attack"));
        assert!(l.notes.iter().any(|n| n.contains("'bad'")));
        let all = parse(
            br#"{"domain":"enterprise-attack","techniques":[{"techniqueID":"T1059","score":1},{"techniqueID":"T1027","enabled":false}]}"#,
            "l.json",
            ReadOptions { layer_all: true },
        )
        .unwrap();
        assert_eq!(all.id_strs().collect::<Vec<_>>(), ["T1059", "T1027"]);
    }

    #[test]
    fn binary_is_refused() {
        let e = parse(b"PK\x03\x04\x00\x00T1059", "x.zip", ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("binary"), "{e}");
    }

    #[test]
    fn a_layer_with_nothing_scored_says_how_to_read_it() {
        let l = parse(
            br#"{"domain":"enterprise-attack","versions":{"layer":"3.0"},"techniques":[{"techniqueID":"T1059"}]}"#,
            "l.json",
            ReadOptions::default(),
        )
        .unwrap();
        assert!(l.ids.is_empty());
        assert!(
            l.notes.iter().any(|n| n.contains("--layer-all")),
            "{:?}",
            l.notes
        );
        assert!(
            l.notes.iter().any(|n| n.contains("older than 4.x")),
            "{:?}",
            l.notes
        );
    }
}
