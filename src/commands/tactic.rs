//! `attck tactic <TACTIC>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::TacticArgs;
use crate::query::tactic_techniques::TechniqueFilter;
use crate::{query, render};

/// Lists the techniques under a tactic. A withdrawn (deprecated or revoked) tactic is found
/// too and said to be withdrawn; its list may be empty (its techniques are withdrawn with it
/// and shown with `--include-deprecated`, `--include-revoked`), and finding it is success.
pub fn run(ctx: &mut Ctx, args: &TacticArgs) -> Result<Outcome> {
    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    let filter = TechniqueFilter {
        platforms: args.platform.clone(),
        no_subtechniques: args.no_subtechniques,
        visibility: ctx.settings.visibility,
    };
    let idx = query::tactic_techniques::find_tactic(kb, &args.tactic)?;
    let rows = query::tactic_techniques::techniques_under(kb, idx, &filter);
    let t = kb.tactic_at(idx);
    let withdrawn = match (t.meta.revoked, t.meta.deprecated) {
        (true, _) => Some("revoked"),
        (false, true) => Some("deprecated"),
        (false, false) if idx as usize >= kb.tactics.len() => Some("in no active matrix"),
        _ => None,
    };
    if let Some(state) = withdrawn {
        let all = kb.techniques_under(idx).len();
        let visible_if_asked = query::tactic_techniques::techniques_under(
            kb,
            idx,
            &TechniqueFilter {
                visibility: crate::model::Visibility {
                    include_revoked: true,
                    include_deprecated: true,
                },
                ..filter.clone()
            },
        )
        .len();
        ctx.warn(&format!(
            "{} {} ({}) is {state}; {} of its {all} technique{} shown{}",
            t.meta.id,
            t.meta.name,
            t.shortname,
            rows.len(),
            if all == 1 { "" } else { "s" },
            if rows.len() < visible_if_asked {
                " (--include-deprecated and --include-revoked show withdrawn ones)"
            } else {
                ""
            }
        ))?;
    }
    if rows.is_empty() && withdrawn.is_none() && ctx.settings.render.format == render::Format::Table
    {
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
    // An empty table says nothing the warning did not.
    if !(rows.is_empty()
        && withdrawn.is_some()
        && ctx.settings.render.format == render::Format::Table)
    {
        let caption = format!(
            "{} under {} {} in {}",
            crate::model::Kind::Technique.count(rows.len()),
            t.meta.id,
            t.meta.name,
            kb.label(),
        );
        render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
    }
    Ok(if withdrawn.is_some() {
        Outcome::Found
    } else {
        Outcome::from_count(rows.len())
    })
}
