//! `attck map` over arbitrary text with the sample knowledge base: every object reported is
//! written in the text (its ID, the revoked ID it replaced, or the words of its name or an
//! alias), on lines that exist.
#![no_main]

use std::collections::HashSet;

use attck_explorer::model::Kind;
use attck_explorer::query::map::{MapOptions, MatchedAs, map};
use attck_fuzz::{render_options, sample_kb};
use libfuzzer_sys::fuzz_target;

/// The words of `s` as `map` splits and lower-cases them.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let kb = sample_kb();
    let result = map(
        kb,
        &text,
        MapOptions {
            names: seed & 1 == 1,
        },
    );
    let upper = text.to_ascii_uppercase().replace('/', ".");
    let text_words: HashSet<String> = words(&text).into_iter().collect();
    let lines = text.split('\n').count();
    let kinds = Kind::ALL.map(|k| (k.name(), k));
    for m in &result.found {
        assert!(m.mentions >= m.lines.len() && !m.lines.is_empty(), "{m:?}");
        assert!(
            m.lines.iter().all(|&l| (1..=lines).contains(&(l as usize))),
            "lines of {m:?}"
        );
        assert!(
            m.lines.windows(2).all(|w| w[0] < w[1]),
            "sorted lines {m:?}"
        );
        if m.matched_as.contains(&MatchedAs::Id) {
            let written = m.replaced.as_ref().map_or(m.id.as_str(), |r| r.id.as_str());
            assert!(
                upper.contains(&m.id) || upper.contains(written),
                "{} is not in the text",
                m.id
            );
        }
        if m.matched_as.iter().any(|&h| h != MatchedAs::Id) {
            let kind = kinds.iter().find(|(n, _)| *n == m.kind).expect("a kind").1;
            let nodes: Vec<_> = kb
                .nodes_with_id(&m.id)
                .iter()
                .filter(|n| n.kind == kind)
                .collect();
            let names = nodes.iter().flat_map(|&&n| {
                std::iter::once(kb.meta(n).name.to_string())
                    .chain(kb.aliases(n).iter().map(ToString::to_string))
            });
            let mut ok = false;
            for name in names {
                if words(&name).iter().all(|w| text_words.contains(w)) {
                    ok = true;
                }
            }
            assert!(ok, "no name of {} ({}) is in the text", m.id, m.name);
        }
    }
    let out = &mut std::io::sink();
    attck_explorer::render::list(out, &result.found, &render_options(seed))
        .expect("render into a sink");
    if let Some(layer) = attck_explorer::query::layer::from_map(kb, &result, "fuzz") {
        attck_explorer::render::json_document(out, &layer).expect("render into a sink");
    }
});
