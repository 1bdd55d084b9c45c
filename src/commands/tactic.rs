//! `attck tactic <TACTIC>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TacticArgs;
use crate::query::tactic::TechniqueFilter;
use crate::{query, render};

/// Lists the techniques under a tactic.
pub fn run(ctx: &mut Ctx, args: &TacticArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    let filter = TechniqueFilter {
        platforms: args.platform.clone(),
        no_subtechniques: args.no_subtechniques,
        visibility: ctx.settings.visibility,
    };
    let rows = query::tactic::tactic(kb, &args.tactic, &filter)?;
    let t = &kb.tactics[query::tactic::resolve_tactic(kb, &args.tactic)? as usize];
    let caption = format!(
        "{} under {} {} in {}",
        crate::model::Kind::Technique.count(rows.len()),
        t.meta.id,
        t.meta.name,
        kb.label(),
    );
    if rows.is_empty() && ctx.settings.render.format == render::Format::Table {
        ctx.warn(&format!(
            "no technique under {} {} in {}{}",
            t.meta.id,
            t.meta.name,
            kb.label(),
            if args.platform.is_empty() {
                String::new()
            } else {
                format!(" is for {}", args.platform.join(" or "))
            }
        ))?;
        return Ok(Outcome::Nothing);
    }
    render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
    Ok(Outcome::from_count(rows.len()))
}
