//! The data directory lock: one writer (update, first-use download, clear) at a time.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = ".attck.lock";

/// How long a writer waits for another before giving up.
pub const WAIT_LIMIT: Duration = Duration::from_secs(600);

/// Held while writing to the data directory; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

fn open(dir: &Path) -> Result<(File, PathBuf)> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    Ok((file, path))
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
        drop(held);
        let _again = lock(dir.path(), Duration::from_millis(250), &mut |_| {}).unwrap();
    }
}
