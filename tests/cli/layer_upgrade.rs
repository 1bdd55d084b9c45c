//! `attck layer upgrade`: layers written by `attck layer` for an older version (the sample
//! 1.0, real 17.1) rewritten for a newer one; the expected changes are those of
//! data/sample/README.md ("Changes from enterprise 1.0 to 2.0").

use serde_json::{Value, json};

use crate::common::{real, real_data, sample};

/// (technique ID, tactic, score, comment)
type Entry = (String, Option<String>, Option<f64>, Option<String>);

fn entries(layer: &Value) -> Vec<Entry> {
    layer["techniques"]
        .as_array()
        .expect("techniques")
        .iter()
        .map(|e| {
            (
                e["techniqueID"].as_str().unwrap().to_string(),
                e["tactic"].as_str().map(ToString::to_string),
                e["score"].as_f64(),
                e["comment"].as_str().map(ToString::to_string),
            )
        })
        .collect()
}

fn e(id: &str, tactic: &str, comment: &str) -> Entry {
    (
        id.into(),
        Some(tactic.into()),
        Some(1.0),
        Some(comment.into()),
    )
}

#[test]
fn a_layer_written_on_1_0_is_upgraded_to_2_0() {
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    std::fs::write(
        &ids,
        "T1168 T1500 T1480 T1053.006 T1543 T1497 T1082 T1059.001 T1053\n",
    )
    .unwrap();
    let old = dir.path().join("old.json");
    let r = sample(&[
        "--attack-version",
        "1.0",
        "layer",
        "--ids",
        ids.to_str().unwrap(),
        "-o",
        old.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before: Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    assert_eq!(before["versions"]["attack"], "1");
    let scored = |l: &Value| {
        l["techniques"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t.get("score").is_some())
            .count()
    };
    assert_eq!(scored(&before), 12);

    let r = sample(&["layer", "upgrade", old.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(after["versions"]["attack"], "2");
    let sel = &format!("Selected by {}", ids.display());
    let replaced = format!("{sel}\nattck: replaces T1168 (Local Job Planting), revoked in 2.0");
    assert_eq!(
        entries(&after),
        [
            // T1168 is revoked by T1053, which the layer has already: merged, comment added.
            e("T1053", "execution", &replaced),
            e("T1053", "persistence", &replaced),
            // The sub-technique that moved keeps its annotation under its new ID.
            e(
                "T1543.002",
                "persistence",
                &format!("{sel}\nattck: was T1053.006 in 1.0")
            ),
            // The parent attck listed so T1059.001 shows, unscored, is carried through.
            (
                "T1059".into(),
                Some("execution".into()),
                None,
                Some("Parent of listed sub-techniques".into())
            ),
            e("T1059.001", "execution", sel),
            e("T1082", "discovery", sel),
            e("T1497", "defense-evasion", sel),
            e("T1497", "discovery", sel),
            // T1543 gained execution: annotated under every tactic it had, it is under both.
            e("T1543", "execution", sel),
            e("T1543", "persistence", sel),
            // T1480 (removed) and T1500 (deprecated) are gone.
        ]
    );
    // Every other field is carried through.
    for k in [
        "name",
        "domain",
        "description",
        "filters",
        "layout",
        "gradient",
        "metadata",
    ] {
        assert_eq!(after[k], before[k], "{k}");
    }
    for needle in [
        "warning: T1480 is not in 2.0: dropped",
        "warning: T1500 (On-Host Compilation) is deprecated in 2.0: dropped",
        "T1168 (Local Job Planting) is revoked in 2.0: replaced by T1053 Timed Job Planting",
        "T1053.006 is T1543.002 in 2.0 (now under T1543 Resident Service Setup)",
        "T1543: entries under persistence now under execution, persistence",
        "13 entries → 10; 1 replaced, 1 renumbered, 1 re-tacticked, 2 dropped, 2 merged",
    ] {
        assert!(r.stderr.contains(needle), "{needle}:\n{}", r.stderr);
    }
    // --quiet: the layer only.
    let q = sample(&["layer", "upgrade", old.to_str().unwrap(), "-q"]);
    assert!(q.stderr.is_empty(), "{}", q.stderr);
    assert_eq!(q.stdout, r.stdout);
}

#[test]
fn annotations_and_unknown_fields_are_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let layer = json!({
        "name": "hand made",
        "domain": "enterprise-attack",
        "versions": {"attack": "1", "layer": "4.5", "navigator": "5.1.0"},
        "x-ours": {"kept": [1, 2]},
        "techniques": [
            {"techniqueID": "T1168", "tactic": "execution", "score": 7, "color": "#ff0000",
             "comment": "our rule 12", "metadata": [{"name": "owner", "value": "blue"}],
             "links": [], "enabled": false},
            {"techniqueID": "T1497", "tactic": "persistence", "score": 2},
            {"techniqueID": "T1082", "score": 4},
            {"techniqueID": "T9999", "tactic": "execution", "score": 1}
        ]
    });
    let file = dir.path().join("hand.json");
    std::fs::write(&file, serde_json::to_vec(&layer).unwrap()).unwrap();
    // Upgraded in place.
    let r = sample(&[
        "layer",
        "upgrade",
        file.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let after: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(after["x-ours"], layer["x-ours"]);
    let t = after["techniques"].as_array().unwrap();
    assert_eq!(t.len(), 4, "{after}");
    // Replaced: only the tactic it was annotated under, with everything it carried.
    assert_eq!(
        t[0],
        json!({"techniqueID": "T1053", "tactic": "execution", "score": 7, "color": "#ff0000",
               "comment": "our rule 12\nattck: replaces T1168 (Local Job Planting), revoked in 2.0",
               "metadata": [{"name": "owner", "value": "blue"}], "links": [], "enabled": false})
    );
    // Under a tactic the technique does not have: moved to one it has.
    assert_eq!(t[1]["techniqueID"], "T1497");
    assert_eq!(t[1]["tactic"], "defense-evasion");
    // No tactic: every tactic, left so.
    assert_eq!(t[2], json!({"techniqueID": "T1082", "score": 4}));
    // Unknown in both versions: kept as it was, with a warning.
    assert_eq!(t[3]["techniqueID"], "T9999");
    assert!(
        r.stderr
            .contains("T9999 is in neither version: kept as it was")
    );
}

#[test]
fn versions_come_from_the_layer_or_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.json");
    let write = |v: &Value| std::fs::write(&file, serde_json::to_vec(v).unwrap()).unwrap();
    let path = file.to_str().unwrap();
    // No versions at all: --from says; the versions object is created.
    write(&json!({"domain": "enterprise-attack", "techniques": [{"techniqueID": "T1168"}]}));
    let r = sample(&["layer", "upgrade", path]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("give --from VERSION"), "{}", r.stderr);
    let r = sample(&["layer", "upgrade", path, "--from", "1.0", "--to", "2.0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        after["versions"],
        json!({"attack": "2", "navigator": "5.1.0", "layer": "4.5"})
    );
    assert_eq!(after["techniques"][0]["techniqueID"], "T1053");
    // A version that is not installed, a layer of another domain, flags that do not apply,
    // and files that are not a layer: one error line each, exit 2.
    write(&json!({"domain": "enterprise-attack", "versions": {"attack": "9"}, "techniques": []}));
    for (args, needle) in [
        (
            vec!["layer", "upgrade", path],
            "no enterprise-attack 9.x is installed",
        ),
        (
            vec!["--attack-version", "2.0", "layer", "upgrade", path],
            "do not apply",
        ),
    ] {
        let r = sample(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains(needle), "{}", r.stderr);
    }
    write(&json!({"domain": "ics-attack", "versions": {"attack": "1"}, "techniques": []}));
    let r = sample(&["--domain", "enterprise", "layer", "upgrade", path]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is a layer for ics-attack"),
        "{}",
        r.stderr
    );
    std::fs::write(&file, "T1059 T1027\n").unwrap();
    let r = sample(&["layer", "upgrade", path]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a Navigator layer"), "{}", r.stderr);
}

#[test]
fn a_real_layer_written_on_17_1_is_upgraded_to_18_1() {
    let Some(data) = real_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("apt29-17.json");
    let Some(r) = real(&[
        "--attack-version",
        "17.1",
        "layer",
        "--group",
        "G0016",
        "-o",
        old.to_str().unwrap(),
    ]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = real(&["layer", "upgrade", old.to_str().unwrap()]).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before: Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    let after: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(before["versions"]["attack"], "17");
    assert_eq!(after["versions"]["attack"], "18");
    // 17.1 → 18.1 revokes, deprecates, removes and moves no technique and changes no
    // technique's tactics (scripts/diff_facts.py): every entry stays as it was.
    assert_eq!(entries(&after), entries(&before));
    assert!(
        r.stderr
            .contains("0 replaced, 0 renumbered, 0 re-tacticked, 0 dropped, 0 merged")
    );
    assert!(data.join("enterprise-attack-18.1.json").is_file());
}

#[test]
fn an_entry_the_layer_has_wins_over_one_carried_onto_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.json");
    let layer = json!({
        "domain": "enterprise-attack",
        "versions": {"attack": "1"},
        "techniques": [
            {"techniqueID": "T1168", "tactic": "execution", "score": 7, "comment": "old rule"},
            {"techniqueID": "T1053", "tactic": "execution", "score": 2, "comment": "new rule"}
        ]
    });
    std::fs::write(&file, serde_json::to_vec(&layer).unwrap()).unwrap();
    let r = sample(&["layer", "upgrade", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        after["techniques"],
        json!([{"techniqueID": "T1053", "tactic": "execution", "score": 2,
                "comment": "new rule\nold rule\nattck: replaces T1168 (Local Job Planting), revoked in 2.0"}])
    );
    assert!(
        r.stderr
            .contains("T1053 (execution): the layer has that entry already; T1168's comment"),
        "{}",
        r.stderr
    );
}
