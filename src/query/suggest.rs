//! Did-you-mean suggestions by edit distance.

use crate::model::cmp_ids;

/// Up to `n` candidates closest to `needle` (case-insensitive Levenshtein distance), nearest
/// first, ties in ID order. Candidates further than about a third of the needle are dropped.
pub fn closest<'a>(
    needle: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let needle_l = needle.to_lowercase();
    let limit = (needle_l.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .filter(|c| !c.is_empty())
        .map(|c| (strsim::levenshtein(&needle_l, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| cmp_ids(a.1, b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, c) in scored {
        if !out.iter().any(|o| o == c) {
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
    fn wording() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a".into()]), " (did you mean a?)");
        assert_eq!(
            did_you_mean(&["a".into(), "b".into(), "c".into()]),
            " (did you mean a, b or c?)"
        );
    }
}
