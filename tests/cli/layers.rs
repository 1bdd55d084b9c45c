//! ARCHITECTURE.md's layer rules, checked on the sources: identifiers come from the leaf
//! `ids` module, so `store`, `error` and `input` never import the model; `model`, `query`
//! and `render` never touch the file system or the environment (the loader and the commands
//! do).

use std::path::{Path, PathBuf};

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            rust_files(&e, out);
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The source without its comments (from `//` to the end of each line), so prose that
/// mentions a module is not taken for a use of it.
fn code(source: &str) -> String {
    source
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What in `code` breaks a rule against `forbidden` paths (`crate::model`, `std::fs`): a
/// path naming one, or a `use` group bringing one in (`use std::{env, fs}`).
fn breaches(code: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for path in forbidden {
        if code.contains(path) {
            found.push((*path).to_string());
        }
        let (root, leaf) = path.rsplit_once("::").unwrap();
        let group = format!("{root}::{{");
        let mut rest = code;
        while let Some(at) = rest.find(&group) {
            let inner = &rest[at + group.len()..];
            let end = inner.find('}').unwrap_or(inner.len());
            if inner[..end]
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == leaf)
            {
                found.push(format!("{path} (in a use group)"));
            }
            rest = &inner[end..];
        }
    }
    found
}

fn check(dirs: &[&str], forbidden: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in dirs {
        rust_files(&root.join(d), &mut files);
    }
    assert!(files.len() >= dirs.len(), "no sources under {dirs:?}");
    let mut wrong = Vec::new();
    for f in files {
        let source = std::fs::read_to_string(&f).unwrap();
        for b in breaches(&code(&source), forbidden) {
            wrong.push(format!("{}: {b}", f.strip_prefix(root).unwrap().display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "layer rules broken:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_paths_and_use_groups_but_not_comments() {
    let forbidden = ["std::fs", "std::env", "crate::model"];
    assert!(breaches(&code("let x = 1; // std::fs is fine here"), &forbidden).is_empty());
    assert_eq!(breaches("use std::fs;", &forbidden), ["std::fs"]);
    assert_eq!(
        breaches("use std::{io, env};", &forbidden),
        ["std::env (in a use group)"]
    );
    assert!(breaches("use std::{io, fmt};\nlet fs = 1;", &forbidden).is_empty());
    assert_eq!(
        breaches("let d = crate::model::Domain::Ics;", &forbidden),
        ["crate::model"]
    );
    assert_eq!(
        breaches("use crate::{ids, model};", &forbidden),
        ["crate::model (in a use group)"]
    );
}

#[test]
fn store_error_and_input_never_import_the_model() {
    check(
        &[
            "src/store",
            "src/error.rs",
            "src/input",
            "src/ids.rs",
            "src/encoding.rs",
        ],
        &["crate::model"],
    );
}

#[test]
fn model_query_and_render_never_touch_files_or_the_environment() {
    check(
        &["src/model", "src/query", "src/render"],
        &["std::fs", "std::env", "crate::store", "crate::load"],
    );
}
