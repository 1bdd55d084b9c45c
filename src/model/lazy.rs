//! [`Lazy`]: a part of the knowledge base decoded from the index cache only when a query first
//! needs it, so a technique lookup never decodes what only `show` or `coverage` reads.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;

use super::cache_format::section_checksum;
use super::string::read_pooled;

/// Checks a decoded part against the rest of the knowledge base.
type Check<T> = Arc<dyn Fn(&T) -> bool + Send + Sync>;

/// Builds the part another way (from the bundle) when the cached one is damaged.
type Rebuild<T> = Arc<dyn Fn() -> Option<T> + Send + Sync>;

/// A cache section and its string pool, with their checksums, not yet checked.
#[derive(Clone, Copy)]
pub struct Encoded {
    name: &'static str,
    bytes: &'static [u8],
    crc: u32,
    pool: &'static [u8],
    pool_crc: u32,
}

impl Encoded {
    /// Section `name` as `(bytes, checksum)` and its pool (`<name>.pool`) the same way.
    #[must_use]
    pub fn new(
        name: &'static str,
        section: (&'static [u8], u32),
        pool: (&'static [u8], u32),
    ) -> Encoded {
        Encoded {
            name,
            bytes: section.0,
            crc: section.1,
            pool: pool.0,
            pool_crc: pool.1,
        }
    }

    /// Checks the checksums and the pool's UTF-8, then decodes.
    fn decode<T: DeserializeOwned>(&self) -> Option<T> {
        if section_checksum(self.name, self.bytes) != self.crc
            || section_checksum(&format!("{}.pool", self.name), self.pool) != self.pool_crc
        {
            return None;
        }
        let pool = std::str::from_utf8(self.pool).ok()?;
        read_pooled(pool, || postcard::from_bytes::<T>(self.bytes).ok())
    }
}

/// A value that is either here already (after a parse) or still encoded in the cache.
pub struct Lazy<T> {
    cell: OnceLock<T>,
    encoded: Option<(Encoded, Check<T>, Rebuild<T>)>,
}

impl<T: DeserializeOwned + Default> Lazy<T> {
    /// A value that is already built.
    #[must_use]
    pub fn ready(value: T) -> Lazy<T> {
        Lazy {
            cell: OnceLock::from(value),
            encoded: None,
        }
    }

    /// A value still in the cache, accepted on first use only if its checksums match and
    /// `check` passes; otherwise `rebuild` supplies it (from the bundle).
    #[must_use]
    pub fn encoded(
        encoded: Encoded,
        check: impl Fn(&T) -> bool + Send + Sync + 'static,
        rebuild: impl Fn() -> Option<T> + Send + Sync + 'static,
    ) -> Lazy<T> {
        Lazy {
            cell: OnceLock::new(),
            encoded: Some((encoded, Arc::new(check), Arc::new(rebuild))),
        }
    }

    /// The value, decoding it on first use.
    pub fn get(&self) -> &T {
        self.cell.get_or_init(|| {
            let Some((encoded, check, rebuild)) = &self.encoded else {
                return T::default();
            };
            encoded
                .decode::<T>()
                .filter(|v| check(v))
                .or_else(|| rebuild())
                .unwrap_or_default()
        })
    }
}

impl<T: DeserializeOwned + Default> std::ops::Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.get()
    }
}

impl<'a, T: DeserializeOwned> IntoIterator for &'a Lazy<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.get().iter()
    }
}

impl<T: DeserializeOwned + Default> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::ready(T::default())
    }
}

impl<T: DeserializeOwned + Default + Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy::ready(self.get().clone())
    }
}

impl<T: DeserializeOwned + Default + fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cell.get() {
            Some(v) => v.fmt(f),
            None => f.write_str("<not decoded yet>"),
        }
    }
}
