//! `attck technique <ID>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TechniqueArgs;
use crate::{query, render};

/// Shows one technique.
pub fn run(ctx: &mut Ctx, args: &TechniqueArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    let mut view = query::technique::technique(kb, &args.id, ctx.settings.visibility)?;
    view.verbose = args.procedures || ctx.settings.verbose;
    render::detail(ctx.out, &view, &ctx.settings.render)?;
    Ok(Outcome::Found)
}
