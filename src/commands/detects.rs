//! `attck detects <LOG SOURCE | DATA COMPONENT>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::DetectsArgs;
use crate::{query, render};

/// Lists what a log source or data component helps detect.
pub fn run(ctx: &mut Ctx, args: &DetectsArgs) -> Result<Outcome> {
    let key = args.source.join(" ");
    let kb = ctx.knowledge_base()?;
    let rows = query::detects::detects(kb, &key, args.channel.as_deref(), ctx.settings.visibility)?;
    if rows.is_empty() && ctx.settings.render.format == render::Format::Table {
        ctx.warn(&format!(
            "nothing in {} is detected through {key}{}",
            kb.label(),
            args.channel
                .as_deref()
                .map(|c| format!(" with channel {c}"))
                .unwrap_or_default()
        ))?;
        return Ok(Outcome::Nothing);
    }
    let caption = format!(
        "What {key}{} helps detect in {}",
        args.channel
            .as_deref()
            .map(|c| format!(" (channel {c})"))
            .unwrap_or_default(),
        kb.label()
    );
    render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
    Ok(Outcome::from_count(rows.len()))
}
