//! The data directory lock: one writer (update, first-use download, clear) at a time.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = ".attck.lock";

/// How long a writer waits for another before giving up.
pub const WAIT_LIMIT: Duration = Duration::from_secs(600);

/// Held while writing to the data directory; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Opens (creating, owner-only) the lock file. Never through a symlink: one planted at the
/// lock's path is refused rather than followed, so attck cannot be made to create or open a
/// file elsewhere. The file is never truncated or written.
fn open(dir: &Path) -> Result<(File, PathBuf)> {
    let path = dir.join(LOCK_FILE);
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(&path).map_err(|e| {
        let symlink = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if symlink {
            anyhow!(
                "cannot open the lock file {}: it is a symbolic link (remove it; attck never writes through one)",
                path.display()
            )
        } else {
            anyhow!("cannot open the lock file {}: {e}", path.display())
        }
    })?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        bail!("the lock file {} is not a regular file", path.display());
    }
    Ok((file, path))
}

/// Whether another process holds the lock now (a running update). Creates nothing: no lock
/// file (or one that cannot be opened) is no lock held.
#[must_use]
pub fn is_held(dir: &Path) -> bool {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let Ok(file) = options.open(dir.join(LOCK_FILE)) else {
        return false;
    };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

/// Takes the lock, or fails at once naming the lock file when another process holds it.
pub fn try_lock(dir: &Path) -> Result<DirLock> {
    let (file, path) = open(dir)?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(TryLockError::WouldBlock) => bail!(
            "the data directory is busy: another attck is updating it (lock {})",
            path.display()
        ),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Takes the lock, waiting up to `limit` for another process; `waiting` is called once
/// when the wait begins.
pub fn lock(dir: &Path, limit: Duration, waiting: &mut dyn FnMut(&Path)) -> Result<DirLock> {
    let (file, path) = open(dir)?;
    let start = Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(DirLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                if !told {
                    waiting(&path);
                    told = true;
                }
                if start.elapsed() >= limit {
                    bail!(
                        "the data directory is busy: another attck has held {} for {} s",
                        path.display(),
                        limit.as_secs()
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_waits_or_is_told_busy() {
        let dir = tempfile::tempdir().unwrap();
        let held = try_lock(dir.path()).unwrap();
        let e = try_lock(dir.path()).unwrap_err();
        assert!(format!("{e:#}").contains("busy"), "{e:#}");
        let mut waited = 0;
        let e = lock(dir.path(), Duration::from_millis(250), &mut |_| waited += 1).unwrap_err();
        assert!(format!("{e:#}").contains("busy"));
        assert_eq!(waited, 1);
        assert!(is_held(dir.path()));
        drop(held);
        assert!(!is_held(dir.path()));
        let _again = lock(dir.path(), Duration::from_millis(250), &mut |_| {}).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_lock_path_is_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("victim");
        fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(LOCK_FILE)).unwrap();
        let e = try_lock(dir.path()).unwrap_err();
        assert!(format!("{e:#}").contains("symbolic link"), "{e:#}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        // A dangling link is not followed to create its target either.
        let missing = outside.path().join("created");
        fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
        std::os::unix::fs::symlink(&missing, dir.path().join(LOCK_FILE)).unwrap();
        assert!(try_lock(dir.path()).is_err());
        assert!(!missing.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let _held = try_lock(dir.path()).unwrap();
        let mode = fs::metadata(dir.path().join(LOCK_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
