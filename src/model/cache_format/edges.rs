//! The index cache's byte form of the relationships ([`Edges`]): fixed-width records
//! instead of serde field by field.

use serde::{Deserialize, Serialize};

use crate::model::string_table::u32_at;
use crate::model::{Edge, Edges, Kind, Node, Rel, kind_at};

/// One edge as 16 bytes: type, source kind, target kind, a zero, then the source index,
/// target index and text number as little-endian `u32`s; kinds are positions in [`Kind::ALL`].
const EDGE_BYTES: usize = 16;

impl Serialize for Edges {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut b = Vec::with_capacity(4 + self.list.len() * (EDGE_BYTES + 4));
        b.extend_from_slice(&(self.list.len() as u32).to_le_bytes());
        for e in &self.list {
            let rel = Rel::ALL.iter().position(|&r| r == e.rel).unwrap_or(0);
            b.extend_from_slice(&[
                rel as u8,
                kind_at(e.source.kind) as u8,
                kind_at(e.target.kind) as u8,
                0,
            ]);
            for v in [e.source.index, e.target.index, e.text] {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        for &i in &self.incoming {
            b.extend_from_slice(&i.to_le_bytes());
        }
        s.serialize_bytes(&b)
    }
}

impl Edges {
    /// Reads the byte form written by `Serialize`; `None` if it is malformed.
    fn from_bytes(b: &[u8]) -> Option<Edges> {
        let n = u32_at(b, 0)? as usize;
        let records = n.checked_mul(EDGE_BYTES)?;
        if b.len() != 4 + records + n.checked_mul(4)? {
            return None;
        }
        let mut list = Vec::with_capacity(n);
        for r in b[4..4 + records].chunks_exact(EDGE_BYTES) {
            let kind = |k: u8| Kind::ALL.get(k as usize).copied();
            let at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
            list.push(Edge {
                rel: *Rel::ALL.get(r[0] as usize)?,
                source: Node::new(kind(r[1])?, at(4)),
                target: Node::new(kind(r[2])?, at(8)),
                text: at(12),
            });
        }
        let incoming = b[4 + records..]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Some(Edges { list, incoming })
    }
}

impl<'de> Deserialize<'de> for Edges {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Edges;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("edges as bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Edges, E> {
                Edges::from_bytes(b).ok_or_else(|| E::custom("malformed edges"))
            }
        }
        d.deserialize_bytes(Bytes)
    }
}
