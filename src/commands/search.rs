//! `attck search <WORD>...`.

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::{KindArg, SearchArgs};
use crate::model::Kind;
use crate::query::search::{Query, SearchOptions};
use crate::query::tactic_techniques::{TechniqueFilter, resolve_tactic};
use crate::{query, render};

/// Searches techniques and prints the ranked hits.
pub fn run(ctx: &mut Ctx, args: &SearchArgs) -> Result<Outcome> {
    let q = Query::parse(&args.words);
    if q.is_empty() {
        bail!("the search has no words to look for (letters or digits)");
    }
    let kinds: Vec<Kind> = match args.kind {
        None | Some(KindArg(Some(Kind::Technique))) => Vec::new(),
        Some(KindArg(None)) => Kind::ALL.to_vec(),
        Some(KindArg(Some(k))) => vec![k],
    };
    if !kinds.is_empty() && (args.tactic.is_some() || !args.platform.is_empty()) {
        bail!("--tactic and --platform filter technique searches only (--type technique)");
    }
    let kb = ctx.knowledge_base()?;
    if !kinds.is_empty() {
        let hits =
            query::search::search_objects(kb, &q, &kinds, ctx.settings.visibility, args.limit);
        if hits.is_empty() && ctx.settings.render.format == render::Format::Table {
            ctx.warn(&format!(
                "nothing in {} matches {}",
                kb.label(),
                args.words.join(" ")
            ))?;
            return Ok(Outcome::Nothing);
        }
        render::list(ctx.out, &hits, &ctx.settings.render)?;
        return Ok(Outcome::from_count(hits.len()));
    }
    let tactic = args
        .tactic
        .as_deref()
        .map(|t| resolve_tactic(kb, t))
        .transpose()?;
    let opts = SearchOptions {
        filter: TechniqueFilter {
            platforms: args.platform.clone(),
            no_subtechniques: false,
            visibility: ctx.settings.visibility,
        },
        tactic,
        limit: args.limit,
    };
    let hits = query::search::search(kb, &q, &opts);
    if hits.is_empty() && ctx.settings.render.format == render::Format::Table {
        ctx.warn(&format!(
            "no technique in {} matches {}",
            kb.label(),
            args.words.join(" ")
        ))?;
        return Ok(Outcome::Nothing);
    }
    render::list(ctx.out, &hits, &ctx.settings.render)?;
    Ok(Outcome::from_count(hits.len()))
}
