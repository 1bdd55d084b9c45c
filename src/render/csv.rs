//! CSV (RFC 4180): a header row of JSON field names, then the views flattened by
//! [`flat::record`] (lists joined with `;`, references as their IDs, null empty).

use std::io::{self, Write};

use super::sanitize;
use serde::Serialize;

use crate::query::{DetailView, Report, TableRow, flat};

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

/// Writes records under a header row of their field names; `T::default()` names the columns
/// when there are no records.
fn records<T: Serialize + Default>(out: &mut dyn Write, items: &[T]) -> io::Result<()> {
    let mut first = true;
    for item in items {
        let (keys, cells): (Vec<String>, Vec<String>) = flat::record(item)?.into_iter().unzip();
        if std::mem::take(&mut first) {
            record(out, &keys)?;
        }
        record(out, &cells)?;
    }
    if first {
        let keys: Vec<String> = flat::record(&T::default())?
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        record(out, &keys)?;
    }
    Ok(())
}

pub(super) fn list<T: TableRow>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    records(out, rows)
}

pub(super) fn report<R: Report>(out: &mut dyn Write, item: &R) -> io::Result<()> {
    records(out, &item.records())
}

pub(super) fn detail<T: DetailView>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    let (h, v): (Vec<String>, Vec<String>) = flat::record(item)?.into_iter().unzip();
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
