//! `attck man`: the roff man page from the clap definitions (no bundle).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::Cli;

/// Writes the man page.
pub fn run(out: &mut dyn Write) -> Result<Outcome> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(Outcome::Found)
}
