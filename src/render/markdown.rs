//! GitHub-flavoured Markdown tables.

use std::io::{self, Write};

use super::{bar, sanitize};
use crate::query::layout::Detail;
use crate::query::{Block, Cell, Grid, Report, Shade, TableRow};

fn escape(s: &str) -> String {
    sanitize(s, false).replace('|', "\\|")
}

fn cell(c: &Cell) -> String {
    let mut s = escape(&c.text);
    if let Some(b) = c.bar {
        s = format!("{} {s}", bar(b, 10)).trim_end().to_string();
    }
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

pub(super) fn detail(out: &mut dyn Write, item: &Detail) -> io::Result<()> {
    writeln!(out, "## {}", sanitize(&item.title, false))?;
    writeln!(out)?;
    row(out, &["Field".to_string(), "Value".to_string()])?;
    row(out, &["---".to_string(), "---".to_string()])?;
    for f in &item.fields {
        row(out, &[f.label.clone(), cell(&f.value)])?;
    }
    for s in &item.sections {
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

fn grid(out: &mut dyn Write, g: &Grid) -> io::Result<()> {
    let titles: Vec<String> = g.columns.iter().map(|c| escape(&c.title)).collect();
    row(out, &titles)?;
    row(out, &vec!["---".to_string(); titles.len()])?;
    let subtitles: Vec<String> = g
        .columns
        .iter()
        .map(|c| format!("*{}*", escape(&c.subtitle)))
        .collect();
    row(out, &subtitles)?;
    let height = g.columns.iter().map(|c| c.cells.len()).max().unwrap_or(0);
    for i in 0..height {
        let cells: Vec<String> = g
            .columns
            .iter()
            .map(|c| {
                c.cells.get(i).map_or_else(String::new, |x| {
                    let mark = match x.shade {
                        Shade::Plain | Shade::Outside => "",
                        Shade::Covered => " ✓",
                        Shade::Gap => " ✗",
                    };
                    let arrow = if x.level > 0 { "↳ " } else { "" };
                    format!("{arrow}{} {}{mark}", escape(&x.id), escape(&x.name))
                })
            })
            .collect();
        row(out, &cells)?;
    }
    if !g.legend.is_empty() {
        writeln!(out)?;
        let legend: Vec<String> = g
            .legend
            .iter()
            .map(|(shade, label)| match shade {
                Shade::Covered => format!("✓ {label}"),
                Shade::Gap => format!("✗ {label}"),
                Shade::Plain | Shade::Outside => format!("unmarked: {label}"),
            })
            .collect();
        writeln!(out, "{}", legend.join(" · "))?;
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
            Block::Grid(g) => grid(out, &g)?,
        }
    }
    Ok(())
}
