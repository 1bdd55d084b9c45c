//! `attck lint`: checks the ATT&CK references of rule files, tests, layers and ID lists, and
//! with `--fix` rewrites revoked IDs that have exactly one successor.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::LintArgs;
use crate::input::{self, Content, Source, rules::RuleFile};
use crate::model::plain_text::count;
use crate::query::lint::{
    FileLint, Finding, FindingKind, FixedFile, LintReport, apply, lint_file, parse_error,
};
use crate::render::{self, Format};
use crate::store::output::write_file;

/// One file to check: where it is (None for stdin), its name, its text.
struct Checked {
    path: Option<PathBuf>,
    name: String,
    text: String,
    file: Option<RuleFile>,
    parse_error: Option<Finding>,
}

/// Reads every file the paths name (directories walked), before the data loads.
fn gather(ctx: &mut Ctx, paths: &[Source]) -> Result<Vec<Checked>> {
    if paths.iter().filter(|s| matches!(s, Source::Stdin)).count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for source in paths {
        let inp = input::read(source, &mut lock)?;
        match inp.content {
            Content::Bytes(bytes) => {
                let path = match source {
                    Source::Path(p) => Some(p.clone()),
                    Source::Stdin => None,
                };
                out.push(check_bytes(path, inp.name, &bytes, true));
            }
            Content::Dir(dir) => {
                let mut files = Vec::new();
                input::files_under(&dir, &input::is_lint_file, &mut files, &mut notes);
                for f in files {
                    let name = f.display().to_string();
                    match input::read(&Source::Path(f.clone()), &mut std::io::empty())
                        .and_then(|i| i.into_bytes("a file"))
                    {
                        Ok(bytes) => {
                            let c = check_bytes(Some(f), name, &bytes, false);
                            if c.file.is_some() || c.parse_error.is_some() {
                                out.push(c);
                            }
                        }
                        Err(e) => notes.push(format!("{e:#}; skipped")),
                    }
                }
            }
        }
    }
    for n in notes {
        ctx.warn(&n)?;
    }
    Ok(out)
}

fn check_bytes(path: Option<PathBuf>, name: String, bytes: &[u8], named: bool) -> Checked {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (file, parse_error) = match input::references(bytes, &name, named) {
        Ok(f) => (f, None),
        Err(e) => (None, Some(parse_error(&name, e.line, e.col, &e.message))),
    };
    Checked {
        path,
        name,
        text,
        file,
        parse_error,
    }
}

/// Checks the files and prints the findings; with `--fix`, rewrites them first.
pub fn run(ctx: &mut Ctx, args: &LintArgs) -> Result<Outcome> {
    if args.fix && args.paths.iter().any(|p| matches!(p, Source::Stdin)) {
        bail!("--fix rewrites files in place; stdin (-) cannot be fixed");
    }
    let checked = gather(ctx, &args.paths)?;
    let kb = ctx.knowledge_base()?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut fixed: Vec<FixedFile> = Vec::new();
    let mut diff = Vec::new();
    let mut would_remain = 0usize;
    for c in &checked {
        if let Some(e) = &c.parse_error {
            would_remain += 1;
            findings.push(e.clone());
            continue;
        }
        let Some(file) = &c.file else {
            continue;
        };
        let lint = lint_file(kb, file);
        if !args.fix || lint.edits.is_empty() {
            would_remain += lint.findings.len();
            findings.extend(lint.findings);
            continue;
        }
        if let Some(after) = fix(ctx, c, &lint, args.dry_run, &mut diff)? {
            fixed.push(FixedFile {
                path: c.name.clone(),
                replacements: lint.edits.len(),
            });
            // What is left after the rewrite (with --dry-run, the file is unchanged, and
            // what would be left is only counted).
            let left = match input::references(after.as_bytes(), &c.name, true) {
                Ok(Some(f)) => lint_file(kb, &f).findings,
                Ok(None) => Vec::new(),
                Err(e) => vec![parse_error(&c.name, e.line, e.col, &e.message)],
            };
            if args.dry_run {
                would_remain += left.len();
                findings.extend(lint.findings);
            } else {
                findings.extend(left);
            }
        } else {
            would_remain += lint.findings.len();
            findings.extend(lint.findings);
        }
    }
    let counts = |f: &Finding| {
        args.fail_on.is_empty()
            || args
                .fail_on
                .iter()
                .any(|k: &FindingKind| k.name() == f.kind)
    };
    let counted = findings.iter().filter(|f| counts(f)).count();
    let report = LintReport {
        domain: kb.domain.short_name().to_string(),
        attack_version: kb.attack_version.clone(),
        files: checked
            .iter()
            .filter(|c| c.file.is_some() || c.parse_error.is_some())
            .count(),
        findings,
        fixed,
        label: kb.label(),
    };
    if args.dry_run {
        ctx.out.write_all(&diff)?;
        ctx.note(&format!(
            "{} would be rewritten in {}; {} would remain",
            count(
                report.fixed.iter().map(|f| f.replacements).sum::<usize>(),
                "reference",
                "references"
            ),
            count(report.fixed.len(), "file", "files"),
            count(would_remain, "finding", "findings")
        ))?;
    } else if ctx.settings.render.format == Format::Text {
        for f in &report.findings {
            writeln!(ctx.out, "{}", render::sanitize(&f.text_line(), false))?;
        }
    } else {
        render::report(ctx.out, &report, &ctx.settings.render)?;
    }
    if args.fix && !args.dry_run && !report.fixed.is_empty() {
        ctx.note(&format!(
            "rewrote {} in {}",
            count(
                report.fixed.iter().map(|f| f.replacements).sum::<usize>(),
                "reference",
                "references"
            ),
            count(report.fixed.len(), "file", "files")
        ))?;
    }
    Ok(if counted == 0 {
        Outcome::Found
    } else {
        Outcome::Nothing
    })
}

/// Rewrites one file (or, with `dry_run`, adds its unified diff to `diff`). Returns the new
/// text, or `None` when the file was left alone (with a warning saying why).
fn fix(
    ctx: &mut Ctx,
    c: &Checked,
    lint: &FileLint,
    dry_run: bool,
    diff: &mut Vec<u8>,
) -> Result<Option<String>> {
    let Some(path) = &c.path else {
        return Ok(None);
    };
    let raw = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            ctx.warn(&format!(
                "{}: a symbolic link; not rewritten (fix the file it points to)",
                c.name
            ))?;
            return Ok(None);
        }
        Ok(_) => crate::store::read_input_file(path)?,
        Err(e) => bail!("cannot read {}: {e}", c.name),
    };
    // The edits are places in the decoded text; only a file stored as that text (UTF-8,
    // with or without a byte-order mark) is rewritten byte for byte.
    let bom: &[u8] = if raw.starts_with(b"\xef\xbb\xbf") {
        b"\xef\xbb\xbf"
    } else {
        b""
    };
    if &raw[bom.len()..] != c.text.as_bytes() {
        ctx.warn(&format!(
            "{}: not UTF-8 text (or it changed while being read); not rewritten",
            c.name
        ))?;
        return Ok(None);
    }
    let after = apply(&c.text, &lint.edits);
    if dry_run {
        let name = c.name.as_str();
        let d = similar::TextDiff::from_lines(c.text.as_str(), after.as_str());
        write!(
            diff,
            "{}",
            d.unified_diff().context_radius(3).header(name, name)
        )?;
    } else {
        let mut bytes = bom.to_vec();
        bytes.extend_from_slice(after.as_bytes());
        write_file(Path::new(path), &bytes)?;
    }
    Ok(Some(after))
}
