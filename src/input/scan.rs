//! Finds technique IDs anywhere in free text or CSV: `T1059`, `t1059.001`, `T1059/001`.

/// Every technique ID in `text`, normalised (`T1059.001`), in order of appearance, repeats
/// included.
///
/// An ID is a `T` or `t` that does not follow a letter, digit or `_`, then four digits, then
/// optionally `.` or `/` and three digits, and no letter, digit or `_` right after. Text such
/// as `T10591`, `XT1059` or `T1059.0011` names nothing; `T1059.` at the end of a sentence names
/// `T1059`; `attack.t1059.001` (a Sigma tag) names `T1059.001`.
#[must_use]
pub fn technique_ids(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match id_at(text, i) {
            Some((id, len)) => {
                out.push(id);
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn digits(text: &[u8], from: usize, n: usize) -> bool {
    text.get(from..from + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// The ID starting at `i` and its length in bytes.
fn id_at(text: &[u8], i: usize) -> Option<(String, usize)> {
    if !matches!(text[i], b'T' | b't') || (i > 0 && is_word(text[i - 1])) || !digits(text, i + 1, 4)
    {
        return None;
    }
    let base = i + 5;
    let number = std::str::from_utf8(&text[i + 1..base]).ok()?;
    match text.get(base) {
        Some(b) if is_word(*b) => None,
        Some(b'.' | b'/') if digits(text, base + 1, 1) => {
            // A sub-technique needs exactly three digits.
            if digits(text, base + 1, 3) && !text.get(base + 4).is_some_and(|b| is_word(*b)) {
                let sub = std::str::from_utf8(&text[base + 1..base + 4]).ok()?;
                Some((format!("T{number}.{sub}"), 9))
            } else {
                None
            }
        }
        _ => Some((format!("T{number}"), 5)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<String> {
        technique_ids(s.as_bytes())
    }

    #[test]
    fn finds_ids_in_prose_and_csv() {
        assert_eq!(
            ids("We detect T1059 and t1059.001; also T1003/001.\nrule,T1027,x"),
            ["T1059", "T1059.001", "T1003.001", "T1027"]
        );
        assert_eq!(ids("\"T1059.003\",\"T1059\""), ["T1059.003", "T1059"]);
        assert_eq!(ids("end of sentence T1059."), ["T1059"]);
        assert_eq!(
            ids("attack.t1059.001 and attack.T1027"),
            ["T1059.001", "T1027"]
        );
        assert_eq!(ids("(T1595)[T1082]"), ["T1595", "T1082"]);
    }

    #[test]
    fn ignores_lookalikes() {
        for s in [
            "T10591",
            "XT1059",
            "T105",
            "T1059.0011",
            "T1059.01",
            "T1059a",
            "T1059_001",
            "TA0002",
            "2T1059",
            "",
            "T",
        ] {
            assert!(ids(s).is_empty(), "{s} should name nothing: {:?}", ids(s));
        }
    }

    #[test]
    fn survives_binary_and_non_utf8() {
        let mut b = vec![0xff, 0xfe, b'T', b'1', b'0', b'5', b'9', 0x00, 0xc3];
        b.extend_from_slice(b"T1");
        assert_eq!(technique_ids(&b), ["T1059"]);
    }
}
