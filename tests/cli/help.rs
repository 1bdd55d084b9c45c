//! `--help` of every command, snapshotted: a changed flag or doc line shows up in review.

use crate::common::run;

#[test]
fn help_texts() {
    let top = run(&["--help"]);
    assert_eq!(top.code, 0);
    insta::assert_snapshot!("help", top.stdout);
    let commands: Vec<String> = top
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(ToString::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for c in &commands {
        let r = run(&[c, "--help"]);
        assert_eq!(r.code, 0, "{c}");
        insta::assert_snapshot!(format!("help_{c}"), r.stdout);
    }
    let r = run(&["layer", "upgrade", "--help"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("help_layer_upgrade", r.stdout);
}

#[test]
fn version_and_usage_errors() {
    let v = run(&["--version"]);
    assert_eq!(v.code, 0);
    assert!(v.stdout.starts_with("attck "), "{}", v.stdout);
    let bad = run(&["--no-such-flag"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--no-such-flag"));
}

/// Splits a shell line into words: whitespace separates, quotes group.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (_, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(cur);
    }
    words
}

/// The `attck …` invocation of an example line: from `attck` to the first pipe, redirect,
/// `&&` or the gap before a comment.
fn invocation(line: &str, path: &[String]) -> Option<Vec<String>> {
    let mut first = None;
    for at in line
        .match_indices("attck ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || line[..i].ends_with(' '))
    {
        let mut cmd = &line[at..];
        for stop in ["   ", " | ", " > ", " && "] {
            if let Some(i) = cmd.find(stop) {
                cmd = &cmd[..i];
            }
        }
        let words = shell_words(cmd);
        // In a pipeline, the invocation of the command whose help this is.
        if words.get(1..=path.len()) == Some(path) {
            return Some(words);
        }
        first.get_or_insert(words);
    }
    first
}

/// Every command path below `attck`: `["technique"]`, `["data", "path"]`, …
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], all: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            all.push(p.clone());
            walk(sub, &p, all);
        }
    }
    let mut all = Vec::new();
    walk(&attck_explorer::cli::Cli::command(), &[], &mut all);
    all
}

use clap::{CommandFactory, Parser};

#[test]
fn every_command_help_teaches_with_examples_that_parse() {
    let paths = command_paths();
    assert!(paths.len() >= 19, "{paths:?}");
    for p in &paths {
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        let r = run(&args);
        assert_eq!(r.code, 0, "{p:?}");
        let examples: Vec<&str> = r
            .stdout
            .lines()
            .skip_while(|l| *l != "Examples:")
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            examples.len() >= 2,
            "{p:?} --help has no Examples section:\n{}",
            r.stdout
        );
        for e in &examples {
            let words = invocation(e, p).unwrap_or_else(|| panic!("{p:?}: not an invocation: {e}"));
            assert_eq!(words[0], "attck");
            assert_eq!(
                words[1..=p.len()],
                p[..],
                "{p:?}: an example of another command: {e}"
            );
            if let Err(err) = attck_explorer::cli::Cli::try_parse_from(&words) {
                panic!("{p:?}: the example does not parse: {e}\n{err}");
            }
        }
    }
}

#[test]
fn command_options_come_before_the_global_ones() {
    for p in command_paths() {
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        let h = run(&args).stdout;
        let global = h
            .find("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{p:?}: no Global options heading:\n{h}"));
        let own = h.find("\nOptions:\n").expect("an Options heading");
        assert!(own < global, "{p:?}");
        for flag in ["--bundle", "--data-dir", "--domain", "--quiet", "--offline"] {
            let at = h
                .find(&format!("  {flag}"))
                .or_else(|| h.find(&format!(", {flag}")));
            assert!(
                at.is_some_and(|a| a > global),
                "{p:?}: {flag} not under Global options"
            );
        }
    }
}

#[test]
fn top_level_help_fits_one_screen() {
    for (flag, width) in [("--help", 100), ("-h", 100), ("--help", 80)] {
        // clap wraps to COLUMNS when stdout is not a terminal.
        let home = tempfile::tempdir().unwrap();
        let mut cmd = crate::common::attck_in(home.path());
        cmd.env("COLUMNS", width.to_string()).env("LINES", "40");
        let h = crate::common::run_with(cmd, &[flag]).stdout;
        let lines: Vec<&str> = h.lines().collect();
        // A screen of 40 rows: the commands, one line each, a few examples, where data
        // comes from; no line wider than the terminal, so none wraps into an extra row.
        assert!(
            lines.len() <= 40,
            "{flag} at {width}: {} lines",
            lines.len()
        );
        for l in &lines {
            assert!(l.chars().count() <= width, "{flag} at {width}: {l}");
        }
        let commands = lines
            .iter()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| !l.is_empty());
        for l in commands {
            assert!(
                !l.starts_with("   "),
                "{flag} at {width}: a command's line wraps: {l}"
            );
        }
        assert!(h.contains("Commands:") && h.contains("Examples:"));
        // Every command is listed.
        for p in command_paths().iter().filter(|p| p.len() == 1) {
            assert!(
                h.contains(&format!("\n  {} ", p[0])),
                "{flag}: {} missing",
                p[0]
            );
        }
    }
}

#[test]
fn man_page_carries_every_commands_examples_and_options() {
    let man = run(&["man"]);
    assert_eq!(man.code, 0);
    let roff = man.stdout.replace("\\-", "-");
    assert!(roff.contains(".SH EXAMPLES"));
    for p in command_paths() {
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        let h = run(&args).stdout;
        let first = h
            .lines()
            .skip_while(|l| *l != "Examples:")
            .nth(1)
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        assert!(
            roff.contains(&format!(".SS \"attck {}\"", p.join(" "))) && roff.contains(&first),
            "{p:?}: {first}"
        );
    }
    for flag in ["--attack-version", "--offline", "--format"] {
        assert!(roff.contains(flag), "{flag}");
    }
}

#[test]
fn every_command_help_fits_80_columns() {
    for p in command_paths() {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = crate::common::attck_in(home.path());
        cmd.env("COLUMNS", "80").env("LINES", "24");
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        let h = crate::common::run_with(cmd, &args).stdout;
        for l in h.lines() {
            assert!(l.chars().count() <= 80, "{p:?} --help at 80 columns: {l}");
        }
    }
}
