//! Navigator layers: the lenient reader used for technique lists, the whole-layer reader used
//! by `layer upgrade` (whose output must read back), the generic input reader, and the upgrade
//! and ID resolution run on what was read.
#![no_main]

use attck_explorer::input::{self, ReadOptions, layer, layer_doc};
use attck_explorer::model::TechniqueId;
use attck_explorer::query::{selection, upgrade};
use attck_fuzz::sample_kb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(layer::Parsed::Layers(ls)) = layer::parse(data) {
        for l in &ls {
            let _ = (l.format_version(), l.domain_name());
            let _ = l.techniques.iter().filter(|e| e.counts()).count();
        }
    }
    for layer_all in [false, true] {
        if let Ok(list) = input::parse(data, "fuzz", ReadOptions { layer_all }) {
            let _ = list.summary();
            for id in &list.ids {
                assert_eq!(
                    id.as_str().parse::<TechniqueId>().ok(),
                    Some(*id),
                    "{id} does not read back"
                );
            }
            let _ = selection::resolve_ids(sample_kb(), list.id_strs());
        }
    }
    if let Ok(mut doc) = layer_doc::parse(data) {
        let kb = sample_kb();
        let _ = upgrade::upgrade(kb, kb, &mut doc);
        let out = serde_json::to_vec(&doc).expect("a layer serialises");
        let again = layer_doc::parse(&out).expect("a written layer reads back");
        assert_eq!(again.techniques.len(), doc.techniques.len());
    }
});
