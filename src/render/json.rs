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
    serde_json::to_writer_pretty(&mut *out, item)?;
    writeln!(out)
}

pub(super) fn one_line<T: Serialize + ?Sized>(out: &mut dyn Write, item: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, item)?;
    writeln!(out)
}
