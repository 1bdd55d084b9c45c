//! Installing bundles: download (or copy from a file) into a temporary file in the data
//! directory, validate, then rename into place with its sidecar, under the directory lock.
//! Any failure leaves what was installed before untouched.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use super::download::{Client, Conditional, Fetched, Progress, sha256};
use super::index::{INDEX_FILE, Index};
use super::lock::{self, WAIT_LIMIT};
use super::sidecar::{self, Sidecar};
use super::time;
use crate::ids::{Domain, Version};

/// MITRE's attack-stix-data repository, where bundles are published.
pub const DEFAULT_SOURCE: &str =
    "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master";

/// Where bundles are downloaded from: `<base>/<domain>/<domain>[-<V>].json`, `<base>/index.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    base: String,
}

impl Source {
    /// A source rooted at `base` (trailing slashes ignored).
    #[must_use]
    pub fn new(base: &str) -> Source {
        Source {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// The base URL.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The latest bundle of a domain.
    #[must_use]
    pub fn latest_url(&self, d: Domain) -> String {
        format!("{}/{}/{}.json", self.base, d.stix_name(), d.stix_name())
    }

    /// A named version of a domain's bundle.
    #[must_use]
    pub fn version_url(&self, d: Domain, v: &Version) -> String {
        format!("{}/{}/{}-{v}.json", self.base, d.stix_name(), d.stix_name())
    }

    /// Whether requests to this source travel as plain http to a host other than this
    /// machine (127.0.0.0/8, `::1`, `localhost`), where anyone on the way can read or alter them.
    #[must_use]
    pub fn is_remote_plain_http(&self) -> bool {
        is_remote_plain_http(&self.base)
    }

    /// The index of every domain's versions.
    #[must_use]
    pub fn index_url(&self) -> String {
        format!("{}/index.json", self.base)
    }
}

/// See [`Source::is_remote_plain_http`]; a URL that does not parse counts as remote.
#[must_use]
pub fn is_remote_plain_http(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return true;
    };
    if u.scheme() != "http" {
        return false;
    }
    let Some(host) = u.host_str() else {
        return true;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return !ip.is_loopback();
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    name != "localhost" && !name.ends_with(".localhost")
}

/// What the validator learned from a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The domain the bundle holds.
    pub domain: Domain,
    /// The ATT&CK version it declares (or its name shows), if any.
    pub version: Option<String>,
}

/// Parses bundle bytes (the name is a hint for the version and domain when the bundle does
/// not say). Supplied by the caller, so the store does not depend on the model.
pub type Validator<'a> = &'a dyn Fn(&[u8], &Path) -> Result<Validated>;

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// A new or changed bundle is in place.
    New {
        /// The domain.
        domain: Domain,
        /// The ATT&CK version.
        version: Version,
        /// The installed file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// Bytes received (compressed, when gzip); 0 for `--from`.
        wire_bytes: u64,
        /// Transfer time.
        elapsed: Duration,
    },
    /// The same bundle was already installed.
    UpToDate {
        /// The domain.
        domain: Domain,
        /// The ATT&CK version.
        version: String,
        /// The installed file.
        path: PathBuf,
    },
}

/// Creates the data directory (owner-only when attck creates it).
pub fn ensure_dir(dir: &Path) -> Result<()> {
    super::ensure_private_dir(dir, "data directory")
}

/// How the temporary files of downloads and installs are named in the data directory:
/// `.attck-download-<random>.part`.
pub const PARTIAL_PREFIX: &str = ".attck-download-";
/// See [`PARTIAL_PREFIX`].
pub const PARTIAL_SUFFIX: &str = ".part";

/// The temporary files this process is writing now, so that an interruption can remove them
/// (see [`remove_in_flight`]).
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Keeps a temporary file's path in [`IN_FLIGHT`] while it lives.
struct InFlight(PathBuf);

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|p| p != &self.0);
    }
}

/// Removes the temporary files this process is writing (a download cut off half way), for
/// a process about to die of a signal. Files already renamed into place are not touched.
pub fn remove_in_flight() {
    for p in IN_FLIGHT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        let _ = fs::remove_file(p);
    }
}

fn temp_in(dir: &Path) -> Result<(tempfile::NamedTempFile, InFlight)> {
    let tmp = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .suffix(PARTIAL_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let path = tmp.path().to_path_buf();
    IN_FLIGHT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.clone());
    Ok((tmp, InFlight(path)))
}

/// The temporary download files in `dir`, with their sizes: regular files only, by exact
/// name pattern. Every download writes one while it holds the directory lock, so when no
/// process holds the lock, those found are leftovers of an interrupted update.
#[must_use]
pub fn partials(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, u64)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX)
        })
        .filter_map(|e| {
            let m = fs::symlink_metadata(e.path()).ok()?;
            m.file_type().is_file().then(|| (e.path(), m.len()))
        })
        .collect();
    found.sort();
    found
}

/// Removes the leftovers of interrupted updates; the caller holds the directory lock, so no
/// live update is writing them. Tells `progress` what went.
fn sweep_partials(dir: &Path, progress: &mut dyn Progress) {
    let (mut files, mut bytes) = (0, 0);
    for (p, size) in partials(dir) {
        if fs::remove_file(&p).is_ok() {
            files += 1;
            bytes += size;
        }
    }
    if files > 0 {
        progress.swept(files, bytes);
    }
}

/// The sidecar validators of an installed bundle downloaded from `url`, if its file is intact
/// as far as its size shows (a hand-edited file gets a full download).
fn previous(dir: &Path, domain: Domain, url: &str) -> Option<(PathBuf, Sidecar)> {
    super::bundles_in(dir, domain)
        .ok()?
        .into_iter()
        .filter_map(|b| sidecar::read(&b.path).map(|s| (b.path, s)))
        .find(|(p, s)| s.source_url == url && fs::metadata(p).is_ok_and(|m| m.len() == s.size))
}

/// Downloads a domain's latest bundle (or `version`) into `dir`.
pub fn download(
    client: &Client,
    source: &Source,
    dir: &Path,
    domain: Domain,
    version: Option<&Version>,
    validate: Validator,
    progress: &mut dyn Progress,
) -> Result<Installed> {
    ensure_dir(dir)?;
    let _lock = lock::lock(dir, WAIT_LIMIT, &mut |p| progress.waiting_for_lock(p))?;
    sweep_partials(dir, progress);
    let url = match version {
        Some(v) => source.version_url(domain, v),
        None => source.latest_url(domain),
    };
    let prev = previous(dir, domain, &url);
    let cond = prev.as_ref().map(|(_, s)| Conditional {
        etag: s.etag.clone(),
        last_modified: s.last_modified.clone(),
    });
    let (mut tmp, _in_flight) = temp_in(dir)?;
    let body = match client.get_to_file(&url, cond.as_ref(), tmp.as_file_mut(), progress)? {
        Fetched::NotModified => {
            let (path, s) = prev.ok_or_else(|| anyhow!("{url}: unexpected 304 Not Modified"))?;
            return Ok(Installed::UpToDate {
                domain,
                version: s.attack_version,
                path,
            });
        }
        Fetched::Body(b) => b,
    };
    let bytes = fs::read(tmp.path())
        .with_context(|| format!("cannot read back {}", tmp.path().display()))?;
    let hint = url.rsplit('/').next().unwrap_or_default();
    let found = validate(&bytes, Path::new(hint)).map_err(|e| anyhow!("{url}: {e:#}"))?;
    drop(bytes);
    if found.domain != domain {
        bail!(
            "{url}: the bundle holds {}, not the {domain} asked for",
            found.domain
        );
    }
    let attack_version = match (found.version, version) {
        (Some(f), Some(v)) if f != v.as_str() => {
            bail!("{url}: the bundle holds ATT&CK {f}, not the {v} asked for")
        }
        (Some(f), _) => f,
        (None, Some(v)) => v.to_string(),
        // The latest bundle does not say its version: the index does.
        (None, None) => fetch_index_locked(client, source, dir)
            .ok()
            .and_then(|ix| ix.latest(domain).map(ToString::to_string))
            .ok_or_else(|| {
                anyhow!("{url}: the bundle does not say its ATT&CK version, nor does the index")
            })?,
    };
    let meta = Sidecar {
        source_url: url.clone(),
        etag: body.etag,
        last_modified: body.last_modified,
        sha256: body.sha256,
        size: body.size,
        domain: domain.stix_name().to_string(),
        attack_version,
        fetched: time::format_rfc3339(time::now_unix()),
        attck_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    place(dir, domain, tmp, &meta, body.wire_bytes, body.elapsed)
        .map_err(|e| anyhow!("{url}: {e:#}"))
}

/// Installs a bundle the user already has (`update --from FILE`), validated the same way.
pub fn install_file(
    dir: &Path,
    from: &Path,
    domain: Option<Domain>,
    version: Option<&Version>,
    validate: Validator,
    progress: &mut dyn Progress,
) -> Result<Installed> {
    let bytes = super::read_bundle_bytes(from)?;
    let found = validate(&bytes, from).map_err(|e| anyhow!("{}: {e:#}", from.display()))?;
    if let Some(d) = domain
        && d != found.domain
    {
        bail!(
            "{}: the bundle holds {}, not the {d} asked for",
            from.display(),
            found.domain
        );
    }
    let attack_version = match (found.version, version) {
        (Some(f), Some(v)) if f != v.as_str() => bail!(
            "{}: the bundle holds ATT&CK {f}, not the {v} asked for",
            from.display()
        ),
        (Some(f), _) => f,
        (None, Some(v)) => v.to_string(),
        (None, None) => bail!(
            "{}: the bundle does not say its ATT&CK version; name it with --attack-version",
            from.display()
        ),
    };
    ensure_dir(dir)?;
    let _lock = lock::lock(dir, WAIT_LIMIT, &mut |p| progress.waiting_for_lock(p))?;
    sweep_partials(dir, progress);
    let (mut tmp, _in_flight) = temp_in(dir)?;
    {
        use std::io::Write;
        let f = tmp.as_file_mut();
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    }
    let abs = fs::canonicalize(from).unwrap_or_else(|_| from.to_path_buf());
    let meta = Sidecar {
        source_url: format!("file://{}", abs.display()),
        etag: None,
        last_modified: None,
        sha256: sha256(&bytes),
        size: bytes.len() as u64,
        domain: found.domain.stix_name().to_string(),
        attack_version,
        fetched: time::format_rfc3339(time::now_unix()),
        attck_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    place(dir, found.domain, tmp, &meta, 0, Duration::ZERO)
}

/// Renames a validated temporary file into `<domain>-<version>.json` and writes its sidecar;
/// an identical installed file is kept (only its sidecar is refreshed).
fn place(
    dir: &Path,
    domain: Domain,
    tmp: tempfile::NamedTempFile,
    meta: &Sidecar,
    wire_bytes: u64,
    elapsed: Duration,
) -> Result<Installed> {
    let version: Version = meta
        .attack_version
        .parse()
        .map_err(|e: String| anyhow!(e))?;
    let path = dir.join(format!("{}-{version}.json", domain.stix_name()));
    // Only a regular file is compared: a link planted there (to a device that never ends,
    // say) is not read, and the rename below replaces the link itself.
    let same =
        super::is_plain_file(&path) && fs::read(&path).is_ok_and(|b| sha256(&b) == meta.sha256);
    let staged = sidecar::stage(&path, meta)?;
    if same {
        staged.commit()?;
        return Ok(Installed::UpToDate {
            domain,
            version: version.to_string(),
            path,
        });
    }
    tmp.persist(&path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot install {}", path.display()))?;
    staged.commit()?;
    Ok(Installed::New {
        domain,
        version,
        path,
        size: meta.size,
        wire_bytes,
        elapsed,
    })
}

/// Fetches `index.json`, keeps a copy in `dir` (atomically, under the directory lock) and
/// returns it parsed.
pub fn fetch_index(client: &Client, source: &Source, dir: &Path) -> Result<Index> {
    ensure_dir(dir)?;
    let _lock = lock::lock(dir, WAIT_LIMIT, &mut |_| {})?;
    fetch_index_locked(client, source, dir)
}

/// [`fetch_index`] for a caller holding the lock.
fn fetch_index_locked(client: &Client, source: &Source, dir: &Path) -> Result<Index> {
    let url = source.index_url();
    let (mut tmp, _in_flight) = temp_in(dir)?;
    let mut silent = super::download::Silent;
    if let Fetched::NotModified = client.get_to_file(&url, None, tmp.as_file_mut(), &mut silent)? {
        bail!("{url}: unexpected 304 Not Modified");
    }
    let bytes = fs::read(tmp.path())
        .with_context(|| format!("cannot read back {}", tmp.path().display()))?;
    let index = Index::parse(&bytes).map_err(|e| anyhow!("{url}: {e:#}"))?;
    let target = dir.join(INDEX_FILE);
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_flagged_unless_it_stays_on_this_machine() {
        for remote in [
            "http://192.0.2.1/mirror",
            "http://mirror.example",
            "http://10.0.0.1:8080",
            "http://[2001:db8::1]/",
            "http://localhost.example.com/",
            "not a url",
        ] {
            assert!(is_remote_plain_http(remote), "{remote}");
        }
        for local in [
            "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master",
            "https://192.0.2.1/",
            "http://127.0.0.1:8080",
            "http://127.200.3.4/x",
            "http://[::1]:9/",
            "http://localhost/",
            "http://LOCALHOST.:80/",
            "http://mirror.localhost/",
        ] {
            assert!(!is_remote_plain_http(local), "{local}");
        }
        assert!(Source::new("http://192.0.2.1/").is_remote_plain_http());
        assert!(!Source::new(DEFAULT_SOURCE).is_remote_plain_http());
    }
}
