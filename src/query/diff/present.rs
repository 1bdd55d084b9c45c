//! Presentation: each kind of change is formatted once, as a [`Listing`] of rows, and both
//! the report's tables (terminal, Markdown, HTML) and its flat records (CSV, JSON Lines) are
//! drawn from those rows.

use std::collections::HashMap;

use super::super::{Block, Cell, Ref, Report};
use super::records::{
    DiffLine, DiffReport, FieldChange, Mapping, ObjectChanges, SectionChanges, Side,
    TechniqueChanges,
};

/// One list of changes of one kind.
struct Listing {
    /// The JSON list it shows (`added`, `tactics_changed`, `edited`, …): the records'
    /// `change`.
    change: &'static str,
    /// Its heading, after the section's name: `tactics changed`.
    title: &'static str,
    /// The table's columns.
    headers: Vec<&'static str>,
    rows: Vec<Row>,
}

/// One change: its table cells and its flat record.
struct Row {
    id: String,
    name: String,
    cells: Vec<String>,
    detail: String,
}

/// `T1053 Timed Job Planting`.
pub(super) fn describe_ref(r: &Ref) -> String {
    format!("{} {}", r.id, r.name)
}

/// `added Linux; removed macOS`.
pub(super) fn list_delta(old: &[String], new: &[String]) -> String {
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

/// One field change in words: `description`, `x_mitre_shortname: defense-evasion → stealth`,
/// `aliases: added Quiet Anvil`.
fn field_change(f: &FieldChange) -> String {
    let (o, n) = (&f.old, &f.new);
    if o.is_empty() && n.is_empty() {
        return f.field.to_string();
    }
    let side = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join(", ")
        }
    };
    if o.len() <= 1 && n.len() <= 1 {
        return format!("{}: {} → {}", f.field, side(o), side(n));
    }
    match list_delta(o, n) {
        d if d.is_empty() => format!("{}: {} → {}", f.field, side(o), side(n)),
        d => format!("{}: {d}", f.field),
    }
}

/// The lists every section has. `label` gives the name tables show; `added_tactics` adds a
/// column to the techniques added.
fn common_listings(
    c: &ObjectChanges,
    label: &dyn Fn(&str, &str) -> String,
    added_tactics: Option<&HashMap<String, Vec<String>>>,
) -> Vec<Listing> {
    let row = |id: &str, name: &str, extra: Vec<String>, detail: String| {
        let mut cells = vec![id.to_string(), label(id, name)];
        cells.extend(extra);
        Row {
            id: id.to_string(),
            name: name.to_string(),
            cells,
            detail,
        }
    };
    let plain = |r: &Ref| row(&r.id, &r.name, Vec::new(), String::new());
    vec![
        match added_tactics {
            Some(tactics) => Listing {
                change: "added",
                title: "added",
                headers: vec!["ID", "Name", "Tactics"],
                rows: c
                    .added
                    .iter()
                    .map(|r| {
                        let t = tactics.get(&r.id).map(|v| v.join(", "));
                        row(&r.id, &r.name, vec![t.unwrap_or_default()], String::new())
                    })
                    .collect(),
            },
            None => Listing {
                change: "added",
                title: "added",
                headers: vec!["ID", "Name"],
                rows: c.added.iter().map(plain).collect(),
            },
        },
        Listing {
            change: "removed",
            title: "removed",
            headers: vec!["ID", "Name"],
            rows: c.removed.iter().map(plain).collect(),
        },
        Listing {
            change: "revoked",
            title: "revoked",
            headers: vec!["ID", "Name", "Replaced by"],
            rows: c
                .revoked
                .iter()
                .map(|x| {
                    let by = x.revoked_by.as_ref().map(describe_ref);
                    row(
                        &x.id,
                        &x.name,
                        vec![
                            by.clone()
                                .unwrap_or_else(|| "(no replacement named)".to_string()),
                        ],
                        format!("replaced by {}", by.unwrap_or_else(|| "—".to_string())),
                    )
                })
                .collect(),
        },
        Listing {
            change: "deprecated",
            title: "deprecated",
            headers: vec!["ID", "Name"],
            rows: c.deprecated.iter().map(plain).collect(),
        },
        Listing {
            change: "reinstated",
            title: "reinstated",
            headers: vec!["ID", "Name", "Was"],
            rows: c
                .reinstated
                .iter()
                .map(|x| {
                    let was = x.was.to_string();
                    row(&x.id, &x.name, vec![was], format!("was {}", x.was))
                })
                .collect(),
        },
        Listing {
            change: "renamed",
            title: "renamed",
            headers: vec!["ID", "Old name", "New name"],
            rows: c
                .renamed
                .iter()
                .map(|x| Row {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    cells: vec![x.id.clone(), x.old_name.clone(), x.new_name.clone()],
                    detail: format!("{} → {}", x.old_name, x.new_name),
                })
                .collect(),
        },
        Listing {
            change: "id_changed",
            title: "ID changed",
            headers: vec!["ID", "Name", "Old ID"],
            rows: c
                .id_changed
                .iter()
                .map(|x| {
                    let old = x.old_id.clone();
                    row(&x.id, &x.name, vec![old], format!("was {}", x.old_id))
                })
                .collect(),
        },
    ]
}

fn technique_listings(t: &TechniqueChanges) -> Vec<Listing> {
    let label = |id: &str, name: &str| {
        t.labels
            .get(id)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let row = |id: &str, name: &str, extra: Vec<String>, detail: String| {
        let mut cells = vec![id.to_string(), label(id, name)];
        cells.extend(extra);
        Row {
            id: id.to_string(),
            name: name.to_string(),
            cells,
            detail,
        }
    };
    let mut v = common_listings(&t.common, &label, Some(&t.added_tactics));
    v.push(Listing {
        change: "tactics_changed",
        title: "tactics changed",
        headers: vec!["ID", "Name", "Old tactics", "New tactics"],
        rows: t
            .tactics_changed
            .iter()
            .map(|x| {
                let (o, n) = (x.old.join(", "), x.new.join(", "));
                let detail = format!("{o} → {n}");
                row(&x.id, &x.name, vec![o, n], detail)
            })
            .collect(),
    });
    v.push(Listing {
        change: "platforms_changed",
        title: "platforms changed",
        headers: vec!["ID", "Name", "Change", "New platforms"],
        rows: t
            .platforms_changed
            .iter()
            .map(|x| {
                let d = list_delta(&x.old, &x.new);
                row(&x.id, &x.name, vec![d.clone(), x.new.join(", ")], d)
            })
            .collect(),
    });
    v.push(Listing {
        change: "parent_changed",
        title: "moved (parent changed)",
        headers: vec!["ID", "Name", "Change", "Was", "Now"],
        rows: t
            .parent_changed
            .iter()
            .map(|x| {
                let was = parent_side(&x.old_id, x.old_parent.as_ref());
                let now = parent_side(&x.id, x.new_parent.as_ref());
                let detail = format!("{}: {was} → {now}", x.change);
                row(&x.id, &x.name, vec![x.change.to_string(), was, now], detail)
            })
            .collect(),
    });
    v.push(Listing {
        change: "description_changed",
        title: "description changed",
        headers: vec!["ID", "Name", "Fields"],
        rows: t
            .description_changed
            .iter()
            .map(|x| {
                let f = x.fields.join(", ");
                row(&x.id, &x.name, vec![f.clone()], f)
            })
            .collect(),
    });
    v
}

fn section_listings(s: &SectionChanges) -> Vec<Listing> {
    let mut v = common_listings(&s.common, &|_, name| name.to_string(), None);
    v.push(Listing {
        change: "edited",
        title: "edited",
        headers: vec!["ID", "Name", "Changes"],
        rows: s
            .edited
            .iter()
            .map(|x| {
                let d = x
                    .fields
                    .iter()
                    .map(field_change)
                    .collect::<Vec<_>>()
                    .join("; ");
                Row {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    cells: vec![x.id.clone(), x.name.clone(), d.clone()],
                    detail: d,
                }
            })
            .collect(),
    });
    v
}

fn record(
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

fn listing_records(v: &mut Vec<DiffLine>, section: &'static str, listings: Vec<Listing>) {
    for l in listings {
        for r in l.rows {
            record(v, section, l.change, &r.id, &r.name, r.detail);
        }
    }
}

/// Every change as a flat record.
pub(super) fn flat_lines(r: &DiffReport) -> Vec<DiffLine> {
    let mut v = Vec::new();
    if let Some(m) = &r.mapping {
        for a in &m.affected {
            record(
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
        record(
            &mut v,
            "model",
            m.change,
            m.object_type,
            field,
            m.summary.clone(),
        );
    }
    listing_records(&mut v, "techniques", technique_listings(&r.techniques));
    for (_, name, s) in r.sections() {
        listing_records(&mut v, name, section_listings(s));
    }
    for k in &r.relationships.kinds {
        for (change, n) in [("added", k.added), ("removed", k.removed)] {
            if n > 0 {
                record(&mut v, "relationships", change, k.kind, "", n.to_string());
            }
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

fn table(headers: Vec<&'static str>, rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        headers,
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::from).collect())
            .collect(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A section's title from its JSON name: `Data sources`.
fn title(json_name: &str) -> String {
    capitalised(&json_name.replace('_', " "))
}

/// The blocks of one section's lists, each under its own heading. `none` is said when
/// nothing changed.
fn section_blocks(b: &mut Vec<Block>, title: &str, listings: Vec<Listing>, none: &str) {
    if listings.iter().all(|l| l.rows.is_empty()) {
        b.push(Block::Heading(title.to_string()));
        b.push(Block::Text(none.to_string()));
        return;
    }
    for l in listings.into_iter().filter(|l| !l.rows.is_empty()) {
        b.push(Block::Heading(format!(
            "{title}: {} ({})",
            l.title,
            l.rows.len()
        )));
        b.push(table(
            l.headers,
            l.rows.into_iter().map(|r| r.cells).collect(),
        ));
    }
}

/// A row of the summary: added, removed, revoked, deprecated, renamed, everything else.
fn summary_row(name: String, listings: &[Listing]) -> Vec<String> {
    let count = |change: &str| {
        listings
            .iter()
            .filter(|l| l.change == change)
            .map(|l| l.rows.len())
            .sum::<usize>()
    };
    let main = ["added", "removed", "revoked", "deprecated", "renamed"];
    let total: usize = listings.iter().map(|l| l.rows.len()).sum();
    let shown: usize = main.iter().map(|c| count(c)).sum();
    let mut row = vec![name];
    row.extend(main.iter().map(|c| count(c).to_string()));
    row.push((total - shown).to_string());
    row
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
        // The sections shown: techniques, and (without a mapping) every kind either version
        // holds.
        let shown: Vec<(&str, String, Vec<Listing>)> = std::iter::once((
            "technique",
            "Techniques".to_string(),
            technique_listings(&self.techniques),
        ))
        .chain(
            self.sections()
                .into_iter()
                .filter(|(k, _, _)| self.mapping.is_none() && self.present.contains(k))
                .map(|(k, name, s)| (k.name(), title(name), section_listings(s))),
        )
        .collect();
        b.push(Block::Heading("Summary".to_string()));
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
            shown
                .iter()
                .map(|(_, title, l)| summary_row(title.clone(), l))
                .collect(),
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
        for (kind, title, listings) in shown {
            let modelled = self.model_changes.iter().any(|m| m.object_type == kind);
            let none = if modelled && kind != "technique" {
                "No changes to single objects (see the data model changes)."
            } else {
                "No changes."
            };
            section_blocks(&mut b, &title, listings, none);
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
