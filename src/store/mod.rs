//! The data directory: where bundles live on disk and how a domain's bundle is found;
//! downloads, atomic installs, sidecars and the lock live in the submodules, and so does
//! writing the files the user names (`output`).

pub mod cache_file;
pub mod download;
pub mod index;
pub mod lock;
pub mod output;
pub mod sidecar;
pub mod time;
pub mod update;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::Error;
use crate::ids::{Domain, Version};

/// A bundle file found in a data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// Full path of the file.
    pub path: PathBuf,
    /// The domain, from the file name.
    pub domain: Domain,
    /// The version in the file name; `None` for `<domain>.json` (the latest as published).
    pub version: Option<Version>,
}

/// Creates a directory attck owns (owner-only, 0700, when attck creates it); `what` names it
/// in the error.
pub fn ensure_private_dir(dir: &Path, what: &str) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .with_context(|| format!("cannot create the {what} {}", dir.display()))
}

// Limits on what attck reads, so a hostile or broken input costs a clear refusal instead of
// all the memory of the machine. Each is far above anything MITRE publishes.

/// The largest file attck reads from the user: a bundle, a layer, a Sigma rule, a technique
/// list or `map`'s text (stdin included). 256 MiB, about six times the 45 MB enterprise
/// bundle. Checked from the file's size before it is read or mapped.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The most objects (relationships included) one bundle may hold: 250,000, about ten times
/// the 25,000 of the enterprise bundle (refusing costs at most about 170 MB). Counted while
/// the `objects` array is parsed, so a bundle of millions of tiny objects is refused before
/// they are all held in memory.
pub const MAX_OBJECTS: usize = 250_000;

/// The error for a file over [`MAX_FILE_BYTES`].
fn too_large(what: &str, size: u64) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} is too large ({} MiB; attck reads files of at most {} MiB)",
        size.div_ceil(1 << 20),
        MAX_FILE_BYTES >> 20
    )
}

/// Reads a whole file the user named (not a bundle), refusing one over [`MAX_FILE_BYTES`]
/// before reading it. Errors name the path.
pub fn read_input_file(path: &Path) -> Result<Vec<u8>> {
    let file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(&path.display().to_string(), size));
    }
    read_capped(&mut &file, &path.display().to_string())
}

/// Reads a stream (stdin) to its end, refusing more than [`MAX_FILE_BYTES`]; `what` names it.
pub fn read_capped(reader: &mut dyn std::io::Read, what: &str) -> Result<Vec<u8>> {
    read_capped_at(reader, what, MAX_FILE_BYTES)
}

/// [`read_capped`] with the limit as a parameter, so tests need not produce 256 MiB.
fn read_capped_at(reader: &mut dyn std::io::Read, what: &str, limit: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    // One byte more than the limit tells "exactly at the limit" from "over it".
    std::io::Read::read_to_end(&mut std::io::Read::take(reader, limit + 1), &mut bytes)
        .with_context(|| format!("cannot read {what}"))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!(
            "{what} is too large (more than {} MiB; attck reads at most {} MiB)",
            limit >> 20,
            limit >> 20
        );
    }
    Ok(bytes)
}

/// Reads a whole bundle file into memory, naming the path on failure; refuses one over
/// [`MAX_FILE_BYTES`] before reading it.
///
/// A bundle is the user's file and may be rewritten in place while attck reads it (`cp new.json
/// enterprise-attack-18.1.json`), so it is read, never mapped: a mapped file that shrinks
/// kills the process with SIGBUS when a page past its new end is touched. A read that sees a
/// shortened or half-written file gets bytes that fail to parse: one error line.
pub fn read_bundle_bytes(path: &Path) -> Result<Vec<u8>> {
    let file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        anyhow::bail!("{} is a directory, not a bundle file", path.display());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(&path.display().to_string(), meta.len()));
    }
    // Capped as well: a file that grows after the size check is still refused.
    read_capped(&mut &file, &path.display().to_string())
}

/// Maps an index-cache file read-only, pre-faulting its pages.
///
/// Why `unsafe`: a warm query reads a few hundred kilobytes of a 9 MB cache; mapping it
/// costs a few milliseconds where reading it whole costs more than the rest of the lookup.
/// A mapping is undefined behaviour (SIGBUS, or bytes changing under a borrowed string) only
/// if the file is truncated or rewritten in place meanwhile. attck maps only the files it
/// writes itself, whole, by renaming a new file over the old one (leaving a mapped inode
/// intact); it never maps a user's file (bundles are read, see [`read_bundle_bytes`]). On any
/// mapping failure the caller rebuilds the cache.
#[allow(unsafe_code)]
fn map_file(file: &fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: see above; the map is read-only.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}

/// Every bundle file in `dir` for `domain`, sorted oldest version first
/// (`<domain>.json`, having no version in its name, sorts last).
pub fn bundles_in(dir: &Path, domain: Domain) -> Result<Vec<BundleFile>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read data directory {}", dir.display()));
        }
    };
    let stem = domain.stix_name();
    let mut found = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot read data directory {}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(stem) else {
            continue;
        };
        // Strictly `<domain>.json` or `<domain>-<version>.json`: `…-notes-1.0.json` is not ours.
        let version = if rest == ".json" {
            None
        } else {
            match rest
                .strip_prefix('-')
                .and_then(|r| r.strip_suffix(".json"))
                .and_then(|v| v.parse::<Version>().ok())
            {
                Some(v) => Some(v),
                None => continue,
            }
        };
        if entry.path().is_file() {
            found.push(BundleFile {
                path: entry.path(),
                domain,
                version,
            });
        }
    }
    found.sort_by(|a, b| match (&a.version, &b.version) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(found)
}

/// Picks the bundle for `domain` in `dir`: the named version (`17` is the newest 17.x
/// installed), else `<domain>.json`, else the highest `<domain>-<version>.json`.
pub fn find_bundle(dir: &Path, domain: Domain, version: Option<&Version>) -> Result<BundleFile> {
    let found = bundles_in(dir, domain)?;
    let pick = match version {
        Some(v) => found
            .iter()
            .find(|b| b.version.as_ref() == Some(v))
            .or_else(|| {
                found
                    .iter()
                    .rev()
                    .find(|b| b.version.as_ref().is_some_and(|have| v.covers(have)))
            }),
        None => found
            .iter()
            .find(|b| b.version.is_none())
            .or_else(|| found.last()),
    };
    if let Some(b) = pick {
        return Ok(b.clone());
    }
    let installed: Vec<String> = found
        .iter()
        .filter_map(|b| b.version.as_ref().map(ToString::to_string))
        .collect();
    Err(Error::NoData {
        domain,
        version: version.map(ToString::to_string),
        dir: dir.to_path_buf(),
        installed,
    }
    .into())
}

/// An installed bundle with what is known about it without reading it.
#[derive(Debug, Clone)]
pub struct InstalledBundle {
    /// The file.
    pub file: BundleFile,
    /// Its size in bytes.
    pub size: u64,
    /// Its sidecar, when attck installed it.
    pub sidecar: Option<sidecar::Sidecar>,
}

/// Every bundle in `dir` for the given domains, in domain order then oldest version first.
pub fn installed(dir: &Path, domains: &[Domain]) -> Result<Vec<InstalledBundle>> {
    let mut all = Vec::new();
    for &d in domains {
        for file in bundles_in(dir, d)? {
            let size = fs::metadata(&file.path)
                .with_context(|| format!("cannot read {}", file.path.display()))?
                .len();
            let sidecar = sidecar::read(&file.path);
            all.push(InstalledBundle {
                file,
                size,
                sidecar,
            });
        }
    }
    Ok(all)
}

/// Whether `path` is a regular file itself (a symbolic link, even to a file, is not).
#[must_use]
pub fn is_plain_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// Reads a small file attck keeps (a sidecar, the kept index): `None` unless it is a regular
/// file itself (a link planted there, say to a device that never ends, is not read) and at
/// most `max` bytes.
#[must_use]
pub fn read_own_small(path: &Path, max: u64) -> Option<Vec<u8>> {
    if !is_plain_file(path) {
        return None;
    }
    let file = fs::File::open(path).ok()?;
    read_capped_at(&mut &file, "", max).ok()
}

/// The files `data clear` removes: the domains' bundles (strictly `<domain>-attack.json` or
/// `<domain>-attack-<version>.json`) and their sidecars; for every domain also the kept
/// `index.json` and leftover temporary files (`.attck-*.part`). Only regular files: a
/// symbolic link, a directory or any other name in the directory is never touched.
pub fn clearable(dir: &Path, domains: &[Domain]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for b in installed(dir, domains)? {
        if !is_plain_file(&b.file.path) {
            continue;
        }
        let meta = sidecar::path_for(&b.file.path);
        files.push(b.file.path);
        if is_plain_file(&meta) {
            files.push(meta);
        }
    }
    if domains.len() == Domain::ALL.len() {
        let index = dir.join(index::INDEX_FILE);
        if is_plain_file(&index) {
            files.push(index);
        }
        if let Ok(entries) = fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(".attck-")
                    && name.ends_with(".part")
                    && e.file_type().is_ok_and(|t| t.is_file())
                {
                    files.push(e.path());
                }
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_version_wins_and_named_version_is_found() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "enterprise-attack-notes-99.0.json",
            "enterprise-attack-9.0.json",
            "enterprise-attack-18.1.json",
            "enterprise-attack-17.1.json",
            "enterprise-attack-x.json",
            "mobile-attack-18.1.json",
            "enterprise-attack-18.1.json.meta.json",
        ] {
            fs::write(dir.path().join(f), "{}").unwrap();
        }
        let b = find_bundle(dir.path(), Domain::Enterprise, None).unwrap();
        assert_eq!(b.version.unwrap().as_str(), "18.1");
        let v: Version = "9.0".parse().unwrap();
        let b = find_bundle(dir.path(), Domain::Enterprise, Some(&v)).unwrap();
        assert!(b.path.ends_with("enterprise-attack-9.0.json"));
        assert!(find_bundle(dir.path(), Domain::Ics, None).is_err());
        let v: Version = "16.0".parse().unwrap();
        assert!(find_bundle(dir.path(), Domain::Enterprise, Some(&v)).is_err());
    }

    #[test]
    fn reads_over_the_limit_are_refused() {
        let data = vec![b'x'; 2 << 20];
        assert_eq!(
            read_capped_at(&mut &data[..], "stdin", 2 << 20)
                .unwrap()
                .len(),
            2 << 20
        );
        let err = read_capped_at(&mut &data[..], "stdin", 1 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stdin is too large (more than 1 MiB; attck reads at most 1 MiB)"
        );
    }

    #[test]
    fn unversioned_latest_is_preferred() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("ics-attack-17.1.json"), "{}").unwrap();
        fs::write(dir.path().join("ics-attack.json"), "{}").unwrap();
        let b = find_bundle(dir.path(), Domain::Ics, None).unwrap();
        assert!(b.version.is_none());
    }

    #[cfg(unix)]
    #[test]
    fn clearable_is_only_our_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("x.json");
        fs::write(&target, "{}").unwrap();
        for f in [
            "ics-attack-1.0.json",
            "ics-attack-1.0.json.meta.json",
            "index.json",
            ".attck-download-abc.part",
            "ics-attack-notes-1.0.json",
            "notes.txt",
        ] {
            fs::write(dir.path().join(f), "{}").unwrap();
        }
        fs::create_dir(dir.path().join("ics-attack-2.0.json")).unwrap();
        fs::create_dir(dir.path().join(".attck-dir.part")).unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("ics-attack-3.0.json")).unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(".attck-link.part")).unwrap();
        let mut names: Vec<String> = clearable(dir.path(), &Domain::ALL)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".attck-download-abc.part",
                "ics-attack-1.0.json",
                "ics-attack-1.0.json.meta.json",
                "index.json"
            ]
        );
    }
}
