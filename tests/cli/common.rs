//! Shared helpers: run the real binary hermetically, find the sample and real data.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use attck_explorer::model::{Domain, KnowledgeBase};

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout parsed as JSON into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not the expected JSON ({e}):\n{}", self.stdout))
    }
}

/// The hand-written sample bundles.
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

/// A command for the binary with a clean environment: no ATTCK_* variables, no colour,
/// HOME and XDG dirs pointing into `home` so nothing outside the test is read or written.
/// Offline, with the source URL a closed loopback port, so no test can reach the network by
/// accident: download tests opt in with [`online`].
pub fn attck_in(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_attck"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .env("ATTCK_OFFLINE", "1")
        .env("ATTCK_SOURCE_URL", "http://127.0.0.1:9")
        .stdin(Stdio::null());
    c
}

/// Lets a hermetic command download, from the loopback `base` only.
pub fn online(mut cmd: Command, base: &str) -> Command {
    cmd.env_remove("ATTCK_OFFLINE")
        .env("ATTCK_SOURCE_URL", base)
        .env("ATTCK_HTTP_TIMEOUT_SECS", "30");
    cmd
}

/// sha256 of a file, computed here independently of attck's own hashing.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sha2::Sha256::digest(&bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Every file in a directory (name -> sha256), to prove a failure changed nothing.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        sha256_file(&e.path()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the binary with `args` in a fresh temporary home.
pub fn run(args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    run_with(attck_in(home.path()), args)
}

/// Runs a prepared command with `args`.
pub fn run_with(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd.args(args).output().expect("the attck binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the binary against the sample data directory.
pub fn sample(args: &[&str]) -> Run {
    let dir = sample_dir();
    let mut v = vec!["--data-dir", dir.to_str().unwrap()];
    v.extend_from_slice(args);
    run(&v)
}

/// The directory a real-data variable names, when `holds` accepts it.
///
/// Returns `None` (the test then skips with a message) when the variable is not set or the
/// directory lacks what it should hold, unless `ATTCK_REQUIRE_REAL_DATA=1`, in which case the
/// test fails: CI must never skip silently.
fn real_dir(var: &str, what: &str, holds: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let dir = std::env::var_os(var).map(PathBuf::from);
    let required = std::env::var("ATTCK_REQUIRE_REAL_DATA").is_ok_and(|v| v == "1");
    match dir {
        Some(d) if holds(&d) => Some(d),
        other => {
            assert!(
                !required,
                "ATTCK_REQUIRE_REAL_DATA=1 but {var} ({other:?}) holds no {what}"
            );
            eprintln!("skipping: set {var} to the directory of {what}");
            None
        }
    }
}

/// The directory of real ATT&CK bundles, from `ATTCK_TEST_DATA` (see [`real_dir`]).
pub fn real_data() -> Option<PathBuf> {
    real_dir("ATTCK_TEST_DATA", "real ATT&CK bundles", |d| {
        d.join("enterprise-attack-18.1.json").is_file()
    })
}

/// The directory of real detection-content samples, from `ATTCK_TEST_DETECTIONS` (see
/// [`real_dir`]).
pub fn real_detections() -> Option<PathBuf> {
    real_dir("ATTCK_TEST_DETECTIONS", "detection samples", |d| {
        d.join("splunk").is_dir() && d.join("atomic").is_dir()
    })
}

/// Our own hand-written rule files of every format (tests/cli/data/rules).
pub fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/data/rules")
}

/// Loads (once per test process) a real bundle by file name.
pub fn real_kb(file: &str) -> Option<Arc<KnowledgeBase>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<KnowledgeBase>>>> = OnceLock::new();
    let dir = real_data()?;
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(kb) = map.get(file) {
        return Some(kb.clone());
    }
    let kb = Arc::new(
        attck_explorer::load::parse_bundle(&dir.join(file), None::<Domain>)
            .expect("real bundle loads"),
    );
    map.insert(file.to_string(), kb.clone());
    Some(kb)
}

/// Runs the binary against the real data directory; `None` when it is absent.
///
/// Real-data runs share one index-cache directory per test process, so the 45 MB enterprise
/// bundle is parsed once and later runs take the cache path (which the cache tests check
/// answers exactly as a parse does).
pub fn real(args: &[&str]) -> Option<Run> {
    static SHARED: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = real_data()?;
    let caches = SHARED.get_or_init(|| tempfile::tempdir().unwrap());
    let mut v = vec!["--data-dir", dir.to_str().unwrap()];
    v.extend_from_slice(args);
    let home = tempfile::tempdir().unwrap();
    let mut cmd = attck_in(home.path());
    cmd.env("ATTCK_CACHE_DIR", caches.path());
    Some(run_with(cmd, &v))
}

/// Runs the binary against the sample data directory with `stdin` as its standard input.
pub fn sample_stdin(args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let home = tempfile::tempdir().unwrap();
    let dir = sample_dir();
    let mut cmd = attck_in(home.path());
    cmd.arg("--data-dir")
        .arg(&dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the attck binary runs");
    // A binary that fails before reading stdin closes it; that is for the test to judge.
    let _ = child.stdin.take().expect("stdin is piped").write_all(stdin);
    let out = child.wait_with_output().expect("the attck binary finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Loads a hand-written sample bundle in-process.
pub fn sample_kb(file: &str) -> KnowledgeBase {
    attck_explorer::load::parse_bundle(&sample_dir().join(file), None::<Domain>)
        .expect("sample bundle loads")
}
