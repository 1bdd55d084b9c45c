//! Bundle bytes → STIX parse → knowledge base → every query and renderer, then the index
//! cache round trip: a built knowledge base must pass its own check and come back from its
//! cache unchanged.
#![no_main]

use std::path::Path;

use attck_explorer::model::KnowledgeBase;
use attck_explorer::model::cache_format::{self, SourceId};
use attck_explorer::stix::parse_bundle;
use attck_fuzz::{assert_same, exercise, with_static_bytes};
use libfuzzer_sys::fuzz_target;

/// File names give the domain and version when the bundle does not say.
const NAMES: [&str; 4] = [
    "enterprise-attack-18.1.json",
    "mobile-attack.json",
    "ics-attack-1.0.json",
    "bundle.json",
];

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = parse_bundle(data) else {
        return;
    };
    let seed = data.iter().fold(0u8, |a, &b| a.wrapping_add(b));
    let name = Path::new(NAMES[usize::from(seed) % NAMES.len()]);
    let Ok(kb) = KnowledgeBase::from_bundle(bundle, name, None) else {
        return;
    };
    kb.check()
        .expect("a built knowledge base passes its own check");
    exercise(&kb, seed);

    let id = SourceId {
        path: "/nonexistent/attck-fuzz/bundle.json".into(),
        size: data.len() as u64,
        mtime_ns: 1,
        ..SourceId::default()
    };
    let bytes =
        cache_format::encode(&kb, id.clone(), "0".into()).expect("a knowledge base encodes");
    // SAFETY: the decoded knowledge base is dropped inside the closure.
    unsafe {
        with_static_bytes(&bytes, |b| {
            let back = cache_format::decode(b, &id, cache_format::Fallback::none())
                .expect("a fresh cache decodes");
            assert_same(&kb, &back);
        });
    }
});
