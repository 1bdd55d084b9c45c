//! `attck data path|status|clear`: the data directory, without loading any bundle.

use std::io::BufRead;

use anyhow::{Context, Result, bail};

pub mod views;

use super::{Ctx, Outcome};
use crate::cli::{ClearArgs, DataCommand};
use crate::ids::Domain;
use crate::model::cache_format;
use crate::render::{self, Format};
use crate::store::{self, cache_file, index::Index, lock, time};
use views as data;
use views::human_bytes;

/// Runs an `attck data` subcommand.
pub fn run(ctx: &mut Ctx, cmd: &DataCommand) -> Result<Outcome> {
    match cmd {
        DataCommand::Path => path(ctx),
        DataCommand::Status => status(ctx),
        DataCommand::Clear(a) => clear(ctx, a),
    }
}

fn domains(ctx: &Ctx) -> Vec<Domain> {
    if ctx.settings.domains.is_empty() {
        Domain::ALL.to_vec()
    } else {
        ctx.settings.domains.clone()
    }
}

fn path(ctx: &mut Ctx) -> Result<Outcome> {
    let s = ctx.settings;
    let view = data::data_path(
        &s.data_dir,
        s.data_dir_origin.key(),
        s.data_dir_origin.describe(),
    );
    if s.render.format == Format::Table {
        // The bare path, so `cd "$(attck data path)"` works; the origin is a note.
        writeln!(ctx.out, "{}", view.path)?;
        ctx.note(&format!(
            "data directory chosen by {}",
            view.origin_description
        ))?;
    } else {
        render::detail(ctx.out, &view, &s.render)?;
    }
    Ok(Outcome::Found)
}

fn status(ctx: &mut Ctx) -> Result<Outcome> {
    ctx.check_data_dir()?;
    let s = ctx.settings;
    let installed = store::installed(&s.data_dir, &domains(ctx))?;
    let mut rows = data::status(&installed, time::now_unix());
    let mut described = Vec::new();
    for (row, b) in rows.iter_mut().zip(&installed) {
        let Some(id) = cache_file::identify(&b.file.path) else {
            continue;
        };
        let file = cache_file::path_for(&s.cache_dir, &id);
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        let fresh = cache_file::read_prefix(&file, 64 * 1024)
            .and_then(|head| cache_format::header(&head).ok())
            .is_some_and(|h| h.source == id);
        row.cache = Some(data::CacheInfo {
            file: file.display().to_string(),
            size: meta.len(),
            fresh,
        });
        described.push(file);
    }
    let others: Vec<_> = cache_file::list(&s.cache_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !described.contains(f))
        .collect();
    if !others.is_empty() {
        let size: u64 = others
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        ctx.note(&format!(
            "{} other index cache file{} ({}) in {} (bundles outside the data directory, or older builds)",
            others.len(),
            if others.len() == 1 { "" } else { "s" },
            human_bytes(size),
            s.cache_dir.display()
        ))?;
    }
    let partials = store::update::partials(&s.data_dir);
    if !partials.is_empty() {
        let size: u64 = partials.iter().map(|(_, n)| n).sum();
        let names: Vec<String> = partials
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        let what = format!(
            "{} partial download{} ({})",
            partials.len(),
            if partials.len() == 1 { "" } else { "s" },
            human_bytes(size)
        );
        if lock::is_held(&s.data_dir) {
            ctx.note(&format!(
                "{what} being written by an update running now: {}",
                names.join(", ")
            ))?;
        } else {
            ctx.warn(&format!(
                "{what} left by an interrupted update: {}; the next `attck update` (or `attck data clear`) removes them",
                names.join(", ")
            ))?;
        }
    }
    if let Some(index) = Index::read_kept(&s.data_dir) {
        for (d, have, published) in data::outdated(&installed, &index) {
            ctx.warn(&format!(
                "{d} {published} is published (newest installed: {have}); run `attck update{}`",
                if d == Domain::Enterprise {
                    String::new()
                } else {
                    format!(" --domain {}", d.short_name())
                }
            ))?;
        }
    }
    if rows.is_empty() {
        ctx.warn(&format!(
            "no ATT&CK data in {}; run `attck update`",
            s.data_dir.display()
        ))?;
        if s.render.format == Format::Table {
            return Ok(Outcome::Nothing);
        }
    }
    render::list(ctx.out, &rows, &s.render)?;
    Ok(Outcome::from_count(rows.len()))
}

/// Asks on the terminal (or requires --yes) before removing `what`; true to go ahead.
fn confirm(ctx: &mut Ctx, args: &ClearArgs, what: &str) -> Result<bool> {
    let s = ctx.settings;
    if args.yes {
        return Ok(true);
    }
    if !(s.stdin_tty && s.stderr_tty) {
        bail!("`data clear` would remove {what}; pass --yes to confirm (no terminal to ask on)");
    }
    write!(ctx.err, "attck: remove {what}? [y/N] ")?;
    ctx.err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Says what `files` amount to, asks (or requires --yes), removes them and prints each path.
fn remove_confirmed(
    ctx: &mut Ctx,
    args: &ClearArgs,
    files: &[std::path::PathBuf],
    kind: &str,
    dir: &std::path::Path,
) -> Result<Outcome> {
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let what = format!(
        "{} {kind}{} ({}) in {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        human_bytes(total),
        dir.display()
    );
    if !confirm(ctx, args, &what)? {
        ctx.note("nothing removed")?;
        return Ok(Outcome::Found);
    }
    for f in files {
        std::fs::remove_file(f).with_context(|| format!("cannot remove {}", f.display()))?;
        writeln!(ctx.out, "{}", f.display())?;
    }
    ctx.note(&format!("removed {what}"))?;
    Ok(Outcome::Found)
}

/// `data clear --cache`: removes index caches only (they are rebuilt on the next query).
fn clear_caches(ctx: &mut Ctx, args: &ClearArgs) -> Result<Outcome> {
    let dir = ctx.settings.cache_dir.clone();
    let files = cache_file::list(&dir)?;
    if files.is_empty() {
        ctx.note(&format!("no index caches in {}", dir.display()))?;
        return Ok(Outcome::Found);
    }
    remove_confirmed(ctx, args, &files, "index cache file", &dir)
}

fn clear(ctx: &mut Ctx, args: &ClearArgs) -> Result<Outcome> {
    if args.cache {
        return clear_caches(ctx, args);
    }
    let s = ctx.settings;
    let dir = &s.data_dir;
    if !dir.is_dir() {
        ctx.note(&format!(
            "nothing to remove: {} does not exist",
            dir.display()
        ))?;
        return Ok(Outcome::Found);
    }
    let _lock = lock::try_lock(dir)?;
    let files = store::clearable(dir, &domains(ctx))?;
    if files.is_empty() {
        ctx.note(&format!("nothing to remove in {}", dir.display()))?;
        return Ok(Outcome::Found);
    }
    remove_confirmed(ctx, args, &files, "file", dir)
}
