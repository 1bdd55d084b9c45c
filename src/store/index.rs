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
    /// The ATT&CK version.
    pub version: Version,
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
                .filter_map(|v| {
                    Some(Published {
                        version: v.version.parse().ok()?,
                        modified: v.modified,
                    })
                })
                .collect();
            versions.sort_by(|a, b| b.version.cmp(&a.version));
            versions.dedup_by(|a, b| a.version == b.version);
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

    /// The newest version of a domain.
    #[must_use]
    pub fn latest(&self, domain: Domain) -> Option<&Version> {
        self.versions(domain).first().map(|p| &p.version)
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
                {"version":"18.1","url":"https://x/ics-attack/ics-attack-18.1.json","modified":"2025-11-13T14:00:00.188Z"}]},
              {"name":"Enterprise ATT&CK","versions":[{"version":"17.1","url":""}]},
              {"name":"Something else","versions":[{"version":"1.0","url":""}]}]}"#,
        )
        .unwrap();
        assert_eq!(ix.domains.len(), 2);
        assert_eq!(ix.domains[0].0, Domain::Enterprise);
        assert_eq!(ix.latest(Domain::Ics).unwrap().as_str(), "18.1");
        assert_eq!(ix.versions(Domain::Ics)[1].version.as_str(), "9.0");
        assert!(ix.latest(Domain::Mobile).is_none());
        assert!(Index::parse(b"[]").is_err());
        assert!(Index::parse(br#"{"collections":[]}"#).is_err());
    }
}
