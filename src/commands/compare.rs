//! `attck compare`: shared techniques, those only in each side, and the Jaccard index.

use anyhow::Result;

use super::inputs::{tell_resolved, write_file};
use super::observe::{Arg, object, prepare};
use super::{Ctx, Outcome};
use crate::cli::CompareArgs;
use crate::model::Kind;
use crate::model::plain_text::count;
use crate::query::behaviour::Behaviour;
use crate::query::compare::{Side, compare, layer};
use crate::query::selection::resolve_ids;
use crate::render;

/// Compares the sides and prints the report.
pub fn run(ctx: &mut Ctx, args: &CompareArgs) -> Result<Outcome> {
    let prepared = prepare(&args.sides, args.layer_all)?;
    let kb = ctx.knowledge_base()?;
    super::inputs::tell_read(ctx, &prepared.lists, kb)?;
    let behaviour = Behaviour::new(kb, &[]);
    let mut files = prepared.lists.iter();
    let mut sides = Vec::new();
    for a in &prepared.args {
        match a {
            Arg::File(source) => {
                let Some(list) = files.next() else { continue };
                let r = resolve_ids(kb, list.id_strs());
                tell_resolved(ctx, &r.report, kb)?;
                sides.push(Side {
                    label: source.to_string(),
                    id: None,
                    name: list.source.clone(),
                    kind: "file",
                    techniques: r.techniques,
                });
            }
            Arg::Key(key) => {
                let node = object(ctx, kb, key, &[Kind::Group, Kind::Campaign, Kind::Software])?;
                sides.push(Side::object(kb, node, behaviour.techniques(node)));
            }
        }
    }
    let report = compare(kb, &sides);
    render::report(ctx.out, &report, &ctx.settings.render)?;
    if let Some(path) = &args.layer {
        let l = layer(kb, &report, None);
        let mut bytes = Vec::new();
        render::json_document(&mut bytes, &l)?;
        write_file(path, &bytes)?;
        ctx.note(&format!(
            "wrote {} ({}, {})",
            path.display(),
            count(report.membership.len(), "technique", "techniques"),
            count(l.techniques.len(), "entry", "entries")
        ))?;
    }
    if report.membership.is_empty() {
        ctx.warn("none of the sides uses any active technique")?;
        return Ok(Outcome::Nothing);
    }
    Ok(Outcome::Found)
}
