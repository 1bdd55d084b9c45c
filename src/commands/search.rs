//! `attck search <WORD>...`.

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::SearchArgs;
use crate::query::search::{Query, SearchOptions};
use crate::query::tactic::{TechniqueFilter, resolve_tactic};
use crate::{query, render};

/// Searches techniques and prints the ranked hits.
pub fn run(ctx: &mut Ctx, args: &SearchArgs) -> Result<Outcome> {
    let q = Query::parse(&args.words);
    if q.is_empty() {
        bail!("the search has no words to look for (letters or digits)");
    }
    let kb = ctx.knowledge_base()?;
    let tactic = args
        .tactic
        .as_deref()
        .map(|t| resolve_tactic(&kb, t))
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
    let hits = query::search::search(&kb, &q, &opts);
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
