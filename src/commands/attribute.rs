//! `attck attribute`: groups (or campaigns, or software) ranked by how well their known
//! behaviour matches what was observed.

use anyhow::Result;

use super::inputs::write_file;
use super::observe::{exclusions, observed, prepare};
use super::{Ctx, Outcome};
use crate::cli::{AttributeArgs, CandidateArg};
use crate::model::Kind;
use crate::query::attribute::{AttributeOptions, attribute, layer};
use crate::query::behaviour::Behaviour;
use crate::render;

/// Ranks the candidates and prints them with their evidence.
pub fn run(ctx: &mut Ctx, args: &AttributeArgs) -> Result<Outcome> {
    let prepared = prepare(&args.inputs, args.layer_all)?;
    let kb = ctx.knowledge_base()?;
    let excluded = exclusions(ctx, kb, &args.exclude)?;
    let items = observed(ctx, kb, &prepared, &excluded)?;
    let kind = match args.kind {
        CandidateArg::Group => Kind::Group,
        CandidateArg::Campaign => Kind::Campaign,
        CandidateArg::Software => Kind::Software,
    };
    let behaviour = Behaviour::new(kb, &excluded);
    let result = attribute(
        &behaviour,
        &items,
        &AttributeOptions {
            kind,
            top: args.top,
        },
    );
    if result.implied > 0 {
        ctx.note(&format!(
            "the observed software brings {} more technique{}",
            result.implied,
            if result.implied == 1 { "" } else { "s" }
        ))?;
    }
    let what = match (kind, result.considered) {
        (Kind::Software, _) => "software",
        (Kind::Campaign, 1) => "campaign",
        (Kind::Campaign, _) => "campaigns",
        (_, 1) => "group",
        _ => "groups",
    };
    ctx.note(&format!(
        "{} of {} {what} {} something with the observation",
        result.matching,
        result.considered,
        if result.matching == 1 {
            "shares"
        } else {
            "share"
        }
    ))?;
    let opts = &ctx.settings.render;
    if !result.candidates.is_empty() || opts.format != render::Format::Table {
        render::list(ctx.out, &result.candidates, opts)?;
    }
    if let Some(path) = &args.layer {
        match result.candidates.first() {
            Some(top) => {
                let l = layer(kb, &result.observed, top, &prepared.label);
                let mut bytes = Vec::new();
                render::json_document(&mut bytes, &l)?;
                write_file(path, &bytes)?;
                ctx.note(&format!(
                    "wrote {} ({} {}, {} entries)",
                    path.display(),
                    top.id,
                    top.name,
                    l.techniques.len()
                ))?;
            }
            None => ctx.warn(&format!("no candidate; {} not written", path.display()))?,
        }
    }
    if result.candidates.is_empty() {
        ctx.warn(&format!(
            "no {} of {} uses any of the observed techniques or software (or their relatives)",
            kind.name(),
            kb.label()
        ))?;
    }
    Ok(Outcome::from_count(result.candidates.len()))
}
