//! `attck completions <SHELL>`: a completion script from the clap definitions (no bundle).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};

/// Writes the completion script for the shell.
pub fn run(out: &mut dyn Write, args: &CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    // clap_complete panics when its writer fails: generate into memory, then write (so a
    // closed pipe is an ordinary error, which main treats as success).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "attck", &mut script);
    out.write_all(&script)?;
    Ok(Outcome::Found)
}
