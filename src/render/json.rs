//! JSON and JSON Lines: the documented contract, never coloured.

use std::io::{self, Write};

use serde::Serialize;

pub(super) fn list<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    one(out, &rows)
}

pub(super) fn lines<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    for r in rows {
        one_line(out, r)?;
    }
    Ok(())
}

pub(super) fn one<T: Serialize + ?Sized>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    let mut buf = io::BufWriter::with_capacity(BUFFER, out);
    serde_json::to_writer_pretty(&mut buf, item)?;
    writeln!(buf)?;
    buf.flush()
}

pub(super) fn one_line<T: Serialize + ?Sized>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    let mut buf = io::BufWriter::with_capacity(BUFFER, out);
    serde_json::to_writer(&mut buf, item)?;
    writeln!(buf)?;
    buf.flush()
}

/// `serde_json` writes a token at a time (a number, a comma, an indent): into a buffer of
/// its own each write is a plain copy instead of a call through `dyn Write`, which was half
/// of writing a long list of line numbers.
const BUFFER: usize = 32 * 1024;
