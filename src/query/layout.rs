//! The detail table (title, labelled fields, sections) of a [`DetailView`], derived from its
//! serialisation.
//!
//! The rules, in the order the table shows them:
//! - the title: `ID Name`, with ` [REVOKED]` or ` [DEPRECATED]`;
//! - the header's identity rows: `ID`, `Name`, `Type`, and `Status` made of `revoked`,
//!   `deprecated` and `revoked_by`;
//! - the view's own fields, in order, labelled by their names (`software_type` →
//!   `Software type`): a value, a list of values joined with `, `, or a reference as `ID Name`
//!   are rows; a list of objects is a section of one line each (`ID  Name`, or the object's
//!   values joined with two spaces); empty lists and nulls are left out;
//! - the header's provenance rows: `Domain` (with the ATT&CK version), `Domains` (when more
//!   than one), `URL`, `Version`, `Created`, `Modified`;
//! - sections: `description` (plain text) first, then the lists in field order; `procedures`
//!   only when asked for (`--procedures`, `-v`).
//!
//! A view changes the result in [`DetailView::adjust`] where names and values cannot say it.

use super::flat::{self, Flat};
use super::{Cell, DetailView, Section, status_note};
use crate::model::plain_text;

/// A labelled row of a detail table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The JSON field it shows (`software_type`), or the header row's own name (`status`).
    pub key: String,
    /// The label (`Software type`).
    pub label: String,
    /// The value.
    pub value: Cell,
}

/// A detail view laid out for people: what the table, Markdown and HTML forms show.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The heading: `T1059 Command and Scripting Interpreter`.
    pub title: String,
    /// Label / value rows.
    pub fields: Vec<Field>,
    /// Sections after the rows.
    pub sections: Vec<Section>,
}

impl Detail {
    /// The value of the row for field `key`.
    pub fn field_mut(&mut self, key: &str) -> Option<&mut Cell> {
        self.fields
            .iter_mut()
            .find(|f| f.key == key)
            .map(|f| &mut f.value)
    }

    /// Takes the row or section of field `key` out.
    pub fn remove(&mut self, key: &str) {
        self.fields.retain(|f| f.key != key);
        self.sections.retain(|s| s.key != key);
    }

    /// Puts `section` in place of the derived one of the same key (or last, when there is
    /// none); an empty section is taken out instead.
    pub fn set_section(&mut self, section: Section) {
        let at = self.sections.iter().position(|s| s.key == section.key);
        match (at, section.lines.is_empty()) {
            (Some(i), true) => {
                self.sections.remove(i);
            }
            (Some(i), false) => self.sections[i] = section,
            (None, true) => {}
            (None, false) => self.sections.push(section),
        }
    }
}

/// Fields of the common header, laid out by the rules above rather than in field order.
const HEADER: [&str; 14] = [
    "id",
    "name",
    "type",
    "domain",
    "domains",
    "attack_version",
    "description",
    "url",
    "created",
    "modified",
    "version",
    "revoked",
    "deprecated",
    "revoked_by",
];

/// The label of a field: its name in words, capitalised (`detection_strategies` →
/// `Detection strategies`).
#[must_use]
pub fn label(key: &str) -> String {
    match key {
        "id" => "ID".to_string(),
        "url" => "URL".to_string(),
        "subtechniques" => "Sub-techniques".to_string(),
        _ => {
            let words = key.replace('_', " ");
            let mut c = words.chars();
            c.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(c).collect::<String>()
            })
        }
    }
}

/// `T1059 Scripted Launch` for a reference, its name alone when it has no ID.
fn reference(v: &Flat) -> String {
    let id = v.get("id").and_then(Flat::scalar).unwrap_or_default();
    let name = v.get("name").and_then(Flat::scalar).unwrap_or_default();
    if id.is_empty() {
        name
    } else if name.is_empty() {
        id
    } else {
        format!("{id} {name}")
    }
}

/// The text of a row's value; `None` when there is nothing to show.
fn row_text(v: &Flat) -> Option<String> {
    match v {
        Flat::Null => None,
        Flat::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        Flat::Number(s) | Flat::Text(s) => Some(s.clone()),
        Flat::List(items) if items.is_empty() => None,
        Flat::List(items) => Some(items.iter().map(line).collect::<Vec<_>>().join(", ")),
        Flat::Object(_) if v.get("id").is_some() => Some(reference(v)),
        Flat::Object(_) => Some(line(v)),
    }
}

/// One line of a section: a value, or an object's values joined with two spaces
/// (`T1059  Scripted Launch`, `WinEventLog:Security  EventCode=4688`).
fn line(v: &Flat) -> String {
    match v {
        Flat::Object(fields) => fields
            .iter()
            .filter_map(|(_, f)| match f {
                Flat::List(items) => Some(items.iter().map(line).collect::<Vec<_>>().join(", ")),
                Flat::Null => None,
                _ => Some(line(f)),
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("  "),
        Flat::List(items) => items.iter().map(line).collect::<Vec<_>>().join(", "),
        other => row_text(other).unwrap_or_default(),
    }
}

fn is_list_of_objects(v: &Flat) -> bool {
    matches!(v, Flat::List(items) if items.iter().any(|i| matches!(i, Flat::Object(_))))
}

/// The procedures section: `ID  Name (type)`, then the plain text, indented.
fn procedures(items: &[Flat]) -> Vec<Cell> {
    let text_of = |v: &Flat, k: &str| v.get(k).and_then(Flat::scalar).unwrap_or_default();
    items
        .iter()
        .flat_map(|p| {
            [
                Cell::from(format!(
                    "{}  {} ({})",
                    text_of(p, "id"),
                    text_of(p, "name"),
                    text_of(p, "type")
                )),
                Cell {
                    text: plain_text::plain(text_of(p, "description").trim()),
                    indent: 1,
                    ..Cell::default()
                },
            ]
        })
        .collect()
}

/// The detail table of `view`; `procedures` shows its procedure examples.
///
/// # Errors
/// As [`flat::tree`] (never for a view).
pub fn detail<T: DetailView + ?Sized>(
    view: &T,
    procedures_shown: bool,
) -> Result<Detail, flat::Error> {
    let tree = flat::tree(view)?;
    let get = |k: &str| tree.get(k).filter(|v| **v != Flat::Null);
    let text = |k: &str| get(k).and_then(Flat::scalar);
    let mut d = Detail::default();
    let row = |d: &mut Detail, key: &str, value: String| {
        d.fields.push(Field {
            key: key.to_string(),
            label: label(key),
            value: value.into(),
        });
    };

    let revoked = get("revoked") == Some(&Flat::Bool(true));
    let deprecated = get("deprecated") == Some(&Flat::Bool(true));
    let id = text("id").unwrap_or_default();
    let name = text("name").unwrap_or_default();
    d.title = if id.is_empty() {
        name.clone()
    } else {
        format!("{id} {name}")
    };
    if let Some(n) = status_note(revoked, deprecated) {
        d.title.push_str(&format!(" [{}]", n.to_uppercase()));
    }

    for key in ["id", "name", "type"] {
        if tree.get(key).is_some() {
            row(&mut d, key, text(key).unwrap_or_default());
        }
    }
    if revoked {
        let by = get("revoked_by").map_or_else(
            || "revoked (no replacement named)".to_string(),
            |r| format!("revoked, replaced by {}", reference(r)),
        );
        row(&mut d, "status", by);
    } else if deprecated {
        row(&mut d, "status", "deprecated".to_string());
    }

    if let Some(desc) = text("description") {
        d.sections.push(Section {
            key: "description".to_string(),
            title: "Description".to_string(),
            lines: vec![plain_text::plain(&desc).into()],
        });
    }
    if let Flat::Object(fields) = &tree {
        for (key, v) in fields.iter().filter(|(k, _)| !HEADER.contains(&k.as_str())) {
            if key == "procedures" {
                if let (true, Flat::List(items)) = (procedures_shown, v)
                    && !items.is_empty()
                {
                    d.sections.push(Section {
                        key: key.clone(),
                        title: label(key),
                        lines: procedures(items),
                    });
                }
            } else if is_list_of_objects(v) {
                if let Flat::List(items) = v {
                    d.sections.push(Section {
                        key: key.clone(),
                        title: label(key),
                        lines: items.iter().map(|i| line(i).into()).collect(),
                    });
                }
            } else if let Some(t) = row_text(v) {
                row(&mut d, key, t);
            }
        }
    }

    if let Some(domain) = text("domain") {
        let version = text("attack_version").unwrap_or_else(|| "(version unknown)".into());
        row(&mut d, "domain", format!("{domain} {version}"));
    }
    if let Some(Flat::List(all)) = get("domains")
        && all.len() > 1
    {
        row(&mut d, "domains", line(&Flat::List(all.clone())));
    }
    for key in ["url", "version", "created", "modified"] {
        if let Some(t) = text(key) {
            row(&mut d, key, t);
        }
    }
    view.adjust(&mut d);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{OptRef, Ref};
    use serde::Serialize;

    #[derive(Serialize)]
    struct Pair {
        name: String,
        channel: String,
    }

    #[derive(Serialize)]
    struct View {
        id: Option<String>,
        name: String,
        #[serde(rename = "type")]
        kind: &'static str,
        domain: String,
        attack_version: Option<String>,
        description: String,
        deprecated: bool,
        software_type: &'static str,
        first_seen: Option<String>,
        aliases: Vec<String>,
        fresh: bool,
        data_source: Option<Ref>,
        techniques: Vec<Ref>,
        empty: Vec<Ref>,
        data_components: Vec<OptRef>,
        log_sources: Vec<Pair>,
        url: Option<String>,
    }

    impl DetailView for View {}

    fn r(id: &str, name: &str) -> Ref {
        Ref {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn the_table_follows_the_rules() {
        let v = View {
            id: Some("X0001".into()),
            name: "Example".into(),
            kind: "group",
            domain: "enterprise".into(),
            attack_version: None,
            description: "See [this](https://example.com).(Citation: A)".into(),
            deprecated: true,
            software_type: "tool",
            first_seen: None,
            aliases: vec!["One".into(), "Two".into()],
            fresh: false,
            data_source: Some(r("DS0001", "Source")),
            techniques: vec![r("T0001", "First"), r("T0002", "Second")],
            empty: Vec::new(),
            data_components: vec![OptRef {
                id: None,
                name: "Unnumbered".into(),
            }],
            log_sources: vec![Pair {
                name: "auditd:SYSCALL".into(),
                channel: "execve".into(),
            }],
            url: None,
        };
        let d = detail(&v, false).unwrap();
        assert_eq!(d.title, "X0001 Example [DEPRECATED]");
        let rows: Vec<(&str, &str)> = d
            .fields
            .iter()
            .map(|f| (f.label.as_str(), f.value.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("ID", "X0001"),
                ("Name", "Example"),
                ("Type", "group"),
                ("Status", "deprecated"),
                ("Software type", "tool"),
                ("Aliases", "One, Two"),
                ("Fresh", "no"),
                ("Data source", "DS0001 Source"),
                ("Domain", "enterprise (version unknown)"),
            ]
        );
        let sections: Vec<(&str, Vec<&str>)> = d
            .sections
            .iter()
            .map(|s| {
                (
                    s.title.as_str(),
                    s.lines.iter().map(|l| l.text.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            sections,
            [
                ("Description", vec!["See this."]),
                ("Techniques", vec!["T0001  First", "T0002  Second"]),
                ("Data components", vec!["Unnumbered"]),
                ("Log sources", vec!["auditd:SYSCALL  execve"]),
            ]
        );
    }

    #[test]
    fn adjusting_replaces_removes_and_adds() {
        let mut d = Detail::default();
        d.fields.push(Field {
            key: "a".into(),
            label: "A".into(),
            value: "1".into(),
        });
        let s = |key: &str, lines: Vec<Cell>| Section {
            key: key.into(),
            title: label(key),
            lines,
        };
        d.sections.push(s("x", vec!["old".into()]));
        d.set_section(s("x", vec!["new".into()]));
        d.set_section(s("y", vec!["added".into()]));
        d.set_section(s("z", Vec::new()));
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].lines[0].text, "new");
        d.set_section(s("y", Vec::new()));
        assert_eq!(d.sections.len(), 1, "an empty section is taken out");
        *d.field_mut("a").unwrap() = "2".into();
        assert_eq!(d.fields[0].value.text, "2");
        d.remove("a");
        d.remove("x");
        assert!(d.fields.is_empty() && d.sections.is_empty());
    }

    #[test]
    fn labels_are_field_names_in_words() {
        assert_eq!(label("software_type"), "Software type");
        assert_eq!(label("detection_strategies"), "Detection strategies");
        assert_eq!(label("id"), "ID");
        assert_eq!(label("url"), "URL");
        assert_eq!(label("subtechniques"), "Sub-techniques");
        assert_eq!(label(""), "");
    }
}
