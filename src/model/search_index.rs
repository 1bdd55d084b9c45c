//! The search index: which words occur where, for ranking techniques and procedure examples
//! without reading their text.
//!
//! Four text fields are indexed. For each technique: its name, its plain-text description and its
//! *linked names* (the groups, software and campaigns that use it, the detection strategies
//! that detect it and their analytics, joined by `; `). For each procedure example (the
//! description of a `uses` relationship from a group, software or campaign to a technique):
//! its plain text. Words are [`plain_text::words`] tokens, so a query word
//! finds every indexed word it starts, through one range of the sorted dictionary.
//!
//! The index is one byte string read in place: after a cache load it is a section of the
//! memory-mapped file (checked by its section checksum on first use), after a parse it is built on
//! first use. Every read is bounds-checked, so malformed bytes read as fewer words, never a
//! panic. Layout (little-endian `u32`s): the part count, then an (offset, length) pair per
//! part, then the parts:
//!
//! | part | holds |
//! |---|---|
//! | `HEAD` | word, technique and procedure counts |
//! | `WORD_OFF`, `WORD_POOL` | the sorted words: `words + 1` offsets into the pool |
//! | `POST_OFF + f` | per field `f`, `words + 1` offsets (in entries) into its postings |
//! | `POSTINGS + f` | per field, (document `u32`, occurrences `u8`) pairs sorted by word, then document |
//! | `TECH_LENS` | per technique: name, description and linked-name lengths in words, and the total length of its procedures |
//! | `LINKED_OFF`, `LINKED_POOL` | per technique, its linked names |
//! | `PROC_OFF` | per technique, `techniques + 1` offsets: its procedures are a range |
//! | `PROCS` | per procedure: text number, technique, source kind, source index, length in words |
//!
//! A fifth field indexes, per procedure example, the name and aliases of its source, so a
//! procedure search can find a group's procedures by any of its names.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::string_table::u32_at;
use super::{Kind, KnowledgeBase, Node, Rel, kind_at, plain_text};

/// What a document field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A technique's name.
    Name = 0,
    /// A technique's description.
    Description = 1,
    /// The names linked to a technique (users, detection strategies, analytics).
    Linked = 2,
    /// A procedure example's text (documents are procedures, not techniques).
    Procedure = 3,
    /// The name and aliases of a procedure example's group, software or campaign (documents
    /// are procedures).
    Source = 4,
}

impl Field {
    /// Every field, in index order.
    pub const ALL: [Field; FIELDS] = [
        Field::Name,
        Field::Description,
        Field::Linked,
        Field::Procedure,
        Field::Source,
    ];
}

const FIELDS: usize = 5;
const HEAD: usize = 0;
const WORD_OFF: usize = 1;
const WORD_POOL: usize = 2;
const POST_OFF: usize = 3;
const POSTINGS: usize = POST_OFF + FIELDS;
const TECH_LENS: usize = POSTINGS + FIELDS;
const LINKED_OFF: usize = TECH_LENS + 1;
const LINKED_POOL: usize = TECH_LENS + 2;
const PROC_OFF: usize = TECH_LENS + 3;
const PROCS: usize = TECH_LENS + 4;
const PARTS: usize = TECH_LENS + 5;

/// Bytes per posting: the document, then its occurrences (at most 255 are counted: BM25 has
/// long saturated by then).
const POSTING: usize = 5;
/// `u32`s per technique in `TECH_LENS`.
const TECH_WIDTH: usize = 4;
/// `u32`s per procedure in `PROCS`.
const PROC_WIDTH: usize = 5;

/// Separates linked names: no word spans it, and it reads well in a snippet.
pub const LINKED_SEPARATOR: &str = "; ";

/// Builds the index from the section's own bytes another way (from the bundle) when the
/// cached section is damaged.
type Rebuild = Arc<dyn Fn() -> Option<Vec<u8>> + Send + Sync>;

/// The search index of a knowledge base: built on first use, or a section of the cache.
pub struct SearchIndex(Inner);

enum Inner {
    Unbuilt(OnceLock<Vec<u8>>),
    Encoded {
        section: &'static [u8],
        crc: u32,
        checked: OnceLock<bool>,
        fallback: OnceLock<Vec<u8>>,
        rebuild: Rebuild,
    },
}

impl SearchIndex {
    /// An index still to be built from its knowledge base.
    #[must_use]
    pub fn unbuilt() -> SearchIndex {
        SearchIndex(Inner::Unbuilt(OnceLock::new()))
    }

    /// An index in a cache section `(bytes, checksum)`, accepted on first use if its section
    /// checksum matches; otherwise `rebuild` supplies it (from the bundle).
    #[must_use]
    pub fn encoded(
        section: (&'static [u8], u32),
        rebuild: impl Fn() -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> SearchIndex {
        SearchIndex(Inner::Encoded {
            section: section.0,
            crc: section.1,
            checked: OnceLock::new(),
            fallback: OnceLock::new(),
            rebuild: Arc::new(rebuild),
        })
    }

    /// The index bytes; `build` makes them when the knowledge base was parsed.
    pub(crate) fn bytes(&self, build: impl FnOnce() -> Vec<u8>) -> &[u8] {
        match &self.0 {
            Inner::Unbuilt(cell) => cell.get_or_init(build),
            Inner::Encoded {
                section,
                crc,
                checked,
                fallback,
                rebuild,
            } => {
                if *checked.get_or_init(|| {
                    super::cache_format::section_checksum("search", section) == *crc
                }) {
                    section
                } else {
                    fallback.get_or_init(|| rebuild().unwrap_or_default())
                }
            }
        }
    }
}

impl Default for SearchIndex {
    fn default() -> Self {
        SearchIndex::unbuilt()
    }
}

impl Clone for SearchIndex {
    fn clone(&self) -> Self {
        // A clone rebuilds from its own knowledge base when first used.
        SearchIndex::unbuilt()
    }
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Unbuilt(c) => write!(
                f,
                "<search index, {} bytes built>",
                c.get().map_or(0, Vec::len)
            ),
            Inner::Encoded { section, .. } => {
                write!(f, "<search index, {} bytes in the cache>", section.len())
            }
        }
    }
}

/// One procedure example as the index records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Procedure {
    /// Its text: see `KnowledgeBase::edge_text`.
    pub text: u32,
    /// The technique it is an example of.
    pub technique: u32,
    /// The group, software or campaign it describes.
    pub source: Node,
}

/// A read-only view of index bytes.
#[derive(Clone, Copy)]
pub struct Index<'a> {
    parts: [&'a [u8]; PARTS],
    words: usize,
    techniques: usize,
    procedures: usize,
    /// How many objects of each kind the knowledge base holds (in [`Kind::ALL`] order): a
    /// procedure naming an object outside them is not read.
    counts: [usize; 12],
}

impl<'a> Index<'a> {
    /// Reads the part table; malformed bytes give an empty index. Counts are never more
    /// than the parts hold, nor than `counts` (the knowledge base's, in [`Kind::ALL`] order).
    #[must_use]
    pub fn new(bytes: &'a [u8], counts: [usize; 12]) -> Index<'a> {
        let mut parts: [&[u8]; PARTS] = [&[]; PARTS];
        if u32_at(bytes, 0).is_some_and(|n| n as usize == PARTS) {
            for (i, part) in parts.iter_mut().enumerate() {
                let (Some(off), Some(len)) = (u32_at(bytes, 4 + 8 * i), u32_at(bytes, 8 + 8 * i))
                else {
                    break;
                };
                let (off, len) = (off as usize, len as usize);
                *part = bytes.get(off..off.saturating_add(len)).unwrap_or(&[]);
            }
        }
        let head = |i: usize| u32_at(parts[HEAD], 4 * i).unwrap_or(0) as usize;
        let entries = |part: usize, width: usize| parts[part].len() / (4 * width);
        Index {
            words: head(0).min(entries(WORD_OFF, 1).saturating_sub(1)),
            techniques: head(1)
                .min(entries(TECH_LENS, TECH_WIDTH))
                .min(counts[kind_at(Kind::Technique)]),
            procedures: head(2).min(entries(PROCS, PROC_WIDTH)),
            parts,
            counts,
        }
    }

    fn at(&self, part: usize, i: usize) -> u32 {
        i.checked_mul(4)
            .and_then(|b| u32_at(self.parts[part], b))
            .unwrap_or(0)
    }

    /// How many techniques the index describes.
    #[must_use]
    pub fn techniques(&self) -> usize {
        self.techniques
    }

    /// How many procedure examples.
    #[must_use]
    pub fn procedures(&self) -> usize {
        self.procedures
    }

    /// How many documents a field has: techniques, or procedures for [`Field::Procedure`].
    #[must_use]
    pub fn documents(&self, field: Field) -> usize {
        match field {
            Field::Procedure | Field::Source => self.procedures,
            Field::Name | Field::Description | Field::Linked => self.techniques,
        }
    }

    fn word(&self, i: usize) -> &'a [u8] {
        let (a, b) = (
            self.at(WORD_OFF, i) as usize,
            self.at(WORD_OFF, i + 1) as usize,
        );
        self.parts[WORD_POOL].get(a..b).unwrap_or(&[])
    }

    /// The words (by number) that start with `prefix`: one range of the sorted dictionary.
    #[must_use]
    pub fn words_starting(&self, prefix: &str) -> Range<usize> {
        let p = prefix.as_bytes();
        let lo = partition(self.words, |i| self.word(i) < p);
        let hi = lo + partition(self.words - lo, |i| self.word(lo + i).starts_with(p));
        lo..hi
    }

    /// The documents of a field holding word `w`, with how often: sorted by document.
    pub fn postings(&self, field: Field, w: usize) -> impl Iterator<Item = (u32, u32)> + 'a {
        let f = field as usize;
        let (a, b) = (
            self.at(POST_OFF + f, w) as usize,
            self.at(POST_OFF + f, w + 1) as usize,
        );
        let bytes = a
            .checked_mul(POSTING)
            .zip(b.checked_mul(POSTING))
            .and_then(|(a, b)| self.parts[POSTINGS + f].get(a..b))
            .unwrap_or(&[]);
        let docs = self.documents(field);
        bytes
            .chunks_exact(POSTING)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    u32::from(c[4]),
                )
            })
            .filter(move |&(d, _)| (d as usize) < docs)
    }

    /// A document's length in words.
    #[must_use]
    pub fn length(&self, field: Field, doc: u32) -> u32 {
        let d = doc as usize;
        match field {
            Field::Procedure => self.at(PROCS, d * PROC_WIDTH + 4),
            Field::Source => 0,
            f => self.at(TECH_LENS, d * TECH_WIDTH + f as usize),
        }
    }

    /// The total length in words of a technique's procedure examples.
    #[must_use]
    pub fn procedures_length(&self, technique: u32) -> u32 {
        self.at(TECH_LENS, technique as usize * TECH_WIDTH + 3)
    }

    /// The procedure examples of a technique, by number.
    #[must_use]
    pub fn procedures_of(&self, technique: u32) -> Range<u32> {
        let t = technique as usize;
        let (a, b) = (self.at(PROC_OFF, t), self.at(PROC_OFF, t + 1));
        let n = self.procedures as u32;
        a.min(n)..b.min(n).max(a.min(n))
    }

    /// Procedure example `p`, if its technique and its source (a group, software or
    /// campaign) are in the knowledge base.
    #[must_use]
    pub fn procedure(&self, p: u32) -> Option<Procedure> {
        let base = (p as usize).checked_mul(PROC_WIDTH)?;
        if p as usize >= self.procedures {
            return None;
        }
        let kind = *Kind::ALL.get(self.at(PROCS, base + 2) as usize)?;
        let procedure = Procedure {
            text: self.at(PROCS, base),
            technique: self.at(PROCS, base + 1),
            source: Node::new(kind, self.at(PROCS, base + 3)),
        };
        let fits = |k: Kind, i: u32| (i as usize) < self.counts[kind_at(k)];
        (matches!(kind, Kind::Group | Kind::Software | Kind::Campaign)
            && fits(kind, procedure.source.index)
            && fits(Kind::Technique, procedure.technique))
        .then_some(procedure)
    }

    /// The linked names of a technique, joined by [`LINKED_SEPARATOR`].
    #[must_use]
    pub fn linked_names(&self, technique: u32) -> &'a str {
        let t = technique as usize;
        let (a, b) = (
            self.at(LINKED_OFF, t) as usize,
            self.at(LINKED_OFF, t + 1) as usize,
        );
        self.parts[LINKED_POOL]
            .get(a..b)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// The number of leading `i` in `0..n` for which `pred` holds (`pred` true, then false).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// A quick hash for short words (the default `SipHash` was a fifth of building the index).
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap = HashMap<Box<str>, u32, std::hash::BuildHasherDefault<WordHasher>>;

/// Collects the words of documents, field by field, into postings.
#[derive(Default)]
struct Builder {
    ids: WordMap,
    postings: [Vec<Vec<(u32, u32)>>; FIELDS],
    scratch: Vec<u32>,
}

impl Builder {
    /// Adds document `doc` of `field` (documents come in increasing order); returns its
    /// length in words.
    fn add(&mut self, field: Field, doc: u32, text: &str) -> u32 {
        self.scratch.clear();
        let Builder {
            ids,
            postings,
            scratch,
        } = self;
        plain_text::each_word(text, |_, _, w| {
            let id = if let Some(&id) = ids.get(w) {
                id
            } else {
                let id = ids.len() as u32;
                ids.insert(w.into(), id);
                for p in postings.iter_mut() {
                    p.push(Vec::new());
                }
                id
            };
            scratch.push(id);
            true
        });
        let len = self.scratch.len() as u32;
        self.scratch.sort_unstable();
        let postings = &mut self.postings[field as usize];
        for run in self.scratch.chunk_by(|a, b| a == b) {
            postings[run[0] as usize].push((doc, run.len() as u32));
        }
        len
    }
}

/// Little-endian `u32`s.
fn put(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Builds the index bytes of a knowledge base.
#[must_use]
pub fn build(kb: &KnowledgeBase) -> Vec<u8> {
    let mut b = Builder::default();
    let n_tech = kb.techniques.len();
    // Procedures, by technique then source; linked names, per technique, in node order.
    let mut procs: Vec<(u32, Node, u32)> = Vec::new();
    let mut linked: Vec<BTreeSet<Node>> = vec![BTreeSet::new(); n_tech];
    for e in kb.edges() {
        if e.target.kind != Kind::Technique {
            continue;
        }
        let t = e.target.index as usize;
        match e.rel {
            Rel::Uses => {
                linked[t].insert(e.source);
                if !kb.edge_text(e).trim().is_empty() {
                    procs.push((e.target.index, e.source, e.text));
                }
            }
            Rel::Detects => {
                linked[t].insert(e.source);
                if e.source.kind == Kind::DetectionStrategy
                    && let Some(s) = kb.detection_strategies.get().get(e.source.index as usize)
                {
                    linked[t].extend(s.analytics.iter().map(|&a| Node::new(Kind::Analytic, a)));
                }
            }
            _ => {}
        }
    }
    procs.sort_unstable();

    let mut tech_lens = Vec::with_capacity(n_tech * TECH_WIDTH * 4);
    let mut linked_off = Vec::with_capacity((n_tech + 1) * 4);
    let mut linked_pool = String::new();
    let mut proc_total = vec![0u32; n_tech];
    let mut procs_part = Vec::with_capacity(procs.len() * PROC_WIDTH * 4);
    let mut proc_off = Vec::with_capacity((n_tech + 1) * 4);
    let mut next = 0usize;
    let mut source_names = String::new();
    for (p, &(t, source, text)) in procs.iter().enumerate() {
        let len = b.add(
            Field::Procedure,
            p as u32,
            &plain_text::plain(kb.edge_texts.get(text as usize)),
        );
        source_names.clear();
        source_names.push_str(kb.id_and_name(source).1);
        for a in kb.aliases(source) {
            source_names.push_str(LINKED_SEPARATOR);
            source_names.push_str(a);
        }
        b.add(Field::Source, p as u32, &source_names);
        proc_total[t as usize] += len;
        for v in [text, t, kind_at(source.kind) as u32, source.index, len] {
            put(&mut procs_part, v);
        }
    }
    for (i, t) in kb.techniques.iter().enumerate() {
        let doc = i as u32;
        let name = b.add(Field::Name, doc, &t.meta.name);
        let desc = b.add(
            Field::Description,
            doc,
            &plain_text::plain(&t.meta.description),
        );
        put(&mut linked_off, linked_pool.len() as u32);
        let start = linked_pool.len();
        for &n in &linked[i] {
            let name = kb.id_and_name(n).1;
            if !name.is_empty() {
                if linked_pool.len() > start {
                    linked_pool.push_str(LINKED_SEPARATOR);
                }
                linked_pool.push_str(name);
            }
        }
        let names = b.add(Field::Linked, doc, &linked_pool[start..]);
        for v in [name, desc, names, proc_total[i]] {
            put(&mut tech_lens, v);
        }
        put(&mut proc_off, next as u32);
        next += procs.iter().skip(next).take_while(|p| p.0 == doc).count();
    }
    put(&mut linked_off, linked_pool.len() as u32);
    put(&mut proc_off, next as u32);

    // The dictionary in byte order, and every field's postings renumbered to match.
    let mut words: Vec<(&str, u32)> = b.ids.iter().map(|(w, &id)| (&**w, id)).collect();
    words.sort_unstable();
    let mut word_off = Vec::with_capacity((words.len() + 1) * 4);
    let mut word_pool = Vec::new();
    let mut post_off: [Vec<u8>; FIELDS] = Default::default();
    let mut postings: [Vec<u8>; FIELDS] = Default::default();
    let mut counts = [0u32; FIELDS];
    for &(w, id) in &words {
        put(&mut word_off, word_pool.len() as u32);
        word_pool.extend_from_slice(w.as_bytes());
        for f in 0..FIELDS {
            put(&mut post_off[f], counts[f]);
            for &(doc, n) in &b.postings[f][id as usize] {
                put(&mut postings[f], doc);
                postings[f].push(u8::try_from(n).unwrap_or(u8::MAX));
                counts[f] += 1;
            }
        }
    }
    put(&mut word_off, word_pool.len() as u32);
    for f in 0..FIELDS {
        put(&mut post_off[f], counts[f]);
    }
    let mut head = Vec::new();
    for v in [words.len(), n_tech, procs.len()] {
        put(&mut head, v as u32);
    }
    let mut parts: Vec<Vec<u8>> = vec![head, word_off, word_pool];
    parts.extend(post_off);
    parts.extend(postings);
    parts.extend([
        tech_lens,
        linked_off,
        linked_pool.into_bytes(),
        proc_off,
        procs_part,
    ]);
    debug_assert_eq!(parts.len(), PARTS);
    let table = 4 + 8 * PARTS;
    let mut out = Vec::with_capacity(table + parts.iter().map(Vec::len).sum::<usize>());
    put(&mut out, PARTS as u32);
    let mut at = table;
    for p in &parts {
        put(&mut out, at as u32);
        put(&mut out, p.len() as u32);
        at += p.len();
    }
    for p in &parts {
        out.extend_from_slice(p);
    }
    out
}

impl KnowledgeBase {
    /// The search index (built on first use after a parse; checked on first use after a
    /// cache load).
    #[must_use]
    pub fn search_index(&self) -> Index<'_> {
        Index::new(self.search.bytes(|| build(self)), self.counts())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample() -> KnowledgeBase {
        KnowledgeBase::from_bytes(
            include_bytes!("../../data/sample/enterprise-attack-2.0.json"),
            Path::new("enterprise-attack-2.0.json"),
            None,
        )
        .unwrap()
    }

    fn docs(ix: &Index, field: Field, prefix: &str) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = ix
            .words_starting(prefix)
            .flat_map(|w| ix.postings(field, w))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn words_are_found_by_prefix_in_each_field() {
        let kb = sample();
        let ix = kb.search_index();
        assert_eq!(ix.techniques(), kb.techniques.len());
        let t = |id: &str| kb.techniques_with_id(id)[0];
        // "Managed Shell Host" and the revoked "Managed Shell Scripting".
        let named: Vec<u32> = docs(&ix, Field::Name, "manag")
            .iter()
            .map(|d| d.0)
            .collect();
        assert_eq!(named, [t("T1059.001"), t("T1086")]);
        assert!(
            docs(&ix, Field::Name, "anag").is_empty(),
            "word starts only"
        );
        // Tallow is linked to the techniques it uses, and its procedures name it.
        let linked: Vec<u32> = docs(&ix, Field::Linked, "tallow")
            .iter()
            .map(|d| d.0)
            .collect();
        assert!(linked.contains(&t("T1497")) && linked.contains(&t("T1053.003")));
        let procs = docs(&ix, Field::Procedure, "hypervisor");
        assert_eq!(procs.len(), 1);
        let p = ix.procedure(procs[0].0).unwrap();
        assert_eq!(p.technique, t("T1497"));
        assert_eq!(kb.id_and_name(p.source), ("S0902", "Tallow"));
        assert!(ix.procedures_of(t("T1497")).contains(&procs[0].0));
        // A detection strategy's analytics are linked too.
        assert!(ix.linked_names(t("T1497")).contains("Analytic 0904"));
    }

    #[test]
    fn malformed_bytes_read_as_an_empty_index() {
        for bytes in [
            &b""[..],
            &[16, 0, 0, 0, 255, 255, 255, 255][..],
            &[1, 2, 3][..],
        ] {
            let ix = Index::new(bytes, [1000; 12]);
            assert_eq!(ix.techniques(), 0);
            assert!(ix.words_starting("a").is_empty());
            assert!(ix.procedure(0).is_none());
        }
        // A truncated real index never panics either.
        let kb = sample();
        let full = build(&kb);
        for cut in [10, full.len() / 3, full.len() / 2, full.len() - 3] {
            let ix = Index::new(&full[..cut], kb.counts());
            for w in ix.words_starting("") {
                for f in Field::ALL {
                    let _ = ix.postings(f, w).count();
                }
            }
            for t in 0..ix.techniques() as u32 {
                let _ = (ix.linked_names(t), ix.procedures_of(t));
            }
        }
    }

    #[test]
    fn damaged_bytes_never_name_objects_outside_the_knowledge_base() {
        let kb = sample();
        let full = build(&kb);
        let counts = kb.counts();
        // A small deterministic generator: every run damages the same bytes.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200 {
            let mut bytes = full.clone();
            for _ in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = (x as usize) % bytes.len();
                bytes[at] = (x >> 32) as u8;
            }
            let ix = Index::new(&bytes, counts);
            assert!(ix.techniques() <= kb.techniques.len());
            for p in 0..ix.procedures() as u32 {
                if let Some(pr) = ix.procedure(p) {
                    assert!((pr.technique as usize) < kb.techniques.len());
                    assert!((pr.source.index as usize) < kb.count(pr.source.kind));
                }
            }
            for w in ix.words_starting("") {
                for f in Field::ALL {
                    for (doc, _) in ix.postings(f, w) {
                        assert!((doc as usize) < ix.documents(f));
                    }
                }
            }
        }
    }
}
