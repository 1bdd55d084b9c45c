//! `attck diff`: what changed between two versions of one ATT&CK domain.
//!
//! Objects are matched by STIX id first, then by ATT&CK ID. A field emptied, removed or
//! introduced across a whole object type is a change of MITRE's data model, not an edit: it
//! is reported once in `model_changes` and left out of the per-object comparison, so a schema
//! migration (17.1 → 18.1 empties `x_mitre_detection` on every technique) does not look like
//! hundreds of edited techniques.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::technique::tactic_names;
use super::{Block, Cell, Ref, Report, strings};
use crate::model::{FieldPrint, Kind, KnowledgeBase, Node, Rel, cmp_ids};

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The ATT&CK version of the bundle, or null when it does not say.
    pub attack_version: Option<String>,
    /// The bundle file.
    pub source: String,
}

/// An object revoked in NEW.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// What replaces it in NEW (revoked-by chains followed), or null when none is named.
    pub revoked_by: Option<Ref>,
}

/// An object inactive in OLD and active again in NEW.
#[derive(Debug, Clone, Serialize)]
pub struct Reinstated {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it was in OLD: `revoked` or `deprecated`.
    pub was: &'static str,
}

/// An object whose name changed.
#[derive(Debug, Clone, Serialize)]
pub struct Renamed {
    /// ATT&CK ID.
    pub id: String,
    /// The name in NEW.
    pub name: String,
    /// The name in OLD.
    pub old_name: String,
    /// The name in NEW (the same as `name`).
    pub new_name: String,
}

/// An object whose ATT&CK ID changed (other than a sub-technique moving to another parent).
#[derive(Debug, Clone, Serialize)]
pub struct IdChanged {
    /// ATT&CK ID in NEW.
    pub id: String,
    /// Name.
    pub name: String,
    /// ATT&CK ID in OLD.
    pub old_id: String,
}

/// A list field that changed (tactics, platforms): compared as sets, shown as published.
#[derive(Debug, Clone, Serialize)]
pub struct ListChanged {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The values in OLD.
    pub old: Vec<String>,
    /// The values in NEW.
    pub new: Vec<String>,
}

/// A technique that became a sub-technique, stopped being one, or moved to another parent.
#[derive(Debug, Clone, Serialize)]
pub struct ParentChanged {
    /// ATT&CK ID in NEW.
    pub id: String,
    /// Name.
    pub name: String,
    /// ATT&CK ID in OLD (sub-technique IDs change with the parent).
    pub old_id: String,
    /// `promoted` (sub-technique to technique), `demoted` (technique to sub-technique) or
    /// `moved` (to another parent).
    pub change: &'static str,
    /// The parent in OLD.
    pub old_parent: Option<Ref>,
    /// The parent in NEW.
    pub new_parent: Option<Ref>,
}

/// A technique whose text changed.
#[derive(Debug, Clone, Serialize)]
pub struct ContentChanged {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The STIX fields that changed: `description`, and `x_mitre_detection` or
    /// `x_mitre_data_sources` unless their change is a data-model change.
    pub fields: Vec<&'static str>,
}

/// What changed in one section (groups, software, mitigations, campaigns).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ObjectChanges {
    /// Active in NEW, absent from OLD.
    pub added: Vec<Ref>,
    /// Active in OLD, absent from NEW.
    pub removed: Vec<Ref>,
    /// Active in OLD, revoked in NEW.
    pub revoked: Vec<Revoked>,
    /// Active in OLD, deprecated in NEW.
    pub deprecated: Vec<Ref>,
    /// Revoked or deprecated in OLD, active in NEW.
    pub reinstated: Vec<Reinstated>,
    /// Active in both, name changed.
    pub renamed: Vec<Renamed>,
    /// Active in both, ATT&CK ID changed.
    pub id_changed: Vec<IdChanged>,
}

impl ObjectChanges {
    /// Changes of any kind.
    #[must_use]
    pub fn len(&self) -> usize {
        self.added.len()
            + self.removed.len()
            + self.revoked.len()
            + self.deprecated.len()
            + self.reinstated.len()
            + self.renamed.len()
            + self.id_changed.len()
    }

    /// Nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What changed among techniques and sub-techniques.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TechniqueChanges {
    /// The changes every section has.
    #[serde(flatten)]
    pub common: ObjectChanges,
    /// Active in both, tactics changed.
    pub tactics_changed: Vec<ListChanged>,
    /// Active in both, platforms changed (order alone does not count).
    pub platforms_changed: Vec<ListChanged>,
    /// Active in both, promoted, demoted or moved to another parent.
    pub parent_changed: Vec<ParentChanged>,
    /// Active in both, description (or other tracked text) changed.
    pub description_changed: Vec<ContentChanged>,
    /// Names as tables and Markdown show them, by ATT&CK ID: sub-techniques as
    /// `Parent: Name` (NEW's, else OLD's). Not part of the JSON.
    #[serde(skip)]
    pub labels: HashMap<String, String>,
    /// Tactics of the added techniques in NEW, by ID, for tables and Markdown.
    #[serde(skip)]
    pub added_tactics: HashMap<String, Vec<String>>,
}

impl TechniqueChanges {
    /// Changes of any kind.
    #[must_use]
    pub fn len(&self) -> usize {
        self.common.len()
            + self.tactics_changed.len()
            + self.platforms_changed.len()
            + self.parent_changed.len()
            + self.description_changed.len()
    }

    /// Nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counted relationships of one type added and removed.
#[derive(Debug, Clone, Serialize)]
pub struct RelationshipKindChange {
    /// The relationship type: `uses`, `mitigates`, `detects`, `attributed-to`, `targets`,
    /// `subtechnique-of`, `revoked-by`.
    pub kind: &'static str,
    /// Relationships in NEW and not in OLD.
    pub added: usize,
    /// Relationships in OLD and not in NEW.
    pub removed: usize,
}

/// Counted relationships added and removed, compared by (type, source STIX id, target STIX id).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RelationshipChanges {
    /// All types together.
    pub added: usize,
    /// All types together.
    pub removed: usize,
    /// Per type, sorted by type; types without changes are left out.
    pub kinds: Vec<RelationshipKindChange>,
}

/// A change of MITRE's data model, reported once instead of on every object.
#[derive(Debug, Clone, Serialize)]
pub struct ModelChange {
    /// The object type (`technique`, `data-component`, …) or `relationship`.
    pub object_type: &'static str,
    /// The STIX field (`x_mitre_detection`), the relationship type for `relationship`, or
    /// null for a change of the whole type.
    pub field: Option<&'static str>,
    /// Fields: `emptied`, `removed` or `introduced`; types: `introduced` or `withdrawn` (no
    /// active object left); relationships: `moved` (they start or end at another type).
    pub change: &'static str,
    /// How many objects it concerns (for fields: the active objects that had, or now have,
    /// a value; for relationships: the relationships of the new shape).
    pub objects: usize,
    /// One sentence saying what changed.
    pub summary: String,
}

/// `attck diff OLD NEW`: everything that changed.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// Domain: `enterprise`, `mobile` or `ics`.
    pub domain: String,
    /// The older side.
    pub old: Side,
    /// The newer side.
    pub new: Side,
    /// Data-model changes (reported once, left out of the sections).
    pub model_changes: Vec<ModelChange>,
    /// Techniques and sub-techniques.
    pub techniques: TechniqueChanges,
    /// Groups.
    pub groups: ObjectChanges,
    /// Software (malware and tools).
    pub software: ObjectChanges,
    /// Mitigations.
    pub mitigations: ObjectChanges,
    /// Campaigns.
    pub campaigns: ObjectChanges,
    /// Counted relationships.
    pub relationships: RelationshipChanges,
    /// With `--for`: what the change means for the techniques a file names (the sections
    /// above are then limited to them); null otherwise.
    pub mapping: Option<Mapping>,
    /// Every change as a flat record, for CSV and JSON Lines.
    #[serde(skip)]
    pub lines: Vec<DiffLine>,
}

/// A technique of the user's mapping that NEW changes, and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Affected {
    /// The ID as the mapping names it.
    pub id: String,
    /// Its name (in OLD).
    pub name: String,
    /// `removed`, `revoked`, `deprecated`, `renamed`, `tactics_changed`, `platforms_changed`,
    /// `parent_changed`, `id_changed`, `description_changed`; `revoked` and `deprecated` also
    /// for IDs already withdrawn in OLD.
    pub change: &'static str,
    /// What to do, in words: `replace with T1053 Timed Job Planting`.
    pub action: String,
    /// The technique to use in NEW instead, when it is another one or has another ID.
    pub replacement: Option<Ref>,
}

/// What NEW changes for the techniques a file names (`attck diff --for FILE`).
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    /// The file (`stdin` for -).
    pub source: String,
    /// Distinct technique IDs read from it.
    pub ids_read: usize,
    /// One entry per change that needs attention, sorted by ID.
    pub affected: Vec<Affected>,
    /// IDs valid in NEW with nothing to do, sorted.
    pub unchanged: Vec<String>,
    /// IDs in neither version, sorted.
    pub unknown: Vec<String>,
}

/// One change as a flat record (CSV and JSON Lines).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffLine {
    /// `model`, `techniques`, `groups`, `software`, `mitigations`, `campaigns` or
    /// `relationships`.
    pub section: &'static str,
    /// The list it comes from (`added`, `revoked`, `tactics_changed`, …); for `model`, the
    /// model change (`emptied`, …); for `relationships`, `added` or `removed`.
    pub change: &'static str,
    /// ATT&CK ID; for `model`, the object type; for `relationships`, the relationship type.
    pub id: String,
    /// Name; for `model`, the field (or empty); for `relationships`, empty.
    pub name: String,
    /// What changed, in words (for `relationships`, the count).
    pub detail: String,
}

impl DiffReport {
    /// The four sections other than techniques, with their JSON names.
    #[must_use]
    pub fn other_sections(&self) -> [(&'static str, &ObjectChanges); 4] {
        [
            ("groups", &self.groups),
            ("software", &self.software),
            ("mitigations", &self.mitigations),
            ("campaigns", &self.campaigns),
        ]
    }

    /// True when nothing at all changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.model_changes.is_empty()
            && self.techniques.is_empty()
            && self.other_sections().iter().all(|(_, s)| s.is_empty())
            && self.relationships.kinds.is_empty()
            && self.mapping.as_ref().is_none_or(|m| m.affected.is_empty())
    }
}

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

fn presence(s: &str) -> Presence {
    if s.is_empty() {
        Presence::Empty
    } else {
        Presence::Value
    }
}

/// A field compared for data-model changes.
struct Field {
    name: &'static str,
    get: fn(&KnowledgeBase, Node) -> Presence,
}

fn fields_of(kind: Kind) -> Vec<Field> {
    let mut v = vec![
        Field {
            name: "external_id",
            get: |kb, n| {
                if kb.meta(n).id.is_empty() {
                    Presence::Absent
                } else {
                    Presence::Value
                }
            },
        },
        Field {
            name: "description",
            get: |kb, n| presence(&kb.meta(n).description),
        },
    ];
    if kind == Kind::Technique {
        v.push(Field {
            name: "x_mitre_detection",
            get: |kb, n| kb.techniques[n.index as usize].prints.detection.into(),
        });
        v.push(Field {
            name: "x_mitre_data_sources",
            get: |kb, n| kb.techniques[n.index as usize].prints.data_sources.into(),
        });
    }
    v
}

/// A name for a version in sentences: `17.1`, or `OLD` / `NEW` when the bundle does not say.
fn version_label(kb: &KnowledgeBase, fallback: &str) -> String {
    kb.attack_version
        .clone()
        .unwrap_or_else(|| fallback.to_string())
}

/// Data-model changes, and the (kind, field) pairs they cover.
fn model_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
) -> (Vec<ModelChange>, HashSet<(Kind, &'static str)>) {
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
            let old_with = old
                .nodes(kind)
                .filter(|&n| old.meta(n).is_active() && (f.get)(old, n) == Presence::Value)
                .count();
            let old_any = old.nodes(kind).any(|n| (f.get)(old, n) == Presence::Value);
            let new_states: Vec<Presence> = new.nodes(kind).map(|n| (f.get)(new, n)).collect();
            let new_any = new_states.contains(&Presence::Value);
            let new_with = new
                .nodes(kind)
                .filter(|&n| new.meta(n).is_active() && (f.get)(new, n) == Presence::Value)
                .count();
            let change = if old_with > 0 && !new_any {
                if new_states.contains(&Presence::Empty) {
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
    // Relationships that start or end at another object type than before.
    let shapes = |kb: &KnowledgeBase| -> BTreeMap<(Rel, Kind, Kind), usize> {
        let mut m = BTreeMap::new();
        for e in kb.edges() {
            *m.entry((e.rel, e.source.kind, e.target.kind)).or_insert(0) += 1;
        }
        m
    };
    let (os, ns) = (shapes(old), shapes(new));
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
    (out, covered)
}

/// For each OLD object of `kind`, the NEW object it matches: same STIX id, else (among the
/// objects left) the same ATT&CK ID, an active one preferred.
pub(crate) fn match_kind(old: &KnowledgeBase, new: &KnowledgeBase, kind: Kind) -> Vec<Option<u32>> {
    let by_stix: HashMap<&str, u32> = new
        .nodes(kind)
        .map(|n| (new.meta(n).stix_id.as_str(), n.index))
        .collect();
    let mut taken = vec![false; new.count(kind)];
    let mut m: Vec<Option<u32>> = old
        .nodes(kind)
        .map(|n| by_stix.get(old.meta(n).stix_id.as_str()).copied())
        .collect();
    for &i in m.iter().flatten() {
        taken[i as usize] = true;
    }
    let mut by_id: HashMap<String, Vec<u32>> = HashMap::new();
    for n in new.nodes(kind) {
        let id = &new.meta(n).id;
        if !taken[n.index as usize] && !id.is_empty() {
            by_id
                .entry(id.to_ascii_uppercase())
                .or_default()
                .push(n.index);
        }
    }
    for (i, slot) in m.iter_mut().enumerate() {
        let id = &old.meta(Node::new(kind, i as u32)).id;
        if slot.is_some() || id.is_empty() {
            continue;
        }
        let Some(cands) = by_id.get(&id.to_ascii_uppercase()) else {
            continue;
        };
        let free = |c: &&u32| !taken[**c as usize];
        let pick = cands
            .iter()
            .filter(free)
            .find(|&&c| new.meta(Node::new(kind, c)).is_active())
            .or_else(|| cands.iter().find(free))
            .copied();
        if let Some(c) = pick {
            taken[c as usize] = true;
            *slot = Some(c);
        }
    }
    m
}

fn by_id<T>(v: &mut [T], id: impl Fn(&T) -> &str) {
    v.sort_by(|a, b| cmp_ids(id(a), id(b)));
}

/// The changes every section has; `skip_id` leaves out ID changes another list explains.
fn object_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    kind: Kind,
    m: &[Option<u32>],
    skip_id: &HashSet<u32>,
) -> ObjectChanges {
    let mut c = ObjectChanges::default();
    let mut back: Vec<Option<u32>> = vec![None; new.count(kind)];
    for (i, &j) in m.iter().enumerate() {
        if let Some(j) = j {
            back[j as usize] = Some(i as u32);
        }
    }
    for n in new.nodes(kind) {
        let nm = new.meta(n);
        if !nm.is_active() {
            continue;
        }
        match back[n.index as usize] {
            None => c.added.push(Ref::to(new, n)),
            Some(o) => {
                let om = old.meta(Node::new(kind, o));
                if !om.is_active() {
                    c.reinstated.push(Reinstated {
                        id: nm.id.to_string(),
                        name: nm.name.to_string(),
                        was: if om.revoked { "revoked" } else { "deprecated" },
                    });
                }
            }
        }
    }
    for (i, &j) in m.iter().enumerate() {
        let on = Node::new(kind, i as u32);
        let om = old.meta(on);
        if !om.is_active() {
            continue;
        }
        let Some(j) = j else {
            c.removed.push(Ref::to(old, on));
            continue;
        };
        let nn = Node::new(kind, j);
        let nm = new.meta(nn);
        let id = if nm.id.is_empty() { &om.id } else { &nm.id };
        if nm.revoked {
            c.revoked.push(Revoked {
                id: id.to_string(),
                name: nm.name.to_string(),
                revoked_by: new.replacement_of(nn).map(|r| Ref::to(new, r)),
            });
        } else if nm.deprecated {
            c.deprecated.push(Ref {
                id: id.to_string(),
                name: nm.name.to_string(),
            });
        } else {
            if om.name != nm.name {
                c.renamed.push(Renamed {
                    id: id.to_string(),
                    name: nm.name.to_string(),
                    old_name: om.name.to_string(),
                    new_name: nm.name.to_string(),
                });
            }
            if !om.id.eq_ignore_ascii_case(&nm.id) && !skip_id.contains(&j) {
                c.id_changed.push(IdChanged {
                    id: nm.id.to_string(),
                    name: nm.name.to_string(),
                    old_id: om.id.to_string(),
                });
            }
        }
    }
    by_id(&mut c.added, |r| &r.id);
    by_id(&mut c.removed, |r| &r.id);
    by_id(&mut c.revoked, |r| &r.id);
    by_id(&mut c.deprecated, |r| &r.id);
    by_id(&mut c.reinstated, |r| &r.id);
    by_id(&mut c.renamed, |r| &r.id);
    by_id(&mut c.id_changed, |r| &r.id);
    c
}

fn same_set<S: std::ops::Deref<Target = str>>(a: &[S], b: &[S]) -> bool {
    let sa: HashSet<&str> = a.iter().map(|x| &**x).collect();
    let sb: HashSet<&str> = b.iter().map(|x| &**x).collect();
    sa == sb
}

fn technique_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    model: &HashSet<(Kind, &'static str)>,
) -> TechniqueChanges {
    let matched = match_kind(old, new, Kind::Technique);
    let mut changes = TechniqueChanges::default();
    let mut moved = HashSet::new();
    let tref = |kb: &KnowledgeBase, i: u32| Ref::to(kb, Node::new(Kind::Technique, i));
    for (i, &to) in matched.iter().enumerate() {
        let (Some(j), ot) = (to, &old.techniques[i]) else {
            continue;
        };
        let nt = &new.techniques[j as usize];
        if !ot.meta.is_active() || !nt.meta.is_active() {
            continue;
        }
        let (id, name) = (nt.meta.id.to_string(), nt.meta.name.to_string());
        let (otac, ntac) = (tactic_names(old, ot), tactic_names(new, nt));
        if !same_set(&otac, &ntac) {
            changes.tactics_changed.push(ListChanged {
                id: id.clone(),
                name: name.clone(),
                old: otac,
                new: ntac,
            });
        }
        if !same_set(&ot.platforms, &nt.platforms) {
            changes.platforms_changed.push(ListChanged {
                id: id.clone(),
                name: name.clone(),
                old: strings(&ot.platforms),
                new: strings(&nt.platforms),
            });
        }
        let old_parent_now = ot.parent.map(|p| matched[p as usize]);
        let change = match (old_parent_now, nt.parent) {
            (None, None) => None,
            (Some(_), None) => Some("promoted"),
            (None, Some(_)) => Some("demoted"),
            (Some(was), Some(now)) => (was != Some(now)).then_some("moved"),
        };
        if let Some(change) = change {
            moved.insert(j);
            changes.parent_changed.push(ParentChanged {
                id: id.clone(),
                name: name.clone(),
                old_id: ot.meta.id.to_string(),
                change,
                old_parent: ot.parent.map(|p| tref(old, p)),
                new_parent: nt.parent.map(|p| tref(new, p)),
            });
        }
        let mut fields = Vec::new();
        let tracked = [
            ("description", ot.meta.description != nt.meta.description),
            (
                "x_mitre_detection",
                !ot.prints.detection.same_value(nt.prints.detection),
            ),
            (
                "x_mitre_data_sources",
                !ot.prints.data_sources.same_value(nt.prints.data_sources),
            ),
        ];
        for (f, differs) in tracked {
            if differs && !model.contains(&(Kind::Technique, f)) {
                fields.push(f);
            }
        }
        if !fields.is_empty() {
            changes
                .description_changed
                .push(ContentChanged { id, name, fields });
        }
    }
    changes.common = object_changes(old, new, Kind::Technique, &matched, &moved);
    for kb in [new, old] {
        for t in &kb.techniques {
            if let Some(p) = t.parent {
                changes
                    .labels
                    .entry(t.meta.id.to_string())
                    .or_insert_with(|| {
                        format!("{}: {}", kb.techniques[p as usize].meta.name, t.meta.name)
                    });
            }
        }
    }
    for a in &changes.common.added {
        if let Some(&j) = new.techniques_with_id(&a.id).first() {
            let tactics = tactic_names(new, &new.techniques[j as usize]);
            changes.added_tactics.insert(a.id.clone(), tactics);
        }
    }
    by_id(&mut changes.tactics_changed, |r| &r.id);
    by_id(&mut changes.platforms_changed, |r| &r.id);
    by_id(&mut changes.parent_changed, |r| &r.id);
    by_id(&mut changes.description_changed, |r| &r.id);
    changes
}

/// Every counted relationship as (type, source STIX id, target STIX id). `subtechnique-of`
/// counts when both ends are active; `revoked-by` when the replacement is active.
fn relationship_keys(kb: &KnowledgeBase) -> HashSet<(&'static str, &str, &str)> {
    let mut s = HashSet::with_capacity(kb.edges().len() + kb.techniques.len());
    for e in kb.edges() {
        s.insert((
            e.rel.name(),
            kb.meta(e.source).stix_id.as_str(),
            kb.meta(e.target).stix_id.as_str(),
        ));
    }
    for t in &kb.techniques {
        if let Some(p) = t.parent {
            let p = &kb.techniques[p as usize];
            if t.meta.is_active() && p.meta.is_active() {
                s.insert((
                    "subtechnique-of",
                    t.meta.stix_id.as_str(),
                    p.meta.stix_id.as_str(),
                ));
            }
        }
    }
    for kind in Kind::ALL {
        for n in kb.nodes(kind) {
            if let Some(r) = kb.revoked_by(n)
                && kb.meta(r).is_active()
            {
                s.insert((
                    "revoked-by",
                    kb.meta(n).stix_id.as_str(),
                    kb.meta(r).stix_id.as_str(),
                ));
            }
        }
    }
    s
}

/// Counted relationships added and removed; with `only`, those with an end among these STIX
/// ids.
fn relationship_changes(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    only: Option<&HashSet<&str>>,
) -> RelationshipChanges {
    let (mut o, mut n) = (relationship_keys(old), relationship_keys(new));
    if let Some(only) = only {
        o.retain(|k| only.contains(k.1) || only.contains(k.2));
        n.retain(|k| only.contains(k.1) || only.contains(k.2));
    }
    let mut kinds: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for k in n.difference(&o) {
        kinds.entry(k.0).or_default().0 += 1;
    }
    for k in o.difference(&n) {
        kinds.entry(k.0).or_default().1 += 1;
    }
    let kinds: Vec<RelationshipKindChange> = kinds
        .into_iter()
        .map(|(kind, (added, removed))| RelationshipKindChange {
            kind,
            added,
            removed,
        })
        .collect();
    RelationshipChanges {
        added: kinds.iter().map(|k| k.added).sum(),
        removed: kinds.iter().map(|k| k.removed).sum(),
        kinds,
    }
}

/// Compares two knowledge bases of the same domain.
#[must_use]
pub fn diff(old: &KnowledgeBase, new: &KnowledgeBase) -> DiffReport {
    let (model_changes, model) = model_changes(old, new);
    let none = HashSet::new();
    let section = |kind| {
        let m = match_kind(old, new, kind);
        object_changes(old, new, kind, &m, &none)
    };
    let mut report = DiffReport {
        domain: new.domain.short_name().to_string(),
        old: Side {
            attack_version: old.attack_version.clone(),
            source: old.source.display().to_string(),
        },
        new: Side {
            attack_version: new.attack_version.clone(),
            source: new.source.display().to_string(),
        },
        model_changes,
        techniques: technique_changes(old, new, &model),
        groups: section(Kind::Group),
        software: section(Kind::Software),
        mitigations: section(Kind::Mitigation),
        campaigns: section(Kind::Campaign),
        relationships: relationship_changes(old, new, None),
        mapping: None,
        lines: Vec::new(),
    };
    report.lines = flat_lines(&report);
    report
}

/// [`diff`] limited to the techniques `ids` names (as IDs of OLD): the technique lists keep
/// those, the other sections are left empty, relationships count only those touching them,
/// and [`Mapping`] says what to do with each ID.
#[must_use]
pub fn diff_for(
    old: &KnowledgeBase,
    new: &KnowledgeBase,
    ids: &[String],
    source: &str,
) -> DiffReport {
    let mut full = diff(old, new);
    let matched = match_kind(old, new, Kind::Technique);
    let mut distinct: Vec<String> = ids.iter().map(|i| i.to_ascii_uppercase()).collect();
    distinct.sort_by(|a, b| cmp_ids(a, b));
    distinct.dedup();
    let (ov, nv) = (version_label(old, "OLD"), version_label(new, "NEW"));
    let mut mapping = Mapping {
        source: source.to_string(),
        ids_read: distinct.len(),
        affected: Vec::new(),
        unchanged: Vec::new(),
        unknown: Vec::new(),
    };
    let mut keep: HashSet<String> = HashSet::new();
    let mut stix: HashSet<&str> = HashSet::new();
    let tref = |kb: &KnowledgeBase, i: u32| Ref::to(kb, Node::new(Kind::Technique, i));
    for id in &distinct {
        let Some(&i) = old.techniques_with_id(id).first() else {
            if let Some(&j) = new.techniques_with_id(id).first() {
                // Named for NEW already: nothing to do, but its changes belong here.
                stix.insert(&new.techniques[j as usize].meta.stix_id);
                keep.insert(id.clone());
                mapping.unchanged.push(id.clone());
            } else {
                mapping.unknown.push(id.clone());
            }
            continue;
        };
        let ot = &old.techniques[i as usize];
        stix.insert(&ot.meta.stix_id);
        let to = matched[i as usize];
        if let Some(j) = to {
            stix.insert(&new.techniques[j as usize].meta.stix_id);
            keep.insert(new.techniques[j as usize].meta.id.to_string());
        }
        keep.insert(id.clone());
        let name = ot.meta.name.to_string();
        let mut push = |change, action: String, replacement: Option<Ref>| {
            mapping.affected.push(Affected {
                id: id.clone(),
                name: name.clone(),
                change,
                action,
                replacement,
            });
        };
        if !ot.meta.is_active() {
            let was = if ot.meta.revoked {
                "revoked"
            } else {
                "deprecated"
            };
            let now = to.map(|j| Node::new(Kind::Technique, j));
            if now.is_some_and(|n| new.meta(n).is_active()) {
                push(
                    was,
                    format!("keep: {was} in {ov}, active again in {nv}"),
                    None,
                );
            } else if let Some(r) = now
                .and_then(|n| new.replacement_of(n))
                .filter(|&r| new.meta(r).is_active())
            {
                let r = Ref::to(new, r);
                push(
                    was,
                    format!("replace with {} ({was} already in {ov})", describe_ref(&r)),
                    Some(r),
                );
            } else {
                push(
                    was,
                    format!("remove: {was} already in {ov}, and nothing replaces it in {nv}"),
                    None,
                );
            }
            continue;
        }
        let new_id = to.map(|j| new.techniques[j as usize].meta.id.to_string());
        let is = |x: &str| x == id || new_id.as_deref() == Some(x);
        let t = &full.techniques;
        let mut any = false;
        if t.common.removed.iter().any(|x| x.id == *id) {
            push("removed", format!("remove: not in {nv}"), None);
            any = true;
        }
        for x in t.common.revoked.iter().filter(|x| is(&x.id)) {
            match &x.revoked_by {
                Some(r) => push(
                    "revoked",
                    format!("replace with {}", describe_ref(r)),
                    Some(r.clone()),
                ),
                None => push(
                    "revoked",
                    format!("remove: revoked in {nv} and nothing replaces it"),
                    None,
                ),
            }
            any = true;
        }
        if t.common.deprecated.iter().any(|x| is(&x.id)) {
            push(
                "deprecated",
                format!("remove: deprecated in {nv}, with no replacement"),
                None,
            );
            any = true;
        }
        for x in t.parent_changed.iter().filter(|x| is(&x.id)) {
            let what = match (x.change, &x.new_parent) {
                (_, Some(p)) => format!("now under {}", describe_ref(p)),
                (_, None) => "now a technique of its own".to_string(),
            };
            let action = if x.id == x.old_id {
                format!("check: {what}")
            } else {
                format!("use {} instead: {what}", x.id)
            };
            push("parent_changed", action, to.map(|j| tref(new, j)));
            any = true;
        }
        for x in t.common.id_changed.iter().filter(|x| is(&x.id)) {
            push(
                "id_changed",
                format!("use {} instead: its ID changed", x.id),
                to.map(|j| tref(new, j)),
            );
            any = true;
        }
        for x in t.common.renamed.iter().filter(|x| is(&x.id)) {
            push(
                "renamed",
                format!("rename: {} → {}", x.old_name, x.new_name),
                None,
            );
            any = true;
        }
        for x in t.tactics_changed.iter().filter(|x| is(&x.id)) {
            push(
                "tactics_changed",
                format!(
                    "check tactics: now {} (was {})",
                    x.new.join(", "),
                    x.old.join(", ")
                ),
                None,
            );
            any = true;
        }
        for x in t.platforms_changed.iter().filter(|x| is(&x.id)) {
            push(
                "platforms_changed",
                format!("check platforms: {}", list_delta(&x.old, &x.new)),
                None,
            );
            any = true;
        }
        for x in t.description_changed.iter().filter(|x| is(&x.id)) {
            push(
                "description_changed",
                format!("review: {} changed", x.fields.join(", ")),
                None,
            );
            any = true;
        }
        if !any {
            mapping.unchanged.push(id.clone());
        }
    }
    let t = &mut full.techniques;
    let kept = |id: &str| keep.contains(id);
    t.common.added.retain(|x| kept(&x.id));
    t.common.removed.retain(|x| kept(&x.id));
    t.common.revoked.retain(|x| kept(&x.id));
    t.common.deprecated.retain(|x| kept(&x.id));
    t.common.reinstated.retain(|x| kept(&x.id));
    t.common.renamed.retain(|x| kept(&x.id));
    t.common
        .id_changed
        .retain(|x| kept(&x.id) || kept(&x.old_id));
    t.tactics_changed.retain(|x| kept(&x.id));
    t.platforms_changed.retain(|x| kept(&x.id));
    t.parent_changed.retain(|x| kept(&x.id) || kept(&x.old_id));
    t.description_changed.retain(|x| kept(&x.id));
    full.groups = ObjectChanges::default();
    full.software = ObjectChanges::default();
    full.mitigations = ObjectChanges::default();
    full.campaigns = ObjectChanges::default();
    full.relationships = relationship_changes(old, new, Some(&stix));
    full.mapping = Some(mapping);
    full.lines = flat_lines(&full);
    full
}

fn describe_ref(r: &Ref) -> String {
    format!("{} {}", r.id, r.name)
}

fn refs_line(r: Option<&Ref>) -> String {
    r.map_or_else(|| "—".to_string(), |r| format!("{} {}", r.id, r.name))
}

fn list_delta(old: &[String], new: &[String]) -> String {
    let plus: Vec<&str> = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(String::as_str)
        .collect();
    let minus: Vec<&str> = old
        .iter()
        .filter(|x| !new.contains(x))
        .map(String::as_str)
        .collect();
    let mut parts = Vec::new();
    if !plus.is_empty() {
        parts.push(format!("added {}", plus.join(", ")));
    }
    if !minus.is_empty() {
        parts.push(format!("removed {}", minus.join(", ")));
    }
    parts.join("; ")
}

fn parent_side(id: &str, parent: Option<&Ref>) -> String {
    match parent {
        Some(p) => format!("{id} under {} {}", p.id, p.name),
        None => format!("{id} (a technique)"),
    }
}

fn line(
    v: &mut Vec<DiffLine>,
    section: &'static str,
    change: &'static str,
    id: &str,
    name: &str,
    detail: String,
) {
    v.push(DiffLine {
        section,
        change,
        id: id.to_string(),
        name: name.to_string(),
        detail,
    });
}

fn common_lines(v: &mut Vec<DiffLine>, section: &'static str, c: &ObjectChanges) {
    for x in &c.added {
        line(v, section, "added", &x.id, &x.name, String::new());
    }
    for x in &c.removed {
        line(v, section, "removed", &x.id, &x.name, String::new());
    }
    for x in &c.revoked {
        let by = format!("replaced by {}", refs_line(x.revoked_by.as_ref()));
        line(v, section, "revoked", &x.id, &x.name, by);
    }
    for x in &c.deprecated {
        line(v, section, "deprecated", &x.id, &x.name, String::new());
    }
    for x in &c.reinstated {
        line(
            v,
            section,
            "reinstated",
            &x.id,
            &x.name,
            format!("was {}", x.was),
        );
    }
    for x in &c.renamed {
        let d = format!("{} → {}", x.old_name, x.new_name);
        line(v, section, "renamed", &x.id, &x.name, d);
    }
    for x in &c.id_changed {
        line(
            v,
            section,
            "id_changed",
            &x.id,
            &x.name,
            format!("was {}", x.old_id),
        );
    }
}

/// Every change as a flat record.
fn flat_lines(r: &DiffReport) -> Vec<DiffLine> {
    let mut v = Vec::new();
    if let Some(m) = &r.mapping {
        for a in &m.affected {
            line(
                &mut v,
                "mapping",
                a.change,
                &a.id,
                &a.name,
                a.action.clone(),
            );
        }
    }
    for m in &r.model_changes {
        let field = m.field.unwrap_or_default();
        line(
            &mut v,
            "model",
            m.change,
            m.object_type,
            field,
            m.summary.clone(),
        );
    }
    let t = &r.techniques;
    common_lines(&mut v, "techniques", &t.common);
    for x in &t.tactics_changed {
        let d = format!("{} → {}", x.old.join(", "), x.new.join(", "));
        line(&mut v, "techniques", "tactics_changed", &x.id, &x.name, d);
    }
    for x in &t.platforms_changed {
        let d = list_delta(&x.old, &x.new);
        line(&mut v, "techniques", "platforms_changed", &x.id, &x.name, d);
    }
    for x in &t.parent_changed {
        let d = format!(
            "{}: {} → {}",
            x.change,
            parent_side(&x.old_id, x.old_parent.as_ref()),
            parent_side(&x.id, x.new_parent.as_ref())
        );
        line(&mut v, "techniques", "parent_changed", &x.id, &x.name, d);
    }
    for x in &t.description_changed {
        let d = x.fields.join(", ");
        line(
            &mut v,
            "techniques",
            "description_changed",
            &x.id,
            &x.name,
            d,
        );
    }
    for (section, c) in r.other_sections() {
        common_lines(&mut v, section, c);
    }
    for k in &r.relationships.kinds {
        if k.added > 0 {
            line(
                &mut v,
                "relationships",
                "added",
                k.kind,
                "",
                k.added.to_string(),
            );
        }
        if k.removed > 0 {
            line(
                &mut v,
                "relationships",
                "removed",
                k.kind,
                "",
                k.removed.to_string(),
            );
        }
    }
    v
}

/// A label for a side: `17.1`, or the file name when the bundle does not say.
fn side_label(s: &Side) -> String {
    s.attack_version.clone().unwrap_or_else(|| {
        std::path::Path::new(&s.source)
            .file_name()
            .map_or_else(|| s.source.clone(), |n| n.to_string_lossy().into_owned())
    })
}

fn row(cells: Vec<String>) -> Vec<Cell> {
    cells.into_iter().map(Cell::from).collect()
}

fn table(headers: Vec<&'static str>, rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        headers,
        rows: rows.into_iter().map(row).collect(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The blocks of one section's lists, each under its own heading.
fn section_blocks(
    b: &mut Vec<Block>,
    title: &str,
    c: &ObjectChanges,
    t: Option<&TechniqueChanges>,
) {
    let total = c.len() + t.map_or(0, |t| t.len() - t.common.len());
    if total == 0 {
        b.push(Block::Heading(capitalised(title)));
        b.push(Block::Text("No changes.".to_string()));
        return;
    }
    let mut list = |what: &str, n: usize, headers: Vec<&'static str>, rows: Vec<Vec<String>>| {
        if n > 0 {
            b.push(Block::Heading(format!(
                "{}: {what} ({n})",
                capitalised(title)
            )));
            b.push(table(headers, rows));
        }
    };
    let none = HashMap::new();
    let labels = t.map_or(&none, |t| &t.labels);
    let name = |id: &str, name: &str| labels.get(id).cloned().unwrap_or_else(|| name.to_string());
    let two = |r: &Ref| vec![r.id.clone(), name(&r.id, &r.name)];
    match t {
        Some(t) => list(
            "added",
            c.added.len(),
            vec!["ID", "Name", "Tactics"],
            c.added
                .iter()
                .map(|r| {
                    let tactics = t.added_tactics.get(&r.id).map(|v| v.join(", "));
                    vec![
                        r.id.clone(),
                        name(&r.id, &r.name),
                        tactics.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        None => list(
            "added",
            c.added.len(),
            vec!["ID", "Name"],
            c.added.iter().map(two).collect(),
        ),
    }
    list(
        "removed",
        c.removed.len(),
        vec!["ID", "Name"],
        c.removed.iter().map(two).collect(),
    );
    list(
        "revoked",
        c.revoked.len(),
        vec!["ID", "Name", "Replaced by"],
        c.revoked
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    name(&x.id, &x.name),
                    x.revoked_by.as_ref().map_or_else(
                        || "(no replacement named)".to_string(),
                        |r| format!("{} {}", r.id, r.name),
                    ),
                ]
            })
            .collect(),
    );
    list(
        "deprecated",
        c.deprecated.len(),
        vec!["ID", "Name"],
        c.deprecated.iter().map(two).collect(),
    );
    list(
        "reinstated",
        c.reinstated.len(),
        vec!["ID", "Name", "Was"],
        c.reinstated
            .iter()
            .map(|x| vec![x.id.clone(), name(&x.id, &x.name), x.was.to_string()])
            .collect(),
    );
    list(
        "renamed",
        c.renamed.len(),
        vec!["ID", "Old name", "New name"],
        c.renamed
            .iter()
            .map(|x| vec![x.id.clone(), x.old_name.clone(), x.new_name.clone()])
            .collect(),
    );
    list(
        "ID changed",
        c.id_changed.len(),
        vec!["ID", "Name", "Old ID"],
        c.id_changed
            .iter()
            .map(|x| vec![x.id.clone(), name(&x.id, &x.name), x.old_id.clone()])
            .collect(),
    );
    let Some(t) = t else { return };
    list(
        "tactics changed",
        t.tactics_changed.len(),
        vec!["ID", "Name", "Old tactics", "New tactics"],
        t.tactics_changed
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    name(&x.id, &x.name),
                    x.old.join(", "),
                    x.new.join(", "),
                ]
            })
            .collect(),
    );
    list(
        "platforms changed",
        t.platforms_changed.len(),
        vec!["ID", "Name", "Change", "New platforms"],
        t.platforms_changed
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    name(&x.id, &x.name),
                    list_delta(&x.old, &x.new),
                    x.new.join(", "),
                ]
            })
            .collect(),
    );
    list(
        "moved (parent changed)",
        t.parent_changed.len(),
        vec!["ID", "Name", "Change", "Was", "Now"],
        t.parent_changed
            .iter()
            .map(|x| {
                vec![
                    x.id.clone(),
                    name(&x.id, &x.name),
                    x.change.to_string(),
                    parent_side(&x.old_id, x.old_parent.as_ref()),
                    parent_side(&x.id, x.new_parent.as_ref()),
                ]
            })
            .collect(),
    );
    list(
        "description changed",
        t.description_changed.len(),
        vec!["ID", "Name", "Fields"],
        t.description_changed
            .iter()
            .map(|x| vec![x.id.clone(), name(&x.id, &x.name), x.fields.join(", ")])
            .collect(),
    );
}

impl Report for DiffReport {
    type Line = DiffLine;
    type Record = DiffLine;

    fn title(&self) -> String {
        let mut t = format!(
            "ATT&CK {} {} → {}",
            self.domain,
            side_label(&self.old),
            side_label(&self.new)
        );
        if let Some(m) = &self.mapping {
            t.push_str(&format!(" for {}", m.source));
        }
        t
    }

    fn blocks(&self) -> Vec<Block> {
        let (ov, nv) = (side_label(&self.old), side_label(&self.new));
        let mut b = vec![Block::Text(format!(
            "Compared {} ({ov}) with {} ({nv}). Objects are matched by STIX id, then by ATT&CK ID; only changes to active objects are listed.",
            self.old.source, self.new.source
        ))];
        if let Some(m) = &self.mapping {
            mapping_blocks(&mut b, m);
        }
        if self.is_empty() {
            b.push(Block::Text("No differences.".to_string()));
            return b;
        }
        b.push(Block::Heading("Summary".to_string()));
        let t = &self.techniques;
        let mut rows = vec![summary_row(
            "Techniques",
            &t.common,
            t.len() - t.common.len(),
        )];
        if self.mapping.is_none() {
            for (name, c) in self.other_sections() {
                rows.push(summary_row(&capitalised(name), c, 0));
            }
        }
        b.push(table(
            vec![
                "Section",
                "Added",
                "Removed",
                "Revoked",
                "Deprecated",
                "Renamed",
                "Other changes",
            ],
            rows,
        ));
        if !self.model_changes.is_empty() {
            b.push(Block::Heading("Data model changes".to_string()));
            b.push(Block::Text(
                "Changes to a whole object type are reported once here, not as an edit of each object."
                    .to_string(),
            ));
            b.push(table(
                vec!["Type", "Field", "Change", "What changed"],
                self.model_changes
                    .iter()
                    .map(|m| {
                        vec![
                            m.object_type.to_string(),
                            m.field.unwrap_or("—").to_string(),
                            m.change.to_string(),
                            m.summary.clone(),
                        ]
                    })
                    .collect(),
            ));
        }
        section_blocks(&mut b, "techniques", &t.common, Some(t));
        if self.mapping.is_none() {
            for (name, c) in self.other_sections() {
                section_blocks(&mut b, name, c, None);
            }
        }
        b.push(Block::Heading("Relationships".to_string()));
        if self.relationships.kinds.is_empty() {
            b.push(Block::Text("No changes.".to_string()));
        } else {
            b.push(Block::Text(
                "Counted relationships (neither revoked nor deprecated, both ends active), compared by type, source and target."
                    .to_string(),
            ));
            let mut rows: Vec<Vec<String>> = self
                .relationships
                .kinds
                .iter()
                .map(|k| {
                    vec![
                        k.kind.to_string(),
                        k.added.to_string(),
                        k.removed.to_string(),
                    ]
                })
                .collect();
            rows.push(vec![
                "all".to_string(),
                self.relationships.added.to_string(),
                self.relationships.removed.to_string(),
            ]);
            b.push(table(vec!["Type", "Added", "Removed"], rows));
        }
        b
    }

    fn json_lines(&self) -> Vec<&DiffLine> {
        self.lines.iter().collect()
    }

    fn records(&self) -> Vec<DiffLine> {
        self.lines.clone()
    }
}

/// What the change means for the user's mapping, first.
fn mapping_blocks(b: &mut Vec<Block>, m: &Mapping) {
    let mut ids: Vec<&str> = m.affected.iter().map(|a| a.id.as_str()).collect();
    ids.dedup();
    b.push(Block::Heading(format!("Your mapping: {}", m.source)));
    let mut text = format!(
        "{} technique ID{} read; {} need{} attention, {} unchanged",
        m.ids_read,
        if m.ids_read == 1 { "" } else { "s" },
        ids.len(),
        if ids.len() == 1 { "s" } else { "" },
        m.unchanged.len()
    );
    if !m.unknown.is_empty() {
        text.push_str(&format!(
            ", {} in neither version ({})",
            m.unknown.len(),
            m.unknown.join(", ")
        ));
    }
    text.push('.');
    b.push(Block::Text(text));
    if !m.affected.is_empty() {
        b.push(table(
            vec!["ID", "Name", "Change", "What to do"],
            m.affected
                .iter()
                .map(|a| {
                    vec![
                        a.id.clone(),
                        a.name.clone(),
                        a.change.replace('_', " "),
                        a.action.clone(),
                    ]
                })
                .collect(),
        ));
    }
}

fn summary_row(name: &str, c: &ObjectChanges, extra: usize) -> Vec<String> {
    vec![
        name.to_string(),
        c.added.len().to_string(),
        c.removed.len().to_string(),
        c.revoked.len().to_string(),
        c.deprecated.len().to_string(),
        c.renamed.len().to_string(),
        (c.reinstated.len() + c.id_changed.len() + extra).to_string(),
    ]
}
