//! The index cache: it answers exactly as the bundle does, and survives every fault
//! (corrupt, truncated, foreign version, stale bundle, unwritable directory, two first runs).

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use attck_explorer::model::cache_format::{Fallback, SourceId, decode, encode};
use attck_explorer::model::{Kind, KnowledgeBase, Visibility};
use attck_explorer::query::show::view;

use crate::common::{Run, attck_in, real_kb, run_with, sample_dir};

/// A test home with a copy of the sample bundle (so it can be changed) and a cache dir.
struct Env {
    home: tempfile::TempDir,
    bundle: PathBuf,
}

impl Env {
    fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let bundle = home.path().join("enterprise-attack-2.0.json");
        fs::copy(sample_dir().join("enterprise-attack-2.0.json"), &bundle).unwrap();
        Env { home, bundle }
    }

    fn cache_dir(&self) -> PathBuf {
        self.home.path().join("caches")
    }

    fn cmd(&self) -> Command {
        let mut c = attck_in(self.home.path());
        c.env("ATTCK_CACHE_DIR", self.cache_dir());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut v = vec!["--bundle", self.bundle.to_str().unwrap()];
        v.extend_from_slice(args);
        run_with(self.cmd(), &v)
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(self.cache_dir())
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    fn the_cache(&self) -> PathBuf {
        let files = self.cache_files();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }
}

const QUERIES: [&[&str]; 5] = [
    &["technique", "T1059", "-f", "json"],
    &["tactic", "execution", "-f", "json"],
    &["search", "interpreter", "-f", "json"],
    &["show", "Quiet Heron", "-f", "json"],
    &["list", "techniques", "--group", "G0902", "-f", "json"],
];

fn answers(env: &Env, extra: &[&str]) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| {
            let mut v = q.to_vec();
            v.extend_from_slice(extra);
            let r = env.run(&v);
            assert_eq!(r.code, 0, "{q:?}: {}", r.stderr);
            r.stdout
        })
        .collect()
}

#[test]
fn first_query_builds_the_cache_and_later_ones_answer_the_same() {
    let env = Env::new();
    let parsed = answers(&env, &["--no-cache"]);
    assert!(env.cache_files().is_empty(), "--no-cache writes no cache");
    let first = answers(&env, &[]);
    let cache = env.the_cache();
    assert!(cache.to_str().unwrap().ends_with(".attck-index"));
    let warm = answers(&env, &["-v"]);
    assert_eq!(parsed, first);
    assert_eq!(parsed, warm);
    // A warm run is silent even with --verbose: nothing was rebuilt.
    let r = env.run(&["technique", "T1059", "-v"]);
    assert!(
        !r.stderr.contains("rebuild") && !r.stderr.contains("building"),
        "{}",
        r.stderr
    );
    // The cache never lands next to the bundle.
    let beside: Vec<_> = fs::read_dir(env.bundle.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "attck-index"))
        .collect();
    assert!(beside.is_empty());
}

fn assert_rebuilt(env: &Env, expect_note: &str) {
    let good = answers(&env_fresh_copy(env), &["--no-cache"]);
    let r = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, good[0]);
    assert!(
        r.stderr.contains(expect_note),
        "expected '{expect_note}' in: {}",
        r.stderr
    );
    // Silently without -v, and the rebuilt cache is good again.
    let again = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(again.stdout, good[0]);
    assert!(again.stderr.is_empty(), "{}", again.stderr);
}

fn env_fresh_copy(env: &Env) -> Env {
    let e = Env::new();
    fs::copy(&env.bundle, &e.bundle).unwrap();
    e
}

/// Flips 16 bytes in the middle of a cache section.
fn damage(cache: &std::path::Path, section: &str) {
    let mut bytes = fs::read(cache).unwrap();
    let head = attck_explorer::model::cache_format::header(&bytes).unwrap();
    let s = head.sections.iter().find(|s| s.name == section).unwrap();
    let mid = (s.offset + s.len / 2) as usize;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0xA5;
    }
    fs::write(cache, &bytes).unwrap();
}

/// Flips every byte of a section after its first four (a text table's count), so any string
/// read from it is damaged.
fn damage_every_string(cache: &std::path::Path, section: &str) {
    let mut bytes = fs::read(cache).unwrap();
    let head = attck_explorer::model::cache_format::header(&bytes).unwrap();
    let s = head.sections.iter().find(|s| s.name == section).unwrap();
    for b in &mut bytes[(s.offset + 4) as usize..(s.offset + s.len) as usize] {
        *b ^= 0xA5;
    }
    fs::write(cache, &bytes).unwrap();
}

#[test]
fn damaged_procedure_texts_or_names_are_answered_from_the_bundle() {
    let env = Env::new();
    let good = env.run(&["technique", "T1059.001", "-f", "json", "--no-cache"]);
    let procedures = good.json::<serde_json::Value>()["procedures"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(procedures > 0, "the sample technique shows procedures");
    assert_eq!(env.run(&["tactics"]).code, 0);
    let whole = fs::read(env.the_cache()).unwrap();
    for section in ["edge_texts", "names"] {
        damage_every_string(&env.the_cache(), section);
        let r = env.run(&["technique", "T1059.001", "-f", "json"]);
        assert_eq!(r.code, 0, "{section}: {}", r.stderr);
        assert_eq!(r.stdout, good.stdout, "{section}");
        // The damaged file was dropped and a whole one built again.
        let again = env.run(&["technique", "T1059.001", "-f", "json", "-v"]);
        assert_eq!(again.stdout, good.stdout, "{section}");
        assert!(
            fs::read(env.the_cache()).unwrap() == whole,
            "{section}: the damaged cache was replaced by a whole one"
        );
    }
}

/// Rewrites the bundle with `bytes`, then gives it back its old modification time.
fn rewrite_keeping_mtime(path: &std::path::Path, bytes: &[u8]) {
    let mtime = fs::metadata(path).unwrap().modified().unwrap();
    fs::write(path, bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

#[test]
fn a_bundle_changed_keeping_its_size_and_time_is_never_answered_from_the_cache() {
    let env = Env::new();
    let good = env.run(&["technique", "T1059", "-f", "json"]);
    assert!(good.stdout.contains("Scripted Launch"), "{}", good.stdout);
    let text = fs::read_to_string(&env.bundle).unwrap();
    let changed = text.replace("\"Scripted Launch\"", "\"Scripted Lunchy\"");
    assert_eq!(changed.len(), text.len());
    let size_and_time = |p: &std::path::Path| {
        let m = fs::metadata(p).unwrap();
        (m.len(), m.modified().unwrap())
    };
    // Rewritten in place: only the status-change time, which no one can set, tells.
    let before = size_and_time(&env.bundle);
    rewrite_keeping_mtime(&env.bundle, changed.as_bytes());
    assert_eq!(size_and_time(&env.bundle), before);
    let r = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Scripted Lunchy"), "{}", r.stdout);
    assert!(r.stderr.contains("stale"), "{}", r.stderr);
    // Replaced by another file of the same size and time, renamed over it: the inode tells.
    let other = env.home.path().join("other.json");
    fs::write(&other, text.as_bytes()).unwrap();
    fs::File::options()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(before.1)
        .unwrap();
    let r = env.run(&["technique", "T1059", "-f", "json"]);
    assert!(r.stdout.contains("Scripted Lunchy"));
    fs::rename(&other, &env.bundle).unwrap();
    assert_eq!(size_and_time(&env.bundle), before);
    let r = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, good.stdout);
    assert!(r.stderr.contains("stale"), "{}", r.stderr);
    // A bundle that no longer parses, same size and time: its own error, never the cache's
    // answer.
    let len = text.len();
    rewrite_keeping_mtime(&env.bundle, &vec![b'x'; len]);
    let r = env.run(&["technique", "T1059", "-f", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn a_damaged_section_whose_bundle_no_longer_parses_is_one_error_line() {
    use attck_explorer::model::cache_format::Unrecoverable;
    // The cache still matches the bundle's identity (as when the bundle changes between the
    // check and the read), but the bundle no longer parses: the damaged section cannot be
    // answered from it. In the binary, `run` turns the unwinding into one error line.
    let env = Env::new();
    let id = attck_explorer::store::cache_file::identify(&env.bundle).unwrap();
    let kb = attck_explorer::load::parse_bundle(&env.bundle, None).unwrap();
    let mut bytes = encode(&kb, id.clone(), "x".into()).unwrap();
    let head = attck_explorer::model::cache_format::header(&bytes).unwrap();
    let groups = head.sections.iter().find(|s| s.name == "groups").unwrap();
    bytes[(groups.offset + groups.len - 1) as usize] ^= 0x55;
    fs::create_dir_all(env.cache_dir()).unwrap();
    let file = env.cache_dir().join("x.attck-index");
    fs::write(&file, &bytes).unwrap();
    fs::write(&env.bundle, "not json").unwrap();
    let back = decode(
        Box::leak(bytes.into_boxed_slice()),
        &id,
        attck_explorer::load::reread(&id, file.clone()),
    )
    .unwrap();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| back.groups.len()))
        .expect_err("no answer from a damaged section and an unreadable bundle");
    let why = payload
        .downcast::<Unrecoverable>()
        .expect("Unrecoverable")
        .0;
    assert!(
        why.starts_with("the index cache of ")
            && why.contains("is damaged and the bundle cannot be read again"),
        "{why}"
    );
    assert!(!file.exists(), "the damaged cache is removed");
}

#[test]
fn a_zeroed_count_of_a_string_table_is_damage_not_a_changed_bundle() {
    let env = Env::new();
    let good = env.run(&["technique", "T1059.001", "-f", "json", "--no-cache"]);
    assert_eq!(env.run(&["tactics"]).code, 0);
    for section in ["edge_texts", "names"] {
        let cache = env.the_cache();
        let mut bytes = fs::read(&cache).unwrap();
        let head = attck_explorer::model::cache_format::header(&bytes).unwrap();
        let s = head.sections.iter().find(|s| s.name == section).unwrap();
        bytes[s.offset as usize..s.offset as usize + 4].fill(0);
        fs::write(&cache, &bytes).unwrap();
        let r = env.run(&["technique", "T1059.001", "-f", "json", "-v"]);
        assert_eq!(r.code, 0, "{section}: {}", r.stderr);
        assert_eq!(r.stdout, good.stdout, "{section}");
        assert!(
            r.stderr.contains("damaged") && !r.stderr.contains("changed"),
            "{section}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_corrupt_cache_is_rebuilt() {
    let env = Env::new();
    assert_eq!(env.run(&["tactics"]).code, 0);
    damage(&env.the_cache(), "kb");
    assert_rebuilt(&env, "damaged");
    damage(&env.the_cache(), "pool");
    assert_rebuilt(&env, "damaged");
}

#[test]
fn damage_in_a_section_read_later_still_gives_the_right_answer() {
    let env = Env::new();
    let good = env.run(&["technique", "T1059.001", "-f", "json", "--no-cache"]);
    assert_eq!(env.run(&["tactics"]).code, 0);
    for section in ["edges", "edges.pool", "lookups"] {
        damage(&env.the_cache(), section);
        // The relationship fields come from the damaged section: answered from the bundle.
        let r = env.run(&["technique", "T1059.001", "-f", "json"]);
        assert_eq!(r.code, 0, "{section}: {}", r.stderr);
        assert_eq!(r.stdout, good.stdout, "{section}");
        let r = env.run(&["show", "Quiet Heron", "-f", "json"]);
        assert_eq!(r.code, 0, "{section}: {}", r.stderr);
        assert!(r.stdout.contains("G0902"), "{section}");
        // The damaged file was dropped and a whole one built again.
        let again = env.run(&["technique", "T1059.001", "-f", "json", "-v"]);
        assert_eq!(again.stdout, good.stdout);
    }
}

#[test]
fn a_truncated_cache_is_rebuilt() {
    let env = Env::new();
    assert_eq!(env.run(&["tactics"]).code, 0);
    let cache = env.the_cache();
    let bytes = fs::read(&cache).unwrap();
    fs::write(&cache, &bytes[..bytes.len() / 3]).unwrap();
    assert_rebuilt(&env, "damaged");
    fs::write(&cache, b"").unwrap();
    assert_rebuilt(&env, "not an attck index cache");
}

#[test]
fn a_cache_from_another_version_is_rebuilt() {
    let env = Env::new();
    assert_eq!(env.run(&["tactics"]).code, 0);
    let cache = env.the_cache();
    let mut bytes = fs::read(&cache).unwrap();
    bytes[12] = bytes[12].wrapping_add(1); // the header's format number
    fs::write(&cache, &bytes).unwrap();
    assert_rebuilt(&env, "another version");
}

#[test]
fn a_changed_bundle_is_never_answered_from_a_stale_cache() {
    let env = Env::new();
    let before = env.run(&["technique", "T1059", "-f", "json"]);
    assert!(before.stdout.contains("Scripted Launch"));
    let text = fs::read_to_string(&env.bundle).unwrap();
    fs::write(
        &env.bundle,
        text.replace("\"Scripted Launch\"", "\"Scripted Start\""),
    )
    .unwrap();
    let after = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(after.code, 0);
    assert!(after.stdout.contains("Scripted Start"), "{}", after.stdout);
    assert!(after.stderr.contains("stale"), "{}", after.stderr);
}

#[test]
fn an_unwritable_cache_directory_costs_one_warning_not_the_answer() {
    let env = Env::new();
    // A regular file where the cache directory's parent should be: nothing can be created
    // under it, even by root.
    let blocker = env.home.path().join("blocker");
    fs::write(&blocker, "x").unwrap();
    let mut cmd = attck_in(env.home.path());
    cmd.env("ATTCK_CACHE_DIR", blocker.join("caches"));
    let r = run_with(
        cmd,
        &[
            "--bundle",
            env.bundle.to_str().unwrap(),
            "technique",
            "T1059",
            "-f",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"id\": \"T1059\""));
    let warnings: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    assert!(
        warnings[0].starts_with("attck: warning:")
            && warnings[0].contains("without an index cache"),
        "{}",
        r.stderr
    );
    let mut quiet = attck_in(env.home.path());
    quiet.env("ATTCK_CACHE_DIR", blocker.join("caches"));
    let r = run_with(
        quiet,
        &["--bundle", env.bundle.to_str().unwrap(), "tactics", "-q"],
    );
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty());
}

#[test]
fn two_first_runs_at_once_leave_one_whole_cache() {
    let env = Env::new();
    let spawn = || {
        env.cmd()
            .args([
                "--bundle",
                env.bundle.to_str().unwrap(),
                "technique",
                "T1059",
                "-f",
                "json",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    let files = env.cache_files();
    assert_eq!(files.len(), 1, "no temporary files left: {files:?}");
    let warm = env.run(&["technique", "T1059", "-f", "json", "-v"]);
    assert_eq!(warm.stdout.as_bytes(), &a.stdout[..]);
    assert!(
        warm.stderr.is_empty(),
        "the cache they left is whole: {}",
        warm.stderr
    );
}

#[test]
fn data_status_shows_the_cache_and_clear_cache_removes_only_caches() {
    let env = Env::new();
    let data = env.home.path().join("data");
    fs::create_dir_all(&data).unwrap();
    let bundle = data.join("enterprise-attack-2.0.json");
    fs::copy(&env.bundle, &bundle).unwrap();
    let go = |args: &[&str]| {
        let mut v = vec!["--data-dir", data.to_str().unwrap()];
        v.extend_from_slice(args);
        run_with(env.cmd(), &v)
    };
    let r = go(&["data", "status", "-f", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(rows[0]["cache"].is_null());
    assert_eq!(go(&["tactics"]).code, 0);
    let r = go(&["data", "status", "-f", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows[0]["cache"]["fresh"], true);
    let size = fs::metadata(env.the_cache()).unwrap().len();
    assert_eq!(rows[0]["cache"]["size"], size);
    // Touch the bundle's content: the cache is now stale.
    let text = fs::read_to_string(&bundle).unwrap();
    fs::write(&bundle, format!("{text}\n")).unwrap();
    let r = go(&["data", "status", "-f", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows[0]["cache"]["fresh"], false);
    let r = go(&["data", "clear", "--cache", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(env.cache_files().is_empty());
    assert!(bundle.is_file(), "bundles stay");
}

fn round_trip(kb: &KnowledgeBase) -> KnowledgeBase {
    let id = SourceId {
        path: "/t".into(),
        size: 1,
        mtime_ns: 1,
        ..SourceId::default()
    };
    let bytes = encode(kb, id.clone(), "x".into()).expect("encodes");
    decode(Box::leak(bytes.into_boxed_slice()), &id, Fallback::none()).expect("decodes")
}

#[test]
fn every_object_of_every_real_bundle_reads_back_identically() {
    for file in [
        "enterprise-attack-17.1.json",
        "enterprise-attack-18.1.json",
        "mobile-attack-18.1.json",
        "ics-attack-18.1.json",
    ] {
        let Some(kb) = real_kb(file) else { return };
        let back = round_trip(&kb);
        for kind in Kind::ALL {
            assert_eq!(kb.count(kind), back.count(kind), "{file} {kind}");
            for n in kb.nodes(kind) {
                let a = serde_json::to_string(&view(&kb, n, Visibility::default())).unwrap();
                let b = serde_json::to_string(&view(&back, n, Visibility::default())).unwrap();
                assert_eq!(a, b, "{file} {n:?}");
            }
        }
        assert_eq!(kb.lookup_keys().count(), back.lookup_keys().count());
    }
}

#[test]
fn the_enterprise_cache_is_small() {
    let Some(kb) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    let id = SourceId {
        path: "/t".into(),
        size: 1,
        mtime_ns: 1,
        ..SourceId::default()
    };
    let bytes = encode(&kb, id, "x".into()).unwrap();
    assert!(bytes.len() < 20_000_000, "{} bytes", bytes.len());
}

/// The queries the zeroed-block test asks, as command lines (each also run by the binary
/// with `--no-cache`): between them they read every section of an enterprise cache.
const BLOCK_QUERIES: [&[&str]; 11] = [
    &["technique", "T1003.001", "-f", "json"],
    &["tactic", "credential-access", "-f", "json"],
    &["search", "credential", "dumping", "-f", "json"],
    &["show", "G0007", "-f", "json"],
    &["show", "S0002", "-f", "json"],
    &["show", "C0001", "-f", "json"],
    &["show", "M1027", "-f", "json"],
    &["show", "DC0001", "-f", "json"],
    &["show", "DET0001", "-f", "json"],
    &["show", "AN0001", "-f", "json"],
    &["list", "techniques", "--group", "G0007", "-f", "json"],
];

/// Answers one of [`BLOCK_QUERIES`] in-process, as its command does (the test checks that
/// this gives exactly the binary's bytes on the parsed bundle).
fn answer_in_process(kb: &KnowledgeBase, q: &[&str]) -> Vec<u8> {
    use attck_explorer::query::{list, search, show, tactic_techniques as tactic, technique};
    use attck_explorer::render::{self, Format, Options};
    let opts = Options {
        format: Format::Json,
        color: false,
        width: None,
        procedures: false,
    };
    let vis = Visibility::default();
    let mut out = Vec::new();
    match q[0] {
        "technique" => {
            let v = technique::technique(kb, &q[1].parse().unwrap(), vis).unwrap();
            render::detail(&mut out, &v, &opts).unwrap();
        }
        "tactic" => {
            let rows = tactic::tactic(kb, q[1], &tactic::TechniqueFilter::default()).unwrap();
            render::list(&mut out, &rows, &opts).unwrap();
        }
        "search" => {
            let words: Vec<String> = q[1..3].iter().map(ToString::to_string).collect();
            let hits = search::search(
                kb,
                &search::Query::parse(&words),
                &search::SearchOptions::default(),
            );
            render::list(&mut out, &hits, &opts).unwrap();
        }
        "show" => {
            let (v, _) = show::show(&[kb], q[1], None, vis).unwrap();
            render::detail(&mut out, &v, &opts).unwrap();
        }
        "list" => {
            let filter = list::TechniqueListFilter {
                group: Some(q[3].to_string()),
                ..Default::default()
            };
            render::list(&mut out, &list::techniques(kb, &filter).unwrap(), &opts).unwrap();
        }
        other => unreachable!("{other}"),
    }
    out
}

/// The answers to [`BLOCK_QUERIES`] from a cache, or why it was refused.
type Answers = Result<Vec<Vec<u8>>, String>;

/// Decodes `bytes` as a cache of `id` (a damaged section is answered from `parsed`) and
/// answers every query from it: `Err` when the cache is refused, which makes the binary
/// rebuild it. Only owned results leave the function, so nothing borrowed from `bytes`
/// outlives the call.
///
/// Why `unsafe`: the decoder borrows the model's strings for `'static` (the binary maps the
/// cache for the whole process). A leaked copy per damaged variant would hold 20 GB for the
/// 2,256 blocks of the enterprise cache; the fuzz harness meets the same need the same way.
#[allow(unsafe_code)]
fn answers_of_cache(
    bytes: &[u8],
    id: &SourceId,
    parsed: &std::sync::Arc<KnowledgeBase>,
) -> Answers {
    use attck_explorer::model::cache_format::Unrecoverable;
    // SAFETY: `bytes` is borrowed for the whole call. Everything borrowed from it lives in
    // the knowledge base decoded below, which is dropped before the function returns; the
    // answers are owned bytes, and the library keeps model strings nowhere else (the
    // decoder's thread-local pool is cleared when each decode ends).
    let stat: &'static [u8] = unsafe { std::slice::from_raw_parts(bytes.as_ptr(), bytes.len()) };
    match decode(stat, id, Fallback::parsed(parsed.clone())) {
        Err(why) => Err(why.to_string()),
        Ok(kb) => {
            let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                BLOCK_QUERIES
                    .iter()
                    .map(|q| answer_in_process(&kb, q))
                    .collect::<Vec<_>>()
            }));
            drop(kb);
            match answered {
                Ok(a) => Ok(a),
                Err(p) => match p.downcast::<Unrecoverable>() {
                    // A valid bundle was at hand: giving up is as wrong as a wrong answer.
                    Ok(u) => Ok(vec![format!("abandoned: {}", u.0).into_bytes()]),
                    Err(p) => std::panic::resume_unwind(p),
                },
            }
        }
    }
}

#[test]
fn zeroing_any_4k_block_of_a_real_cache_never_answers_wrongly() {
    let Some(dir) = crate::common::real_data() else {
        return;
    };
    let bundle = dir.join("enterprise-attack-18.1.json");
    let Some(parsed) = real_kb("enterprise-attack-18.1.json") else {
        return;
    };
    // What the binary prints with --no-cache, and the in-process answers agree with it.
    let home = tempfile::tempdir().unwrap();
    let expected: Vec<Vec<u8>> = BLOCK_QUERIES
        .iter()
        .map(|q| {
            let mut v = vec!["--bundle", bundle.to_str().unwrap(), "--no-cache"];
            v.extend_from_slice(q);
            let r = run_with(attck_in(home.path()), &v);
            assert_eq!(r.code, 0, "{q:?}: {}", r.stderr);
            let mine = answer_in_process(&parsed, q);
            assert_eq!(
                String::from_utf8_lossy(&mine),
                r.stdout,
                "{q:?}: the in-process answer is the binary's"
            );
            mine
        })
        .collect();
    let id = attck_explorer::store::cache_file::identify(&bundle).unwrap();
    let whole = encode(&parsed, id.clone(), "x".into()).unwrap();
    assert_eq!(answers_of_cache(&whole, &id, &parsed), Ok(expected.clone()));
    // Two threads (each with its own copy of the file to damage), blocks taken in turn.
    let blocks: Vec<usize> = (0..whole.len())
        .step_by(4096)
        .filter(|&at| {
            whole[at..(at + 4096).min(whole.len())]
                .iter()
                .any(|&b| b != 0)
        })
        .collect();
    let results: Vec<(usize, Answers)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                let (blocks, whole, id, parsed) = (&blocks, &whole, &id, &parsed);
                s.spawn(move || {
                    let mut damaged = whole.clone();
                    blocks
                        .iter()
                        .skip(t)
                        .step_by(2)
                        .map(|&at| {
                            let block = at..(at + 4096).min(whole.len());
                            damaged[block.clone()].fill(0);
                            let r = answers_of_cache(&damaged, id, parsed);
                            damaged[block.clone()].copy_from_slice(&whole[block]);
                            (at, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(results.len(), blocks.len());
    let (mut refused, mut answered) = (0, 0);
    let mut wrong = Vec::new();
    for (start, r) in results {
        match r {
            Err(_) => refused += 1,
            Ok(a) => {
                answered += 1;
                for (i, (got, want)) in a.iter().zip(&expected).enumerate() {
                    if got != want {
                        wrong.push(format!("block at {start}: {:?}", BLOCK_QUERIES[i]));
                    }
                }
                if a.len() != expected.len() {
                    wrong.push(format!(
                        "block at {start}: {}",
                        String::from_utf8_lossy(&a[0])
                    ));
                }
            }
        }
    }
    eprintln!("{refused} damaged caches refused, {answered} answered");
    assert!(
        wrong.is_empty(),
        "{} wrong answers, first: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    assert!(refused > 0 && answered > 0, "{refused} {answered}");
}
