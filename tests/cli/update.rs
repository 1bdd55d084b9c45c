//! `attck update` against a loopback server: installs, conditional requests, retries, every
//! fault mode (each leaving earlier data byte for byte intact), `--list`, `--from`, the lock.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::common::{Run, attck_in, online, real_data, run_with, sha256_file, snapshot};
use crate::server::{Fault, Server, etag_of};

const ICS_LATEST: &str = "/ics-attack/ics-attack.json";

/// A test's world: the real data, a server over it, a home and a data directory.
struct World {
    data: PathBuf,
    server: Server,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> Option<World> {
        let data = real_data()?;
        let server = Server::start(&data);
        Some(World {
            data,
            server,
            home: tempfile::tempdir().unwrap(),
        })
    }

    fn dir(&self) -> PathBuf {
        self.home.path().join("attck-data")
    }

    fn cmd(&self) -> Command {
        let mut c = online(attck_in(self.home.path()), &self.server.base);
        c.env("ATTCK_DATA_DIR", self.dir());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with(self.cmd(), args)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    /// Installs ICS 18.1 and returns the directory snapshot.
    fn with_ics(&self) -> std::collections::BTreeMap<String, String> {
        let r = self.run(&["update", "--domain", "ics"]);
        assert_eq!(r.code, 0, "{r:?}");
        snapshot(&self.dir())
    }

    /// Asserts a failed update: exit 2, a last stderr line naming the URL and `cause`,
    /// and the data directory exactly as `before`.
    fn assert_failed(
        &self,
        r: &Run,
        url_path: &str,
        cause: &str,
        before: &std::collections::BTreeMap<String, String>,
    ) {
        assert_eq!(r.code, 2, "{r:?}");
        let last = r.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("attck: "), "{last}");
        assert!(last.contains(&self.url(url_path)), "{last}");
        assert!(last.contains(cause), "expected {cause:?} in {last}");
        assert_eq!(&snapshot(&self.dir()), before, "the data directory changed");
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    source_url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    sha256: String,
    size: u64,
    domain: String,
    attack_version: String,
    fetched: String,
    attck_version: String,
}

fn sidecar(path: &Path) -> Sidecar {
    let mut p = path.as_os_str().to_owned();
    p.push(".meta.json");
    serde_json::from_slice(&std::fs::read(PathBuf::from(p)).unwrap()).unwrap()
}

#[test]
fn update_installs_the_latest_with_a_sidecar() {
    let Some(w) = World::new() else { return };
    let r = w.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty());
    // Not a terminal: one summary line.
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("attck: installed ics-attack 18.1 ("),
        "{}",
        r.stderr
    );

    let file = w.dir().join("ics-attack-18.1.json");
    let original = w.data.join("ics-attack-18.1.json");
    assert_eq!(sha256_file(&file), sha256_file(&original));
    let meta = sidecar(&file);
    assert_eq!(meta.source_url, w.url(ICS_LATEST));
    assert_eq!(meta.sha256, sha256_file(&original));
    assert_eq!(meta.size, std::fs::metadata(&original).unwrap().len());
    assert_eq!(meta.domain, "ics-attack");
    assert_eq!(meta.attack_version, "18.1");
    assert_eq!(
        meta.etag.as_deref(),
        Some(etag_of(&std::fs::read(&original).unwrap()).as_str())
    );
    assert!(meta.last_modified.is_some());
    assert!(
        meta.fetched.ends_with('Z') && meta.fetched.len() == 20,
        "{}",
        meta.fetched
    );
    assert_eq!(meta.attck_version, env!("CARGO_PKG_VERSION"));

    let reqs = w.server.requests_for(ICS_LATEST);
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].headers.get("user-agent").map(String::as_str),
        Some(concat!("attck/", env!("CARGO_PKG_VERSION")))
    );
    assert!(reqs[0].gzip, "the body should travel gzip-encoded");
    // Only MITRE's layout is asked for, and only on the loopback server.
    assert!(
        w.server
            .log()
            .iter()
            .all(|l| l.path.starts_with("/ics-attack/"))
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.dir()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    // Nothing left behind but the bundle, its sidecar and the lock file.
    let names: Vec<String> = snapshot(&w.dir()).into_keys().collect();
    assert_eq!(
        names,
        [
            ".attck.lock",
            "ics-attack-18.1.json",
            "ics-attack-18.1.json.meta.json"
        ]
    );
}

#[test]
fn an_unchanged_bundle_is_not_downloaded_again() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    let r = w.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stderr, "attck: ics-attack 18.1 is up to date\n");
    let reqs = w.server.requests_for(ICS_LATEST);
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].status, 304);
    assert_eq!(
        reqs[1].headers.get("if-none-match"),
        sidecar(&w.dir().join("ics-attack-18.1.json")).etag.as_ref()
    );
    assert!(reqs[1].headers.contains_key("if-modified-since"));
    assert_eq!(snapshot(&w.dir()), before);
    // --quiet silences it.
    let r = w.run(&["update", "--domain", "ics", "-q"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

#[test]
fn versions_sit_side_by_side_and_latest_gets_its_version_from_the_index() {
    let Some(w) = World::new() else { return };
    let r = w.run(&["update", "--domain", "ics", "--attack-version", "17.1"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("installed ics-attack 17.1"),
        "{}",
        r.stderr
    );
    w.with_ics();
    // Mobile 18.1 here has no x-mitre-collection: the version comes from index.json.
    let mobile = std::fs::read(w.data.join("mobile-attack-18.1.json")).unwrap();
    assert!(!String::from_utf8_lossy(&mobile).contains("x-mitre-collection"));
    let r = w.run(&["update", "--domain", "mobile"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(w.server.requests_for("/index.json").len(), 1);
    for (f, orig) in [
        ("ics-attack-17.1.json", "ics-attack-17.1.json"),
        ("ics-attack-18.1.json", "ics-attack-18.1.json"),
        ("mobile-attack-18.1.json", "mobile-attack-18.1.json"),
    ] {
        assert_eq!(
            sha256_file(&w.dir().join(f)),
            sha256_file(&w.data.join(orig)),
            "{f}"
        );
    }
    // The query side finds the newest, and the named version.
    let r = w.run(&[
        "tactics",
        "--domain",
        "ics",
        "--attack-version",
        "17.1",
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    // A version MITRE never published is a 404, named with its URL, at once.
    let before = snapshot(&w.dir());
    let r = w.run(&["update", "--domain", "ics", "--attack-version", "99.0"]);
    w.assert_failed(
        &r,
        "/ics-attack/ics-attack-99.0.json",
        "404 Not Found",
        &before,
    );
    assert_eq!(
        w.server
            .requests_for("/ics-attack/ics-attack-99.0.json")
            .len(),
        1
    );
}

#[test]
fn not_found_fails_at_once() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server.fault(ICS_LATEST, Fault::Status(404));
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(&r, ICS_LATEST, "404 Not Found", &before);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(
        w.server.requests_for(ICS_LATEST).len(),
        2,
        "a 4xx is not retried"
    );
}

#[test]
fn server_errors_are_retried_then_reported() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server.fault(ICS_LATEST, Fault::Status(500));
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(
        &r,
        ICS_LATEST,
        "500 Internal Server Error (after 3 attempts)",
        &before,
    );
    assert_eq!(w.server.requests_for(ICS_LATEST).len(), 1 + 3);
    assert_eq!(r.stderr.matches("retrying in").count(), 2, "{}", r.stderr);
    // --quiet: only the error line.
    let r = w.run(&["update", "--domain", "ics", "-q"]);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn a_500_then_200_succeeds_on_retry() {
    let Some(w) = World::new() else { return };
    w.server.fault(ICS_LATEST, Fault::FailFirst(1, 500));
    let r = w.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("500 Internal Server Error; retrying in"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("installed ics-attack 18.1"),
        "{}",
        r.stderr
    );
    let statuses: Vec<u16> = w
        .server
        .requests_for(ICS_LATEST)
        .iter()
        .map(|l| l.status)
        .collect();
    assert_eq!(statuses, [500, 200]);
    assert_eq!(
        sha256_file(&w.dir().join("ics-attack-18.1.json")),
        sha256_file(&w.data.join("ics-attack-18.1.json"))
    );
}

#[test]
fn a_body_cut_short_changes_nothing() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server.fault(ICS_LATEST, Fault::CutShort);
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(&r, ICS_LATEST, "(after 3 attempts)", &before);
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.contains("ends early") || last.contains("mid-body"),
        "{last}"
    );
}

#[test]
fn a_connection_dropped_mid_body_changes_nothing() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server.fault(ICS_LATEST, Fault::DropMidBody);
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(&r, ICS_LATEST, "mid-body", &before);
}

#[test]
fn a_stalled_server_times_out_and_changes_nothing() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server
        .fault(ICS_LATEST, Fault::Stall(Duration::from_secs(60)));
    let mut c = w.cmd();
    c.env("ATTCK_HTTP_TIMEOUT_SECS", "1");
    let started = std::time::Instant::now();
    let r = run_with(c, &["update", "--domain", "ics"]);
    w.assert_failed(&r, ICS_LATEST, "timed out", &before);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn invalid_json_changes_nothing() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    w.server.fault(
        ICS_LATEST,
        Fault::Body(b"{\"type\": \"bundle\", \"objects\": [oops".to_vec()),
    );
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(&r, ICS_LATEST, "not valid JSON", &before);
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "invalid JSON is not retried: {}",
        r.stderr
    );
}

#[test]
fn a_bundle_of_the_wrong_domain_changes_nothing() {
    let Some(w) = World::new() else { return };
    let before = w.with_ics();
    let mobile = std::fs::read(w.data.join("mobile-attack-17.1.json")).unwrap();
    w.server.fault(ICS_LATEST, Fault::Body(mobile));
    let r = w.run(&["update", "--domain", "ics"]);
    w.assert_failed(
        &r,
        ICS_LATEST,
        "holds mobile-attack, not the ics-attack asked for",
        &before,
    );
}

#[test]
fn two_updates_at_once_do_not_interleave() {
    let Some(w) = World::new() else { return };
    w.server
        .fault(ICS_LATEST, Fault::Slow(Duration::from_millis(1500)));
    let mut a = w.cmd();
    a.args(["update", "--domain", "ics"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let hits = 0;
    let a = a.spawn().unwrap();
    w.server.wait_for(ICS_LATEST, hits + 1);
    let mut b = w.cmd();
    b.args(["update", "--domain", "ics"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let b = b.spawn().unwrap();
    let a = a.wait_with_output().unwrap();
    let b = b.wait_with_output().unwrap();
    let (ea, eb) = (
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr),
    );
    assert_eq!(
        (a.status.code(), b.status.code()),
        (Some(0), Some(0)),
        "{ea}\n{eb}"
    );
    assert!(ea.contains("installed ics-attack 18.1"), "{ea}");
    assert!(eb.contains("waiting for another attck"), "{eb}");
    // The second waited, then asked conditionally and was told nothing changed.
    assert!(eb.contains("ics-attack 18.1 is up to date"), "{eb}");
    assert_eq!(
        sha256_file(&w.dir().join("ics-attack-18.1.json")),
        sha256_file(&w.data.join("ics-attack-18.1.json"))
    );
    let names: Vec<String> = snapshot(&w.dir()).into_keys().collect();
    assert_eq!(
        names,
        [
            ".attck.lock",
            "ics-attack-18.1.json",
            "ics-attack-18.1.json.meta.json"
        ]
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListRow {
    domain: String,
    version: String,
    published: Option<String>,
    latest: bool,
    installed: bool,
}

#[test]
fn list_shows_every_published_version_and_what_is_installed() {
    let Some(w) = World::new() else { return };
    w.with_ics();
    let r = w.run(&["update", "--list", "-f", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let rows: Vec<ListRow> = r.json();
    // Independently: the versions in MITRE's index, per collection.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.data.join("collection-index.json")).unwrap())
            .unwrap();
    for (domain, name) in [
        ("enterprise-attack", "Enterprise ATT&CK"),
        ("mobile-attack", "Mobile ATT&CK"),
        ("ics-attack", "ICS ATT&CK"),
    ] {
        let coll = index["collections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        let mut expected: Vec<String> = coll["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_str().unwrap().to_string())
            .collect();
        let mut got: Vec<String> = rows
            .iter()
            .filter(|r| r.domain == domain)
            .map(|r| r.version.clone())
            .collect();
        assert_eq!(got.first().map(String::as_str), Some("18.1"), "{domain}");
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{domain}");
    }
    let installed: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.installed)
        .map(|r| (r.domain.as_str(), r.version.as_str()))
        .collect();
    assert_eq!(installed, [("ics-attack", "18.1")]);
    assert!(rows.iter().filter(|r| r.latest).count() == 3);
    assert!(rows.iter().all(|r| r.published.is_some()));
    // The index is kept for `data status`, and --offline lists from it.
    assert!(w.dir().join("index.json").is_file());
    let r = w.run(&[
        "update",
        "--list",
        "--domain",
        "ics",
        "--offline",
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let offline: Vec<ListRow> = r.json();
    assert_eq!(
        offline.len(),
        rows.iter().filter(|r| r.domain == "ics-attack").count()
    );
}

#[test]
fn from_file_installs_the_same_atomic_way() {
    let Some(w) = World::new() else { return };
    let r = w.run(&[
        "--offline",
        "update",
        "--from",
        w.data.join("ics-attack-17.1.json").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let file = w.dir().join("ics-attack-17.1.json");
    assert_eq!(
        sha256_file(&file),
        sha256_file(&w.data.join("ics-attack-17.1.json"))
    );
    let meta = sidecar(&file);
    assert!(
        meta.source_url.starts_with("file:///"),
        "{}",
        meta.source_url
    );
    assert_eq!(meta.sha256, sha256_file(&file));
    assert!(
        w.server.log().is_empty(),
        "--from never touches the network"
    );

    let before = snapshot(&w.dir());
    let junk = w.home.path().join("ics-attack-18.1.json");
    std::fs::write(&junk, b"<html>not json</html>").unwrap();
    let r = w.run(&["update", "--from", junk.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(junk.to_str().unwrap()) && r.stderr.contains("not valid JSON"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
    assert_eq!(snapshot(&w.dir()), before);

    let ics = w.data.join("ics-attack-18.1.json");
    let r = w.run(&[
        "update",
        "--from",
        ics.to_str().unwrap(),
        "--domain",
        "mobile",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("holds ics-attack, not the mobile-attack asked for"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&w.dir()), before);

    // A bundle that does not say its version needs --attack-version (or a versioned name).
    let anon = w.home.path().join("bundle.json");
    std::fs::copy(w.data.join("mobile-attack-18.1.json"), &anon).unwrap();
    let r = w.run(&["update", "--from", anon.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--attack-version"), "{}", r.stderr);
    assert_eq!(snapshot(&w.dir()), before);
    let r = w.run(&[
        "update",
        "--from",
        anon.to_str().unwrap(),
        "--attack-version",
        "18.1",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        sha256_file(&w.dir().join("mobile-attack-18.1.json")),
        sha256_file(&w.data.join("mobile-attack-18.1.json"))
    );
    let r = w.run(&[
        "update",
        "--from",
        w.home.path().join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

#[test]
fn offline_update_and_bad_settings_are_errors() {
    let Some(w) = World::new() else { return };
    let r = w.run(&["update", "--offline"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("offline") && r.stderr.contains("--from"),
        "{}",
        r.stderr
    );
    let mut c = w.cmd();
    c.env("ATTCK_OFFLINE", "1");
    let r = run_with(c, &["update"]);
    assert_eq!(r.code, 2, "{r:?}");
    let mut c = w.cmd();
    c.env("ATTCK_SOURCE_URL", "ftp://127.0.0.1/x");
    let r = run_with(c, &["update"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("ATTCK_SOURCE_URL 'ftp://127.0.0.1/x'"),
        "{}",
        r.stderr
    );
    let mut c = w.cmd();
    c.env("ATTCK_HTTP_TIMEOUT_SECS", "soon");
    let r = run_with(c, &["update"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(w.server.log().is_empty());
}

/// Starts `attck update --domain ics` against a server that stalls mid-body, and waits until
/// its partial download holds bytes; returns the running process.
fn start_stalled_update(w: &World) -> std::process::Child {
    w.server
        .fault(ICS_LATEST, Fault::Stall(Duration::from_secs(60)));
    let before = partial_files(&w.dir());
    let mut child = w
        .cmd()
        .args(["update", "--domain", "ics"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..400 {
        let new: Vec<PathBuf> = partial_files(&w.dir())
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if new.len() == 1 && new[0].metadata().is_ok_and(|m| m.len() > 0) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no partial download appeared");
}

/// The `.attck-download-*.part` files in a directory.
fn partial_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().unwrap().to_string_lossy().into_owned();
                    n.starts_with(".attck-download-") && p.extension().is_some_and(|x| x == "part")
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn updates_killed_with_sigkill_leave_partials_that_status_shows_and_the_next_update_removes() {
    let Some(w) = World::new() else { return };
    let mut child = start_stalled_update(&w);
    child.kill().unwrap(); // SIGKILL: nothing can clean up
    assert!(child.wait().unwrap().code().is_none());
    let first = partial_files(&w.dir());
    assert_eq!(first.len(), 1);
    let r = w.run(&["data", "status"]);
    assert!(
        r.stderr.contains("1 partial download (")
            && r.stderr.contains("interrupted update")
            && r.stderr.contains(first[0].to_str().unwrap()),
        "{}",
        r.stderr
    );
    // While an update runs, its partial file is its own: status says so, and says nothing
    // about the leftover it already removed.
    let mut child = start_stalled_update(&w);
    let second = partial_files(&w.dir());
    assert_eq!(second.len(), 1, "the leftover was removed: {second:?}");
    assert_ne!(second, first);
    let r = w.run(&["data", "status"]);
    assert!(
        r.stderr.contains("being written by an update running now"),
        "{}",
        r.stderr
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // The next update removes the leftover and installs.
    w.server.fault(ICS_LATEST, Fault::FailFirst(0, 500));
    let r = w.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("removed 1 partial download ("),
        "{}",
        r.stderr
    );
    assert!(partial_files(&w.dir()).is_empty());
    let r = w.run(&["data", "status"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("partial"), "{}", r.stderr);
}

#[test]
fn updates_interrupted_by_sigint_or_sigterm_leave_nothing_behind() {
    use std::os::unix::process::ExitStatusExt;
    let Some(w) = World::new() else { return };
    for (name, number) in [("INT", 2), ("TERM", 15)] {
        let child = start_stalled_update(&w);
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args([format!("-{name}"), pid])
                .status()
                .unwrap()
                .success()
        );
        let status = child.wait_with_output().unwrap().status;
        assert_eq!(status.signal(), Some(number), "SIG{name}: {status:?}");
        assert!(
            partial_files(&w.dir()).is_empty(),
            "SIG{name}: {:?}",
            partial_files(&w.dir())
        );
    }
    // Nothing was installed; the directory holds only the lock.
    let names: Vec<String> = std::fs::read_dir(w.dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [".attck.lock"]);
}
