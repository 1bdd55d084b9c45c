//! The metadata sidecar beside each installed bundle: `<bundle file>.meta.json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Where a bundle came from and what it was when installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    /// The URL it was downloaded from (`file://…` for `update --from`).
    pub source_url: String,
    /// The server's `ETag`, for conditional requests.
    #[serde(default)]
    pub etag: Option<String>,
    /// The server's `Last-Modified`, for conditional requests.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// sha256 of the installed file, lower-case hex.
    pub sha256: String,
    /// Size of the installed file in bytes.
    pub size: u64,
    /// The STIX domain name (`enterprise-attack`).
    pub domain: String,
    /// The ATT&CK version the bundle holds.
    pub attack_version: String,
    /// When it was fetched (RFC 3339, UTC).
    pub fetched: String,
    /// The attck version that installed it.
    pub attck_version: String,
}

/// The sidecar path for a bundle file.
#[must_use]
pub fn path_for(bundle: &Path) -> PathBuf {
    let mut name = bundle.file_name().unwrap_or_default().to_os_string();
    name.push(".meta.json");
    bundle.with_file_name(name)
}

/// Reads a bundle's sidecar; `None` when it is missing, unreadable, larger than 64 KiB or not
/// a regular file (a damaged sidecar only costs a full download next time).
#[must_use]
pub fn read(bundle: &Path) -> Option<Sidecar> {
    let bytes = super::read_own_small(&path_for(bundle), 64 * 1024)?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes the sidecar to a temporary file in the bundle's directory; [`Staged::commit`]
/// renames it into place.
pub fn stage(bundle: &Path, meta: &Sidecar) -> Result<Staged> {
    let dir = bundle.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".attck-meta-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let mut text = serde_json::to_vec_pretty(meta)?;
    text.push(b'\n');
    tmp.write_all(&text)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    Ok(Staged {
        tmp,
        target: path_for(bundle),
    })
}

/// A sidecar written but not yet in place.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// Renames the sidecar into place.
    pub fn commit(self) -> Result<()> {
        self.tmp
            .persist(&self.target)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("ics-attack-18.1.json");
        assert_eq!(
            path_for(&bundle),
            dir.path().join("ics-attack-18.1.json.meta.json")
        );
        assert!(read(&bundle).is_none());
        let meta = Sidecar {
            source_url: "http://127.0.0.1:1/ics-attack/ics-attack.json".into(),
            etag: Some("\"abc\"".into()),
            last_modified: None,
            sha256: "00".into(),
            size: 2,
            domain: "ics-attack".into(),
            attack_version: "18.1".into(),
            fetched: "2026-01-01T00:00:00Z".into(),
            attck_version: "0.1.0".into(),
        };
        stage(&bundle, &meta).unwrap().commit().unwrap();
        assert_eq!(read(&bundle), Some(meta.clone()));
        fs::write(path_for(&bundle), "{not json").unwrap();
        assert!(read(&bundle).is_none());
        // A link is not read, even to a good sidecar (or to a device that never ends).
        #[cfg(unix)]
        {
            let good = dir.path().join("good.json");
            stage(&good, &meta).unwrap().commit().unwrap();
            fs::remove_file(path_for(&bundle)).unwrap();
            std::os::unix::fs::symlink(path_for(&good), path_for(&bundle)).unwrap();
            assert!(read(&bundle).is_none());
            fs::remove_file(path_for(&bundle)).unwrap();
            std::os::unix::fs::symlink("/dev/zero", path_for(&bundle)).unwrap();
            assert!(read(&bundle).is_none());
        }
        // Nor is an oversized one.
        fs::remove_file(path_for(&bundle)).unwrap();
        fs::write(path_for(&bundle), vec![b' '; 65 * 1024]).unwrap();
        assert!(read(&bundle).is_none());
    }
}
