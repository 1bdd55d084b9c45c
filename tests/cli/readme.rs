//! The README kept true: its examples run against the sample bundles and print what it
//! shows, every `attck` line parses, and the reliability table (docs/reliability.md) names
//! tests that exist.

use std::path::Path;

/// The rows of the tables under "## Reliability" (up to the next `## ` heading).
fn reliability_rows(readme: &str) -> Vec<&str> {
    let start = readme
        .find("\n## Reliability")
        .expect("docs/reliability.md has a Reliability section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .filter(|l| !l.starts_with("| fault |") && !l.starts_with("| bad input |"))
        .filter(|l| !l.starts_with("| limit |"))
        .filter(|l| l.trim_end().ends_with('|') && l.matches(" | ").count() >= 2)
        .filter(|l| l.contains(".rs::"))
        .collect()
}

/// `path.rs::mod::name` references in a row's last cell.
fn named_tests(row: &str) -> Vec<(String, String)> {
    let cell = row.trim_end().trim_end_matches('|');
    let cell = &cell[cell.rfind(" | ").map_or(0, |i| i + 3)..];
    cell.split(", ")
        .filter_map(|r| {
            let (path, rest) = r.trim().split_once("::")?;
            let name = rest.rsplit("::").next()?;
            Some((path.to_string(), name.to_string()))
        })
        .collect()
}

#[test]
fn every_line_of_the_reliability_table_names_a_test_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("docs/reliability.md")).unwrap();
    let rows = reliability_rows(&readme);
    assert!(rows.len() >= 40, "only {} rows found", rows.len());
    for row in rows {
        let tests = named_tests(row);
        assert!(!tests.is_empty(), "no test named in: {row}");
        for (path, name) in tests {
            let source = std::fs::read_to_string(root.join(&path))
                .unwrap_or_else(|e| panic!("{path} ({e}), named in: {row}"));
            let defined = source.match_indices(&format!("fn {name}(")).any(|(at, _)| {
                // A test function: #[test] (or a proptest! block) shortly before it.
                let before = &source[at.saturating_sub(200)..at];
                before.contains("#[test]") || before.contains("proptest")
            });
            assert!(defined, "no test fn {name} in {path}, named in: {row}");
        }
    }
}

/// One command of a `console` block: what to run and what it must print.
#[derive(Debug, Default)]
struct Example {
    line: usize,
    command: String,
    code: i32,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

/// The `console` blocks of a Markdown file: `$ export NAME=VALUE` sets a variable for the
/// commands after it; `$ attck ARGS  # comment` runs; the lines after a command are what it
/// prints (`attck: …` lines on stderr, the others on stdout), `? N` its exit code (else 0).
fn console_examples(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, l) in markdown.lines().enumerate() {
        if l.starts_with("```") {
            in_block = l == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = l.strip_prefix("$ ") {
            let cmd = cmd.split("  # ").next().unwrap_or(cmd).trim_end();
            out.push(Example {
                line: i + 1,
                command: cmd.to_string(),
                ..Example::default()
            });
        } else if let Some(e) = out.last_mut() {
            if let Some(code) = l.strip_prefix("? ") {
                e.code = code.trim().parse().expect("? N is an exit code");
            } else if l.starts_with("attck: ") {
                e.stderr.push(l.to_string());
            } else {
                e.stdout.push(l.to_string());
            }
        }
    }
    out
}

/// Whether `line` matches `pattern`, where `[..]` stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let mut rest = line;
    for (k, p) in parts.iter().enumerate() {
        if k == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if k == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(at) = rest.find(p) else { return false };
            rest = &rest[at + p.len()..];
        }
    }
    true
}

/// Whether `lines` match `expected`, where a `...` line stands for any number of lines.
fn lines_match(expected: &[String], lines: &[&str]) -> bool {
    match expected.split_first() {
        None => lines.is_empty(),
        Some((e, rest)) if e == "..." => (0..=lines.len()).any(|k| lines_match(rest, &lines[k..])),
        Some((e, rest)) => {
            !lines.is_empty() && line_matches(e, lines[0]) && lines_match(rest, &lines[1..])
        }
    }
}

/// Splits a command line into words: whitespace separates, quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut quote, mut started) = (String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => (quote, started) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut cur));
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
        out.push(cur);
    }
    out
}

/// Runs the README's `console` examples, as trycmd would, with the hermetic environment of
/// every other test (`common::attck_in`: no inherited `ATTCK_*`, `COLUMNS` or colour, a
/// temporary home, offline) and `export` lines carried between commands, which trycmd does
/// not give; and no extra dev-dependency to build.
#[test]
fn the_readme_examples_print_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = console_examples(&readme);
    assert!(examples.len() >= 10, "only {} examples", examples.len());
    // A working directory like a fresh clone's: the repository's data and tests, nothing
    // written back into it.
    let cwd = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    for d in ["data", "tests"] {
        std::os::unix::fs::symlink(root.join(d), cwd.path().join(d)).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    for e in &examples {
        let w = words(&e.command);
        if w[0] == "export" {
            let (k, v) = w[1].split_once('=').expect("export NAME=VALUE");
            env.push((
                k.to_string(),
                v.replace("$PWD", cwd.path().to_str().unwrap()),
            ));
            continue;
        }
        assert_eq!(w[0], "attck", "README.md:{}: only attck runs here", e.line);
        assert!(
            env.iter().any(|(k, _)| k == "ATTCK_DATA_DIR")
                || w.iter().any(|a| a == "--data-dir" || a == "--bundle"),
            "README.md:{}: the example does not say which data it runs on",
            e.line
        );
        let mut cmd = crate::common::attck_in(home.path());
        // Captured as on a 100-column terminal, as the README says.
        cmd.current_dir(cwd.path())
            .env("COLUMNS", "100")
            .args(&w[1..]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("attck runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let got: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            out.status.code(),
            Some(e.code),
            "README.md:{}: `{}` exits {:?}:\n{stderr}",
            e.line,
            e.command,
            out.status.code()
        );
        assert!(
            lines_match(&e.stdout, &got),
            "README.md:{}: `{}` prints\n{stdout}\nbut the README shows\n{}",
            e.line,
            e.command,
            e.stdout.join("\n")
        );
        for s in &e.stderr {
            assert!(
                stderr.lines().any(|l| line_matches(s, l)),
                "README.md:{}: `{}` does not say on stderr: {s}\n{stderr}",
                e.line,
                e.command
            );
        }
    }
}

#[test]
fn every_attck_line_of_the_readme_parses() {
    use clap::Parser;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut n = 0;
    let mut in_block = false;
    for (i, l) in readme.lines().enumerate() {
        if l.starts_with("```") {
            in_block = !in_block && l.len() > 3;
            continue;
        }
        let Some(at) = l
            .find("attck ")
            .filter(|&a| in_block && (a == 0 || l[..a].ends_with(' ') || l[..a].ends_with("$ ")))
        else {
            continue;
        };
        let mut cmd = &l[at..];
        for stop in ["  #", " | ", " > ", " && ", " < "] {
            if let Some(k) = cmd.find(stop) {
                cmd = &cmd[..k];
            }
        }
        let w = words(cmd);
        let parsed = attck_explorer::cli::Cli::try_parse_from(&w);
        assert!(
            parsed.is_ok() || l.contains("usage error"),
            "README.md:{}: `{cmd}` does not parse:\n{:?}",
            i + 1,
            parsed.err()
        );
        n += 1;
    }
    assert!(n >= 15, "only {n} attck lines");
}

#[test]
fn every_attck_line_of_the_reference_pages_parses() {
    use clap::Parser;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let page = std::fs::read_to_string(entry.path()).unwrap();
        let mut in_block = false;
        for (i, l) in page.lines().enumerate() {
            if let Some(lang) = l.strip_prefix("```") {
                in_block = !in_block && matches!(lang, "console" | "sh" | "bash");
                continue;
            }
            let Some(cmd) = l
                .strip_prefix("$ ")
                .or(Some(l))
                .filter(|c| in_block && c.starts_with("attck "))
            else {
                continue;
            };
            let mut cmd = cmd;
            for stop in ["  #", " | ", " > ", " && ", " < "] {
                if let Some(k) = cmd.find(stop) {
                    cmd = &cmd[..k];
                }
            }
            let w = words(cmd);
            let parsed = attck_explorer::cli::Cli::try_parse_from(&w);
            assert!(
                parsed.is_ok() || l.contains("usage error") || cmd.contains("T10x9"),
                "docs/{name}:{}: `{cmd}` does not parse:\n{:?}",
                i + 1,
                parsed.err()
            );
            n += 1;
        }
    }
    assert!(n >= 30, "only {n} attck lines in docs/");
}

#[test]
fn the_readme_stays_short_and_links_its_reference_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 420, "README.md has {lines} lines");
    // What it is, then Install, then the quick start.
    let at = |h: &str| readme.find(h).unwrap_or_else(|| panic!("no {h}"));
    assert!(at("\n## Install") < at("\n## Quick start"));
    assert!(at("\n## Contents") < at("\n## Install"));
    // The two commands a newcomer runs on a fresh clone open the README: a first query and
    // the tests (the same command `.ci/run` runs).
    let first_block = &readme[at("\n```")..at("\n## Contents")];
    assert!(
        first_block.contains("\ncargo run --release -- technique ")
            && first_block.contains("\ncargo test --locked "),
        "{first_block}"
    );
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test --locked"));
    assert!(readme[..at("\n## Contents")].lines().count() <= 20);
    // Every link to docs/ names a file that exists, and every page in docs/ is linked.
    for entry in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            readme.contains(&format!("(docs/{name}")),
            "docs/{name} is not linked"
        );
    }
    for (at, _) in readme.match_indices("](docs/") {
        let target = &readme[at + 2..];
        let target = &target[..target.find([')', '#']).unwrap()];
        assert!(root.join(target).is_file(), "{target} does not exist");
    }
}
