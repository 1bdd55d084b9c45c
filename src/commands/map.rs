//! `attck map <FILE | ->`: ATT&CK references in free text.

use anyhow::Result;

use super::inputs::write_file;
use super::{Ctx, Outcome};
use crate::cli::MapArgs;
use crate::input;
use crate::query::layer::from_map;
use crate::query::map::{MapOptions, map};
use crate::render;

/// Reads the text: a file, or stdin for `-` (UTF-16 and byte-order marks decoded). Bytes that
/// are not UTF-8 are replaced.
fn read_text(args: &MapArgs) -> Result<String> {
    let bytes =
        input::read(&args.input, &mut std::io::stdin().lock())?.into_bytes("a text file")?;
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Finds ATT&CK references in a text.
pub fn run(ctx: &mut Ctx, args: &MapArgs) -> Result<Outcome> {
    let text = read_text(args)?;
    let kb = ctx.knowledge_base()?;
    let result = map(kb, &text, MapOptions { names: args.names });
    // The results own what they need: the text (as large as the input) goes before output.
    drop(text);
    for w in &result.warnings {
        ctx.warn(w)?;
    }
    let opts = &ctx.settings.render;
    if !result.found.is_empty() || opts.format != render::Format::Table {
        let caption = format!("ATT&CK references in the text ({})", kb.label());
        render::list_titled(ctx.out, &result.found, Some(&caption), opts)?;
    }
    if let Some(path) = &args.layer {
        match from_map(kb, &result, &args.input.name()) {
            Some(l) => {
                let mut bytes = Vec::new();
                render::json_document(&mut bytes, &l)?;
                write_file(path, &bytes)?;
                ctx.note(&format!(
                    "wrote {} ({})",
                    path.display(),
                    crate::model::plain_text::count(l.techniques.len(), "entry", "entries")
                ))?;
            }
            None => ctx.warn(&format!(
                "no active technique found; {} not written",
                path.display()
            ))?,
        }
    }
    if result.found.is_empty() {
        ctx.warn(&format!(
            "no ATT&CK reference of {} found{}",
            kb.label(),
            if args.names {
                ""
            } else {
                " (--names also looks for names and aliases)"
            }
        ))?;
    }
    Ok(Outcome::from_count(result.found.len()))
}
