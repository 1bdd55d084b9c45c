//! GitHub-flavoured Markdown tables. Text from the bundle is untrusted: control and invisible
//! characters are removed and HTML is escaped, so `<script>` or `<img onerror=…>` in a
//! description shows as text wherever the Markdown is rendered.

use std::io::{self, Write};

use super::{bar, sanitize};
use crate::query::layout::Detail;
use crate::query::{Block, Cell, Grid, Report, Shade, TableRow};

/// Text for Markdown: sanitised, with `<` and `>` escaped (so no HTML tag can form) and `&`
/// escaped where it would start a character reference (`&lt;`, `&#60;`); a plain `&` as in
/// "ATT&CK" stays as it is, which Markdown shows as written.
fn text(s: &str, keep_newlines: bool) -> String {
    let s = sanitize(s, keep_newlines);
    if !s.contains(['&', '<', '>']) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_reference(&s[i + 1..]) => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether text after a `&` makes a character reference: name or `#` number, then `;`.
fn starts_reference(rest: &str) -> bool {
    let body = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .map_or(rest, |end| &rest[..end]);
    !body.is_empty() && rest[body.len()..].starts_with(';')
}

/// Text for a table cell: also no `|`.
fn escape(s: &str) -> String {
    text(s, false).replace('|', "\\|")
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
    writeln!(out, "## {}", text(&item.title, false))?;
    writeln!(out)?;
    row(out, &["Field".to_string(), "Value".to_string()])?;
    row(out, &["---".to_string(), "---".to_string()])?;
    for f in &item.fields {
        row(out, &[f.label.clone(), cell(&f.value)])?;
    }
    for s in &item.sections {
        writeln!(out)?;
        writeln!(out, "### {}", text(&s.title, false))?;
        writeln!(out)?;
        let list = s.lines.len() > 1;
        for l in &s.lines {
            let line = text(&l.text, true);
            if list {
                let pad = "  ".repeat(usize::from(l.indent));
                writeln!(out, "{pad}- {}", line.replace('\n', " "))?;
            } else {
                writeln!(out, "{line}")?;
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
                        Shade::Detected => " ◐",
                        Shade::Tested => " ○",
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
                Shade::Covered => format!("✓ {}", text(label, false)),
                Shade::Detected => format!("◐ {}", text(label, false)),
                Shade::Tested => format!("○ {}", text(label, false)),
                Shade::Gap => format!("✗ {}", text(label, false)),
                Shade::Plain | Shade::Outside => format!("unmarked: {}", text(label, false)),
            })
            .collect();
        writeln!(out, "{}", legend.join(" · "))?;
    }
    Ok(())
}

pub(super) fn report<R: Report>(out: &mut dyn Write, item: &R) -> io::Result<()> {
    writeln!(out, "## {}", text(&item.title(), false))?;
    for b in item.blocks() {
        writeln!(out)?;
        match b {
            Block::Heading(h) => writeln!(out, "### {}", text(&h, false))?,
            Block::Text(t) => writeln!(out, "{}", text(&t, false))?,
            Block::Table { headers, rows } => {
                let h: Vec<String> = headers.iter().map(|h| escape(h)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_from_the_bundle_is_escaped() {
        assert_eq!(
            escape("<script>alert(1)</script> & <img src=x onerror=alert(2)> | x"),
            "&lt;script&gt;alert(1)&lt;/script&gt; & &lt;img src=x onerror=alert(2)&gt; \\| x"
        );
        assert_eq!(
            text("ATT&CK &lt;b&gt; &#60;i&#x3e;", false),
            "ATT&CK &amp;lt;b&amp;gt; &amp;#60;i&amp;#x3e;"
        );
        assert_eq!(text("a\u{200b}b\n<b>", true), "ab\n&lt;b&gt;");
        assert_eq!(text("plain", false), "plain");
    }
}
