//! Human tables (tabled): fitted to the terminal on a tty, never truncated when piped.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::peaker::PriorityMax;
use tabled::settings::{Style, Width};

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
fn cell(c: &Cell, color: bool) -> String {
    let mut s = String::new();
    if let Some(b) = c.bar {
        let meter = bar(b, BAR_WIDTH);
        if color {
            s.push_str(&format!("{GREEN}{meter}{RESET}"));
        } else {
            s.push_str(&meter);
        }
        if !c.text.is_empty() {
            s.push(' ');
        }
    }
    if c.indent > 0 {
        s.push_str(&"  ".repeat(usize::from(c.indent - 1)));
        s.push_str("└ ");
    }
    if color && !c.marks.is_empty() {
        let mut last = 0;
        for &(a, b) in &c.marks {
            if a < last
                || b > c.text.len()
                || !c.text.is_char_boundary(a)
                || !c.text.is_char_boundary(b)
            {
                continue;
            }
            s.push_str(&sanitize(&c.text[last..a], false));
            s.push_str(MATCH);
            s.push_str(&sanitize(&c.text[a..b], false));
            s.push_str(RESET);
            last = b;
        }
        s.push_str(&sanitize(&c.text[last..], false));
    } else {
        s.push_str(&sanitize(&c.text, false));
    }
    if let Some(n) = c.note {
        if color {
            s.push_str(&format!(" {WARN}({n}){RESET}"));
        } else {
            s.push_str(&format!(" ({n})"));
        }
    }
    s
}

fn header(h: &str, color: bool) -> String {
    if color {
        format!("{BOLD}{h}{RESET}")
    } else {
        h.to_string()
    }
}

fn print_table(out: &mut dyn Write, builder: Builder, opts: &Options) -> io::Result<()> {
    let mut table = builder.build();
    table.with(Style::sharp());
    if let Some(w) = opts.width {
        table.with(
            Width::wrap(w)
                .keep_words(true)
                .priority(PriorityMax::new(true)),
        );
    }
    writeln!(out, "{table}")
}

pub(super) fn list<T: TableRow>(out: &mut dyn Write, rows: &[T], opts: &Options) -> io::Result<()> {
    let mut b = Builder::default();
    b.push_record(T::headers().iter().map(|h| header(h, opts.color)));
    for r in rows {
        b.push_record(r.cells().iter().map(|c| cell(c, opts.color)));
    }
    print_table(out, b, opts)
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
    writeln!(out, "{}", header(&sanitize(&item.title, false), opts.color))?;
    let mut b = Builder::default();
    for f in &item.fields {
        b.push_record([header(&f.label, opts.color), cell(&f.value, opts.color)]);
    }
    let mut table = b.build();
    table.with(Style::blank());
    if let Some(w) = opts.width {
        table.with(
            Width::wrap(w)
                .keep_words(true)
                .priority(PriorityMax::new(true)),
        );
    }
    writeln!(out, "{table}")?;
    for s in &item.sections {
        writeln!(out)?;
        writeln!(out, "{}", header(&s.title, opts.color))?;
        for l in &s.lines {
            let text = sanitize(&l.text, true);
            let pad = "  ".repeat(1 + usize::from(l.indent));
            match opts.width {
                Some(w) => {
                    for line in wrap(&text, w.saturating_sub(pad.len()).max(20)) {
                        writeln!(out, "{pad}{line}")?;
                    }
                }
                None => {
                    for line in text.lines() {
                        writeln!(out, "{pad}{line}")?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Wraps `text` to `width` columns: the first line starts with `first`, the others with
/// `rest`; words longer than a line are cut.
fn hang(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
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
                // Nothing on this line yet and the word is too long: cut it.
                let room = width.saturating_sub(used).max(1);
                let cut: String = word.drain(..room.min(word.len())).collect();
                line.push_str(&cut);
                lines.push(std::mem::replace(&mut line, rest.to_string()));
                if word.is_empty() {
                    break;
                }
            } else {
                lines.push(std::mem::replace(&mut line, rest.to_string()));
                empty = true;
            }
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
        writeln!(out, "{}", header(&l, opts.color))?;
    }
    for block in item.blocks() {
        match block {
            Block::Heading(h) => {
                writeln!(out)?;
                writeln!(out, "{}", header(&sanitize(&h, false), opts.color))?;
            }
            Block::Text(t) => text(out, &t, opts)?,
            Block::Table { headers, rows } => {
                let mut b = Builder::default();
                b.push_record(headers.iter().map(|h| header(h, opts.color)));
                for r in rows {
                    b.push_record(r.iter().map(|c| cell(c, opts.color)));
                }
                print_table(out, b, opts)?;
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
            ["Command and", "  Scripting", "  Interprete", "  r"]
        );
        assert_eq!(hang("PowerShell", "└ ", "  ", 16), ["└ PowerShell"]);
        assert_eq!(hang("", "", "", 5), [""]);
        assert_eq!(hang("abcdefghij", "", "", 4), ["abcd", "efgh", "ij"]);
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
        assert_eq!(cell(&c, false), "└ Power shell (revoked)");
        assert!(cell(&c, true).contains("\x1b[1;33mPower\x1b[0m"));
        let evil = Cell::from("x\u{1b}]0;pwned\u{7}y");
        assert!(!cell(&evil, true).contains('\u{1b}'));
    }
}
