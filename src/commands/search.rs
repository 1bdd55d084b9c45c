//! `attck search <WORD>...`.

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::{KindArg, SearchArgs, SearchType};
use crate::model::Kind;
use crate::model::KnowledgeBase;
use crate::query::search::{Query, SearchOptions};
use crate::query::tactic_techniques::{TechniqueFilter, resolve_tactic};
use crate::{query, render};

/// Searches techniques (or procedure examples, or other types) and prints the ranked hits.
/// An empty result is still a document in the structured formats; the hint saying why goes
/// to stderr in every format.
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
    Ctx::check_platforms(kb, &args.platform)?;
    let words = args.words.join(" ");
    let table = ctx.settings.render.format == render::Format::Table;
    if !kinds.is_empty() {
        let hits =
            query::search::search_objects(kb, &q, &kinds, ctx.settings.visibility, args.limit);
        if !hits.is_empty() || !table {
            let caption = format!("Search for {words} in {}", kb.label());
            render::list_titled(ctx.out, &hits, Some(&caption), &ctx.settings.render)?;
        }
        if hits.is_empty() {
            ctx.warn(&format!("nothing in {} matches {words}", kb.label()))?;
        }
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
        if !hits.is_empty() || !table {
            let caption = format!("Procedure examples matching {words} in {}", kb.label());
            render::list_titled(ctx.out, &hits, Some(&caption), &ctx.settings.render)?;
        }
        if hits.is_empty() {
            ctx.warn(&format!(
                "no procedure example in {} matches {words}",
                kb.label()
            ))?;
        }
        return Ok(Outcome::from_count(hits.len()));
    }
    let hits = query::search::search(kb, &q, &opts);
    if !hits.is_empty() || !table {
        let caption = format!("Techniques matching {words} in {}", kb.label());
        render::list_titled(ctx.out, &hits, Some(&caption), &ctx.settings.render)?;
    }
    if hits.is_empty() {
        let msg = blame_filters(kb, &q, &opts, &words);
        ctx.warn(&msg)?;
    }
    Ok(Outcome::from_count(hits.len()))
}

/// Why a technique search found nothing: the words, or the filters. With filters, says how
/// many techniques match without each one (`6 match without --platform`).
fn blame_filters(kb: &KnowledgeBase, q: &Query, opts: &SearchOptions, words: &str) -> String {
    let count = |o: &SearchOptions| {
        query::search::search(
            kb,
            q,
            &SearchOptions {
                limit: None,
                ..o.clone()
            },
        )
        .len()
    };
    let unfiltered = SearchOptions {
        filter: TechniqueFilter {
            platforms: Vec::new(),
            ..opts.filter.clone()
        },
        tactic: None,
        limit: None,
    };
    let alone = count(&unfiltered);
    if alone == 0 || (opts.tactic.is_none() && opts.filter.platforms.is_empty()) {
        return format!("no technique in {} matches {words}", kb.label());
    }
    let mut filters = Vec::new();
    let mut without = Vec::new();
    if let Some(t) = opts.tactic {
        filters.push(format!("the tactic {}", kb.tactics[t as usize].meta.name));
    }
    if !opts.filter.platforms.is_empty() {
        let known = query::matrix::platforms(kb);
        let names: Vec<String> = opts
            .filter
            .platforms
            .iter()
            .map(|p| {
                known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(p.trim()))
                    .cloned()
                    .unwrap_or_else(|| p.clone())
            })
            .collect();
        filters.push(format!(
            "the platform{} {}",
            if names.len() == 1 { "" } else { "s" },
            names.join(" or ")
        ));
    }
    if opts.tactic.is_some() && !opts.filter.platforms.is_empty() {
        let no_platform = count(&SearchOptions {
            filter: unfiltered.filter.clone(),
            ..opts.clone()
        });
        let no_tactic = count(&SearchOptions {
            tactic: None,
            ..opts.clone()
        });
        without.push(format!("{no_platform} without --platform"));
        without.push(format!("{no_tactic} without --tactic"));
    }
    without.push(format!(
        "{alone} without {}",
        match (opts.tactic.is_some(), !opts.filter.platforms.is_empty()) {
            (true, true) => "either",
            (true, false) => "--tactic",
            _ => "--platform",
        }
    ));
    if let Some(first) = without.first_mut() {
        *first = first.replacen(" without", " match without", 1);
    }
    format!(
        "no technique in {} matched both the words ({words}) and {}; {}",
        kb.label(),
        match filters.as_slice() {
            [one] => one.clone(),
            all => format!("the filters ({})", all.join(", ")),
        },
        without.join(", ")
    )
}
