//! `attck map <FILE | ->`: ATT&CK references in free text.

use anyhow::Result;

use super::{Ctx, Outcome};
use crate::cli::MapArgs;

/// Finds ATT&CK references in a text.
pub fn run(_ctx: &mut Ctx, _args: &MapArgs) -> Result<Outcome> {
    anyhow::bail!("not yet")
}
