//! What `attribute`, `next` and `compare` read from the command line: observed techniques and
//! software (IDs, names, comma-separated lists, technique-list files, stdin), objects named by
//! ID or name, and the objects `--exclude` leaves out.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::Ctx;
use super::inputs::{read_all, tell_read, tell_resolved};
use crate::error::Error;
use crate::input::{ReadOptions, Source, TechniqueList};
use crate::model::{Kind, KnowledgeBase, Node, TechniqueId};
use crate::query::selection::{find_object, resolve_ids};

/// One command-line argument: a file (or stdin) to read, or something to look up.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A technique-list file, or `-`.
    File(Source),
    /// IDs or names, possibly comma-separated.
    Key(String),
}

/// Arguments told apart and their files read, before the knowledge base loads (so a missing
/// file fails fast).
#[derive(Debug)]
pub struct Prepared {
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// What each file argument held, in the order of the file arguments.
    pub lists: Vec<TechniqueList>,
    /// How the inputs are named to users: the arguments joined.
    pub label: String,
}

/// Whether an argument that names nothing in the knowledge base was probably meant as a file.
fn looks_like_path(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.contains('/')
        || s.contains('\\')
        || [".json", ".txt", ".csv", ".yml", ".yaml", ".md"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// Tells files (`-` and paths that exist) from keys and reads the files.
pub fn prepare(args: &[String], layer_all: bool) -> Result<Prepared> {
    let args: Vec<Arg> = args
        .iter()
        .map(|a| {
            if a == "-" {
                Arg::File(Source::Stdin)
            } else if Path::new(a).exists() {
                Arg::File(Source::Path(PathBuf::from(a)))
            } else {
                Arg::Key(a.clone())
            }
        })
        .collect();
    let sources: Vec<&Source> = args
        .iter()
        .filter_map(|a| match a {
            Arg::File(s) => Some(s),
            Arg::Key(_) => None,
        })
        .collect();
    let lists = read_all(&sources, ReadOptions { layer_all })?;
    let label = args
        .iter()
        .map(|a| match a {
            Arg::File(s) => s.to_string(),
            Arg::Key(k) => k.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Prepared { args, lists, label })
}

/// The error for a key that names nothing: a missing file when it looks like one (an error,
/// as for any input file), else the lookup's own "not found" with suggestions.
fn unknown(key: &str, e: Error) -> anyhow::Error {
    if looks_like_path(key) {
        anyhow::anyhow!("cannot read {key}: no such file (and it names no ATT&CK object)")
    } else {
        e.into()
    }
}

/// Resolves one key (not a list) to an object of the allowed kinds; notes go to stderr.
pub fn object(ctx: &mut Ctx, kb: &KnowledgeBase, key: &str, allowed: &[Kind]) -> Result<Node> {
    let found = find_object(kb, key, None, allowed).map_err(|e| unknown(key, e))?;
    for n in &found.notes {
        ctx.warn(n)?;
    }
    Ok(found.node)
}

/// Technique IDs named on the command line, each resolved like a file's (revoked ones to their
/// replacements), except that an ID the knowledge base does not know is an error here.
fn technique(ctx: &mut Ctx, kb: &KnowledgeBase, id: &TechniqueId) -> Result<Option<Node>> {
    let r = resolve_ids(kb, [id.as_str()]);
    if !r.report.unknown.is_empty() {
        bail!(Error::NotFound(format!(
            "no technique {id} in {}",
            kb.label()
        )));
    }
    tell_resolved(ctx, &r.report, kb)?;
    Ok(r.techniques.first().map(|&t| Node::new(Kind::Technique, t)))
}

/// The pieces of a key: split at commas, trimmed, empty pieces dropped.
fn pieces(key: &str) -> impl Iterator<Item = &str> {
    key.split(',').map(str::trim).filter(|p| !p.is_empty())
}

/// The observed items (techniques and software, active, sorted, unique), with what was left
/// out because it is excluded. Warnings about the inputs go to stderr.
pub fn observed(
    ctx: &mut Ctx,
    kb: &KnowledgeBase,
    prepared: &Prepared,
    excluded: &[Node],
) -> Result<Vec<Node>> {
    tell_read(ctx, &prepared.lists, kb)?;
    let from_files = resolve_ids(
        kb,
        prepared
            .lists
            .iter()
            .flat_map(crate::input::TechniqueList::id_strs),
    );
    tell_resolved(ctx, &from_files.report, kb)?;
    let mut items: Vec<Node> = from_files
        .techniques
        .iter()
        .map(|&t| Node::new(Kind::Technique, t))
        .collect();
    for a in &prepared.args {
        let Arg::Key(key) = a else { continue };
        for piece in pieces(key) {
            let node = if let Ok(id) = piece.parse::<TechniqueId>() {
                technique(ctx, kb, &id)?
            } else {
                let n = object(ctx, kb, piece, &[Kind::Technique, Kind::Software])?;
                kb.meta(n).is_active().then_some(n)
            };
            items.extend(node);
        }
    }
    items.sort_unstable();
    items.dedup();
    let left_out: Vec<&str> = items
        .iter()
        .filter(|n| excluded.binary_search(n).is_ok())
        .map(|&n| kb.id_and_name(n).0)
        .collect();
    if !left_out.is_empty() {
        ctx.warn(&format!(
            "excluded, so not counted as observed: {}",
            left_out.join(", ")
        ))?;
    }
    items.retain(|n| excluded.binary_search(n).is_err());
    if items.is_empty() {
        bail!(
            "nothing observed: {} names no active technique or software of {}",
            if prepared.label.is_empty() {
                "the input"
            } else {
                &prepared.label
            },
            kb.label()
        );
    }
    let techniques = items.iter().filter(|n| n.kind == Kind::Technique).count();
    ctx.note(&format!(
        "observed {} technique{} and {} software",
        techniques,
        if techniques == 1 { "" } else { "s" },
        items.len() - techniques
    ))?;
    Ok(items)
}

/// The objects `--exclude` names (groups, campaigns, software, techniques), sorted.
pub fn exclusions(ctx: &mut Ctx, kb: &KnowledgeBase, keys: &[String]) -> Result<Vec<Node>> {
    let mut out = Vec::new();
    for key in keys.iter().flat_map(|k| pieces(k)) {
        let n = match key.parse::<TechniqueId>() {
            Ok(id) => match kb.techniques_with_id(id.as_str()).first() {
                Some(&t) => Node::new(Kind::Technique, t),
                None => bail!(Error::NotFound(format!(
                    "--exclude {key}: no technique {id} in {}",
                    kb.label()
                ))),
            },
            Err(_) => object(
                ctx,
                kb,
                key,
                &[Kind::Group, Kind::Campaign, Kind::Software, Kind::Technique],
            )
            .map_err(|e| e.context(format!("--exclude {key}")))?,
        };
        out.push(n);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_told_from_names() {
        for p in ["ids.txt", "./x", "dir/layer", "L.JSON", "rules.yml"] {
            assert!(looks_like_path(p), "{p}");
        }
        for n in ["Mimikatz", "Cobalt Strike", "S0002", "cmd"] {
            assert!(!looks_like_path(n), "{n}");
        }
        assert_eq!(
            pieces(" T1059, ,S0002 ,Cobalt Strike").collect::<Vec<_>>(),
            ["T1059", "S0002", "Cobalt Strike"]
        );
    }
}
