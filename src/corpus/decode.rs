//! Bytes to text: UTF-8 with or without a byte-order mark, UTF-16 with a mark, and the
//! legacy Chinese encodings (GB18030/GBK, Big5) detected with chardetng. Line endings are
//! unified to `\n`. Binary and undecodable files are refused with a reason; UTF-8 text with
//! a few stray bytes is kept, the bytes replaced, with a warning that says so.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

/// Why a file's bytes are not text we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary file (contains NUL bytes), not text")]
    Binary,
    #[error("binary data (control characters), not text")]
    Control,
    #[error("cannot decode the text: {0} of {1} characters are invalid in every known encoding")]
    Undecodable(usize, usize),
}

/// Decodes a file's bytes to text with `\n` line endings.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    decode_noting(bytes).map(|(text, _)| text)
}

/// [`decode`], with a warning when bytes had to be replaced to read the text.
pub fn decode_noting(bytes: &[u8]) -> Result<(String, Option<String>), DecodeError> {
    let mut warning = None;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    let text = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(undecodable(&text));
        }
        text.into_owned()
    } else {
        let sample = &bytes[..bytes.len().min(64 * 1024)];
        if sample.contains(&0) {
            return Err(DecodeError::Binary);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            // Valid UTF-8 cut off inside the last character (a truncated download): keep
            // the text and drop the partial character.
            Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => {
                tracing::debug!("text ends inside a character; the partial character is dropped");
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
            }
            Err(_) => match mostly_utf8(bytes) {
                Some(stray) => {
                    warning = Some(format!(
                        "{stray} byte sequence(s) are not valid UTF-8 (first at byte {}); replaced with U+FFFD",
                        std::str::from_utf8(bytes)
                            .err()
                            .map_or(0, |e| e.valid_up_to())
                    ));
                    String::from_utf8_lossy(bytes).into_owned()
                }
                None => decode_legacy(bytes)?,
            },
        }
    };
    if text.chars().any(|c| c == '\0') {
        return Err(DecodeError::Binary);
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok((text, warning))
}

/// The number of invalid sequences in bytes that are UTF-8 but for a few stray bytes (a
/// bad copy, a cut-and-paste from another encoding): the valid part must hold many
/// multi-byte characters per invalid sequence. Text in a legacy encoding read as UTF-8
/// is almost all invalid sequences, and ASCII with a few legacy characters has no valid
/// multi-byte characters, so both go to detection instead.
fn mostly_utf8(bytes: &[u8]) -> Option<usize> {
    let (mut invalid, mut multibyte) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| c.len_utf8() > 1).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    (invalid > 0 && multibyte >= 20 * invalid).then_some(invalid)
}

/// Guesses the encoding of non-UTF-8 bytes. GBK guesses are decoded as GB18030, its
/// superset. A few stray bad bytes (a truncated download) are tolerated; many are not.
fn decode_legacy(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    // No TLD hint: with `cn` chardetng reads Big5 (traditional script) as GBK.
    let mut encoding = detector.guess(None, true);
    if encoding == GBK || encoding == UTF_8 {
        encoding = GB18030;
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if bad * 100 > total {
            return Err(undecodable(&text));
        }
        tracing::debug!("{bad} undecodable characters replaced");
    }
    // Control characters other than layout ones are a sign of binary data.
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 100 > text.chars().count().max(1) {
        return Err(DecodeError::Control);
    }
    Ok(text.into_owned())
}

fn undecodable(text: &str) -> DecodeError {
    DecodeError::Undecodable(
        text.chars().filter(|&c| c == '\u{FFFD}').count(),
        text.chars().count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "忻州日报(乔龙飞)6月20日,忻州市委书记朱晓东主持召开全市黄河流域生态保护和高质量发展领导小组全体会议。";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(SAMPLE.as_bytes()).unwrap(), SAMPLE);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode(&bom).unwrap(), SAMPLE);
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(decode(&bytes).unwrap(), SAMPLE);
    }

    #[test]
    fn truncated_utf8_keeps_the_text() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.extend_from_slice(&"黄".as_bytes()[..2]);
        assert_eq!(decode(&bytes).unwrap(), SAMPLE);
    }

    #[test]
    fn big5_is_detected() {
        let text = "黃河防汛會議召開，各縣市加強值守，確保人民群眾生命財產安全。";
        let (bytes, _, _) = encoding_rs::BIG5.encode(text);
        assert_eq!(decode(&bytes).unwrap(), text);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in SAMPLE.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), SAMPLE);
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(
            decode("标题\r\n\r\n正文。\r\n".as_bytes()).unwrap(),
            "标题\n\n正文。\n"
        );
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\t\n"), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary)
        );
    }

    #[test]
    fn stray_byte_in_utf8_is_replaced_with_a_warning() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        // Between two characters (after "忻州日报(乔龙飞)").
        bytes.insert(23, 0xFF);
        let (text, warning) = decode_noting(&bytes).unwrap();
        assert_eq!(text.replace('\u{FFFD}', ""), SAMPLE);
        let warning = warning.expect("a warning");
        assert!(warning.contains("not valid UTF-8"), "{warning}");
        // Legacy text stays detected, not read as broken UTF-8.
        let (gb, _, _) = GB18030.encode(SAMPLE);
        assert_eq!(decode_noting(&gb).unwrap(), (SAMPLE.to_string(), None));
    }

    #[test]
    fn refuses_random_bytes() {
        // Deterministic noise without NUL bytes.
        let mut x: u32 = 12345;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((x >> 16) as u8).max(1)
            })
            .collect();
        assert!(decode(&noise).is_err(), "noise decoded as text");
    }
}
