//! Shared setup for attck's benchmarks: finding the real enterprise 18.1 bundle, loading it
//! once, and the three encodings of the index cache compared in BENCHMARKS.md.

use std::path::{Path, PathBuf};

use attck_explorer::model::KnowledgeBase;
use attck_explorer::model::cache_format::{self, SourceId};
use attck_explorer::store::cache_file::identify;

/// The benchmark bundle's file name.
pub const BUNDLE: &str = "enterprise-attack-18.1.json";

/// `ATTCK_TEST_DATA`, else `../shared/attack` beside the repository (as the root's tests).
#[must_use]
pub fn data_dir() -> PathBuf {
    match std::env::var_os("ATTCK_TEST_DATA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/attack"),
    }
}

/// The benchmark bundle, or `None` (after saying why on stderr) when it is absent.
#[must_use]
pub fn bundle_or_skip() -> Option<PathBuf> {
    let p = data_dir().join(BUNDLE);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!(
            "attck-bench: skipped: no {} (set ATTCK_TEST_DATA to a directory holding {BUNDLE})",
            p.display()
        );
        None
    }
}

/// The bundle's cache identity (path, size, mtime).
///
/// # Panics
/// When the bundle cannot be read: the benchmarks cannot run at all then.
#[must_use]
pub fn source_id(bundle: &Path) -> SourceId {
    identify(bundle).expect("the benchmark bundle can be read")
}

/// Parses and builds the knowledge base.
///
/// # Panics
/// When the bundle does not load.
#[must_use]
pub fn load(bundle: &Path) -> KnowledgeBase {
    attck_explorer::load::parse_bundle(bundle, None).expect("the benchmark bundle loads")
}

/// Leaks a buffer for the rest of the process, as the binary leaks its cache mapping:
/// [`cache_format::decode`] borrows the model's strings from it.
#[must_use]
pub fn leak(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

/// The cache as attck writes it: header, string pool, postcard with pooled strings.
///
/// # Panics
/// When encoding fails.
#[must_use]
pub fn pooled(kb: &KnowledgeBase, id: &SourceId) -> Vec<u8> {
    cache_format::encode(kb, id.clone(), String::new()).expect("the model encodes")
}

/// The same model in plain postcard: every string written inline, decoded as an owned `String`.
///
/// # Panics
/// When encoding fails.
#[must_use]
pub fn owned_postcard(kb: &KnowledgeBase) -> Vec<u8> {
    postcard::to_stdvec(kb).expect("the model encodes")
}

/// The same model as compact JSON.
///
/// # Panics
/// When encoding fails.
#[must_use]
pub fn compact_json(kb: &KnowledgeBase) -> Vec<u8> {
    serde_json::to_vec(kb).expect("the model encodes")
}
