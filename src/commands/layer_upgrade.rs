//! `attck layer upgrade <LAYER>`: a Navigator layer made for an older ATT&CK version,
//! rewritten for a newer one.

use anyhow::{Context, Result, anyhow, bail};

use super::inputs::write_file;
use super::{Ctx, Outcome};
use crate::cli::LayerUpgradeArgs;
use crate::ids::{Domain, Version};
use crate::input::{self, layer_doc};
use crate::model::KnowledgeBase;
use crate::query::upgrade::upgrade;
use crate::{render, store};

/// The installed version a layer's `versions.attack` names: itself when it has a minor part
/// (`17.1`), else the newest installed with that major (`17` → 17.1).
fn old_version(ctx: &Ctx, domain: Domain, v: &Version, name: &str) -> Result<Version> {
    if v.as_str().contains('.') {
        return Ok(v.clone());
    }
    let s = ctx.settings;
    let found = store::bundles_in(&s.data_dir, domain)?;
    if let Some(b) = found
        .iter()
        .rev()
        .find(|b| b.version.as_ref().is_some_and(|x| x.major() == v.major()))
    {
        return b.version.clone().context("a versioned bundle");
    }
    let installed: Vec<String> = found
        .iter()
        .filter_map(|b| b.version.as_ref().map(ToString::to_string))
        .collect();
    bail!(
        "{name} was made for ATT&CK {v}, and no {domain} {v}.x is installed in {} (installed: {}); run `attck update --domain {} --attack-version {v}.N` or give --from",
        s.data_dir.display(),
        if installed.is_empty() {
            "none".to_string()
        } else {
            installed.join(", ")
        },
        domain.short_name()
    )
}

/// Upgrades a layer and writes it to stdout or `--output`, with what changed on stderr.
pub fn run(ctx: &mut Ctx, args: &LayerUpgradeArgs) -> Result<Outcome> {
    let s = ctx.settings;
    if s.bundle.is_some() || s.attack_version.is_some() {
        bail!(
            "`layer upgrade` takes the old version from the layer (or --from) and the new one from --to; --bundle and --attack-version do not apply"
        );
    }
    let input = input::read(&args.layer, &mut std::io::stdin().lock())?;
    let name = input.name.clone();
    let bytes = input.into_bytes("a Navigator layer file")?;
    let mut doc = layer_doc::parse(&bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let from_layer = doc
        .domain
        .as_deref()
        .and_then(|d| Domain::from_any(d.trim().trim_start_matches("mitre-")));
    let domain = match (from_layer, s.domains.as_slice()) {
        (Some(d), [asked]) if d != *asked => bail!(
            "{name} is a layer for {d}, not {asked}; leave --domain out or give the right one"
        ),
        (Some(d), _) => d,
        (None, _) => s.domain,
    };
    let old_v = match (
        &args.from,
        doc.versions.as_ref().and_then(|v| v.attack.as_deref()),
    ) {
        (Some(v), _) => v.clone(),
        (None, Some(v)) => {
            let v: Version = v.trim().parse().map_err(|_| {
                anyhow!("{name} says versions.attack is '{v}', which is not a version; give --from")
            })?;
            old_version(ctx, domain, &v, &name)?
        }
        (None, None) => {
            bail!("{name} does not say which ATT&CK version it was made for; give --from VERSION")
        }
    };
    let old: &KnowledgeBase = ctx.knowledge_base_in(domain, Some(&old_v))?;
    let new: &KnowledgeBase = ctx.knowledge_base_in(domain, args.to.as_ref())?;
    if old.source == new.source {
        ctx.note(&format!(
            "{name} is already for {}; only its versions and tactics are checked",
            new.label()
        ))?;
    }
    let summary = upgrade(old, new, &mut doc);
    for n in &summary.notes {
        if n.warning {
            ctx.warn(&n.detail)?;
        } else {
            ctx.note(&n.detail)?;
        }
    }
    ctx.note(&format!(
        "upgraded {name} from {} to {}: {} → {}; {} replaced, {} renumbered, {} re-tacticked, {} dropped, {} merged",
        old.label(),
        new.label(),
        crate::model::plain_text::count(summary.entries_before, "entry", "entries"),
        summary.entries_after,
        summary.count("replaced"),
        summary.count("renumbered"),
        summary.count("tactics"),
        summary.count("dropped"),
        summary.count("merged"),
    ))?;
    match &args.output {
        Some(path) => {
            let mut out = Vec::new();
            render::json_document(&mut out, &doc)?;
            write_file(path, &out)?;
            ctx.note(&format!("wrote {}", path.display()))?;
        }
        None => render::json_document(ctx.out, &doc)?,
    }
    Ok(Outcome::Found)
}
