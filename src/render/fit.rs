//! Fitting tables to a width: column widths from their content, free text shrunk first and
//! wrapped at words, IDs and names never wrapped, low-priority columns dropped last.
//!
//! tabled draws the borders; the widths are decided here. tabled's own `Width::wrap` with
//! `keep_words` still splits a word longer than its column, and `PriorityMax` shrinks the
//! widest column whatever it holds, IDs and names included: at 80 columns that split
//! `T1003.00|1` and `privil|ege-escalation`.
//!
//! Text is handled as styled characters (a character and the ANSI style it is drawn in), so
//! wrapping and truncation never cut an escape sequence and every line opens and closes its
//! own styles.

/// A style: an ANSI SGR sequence such as `"\x1b[1m"`, or none.
pub type Style = Option<&'static str>;

const RESET: &str = "\x1b[0m";

/// A run of text in one style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Styled {
    chars: Vec<(char, Style)>,
}

impl Styled {
    /// Plain text.
    #[must_use]
    pub fn plain(s: &str) -> Styled {
        let mut t = Styled::default();
        t.push(s, None);
        t
    }

    /// Appends `s` drawn in `style`.
    pub fn push(&mut self, s: &str, style: Style) {
        self.chars.extend(s.chars().map(|c| (c, style)));
    }

    /// Display width in columns (one per character).
    #[must_use]
    pub fn width(&self) -> usize {
        self.lines().map(<[_]>::len).max().unwrap_or(0)
    }

    fn lines(&self) -> impl Iterator<Item = &[(char, Style)]> {
        self.chars.split(|(c, _)| *c == '\n')
    }

    /// Whether the text has a space to wrap at.
    #[must_use]
    pub fn has_space(&self) -> bool {
        self.chars.iter().any(|(c, _)| *c == ' ')
    }

    /// Whether the text reads as prose: a space that does not follow a comma (a list of
    /// tokens such as `execution, persistence` is not prose).
    #[must_use]
    pub fn is_prose(&self) -> bool {
        self.chars
            .windows(2)
            .any(|w| w[1].0 == ' ' && w[0].0 != ',' && w[0].0 != ' ')
    }

    /// The longest word (run of non-spaces), in columns.
    #[must_use]
    pub fn longest_word(&self) -> usize {
        self.chars
            .split(|(c, _)| *c == ' ' || *c == '\n')
            .map(<[_]>::len)
            .max()
            .unwrap_or(0)
    }

    /// The text as lines of at most `width` columns: wrapped at spaces, a word longer than a
    /// line truncated with `…`. Text that already fits is returned as it is.
    #[must_use]
    pub fn wrap(&self, width: usize) -> Vec<Styled> {
        let width = width.max(1);
        let mut out = Vec::new();
        for line in self.lines() {
            if line.len() <= width {
                out.push(Styled {
                    chars: line.to_vec(),
                });
                continue;
            }
            let mut cur: Vec<(char, Style)> = Vec::new();
            for word in line.split(|(c, _)| *c == ' ').filter(|w| !w.is_empty()) {
                let word: Vec<(char, Style)> = if word.len() > width {
                    let mut w = word[..width - 1].to_vec();
                    w.push(('…', word[width - 1].1));
                    w
                } else {
                    word.to_vec()
                };
                if !cur.is_empty() && cur.len() + 1 + word.len() > width {
                    out.push(Styled {
                        chars: std::mem::take(&mut cur),
                    });
                }
                if !cur.is_empty() {
                    cur.push((' ', None));
                }
                cur.extend(word);
            }
            out.push(Styled { chars: cur });
        }
        out
    }

    /// The text with its styles as ANSI sequences, each closed before the end of its line.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        let mut open: Style = None;
        for &(c, style) in &self.chars {
            if c == '\n' || style != open {
                if open.is_some() {
                    s.push_str(RESET);
                }
                open = None;
            }
            if c != '\n' && style != open {
                if let Some(code) = style {
                    s.push_str(code);
                }
                open = style;
            }
            s.push(c);
        }
        if open.is_some() {
            s.push_str(RESET);
        }
        s
    }

    /// [`Self::wrap`], joined with newlines and rendered.
    #[must_use]
    pub fn wrapped(&self, width: usize) -> String {
        self.wrap(width)
            .iter()
            .map(Styled::render)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How a column may give up width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Give {
    /// Free text: wrapped at words, then words truncated with `…`.
    Wrap,
    /// Tokens (IDs, names, numbers, dates): never wrapped; the column may be dropped.
    Drop,
    /// The row's identity (ID, name): never wrapped, never dropped.
    Keep,
}

/// What a column needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The width of its widest cell.
    pub natural: usize,
    /// The narrowest it can be without splitting a word (its longest word, header included).
    pub word: usize,
    /// The narrowest it can be at all (words truncated to it).
    pub least: usize,
    /// How it gives up width.
    pub give: Give,
}

/// Column widths for a table whose columns need `needs` in `total` columns of screen, where
/// each column costs `chrome` columns of borders and padding and the table `edge` more.
/// `None` for a column dropped because even the others' narrowest widths do not fit:
/// the rightmost droppable column first. Columns that cannot shrink are kept at their natural
/// width even when the result is wider than `total`.
#[must_use]
pub fn widths(needs: &[Need], total: usize, chrome: usize, edge: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<bool> = vec![true; needs.len()];
    loop {
        let cols: Vec<usize> = (0..needs.len()).filter(|&i| shown[i]).collect();
        let room = total.saturating_sub(edge + chrome * cols.len());
        let mut w: Vec<usize> = needs.iter().map(|n| n.natural).collect();
        let used = |w: &[usize]| cols.iter().map(|&i| w[i]).sum::<usize>();
        // Free text first, widest first, down to its longest word; then below it.
        for floor in [
            |n: &Need| n.word.min(n.natural),
            |n: &Need| n.least.min(n.natural),
        ] {
            while used(&w) > room {
                let widest = cols
                    .iter()
                    .copied()
                    .filter(|&i| needs[i].give == Give::Wrap && w[i] > floor(&needs[i]))
                    .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
                match widest {
                    Some(i) => w[i] -= 1,
                    None => break,
                }
            }
        }
        if used(&w) <= room {
            return (0..needs.len()).map(|i| shown[i].then_some(w[i])).collect();
        }
        match cols.iter().rev().find(|&&i| needs[i].give != Give::Keep) {
            Some(&i) => shown[i] = false,
            None => {
                return (0..needs.len()).map(|i| shown[i].then_some(w[i])).collect();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(natural: usize, word: usize, give: Give) -> Need {
        Need {
            natural,
            word,
            least: word.min(8),
            give,
        }
    }

    #[test]
    fn wraps_at_words_and_truncates_long_ones() {
        let t = Styled::plain("Windows Management Instrumentation");
        let lines: Vec<String> = t.wrap(20).iter().map(Styled::render).collect();
        assert_eq!(lines, ["Windows Management", "Instrumentation"]);
        let lines: Vec<String> = t.wrap(10).iter().map(Styled::render).collect();
        assert_eq!(lines, ["Windows", "Management", "Instrumen…"]);
        assert_eq!(t.wrap(40).len(), 1);
        assert_eq!(Styled::plain("a\nbb cc").wrap(2).len(), 3);
    }

    #[test]
    fn styles_close_on_every_line() {
        let mut t = Styled::default();
        t.push("red words here", Some("\x1b[31m"));
        let s = t.wrapped(9);
        for line in s.lines() {
            assert!(
                line.starts_with("\x1b[31m") && line.ends_with(RESET),
                "{line:?}"
            );
        }
        assert_eq!(Styled::plain("x").render(), "x");
    }

    #[test]
    fn free_text_shrinks_first_and_widest_first() {
        let needs = [
            need(9, 9, Give::Keep),
            need(34, 34, Give::Keep),
            need(44, 20, Give::Wrap),
            need(40, 10, Give::Wrap),
        ];
        let w = widths(&needs, 100, 3, 1);
        assert_eq!(w[0], Some(9));
        assert_eq!(w[1], Some(34));
        let sum: usize = w.iter().flatten().sum::<usize>() + 3 * 4 + 1;
        assert!(sum <= 100, "{w:?}");
        // Both free-text columns shrank towards the same width.
        assert!(w[2].unwrap().abs_diff(w[3].unwrap()) <= 1, "{w:?}");
        // Nothing shrinks when it fits.
        let w = widths(&needs, 200, 3, 1);
        assert_eq!(w, [Some(9), Some(34), Some(44), Some(40)]);
    }

    #[test]
    fn columns_are_dropped_only_when_words_cannot_fit() {
        let needs = [
            need(9, 9, Give::Keep),
            need(34, 34, Give::Keep),
            need(10, 10, Give::Drop),
            need(12, 12, Give::Drop),
        ];
        let w = widths(&needs, 60, 3, 1);
        assert_eq!(w, [Some(9), Some(34), None, None]);
        let w = widths(&needs, 70, 3, 1);
        assert_eq!(w, [Some(9), Some(34), Some(10), None]);
        // Keep columns stay even when nothing fits.
        let w = widths(&needs, 20, 3, 1);
        assert_eq!(w, [Some(9), Some(34), None, None]);
    }
}
