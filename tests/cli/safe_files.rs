//! The files attck writes: owner-only modes, directories it creates 0700, no writing through a
//! symbolic link planted at a path it writes, and `data clear` removing only its own files.
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
