//! First-use download, offline mode, and `attck data path|status|clear`.

use serde::Deserialize;

use crate::common::{attck_in, online, real_data, run, run_with, sha256_file, snapshot};
use crate::server::Server;

#[derive(Debug, Deserialize)]
struct TechniqueId {
    id: String,
}

#[test]
fn first_use_downloads_the_latest_then_answers() {
    let Some(data) = real_data() else { return };
    let server = Server::start(&data);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("fresh");
    // A named data directory must exist (only `update` creates one); an empty one is filled.
    std::fs::create_dir_all(&dir).unwrap();
    let cmd = online(attck_in(home.path()), &server.base);
    let r = run_with(
        cmd,
        &[
            "--data-dir",
            dir.to_str().unwrap(),
            "technique",
            "T1059",
            "-f",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let t: TechniqueId = r.json();
    assert_eq!(t.id, "T1059");
    let mut lines = r.stderr.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "attck: no enterprise-attack data in {}; downloading the latest from {}/enterprise-attack/enterprise-attack.json",
            dir.display(),
            server.base
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("attck: installed enterprise-attack 18.1 (")
    );
    assert_eq!(
        sha256_file(&dir.join("enterprise-attack-18.1.json")),
        sha256_file(&data.join("enterprise-attack-18.1.json"))
    );
    // The second query needs no network.
    let before = server.log().len();
    let cmd = online(attck_in(home.path()), &server.base);
    let r = run_with(
        cmd,
        &[
            "--data-dir",
            dir.to_str().unwrap(),
            "technique",
            "T1059",
            "-q",
        ],
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(server.log().len(), before);
}

#[test]
fn offline_names_the_fix_and_touches_nothing() {
    let Some(data) = real_data() else { return };
    let server = Server::start(&data);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    for (flag, env) in [(Some("--offline"), None), (None, Some("1"))] {
        let mut cmd = online(attck_in(home.path()), &server.base);
        if let Some(v) = env {
            cmd.env("ATTCK_OFFLINE", v);
        }
        let mut args = vec![
            "--data-dir",
            dir.to_str().unwrap(),
            "tactics",
            "--domain",
            "ics",
        ];
        args.extend(flag);
        let r = run_with(cmd, &args);
        assert_eq!(r.code, 2, "{r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("attck update --domain ics"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("--data-dir"), "{}", r.stderr);
        assert!(r.stderr.contains("offline"), "{}", r.stderr);
    }
    assert!(server.log().is_empty());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "offline must not write into the data directory"
    );
}

#[test]
fn a_failed_first_use_download_is_one_error_line() {
    let Some(data) = real_data() else { return };
    let server = Server::start(&data);
    server.fault(
        "/ics-attack/ics-attack.json",
        crate::server::Fault::Status(404),
    );
    let home = tempfile::tempdir().unwrap();
    let cmd = online(attck_in(home.path()), &server.base);
    let r = run_with(
        cmd,
        &[
            "--data-dir",
            {
                std::fs::create_dir_all(home.path().join("d")).unwrap();
                home.path().join("d")
            }
            .to_str()
            .unwrap(),
            "tactics",
            "--domain",
            "ics",
            "-q",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("/ics-attack/ics-attack.json") && r.stderr.contains("404"),
        "{}",
        r.stderr
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataPath {
    path: String,
    origin: String,
    origin_description: String,
}

#[test]
fn data_path_says_which_setting_chose_it() {
    let home = tempfile::tempdir().unwrap();
    let r = run_with(attck_in(home.path()), &["data", "path"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout.trim_end(),
        home.path().join("cache/attck").to_str().unwrap()
    );
    assert!(r.stderr.contains("default"), "{}", r.stderr);
    let mut c = attck_in(home.path());
    c.env("ATTCK_DATA_DIR", "/from/env");
    let r = run_with(c, &["data", "path", "-f", "json"]);
    let p: DataPath = r.json();
    assert_eq!((p.path.as_str(), p.origin.as_str()), ("/from/env", "env"));
    assert_eq!(p.origin_description, "ATTCK_DATA_DIR");
    let mut c = attck_in(home.path());
    c.env("ATTCK_DATA_DIR", "/from/env");
    let r = run_with(
        c,
        &["data", "path", "--data-dir", "/from/flag", "-f", "json"],
    );
    let p: DataPath = r.json();
    assert_eq!((p.path.as_str(), p.origin.as_str()), ("/from/flag", "flag"));
    assert!(
        !home.path().join("cache").exists(),
        "data path creates nothing"
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields exist to be checked by deserialization
struct Status {
    domain: String,
    attack_version: Option<String>,
    file: String,
    size: u64,
    fetched: Option<String>,
    age_seconds: Option<u64>,
    source_url: Option<String>,
    sha256: Option<String>,
    cache: Option<CacheInfo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields exist to be checked by deserialization
struct CacheInfo {
    file: String,
    size: u64,
    fresh: bool,
}

#[test]
fn status_lists_without_loading_and_warns_when_outdated() {
    let Some(data) = real_data() else { return };
    let server = Server::start(&data);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("d");
    std::fs::create_dir_all(&dir).unwrap();
    let go = |args: &[&str]| {
        let mut v = vec!["--data-dir", dir.to_str().unwrap()];
        v.extend_from_slice(args);
        run_with(online(attck_in(home.path()), &server.base), &v)
    };
    let r = go(&["data", "status"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("attck update"), "{}", r.stderr);

    assert_eq!(
        go(&["update", "--domain", "ics", "--attack-version", "17.1"]).code,
        0
    );
    assert_eq!(go(&["update", "--list"]).code, 0);
    // A hand-placed file that is not even JSON: status reports it without parsing it.
    std::fs::write(dir.join("mobile-attack-9.0.json"), "garbage").unwrap();
    let r = go(&["data", "status", "-f", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let rows: Vec<Status> = r.json();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].domain.as_str(), rows[0].attack_version.as_deref()),
        ("mobile-attack", Some("9.0"))
    );
    assert_eq!(rows[0].size, 7);
    assert!(rows[0].fetched.is_none() && rows[0].sha256.is_none() && rows[0].source_url.is_none());
    let ics = &rows[1];
    assert_eq!(
        (ics.domain.as_str(), ics.attack_version.as_deref()),
        ("ics-attack", Some("17.1"))
    );
    assert_eq!(ics.file, dir.join("ics-attack-17.1.json").to_str().unwrap());
    assert_eq!(
        ics.size,
        std::fs::metadata(data.join("ics-attack-17.1.json"))
            .unwrap()
            .len()
    );
    assert_eq!(
        ics.sha256.as_deref(),
        Some(sha256_file(&data.join("ics-attack-17.1.json")).as_str())
    );
    assert!(ics.fetched.is_some() && ics.age_seconds.is_some_and(|a| a < 600));
    assert!(
        ics.source_url
            .as_deref()
            .unwrap()
            .ends_with("/ics-attack/ics-attack-17.1.json")
    );
    assert!(
        r.stderr.contains(
            "ics-attack 18.1 is published (newest installed: 17.1); run `attck update --domain ics`"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("mobile-attack 18.1 is published (newest installed: 9.0)"),
        "{}",
        r.stderr
    );
    // The table fits the same facts.
    let r = go(&["data", "status", "--domain", "ics"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("ics-attack-17.1.json") && !r.stdout.contains("mobile"),
        "{}",
        r.stdout
    );
    let r = go(&["data", "status", "-q"]);
    assert_eq!(r.stderr, "");
}

#[test]
fn clear_asks_first_and_removes_only_what_it_installed() {
    let Some(data) = real_data() else { return };
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("d");
    let go = |args: &[&str]| {
        let mut v = vec!["--data-dir", dir.to_str().unwrap()];
        v.extend_from_slice(args);
        run_with(attck_in(home.path()), &v)
    };
    for f in ["ics-attack-17.1.json", "mobile-attack-17.1.json"] {
        let r = go(&["update", "--from", data.join(f).to_str().unwrap()]);
        assert_eq!(r.code, 0, "{r:?}");
    }
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&dir);
    // No terminal to ask on and no --yes: refuse, remove nothing.
    let r = go(&["data", "clear"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(snapshot(&dir), before);

    let r = go(&["data", "clear", "--domain", "ics", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    let left: Vec<String> = snapshot(&dir).into_keys().collect();
    assert_eq!(
        left,
        [
            ".attck.lock",
            "mobile-attack-17.1.json",
            "mobile-attack-17.1.json.meta.json",
            "notes.txt"
        ]
    );
    let r = go(&["data", "clear", "-y"]);
    assert_eq!(r.code, 0, "{r:?}");
    let left: Vec<String> = snapshot(&dir).into_keys().collect();
    assert_eq!(left, [".attck.lock", "notes.txt"]);
    let r = go(&["data", "clear", "-y"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("nothing to remove"), "{}", r.stderr);
}

#[test]
fn domain_all_is_for_show_update_and_data_only() {
    let r = run(&["tactics", "--domain", "all"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("--domain all works with `show`, `update` and `data` only"),
        "{}",
        r.stderr
    );
}

#[test]
fn status_reads_hand_placed_bundles_by_name() {
    let r = crate::common::sample(&["data", "status", "-f", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let rows: Vec<Status> = r.json();
    let got: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|s| (s.domain.as_str(), s.attack_version.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("enterprise-attack", Some("1.0")),
            ("enterprise-attack", Some("2.0")),
            ("ics-attack", Some("1.0"))
        ]
    );
    assert!(rows.iter().all(|s| s.fetched.is_none()));
    // The real data directory (read-only) holds six bundles and no sidecars.
    let Some(r) = crate::common::real(&["data", "status", "-f", "json"]) else {
        return;
    };
    assert_eq!(r.code, 0, "{r:?}");
    let rows: Vec<Status> = r.json();
    assert_eq!(rows.len(), 6);
}
