//! Builds a [`KnowledgeBase`] from parsed STIX objects.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Result, bail};

use super::graph::{
    Analytic, AnalyticLogSource, Asset, Campaign, DataComponent, DataSource, DetectionStrategy,
    Edge, Group, Kind, LogSource, Matrix, Mitigation, Node, Rel, Software, SoftwareType,
};
use super::lazy::Lazy;
use super::{
    Domain, Edges, FieldPrint, KnowledgeBase, LoadStats, Lookup, Lookups, Meta, NameHit, Str,
    StringTable, Tactic, Technique, TechniquePrints, cmp_ids,
};
use crate::stix::{Bundle, Object, Relationship, Text};

/// A model copy of bundle text.
fn one(t: &Text) -> Str {
    Str::from(t.owned())
}

/// A model copy of optional bundle text.
fn opt(t: Option<&Text>) -> Option<Str> {
    t.map(one)
}

/// An owned copy of optional bundle text.
fn opt_string(t: Option<&Text>) -> Option<String> {
    t.map(Text::owned)
}

/// Model copies of a list of bundle strings.
fn all(v: &[Text]) -> Vec<Str> {
    v.iter().map(one).collect()
}

fn meta(o: &Object) -> Meta {
    let r = o.attack_ref();
    Meta {
        stix_id: one(&o.id),
        id: r
            .and_then(|r| opt(r.external_id.as_ref()))
            .unwrap_or_default(),
        name: opt(o.name.as_ref()).unwrap_or_default(),
        description: opt(o.description.as_ref()).unwrap_or_default(),
        url: r.and_then(|r| opt(r.url.as_ref())),
        created: opt(o.created.as_ref()),
        modified: opt(o.modified.as_ref()),
        version: opt(o.x_mitre_version.as_ref()),
        revoked: o.is_revoked(),
        deprecated: o.is_deprecated(),
        domains: o
            .x_mitre_domains
            .iter()
            .filter_map(|d| Domain::from_any(d))
            .collect(),
    }
}

/// Something with a STIX id and a modification time.
trait Stamped<'a> {
    fn stix_id(&self) -> &Text<'a>;
    fn modified(&self) -> Option<&Text<'a>>;
}

impl<'a> Stamped<'a> for Object<'a> {
    fn stix_id(&self) -> &Text<'a> {
        &self.id
    }
    fn modified(&self) -> Option<&Text<'a>> {
        self.modified.as_ref()
    }
}

impl<'a> Stamped<'a> for Relationship<'a> {
    fn stix_id(&self) -> &Text<'a> {
        &self.id
    }
    fn modified(&self) -> Option<&Text<'a>> {
        self.modified.as_ref()
    }
}

/// Keeps one object per STIX id: the most recently modified (`modified` timestamps compare as
/// text, which orders ISO 8601 times); of equally recent ones, the first in the file.
fn dedupe<'a, T: Stamped<'a>>(objects: Vec<T>, stats: &mut LoadStats) -> Vec<T> {
    let mut seen: HashMap<Text<'a>, usize> = HashMap::with_capacity(objects.len());
    let mut kept: Vec<T> = Vec::with_capacity(objects.len());
    for o in objects {
        if let Some(&i) = seen.get(o.stix_id()) {
            stats.duplicates += 1;
            if o.modified() > kept[i].modified() {
                kept[i] = o;
            }
        } else {
            seen.insert(o.stix_id().clone(), kept.len());
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
        objects: bundle.len(),
        ..LoadStats::default()
    };
    let objects = dedupe(bundle.objects, &mut stats);
    let relationships = dedupe(bundle.relationships, &mut stats);
    let mut warnings = Vec::new();

    let Some(domain) = detect_domain(&objects, path, expected) else {
        bail!(
            "the bundle does not say which ATT&CK domain it holds (no matrix, no x_mitre_domains)"
        );
    };

    let attack_version = objects
        .iter()
        .find(|o| o.kind == "x-mitre-collection")
        .and_then(|o| opt_string(o.x_mitre_version.as_ref()))
        .or_else(|| {
            path.file_name()
                .and_then(|n| n.to_str())
                .and_then(crate::ids::version_from_file_name)
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
    let mut tactics: Vec<Tactic> = ordered
        .iter()
        .map(|o| Tactic {
            meta: meta(o),
            shortname: opt(o.x_mitre_shortname.as_ref()).unwrap_or_default(),
        })
        .collect();
    let listed = tactics.len();
    let mut unlisted: Vec<Tactic> = all_tactics
        .iter()
        .filter(|o| !ordered.iter().any(|t| t.id == o.id))
        .map(|o| Tactic {
            meta: meta(o),
            shortname: opt(o.x_mitre_shortname.as_ref()).unwrap_or_default(),
        })
        .collect();
    unlisted.sort_by(|a, b| by_id(&a.meta, &b.meta));
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
                platforms: all(&o.x_mitre_platforms),
                tactics,
                is_subtechnique: o.x_mitre_is_subtechnique.unwrap_or(false),
                parent: None,
                children: Vec::new(),
                revoked_by: None,
                prints: TechniquePrints {
                    detection: FieldPrint::of_text(o.x_mitre_detection.as_deref()),
                    data_sources: FieldPrint::of_list(o.x_mitre_data_sources.as_deref()),
                },
                data_components: Vec::new(),
            }
        })
        .collect();
    techniques.sort_by(|a, b| by_id(&a.meta, &b.meta));
    // Techniques under the tactics of no active matrix (found by their phase names).
    let unlisted_by_short: HashMap<&str, u32> = unlisted
        .iter()
        .enumerate()
        .filter(|(_, t)| !tactic_by_short.contains_key(t.shortname.as_str()))
        .map(|(i, t)| (t.shortname.as_str(), (listed + i) as u32))
        .collect();
    let mut unlisted_members: Vec<(u32, u32)> = Vec::new();
    if !unlisted_by_short.is_empty() {
        let phases: HashMap<&str, &Object> = objects
            .iter()
            .filter(|o| o.kind == "attack-pattern")
            .map(|o| (o.id.as_str(), o))
            .collect();
        for (i, t) in techniques.iter().enumerate() {
            let Some(o) = phases.get(t.meta.stix_id.as_str()) else {
                continue;
            };
            for p in &o.kill_chain_phases {
                if let Some(&a) = unlisted_by_short.get(p.phase_name.as_str()) {
                    unlisted_members.push((a, i as u32));
                }
            }
        }
        unlisted_members.sort_unstable();
        unlisted_members.dedup();
    }

    // Every other kind, each sorted by ATT&CK ID (then name, for ID-less data components).
    let of = |kinds: &[&str]| -> Vec<&Object> {
        let mut v: Vec<&Object> = objects
            .iter()
            .filter(|o| kinds.contains(&o.kind.as_str()))
            .collect();
        v.sort_by_cached_key(|o| {
            let m = o
                .attack_ref()
                .and_then(|r| opt_string(r.external_id.as_ref()));
            (
                IdKey(m.unwrap_or_default()),
                opt_string(o.name.as_ref()),
                o.id.owned(),
            )
        });
        v
    };
    let matrix_objs = of(&["x-mitre-matrix"]);
    let group_objs = of(&["intrusion-set"]);
    let software_objs = of(&["malware", "tool"]);
    let campaign_objs = of(&["campaign"]);
    let mitigation_objs = of(&["course-of-action"]);
    let source_objs = of(&["x-mitre-data-source"]);
    let component_objs = of(&["x-mitre-data-component"]);
    let strategy_objs = of(&["x-mitre-detection-strategy"]);
    let analytic_objs = of(&["x-mitre-analytic"]);
    let asset_objs = of(&["x-mitre-asset"]);

    // STIX id → node, for every kept object.
    let mut node_of: HashMap<&str, Node> = HashMap::with_capacity(objects.len());
    for (i, t) in tactics.iter().chain(unlisted.iter()).enumerate() {
        node_of.insert(t.meta.stix_id.as_str(), Node::new(Kind::Tactic, i as u32));
    }
    for (i, t) in techniques.iter().enumerate() {
        node_of.insert(
            t.meta.stix_id.as_str(),
            Node::new(Kind::Technique, i as u32),
        );
    }
    for (kind, list) in [
        (Kind::Matrix, &matrix_objs),
        (Kind::Group, &group_objs),
        (Kind::Software, &software_objs),
        (Kind::Campaign, &campaign_objs),
        (Kind::Mitigation, &mitigation_objs),
        (Kind::DataSource, &source_objs),
        (Kind::DataComponent, &component_objs),
        (Kind::DetectionStrategy, &strategy_objs),
        (Kind::Analytic, &analytic_objs),
        (Kind::Asset, &asset_objs),
    ] {
        for (i, o) in list.iter().enumerate() {
            node_of.insert(o.id.as_str(), Node::new(kind, i as u32));
        }
    }
    let index_of = |r: &str, kind: Kind| -> Option<u32> {
        node_of.get(r).filter(|n| n.kind == kind).map(|n| n.index)
    };

    let matrices: Vec<Matrix> = matrix_objs
        .iter()
        .map(|o| Matrix {
            meta: meta(o),
            tactics: o
                .tactic_refs
                .iter()
                .filter_map(|r| index_of(r, Kind::Tactic))
                .collect(),
        })
        .collect();
    let groups: Vec<Group> = group_objs
        .iter()
        .map(|o| Group {
            meta: meta(o),
            aliases: all(&o.aliases),
        })
        .collect();
    let software: Vec<Software> = software_objs
        .iter()
        .map(|o| Software {
            meta: meta(o),
            software_type: if o.kind == "tool" {
                SoftwareType::Tool
            } else {
                SoftwareType::Malware
            },
            aliases: all(&o.x_mitre_aliases),
            platforms: all(&o.x_mitre_platforms),
        })
        .collect();
    let campaigns: Vec<Campaign> = campaign_objs
        .iter()
        .map(|o| Campaign {
            meta: meta(o),
            aliases: all(&o.aliases),
            first_seen: opt(o.first_seen.as_ref()),
            last_seen: opt(o.last_seen.as_ref()),
        })
        .collect();
    let mitigations: Vec<Mitigation> = mitigation_objs
        .iter()
        .map(|o| Mitigation { meta: meta(o) })
        .collect();
    let data_components: Vec<DataComponent> = component_objs
        .iter()
        .map(|o| DataComponent {
            meta: meta(o),
            data_source: o
                .x_mitre_data_source_ref
                .as_deref()
                .and_then(|r| index_of(r, Kind::DataSource)),
            log_sources: o
                .x_mitre_log_sources
                .iter()
                .map(|l| LogSource {
                    name: one(&l.name),
                    channel: one(&l.channel),
                })
                .collect(),
        })
        .collect();
    let data_sources: Vec<DataSource> = source_objs
        .iter()
        .enumerate()
        .map(|(i, o)| DataSource {
            meta: meta(o),
            platforms: all(&o.x_mitre_platforms),
            components: data_components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.data_source == Some(i as u32))
                .map(|(c, _)| c as u32)
                .collect(),
        })
        .collect();
    let detection_strategies: Vec<DetectionStrategy> = strategy_objs
        .iter()
        .map(|o| {
            let analytics = o
                .x_mitre_analytic_refs
                .iter()
                .filter_map(|r| {
                    let a = index_of(r, Kind::Analytic);
                    if a.is_none() {
                        stats.dangling_refs += 1;
                    }
                    a
                })
                .collect();
            DetectionStrategy {
                meta: meta(o),
                analytics,
            }
        })
        .collect();
    let mut analytics: Vec<Analytic> = analytic_objs
        .iter()
        .map(|o| Analytic {
            meta: meta(o),
            platforms: all(&o.x_mitre_platforms),
            log_sources: o
                .x_mitre_log_source_references
                .iter()
                .map(|l| AnalyticLogSource {
                    component: index_of(&l.x_mitre_data_component_ref, Kind::DataComponent),
                    name: one(&l.name),
                    channel: one(&l.channel),
                })
                .collect(),
            strategies: Vec::new(),
        })
        .collect();
    for (s, d) in detection_strategies.iter().enumerate() {
        for &a in &d.analytics {
            analytics[a as usize].strategies.push(s as u32);
        }
    }
    let assets: Vec<Asset> = asset_objs
        .iter()
        .map(|o| Asset {
            meta: meta(o),
            platforms: all(&o.x_mitre_platforms),
            sectors: all(&o.x_mitre_sectors),
            related: FieldPrint::of_list(
                o.x_mitre_related_assets
                    .as_deref()
                    .map(|v| {
                        v.iter()
                            .flat_map(|r| {
                                std::iter::once(r.name.as_str())
                                    .chain(
                                        r.related_asset_sectors
                                            .iter()
                                            .map(crate::stix::Text::as_str),
                                    )
                                    .chain([r.description.as_str(), "\u{1f}"])
                            })
                            .collect::<Vec<&str>>()
                    })
                    .as_deref(),
            ),
        })
        .collect();

    let mut edges: Vec<Edge> = Vec::new();
    let mut edge_texts: Vec<Str> = vec![Str::default()];
    let mut revocations: Vec<(Node, Node)> = Vec::new();
    let mut parents: Vec<(u32, u32)> = Vec::new();
    {
        let active = |n: Node| -> bool {
            let m = match n.kind {
                Kind::Matrix => &matrices[n.index as usize].meta,
                Kind::Tactic => {
                    let i = n.index as usize;
                    &tactics.get(i).unwrap_or_else(|| &unlisted[i - listed]).meta
                }
                Kind::Technique => &techniques[n.index as usize].meta,
                Kind::Group => &groups[n.index as usize].meta,
                Kind::Software => &software[n.index as usize].meta,
                Kind::Campaign => &campaigns[n.index as usize].meta,
                Kind::Mitigation => &mitigations[n.index as usize].meta,
                Kind::DataSource => &data_sources[n.index as usize].meta,
                Kind::DataComponent => &data_components[n.index as usize].meta,
                Kind::DetectionStrategy => &detection_strategies[n.index as usize].meta,
                Kind::Analytic => &analytics[n.index as usize].meta,
                Kind::Asset => &assets[n.index as usize].meta,
            };
            m.is_active()
        };
        let mut every_id: Option<HashSet<&str>> = None;
        for r in &relationships {
            let (Some(src), Some(dst)) = (r.source_ref.as_deref(), r.target_ref.as_deref()) else {
                stats.dangling_refs += 1;
                continue;
            };
            let (Some(&s), Some(&d)) = (node_of.get(src), node_of.get(dst)) else {
                // Rare: an end outside the kinds kept, or missing from the bundle. The set
                // of every id is built on the first such end only: a scan per relationship
                // would make a bundle of many dangling relationships quadratic.
                let ids = every_id.get_or_insert_with(|| {
                    objects
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<HashSet<&str>>()
                });
                if !ids.contains(src) || !ids.contains(dst) {
                    stats.dangling_refs += 1;
                }
                continue;
            };
            if s == d {
                continue;
            }
            let rel_active = !r.is_revoked() && !r.is_deprecated();
            match r.relationship_type.as_deref() {
                Some("subtechnique-of")
                    if rel_active && s.kind == Kind::Technique && d.kind == Kind::Technique =>
                {
                    parents.push((s.index, d.index));
                }
                Some("revoked-by") => {
                    revocations.push((s, d));
                }
                Some(t) => {
                    if let Some(rel) = Rel::from_stix(t)
                        && rel_active
                        && active(s)
                        && active(d)
                    {
                        // Text 0 is the empty description most relationships have.
                        let text = match opt(r.description.as_ref()) {
                            Some(t) if !t.is_empty() => {
                                edge_texts.push(t);
                                (edge_texts.len() - 1) as u32
                            }
                            _ => 0,
                        };
                        edges.push(Edge {
                            rel,
                            source: s,
                            target: d,
                            text,
                        });
                    }
                }
                None => {}
            }
        }
    }
    // Sort on packed integer keys: comparing (Node, Rel, Node) tuples field by field was a
    // tenth of a whole lookup's instructions. Duplicates keep bundle order (stable sort).
    let pack = |n: Node| (u64::from(n.kind as u8) << 32) | u64::from(n.index);
    edges.sort_by_cached_key(|e| (pack(e.source), e.rel as u8, pack(e.target)));
    let mut incoming: Vec<u32> = (0..edges.len() as u32).collect();
    incoming.sort_by_cached_key(|&i| {
        let e = &edges[i as usize];
        (pack(e.target), e.rel as u8, pack(e.source))
    });
    revocations.sort_unstable();
    revocations.dedup_by_key(|(s, _)| *s);
    drop(node_of);
    for (s, p) in parents {
        techniques[s as usize].parent = Some(p);
    }
    for &(s, d) in &revocations {
        if s.kind == Kind::Technique && d.kind == Kind::Technique {
            techniques[s.index as usize].revoked_by = Some(d.index);
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
        v.sort_by(|&a, &b| preferred(&techniques[a as usize].meta, &techniques[b as usize].meta));
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
    tactics.shrink_to_fit();

    let mut kb = KnowledgeBase {
        domain,
        attack_version,
        source: path.to_path_buf(),
        tactics,
        techniques,
        stats,
        warnings,
        unlisted_tactics: unlisted,
        matrices,
        groups: Lazy::ready(groups),
        software: Lazy::ready(software),
        campaigns: Lazy::ready(campaigns),
        mitigations: Lazy::ready(mitigations),
        data_sources: Lazy::ready(data_sources),
        data_components: Lazy::ready(data_components),
        detection_strategies: Lazy::ready(detection_strategies),
        analytics: Lazy::ready(analytics),
        assets: Lazy::ready(assets),
        sizes: [0; 12],
        revocations,
        unlisted_members,
        technique_ids: Lookup::from_map(ids),
        edges: Lazy::ready(Edges {
            list: edges,
            incoming,
        }),
        edge_texts: StringTable::ready(edge_texts),
        names: None,
        lookups: Lazy::default(),
        search: super::SearchIndex::unbuilt(),
    };
    kb.record_sizes();
    index_lookups(&mut kb);
    for i in 0..kb.techniques.len() {
        let n = Node::new(Kind::Technique, i as u32);
        let mut components = kb.sources(n, Rel::Detects, Kind::DataComponent);
        for s in kb.sources(n, Rel::Detects, Kind::DetectionStrategy) {
            for &a in &kb.detection_strategies[s as usize].analytics {
                components.extend(
                    kb.analytics[a as usize]
                        .log_sources
                        .iter()
                        .filter_map(|l| l.component),
                );
            }
        }
        components.sort_unstable();
        components.dedup();
        kb.techniques[i].data_components = components;
    }
    Ok(kb)
}

/// Fills the ID and name indexes over every kind.
fn index_lookups(kb: &mut KnowledgeBase) {
    let mut ids: HashMap<String, Vec<Node>> = HashMap::new();
    let mut names: HashMap<String, Vec<NameHit>> = HashMap::new();
    for kind in Kind::ALL {
        for n in kb.nodes(kind) {
            let m = kb.meta(n);
            if !m.id.is_empty() {
                ids.entry(m.id.to_ascii_uppercase()).or_default().push(n);
            }
            if !m.name.is_empty() {
                names
                    .entry(m.name.to_lowercase())
                    .or_default()
                    .push(NameHit {
                        node: n,
                        alias: false,
                    });
            }
            for a in kb.aliases(n) {
                let key = a.to_lowercase();
                let v = names.entry(key).or_default();
                if !v.iter().any(|h| h.node == n) {
                    v.push(NameHit {
                        node: n,
                        alias: true,
                    });
                }
            }
        }
    }
    let mut clashes = Vec::new();
    for (id, v) in &mut ids {
        v.sort_by(|&a, &b| preferred(kb.meta(a), kb.meta(b)));
        for kind in Kind::ALL {
            let same: Vec<Node> = v
                .iter()
                .copied()
                .filter(|&n| n.kind == kind && kb.meta(n).is_active())
                .collect();
            if let [first, rest @ ..] = same.as_slice()
                && !rest.is_empty()
            {
                clashes.push(format!(
                    "{id} names {} active {} objects; using the most recently modified, '{}'",
                    same.len(),
                    kind.name(),
                    kb.meta(*first).name
                ));
            }
        }
    }
    clashes.sort();
    let source = kb.source.display().to_string();
    kb.warnings
        .extend(clashes.into_iter().map(|c| format!("{source}: {c}")));
    kb.lookups = Lazy::ready(Lookups {
        ids: Lookup::from_map(ids),
        names: Lookup::from_map(names),
    });
}

/// Which of two objects with one ATT&CK ID a lookup answers with: an active one, then the
/// most recently modified; otherwise their order (ID, name, STIX id) decides.
fn preferred(a: &Meta, b: &Meta) -> Ordering {
    b.is_active()
        .cmp(&a.is_active())
        .then_with(|| b.modified.cmp(&a.modified))
}

/// Orders metas by ATT&CK ID, then name, then STIX id.
fn by_id(a: &Meta, b: &Meta) -> Ordering {
    cmp_ids(&a.id, &b.id)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.stix_id.cmp(&b.stix_id))
}

/// An ATT&CK ID as a sort key in natural order.
#[derive(PartialEq, Eq)]
struct IdKey(String);

impl Ord for IdKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_ids(&self.0, &other.0)
    }
}

impl PartialOrd for IdKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
