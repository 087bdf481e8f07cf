//! Bytes to text: UTF-8 with or without a byte-order mark, UTF-16 with a mark, and the
//! legacy Chinese encodings (GB18030/GBK, Big5) detected with chardetng. Line endings are
//! unified to `\n`. Binary and undecodable files are refused with a reason; UTF-8 text with
//! a few stray bytes is kept, the bytes replaced, with a warning that says so.
//!
//! Bytes that come with a charset label (a page's `<meta charset>`, a feed's XML
//! declaration, an HTTP `Content-Type`) are read by [`decode_declared`], the one policy for
//! saved pages, fetched pages and feeds alike.

use std::sync::LazyLock;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use regex::bytes::Regex;

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

/// Decodes a file's bytes to text with `\n` line endings (the tests' short form of
/// [`decode_noting`]).
#[cfg(test)]
fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    decode_noting(bytes).map(|(text, _)| text)
}

/// [`decode`], with a warning when bytes had to be replaced to read the text.
pub(crate) fn decode_noting(bytes: &[u8]) -> Result<(String, Option<String>), DecodeError> {
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
    Ok((finish(text)?, warning))
}

/// The checks every decoded text passes: no NUL characters, `\n` line endings, not blank.
fn finish(text: String) -> Result<String, DecodeError> {
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
    Ok(text)
}

/// Decodes bytes that may come with charset labels: `content_type` (an HTTP header value),
/// then the document's own declaration in its first 4 KB (an XML declaration's `encoding`,
/// an HTML `<meta charset>` or `http-equiv` content type). Labels are often wrong, so the
/// order is:
///
/// 1. a byte-order mark wins over every label;
/// 2. bytes that are valid UTF-8 are read as UTF-8 whatever the labels say (real GBK text
///    is practically never valid UTF-8, and a page saved from a browser's DOM keeps its
///    old `<meta charset>`); a warning says so when a label named another charset;
/// 3. each label in turn, if its encoding decodes the bytes with at most one bad character
///    in 200 (GBK and GB2312 are read as GB18030, their superset); a single-byte label
///    (ISO-8859-1 and the like decode any bytes) is not trusted over detection for text
///    that detection reads as a multi-byte encoding;
/// 4. detection, as [`decode_noting`] does for unlabelled files.
///
/// Returns the text and the warnings worth showing the operator (a label that did not fit).
pub(crate) fn decode_declared(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<(String, Vec<String>), DecodeError> {
    let mut warnings = Vec::new();
    if Encoding::for_bom(bytes).is_some() {
        let (text, warning) = decode_noting(bytes)?;
        warnings.extend(warning);
        return Ok((text, warnings));
    }
    let labels: Vec<(String, &'static Encoding)> = content_type
        .and_then(header_charset)
        .into_iter()
        .chain(declared_charset(bytes))
        .filter_map(|label| Encoding::for_label(label.as_bytes()).map(|e| (label, e)))
        .collect();
    if let Ok(text) = std::str::from_utf8(bytes) {
        if !text.is_ascii()
            && let Some((label, _)) = labels.iter().find(|(_, e)| *e != UTF_8)
        {
            warnings.push(format!(
                "declares charset {label} but is UTF-8; read as UTF-8"
            ));
        }
        return Ok((finish(text.to_owned())?, warnings));
    }
    for (label, encoding) in &labels {
        if *encoding == UTF_8 {
            warnings.push(format!(
                "declares charset {label} but is not valid UTF-8; the encoding was detected"
            ));
            continue;
        }
        let encoding = if *encoding == GBK { GB18030 } else { *encoding };
        if encoding.is_single_byte() && detects_multibyte(bytes) {
            warnings.push(format!(
                "declares charset {label}, but the text reads as a multi-byte encoding; the encoding was detected"
            ));
            continue;
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if had_errors {
            let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
            if bad * 200 > text.chars().count().max(1) {
                warnings.push(format!(
                    "declares charset {label} but does not decode as it; the encoding was detected"
                ));
                continue;
            }
        }
        return Ok((finish(text.into_owned())?, warnings));
    }
    let (text, warning) = decode_noting(bytes)?;
    warnings.extend(warning);
    Ok((text, warnings))
}

/// The `charset` parameter of a `Content-Type` value: `text/html; charset="GBK"` → `gbk`.
fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
            .filter(|v| !v.is_empty())
    })
}

/// The charset a document declares in its first 4 KB: `<?xml … encoding="gb2312"?>`,
/// `<meta charset="gbk">` or `<meta http-equiv="Content-Type" content="…; charset=gbk">`.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    static DECLARED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)<\?xml[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)|<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]+)"#,
        )
        .expect("valid regex")
    });
    let head = &bytes[..bytes.len().min(4096)];
    DECLARED
        .captures(head)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| String::from_utf8_lossy(m.as_bytes()).to_ascii_lowercase())
}

/// Whether detection reads non-ASCII bytes as a multi-byte encoding (GBK, Big5, …).
fn detects_multibyte(bytes: &[u8]) -> bool {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    !detector.guess(None, true).is_single_byte()
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

    fn declared(bytes: &[u8], content_type: Option<&str>) -> (String, Vec<String>) {
        decode_declared(bytes, content_type).expect("decodes")
    }

    #[test]
    fn labels_are_read_in_order_and_only_when_they_fit() {
        let feed = "<?xml version=\"1.0\" encoding=\"gb2312\"?><rss>黄河流域生态保护</rss>";
        let (gbk, _, _) = GBK.encode(feed);
        // The document's declaration, with or without a header.
        assert_eq!(declared(&gbk, None), (feed.to_string(), vec![]));
        assert_eq!(declared(&gbk, Some("text/xml")).0, feed);
        // A wrong header label (UTF-8 for GBK bytes) gives way to the declaration.
        let (text, warnings) = declared(&gbk, Some("text/xml; charset=utf-8"));
        assert_eq!(text, feed);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // A page's meta tag, in either form.
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\"></head><body>防汛抗旱</body></html>";
        let (gbk_page, _, _) = GBK.encode(page);
        assert_eq!(declared(&gbk_page, None).0, page);
        let short = "<meta charset='gbk'><p>防汛抗旱工作</p>";
        assert_eq!(declared(&GBK.encode(short).0, None).0, short);
    }

    #[test]
    fn valid_utf8_wins_over_labels() {
        let page = "<meta charset=\"gb2312\"><p>黄河流域生态保护和高质量发展</p>";
        let (text, warnings) = declared(page.as_bytes(), Some("text/html; charset=gbk"));
        assert_eq!(text, page);
        assert_eq!(
            warnings,
            ["declares charset gbk but is UTF-8; read as UTF-8"],
            "a browser-saved page keeps its old declaration"
        );
        // Plain ASCII fits every ASCII-compatible label: nothing to warn about.
        assert_eq!(
            declared(b"<meta charset=gbk><p>abc</p>", None).1,
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_single_byte_label_on_chinese_text_gives_way_to_detection() {
        let text = "<p>国家防总针对南方强降雨启动防汛三级应急响应，派出工作组赴一线指导。</p>";
        let (gbk, _, _) = GBK.encode(text);
        let (read, warnings) = declared(&gbk, Some("text/html; charset=iso-8859-1"));
        assert_eq!(read, text);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_byte_order_mark_wins_and_blank_or_binary_bytes_are_refused() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("防汛".as_bytes());
        assert_eq!(declared(&bom, Some("text/html; charset=gbk")).0, "防汛");
        assert_eq!(
            decode_declared(b"  \n", Some("text/xml; charset=utf-8")),
            Err(DecodeError::Empty)
        );
        assert_eq!(
            decode_declared(b"<rss>\0</rss>", None),
            Err(DecodeError::Binary)
        );
        assert_eq!(
            header_charset("text/html; charset=\"GBK\"").as_deref(),
            Some("gbk")
        );
        assert_eq!(header_charset("text/html").as_deref(), None);
    }

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
