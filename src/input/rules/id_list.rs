//! References in Navigator layers and ID lists, for `lint`: a layer's `techniqueID` and
//! `tactic` values with where they are written, and the technique and tactic IDs of text.

use super::{Format, Located, RefKind, Reference, RuleFile};
use crate::input::scan::{IdKind, ids};

/// The `techniqueID` and `tactic` string values of a layer (JSON), each entry object one
/// entry. The JSON was checked by the layer parser already; this only finds places.
pub fn layer(text: &str, path: &str) -> RuleFile {
    let mut file = RuleFile::new(path, Format::Layer);
    let bytes = text.as_bytes();
    let mut objects: Vec<u32> = Vec::new();
    let mut opened = 0u32;
    let mut key: Option<String> = None;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                opened += 1;
                objects.push(opened);
                key = None;
            }
            b'}' => {
                objects.pop();
                key = None;
            }
            b'[' | b']' | b',' => key = None,
            b'"' => {
                let start = at + 1;
                let mut end = start;
                let mut escaped = false;
                while end < bytes.len() && bytes[end] != b'"' {
                    if bytes[end] == b'\\' {
                        escaped = true;
                        end += 1;
                    }
                    end += 1;
                }
                let end = end.min(bytes.len());
                let raw = &text[start..end];
                at = end + 1;
                let mut next = at;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                if bytes.get(next) == Some(&b':') {
                    key = Some(raw.to_string());
                    at = next + 1;
                    continue;
                }
                let kind = match key.take().as_deref() {
                    Some("techniqueID") => RefKind::Technique,
                    Some("tactic") => RefKind::Tactic,
                    _ => continue,
                };
                let value = if escaped {
                    serde_json::from_str::<String>(&text[start - 1..=end.min(bytes.len() - 1)])
                        .unwrap_or_else(|_| raw.to_string())
                } else {
                    raw.to_string()
                };
                if value.trim().is_empty() {
                    continue;
                }
                file.refs.push(Reference {
                    kind,
                    at: Located {
                        line: 0,
                        col: 0,
                        text: value,
                        start,
                        end: if escaped { start } else { end },
                        exact: !escaped,
                    },
                    entry: objects.last().copied().unwrap_or(0),
                    name: None,
                    link: None,
                    tests: 0,
                });
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    file
}

/// The technique and tactic IDs of text or CSV, a line being one entry (a technique and a
/// tactic on one line go together).
pub fn list(text: &str, path: &str) -> RuleFile {
    let mut f = RuleFile::new(path, Format::List);
    let mut lines = crate::input::scan::LineCounter::new(text.as_bytes());
    for found in ids(text.as_bytes()) {
        let (kind, len) = match (found.kind, found.technique) {
            (IdKind::Technique, Some(t)) => (RefKind::Technique, t.as_str().len()),
            (IdKind::Tactic, _) => (RefKind::Tactic, 6),
            _ => continue,
        };
        let end = (found.at + len).min(text.len());
        f.refs.push(Reference {
            kind,
            at: Located {
                line: 0,
                col: 0,
                text: text[found.at..end].to_string(),
                start: found.at,
                end,
                exact: true,
            },
            entry: lines.line_at(found.at) as u32,
            name: None,
            link: None,
            tests: 0,
        });
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_entries() {
        let text = r#"{"name":"x","techniques":[{"techniqueID":"T1059","tactic":"execution","comment":"T1000"},{"tactic":"defense-evasion", "techniqueID" : "t1027.002"},{"techniqueID":"T\u0031027"}]}"#;
        let f = layer(text, "l.json");
        let got: Vec<(&str, RefKind, u32, bool)> = f
            .refs
            .iter()
            .map(|r| (r.at.text.as_str(), r.kind, r.entry, r.at.exact))
            .collect();
        assert_eq!(
            got,
            [
                ("T1059", RefKind::Technique, 2, true),
                ("execution", RefKind::Tactic, 2, true),
                ("defense-evasion", RefKind::Tactic, 3, true),
                ("t1027.002", RefKind::Technique, 3, true),
                ("T1027", RefKind::Technique, 4, false),
            ]
        );
        for r in f.refs.iter().filter(|r| r.at.exact) {
            assert_eq!(&text[r.at.start..r.at.end], r.at.text);
        }
        let _ = layer("{\"techniqueID\":\"", "l");
        let _ = layer("\"", "l");
    }

    #[test]
    fn list_ids() {
        let f = list("T1059, TA0002\nt1027/002 G0016\n", "ids.txt");
        let got: Vec<(&str, u32)> = f
            .refs
            .iter()
            .map(|r| (r.at.text.as_str(), r.entry))
            .collect();
        assert_eq!(got, [("T1059", 1), ("TA0002", 1), ("t1027/002", 2)]);
    }
}
