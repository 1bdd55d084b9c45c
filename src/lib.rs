//! attck: a command-line explorer for the MITRE ATT&CK knowledge base.
//!
//! This library is the internals of the `attck` binary; it is an internal API with no
//! stability promise. Data flows one way: [`store`] (files) → [`stix`] (serde structs) →
//! [`model`] (the graph) → [`query`] (views) → [`render`] (output), wired by [`commands`].
//! [`input`] reads the user's own technique lists (text, layers, Sigma rules) for queries.

pub mod cli;
pub mod commands;
pub mod encoding;
pub mod error;
pub mod ids;
pub mod input;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
pub mod settings;
pub mod stix;
pub mod store;

use std::io::Write;

use anyhow::Result;

use cli::{Cli, Command};
use commands::{Ctx, Outcome};

/// Runs a parsed command line, writing results to `out` and notes to `err`.
///
/// A query abandoned because a damaged index cache could not be answered from its bundle
/// either ([`model::cache_format::Unrecoverable`]) comes back as an error; any other unwinding
/// (a bug) goes on unwinding.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli, out, err))) {
        Ok(result) => result,
        Err(payload) => match payload.downcast::<model::cache_format::Unrecoverable>() {
            Ok(u) => Err(anyhow::anyhow!(u.0)),
            Err(other) => std::panic::resume_unwind(other),
        },
    }
}

fn dispatch(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    // These need neither settings nor data: they work even where no data directory resolves.
    match &cli.command {
        Command::Completions(a) => return commands::completions::run(out, a),
        Command::Man => return commands::man::run(out),
        _ => {}
    }
    let settings = settings::resolve(&cli.global, &settings::ProcessEnv)?;
    let mut ctx = Ctx {
        cache_warned: false,
        plain_http_warned: false,
        settings: &settings,
        out,
        err,
    };
    let outcome = match &cli.command {
        Command::Technique(a) => commands::technique::run(&mut ctx, a),
        Command::Tactics => commands::tactics::run(&mut ctx),
        Command::Tactic(a) => commands::tactic::run(&mut ctx, a),
        Command::Search(a) => commands::search::run(&mut ctx, a),
        Command::Show(a) => commands::show::run(&mut ctx, a),
        Command::List(a) => commands::list::run(&mut ctx, a),
        Command::Detects(a) => commands::detects::run(&mut ctx, a),
        Command::Update(a) => commands::update::run(&mut ctx, a),
        Command::Data(c) => commands::data::run(&mut ctx, c),
        Command::Matrix(a) => commands::matrix::run(&mut ctx, a),
        Command::Layer(a) => commands::layer::run(&mut ctx, a),
        Command::Coverage(a) => commands::coverage::run(&mut ctx, a),
        Command::Diff(a) => commands::diff::run(&mut ctx, a),
        Command::Map(a) => commands::map::run(&mut ctx, a),
        Command::Attribute(a) => commands::attribute::run(&mut ctx, a),
        Command::Compare(a) => commands::compare::run(&mut ctx, a),
        Command::Next(a) => commands::next::run(&mut ctx, a),
        Command::Lint(a) => commands::lint::run(&mut ctx, a),
        Command::Completions(_) | Command::Man => unreachable!("handled above"),
    };
    // Notes from drawing the results (a column left out to fit the terminal), after them.
    let notes = render::take_notes();
    let outcome = outcome?;
    ctx.out.flush()?;
    for n in notes {
        ctx.note(&n)?;
    }
    Ok(outcome)
}
