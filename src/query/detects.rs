//! `attck detects <LOG SOURCE | DATA COMPONENT>`: what a log source or a data component can
//! help detect. In 18.x: the analytics that read it, their detection strategies and the
//! techniques those detect. Before 18: the data component's `detects` relationships.

use serde::Serialize;

use super::resolve::resolve;
use super::{Cell, OptRef, Ref, TableRow, opt, suggest};
use crate::error::Error;
use crate::model::{Kind, KnowledgeBase, Node, Rel, Visibility, cmp_ids, plain_text};

/// One path from the log source or data component up to a technique.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DetectsRow {
    /// The technique that can be detected.
    pub technique: Ref,
    /// The detection strategy (18.x), or null (17.x `detects` relationship).
    pub detection_strategy: Option<Ref>,
    /// The analytic reading the log source (18.x), or null.
    pub analytic: Option<Ref>,
    /// The analytic's platforms (18.x; empty before).
    pub platforms: Vec<String>,
    /// The log source name (18.x), or null.
    pub log_source: Option<String>,
    /// The log source channel (18.x), or null.
    pub channel: Option<String>,
    /// The data component (`{id or null, name}`), or null when the analytic names none.
    pub data_component: Option<OptRef>,
}

impl TableRow for DetectsRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "Technique",
            "Strategy",
            "Analytic",
            "Platforms",
            "Log source",
            "Channel",
            "Data component",
        ]
    }

    fn cells(&self) -> Vec<Cell> {
        let r = |r: &Option<Ref>| r.as_ref().map(|r| r.id.clone()).unwrap_or_default();
        vec![
            format!("{} {}", self.technique.id, self.technique.name).into(),
            r(&self.detection_strategy).into(),
            r(&self.analytic).into(),
            self.platforms.join(", ").into(),
            opt(self.log_source.as_deref()).into(),
            opt(self.channel.as_deref()).into(),
            self.data_component
                .as_ref()
                .map(OptRef::line)
                .unwrap_or_default()
                .into(),
        ]
    }
}

fn channel_matches(channel: &str, filter: Option<&str>) -> bool {
    let Some(f) = filter else { return true };
    let want: Vec<String> = plain_text::words(f)
        .map(|(_, _, w)| w.into_owned())
        .collect();
    if want.is_empty() {
        return true;
    }
    let have: Vec<String> = plain_text::words(channel)
        .map(|(_, _, w)| w.into_owned())
        .collect();
    have.windows(want.len()).any(|w| w == want.as_slice())
}

/// What the key named.
enum Source {
    Component(u32),
    LogSource(String),
}

/// Rows for a log source name (case-insensitive) or a data component (ID or name), filtered
/// by channel words; sorted by technique, strategy, analytic.
pub fn detects(
    kb: &KnowledgeBase,
    key: &str,
    channel: Option<&str>,
    vis: Visibility,
) -> Result<Vec<DetectsRow>, Error> {
    let key = key.trim();
    let is_log_source = kb
        .analytics
        .iter()
        .flat_map(|a| &a.log_sources)
        .any(|l| l.name.eq_ignore_ascii_case(key))
        || kb
            .data_components
            .iter()
            .flat_map(|c| &c.log_sources)
            .any(|l| l.name.eq_ignore_ascii_case(key));
    let source = if is_log_source {
        Source::LogSource(key.to_string())
    } else {
        match resolve(&[kb], key, Some(Kind::DataComponent)) {
            Ok(r) => Source::Component(r.hit.node.index),
            Err(Error::NotFound(msg)) if msg.contains("ambiguous") => {
                return Err(Error::NotFound(msg));
            }
            Err(_) => {
                let mut names: Vec<&str> = kb
                    .analytics
                    .iter()
                    .flat_map(|a| a.log_sources.iter().map(|l| l.name.as_str()))
                    .collect();
                names.sort_unstable();
                names.dedup();
                let comps = kb
                    .data_components
                    .iter()
                    .flat_map(|c| [c.meta.id.as_str(), c.meta.name.as_str()]);
                let hints = suggest::closest(key, names.into_iter().chain(comps), 3);
                return Err(Error::NotFound(format!(
                    "no log source or data component '{key}' in {}{}",
                    kb.label(),
                    suggest::did_you_mean(&hints)
                )));
            }
        }
    };

    let mut rows = Vec::new();
    let tech_ref = |t: u32| Ref::to(kb, Node::new(Kind::Technique, t));
    let shows = |n: Node| vis.shows(kb.meta(n));
    for (ai, a) in kb.analytics.iter().enumerate() {
        let an = Node::new(Kind::Analytic, ai as u32);
        if !shows(an) {
            continue;
        }
        for l in &a.log_sources {
            let hit = match &source {
                Source::Component(c) => l.component == Some(*c),
                Source::LogSource(name) => l.name.eq_ignore_ascii_case(name),
            };
            if !hit || !channel_matches(&l.channel, channel) {
                continue;
            }
            for &s in &a.strategies {
                let sn = Node::new(Kind::DetectionStrategy, s);
                if !shows(sn) {
                    continue;
                }
                for t in kb.targets(sn, Rel::Detects, Kind::Technique) {
                    rows.push(DetectsRow {
                        technique: tech_ref(t),
                        detection_strategy: Some(Ref::to(kb, sn)),
                        analytic: Some(Ref::to(kb, an)),
                        platforms: crate::query::strings(&a.platforms),
                        log_source: Some(l.name.to_string()),
                        channel: Some(l.channel.to_string()),
                        data_component: l
                            .component
                            .map(|c| OptRef::to(kb, Node::new(Kind::DataComponent, c))),
                    });
                }
            }
        }
    }
    if let Source::Component(c) = source
        && channel.is_none()
    {
        let cn = Node::new(Kind::DataComponent, c);
        for t in kb.targets(cn, Rel::Detects, Kind::Technique) {
            rows.push(DetectsRow {
                technique: tech_ref(t),
                detection_strategy: None,
                analytic: None,
                platforms: Vec::new(),
                log_source: None,
                channel: None,
                data_component: Some(OptRef::to(kb, cn)),
            });
        }
    }
    let key_of = |r: &Option<Ref>| r.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    rows.sort_by(|a, b| {
        cmp_ids(&a.technique.id, &b.technique.id)
            .then_with(|| {
                cmp_ids(
                    &key_of(&a.detection_strategy),
                    &key_of(&b.detection_strategy),
                )
            })
            .then_with(|| cmp_ids(&key_of(&a.analytic), &key_of(&b.analytic)))
            .then_with(|| a.log_source.cmp(&b.log_source))
            .then_with(|| a.channel.cmp(&b.channel))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_words_match_whole_words_in_a_row() {
        assert!(channel_matches("EventCode=4688", Some("4688")));
        assert!(channel_matches("EventCode=4688", Some("eventcode=4688")));
        assert!(!channel_matches("EventCode=46880", Some("4688")));
        assert!(!channel_matches("EventCode=4689", Some("4688")));
        assert!(channel_matches("anything", None));
    }
}
