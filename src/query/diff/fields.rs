//! Field changes: the fields compared for each kind of object, the changes of MITRE's data
//! model (a field emptied, removed or introduced across a whole object type, reported once)
//! and the edits of one object (every other field change).

use std::collections::{BTreeMap, HashSet};

use super::records::{FieldChange, ModelChange};
use crate::model::{FieldPrint, Kind, KnowledgeBase, Node, Rel};

/// Whether a field holds something, is empty, or is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Absent,
    Empty,
    Value,
}

impl From<FieldPrint> for Presence {
    fn from(p: FieldPrint) -> Presence {
        match p {
            FieldPrint::Absent => Presence::Absent,
            FieldPrint::Empty => Presence::Empty,
            FieldPrint::Text(_) => Presence::Value,
        }
    }
}

/// A field's value on one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reading<'a> {
    /// Long text: that it changed is told, not how.
    Text(&'a str),
    /// Long text the model keeps as a fingerprint, told as `Text`.
    Print(FieldPrint),
    /// Values shown when they change; compared as a set (order alone is no change).
    Set(Vec<String>),
    /// Values shown when they change; order counts.
    Seq(Vec<String>),
}

impl Reading<'_> {
    fn presence(&self) -> Presence {
        match self {
            Reading::Text("") => Presence::Empty,
            Reading::Print(p) => (*p).into(),
            Reading::Set(v) | Reading::Seq(v) if v.is_empty() => Presence::Absent,
            Reading::Text(_) | Reading::Set(_) | Reading::Seq(_) => Presence::Value,
        }
    }

    /// The same value on both sides.
    pub(super) fn same(&self, other: &Reading<'_>) -> bool {
        match (self, other) {
            (Reading::Print(a), Reading::Print(b)) => a.same_value(*b),
            (Reading::Set(a), Reading::Set(b)) => {
                a.iter().collect::<HashSet<_>>() == b.iter().collect::<HashSet<_>>()
            }
            (a, b) => a == b,
        }
    }

    /// The values to show.
    pub(super) fn shown(&self) -> Vec<String> {
        match self {
            Reading::Text(_) | Reading::Print(_) => Vec::new(),
            Reading::Set(v) | Reading::Seq(v) => v.clone(),
        }
    }
}

/// A field compared between versions.
pub(super) struct Field {
    /// The STIX field name.
    pub name: &'static str,
    /// Whether a change of it on one object is an edit of that object. Fields told apart
    /// elsewhere (the ATT&CK ID, a technique's own lists) are read here only to notice a
    /// change of the data model.
    pub edit: bool,
    /// Reads the field of one object.
    pub read: for<'a> fn(&'a KnowledgeBase, Node) -> Reading<'a>,
}

fn set(v: impl IntoIterator<Item = impl ToString>) -> Reading<'static> {
    Reading::Set(v.into_iter().map(|s| s.to_string()).collect())
}

fn one(v: Option<impl ToString>) -> Reading<'static> {
    Reading::Seq(v.into_iter().map(|s| s.to_string()).collect())
}

/// `DC0001`, or the name of an object without an ATT&CK ID.
fn id_or_name(kb: &KnowledgeBase, n: Node) -> String {
    let (id, name) = kb.id_and_name(n);
    if id.is_empty() { name } else { id }.to_string()
}

fn at(n: Node) -> usize {
    n.index as usize
}

/// The fields compared for a kind, in the order changes are listed.
pub(super) fn fields_of(kind: Kind) -> Vec<Field> {
    let mut v = vec![
        Field {
            name: "external_id",
            edit: false,
            read: |kb, n| one((!kb.meta(n).id.is_empty()).then(|| kb.meta(n).id.to_string())),
        },
        Field {
            name: "description",
            edit: kind != Kind::Technique,
            read: |kb, n| Reading::Text(&kb.meta(n).description),
        },
    ];
    let mut add = |name, read: for<'a> fn(&'a KnowledgeBase, Node) -> Reading<'a>| {
        v.push(Field {
            name,
            edit: kind != Kind::Technique,
            read,
        });
    };
    match kind {
        Kind::Technique => {
            add("x_mitre_detection", |kb, n| {
                Reading::Print(kb.techniques[at(n)].prints.detection)
            });
            add("x_mitre_data_sources", |kb, n| {
                Reading::Print(kb.techniques[at(n)].prints.data_sources)
            });
        }
        Kind::Tactic => add("x_mitre_shortname", |kb, n| {
            one(Some(&kb.tactic_at(n.index).shortname))
        }),
        Kind::Matrix => add("tactic_refs", |kb, n| {
            Reading::Seq(
                kb.matrices[at(n)]
                    .tactics
                    .iter()
                    .map(|&t| id_or_name(kb, Node::new(Kind::Tactic, t)))
                    .collect(),
            )
        }),
        Kind::Group => add("aliases", |kb, n| set(&kb.groups[at(n)].aliases)),
        Kind::Software => {
            add("x_mitre_aliases", |kb, n| set(&kb.software[at(n)].aliases));
            add("x_mitre_platforms", |kb, n| {
                set(&kb.software[at(n)].platforms)
            });
            add("type", |kb, n| {
                one(Some(kb.software[at(n)].software_type.name()))
            });
        }
        Kind::Campaign => {
            add("aliases", |kb, n| set(&kb.campaigns[at(n)].aliases));
            add("first_seen", |kb, n| {
                one(kb.campaigns[at(n)].first_seen.as_ref())
            });
            add("last_seen", |kb, n| {
                one(kb.campaigns[at(n)].last_seen.as_ref())
            });
        }
        Kind::Mitigation => {}
        Kind::DataSource => add("x_mitre_platforms", |kb, n| {
            set(&kb.data_sources[at(n)].platforms)
        }),
        Kind::DataComponent => {
            add("x_mitre_data_source_ref", |kb, n| {
                one(kb.data_components[at(n)]
                    .data_source
                    .map(|s| id_or_name(kb, Node::new(Kind::DataSource, s))))
            });
            add("x_mitre_log_sources", |kb, n| {
                set(kb.data_components[at(n)]
                    .log_sources
                    .iter()
                    .map(|l| format!("{}: {}", l.name, l.channel)))
            });
        }
        Kind::DetectionStrategy => add("x_mitre_analytic_refs", |kb, n| {
            set(kb.detection_strategies[at(n)]
                .analytics
                .iter()
                .map(|&a| id_or_name(kb, Node::new(Kind::Analytic, a))))
        }),
        Kind::Analytic => {
            add("x_mitre_platforms", |kb, n| {
                set(&kb.analytics[at(n)].platforms)
            });
            add("x_mitre_log_source_references", |kb, n| {
                set(kb.analytics[at(n)].log_sources.iter().map(|l| {
                    let dc = l.component.map_or_else(String::new, |c| {
                        id_or_name(kb, Node::new(Kind::DataComponent, c)) + " "
                    });
                    format!("{dc}{}: {}", l.name, l.channel)
                }))
            });
        }
        Kind::Asset => {
            add(
                "x_mitre_platforms",
                |kb, n| set(&kb.assets[at(n)].platforms),
            );
            add("x_mitre_sectors", |kb, n| set(&kb.assets[at(n)].sectors));
            add("x_mitre_related_assets", |kb, n| {
                Reading::Print(kb.assets[at(n)].related)
            });
        }
    }
    v
}

/// A name for a version in sentences: `17.1`, or `OLD` / `NEW` when the bundle does not say.
pub(super) fn version_label(kb: &KnowledgeBase, fallback: &str) -> String {
    kb.attack_version
        .clone()
        .unwrap_or_else(|| fallback.to_string())
}

/// The (kind, field) pairs that changed with the data model: not edits of single objects.
pub(super) type Covered = HashSet<(Kind, &'static str)>;

/// Data-model changes, and the (kind, field) pairs they cover.
pub(super) fn model_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
) -> (Vec<ModelChange>, Covered) {
    let (ov, nv) = (version_label(old, "OLD"), version_label(new, "NEW"));
    let mut out = Vec::new();
    let mut covered = HashSet::new();
    for kind in Kind::ALL {
        let old_active = old.nodes(kind).filter(|&n| old.meta(n).is_active()).count();
        let new_active = new.nodes(kind).filter(|&n| new.meta(n).is_active()).count();
        if old.count(kind) == 0 && new_active > 0 {
            out.push(ModelChange {
                object_type: kind.name(),
                field: None,
                change: "introduced",
                objects: new_active,
                summary: format!(
                    "{new_active} {} are new in {nv} ({ov} had none)",
                    kind.plural()
                ),
            });
            continue;
        }
        if old_active > 0 && new_active == 0 {
            out.push(ModelChange {
                object_type: kind.name(),
                field: None,
                change: "withdrawn",
                objects: old_active,
                summary: format!(
                    "all {old_active} active {} of {ov} are deprecated or gone in {nv}",
                    kind.plural()
                ),
            });
            continue;
        }
        if old.count(kind) == 0 || new.count(kind) == 0 {
            continue;
        }
        for f in fields_of(kind) {
            // (active, presence) of every object: each field is read once per object.
            let states = |kb: &KnowledgeBase| -> Vec<(bool, Presence)> {
                kb.nodes(kind)
                    .map(|n| (kb.meta(n).is_active(), (f.read)(kb, n).presence()))
                    .collect()
            };
            let (os, ns) = (states(old), states(new));
            let with = |v: &[(bool, Presence)]| {
                v.iter()
                    .filter(|&&(a, p)| a && p == Presence::Value)
                    .count()
            };
            let any = |v: &[(bool, Presence)], p: Presence| v.iter().any(|s| s.1 == p);
            let (old_with, new_with) = (with(&os), with(&ns));
            let old_any = any(&os, Presence::Value);
            let new_any = any(&ns, Presence::Value);
            let change = if old_with > 0 && !new_any {
                if any(&ns, Presence::Empty) {
                    Some(("emptied", old_with))
                } else {
                    Some(("removed", old_with))
                }
            } else if !old_any && new_with > 0 {
                Some(("introduced", new_with))
            } else {
                None
            };
            if let Some((change, objects)) = change {
                let summary = match change {
                    "introduced" => format!(
                        "{} carry {} from {nv} on ({objects} active ones; none in {ov})",
                        kind.plural(),
                        f.name
                    ),
                    "emptied" => format!(
                        "{} is empty on every {} in {nv} ({objects} active ones had a value in {ov}): a data-model change, not {objects} edits",
                        f.name,
                        kind.name()
                    ),
                    _ => format!(
                        "{} is gone from every {} in {nv} ({objects} active ones had it in {ov}): a data-model change, not {objects} edits",
                        f.name,
                        kind.name()
                    ),
                };
                covered.insert((kind, f.name));
                out.push(ModelChange {
                    object_type: kind.name(),
                    field: Some(f.name),
                    change,
                    objects,
                    summary,
                });
            }
        }
    }
    out.extend(moved_relationships(old, new, &ov));
    (out, covered)
}

/// Relationships that start or end at another object type than before.
fn moved_relationships(old: &KnowledgeBase, new: &KnowledgeBase, ov: &str) -> Vec<ModelChange> {
    let shapes = |kb: &KnowledgeBase| -> BTreeMap<(Rel, Kind, Kind), usize> {
        let mut m = BTreeMap::new();
        for e in kb.edges() {
            *m.entry((e.rel, e.source.kind, e.target.kind)).or_insert(0) += 1;
        }
        m
    };
    let (os, ns) = (shapes(old), shapes(new));
    let mut out = Vec::new();
    for rel in Rel::ALL {
        let gone: Vec<(Kind, Kind)> = os
            .keys()
            .filter(|k| k.0 == rel && !ns.contains_key(k))
            .map(|k| (k.1, k.2))
            .collect();
        let came: Vec<((Kind, Kind), usize)> = ns
            .iter()
            .filter(|(k, _)| k.0 == rel && !os.contains_key(k))
            .map(|(k, &n)| ((k.1, k.2), n))
            .collect();
        if gone.is_empty() || came.is_empty() {
            continue;
        }
        let shape = |(s, t): (Kind, Kind)| format!("from {} to {}", s.plural(), t.plural());
        let was: Vec<String> = gone.iter().map(|&p| shape(p)).collect();
        let now: Vec<String> = came.iter().map(|&(p, _)| shape(p)).collect();
        out.push(ModelChange {
            object_type: "relationship",
            field: Some(rel.name()),
            change: "moved",
            objects: came.iter().map(|&(_, n)| n).sum(),
            summary: format!(
                "{} relationships now go {} (in {ov}: {})",
                rel.name(),
                now.join(", "),
                was.join(", ")
            ),
        });
    }
    out
}

/// The edits of one object: every field of its kind that changed and is neither told apart
/// elsewhere nor covered by a data-model change.
pub(super) fn edits(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    on: Node,
    nn: Node,
    fields: &[Field],
    covered: &Covered,
) -> Vec<FieldChange> {
    fields
        .iter()
        .filter(|f| f.edit && !covered.contains(&(on.kind, f.name)))
        .filter_map(|f| {
            let (a, b) = ((f.read)(old, on), (f.read)(new, nn));
            (!a.same(&b)).then(|| FieldChange {
                field: f.name,
                old: a.shown(),
                new: b.shown(),
            })
        })
        .collect()
}
