//! Facts about the real ATT&CK bundles in `$ATTCK_TEST_DATA`, checked independently
//! (a separate Python count over the same JSON) and pinned here. Never MITRE prose.

use attck_explorer::model::{Domain, KnowledgeBase};

use crate::common::{real, real_kb};
use crate::contract::{Row, Tactic, Technique};

const BUNDLES: [&str; 6] = [
    "enterprise-attack-17.1.json",
    "enterprise-attack-18.1.json",
    "mobile-attack-17.1.json",
    "mobile-attack-18.1.json",
    "ics-attack-17.1.json",
    "ics-attack-18.1.json",
];

fn active_counts(kb: &KnowledgeBase) -> (usize, usize) {
    let active = kb.techniques.iter().filter(|t| t.meta.is_active());
    let subs = active.clone().filter(|t| t.is_subtechnique).count();
    (active.count() - subs, subs)
}

#[test]
fn every_bundle_loads_with_domain_version_and_counts() {
    // (file, domain, version, tactics, active techniques, active sub-techniques)
    let expected = [
        (BUNDLES[0], Domain::Enterprise, "17.1", 14, 211, 468),
        (BUNDLES[1], Domain::Enterprise, "18.1", 14, 216, 475),
        (BUNDLES[2], Domain::Mobile, "17.1", 12, 75, 46),
        (BUNDLES[3], Domain::Mobile, "18.1", 12, 77, 47),
        (BUNDLES[4], Domain::Ics, "17.1", 12, 83, 0),
        (BUNDLES[5], Domain::Ics, "18.1", 12, 83, 0),
    ];
    for (file, domain, version, tactics, tech, sub) in expected {
        let Some(kb) = real_kb(file) else { return };
        assert_eq!(kb.domain, domain, "{file}");
        assert_eq!(kb.attack_version.as_deref(), Some(version), "{file}");
        assert_eq!(kb.tactics.len(), tactics, "{file}");
        assert_eq!(active_counts(&kb), (tech, sub), "{file}");
        assert_eq!(kb.stats.dangling_refs, 0, "{file}");
        assert!(kb.warnings.is_empty(), "{file}: {:?}", kb.warnings);
    }
}

#[test]
fn enterprise_tactics_in_matrix_order() {
    let Some(kb) = real_kb(BUNDLES[1]) else {
        return;
    };
    let names: Vec<&str> = kb.tactics.iter().map(|t| t.shortname.as_str()).collect();
    assert_eq!(
        names,
        [
            "reconnaissance",
            "resource-development",
            "initial-access",
            "execution",
            "persistence",
            "privilege-escalation",
            "defense-evasion",
            "credential-access",
            "discovery",
            "lateral-movement",
            "collection",
            "command-and-control",
            "exfiltration",
            "impact"
        ]
    );
}

#[test]
fn per_tactic_counts_enterprise_18_1() {
    let Some(r) = real(&["tactics", "-f", "json"]) else {
        return;
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: Vec<Tactic> = r.json();
    let got: Vec<(&str, usize, usize)> = t
        .iter()
        .map(|t| (t.id.as_str(), t.technique_count, t.subtechnique_count))
        .collect();
    assert_eq!(
        got,
        [
            ("TA0043", 11, 34),
            ("TA0042", 8, 39),
            ("TA0001", 11, 11),
            ("TA0002", 17, 29),
            ("TA0003", 23, 103),
            ("TA0004", 14, 95),
            ("TA0005", 47, 168),
            ("TA0006", 17, 50),
            ("TA0007", 34, 15),
            ("TA0008", 9, 14),
            ("TA0009", 17, 24),
            ("TA0011", 18, 27),
            ("TA0010", 9, 10),
            ("TA0040", 15, 18)
        ]
    );
}

#[test]
fn execution_lists_17_techniques_and_29_subtechniques() {
    let Some(r) = real(&["tactic", "execution", "-f", "json"]) else {
        return;
    };
    let rows: Vec<Row> = r.json();
    assert_eq!(rows.iter().filter(|r| !r.is_subtechnique).count(), 17);
    assert_eq!(rows.iter().filter(|r| r.is_subtechnique).count(), 29);
    // Each sub-technique comes right after its parent or a sibling.
    for w in rows.windows(2) {
        if w[1].is_subtechnique {
            let parent = w[1].parent.as_deref().unwrap();
            assert!(
                w[0].id == parent || w[0].parent.as_deref() == Some(parent),
                "{} after {}",
                w[1].id,
                w[0].id
            );
        }
    }
    let Some(r) = real(&["tactic", "TA0002", "-f", "json", "--attack-version", "17.1"]) else {
        return;
    };
    let rows: Vec<Row> = r.json();
    assert_eq!(rows.len(), 16 + 27);
}

#[test]
fn t1059_has_13_subtechniques_in_18_1_and_12_in_17_1() {
    let Some(r) = real(&["technique", "T1059", "-f", "json"]) else {
        return;
    };
    let t: Technique = r.json();
    assert_eq!(t.subtechniques.len(), 13);
    assert_eq!(t.subtechniques[0].id, "T1059.001");
    assert_eq!(t.subtechniques[12].id, "T1059.013");
    let Some(kb) = real_kb(BUNDLES[0]) else {
        return;
    };
    assert_eq!(kb.technique("T1059").unwrap().children.len(), 12);
}

#[test]
fn t1086_is_revoked_by_t1059_001() {
    let Some(r) = real(&["technique", "T1086", "-f", "json"]) else {
        return;
    };
    assert_eq!(r.code, 0);
    let t: Technique = r.json();
    assert!(t.revoked);
    assert_eq!(
        t.revoked_by
            .as_ref()
            .map(|r| (r.id.as_str(), r.name.as_str())),
        Some(("T1059.001", "PowerShell"))
    );
}

#[test]
fn revoked_chains_end_at_an_active_technique() {
    // T1073 → T1574.002, itself revoked → T1574.001 (checked in the JSON by hand).
    let Some(kb) = real_kb(BUNDLES[1]) else {
        return;
    };
    let t = kb.technique("T1073").unwrap();
    assert!(t.meta.revoked);
    assert_eq!(kb.replacement(t).unwrap().meta.id, "T1574.001");
}

#[test]
fn technique_ids_shared_with_deprecated_mitigations_resolve_to_techniques() {
    let Some(r) = real(&["technique", "T1033", "-f", "json"]) else {
        return;
    };
    let t: Technique = r.json();
    assert_eq!(t.name, "System Owner/User Discovery");
    assert!(!t.deprecated);
}

#[test]
fn mobile_deprecated_matrix_adds_no_tactics() {
    for file in [BUNDLES[2], BUNDLES[3]] {
        let Some(kb) = real_kb(file) else { return };
        assert!(
            !kb.tactics
                .iter()
                .any(|t| t.meta.id == "TA0038" || t.meta.id == "TA0039"),
            "{file}"
        );
        assert_eq!(kb.tactics.first().unwrap().shortname, "initial-access");
        assert_eq!(kb.tactics.last().unwrap().shortname, "impact");
    }
}

#[test]
fn ics_uses_its_own_kill_chain() {
    let Some(r) = real(&["tactics", "--domain", "ics", "-f", "json"]) else {
        return;
    };
    let t: Vec<Tactic> = r.json();
    assert_eq!(t.len(), 12);
    assert_eq!(t[0].id, "TA0108");
    assert_eq!(
        t.iter()
            .map(|t| (t.id.as_str(), t.technique_count))
            .find(|t| t.0 == "TA0107"),
        Some(("TA0107", 14))
    );
}

#[test]
fn every_listed_technique_can_be_looked_up() {
    for file in BUNDLES {
        let Some(kb) = real_kb(file) else { return };
        for t in kb.techniques.iter().filter(|t| t.meta.is_active()) {
            let found = kb.technique(&t.meta.id).unwrap();
            assert_eq!(found.meta.stix_id, t.meta.stix_id, "{file} {}", t.meta.id);
            if let Some(p) = t.parent {
                let parent = &kb.techniques[p as usize];
                assert!(
                    t.meta.id.starts_with(&format!("{}.", parent.meta.id)),
                    "{file} {}",
                    t.meta.id
                );
            }
        }
    }
}

#[test]
fn all_domains_from_the_data_directory_with_versions() {
    for (domain, version, tactics) in [
        ("mobile", "17.1", 12),
        ("ics", "17.1", 12),
        ("enterprise", "17.1", 14),
    ] {
        let Some(r) = real(&[
            "tactics",
            "--domain",
            domain,
            "--attack-version",
            version,
            "-f",
            "json",
        ]) else {
            return;
        };
        assert_eq!(r.code, 0, "{}", r.stderr);
        let t: Vec<Tactic> = r.json();
        assert_eq!(t.len(), tactics, "{domain}");
    }
}
