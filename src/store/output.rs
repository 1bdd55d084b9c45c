//! Writing the files the user asks for (`-o`, `--layer`): whole files by rename, devices and
//! FIFOs written straight through, and never through a name someone else could predict.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// What is at the path the user named.
enum Target {
    /// Nothing yet, or a symbolic link to nothing, or a link to a regular file (the rename
    /// replaces the link itself; what it points at is never written).
    Absent,
    /// A regular file, whose permission bits the new file keeps.
    File(fs::Permissions),
    /// A character device or a FIFO (directly or through a link, such as `/dev/stdout` or a
    /// link to `/proc/self/fd/1`): written straight through.
    Stream,
}

/// Sees what `path` is: only these are written to; anything else (a directory, a block
/// device, a socket) is refused.
fn classify(path: &Path) -> Result<Target> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Absent),
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    let resolved = if meta.file_type().is_symlink() {
        match fs::metadata(path) {
            Ok(m) if m.is_file() => return Ok(Target::Absent),
            Ok(m) => m,
            Err(_) => return Ok(Target::Absent),
        }
    } else {
        meta
    };
    if resolved.is_file() {
        return Ok(Target::File(resolved.permissions()));
    }
    if is_stream(resolved.file_type()) {
        return Ok(Target::Stream);
    }
    if resolved.is_dir() {
        bail!("cannot write {}: it is a directory", path.display());
    }
    bail!(
        "cannot write {}: it is not a regular file, a FIFO or a character device",
        path.display()
    )
}

#[cfg(unix)]
fn is_stream(t: fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    t.is_char_device() || t.is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_: fs::FileType) -> bool {
    false
}

/// Writes `bytes` to the file the user named.
///
/// A regular file (or a new one) is written whole: into a temporary file created exclusively,
/// under an unpredictable name, in the same directory (so no link planted there can redirect
/// the write), flushed to disk, then renamed over the target, so a reader never sees half a
/// file. A new file gets the usual mode (0666 less the umask); a replaced one keeps its mode.
/// A character device or FIFO (`-o /dev/stdout`, a named pipe) is opened and written straight
/// through, never replaced or truncated. Anything else is refused. Errors name the path.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    match classify(path)? {
        Target::Stream => write_through(path, bytes),
        Target::Absent => write_whole(path, bytes, None),
        Target::File(perms) => write_whole(path, bytes, Some(perms)),
    }
}

/// Writes into a device or FIFO, checking after opening that it still is one (a regular file
/// put there meanwhile is left alone: it was opened without truncating or creating).
fn write_through(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let meta = f
        .metadata()
        .with_context(|| format!("cannot write {}", path.display()))?;
    if !is_stream(meta.file_type()) {
        bail!(
            "cannot write {}: it changed while being opened",
            path.display()
        );
    }
    f.write_all(bytes)
        .and_then(|()| f.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a whole file through an exclusively created temporary file and a rename.
fn write_whole(path: &Path, bytes: &[u8], keep: Option<fs::Permissions>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("cannot write {}: not a file name", path.display()))?;
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with the mode a plain `open` would give (the umask applies).
        b.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = b
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let written = (|| -> std::io::Result<()> {
        if let Some(p) = keep {
            tmp.as_file().set_permissions(p)?;
        }
        tmp.write_all(bytes)?;
        tmp.flush()?;
        File::sync_all(tmp.as_file())
    })();
    written.with_context(|| format!("cannot write {}", tmp.path().display()))?;
    // Whatever appeared at the path meanwhile (a device, a FIFO) is not replaced.
    if let Target::Stream = classify(path)? {
        drop(tmp);
        return write_through(path, bytes);
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};

    #[test]
    fn a_link_planted_at_a_temporary_name_never_redirects_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "keep me").unwrap();
        let target = dir.path().join("out.json");
        // The name a writer using its process id would pick, and a few around it.
        let pid = std::process::id();
        for p in pid.saturating_sub(3)..=pid + 3 {
            symlink(&victim, dir.path().join(format!(".out.json.{p}.tmp"))).unwrap();
        }
        write_file(&target, b"{\"a\": 1}").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(fs::read(&target).unwrap(), b"{\"a\": 1}");
        assert!(fs::symlink_metadata(&target).unwrap().is_file());
        // Nothing is left behind but the links planted.
        let left = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 1 + 7);
    }

    #[test]
    fn new_files_get_the_usual_mode_and_replaced_ones_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.json");
        write_file(&new, b"1").unwrap();
        let mode = fs::metadata(&new).unwrap().permissions().mode() & 0o777;
        // 0666 less a umask, never the 0600 of a temporary file.
        assert_eq!(mode & 0o600, 0o600);
        assert_eq!(mode & 0o111, 0, "{mode:o}");
        let kept = dir.path().join("kept.json");
        fs::write(&kept, "old").unwrap();
        fs::set_permissions(&kept, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&kept, b"new").unwrap();
        assert_eq!(fs::read(&kept).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn a_link_at_the_target_is_replaced_unless_it_leads_to_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep me").unwrap();
        let link = dir.path().join("out.json");
        symlink(&victim, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(fs::symlink_metadata(&link).unwrap().is_file());
        // A dangling link is replaced too; nothing is created where it pointed.
        let dangling = dir.path().join("dangling.json");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        write_file(&dangling, b"x").unwrap();
        assert!(!dir.path().join("nowhere").exists());
        assert!(fs::symlink_metadata(&dangling).unwrap().is_file());
        // Directories are refused with the path named.
        let e = write_file(dir.path(), b"x").unwrap_err();
        assert!(format!("{e:#}").contains("is a directory"), "{e:#}");
        // A FIFO stays a FIFO and gets the bytes.
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_file(&fifo, b"through").unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
