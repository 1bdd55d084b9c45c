//! Index cache files on disk: naming, identifying the bundle a cache belongs to, mapping a
//! cache for the rest of the process, and writing one atomically. The format itself is in
//! `model::cache_format`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};

/// File name extension of index caches.
pub const EXT: &str = "attck-index";

pub use crate::ids::SourceId;

/// Identifies a bundle file (`None` when it cannot be read or its path is not UTF-8).
#[must_use]
pub fn identify(bundle: &Path) -> Option<SourceId> {
    let canonical = fs::canonicalize(bundle).ok()?;
    let meta = fs::metadata(&canonical).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mtime_ns = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    let (ino, ctime_ns) = {
        use std::os::unix::fs::MetadataExt;
        (
            meta.ino(),
            i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        )
    };
    #[cfg(not(unix))]
    let (ino, ctime_ns) = (0, 0);
    Some(SourceId {
        path: canonical.to_str()?.to_string(),
        size: meta.len(),
        mtime_ns,
        ino,
        ctime_ns,
    })
}

/// 64-bit FNV-1a: a stable, dependency-free hash to tell caches of same-named bundles apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The cache file for a bundle: `<bundle stem>-<hash of its path>.attck-index`.
#[must_use]
pub fn path_for(cache_dir: &Path, id: &SourceId) -> PathBuf {
    let stem = Path::new(&id.path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("bundle");
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    cache_dir.join(format!("{safe}-{:016x}.{EXT}", fnv1a(id.path.as_bytes())))
}

/// Maps a cache file for the rest of the process (`None` when it is missing or unreadable).
///
/// The mapping is leaked on purpose: knowledge bases loaded from it borrow their strings
/// from it, and a command-line process loads one or two. Cache files are only ever replaced
/// by rename, never rewritten in place, so the mapped file cannot change under us.
#[must_use]
pub fn map_for_process(path: &Path) -> Option<&'static [u8]> {
    let file = fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let map = super::map_file(&file)?;
    let leaked: &'static memmap2::Mmap = Box::leak(Box::new(map));
    Some(&leaked[..])
}

/// The first `max` bytes of a file (for reading a cache header without mapping it).
#[must_use]
pub fn read_prefix(path: &Path, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(max)
        .read_to_end(&mut buf)
        .ok()?;
    Some(buf)
}

/// Writes a cache file atomically: a temporary file in the same directory, flushed to disk,
/// then renamed into place, so concurrent writers never leave a torn file (the last rename
/// wins, and both are whole) and a crash never leaves a renamed file whose blocks were not
/// written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    super::ensure_private_dir(dir, "cache directory")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".attck-index-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot rename into {}", path.display()))?;
    Ok(())
}

/// Every cache file in a directory, sorted by name.
pub fn list(cache_dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(cache_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", cache_dir.display()));
        }
    };
    // Regular files only: a symbolic link or directory with a cache-like name is not ours.
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == EXT)
                || p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(".attck-index-")
                        && Path::new(n).extension().is_some_and(|x| x == "part")
                })
        })
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_distinct() {
        let a = SourceId {
            path: "/a/enterprise-attack-18.1.json".into(),
            size: 1,
            mtime_ns: 1,
            ..SourceId::default()
        };
        let b = SourceId {
            path: "/b/enterprise-attack-18.1.json".into(),
            size: 1,
            mtime_ns: 1,
            ..SourceId::default()
        };
        let pa = path_for(Path::new("/c"), &a);
        assert_eq!(pa, path_for(Path::new("/c"), &a));
        assert_ne!(pa, path_for(Path::new("/c"), &b));
        let name = pa.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("enterprise-attack-18.1-") && name.ends_with(".attck-index"),
            "{name}"
        );
    }

    #[test]
    fn atomic_write_then_list_and_map() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("x.attck-index");
        write_atomic(&p, b"hello").unwrap();
        assert_eq!(
            list(&dir.path().join("sub")).unwrap(),
            std::slice::from_ref(&p)
        );
        assert_eq!(map_for_process(&p), Some(&b"hello"[..]));
        assert!(map_for_process(&dir.path().join("missing")).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn writes_are_owner_only_and_never_through_a_planted_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "keep me").unwrap();
        let dir = home.path().join("new").join("cache");
        let p = dir.join("x.attck-index");
        write_atomic(&p, b"first").unwrap();
        // Directories attck creates are 0700, its files 0600.
        for d in [home.path().join("new"), dir.clone()] {
            let mode = fs::metadata(&d).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", d.display());
        }
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // A symlink planted at the cache path is replaced, its target untouched.
        fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        write_atomic(&p, b"second").unwrap();
        assert!(!fs::symlink_metadata(&p).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&p).unwrap(), b"second");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        // Links are not listed as caches (so `data clear --cache` leaves them).
        std::os::unix::fs::symlink(&victim, dir.join("y.attck-index")).unwrap();
        assert_eq!(list(&dir).unwrap(), std::slice::from_ref(&p));
    }
}
