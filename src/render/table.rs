//! Human tables (tabled): fitted to the terminal on a tty, never truncated when piped.

use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::peaker::PriorityMax;
use tabled::settings::{Style, Width};

use super::{Options, sanitize};
use crate::query::{Block, Cell, DetailView, Report, TableRow};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;33m";
const WARN: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// Renders a cell: nesting marker, highlights and status note, all from sanitised text.
fn cell(c: &Cell, color: bool) -> String {
    let mut s = String::new();
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

pub(super) fn detail<T: DetailView>(
    out: &mut dyn Write,
    item: &T,
    opts: &Options,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        header(&sanitize(&item.title(), false), opts.color)
    )?;
    let mut b = Builder::default();
    for (k, v) in item.fields() {
        b.push_record([header(k, opts.color), cell(&v, opts.color)]);
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
    for s in item.sections() {
        writeln!(out)?;
        writeln!(out, "{}", header(s.title, opts.color))?;
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
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        };
        assert_eq!(cell(&c, false), "└ Power shell (revoked)");
        assert!(cell(&c, true).contains("\x1b[1;33mPower\x1b[0m"));
        let evil = Cell::from("x\u{1b}]0;pwned\u{7}y");
        assert!(!cell(&evil, true).contains('\u{1b}'));
    }
}
