//! Finds ATT&CK IDs anywhere in free text or CSV: technique IDs in any case and as
//! `T1059/001`; tactic, group, software and campaign IDs in capitals (`TA0002`, `G0016`,
//! `S0002`, `C0024`). One pass over the bytes, no copy of the text or of its lines, so a
//! list of hundreds of megabytes costs its own size and little more.

use crate::ids::TechniqueId;

/// The kinds of ATT&CK ID told apart by their prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// `T1059`, `t1059.001`, `T1059/001`.
    Technique,
    /// `TA0002`.
    Tactic,
    /// `G0016`.
    Group,
    /// `S0002`.
    Software,
    /// `C0024`.
    Campaign,
}

impl IdKind {
    /// The prefix the ID is written with.
    #[must_use]
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Technique => "T",
            IdKind::Tactic => "TA",
            IdKind::Group => "G",
            IdKind::Software => "S",
            IdKind::Campaign => "C",
        }
    }
}

/// An ATT&CK ID found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundId {
    /// Its kind.
    pub kind: IdKind,
    /// The technique ID, for a technique.
    pub technique: Option<TechniqueId>,
    /// The four digits after the prefix, as a number.
    pub number: u16,
    /// Where it starts in the text (a byte offset).
    pub at: usize,
}

impl FoundId {
    /// A number unique to the ID (equal IDs written differently, `t1059/001` and
    /// `T1059.001`, get the same), for tables keyed by ID.
    #[must_use]
    pub fn key(&self) -> u32 {
        // Techniques first (below TechniqueId::COUNT), then each other kind's 10,000 IDs.
        let base = TechniqueId::COUNT as u32;
        match (self.kind, self.technique) {
            (IdKind::Technique, Some(t)) => t.index() as u32,
            (IdKind::Tactic, _) => base + u32::from(self.number),
            (IdKind::Group, _) => base + 10_000 + u32::from(self.number),
            (IdKind::Software, _) => base + 20_000 + u32::from(self.number),
            (IdKind::Campaign | IdKind::Technique, _) => base + 30_000 + u32::from(self.number),
        }
    }

    /// The ID as ATT&CK writes it: `T1059.001`, `TA0002`, `G0016`.
    #[must_use]
    pub fn id(&self) -> String {
        match self.technique {
            Some(t) => t.as_str().to_string(),
            None => format!("{}{:04}", self.kind.prefix(), self.number),
        }
    }
}

/// Every ATT&CK ID in `text`, in order of appearance, repeats included (see [`FoundId`]).
///
/// An ID starts where no letter, digit or `_` comes before it and ends where none comes after
/// it: text such as `T10591`, `XT1059`, `T1059a` or `T1059.0011` names nothing; `T1059.` at
/// the end of a sentence names `T1059`; `attack.t1059.001` (a Sigma tag) names `T1059.001`.
/// A sub-technique has exactly three digits after its `.` or `/`.
pub fn ids(text: &[u8]) -> impl Iterator<Item = FoundId> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            let b = text[i];
            if matches!(b, b'T' | b't' | b'G' | b'S' | b'C')
                && (i == 0 || !is_word(text[i - 1]))
                && let Some((found, len)) = id_at(text, i)
            {
                i += len;
                return Some(found);
            }
            i += 1;
        }
        None
    })
}

/// Every technique ID in `text`, in order of appearance, repeats included (see [`ids`]).
pub fn technique_ids(text: &[u8]) -> impl Iterator<Item = TechniqueId> + '_ {
    ids(text).filter_map(|f| f.technique)
}

/// Line numbers (from 1) of byte offsets taken in increasing order, counting each newline of
/// the text once however many offsets are asked for.
#[derive(Debug, Clone)]
pub struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter over `text`, at its start (line 1).
    #[must_use]
    pub fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of byte offset `at`; offsets must not decrease from one call to the next
    /// (an earlier one gets the line of the latest).
    // The filter-and-count loop is vectorised by the compiler (the bytecount crate would add a
    // dependency for the same speed).
    #[allow(clippy::naive_bytecount)]
    pub fn line_at(&mut self, at: usize) -> usize {
        let at = at.min(self.text.len());
        if at > self.counted_to {
            #[allow(clippy::naive_bytecount)] // one count per call; not worth a crate
            let newlines = self.text[self.counted_to..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines;
            self.counted_to = at;
        }
        self.line
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn digits(t: &[u8], from: usize, n: usize) -> bool {
    t.get(from..from + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// The ID starting at byte `i` (which follows no word character), and its length.
fn id_at(t: &[u8], i: usize) -> Option<(FoundId, usize)> {
    let ends = |at: usize| !t.get(at).is_some_and(|&b| is_word(b));
    let (prefix, kind) = match t[i] {
        b'T' if t.get(i + 1) == Some(&b'A') => (2, IdKind::Tactic),
        b'T' | b't' => (1, IdKind::Technique),
        b'G' => (1, IdKind::Group),
        b'S' => (1, IdKind::Software),
        b'C' => (1, IdKind::Campaign),
        _ => return None,
    };
    let start = i + prefix;
    if !digits(t, start, 4) {
        return None;
    }
    let four = &t[start..start + 4];
    let number = four.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    let base = start + 4;
    let found = |technique, len| {
        Some((
            FoundId {
                kind,
                technique,
                number,
                at: i,
            },
            len,
        ))
    };
    if kind == IdKind::Technique
        && matches!(t.get(base), Some(b'.' | b'/'))
        && digits(t, base + 1, 1)
    {
        // A sub-technique has exactly three digits; T1059.01 or T1059.0011 names nothing.
        if digits(t, base + 1, 3) && ends(base + 4) {
            let id = TechniqueId::from_digits(four, Some(&t[base + 1..base + 4]));
            return found(id, base + 4 - i);
        }
        return None;
    }
    if !ends(base) {
        return None;
    }
    let technique = if kind == IdKind::Technique {
        TechniqueId::from_digits(four, None)
    } else {
        None
    };
    found(technique, base - i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn techniques(s: &str) -> Vec<String> {
        technique_ids(s.as_bytes())
            .map(|t| t.as_str().to_string())
            .collect()
    }

    fn all(s: &str) -> Vec<(String, IdKind, usize)> {
        let mut lines = LineCounter::new(s.as_bytes());
        ids(s.as_bytes())
            .map(|f| (f.id(), f.kind, lines.line_at(f.at)))
            .collect()
    }

    #[test]
    fn finds_ids_in_prose_and_csv() {
        assert_eq!(
            techniques("We detect T1059 and t1059.001; also T1003/001.\nrule,T1027,x"),
            ["T1059", "T1059.001", "T1003.001", "T1027"]
        );
        assert_eq!(
            techniques("\"T1059.003\",\"T1059\""),
            ["T1059.003", "T1059"]
        );
        assert_eq!(techniques("end of sentence T1059."), ["T1059"]);
        assert_eq!(
            techniques("attack.t1059.001 and attack.T1027"),
            ["T1059.001", "T1027"]
        );
        assert_eq!(techniques("(T1595)[T1082]"), ["T1595", "T1082"]);
    }

    #[test]
    fn ids_of_every_kind_are_found_with_lines() {
        let found = all("Ran T1059 and t1059.001;\nthen T1003/001, TA0002, G0016 (S0002) C0024.");
        let got: Vec<(&str, usize)> = found.iter().map(|(i, _, l)| (i.as_str(), *l)).collect();
        assert_eq!(
            got,
            [
                ("T1059", 1),
                ("T1059.001", 1),
                ("T1003.001", 2),
                ("TA0002", 2),
                ("G0016", 2),
                ("S0002", 2),
                ("C0024", 2)
            ]
        );
        assert_eq!(found[3].1, IdKind::Tactic);
        assert_eq!(found[4].1, IdKind::Group);
        let keys: Vec<u32> = ids(b"T1059 t1059 G0016 S0016 C0016 TA0016 T0016")
            .map(|f| f.key())
            .collect();
        assert_eq!(keys[0], keys[1]);
        let mut distinct = keys[1..].to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 6, "{keys:?}");
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
            assert!(
                techniques(s).is_empty(),
                "{s} should name nothing: {:?}",
                techniques(s)
            );
        }
        for s in ["g0016", "ta0002", "S00021", "AC0024", "T1059_001"] {
            assert!(all(s).is_empty(), "{s}: {:?}", all(s));
        }
    }

    #[test]
    fn survives_binary_and_non_utf8() {
        let mut b = vec![0xff, 0xfe, b'T', b'1', b'0', b'5', b'9', 0x00, 0xc3];
        b.extend_from_slice(b"T1");
        assert_eq!(
            technique_ids(&b).map(|t| t.to_string()).collect::<Vec<_>>(),
            ["T1059"]
        );
        assert_eq!(all("é T1059 ü\u{1F600}T1027")[1].0, "T1027");
    }

    #[test]
    fn lines_count_each_newline_once() {
        let t = b"a\nb\n\nc";
        let mut l = LineCounter::new(t);
        assert_eq!(l.line_at(0), 1);
        assert_eq!(l.line_at(2), 2);
        assert_eq!(l.line_at(5), 4);
        assert_eq!(l.line_at(1), 4, "offsets only move forward");
        assert_eq!(l.line_at(99), 4);
    }
}
