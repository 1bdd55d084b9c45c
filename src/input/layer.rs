//! ATT&CK Navigator layers read as input (format 4.x, leniently; older formats with a note).
//!
//! These structs accept what Navigator and other tools write: unknown fields are skipped and
//! optional fields default. The layers attck writes are built from the strict view in
//! [`crate::query::layer`].

use serde::Deserialize;
use serde::de::IgnoredAny;

/// A layer's `versions` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Versions {
    /// ATT&CK version the layer was made for.
    #[serde(default)]
    pub attack: Option<String>,
    /// Navigator version.
    #[serde(default)]
    pub navigator: Option<String>,
    /// Layer format version (`4.5`).
    #[serde(default)]
    pub layer: Option<String>,
}

/// One technique entry of a layer.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// `T1059` or `T1059.001`.
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// The tactic shortname the entry applies to; absent means every tactic.
    #[serde(default)]
    pub tactic: Option<String>,
    /// The score; absent means unscored.
    #[serde(default)]
    pub score: Option<f64>,
    /// Explicit colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Free-text comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Disabled entries are greyed out in Navigator; absent means enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Whether Navigator shows the entry's sub-techniques.
    #[serde(default, rename = "showSubtechniques")]
    pub show_subtechniques: Option<bool>,
}

impl Entry {
    /// Enabled and scored above 0: what a coverage layer means by "covered".
    #[must_use]
    pub fn counts(&self) -> bool {
        self.enabled.unwrap_or(true) && self.score.is_some_and(|s| s > 0.0)
    }
}

/// One Navigator layer.
#[derive(Debug, Clone, Deserialize)]
pub struct Layer {
    /// The layer's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Versions (format 4.x).
    #[serde(default)]
    pub versions: Option<Versions>,
    /// The format version of 2.x and 3.x layers.
    #[serde(default)]
    pub version: Option<String>,
    /// `enterprise-attack`, `mobile-attack` or `ics-attack` (older layers: `mitre-enterprise`).
    #[serde(default)]
    pub domain: Option<String>,
    /// The annotated techniques.
    #[serde(default)]
    pub techniques: Vec<Entry>,
}

impl Layer {
    /// The layer format version, from `versions.layer` or the old top-level `version`.
    #[must_use]
    pub fn format_version(&self) -> Option<&str> {
        self.versions
            .as_ref()
            .and_then(|v| v.layer.as_deref())
            .or(self.version.as_deref())
    }

    /// The domain as attck names it (`enterprise-attack`), mapping old spellings.
    #[must_use]
    pub fn domain_name(&self) -> Option<&'static str> {
        let d = self.domain.as_deref()?.trim().to_ascii_lowercase();
        match d.as_str() {
            "enterprise-attack" | "mitre-enterprise" | "enterprise" => Some("enterprise-attack"),
            "mobile-attack" | "mitre-mobile" | "mobile" => Some("mobile-attack"),
            "ics-attack" | "mitre-ics" | "ics" => Some("ics-attack"),
            _ => None,
        }
    }
}

/// Just enough of a JSON object to tell a layer from other JSON.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    techniques: Option<IgnoredAny>,
    #[serde(default)]
    domain: Option<IgnoredAny>,
    #[serde(default)]
    versions: Option<IgnoredAny>,
    #[serde(default)]
    version: Option<IgnoredAny>,
}

impl Probe {
    fn is_layer(&self) -> bool {
        self.techniques.is_some()
            && (self.domain.is_some() || self.versions.is_some() || self.version.is_some())
    }
}

/// What a file's bytes are, as far as layers go.
#[derive(Debug)]
pub enum Parsed {
    /// One layer, or several (Navigator's "download all layers" writes a list).
    Layers(Vec<Layer>),
    /// Not a layer: read the file as text instead.
    NotALayer,
}

/// Tells whether `bytes` hold a layer (or a list of layers) and parses it.
///
/// JSON that is not a layer is [`Parsed::NotALayer`]. A layer that does not parse, or text
/// that mentions `techniqueID` but is not valid JSON, is an error naming the problem.
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| bytes[i]);
    let mentions_layer = || bytes.windows(11).any(|w| w == b"techniqueID");
    match start {
        Some(b'{') => match serde_json::from_slice::<Probe>(bytes) {
            Ok(p) if p.is_layer() => serde_json::from_slice::<Layer>(bytes)
                .map(|l| Parsed::Layers(vec![l]))
                .map_err(|e| format!("not a valid Navigator layer: {e}")),
            Err(e) if mentions_layer() => Err(format!("not a valid Navigator layer: {e}")),
            Ok(_) | Err(_) => Ok(Parsed::NotALayer),
        },
        Some(b'[') => match serde_json::from_slice::<Vec<Probe>>(bytes) {
            Ok(ps) if !ps.is_empty() && ps.iter().all(Probe::is_layer) => {
                serde_json::from_slice::<Vec<Layer>>(bytes)
                    .map(Parsed::Layers)
                    .map_err(|e| format!("not a valid list of Navigator layers: {e}"))
            }
            Err(e) if mentions_layer() => Err(format!("not a valid Navigator layer: {e}")),
            _ => Ok(Parsed::NotALayer),
        },
        _ => Ok(Parsed::NotALayer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(s: &str) -> Vec<Layer> {
        match parse(s.as_bytes()).unwrap() {
            Parsed::Layers(l) => l,
            Parsed::NotALayer => panic!("not recognised as a layer: {s}"),
        }
    }

    #[test]
    fn reads_a_4_5_layer() {
        let l = layers(
            r##"{"name":"x","versions":{"attack":"18","navigator":"5.1.0","layer":"4.5"},
                "domain":"enterprise-attack","unknownField":[1,2],
                "techniques":[{"techniqueID":"T1059","tactic":"execution","score":1,"color":"#fff","enabled":true,"metadata":[]},
                              {"techniqueID":"T1027","score":0},
                              {"techniqueID":"T1082","enabled":false,"score":5},
                              {"techniqueID":"T1595"}]}"##,
        );
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].format_version(), Some("4.5"));
        assert_eq!(l[0].domain_name(), Some("enterprise-attack"));
        let counted: Vec<bool> = l[0].techniques.iter().map(Entry::counts).collect();
        assert_eq!(counted, [true, false, false, false]);
    }

    #[test]
    fn reads_lists_and_old_formats() {
        let l = layers(
            r#"[{"name":"a","domain":"mitre-enterprise","version":"2.2","techniques":[{"techniqueID":"T1059","score":3}]},
                {"name":"b","domain":"ics-attack","versions":{"layer":"4.3"},"techniques":[]}]"#,
        );
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].format_version(), Some("2.2"));
        assert_eq!(l[0].domain_name(), Some("enterprise-attack"));
        assert_eq!(l[1].domain_name(), Some("ics-attack"));
    }

    #[test]
    fn other_json_and_text_are_not_layers() {
        for s in [
            r#"{"ids": ["T1059"]}"#,
            r#"["T1059", "T1027"]"#,
            "T1059\nT1027",
            "",
            "[]",
            "{not json but no technique key",
        ] {
            assert!(
                matches!(parse(s.as_bytes()), Ok(Parsed::NotALayer)),
                "{s} should read as text"
            );
        }
    }

    #[test]
    fn malformed_layers_are_errors_not_panics() {
        for s in [
            r#"{"name":"x","domain":"enterprise-attack","techniques":[{"techniqueID":"T1059","score":"high"}]}"#,
            r#"{"name":"x","domain":"enterprise-attack","techniques":{"techniqueID":"T1059"}}"#,
            r#"{"name":"x","domain":"enterprise-attack","techniques":[{"techniqueID":"T1059""#,
            r#"[{"domain":"enterprise-attack","techniques":[{"tactic":"execution"}]}]"#,
        ] {
            let e = parse(s.as_bytes()).unwrap_err();
            assert!(e.contains("Navigator layer"), "{e}");
        }
    }
}
