//! Text encodings of the files attck reads (std only): a byte-order mark says UTF-8 or
//! UTF-16 (little- or big-endian), and everything is handed on as UTF-8. MITRE's own Python
//! library writes Navigator layers as UTF-16 with a mark; Windows tools often start UTF-8
//! with one. Bytes without a mark are left as they are (UTF-8, or whatever they are).

/// What a byte-order mark at the start of some bytes says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// No mark: taken as UTF-8.
    Unmarked,
    /// UTF-8 with its mark (`EF BB BF`).
    Utf8Bom,
    /// UTF-16, little-endian (`FF FE`).
    Utf16Le,
    /// UTF-16, big-endian (`FE FF`).
    Utf16Be,
}

impl Encoding {
    /// The encoding `bytes` say they are in, by their first bytes.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Encoding {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => Encoding::Utf8Bom,
            [0xFF, 0xFE, ..] => Encoding::Utf16Le,
            [0xFE, 0xFF, ..] => Encoding::Utf16Be,
            _ => Encoding::Unmarked,
        }
    }
}

/// `bytes` as UTF-8 without a byte-order mark: a UTF-8 mark is removed, UTF-16 with a mark
/// is decoded (an unpaired surrogate or a dangling last byte becomes U+FFFD, as invalid
/// UTF-8 does where attck reads text lossily); anything else is returned unchanged, without
/// a copy.
#[must_use]
pub fn to_utf8(mut bytes: Vec<u8>) -> Vec<u8> {
    match Encoding::of(&bytes) {
        Encoding::Unmarked => bytes,
        Encoding::Utf8Bom => {
            bytes.drain(..3);
            bytes
        }
        Encoding::Utf16Le => utf16(&bytes[2..], u16::from_le_bytes),
        Encoding::Utf16Be => utf16(&bytes[2..], u16::from_be_bytes),
    }
}

/// [`to_utf8`] over borrowed bytes: borrowed back when there is nothing to decode.
#[must_use]
pub fn to_utf8_slice(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    match Encoding::of(bytes) {
        Encoding::Unmarked => Cow::Borrowed(bytes),
        Encoding::Utf8Bom => Cow::Borrowed(&bytes[3..]),
        Encoding::Utf16Le => Cow::Owned(utf16(&bytes[2..], u16::from_le_bytes)),
        Encoding::Utf16Be => Cow::Owned(utf16(&bytes[2..], u16::from_be_bytes)),
    }
}

/// Decodes UTF-16 code units (two bytes each, read by `unit`) to UTF-8.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Vec<u8> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    // ASCII text halves in size; reserve for that and let the rest grow.
    let mut out = String::with_capacity(bytes.len() / 2);
    for c in char::decode_utf16(units) {
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    if bytes.len() % 2 == 1 {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut v = vec![0xFE, 0xFF];
        v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        v
    }

    #[test]
    fn marks_are_read_and_removed() {
        let text = "T1059 \u{e9}t\u{e9} \u{1F600} {\"a\": 1}";
        assert_eq!(to_utf8(utf16le(text)), text.as_bytes());
        assert_eq!(to_utf8(utf16be(text)), text.as_bytes());
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(to_utf8(bom.clone()), text.as_bytes());
        assert_eq!(&*to_utf8_slice(&bom), text.as_bytes());
        assert_eq!(&*to_utf8_slice(&utf16le(text)), text.as_bytes());
        assert_eq!(to_utf8(text.as_bytes().to_vec()), text.as_bytes());
        assert!(matches!(
            to_utf8_slice(text.as_bytes()),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn broken_utf16_is_replaced_not_refused() {
        // An unpaired high surrogate, then a dangling byte.
        let v = vec![0xFF, 0xFE, b'A', 0, 0x00, 0xD8, b'B', 0, b'C'];
        assert_eq!(String::from_utf8(to_utf8(v)).unwrap(), "A\u{FFFD}B\u{FFFD}");
        assert_eq!(to_utf8(vec![0xFF, 0xFE]), b"");
        assert_eq!(Encoding::of(b""), Encoding::Unmarked);
    }
}
