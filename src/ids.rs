//! Identifiers every layer may use (std and serde only): ATT&CK domains, technique IDs,
//! versions, the natural order of ATT&CK IDs, and what identifies a bundle file (for its
//! index cache).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the three ATT&CK domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    /// Enterprise ATT&CK (Windows, Linux, macOS, cloud, network, containers).
    Enterprise,
    /// Mobile ATT&CK (Android, iOS).
    Mobile,
    /// ATT&CK for Industrial Control Systems.
    Ics,
}

impl Domain {
    /// Every domain, in the order MITRE lists them.
    pub const ALL: [Domain; 3] = [Domain::Enterprise, Domain::Mobile, Domain::Ics];

    /// The short name used on the command line: `enterprise`, `mobile`, `ics`.
    #[must_use]
    pub fn short_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "enterprise",
            Domain::Mobile => "mobile",
            Domain::Ics => "ics",
        }
    }

    /// The STIX domain name and file stem: `enterprise-attack`, `mobile-attack`, `ics-attack`.
    #[must_use]
    pub fn stix_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "enterprise-attack",
            Domain::Mobile => "mobile-attack",
            Domain::Ics => "ics-attack",
        }
    }

    /// Recognises either the short name or the STIX name, case-insensitively.
    #[must_use]
    pub fn from_any(s: &str) -> Option<Domain> {
        let s = s.trim().to_ascii_lowercase();
        Domain::ALL
            .into_iter()
            .find(|d| s == d.short_name() || s == d.stix_name())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stix_name())
    }
}

/// A technique or sub-technique ID such as `T1059` or `T1059.001`, stored upper-case.
///
/// Held inline (ten bytes, `Copy`): a scan of a large ID list makes one per ID it reads.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TechniqueId {
    /// `T`, four digits, then `.` and three digits for a sub-technique; zero bytes after.
    text: [u8; 9],
}

impl TechniqueId {
    /// How many technique IDs there are: every [`Self::index`] is below this.
    pub const COUNT: usize = 10_000 * 1_001;

    /// The ID of the four ASCII digits `number` and, for a sub-technique, the three ASCII
    /// digits `sub`; `None` if any of them is not a digit.
    #[must_use]
    pub fn from_digits(number: &[u8], sub: Option<&[u8]>) -> Option<TechniqueId> {
        let digits = |d: &[u8], n: usize| d.len() == n && d.iter().all(u8::is_ascii_digit);
        if !digits(number, 4) || sub.is_some_and(|s| !digits(s, 3)) {
            return None;
        }
        let mut text = [0u8; 9];
        text[0] = b'T';
        text[1..5].copy_from_slice(number);
        if let Some(s) = sub {
            text[5] = b'.';
            text[6..9].copy_from_slice(s);
        }
        Some(TechniqueId { text })
    }

    /// The normalised ID text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        let len = if self.text[5] == b'.' { 9 } else { 5 };
        // Only ASCII is ever stored, so this never falls back.
        std::str::from_utf8(&self.text[..len]).unwrap_or_default()
    }

    /// A dense number for the ID, below [`Self::COUNT`]: `T0000` is 0, `T0000.000` 1, …
    #[must_use]
    pub fn index(&self) -> usize {
        let num = |d: &[u8]| {
            d.iter()
                .fold(0usize, |n, &b| n * 10 + usize::from(b - b'0'))
        };
        let sub = if self.text[5] == b'.' {
            num(&self.text[6..9]) + 1
        } else {
            0
        };
        num(&self.text[1..5]) * 1_001 + sub
    }
}

impl fmt::Debug for TechniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TechniqueId({})", self.as_str())
    }
}

impl fmt::Display for TechniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TechniqueId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().as_bytes();
        let id = match t {
            [b'T' | b't', number @ ..] if number.len() == 4 => {
                TechniqueId::from_digits(number, None)
            }
            [b'T' | b't', number @ .., b'.' | b'/', _, _, _] if number.len() == 4 => {
                TechniqueId::from_digits(number, Some(&t[6..9]))
            }
            _ => None,
        };
        id.ok_or_else(|| {
            format!(
                "'{s}' is not a technique ID (expected T followed by four digits, optionally .NNN: T1059, T1059.001)"
            )
        })
    }
}

/// A dotted numeric version such as `18.1`, compared numerically (9.0 < 17.1 < 18.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    parts: Vec<u32>,
    text: String,
}

impl Version {
    /// The version as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The major component ("18" for 18.1).
    #[must_use]
    pub fn major(&self) -> u32 {
        self.parts[0]
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("'{s}' is not a version (expected digits separated by dots, such as 18.1)");
        if s.is_empty() {
            return Err(bad());
        }
        if s.len() > 32 {
            return Err(format!(
                "'{s}' is not a version (longer than 32 characters)"
            ));
        }
        let parts = s
            .split('.')
            .map(|p| {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                    Err(bad())
                } else {
                    p.parse::<u32>().map_err(|_| {
                        format!(
                            "'{s}' is not a version ({p} is too large: each number is at most {})",
                            u32::MAX
                        )
                    })
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Version {
            parts,
            text: s.to_string(),
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        for i in 0..n {
            let a = self.parts.get(i).copied().unwrap_or(0);
            let b = other.parts.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.text.cmp(&other.text)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What identifies the bundle a cache was built from: path, size, modification time, inode
/// and status-change time. Checking these costs one `stat`; hashing the bundle on every query
/// would cost ~27 ms. The inode tells a bundle replaced by another file (renamed over it)
/// from the old one even when size and modification time were made to match; the
/// status-change time, which no one can set, does the same for a file rewritten in place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceId {
    /// The bundle's canonical path.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since the Unix epoch.
    pub mtime_ns: u128,
    /// Its inode number (0 where the platform has none).
    pub ino: u64,
    /// Its status-change time (`ctime`), in nanoseconds since the Unix epoch (0 where the
    /// platform has none).
    pub ctime_ns: i128,
}

/// Compares ATT&CK IDs naturally: letters, then numbers numerically, so
/// `T1059` < `T1059.001` < `T1059.002` < `T1060` and `TA0002` < `TA0010`.
#[must_use]
pub fn cmp_ids(a: &str, b: &str) -> Ordering {
    natural(a, b).then_with(|| a.cmp(b))
}

#[allow(clippy::many_single_char_names)]
fn natural(a: &str, b: &str) -> Ordering {
    let mut ai = a.as_bytes();
    let mut bi = b.as_bytes();
    loop {
        match (ai.first(), bi.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let an = ai.iter().take_while(|c| c.is_ascii_digit()).count();
                let bn = bi.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&ai[..an]), trim_zeros(&bi[..bn]));
                let o = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if o != Ordering::Equal {
                    return o;
                }
                ai = &ai[an..];
                bi = &bi[bn..];
            }
            (Some(x), Some(y)) => {
                let o = x.to_ascii_uppercase().cmp(&y.to_ascii_uppercase());
                if o != Ordering::Equal {
                    return o;
                }
                ai = &ai[1..];
                bi = &bi[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let z = d.iter().take_while(|&&c| c == b'0').count();
    &d[z..]
}

/// Finds a `-<version>.json` suffix in a bundle file name (`enterprise-attack-18.1.json` → 18.1).
#[must_use]
pub fn version_from_file_name(name: &str) -> Option<Version> {
    let stem = name.strip_suffix(".json")?;
    let (_, v) = stem.rsplit_once('-')?;
    v.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_ids_parse_and_normalise() {
        assert_eq!("T1059".parse::<TechniqueId>().unwrap().as_str(), "T1059");
        assert_eq!(
            "t1059.001".parse::<TechniqueId>().unwrap().as_str(),
            "T1059.001"
        );
        assert_eq!(
            "T1059/001".parse::<TechniqueId>().unwrap().as_str(),
            "T1059.001"
        );
        for bad in [
            "T10x9",
            "T105",
            "T10599",
            "T1059.01",
            "X1059",
            "",
            "T1059.",
            "T1059.0011",
            "TA0002",
        ] {
            assert!(
                bad.parse::<TechniqueId>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn technique_ids_number_densely_and_sort_naturally() {
        let id = |s: &str| s.parse::<TechniqueId>().unwrap();
        assert_eq!(id("T0000").index(), 0);
        assert_eq!(id("T0000.000").index(), 1);
        assert_eq!(id("T0001").index(), 1_001);
        assert_eq!(id("T9999.999").index(), TechniqueId::COUNT - 1);
        assert!(id("T1059") < id("T1059.001") && id("T1059.001") < id("T1060"));
        assert_eq!(format!("{:?}", id("t1059/002")), "TechniqueId(T1059.002)");
        assert_eq!(TechniqueId::from_digits(b"10x9", None), None);
        assert_eq!(TechniqueId::from_digits(b"1059", Some(b"01")), None);
    }

    #[test]
    fn versions_too_large_or_too_long_say_so() {
        let e = "99999999999999999999999999999.1"
            .parse::<Version>()
            .unwrap_err();
        assert_eq!(
            e,
            "'99999999999999999999999999999.1' is not a version (99999999999999999999999999999 is too large: each number is at most 4294967295)"
        );
        assert!("4294967295.1".parse::<Version>().is_ok());
        let e = "1.".repeat(20).parse::<Version>().unwrap_err();
        assert!(e.contains("longer than 32 characters"), "{e}");
        let e = "1.x".parse::<Version>().unwrap_err();
        assert!(e.contains("expected digits separated by dots"), "{e}");
    }

    #[test]
    fn versions_compare_numerically() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert!(v("9.0") < v("17.1"));
        assert!(v("17.1") < v("18.1"));
        assert!(v("18") < v("18.1"));
        assert_eq!(v("18.1").major(), 18);
        for bad in ["", "1..2", "a.b", "../../x", "18.1-beta", ".1", "1."] {
            assert!(bad.parse::<Version>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec![
            "T1060",
            "T1059.002",
            "T1059",
            "TA0010",
            "T1059.001",
            "TA0002",
            "T1001",
        ];
        ids.sort_by(|a, b| cmp_ids(a, b));
        assert_eq!(
            ids,
            [
                "T1001",
                "T1059",
                "T1059.001",
                "T1059.002",
                "T1060",
                "TA0002",
                "TA0010"
            ]
        );
    }

    #[test]
    fn version_comes_from_file_names() {
        assert_eq!(
            version_from_file_name("enterprise-attack-18.1.json")
                .unwrap()
                .as_str(),
            "18.1"
        );
        assert!(version_from_file_name("enterprise-attack.json").is_none());
        assert!(version_from_file_name("enterprise-attack-18.1.txt").is_none());
    }

    #[test]
    fn domains_parse_both_spellings() {
        assert_eq!(Domain::from_any("ICS"), Some(Domain::Ics));
        assert_eq!(Domain::from_any("mobile-attack"), Some(Domain::Mobile));
        assert_eq!(Domain::from_any("pre"), None);
    }
}
