//! `attck list <TYPE>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::{ListArgs, SubtechniquesArg};
use crate::model::Kind;
use crate::query::TableRow;
use crate::query::list::{self, Subtechniques, TechniqueListFilter};
use crate::{query, render};

/// Renders the rows, except an empty table (a hint goes to stderr instead).
fn emit<T: TableRow>(
    out: &mut dyn std::io::Write,
    rows: &[T],
    opts: &render::Options,
) -> std::io::Result<usize> {
    if !rows.is_empty() || opts.format != render::Format::Table {
        render::list(out, rows, opts)?;
    }
    Ok(rows.len())
}

/// Lists the objects of one type.
pub fn run(ctx: &mut Ctx, args: &ListArgs) -> Result<Outcome> {
    let technique_filters = args.tactic.is_some()
        || !args.platform.is_empty()
        || args.group.is_some()
        || args.software.is_some()
        || args.campaign.is_some()
        || args.mitigation.is_some()
        || args.data_source.is_some()
        || args.data_component.is_some()
        || args.subtechniques.is_some();
    if technique_filters && args.kind.0 != Kind::Technique {
        anyhow::bail!(
            "--tactic, --platform, --group, --software, --campaign, --mitigation, --data-source, --data-component and --subtechniques filter `list techniques` only"
        );
    }
    let kb = ctx.knowledge_base()?;
    let vis = ctx.settings.visibility;
    let opts = &ctx.settings.render;
    let n = {
        let out = &mut *ctx.out;
        match args.kind.0 {
            Kind::Technique => {
                let filter = TechniqueListFilter {
                    tactic: args.tactic.clone(),
                    platforms: args.platform.clone(),
                    group: args.group.clone(),
                    software: args.software.clone(),
                    campaign: args.campaign.clone(),
                    mitigation: args.mitigation.clone(),
                    data_source: args.data_source.clone(),
                    data_component: args.data_component.clone(),
                    subtechniques: match args.subtechniques {
                        None | Some(SubtechniquesArg::Include) => Subtechniques::Include,
                        Some(SubtechniquesArg::Exclude) => Subtechniques::Exclude,
                        Some(SubtechniquesArg::Only) => Subtechniques::Only,
                    },
                    visibility: vis,
                };
                let rows = list::techniques(kb, &filter)?;
                emit(out, &rows, opts)?
            }
            Kind::Tactic => {
                let rows = query::tactic_list::tactics(kb);
                emit(out, &rows, opts)?
            }
            Kind::Group => {
                let rows = list::groups(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Software => {
                let rows = list::software(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Mitigation => {
                let rows = list::mitigations(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Campaign => {
                let rows = list::campaigns(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::DataSource => {
                let rows = list::data_sources(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::DataComponent => {
                let rows = list::data_components(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::DetectionStrategy => {
                let rows = list::detection_strategies(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Analytic => {
                let rows = list::analytics(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Asset => {
                let rows = list::assets(kb, vis);
                emit(out, &rows, opts)?
            }
            Kind::Matrix => anyhow::bail!("matrices have no list; `attck show` shows one"),
        }
    };
    if n == 0 && ctx.settings.render.format == render::Format::Table {
        ctx.warn(&format!(
            "nothing to list in {}; --include-deprecated and --include-revoked show withdrawn objects",
            kb.label()
        ))?;
    }
    Ok(Outcome::from_count(n))
}
