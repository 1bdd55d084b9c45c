//! `attck diff <OLD> <NEW>`: what changed between two ATT&CK versions of one domain.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::inputs::{read_all, tell_read};
use super::{Ctx, Outcome};
use crate::cli::DiffArgs;
use crate::input::ReadOptions;
use crate::model::{KnowledgeBase, Version};
use crate::{query, render};

/// Loads one side: a bundle file if the argument names one, else an installed version.
fn side(ctx: &mut Ctx, arg: &str) -> Result<&'static KnowledgeBase> {
    let path = Path::new(arg);
    if path.is_file() {
        let kb = ctx.open_bundle(path, Some(ctx.settings.domain))?;
        for w in &kb.warnings {
            ctx.warn(w)?;
        }
        return Ok(Box::leak(Box::new(kb)));
    }
    match arg.parse::<Version>() {
        Ok(v) => ctx.knowledge_base_at(Some(&v)),
        Err(_) if path.exists() => bail!("{arg} is not a bundle file"),
        Err(_) => bail!(
            "'{arg}' is neither a bundle file nor an ATT&CK version (such as 17.1); `attck data status` lists the installed versions"
        ),
    }
}

/// Compares two versions and prints the report.
pub fn run(ctx: &mut Ctx, args: &DiffArgs) -> Result<Outcome> {
    let s = ctx.settings;
    if s.bundle.is_some() || s.attack_version.is_some() {
        bail!(
            "`diff` takes both versions as arguments (OLD NEW); --bundle and --attack-version do not apply"
        );
    }
    if s.domains.len() > 1 {
        bail!("`diff` compares one domain; name it with --domain enterprise, mobile or ics");
    }
    // Read the mapping first, so a missing file fails before any data loads.
    let list = match &args.for_input {
        Some(src) => Some(
            read_all(&[src], ReadOptions { layer_all: true })?
                .into_iter()
                .next()
                .context("no input read")?,
        ),
        None => None,
    };
    let old = side(ctx, &args.old)?;
    let new = side(ctx, &args.new)?;
    if old.domain != new.domain {
        bail!(
            "cannot compare {} with {}: they are different domains",
            old.label(),
            new.label()
        );
    }
    let report = match &list {
        Some(l) => {
            tell_read(ctx, std::slice::from_ref(l), old)?;
            let ids: Vec<String> = l.id_strs().map(ToString::to_string).collect();
            query::diff::diff_for(old, new, &ids, &l.source)
        }
        None => query::diff::diff(old, new),
    };
    render::report(ctx.out, &report, &ctx.settings.render)?;
    // Like a query that found nothing: the same data twice, or a mapping nothing touches,
    // is exit 1.
    Ok(match &report.mapping {
        Some(m) => Outcome::from_count(m.affected.len()),
        None if report.is_empty() => Outcome::Nothing,
        None => Outcome::Found,
    })
}
