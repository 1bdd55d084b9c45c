//! CSV (RFC 4180): a header row of JSON field names, lists joined with `;`.

use std::io::{self, Write};

use super::sanitize;
use crate::query::{DetailView, Report, TableRow};

fn field(s: &str) -> String {
    let s = sanitize(s, true);
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn record(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    writeln!(out, "{}", line.join(","))
}

pub(super) fn list<T: TableRow>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    let h: Vec<String> = T::csv_headers().iter().map(ToString::to_string).collect();
    record(out, &h)?;
    for r in rows {
        record(out, &r.csv_record())?;
    }
    Ok(())
}

pub(super) fn report<R: Report>(out: &mut dyn Write, item: &R) -> io::Result<()> {
    let h: Vec<String> = R::csv_headers().iter().map(ToString::to_string).collect();
    record(out, &h)?;
    for r in item.csv_records() {
        record(out, &r)?;
    }
    Ok(())
}

pub(super) fn detail<T: DetailView>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    let (h, v): (Vec<String>, Vec<String>) = item
        .csv_fields()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .unzip();
    record(out, &h)?;
    record(out, &v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("esc\u{1b}[0m"), "esc[0m");
    }
}
