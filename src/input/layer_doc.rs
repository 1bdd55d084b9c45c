//! A Navigator layer kept whole, for rewriting it (`attck layer upgrade`).
//!
//! The fields attck changes (versions, technique IDs, tactics, comments) are typed; every
//! other field of the layer and of each technique entry (scores, colours, metadata, links,
//! layout, gradients, fields of future Navigator versions) is carried through untouched. That
//! is why this one type holds `serde_json` values: a rewrite must never drop what it does not
//! understand. [`super::layer`] is the lenient reader for layers used as technique lists.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A layer's `versions` object.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocVersions {
    /// The ATT&CK version the layer is for (`17`, sometimes `17.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// Navigator version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigator: Option<String>,
    /// Layer format version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Everything else, as read.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// One technique entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocEntry {
    /// `T1059` or `T1059.001`.
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// The tactic shortname; absent means every tactic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// The comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Everything else (score, color, enabled, metadata, links, …), as read.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A whole layer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerDoc {
    /// The layer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Versions (format 4.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<DocVersions>,
    /// The domain (`enterprise-attack`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The entries.
    #[serde(default)]
    pub techniques: Vec<DocEntry>,
    /// Everything else, as read.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// Reads one layer for rewriting. A file that is not a single layer is an error naming why.
pub fn parse(bytes: &[u8]) -> Result<LayerDoc, String> {
    match super::layer::parse(bytes)? {
        super::layer::Parsed::Layers(l) if l.len() == 1 => {}
        super::layer::Parsed::Layers(l) => {
            return Err(format!(
                "it holds {} layers; upgrade them one at a time",
                l.len()
            ));
        }
        super::layer::Parsed::NotALayer => {
            return Err("not a Navigator layer (no techniques and domain or versions)".into());
        }
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| format!("not a valid Navigator layer: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let src = r##"{"name":"x","versions":{"attack":"17","navigator":"5.1.0","layer":"4.5","future":1},
            "domain":"enterprise-attack","layout":{"layout":"side"},"gradient":{"colors":["#fff"]},
            "techniques":[{"techniqueID":"T1059","tactic":"execution","score":3,"color":"#abc",
              "comment":"ours","metadata":[{"name":"a","value":"b"}],"links":[],"enabled":false}]}"##;
        let doc = parse(src.as_bytes()).unwrap();
        assert_eq!(doc.techniques[0].comment.as_deref(), Some("ours"));
        let out: Value = serde_json::to_value(&doc).unwrap();
        let want: Value = serde_json::from_str(src).unwrap();
        assert_eq!(out, want);
    }

    #[test]
    fn not_one_layer_is_an_error() {
        assert!(
            parse(b"T1059 T1027")
                .unwrap_err()
                .contains("not a Navigator layer")
        );
        let two = br#"[{"domain":"enterprise-attack","techniques":[]},{"domain":"enterprise-attack","techniques":[]}]"#;
        assert!(parse(two).unwrap_err().contains("2 layers"));
        assert!(
            parse(br#"{"domain":"enterprise-attack","techniques":[{"score":1}]}"#)
                .unwrap_err()
                .contains("Navigator layer")
        );
    }
}
