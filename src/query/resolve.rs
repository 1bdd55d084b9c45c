//! The general lookup: finds the object a key names (an ATT&CK ID, a name, an alias or a
//! tactic shortname) in one or more knowledge bases. `show`, `list`'s filters, `detects` and
//! coverage's `--against` all look objects up through [`resolve`].
//!
//! An ATT&CK ID wins over a name. Some IDs name several objects (224 deprecated enterprise
//! mitigations reuse technique IDs): active objects are preferred and the others are reported
//! as notes. Names and aliases match case-insensitively; a name beats an alias and an active
//! object beats an inactive one, and when that still leaves several objects the lookup is
//! ambiguous and lists them.

use super::{status_note, suggest};
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Node, TechniqueId, cmp_ids};

/// An object found in one of several knowledge bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the knowledge base in the slice searched.
    pub kb: usize,
    /// The object.
    pub node: Node,
}

/// What a lookup found: the object to show, and notes for stderr.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The object.
    pub hit: Hit,
    /// Every domain (short name) whose knowledge base holds the same object.
    pub domains: Vec<String>,
    /// Other objects the key also names ("T1033 also names …").
    pub notes: Vec<String>,
}

fn describe(kbs: &[&KnowledgeBase], h: Hit) -> String {
    let kb = &kbs[h.kb];
    let m = kb.meta(h.node);
    let mut s = if m.id.is_empty() {
        format!("'{}' ({}", m.name, h.node.kind)
    } else {
        format!("{} '{}' ({}", m.id, m.name, h.node.kind)
    };
    if let Some(n) = status_note(m.revoked, m.deprecated) {
        s.push_str(", ");
        s.push_str(n);
    }
    if kbs.len() > 1 {
        s.push_str(", ");
        s.push_str(kb.domain.short_name());
    }
    s.push(')');
    s
}

fn labels(kbs: &[&KnowledgeBase]) -> String {
    kbs.iter()
        .map(|kb| kb.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the object `key` names: an ATT&CK ID, a name, an alias or a tactic shortname,
/// optionally restricted to one kind.
pub fn resolve(kbs: &[&KnowledgeBase], key: &str, kind: Option<Kind>) -> Result<Resolved, Error> {
    let key = key.trim();
    let wanted = |n: &Node| kind.is_none_or(|k| k == n.kind);
    // Technique IDs may be written t1059/001.
    let id_key = key
        .parse::<TechniqueId>()
        .map_or_else(|_| key.to_string(), |t| t.as_str().to_string());
    let mut hits: Vec<Hit> = Vec::new();
    for (i, kb) in kbs.iter().enumerate() {
        hits.extend(
            kb.nodes_with_id(&id_key)
                .iter()
                .filter(|n| wanted(n))
                .map(|&node| Hit { kb: i, node }),
        );
    }
    let active = |h: &Hit| kbs[h.kb].meta(h.node).is_active();
    if !hits.is_empty() {
        hits.sort_by_key(|h| (!active(h), h.kb));
        return Ok(finish(kbs, key, hits[0], &hits));
    }

    // Names and aliases: best tier = (name before alias, active before inactive).
    let mut named: Vec<(u8, Hit)> = Vec::new();
    for (i, kb) in kbs.iter().enumerate() {
        for h in kb.nodes_named(key).iter().filter(|h| wanted(&h.node)) {
            let hit = Hit {
                kb: i,
                node: h.node,
            };
            let tier = u8::from(!active(&hit)) * 2 + u8::from(h.alias);
            named.push((tier, hit));
        }
        if kind.is_none_or(|k| k == Kind::Tactic)
            && let Some((t, _)) = kb.tactic(key)
        {
            named.push((
                0,
                Hit {
                    kb: i,
                    node: Node::new(Kind::Tactic, t),
                },
            ));
        }
    }
    if let Some(best) = named.iter().map(|(t, _)| *t).min() {
        let mut tier: Vec<Hit> = Vec::new();
        for (t, h) in &named {
            let stix = &kbs[h.kb].meta(h.node).stix_id;
            if *t == best && !tier.iter().any(|o| &kbs[o.kb].meta(o.node).stix_id == stix) {
                tier.push(*h);
            }
        }
        if tier.len() == 1 {
            let all: Vec<Hit> = named.iter().map(|(_, h)| *h).collect();
            return Ok(finish(kbs, key, tier[0], &all));
        }
        tier.sort_by(|a, b| {
            cmp_ids(&kbs[a.kb].meta(a.node).id, &kbs[b.kb].meta(b.node).id).then(a.kb.cmp(&b.kb))
        });
        let list: Vec<String> = tier.iter().map(|&h| describe(kbs, h)).collect();
        return Err(Error::NotFound(format!(
            "'{key}' is ambiguous: it names {}; ask by ID",
            list.join(", ")
        )));
    }

    let suggestions = suggest::closest(key, kbs.iter().flat_map(|kb| kb.lookup_keys()), 3);
    let what = kind.map_or("object", Kind::name);
    Err(Error::NotFound(format!(
        "no {what} '{key}' in {}{}",
        labels(kbs),
        suggest::did_you_mean(&suggestions)
    )))
}

fn finish(kbs: &[&KnowledgeBase], key: &str, chosen: Hit, all: &[Hit]) -> Resolved {
    let stix = &kbs[chosen.kb].meta(chosen.node).stix_id;
    let mut domains: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for h in all {
        let m = kbs[h.kb].meta(h.node);
        if &m.stix_id == stix {
            let d = kbs[h.kb].domain.short_name().to_string();
            if !domains.contains(&d) {
                domains.push(d);
            }
        } else if !seen.contains(&m.stix_id.as_str()) {
            seen.push(&m.stix_id);
            notes.push(describe(kbs, *h));
        }
    }
    let notes = if notes.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "'{key}' also names {}; showing {}",
            notes.join(", "),
            describe(kbs, chosen)
        )]
    };
    Resolved {
        hit: chosen,
        domains,
        notes,
    }
}
