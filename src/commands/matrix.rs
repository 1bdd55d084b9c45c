//! `attck matrix`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::MatrixArgs;
use crate::query::matrix::{MatrixOptions, matrix};
use crate::render;

/// Draws the matrix.
pub fn run(ctx: &mut Ctx, args: &MatrixArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    let m = matrix(
        kb,
        &MatrixOptions {
            platforms: args.platform.clone(),
            subtechniques: args.subtechniques,
        },
    );
    if m.technique_count() == 0 {
        ctx.warn(&format!(
            "no active technique in {} is for {}",
            kb.label(),
            args.platform.join(", "),
        ))?;
        return Ok(Outcome::Nothing);
    }
    render::report(ctx.out, &m, &ctx.settings.render)?;
    Ok(Outcome::Found)
}
