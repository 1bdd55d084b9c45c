//! One module per subcommand: thin adapters from settings to query to render.

pub mod attribute;
pub mod compare;
pub mod completions;
pub mod coverage;
pub mod data;
pub mod detects;
pub mod diff;
mod inputs;
pub mod layer;
pub mod layer_upgrade;
pub mod lint;
pub mod list;
pub mod man;
pub mod map;
pub mod matrix;
pub mod next;
mod observe;
pub mod search;
pub mod show;
pub mod tactic;
pub mod tactics;
pub mod technique;
pub mod update;

use std::io::Write;

use anyhow::{Result, anyhow};

use crate::model::KnowledgeBase;
use crate::query;
use crate::settings::Settings;

/// What a command found: decides between exit code 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Results were printed.
    Found,
    /// The query ran and found nothing.
    Nothing,
}

impl Outcome {
    /// `Found` when there is at least one result.
    #[must_use]
    pub fn from_count(n: usize) -> Outcome {
        if n == 0 {
            Outcome::Nothing
        } else {
            Outcome::Found
        }
    }
}

/// The streams and settings a command runs with.
pub struct Ctx<'a> {
    /// Resolved settings.
    pub settings: &'a Settings,
    /// Results go here (stdout).
    pub out: &'a mut dyn Write,
    /// Warnings and notes go here (stderr), unless quiet.
    pub err: &'a mut dyn Write,
    /// The one "cannot write the cache" warning was given.
    pub cache_warned: bool,
    /// The one "plain http source" warning was given.
    pub plain_http_warned: bool,
}

impl Ctx<'_> {
    /// Writes a warning line on stderr unless `--quiet`. A warning that cannot be written
    /// (stderr closed or full) is dropped: it must not cost the answer, so this never fails.
    pub fn warn(&mut self, msg: &str) -> Result<()> {
        if !self.settings.quiet {
            let msg = crate::render::sanitize(msg, false);
            let _ = if self.settings.color_stderr {
                writeln!(self.err, "\x1b[33mattck: warning:\x1b[0m {msg}")
            } else {
                writeln!(self.err, "attck: warning: {msg}")
            };
        }
        Ok(())
    }

    /// Writes a note (progress, hints) on stderr unless `--quiet`; like [`Self::warn`], it
    /// never fails.
    pub fn note(&mut self, msg: &str) -> Result<()> {
        if !self.settings.quiet {
            let _ = writeln!(self.err, "attck: {}", crate::render::sanitize(msg, false));
        }
        Ok(())
    }

    /// Fails when a `--platform` value names no platform of `kb`, listing the valid ones: the
    /// same error in every command that filters by platform.
    pub fn check_platforms(kb: &KnowledgeBase, given: &[String]) -> Result<()> {
        match query::matrix::unknown_platform(kb, given) {
            Some(msg) => Err(anyhow!(msg)),
            None => Ok(()),
        }
    }
}
