//! `attck data path|status|clear`: the data directory, without loading any bundle.

use std::io::BufRead;

use anyhow::{Context, Result, bail};

use super::{Ctx, Outcome};
use crate::cli::{ClearArgs, DataCommand};
use crate::model::Domain;
use crate::query::data::{self, human_bytes};
use crate::render::{self, Format};
use crate::store::{self, index::Index, lock, time};

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
    let s = ctx.settings;
    let installed = store::installed(&s.data_dir, &domains(ctx))?;
    let rows = data::status(&installed, time::now_unix());
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

fn clear(ctx: &mut Ctx, args: &ClearArgs) -> Result<Outcome> {
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
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let what = format!(
        "{} file{} ({}) in {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        human_bytes(total),
        dir.display()
    );
    if !args.yes {
        if !(s.stdin_tty && s.stderr_tty) {
            bail!(
                "`data clear` would remove {what}; pass --yes to confirm (no terminal to ask on)"
            );
        }
        write!(ctx.err, "attck: remove {what}? [y/N] ")?;
        ctx.err.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            ctx.note("nothing removed")?;
            return Ok(Outcome::Found);
        }
    }
    for f in &files {
        std::fs::remove_file(f).with_context(|| format!("cannot remove {}", f.display()))?;
        writeln!(ctx.out, "{}", f.display())?;
    }
    ctx.note(&format!("removed {what}"))?;
    Ok(Outcome::Found)
}
