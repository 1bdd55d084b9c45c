//! Output formats: one module per format, each writing views into a `&mut dyn Write`.

mod csv;
pub mod fit;
mod html;
mod json;
mod markdown;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::query::{DetailView, Report, TableRow, layout};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A human table (fits the terminal width on a tty).
    #[default]
    Table,
    /// Pretty JSON: an object or an array.
    Json,
    /// One JSON value per line: the elements of a list.
    Jsonl,
    /// CSV with a header row; list fields joined with `;`.
    Csv,
    /// A GitHub-flavoured Markdown table.
    Markdown,
    /// One self-contained HTML page (inline CSS, no scripts, nothing fetched).
    Html,
    /// Plain lines for tools (`lint`: `path:line:col: kind: message`); a view without a
    /// line form is written as its table.
    Text,
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// Emit ANSI colour (never for JSON).
    pub color: bool,
    /// Fit tables to this many columns; `None` never truncates or wraps.
    pub width: Option<usize>,
    /// Show procedure examples in detail tables (`--procedures`, `-v`).
    pub procedures: bool,
}

thread_local! {
    static NOTES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records a note about how output was drawn (a column left out to fit the terminal), for
/// the command to print on stderr once the results are out: renderers write only results.
fn note(msg: String) {
    NOTES.with(|n| n.borrow_mut().push(msg));
}

/// Takes the notes recorded while rendering on this thread (a column left out to fit).
#[must_use]
pub fn take_notes() -> Vec<String> {
    NOTES.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

/// Writes a list view.
pub fn list<T: TableRow>(out: &mut dyn Write, rows: &[T], opts: &Options) -> io::Result<()> {
    list_titled(out, rows, None, opts)
}

/// Writes a list view; a human table gets `caption` above it (what is listed, from which
/// domain and version).
pub fn list_titled<T: TableRow>(
    out: &mut dyn Write,
    rows: &[T],
    caption: Option<&str>,
    opts: &Options,
) -> io::Result<()> {
    if let (Format::Table, Some(c)) = (opts.format, caption) {
        table::caption(out, c, opts)?;
    }
    match opts.format {
        Format::Table | Format::Text => table::list(out, rows, opts),
        Format::Json => json::list(out, rows),
        Format::Jsonl => json::lines(out, rows),
        Format::Csv => csv::list(out, rows),
        Format::Markdown => markdown::list(out, rows),
        Format::Html => html::list(out, rows),
    }
}

/// Writes a single-object view.
pub fn detail<T: DetailView>(out: &mut dyn Write, item: &T, opts: &Options) -> io::Result<()> {
    match opts.format {
        Format::Table | Format::Text => {
            table::detail(out, &layout::detail(item, opts.procedures)?, opts)
        }
        Format::Json => json::one(out, item),
        Format::Jsonl => json::one_line(out, item),
        Format::Csv => csv::detail(out, item),
        Format::Markdown => markdown::detail(out, &layout::detail(item, opts.procedures)?),
        Format::Html => html::detail(out, &layout::detail(item, opts.procedures)?),
    }
}

/// Writes a report (a matrix, a coverage report).
pub fn report<R: Report>(out: &mut dyn Write, item: &R, opts: &Options) -> io::Result<()> {
    match opts.format {
        Format::Table | Format::Text => table::report(out, item, opts),
        Format::Json => json::one(out, item),
        Format::Jsonl => json::lines(out, &item.json_lines()),
        Format::Csv => csv::report(out, item),
        Format::Markdown => markdown::report(out, item),
        Format::Html => html::report(out, item),
    }
}

/// Writes a JSON document (a Navigator layer) whatever the format.
pub fn json_document<T: Serialize>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    json::one(out, item)
}

/// A meter `width` characters wide, filled to `permille` / 1000.
#[must_use]
pub fn bar(permille: u16, width: usize) -> String {
    let filled = (usize::from(permille.min(1000)) * width + 500) / 1000;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// Replaces control characters (escape sequences included) so bundle text cannot drive the
/// terminal. Newlines survive only when `keep_newlines` is set.
///
/// Removed: C0 and C1 controls (ESC, BEL, backspace, the one-byte CSI U+009B, ...), the
/// bidirectional formatting characters (U+202E and its kin), which can make text display in
/// an order other than the one it is stored in, and invisible characters (zero-width space,
/// joiner and non-joiner, word joiner and invisible operators, the byte-order mark, tag
/// characters), which hide text or make two different names look the same. Tabs, carriage
/// returns and the Unicode line and paragraph separators become spaces.
#[must_use]
pub fn sanitize(s: &str, keep_newlines: bool) -> String {
    let dropped = |c: char| c.is_control() || is_bidi_control(c) || is_invisible(c);
    if !s.chars().any(|c| dropped(c) || is_line_break(c)) {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| match c {
            '\n' if keep_newlines => Some('\n'),
            '\t' | '\n' | '\r' => Some(' '),
            c if is_line_break(c) => Some(' '),
            c if dropped(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Characters that take no space and show nothing: zero-width space, non-joiner and joiner
/// (U+200B–U+200D), word joiner and the invisible operators (U+2060–U+2064), the byte-order
/// mark / zero-width no-break space (U+FEFF), and the tag characters (U+E0000–U+E007F).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}'
    )
}

/// The Unicode bidirectional formatting characters: marks, embeddings, overrides, isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Line and paragraph separators, which some terminals treat as line breaks.
fn is_line_break(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_pass() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{7}", false), "a[31mred");
        assert_eq!(sanitize("x\ny\tz", false), "x y z");
        assert_eq!(sanitize("x\ny", true), "x\ny");
        assert_eq!(sanitize("plain", false), "plain");
        assert_eq!(sanitize("\u{9b}31m", false), "31m");
        assert_eq!(sanitize("a\u{85}b\u{9f}c\u{80}", false), "abc");
        assert_eq!(
            sanitize(
                "\u{202e}gnp.exe\u{202c} \u{2066}x\u{2069}\u{200f}\u{61c}",
                false
            ),
            "gnp.exe x"
        );
        assert_eq!(sanitize("a\u{2028}b\u{2029}c", true), "a b c");
        assert_eq!(sanitize("b\u{8}\u{8}r\rok", false), "br ok");
        assert_eq!(
            sanitize(
                "Pass\u{200b}wo\u{200c}r\u{200d}d\u{2060}\u{2063}\u{feff}\u{e0041}\u{e007f}",
                false
            ),
            "Password"
        );
        assert_eq!(
            sanitize("naïve 日本 émoji 🙂", false),
            "naïve 日本 émoji 🙂"
        );
    }

    #[test]
    fn bars_round_to_the_nearest_cell() {
        assert_eq!(bar(0, 4), "░░░░");
        assert_eq!(bar(1000, 4), "████");
        assert_eq!(bar(500, 4), "██░░");
        assert_eq!(bar(124, 4), "░░░░");
        assert_eq!(bar(125, 4), "█░░░");
        assert_eq!(bar(5000, 2), "██");
    }
}
