//! Fetched feeds as text: decoded by the corpus's one charset policy
//! ([`crate::corpus::decode_declared`]: GBK is common in Chinese feeds, and often
//! mislabelled), the XML declaration then made to say UTF-8; and the text of an HTML
//! fragment (a feed item's content) as paragraphs, read by the corpus HTML reader's DOM rules
//! ([`crate::corpus::fragment_paragraphs`]), as whole article pages are
//! ([`crate::corpus::read_html_bytes`]).

use std::sync::LazyLock;

use regex::Regex;

/// Replaces the encoding named in an XML declaration with UTF-8, for text already decoded,
/// so the XML parser does not decode it a second time.
pub(crate) fn declare_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    static XML_ENCODING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)^(\s*<\?xml[^>]*\bencoding\s*=\s*)["'][^"']*["']"#).expect("valid regex")
    });
    XML_ENCODING.replace(text, r#"${1}"utf-8""#)
}

/// The text of HTML as paragraphs (see [`crate::corpus::fragment_paragraphs`]).
pub(crate) fn paragraphs(html: &str) -> Vec<String> {
    crate::corpus::fragment_paragraphs(html)
}

/// The text of HTML on one line (titles, summaries).
pub(crate) fn inline_text(html: &str) -> String {
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
    fn the_declaration_is_made_to_say_utf8() {
        assert_eq!(
            declare_utf8("<?xml version='1.0' encoding='GBK'?><rss/>"),
            "<?xml version='1.0' encoding=\"utf-8\"?><rss/>"
        );
        assert_eq!(declare_utf8("<rss/>"), "<rss/>");
    }
}
