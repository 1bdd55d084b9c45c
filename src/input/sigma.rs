//! Technique tags of Sigma rules (`tags: [attack.t1059.001]`), read without a YAML parser.
//!
//! Why no YAML crate: Sigma keeps ATT&CK references in one flat `tags:` list of plain
//! scalars, which a line scanner reads exactly (block and flow style, quotes, comments,
//! several documents per file, CRLF, a byte-order mark). A parser would add a dependency (the
//! common serde one is unmaintained) and fail whole files over unrelated syntax in the
//! detection logic, which this scanner never looks at.

/// What a rule file says about ATT&CK.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTags {
    /// Technique IDs from `attack.tNNNN[.NNN]` tags, normalised (`T1059.001`), in order.
    pub techniques: Vec<String>,
    /// The file has a `tags:` key at all.
    pub has_tags: bool,
}

/// Whether text looks like a Sigma rule: a top-level `detection:` or `logsource:` key.
#[must_use]
pub fn looks_like_rule(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start_matches('\u{feff}');
        l.starts_with("detection:") || l.starts_with("logsource:")
    })
}

/// Removes a trailing `# comment` (a `#` at the start or after whitespace, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_space => return &line[..i],
            Some(_) | None => {}
        }
        prev_space = c.is_whitespace();
    }
    line
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.trim();
        }
    }
    s
}

/// The technique ID of one tag (`attack.t1059.001` → `T1059.001`), if it is one.
#[must_use]
pub fn technique_of_tag(tag: &str) -> Option<String> {
    let tag = unquote(tag);
    let rest = tag
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("attack."))
        .map(|_| &tag[7..])?;
    let b = rest.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)
            .is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit))
    };
    let ok = matches!(b.first(), Some(b'T' | b't'))
        && digits(1..5)
        && (b.len() == 5 || (b.len() == 9 && b[5] == b'.' && digits(6..9)));
    ok.then(|| rest.to_ascii_uppercase())
}

/// The key of a `key:` line and what follows the colon, if the line is a mapping entry.
fn key_value(trimmed: &str) -> Option<(&str, &str)> {
    let (k, v) = trimmed.split_once(':')?;
    let k = unquote(k);
    (!k.is_empty() && !k.contains(' ')).then_some((k, v))
}

/// Reads the technique tags of a Sigma rule file (one or several YAML documents).
#[must_use]
pub fn rule_tags(text: &str) -> RuleTags {
    let mut out = RuleTags::default();
    // Indentation of the `tags:` key whose block list is being read.
    let mut block: Option<usize> = None;
    // Text of a flow list `[...]` that continues over several lines.
    let mut flow: Option<String> = None;
    let push = |out: &mut RuleTags, items: &str| {
        for item in items.split(',') {
            if let Some(id) = technique_of_tag(item) {
                out.techniques.push(id);
            }
        }
    };
    for raw in text.lines() {
        let line = strip_comment(raw.trim_start_matches('\u{feff}').trim_end_matches('\r'));
        if let Some(acc) = flow.as_mut() {
            // YAML folds a line break inside a flow list into a space: `attack.t10` at the
            // end of one line and `59` on the next are not the tag `attack.t1059`.
            acc.push(' ');
            acc.push_str(line);
            if let Some(end) = acc.find(']') {
                let items = acc[..end].to_string();
                push(&mut out, &items);
                flow = None;
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(key_indent) = block {
            if let Some(item) = trimmed.strip_prefix('-')
                && indent >= key_indent
                && (item.is_empty() || item.starts_with(char::is_whitespace))
            {
                push(&mut out, item.trim());
                continue;
            }
            block = None;
        }
        if trimmed == "---" || trimmed == "..." {
            continue;
        }
        if let Some(("tags", value)) = key_value(trimmed) {
            out.has_tags = true;
            let value = value.trim();
            if let Some(list) = value.strip_prefix('[') {
                match list.find(']') {
                    Some(end) => push(&mut out, &list[..end]),
                    None => flow = Some(list.to_string()),
                }
            } else if value.is_empty() {
                block = Some(indent);
            } else {
                push(&mut out, value);
            }
        }
    }
    if let Some(rest) = flow {
        push(&mut out, &rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_list() {
        let rule = "title: Test\ntags:\n    - attack.execution\n    - attack.t1059.001\n    - attack.T1027 # obfuscation\n    - 'attack.t1082'\n    - \"attack.t1595\"\nlogsource:\n    product: windows\ndetection:\n    selection:\n        tags: x\n    condition: selection\n";
        let t = rule_tags(rule);
        assert!(t.has_tags);
        assert_eq!(t.techniques, ["T1059.001", "T1027", "T1082", "T1595"]);
        assert!(looks_like_rule(rule));
    }

    #[test]
    fn flow_lists_and_unindented_items() {
        assert_eq!(
            rule_tags("tags: [attack.t1059, attack.g0016, 'attack.t1003.001']\n").techniques,
            ["T1059", "T1003.001"]
        );
        assert_eq!(
            rule_tags("tags: [attack.t1059,\n  attack.t1027]\nlevel: high\n").techniques,
            ["T1059", "T1027"]
        );
        assert_eq!(
            rule_tags("tags:\n- attack.t1059\n- attack.t1027\nlevel: high\n- attack.t1082\n")
                .techniques,
            ["T1059", "T1027"]
        );
    }

    #[test]
    fn a_flow_list_line_break_separates_words() {
        let rule = "tags: [attack.t10\r\n59, attack.t1027]\ndetection:\n  x: 1\n";
        assert_eq!(rule_tags(rule).techniques, ["T1027"]);
        assert_eq!(
            rule_tags("tags: [attack.t1059,\nattack.t1027\n]\n").techniques,
            ["T1059", "T1027"]
        );
    }

    #[test]
    fn several_documents_crlf_and_bom() {
        let rule = "\u{feff}title: a\r\ntags:\r\n  - attack.t1059\r\n---\r\ntitle: b\r\ntags:\r\n  - attack.t1027.002\r\n";
        assert_eq!(rule_tags(rule).techniques, ["T1059", "T1027.002"]);
    }

    #[test]
    fn ignores_non_technique_tags_and_other_keys() {
        let t = rule_tags(
            "description: see attack.t1059 for details\ntags:\n  - attack.s0002\n  - attack.t1059.0001\n  - cve.2021-44228\n  - attack.t10\nreferences:\n  - attack.t1027\n",
        );
        assert!(t.has_tags);
        assert!(t.techniques.is_empty(), "{:?}", t.techniques);
        let none = rule_tags("title: x\ndetection:\n  condition: x\n");
        assert!(!none.has_tags);
        assert!(!looks_like_rule("just: yaml\n"));
    }

    #[test]
    fn hash_inside_quotes_is_not_a_comment() {
        assert_eq!(strip_comment("a: 'x # y' # z"), "a: 'x # y' ");
        assert_eq!(strip_comment("# all"), "");
        assert_eq!(strip_comment("a#b"), "a#b");
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "tags: [",
            "tags:\n  -",
            ":::",
            "tags: ]",
            "\u{0}\u{1}tags:\n - attack.t1059",
        ] {
            let _ = rule_tags(s);
        }
        assert_eq!(rule_tags("tags: [attack.t1059").techniques, ["T1059"]);
    }
}
