//! `attck man`: the roff man page from the clap definitions (no bundle).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::Cli;

/// Writes the man page: clap's page for `attck`, then an EXAMPLES section made of every
/// command's `Examples:` from its `--help`, so both follow the same definitions.
pub fn run(out: &mut dyn Write) -> Result<Outcome> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    writeln!(out, ".SH EXAMPLES")?;
    let mut all = Vec::new();
    examples(&cmd, "attck", &mut all);
    for (name, lines) in all {
        writeln!(out, ".SS \"{name}\"")?;
        writeln!(out, ".nf")?;
        for l in lines {
            writeln!(out, "{}", roff_line(&l))?;
        }
        writeln!(out, ".fi")?;
    }
    Ok(Outcome::Found)
}

/// Each command's example lines (what follows `Examples:` in its after-help), depth first.
pub fn examples(cmd: &clap::Command, name: &str, all: &mut Vec<(String, Vec<String>)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let full = format!("{name} {}", sub.get_name());
        if let Some(help) = sub.get_after_help() {
            let text = help.to_string();
            let lines: Vec<String> = text
                .lines()
                .skip_while(|l| !l.starts_with("Examples:"))
                .skip(1)
                .take_while(|l| l.starts_with("  "))
                .map(|l| l.trim().to_string())
                .collect();
            if !lines.is_empty() {
                all.push((full.clone(), lines));
            }
        }
        examples(sub, &full, all);
    }
}

/// A line of text for roff: backslashes and hyphens escaped, no leading control character.
fn roff_line(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}
