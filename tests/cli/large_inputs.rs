//! Large inputs cost in proportion: `map` and `coverage` read a 48 MiB ID list and a 48 MiB
//! report text within an address-space limit of twice the input plus 64 MiB (set with
//! `ulimit -v` before attck starts, so a larger peak is an allocation failure, exit 134,
//! not a figure to judge). Address space bounds resident memory from above, so this is
//! the benchmark's memory target checked on every test run; the throughput target is
//! measured by `scripts/bench-inputs`, never timed here.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{Run, attck_in, sample_dir};

const SIZE: usize = 48 << 20;

/// Runs attck on the sample data under `ulimit -v` of `limit_kib`.
fn limited(home: &Path, limit_kib: usize, args: &[&str]) -> Run {
    let attck = attck_in(home);
    let mut sh = Command::new("sh");
    sh.env_clear();
    for (k, v) in attck.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    let data = sample_dir();
    sh.arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(attck.get_program())
        .args(["--data-dir", data.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::null());
    let out = sh.output().expect("sh runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes the lines `line(0)`, `line(1)`, ... while they fit in `size` bytes; returns how
/// many it wrote.
fn generate(path: &Path, size: usize, line: impl Fn(usize) -> String) -> usize {
    let mut f = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let mut written = 0;
    let mut i = 0;
    loop {
        let l = line(i);
        if written + l.len() > size {
            break;
        }
        f.write_all(l.as_bytes()).unwrap();
        written += l.len();
        i += 1;
    }
    f.flush().unwrap();
    i
}

/// Technique IDs of the sample bundle, a sub-technique and IDs it does not have.
const IDS: [&str; 8] = [
    "T1059",
    "T1059.001",
    "T1027",
    "T1053",
    "T1082",
    "T1543",
    "T9999",
    "T1168",
];

#[test]
fn large_id_lists_and_texts_stay_within_twice_their_size_plus_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let limit_kib = 2 * SIZE / 1024 + 64 * 1024;
    let list = dir.path().join("ids.txt");
    let list_lines = generate(&list, SIZE, |i| format!("{}\n", IDS[i % IDS.len()]));
    let text = dir.path().join("report.txt");
    let text_lines = generate(&text, SIZE, |i| {
        format!(
            "line {i}: the actor ran a loader through {} and then moved on quietly.\n",
            IDS[i % IDS.len()]
        )
    });
    // The limit is not so tight that a small input fails for reasons of its own.
    let small = dir.path().join("small.txt");
    fs::write(&small, "T1059\n").unwrap();
    let r = limited(home.path(), limit_kib, &["map", small.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    for (args, what) in [
        (
            vec!["coverage", list.to_str().unwrap(), "-f", "json"],
            "coverage of the list",
        ),
        (
            vec!["map", list.to_str().unwrap(), "-f", "json"],
            "map of the list",
        ),
        (
            vec!["map", text.to_str().unwrap(), "-f", "json"],
            "map of the text",
        ),
    ] {
        let r = limited(home.path(), limit_kib, &args);
        assert_eq!(
            r.code, 0,
            "{what} within {limit_kib} KiB of address space: {}",
            r.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        if args[0] == "map" {
            // Every line names one ID, T1059 on lines 0, 8, 16, ...
            let lines = if what == "map of the list" {
                list_lines
            } else {
                text_lines
            };
            let rows = v.as_array().unwrap();
            let t1059 = rows.iter().find(|r| r["id"] == "T1059").unwrap();
            assert_eq!(t1059["mentions"], lines.div_ceil(IDS.len()), "{what}");
            assert_eq!(t1059["lines"][1], 9, "{what}");
            assert!(rows.iter().all(|r| r["id"] != "T9999"), "{what}");
        } else {
            // Each distinct ID once, as the list's own eight lines would give.
            assert_eq!(v["input"]["ids_read"], IDS.len(), "{what}");
            assert_eq!(
                v["input"]["unknown"],
                serde_json::json!(["T9999"]),
                "{what}"
            );
        }
    }
}
