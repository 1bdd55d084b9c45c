//! How techniques are seen: data sources and their components, detection strategies and
//! their analytics, with the log sources that tie them together.

use serde::Serialize;

use super::{Header, refs};
use crate::model::{Kind, KnowledgeBase, Node, Rel};
use crate::query::layout::Detail;
use crate::query::{Cell, DetailView, OptRef, Ref, Section, strings};

/// `attck show DS…`: a data source.
#[derive(Debug, Clone, Serialize)]
pub struct DataSourceDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Its data components (`{id or null, name}`), sorted by ID then name.
    pub data_components: Vec<OptRef>,
    /// Techniques its components help detect, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl DataSourceDetail {
    /// The view of data source `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DataSourceDetail {
        let n = Node::new(Kind::DataSource, i);
        let s = &kb.data_sources[i as usize];
        DataSourceDetail {
            header: Header::new(kb, n),
            platforms: strings(&s.platforms),
            data_components: s
                .components
                .iter()
                .map(|&c| OptRef::to(kb, Node::new(Kind::DataComponent, c)))
                .collect(),
            techniques: refs(
                kb,
                Kind::Technique,
                s.components
                    .iter()
                    .flat_map(|&c| kb.techniques_detected_by_component(c)),
            ),
        }
    }
}

impl DetailView for DataSourceDetail {}

/// A log source: name and channel.
#[derive(Debug, Clone, Serialize)]
pub struct LogSourceView {
    /// The log source name (`WinEventLog:Security`).
    pub name: String,
    /// The channel (`EventCode=4688`).
    pub channel: String,
}

/// `attck show DC…` (or a data component's name): a data component.
#[derive(Debug, Clone, Serialize)]
pub struct DataComponentDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Its data source (17.x), or null.
    pub data_source: Option<Ref>,
    /// Its log sources (18.x).
    pub log_sources: Vec<LogSourceView>,
    /// Analytics that read it (18.x), sorted by ID.
    pub analytics: Vec<Ref>,
    /// Detection strategies whose analytics read it (18.x), sorted by ID.
    pub detection_strategies: Vec<Ref>,
    /// Techniques it helps detect: its `detects` relationships (17.x) or through the
    /// detection strategies (18.x), sorted by ID.
    pub techniques: Vec<Ref>,
}

impl DataComponentDetail {
    /// The view of data component `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DataComponentDetail {
        let n = Node::new(Kind::DataComponent, i);
        let c = &kb.data_components[i as usize];
        DataComponentDetail {
            header: Header::new(kb, n),
            data_source: c
                .data_source
                .map(|s| Ref::to(kb, Node::new(Kind::DataSource, s))),
            log_sources: c
                .log_sources
                .iter()
                .map(|l| LogSourceView {
                    name: l.name.to_string(),
                    channel: l.channel.to_string(),
                })
                .collect(),
            analytics: refs(kb, Kind::Analytic, kb.analytics_reading_component(i)),
            detection_strategies: refs(
                kb,
                Kind::DetectionStrategy,
                kb.strategies_reading_component(i),
            ),
            techniques: refs(kb, Kind::Technique, kb.techniques_detected_by_component(i)),
        }
    }
}

impl DetailView for DataComponentDetail {}

/// One log source an analytic reads, with the data component it feeds.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticLogSourceView {
    /// The log source name.
    pub name: String,
    /// The channel.
    pub channel: String,
    /// The data component (`{id or null, name}`), or null when the reference does not resolve.
    pub data_component: Option<OptRef>,
}

/// An analytic inside a detection strategy's view.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticSummary {
    /// ATT&CK ID (`AN0001`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Platforms.
    pub platforms: Vec<String>,
    /// The log sources it reads.
    pub log_sources: Vec<AnalyticLogSourceView>,
}

fn log_sources(kb: &KnowledgeBase, a: u32) -> Vec<AnalyticLogSourceView> {
    kb.analytics[a as usize]
        .log_sources
        .iter()
        .map(|l| AnalyticLogSourceView {
            name: l.name.to_string(),
            channel: l.channel.to_string(),
            data_component: l
                .component
                .map(|c| OptRef::to(kb, Node::new(Kind::DataComponent, c))),
        })
        .collect()
}

/// `WinEventLog:Security  EventCode=4688  → DC0001  Process Creation`: the chain from a log
/// source to its data component.
fn log_source_lines(ls: &[AnalyticLogSourceView], indent: u8) -> Vec<Cell> {
    ls.iter()
        .map(|l| Cell {
            text: format!(
                "{}  {}  → {}",
                l.name,
                l.channel,
                l.data_component
                    .as_ref()
                    .map_or_else(|| "(no data component)".to_string(), OptRef::line)
            ),
            indent,
            ..Cell::default()
        })
        .collect()
}

/// `attck show DET…`: a detection strategy and its chain of analytics, log sources and data
/// components.
#[derive(Debug, Clone, Serialize)]
pub struct DetectionStrategyDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Techniques it detects, sorted by ID.
    pub techniques: Vec<Ref>,
    /// Its analytics, in the published order (one per platform or platform group).
    pub analytics: Vec<AnalyticSummary>,
}

impl DetectionStrategyDetail {
    /// The view of detection strategy `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> DetectionStrategyDetail {
        let n = Node::new(Kind::DetectionStrategy, i);
        DetectionStrategyDetail {
            header: Header::new(kb, n),
            techniques: refs(
                kb,
                Kind::Technique,
                kb.targets(n, Rel::Detects, Kind::Technique),
            ),
            analytics: kb.detection_strategies[i as usize]
                .analytics
                .iter()
                .map(|&a| {
                    let an = &kb.analytics[a as usize];
                    AnalyticSummary {
                        id: an.meta.id.to_string(),
                        name: an.meta.name.to_string(),
                        platforms: strings(&an.platforms),
                        log_sources: log_sources(kb, a),
                    }
                })
                .collect(),
        }
    }
}

/// The table shows the whole chain: each analytic, then the log sources it reads and their
/// data components.
impl DetailView for DetectionStrategyDetail {
    fn adjust(&self, detail: &mut Detail) {
        let mut lines = Vec::new();
        for a in &self.analytics {
            lines.push(Cell::from(format!(
                "{}  {} ({})",
                a.id,
                a.name,
                a.platforms.join(", ")
            )));
            lines.extend(log_source_lines(&a.log_sources, 1));
        }
        detail.set_section(Section {
            key: "analytics".to_string(),
            title: "Analytics → log sources → data components".to_string(),
            lines,
        });
    }
}

/// `attck show AN…`: an analytic, its log sources and the strategies and techniques above it.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticDetail {
    /// Common fields.
    #[serde(flatten)]
    pub header: Header,
    /// Platforms.
    pub platforms: Vec<String>,
    /// The log sources it reads, with their data components.
    pub log_sources: Vec<AnalyticLogSourceView>,
    /// Detection strategies that list it, sorted by ID.
    pub detection_strategies: Vec<Ref>,
    /// Techniques those strategies detect, sorted by ID.
    pub techniques: Vec<Ref>,
}

impl AnalyticDetail {
    /// The view of analytic `i`.
    #[must_use]
    pub fn new(kb: &KnowledgeBase, i: u32) -> AnalyticDetail {
        let n = Node::new(Kind::Analytic, i);
        let a = &kb.analytics[i as usize];
        AnalyticDetail {
            header: Header::new(kb, n),
            platforms: strings(&a.platforms),
            log_sources: log_sources(kb, i),
            detection_strategies: refs(kb, Kind::DetectionStrategy, a.strategies.iter().copied()),
            techniques: refs(
                kb,
                Kind::Technique,
                a.strategies.iter().flat_map(|&s| {
                    kb.targets(
                        Node::new(Kind::DetectionStrategy, s),
                        Rel::Detects,
                        Kind::Technique,
                    )
                }),
            ),
        }
    }
}

/// The table points each log source at its data component.
impl DetailView for AnalyticDetail {
    fn adjust(&self, detail: &mut Detail) {
        detail.set_section(Section {
            key: "log_sources".to_string(),
            title: "Log sources → data components".to_string(),
            lines: log_source_lines(&self.log_sources, 0),
        });
    }
}
