//! ATT&CK IDs, versions and file names: parsing never panics, parsed values re-parse to
//! themselves, and `cmp_ids` and `Version`'s order are total orders on up to three strings.
#![no_main]

use std::cmp::Ordering;

use attck_explorer::ids::version_from_file_name;
use attck_explorer::model::{Domain, TechniqueId, Version, cmp_ids};
use libfuzzer_sys::fuzz_target;

/// Antisymmetry, equality and transitivity of `cmp` over every pair and triple of `v`.
fn check_order<T: std::fmt::Debug>(
    v: &[T],
    cmp: impl Fn(&T, &T) -> Ordering,
    eq: impl Fn(&T, &T) -> bool,
) {
    for a in v {
        assert_eq!(cmp(a, a), Ordering::Equal, "{a:?} is not equal to itself");
        for b in v {
            assert_eq!(cmp(a, b), cmp(b, a).reverse(), "antisymmetry: {a:?} {b:?}");
            assert_eq!(
                cmp(a, b) == Ordering::Equal,
                eq(a, b),
                "equality: {a:?} {b:?}"
            );
            for c in v {
                if cmp(a, b) != Ordering::Greater && cmp(b, c) != Ordering::Greater {
                    assert_ne!(
                        cmp(a, c),
                        Ordering::Greater,
                        "transitivity: {a:?} {b:?} {c:?}"
                    );
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parts: Vec<&str> = text.splitn(3, '\n').collect();
    let mut versions = Vec::new();
    for p in &parts {
        if let Ok(id) = p.parse::<TechniqueId>() {
            let s = id.as_str();
            assert!(s.len() == 5 || s.len() == 9, "{s}");
            assert!(s.starts_with('T'), "{s}");
            assert_eq!(s.parse::<TechniqueId>().as_ref(), Ok(&id), "re-parse");
            assert!(
                s.eq_ignore_ascii_case(&p.trim().replace('/', ".")),
                "{s} from {p:?}"
            );
        }
        if let Ok(v) = p.parse::<Version>() {
            assert_eq!(v.as_str(), *p);
            let _ = v.major();
            versions.push(v);
        }
        if let Some(v) = version_from_file_name(p) {
            assert!(p.ends_with(&format!("-{v}.json")), "{v} from {p:?}");
        }
        if let Some(d) = Domain::from_any(p) {
            assert_eq!(Domain::from_any(d.short_name()), Some(d));
            assert_eq!(Domain::from_any(d.stix_name()), Some(d));
        }
    }
    check_order(&parts, |a, b| cmp_ids(a, b), |a, b| a == b);
    check_order(&versions, Version::cmp, |a, b| a == b);
    let mut sorted = parts.clone();
    sorted.sort_by(|a, b| cmp_ids(a, b));
    assert!(
        sorted
            .windows(2)
            .all(|w| cmp_ids(w[0], w[1]) != Ordering::Greater)
    );
});
