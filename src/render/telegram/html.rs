//! Telegram HTML output: escaping, `<b>` highlights, UTF-16 length and splitting long
//! answers into messages Telegram accepts (at most 4,096 UTF-16 code units, each message
//! well-formed on its own). Pure functions; the bot sends what they return.

use std::ops::Range;

/// Telegram's limit on a message's text, in UTF-16 code units after entity parsing.
pub const TELEGRAM_LIMIT: usize = 4096;

/// `text` made safe as HTML text content: `<`, `>` and `&` become entities. Quotes are kept,
/// as Telegram shows text content verbatim (an attribute value would also need `"` escaped;
/// nothing renders attributes from user or article text).
pub(crate) fn escape(text: &str) -> String {
    teloxide::utils::html::escape(text)
}

/// `text` escaped, with the byte `highlights` wrapped in `<b>…</b>`. Ranges that are empty,
/// out of bounds, not on char boundaries or overlapping an earlier one are ignored; order
/// does not matter.
pub fn marked(text: &str, highlights: &[Range<usize>]) -> String {
    let mut ranges: Vec<&Range<usize>> = highlights.iter().collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + highlights.len() * 7);
    let mut at = 0;
    for r in ranges {
        let usable = r.start >= at
            && r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end);
        if !usable {
            continue;
        }
        out.push_str(&escape(&text[at..r.start]));
        out.push_str("<b>");
        out.push_str(&escape(&text[r.clone()]));
        out.push_str("</b>");
        at = r.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// Length of `s` in UTF-16 code units, the unit of Telegram's limits and entity offsets
/// (a character outside the Basic Multilingual Plane, such as most emoji, counts 2).
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// What goes between two blocks in one message.
const BLOCK_SEPARATOR: &str = "\n\n";

/// Joins HTML `blocks` (paragraphs, each balanced on its own) with a blank line into as few
/// messages as fit, each at most `limit` UTF-16 code units of raw HTML (never less than the
/// text Telegram counts after parsing, so the limit holds there too). Messages break only
/// between blocks; a block longer than `limit` is cut, preferably after a sentence end
/// (`。！？!?` or a newline, with any closing quote), else after a clause (`，、；` or a
/// space), else after any character; never inside a tag, an entity or an emoji sequence,
/// nor before closing punctuation. Tags open at a cut are closed before it and reopened
/// after it, so every message is well-formed by itself.
///
/// Blocks with no visible text are skipped. A `limit` too small for one character with its
/// open tags (not a concern at [`TELEGRAM_LIMIT`]) yields such minimal pieces over the limit
/// rather than failing.
pub fn split_message(blocks: &[String], limit: usize) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    let sep_len = utf16_len(BLOCK_SEPARATOR);
    for block in blocks {
        let tokens = tokenize(block);
        if !tokens.iter().any(Token::is_visible) {
            continue;
        }
        let len = utf16_len(block);
        if len <= limit {
            if current.is_empty() {
                current = block.clone();
                current_len = len;
            } else if current_len + sep_len + len <= limit {
                current.push_str(BLOCK_SEPARATOR);
                current.push_str(block);
                current_len += sep_len + len;
            } else {
                messages.push(std::mem::replace(&mut current, block.clone()));
                current_len = len;
            }
            continue;
        }
        // A block over the limit starts a message of its own; its last piece may be
        // joined by the blocks after it.
        if !current.is_empty() {
            messages.push(std::mem::take(&mut current));
        }
        let mut pieces = split_block(&tokens, limit);
        if let Some(last) = pieces.pop() {
            messages.extend(pieces);
            current_len = utf16_len(&last);
            current = last;
        }
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

/// One indivisible unit of an HTML block.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    /// `<b>`, `<a href="…">`: `name` is the tag name, `raw` the whole tag.
    Open { name: &'a str, raw: &'a str },
    /// `</b>`.
    Close { name: &'a str, raw: &'a str },
    /// One character, or one entity such as `&amp;` (`ch` is then `None`).
    Text { raw: &'a str, ch: Option<char> },
}

impl Token<'_> {
    fn raw(&self) -> &str {
        match self {
            Token::Open { raw, .. } | Token::Close { raw, .. } | Token::Text { raw, .. } => raw,
        }
    }

    fn is_visible(&self) -> bool {
        match self {
            Token::Text { ch: Some(c), .. } => !c.is_whitespace(),
            Token::Text { ch: None, .. } => true,
            _ => false,
        }
    }

    fn is_space(&self) -> bool {
        matches!(self, Token::Text { ch: Some(c), .. } if c.is_whitespace())
    }
}

/// Cuts `html` into tags, entities and characters. Never fails: a `<` without a closing `>`
/// or a `&` that starts no entity is a character of its own.
fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let len = match c {
            '<' => rest.find('>').map_or(1, |end| end + 1),
            '&' => entity_len(rest).unwrap_or(1),
            _ => c.len_utf8(),
        };
        let raw = &rest[..len];
        tokens.push(classify(raw, c));
        rest = &rest[len..];
    }
    tokens
}

fn classify(raw: &str, first: char) -> Token<'_> {
    if first == '<' && raw.len() > 1 {
        let inner = raw[1..raw.len() - 1].trim_end_matches('/');
        if let Some(closing) = inner.strip_prefix('/') {
            return Token::Close {
                name: closing.trim(),
                raw,
            };
        }
        let name = inner.split(char::is_whitespace).next().unwrap_or("");
        return Token::Open { name, raw };
    }
    if first == '&' && raw.len() > 1 {
        return Token::Text { raw, ch: None };
    }
    Token::Text {
        raw,
        ch: Some(first),
    }
}

/// Length in bytes of the entity `s` starts with (`&amp;`, `&#20013;`, `&#x4e2d;`), if any.
fn entity_len(s: &str) -> Option<usize> {
    let body = s.get(1..)?;
    let end = body.find(';')?;
    let name = &body[..end];
    let valid = match name.strip_prefix('#') {
        Some(num) => match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()),
        },
        None => !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
    };
    (valid && name.len() <= 10).then_some(end + 2)
}

/// How good a place to cut a block is: after a sentence, after a clause, or anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cut {
    Any,
    Clause,
    Sentence,
}

const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '\n', '…'];
const CLAUSE_ENDS: &[char] = &['，', '、', '；', '：', ',', ';', ':'];
/// Closing quotes and brackets that belong to the sentence they follow: `。”` cuts after `”`.
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '"', '\'', '》', '】'];

/// Characters that attach to the one before them (emoji sequences, combining marks), so no
/// cut goes right before them.
fn joins_previous(c: char) -> bool {
    matches!(c,
        '\u{200D}'                      // zero width joiner
        | '\u{FE00}'..='\u{FE0F}'       // variation selectors
        | '\u{0300}'..='\u{036F}'       // combining diacritics
        | '\u{20D0}'..='\u{20FF}'       // combining marks for symbols (keycap)
        | '\u{1F3FB}'..='\u{1F3FF}'     // skin tone modifiers
        | '\u{E0020}'..='\u{E007F}'     // tag characters (flag sequences)
    )
}

/// Punctuation that must not start a message: it belongs to the text before it.
const NO_BREAK_BEFORE: &[char] = &[
    '。', '！', '？', '，', '、', '；', '：', '…', '”', '’', '」', '』', '）', '》', '】', '!',
    '?', ',', ';', ':', '.', ')',
];

/// Whether the next character after the tags at the front of `rest` must stay with the text
/// before it (an emoji joiner, a combining mark, closing punctuation).
fn binds_to_previous(rest: &[Token<'_>]) -> bool {
    let next = rest.iter().find_map(|t| match t {
        Token::Text { ch, .. } => Some(*ch),
        _ => None,
    });
    matches!(next, Some(Some(c)) if joins_previous(c) || NO_BREAK_BEFORE.contains(&c))
}

/// Splits one over-long block's tokens into balanced pieces of at most `limit` UTF-16 units.
fn split_block(tokens: &[Token<'_>], limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    // Tags open where the current piece starts, reopened at its front.
    let mut open: Vec<Token<'_>> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !pieces.is_empty() {
            // Telegram trims a message's leading white space anyway.
            while tokens.get(i).is_some_and(Token::is_space) {
                i += 1;
            }
            if i == tokens.len() {
                break;
            }
        }
        let end = piece_end(tokens, i, &open, limit);
        let mut piece: String = open.iter().map(Token::raw).collect();
        let mut visible = false;
        for t in &tokens[i..end] {
            piece.push_str(t.raw());
            visible |= t.is_visible();
            apply(t, &mut open);
        }
        for t in open.iter().rev() {
            piece.push_str(&closing_tag(t));
        }
        if visible {
            pieces.push(piece);
        }
        i = end;
    }
    pieces
}

/// Where the piece starting at token `start` (with `open` tags reopened) should end: at
/// least one token past `start`, within `limit` if at all possible, at the best cut that
/// still fills at least half of what fits (so an early sentence end does not make a stub).
fn piece_end(tokens: &[Token<'_>], start: usize, open: &[Token<'_>], limit: usize) -> usize {
    let mut stack = open.to_vec();
    let mut len: usize = stack.iter().map(|t| utf16_len(t.raw())).sum();
    let mut closing_len: usize = stack.iter().map(|t| utf16_len(&closing_tag(t))).sum();
    // The last cut of each kind seen so far: (token index, length of the piece there).
    let mut last = [None::<(usize, usize)>; 3];
    let mut in_sentence_end = false;
    for (j, t) in tokens.iter().enumerate().skip(start) {
        let mut next_stack = stack.clone();
        apply(t, &mut next_stack);
        let next_closing: usize = if next_stack.len() == stack.len() {
            closing_len
        } else {
            next_stack.iter().map(|t| utf16_len(&closing_tag(t))).sum()
        };
        let next_len = len + utf16_len(t.raw());
        if next_len + next_closing > limit && j > start {
            return choose_cut(&last, len + closing_len).unwrap_or(j);
        }
        (stack, len, closing_len) = (next_stack, next_len, next_closing);
        let cut = match t {
            Token::Text { ch: Some(c), .. } => {
                in_sentence_end =
                    SENTENCE_ENDS.contains(c) || (in_sentence_end && CLOSERS.contains(c));
                if in_sentence_end {
                    Some(Cut::Sentence)
                } else if CLAUSE_ENDS.contains(c) || c.is_whitespace() {
                    Some(Cut::Clause)
                } else {
                    Some(Cut::Any)
                }
            }
            Token::Text { ch: None, .. } => {
                in_sentence_end = false;
                Some(Cut::Any)
            }
            // Never cut right after an opening tag: it would leave an empty element.
            Token::Open { .. } => {
                in_sentence_end = false;
                None
            }
            Token::Close { .. } => Some(if in_sentence_end {
                Cut::Sentence
            } else {
                Cut::Any
            }),
        };
        let after_zwj = matches!(
            t,
            Token::Text {
                ch: Some('\u{200D}'),
                ..
            }
        );
        if let Some(cut) = cut.filter(|_| !after_zwj && !binds_to_previous(&tokens[j + 1..])) {
            // A better cut here is also an acceptable cut of every lesser kind.
            for kind in last.iter_mut().take(cut as usize + 1) {
                *kind = Some((j + 1, len + closing_len));
            }
        }
    }
    tokens.len()
}

/// The best of the `last` cuts (by kind) that keeps at least half of `filled`.
fn choose_cut(last: &[Option<(usize, usize)>; 3], filled: usize) -> Option<usize> {
    last.iter()
        .rev()
        .flatten()
        .find(|(_, len)| len * 2 >= filled)
        .or(last[Cut::Any as usize].as_ref())
        .map(|(at, _)| *at)
}

/// Updates the stack of open tags for token `t`.
fn apply<'a>(t: &Token<'a>, open: &mut Vec<Token<'a>>) {
    match t {
        Token::Open { raw, .. } if raw.ends_with("/>") => {}
        Token::Open { .. } => open.push(*t),
        Token::Close { name, .. } => {
            if let Some(at) = open.iter().rposition(|o| match o {
                Token::Open { name: n, .. } => n.eq_ignore_ascii_case(name),
                _ => false,
            }) {
                open.truncate(at);
            }
        }
        Token::Text { .. } => {}
    }
}

fn closing_tag(open: &Token<'_>) -> String {
    match open {
        Token::Open { name, .. } => format!("</{name}>"),
        _ => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    /// Checks that `html` is balanced: every tag closed in order, every `&` an entity, no
    /// stray `<`. Returns the visible text (entities kept as written).
    fn well_formed(html: &str) -> Result<String, String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut text = String::new();
        for t in tokenize(html) {
            match t {
                Token::Open { name, raw } => {
                    if !raw.ends_with('>') {
                        return Err(format!("unclosed tag {raw:?}"));
                    }
                    stack.push(name);
                }
                Token::Close { name, .. } => match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                },
                Token::Text { raw, ch } => {
                    if matches!(ch, Some('<' | '>' | '&')) {
                        return Err(format!("bare {raw:?}"));
                    }
                    text.push_str(raw);
                }
            }
        }
        if stack.is_empty() {
            Ok(text)
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    fn check_messages(messages: &[String], limit: usize) {
        for (n, m) in messages.iter().enumerate() {
            assert!(
                utf16_len(m) <= limit,
                "message {n} is {} UTF-16 units, over {limit}: {m:?}",
                utf16_len(m)
            );
            if let Err(e) = well_formed(m) {
                panic!("message {n} is not well-formed ({e}): {m:?}");
            }
            assert!(!m.trim().is_empty(), "message {n} is empty");
        }
    }

    #[test]
    fn escape_hostile_text() {
        assert_eq!(escape("<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(escape("黄河 \"长江\" 'x'"), "黄河 \"长江\" 'x'");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn marked_wraps_ranges_and_escapes() {
        let text = "黄河<流域>&水";
        let start = text.find("流域").unwrap();
        assert_eq!(
            marked(text, &[0..6, start..start + 6]),
            "<b>黄河</b>&lt;<b>流域</b>&gt;&amp;水"
        );
    }

    #[test]
    fn marked_escapes_inside_highlight() {
        assert_eq!(marked("a<b>c", &[1..4]), "a<b>&lt;b&gt;</b>c");
    }

    #[test]
    fn marked_ignores_bad_ranges() {
        let text = "黄河流域";
        let cases: &[(&[Range<usize>], &str)] = &[
            (&[0..100], "黄河流域"),
            (&[1..3], "黄河流域"),
            (&[3..3], "黄河流域"),
            #[allow(clippy::reversed_empty_ranges)]
            (&[6..3], "黄河流域"),
            (&[0..6, 3..9], "<b>黄河</b>流域"),
            (&[3..9, 0..6], "<b>黄河</b>流域"),
            (&[6..12, 0..3], "<b>黄</b>河<b>流域</b>"),
            (&[0..12], "<b>黄河流域</b>"),
        ];
        for (ranges, want) in cases {
            assert_eq!(marked(text, ranges), *want, "ranges {ranges:?}");
        }
        assert_eq!(marked("", &[0..1]), "");
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        let cases = [
            ("", 0),
            ("a", 1),
            ("黄", 1),
            ("😀", 2),
            ("𠀀", 2),
            ("👨‍👩‍👧", 8),
            ("&amp;", 5),
        ];
        for (s, n) in cases {
            assert_eq!(utf16_len(s), n, "{s:?}");
        }
    }

    #[test]
    fn short_blocks_join_in_one_message() {
        let blocks = vec!["<b>一</b>".to_string(), "二".to_string()];
        assert_eq!(split_message(&blocks, 100), vec!["<b>一</b>\n\n二"]);
    }

    #[test]
    fn blocks_fill_messages_exactly_to_the_limit() {
        let blocks = vec!["甲".repeat(4), "乙".repeat(4), "丙".repeat(4)];
        // 4 + 2 + 4 = 10 fits; a third block would not.
        let messages = split_message(&blocks, 10);
        assert_eq!(
            messages,
            vec![format!("{}\n\n{}", blocks[0], blocks[1]), blocks[2].clone()]
        );
        check_messages(&messages, 10);
    }

    #[test]
    fn empty_blocks_are_skipped() {
        let blocks = vec![
            String::new(),
            " \n".to_string(),
            "<b></b>".to_string(),
            "x".to_string(),
        ];
        assert_eq!(split_message(&blocks, 100), vec!["x"]);
        assert!(split_message(&[], 100).is_empty());
    }

    #[test]
    fn long_chinese_block_splits_at_sentence_ends() {
        // 10,000 characters in sentences of 25 (24 characters and 。).
        let sentence = format!(
            "{}。",
            "黄河流域生态保护和高质量发展是重大国家战略要坚决扛牢"
                .chars()
                .take(24)
                .collect::<String>()
        );
        let block = sentence.repeat(400);
        assert_eq!(block.chars().count(), 10_000);
        let messages = split_message(std::slice::from_ref(&block), TELEGRAM_LIMIT);
        check_messages(&messages, TELEGRAM_LIMIT);
        assert_eq!(messages.len(), 3);
        for m in &messages {
            assert!(
                m.ends_with('。'),
                "cut mid-sentence: …{}",
                m.chars().rev().take(10).collect::<String>()
            );
        }
        assert_eq!(
            messages.concat(),
            block,
            "text lost or changed in splitting"
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        let block = format!("{}。”{}", "甲".repeat(6), "乙".repeat(6));
        let messages = split_message(&[block], 10);
        check_messages(&messages, 10);
        assert_eq!(messages[0], format!("{}。”", "甲".repeat(6)));
    }

    #[test]
    fn block_without_sentence_ends_splits_anywhere() {
        let block = "字".repeat(9000);
        let messages = split_message(std::slice::from_ref(&block), TELEGRAM_LIMIT);
        check_messages(&messages, TELEGRAM_LIMIT);
        assert_eq!(
            messages
                .iter()
                .map(|m| m.chars().count())
                .collect::<Vec<_>>(),
            [4096, 4096, 808]
        );
    }

    #[test]
    fn emoji_count_two_units_and_stay_whole() {
        let block = "😀".repeat(3000); // 6,000 UTF-16 units
        let messages = split_message(std::slice::from_ref(&block), TELEGRAM_LIMIT);
        check_messages(&messages, TELEGRAM_LIMIT);
        assert_eq!(messages.len(), 2);
        assert_eq!(utf16_len(&messages[0]), 4096);
        assert_eq!(messages.concat(), block);
    }

    #[test]
    fn emoji_sequences_are_not_cut() {
        let family = "👨‍👩‍👧"; // 8 units
        let block = family.repeat(3);
        let messages = split_message(std::slice::from_ref(&block), 12);
        check_messages(&messages, 12);
        assert_eq!(messages, vec![family; 3]);
    }

    #[test]
    fn bold_across_a_cut_is_closed_and_reopened() {
        let block = format!(
            "前文。<b>{}。{}</b>后文。",
            "重点".repeat(5),
            "要点".repeat(5)
        );
        let limit = 20;
        let messages = split_message(&[block], limit);
        check_messages(&messages, limit);
        assert!(messages.len() >= 2, "{messages:?}");
        let bolded: Vec<_> = messages.iter().filter(|m| m.contains("<b>")).collect();
        assert!(
            bolded.len() >= 2,
            "bold should continue in the next message: {messages:?}"
        );
        let text: String = messages
            .iter()
            .map(|m| m.replace("<b>", "").replace("</b>", ""))
            .collect();
        assert_eq!(
            text,
            format!("前文。{}。{}后文。", "重点".repeat(5), "要点".repeat(5))
        );
    }

    #[test]
    fn punctuation_never_starts_a_message() {
        let block = format!(
            "{}，<b>{}</b>。{}",
            "甲".repeat(7),
            "乙".repeat(7),
            "丙".repeat(7)
        );
        for limit in 9..30 {
            let messages = split_message(std::slice::from_ref(&block), limit);
            check_messages(&messages, limit);
            for m in &messages {
                let first = m.trim_start_matches("<b>").chars().next();
                assert!(
                    !matches!(first, Some('，' | '。' | '<')),
                    "limit {limit}: {m:?} starts with punctuation or a stray tag"
                );
            }
        }
    }

    #[test]
    fn nested_tags_and_links_reopen_with_attributes() {
        let block = format!(
            "<a href=\"https://example.com/?a=1&amp;b=2\"><i>{}<b>{}</b></i></a>",
            "链".repeat(30),
            "接".repeat(30)
        );
        let limit = 80;
        let messages = split_message(&[block], limit);
        check_messages(&messages, limit);
        for m in &messages {
            assert!(
                m.starts_with("<a href=\"https://example.com/?a=1&amp;b=2\"><i>"),
                "{m}"
            );
            assert!(m.ends_with("</i></a>"), "{m}");
        }
    }

    #[test]
    fn entities_are_never_cut() {
        let block = "&amp;&lt;&gt;&quot;&#20013;".repeat(40);
        for limit in [8, 11, 13, 50] {
            let messages = split_message(std::slice::from_ref(&block), limit);
            check_messages(&messages, limit);
            assert_eq!(messages.concat(), block, "limit {limit}");
        }
    }

    #[test]
    fn hostile_text_escaped_then_split_stays_escaped() {
        let block = marked(&"<b>&</b>".repeat(50), &[0..8]);
        let messages = split_message(&[block], 30);
        check_messages(&messages, 30);
        let joined = messages.concat().replace("<b>", "").replace("</b>", "");
        assert_eq!(joined, escape(&"<b>&</b>".repeat(50)));
    }

    #[test]
    fn long_block_then_short_blocks_share_its_last_message() {
        let blocks = vec!["长".repeat(15), "短".to_string()];
        let messages = split_message(&blocks, 10);
        check_messages(&messages, 10);
        assert_eq!(
            messages,
            vec!["长".repeat(10), format!("{}\n\n短", "长".repeat(5))]
        );
    }

    #[test]
    fn cut_at_newline_drops_leading_space_of_next_piece() {
        let block = format!("{}\n  {}", "甲".repeat(5), "乙".repeat(5));
        let messages = split_message(&[block], 8);
        check_messages(&messages, 8);
        assert_eq!(
            messages,
            vec![format!("{}\n", "甲".repeat(5)), "乙".repeat(5)]
        );
    }

    #[test]
    fn tiny_limits_never_panic_and_always_progress() {
        let blocks = vec![
            "<b>&amp;</b>😀<i>x</i>".to_string(),
            "<a href=\"u\">长长</a>".to_string(),
            "<b".to_string(),
            "a & b < c".to_string(),
        ];
        for limit in 0..20 {
            let messages = split_message(&blocks, limit);
            assert!(!messages.is_empty(), "limit {limit}");
        }
    }

    #[test]
    fn messages_are_under_limit_for_mixed_paragraphs() {
        let mut blocks = Vec::new();
        for n in 0..200 {
            let text = format!("第{n}段：黄河流经忻州市😀，全长{n}公里！& <注意>");
            let at = text.find("黄河").unwrap();
            blocks.push(marked(&text.repeat(n % 7 + 1), &[at..at + 6]));
        }
        blocks.push(marked(&"很长的段落。".repeat(1500), &[0..9]));
        let messages = split_message(&blocks, TELEGRAM_LIMIT);
        check_messages(&messages, TELEGRAM_LIMIT);
        let total: usize = blocks.iter().map(|b| b.chars().count()).sum();
        let got: usize = messages.iter().map(|m| m.chars().count()).sum();
        assert!(got >= total, "text lost: {got} < {total}");
    }
}
