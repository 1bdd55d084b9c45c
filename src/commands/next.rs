//! `attck next`: techniques not yet observed, ranked by how strongly they co-occur with the
//! observed ones.

use anyhow::Result;

use super::observe::{exclusions, observed, prepare};
use super::{Ctx, Outcome};
use crate::cli::NextArgs;
use crate::model::plain_text::count;
use crate::query::behaviour::Behaviour;
use crate::query::next::{NextOptions, next};
use crate::query::tactic_techniques::resolve_tactic;
use crate::render;

/// Suggests techniques and prints them with their evidence.
pub fn run(ctx: &mut Ctx, args: &NextArgs) -> Result<Outcome> {
    let prepared = prepare(&args.inputs, args.layer_all)?;
    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    let tactic = args
        .tactic
        .as_deref()
        .map(|t| resolve_tactic(kb, t))
        .transpose()?;
    let excluded = exclusions(ctx, kb, &args.exclude)?;
    let items = observed(ctx, kb, &prepared, &excluded)?;
    let behaviour = Behaviour::new(kb, &excluded);
    let result = next(
        &behaviour,
        &items,
        &NextOptions {
            tactic,
            platforms: args.platform.clone(),
            top: args.top,
        },
    );
    ctx.note(&format!(
        "{} co-occur with the observation across {}",
        count(result.candidates, "technique", "techniques"),
        count(
            result.actors,
            "group, campaign or software",
            "groups, campaigns and software"
        )
    ))?;
    let opts = &ctx.settings.render;
    if !result.suggestions.is_empty() || opts.format != render::Format::Table {
        let caption = format!(
            "{} to look for next in {}",
            count(result.suggestions.len(), "technique", "techniques"),
            kb.label()
        );
        render::list_titled(ctx.out, &result.suggestions, Some(&caption), opts)?;
    }
    if result.suggestions.is_empty() {
        ctx.warn(&format!(
            "no technique of {} that passes the filters co-occurs with the observation",
            kb.label()
        ))?;
    }
    Ok(Outcome::from_count(result.suggestions.len()))
}
