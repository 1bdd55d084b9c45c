//! `attck tactic <TACTIC>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TacticArgs;
use crate::query::tactic::TechniqueFilter;
use crate::{query, render};

/// Lists the techniques under a tactic.
pub fn run(ctx: &mut Ctx, args: &TacticArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
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
    render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
    Ok(Outcome::from_count(rows.len()))
}
