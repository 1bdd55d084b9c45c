//! `attck coverage`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::inputs::{read_all, tell_read, tell_resolved, write_file};
use super::{Ctx, Outcome};
use crate::cli::CoverageArgs;
use crate::error::Error;
use crate::input::rules::RuleFile;
use crate::input::{ReadOptions, Source, TechniqueList};
use crate::model::{Kind, plain_text};
use crate::query::coverage::{CoverageOptions, Unit, Universe, by_rule, coverage};
use crate::query::layer::from_coverage;
use crate::query::selection::{find_object, resolve_ids, techniques_of};
use crate::render;

/// Measures coverage and prints the report.
pub fn run(ctx: &mut Ctx, args: &CoverageArgs) -> Result<Outcome> {
    let opts = ReadOptions {
        layer_all: args.layer_all,
    };
    // A file (or -) is read as a technique list; anything else names an adversary.
    let against = match args.against.as_deref() {
        Some("-") => Some(Source::Stdin),
        Some(a) if Path::new(a).exists() => Some(Source::Path(PathBuf::from(a))),
        _ => None,
    };
    let mut sources: Vec<&Source> = args.inputs.iter().collect();
    sources.extend(args.tests.iter());
    if let Some(a) = &against {
        sources.push(a);
    }
    let mut lists = read_all(&sources, opts)?;
    let against_list = against.as_ref().and_then(|_| lists.pop());
    let test_lists = lists.split_off(args.inputs.len());

    let kb = ctx.knowledge_base()?;
    Ctx::check_platforms(kb, &args.platform)?;
    tell_read(ctx, &lists, kb)?;
    let files: Vec<&RuleFile> = lists.iter().flat_map(|l| l.files.iter()).collect();
    if args.by_rule {
        let rows = by_rule(&files);
        if rows.is_empty() {
            return Err(Error::NotFound("no input is a rule file".to_string()).into());
        }
        let caption = format!(
            "{} and the techniques they name, as written (read for {})",
            plain_text::count(rows.len(), "rule file", "rule files"),
            kb.label()
        );
        render::list_titled(ctx.out, &rows, Some(&caption), &ctx.settings.render)?;
        return Ok(Outcome::Found);
    }
    let resolved = resolve_ids(kb, lists.iter().flat_map(TechniqueList::id_strs));
    tell_resolved(ctx, &resolved.report, kb)?;

    let universe = match (&against_list, &args.against) {
        (None, None) => Universe::all(),
        (None, Some(key)) => {
            let found = find_object(
                kb,
                key,
                None,
                &[Kind::Group, Kind::Software, Kind::Campaign],
            )?;
            for n in &found.notes {
                ctx.warn(n)?;
            }
            Universe {
                label: found.label,
                techniques: Some(techniques_of(kb, found.node)),
            }
        }
        (Some(l), _) => {
            tell_read(ctx, std::slice::from_ref(l), kb)?;
            let r = resolve_ids(kb, l.id_strs());
            tell_resolved(ctx, &r.report, kb)?;
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
    let mut report = coverage(kb, &resolved, &universe, &cov_opts);
    report.add_rules(kb, &files);
    if !args.tests.is_empty() {
        tell_read(ctx, &test_lists, kb)?;
        let tested = resolve_ids(kb, test_lists.iter().flat_map(TechniqueList::id_strs));
        tell_resolved(ctx, &tested.report, kb)?;
        report.add_tests(kb, &tested.techniques);
    }
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

    if !report.parents_named.is_empty() {
        ctx.warn(&format!(
            "with --subtechniques, naming a technique that has sub-techniques covers none of them: {}",
            report.parents_named.join(", ")
        ))?;
    }
    render::report(ctx.out, &report, &ctx.settings.render)?;

    if let Some(path) = &args.layer {
        let inputs: Vec<String> = lists.iter().map(|l| l.source.clone()).collect();
        let layer = from_coverage(
            kb,
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
