//! `attck search --type`: searching groups, software and every other type.

use serde_json::Value;

use crate::common::sample;
use crate::contract::ObjectHit;

fn hits(args: &[&str]) -> Vec<(String, String)> {
    let mut a = vec!["search"];
    a.extend_from_slice(args);
    a.extend(["-f", "json"]);
    let r = sample(&a);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    let v: Vec<ObjectHit> = r.json();
    v.into_iter()
        .map(|h| (h.id.unwrap_or_else(|| "null".into()), h.kind))
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
fn all_types_share_one_score() {
    // Techniques come in ranked as technique search ranks them, procedure evidence and all,
    // between the other types' hits by the same score.
    let r = sample(&["search", "tallow", "--type", "all", "-f", "json"]);
    let h: Vec<ObjectHit> = r.json();
    assert_eq!(h[0].id.as_deref(), Some("S0902"), "the name match first");
    assert!(h[0].score >= 6.0);
    let techniques: Vec<&ObjectHit> = h.iter().filter(|h| h.kind == "technique").collect();
    assert_eq!(techniques.len(), 3);
    assert!(
        techniques
            .iter()
            .all(|t| t.matched_in.contains(&"procedures".into()))
    );
    let alone = sample(&["search", "tallow", "-f", "json"]);
    let alone: Vec<crate::contract::Hit> = alone.json();
    for (a, b) in techniques.iter().zip(&alone) {
        assert_eq!(a.id.as_deref(), Some(b.id.as_str()));
        assert!(
            (a.score - b.score).abs() < 1e-9,
            "the same score in both searches"
        );
    }
    assert!(h.windows(2).all(|w| w[0].score >= w[1].score));
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
