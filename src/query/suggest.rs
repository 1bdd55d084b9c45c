//! Did-you-mean suggestions by edit distance.

use crate::model::cmp_ids;

/// The capitals an ATT&CK ID starts with (`G` for `G0016`, `DET` for `DET0901`), when
/// `s` reads as one: capitals, then a digit.
fn id_prefix(s: &str) -> Option<&str> {
    let letters = s.len() - s.trim_start_matches(|c: char| c.is_ascii_uppercase()).len();
    (letters > 0 && s[letters..].starts_with(|c: char| c.is_ascii_digit())).then(|| &s[..letters])
}

/// Up to `n` candidates closest to `needle` (case-insensitive Levenshtein distance), nearest
/// first, ties in ID order. Candidates further than about a third of the needle are dropped.
/// Names that differ only in case are offered once; for an ID (`G0016`) only IDs of the same
/// kind (`G…`) are offered.
pub fn closest<'a>(
    needle: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let needle_l = needle.to_lowercase();
    let limit = (needle_l.chars().count() / 3).max(2);
    let prefix = id_prefix(needle.trim());
    // Ties go to the spelling closest in case too: `persistance` offers `persistence`.
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .filter(|c| !c.is_empty())
        .filter(|c| prefix.is_none_or(|p| id_prefix(c) == Some(p)))
        .map(|c| {
            (
                strsim::levenshtein(&needle_l, &c.to_lowercase()),
                strsim::levenshtein(needle, c),
                c,
            )
        })
        .filter(|&(d, _, _)| d <= limit)
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| cmp_ids(a.2, b.2))
    });
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in scored {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            out.push(c.to_string());
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// ` (did you mean A, B or C?)`, or nothing.
#[must_use]
pub fn did_you_mean(hints: &[String]) -> String {
    match hints {
        [] => String::new(),
        [a] => format!(" (did you mean {a}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_first_and_capped() {
        let c = ["T1059", "T1058", "T1069", "T1560", "T9999"];
        let got = closest("T1095", c.iter().copied(), 3);
        assert_eq!(got.len(), 3);
        assert!(got.contains(&"T1059".to_string()));
        assert!(closest("zzzzzzzz", c.iter().copied(), 3).is_empty());
    }

    #[test]
    fn ids_suggest_ids_of_their_kind_and_names_come_once() {
        let c = [
            "A0016",
            "G0046",
            "A0006",
            "G0016x",
            "Execution",
            "execution",
        ];
        let got = closest("G0016", c.iter().copied(), 3);
        assert!(got.iter().all(|g| g.starts_with('G')), "{got:?}");
        assert_eq!(closest("executio", c.iter().copied(), 3), ["execution"]);
        assert_eq!(closest("Executio", c.iter().copied(), 3), ["Execution"]);
        assert_eq!(id_prefix("DET0901"), Some("DET"));
        assert_eq!(id_prefix("Mimikatz"), None);
    }

    #[test]
    fn wording() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into()]), " (did you mean a?)");
        assert_eq!(
            did_you_mean(&["a".into(), "b".into(), "c".into()]),
            " (did you mean a, b or c?)"
        );
    }
}
