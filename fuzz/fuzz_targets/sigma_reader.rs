//! Sigma rules and plain text: the rule test, the tag scanner, the tag parser, the text ID
//! scanner and the generic input reader. Every ID found is a valid technique ID written in
//! the input.
#![no_main]

use attck_explorer::input::{self, ReadOptions, scan, sigma};
use attck_explorer::model::TechniqueId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let upper = text.to_ascii_uppercase().replace('/', ".");
    let valid = |id: &str| {
        assert!(
            id.parse::<TechniqueId>().is_ok_and(|t| t.as_str() == id),
            "{id}"
        );
        assert!(upper.contains(id), "{id} is not in the input");
    };
    let _ = sigma::looks_like_rule(&text);
    let tags = sigma::rule_tags(&text);
    if !tags.techniques.is_empty() {
        assert!(tags.has_tags);
    }
    tags.techniques.iter().for_each(|id| valid(id));
    for line in text.lines() {
        if let Some(id) = sigma::technique_of_tag(line) {
            valid(&id);
        }
    }
    scan::technique_ids(data).for_each(|id| valid(id.as_str()));
    if let Ok(list) = input::parse(data, "fuzz", ReadOptions::default()) {
        let _ = list.summary();
        for id in &list.ids {
            assert_eq!(id.as_str().parse::<TechniqueId>().ok(), Some(*id), "{id}");
        }
    }
});
