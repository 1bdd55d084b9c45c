//! `attck show <ID | name | alias>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::{KindArg, ShowArgs};
use crate::model::Kind;
use crate::{query, render};

/// The object type a `--type` value names; `None` for `all`.
#[must_use]
pub fn kind_of(k: KindArg) -> Option<Kind> {
    Some(match k {
        KindArg::Technique => Kind::Technique,
        KindArg::Tactic => Kind::Tactic,
        KindArg::Group => Kind::Group,
        KindArg::Software => Kind::Software,
        KindArg::Campaign => Kind::Campaign,
        KindArg::Mitigation => Kind::Mitigation,
        KindArg::DataSource => Kind::DataSource,
        KindArg::DataComponent => Kind::DataComponent,
        KindArg::DetectionStrategy => Kind::DetectionStrategy,
        KindArg::Analytic => Kind::Analytic,
        KindArg::Asset => Kind::Asset,
        KindArg::Matrix => Kind::Matrix,
        KindArg::All => return None,
    })
}

/// Shows any object, from whichever loaded domain holds it.
pub fn run(ctx: &mut Ctx, args: &ShowArgs) -> Result<Outcome> {
    let key = args.key.join(" ");
    let kbs = ctx.knowledge_bases()?;
    let (view, notes) = query::show::show(
        &kbs,
        &key,
        args.kind.and_then(kind_of),
        ctx.settings.visibility,
        args.procedures || ctx.settings.verbose,
    )?;
    for n in &notes {
        ctx.warn(n)?;
    }
    render::detail(ctx.out, &view, &ctx.settings.render)?;
    Ok(Outcome::Found)
}
