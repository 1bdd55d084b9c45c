//! The hand-written sample knowledge bases (`data/sample/`, our own text), built in process
//! for the unit tests of the views. Compiled into the tests, so no test reads a file.

use std::path::Path;
use std::sync::OnceLock;

use crate::model::{Kind, KnowledgeBase, Node};

fn build(bytes: &[u8], name: &str) -> KnowledgeBase {
    KnowledgeBase::from_bytes(bytes, Path::new(name), None).expect("the sample bundle builds")
}

/// `enterprise-attack-2.0.json`: the 18.x data model (detection strategies, analytics).
pub fn v2() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        build(
            include_bytes!("../../data/sample/enterprise-attack-2.0.json"),
            "enterprise-attack-2.0.json",
        )
    })
}

/// `enterprise-attack-1.0.json`: the 17.x data model (data components without IDs).
pub fn v1() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        build(
            include_bytes!("../../data/sample/enterprise-attack-1.0.json"),
            "enterprise-attack-1.0.json",
        )
    })
}

/// `ics-attack-1.0.json`: assets and `targets`.
pub fn ics() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        build(
            include_bytes!("../../data/sample/ics-attack-1.0.json"),
            "ics-attack-1.0.json",
        )
    })
}

/// `v19/enterprise-attack-18.0.json`: before the tactic split.
pub fn split_before() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        build(
            include_bytes!("../../data/sample/v19/enterprise-attack-18.0.json"),
            "enterprise-attack-18.0.json",
        )
    })
}

/// `v19/enterprise-attack-19.0.json`: after the tactic split (TA0005 renamed `stealth`,
/// TA0112 `defense-impairment` new, T1562.001 and T1562.002 revoked by T1685).
pub fn split_after() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        build(
            include_bytes!("../../data/sample/v19/enterprise-attack-19.0.json"),
            "enterprise-attack-19.0.json",
        )
    })
}

/// The object with ATT&CK ID `id` of `kind`.
pub fn node(kb: &KnowledgeBase, kind: Kind, id: &str) -> Node {
    *kb.nodes_with_id(id)
        .iter()
        .find(|n| n.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} {id} in the sample"))
}

/// IDs of references, in order.
pub fn ids(refs: &[super::Ref]) -> Vec<&str> {
    refs.iter().map(|r| r.id.as_str()).collect()
}
