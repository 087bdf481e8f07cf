//! Fetched bytes to text: the charset from the byte-order mark, strict UTF-8, the HTTP
//! header's label, the XML declaration or `<meta charset>`, then detection (GBK is common in
//! Chinese feeds, and often mislabelled); and the text of an HTML fragment (a feed item's
//! content) as paragraphs, read by the corpus HTML reader's DOM rules
//! ([`crate::corpus::fragment_paragraphs`]), as whole article pages are
//! ([`crate::corpus::read_html_bytes`]).

use std::sync::LazyLock;

use encoding_rs::Encoding;
use regex::Regex;

static DECLARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']|<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9._:-]+))"#)
        .expect("valid regex")
});

/// The `charset` of a `Content-Type` header value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

/// Decodes fetched bytes. Valid UTF-8 wins over any label (labels are often wrong, and
/// real GBK text is practically never valid UTF-8); then the header's label, then the
/// document's own declaration, each only if it decodes without errors; then detection.
pub fn decode(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<String, crate::corpus::DecodeError> {
    if Encoding::for_bom(bytes).is_none()
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return crate::corpus::decode(text.as_bytes());
    }
    if Encoding::for_bom(bytes).is_none() {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).into_owned();
        let declared = DECLARED
            .captures(&head)
            .and_then(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().to_string());
        let labels = content_type
            .and_then(charset_of)
            .map(str::to_string)
            .into_iter()
            .chain(declared);
        for label in labels {
            if let Some(enc) = Encoding::for_label(label.trim().as_bytes()) {
                // GB2312 and GBK labels: GB18030 is their superset and decodes them all.
                let enc = if enc == encoding_rs::GBK {
                    encoding_rs::GB18030
                } else {
                    enc
                };
                let (text, had_errors) = enc.decode_without_bom_handling(bytes);
                if !had_errors {
                    return crate::corpus::decode(text.as_bytes());
                }
                tracing::debug!("charset label {label} does not fit the bytes; detecting");
            }
        }
    }
    crate::corpus::decode(bytes)
}

/// Replaces the encoding named in an XML declaration with UTF-8, for text already decoded,
/// so the XML parser does not decode it a second time.
pub fn declare_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    static XML_ENCODING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)^(\s*<\?xml[^>]*\bencoding\s*=\s*)["'][^"']*["']"#).expect("valid regex")
    });
    XML_ENCODING.replace(text, r#"${1}"utf-8""#)
}

/// The text of HTML as paragraphs (see [`crate::corpus::fragment_paragraphs`]).
pub fn paragraphs(html: &str) -> Vec<String> {
    crate::corpus::fragment_paragraphs(html)
}

/// The text of HTML on one line (titles, summaries).
pub fn inline_text(html: &str) -> String {
    paragraphs(html).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_follow_blocks_and_drop_scripts() {
        let html = "<p>第一段，<b>加粗</b>文字。</p><script>var x = '<p>';</script>\
                    <div>第二段&amp;更多&#x4E2D;&#25991;</div>a<br/>b<!-- c -->";
        assert_eq!(
            paragraphs(html),
            ["第一段，加粗文字。", "第二段&更多中文", "a", "b"]
        );
        assert_eq!(paragraphs("1 < 2 &nope; x"), ["1 < 2 &nope; x"]);
        assert_eq!(paragraphs("<p>unclosed"), ["unclosed"]);
    }

    #[test]
    fn charset_from_header_declaration_or_detection() {
        let text = "<?xml version=\"1.0\" encoding=\"gb2312\"?><rss>黄河流域生态保护</rss>";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk, None).unwrap(), text);
        // A wrong label (UTF-8 for GBK bytes) does not garble the text.
        assert_eq!(decode(&gbk, Some("text/xml; charset=utf-8")).unwrap(), text);
        // UTF-8 bytes labelled GBK stay UTF-8.
        assert_eq!(
            decode(text.as_bytes(), Some("text/xml; charset=gbk")).unwrap(),
            text
        );
        assert_eq!(charset_of("text/html; charset=\"GBK\""), Some("GBK"));
        assert_eq!(
            declare_utf8("<?xml version='1.0' encoding='GBK'?><rss/>"),
            "<?xml version='1.0' encoding=\"utf-8\"?><rss/>"
        );
    }
}
