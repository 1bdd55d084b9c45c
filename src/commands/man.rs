//! `attck man`: the roff man page from the clap definitions (no bundle).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::Cli;

/// Writes the man page: clap's page for `attck`, then COMMAND OPTIONS (each command's own
/// arguments and options) and EXAMPLES (every command's `Examples:` from its `--help`), so
/// the page and `--help` follow the same definitions.
pub fn run(out: &mut dyn Write) -> Result<Outcome> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    writeln!(out, ".SH \"COMMAND OPTIONS\"")?;
    command_options(out, &cmd, "attck")?;
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

/// Each command's summary, arguments and own options (the global ones are in OPTIONS),
/// depth first.
fn command_options(out: &mut dyn Write, cmd: &clap::Command, name: &str) -> Result<()> {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let full = format!("{name} {}", sub.get_name());
        writeln!(out, ".SS \"{full}\"")?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff_line(&about.to_string()))?;
        }
        let args = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "help");
        for a in args {
            let value = a
                .get_value_names()
                .filter(|_| a.get_action().takes_values())
                .map(|v| {
                    v.iter()
                        .map(|n| format!("<{n}>"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            let head = match (a.get_short(), a.get_long()) {
                _ if a.is_positional() => format!("\\fI{value}\\fR"),
                (Some(s), Some(l)) => format!("\\fB-{s}\\fR, \\fB--{l}\\fR \\fI{value}\\fR"),
                (None, Some(l)) => format!("\\fB--{l}\\fR \\fI{value}\\fR"),
                (Some(s), None) => format!("\\fB-{s}\\fR \\fI{value}\\fR"),
                (None, None) => continue,
            };
            writeln!(out, ".TP")?;
            writeln!(out, "{}", head.trim_end().replace('-', "\\-"))?;
            if let Some(help) = a.get_help() {
                writeln!(out, "{}", roff_line(&help.to_string()))?;
            }
        }
        command_options(out, sub, &full)?;
    }
    Ok(())
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
