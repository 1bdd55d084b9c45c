//! `attck show <ID | name | alias>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::ShowArgs;
use crate::{query, render};

/// Shows any object, from whichever loaded domain holds it.
pub fn run(ctx: &mut Ctx, args: &ShowArgs) -> Result<Outcome> {
    let key = args.key.join(" ");
    let kbs = ctx.knowledge_bases()?;
    let (view, notes) = query::show::show(
        &kbs,
        &key,
        args.kind.and_then(|k| k.0),
        ctx.settings.visibility,
    )?;
    for n in &notes {
        ctx.warn(n)?;
    }
    let opts = render::Options {
        procedures: ctx.settings.render.procedures || args.procedures,
        ..ctx.settings.render
    };
    render::detail(ctx.out, &view, &opts)?;
    Ok(Outcome::Found)
}
