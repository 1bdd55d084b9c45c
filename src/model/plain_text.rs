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

/// Calls `f(start, end, word)` for every word of `text`, exactly as [`words`] yields them,
/// lower-casing into one reused buffer (ASCII a run at a time), until `f` returns false:
/// indexing every description and procedure example this way costs a fraction of collecting
/// [`words`].
pub fn each_word(text: &str, mut f: impl FnMut(usize, usize, &str) -> bool) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    let mut i = 0;
    // The character at `i` and its length, when it is alphanumeric.
    let alnum = |i: usize| -> (bool, usize) {
        match bytes[i] {
            b if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        }
    };
    while i < bytes.len() {
        let (is_word, len) = alnum(i);
        if !is_word {
            i += len;
            continue;
        }
        let start = i;
        word.clear();
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                let run = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(bytes.len() - i);
                let from = word.len();
                word.push_str(&text[i..i + run]);
                word[from..].make_ascii_lowercase();
                i += run;
            } else {
                let Some(c) = text[i..].chars().next().filter(|c| c.is_alphanumeric()) else {
                    break;
                };
                word.extend(c.to_lowercase().map(fold));
                i += c.len_utf8();
            }
        }
        if !f(start, i, &word) {
            return;
        }
    }
}

/// A lower-case Latin letter without its accent (`ä` → `a`, `ç` → `c`), so a word typed
/// without accents finds the word written with them (`doppelganging`, "Doppelgänging");
/// every other character as it is.
#[must_use]
pub fn fold(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

/// Splits text into lower-case alphanumeric words with their byte ranges in `text`; Latin
/// letters lose their accents (see [`fold`]).
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
            Cow::Owned(raw.chars().flat_map(char::to_lowercase).map(fold).collect())
        };
        Some((start, end, word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn accents_are_folded_away() {
        let w: Vec<String> = words("Process Doppelgänging, CAFÉ naïve Łódź")
            .map(|(_, _, w)| w.into_owned())
            .collect();
        assert_eq!(w, ["process", "doppelganging", "cafe", "naive", "lodz"]);
        let mut each = Vec::new();
        each_word("Doppelgänging", |_, _, w| {
            each.push(w.to_string());
            true
        });
        assert_eq!(each, ["doppelganging"]);
        // Other scripts are untouched.
        assert_eq!(words("ΣΑΣ").next().unwrap().2, "σασ");
    }

    #[test]
    fn each_word_agrees_with_words() {
        for s in [
            "Run PowerShell's cmd.exe",
            "ÀÉÎ ünï İstanbul ΣΑΣ, naïve café; x86_64 C2 ½ ²",
            "  leading and trailing  ",
            "",
            "\u{10400}X mixed\u{1F600}emoji",
        ] {
            let mut got = Vec::new();
            each_word(s, |a, b, w| {
                got.push((a, b, w.to_string()));
                true
            });
            let want: Vec<_> = words(s).map(|(a, b, w)| (a, b, w.into_owned())).collect();
            assert_eq!(got, want, "{s}");
        }
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
