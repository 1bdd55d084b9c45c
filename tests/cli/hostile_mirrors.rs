//! Downloads from a mirror that misbehaves on purpose: redirect chains and loops, bodies past
//! the size cap (announced, streamed, or a gzip bomb), a body that never ends, a lying
//! `Content-Length`, an `index.json` naming paths. Each refusal is one `attck: ` line, exit 2,
//! and leaves the data and cache directories byte for byte as they were.
//!
//! The mirror serves the hand-written sample bundles, so these tests need no real data.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{Run, attck_in, online, run_with, sample_dir, snapshot};
use crate::server::{Fault, Server};

const ICS_LATEST: &str = "/ics-attack/ics-attack.json";

/// A home with a data directory and a cache directory, and a mirror with nothing on it but
/// what the test puts there.
struct Mirror {
    server: Server,
    home: tempfile::TempDir,
    _root: tempfile::TempDir,
}

fn sample_ics() -> Vec<u8> {
    std::fs::read(sample_dir().join("ics-attack-1.0.json")).unwrap()
}

impl Mirror {
    fn new() -> Mirror {
        let root = tempfile::tempdir().unwrap();
        Mirror {
            server: Server::start(root.path()),
            home: tempfile::tempdir().unwrap(),
            _root: root,
        }
    }

    fn dir(&self) -> PathBuf {
        self.home.path().join("attck-data")
    }

    fn cache(&self) -> PathBuf {
        self.home.path().join("attck-cache")
    }

    fn cmd(&self) -> Command {
        let mut c = online(attck_in(self.home.path()), &self.server.base);
        c.env("ATTCK_DATA_DIR", self.dir())
            .env("ATTCK_CACHE_DIR", self.cache());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with(self.cmd(), args)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    /// Installs the sample ICS bundle from a file and builds its index cache, so a failure
    /// has something to damage; returns the snapshot of both directories.
    fn installed(&self) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let from = sample_dir().join("ics-attack-1.0.json");
        let r = self.run(&["update", "--from", from.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{r:?}");
        let r = self.run(&["tactics", "--domain", "ics"]);
        assert_eq!(r.code, 0, "{r:?}");
        let snap = (snapshot(&self.dir()), snapshot(&self.cache()));
        assert!(snap.0.contains_key("ics-attack-1.0.json"), "{snap:?}");
        assert_eq!(snap.1.len(), 1, "one index cache: {snap:?}");
        snap
    }

    /// Asserts a refused download: exit 2, stderr exactly one `attck: ` line naming the URL
    /// and `cause`, both directories as `before`.
    fn assert_refused(
        &self,
        r: &Run,
        cause: &str,
        before: &(BTreeMap<String, String>, BTreeMap<String, String>),
    ) {
        assert_eq!(r.code, 2, "{r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.starts_with("attck: "), "{}", r.stderr);
        assert!(r.stderr.contains(&self.url(ICS_LATEST)), "{}", r.stderr);
        assert!(
            r.stderr.contains(cause),
            "expected {cause:?} in {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert_eq!(
            (snapshot(&self.dir()), snapshot(&self.cache())),
            *before,
            "the data or cache directory changed"
        );
    }
}

/// Redirects `/r/0` → `/r/1` → … → `/r/{n-1}` → `/final`, the first hop being `from`.
fn chain(m: &Mirror, from: &str, n: usize) {
    let hops: Vec<String> = (0..n).map(|i| format!("/r/{i}")).collect();
    m.server.fault(from, Fault::Redirect(hops[0].clone()));
    for (i, hop) in hops.iter().enumerate() {
        let next = hops.get(i + 1).map_or("/final", String::as_str);
        m.server.fault(hop, Fault::Redirect(next.to_string()));
    }
}

#[test]
fn a_redirect_chain_within_the_limit_is_followed() {
    let m = Mirror::new();
    // The request plus 5 redirects: the documented limit.
    chain(&m, ICS_LATEST, 4);
    m.server.fault("/final", Fault::Body(sample_ics()));
    let r = m.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    // One summary line and no warning: a loopback mirror is not "plain http elsewhere".
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("attck: installed ics-attack 1.0 ("),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(m.dir().join("ics-attack-1.0.json")).unwrap(),
        sample_ics()
    );
    let paths: Vec<String> = m.server.log().into_iter().map(|l| l.path).collect();
    assert_eq!(
        paths,
        [ICS_LATEST, "/r/0", "/r/1", "/r/2", "/r/3", "/final"]
    );
}

#[test]
fn a_redirect_chain_past_the_limit_is_refused() {
    let m = Mirror::new();
    let before = m.installed();
    chain(&m, ICS_LATEST, 5);
    m.server.fault("/final", Fault::Body(sample_ics()));
    let r = m.run(&["update", "--domain", "ics"]);
    m.assert_refused(&r, "more than 5 redirects", &before);
    // Refused, not retried, and the end of the chain never asked for.
    assert!(m.server.requests_for("/final").is_empty());
    assert_eq!(m.server.requests_for(ICS_LATEST).len(), 1);
}

#[test]
fn a_redirect_loop_is_refused() {
    let m = Mirror::new();
    let before = m.installed();
    m.server.fault(ICS_LATEST, Fault::Redirect("/loop".into()));
    m.server.fault("/loop", Fault::Redirect(m.url(ICS_LATEST)));
    let r = m.run(&["update", "--domain", "ics"]);
    m.assert_refused(&r, "a redirect loop", &before);
    assert_eq!(m.server.requests_for("/loop").len(), 1);
}

#[test]
fn a_redirect_to_a_file_url_is_named_not_reported_as_a_status() {
    let m = Mirror::new();
    let before = m.installed();
    for target in ["file:///etc/passwd", "ftp://mirror.example/x.json"] {
        m.server.fault(ICS_LATEST, Fault::Redirect(target.into()));
        let r = m.run(&["update", "--domain", "ics"]);
        m.assert_refused(
            &r,
            &format!("a redirect to a non-http URL ({target})"),
            &before,
        );
        assert!(!r.stderr.contains("302"), "{}", r.stderr);
    }
}

#[test]
fn an_announced_body_over_the_cap_is_refused_before_reading() {
    let m = Mirror::new();
    let before = m.installed();
    // Headers only: a client that started reading would wait for the body and time out.
    m.server.fault(
        ICS_LATEST,
        Fault::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                .to_vec(),
        ),
    );
    let started = Instant::now();
    let r = run_with(
        {
            let mut c = m.cmd();
            c.env("ATTCK_MAX_DOWNLOAD_BYTES", "1000")
                .env("ATTCK_HTTP_TIMEOUT_SECS", "10");
            c
        },
        &["update", "--domain", "ics"],
    );
    m.assert_refused(
        &r,
        "the body is larger than 1000 bytes (Content-Length: 5000)",
        &before,
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "it waited for the body"
    );
}

#[test]
fn the_default_cap_refuses_an_announced_body_over_256_mib() {
    let m = Mirror::new();
    let before = m.installed();
    let huge = 257u64 << 20;
    m.server.fault(
        ICS_LATEST,
        Fault::Raw(format!("HTTP/1.1 200 OK\r\nContent-Length: {huge}\r\n\r\n").into_bytes()),
    );
    let r = m.run(&["update", "--domain", "ics"]);
    m.assert_refused(&r, "the body is larger than 256 MiB", &before);
}

#[test]
fn a_body_that_never_ends_is_cut_off_at_the_cap() {
    let m = Mirror::new();
    let before = m.installed();
    m.server.fault(ICS_LATEST, Fault::Endless);
    let mut c = m.cmd();
    c.env("ATTCK_MAX_DOWNLOAD_BYTES", "1000000");
    let r = run_with(c, &["update", "--domain", "ics"]);
    m.assert_refused(&r, "the body is larger than 1000000 bytes", &before);
    assert_eq!(m.server.requests_for(ICS_LATEST).len(), 1, "not retried");
}

#[test]
fn a_server_that_trickles_forever_is_cut_off_by_the_deadline() {
    let m = Mirror::new();
    let before = m.installed();
    // One byte every 50 ms: no read ever waits the 0.2 s timeout, the size never nears
    // the cap, so only the whole-transfer deadline (30 read timeouts: 6 s) ends it.
    m.server
        .fault(ICS_LATEST, Fault::Trickle(Duration::from_millis(50)));
    let mut c = m.cmd();
    c.env("ATTCK_HTTP_TIMEOUT_SECS", "0.2");
    let started = Instant::now();
    let r = run_with(c, &["update", "--domain", "ics"]);
    m.assert_refused(&r, "the transfer took longer than 6 s", &before);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(6) && took < Duration::from_secs(20),
        "{took:?}"
    );
}

#[test]
fn a_gzip_bomb_is_cut_off_at_the_cap_on_decoded_bytes() {
    let m = Mirror::new();
    let before = m.installed();
    // 16 MiB of spaces compress to about 16 KiB: well under the cap on the wire.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 16 << 20]).unwrap();
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    raw.extend_from_slice(&bomb);
    m.server.fault(ICS_LATEST, Fault::Raw(raw));
    let mut c = m.cmd();
    c.env("ATTCK_MAX_DOWNLOAD_BYTES", "1000000");
    let r = run_with(c, &["update", "--domain", "ics"]);
    m.assert_refused(
        &r,
        "the decompressed body is larger than 1000000 bytes",
        &before,
    );
}

#[test]
fn a_content_length_shorter_than_the_body_installs_nothing() {
    let m = Mirror::new();
    let before = m.installed();
    // The claim covers half the bundle; the rest follows anyway. attck reads only what was
    // claimed, so what it has is half a bundle: refused by the validator, never installed.
    let body = sample_ics();
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len() / 2
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    m.server.fault(ICS_LATEST, Fault::Raw(raw));
    let r = m.run(&["update", "--domain", "ics"]);
    m.assert_refused(&r, "truncated JSON: the data ends early", &before);
}

#[test]
fn a_content_length_longer_than_the_body_installs_nothing() {
    let m = Mirror::new();
    let before = m.installed();
    // The whole bundle, then the connection stays open short of the claimed length.
    let body = sample_ics();
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len() + 1000
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    m.server.fault(ICS_LATEST, Fault::Raw(raw));
    let mut c = m.cmd();
    c.env("ATTCK_HTTP_TIMEOUT_SECS", "0.5");
    // -q: the retry notes are silenced, the error is not.
    let r = run_with(c, &["update", "--domain", "ics", "-q"]);
    m.assert_refused(&r, "timed out", &before);
    assert_eq!(m.server.requests_for(ICS_LATEST).len(), 3, "retried");
}

/// An index whose ICS entries try to be paths, around one honest entry.
fn hostile_index(base: &str) -> Vec<u8> {
    let entries = [
        ("1.0", format!("{base}/ics-attack/ics-attack-1.0.json")),
        (
            "../../../evil",
            format!("{base}/ics-attack/ics-attack-2.0.json"),
        ),
        ("/tmp/evil", String::new()),
        ("3.0\\..\\..\\evil", String::new()),
        ("4.0\u{0}", String::new()),
        ("..", String::new()),
        ("99.0", format!("{base}/ics-attack/../../../evil.json")),
        ("98.0", "/etc/ics-attack-98.0.json\\..\\x".to_string()),
    ];
    let versions: Vec<serde_json::Value> = entries
        .iter()
        .map(|(v, u)| serde_json::json!({"version": v, "url": u}))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "collections": [{"name": "ICS ATT&CK", "versions": versions}]
    }))
    .unwrap()
}

/// Every path under `dir`, recursively (symlinks not followed).
fn tree(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                todo.push(e.path());
            }
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn index_entries_naming_paths_are_ignored_with_a_warning() {
    let m = Mirror::new();
    m.installed();
    m.server
        .fault("/index.json", Fault::Body(hostile_index(&m.server.base)));
    let outside_before = tree(m.home.path());
    let r = m.run(&["update", "--list", "--domain", "ics", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let warnings: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(warnings.len(), 7, "{}", r.stderr);
    assert!(
        warnings
            .iter()
            .all(|w| w.starts_with("attck: warning: index.json: ignored the entry with version")),
        "{}",
        r.stderr
    );
    // Control characters reach the terminal escaped.
    assert!(!r.stderr.contains('\u{0}'));
    let rows: Vec<serde_json::Value> = r.json();
    let listed: Vec<&str> = rows
        .iter()
        .map(|x| x["version"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["1.0"]);
    // The only new file anywhere under the home is the kept index in the data directory.
    let mut expected = outside_before.clone();
    if !expected.contains(&m.dir().join("index.json")) {
        expected.push(m.dir().join("index.json"));
        expected.sort();
    }
    assert_eq!(tree(m.home.path()), expected);
}

#[test]
fn a_latest_version_from_a_hostile_index_is_never_a_path() {
    let m = Mirror::new();
    let before = m.installed();
    // A bundle that does not say its version: the index would have to, and it only offers
    // names that are paths.
    let text = String::from_utf8(sample_ics()).unwrap();
    let unversioned: serde_json::Value = serde_json::from_str(&text).unwrap();
    let objects: Vec<serde_json::Value> = unversioned["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] != "x-mitre-collection")
        .cloned()
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({
        "type": "bundle", "id": unversioned["id"], "objects": objects
    }))
    .unwrap();
    m.server.fault(ICS_LATEST, Fault::Body(body));
    let index = String::from_utf8(hostile_index(&m.server.base))
        .unwrap()
        .replace(r#""version":"1.0""#, r#""version":"../1.0""#);
    m.server
        .fault("/index.json", Fault::Body(index.into_bytes()));
    let outside_before = tree(m.home.path());
    let r = m.run(&["update", "--domain", "ics"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("does not say its ATT&CK version, nor does the index"),
        "{}",
        r.stderr
    );
    // Nothing installed; the index itself is kept (it parsed), nothing else appeared.
    let mut after = snapshot(&m.dir());
    after.remove("index.json");
    assert_eq!((after, snapshot(&m.cache())), before);
    let mut expected = outside_before;
    expected.push(m.dir().join("index.json"));
    expected.sort();
    assert_eq!(tree(m.home.path()), expected);
}

#[test]
fn an_attack_version_that_is_not_a_version_is_a_usage_error() {
    let m = Mirror::new();
    for bad in [
        "../../x",
        "/etc/passwd",
        "1.0/../../x",
        "1.0\\x",
        "..",
        "18.1-beta",
    ] {
        let r = m.run(&["update", "--domain", "ics", "--attack-version", bad]);
        assert_eq!(r.code, 2, "{bad}: {r:?}");
        assert!(r.stderr.contains("is not a version"), "{bad}: {}", r.stderr);
        assert!(!m.dir().exists(), "{bad}: the data directory was created");
    }
    assert!(m.server.log().is_empty(), "nothing is requested");
}

#[test]
fn plain_http_to_another_machine_is_warned_about_before_connecting() {
    let home = tempfile::tempdir().unwrap();
    // 192.0.2.1 is TEST-NET-1: never routed, so nothing is sent anywhere.
    let mut c = online(attck_in(home.path()), "http://192.0.2.1/mirror");
    c.env("ATTCK_DATA_DIR", home.path().join("attck-data"))
        .env("ATTCK_HTTP_TIMEOUT_SECS", "0.5");
    let r = run_with(c, &["update", "--domain", "all"]);
    assert_eq!(r.code, 2, "{r:?}");
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("plain http"))
        .collect();
    assert_eq!(
        warnings,
        [
            "attck: warning: http://192.0.2.1/mirror is plain http: what is downloaded can be read or altered on the way; prefer an https mirror"
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with("attck: warning:"),
        "before any request: {}",
        r.stderr
    );
    // --quiet silences the warning, not the error.
    let mut c = online(attck_in(home.path()), "http://192.0.2.1/mirror");
    c.env("ATTCK_HTTP_TIMEOUT_SECS", "0.5");
    let r = run_with(c, &["update", "-q"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}
