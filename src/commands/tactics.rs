//! `attck tactics`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::{query, render};

/// Lists the tactics in matrix order.
pub fn run(ctx: &mut Ctx) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    let rows = query::tactic_list::tactics(kb);
    let caption = format!(
        "{} in {}",
        crate::model::Kind::Tactic.count(rows.len()),
        kb.label()
    );
    render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
    Ok(Outcome::from_count(rows.len()))
}
