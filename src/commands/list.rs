//! `attck list <TYPE>`.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::{ListArgs, SubtechniquesArg};
use crate::model::Kind;
use crate::query::TableRow;
use crate::query::list::{self, Subtechniques, TechniqueListFilter};
use crate::{query, render};

/// Renders the rows under a caption naming what they are and where they come from, except
/// an empty table (a hint goes to stderr instead).
fn emit<T: TableRow>(
    out: &mut dyn std::io::Write,
    rows: &[T],
    caption: &dyn Fn(usize) -> String,
    opts: &render::Options,
) -> std::io::Result<usize> {
    if !rows.is_empty() || opts.format != render::Format::Table {
        render::list_titled(out, rows, Some(&caption(rows.len())), opts)?;
    }
    Ok(rows.len())
}

/// The technique filters given, as typed: ` (--group APT29, --platform Linux)`.
fn filters_given(args: &ListArgs) -> String {
    let mut f: Vec<String> = Vec::new();
    let mut one = |flag: &str, v: &Option<String>| {
        if let Some(v) = v {
            f.push(format!("--{flag} {v}"));
        }
    };
    one("tactic", &args.tactic);
    one("group", &args.group);
    one("software", &args.software);
    one("campaign", &args.campaign);
    one("mitigation", &args.mitigation);
    one("data-source", &args.data_source);
    one("data-component", &args.data_component);
    for p in &args.platform {
        f.push(format!("--platform {p}"));
    }
    if let Some(m) = args.subtechniques {
        f.push(format!(
            "--subtechniques {}",
            match m {
                SubtechniquesArg::Include => "include",
                SubtechniquesArg::Exclude => "exclude",
                SubtechniquesArg::Only => "only",
            }
        ));
    }
    if f.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.join(", "))
    }
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
    Ctx::check_platforms(kb, &args.platform)?;
    let vis = ctx.settings.visibility;
    let opts = &ctx.settings.render;
    let (kind, label, filters) = (args.kind.0, kb.label(), filters_given(args));
    let caption = move |n: usize| format!("{} in {label}{filters}", kind.count(n));
    let caption = &caption;
    let mut blame = None;
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
                if rows.is_empty() && technique_filters {
                    blame = Some(blame_filters(kb, &filter, &filters_given(args))?);
                }
                emit(out, &rows, caption, opts)?
            }
            Kind::Tactic => {
                let rows = query::tactic_list::tactics(kb);
                emit(out, &rows, caption, opts)?
            }
            Kind::Group => {
                let rows = list::groups(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Software => {
                let rows = list::software(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Mitigation => {
                let rows = list::mitigations(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Campaign => {
                let rows = list::campaigns(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::DataSource => {
                let rows = list::data_sources(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::DataComponent => {
                let rows = list::data_components(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::DetectionStrategy => {
                let rows = list::detection_strategies(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Analytic => {
                let rows = list::analytics(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Asset => {
                let rows = list::assets(kb, vis);
                emit(out, &rows, caption, opts)?
            }
            Kind::Matrix => anyhow::bail!("matrices have no list; `attck show` shows one"),
        }
    };
    if let Some(msg) = blame {
        ctx.warn(&msg)?;
    } else if n == 0 && ctx.settings.render.format == render::Format::Table {
        ctx.warn(&format!(
            "nothing to list in {}; --include-deprecated and --include-revoked show withdrawn objects",
            kb.label()
        ))?;
    }
    Ok(Outcome::from_count(n))
}

/// Why `list techniques` listed nothing: says how many techniques pass without each filter
/// given (`3 without --platform, 67 without --group`).
fn blame_filters(
    kb: &crate::model::KnowledgeBase,
    f: &TechniqueListFilter,
    given: &str,
) -> Result<String, crate::error::Error> {
    let mut without = Vec::new();
    let mut try_without = |flag: &str, g: &dyn Fn(&mut TechniqueListFilter) -> bool| {
        let mut other = f.clone();
        if g(&mut other) {
            list::techniques(kb, &other)
                .map(|r| without.push(format!("{} without {flag}", r.len())))
        } else {
            Ok(())
        }
    };
    try_without("--tactic", &|o| o.tactic.take().is_some())?;
    try_without("--platform", &|o| {
        !std::mem::take(&mut o.platforms).is_empty()
    })?;
    try_without("--group", &|o| o.group.take().is_some())?;
    try_without("--software", &|o| o.software.take().is_some())?;
    try_without("--campaign", &|o| o.campaign.take().is_some())?;
    try_without("--mitigation", &|o| o.mitigation.take().is_some())?;
    try_without("--data-source", &|o| o.data_source.take().is_some())?;
    try_without("--data-component", &|o| o.data_component.take().is_some())?;
    try_without("--subtechniques", &|o| {
        std::mem::replace(&mut o.subtechniques, Subtechniques::Include) != Subtechniques::Include
    })?;
    Ok(format!(
        "no technique in {} passes every filter{given}; {}",
        kb.label(),
        without.join(", ")
    ))
}
