//! Lenient serde structs for just the STIX 2.0/2.1 fields attck uses.
//!
//! Every object type is read into one flat struct: serde skips unknown fields cheaply, and a
//! flat struct avoids the buffering an internally tagged enum would need. Missing fields take
//! their defaults, so MITRE's additions and omissions across versions never fail a load.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

pub use crate::store::{MAX_FILE_BYTES, MAX_OBJECTS};

/// Text from the bundle: borrowed from the input when it has no escapes, owned otherwise.
///
/// Borrowing avoids one allocation and copy per string during the parse; the model copies
/// only the strings it keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Text<'_> {
    /// An owned copy.
    #[must_use]
    pub fn owned(&self) -> String {
        self.0.to_string()
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A STIX bundle: `{"type": "bundle", "objects": [...]}`.
///
/// Relationships are split from the other objects while parsing: they are four in five
/// objects of a bundle and need only a few fields, so they get a small struct of their own.
#[derive(Debug, Default)]
pub struct Bundle<'a> {
    /// Must be `bundle`.
    pub kind: Text<'a>,
    /// Present on STIX 2.0 bundles only.
    pub spec_version: Option<Text<'a>>,
    /// Every object that is not a relationship.
    pub objects: Vec<Object<'a>>,
    /// Every relationship.
    pub relationships: Vec<Relationship<'a>>,
}

impl Bundle<'_> {
    /// Objects of every kind, relationships included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.objects.len() + self.relationships.len()
    }

    /// No objects at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bundle<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::DeserializeSeed::deserialize(
            BundleSeed {
                max_objects: MAX_OBJECTS,
            },
            d,
        )
    }
}

/// Reads a bundle, refusing one with more than `max_objects` objects.
struct BundleSeed {
    max_objects: usize,
}

impl<'de> de::DeserializeSeed<'de> for BundleSeed {
    type Value = Bundle<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Bundle<'de>, D::Error> {
        struct V<'a>(usize, std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Bundle<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a STIX bundle object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut b = Bundle::default();
                let mut kind = None;
                let mut has_objects = false;
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.as_str() {
                        "type" => kind = Some(map.next_value::<Text<'de>>()?),
                        "spec_version" => b.spec_version = map.next_value()?,
                        "objects" => {
                            has_objects = true;
                            map.next_value_seed(Objects(&mut b, self.0))?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                b.kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
                if !has_objects {
                    return Err(de::Error::missing_field("objects"));
                }
                Ok(b)
            }
        }
        d.deserialize_map(V(self.max_objects, std::marker::PhantomData))
    }
}

/// Reads the `objects` array straight into the bundle's two vectors, at most `.1` of them.
struct Objects<'b, 'a>(&'b mut Bundle<'a>, usize);

impl<'de: 'a, 'a> de::DeserializeSeed<'de> for Objects<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for Objects<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of STIX objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(o) = seq.next_element::<Object<'de>>()? {
            if self.0.len() >= self.1 {
                return Err(de::Error::custom(format_args!(
                    "{TOO_MANY}more than {}, the most attck reads from one bundle",
                    self.1
                )));
            }
            if o.kind.as_str() == "relationship" {
                self.0.relationships.push(Relationship {
                    id: o.id,
                    relationship_type: o.relationship_type,
                    source_ref: o.source_ref,
                    target_ref: o.target_ref,
                    description: o.description,
                    modified: o.modified,
                    revoked: o.revoked,
                    x_mitre_deprecated: o.x_mitre_deprecated,
                });
            } else {
                self.0.objects.push(o);
            }
        }
        Ok(())
    }
}

/// A STIX relationship, with only the fields attck reads.
#[derive(Debug, Default)]
#[allow(missing_docs)] // field names are the STIX property names
pub struct Relationship<'a> {
    pub id: Text<'a>,
    pub relationship_type: Option<Text<'a>>,
    pub source_ref: Option<Text<'a>>,
    pub target_ref: Option<Text<'a>>,
    pub description: Option<Text<'a>>,
    pub modified: Option<Text<'a>>,
    pub revoked: Option<bool>,
    pub x_mitre_deprecated: Option<bool>,
}

impl Relationship<'_> {
    /// True when the relationship is neither revoked nor deprecated.
    #[must_use]
    pub fn is_active(&self) -> bool {
        !self.revoked.unwrap_or(false) && !self.x_mitre_deprecated.unwrap_or(false)
    }

    /// True when the relationship is marked revoked.
    #[must_use]
    pub fn is_revoked(&self) -> bool {
        self.revoked.unwrap_or(false)
    }

    /// True when the relationship is marked deprecated.
    #[must_use]
    pub fn is_deprecated(&self) -> bool {
        self.x_mitre_deprecated.unwrap_or(false)
    }
}

/// One `external_references` entry.
#[derive(Debug, Default, Deserialize)]
pub struct ExternalReference<'a> {
    /// `mitre-attack` (or `mitre-mobile-attack`, `mitre-ics-attack`) for the ATT&CK ID.
    #[serde(default, borrow)]
    pub source_name: Text<'a>,
    /// The ATT&CK ID when the source is MITRE's.
    #[serde(default, borrow)]
    pub external_id: Option<Text<'a>>,
    /// The page on attack.mitre.org.
    #[serde(default, borrow)]
    pub url: Option<Text<'a>>,
}

fn is_mitre(source_name: &str) -> bool {
    matches!(
        source_name,
        "mitre-attack" | "mitre-mobile-attack" | "mitre-ics-attack"
    )
}

/// Keeps only MITRE's own references (the ATT&CK ID and page); citations are skipped.
fn mitre_references<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ExternalReference<'a>>, D::Error> {
    struct V<'a>(std::marker::PhantomData<&'a ()>);
    impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
        type Value = Vec<ExternalReference<'a>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of external references")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(r) = seq.next_element::<ExternalReference<'de>>()? {
                if is_mitre(&r.source_name) && r.external_id.is_some() {
                    out.push(r);
                }
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V(std::marker::PhantomData))
}

/// One `kill_chain_phases` entry: the phase name is a tactic's shortname.
#[derive(Debug, Default, Deserialize)]
pub struct KillChainPhase<'a> {
    /// `mitre-attack`, `mitre-mobile-attack`, `mitre-ics-attack`, ...
    #[serde(default, borrow)]
    pub kill_chain_name: Text<'a>,
    /// The tactic shortname, such as `execution`.
    #[serde(default, borrow)]
    pub phase_name: Text<'a>,
}

/// One entry of an analytic's `x_mitre_log_source_references`.
#[derive(Debug, Default, Deserialize)]
pub struct LogSourceReference<'a> {
    /// The data component the log source feeds.
    #[serde(default, borrow)]
    pub x_mitre_data_component_ref: Text<'a>,
    /// The log source name, such as `WinEventLog:Security`.
    #[serde(default, borrow)]
    pub name: Text<'a>,
    /// The channel, such as `EventCode=4688`.
    #[serde(default, borrow)]
    pub channel: Text<'a>,
}

/// An entry of an ICS asset's `x_mitre_related_assets`: read only to notice changes.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RelatedAsset<'a> {
    /// The related asset's name.
    #[serde(borrow)]
    pub name: Text<'a>,
    /// Its sectors.
    #[serde(borrow)]
    pub related_asset_sectors: Vec<Text<'a>>,
    /// Its description.
    #[serde(borrow)]
    pub description: Text<'a>,
}

/// Any STIX object, with only the fields attck reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // field names are the STIX property names
pub struct Object<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub name: Option<Text<'a>>,
    #[serde(borrow)]
    pub description: Option<Text<'a>>,
    #[serde(borrow)]
    pub created: Option<Text<'a>>,
    #[serde(borrow)]
    pub modified: Option<Text<'a>>,
    pub revoked: Option<bool>,
    pub x_mitre_deprecated: Option<bool>,
    #[serde(borrow)]
    pub x_mitre_version: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "mitre_references")]
    pub external_references: Vec<ExternalReference<'a>>,
    #[serde(borrow)]
    pub kill_chain_phases: Vec<KillChainPhase<'a>>,
    #[serde(borrow)]
    pub x_mitre_platforms: Vec<Text<'a>>,
    pub x_mitre_is_subtechnique: Option<bool>,
    #[serde(borrow)]
    pub x_mitre_shortname: Option<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_domains: Vec<Text<'a>>,
    #[serde(borrow)]
    pub tactic_refs: Vec<Text<'a>>,
    #[serde(borrow)]
    pub relationship_type: Option<Text<'a>>,
    #[serde(borrow)]
    pub source_ref: Option<Text<'a>>,
    #[serde(borrow)]
    pub target_ref: Option<Text<'a>>,
    #[serde(borrow)]
    pub aliases: Vec<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_aliases: Vec<Text<'a>>,
    #[serde(borrow)]
    pub first_seen: Option<Text<'a>>,
    #[serde(borrow)]
    pub last_seen: Option<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_data_source_ref: Option<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_analytic_refs: Vec<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_log_source_references: Vec<LogSourceReference<'a>>,
    #[serde(borrow)]
    pub x_mitre_sectors: Vec<Text<'a>>,
    /// On 18.x data components: `[{name, channel}]` (no component ref).
    #[serde(borrow)]
    pub x_mitre_log_sources: Vec<LogSourceReference<'a>>,
    #[serde(borrow)]
    pub x_mitre_detection: Option<Text<'a>>,
    #[serde(borrow)]
    pub x_mitre_data_sources: Option<Vec<Text<'a>>>,
    /// On ICS assets: `[{name, related_asset_sectors, description}]`.
    #[serde(borrow)]
    pub x_mitre_related_assets: Option<Vec<RelatedAsset<'a>>>,
}

impl<'a> Object<'a> {
    /// The ATT&CK ID and URL from the MITRE external reference, if any.
    #[must_use]
    pub fn attack_ref(&self) -> Option<&ExternalReference<'a>> {
        self.external_references
            .iter()
            .find(|r| is_mitre(&r.source_name) && r.external_id.is_some())
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
///
/// Bundles of more than [`MAX_OBJECTS`] objects are refused. No depth of nesting can overflow
/// the stack: no field attck reads nests more than two levels (a list of lists there is a type
/// error at once), unknown fields are skipped without recursion, and `serde_json` refuses
/// anything deeper than 128 levels anyway.
pub fn parse_bundle(bytes: &[u8]) -> Result<Bundle<'_>, String> {
    parse_bundle_limited(bytes, MAX_OBJECTS)
}

/// [`parse_bundle`] with the object limit as a parameter (tests use a small one).
pub fn parse_bundle_limited(bytes: &[u8], max_objects: usize) -> Result<Bundle<'_>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".to_string());
    }
    // Validating UTF-8 once for the whole input is much cheaper than serde_json's check of
    // every string it reads from a byte slice (measured: 13% of a lookup's instructions).
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!(
                "not valid UTF-8 text (at byte {})",
                e.valid_up_to()
            ));
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = de::DeserializeSeed::deserialize(BundleSeed { max_objects }, &mut de)
        .and_then(|b| de.end().map(|()| b));
    match parsed {
        Ok(b) if b.kind.as_str() == "bundle" => Ok(b),
        Ok(b) => Err(format!(
            "not a STIX bundle (its type is \"{}\", expected \"bundle\")",
            b.kind
        )),
        Err(e) => Err(describe_json_error(bytes, &e)),
    }
}

/// How the object-limit error starts, so it is told apart from a malformed bundle.
const TOO_MANY: &str = "too many objects: ";

fn describe_json_error(bytes: &[u8], e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data if e.to_string().starts_with(TOO_MANY) => {
            let full = e.to_string();
            let message = full.split(" at line ").next().unwrap_or_default();
            format!("{message} (at line {} column {})", e.line(), e.column())
        }
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
    fn too_many_objects_are_refused_while_parsing() {
        let bundle = |n: usize| {
            let objects = vec!["{}"; n].join(",");
            format!("{{\"type\":\"bundle\",\"objects\":[{objects}]}}")
        };
        assert_eq!(
            parse_bundle_limited(bundle(5).as_bytes(), 5).unwrap().len(),
            5
        );
        let err = parse_bundle_limited(bundle(6).as_bytes(), 5).unwrap_err();
        assert!(
            err.starts_with("too many objects: more than 5, the most attck reads from one bundle (at line 1 column "),
            "{err}"
        );
        // Counted in the array: nothing after the sixth object is looked at.
        let broken = format!("{}garbage", &bundle(6)[..bundle(6).len() - 2]);
        assert!(
            parse_bundle_limited(broken.as_bytes(), 5)
                .unwrap_err()
                .contains("too many objects")
        );
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        // In a field attck reads: a type error, one line.
        let read = format!(
            r#"{{"type":"bundle","objects":[{{"type":"attack-pattern","kill_chain_phases":{}}}]}}"#,
            deep(100_000)
        );
        let err = parse_bundle(read.as_bytes()).unwrap_err();
        assert!(err.contains("invalid type: sequence"), "{err}");
        assert!(!err.contains('\n'));
        // In an unknown field: skipped without recursion, so the bundle loads.
        let skipped = format!(
            r#"{{"type":"bundle","x":{},"objects":[{{"type":"x","y":{}}}]}}"#,
            deep(100_000),
            deep(100_000)
        );
        assert_eq!(parse_bundle(skipped.as_bytes()).unwrap().len(), 1);
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

    #[test]
    fn relationships_are_split_and_only_mitre_references_kept() {
        let b = parse_bundle(
            br#"{"objects":[{"type":"relationship","id":"relationship--1","relationship_type":"uses",
              "source_ref":"a--1","target_ref":"b--1","description":"with \"quotes\""},
            {"id":"attack-pattern--1","type":"attack-pattern","external_references":[
              {"source_name":"Some Report","url":"https://example.com"},
              {"source_name":"mitre-attack","external_id":"T1059","url":"https://attack.mitre.org/techniques/T1059"}]}],
            "type":"bundle"}"#,
        )
        .unwrap();
        assert_eq!(b.relationships.len(), 1);
        assert_eq!(
            b.relationships[0].description.as_deref(),
            Some("with \"quotes\"")
        );
        assert_eq!(b.objects.len(), 1);
        assert_eq!(b.objects[0].external_references.len(), 1);
        assert_eq!(
            b.objects[0].attack_ref().unwrap().external_id.as_deref(),
            Some("T1059")
        );
    }
}
