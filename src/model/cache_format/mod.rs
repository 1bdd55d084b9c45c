//! The index cache format: a knowledge base as bytes, and back, with the header that says
//! which bundle it was built from.
//!
//! Layout: the 8-byte magic `ATTCKIX\0`, a little-endian `u32` header length, the header
//! (postcard), then the sections it lists. Section `pool` holds every string of the model
//! once (UTF-8); section `kb` is the knowledge base in postcard, each string written as an
//! (offset, length) into the pool. Loading therefore copies no text: strings borrow from the
//! memory-mapped file. Sections `edges` and `lookups` are decoded only when a query first
//! needs them (a tactic list never does). The header carries a checksum of its own and one
//! per section; string tables carry one per string (see [`super::string_table`]). Every checksum is
//! a seeded CRC-32 that also covers where and how long the checked bytes are, and is never
//! zero, so zeroed, shifted or truncated bytes never pass: a damaged file is rebuilt, or the
//! damaged part answered from the bundle, rather than believed.

mod edges;
mod fit;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::{Kind, KnowledgeBase, kind_at};

use super::lazy::{Encoded, Lazy};
use super::string::{read_pooled, write_pooled};
use super::{SearchIndex, Str, StringTable, search_index};
pub use crate::ids::SourceId;

/// Bumped whenever the encoded model changes shape.
/// 4: technique field fingerprints for `attck diff`.
/// 7: fixed-width edges; edge texts and object names checked one string at a time.
/// 8: a checksummed header; seeded checksums over position, length and bytes (an all-zero
///    record never passes); string tables with a checked count; the bundle's inode and ctime.
/// 9: the search index (its words without accents).
/// 10: a fingerprint of ICS assets' related assets.
pub const FORMAT_VERSION: u32 = 10;

const MAGIC: &[u8; 8] = b"ATTCKIX\0";

/// The seed of every checksum in the file: with it, a run of zeros has no zero checksum.
const SEED: u32 = 0x4154_5443;

/// A CRC-32 of `parts` in order, seeded, and never zero: a checksum field that was zeroed
/// never matches. Callers include the position and length of what they check, so bytes moved
/// from elsewhere in the file do not match either.
pub(crate) fn checksum(parts: &[&[u8]]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(SEED);
    for p in parts {
        h.update(p);
    }
    match h.finalize() {
        0 => 1,
        c => c,
    }
}

/// The checksum of section `name`'s bytes.
pub(crate) fn section_checksum(name: &str, bytes: &[u8]) -> u32 {
    checksum(&[
        name.as_bytes(),
        &[0],
        &(bytes.len() as u64).to_le_bytes(),
        bytes,
    ])
}

/// The checksum of the encoded header.
fn header_checksum(head: &[u8]) -> u32 {
    checksum(&[b"header", &(head.len() as u64).to_le_bytes(), head])
}

/// One section of the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    /// `pool` or `kb`.
    pub name: String,
    /// Offset from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// The section's checksum (see `section_checksum`: seeded, over its name, length and bytes).
    pub crc: u32,
}

/// The cache file's header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// The attck version that wrote it.
    pub tool: String,
    /// The bundle it was built from.
    pub source: SourceId,
    /// The bundle's sha256, computed once when the cache was built.
    pub sha256: String,
    /// The sections, in file order.
    pub sections: Vec<Section>,
}

/// Why a cache file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Written by another format or attck version.
    Version(String),
    /// Built from another file, or the bundle changed since.
    Stale(String),
    /// Truncated or damaged.
    Corrupt(String),
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Version(s) => write!(f, "written by another version ({s})"),
            Invalid::Stale(s) => write!(f, "stale ({s})"),
            Invalid::Corrupt(s) => write!(f, "damaged ({s})"),
        }
    }
}

/// The payload a query unwinds with when a damaged cache section cannot be answered from its
/// bundle either (the bundle no longer parses, or no longer matches the cache's core). It is
/// raised with [`std::panic::resume_unwind`], which runs no panic hook and prints nothing;
/// [`crate::run`] catches it and returns it as an error.
///
/// Why unwinding rather than a `Result`: the damage is found inside an accessor that returns
/// a reference (`kb.groups`, `kb.edge_text(e)`, …), called from every query; only there is it
/// known, and only the whole query can be abandoned.
#[derive(Debug, Clone)]
pub struct Unrecoverable(pub String);

/// Reads the bundle a cache was built from again, when a section of the cache turns out
/// damaged on first use. The loader supplies it (the model itself never opens a file): it
/// also removes the damaged cache file, so that the next query builds a whole one.
pub struct Fallback(Box<dyn Fn() -> anyhow::Result<Arc<KnowledgeBase>> + Send + Sync>);

impl Fallback {
    /// Answers from whatever `reopen` builds (called at most once per decoded cache).
    pub fn new(reopen: impl Fn() -> anyhow::Result<KnowledgeBase> + Send + Sync + 'static) -> Self {
        Fallback(Box::new(move || reopen().map(Arc::new)))
    }

    /// Answers from a knowledge base already parsed from the bundle.
    #[must_use]
    pub fn parsed(kb: Arc<KnowledgeBase>) -> Self {
        Fallback(Box::new(move || Ok(kb.clone())))
    }

    /// No bundle to answer from: a damaged section abandons the query.
    #[must_use]
    pub fn none() -> Self {
        Fallback(Box::new(|| {
            Err(anyhow::anyhow!("no bundle was given to read"))
        }))
    }
}

/// Encodes a knowledge base built from `source`.
pub fn encode(kb: &KnowledgeBase, source: SourceId, sha256: String) -> Result<Vec<u8>, String> {
    // Each section has its own string pool, so a query checks and validates only the text
    // of the sections it decodes.
    let encode_one = |f: &dyn Fn() -> Result<Vec<u8>, postcard::Error>| {
        let (blob, pool) = write_pooled(f);
        blob.map(|b| (b, pool))
            .map_err(|e| format!("cannot encode the knowledge base: {e}"))
    };
    let (kb_blob, kb_pool) = encode_one(&|| postcard::to_stdvec(kb))?;
    let (edges_blob, edges_pool) = encode_one(&|| postcard::to_stdvec(kb.edges.get()))?;
    let (lookups_blob, lookups_pool) = encode_one(&|| postcard::to_stdvec(kb.lookups.get()))?;
    let mut owned: Vec<(String, Vec<u8>)> = vec![
        ("pool".into(), kb_pool),
        ("kb".into(), kb_blob),
        ("edges.pool".into(), edges_pool),
        ("edges".into(), edges_blob),
        ("lookups.pool".into(), lookups_pool),
        ("lookups".into(), lookups_blob),
        (
            "edge_texts".into(),
            StringTable::encode(kb.edge_texts.iter()),
        ),
        (
            "names".into(),
            StringTable::encode(kb.names_table().into_iter()),
        ),
        (
            "search".into(),
            kb.search.bytes(|| search_index::build(kb)).to_vec(),
        ),
    ];
    // The object kinds a technique or tactic list does not need are sections of their own.
    macro_rules! lazy_section {
        ($($field:ident),*) => {$(
            let (blob, pool) = encode_one(&|| postcard::to_stdvec(kb.$field.get()))?;
            owned.push((concat!(stringify!($field), ".pool").into(), pool));
            owned.push((stringify!($field).into(), blob));
        )*};
    }
    lazy_section!(
        groups,
        software,
        campaigns,
        mitigations,
        data_sources,
        data_components,
        detection_strategies,
        analytics,
        assets
    );
    let parts: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let header = Header {
        format: FORMAT_VERSION,
        tool: env!("CARGO_PKG_VERSION").to_string(),
        source,
        sha256,
        sections: Vec::new(),
    };
    assemble(header, &parts)
}

/// Writes a cache file of `header` (its sections replaced) and the named sections, in order:
/// each section's checksum, the offsets and the header's checksum computed afresh.
pub fn assemble(mut header: Header, parts: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    header.sections = parts
        .iter()
        .map(|(name, b)| Section {
            name: (*name).into(),
            offset: 0,
            len: b.len() as u64,
            crc: section_checksum(name, b),
        })
        .collect();
    let head = lay_out(&mut header)?;
    let total: usize = parts.iter().map(|(_, b)| b.len()).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + head.len() + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&header_checksum(&head).to_le_bytes());
    for (_, b) in parts {
        out.extend_from_slice(b);
    }
    Ok(out)
}

/// Fills in the sections' offsets (the sections follow the header and its checksum, in
/// order) and encodes the header. Offsets are varints, so the header's length depends on them
/// and they on it: lay out again until the length stops changing. It only grows, and each offset only by a few bytes,
/// so this settles within a few rounds; the bound only guards against a bug.
fn lay_out(header: &mut Header) -> Result<Vec<u8>, String> {
    let mut head = postcard::to_stdvec(&*header).map_err(|e| e.to_string())?;
    for _ in 0..100 {
        let mut at = (MAGIC.len() + 8 + head.len()) as u64;
        for s in &mut header.sections {
            s.offset = at;
            at += s.len;
        }
        let again = postcard::to_stdvec(&*header).map_err(|e| e.to_string())?;
        if again.len() == head.len() {
            return Ok(again);
        }
        head = again;
    }
    Err("cannot lay out the cache header".into())
}

/// Reads just the header (for `data status` and for validation before decoding).
pub fn header(bytes: &[u8]) -> Result<Header, Invalid> {
    let corrupt = |s: &str| Invalid::Corrupt(s.to_string());
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not an attck index cache"));
    }
    let len = super::string_table::u32_at(bytes, MAGIC.len())
        .ok_or_else(|| corrupt("short header"))? as usize;
    let head = bytes
        .get(12..12usize.saturating_add(len))
        .ok_or_else(|| corrupt("truncated header"))?;
    let header: Header = postcard::from_bytes(head).map_err(|_| {
        // An older layout may not even decode: that is a version mismatch, not damage.
        Invalid::Version("unreadable header".into())
    })?;
    // The version first: another format's header has no checksum where this one's is.
    if header.format != FORMAT_VERSION || header.tool != env!("CARGO_PKG_VERSION") {
        return Err(Invalid::Version(format!(
            "format {}, attck {}",
            header.format, header.tool
        )));
    }
    if super::string_table::u32_at(bytes, 12 + len) != Some(header_checksum(head)) {
        return Err(corrupt("header checksum mismatch"));
    }
    Ok(header)
}

/// Checks a cache against the bundle it should describe, then decodes it.
///
/// `bytes` must live for the rest of the process: strings of the returned knowledge base
/// borrow from it (callers map the file and leak the mapping). A section found damaged only
/// when a query first reads it is answered from `fallback` (see [`Fallback`]); should that
/// fail too, the query is abandoned (see [`Unrecoverable`]).
pub fn decode(
    bytes: &'static [u8],
    expect: &SourceId,
    fallback: Fallback,
) -> Result<KnowledgeBase, Invalid> {
    let header = header(bytes)?;
    if header.source != *expect {
        return Err(Invalid::Stale(if header.source.path == expect.path {
            "the bundle changed since the cache was built".into()
        } else {
            format!("built from {}", header.source.path)
        }));
    }
    // Every section must lie inside the file, and the last must end where the file does: a
    // truncated file is caught here without reading its contents.
    let mut end = 0u64;
    let mut raw = std::collections::HashMap::new();
    for s in &header.sections {
        let start = usize::try_from(s.offset).map_err(|_| Invalid::Corrupt("offset".into()))?;
        let len = usize::try_from(s.len).map_err(|_| Invalid::Corrupt("length".into()))?;
        let b = bytes
            .get(start..start.saturating_add(len))
            .ok_or_else(|| Invalid::Corrupt(format!("truncated {} section", s.name)))?;
        raw.insert(s.name.as_str(), (b, s.crc));
        end = end.max(s.offset.saturating_add(s.len));
    }
    if end != bytes.len() as u64 {
        return Err(Invalid::Corrupt(
            "the file is longer or shorter than its sections".into(),
        ));
    }
    let get = |name: &str| {
        raw.get(name)
            .copied()
            .ok_or_else(|| Invalid::Corrupt(format!("no {name} section")))
    };
    let checked = |name: &str| -> Result<&'static [u8], Invalid> {
        let (b, crc) = get(name)?;
        if section_checksum(name, b) == crc {
            Ok(b)
        } else {
            Err(Invalid::Corrupt(format!(
                "{name} section checksum mismatch"
            )))
        }
    };
    let pool = std::str::from_utf8(checked("pool")?)
        .map_err(|_| Invalid::Corrupt("the string pool is not UTF-8".into()))?;
    let body = checked("kb")?;
    let mut kb: KnowledgeBase = read_pooled(pool, || postcard::from_bytes(body))
        .map_err(|e| Invalid::Corrupt(format!("cannot decode: {e}")))?;
    kb.check().map_err(Invalid::Corrupt)?;
    let counts = kb.counts();
    // Each object section starts with its length (a postcard varint): it must be the count
    // the core holds, or the file is not one whole cache. Checked here, for a few bytes, so
    // that a section found damaged later is always answerable from the bundle.
    for (name, kind) in Kind::ALL
        .iter()
        .filter_map(|&k| k.info().section.map(|s| (s, k)))
    {
        if leading_len(get(name)?.0) != Some(counts[kind_at(kind)]) {
            return Err(Invalid::Corrupt(format!("the {name} section does not fit")));
        }
    }
    let bundle = PathBuf::from(&header.source.path);
    // The string tables' counts are checked here (each string is checked when read).
    let texts = StringTable::encoded(get("edge_texts")?.0, || None)
        .map_err(Invalid::Corrupt)?
        .len();
    // A lazy section found damaged when first used is answered from the bundle (parsed at
    // most once however many sections turn out damaged). Should the bundle no longer parse,
    // or no longer hold what the cache's core says, no right answer is left to give: the
    // query is abandoned by unwinding with [`Unrecoverable`] (no panic message), which
    // `crate::run` turns into an error line (exit 2), rather than answer from a partial
    // knowledge base.
    let reopened = Arc::new(OnceLock::<Arc<KnowledgeBase>>::new());
    let open_bundle = Arc::new(move || -> Arc<KnowledgeBase> {
        let fatal = |why: String| -> ! {
            std::panic::resume_unwind(Box::new(Unrecoverable(format!(
                "the index cache of {} is damaged and the bundle cannot be read again: {why}",
                bundle.display()
            ))))
        };
        match (fallback.0)() {
            Ok(kb) if kb.counts() == counts && kb.edge_texts.len() == texts => kb,
            Ok(_) => fatal("it changed since the cache was built".into()),
            Err(e) => fatal(format!("{e:#}")),
        }
    });
    // `with_reopened!(kb => expr)`: a rebuild closure answering `expr` from the bundle.
    macro_rules! with_reopened {
        ($kb:ident => $e:expr) => {{
            let (cell, open) = (reopened.clone(), open_bundle.clone());
            move || {
                let $kb = cell.get_or_init(|| open());
                Some($e)
            }
        }};
    }
    macro_rules! lazy {
        ($field:ident, $fits:expr) => {{
            kb.$field = Lazy::encoded(
                Encoded::new(
                    stringify!($field),
                    get(stringify!($field))?,
                    get(concat!(stringify!($field), ".pool"))?,
                ),
                move |v| $fits(v, &counts),
                with_reopened!(b => b.$field.get().clone()),
            );
        }};
    }
    // Edge texts and names are checked one string at a time, when read (see `StringTable`).
    kb.edge_texts = StringTable::encoded(
        get("edge_texts")?.0,
        with_reopened!(b => b.edge_texts.iter().map(Str::from).collect()),
    )
    .map_err(Invalid::Corrupt)?;
    let names = StringTable::encoded(
        get("names")?.0,
        with_reopened!(b => b.names_table().into_iter().map(Str::from).collect()),
    )
    .map_err(Invalid::Corrupt)?;
    let outside_core: usize = Kind::ALL
        .iter()
        .filter(|k| !k.in_core())
        .map(|&k| counts[kind_at(k)])
        .sum();
    if names.len() != 2 * outside_core {
        return Err(Invalid::Corrupt("the names section does not fit".into()));
    }
    kb.names = Some(names);
    // The search index is checked (its section checksum) when a search first reads it.
    kb.search = SearchIndex::encoded(
        get("search")?,
        with_reopened!(b => b.search.bytes(|| search_index::build(b)).to_vec()),
    );
    lazy!(edges, |v, c| KnowledgeBase::edges_fit(v, c, texts));
    lazy!(lookups, KnowledgeBase::lookups_fit);
    lazy!(groups, |v: &Vec<_>, c: &[usize; 12]| v.len()
        == c[kind_at(Kind::Group)]);
    lazy!(software, |v: &Vec<_>, c: &[usize; 12]| v.len()
        == c[kind_at(Kind::Software)]);
    lazy!(campaigns, |v: &Vec<_>, c: &[usize; 12]| v.len()
        == c[kind_at(Kind::Campaign)]);
    lazy!(mitigations, |v: &Vec<_>, c: &[usize; 12]| v.len()
        == c[kind_at(Kind::Mitigation)]);
    lazy!(assets, |v: &Vec<_>, c: &[usize; 12]| v.len()
        == c[kind_at(Kind::Asset)]);
    lazy!(data_sources, |v: &Vec<_>, c| KnowledgeBase::sources_fit(
        v, c
    ));
    lazy!(data_components, |v: &Vec<_>, c| {
        KnowledgeBase::components_fit(v, c)
    });
    lazy!(detection_strategies, |v: &Vec<_>, c| {
        KnowledgeBase::strategies_fit(v, c)
    });
    lazy!(analytics, |v: &Vec<_>, c| KnowledgeBase::analytics_fit(
        v, c
    ));
    Ok(kb)
}

/// The postcard varint at the start of `b` (a sequence's length).
fn leading_len(b: &[u8]) -> Option<usize> {
    let mut v: u64 = 0;
    for (i, &byte) in b.iter().take(10).enumerate() {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return usize::try_from(v).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample() -> KnowledgeBase {
        KnowledgeBase::from_bytes(
            include_bytes!("../../../data/sample/enterprise-attack-2.0.json"),
            Path::new("enterprise-attack-2.0.json"),
            None,
        )
        .unwrap()
    }

    fn id() -> SourceId {
        SourceId {
            path: "/x/enterprise-attack-2.0.json".into(),
            size: 10,
            mtime_ns: 5,
            ino: 7,
            ctime_ns: 9,
        }
    }

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    #[test]
    fn leading_lengths_are_postcard_varints() {
        assert_eq!(leading_len(&[0]), Some(0));
        assert_eq!(leading_len(&[172, 1, 9]), Some(172));
        assert_eq!(
            leading_len(&postcard::to_stdvec(&vec![0u8; 70_000]).unwrap()),
            Some(70_000)
        );
        assert_eq!(leading_len(&[0x80]), None);
        assert_eq!(leading_len(&[]), None);
    }

    #[test]
    fn round_trip_keeps_every_object() {
        let kb = sample();
        let bytes = encode(&kb, id(), "abc".into()).unwrap();
        let back = decode(leak(bytes), &id(), Fallback::none()).unwrap();
        assert_eq!(back.techniques.len(), kb.techniques.len());
        assert_eq!(back.edges().len(), kb.edges().len());
        assert_eq!(
            back.technique("T1059").unwrap().meta.name,
            kb.technique("T1059").unwrap().meta.name
        );
        assert_eq!(
            back.nodes_named("quiet heron"),
            kb.nodes_named("quiet heron")
        );
        assert_eq!(
            serde_json::to_string(back.groups.get()).unwrap(),
            serde_json::to_string(kb.groups.get()).unwrap()
        );
    }

    #[test]
    fn the_cached_search_index_is_read_in_place_not_rebuilt() {
        let kb = sample();
        let bytes = leak(encode(&kb, id(), "abc".into()).unwrap());
        let back = decode(bytes, &id(), Fallback::none()).unwrap();
        let ix = back
            .search
            .bytes(|| unreachable!("a cache load never builds"));
        assert!(
            bytes.as_ptr_range().contains(&ix.as_ptr()),
            "the search section's checksum is accepted"
        );
        assert_eq!(ix, search_index::build(&kb));
    }

    #[test]
    fn header_layout_settles_when_offsets_cross_a_varint_boundary() {
        // Sections starting just below 2^14 take a third varint byte each once the header
        // grows by a byte; that growth moves the next section across, and so on. Every start
        // in a window around the boundary must still give offsets that match the header.
        for first in 15_900..16_400u64 {
            let mut header = Header {
                format: FORMAT_VERSION,
                tool: "0.1.0".into(),
                source: id(),
                sha256: "abc".into(),
                sections: (0..22)
                    .map(|i| Section {
                        name: format!("s{i}"),
                        offset: 0,
                        len: if i == 0 { first } else { 1 },
                        crc: 0,
                    })
                    .collect(),
            };
            let head = lay_out(&mut header).unwrap();
            let start = (MAGIC.len() + 8 + head.len()) as u64;
            assert_eq!(header.sections[0].offset, start, "first section at {first}");
            for w in header.sections.windows(2) {
                assert_eq!(
                    w[1].offset,
                    w[0].offset + w[0].len,
                    "first section at {first}"
                );
            }
            assert_eq!(postcard::to_stdvec(&header).unwrap(), head);
        }
    }

    #[test]
    fn stale_version_and_damage_are_told_apart() {
        let kb = sample();
        let bytes = encode(&kb, id(), "abc".into()).unwrap();
        let mut other = id();
        other.size = 11;
        assert!(matches!(
            decode(leak(bytes.clone()), &other, Fallback::none()),
            Err(Invalid::Stale(_))
        ));
        // A flipped byte in the core sections is caught when the file is opened.
        let head = header(&bytes).unwrap();
        let core = head.sections.iter().find(|s| s.name == "kb").unwrap();
        let mut bad = bytes.clone();
        bad[(core.offset + core.len / 2) as usize] ^= 0x55;
        assert!(matches!(
            decode(leak(bad), &id(), Fallback::none()),
            Err(Invalid::Corrupt(_))
        ));
        // In a lazy section it is caught on first use, and the bundle answers instead (read
        // again through the fallback the loader gives).
        let mut damaged = bytes.clone();
        let e2 = head.sections.iter().find(|s| s.name == "edges").unwrap();
        damaged[(e2.offset + e2.len / 2) as usize] ^= 0x55;
        let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = reads.clone();
        let back = decode(
            leak(damaged),
            &id(),
            Fallback::new(move || {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(sample())
            }),
        )
        .unwrap();
        assert_eq!(back.edges().len(), kb.edges().len());
        assert_eq!(
            back.edge_text(&back.edges()[0]),
            kb.edge_text(&kb.edges()[0])
        );
        assert_eq!(
            reads.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "read once"
        );
        for cut in [0, 5, 11, 40, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                decode(leak(bytes[..cut].to_vec()), &id(), Fallback::none()).is_err(),
                "cut at {cut}"
            );
        }
        let mut versioned = bytes;
        // Corrupt the header's format number (first header byte is the varint format).
        versioned[12] = 99;
        assert!(matches!(
            decode(leak(versioned), &id(), Fallback::none()),
            Err(Invalid::Version(_))
        ));
    }
}
