//! The scalars of a YAML document that a rule format reads, each with its path of keys and
//! where it is in the file, from one pass of `saphyr-parser`'s events (no tree is built).

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{Lines, ParseError};

/// One step of a path: a mapping key or a sequence position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// The value of this key.
    Key(String),
    /// The item at this position.
    Index(usize),
}

/// A scalar value the reader kept.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// The keys and positions leading to it, from the document's root.
    pub path: Vec<Seg>,
    /// Its value (quotes and escapes resolved).
    pub value: String,
    /// Its bytes in the file, quotes included.
    pub start: usize,
    /// End of its bytes (exclusive).
    pub end: usize,
    /// Whether it is a block scalar (`|` or `>`), whose value is not its source text.
    pub block: bool,
}

impl Scalar {
    /// Whether the path is exactly these keys, `*` standing for any sequence position.
    #[must_use]
    pub fn at(&self, keys: &[&str]) -> bool {
        self.path.len() == keys.len()
            && self.path.iter().zip(keys).all(|(s, k)| match s {
                Seg::Key(name) => name == k,
                Seg::Index(_) => *k == "*",
            })
    }

    /// The sequence position at path step `i`, if it is one.
    #[must_use]
    pub fn index_at(&self, i: usize) -> Option<usize> {
        match self.path.get(i) {
            Some(Seg::Index(n)) => Some(*n),
            _ => None,
        }
    }
}

/// What a YAML file holds, as far as rule formats are concerned.
#[derive(Debug, Default)]
pub struct Doc {
    /// The keys of the root mappings of every document, in order.
    pub root_keys: Vec<String>,
    /// The scalars under the root keys `keep` accepted, in order.
    pub scalars: Vec<Scalar>,
}

impl Doc {
    /// Whether a root mapping has this key.
    #[must_use]
    pub fn has_key(&self, key: &str) -> bool {
        self.root_keys.iter().any(|k| k == key)
    }

    /// The first scalar at exactly this path.
    #[must_use]
    pub fn first(&self, keys: &[&str]) -> Option<&Scalar> {
        self.scalars.iter().find(|s| s.at(keys))
    }
}

enum Frame {
    /// A mapping; `key` is the key whose value comes next, or `None` while a key is awaited.
    Map { key: Option<String> },
    /// A sequence; the position of the next item.
    Seq { next: usize },
}

/// Reads every document of `text`, keeping the scalars whose root key `keep` accepts (and
/// the root keys themselves). A syntax error is returned with its line and column.
pub fn read(text: &str, lines: &Lines, keep: &dyn Fn(&str) -> bool) -> Result<Doc, ParseError> {
    let mut doc = Doc::default();
    let mut stack: Vec<Frame> = Vec::new();
    // The path of the value being read: one step per frame below the top one.
    let mut path: Vec<Seg> = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| ParseError {
            message: e.info().to_string(),
            line: e.marker().line(),
            col: e.marker().col() + 1,
        })?;
        match ev {
            Event::Scalar(value, style, _, _) => {
                let depth = stack.len();
                if let Some(Frame::Map { key }) = stack.last_mut()
                    && key.is_none()
                {
                    if depth == 1 {
                        doc.root_keys.push(value.to_string());
                    }
                    *key = Some(value.into_owned());
                    continue;
                }
                let step = current_step(&stack);
                let kept = match (path.first(), &step) {
                    (Some(Seg::Key(root)), _) | (None, Some(Seg::Key(root))) => keep(root),
                    _ => false,
                };
                if kept {
                    let mut p = path.clone();
                    p.extend(step);
                    let (start, end) = byte_span(lines, span);
                    doc.scalars.push(Scalar {
                        path: p,
                        value: value.into_owned(),
                        start,
                        end,
                        block: matches!(style, ScalarStyle::Literal | ScalarStyle::Folded),
                    });
                }
                advance(&mut stack);
            }
            Event::Alias(_) => {
                if let Some(Frame::Map { key: None }) = stack.last() {
                    // An alias as a key: its name is not known here; any value under it is
                    // nothing a rule format reads.
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some(String::new());
                    }
                    continue;
                }
                advance(&mut stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(step) = current_step(&stack) {
                    path.push(step);
                } else if let Some(Frame::Map { key: None }) = stack.last() {
                    // A collection as a key: give it an empty name so its value has a path.
                    path.push(Seg::Key(String::new()));
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some(String::new());
                    }
                }
                stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { key: None }
                } else {
                    Frame::Seq { next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if !stack.is_empty() {
                    path.pop();
                }
                advance(&mut stack);
            }
            Event::DocumentStart(_) | Event::DocumentEnd => {
                stack.clear();
                path.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    Ok(doc)
}

/// The path step of the value about to be read in the top frame.
fn current_step(stack: &[Frame]) -> Option<Seg> {
    match stack.last()? {
        Frame::Map { key: Some(k) } => Some(Seg::Key(k.clone())),
        Frame::Map { key: None } => None,
        Frame::Seq { next } => Some(Seg::Index(*next)),
    }
}

/// A value was read in the top frame: a mapping awaits its next key, a sequence moves on.
fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => *key = None,
        Some(Frame::Seq { next }) => *next += 1,
        None => {}
    }
}

fn byte_span(lines: &Lines, span: Span) -> (usize, usize) {
    (
        lines.offset(span.start.line(), span.start.col()),
        lines.offset(span.end.line(), span.end.col()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Doc {
        read(text, &Lines::new(text), &|_| true).unwrap()
    }

    #[test]
    fn paths_and_spans() {
        let text =
            "title: x\ntags:\n  - attack.t1059\n  - 'attack.t1027'\nnested:\n  list: [a, {k: v}]\n";
        let d = read_all(text);
        assert_eq!(d.root_keys, ["title", "tags", "nested"]);
        let tags: Vec<&Scalar> = d.scalars.iter().filter(|s| s.at(&["tags", "*"])).collect();
        assert_eq!(tags.len(), 2);
        assert_eq!(&text[tags[0].start..tags[0].end], "attack.t1059");
        assert_eq!(&text[tags[1].start..tags[1].end], "'attack.t1027'");
        assert_eq!(tags[1].value, "attack.t1027");
        let v = d.first(&["nested", "list", "*", "k"]).unwrap();
        assert_eq!(v.value, "v");
        assert_eq!(d.first(&["nested", "list", "*"]).unwrap().value, "a");
    }

    #[test]
    fn several_documents_and_multibyte_text() {
        let text = "a: é漢\ntags: [x]\n---\nb: 1\ntags:\n- attack.t1059\n";
        let d = read_all(text);
        assert_eq!(d.root_keys, ["a", "tags", "b", "tags"]);
        let s = d
            .scalars
            .iter()
            .find(|s| s.value == "attack.t1059")
            .unwrap();
        assert_eq!(&text[s.start..s.end], "attack.t1059");
        assert_eq!(d.first(&["a"]).unwrap().end, "a: é漢".len());
    }

    #[test]
    fn errors_carry_their_place() {
        let text = "a: [1, 2\nb: c\n";
        let e = read(text, &Lines::new(text), &|_| true).unwrap_err();
        assert!(e.line >= 1 && e.col >= 1, "{e:?}");
        for bad in [
            "a: b: c",
            "- [",
            "{",
            "a: 'x",
            "? [a]\n: b",
            "*x",
            "&a [*a]",
        ] {
            let _ = read(bad, &Lines::new(bad), &|_| true);
        }
    }
}
