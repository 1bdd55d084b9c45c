//! `attck search --type`: searching groups, software and every other type.

use serde_json::Value;

use crate::common::sample;

fn hits(args: &[&str]) -> Vec<(String, String)> {
    let mut a = vec!["search"];
    a.extend_from_slice(args);
    a.extend(["-f", "json"]);
    let r = sample(&a);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    let v: Vec<Value> = r.json();
    v.iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap_or("null").to_string(),
                h["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn aliases_count_as_names() {
    assert_eq!(
        hits(&["heron", "--type", "group"]),
        [("G0902".to_string(), "group".to_string())]
    );
    assert_eq!(hits(&["gwing", "--type", "software"])[0].0, "S0904");
}

#[test]
fn all_types_rank_name_matches_first() {
    let h = hits(&["lantern", "--type", "all"]);
    assert!(h.len() >= 2, "{h:?}");
    // Both "Tin Lantern" and "Operation Dim Lantern" match by name; ties go by ID.
    assert_eq!(h[0], ("C0901".to_string(), "campaign".to_string()));
    assert_eq!(h[1], ("G0902".to_string(), "group".to_string()));
}

#[test]
fn default_type_is_still_techniques() {
    let r = sample(&["search", "interpreter", "-f", "json"]);
    let v: Vec<Value> = r.json();
    assert!(
        v[0].get("type").is_none(),
        "technique hits keep their foundation shape"
    );
    assert_eq!(v[0]["id"], "T1059");
    let r = sample(&[
        "search",
        "interpreter",
        "--type",
        "group",
        "--tactic",
        "execution",
    ]);
    assert_eq!(r.code, 2);
}
