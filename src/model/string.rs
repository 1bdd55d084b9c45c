//! [`Str`], the model's string: owned after a bundle parse, borrowed from the memory-mapped
//! index cache after a cache load (so loading the cache copies no text), and [`Lookup`], a
//! sorted text-keyed multimap that loads without rehashing.

use std::borrow::{Borrow, Cow};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string of the knowledge base.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(Cow<'static, str>);

impl Str {
    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str(Cow::Owned(s))
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str(Cow::Owned(s.to_owned()))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> Self {
        s.0.into_owned()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

/// Strings written while a pool writer is active (see [`write_pooled`]).
#[derive(Default)]
struct PoolWriter {
    bytes: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

thread_local! {
    static WRITER: RefCell<Option<PoolWriter>> = const { RefCell::new(None) };
    static READER: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `f` (which serialises model values) with strings going to a shared pool; each
/// string is written as `(offset, length)` into it. Returns `f`'s result and the pool.
pub(crate) fn write_pooled<R>(f: impl FnOnce() -> R) -> (R, Vec<u8>) {
    WRITER.with(|w| *w.borrow_mut() = Some(PoolWriter::default()));
    let r = f();
    let pool = WRITER.with(|w| w.borrow_mut().take()).unwrap_or_default();
    (r, pool.bytes)
}

/// Runs `f` (which deserialises model values written by [`write_pooled`]) with strings
/// borrowed from `pool` (validated as UTF-8 once, as a whole). Offsets outside the pool or
/// not on character boundaries are errors.
pub(crate) fn read_pooled<R>(pool: &'static str, f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            READER.with(|r| r.set(None));
        }
    }
    READER.with(|r| r.set(Some(pool)));
    let _reset = Reset;
    f()
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pooled = WRITER.with(|w| {
            let mut w = w.borrow_mut();
            let w = w.as_mut()?;
            if let Some(&at) = w.seen.get(self.as_str()) {
                return Some(at);
            }
            let at = (
                u32::try_from(w.bytes.len()).ok()?,
                u32::try_from(self.len()).ok()?,
            );
            w.bytes.extend_from_slice(self.as_bytes());
            w.seen.insert(self.to_string(), at);
            Some(at)
        });
        match pooled {
            Some(at) => at.serialize(s),
            None => s.serialize_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match READER.with(Cell::get) {
            Some(pool) => {
                let (at, len) = <(u32, u32)>::deserialize(d)?;
                let text = pool
                    .get(at as usize..at as usize + len as usize)
                    .ok_or_else(|| D::Error::custom("string outside the pool"))?;
                Ok(Str(Cow::Borrowed(text)))
            }
            None => String::deserialize(d).map(Str::from),
        }
    }
}

/// A multimap from text keys to values, as sorted flat vectors: it serialises compactly
/// and loads without hashing every key again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lookup<T> {
    keys: Vec<Str>,
    ends: Vec<u32>,
    values: Vec<T>,
}

impl<T> Default for Lookup<T> {
    fn default() -> Self {
        Lookup {
            keys: Vec::new(),
            ends: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<T> Lookup<T> {
    /// Builds the lookup from a map; each key's values keep their order.
    #[must_use]
    pub fn from_map(map: HashMap<String, Vec<T>>) -> Lookup<T> {
        let mut entries: Vec<(String, Vec<T>)> = map.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut l = Lookup {
            keys: Vec::with_capacity(entries.len()),
            ends: Vec::with_capacity(entries.len()),
            values: Vec::new(),
        };
        for (k, v) in entries {
            l.keys.push(Str::from(k));
            l.values.extend(v);
            l.ends.push(l.values.len() as u32);
        }
        l
    }

    /// The values stored under `key` (empty when there are none).
    #[must_use]
    pub fn get(&self, key: &str) -> &[T] {
        match self.keys.binary_search_by(|k| k.as_str().cmp(key)) {
            Ok(i) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
                let end = self.ends[i] as usize;
                self.values.get(start..end).unwrap_or(&[])
            }
            Err(_) => &[],
        }
    }

    /// True when the layout is consistent and every value passes `ok`.
    pub fn check(&self, ok: impl Fn(&T) -> bool) -> bool {
        self.keys.len() == self.ends.len()
            && self.ends.windows(2).all(|w| w[0] <= w[1])
            && self
                .ends
                .last()
                .is_none_or(|&e| e as usize == self.values.len())
            && self.keys.windows(2).all(|w| w[0] < w[1])
            && self.values.iter().all(ok)
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// No keys at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_round_trip_borrows_from_the_pool() {
        let v = vec![Str::from("alpha"), Str::from("béta"), Str::from("alpha")];
        let (bytes, pool) = write_pooled(|| postcard::to_stdvec(&v).unwrap());
        assert_eq!(
            pool,
            "alphabéta".as_bytes(),
            "repeated strings are stored once"
        );
        let pool: &'static str = Box::leak(String::from_utf8(pool).unwrap().into_boxed_str());
        let back: Vec<Str> = read_pooled(pool, || postcard::from_bytes(&bytes).unwrap());
        assert_eq!(back, v);
        assert!(matches!(back[1].0, Cow::Borrowed(_)));
    }

    #[test]
    fn bad_offsets_are_errors() {
        let (bytes, _) = write_pooled(|| postcard::to_stdvec(&Str::from("abcdef")).unwrap());
        assert!(read_pooled("abc", || postcard::from_bytes::<Str>(&bytes)).is_err());
        // Six bytes, but offset 6 falls inside the two-byte 'é': not a character boundary.
        assert!(read_pooled("abcdeéf", || postcard::from_bytes::<Str>(&bytes)).is_err());
    }

    #[test]
    fn plain_serde_without_a_pool() {
        let s = Str::from("plain");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"plain\"");
        let back: Str = serde_json::from_str("\"plain\"").unwrap();
        assert_eq!(back, "plain");
    }

    #[test]
    fn lookup_finds_every_value_of_a_key() {
        let mut m = HashMap::new();
        m.insert("b".to_string(), vec![2, 3]);
        m.insert("a".to_string(), vec![1]);
        let l = Lookup::from_map(m);
        assert_eq!(l.get("a"), [1]);
        assert_eq!(l.get("b"), [2, 3]);
        assert!(l.get("c").is_empty());
    }
}
