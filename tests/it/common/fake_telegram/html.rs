//! Telegram's HTML parse mode, as the fake Bot API server reads `parse_mode: "HTML"`: a
//! byte-for-byte port of the rules of TDLib's `parse_html` (`td/telegram/MessageEntity.cpp`,
//! which the Bot API server runs), with its error texts, plus the escaping rule of the Bot API
//! documentation that real Telegram does not enforce (see [`Rules`]).

use serde_json::{Value, json};

/// Which rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Exactly what Telegram accepts. A `&` that starts no entity and a bare `>` are kept as
    /// text, and `&lt` without its `;` is still decoded.
    Telegram,
    /// Telegram's rules plus the documentation's "all `<`, `>` and `&` symbols that are not
    /// a part of a tag or an HTML entity must be replaced with the corresponding HTML
    /// entities": a bare `&` or `>`, or an entity without its `;`, is refused. Text that
    /// breaks this rule was not escaped, and would break on the next `<` in it.
    Documented,
}

/// A parsed message: the text Telegram would show and its entities (Bot API JSON, offsets
/// and lengths in UTF-16 code units).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub text: String,
    pub entities: Vec<Value>,
}

/// Parses `html` under the documented rules ([`Rules::Documented`]).
pub fn parse_html(html: &str) -> Result<Parsed, String> {
    parse_html_with(html, Rules::Documented)
}

/// Parses `html` as Telegram does. The error is the text Telegram puts after
/// `Bad Request: can't parse entities: `.
pub fn parse_html_with(html: &str, rules: Rules) -> Result<Parsed, String> {
    Parser {
        text: html.as_bytes(),
        rules,
    }
    .parse()
}

struct OpenTag {
    name: String,
    argument: String,
    offset: usize,
    begin: usize,
}

struct Parser<'a> {
    text: &'a [u8],
    rules: Rules,
}

/// TDLib's `is_space`; the string's terminating NUL counts as space too.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\0' | 0x0b | 0x0c)
}

impl Parser<'_> {
    /// The byte at `i`, or 0 past the end, as TDLib reads its NUL-terminated string.
    fn at(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    /// TDLib's `decode_html_entity`: the character the entity at `pos` stands for and the
    /// position after it, or `None` when `&` starts no entity (it is then plain text).
    fn decode_entity(&self, pos: usize) -> Option<(u32, usize, bool)> {
        let mut end = pos + 1;
        let mut code: u32 = 0;
        if self.at(pos + 1) == b'#' {
            end += 1;
            if self.at(pos + 2) == b'x' {
                end += 1;
                while self.at(end).is_ascii_hexdigit() {
                    let digit = (self.at(end) as char).to_digit(16).unwrap_or(0);
                    code = code.wrapping_mul(16).wrapping_add(digit);
                    end += 1;
                }
            } else {
                while self.at(end).is_ascii_digit() {
                    code = code
                        .wrapping_mul(10)
                        .wrapping_add(u32::from(self.at(end) - b'0'));
                    end += 1;
                }
            }
            if code == 0 || code >= 0x10ffff || end - pos >= 10 {
                return None;
            }
        } else {
            while self.at(end).is_ascii_alphabetic() {
                end += 1;
            }
            code = match &self.text[pos + 1..end] {
                b"lt" => '<' as u32,
                b"gt" => '>' as u32,
                b"amp" => '&' as u32,
                b"quot" => '"' as u32,
                _ => return None,
            };
        }
        let terminated = self.at(end) == b';';
        Some((code, if terminated { end + 1 } else { end }, terminated))
    }

    /// Decodes the entity at `i` into `out`, or reports a documented-rules violation.
    /// Returns the position after the entity and the code point it stands for.
    fn entity(
        &self,
        i: usize,
        out: &mut Vec<u8>,
        bad: &mut bool,
    ) -> Result<Option<(usize, u32)>, String> {
        match self.decode_entity(i) {
            Some((code, next, terminated)) => {
                if !terminated && self.rules == Rules::Documented {
                    return Err(format!(
                        "Entity at byte offset {i} is not terminated by \";\" (Telegram would decode it; \
                         the Bot API documentation requires the \";\")"
                    ));
                }
                match char::from_u32(code) {
                    Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                    // A surrogate: TDLib writes it out and then fails its UTF-8 check.
                    None => *bad = true,
                }
                Ok(Some((next, code)))
            }
            None if self.rules == Rules::Documented => Err(format!(
                "Unescaped \"&\" at byte offset {i} (Telegram would keep it as text; the Bot API \
                 documentation requires &amp;)"
            )),
            None => Ok(None),
        }
    }

    fn parse(&self) -> Result<Parsed, String> {
        let mut result: Vec<u8> = Vec::with_capacity(self.text.len());
        let mut entities: Vec<Value> = Vec::new();
        let mut open: Vec<OpenTag> = Vec::new();
        let mut utf16_offset = 0usize;
        let mut surrogate = false;
        let mut i = 0;
        while i < self.text.len() {
            let c = self.text[i];
            if c == b'&'
                && let Some((next, code)) = self.entity(i, &mut result, &mut surrogate)?
            {
                utf16_offset += 1 + usize::from(code > 0xffff);
                i = next;
                continue;
            }
            if c != b'<' {
                if c == b'>' && self.rules == Rules::Documented {
                    return Err(format!(
                        "Unescaped \">\" at byte offset {i} (Telegram would keep it as text; the Bot \
                         API documentation requires &gt;)"
                    ));
                }
                if (c & 0xc0) != 0x80 {
                    utf16_offset += 1 + usize::from(c >= 0xf0);
                }
                result.push(c);
                i += 1;
                continue;
            }

            let begin = i;
            i += 1;
            if self.at(i) != b'/' {
                i = self.start_tag(
                    begin,
                    i,
                    &mut open,
                    utf16_offset,
                    result.len(),
                    &mut surrogate,
                )?;
            } else {
                let Some(top) = open.last() else {
                    return Err(format!("Unexpected end tag at byte offset {begin}"));
                };
                while !is_space(self.at(i)) && self.at(i) != b'>' {
                    i += 1;
                }
                let end_name =
                    String::from_utf8_lossy(&self.text[begin + 2..i]).to_ascii_lowercase();
                while is_space(self.at(i)) && self.at(i) != 0 {
                    i += 1;
                }
                if self.at(i) != b'>' {
                    return Err(format!("Unclosed end tag at byte offset {begin}"));
                }
                if !end_name.is_empty() && end_name != top.name {
                    return Err(format!(
                        "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                        top.name
                    ));
                }
                let tag = open.pop().expect("checked above");
                if utf16_offset > tag.offset {
                    close_tag(tag, utf16_offset, &result, &mut entities)?;
                }
                i += 1;
            }
        }
        if let Some(tag) = open.last() {
            return Err(format!(
                "Can't find end tag corresponding to start tag \"{}\"",
                tag.name
            ));
        }
        if surrogate {
            return Err(
                "Text contains invalid Unicode characters after decoding HTML entities, check \
                        for unmatched surrogate code units"
                    .to_string(),
            );
        }
        drop_code_languages(&mut entities);
        entities.sort_by_key(|e| (offset(e), std::cmp::Reverse(length(e))));
        let text = String::from_utf8(result)
            .map_err(|_| "Strings must be encoded in UTF-8".to_string())?;
        Ok(Parsed { text, entities })
    }

    /// Reads a start tag whose `<` is at `begin` (`i` is just after it); returns the position
    /// after its `>`.
    fn start_tag(
        &self,
        begin: usize,
        mut i: usize,
        open: &mut Vec<OpenTag>,
        utf16_offset: usize,
        result_len: usize,
        surrogate: &mut bool,
    ) -> Result<usize, String> {
        while !is_space(self.at(i)) && self.at(i) != b'>' {
            i += 1;
        }
        if self.at(i) == 0 {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        let name = String::from_utf8_lossy(&self.text[begin + 1..i]).to_ascii_lowercase();
        const SUPPORTED: &[&str] = &[
            "a",
            "b",
            "strong",
            "i",
            "em",
            "s",
            "strike",
            "del",
            "u",
            "ins",
            "tg-spoiler",
            "tg-emoji",
            "span",
            "pre",
            "code",
            "blockquote",
        ];
        if !SUPPORTED.contains(&name.as_str()) {
            return Err(format!(
                "Unsupported start tag \"{name}\" at byte offset {begin}"
            ));
        }

        let mut argument = String::new();
        while self.at(i) != b'>' {
            while self.at(i) != 0 && is_space(self.at(i)) {
                i += 1;
            }
            if self.at(i) == b'>' {
                break;
            }
            let attr_begin = i;
            while !is_space(self.at(i)) && !matches!(self.at(i), b'=' | b'>' | b'/' | b'"' | b'\'')
            {
                i += 1;
            }
            let attr = String::from_utf8_lossy(&self.text[attr_begin..i]).into_owned();
            if attr.is_empty() {
                return Err(format!(
                    "Empty attribute name in the tag \"{name}\" at byte offset {begin}"
                ));
            }
            while self.at(i) != 0 && is_space(self.at(i)) {
                i += 1;
            }
            if self.at(i) != b'=' {
                if self.at(i) == 0 {
                    return Err(format!(
                        "Unclosed start tag \"{name}\" at byte offset {begin}"
                    ));
                }
                if name == "blockquote" && attr == "expandable" {
                    argument = "1".to_string();
                }
                continue;
            }
            i += 1;
            while self.at(i) != 0 && is_space(self.at(i)) {
                i += 1;
            }
            if self.at(i) == 0 {
                return Err(format!(
                    "Unclosed start tag \"{name}\" at byte offset {begin}"
                ));
            }

            let value = if self.at(i) != b'\'' && self.at(i) != b'"' {
                // A name token: letters, digits, periods and hyphens, case-insensitive.
                let token_begin = i;
                while self.at(i).is_ascii_alphanumeric() || matches!(self.at(i), b'.' | b'-') {
                    i += 1;
                }
                if !is_space(self.at(i)) && self.at(i) != b'>' {
                    return Err(format!(
                        "Unexpected end of name token at byte offset {token_begin}"
                    ));
                }
                String::from_utf8_lossy(&self.text[token_begin..i]).to_ascii_lowercase()
            } else {
                let quote = self.at(i);
                i += 1;
                let mut value = Vec::new();
                while self.at(i) != quote && self.at(i) != 0 {
                    if self.at(i) == b'&'
                        && let Some((next, _)) = self.entity(i, &mut value, surrogate)?
                    {
                        i = next;
                        continue;
                    }
                    value.push(self.at(i));
                    i += 1;
                }
                if self.at(i) == quote {
                    i += 1;
                }
                String::from_utf8_lossy(&value).into_owned()
            };
            if self.at(i) == 0 {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }

            match (name.as_str(), attr.as_str()) {
                ("a", "href") | ("tg-emoji", "emoji-id") => argument = value,
                ("code", "class") if value.starts_with("language-") => {
                    argument = value["language-".len()..].to_string();
                }
                ("span", "class") if value.starts_with("tg-") => {
                    argument = value["tg-".len()..].to_string();
                }
                ("blockquote", "expandable") => argument = "1".to_string(),
                _ => {}
            }
        }
        if name == "span" && argument != "spoiler" {
            return Err(format!(
                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
            ));
        }
        open.push(OpenTag {
            name,
            argument,
            offset: utf16_offset,
            begin: result_len,
        });
        Ok(i + 1)
    }
}

fn offset(e: &Value) -> u64 {
    e["offset"].as_u64().unwrap_or(0)
}

fn length(e: &Value) -> u64 {
    e["length"].as_u64().unwrap_or(0)
}

/// Records the entity a closed, non-empty tag makes (as TDLib's `parse_html` does).
fn close_tag(
    tag: OpenTag,
    end: usize,
    result: &[u8],
    entities: &mut Vec<Value>,
) -> Result<(), String> {
    let (offset, length) = (tag.offset, end - tag.offset);
    let simple = |kind: &str| json!({"type": kind, "offset": offset, "length": length});
    let same_span =
        |e: &Value| self::offset(e) == offset as u64 && self::length(e) == length as u64;
    match tag.name.as_str() {
        "i" | "em" => entities.push(simple("italic")),
        "b" | "strong" => entities.push(simple("bold")),
        "s" | "strike" | "del" => entities.push(simple("strikethrough")),
        "u" | "ins" => entities.push(simple("underline")),
        "tg-spoiler" | "span" => entities.push(simple("spoiler")),
        "blockquote" if tag.argument.is_empty() => entities.push(simple("blockquote")),
        "blockquote" => entities.push(simple("expandable_blockquote")),
        "tg-emoji" => {
            let id: u64 = tag
                .argument
                .parse()
                .ok()
                .filter(|id| *id != 0)
                .ok_or("Invalid custom emoji identifier specified")?;
            entities.push(json!({"type": "custom_emoji", "offset": offset, "length": length,
                                 "custom_emoji_id": id.to_string()}));
        }
        "a" => {
            let url = if tag.argument.is_empty() {
                String::from_utf8_lossy(&result[tag.begin..]).into_owned()
            } else {
                tag.argument
            };
            // Telegram drops links it cannot use rather than failing; so does the fake, and
            // it keeps only links every URL parser agrees on.
            let usable = (url.starts_with("http://") || url.starts_with("https://"))
                && url.is_ascii()
                && !url.contains(|c: char| c.is_ascii_whitespace() || "<>\"{}|\\^`".contains(c));
            if usable {
                entities.push(json!({"type": "text_link", "offset": offset, "length": length, "url": url}));
            }
        }
        "pre" => match entities.last_mut() {
            Some(last) if last["type"] == "code" && same_span(last) && last.get("language").is_some() => {
                last["type"] = json!("pre");
            }
            _ => entities.push(simple("pre")),
        },
        "code" => match entities.last_mut() {
            Some(last)
                if last["type"] == "pre"
                    && same_span(last)
                    && last.get("language").is_none()
                    && !tag.argument.is_empty() =>
            {
                last["language"] = json!(tag.argument);
            }
            _ if !tag.argument.is_empty() => entities.push(
                json!({"type": "code", "offset": offset, "length": length, "language": tag.argument}),
            ),
            _ => entities.push(simple("code")),
        },
        other => unreachable!("unsupported tag {other} was accepted"),
    }
    Ok(())
}

/// Removes the `language` of a `code` entity: only a `<pre><code class="language-…">` pair
/// keeps it, as a `pre` entity.
fn drop_code_languages(entities: &mut [Value]) {
    for e in entities.iter_mut() {
        if e["type"] == "code"
            && let Some(map) = e.as_object_mut()
        {
            map.remove("language");
        }
    }
}
