//! Pure functions from a [`KnowledgeBase`](crate::model::KnowledgeBase) to view structs.
//!
//! Views derive `Serialize`: their fields are the JSON contract. CSV records and the detail
//! table are derived from that serialisation ([`flat`], [`layout`]); a list view also says
//! which columns a human table shows, so the renderers stay generic.

pub mod attribute;
pub mod behaviour;
pub mod compare;
pub mod coverage;
pub mod detects;
pub mod diff;
pub mod flat;
pub mod layer;
pub mod layout;
pub mod lint;
pub mod list;
pub mod map;
pub mod matrix;
pub mod next;
pub mod object;
pub mod resolve;
#[cfg(test)]
pub(crate) mod sample;
pub mod search;
pub mod selection;
pub mod show;
pub mod suggest;
pub mod tactic_list;
pub mod tactic_techniques;
pub mod technique;
pub mod upgrade;

use serde::Serialize;

/// `{id, name}`: a reference to another object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ref {
    /// The ATT&CK ID.
    pub id: String,
    /// The name.
    pub name: String,
}

impl Ref {
    /// The reference to an object of the knowledge base.
    #[must_use]
    pub fn to(kb: &crate::model::KnowledgeBase, n: crate::model::Node) -> Ref {
        let (id, name) = kb.id_and_name(n);
        Ref {
            id: id.to_string(),
            name: name.to_string(),
        }
    }

    /// `T1059 Command and Scripting Interpreter`.
    #[must_use]
    pub fn line(&self) -> String {
        format!("{}  {}", self.id, self.name)
    }
}

/// `{id, name}` where the ID may be missing (17.x data components have none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OptRef {
    /// The ATT&CK ID, or null.
    pub id: Option<String>,
    /// The name.
    pub name: String,
}

impl OptRef {
    /// The reference to an object of the knowledge base.
    #[must_use]
    pub fn to(kb: &crate::model::KnowledgeBase, n: crate::model::Node) -> OptRef {
        let (id, name) = kb.id_and_name(n);
        OptRef {
            id: (!id.is_empty()).then(|| id.to_string()),
            name: name.to_string(),
        }
    }

    /// `DC0001 Process Creation`, or the name alone.
    #[must_use]
    pub fn line(&self) -> String {
        match &self.id {
            Some(id) => format!("{id}  {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// One table cell with presentation hints the renderer may use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Nesting depth (sub-techniques under their parent).
    pub indent: u8,
    /// Byte ranges of `text` to highlight (search matches).
    pub marks: Vec<(usize, usize)>,
    /// A status note shown after the text (`revoked`, `deprecated`).
    pub note: Option<&'static str>,
    /// A meter drawn before the text: a share in permille (0 to 1000).
    pub bar: Option<u16>,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell {
            text,
            ..Cell::default()
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell {
            text: text.to_string(),
            ..Cell::default()
        }
    }
}

/// A list view: rows of a table, CSV or Markdown, or elements of a JSON array.
///
/// The row struct is the one definition of its fields: JSON is its serialisation and the CSV
/// record is that serialisation flattened ([`flat::record`]; `Default` gives the columns of an
/// empty list). The human table shows the columns `headers` and `cells` choose.
pub trait TableRow: Serialize + Default {
    /// Column headings of the human table.
    fn headers() -> Vec<&'static str>;
    /// Cells of the human table (Markdown and HTML use them too).
    fn cells(&self) -> Vec<Cell>;
}

/// A section of a detail view: a heading and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The JSON field it shows (`techniques`).
    pub key: String,
    /// The heading.
    pub title: String,
    /// The lines (a paragraph is one long line, wrapped by the renderer).
    pub lines: Vec<Cell>,
}

/// A single-object view.
///
/// Declaring one: a struct deriving `Serialize` whose fields are the JSON contract (an object
/// of the knowledge base starts with `#[serde(flatten)] header: object::Header`), and
/// `impl DetailView for MyView {}`. The CSV record and the detail table (title, labelled rows,
/// sections) are derived from the serialisation by the rules of [`layout`]; override
/// [`DetailView::adjust`] only for what field names and values cannot say.
pub trait DetailView: Serialize {
    /// Changes the table derived from the serialisation (a title other than `ID Name`, a
    /// section whose lines say more than the derived ones). By default nothing.
    fn adjust(&self, detail: &mut layout::Detail) {
        let _ = detail;
    }
}

/// Owned copies of model strings, for views.
#[must_use]
pub fn strings(v: &[crate::model::Str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

/// How a grid cell is shaded (coverage heat maps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shade {
    /// No meaning attached (a plain matrix).
    #[default]
    Plain,
    /// Covered by the input (with `coverage --tests`: detected and tested).
    Covered,
    /// With `coverage --tests`: detected, not tested.
    Detected,
    /// With `coverage --tests`: tested, not detected.
    Tested,
    /// In the universe but not covered: a gap (with `--tests`: neither).
    Gap,
    /// Not part of what is being measured.
    Outside,
}

/// One entry of a grid column: a technique, or a sub-technique under it.
#[derive(Debug, Clone, Default)]
pub struct GridCell {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// 0 for techniques, 1 for sub-techniques.
    pub level: u8,
    /// Shading.
    pub shade: Shade,
    /// A short note (a tooltip in HTML).
    pub note: Option<String>,
}

/// One column of a grid: a tactic.
#[derive(Debug, Clone, Default)]
pub struct GridColumn {
    /// The heading (the tactic's name).
    pub title: String,
    /// A line under the heading (ID and count).
    pub subtitle: String,
    /// The entries, top to bottom.
    pub cells: Vec<GridCell>,
}

/// A matrix laid out as columns of cells.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The columns, left to right.
    pub columns: Vec<GridColumn>,
    /// What the shades mean, when they mean something.
    pub legend: Vec<(Shade, String)>,
}

/// A piece of a report.
#[derive(Debug, Clone)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Text(String),
    /// A table with headings.
    Table {
        /// Column headings.
        headers: Vec<&'static str>,
        /// Rows of cells.
        rows: Vec<Vec<Cell>>,
    },
    /// A matrix.
    Grid(Grid),
}

/// A view made of several blocks (a matrix, a coverage report), rendered in every format.
pub trait Report: Serialize {
    /// What one JSON Lines record holds.
    type Line: Serialize;
    /// What one CSV record holds; its columns are its fields ([`flat::record`]).
    type Record: Serialize + Default;
    /// The title.
    fn title(&self) -> String;
    /// The blocks shown in a table, Markdown or HTML.
    fn blocks(&self) -> Vec<Block>;
    /// The blocks of the HTML page, when it shows more (a heat map).
    fn html_blocks(&self) -> Vec<Block> {
        self.blocks()
    }
    /// The JSON Lines records.
    fn json_lines(&self) -> Vec<&Self::Line>;
    /// The CSV records.
    fn records(&self) -> Vec<Self::Record>;
}

/// Formats an optional value for a table cell.
#[must_use]
pub fn opt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

/// A status note for revoked / deprecated objects.
#[must_use]
pub fn status_note(revoked: bool, deprecated: bool) -> Option<&'static str> {
    if revoked {
        Some("revoked")
    } else if deprecated {
        Some("deprecated")
    } else {
        None
    }
}

/// The hand-written enterprise sample bundle, built in memory for unit tests.
#[cfg(test)]
pub(crate) fn sample_kb() -> crate::model::KnowledgeBase {
    crate::model::KnowledgeBase::from_bytes(
        include_bytes!("../../data/sample/enterprise-attack-2.0.json"),
        std::path::Path::new("enterprise-attack-2.0.json"),
        None,
    )
    .expect("the sample bundle loads")
}
