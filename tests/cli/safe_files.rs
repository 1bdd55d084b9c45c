//! The files attck writes: owner-only modes, directories it creates 0700, no writing through a
//! symbolic link planted at a path it writes, `data clear` removing only its own files, and
//! output files (`-o`, `--layer`) that are never redirected and never replace a FIFO or device.
#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, attck_in, run_with, sample_dir, sha256_file};

/// A home with nested (not yet existing) data and cache directories, and an outside
/// directory holding a file that must never change.
struct Home {
    home: tempfile::TempDir,
    outside: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let h = Home {
            home: tempfile::tempdir().unwrap(),
            outside: tempfile::tempdir().unwrap(),
        };
        std::fs::write(h.victim(), "not attck's\n").unwrap();
        h
    }

    fn dir(&self) -> PathBuf {
        self.home.path().join("a").join("data")
    }

    fn cache(&self) -> PathBuf {
        self.home.path().join("b").join("cache")
    }

    fn victim(&self) -> PathBuf {
        self.outside.path().join("victim.json")
    }

    fn cmd(&self) -> Command {
        let mut c = attck_in(self.home.path());
        c.env("ATTCK_DATA_DIR", self.dir())
            .env("ATTCK_CACHE_DIR", self.cache());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with(self.cmd(), args)
    }

    fn install(&self) -> Run {
        let from = sample_dir().join("ics-attack-1.0.json");
        self.run(&["update", "--from", from.to_str().unwrap()])
    }

    fn assert_victim_untouched(&self) {
        assert_eq!(
            std::fs::read_to_string(self.victim()).unwrap(),
            "not attck's\n",
            "the file outside was changed"
        );
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "attck-index"))
        .collect()
}

#[test]
fn files_are_owner_only_and_created_directories_0700() {
    let h = Home::new();
    let r = h.install();
    assert_eq!(r.code, 0, "{r:?}");
    let r = h.run(&["tactics", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    for d in [
        h.dir(),
        h.dir().parent().unwrap().to_path_buf(),
        h.cache(),
        h.cache().parent().unwrap().to_path_buf(),
    ] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
    }
    let bundle = h.dir().join("ics-attack-1.0.json");
    let caches = cache_files(&h.cache());
    assert_eq!(caches.len(), 1);
    for f in [
        bundle.clone(),
        h.dir().join("ics-attack-1.0.json.meta.json"),
        h.dir().join(".attck.lock"),
        caches[0].clone(),
    ] {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    assert_eq!(
        sha256_file(&bundle),
        sha256_file(&sample_dir().join("ics-attack-1.0.json"))
    );
}

#[test]
fn a_symlink_at_the_bundle_or_sidecar_path_is_replaced_not_written_through() {
    let h = Home::new();
    std::fs::create_dir_all(h.dir()).unwrap();
    let bundle = h.dir().join("ics-attack-1.0.json");
    let sidecar = h.dir().join("ics-attack-1.0.json.meta.json");
    symlink(h.victim(), &bundle).unwrap();
    symlink(h.victim(), &sidecar).unwrap();
    let r = h.install();
    assert_eq!(r.code, 0, "{r:?}");
    h.assert_victim_untouched();
    assert!(!is_link(&bundle) && !is_link(&sidecar));
    assert_eq!(
        sha256_file(&bundle),
        sha256_file(&sample_dir().join("ics-attack-1.0.json"))
    );
    assert_eq!(mode(&bundle), 0o600);
}

#[test]
fn a_symlink_to_a_device_at_the_bundle_path_is_not_read() {
    let h = Home::new();
    std::fs::create_dir_all(h.dir()).unwrap();
    let bundle = h.dir().join("ics-attack-1.0.json");
    // Reading through this link would never end.
    symlink("/dev/zero", &bundle).unwrap();
    let r = h.install();
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!is_link(&bundle));
    assert_eq!(
        sha256_file(&bundle),
        sha256_file(&sample_dir().join("ics-attack-1.0.json"))
    );
}

#[test]
fn a_symlink_at_the_lock_path_is_refused() {
    let h = Home::new();
    std::fs::create_dir_all(h.dir()).unwrap();
    symlink(h.victim(), h.dir().join(".attck.lock")).unwrap();
    let r = h.install();
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("attck: cannot open the lock file ")
            && r.stderr.contains("it is a symbolic link"),
        "{}",
        r.stderr
    );
    h.assert_victim_untouched();
    // Nothing installed beside the planted link.
    let names: Vec<String> = std::fs::read_dir(h.dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [".attck.lock"]);
    // `data clear` takes the same lock, so it refuses too.
    let r = h.run(&["data", "clear", "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    h.assert_victim_untouched();
}

#[test]
fn a_symlink_at_the_cache_path_is_replaced_not_written_through() {
    let h = Home::new();
    assert_eq!(h.install().code, 0);
    let r = h.run(&["tactics", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    let cache = cache_files(&h.cache()).pop().unwrap();
    std::fs::remove_file(&cache).unwrap();
    symlink(h.victim(), &cache).unwrap();
    let again = h.run(&["tactics", "--domain", "ics"]);
    assert_eq!((again.code, &again.stdout), (0, &r.stdout), "{again:?}");
    h.assert_victim_untouched();
    assert!(!is_link(&cache), "the cache was not rewritten");
    assert_eq!(mode(&cache), 0o600);
}

#[test]
fn data_clear_removes_only_what_attck_made() {
    let h = Home::new();
    assert_eq!(h.install().code, 0);
    assert_eq!(h.run(&["tactics", "--domain", "ics"]).code, 0);
    // Planted: a note, a directory (one with a bundle's name, too), and links to the outside
    // file, one with a bundle's name and one with a cache's.
    let planted = |dir: &Path, bundle_like: &str| -> Vec<PathBuf> {
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub").join("inner.json"), "{}").unwrap();
        std::fs::create_dir(dir.join("mobile-attack-3.0.json")).unwrap();
        symlink(h.victim(), dir.join("link.json")).unwrap();
        symlink(h.victim(), dir.join(bundle_like)).unwrap();
        [
            "notes.txt",
            "sub",
            "sub/inner.json",
            "mobile-attack-3.0.json",
            "link.json",
            bundle_like,
        ]
        .iter()
        .map(|n| dir.join(n))
        .collect()
    };
    let mut keep = planted(&h.dir(), "ics-attack-9.0.json");
    keep.extend(planted(&h.cache(), "x-0000000000000000.attck-index"));
    std::fs::write(h.dir().join("ics-attack-notes-2.0.json"), "{}").unwrap();
    keep.push(h.dir().join("ics-attack-notes-2.0.json"));

    let r = h.run(&["data", "clear", "--cache", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 1, "one cache file: {}", r.stdout);
    let r = h.run(&["data", "clear", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let removed: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        removed,
        [
            h.dir().join("ics-attack-1.0.json").to_str().unwrap(),
            h.dir()
                .join("ics-attack-1.0.json.meta.json")
                .to_str()
                .unwrap(),
        ]
    );
    for p in &keep {
        assert!(
            std::fs::symlink_metadata(p).is_ok(),
            "{} was removed",
            p.display()
        );
    }
    assert!(cache_files(&h.cache()).iter().all(|p| is_link(p)));
    assert!(!h.dir().join("ics-attack-1.0.json").exists());
    h.assert_victim_untouched();
    // The planted link with a bundle's name is not read as a bundle to remove, either way.
    assert!(is_link(&h.dir().join("ics-attack-9.0.json")));
}

/// The layer `attck layer --group G0903` writes for the sample (its stdout form).
fn sample_layer() -> String {
    let r = crate::common::sample(&["layer", "--group", "G0903"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"techniqueID\""));
    r.stdout
}

/// Whether this process runs as root (the owner of `/proc/self` is the effective user).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A hermetic `attck` command, run as the unprivileged user 65534 (`nobody`) through
/// `setpriv` when this test runs as root, so what a normal user gets is what is checked.
fn attck_as_user(home: &Path) -> Command {
    let plain = attck_in(home);
    if !running_as_root() {
        return plain;
    }
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
        env!("CARGO_BIN_EXE_attck"),
    ]);
    c.env_clear();
    for (k, v) in plain.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c
}

/// A temporary directory anyone may use (the test may drop to `nobody`).
fn open_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    d
}

fn layer_to(cmd: Command, out: &Path) -> Run {
    let data = sample_dir();
    run_with(
        cmd,
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "layer",
            "--group",
            "G0903",
            "-o",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn links_planted_at_predictable_temporary_names_never_redirect_an_output_file() {
    // A writer naming its temporary file `.NAME.PID.tmp` writes through a link planted at
    // that name. Plant links for the next few hundred process ids, run attck as root (the
    // worst case), and check the link targets: attck must never write through them.
    let dir = open_dir();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("someone-elses.json");
    std::fs::write(&victim, "not attck's\n").unwrap();
    let out = dir.path().join("layer.json");
    for attempt in 0..3 {
        let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let window = last + 1..last + 400;
        for p in window.clone() {
            let _ = symlink(&victim, dir.path().join(format!(".layer.json.{p}.tmp")));
        }
        let home = tempfile::tempdir().unwrap();
        let mut cmd = attck_in(home.path());
        let data = sample_dir();
        let child = cmd
            .args([
                "--data-dir",
                data.to_str().unwrap(),
                "layer",
                "--group",
                "G0903",
            ])
            .arg("-o")
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let r = child.wait_with_output().unwrap();
        assert_eq!(
            r.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&r.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "not attck's\n",
            "written through a link at a temporary name"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), sample_layer());
        assert!(!is_link(&out));
        if window.contains(&pid) {
            return;
        }
        eprintln!("attempt {attempt}: pid {pid} fell outside {window:?}; again");
    }
    panic!("attck never ran with a process id inside a planted window");
}

#[test]
fn a_fifo_output_gets_the_bytes_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = open_dir();
    let fifo = dir.path().join("layer.pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o666)).unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let home = open_dir();
    let r = layer_to(attck_as_user(home.path()), &fifo);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Checked before waiting for the reader, which a replaced FIFO would leave blocked.
    let t = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(t.is_fifo(), "{t:?}");
    assert_eq!(reader.join().unwrap(), sample_layer());
    // Nothing else was created beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_character_device_output_stays_a_device() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    // A node of the null device (1:3) made in a temporary directory, never the system's.
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    if !made.success() {
        assert!(!running_as_root(), "mknod failed as root");
        eprintln!("skipping: making a device node needs root");
        return;
    }
    let before = std::fs::symlink_metadata(&dev).unwrap();
    // As root, the case where replacing the node would do the most harm; `coverage --layer`
    // and `layer -o` share the writer.
    let home = tempfile::tempdir().unwrap();
    let r = layer_to(attck_in(home.path()), &dev);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = sample_dir();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "T1059\n").unwrap();
    let r = run_with(
        attck_in(home.path()),
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "coverage",
            ids.to_str().unwrap(),
            "--layer",
            dev.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = std::fs::symlink_metadata(&dev).unwrap();
    assert!(
        after.file_type().is_char_device(),
        "{:?}",
        after.file_type()
    );
    assert_eq!(after.rdev(), before.rdev());
    assert_eq!(after.ino(), before.ino(), "the same node, not a new one");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_link_to_proc_self_fd_1_writes_to_stdout() {
    // Run as root, the case where replacing the link's target would do harm. (As another
    // user, reopening a pipe that root made is refused by the kernel: the test's stdout pipe.)
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("stdout");
    symlink("/proc/self/fd/1", &link).unwrap();
    let home = tempfile::tempdir().unwrap();
    let r = layer_to(attck_in(home.path()), &link);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, sample_layer());
    assert!(is_link(&link), "the link is still a link");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
