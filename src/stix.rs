//! Lenient serde structs for just the STIX 2.0/2.1 fields attck uses.
//!
//! Every object type is read into one flat struct: serde skips unknown fields cheaply, and a
//! flat struct avoids the buffering an internally tagged enum would need. Missing fields take
//! their defaults, so MITRE's additions and omissions across versions never fail a load.

use serde::Deserialize;

/// A STIX bundle: `{"type": "bundle", "objects": [...]}`.
#[derive(Debug, Deserialize)]
pub struct Bundle {
    /// Must be `bundle`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Present on STIX 2.0 bundles only.
    #[serde(default)]
    pub spec_version: Option<String>,
    /// Every object in the bundle.
    pub objects: Vec<Object>,
}

/// One `external_references` entry.
#[derive(Debug, Default, Deserialize)]
pub struct ExternalReference {
    /// `mitre-attack` (or `mitre-mobile-attack`, `mitre-ics-attack`) for the ATT&CK ID.
    #[serde(default)]
    pub source_name: String,
    /// The ATT&CK ID when the source is MITRE's.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The page on attack.mitre.org.
    #[serde(default)]
    pub url: Option<String>,
}

/// One `kill_chain_phases` entry: the phase name is a tactic's shortname.
#[derive(Debug, Default, Deserialize)]
pub struct KillChainPhase {
    /// `mitre-attack`, `mitre-mobile-attack`, `mitre-ics-attack`, ...
    #[serde(default)]
    pub kill_chain_name: String,
    /// The tactic shortname, such as `execution`.
    #[serde(default)]
    pub phase_name: String,
}

/// One entry of an analytic's `x_mitre_log_source_references`.
#[derive(Debug, Default, Deserialize)]
pub struct LogSourceReference {
    /// The data component the log source feeds.
    #[serde(default)]
    pub x_mitre_data_component_ref: String,
    /// The log source name, such as `WinEventLog:Security`.
    #[serde(default)]
    pub name: String,
    /// The channel, such as `EventCode=4688`.
    #[serde(default)]
    pub channel: String,
}

/// Any STIX object, with only the fields attck reads.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)] // field names are the STIX property names
pub struct Object {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub revoked: Option<bool>,
    #[serde(default)]
    pub x_mitre_deprecated: Option<bool>,
    #[serde(default)]
    pub x_mitre_version: Option<String>,
    #[serde(default)]
    pub external_references: Vec<ExternalReference>,
    #[serde(default)]
    pub kill_chain_phases: Vec<KillChainPhase>,
    #[serde(default)]
    pub x_mitre_platforms: Vec<String>,
    #[serde(default)]
    pub x_mitre_is_subtechnique: Option<bool>,
    #[serde(default)]
    pub x_mitre_shortname: Option<String>,
    #[serde(default)]
    pub x_mitre_domains: Vec<String>,
    #[serde(default)]
    pub tactic_refs: Vec<String>,
    #[serde(default)]
    pub relationship_type: Option<String>,
    #[serde(default)]
    pub source_ref: Option<String>,
    #[serde(default)]
    pub target_ref: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub x_mitre_aliases: Vec<String>,
    #[serde(default)]
    pub first_seen: Option<String>,
    #[serde(default)]
    pub last_seen: Option<String>,
    #[serde(default)]
    pub x_mitre_data_source_ref: Option<String>,
    #[serde(default)]
    pub x_mitre_analytic_refs: Vec<String>,
    #[serde(default)]
    pub x_mitre_log_source_references: Vec<LogSourceReference>,
    #[serde(default)]
    pub x_mitre_sectors: Vec<String>,
    /// On 18.x data components: `[{name, channel}]` (no component ref).
    #[serde(default)]
    pub x_mitre_log_sources: Vec<LogSourceReference>,
    #[serde(default)]
    pub x_mitre_detection: Option<String>,
    #[serde(default)]
    pub x_mitre_data_sources: Option<Vec<String>>,
}

impl Object {
    /// The ATT&CK ID and URL from the MITRE external reference, if any.
    #[must_use]
    pub fn attack_ref(&self) -> Option<&ExternalReference> {
        self.external_references.iter().find(|r| {
            matches!(
                r.source_name.as_str(),
                "mitre-attack" | "mitre-mobile-attack" | "mitre-ics-attack"
            ) && r.external_id.is_some()
        })
    }

    /// True when the object is marked revoked.
    #[must_use]
    pub fn is_revoked(&self) -> bool {
        self.revoked.unwrap_or(false)
    }

    /// True when the object is marked deprecated.
    #[must_use]
    pub fn is_deprecated(&self) -> bool {
        self.x_mitre_deprecated.unwrap_or(false)
    }
}

/// Parses bundle bytes. The error says what is wrong in a single line.
pub fn parse_bundle(bytes: &[u8]) -> Result<Bundle, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".to_string());
    }
    match serde_json::from_slice::<Bundle>(bytes) {
        Ok(b) if b.kind == "bundle" => Ok(b),
        Ok(b) => Err(format!(
            "not a STIX bundle (its type is \"{}\", expected \"bundle\")",
            b.kind
        )),
        Err(e) => Err(describe_json_error(bytes, &e)),
    }
}

fn describe_json_error(bytes: &[u8], e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => format!("truncated JSON: the data ends early ({e})"),
        Category::Syntax => {
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
                format!("not a STIX bundle ({e})")
            } else {
                format!("not valid JSON ({e})")
            }
        }
        Category::Data => format!("not a STIX bundle ({e})"),
        Category::Io => format!("read error ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_described() {
        assert!(parse_bundle(b"").unwrap_err().contains("empty"));
        assert!(parse_bundle(b"  \n").unwrap_err().contains("empty"));
        assert!(
            parse_bundle(b"{\"type\":\"bundle\",\"objects\":[")
                .unwrap_err()
                .contains("truncated")
        );
        assert!(
            parse_bundle(b"hello")
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(
            parse_bundle(b"{\"a\":1}")
                .unwrap_err()
                .contains("not a STIX bundle")
        );
        assert!(
            parse_bundle(b"[1,2]")
                .unwrap_err()
                .contains("not a STIX bundle")
        );
        assert!(
            parse_bundle(b"{\"type\":\"x\",\"objects\":[]}")
                .unwrap_err()
                .contains("not a STIX bundle")
        );
    }

    #[test]
    fn unknown_fields_and_types_are_skipped() {
        let b = parse_bundle(
            br#"{"type":"bundle","objects":[{"type":"x-new-thing","id":"x--1","weird":{"a":[1]}},
            {"type":"attack-pattern","id":"attack-pattern--1","name":"A","revoked":null}]}"#,
        )
        .unwrap();
        assert_eq!(b.objects.len(), 2);
        assert!(!b.objects[1].is_revoked());
    }
}
