//! The Atomic Red Team index (`atomics/Indexes/Indexes-CSV/index.csv`): one row per test,
//! naming its tactic, technique and technique name.

use super::{Format, Located, RefKind, Reference, RuleFile};

/// The columns the index starts with.
const HEADER: &str = "Tactic,Technique #,Technique Name,Test #";

/// Whether the text is the index: its header row.
pub fn looks_like(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with(HEADER)
}

/// One CSV field and where its text is (inside the quotes when quoted).
struct Field {
    value: String,
    start: usize,
    end: usize,
    /// The source between `start` and `end` is the value (no doubled quotes inside).
    exact: bool,
}

/// Splits CSV text into records of fields (quotes, doubled quotes and line breaks inside
/// quotes as RFC 4180 has them).
fn records(text: &str) -> Vec<Vec<Field>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut i = 0;
    loop {
        // One field starting at i.
        let field = if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut value = String::new();
            let mut exact = true;
            let mut seg = start;
            loop {
                match b.get(j) {
                    Some(b'"') if b.get(j + 1) == Some(&b'"') => {
                        value.push_str(&text[seg..=j]);
                        exact = false;
                        j += 2;
                        seg = j;
                    }
                    None | Some(b'"') => {
                        value.push_str(&text[seg..j]);
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            let end = j;
            i = (j + 1).min(b.len());
            // Anything between the closing quote and the separator is kept out.
            while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
                i += 1;
            }
            Field {
                value,
                start,
                end,
                exact,
            }
        } else {
            let start = i;
            while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
                i += 1;
            }
            Field {
                value: text[start..i].to_string(),
                start,
                end: i,
                exact: true,
            }
        };
        row.push(field);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'\r' | b'\n') => {
                if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                i += 1;
                out.push(std::mem::take(&mut row));
                if i >= b.len() {
                    break;
                }
            }
            _ => {
                out.push(std::mem::take(&mut row));
                break;
            }
        }
    }
    out
}

fn located(f: &Field) -> Located {
    Located {
        line: 0,
        col: 0,
        text: f.value.clone(),
        start: f.start,
        end: if f.exact { f.end } else { f.start },
        exact: f.exact,
    }
}

/// Reads the index: each row a test, its technique (with the name written beside it) and
/// its tactic shortname in one entry.
pub fn read(text: &str, path: &str) -> RuleFile {
    let mut f = RuleFile::new(path, Format::AtomicIndex);
    for (n, row) in records(text).iter().enumerate().skip(1) {
        if row.len() < 2 || row[1].value.trim().is_empty() {
            continue;
        }
        let entry = n as u32;
        let tactic = &row[0];
        if !tactic.value.trim().is_empty() {
            f.refs.push(Reference {
                kind: RefKind::Tactic,
                at: located(tactic),
                entry,
                name: None,
                link: None,
                tests: 0,
            });
        }
        f.refs.push(Reference {
            kind: RefKind::Technique,
            at: located(&row[1]),
            entry,
            name: row.get(2).map(located),
            link: None,
            tests: 1,
        });
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_quotes_and_crlf() {
        let text = "Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name\r\nstealth,T1564,Hide Artifacts,2,\"Create a \"\"$\"\" user\",x,sh\r\n\"discovery\",T1082,\"System, Information\",1,a,b,c\r\n";
        assert!(looks_like(text));
        let f = read(text, "index.csv");
        let got: Vec<(&str, u32)> = f
            .refs
            .iter()
            .map(|r| (r.at.text.as_str(), r.entry))
            .collect();
        assert_eq!(
            got,
            [("stealth", 1), ("T1564", 1), ("discovery", 2), ("T1082", 2)]
        );
        for r in &f.refs {
            assert_eq!(&text[r.at.start..r.at.end], r.at.text);
        }
        assert_eq!(f.refs[3].name.as_ref().unwrap().text, "System, Information");
        assert!(
            read(
                "Tactic,Technique #,Technique Name,Test #\n\"unterminated",
                "x"
            )
            .refs
            .is_empty()
        );
    }
}
