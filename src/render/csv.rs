//! CSV (RFC 4180): a header row of JSON field names, then the views flattened by
//! [`flat::record`] (lists joined with `;`, references as their IDs, null empty). Every cell
//! goes through [`field`], which also defuses spreadsheet formulas.

use std::io::{self, Write};

use super::sanitize;
use serde::Serialize;

use crate::query::{DetailView, Report, TableRow, flat};

/// One cell: control and invisible characters removed, a leading `'` before anything a
/// spreadsheet would run as a formula, quoted when it must be.
///
/// Bundle text is untrusted: a cell beginning with `=`, `+`, `-` or `@` (after any spaces),
/// or with a tab or carriage return, is a formula to spreadsheets (Excel, Calc, Sheets),
/// and can run commands or leak data when the file is opened. OWASP's guidance is to start
/// such a cell with a `'`, which the spreadsheet shows as text.
fn field(s: &str) -> String {
    let formula = s.starts_with(['\t', '\r']);
    let s = sanitize(s, true);
    let s = if formula || s.trim_start_matches(' ').starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    };
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

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("+cmd"), "'+cmd");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\t=1"), "' =1");
        assert_eq!(field("\r=1"), "' =1");
        assert_eq!(field("  =1"), "'  =1");
        assert_eq!(
            field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(field("a=b"), "a=b");
        assert_eq!(field("T1059.001"), "T1059.001");
        assert_eq!(field(""), "");
    }
}
