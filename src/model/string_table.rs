//! [`StringTable`]: a numbered table of strings that the index cache answers one string at a time.
//!
//! A technique lookup shows a few hundred procedure texts and object names out of tens of
//! thousands. Checking a whole 4 MB pool (CRC and UTF-8) to show a few of them cost more than
//! the rest of the lookup, so each string carries its own checksum and is checked only when
//! read.
//!
//! Section layout (little-endian `u32`s): the count `n`, the pool's length, and a checksum of
//! those two (so a zeroed or changed count is caught when the table is opened); then `n`
//! entries of `(offset, length, checksum)` (offsets relative to the pool); then the pool of
//! UTF-8 bytes. An entry's checksum covers its number, offset, length and bytes, seeded (see
//! `cache_format::checksum`), so an entry of zeros, an entry moved to another number, or bytes
//! shifted in the pool never pass.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::cache_format::checksum;
use super::string::Str;

/// Builds the table another way (from the bundle) when a cached string is damaged.
type Rebuild = Arc<dyn Fn() -> Option<Vec<Str>> + Send + Sync>;

const ENTRY: usize = 12;

/// The count, the pool's length and their checksum.
const HEAD: usize = 12;

/// The checksum of a table's count and pool length.
fn head_checksum(n: u32, pool_len: u32) -> u32 {
    checksum(&[b"texts", &n.to_le_bytes(), &pool_len.to_le_bytes()])
}

/// The checksum of entry `i`.
fn entry_checksum(i: u32, off: u32, bytes: &[u8]) -> u32 {
    checksum(&[
        &i.to_le_bytes(),
        &off.to_le_bytes(),
        &(bytes.len() as u32).to_le_bytes(),
        bytes,
    ])
}

/// A table of strings, either built already or read from the cache on demand.
pub struct StringTable(Inner);

enum Inner {
    Ready(Vec<Str>),
    Encoded {
        entries: &'static [u8],
        pool: &'static [u8],
        fallback: OnceLock<Vec<Str>>,
        rebuild: Rebuild,
    },
}

/// The little-endian `u32` at `at`, if `b` holds it.
pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_le_bytes)
}

impl StringTable {
    /// A table that is built already.
    #[must_use]
    pub fn ready(texts: Vec<Str>) -> StringTable {
        StringTable(Inner::Ready(texts))
    }

    /// A table still in the cache. Only its count and shape are checked here; each string is
    /// checked when first read, and a damaged one makes `rebuild` supply the whole table.
    pub fn encoded(
        section: &'static [u8],
        rebuild: impl Fn() -> Option<Vec<Str>> + Send + Sync + 'static,
    ) -> Result<StringTable, String> {
        let (Some(n), Some(pool_len), Some(crc)) =
            (u32_at(section, 0), u32_at(section, 4), u32_at(section, 8))
        else {
            return Err("a text table without its count".into());
        };
        if head_checksum(n, pool_len) != crc {
            return Err("a text table's count is damaged".into());
        }
        let end = (n as usize)
            .checked_mul(ENTRY)
            .and_then(|b| b.checked_add(HEAD))
            .ok_or("a text table longer than its section")?;
        if end.checked_add(pool_len as usize) != Some(section.len()) {
            return Err("a text table does not fill its section".into());
        }
        Ok(StringTable(Inner::Encoded {
            entries: &section[HEAD..end],
            pool: &section[end..],
            fallback: OnceLock::new(),
            rebuild: Arc::new(rebuild),
        }))
    }

    /// Encodes strings as a cache section.
    #[must_use]
    pub fn encode<'a>(texts: impl ExactSizeIterator<Item = &'a str>) -> Vec<u8> {
        let n = texts.len();
        let mut entries = Vec::with_capacity(HEAD + n * ENTRY);
        let mut pool: Vec<u8> = Vec::new();
        entries.resize(HEAD, 0);
        for (i, t) in texts.enumerate() {
            let off = pool.len() as u32;
            entries.extend_from_slice(&off.to_le_bytes());
            entries.extend_from_slice(&(t.len() as u32).to_le_bytes());
            entries.extend_from_slice(&entry_checksum(i as u32, off, t.as_bytes()).to_le_bytes());
            pool.extend_from_slice(t.as_bytes());
        }
        let (n, pool_len) = (n as u32, pool.len() as u32);
        entries[0..4].copy_from_slice(&n.to_le_bytes());
        entries[4..8].copy_from_slice(&pool_len.to_le_bytes());
        entries[8..12].copy_from_slice(&head_checksum(n, pool_len).to_le_bytes());
        entries.extend_from_slice(&pool);
        entries
    }

    /// How many strings.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.0 {
            Inner::Ready(v) => v.len(),
            Inner::Encoded { entries, .. } => entries.len() / ENTRY,
        }
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `i` (empty when out of range).
    #[must_use]
    pub fn get(&self, i: usize) -> &str {
        match &self.0 {
            Inner::Ready(v) => v.get(i).map_or("", Str::as_str),
            Inner::Encoded {
                entries,
                pool,
                fallback,
                rebuild,
            } => {
                if let Some(v) = fallback.get() {
                    return v.get(i).map_or("", Str::as_str);
                }
                if i >= entries.len() / ENTRY {
                    return "";
                }
                if let Some(s) = Self::checked(entries, pool, i) {
                    return s;
                }
                fallback
                    .get_or_init(|| rebuild().unwrap_or_default())
                    .get(i)
                    .map_or("", Str::as_str)
            }
        }
    }

    /// String `i` of an encoded table, if its bytes lie in the pool, match their entry's
    /// checksum and are UTF-8.
    fn checked(entries: &[u8], pool: &'static [u8], i: usize) -> Option<&'static str> {
        let at = i * ENTRY;
        let off = u32_at(entries, at)?;
        let len = u32_at(entries, at + 4)? as usize;
        let crc = u32_at(entries, at + 8)?;
        let bytes = pool.get(off as usize..(off as usize).checked_add(len)?)?;
        if entry_checksum(u32::try_from(i).ok()?, off, bytes) != crc {
            return None;
        }
        std::str::from_utf8(bytes).ok()
    }

    /// Every string, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl Default for StringTable {
    fn default() -> Self {
        StringTable::ready(Vec::new())
    }
}

impl Clone for StringTable {
    fn clone(&self) -> Self {
        StringTable::ready(self.iter().map(Str::from).collect())
    }
}

impl fmt::Debug for StringTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Ready(v) => f.debug_list().entries(v).finish(),
            Inner::Encoded { .. } => write!(f, "<{} texts in the cache>", self.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    #[test]
    fn encoded_strings_read_back_one_by_one() {
        let words = ["", "alpha", "βeta", "gamma delta"];
        let t =
            StringTable::encoded(leak(StringTable::encode(words.into_iter())), || None).unwrap();
        assert_eq!(t.len(), 4);
        assert_eq!(t.iter().collect::<Vec<_>>(), words);
        assert_eq!(t.get(99), "");
    }

    #[test]
    fn a_damaged_string_is_answered_by_the_rebuild() {
        let words = ["alpha", "beta"];
        let mut bytes = StringTable::encode(words.into_iter());
        let last = bytes.len() - 1;
        bytes[last] ^= 0x20; // "betA": the CRC no longer matches
        let t = StringTable::encoded(leak(bytes), || {
            Some(vec![Str::from("alpha"), Str::from("beta")])
        })
        .unwrap();
        assert_eq!(t.get(1), "beta");
        assert_eq!(t.get(0), "alpha");
    }

    #[test]
    fn a_table_longer_than_its_section_is_refused() {
        let mut bytes = StringTable::encode(["a", "b"].into_iter());
        bytes[0] = 200;
        assert!(StringTable::encoded(leak(bytes), || None).is_err());
        assert!(StringTable::encoded(leak(vec![1, 0]), || None).is_err());
    }

    #[test]
    fn zeroed_or_shifted_entries_and_counts_never_pass() {
        let words = ["alpha", "", "gamma", "delta"];
        let whole = StringTable::encode(words.into_iter());
        let rebuilt = move || Some(words.iter().map(|w| Str::from(*w)).collect::<Vec<_>>());
        // A zeroed entry (offset 0, length 0, checksum 0) is not the empty string: every
        // string, the empty one too, is answered from the rebuild.
        for i in 0..words.len() {
            let mut b = whole.clone();
            b[HEAD + i * ENTRY..HEAD + (i + 1) * ENTRY].fill(0);
            let t = StringTable::encoded(leak(b), rebuilt).unwrap();
            assert_eq!(t.iter().collect::<Vec<_>>(), words, "entry {i} zeroed");
        }
        // Entries shifted by one place: each is valid for its old number only.
        let mut b = whole.clone();
        b.copy_within(HEAD..HEAD + 3 * ENTRY, HEAD + ENTRY);
        let t = StringTable::encoded(leak(b), || None).unwrap();
        assert_eq!(t.get(2), "", "a moved entry is refused (no rebuild here)");
        // Pool bytes zeroed.
        let mut b = whole.clone();
        let last = b.len() - 1;
        b[last - 4..=last].fill(0);
        let t = StringTable::encoded(leak(b), || None).unwrap();
        assert_eq!(
            t.get(0),
            "alpha",
            "an intact string reads without a rebuild"
        );
        assert_eq!(t.get(3), "");
        // A zeroed count or pool length is refused when the table is opened.
        for range in [0..4, 4..8, 0..12] {
            let mut b = whole.clone();
            b[range.clone()].fill(0);
            assert!(StringTable::encoded(leak(b), || None).is_err(), "{range:?}");
        }
        // An empty table is valid, and zeroing it is not.
        let empty = StringTable::encode(std::iter::empty());
        assert_eq!(
            StringTable::encoded(leak(empty.clone()), || None)
                .unwrap()
                .len(),
            0
        );
        assert!(StringTable::encoded(leak(vec![0; empty.len()]), || None).is_err());
    }
}
