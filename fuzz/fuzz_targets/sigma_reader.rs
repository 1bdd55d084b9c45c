//! Detection content and plain text: the rule readers of every format (Sigma, Elastic,
//! Splunk, Sentinel, CAR, Atomic Red Team), `lint`'s reader of one file, the text ID scanner
//! and the generic input reader. Nothing panics; every exact place holds the text it names;
//! every ID a technique list holds is a valid technique ID.
#![no_main]

use attck_explorer::input::{self, ReadOptions, rules, scan};
use attck_explorer::model::TechniqueId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(rules::Read::File(f)) = rules::read(&text, "fuzz") {
        for r in &f.refs {
            if r.at.exact {
                assert_eq!(&text[r.at.start..r.at.end], r.at.text);
            }
            if let Some(id) = r.technique() {
                assert!(id.as_str().parse::<TechniqueId>().is_ok());
            }
        }
    }
    let _ = input::references(data, "fuzz", true);
    for id in scan::technique_ids(data) {
        assert!(id.as_str().parse::<TechniqueId>().is_ok(), "{id:?}");
    }
    if let Ok(list) = input::parse(data, "fuzz", ReadOptions::default()) {
        let _ = list.summary();
        for id in &list.ids {
            assert!(id.as_str().parse::<TechniqueId>().is_ok(), "{id:?}");
        }
    }
});
