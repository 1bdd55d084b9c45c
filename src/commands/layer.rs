//! `attck layer`.

use anyhow::{Result, bail};

use super::inputs::{read_all, tell_read, tell_resolved, write_file};
use super::{Ctx, Outcome};
use crate::cli::{LayerArgs, LayerCommand};
use crate::input::ReadOptions;
use crate::model::plain_text::count;
use crate::query::layer::{LayerOptions, from_selection};
use crate::query::search::Query;
use crate::query::selection::{Selector, select};
use crate::query::tactic_techniques::TechniqueFilter;
use crate::render;

/// Writes a Navigator layer for a selection.
pub fn run(ctx: &mut Ctx, args: &LayerArgs) -> Result<Outcome> {
    if let Some(LayerCommand::Upgrade(a)) = &args.action {
        return super::layer_upgrade::run(ctx, a);
    }
    if args.group.is_empty()
        && args.software.is_empty()
        && args.campaign.is_empty()
        && args.mitigation.is_empty()
        && args.search.is_empty()
        && args.ids.is_empty()
    {
        bail!(
            "say which techniques go into the layer: --group, --software, --campaign, --mitigation, --search or --ids (any mix)"
        );
    }
    for w in &args.search {
        if Query::parse(std::slice::from_ref(w)).is_empty() {
            bail!("--search \"{w}\" has no words to look for (letters or digits)");
        }
    }
    let sources: Vec<_> = args.ids.iter().collect();
    let lists = read_all(
        &sources,
        ReadOptions {
            layer_all: args.layer_all,
        },
    )?;
    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    tell_read(ctx, &lists, kb)?;
    let mut selectors: Vec<Selector> = Vec::new();
    selectors.extend(args.group.iter().cloned().map(Selector::Group));
    selectors.extend(args.software.iter().cloned().map(Selector::Software));
    selectors.extend(args.campaign.iter().cloned().map(Selector::Campaign));
    selectors.extend(args.mitigation.iter().cloned().map(Selector::Mitigation));
    selectors.extend(args.search.iter().cloned().map(Selector::Search));
    selectors.extend(lists.into_iter().map(|l| Selector::Ids {
        ids: l.id_strs().map(ToString::to_string).collect(),
        label: l.source,
    }));
    let filter = TechniqueFilter {
        platforms: args.platform.clone(),
        ..TechniqueFilter::default()
    };
    let selection = select(kb, &selectors, &filter)?;
    for n in &selection.notes {
        ctx.warn(n)?;
    }
    tell_resolved(ctx, &selection.input, kb)?;
    if selection.techniques.is_empty() {
        ctx.warn(&format!(
            "the selection names no active technique in {}; no layer written",
            kb.label()
        ))?;
        return Ok(Outcome::Nothing);
    }
    let layer = from_selection(
        kb,
        &selection,
        &LayerOptions {
            name: args.name.clone(),
            score: args.score,
            color: args
                .color
                .as_ref()
                .and_then(|c| c.hex())
                .map(ToString::to_string),
            platforms: args.platform.clone(),
        },
    );
    if layer.versions.attack.is_none() {
        ctx.warn(&format!(
            "{} does not say its ATT&CK version; the layer leaves versions.attack out",
            kb.source.display()
        ))?;
    }
    match &args.output {
        Some(path) => {
            let mut bytes = Vec::new();
            render::json_document(&mut bytes, &layer)?;
            write_file(path, &bytes)?;
            ctx.note(&format!(
                "wrote {} ({}, {})",
                path.display(),
                count(selection.techniques.len(), "technique", "techniques"),
                count(layer.techniques.len(), "entry", "entries")
            ))?;
        }
        None => render::json_document(ctx.out, &layer)?,
    }
    Ok(Outcome::Found)
}
