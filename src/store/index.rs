//! MITRE's `index.json`: every domain's published versions (the copy fetched last is kept in
//! the data directory as `index.json`).

use std::path::Path;

use anyhow::{Result, anyhow};
use serde::Deserialize;

use crate::ids::{Domain, Version};

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
    /// Entries left out because their version or file name is not one attck accepts
    /// (each described in one line, control characters escaped).
    pub skipped: Vec<String>,
}

/// Whether `name` is a version as an index may publish it: `\d+(\.\d+)*`, optionally
/// followed by `-` and lower-case letters or digits (`11.0-beta`). Such a name holds no
/// path separator, no `..` and nothing outside ASCII.
#[must_use]
pub fn is_published_version(name: &str) -> bool {
    let (release, tag) = match name.split_once('-') {
        Some((r, t)) => (r, Some(t)),
        None => (name, None),
    };
    name.len() <= 32
        && release.parse::<Version>().is_ok()
        && tag.is_none_or(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether `file` is a bundle file name as MITRE publishes them:
/// `(enterprise|mobile|ics)-attack(-<version>)?.json`, the version as [`is_published_version`].
#[must_use]
pub fn is_bundle_file_name(file: &str) -> bool {
    let Some(stem) = file.strip_suffix(".json") else {
        return false;
    };
    Domain::ALL.into_iter().any(|d| {
        stem.strip_prefix(d.stix_name()).is_some_and(|rest| {
            rest.is_empty() || rest.strip_prefix('-').is_some_and(is_published_version)
        })
    })
}

impl Index {
    /// Parses `index.json`; collections that name no known domain are skipped.
    pub fn parse(bytes: &[u8]) -> Result<Index> {
        let raw: RawIndex =
            serde_json::from_slice(bytes).map_err(|e| anyhow!("not an ATT&CK index.json ({e})"))?;
        let mut domains: Vec<(Domain, Vec<Published>)> = Vec::new();
        let mut skipped = Vec::new();
        for mut c in raw.collections {
            // A hostile or broken mirror may name versions or files that would be paths
            // (`../../x`, `/etc/x`, `a\b`, NUL): such entries are left out, and said so.
            c.versions.retain(|v| {
                let file = v.url.rsplit('/').next().unwrap_or_default();
                let ok = is_published_version(&v.version)
                    && (v.url.is_empty() || is_bundle_file_name(file));
                if !ok {
                    skipped.push(format!(
                        "index.json: ignored the entry with version {:?} and URL {:?} (not a version and bundle file name attck accepts)",
                        v.version, v.url
                    ));
                }
                ok
            });
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
        Ok(Index { domains, skipped })
    }

    /// Reads the kept copy in `dir`; `None` when absent, damaged, larger than 16 MiB or not a
    /// regular file.
    #[must_use]
    pub fn read_kept(dir: &Path) -> Option<Index> {
        let bytes = super::read_own_small(&dir.join(INDEX_FILE), 16 << 20)?;
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

    #[test]
    fn names_that_could_be_paths_are_skipped_with_a_note() {
        let ix = Index::parse(
            br#"{"collections":[{"name":"ICS ATT&CK","versions":[
                {"version":"18.1","url":"https://x/ics-attack/ics-attack-18.1.json"},
                {"version":"../../x","url":"https://x/ics-attack/ics-attack-1.json"},
                {"version":"/etc/passwd","url":""},
                {"version":"1.0\\..\\x","url":""},
                {"version":"2.0\u0000","url":""},
                {"version":"..","url":""},
                {"version":"3.0","url":"https://x/ics-attack/../../evil.json"},
                {"version":"4.0","url":"https://x/ics-attack/ics-attack-4.0.json%00.txt"},
                {"version":"5.0","url":"https://x/ics-attack/ics-attack-..json"}]}]}"#,
        )
        .unwrap();
        let names: Vec<&str> = ix
            .versions(Domain::Ics)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["18.1"]);
        assert_eq!(ix.skipped.len(), 8, "{:?}", ix.skipped);
        assert!(
            ix.skipped
                .iter()
                .all(|s| s.starts_with("index.json: ignored"))
        );
        // Control characters are escaped in the note.
        assert!(ix.skipped.iter().all(|s| !s.contains('\0')));
        // Nothing valid at all is still an error.
        assert!(
            Index::parse(br#"{"collections":[{"name":"ICS ATT&CK","versions":[{"version":"../x","url":""}]}]}"#)
                .unwrap()
                .versions(Domain::Ics)
                .is_empty()
        );
    }

    #[test]
    fn version_and_file_name_patterns() {
        for ok in ["18.1", "1", "11.0-beta", "2.0.3"] {
            assert!(is_published_version(ok), "{ok}");
        }
        for bad in [
            "", "..", "1..2", "1.", ".1", "1/2", "1\\2", "a", "1.0-", "1.0-Beta", "1.0-../x",
            "1.0\0",
        ] {
            assert!(!is_published_version(bad), "{bad}");
        }
        for ok in [
            "enterprise-attack.json",
            "ics-attack-18.1.json",
            "mobile-attack-11.0-beta.json",
        ] {
            assert!(is_bundle_file_name(ok), "{ok}");
        }
        for bad in [
            "attack.json",
            "ics-attack-.json",
            "ics-attack-..json",
            "ics-attack-x.json",
            "pre-attack-1.0.json",
            "ics-attack-1.0.json.txt",
            "enterprise-attack-notes-1.0.json",
        ] {
            assert!(!is_bundle_file_name(bad), "{bad}");
        }
    }
}
