//! `attck search`: whole-word / word-start matching over names, descriptions and the text
//! ATT&CK links to each technique, ranked so that what a query names comes first.
//!
//! A query is a list of terms; a term is a word or a phrase (several words in a row). Each
//! word of a term matches a whole word or the start of one (`container` finds "containers",
//! `sms` does not find "mechanisms"). A technique matches when every term occurs somewhere in
//! its text: its name, its parent's name, its description, its procedure examples or its
//! linked names (the groups, software and campaigns that use it, its detection strategies and
//! their analytics).
//!
//! Ranking has two parts, shown as the integer and fractional parts of `score`:
//!
//! * the **name tier**: 6 when the name *is* the query (ignoring case and punctuation; for a
//!   sub-technique also "parent name + name"), 4 when the name holds the query as a phrase,
//!   2 when it holds every term. A sub-technique whose *parent's* name matches so gets one
//!   less (5, 3, 1), so a technique's own name outranks its parent's and its children's.
//! * the **evidence**, a fraction: how much of the query (words weighted by rarity) the name
//!   covers and how much of the name the query covers; BM25 over the description's words
//!   with a bonus when the query occurs there as a phrase or its words close together; then,
//!   at lower weight, BM25 over the procedure examples and over the linked names.
//!
//! Procedure examples are searched the same way (`search_procedures`): the text is the
//! description, and the technique's and the source's names are the names.

use std::collections::HashMap;

use serde::Serialize;

use super::list::Row;
use super::tactic_techniques::TechniqueFilter;
use super::technique::TechniqueRow;
use super::{Cell, Ref, TableRow};
use crate::model::search_index::{Field, Index};
use crate::model::{Kind, KnowledgeBase, Node, Str, Technique, Visibility, cmp_ids, plain_text};

/// A parsed search query: each term is one or more lower-case words that must occur in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The terms; all must match.
    pub terms: Vec<Vec<String>>,
}

impl Query {
    /// Parses command-line words. `"quoted text"` is a phrase; so is an argument the shell kept
    /// together with spaces in it, and a word with punctuation inside (`cmd.exe`).
    #[must_use]
    pub fn parse(args: &[String]) -> Query {
        let mut terms = Vec::new();
        for arg in args {
            let mut in_quote = false;
            for (i, part) in arg.split('"').enumerate() {
                if i > 0 {
                    in_quote = !in_quote;
                }
                let words: Vec<String> = plain_text::words(part)
                    .map(|(_, _, w)| w.into_owned())
                    .collect();
                if words.is_empty() {
                    continue;
                }
                let phrase = in_quote || !arg.contains('"');
                if phrase {
                    terms.push(words);
                } else {
                    // Outside quotes, space-separated pieces are separate terms; punctuation
                    // inside one piece keeps its words together.
                    for piece in part.split_whitespace() {
                        let w: Vec<String> = plain_text::words(piece)
                            .map(|(_, _, w)| w.into_owned())
                            .collect();
                        if !w.is_empty() {
                            terms.push(w);
                        }
                    }
                }
            }
        }
        terms.dedup();
        Query { terms }
    }

    /// True when the query has no words at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every word of every term, in order (the query read as one phrase).
    fn flat(&self) -> Vec<&str> {
        self.terms.iter().flatten().map(String::as_str).collect()
    }
}

/// Byte ranges in `text` where `term` occurs (word-start match for every word of the term).
#[must_use]
pub fn occurrences(
    words: &[(usize, usize, std::borrow::Cow<'_, str>)],
    term: &[String],
) -> Vec<(usize, usize)> {
    if term.is_empty() || words.len() < term.len() {
        return Vec::new();
    }
    (0..=words.len() - term.len())
        .filter(|&i| {
            term.iter()
                .enumerate()
                .all(|(j, t)| words[i + j].2.starts_with(t.as_str()))
        })
        .map(|i| (words[i].0, words[i + term.len() - 1].1))
        .collect()
}

type Words<'a> = Vec<(usize, usize, std::borrow::Cow<'a, str>)>;

// ---------------------------------------------------------------------------------------
// The ranking rules.
// ---------------------------------------------------------------------------------------

/// BM25's term-frequency saturation and length normalisation (the usual values).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Weights of the evidence. Names weigh most; the text ATT&CK links to a technique least.
const W_NAME: f64 = 4.0;
/// A sub-technique's parent's name counts for this share of a name of its own.
const PARENT_SHARE: f64 = 0.5;
/// A former name (of a revoked technique this one replaced) counts for this share.
const FORMER_SHARE: f64 = 0.8;
const W_DESCRIPTION: f64 = 2.5;
const W_PHRASE: f64 = 2.0;
const W_PROXIMITY: f64 = 1.0;
const W_PROCEDURES: f64 = 2.0;
const W_LINKED: f64 = 0.5;
// Names weigh most, then the description, then procedure examples, then linked names.
const _: () =
    assert!(W_NAME > W_DESCRIPTION && W_DESCRIPTION > W_PROCEDURES && W_PROCEDURES > W_LINKED);
/// The sum of the weights: the evidence fraction is its share of it.
const W_TOTAL: f64 = W_NAME + W_DESCRIPTION + W_PHRASE + W_PROXIMITY + W_PROCEDURES + W_LINKED;

/// A query word that only starts a word of a name counts for this share of a whole word.
const PREFIX_SHARE: f64 = 0.6;

/// Words of a query at most this far apart (in words) count as close.
const NEAR: usize = 3;

/// How a name matches a query, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum NameLevel {
    /// Not every term is in the name.
    #[default]
    Partial,
    /// Every term is in the name, not as one phrase.
    AllTerms,
    /// The name holds the whole query as a phrase.
    Phrase,
    /// The name is the query (whole words, ignoring case and punctuation).
    Exact,
}

impl NameLevel {
    /// The tier of a match in an object's own name: 6, 4, 2 or 0.
    fn tier(self) -> u8 {
        2 * self as u8
    }
}

/// How well one name matches a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameMatch {
    /// The level.
    pub level: NameLevel,
    /// How much of the query the name covers, words weighted by rarity (0 to 1).
    pub coverage: f64,
    /// How much of the name the query covers (0 to 1).
    pub fill: f64,
    /// The longest run of the query's words found in a row in the name, as a share of the
    /// query (0 to 1).
    pub run: f64,
    /// The name's first word is the query's first word.
    pub at_start: bool,
    /// Some term occurs in the name.
    pub any: bool,
}

impl NameMatch {
    /// Matches a name's words against a query; `weights` are the rarity of each distinct
    /// query word (in [`Ranker::words`] order).
    fn of(name: &Words, r: &Ranker) -> NameMatch {
        if name.is_empty() {
            return NameMatch::default();
        }
        let flat = &r.flat;
        let exact = (name.len() == flat.len() && name.iter().zip(flat).all(|(n, q)| n.2 == *q))
            || name.iter().map(|w| w.2.len()).sum::<usize>() == r.joined.len()
                && name.iter().map(|w| &*w.2).collect::<String>() == r.joined;
        let phrase = !flat.is_empty()
            && name.len() >= flat.len()
            && (0..=name.len() - flat.len()).any(|i| {
                flat.iter()
                    .enumerate()
                    .all(|(j, q)| name[i + j].2.starts_with(q))
            });
        let terms: Vec<bool> = r
            .query
            .terms
            .iter()
            .map(|t| !occurrences(name, t).is_empty())
            .collect();
        let level = if exact {
            NameLevel::Exact
        } else if phrase {
            NameLevel::Phrase
        } else if terms.iter().all(|&t| t) {
            NameLevel::AllTerms
        } else {
            NameLevel::Partial
        };
        // A whole word counts fully, the start of a longer word less.
        let mut covered = 0.0;
        for (w, weight) in r.words.iter().zip(&r.weights) {
            if name.iter().any(|n| n.2 == w.as_str()) {
                covered += weight;
            } else if name.iter().any(|n| n.2.starts_with(w.as_str())) {
                covered += PREFIX_SHARE * weight;
            }
        }
        let filled = name
            .iter()
            .filter(|n| r.words.iter().any(|w| n.2.starts_with(w.as_str())))
            .count();
        let mut run = 0;
        for i in 0..flat.len() {
            for j in 0..name.len() {
                let mut k = 0;
                while i + k < flat.len()
                    && j + k < name.len()
                    && name[j + k].2.starts_with(flat[i + k].as_str())
                {
                    k += 1;
                }
                run = run.max(k);
            }
        }
        NameMatch {
            level,
            run: if flat.is_empty() {
                0.0
            } else {
                run as f64 / flat.len() as f64
            },
            coverage: if r.weight_sum > 0.0 {
                covered / r.weight_sum
            } else {
                0.0
            },
            fill: filled as f64 / name.len() as f64,
            at_start: flat.first().is_some_and(|q| name[0].2.starts_with(q)),
            any: terms.iter().any(|&t| t),
        }
    }

    /// The best match among several names (a name and its aliases).
    fn best(names: impl Iterator<Item = NameMatch>) -> NameMatch {
        names.fold(NameMatch::default(), |a, b| {
            if (b.level, b.strength()) > (a.level, a.strength()) {
                NameMatch {
                    any: a.any || b.any,
                    ..b
                }
            } else {
                NameMatch {
                    any: a.any || b.any,
                    ..a
                }
            }
        })
    }

    /// The name's share of the evidence (0 to 1).
    fn strength(&self) -> f64 {
        self.coverage
            * (0.3 + 0.3 * self.fill + 0.2 * self.run + 0.2 * f64::from(u8::from(self.at_start)))
    }
}

/// Inverse document frequency (BM25's, never negative).
fn idf(docs: usize, df: usize) -> f64 {
    let (n, df) = (docs as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// BM25's saturated term frequency, scaled to 0..1.
fn saturation(tf: u32, len: u32, avg: f64) -> f64 {
    if tf == 0 {
        return 0.0;
    }
    let tf = f64::from(tf);
    let norm = if avg > 0.0 {
        1.0 - B + B * f64::from(len) / avg
    } else {
        1.0
    };
    tf / (tf + K1 * norm)
}

/// The query, its distinct words and their weights.
struct Ranker<'q> {
    query: &'q Query,
    /// The query read as one phrase.
    flat: Vec<String>,
    /// The query's words run together: a name equal to it ignoring punctuation and spaces
    /// (`side-loading` and `sideloading`) is the query.
    joined: String,
    /// Distinct words.
    words: Vec<String>,
    /// For each term, its words' positions in `words`.
    terms: Vec<Vec<usize>>,
    /// Rarity of each word among the documents' descriptions.
    weights: Vec<f64>,
    weight_sum: f64,
}

impl<'q> Ranker<'q> {
    fn new(query: &'q Query) -> Ranker<'q> {
        let flat: Vec<String> = query.flat().into_iter().map(str::to_string).collect();
        let mut words: Vec<String> = Vec::new();
        let terms = query
            .terms
            .iter()
            .map(|t| {
                t.iter()
                    .map(|w| {
                        words.iter().position(|x| x == w).unwrap_or_else(|| {
                            words.push(w.clone());
                            words.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let n = words.len();
        Ranker {
            query,
            joined: flat.concat(),
            flat,
            words,
            terms,
            weights: vec![1.0; n],
            weight_sum: n as f64,
        }
    }

    fn set_weights(&mut self, weights: Vec<f64>) {
        self.weight_sum = weights.iter().sum();
        self.weights = weights;
    }

    /// BM25 over one document, scaled to 0..1: each word's saturated frequency weighted by its
    /// rarity in that field (`idf`).
    fn bm25(tf: &[u32], len: u32, avg: f64, idf: &[f64]) -> f64 {
        let total: f64 = idf.iter().sum();
        if total <= 0.0 {
            return 0.0;
        }
        tf.iter()
            .zip(idf)
            .map(|(&f, w)| w * saturation(f, len, avg))
            .sum::<f64>()
            / total
    }

    /// Phrase and proximity evidence in a text's words (0 to 1 each): the whole query as a
    /// phrase (one occurrence 0.5, two 0.75, …), and the share of neighbouring query words
    /// found in order at most [`NEAR`] words apart.
    fn closeness(&self, words: &Words) -> (f64, f64) {
        let flat = &self.flat;
        if flat.len() < 2 || words.len() < 2 {
            return (0.0, 0.0);
        }
        let phrases = if words.len() >= flat.len() {
            (0..=words.len() - flat.len())
                .filter(|&i| {
                    flat.iter()
                        .enumerate()
                        .all(|(j, q)| words[i + j].2.starts_with(q.as_str()))
                })
                .count()
        } else {
            0
        };
        let mut near = 0;
        for pair in flat.windows(2) {
            let found = words.iter().enumerate().any(|(i, w)| {
                w.2.starts_with(pair[0].as_str())
                    && words[i + 1..]
                        .iter()
                        .take(NEAR)
                        .any(|v| v.2.starts_with(pair[1].as_str()))
            });
            near += usize::from(found);
        }
        let phrase = 1.0 - 0.5f64.powi(i32::try_from(phrases).unwrap_or(i32::MAX));
        (phrase, near as f64 / (flat.len() - 1) as f64)
    }

    /// Whether term `t` occurs in a text's words.
    fn term_in(&self, t: usize, words: &Words) -> bool {
        !occurrences(words, &self.query.terms[t]).is_empty()
    }
}

/// The score: the tier as the integer part, the evidence as the fraction (below 1).
fn score(tier: u8, evidence: f64) -> f64 {
    f64::from(tier) + (evidence / W_TOTAL).clamp(0.0, 0.999_999)
}

/// Rounded for output (the order uses the exact value).
fn rounded(score: f64) -> f64 {
    (score * 1000.0).floor() / 1000.0
}

// ---------------------------------------------------------------------------------------
// Snippets.
// ---------------------------------------------------------------------------------------

const SNIPPET_BEFORE: usize = 50;
const SNIPPET_LEN: usize = 160;

/// One line of text: whitespace runs become one space. Also returns, for every byte offset
/// of `plain` (and its end), the matching offset in the flattened text.
fn flatten(plain: &str) -> (String, Vec<usize>) {
    let mut flat = String::with_capacity(plain.len());
    let mut map = vec![0; plain.len() + 1];
    let mut after_space = true;
    for (i, c) in plain.char_indices() {
        for slot in &mut map[i..i + c.len_utf8()] {
            *slot = flat.len();
        }
        if c.is_whitespace() || c.is_control() {
            if !after_space {
                flat.push(' ');
                after_space = true;
            }
        } else {
            flat.push(c);
            after_space = false;
        }
    }
    map[plain.len()] = flat.len();
    (flat, map)
}

/// The snippet of `plain` around `first`; `cut` says whether text was cut off before and
/// after `plain` (so it gets an ellipsis there).
fn snippet(
    plain: &str,
    first: Option<(usize, usize)>,
    marks: &[(usize, usize)],
    cut: (bool, bool),
) -> (String, Vec<(usize, usize)>) {
    let (flat, map) = flatten(plain);
    let first = first.map(|(a, b)| (map[a], map[b]));
    let marks: Vec<(usize, usize)> = marks.iter().map(|&(a, b)| (map[a], map[b])).collect();
    let anchor = first.map_or(0, |f| f.0);
    let mut start = anchor.saturating_sub(SNIPPET_BEFORE);
    while !flat.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        // begin at a word start
        start = flat[start..anchor]
            .find(' ')
            .map_or(start, |s| start + s + 1);
    }
    let mut end = (start + SNIPPET_LEN)
        .min(flat.len())
        .max(first.map_or(0, |f| f.1).min(flat.len()));
    while !flat.is_char_boundary(end) {
        end += 1;
    }
    if end < flat.len() {
        end = flat[start..end]
            .rfind(' ')
            .map_or(end, |e| start + e)
            .max(first.map_or(0, |f| f.1));
    }
    let body = flat[start..end].trim_end();
    let prefix = if start > 0 || cut.0 { "…" } else { "" };
    let suffix = if end < flat.len() || cut.1 { "…" } else { "" };
    let shift = prefix.len();
    let s = format!("{prefix}{body}{suffix}");
    let in_snippet = marks
        .iter()
        .filter(|&&(a, b)| a >= start && b <= start + body.len())
        .map(|&(a, b)| (a - start + shift, b - start + shift))
        .collect();
    (s, in_snippet)
}

/// Plain-text bytes read before and after a snippet's first match: enough for the snippet
/// unless whitespace runs are long (then the snippet is shorter), and only these words are
/// read for highlights, not the whole text.
const WINDOW_BEFORE: usize = 4 * SNIPPET_BEFORE;
const WINDOW_AFTER: usize = 3 * SNIPPET_LEN;

/// Where the query's terms occur in a text, in order of their ends (only the first with
/// `first_only`). Words are read into a few reused buffers, not collected.
fn matches(plain: &str, query: &Query, first_only: bool) -> Vec<(usize, usize)> {
    let longest = query.terms.iter().map(Vec::len).max().unwrap_or(1);
    // The last `longest` words, oldest first.
    let mut recent: std::collections::VecDeque<(usize, usize, String)> =
        std::collections::VecDeque::with_capacity(longest);
    let mut found = Vec::new();
    plain_text::each_word(plain, |a, b, w| {
        let mut slot = if recent.len() == longest {
            recent.pop_front().unwrap_or_default()
        } else {
            (0, 0, String::new())
        };
        slot.0 = a;
        slot.1 = b;
        slot.2.clear();
        slot.2.push_str(w);
        recent.push_back(slot);
        for t in &query.terms {
            if t.len() <= recent.len() {
                let at = recent.len() - t.len();
                if t.iter()
                    .enumerate()
                    .all(|(j, q)| recent[at + j].2.starts_with(q.as_str()))
                {
                    found.push((recent[at].0, b));
                    if first_only {
                        return false;
                    }
                }
            }
        }
        true
    });
    found
}

/// The snippet of a plain text around the query's first match (its start when none), with
/// every match inside it marked.
fn snippet_of(plain: &str, query: &Query) -> (String, Vec<(usize, usize)>) {
    let first = matches(plain, query, true).first().copied();
    let anchor = first.map_or(0, |f| f.0);
    // The window begins and ends at whitespace, so no word is cut in two.
    let mut lo = anchor.saturating_sub(WINDOW_BEFORE);
    while !plain.is_char_boundary(lo) {
        lo -= 1;
    }
    if lo > 0 {
        lo = plain[lo..anchor]
            .find(char::is_whitespace)
            .map_or(anchor, |i| lo + i);
    }
    let mut hi = (anchor + WINDOW_AFTER).min(plain.len());
    while !plain.is_char_boundary(hi) {
        hi += 1;
    }
    hi = plain[..hi]
        .rfind(char::is_whitespace)
        .filter(|&i| i >= first.map_or(0, |f| f.1))
        .filter(|_| hi < plain.len())
        .unwrap_or(hi);
    let part = &plain[lo..hi];
    let mut marks = matches(part, query, false);
    marks.sort_unstable();
    marks.dedup();
    snippet(
        part,
        first.map(|(a, b)| (a - lo, b - lo)),
        &marks,
        (lo > 0, hi < plain.len()),
    )
}

// ---------------------------------------------------------------------------------------
// Techniques.
// ---------------------------------------------------------------------------------------

/// One search hit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchHit {
    /// The technique.
    #[serde(flatten)]
    pub row: TechniqueRow,
    /// Rank score: the name tier (0 to 6) plus the evidence (a fraction). Higher ranks first.
    pub score: f64,
    /// Where the terms were found: `name`, `parent` (the parent technique's name),
    /// `description`, `procedures`, `linked_names`.
    pub matched_in: Vec<&'static str>,
    /// One line of text around the first match: from the description, else from the best
    /// matching procedure example, else from the linked names.
    pub snippet: String,
    /// Byte ranges of matches inside `snippet`, for highlighting.
    #[serde(skip)]
    pub snippet_marks: Vec<(usize, usize)>,
}

/// Search options beyond the query.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    /// Platform and visibility filters.
    pub filter: TechniqueFilter,
    /// Keep only techniques in this tactic (an index into the knowledge base's tactics).
    pub tactic: Option<u32>,
    /// At most this many hits.
    pub limit: Option<usize>,
}

impl SearchOptions {
    fn accepts(&self, t: &Technique) -> bool {
        self.filter.accepts(t) && self.tactic.is_none_or(|i| t.tactics.contains(&i))
    }
}

/// Where a technique's words were found, from the index.
struct Evidence {
    /// Distinct query words.
    m: usize,
    /// Per field (name, description, linked names, procedures summed per technique): the
    /// frequency of each word in each technique, at `technique * m + word`.
    tf: [Vec<u32>; 4],
    /// Per procedure holding a query word: the frequency of each word.
    procedures: HashMap<u32, Vec<u32>>,
}

const NAME: usize = 0;
const DESCRIPTION: usize = 1;
const LINKED: usize = 2;
const PROCEDURES: usize = 3;

impl Evidence {
    /// The evidence over `n` techniques (the knowledge base's; a damaged index may describe
    /// fewer, never more).
    fn gather(ix: &Index, r: &Ranker, n: usize) -> Evidence {
        let m = r.words.len();
        let mut tf: [Vec<u32>; 4] = std::array::from_fn(|_| vec![0; n * m]);
        let mut procedures: HashMap<u32, Vec<u32>> = HashMap::new();
        for (wi, w) in r.words.iter().enumerate() {
            for word in ix.words_starting(w) {
                for (field, slot) in [
                    (Field::Name, NAME),
                    (Field::Description, DESCRIPTION),
                    (Field::Linked, LINKED),
                ] {
                    for (doc, f) in ix.postings(field, word) {
                        if let Some(c) = tf[slot].get_mut(doc as usize * m + wi) {
                            *c += f;
                        }
                    }
                }
                for (p, f) in ix.postings(Field::Procedure, word) {
                    procedures.entry(p).or_insert_with(|| vec![0; m])[wi] += f;
                    if let Some(proc) = ix.procedure(p)
                        && (proc.technique as usize) < n
                    {
                        tf[PROCEDURES][proc.technique as usize * m + wi] += f;
                    }
                }
            }
        }
        Evidence { m, tf, procedures }
    }

    fn tf(&self, field: usize, t: u32) -> &[u32] {
        let at = t as usize * self.m;
        &self.tf[field][at..at + self.m]
    }

    /// Techniques holding a word in each field: the document frequencies.
    fn df(&self, field: usize, n: usize) -> Vec<usize> {
        (0..self.m)
            .map(|w| {
                (0..n)
                    .filter(|&t| self.tf[field][t * self.m + w] > 0)
                    .count()
            })
            .collect()
    }
}

/// Which fields of a technique hold a term.
#[derive(Debug, Clone, Copy, Default)]
struct Found {
    name: bool,
    former: bool,
    parent: bool,
    description: bool,
    procedures: bool,
    linked: bool,
}

impl Found {
    fn any(self) -> bool {
        self.name
            || self.former
            || self.parent
            || self.description
            || self.procedures
            || self.linked
    }

    fn or(self, o: Found) -> Found {
        Found {
            name: self.name || o.name,
            former: self.former || o.former,
            parent: self.parent || o.parent,
            description: self.description || o.description,
            procedures: self.procedures || o.procedures,
            linked: self.linked || o.linked,
        }
    }

    fn fields(self) -> Vec<&'static str> {
        [
            (self.name, "name"),
            (self.former, "former_name"),
            (self.parent, "parent"),
            (self.description, "description"),
            (self.procedures, "procedures"),
            (self.linked, "linked_names"),
        ]
        .into_iter()
        .filter(|f| f.0)
        .map(|f| f.1)
        .collect()
    }
}

/// A technique that matched, before its row and snippet are made.
struct Ranked {
    technique: u32,
    score: f64,
    found: Found,
}

/// Per-query state for ranking techniques.
struct TechniqueSearch<'a, 'q> {
    kb: &'a KnowledgeBase,
    ix: Index<'a>,
    r: Ranker<'q>,
    ev: Evidence,
    idf: [Vec<f64>; 4],
    avg: [f64; 4],
    /// Procedure numbers holding words of the query, sorted.
    procs: Vec<u32>,
    /// The mean length of a procedure example.
    procedure_avg: f64,
    /// Revoked techniques by the technique that replaced them (following chains), sorted:
    /// their names are former names of the replacement.
    former: Vec<(u32, u32)>,
}

impl<'a, 'q> TechniqueSearch<'a, 'q> {
    fn new(kb: &'a KnowledgeBase, query: &'q Query) -> TechniqueSearch<'a, 'q> {
        let ix = kb.search_index();
        let mut r = Ranker::new(query);
        let n = kb.techniques.len();
        let ev = Evidence::gather(&ix, &r, n);
        let rarity: [Vec<f64>; 4] =
            std::array::from_fn(|f| ev.df(f, n).into_iter().map(|df| idf(n, df)).collect());
        // A word's rarity among names and descriptions weighs it in name coverage.
        let both = (0..ev.m)
            .map(|w| {
                let df = (0..n)
                    .filter(|&t| ev.tf[NAME][t * ev.m + w] + ev.tf[DESCRIPTION][t * ev.m + w] > 0)
                    .count();
                idf(n, df)
            })
            .collect();
        r.set_weights(both);
        let mean = |len: &dyn Fn(u32) -> u32| {
            let (sum, count) = (0..n as u32)
                .map(len)
                .filter(|&l| l > 0)
                .fold((0u64, 0u64), |(s, c), l| (s + u64::from(l), c + 1));
            if count == 0 {
                0.0
            } else {
                sum as f64 / count as f64
            }
        };
        let avg = [
            mean(&|t| ix.length(Field::Name, t)),
            mean(&|t| ix.length(Field::Description, t)),
            mean(&|t| ix.length(Field::Linked, t)),
            mean(&|t| ix.procedures_length(t)),
        ];
        let mut procs: Vec<u32> = ev.procedures.keys().copied().collect();
        procs.sort_unstable();
        let np = ix.procedures();
        let procedure_avg = if np == 0 {
            0.0
        } else {
            (0..np as u32)
                .map(|p| f64::from(ix.length(Field::Procedure, p)))
                .sum::<f64>()
                / np as f64
        };
        TechniqueSearch {
            kb,
            ix,
            r,
            ev,
            idf: rarity,
            avg,
            procs,
            procedure_avg,
            former: former_names(kb),
        }
    }

    /// Whether every word of term `t` occurs in a field of technique `i`.
    fn words_in(&self, field: usize, i: u32, term: usize) -> bool {
        let tf = self.ev.tf(field, i);
        self.r.terms[term].iter().all(|&w| tf[w] > 0)
    }

    /// Procedures of technique `i` holding every word of term `t`.
    fn procedures_with(&self, i: u32, term: usize) -> impl Iterator<Item = u32> + '_ {
        let range = self.ix.procedures_of(i);
        let lo = self.procs.partition_point(|&p| p < range.start);
        let hi = self.procs.partition_point(|&p| p < range.end);
        self.procs[lo..hi].iter().copied().filter(move |p| {
            let tf = &self.ev.procedures[p];
            self.r.terms[term].iter().all(|&w| tf[w] > 0)
        })
    }

    fn procedure_words(&self, p: u32) -> String {
        self.ix
            .procedure(p)
            .map(|pr| plain_text::plain(self.kb.edge_texts.get(pr.text as usize)))
            .unwrap_or_default()
    }

    /// Where each term occurs in technique `i`, or `None` when one does not occur at all.
    /// A one-word term is looked up in the index; a phrase is checked in the text.
    fn find(&self, i: u32, names: &Names) -> Option<Found> {
        let mut all = Found::default();
        for t in 0..self.r.terms.len() {
            let single = self.r.terms[t].len() == 1;
            let mut f = Found {
                name: self.r.term_in(t, &names.own),
                former: names.former.iter().any(|n| self.r.term_in(t, n)),
                parent: names.parent.as_ref().is_some_and(|p| self.r.term_in(t, p)),
                ..Found::default()
            };
            if self.words_in(DESCRIPTION, i, t) {
                f.description = single || {
                    let plain = plain_text::plain(&self.kb.techniques[i as usize].meta.description);
                    self.r.term_in(t, &plain_text::words(&plain).collect())
                };
            }
            if self.words_in(LINKED, i, t) {
                f.linked = single
                    || self
                        .r
                        .term_in(t, &plain_text::words(self.ix.linked_names(i)).collect());
            }
            if self.words_in(PROCEDURES, i, t) {
                f.procedures = single
                    || self.procedures_with(i, t).any(|p| {
                        let plain = self.procedure_words(p);
                        self.r.term_in(t, &plain_text::words(&plain).collect())
                    });
            }
            if !f.any() {
                return None;
            }
            all = all.or(f);
        }
        Some(all)
    }

    /// Ranks technique `i`, if it matches.
    /// The revoked techniques technique `i` replaced.
    fn former_of(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let lo = self.former.partition_point(|&(r, _)| r < i);
        self.former[lo..]
            .iter()
            .take_while(move |&&(r, _)| r == i)
            .map(|&(_, f)| f)
    }

    /// Whether every word of every term occurs somewhere in technique `i` (a cheap test
    /// before its names and text are read).
    fn could_match(&self, i: u32) -> bool {
        let parent = self.kb.techniques[i as usize].parent;
        let mut fields: Vec<&[u32]> = [NAME, DESCRIPTION, LINKED, PROCEDURES]
            .map(|f| self.ev.tf(f, i))
            .to_vec();
        fields.extend(parent.map(|p| self.ev.tf(NAME, p)));
        fields.extend(self.former_of(i).map(|f| self.ev.tf(NAME, f)));
        (0..self.ev.m).all(|w| fields.iter().any(|tf| tf[w] > 0))
    }

    /// Whether one of technique `i`'s names, its words run together, is the query's words
    /// run together (`Side-Loading` for `sideloading`).
    fn named_joined(&self, i: u32) -> bool {
        let t = &self.kb.techniques[i as usize];
        let name = |j: u32| self.kb.techniques[j as usize].meta.name.as_str();
        let joined = self.r.joined.as_str();
        joined_equals(&[&t.meta.name], joined)
            || t.parent
                .is_some_and(|p| joined_equals(&[name(p), &t.meta.name], joined))
            || self.former_of(i).any(|f| joined_equals(&[name(f)], joined))
    }

    fn rank(&self, i: u32) -> Option<Ranked> {
        let joined = self.named_joined(i);
        if !joined && !self.could_match(i) {
            return None;
        }
        let t = &self.kb.techniques[i as usize];
        let names = Names {
            own: plain_text::words(&t.meta.name).collect(),
            parent: t
                .parent
                .map(|p| plain_text::words(&self.kb.techniques[p as usize].meta.name).collect()),
            former: self
                .former_of(i)
                .map(|f| plain_text::words(&self.kb.techniques[f as usize].meta.name).collect())
                .collect(),
        };
        let found = match self.find(i, &names) {
            Some(f) => f,
            // Its name, run together, is the query: found in the name, word for word or not.
            None if joined => Found {
                name: true,
                ..Found::default()
            },
            None => return None,
        };
        let own = NameMatch::of(&names.own, &self.r);
        let par = names
            .parent
            .as_ref()
            .map(|p| NameMatch::of(p, &self.r))
            .unwrap_or_default();
        let former = NameMatch::best(names.former.iter().map(|n| NameMatch::of(n, &self.r)));
        let full_exact = names.parent.as_ref().is_some_and(|parent| {
            let full: Vec<&str> = parent.iter().chain(&names.own).map(|w| &*w.2).collect();
            (full.len() == self.r.flat.len() && full.iter().zip(&self.r.flat).all(|(a, b)| a == b))
                || full.concat() == self.r.joined
        });
        let mut tier = own.level.tier();
        if full_exact {
            tier = NameLevel::Exact.tier();
        }
        // A former name or the parent's name ranks one step below the same match of the
        // technique's own name.
        for other in [par, former] {
            if other.level > NameLevel::Partial {
                tier = tier.max(other.level.tier() - 1);
            }
        }
        // Other names stand in for the technique's own at a discount, never on top: a child
        // must not outrank its parent by matching both names.
        let mut evidence = W_NAME
            * own
                .strength()
                .max(PARENT_SHARE * par.strength())
                .max(FORMER_SHARE * former.strength());
        let d = self.ev.tf(DESCRIPTION, i);
        evidence += W_DESCRIPTION
            * Ranker::bm25(
                d,
                self.ix.length(Field::Description, i),
                self.avg[DESCRIPTION],
                &self.idf[DESCRIPTION],
            );
        if self.r.flat.len() > 1 && d.iter().filter(|&&f| f > 0).count() > 1 {
            let plain = plain_text::plain(&t.meta.description);
            let (phrase, near) = self.r.closeness(&plain_text::words(&plain).collect());
            evidence += W_PHRASE * phrase + W_PROXIMITY * near;
        }
        evidence += W_PROCEDURES
            * Ranker::bm25(
                self.ev.tf(PROCEDURES, i),
                self.ix.procedures_length(i),
                self.avg[PROCEDURES],
                &self.idf[PROCEDURES],
            );
        evidence += W_LINKED
            * Ranker::bm25(
                self.ev.tf(LINKED, i),
                self.ix.length(Field::Linked, i),
                self.avg[LINKED],
                &self.idf[LINKED],
            );
        Some(Ranked {
            technique: i,
            score: score(tier, evidence),
            found,
        })
    }

    /// The procedure example of technique `i` that matches the query best (BM25 over
    /// procedures, then the most terms, then the first).
    fn best_procedure(&self, i: u32) -> Option<u32> {
        let range = self.ix.procedures_of(i);
        let lo = self.procs.partition_point(|&p| p < range.start);
        let hi = self.procs.partition_point(|&p| p < range.end);
        let mut best: Option<(f64, u32)> = None;
        for &p in &self.procs[lo..hi] {
            let tf = &self.ev.procedures[&p];
            let s = Ranker::bm25(
                tf,
                self.ix.length(Field::Procedure, p),
                self.procedure_avg,
                &self.idf[PROCEDURES],
            );
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, p));
            }
        }
        best.map(|(_, p)| p)
    }

    fn hit(&self, r: &Ranked) -> SearchHit {
        let t = &self.kb.techniques[r.technique as usize];
        let (snippet, snippet_marks) =
            if r.found.description || !(r.found.procedures || r.found.linked) {
                snippet_of(&plain_text::plain(&t.meta.description), self.r.query)
            } else if let Some(p) = r
                .found
                .procedures
                .then(|| self.best_procedure(r.technique))
                .flatten()
            {
                snippet_of(&self.procedure_words(p), self.r.query)
            } else {
                snippet_of(self.ix.linked_names(r.technique), self.r.query)
            };
        SearchHit {
            row: TechniqueRow::new(self.kb, t),
            score: rounded(r.score),
            matched_in: r.found.fields(),
            snippet,
            snippet_marks,
        }
    }
}

/// Whether the letters and digits of `parts`, lower-cased and run together, are `joined`.
fn joined_equals(parts: &[&str], joined: &str) -> bool {
    let mut want = joined.chars();
    parts
        .iter()
        .flat_map(|p| p.chars())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(plain_text::fold)
        .all(|c| want.next() == Some(c))
        && want.next().is_none()
}

/// A technique's names, as words.
struct Names<'a> {
    own: Words<'a>,
    parent: Option<Words<'a>>,
    former: Vec<Words<'a>>,
}

/// (replacement, revoked technique) for every revoked technique with a replacement, sorted.
fn former_names(kb: &KnowledgeBase) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = kb
        .techniques
        .iter()
        .enumerate()
        .filter(|(_, t)| t.meta.revoked)
        .filter_map(|(i, t)| {
            let mut cur = t.revoked_by?;
            for _ in 0..16 {
                match kb.techniques[cur as usize].revoked_by {
                    Some(next) if kb.techniques[cur as usize].meta.revoked => cur = next,
                    _ => break,
                }
            }
            (cur as usize != i).then_some((cur, i as u32))
        })
        .collect();
    v.sort_unstable();
    v
}

/// Runs a search over techniques. Hits are ranked; the limit applies after ranking.
#[must_use]
pub fn search(kb: &KnowledgeBase, query: &Query, opts: &SearchOptions) -> Vec<SearchHit> {
    let s = TechniqueSearch::new(kb, query);
    let mut ranked: Vec<Ranked> = (0..kb.techniques.len() as u32)
        .filter(|&i| {
            kb.techniques
                .get(i as usize)
                .is_some_and(|t| opts.accepts(t))
        })
        .filter_map(|i| s.rank(i))
        .collect();
    ranked.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            cmp_ids(
                &kb.techniques[a.technique as usize].meta.id,
                &kb.techniques[b.technique as usize].meta.id,
            )
        })
    });
    if let Some(n) = opts.limit {
        ranked.truncate(n);
    }
    ranked.iter().map(|r| s.hit(r)).collect()
}

// ---------------------------------------------------------------------------------------
// Procedure examples.
// ---------------------------------------------------------------------------------------

/// The group, software or campaign a procedure example describes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// Its ATT&CK ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `group`, `software` or `campaign`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// One procedure example found by `search --type procedure`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcedureHit {
    /// Who the example is about.
    pub source: SourceRef,
    /// The technique it is an example of.
    pub technique: Ref,
    /// Rank score, as for technique hits: the name tier of the technique's or the source's
    /// name, plus the evidence from the text.
    pub score: f64,
    /// Where the terms were found: `procedure` (the text), `technique` (its name), `source`
    /// (the source's name or an alias).
    pub matched_in: Vec<&'static str>,
    /// One line of the procedure text around the first match.
    pub snippet: String,
    /// Byte ranges of matches inside `snippet`, for highlighting.
    #[serde(skip)]
    pub snippet_marks: Vec<(usize, usize)>,
}

/// A procedure example that matched, before its row and snippet are made.
struct RankedProcedure {
    procedure: u32,
    technique: u32,
    score: f64,
    /// The terms were found in the text, the technique's name, the source's names.
    found: [bool; 3],
}

/// Per-query state for ranking procedure examples.
struct ProcedureSearch<'a, 'q> {
    kb: &'a KnowledgeBase,
    ix: Index<'a>,
    r: Ranker<'q>,
    /// Per procedure: word frequencies in its text, and in its source's names.
    text: HashMap<u32, Vec<u32>>,
    source: HashMap<u32, Vec<u32>>,
    /// Per technique: word frequencies in its name.
    technique: HashMap<u32, Vec<u32>>,
    /// Rarity of each word among procedure texts.
    idf: Vec<f64>,
    /// The mean length of a procedure example.
    avg: f64,
    zero: Vec<u32>,
}

impl<'a, 'q> ProcedureSearch<'a, 'q> {
    fn new(kb: &'a KnowledgeBase, query: &'q Query) -> ProcedureSearch<'a, 'q> {
        let ix = kb.search_index();
        let mut r = Ranker::new(query);
        let m = r.words.len();
        let mut text: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut source: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut technique: HashMap<u32, Vec<u32>> = HashMap::new();
        for (wi, w) in r.words.iter().enumerate() {
            for word in ix.words_starting(w) {
                for (map, field) in [
                    (&mut text, Field::Procedure),
                    (&mut source, Field::Source),
                    (&mut technique, Field::Name),
                ] {
                    for (doc, f) in ix.postings(field, word) {
                        map.entry(doc).or_insert_with(|| vec![0; m])[wi] += f;
                    }
                }
            }
        }
        let n = ix.procedures();
        let idf: Vec<f64> = (0..m)
            .map(|w| idf(n, text.values().filter(|tf| tf[w] > 0).count()))
            .collect();
        r.set_weights(idf.clone());
        let avg = if n == 0 {
            0.0
        } else {
            (0..n as u32)
                .map(|p| f64::from(ix.length(Field::Procedure, p)))
                .sum::<f64>()
                / n as f64
        };
        ProcedureSearch {
            kb,
            ix,
            r,
            text,
            source,
            technique,
            idf,
            avg,
            zero: vec![0; m],
        }
    }

    /// Procedures that may match: those holding a query word in their text or source's
    /// names, and those of techniques whose name holds one. Sorted.
    fn candidates(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .text
            .keys()
            .chain(self.source.keys())
            .copied()
            .collect();
        for &t in self.technique.keys() {
            v.extend(self.ix.procedures_of(t));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    fn text_of(&self, text: u32) -> String {
        plain_text::plain(self.kb.edge_texts.get(text as usize))
    }

    /// Ranks procedure `p`, if it matches and its technique passes the filters.
    fn rank(&self, p: u32, opts: &SearchOptions) -> Option<RankedProcedure> {
        let proc = self.ix.procedure(p)?;
        let t = self.kb.techniques.get(proc.technique as usize)?;
        if !opts.accepts(t) {
            return None;
        }
        let r = &self.r;
        let text_tf = self.text.get(&p).unwrap_or(&self.zero);
        let source_tf = self.source.get(&p).unwrap_or(&self.zero);
        let name_tf = self.technique.get(&proc.technique).unwrap_or(&self.zero);
        // Every word of the query occurs somewhere: the cheap test first.
        if !(0..r.words.len()).all(|w| text_tf[w] + source_tf[w] + name_tf[w] > 0) {
            return None;
        }
        // The text is read only when a phrase must be checked or closeness measured.
        let needs_text = r.flat.len() > 1;
        let plain = if needs_text {
            self.text_of(proc.text)
        } else {
            String::new()
        };
        let words: Words = plain_text::words(&plain).collect();
        let technique_name: Words = plain_text::words(&t.meta.name).collect();
        let mut source_names: Vec<Words> =
            vec![plain_text::words(self.kb.id_and_name(proc.source).1).collect()];
        if source_tf.iter().any(|&f| f > 0) {
            source_names.extend(
                self.kb
                    .aliases(proc.source)
                    .iter()
                    .map(|a| plain_text::words(a).collect()),
            );
        }
        let mut found = [false; 3];
        for term in 0..r.terms.len() {
            let has = |tf: &[u32]| r.terms[term].iter().all(|&w| tf[w] > 0);
            let single = r.terms[term].len() == 1;
            let in_text = has(text_tf) && (single || r.term_in(term, &words));
            let in_technique = has(name_tf) && r.term_in(term, &technique_name);
            let in_source = has(source_tf) && source_names.iter().any(|n| r.term_in(term, n));
            if !(in_text || in_technique || in_source) {
                return None;
            }
            found[0] |= in_text;
            found[1] |= in_technique;
            found[2] |= in_source;
        }
        let tech = NameMatch::of(&technique_name, r);
        let source = NameMatch::best(source_names.iter().map(|n| NameMatch::of(n, r)));
        let tier = tech.level.tier().max(source.level.tier());
        let (phrase, near) = r.closeness(&words);
        let evidence = W_NAME * tech.strength().max(source.strength())
            + W_DESCRIPTION
                * Ranker::bm25(
                    text_tf,
                    self.ix.length(Field::Procedure, p),
                    self.avg,
                    &self.idf,
                )
            + W_PHRASE * phrase
            + W_PROXIMITY * near;
        Some(RankedProcedure {
            procedure: p,
            technique: proc.technique,
            score: score(tier, evidence),
            found,
        })
    }

    fn hit(&self, rp: &RankedProcedure) -> Option<ProcedureHit> {
        let proc = self.ix.procedure(rp.procedure)?;
        let t = self.kb.techniques.get(rp.technique as usize)?;
        let (source_id, source_name) = self.kb.id_and_name(proc.source);
        let (snippet, snippet_marks) = snippet_of(&self.text_of(proc.text), self.r.query);
        Some(ProcedureHit {
            source: SourceRef {
                id: source_id.to_string(),
                name: source_name.to_string(),
                kind: proc.source.kind.name(),
            },
            technique: Ref {
                id: t.meta.id.to_string(),
                name: t.meta.name.to_string(),
            },
            score: rounded(rp.score),
            matched_in: [
                (rp.found[0], "procedure"),
                (rp.found[1], "technique"),
                (rp.found[2], "source"),
            ]
            .into_iter()
            .filter(|f| f.0)
            .map(|f| f.1)
            .collect(),
            snippet,
            snippet_marks,
        })
    }
}

/// Searches the procedure examples: the descriptions of `uses` relationships from groups,
/// software and campaigns to techniques. A procedure example matches when every term occurs
/// in its text, its technique's name or its source's name or aliases; the names rank as
/// names do in technique search, the text as a description. `--tactic` and `--platform`
/// apply to the technique.
#[must_use]
pub fn search_procedures(
    kb: &KnowledgeBase,
    query: &Query,
    opts: &SearchOptions,
) -> Vec<ProcedureHit> {
    let s = ProcedureSearch::new(kb, query);
    let ranked: Vec<RankedProcedure> = s
        .candidates()
        .into_iter()
        .filter_map(|p| s.rank(p, opts))
        .collect();
    // Ties go by technique ID, then source ID (each read once, not per comparison).
    let mut keyed: Vec<(&str, &str, RankedProcedure)> = ranked
        .into_iter()
        .map(|r| {
            let source =
                s.ix.procedure(r.procedure)
                    .map_or("", |p| kb.id_and_name(p.source).0);
            (
                kb.techniques[r.technique as usize].meta.id.as_str(),
                source,
                r,
            )
        })
        .collect();
    keyed.sort_by(|a, b| {
        b.2.score
            .total_cmp(&a.2.score)
            .then_with(|| cmp_ids(a.0, b.0))
            .then_with(|| cmp_ids(a.1, b.1))
            .then(a.2.procedure.cmp(&b.2.procedure))
    });
    let mut ranked: Vec<RankedProcedure> = keyed.into_iter().map(|k| k.2).collect();
    if let Some(n) = opts.limit {
        ranked.truncate(n);
    }
    ranked.iter().filter_map(|r| s.hit(r)).collect()
}

// ---------------------------------------------------------------------------------------
// Every other kind.
// ---------------------------------------------------------------------------------------

/// One search hit over any object kind (`search --type` other than `technique`): the common
/// row fields (`id` is null for 17.x data components) around the hit's own.
pub type ObjectHit = Row<ObjectHitFields, Option<String>>;

/// What a hit over any object kind says besides the common row fields.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ObjectHitFields {
    /// Object type (`technique`, `group`, `software`, …).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Rank score, as for technique hits.
    pub score: f64,
    /// Where the terms were found: `name` (aliases count as the name), `description`, and for
    /// techniques as in technique search.
    pub matched_in: Vec<&'static str>,
    /// One line of the description around the first match.
    pub snippet: String,
    /// Byte ranges of matches inside `snippet`, for highlighting.
    #[serde(skip)]
    pub snippet_marks: Vec<(usize, usize)>,
}

impl ObjectHit {
    fn from_technique(h: SearchHit) -> ObjectHit {
        Row {
            id: Some(h.row.id),
            name: h.row.name,
            fields: ObjectHitFields {
                kind: Kind::Technique.name(),
                score: h.score,
                matched_in: h.matched_in,
                snippet: h.snippet,
                snippet_marks: h.snippet_marks,
            },
            revoked: h.row.revoked,
            deprecated: h.row.deprecated,
        }
    }
}

/// Searches names, aliases and descriptions of every object of the given kinds, ranked by the
/// same rules as technique search (aliases count as names; rarity is measured within each
/// kind). Techniques are searched as by [`search`], so a mixed list orders every kind by one
/// score.
#[must_use]
pub fn search_objects(
    kb: &KnowledgeBase,
    query: &Query,
    kinds: &[Kind],
    vis: Visibility,
    limit: Option<usize>,
) -> Vec<ObjectHit> {
    let mut hits: Vec<(f64, ObjectHit)> = Vec::new();
    for &k in kinds {
        if k == Kind::Technique {
            let opts = SearchOptions {
                filter: TechniqueFilter {
                    visibility: vis,
                    ..TechniqueFilter::default()
                },
                ..SearchOptions::default()
            };
            let s = TechniqueSearch::new(kb, query);
            for i in 0..kb.techniques.len() as u32 {
                if opts.accepts(&kb.techniques[i as usize])
                    && let Some(r) = s.rank(i)
                {
                    hits.push((r.score, ObjectHit::from_technique(s.hit(&r))));
                }
            }
            continue;
        }
        hits.extend(search_kind(kb, query, k, vis));
    }
    hits.sort_by(|a, b| {
        b.0.total_cmp(&a.0).then_with(|| {
            cmp_ids(
                a.1.id.as_deref().unwrap_or_default(),
                b.1.id.as_deref().unwrap_or_default(),
            )
        })
    });
    let mut out: Vec<ObjectHit> = hits.into_iter().map(|h| h.1).collect();
    if let Some(n) = limit {
        out.truncate(n);
    }
    out
}

/// An object of a kind other than technique, read for a search.
struct Doc<'a> {
    node: Node,
    plain: String,
    tf: Vec<u32>,
    len: u32,
    names: Vec<Words<'a>>,
}

/// Searches the objects of one kind (not techniques) by name, aliases and description.
fn search_kind(
    kb: &KnowledgeBase,
    query: &Query,
    kind: Kind,
    vis: Visibility,
) -> Vec<(f64, ObjectHit)> {
    let mut r = Ranker::new(query);
    let m = r.words.len();
    let mut docs: Vec<Doc> = Vec::new();
    let mut df = vec![0usize; m];
    let mut total = 0u64;
    let mut count = 0usize;
    for n in kb.nodes(kind) {
        let meta = kb.meta(n);
        let plain = plain_text::plain(&meta.description);
        let mut tf = vec![0u32; m];
        let mut len = 0u32;
        for (_, _, w) in plain_text::words(&plain) {
            len += 1;
            for (i, q) in r.words.iter().enumerate() {
                if w.starts_with(q.as_str()) {
                    tf[i] += 1;
                }
            }
        }
        for (i, &f) in tf.iter().enumerate() {
            df[i] += usize::from(f > 0);
        }
        total += u64::from(len);
        count += 1;
        if !vis.shows(meta) {
            continue;
        }
        let names: Vec<Words> = std::iter::once(meta.name.as_str())
            .chain(kb.aliases(n).iter().map(Str::as_str))
            .map(|s| plain_text::words(s).collect())
            .collect();
        docs.push(Doc {
            node: n,
            plain,
            tf,
            len,
            names,
        });
    }
    let idf_desc: Vec<f64> = df.iter().map(|&d| idf(count, d)).collect();
    r.set_weights(idf_desc.clone());
    let avg = if count == 0 {
        0.0
    } else {
        total as f64 / count as f64
    };
    let mut hits = Vec::new();
    for d in &docs {
        let mut in_name = false;
        let mut in_desc = false;
        let mut desc_words: Option<Words> = None;
        let mut all = true;
        for t in 0..r.terms.len() {
            let n = d.names.iter().any(|n| r.term_in(t, n));
            let has = r.terms[t].iter().all(|&w| d.tf[w] > 0);
            let ds = has && {
                let words = desc_words.get_or_insert_with(|| plain_text::words(&d.plain).collect());
                r.term_in(t, words)
            };
            if !(n || ds) {
                all = false;
                break;
            }
            in_name |= n;
            in_desc |= ds;
        }
        if !all {
            continue;
        }
        let name = NameMatch::best(d.names.iter().map(|n| NameMatch::of(n, &r)));
        let mut evidence =
            W_NAME * name.strength() + W_DESCRIPTION * Ranker::bm25(&d.tf, d.len, avg, &idf_desc);
        if r.flat.len() > 1 && d.tf.iter().filter(|&&f| f > 0).count() > 1 {
            let words = desc_words.get_or_insert_with(|| plain_text::words(&d.plain).collect());
            let (phrase, near) = r.closeness(words);
            evidence += W_PHRASE * phrase + W_PROXIMITY * near;
        }
        let s = score(name.level.tier(), evidence);
        let meta = kb.meta(d.node);
        let (snippet, snippet_marks) = snippet_of(&d.plain, query);
        let mut matched_in = Vec::new();
        if in_name {
            matched_in.push("name");
        }
        if in_desc {
            matched_in.push("description");
        }
        hits.push((
            s,
            ObjectHit::of(
                meta,
                ObjectHitFields {
                    kind: kind.name(),
                    score: rounded(s),
                    matched_in,
                    snippet,
                    snippet_marks,
                },
            ),
        ));
    }
    hits
}

// ---------------------------------------------------------------------------------------
// How hits look.
// ---------------------------------------------------------------------------------------

impl TableRow for ObjectHit {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "Name", "Type", "Snippet"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.id.as_deref().unwrap_or_default().into(),
            self.name_with_status(),
            self.fields.kind.into(),
            Cell {
                text: self.fields.snippet.clone(),
                marks: self.fields.snippet_marks.clone(),
                ..Cell::default()
            },
        ]
    }
}

impl TableRow for SearchHit {
    fn headers() -> Vec<&'static str> {
        vec!["ID", "Name", "Tactics", "Snippet"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.row.id.as_str().into(),
            self.row.name_with_status(),
            self.row.fields.tactics.join(", ").into(),
            Cell {
                text: self.snippet.clone(),
                marks: self.snippet_marks.clone(),
                ..Cell::default()
            },
        ]
    }
}

impl TableRow for ProcedureHit {
    fn headers() -> Vec<&'static str> {
        vec!["Technique", "Source", "Type", "Snippet"]
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            format!("{} {}", self.technique.id, self.technique.name).into(),
            format!("{} {}", self.source.id, self.source.name).into(),
            self.source.kind.into(),
            Cell {
                text: self.snippet.clone(),
                marks: self.snippet_marks.clone(),
                ..Cell::default()
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(args: &[&str]) -> Query {
        Query::parse(&args.iter().map(ToString::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn parses_words_phrases_and_punctuation() {
        assert_eq!(
            q(&["PowerShell", "remote"]).terms,
            vec![vec!["powershell"], vec!["remote"]]
        );
        assert_eq!(
            q(&["lateral movement"]).terms,
            vec![vec!["lateral", "movement"]]
        );
        assert_eq!(
            q(&["\"lateral movement\" smb"]).terms,
            vec![vec!["lateral", "movement"], vec!["smb"]]
        );
        assert_eq!(q(&["cmd.exe"]).terms, vec![vec!["cmd", "exe"]]);
        assert!(q(&["--", "!!"]).is_empty());
    }

    #[test]
    fn word_start_matching() {
        let w: Vec<_> = plain_text::words("Containers and mechanisms; SMS messages").collect();
        assert_eq!(occurrences(&w, &["container".into()]).len(), 1);
        assert_eq!(occurrences(&w, &["sms".into()]).len(), 1);
        assert_eq!(occurrences(&w, &["anisms".into()]).len(), 0);
        assert_eq!(occurrences(&w, &["sms".into(), "mess".into()]).len(), 1);
        assert_eq!(occurrences(&w, &["and".into(), "sms".into()]).len(), 0);
    }

    fn kb() -> &'static KnowledgeBase {
        static KB: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
        KB.get_or_init(crate::query::sample_kb)
    }

    fn find(args: &[&str]) -> Vec<SearchHit> {
        search(kb(), &q(args), &SearchOptions::default())
    }

    /// The name tier: a score's integer part.
    fn tier(score: f64) -> i64 {
        score.floor() as i64
    }

    fn ids(h: &[SearchHit]) -> Vec<&str> {
        h.iter().map(|h| h.row.id.as_str()).collect()
    }

    fn name_match(name: &str, query: &[&str]) -> NameMatch {
        let query = q(query);
        let r = Ranker::new(&query);
        NameMatch::of(&plain_text::words(name).collect(), &r)
    }

    #[test]
    fn name_levels() {
        let level = |name, query: &[&str]| name_match(name, query).level;
        let pi = ["process", "injection"];
        assert_eq!(level("Process Injection", &pi), NameLevel::Exact);
        assert_eq!(
            level("process-injection", &pi),
            NameLevel::Exact,
            "punctuation"
        );
        assert_eq!(
            level("Process Injections", &pi),
            NameLevel::Phrase,
            "word starts"
        );
        assert_eq!(level("Process Injection Tricks", &pi), NameLevel::Phrase);
        assert_eq!(level("Remote Process Injection", &pi), NameLevel::Phrase);
        assert_eq!(level("Injection of a Process", &pi), NameLevel::AllTerms);
        assert_eq!(level("Process Hollowing", &pi), NameLevel::Partial);
        // Spaces and punctuation do not matter either: the words run together are the query.
        assert_eq!(
            level("DLL Side-Loading", &["dll", "sideloading"]),
            NameLevel::Exact
        );
        assert_eq!(level("ProcessInjection", &pi), NameLevel::Exact);
        assert_eq!(
            level("Side Loading Plus", &["sideloading"]),
            NameLevel::Partial
        );
        // A quoted phrase must stay a phrase to count as every term.
        assert_eq!(
            level("Injection of a Process", &["\"process injection\""]),
            NameLevel::Partial
        );
        assert!(NameLevel::Exact.tier() > NameLevel::Phrase.tier());
        assert!(NameLevel::Phrase.tier() > NameLevel::AllTerms.tier());
        assert_eq!(NameLevel::Partial.tier(), 0);
    }

    #[test]
    fn name_strength_prefers_whole_words_short_names_and_order() {
        let s = |name, query: &[&str]| name_match(name, query).strength();
        // A whole word covers more than the start of a longer one.
        assert!(s("Temp Files", &["temp"]) > s("Template Files", &["temp"]));
        // The more of the name the query covers, the stronger.
        assert!(
            s("Remote Access", &["remote", "access"])
                > s("Remote Access Tools", &["remote", "access"])
        );
        // Query words in a row in the name beat the same words apart.
        assert!(
            s("Remote Access Kit", &["remote", "access", "software"])
                > s("Remote Desktop Access", &["remote", "access", "software"])
        );
        assert!(s("Process Hollowing", &["injection"]).abs() < f64::EPSILON);
    }

    #[test]
    fn bm25_grows_with_occurrences_and_shrinks_with_length() {
        let idf = [1.0];
        let one = Ranker::bm25(&[1], 100, 100.0, &idf);
        let three = Ranker::bm25(&[3], 100, 100.0, &idf);
        let long = Ranker::bm25(&[3], 400, 100.0, &idf);
        assert!(0.0 < one && one < three && three < 1.0);
        assert!(long < three);
        assert!(Ranker::bm25(&[0], 100, 100.0, &idf).abs() < f64::EPSILON);
        // A rare word weighs more than a common one.
        assert!(idf_of(835, 3) > idf_of(835, 400));
        // Two words: the rarer one found counts more.
        let w = [idf_of(835, 3), idf_of(835, 400)];
        assert!(Ranker::bm25(&[1, 0], 100, 100.0, &w) > Ranker::bm25(&[0, 1], 100, 100.0, &w));
    }

    fn idf_of(docs: usize, df: usize) -> f64 {
        idf(docs, df)
    }

    #[test]
    fn phrase_and_proximity_count() {
        let query = q(&["job", "table"]);
        let r = Ranker::new(&query);
        let close = |t: &str| r.closeness(&plain_text::words(t).collect());
        assert_eq!(close("a job table line"), (0.5, 1.0));
        assert_eq!(close("a job table and a job table"), (0.75, 1.0));
        assert_eq!(close("the job in a table"), (0.0, 1.0), "three words apart");
        assert_eq!(close("the job sits far away in one table"), (0.0, 0.0));
        assert_eq!(close("table of a job"), (0.0, 0.0), "in order only");
        let one = q(&["job"]);
        assert_eq!(
            Ranker::new(&one).closeness(&plain_text::words("job job").collect()),
            (0.0, 0.0)
        );
    }

    #[test]
    fn own_exact_name_then_the_parents_then_phrases() {
        let h = find(&["scripted", "launch"]);
        assert_eq!(ids(&h), ["T1059", "T1059.001", "T1059.004"]);
        assert_eq!(tier(h[0].score), 6);
        assert_eq!(tier(h[1].score), 5);
        assert_eq!(h[1].matched_in, ["parent", "description"]);
        assert!(h[2].matched_in.contains(&"parent"));
        // Run together, the name is still the query, even though no word matches alone.
        let h = find(&["scriptedlaunch"]);
        assert_eq!(ids(&h), ["T1059"]);
        assert_eq!(tier(h[0].score), 6);
        assert_eq!(h[0].matched_in, ["name"]);
        // "Timed Job Planting: Recurring Table Entry" is the sub-technique's full name.
        let h = find(&["timed", "job", "planting", "recurring", "table", "entry"]);
        assert_eq!(h[0].row.id, "T1053.003");
        assert_eq!(tier(h[0].score), 6);
        // The phrase in a name ranks above every description match.
        let h = find(&["job", "planting"]);
        assert_eq!(h[0].row.id, "T1053");
        assert_eq!(tier(h[0].score), 4);
        assert!(h[1..].iter().all(|h| h.score < 4.0));
    }

    #[test]
    fn former_names_rank_one_step_below_own_names() {
        let h = find(&["managed", "shell", "scripting"]);
        assert_eq!(h[0].row.id, "T1059.001");
        assert_eq!(tier(h[0].score), 5);
        assert!(h[0].matched_in.contains(&"former_name"));
        // T1168 "Local Job Planting" was replaced by T1053.
        let h = find(&["local", "job", "planting"]);
        assert_eq!(ids(&h), ["T1053"]);
        assert_eq!(tier(h[0].score), 5);
        let revoked = search(
            kb(),
            &q(&["local", "job", "planting"]),
            &SearchOptions {
                filter: TechniqueFilter {
                    visibility: Visibility {
                        include_revoked: true,
                        include_deprecated: false,
                    },
                    ..TechniqueFilter::default()
                },
                ..SearchOptions::default()
            },
        );
        assert_eq!(ids(&revoked), ["T1168", "T1053"]);
        assert_eq!(tier(revoked[0].score), 6);
    }

    #[test]
    fn linked_text_counts_at_lower_weight() {
        // Only a procedure example of T1497 says "hypervisor"; its snippet comes from there.
        let h = find(&["hypervisor"]);
        assert_eq!(ids(&h), ["T1497"]);
        assert_eq!(h[0].matched_in, ["procedures"]);
        let (a, b) = h[0].snippet_marks[0];
        assert_eq!(&h[0].snippet[a..b], "hypervisor");
        // "shell": names first, then descriptions, then what only linked text mentions.
        let h = find(&["shell"]);
        let first_linked_only = h
            .iter()
            .position(|h| {
                !h.matched_in
                    .iter()
                    .any(|m| ["name", "former_name", "parent", "description"].contains(m))
            })
            .unwrap_or(h.len());
        assert!(
            h[first_linked_only..]
                .iter()
                .all(|x| x.score < h[first_linked_only - 1].score)
        );
        // A technique's own description outweighs another's procedure examples.
        let own = find(&["dormant"]);
        assert_eq!(ids(&own), ["T1497"]);
    }

    #[test]
    fn procedure_search_ranks_names_then_text() {
        let opts = SearchOptions::default();
        let h = search_procedures(kb(), &q(&["tallow"]), &opts);
        assert_eq!(h.len(), 3);
        assert!(h.iter().all(|p| p.source.id == "S0902" && p.score >= 6.0));
        let h = search_procedures(kb(), &q(&["\"job table\""]), &opts);
        assert_eq!(h.len(), 2);
        assert!(h.iter().all(|p| p.matched_in == ["procedure"]));
        let (a, b) = h[0].snippet_marks[0];
        assert_eq!(&h[0].snippet[a..b], "job table");
        // Ties in score go by technique ID, then source ID.
        let h = search_procedures(kb(), &q(&["during"]), &opts);
        assert!(h.len() >= 4);
        for w in h.windows(2) {
            assert!(w[0].score >= w[1].score);
            if (w[0].score - w[1].score).abs() < f64::EPSILON {
                let key = |p: &ProcedureHit| (p.technique.id.clone(), p.source.id.clone());
                let (a, b) = (key(&w[0]), key(&w[1]));
                assert_ne!(
                    cmp_ids(&a.0, &b.0).then_with(|| cmp_ids(&a.1, &b.1)),
                    std::cmp::Ordering::Greater
                );
            }
        }
    }

    #[test]
    fn snippet_is_one_line_around_the_match() {
        let text = "First line.\nSecond line talks about many unrelated things before it finally mentions the target word here, and then goes on for quite a while longer after it so the window must cut, because a snippet is one line of about one hundred and sixty characters, never the whole text.";
        let pos = text.find("target").unwrap();
        let (s, m) = snippet(
            text,
            Some((pos, pos + 6)),
            &[(pos, pos + 6)],
            (false, false),
        );
        assert!(!s.contains('\n'));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(&s[m[0].0..m[0].1], "target");
    }
}
