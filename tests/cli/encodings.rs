//! Inputs in UTF-16 with a byte-order mark (as MITRE's Python library writes Navigator
//! layers) or in UTF-8 with one read exactly as their plain UTF-8 originals: layers, ID
//! lists, Sigma rules, `map`'s text, `layer upgrade`'s layer, and bundles. Every file here is
//! made by the test from our own text or attck's own output.

use std::fs;
use std::path::Path;

use crate::common::{Run, run_with, sample, sample_dir, sample_stdin};

fn utf16le(s: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    v.extend(
        std::str::from_utf8(s)
            .unwrap()
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    v
}

fn utf16be(s: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    v.extend(
        std::str::from_utf8(s)
            .unwrap()
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    v
}

fn utf8_bom(s: &[u8]) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(s);
    v
}

/// The same bytes in each marked encoding, with the encoding's name.
fn encodings(s: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    [
        ("UTF-16LE", utf16le(s)),
        ("UTF-16BE", utf16be(s)),
        ("UTF-8 with BOM", utf8_bom(s)),
    ]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// Runs `args` with `{}` replaced by `file`, against the sample data.
fn with_file(args: &[&str], file: &str) -> Run {
    let v: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { file } else { a })
        .collect();
    sample(&v)
}

/// The command reads each encoding of `original` exactly as it reads `original`: the same
/// stdout and exit code, from the same file name and (where `stdin` is set) from stdin.
fn reads_alike(args: &[&str], original: &[u8], stdin: bool) {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "input", original);
    let want = with_file(args, &file);
    assert_eq!(want.code, 0, "{args:?} on UTF-8: {}", want.stderr);
    assert!(!want.stdout.is_empty());
    let from_stdin: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { "-" } else { a })
        .collect();
    let want_stdin = stdin.then(|| sample_stdin(&from_stdin, original));
    for (name, bytes) in encodings(original) {
        write(dir.path(), "input", &bytes);
        let got = with_file(args, &file);
        assert_eq!(
            (got.code, &got.stdout),
            (want.code, &want.stdout),
            "{args:?} on {name}: {}",
            got.stderr
        );
        if let Some(want) = &want_stdin {
            let got = sample_stdin(&from_stdin, &bytes);
            assert_eq!(
                (got.code, &got.stdout),
                (want.code, &want.stdout),
                "{args:?} on {name} from stdin: {}",
                got.stderr
            );
        }
    }
}

/// A layer written by `attck layer` on the sample 1.0 bundle (our own output).
fn our_layer(dir: &Path) -> Vec<u8> {
    let ids = write(
        dir,
        "ids.txt",
        b"T1168 T1500 T1480 T1053.006 T1543 T1497 T1082 T1059.001 T1053\n",
    );
    let out = dir.join("layer.json");
    let r = sample(&[
        "--attack-version",
        "1.0",
        "layer",
        "--ids",
        &ids,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    fs::read(out).unwrap()
}

#[test]
fn utf16_and_bom_layers_read_like_their_utf8_original() {
    let dir = tempfile::tempdir().unwrap();
    let layer = our_layer(dir.path());
    reads_alike(&["coverage", "{}", "-f", "json"], &layer, true);
    reads_alike(
        &[
            "--attack-version",
            "1.0",
            "layer",
            "--ids",
            "{}",
            "-f",
            "json",
        ],
        &layer,
        false,
    );
    reads_alike(&["layer", "upgrade", "{}"], &layer, true);
    // The upgraded layer of a UTF-16 file is written as UTF-8 (what Navigator reads).
    let f = write(dir.path(), "l16.json", &utf16le(&layer));
    let r = sample(&["layer", "upgrade", &f]);
    assert!(r.stdout.starts_with('{'), "{}", r.stdout);
}

#[test]
fn utf16_and_bom_id_lists_sigma_rules_and_map_text_read_alike() {
    reads_alike(
        &["coverage", "{}", "-f", "json"],
        b"We detect T1059.001 and T1027.\nold,T1086\nsvc,t1543/002\n",
        true,
    );
    reads_alike(
        &["coverage", "{}", "-f", "json"],
        b"title: Shell\ntags:\n    - attack.t1059.001\n    - attack.t1027\nlogsource:\n    category: process_creation\ndetection:\n    condition: selection\n",
        true,
    );
    reads_alike(
        &["map", "{}", "--names", "-f", "json"],
        "Quiet Heron ran T1059.001, then G0902 \u{e9}crit T1027.\n".as_bytes(),
        true,
    );
    // A directory of Sigma rules, one of them UTF-16.
    let dir = tempfile::tempdir().unwrap();
    let rule =
        b"title: x\ntags: [attack.t1027]\nlogsource: {product: y}\ndetection: {condition: z}\n";
    write(dir.path(), "a.yml", &utf16le(rule));
    let r = sample(&["coverage", dir.path().to_str().unwrap(), "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("rules, 1 file (Sigma 1; 1 naming techniques)"),
        "{}",
        r.stderr
    );
}

#[test]
fn utf16_and_bom_bundles_read_like_their_utf8_original() {
    let bundle = fs::read(sample_dir().join("enterprise-attack-2.0.json")).unwrap();
    let home = tempfile::tempdir().unwrap();
    let query = ["technique", "T1059", "-f", "json"];
    let ask = |file: &str, extra: &[&str]| {
        let mut v = vec!["--bundle", file];
        v.extend_from_slice(extra);
        v.extend_from_slice(&query);
        run_with(crate::common::attck_in(home.path()), &v)
    };
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "enterprise-attack-2.0.json", &bundle);
    let want = ask(&plain, &["--no-cache"]);
    assert_eq!(want.code, 0, "{}", want.stderr);
    for (name, bytes) in encodings(&bundle) {
        let f = write(dir.path(), "enterprise-attack-2.0.json", &bytes);
        for extra in [&["--no-cache"][..], &[], &[]] {
            let got = ask(&f, extra);
            assert_eq!(
                (got.code, &got.stdout),
                (0, &want.stdout),
                "{name} {extra:?}: {}",
                got.stderr
            );
        }
    }
}
