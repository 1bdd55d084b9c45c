//! Text helpers over bundle prose: plain-text descriptions, the ordinary words of a
//! description (what `map` asks of ATT&CK's own writing) and word tokens for search.

use std::borrow::Cow;

/// Turns an ATT&CK description into plain text: `[Name](url)` becomes `Name`,
/// `(Citation: …)` markers and `<code>` tags are removed, runs of spaces collapse.
#[must_use]
pub fn plain(description: &str) -> String {
    let mut out = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(pos) = rest.find(['[', '(', '<']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(skip) = link_len(tail) {
            // keep the link text only
            let close = tail.find(']').unwrap_or(0);
            out.push_str(&tail[1..close]);
            rest = &tail[skip..];
        } else if tail.starts_with("(Citation:") {
            let end = tail.find(')').map_or(tail.len(), |e| e + 1);
            while out.ends_with(' ') {
                out.pop();
            }
            rest = &tail[end..];
        } else if let Some(tag) = ["<code>", "</code>", "<br>", "<br/>"]
            .iter()
            .find(|t| tail.starts_with(**t))
        {
            rest = &tail[tag.len()..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The ordinary words of an ATT&CK description: [`plain`] without what is not prose, so
/// Markdown links (text and all), `<code>` spans, citations and bare URLs are each replaced
/// by a space.
#[must_use]
pub fn prose(description: &str) -> String {
    let mut out = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(pos) = rest.find(['[', '(', '<', 'h']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let skip = if tail.starts_with('[') {
            link_len(tail)
        } else if tail.starts_with("(Citation:") {
            Some(tail.find(')').map_or(tail.len(), |e| e + 1))
        } else if tail.starts_with("<code>") {
            Some(
                tail.find("</code>")
                    .map_or(tail.len(), |e| e + "</code>".len()),
            )
        } else if tail.starts_with("http://") || tail.starts_with("https://") {
            Some(tail.find(char::is_whitespace).unwrap_or(tail.len()))
        } else {
            None
        };
        if let Some(n) = skip {
            out.push(' ');
            rest = &tail[n..];
        } else {
            let c = tail.chars().next().map_or(1, char::len_utf8);
            out.push_str(&tail[..c]);
            rest = &tail[c..];
        }
    }
    out.push_str(rest);
    out
}

/// Length of a Markdown link `[text](url)` at the start of `s`, if there is one.
fn link_len(s: &str) -> Option<usize> {
    if !s.starts_with('[') {
        return None;
    }
    let close = s.find(']')?;
    if s[..close].contains('\n') || !s[close + 1..].starts_with('(') {
        return None;
    }
    let end = s[close + 1..].find(')')?;
    let url = &s[close + 2..close + 1 + end];
    if url.contains(char::is_whitespace) {
        return None;
    }
    Some(close + 2 + end)
}

/// Name and plain-text description lower-cased one character at a time (as [`words`]
/// lower-cases), so every search token appears in it at a word start.
#[must_use]
pub fn search_text(name: &str, description: &str) -> String {
    let plain = plain(description);
    let mut out = String::with_capacity(name.len() + plain.len() + 1);
    push_lowercase(&mut out, name);
    out.push('\n');
    push_lowercase(&mut out, &plain);
    out
}

/// Appends `s` lower-cased one character at a time, runs of ASCII in bulk (the per-character
/// path was an eighth of a whole parse).
fn push_lowercase(out: &mut String, mut s: &str) {
    while !s.is_empty() {
        let ascii = s.bytes().position(|b| !b.is_ascii()).unwrap_or(s.len());
        let start = out.len();
        out.push_str(&s[..ascii]);
        out[start..].make_ascii_lowercase();
        s = &s[ascii..];
        if let Some(c) = s.chars().next() {
            out.extend(c.to_lowercase());
            s = &s[c.len_utf8()..];
        }
    }
}

/// True when `word` (lower-case, alphanumeric) occurs in `text` at the start of a word.
#[must_use]
pub fn has_word_start(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return true;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        if text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
        {
            return true;
        }
        from = at + word.len();
    }
    false
}

/// Splits text into lower-case alphanumeric words with their byte ranges in `text`.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize, Cow<'_, str>)> + '_ {
    let mut iter = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = iter.peek() {
            if c.is_alphanumeric() {
                break;
            }
            iter.next();
        }
        let (start, _) = *iter.peek()?;
        let mut end = start;
        let mut plain_lower = true;
        while let Some(&(i, c)) = iter.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            plain_lower &= c.is_ascii_lowercase() || c.is_ascii_digit();
            end = i + c.len_utf8();
            iter.next();
        }
        let raw = &text[start..end];
        // Most words are already lower-case ASCII: borrow them instead of allocating.
        let word = if plain_lower {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(raw.chars().flat_map(char::to_lowercase).collect())
        };
        Some((start, end, word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_lowercases_as_char_to_lowercase_does() {
        for s in [
            "PowerShell",
            "ÀÉÎ ünï İstanbul ΣΑΣ",
            "MiXeD ascii ẞ and Ǆ",
            "",
            "\u{10400}X",
        ] {
            let slow: String = s.chars().flat_map(char::to_lowercase).collect();
            let mut fast = String::new();
            push_lowercase(&mut fast, s);
            assert_eq!(fast, slow, "{s}");
        }
    }

    #[test]
    fn links_and_citations_are_removed() {
        let d = "Adversaries may use [PowerShell](https://attack.mitre.org/techniques/T1059/001) to run code.(Citation: Some Report 2020) See <code>cmd</code>.";
        assert_eq!(
            plain(d),
            "Adversaries may use PowerShell to run code. See cmd."
        );
    }

    #[test]
    fn prose_drops_links_code_citations_and_urls() {
        assert_eq!(
            prose(
                "Use [Mimikatz](https://x/S0002) or <code>net use</code>.(Citation: A b) see https://e.x/y now"
            ),
            "Use   or  .  see   now"
        );
        assert_eq!(prose("a [b] (c) d h"), "a [b] (c) d h");
    }

    #[test]
    fn brackets_that_are_not_links_stay() {
        assert_eq!(plain("a [b] (c) d"), "a [b] (c) d");
        assert_eq!(plain("unterminated [x](y"), "unterminated [x](y");
    }

    #[test]
    fn word_starts_only() {
        let t = search_text(
            "PowerShell Profile",
            "Uses [mechanisms](https://x) and SMS-based Containers.",
        );
        assert!(has_word_start(&t, "powershell"));
        assert!(has_word_start(&t, "container"));
        assert!(has_word_start(&t, "sms"));
        assert!(!has_word_start(&t, "anisms"));
        assert!(
            !has_word_start(&t, "https"),
            "link targets are not searched"
        );
    }

    #[test]
    fn words_are_lowercased_with_ranges() {
        let t = "Run PowerShell's cmd.exe";
        let w: Vec<_> = words(t).collect();
        let texts: Vec<&str> = w.iter().map(|(_, _, s)| &**s).collect();
        assert_eq!(texts, ["run", "powershell", "s", "cmd", "exe"]);
        assert_eq!(&t[w[1].0..w[1].1], "PowerShell");
    }
}
