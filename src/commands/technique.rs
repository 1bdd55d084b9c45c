//! `attck technique <ID>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TechniqueArgs;
use crate::{query, render};

/// Shows one technique.
pub fn run(ctx: &mut Ctx, args: &TechniqueArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    let view = query::technique::technique(kb, &args.id, ctx.settings.visibility)?;
    let opts = render::Options {
        procedures: ctx.settings.render.procedures || args.procedures,
        ..ctx.settings.render
    };
    render::detail(ctx.out, &view, &opts)?;
    Ok(Outcome::Found)
}
