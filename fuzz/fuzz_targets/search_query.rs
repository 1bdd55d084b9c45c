//! Search queries: the parser over arbitrary arguments, then the search over the sample
//! knowledge base, with every snippet's highlight marks in bounds and on char boundaries.
#![no_main]

use attck_explorer::query::search::Query;
use attck_fuzz::{render_options, run_search, sample_kb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else {
        return;
    };
    // NUL separates command-line arguments (a shell cannot pass one inside an argument).
    let text = String::from_utf8_lossy(rest);
    let args: Vec<String> = text.split('\0').map(str::to_string).collect();
    let q = Query::parse(&args);
    for term in &q.terms {
        assert!(!term.is_empty(), "an empty term in {q:?}");
        assert!(term.iter().all(|w| !w.is_empty()), "an empty word in {q:?}");
    }
    run_search(sample_kb(), &q, render_options(seed));
});
