//! `attck search`: whole-word / word-start matching over names and descriptions, ranked.
//!
//! A query is a list of terms; a term is a word or a phrase (several words in a row). A
//! technique matches when every term occurs in its name or its plain-text description, each
//! word of a term matching a whole word or the start of one (`container` finds "containers",
//! `sms` does not find "mechanisms"). Ranking: a match in the name first, then the number of
//! occurrences, then the ID.

use serde::Serialize;

use super::list::Row;
use super::tactic_techniques::TechniqueFilter;
use super::technique::TechniqueRow;
use super::{Cell, TableRow};
use crate::model::{Kind, KnowledgeBase, Technique, Visibility, cmp_ids, plain_text};

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

/// One search hit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchHit {
    /// The technique.
    #[serde(flatten)]
    pub row: TechniqueRow,
    /// Rank score: 1 + a fraction when the name matches, the fraction alone otherwise;
    /// the fraction grows with the number of occurrences. Higher ranks first.
    pub score: f64,
    /// Where the terms were found: `name`, `description`, or both.
    pub matched_in: Vec<&'static str>,
    /// One line of the description around the first match.
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

fn snippet(
    plain: &str,
    first: Option<(usize, usize)>,
    marks: &[(usize, usize)],
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
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < flat.len() { "…" } else { "" };
    let shift = prefix.len();
    let s = format!("{prefix}{body}{suffix}");
    let in_snippet = marks
        .iter()
        .filter(|&&(a, b)| a >= start && b <= start + body.len())
        .map(|&(a, b)| (a - start + shift, b - start + shift))
        .collect();
    (s, in_snippet)
}

struct Scored {
    in_name: bool,
    in_desc: bool,
    count: usize,
    marks: Vec<(usize, usize)>,
    plain: String,
}

fn score_hit(t: &Technique, query: &Query) -> Option<Scored> {
    score_text(&t.meta.name, &[], &t.meta.description, query)
}

/// Scores a name, its aliases (counted as the name) and a description against a query.
fn score_text(
    name: &str,
    aliases: &[crate::model::Str],
    description: &str,
    query: &Query,
) -> Option<Scored> {
    let name_words: Vec<_> = plain_text::words(name).collect();
    let alias_words: Vec<Vec<_>> = aliases
        .iter()
        .map(|a| plain_text::words(a).collect())
        .collect();
    let plain = plain_text::plain(description);
    let desc_words: Vec<_> = plain_text::words(&plain).collect();
    let mut in_name = false;
    let mut in_desc = false;
    let mut count = 0;
    let mut marks = Vec::new();
    for term in &query.terms {
        let mut n = occurrences(&name_words, term);
        if n.is_empty() {
            n = alias_words
                .iter()
                .map(|w| occurrences(w, term))
                .find(|o| !o.is_empty())
                .unwrap_or_default();
        }
        let d = occurrences(&desc_words, term);
        if n.is_empty() && d.is_empty() {
            return None;
        }
        in_name |= !n.is_empty();
        in_desc |= !d.is_empty();
        count += n.len() + d.len();
        marks.extend(d);
    }
    marks.sort_unstable();
    Some(Scored {
        in_name,
        in_desc,
        count,
        marks,
        plain,
    })
}

/// Runs a search. Hits are ranked; the limit applies after ranking.
#[must_use]
pub fn search(kb: &KnowledgeBase, query: &Query, opts: &SearchOptions) -> Vec<SearchHit> {
    let mut hits: Vec<(bool, usize, SearchHit)> = kb
        .techniques
        .iter()
        .filter(|t| opts.filter.accepts(t) && opts.tactic.is_none_or(|i| t.tactics.contains(&i)))
        // Cheap and exact for the first word of each term: skip techniques that cannot match
        // before tokenising their descriptions.
        .filter(|t| {
            query.terms.iter().all(|term| {
                term.first()
                    .is_none_or(|w| plain_text::has_word_start(&t.search_text, w))
            })
        })
        .filter_map(|t| {
            let Scored {
                in_name,
                in_desc,
                count,
                marks,
                plain,
            } = score_hit(t, query)?;
            let mut matched_in = Vec::new();
            if in_name {
                matched_in.push("name");
            }
            if in_desc {
                matched_in.push("description");
            }
            let (snippet, snippet_marks) = snippet(&plain, marks.first().copied(), &marks);
            let score = f64::from(u8::from(in_name)) + count as f64 / (count as f64 + 1.0);
            let score = (score * 1000.0).round() / 1000.0;
            Some((
                in_name,
                count,
                SearchHit {
                    row: TechniqueRow::new(kb, t),
                    score,
                    matched_in,
                    snippet,
                    snippet_marks,
                },
            ))
        })
        .collect();
    hits.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| cmp_ids(&a.2.row.id, &b.2.row.id))
    });
    let mut out: Vec<SearchHit> = hits.into_iter().map(|h| h.2).collect();
    if let Some(n) = opts.limit {
        out.truncate(n);
    }
    out
}

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
    /// Where the terms were found: `name` (aliases count as the name), `description`, or both.
    pub matched_in: Vec<&'static str>,
    /// One line of the description around the first match.
    pub snippet: String,
    /// Byte ranges of matches inside `snippet`, for highlighting.
    #[serde(skip)]
    pub snippet_marks: Vec<(usize, usize)>,
}

/// Searches names, aliases and descriptions of every object of the given kinds. Ranked like
/// technique search: a name or alias match first, then the number of occurrences, then the ID.
#[must_use]
pub fn search_objects(
    kb: &KnowledgeBase,
    query: &Query,
    kinds: &[Kind],
    vis: Visibility,
    limit: Option<usize>,
) -> Vec<ObjectHit> {
    let mut hits: Vec<(bool, usize, ObjectHit)> = Vec::new();
    for &k in kinds {
        for n in kb.nodes(k) {
            let m = kb.meta(n);
            if !vis.shows(m) {
                continue;
            }
            let Some(Scored {
                in_name,
                in_desc,
                count,
                marks,
                plain,
            }) = score_text(&m.name, kb.aliases(n), &m.description, query)
            else {
                continue;
            };
            let mut matched_in = Vec::new();
            if in_name {
                matched_in.push("name");
            }
            if in_desc {
                matched_in.push("description");
            }
            let (snippet, snippet_marks) = snippet(&plain, marks.first().copied(), &marks);
            let score = f64::from(u8::from(in_name)) + count as f64 / (count as f64 + 1.0);
            hits.push((
                in_name,
                count,
                ObjectHit::of(
                    m,
                    ObjectHitFields {
                        kind: n.kind.name(),
                        score: (score * 1000.0).round() / 1000.0,
                        matched_in,
                        snippet,
                        snippet_marks,
                    },
                ),
            ));
        }
    }
    hits.sort_by(|a, b| {
        b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| {
            cmp_ids(
                a.2.id.as_deref().unwrap_or_default(),
                b.2.id.as_deref().unwrap_or_default(),
            )
        })
    });
    let mut out: Vec<ObjectHit> = hits.into_iter().map(|h| h.2).collect();
    if let Some(n) = limit {
        out.truncate(n);
    }
    out
}

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

    #[test]
    fn snippet_is_one_line_around_the_match() {
        let text = "First line.\nSecond line talks about many unrelated things before it finally mentions the target word here, and then goes on for quite a while longer after it so the window must cut, because a snippet is one line of about one hundred and sixty characters, never the whole text.";
        let pos = text.find("target").unwrap();
        let (s, m) = snippet(text, Some((pos, pos + 6)), &[(pos, pos + 6)]);
        assert!(!s.contains('\n'));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(&s[m[0].0..m[0].1], "target");
    }
}
