//! Builds a [`KnowledgeBase`] from parsed STIX objects.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Result, bail};

use super::{Domain, KnowledgeBase, LoadStats, Meta, Tactic, Technique, cmp_ids, id};
use crate::stix::{Bundle, Object};

fn meta(o: &Object) -> Meta {
    let r = o.attack_ref();
    Meta {
        stix_id: o.id.clone(),
        id: r.and_then(|r| r.external_id.clone()).unwrap_or_default(),
        name: o.name.clone().unwrap_or_default(),
        description: o.description.clone().unwrap_or_default(),
        url: r.and_then(|r| r.url.clone()),
        created: o.created.clone(),
        modified: o.modified.clone(),
        version: o.x_mitre_version.clone(),
        revoked: o.is_revoked(),
        deprecated: o.is_deprecated(),
    }
}

/// Keeps one object per STIX id: the most recently modified.
fn dedupe(objects: Vec<Object>, stats: &mut LoadStats) -> Vec<Object> {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(objects.len());
    let mut kept: Vec<Object> = Vec::with_capacity(objects.len());
    for o in objects {
        if let Some(&i) = seen.get(&o.id) {
            stats.duplicates += 1;
            if o.modified > kept[i].modified {
                kept[i] = o;
            }
        } else {
            seen.insert(o.id.clone(), kept.len());
            kept.push(o);
        }
    }
    kept
}

fn detect_domain(objects: &[Object], path: &Path, expected: Option<Domain>) -> Option<Domain> {
    let from_matrix = objects
        .iter()
        .filter(|o| o.kind == "x-mitre-matrix" && !o.is_deprecated() && !o.is_revoked())
        .chain(objects.iter().filter(|o| o.kind == "x-mitre-matrix"))
        .find_map(|o| {
            o.attack_ref()
                .and_then(|r| r.external_id.as_deref())
                .and_then(Domain::from_any)
        });
    let from_domains = || {
        objects
            .iter()
            .filter(|o| o.kind == "attack-pattern" || o.kind == "x-mitre-tactic")
            .find_map(|o| o.x_mitre_domains.iter().find_map(|d| Domain::from_any(d)))
    };
    let from_file = || {
        let name = path.file_name()?.to_str()?;
        Domain::ALL
            .into_iter()
            .find(|d| name.starts_with(d.stix_name()))
    };
    from_matrix
        .or_else(from_domains)
        .or_else(from_file)
        .or(expected)
}

pub(super) fn build(
    bundle: Bundle,
    path: &Path,
    expected: Option<Domain>,
) -> Result<KnowledgeBase> {
    let mut stats = LoadStats {
        objects: bundle.objects.len(),
        ..LoadStats::default()
    };
    let objects = dedupe(bundle.objects, &mut stats);
    let mut warnings = Vec::new();

    let Some(domain) = detect_domain(&objects, path, expected) else {
        bail!(
            "the bundle does not say which ATT&CK domain it holds (no matrix, no x_mitre_domains)"
        );
    };

    let attack_version = objects
        .iter()
        .find(|o| o.kind == "x-mitre-collection")
        .and_then(|o| o.x_mitre_version.clone())
        .or_else(|| {
            path.file_name()
                .and_then(|n| n.to_str())
                .and_then(id::version_from_file_name)
                .map(|v| v.to_string())
        });

    // Tactics: every x-mitre-tactic, then ordered by the active matrices.
    let all_tactics: Vec<&Object> = objects
        .iter()
        .filter(|o| o.kind == "x-mitre-tactic")
        .collect();
    let tactic_by_stix: HashMap<&str, &Object> =
        all_tactics.iter().map(|o| (o.id.as_str(), *o)).collect();
    let matrices: Vec<&Object> = objects
        .iter()
        .filter(|o| o.kind == "x-mitre-matrix" && !o.is_deprecated() && !o.is_revoked())
        .collect();
    let mut ordered: Vec<&Object> = Vec::new();
    if matrices.is_empty() {
        warnings.push(format!(
            "{}: the bundle has no active matrix; tactics are listed in ID order",
            path.display()
        ));
        ordered = all_tactics
            .iter()
            .copied()
            .filter(|o| !o.is_deprecated() && !o.is_revoked())
            .collect();
        ordered.sort_by(|a, b| cmp_ids(&meta(a).id, &meta(b).id));
    } else {
        for m in &matrices {
            for r in &m.tactic_refs {
                match tactic_by_stix.get(r.as_str()) {
                    Some(t) if !ordered.iter().any(|o| o.id == t.id) => ordered.push(t),
                    Some(_) => {}
                    None => stats.dangling_refs += 1,
                }
            }
        }
    }
    let tactics: Vec<Tactic> = ordered
        .iter()
        .map(|o| Tactic {
            meta: meta(o),
            shortname: o.x_mitre_shortname.clone().unwrap_or_default(),
        })
        .collect();
    let tactic_by_short: HashMap<&str, u32> = tactics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.shortname.as_str(), i as u32))
        .collect();

    // Techniques, sorted by ATT&CK ID.
    let mut techniques: Vec<Technique> = objects
        .iter()
        .filter(|o| o.kind == "attack-pattern")
        .map(|o| {
            let mut tactics: Vec<u32> = o
                .kill_chain_phases
                .iter()
                .filter_map(|p| tactic_by_short.get(p.phase_name.as_str()).copied())
                .collect();
            tactics.sort_unstable();
            tactics.dedup();
            Technique {
                meta: meta(o),
                platforms: o.x_mitre_platforms.clone(),
                tactics,
                is_subtechnique: o.x_mitre_is_subtechnique.unwrap_or(false),
                parent: None,
                children: Vec::new(),
                revoked_by: None,
            }
        })
        .collect();
    techniques.sort_by(|a, b| {
        cmp_ids(&a.meta.id, &b.meta.id).then_with(|| a.meta.stix_id.cmp(&b.meta.stix_id))
    });
    let by_stix: HashMap<String, u32> = techniques
        .iter()
        .enumerate()
        .map(|(i, t)| (t.meta.stix_id.clone(), i as u32))
        .collect();
    let known: std::collections::HashSet<&str> = objects.iter().map(|o| o.id.as_str()).collect();

    for r in objects.iter().filter(|o| o.kind == "relationship") {
        let (Some(src), Some(dst)) = (r.source_ref.as_deref(), r.target_ref.as_deref()) else {
            stats.dangling_refs += 1;
            continue;
        };
        if !known.contains(src) || !known.contains(dst) {
            stats.dangling_refs += 1;
            continue;
        }
        let (Some(&s), Some(&d)) = (by_stix.get(src), by_stix.get(dst)) else {
            continue;
        };
        if s == d {
            continue;
        }
        match r.relationship_type.as_deref() {
            Some("subtechnique-of") if !r.is_revoked() && !r.is_deprecated() => {
                techniques[s as usize].parent = Some(d);
            }
            Some("revoked-by") => techniques[s as usize].revoked_by = Some(d),
            _ => {}
        }
    }

    // A sub-technique without a relationship still has a parent: the ID before the dot.
    let mut ids: HashMap<String, Vec<u32>> = HashMap::with_capacity(techniques.len());
    for (i, t) in techniques.iter().enumerate() {
        if !t.meta.id.is_empty() {
            ids.entry(t.meta.id.to_ascii_uppercase())
                .or_default()
                .push(i as u32);
        }
    }
    for v in ids.values_mut() {
        v.sort_by_key(|&i| !techniques[i as usize].meta.is_active());
    }
    for t in &mut techniques {
        if t.is_subtechnique
            && t.parent.is_none()
            && let Some((base, _)) = t.meta.id.split_once('.')
        {
            t.parent = ids.get(base).and_then(|v| v.first()).copied();
        }
    }
    // ATT&CK trees are one level deep: only a sub-technique has a parent, and only a technique
    // that is not itself a sub-technique is one. This also rules out cycles.
    for i in 0..techniques.len() {
        if let Some(p) = techniques[i].parent
            && (!techniques[i].is_subtechnique || techniques[p as usize].is_subtechnique)
        {
            techniques[i].parent = None;
        }
    }
    let links: Vec<(u32, u32)> = techniques
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.parent.map(|p| (p, i as u32)))
        .collect();
    for (p, child) in links {
        techniques[p as usize].children.push(child);
    }

    Ok(KnowledgeBase {
        domain,
        attack_version,
        source: path.to_path_buf(),
        tactics,
        techniques,
        stats,
        warnings,
        technique_ids: ids,
    })
}
