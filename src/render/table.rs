//! Human tables (tabled): fitted to the terminal on a tty, never truncated when piped.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::Style;

use super::fit::{self, Give, Need, Styled};
use super::{Options, bar, sanitize};
use crate::query::layout::Detail;
use crate::query::{Block, Cell, Grid, Report, Shade, TableRow};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;33m";
const WARN: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const DIM: &str = "\x1b[2m";
const BLUE: &str = "\x1b[34m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// Narrowest matrix column on a terminal; tactics are paged into blocks to keep it.
const MIN_GRID_COLUMN: usize = 16;
/// Width of a coverage bar.
const BAR_WIDTH: usize = 20;

/// Renders a cell: nesting marker, highlights and status note, all from sanitised text.
fn cell(c: &Cell, color: bool) -> Styled {
    let on = |code: &'static str| color.then_some(code);
    let mut s = Styled::default();
    if let Some(b) = c.bar {
        s.push(&bar(b, BAR_WIDTH), on(GREEN));
        if !c.text.is_empty() {
            s.push(" ", None);
        }
    }
    if c.indent > 0 {
        s.push(&"  ".repeat(usize::from(c.indent - 1)), None);
        s.push("└ ", None);
    }
    let mut last = 0;
    if color {
        for &(a, b) in &c.marks {
            if a < last
                || b > c.text.len()
                || !c.text.is_char_boundary(a)
                || !c.text.is_char_boundary(b)
            {
                continue;
            }
            s.push(&sanitize(&c.text[last..a], false), None);
            s.push(&sanitize(&c.text[a..b], false), Some(MATCH));
            last = b;
        }
    }
    s.push(&sanitize(&c.text[last..], false), None);
    if let Some(n) = c.note {
        s.push(" ", None);
        s.push(&format!("({n})"), on(WARN));
    }
    s
}

fn header(h: &str, color: bool) -> Styled {
    let mut s = Styled::default();
    s.push(h, color.then_some(BOLD));
    s
}

/// Headings of the columns that name a row: never wrapped, never dropped.
const IDENTITY: &[&str] = &["ID", "Name", "Technique"];

/// Narrowest a free-text column gets before its words are truncated.
const LEAST_FREE: usize = 10;

/// Draws a table; with a width, fits it (see [`fit::widths`]) and records the columns left
/// out in [`super::notes`].
fn print_table(
    out: &mut dyn Write,
    headers: &[&str],
    rows: Vec<Vec<Styled>>,
    opts: &Options,
) -> io::Result<()> {
    let color = opts.color;
    let widths: Vec<Option<usize>> = match opts.width {
        None => vec![Some(usize::MAX); headers.len()],
        Some(total) => {
            let needs: Vec<Need> = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let col = rows.iter().filter_map(|r| r.get(i));
                    let natural = col.clone().map(Styled::width).max().unwrap_or(0);
                    let head = Styled::plain(h);
                    let word = col
                        .clone()
                        .map(Styled::longest_word)
                        .chain([head.longest_word()])
                        .max()
                        .unwrap_or(0);
                    let give = if i == 0 || IDENTITY.contains(h) {
                        Give::Keep
                    } else if col.clone().any(Styled::has_space) {
                        Give::Wrap
                    } else {
                        Give::Drop
                    };
                    // Prose may lose the ends of long words; a list of tokens (tactics,
                    // platforms) may not: the column is dropped instead.
                    let least = if col.clone().any(Styled::is_prose) {
                        head.longest_word().max(word.min(LEAST_FREE))
                    } else {
                        word
                    };
                    Need {
                        natural: natural.max(head.width()),
                        word,
                        least,
                        give,
                    }
                })
                .collect();
            let fitted = fit::widths(&needs, total, 3, 1);
            let dropped: Vec<&str> = headers
                .iter()
                .zip(&fitted)
                .filter(|(_, w)| w.is_none())
                .map(|(h, _)| *h)
                .collect();
            if !dropped.is_empty() {
                super::note(format!(
                    "{} left out to fit {total} columns: {} (widen the terminal, or pipe the output)",
                    if dropped.len() == 1 {
                        "a column"
                    } else {
                        "columns"
                    },
                    dropped.join(", ")
                ));
            }
            fitted
        }
    };
    print_fitted(out, headers, rows, &widths, color)
}

/// Draws the columns given a width (`None`: left out), wrapping each cell to it.
fn print_fitted(
    out: &mut dyn Write,
    headers: &[&str],
    rows: Vec<Vec<Styled>>,
    widths: &[Option<usize>],
    color: bool,
) -> io::Result<()> {
    let mut b = Builder::default();
    let keep = |cells: Vec<Styled>| -> Vec<String> {
        cells
            .into_iter()
            .zip(widths)
            .filter_map(|(c, w)| w.map(|w| c.wrapped(w)))
            .collect()
    };
    b.push_record(keep(headers.iter().map(|h| header(h, color)).collect()));
    for r in rows {
        b.push_record(keep(r));
    }
    let mut table = b.build();
    table.with(Style::sharp());
    writeln!(out, "{table}")
}

/// A table's caption line, wrapped at words on a terminal.
pub(super) fn caption(out: &mut dyn Write, text: &str, opts: &Options) -> io::Result<()> {
    let mut styled = Styled::default();
    styled.push(&sanitize(text, false), opts.color.then_some(BOLD));
    writeln!(out, "{}", styled.wrapped(opts.width.unwrap_or(usize::MAX)))
}

pub(super) fn list<T: TableRow>(out: &mut dyn Write, rows: &[T], opts: &Options) -> io::Result<()> {
    let rows = rows
        .iter()
        .map(|r| r.cells().iter().map(|c| cell(c, opts.color)).collect())
        .collect();
    print_table(out, &T::headers(), rows, opts)
}

/// Wraps a paragraph at word boundaries to `width` columns (counted in chars).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

pub(super) fn detail(out: &mut dyn Write, item: &Detail, opts: &Options) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        header(&sanitize(&item.title, false), opts.color).render()
    )?;
    let label_width = item
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0);
    let value_width = opts
        .width
        .map_or(usize::MAX, |w| w.saturating_sub(label_width + 3).max(20));
    for f in &item.fields {
        let label = format!("{:<label_width$}", f.label);
        let label = header(&label, opts.color).render();
        let blank = " ".repeat(label_width);
        for (i, line) in cell(&f.value, opts.color)
            .wrap(value_width)
            .iter()
            .enumerate()
        {
            let l = if i == 0 { &label } else { &blank };
            writeln!(out, " {l}  {}", line.render())?;
        }
    }
    for s in &item.sections {
        writeln!(out)?;
        writeln!(out, "{}", header(&s.title, opts.color).render())?;
        let lines: Vec<String> = s.lines.iter().map(|l| sanitize(&l.text, true)).collect();
        // Lines that start with an ID (`T1059  Name`) line their names up, per nesting level.
        let id_of = |t: &str| {
            t.split_once("  ")
                .filter(|(id, _)| is_attack_id(id))
                .map(|(id, rest)| (id.chars().count(), rest.to_string()))
        };
        let mut id_width = std::collections::HashMap::new();
        for (l, t) in s.lines.iter().zip(&lines) {
            if let Some((w, _)) = id_of(t) {
                let e = id_width.entry(l.indent).or_insert(0);
                *e = w.max(*e);
            }
        }
        for (l, t) in s.lines.iter().zip(&lines) {
            let pad = "  ".repeat(1 + usize::from(l.indent));
            let (first, hang, body) = match id_of(t) {
                Some((w, rest)) => {
                    let idw = id_width.get(&l.indent).copied().unwrap_or(w);
                    let id = &t[..t.find("  ").unwrap_or(0)];
                    (
                        format!("{pad}{id:<idw$}  "),
                        " ".repeat(pad.len() + idw + 2),
                        rest,
                    )
                }
                None => (pad.clone(), pad.clone(), t.clone()),
            };
            let room = opts
                .width
                .map_or(usize::MAX, |w| w.saturating_sub(hang.len()).max(20));
            let mut lead = &first;
            for para in body.split('\n') {
                for line in Styled::plain(para).wrap(room) {
                    writeln!(out, "{}", format!("{lead}{}", line.render()).trim_end())?;
                    lead = &hang;
                }
            }
        }
    }
    Ok(())
}

/// Whether `s` reads as an ATT&CK ID: capitals, then digits, maybe a dotted suffix
/// (`T1059.001`, `TA0002`, `DET0901`).
fn is_attack_id(s: &str) -> bool {
    let digits = s.trim_start_matches(|c: char| c.is_ascii_uppercase());
    digits.len() < s.len()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Wraps `text` to `width` columns at spaces: the first line starts with `first`, the others
/// with `rest`; a word longer than a line is truncated with `…`, never split.
fn hang(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let need = word.len() + usize::from(!empty);
            if used + need <= width {
                if !empty {
                    line.push(' ');
                }
                line.extend(word.iter());
                empty = false;
                break;
            }
            if empty {
                // Nothing on this line yet and the word is too long: its end gives way to `…`.
                let room = width.saturating_sub(used).max(1);
                line.extend(word.iter().take(room - 1));
                line.push('…');
                empty = false;
                break;
            }
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            empty = true;
        }
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn paint(lines: &[String], code: Option<&str>) -> String {
    lines
        .iter()
        .map(|l| match code {
            Some(c) => format!("{c}{l}{RESET}"),
            None => l.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A matrix: on a terminal, tactics are paged into blocks of columns at least
/// [`MIN_GRID_COLUMN`] wide and names wrap inside them; piped, one table, nothing wrapped.
fn grid(out: &mut dyn Write, g: &Grid, opts: &Options) -> io::Result<()> {
    let n = g.columns.len();
    if n == 0 {
        return Ok(());
    }
    let (per_block, width) = match opts.width {
        None => (n, usize::MAX),
        Some(w) => {
            let fit = (w.saturating_sub(1) / (MIN_GRID_COLUMN + 3)).clamp(1, n);
            let per = n.div_ceil(n.div_ceil(fit));
            (per, (w.saturating_sub(1) / per).saturating_sub(3).max(4))
        }
    };
    for (bi, chunk) in g.columns.chunks(per_block).enumerate() {
        if bi > 0 {
            writeln!(out)?;
        }
        let mut b = Builder::default();
        b.push_record(chunk.iter().map(|c| {
            let mut lines = hang(&sanitize(&c.title, false), "", "", width);
            if opts.color {
                lines = vec![paint(&lines, Some(BOLD))];
            }
            let sub = hang(&sanitize(&c.subtitle, false), "", "", width);
            lines.push(paint(&sub, opts.color.then_some(DIM)));
            lines.join("\n")
        }));
        let height = chunk.iter().map(|c| c.cells.len()).max().unwrap_or(0);
        for i in 0..height {
            b.push_record(chunk.iter().map(|c| {
                c.cells.get(i).map_or_else(String::new, |x| {
                    let first = if x.level > 0 { "└ " } else { "" };
                    let lines = hang(&sanitize(&x.name, false), first, "  ", width);
                    let code = match x.shade {
                        _ if !opts.color => None,
                        Shade::Plain => None,
                        Shade::Covered => Some(GREEN),
                        Shade::Detected => Some(BLUE),
                        Shade::Tested => Some(YELLOW),
                        Shade::Gap => Some(RED),
                        Shade::Outside => Some(DIM),
                    };
                    paint(&lines, code)
                })
            }));
        }
        let mut table = b.build();
        table.with(Style::sharp());
        writeln!(out, "{table}")?;
    }
    if !g.legend.is_empty() {
        let legend: Vec<String> = g
            .legend
            .iter()
            .map(|(shade, label)| {
                let code = match shade {
                    Shade::Covered => GREEN,
                    Shade::Detected => BLUE,
                    Shade::Tested => YELLOW,
                    Shade::Gap => RED,
                    Shade::Plain | Shade::Outside => DIM,
                };
                if opts.color {
                    format!("{code}{label}{RESET}")
                } else {
                    label.clone()
                }
            })
            .collect();
        writeln!(out, "{}", legend.join("  "))?;
    }
    Ok(())
}

fn text(out: &mut dyn Write, t: &str, opts: &Options) -> io::Result<()> {
    let t = sanitize(t, true);
    match opts.width {
        Some(w) => {
            for line in wrap(&t, w) {
                writeln!(out, "{line}")?;
            }
        }
        None => writeln!(out, "{t}")?,
    }
    Ok(())
}

pub(super) fn report<R: Report>(out: &mut dyn Write, item: &R, opts: &Options) -> io::Result<()> {
    let title = sanitize(&item.title(), false);
    let lines = opts
        .width
        .map_or_else(|| vec![title.clone()], |w| wrap(&title, w));
    for l in lines {
        writeln!(out, "{}", header(&l, opts.color).render())?;
    }
    for block in item.blocks() {
        match block {
            Block::Heading(h) => {
                writeln!(out)?;
                writeln!(out, "{}", header(&sanitize(&h, false), opts.color).render())?;
            }
            Block::Text(t) => text(out, &t, opts)?,
            Block::Table { headers, rows } => {
                let rows = rows
                    .iter()
                    .map(|r| r.iter().map(|c| cell(c, opts.color)).collect())
                    .collect();
                print_table(out, &headers, rows, opts)?;
            }
            Block::Grid(g) => grid(out, &g, opts)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{GridCell, GridColumn};

    #[test]
    fn hanging_wrap_cuts_long_words() {
        assert_eq!(
            hang("Command and Scripting Interpreter", "", "  ", 12),
            ["Command and", "  Scripting", "  Interpret…"]
        );
        assert_eq!(hang("PowerShell", "└ ", "  ", 16), ["└ PowerShell"]);
        assert_eq!(hang("", "", "", 5), [""]);
        assert_eq!(hang("abcdefghij", "", "", 4), ["abc…"]);
    }

    fn sample_grid() -> Grid {
        let names = [
            "Command and Scripting Interpreter",
            "Scheduled Task/Job",
            "Exploitation for Client Execution",
            "Windows Management Instrumentation",
        ];
        Grid {
            columns: (0..14)
                .map(|i| GridColumn {
                    title: format!("Tactic Number {i} With A Long Name"),
                    subtitle: format!("TA00{i:02} · 4 techniques"),
                    cells: names
                        .iter()
                        .enumerate()
                        .map(|(k, n)| GridCell {
                            id: format!("T10{k:02}"),
                            name: (*n).to_string(),
                            level: u8::from(k % 2 == 1),
                            ..GridCell::default()
                        })
                        .collect(),
                })
                .collect(),
            legend: Vec::new(),
        }
    }

    #[test]
    fn grids_fit_80_columns_and_page_tactics() {
        for w in [80, 100, 132, 200, 40] {
            let mut out = Vec::new();
            let opts = Options {
                width: Some(w),
                ..Options::default()
            };
            grid(&mut out, &sample_grid(), &opts).unwrap();
            let s = String::from_utf8(out).unwrap();
            for line in s.lines() {
                assert!(line.chars().count() <= w, "{w}: {line}");
            }
            // Every tactic is there, in order.
            let mut at = 0;
            for i in 0..14 {
                let needle = format!("TA00{i:02}");
                let pos = s[at..].find(&needle).map(|p| p + at);
                assert!(pos.is_some(), "{w}: {needle} missing or out of order");
                at = pos.unwrap_or(at);
            }
        }
    }

    #[test]
    fn piped_grids_are_not_wrapped() {
        let mut out = Vec::new();
        grid(&mut out, &sample_grid(), &Options::default()).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("Command and Scripting Interpreter"));
        assert!(s.contains("└ Scheduled Task/Job"));
        assert_eq!(s.lines().next().unwrap().matches('┬').count(), 13);
    }

    #[test]
    fn wraps_at_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("one\n\ntwo", 10), ["one", "", "two"]);
    }

    #[test]
    fn cells_show_nesting_notes_and_marks() {
        let c = Cell {
            text: "Power shell".into(),
            indent: 1,
            marks: vec![(0, 5)],
            note: Some("revoked"),
            ..Cell::default()
        };
        assert_eq!(cell(&c, false).render(), "└ Power shell (revoked)");
        assert!(cell(&c, true).render().contains("\x1b[1;33mPower\x1b[0m"));
        let evil = Cell::from("x\u{1b}]0;pwned\u{7}y");
        assert!(!cell(&evil, true).render().contains('\u{1b}'));
    }
}
