//! GitHub-flavoured Markdown tables.

use std::io::{self, Write};

use super::sanitize;
use crate::query::{Block, Cell, DetailView, Report, TableRow};

fn cell(c: &Cell) -> String {
    let mut s = sanitize(&c.text, false).replace('|', "\\|");
    if c.indent > 0 {
        s = format!("↳ {s}");
    }
    if let Some(n) = c.note {
        s.push_str(&format!(" *({n})*"));
    }
    s
}

fn row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    writeln!(out, "| {} |", cells.join(" | "))
}

pub(super) fn list<T: TableRow>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    let h: Vec<String> = T::headers().iter().map(ToString::to_string).collect();
    row(out, &h)?;
    row(out, &vec!["---".to_string(); h.len()])?;
    for r in rows {
        let cells: Vec<String> = r.cells().iter().map(cell).collect();
        row(out, &cells)?;
    }
    Ok(())
}

pub(super) fn detail<T: DetailView>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    writeln!(out, "## {}", sanitize(&item.title(), false))?;
    writeln!(out)?;
    row(out, &["Field".to_string(), "Value".to_string()])?;
    row(out, &["---".to_string(), "---".to_string()])?;
    for (k, v) in item.fields() {
        row(out, &[k.to_string(), cell(&v)])?;
    }
    for s in item.sections() {
        writeln!(out)?;
        writeln!(out, "### {}", s.title)?;
        writeln!(out)?;
        let list = s.lines.len() > 1;
        for l in &s.lines {
            let text = sanitize(&l.text, true);
            if list {
                let pad = "  ".repeat(usize::from(l.indent));
                writeln!(out, "{pad}- {}", text.replace('\n', " "))?;
            } else {
                writeln!(out, "{text}")?;
            }
        }
    }
    Ok(())
}

pub(super) fn report<R: Report>(out: &mut dyn Write, item: &R) -> io::Result<()> {
    writeln!(out, "## {}", sanitize(&item.title(), false))?;
    for b in item.blocks() {
        writeln!(out)?;
        match b {
            Block::Heading(h) => writeln!(out, "### {}", sanitize(&h, false))?,
            Block::Text(t) => writeln!(out, "{}", sanitize(&t, false))?,
            Block::Table { headers, rows } => {
                let h: Vec<String> = headers.iter().map(ToString::to_string).collect();
                row(out, &h)?;
                row(out, &vec!["---".to_string(); h.len()])?;
                for r in rows {
                    let cells: Vec<String> = r.iter().map(cell).collect();
                    row(out, &cells)?;
                }
            }
        }
    }
    Ok(())
}
