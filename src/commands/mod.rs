//! One module per subcommand: thin adapters from settings to query to render.

pub mod coverage;
mod inputs;
pub mod layer;
pub mod matrix;
pub mod search;
pub mod tactic;
pub mod tactics;
pub mod technique;

use std::io::Write;

use anyhow::Result;

use crate::model::KnowledgeBase;
use crate::settings::Settings;
use crate::store;

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
}

impl Ctx<'_> {
    /// Writes a warning line on stderr unless `--quiet`.
    pub fn warn(&mut self, msg: &str) -> Result<()> {
        if !self.settings.quiet {
            let msg = crate::render::sanitize(msg, false);
            if self.settings.color_stderr {
                writeln!(self.err, "\x1b[33mattck: warning:\x1b[0m {msg}")?;
            } else {
                writeln!(self.err, "attck: warning: {msg}")?;
            }
        }
        Ok(())
    }

    /// Writes a note (what was read, what was written) on stderr unless `--quiet`.
    pub fn note(&mut self, msg: &str) -> Result<()> {
        if !self.settings.quiet {
            writeln!(self.err, "attck: {}", crate::render::sanitize(msg, false))?;
        }
        Ok(())
    }

    /// Finds and loads the knowledge base the settings point at, printing load warnings.
    pub fn knowledge_base(&mut self) -> Result<KnowledgeBase> {
        let s = self.settings;
        let path = match &s.bundle {
            Some(p) => p.clone(),
            None => store::find_bundle(&s.data_dir, s.domain, s.attack_version.as_ref())?.path,
        };
        let kb = KnowledgeBase::open(&path, Some(s.domain))?;
        for w in &kb.warnings {
            self.warn(w)?;
        }
        Ok(kb)
    }
}
