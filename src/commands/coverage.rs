//! `attck coverage`.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::inputs::{read_all, tell_read, tell_resolved, write_file};
use super::{Ctx, Outcome};
use crate::cli::CoverageArgs;
use crate::error::Error;
use crate::input::{ReadOptions, Source};
use crate::query::coverage::{CoverageOptions, Unit, Universe, coverage};
use crate::query::layer::from_coverage;
use crate::query::selection::resolve_ids;
use crate::render;

/// Measures coverage and prints the report.
pub fn run(ctx: &mut Ctx, args: &CoverageArgs) -> Result<Outcome> {
    let opts = ReadOptions {
        layer_all: args.layer_all,
    };
    let against = match &args.against {
        Some(a) if a == "-" => Some(Source::Stdin),
        Some(a) => {
            let p = PathBuf::from(a);
            if !p.exists() {
                bail!("--against {a}: no such file (give a technique list or layer file)");
            }
            Some(Source::Path(p))
        }
        None => None,
    };
    let mut sources: Vec<&Source> = args.inputs.iter().collect();
    if let Some(a) = &against {
        sources.push(a);
    }
    let mut lists = read_all(&sources, opts)?;
    let against_list = against.as_ref().and_then(|_| lists.pop());

    let kb = ctx.knowledge_base()?;
    tell_read(ctx, &lists, &kb)?;
    let resolved = resolve_ids(
        &kb,
        lists.iter().flat_map(|l| l.ids.iter().map(String::as_str)),
    );
    tell_resolved(ctx, &resolved.report, &kb)?;

    let universe = match &against_list {
        None => Universe::all(),
        Some(l) => {
            tell_read(ctx, std::slice::from_ref(l), &kb)?;
            let r = resolve_ids(&kb, l.ids.iter().map(String::as_str));
            tell_resolved(ctx, &r.report, &kb)?;
            Universe {
                label: l.source.clone(),
                techniques: Some(r.techniques),
            }
        }
    };
    let cov_opts = CoverageOptions {
        unit: if args.subtechniques {
            Unit::Subtechnique
        } else {
            Unit::Technique
        },
        platforms: args.platform.clone(),
        gap_limit: args.limit,
    };
    let report = coverage(&kb, &resolved, &universe, &cov_opts);
    if report.total.total == 0 {
        return Err(Error::NotFound(format!(
            "nothing to measure: the universe ({}) holds no active technique of {}{}",
            universe.label,
            kb.label(),
            if args.platform.is_empty() {
                String::new()
            } else {
                format!(" for {}", args.platform.join(", "))
            }
        ))
        .into());
    }

    render::report(ctx.out, &report, &ctx.settings.render)?;

    if let Some(path) = &args.layer {
        let inputs: Vec<String> = lists.iter().map(|l| l.source.clone()).collect();
        let layer = from_coverage(
            &kb,
            &report,
            args.layer_name.as_deref(),
            &inputs.join(", "),
            &args.platform,
        );
        let mut bytes = Vec::new();
        render::json_document(&mut bytes, &layer)?;
        write_file(path, &bytes)?;
        ctx.note(&format!(
            "wrote {} ({} covered, {} gaps)",
            path.display(),
            report.total.covered,
            report.gap_count
        ))?;
    }

    if let Some(min) = args.fail_under
        && report.total.below(min)
    {
        ctx.warn(&format!(
            "total coverage {:.1}% is below --fail-under {min}%",
            report.total.percent
        ))?;
        return Ok(Outcome::Nothing);
    }
    Ok(Outcome::Found)
}
