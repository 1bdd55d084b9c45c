//! MITRE's `index.json`: every domain's published versions (the copy fetched last is kept in
//! the data directory as `index.json`).

use std::path::Path;

use anyhow::{Result, anyhow};
use serde::Deserialize;

use crate::model::{Domain, Version};

/// The file name of the kept copy in the data directory.
pub const INDEX_FILE: &str = "index.json";

#[derive(Deserialize)]
struct RawIndex {
    #[serde(default)]
    collections: Vec<RawCollection>,
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(default)]
    name: String,
    #[serde(default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
struct RawVersion {
    version: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    modified: Option<String>,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The version as MITRE writes it (`18.1`, and for a few old mobile ones `11.0-beta`).
    pub name: String,
    /// The version, when it is a plain release (`None` for betas).
    pub version: Option<Version>,
    /// When MITRE published it (RFC 3339), if the index says.
    pub modified: Option<String>,
}

/// The versions per domain, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// (domain, versions newest first), in [`Domain::ALL`] order.
    pub domains: Vec<(Domain, Vec<Published>)>,
}

impl Index {
    /// Parses `index.json`; collections that name no known domain are skipped.
    pub fn parse(bytes: &[u8]) -> Result<Index> {
        let raw: RawIndex =
            serde_json::from_slice(bytes).map_err(|e| anyhow!("not an ATT&CK index.json ({e})"))?;
        let mut domains: Vec<(Domain, Vec<Published>)> = Vec::new();
        for c in raw.collections {
            // The URL's file name is the reliable part (`…/ics-attack/ics-attack-18.1.json`);
            // the collection name ("ICS ATT&CK") is the fallback.
            let from_url = c.versions.iter().find_map(|v| {
                let file = v.url.rsplit('/').next()?;
                Domain::ALL
                    .into_iter()
                    .find(|d| file.starts_with(d.stix_name()))
            });
            let from_name = || {
                let n = c.name.to_ascii_lowercase();
                Domain::ALL
                    .into_iter()
                    .find(|d| n.split_whitespace().next() == Some(d.short_name()))
            };
            let Some(domain) = from_url.or_else(from_name) else {
                continue;
            };
            let mut versions: Vec<Published> = c
                .versions
                .into_iter()
                .map(|v| Published {
                    version: v.version.parse().ok(),
                    name: v.version,
                    modified: v.modified,
                })
                .collect();
            // Newest first; a beta sorts just below its release (11.0 > 11.0-beta > 10.1).
            let key = |p: &Published| {
                let base = p
                    .name
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .parse::<Version>()
                    .ok();
                (base, p.version.is_some())
            };
            versions.sort_by_key(|p| std::cmp::Reverse(key(p)));
            versions.dedup_by(|a, b| a.name == b.name);
            match domains.iter_mut().find(|(d, _)| *d == domain) {
                Some((_, v)) => v.extend(versions),
                None => domains.push((domain, versions)),
            }
        }
        if domains.is_empty() {
            return Err(anyhow!("not an ATT&CK index.json (no known domain in it)"));
        }
        domains.sort_by_key(|(d, _)| Domain::ALL.iter().position(|x| x == d));
        Ok(Index { domains })
    }

    /// Reads the kept copy in `dir`; `None` when absent or damaged.
    #[must_use]
    pub fn read_kept(dir: &Path) -> Option<Index> {
        let bytes = std::fs::read(dir.join(INDEX_FILE)).ok()?;
        Index::parse(&bytes).ok()
    }

    /// The versions of a domain, newest first.
    #[must_use]
    pub fn versions(&self, domain: Domain) -> &[Published] {
        self.domains
            .iter()
            .find(|(d, _)| *d == domain)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// The newest release of a domain.
    #[must_use]
    pub fn latest(&self, domain: Domain) -> Option<&Version> {
        self.versions(domain)
            .iter()
            .find_map(|p| p.version.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_versions_are_read() {
        let ix = Index::parse(
            br#"{"collections":[
              {"name":"ICS ATT&CK","versions":[
                {"version":"9.0","url":"https://x/ics-attack/ics-attack-9.0.json"},
                {"version":"10.0-beta","url":"https://x/ics-attack/ics-attack-10.0-beta.json"},
                {"version":"18.1","url":"https://x/ics-attack/ics-attack-18.1.json","modified":"2025-11-13T14:00:00.188Z"}]},
              {"name":"Enterprise ATT&CK","versions":[{"version":"17.1","url":""}]},
              {"name":"Something else","versions":[{"version":"1.0","url":""}]}]}"#,
        )
        .unwrap();
        assert_eq!(ix.domains.len(), 2);
        assert_eq!(ix.domains[0].0, Domain::Enterprise);
        assert_eq!(ix.latest(Domain::Ics).unwrap().as_str(), "18.1");
        let names: Vec<&str> = ix
            .versions(Domain::Ics)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["18.1", "10.0-beta", "9.0"]);
        assert!(ix.latest(Domain::Mobile).is_none());
        assert!(Index::parse(b"[]").is_err());
        assert!(Index::parse(br#"{"collections":[]}"#).is_err());
    }
}
