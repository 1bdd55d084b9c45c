//! Fingerprints of bundle fields attck does not show but `attck diff` compares: enough to
//! tell whether a field is there, empty or changed between two versions, without its text.

use serde::{Deserialize, Serialize};

/// What a text field of the bundle held, kept as a fingerprint: enough to tell whether the
/// field is there, empty or changed between two versions, without keeping its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FieldPrint {
    /// The field is not in the object.
    #[default]
    Absent,
    /// The field is there but empty (`""` or `[]`).
    Empty,
    /// The field holds text with this 64-bit FNV-1a hash.
    Text(u64),
}

impl FieldPrint {
    /// The fingerprint of an optional string field.
    #[must_use]
    pub fn of_text(v: Option<&str>) -> FieldPrint {
        match v {
            None => FieldPrint::Absent,
            Some("") => FieldPrint::Empty,
            Some(s) => FieldPrint::Text(fnv1a(s.as_bytes(), FNV_OFFSET)),
        }
    }

    /// The fingerprint of an optional list of strings (order matters).
    #[must_use]
    pub fn of_list<S: std::ops::Deref<Target = str>>(v: Option<&[S]>) -> FieldPrint {
        match v {
            None => FieldPrint::Absent,
            Some([]) => FieldPrint::Empty,
            Some(items) => FieldPrint::Text(items.iter().fold(FNV_OFFSET, |h, s| {
                // A separator no bundle string holds keeps ["ab"] apart from ["a", "b"].
                fnv1a(&[0], fnv1a(s.as_bytes(), h))
            })),
        }
    }

    /// The same value: equal text, or no value on both sides (absent and empty are alike).
    #[must_use]
    pub fn same_value(self, other: FieldPrint) -> bool {
        self == other || (!self.has_value() && !other.has_value())
    }

    /// Holds something (neither absent nor empty).
    #[must_use]
    pub fn has_value(self) -> bool {
        matches!(self, FieldPrint::Text(_))
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: tiny, stable across Rust releases and platforms (unlike `DefaultHasher`), so
/// fingerprints may be cached on disk.
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Technique fields attck does not show but `attck diff` compares, to tell a content edit from
/// a change of MITRE's data model (in 18.x `x_mitre_detection` is emptied and
/// `x_mitre_data_sources` removed on every technique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TechniquePrints {
    /// `x_mitre_detection`: the detection advice of 17.x and older.
    pub detection: FieldPrint,
    /// `x_mitre_data_sources`: `"Source: Component"` strings of 17.x and older.
    pub data_sources: FieldPrint,
}
