//! `attck search <WORD>...`.

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::{KindArg, SearchArgs, SearchType};
use crate::model::Kind;
use crate::query::search::{Query, SearchOptions};
use crate::query::tactic_techniques::{TechniqueFilter, resolve_tactic};
use crate::{query, render};

/// Searches techniques (or procedure examples, or other types) and prints the ranked hits.
pub fn run(ctx: &mut Ctx, args: &SearchArgs) -> Result<Outcome> {
    let q = Query::parse(&args.words);
    if q.is_empty() {
        bail!("the search has no words to look for (letters or digits)");
    }
    let kinds: Vec<Kind> = match args.kind {
        None | Some(SearchType::Procedure | SearchType::Kind(KindArg(Some(Kind::Technique)))) => {
            Vec::new()
        }
        Some(SearchType::Kind(KindArg(None))) => Kind::ALL.to_vec(),
        Some(SearchType::Kind(KindArg(Some(k)))) => vec![k],
    };
    if !kinds.is_empty() && (args.tactic.is_some() || !args.platform.is_empty()) {
        bail!(
            "--tactic and --platform filter technique and procedure searches only (--type technique or procedure)"
        );
    }
    let kb = ctx.knowledge_base()?;
    let nothing = |ctx: &mut Ctx, what: &str| -> Result<Outcome> {
        ctx.warn(&format!(
            "{what} in {} matches {}",
            kb.label(),
            args.words.join(" ")
        ))?;
        Ok(Outcome::Nothing)
    };
    let table = ctx.settings.render.format == render::Format::Table;
    if !kinds.is_empty() {
        let hits =
            query::search::search_objects(kb, &q, &kinds, ctx.settings.visibility, args.limit);
        if hits.is_empty() && table {
            return nothing(ctx, "nothing");
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
    if args.kind == Some(SearchType::Procedure) {
        let hits = query::search::search_procedures(kb, &q, &opts);
        if hits.is_empty() && table {
            return nothing(ctx, "no procedure example");
        }
        render::list(ctx.out, &hits, &ctx.settings.render)?;
        return Ok(Outcome::from_count(hits.len()));
    }
    let hits = query::search::search(kb, &q, &opts);
    if hits.is_empty() && table {
        return nothing(ctx, "no technique");
    }
    render::list(ctx.out, &hits, &ctx.settings.render)?;
    Ok(Outcome::from_count(hits.len()))
}
