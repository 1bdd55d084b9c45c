//! `attck technique <ID>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TechniqueArgs;
use crate::model::Kind;
use crate::{query, render};

/// Shows one technique.
pub fn run(ctx: &mut Ctx, args: &TechniqueArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    let view = match query::technique::technique(kb, &args.id, ctx.settings.visibility) {
        Ok(v) => v,
        Err(e) => {
            return Err(ctx.in_other_domain(e.into(), args.id.as_str(), Some(Kind::Technique)));
        }
    };
    let opts = render::Options {
        procedures: ctx.settings.render.procedures || args.procedures,
        ..ctx.settings.render
    };
    render::detail(ctx.out, &view, &opts)?;
    Ok(Outcome::Found)
}
