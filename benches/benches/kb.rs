//! In-process benchmarks on the real enterprise 18.1 bundle: loading (parse + build), the
//! index cache (encode, decode), the three queries the issue targets, and the cache encodings.
//! `cd benches && cargo bench`; skipped with a message when the bundle is absent.

use std::path::PathBuf;
use std::sync::LazyLock;

use attck_bench as setup;
use attck_explorer::model::cache_format::{self, SourceId};
use attck_explorer::model::{KnowledgeBase, TechniqueId, Visibility};
use attck_explorer::query::search::{Query, SearchOptions};
use attck_explorer::query::tactic_techniques::TechniqueFilter;
use attck_explorer::render::{self, Format, Options};
use attck_explorer::{query, store};
use divan::Bencher;

static BUNDLE: LazyLock<PathBuf> =
    LazyLock::new(|| setup::bundle_or_skip().expect("checked in main"));
static ID: LazyLock<SourceId> = LazyLock::new(|| setup::source_id(&BUNDLE));
static PARSED: LazyLock<KnowledgeBase> = LazyLock::new(|| setup::load(&BUNDLE));
/// The cache file's bytes, in memory (leaked once: decoded models borrow from them).
static POOLED: LazyLock<&'static [u8]> = LazyLock::new(|| setup::leak(setup::pooled(&PARSED, &ID)));
/// The same bytes written to a file and memory-mapped, as a warm query sees them.
static MAPPED: LazyLock<&'static [u8]> = LazyLock::new(|| {
    let path = std::env::temp_dir().join(format!("attck-bench-{}.attck-index", std::process::id()));
    store::cache_file::write_atomic(&path, &POOLED).expect("the cache file is written");
    let map = store::cache_file::map_for_process(&path).expect("the cache file maps");
    // The mapping stays valid after the name goes.
    let _ = std::fs::remove_file(&path);
    map
});
/// The knowledge base a warm query uses: decoded from the mapped cache.
static WARM: LazyLock<KnowledgeBase> = LazyLock::new(|| {
    cache_format::decode(&MAPPED, &ID, cache_format::Fallback::none()).expect("the cache decodes")
});

const JSON: Options = Options {
    format: Format::Json,
    color: false,
    width: None,
    procedures: false,
};

fn main() {
    if setup::bundle_or_skip().is_none() {
        return;
    }
    divan::main();
}

mod load {
    use super::*;

    /// Read the file, parse the JSON, build the graph: what `--no-cache` does.
    #[divan::bench(sample_count = 15, sample_size = 1)]
    fn open() -> KnowledgeBase {
        attck_explorer::load::parse_bundle(&BUNDLE, None).unwrap()
    }

    /// Parse and build from bytes already in memory.
    #[divan::bench(sample_count = 15, sample_size = 1)]
    fn from_bytes(b: Bencher) {
        let bytes = std::fs::read(&*BUNDLE).unwrap();
        b.bench(|| KnowledgeBase::from_bytes(&bytes, &BUNDLE, None).unwrap());
    }
}

mod cache_file {
    use super::*;

    /// Encode the model (string pool + postcard + CRCs): part of a first run.
    #[divan::bench(sample_count = 30)]
    fn encode() -> Vec<u8> {
        setup::pooled(&PARSED, &ID)
    }

    /// Check the header and CRCs, decode, check links: the warm path's load.
    #[divan::bench(sample_count = 100)]
    fn decode_mapped() -> KnowledgeBase {
        cache_format::decode(&MAPPED, &ID, cache_format::Fallback::none()).unwrap()
    }

    /// The header alone (what `data status` reads).
    #[divan::bench]
    fn header() -> cache_format::Header {
        cache_format::header(&MAPPED).unwrap()
    }

    /// The two CRC-32s over the pool and body sections.
    #[divan::bench]
    fn crc(b: Bencher) {
        let h = cache_format::header(&MAPPED).unwrap();
        let sections: Vec<&[u8]> = h
            .sections
            .iter()
            .map(|s| &MAPPED[s.offset as usize..(s.offset + s.len) as usize])
            .collect();
        b.bench(|| {
            sections
                .iter()
                .map(|s| crc32fast::hash(s))
                .fold(0, |a, c| a ^ c)
        });
    }

    /// The link check every decoded cache passes.
    #[divan::bench]
    fn check() -> Result<(), String> {
        WARM.check()
    }
}

mod queries {
    use super::*;

    fn id() -> TechniqueId {
        "T1059".parse().unwrap()
    }

    #[divan::bench]
    fn technique_view() -> query::technique::TechniqueDetail {
        query::technique::technique(&WARM, &id(), Visibility::default()).unwrap()
    }

    /// `technique T1059 -f json` after the load: view + JSON.
    #[divan::bench]
    fn technique_json() -> Vec<u8> {
        let view = query::technique::technique(&WARM, &id(), Visibility::default()).unwrap();
        let mut out = Vec::new();
        render::detail(&mut out, &view, &JSON).unwrap();
        out
    }

    #[divan::bench]
    fn tactic_view() -> Vec<query::technique::TechniqueRow> {
        query::tactic_techniques::tactic(&WARM, "execution", &TechniqueFilter::default()).unwrap()
    }

    /// `tactic execution -f json` after the load.
    #[divan::bench]
    fn tactic_json() -> Vec<u8> {
        let rows =
            query::tactic_techniques::tactic(&WARM, "execution", &TechniqueFilter::default())
                .unwrap();
        let mut out = Vec::new();
        render::list(&mut out, &rows, &JSON).unwrap();
        out
    }

    fn powershell() -> (Query, SearchOptions) {
        let q = Query::parse(&["powershell".to_string()]);
        let opts = SearchOptions {
            filter: TechniqueFilter::default(),
            tactic: None,
            limit: None,
        };
        (q, opts)
    }

    #[divan::bench]
    fn search_view() -> Vec<query::search::SearchHit> {
        let (q, opts) = powershell();
        query::search::search(&WARM, &q, &opts)
    }

    /// `search powershell -f json` after the load.
    #[divan::bench]
    fn search_json() -> Vec<u8> {
        let (q, opts) = powershell();
        let hits = query::search::search(&WARM, &q, &opts);
        let mut out = Vec::new();
        render::list(&mut out, &hits, &JSON).unwrap();
        out
    }
}

/// The same model in three encodings (BENCHMARKS.md "Cache encodings"); sizes come from
/// `cargo run --release --example encodings`.
mod encoding {
    use super::*;

    static OWNED: LazyLock<Vec<u8>> = LazyLock::new(|| setup::owned_postcard(&PARSED));
    static JSON_BYTES: LazyLock<Vec<u8>> = LazyLock::new(|| setup::compact_json(&PARSED));

    /// What is implemented: strings borrowed from the pool (includes header, CRC and check).
    #[divan::bench(sample_count = 100)]
    fn decode_pooled_postcard() -> KnowledgeBase {
        cache_format::decode(&POOLED, &ID, cache_format::Fallback::none()).unwrap()
    }

    /// Plain postcard: every string allocated (no CRC, no check).
    #[divan::bench(sample_count = 50)]
    fn decode_owned_postcard() -> KnowledgeBase {
        postcard::from_bytes(&OWNED).unwrap()
    }

    /// Compact JSON of the model (not the bundle): strings allocated, escapes undone.
    #[divan::bench(sample_count = 30)]
    fn decode_compact_json() -> KnowledgeBase {
        serde_json::from_slice(&JSON_BYTES).unwrap()
    }

    #[divan::bench(sample_count = 30)]
    fn encode_owned_postcard() -> Vec<u8> {
        setup::owned_postcard(&PARSED)
    }

    #[divan::bench(sample_count = 30)]
    fn encode_compact_json() -> Vec<u8> {
        setup::compact_json(&PARSED)
    }
}
