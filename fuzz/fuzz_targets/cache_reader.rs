//! The index cache reader: any bytes give a validated knowledge base or a clean error, and a
//! decoded one answers every query (lazy sections decoded on first use either work or fall
//! back to the bundle), never a panic.
//!
//! The first byte picks a mode, so the fuzzer gets past the magic and the checksums:
//! 0 the bytes are the file; 1 a valid cache of the sample with bytes changed (checksums kept,
//! so damage must be caught); 2 the same, inside one section, with its checksum fixed (so the
//! decoder and the consistency checks see the damage); 3 a valid cache cut short (at a 3-byte position) and extended.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use attck_explorer::model::KnowledgeBase;
use attck_explorer::model::cache_format::{self, Header, SourceId};
use attck_fuzz::{SAMPLE, exercise, sample_kb, touch, with_static_bytes};
use libfuzzer_sys::fuzz_target;

/// A directory of the fuzzer's own, holding the sample bundle the cache says it was built from.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join("attck-fuzz-cache");
        std::fs::create_dir_all(&d).expect("a temp directory");
        let bundle = d.join("enterprise-attack-2.0.json");
        if std::fs::read(&bundle).ok().as_deref() != Some(SAMPLE) {
            std::fs::write(&bundle, SAMPLE).expect("write the sample bundle");
        }
        d
    })
}

fn source() -> SourceId {
    SourceId {
        path: dir()
            .join("enterprise-attack-2.0.json")
            .to_string_lossy()
            .into_owned(),
        size: SAMPLE.len() as u64,
        mtime_ns: 1,
        ..SourceId::default()
    }
}

/// What a damaged lazy section is answered from: the sample bundle parsed again, as the
/// loader's fallback reads the bundle again.
fn fallback() -> cache_format::Fallback {
    cache_format::Fallback::new(|| {
        KnowledgeBase::from_bytes(
            SAMPLE,
            std::path::Path::new("enterprise-attack-2.0.json"),
            None,
        )
    })
}

/// A valid cache of the sample knowledge base.
fn valid() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| cache_format::encode(sample_kb(), source(), "0".into()).expect("encode"))
}

/// Re-encodes the file with each section's checksum, the offsets and the header's checksum
/// computed afresh.
fn fix_checksums(bytes: &[u8]) -> Option<Vec<u8>> {
    let header: Header = cache_format::header(bytes).ok()?;
    let mut parts = Vec::new();
    for s in &header.sections {
        let start = usize::try_from(s.offset).ok()?;
        let len = usize::try_from(s.len).ok()?;
        parts.push((s.name.clone(), bytes.get(start..start.checked_add(len)?)?));
    }
    let parts: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    cache_format::assemble(header.clone(), &parts).ok()
}

/// Applies edits `(3-byte position, value)` from `edits` to `bytes[range]`.
fn apply(bytes: &mut [u8], range: std::ops::Range<usize>, edits: &[u8]) {
    if range.is_empty() {
        return;
    }
    for e in edits.chunks_exact(4) {
        let at =
            (usize::from(e[0]) | usize::from(e[1]) << 8 | usize::from(e[2]) << 16) % range.len();
        bytes[range.start + at] = e[3];
    }
}

fn build(data: &[u8]) -> Option<Vec<u8>> {
    let (&mode, rest) = data.split_first()?;
    match mode % 4 {
        0 => Some(rest.to_vec()),
        1 => {
            let mut b = valid().to_vec();
            let n = b.len();
            apply(&mut b, 0..n, rest);
            Some(b)
        }
        2 => {
            let (&which, edits) = rest.split_first()?;
            let mut b = valid().to_vec();
            let head = cache_format::header(&b).ok()?;
            let s = &head.sections[usize::from(which) % head.sections.len()];
            let start = s.offset as usize;
            apply(&mut b, start..start + s.len as usize, edits);
            fix_checksums(&b)
        }
        _ => {
            let (cut, extra) = rest.split_at(rest.len().min(3));
            let mut b = valid().to_vec();
            let at = cut
                .iter()
                .rev()
                .fold(0usize, |a, &x| a << 8 | usize::from(x));
            b.truncate(at.min(b.len()));
            b.extend_from_slice(extra);
            Some(b)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(bytes) = build(data) else {
        return;
    };
    let seed = data.last().copied().unwrap_or(0);
    let _ = cache_format::header(&bytes);
    let expect = source();
    // SAFETY: the decoded knowledge base is dropped inside the closure.
    unsafe {
        with_static_bytes(&bytes, |b| {
            let Ok(kb) = cache_format::decode(b, &expect, fallback()) else {
                return;
            };
            kb.check()
                .expect("a decoded knowledge base passed its check");
            // A damaged section that the bundle cannot answer either (a cache whose checksums
            // were fixed after its core was changed) abandons the query with
            // `cache_format::Unrecoverable`, as the binary does: a clean error, not a crash.
            let reading = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                touch(&kb);
                // Every query and renderer is slow next to a decode: one input in eight.
                if seed % 8 == 0 {
                    exercise(&kb, seed);
                }
            }));
            if let Err(payload) = reading {
                if !payload.is::<cache_format::Unrecoverable>() {
                    std::panic::resume_unwind(payload);
                }
            }
        });
    }
});
