//! Views of the data directory (`data path`, `data status`, `update --list`): built from what
//! the store lists, never from a loaded bundle, so they live beside their command rather
//! than in `query` (which never touches the file system).

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::ids::{Domain, Version};
use crate::query::layout::Detail;
use crate::query::{Cell, DetailView, TableRow, opt};
use crate::store::index::Index;
use crate::store::{InstalledBundle, time};

/// `1.5 MB`, `45.1 MB`, `820 B` (decimal units, as download tools print them).
#[must_use]
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

/// `attck data path`.
#[derive(Debug, Clone, Serialize)]
pub struct DataPathView {
    /// The data directory.
    pub path: String,
    /// What chose it: `flag` (--data-dir), `env` (`ATTCK_DATA_DIR`) or `default`.
    pub origin: &'static str,
    /// The same, as a user reads it.
    pub origin_description: &'static str,
}

/// The data directory and what chose it (`origin` is `flag`, `env` or `default`).
#[must_use]
pub fn data_path(dir: &Path, origin: &'static str, description: &'static str) -> DataPathView {
    DataPathView {
        path: dir.display().to_string(),
        origin,
        origin_description: description,
    }
}

/// Titled by the path itself, with one row saying what chose it.
impl DetailView for DataPathView {
    fn adjust(&self, detail: &mut Detail) {
        detail.title.clone_from(&self.path);
        detail.remove("path");
        detail.remove("origin");
        if let Some(f) = detail
            .fields
            .iter_mut()
            .find(|f| f.key == "origin_description")
        {
            f.label = "Chosen by".to_string();
        }
    }
}

/// One installed bundle (`attck data status`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatusRow {
    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    pub domain: String,
    /// The ATT&CK version (sidecar, else file name); absent for a hand-placed `<domain>.json`.
    pub attack_version: Option<String>,
    /// The bundle file.
    pub file: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was fetched (RFC 3339, UTC); absent when attck did not install it.
    pub fetched: Option<String>,
    /// Seconds since it was fetched.
    pub age_seconds: Option<u64>,
    /// Where it came from.
    pub source_url: Option<String>,
    /// Its sha256 when installed (from the sidecar).
    pub sha256: Option<String>,
    /// Its index cache, if one has been built.
    pub cache: Option<CacheInfo>,
}

/// An index cache file (`data status`).
#[derive(Debug, Clone, Serialize)]
pub struct CacheInfo {
    /// The cache file.
    pub file: String,
    /// Its size in bytes.
    pub size: u64,
    /// True when it matches the bundle as it is now (else it is rebuilt on the next query).
    pub fresh: bool,
}

/// The status rows of installed bundles, as of `now` (Unix seconds).
#[must_use]
pub fn status(installed: &[InstalledBundle], now: u64) -> Vec<StatusRow> {
    installed
        .iter()
        .map(|b| {
            let side = b.sidecar.as_ref();
            let fetched = side.map(|s| s.fetched.clone());
            let age_seconds = fetched
                .as_deref()
                .and_then(time::parse_rfc3339)
                .map(|t| now.saturating_sub(t));
            StatusRow {
                domain: b.file.domain.stix_name().to_string(),
                attack_version: b
                    .file
                    .version
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| side.map(|s| s.attack_version.clone())),
                file: b.file.path.display().to_string(),
                size: b.size,
                fetched,
                age_seconds,
                source_url: side.map(|s| s.source_url.clone()),
                sha256: side.map(|s| s.sha256.clone()),
                cache: None,
            }
        })
        .collect()
}

/// Domains whose newest installed version is older than the newest in the index:
/// (domain, newest installed, newest published).
#[must_use]
pub fn outdated(installed: &[InstalledBundle], index: &Index) -> Vec<(Domain, Version, Version)> {
    let mut out = Vec::new();
    for d in Domain::ALL {
        let newest = installed
            .iter()
            .filter(|b| b.file.domain == d)
            .filter_map(|b| b.file.version.clone())
            .max();
        if let (Some(have), Some(published)) = (newest, index.latest(d))
            && have < *published
        {
            out.push((d, have, published.clone()));
        }
    }
    out
}

impl TableRow for StatusRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "Domain", "Version", "File", "Size", "Fetched", "Age", "Cache",
        ]
    }

    fn cells(&self) -> Vec<Cell> {
        let file = Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned());
        vec![
            self.domain.as_str().into(),
            opt(self.attack_version.as_deref()).into(),
            file.into(),
            human_bytes(self.size).into(),
            self.fetched
                .as_deref()
                .map_or("-", |f| f.get(..10).unwrap_or(f))
                .into(),
            self.age_seconds
                .map_or_else(
                    || "-".to_string(),
                    |s| time::describe_age(Duration::from_secs(s)),
                )
                .into(),
            self.cache
                .as_ref()
                .map_or_else(
                    || "-".to_string(),
                    |c| {
                        format!(
                            "{} {}",
                            human_bytes(c.size),
                            if c.fresh { "fresh" } else { "stale" }
                        )
                    },
                )
                .into(),
        ]
    }
}

/// One published version (`attck update --list`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublishedRow {
    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    pub domain: String,
    /// The ATT&CK version.
    pub version: String,
    /// When MITRE published it (RFC 3339), when the index says.
    pub published: Option<String>,
    /// The newest version of its domain.
    pub latest: bool,
    /// Installed in the data directory.
    pub installed: bool,
}

/// Every published version of the given domains, newest first per domain.
#[must_use]
pub fn published(
    index: &Index,
    domains: &[Domain],
    installed: &[InstalledBundle],
) -> Vec<PublishedRow> {
    let mut rows = Vec::new();
    for &d in domains {
        let latest = index.latest(d);
        for p in index.versions(d) {
            rows.push(PublishedRow {
                domain: d.stix_name().to_string(),
                version: p.name.clone(),
                published: p.modified.clone(),
                latest: p.version.is_some() && p.version.as_ref() == latest,
                installed: p.version.as_ref().is_some_and(|v| {
                    installed
                        .iter()
                        .any(|b| b.file.domain == d && b.file.version.as_ref() == Some(v))
                }),
            });
        }
    }
    rows
}

impl TableRow for PublishedRow {
    fn headers() -> Vec<&'static str> {
        vec!["Domain", "Version", "Published", "Installed"]
    }

    fn cells(&self) -> Vec<Cell> {
        let mut version = Cell::from(self.version.as_str());
        if self.latest {
            version.note = Some("latest");
        }
        vec![
            self.domain.as_str().into(),
            version,
            self.published
                .as_deref()
                .map_or("", |p| p.get(..10).unwrap_or(p))
                .into(),
            if self.installed { "yes" } else { "" }.into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(820), "820 B");
        assert_eq!(human_bytes(45_104_833), "45.1 MB");
        assert_eq!(human_bytes(3_491_940), "3.5 MB");
        assert_eq!(human_bytes(2_000_000_000), "2.0 GB");
    }
}
