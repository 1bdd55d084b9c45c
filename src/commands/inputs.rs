//! What `layer` and `coverage` share: reading technique lists, telling the user what became
//! of them, and writing layer files (through `store::output`).

use anyhow::{Result, bail};

use super::Ctx;
use crate::input::{self, ReadOptions, Source, TechniqueList};
use crate::model::KnowledgeBase;
use crate::query::selection::InputReport;
pub use crate::store::output::write_file;

/// Reads every input (stdin at most once), before the knowledge base loads, so a missing
/// file fails fast.
pub fn read_all(sources: &[&Source], opts: ReadOptions) -> Result<Vec<TechniqueList>> {
    if sources
        .iter()
        .filter(|s| matches!(s, Source::Stdin))
        .count()
        > 1
    {
        bail!("stdin (-) can be read only once");
    }
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    sources
        .iter()
        .map(|s| input::read_list(s, &mut lock, opts))
        .collect()
}

/// Notes about each input: what it was, what was skipped, a layer for another domain.
pub fn tell_read(ctx: &mut Ctx, lists: &[TechniqueList], kb: &KnowledgeBase) -> Result<()> {
    for l in lists {
        ctx.note(&l.summary())?;
        for n in &l.notes {
            ctx.warn(n)?;
        }
        if let Some(d) = l.layer_domain
            && d != kb.domain.stix_name()
        {
            ctx.warn(&format!(
                "{} is a layer for {d}, but the knowledge base is {}",
                l.source,
                kb.label()
            ))?;
        }
        if l.ids.is_empty() {
            ctx.warn(&format!("{} names no technique ID", l.source))?;
        }
    }
    Ok(())
}

/// Warnings for unknown, revoked and deprecated IDs.
pub fn tell_resolved(ctx: &mut Ctx, r: &InputReport, kb: &KnowledgeBase) -> Result<()> {
    if !r.unknown.is_empty() {
        ctx.warn(&format!(
            "{} not in {}, ignored: {}",
            if r.unknown.len() == 1 {
                "1 technique ID is"
            } else {
                "technique IDs are"
            },
            kb.label(),
            r.unknown.join(", ")
        ))?;
    }
    for rv in &r.revoked {
        match &rv.replaced_by {
            Some(to) => ctx.warn(&format!(
                "{} is revoked; counted as {to}, which replaced it",
                rv.id
            ))?,
            None => ctx.warn(&format!(
                "{} is revoked and has no active replacement; ignored",
                rv.id
            ))?,
        }
    }
    if !r.deprecated.is_empty() {
        ctx.warn(&format!(
            "deprecated (withdrawn without replacement), ignored: {}",
            r.deprecated.join(", ")
        ))?;
    }
    Ok(())
}
