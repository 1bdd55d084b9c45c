//! The index cache's encoding, compared on the full enterprise 18.1 model: what attck writes
//! (postcard, strings in a pool the model borrows from) against plain postcard (owned strings)
//! and compact JSON of the same model. Prints sizes and medians of in-process encode/decode.
//!
//! `cargo run --release --example encodings [-- RUNS]` (default 21).

use std::time::Instant;

use attck_bench as setup;
use attck_explorer::model::KnowledgeBase;
use attck_explorer::model::cache_format;

fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut v: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = f();
            let e = t.elapsed().as_secs_f64() * 1e3;
            drop(out);
            e
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Some(bundle) = setup::bundle_or_skip() else {
        return;
    };
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let id = setup::source_id(&bundle);
    let kb = setup::load(&bundle);
    let bundle_size = std::fs::metadata(&bundle).unwrap().len();
    let pooled = setup::leak(setup::pooled(&kb, &id));
    let owned = setup::owned_postcard(&kb);
    let json = setup::compact_json(&kb);

    // Same model back from each: a quick equality check on the counts.
    let a = cache_format::decode(pooled, &id, cache_format::Fallback::none()).unwrap();
    let b: KnowledgeBase = postcard::from_bytes(&owned).unwrap();
    let c: KnowledgeBase = serde_json::from_slice(&json).unwrap();
    for k in [&a, &b, &c] {
        assert_eq!(k.techniques.len(), kb.techniques.len());
        assert_eq!(k.edges().len(), kb.edges().len());
    }

    let mb = |n: usize| n as f64 / 1e6;
    println!(
        "enterprise 18.1: bundle {:.1} MB, {} techniques, {} relationships; medians of {runs} runs, in-process\n",
        mb(bundle_size as usize),
        kb.techniques.len(),
        kb.edges().len()
    );
    println!("| encoding of the model | size | encode | decode |");
    println!("|---|---:|---:|---:|");
    println!(
        "| postcard, pooled borrowed strings (implemented; decode incl. header, CRC, link check) | {:.1} MB | {:.1} ms | {:.2} ms |",
        mb(pooled.len()),
        median_ms(runs, || setup::pooled(&kb, &id)),
        median_ms(runs, || cache_format::decode(
            pooled,
            &id,
            cache_format::Fallback::none()
        )
        .unwrap())
    );
    println!(
        "| postcard, owned `String`s (plain serde) | {:.1} MB | {:.1} ms | {:.2} ms |",
        mb(owned.len()),
        median_ms(runs, || setup::owned_postcard(&kb)),
        median_ms(runs, || postcard::from_bytes::<KnowledgeBase>(&owned)
            .unwrap())
    );
    println!(
        "| compact JSON of the model | {:.1} MB | {:.1} ms | {:.2} ms |",
        mb(json.len()),
        median_ms(runs, || setup::compact_json(&kb)),
        median_ms(runs, || serde_json::from_slice::<KnowledgeBase>(&json)
            .unwrap())
    );
    println!(
        "| (re-parse the bundle: `--no-cache`) | {:.1} MB | | {:.1} ms |",
        mb(bundle_size as usize),
        median_ms(runs.min(11), || setup::load(&bundle))
    );
}
