//! Markdown articles that an operator writes or pastes by hand, with YAML (`---`) or TOML
//! (`+++`) front matter: `title`, `date`, `source`, `url`, `tags`, and optionally `id`,
//! `outlet`, `reporter`/`author`. Markup is stripped to plain paragraphs.

use chrono::NaiveDate;
use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

use super::dates::parse_date;
use super::genre::take_byline;
use super::page::set_date;
use super::{Article, DateOrigin, TITLE_FROM_TEXT_CHARS};

/// Front matter fields, as strings.
#[derive(Default)]
struct FrontMatter {
    id: Option<String>,
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    outlet: Option<String>,
    reporter: Option<String>,
    url: Option<String>,
    tags: Vec<String>,
}

/// Parses a Markdown article. `None` if it holds no text at all.
pub(crate) fn parse(text: &str, file_date: Option<NaiveDate>) -> Option<Article> {
    let Read {
        front,
        mut blocks,
        mut warnings,
    } = read(text);
    let title = take_title(front.title.as_deref(), &mut blocks, &mut warnings)?;
    let paragraphs: Vec<String> = blocks.into_iter().map(|(_, t)| t).collect();
    let mut article = Article::new(front.id.unwrap_or_default(), title.trim(), paragraphs);
    article.source = front.source;
    article.url = front.url;
    article.tags = front.tags;
    article.outlet = front.outlet;
    article.reporter = front.reporter;
    article.warnings = warnings;
    // The byline opens the first paragraph, or the second after a heading.
    let byline = take_byline(&mut article);
    match front.date.as_deref().map(|d| (d, parse_date(d))) {
        Some((_, Some(date))) => {
            article.date = Some(date);
            article.date_origin = DateOrigin::Stated;
        }
        other => {
            if let Some((raw, None)) = other {
                article
                    .warnings
                    .push(format!("front matter date {raw:?} is not a date"));
            }
            set_date(
                &mut article,
                byline.and_then(|b| b.date),
                &[],
                &[],
                file_date,
            );
        }
    }
    if article.paragraphs.is_empty() {
        article.warnings.push("no body text".into());
    }
    Some(article)
}

/// A Markdown file as its front matter and its blocks of plain text.
struct Read {
    front: FrontMatter,
    /// `(is a heading, text)`, in order.
    blocks: Vec<(bool, String)>,
    warnings: Vec<String>,
}

/// Strips the markup: headings, paragraphs, list items, quotes, table cells and code
/// blocks each become a block; images are dropped; front matter is read into fields.
fn read(text: &str) -> Read {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH;
    let mut warnings = Vec::new();
    let mut front = FrontMatter::default();
    let mut meta_kind: Option<MetadataBlockKind> = None;
    let mut meta_text = String::new();
    let mut blocks: Vec<(bool, String)> = Vec::new();
    let mut current = String::new();
    let mut in_heading = false;
    let mut image_depth = 0usize;
    let mut saw_front_matter = false;

    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(kind)) => {
                meta_kind = Some(kind);
                saw_front_matter = true;
            }
            Event::End(TagEnd::MetadataBlock(_)) => {
                front = match meta_kind.take() {
                    Some(MetadataBlockKind::YamlStyle) => {
                        front_matter(yaml_fields(&meta_text), &mut warnings)
                    }
                    Some(MetadataBlockKind::PlusesStyle) => {
                        front_matter(toml_fields(&meta_text), &mut warnings)
                    }
                    None => FrontMatter::default(),
                };
            }
            Event::Text(t) if meta_kind.is_some() => meta_text.push_str(&t),
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut blocks, &mut current, false);
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut blocks, &mut current, true);
                in_heading = false;
            }
            Event::Text(t) | Event::Code(t) if image_depth == 0 => current.push_str(&t),
            // Chinese wraps without spaces; Latin words need one.
            Event::SoftBreak
                if current
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric()) =>
            {
                current.push(' ');
            }
            Event::HardBreak => flush(&mut blocks, &mut current, in_heading),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => flush(&mut blocks, &mut current, in_heading),
            _ => {}
        }
    }
    flush(&mut blocks, &mut current, false);
    if !saw_front_matter && let Some(fence) = unclosed_front_matter(text) {
        warnings.push(format!(
            "front matter opened by `{fence}` on the first line is never closed by another `{fence}` line; read as text"
        ));
    }
    Read {
        front,
        blocks,
        warnings,
    }
}

/// The title: the front matter's, else a leading heading, else a short first line (taken
/// out of the blocks), else the start of the text (with a warning). A first heading that
/// repeats the front matter's title is dropped. `None` when there is no text at all.
fn take_title(
    front_title: Option<&str>,
    blocks: &mut Vec<(bool, String)>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let mut title = front_title
        .filter(|t| !t.trim().is_empty())
        .map(str::to_string);
    if title.is_none() {
        let pos = blocks
            .iter()
            .position(|(heading, _)| *heading)
            .filter(|&i| i == 0)
            .or_else(|| {
                blocks
                    .first()
                    .filter(|(_, t)| t.chars().count() <= 60)
                    .map(|_| 0)
            });
        title = pos.map(|i| blocks.remove(i).1);
    }
    if let (Some(t), Some((true, first))) = (&title, blocks.first())
        && first.trim() == t.trim()
    {
        blocks.remove(0);
    }
    match title {
        Some(t) => Some(t),
        None => {
            let (_, first) = blocks.first()?;
            warnings.push("no title; using the start of the text".into());
            Some(first.chars().take(TITLE_FROM_TEXT_CHARS).collect())
        }
    }
}

/// The fence (`---` or `+++`) of a front matter that opens the file and is not closed:
/// pulldown-cmark then reads its `key: value` lines as text, and the warning says why.
fn unclosed_front_matter(text: &str) -> Option<&'static str> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let fence = match lines.next()?.trim_end() {
        "---" => "---",
        "+++" => "+++",
        _ => return None,
    };
    let looks_like_field = lines.next().is_some_and(|l| {
        l.split_once([':', '='])
            .is_some_and(|(k, _)| !k.trim().is_empty() && !k.trim().contains(' '))
    });
    let closed = text
        .lines()
        .skip(1)
        .any(|l| l.trim_end() == fence || (fence == "---" && l.trim_end() == "..."));
    (looks_like_field && !closed).then_some(fence)
}

fn flush(blocks: &mut Vec<(bool, String)>, current: &mut String, heading: bool) {
    let text = current.trim();
    if !text.is_empty() {
        blocks.push((heading, text.to_string()));
    }
    current.clear();
}

/// Deepest nesting accepted in front matter. The fields read are at most two levels deep
/// (a list of tags under a key); anything deeper is not front matter an operator writes.
const MAX_FRONT_MATTER_DEPTH: usize = 16;

/// A front matter value, as far as the fields need it.
enum FieldValue {
    Scalar(String),
    List(Vec<String>),
    /// A table or a list of tables: no field takes one.
    Other,
}

/// The fields of a front matter, whichever syntax it was written in: one reader for both.
fn front_matter(
    fields: Result<Vec<(String, FieldValue)>, String>,
    warnings: &mut Vec<String>,
) -> FrontMatter {
    let fields = match fields {
        Ok(f) => f,
        Err(reason) => {
            warnings.push(format!("front matter {reason}; ignored"));
            return FrontMatter::default();
        }
    };
    let mut front = FrontMatter::default();
    for (key, value) in fields {
        if key == "tags" || key == "keywords" {
            front.tags = match value {
                FieldValue::List(items) => items,
                FieldValue::Scalar(s) => split_tags(&s),
                FieldValue::Other => Vec::new(),
            };
        } else if let FieldValue::Scalar(s) = value {
            set_field(&mut front, &key, Some(s));
        }
    }
    front
}

/// Reads YAML front matter from the parser's events, never building a document: an alias
/// (`*name`) is refused rather than expanded, since nested aliases ("billion laughs")
/// expand exponentially, and nesting is capped, so a file costs memory in proportion to
/// its size.
fn yaml_fields(text: &str) -> Result<Vec<(String, FieldValue)>, String> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut next = move || {
        parser
            .next_token()
            .map(|(event, _)| event)
            .map_err(|e| format!("is not valid YAML ({e})"))
    };
    const ALIAS: &str = "uses a YAML alias (`*name`), which front matter never needs";
    // Skips the rest of a node whose start was just read, at nesting `depth`.
    let skip = |next: &mut dyn FnMut() -> Result<Event, String>, mut depth: usize| {
        let mut open = 1usize;
        while open > 0 {
            match next()? {
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    open += 1;
                    depth += 1;
                    if depth > MAX_FRONT_MATTER_DEPTH {
                        return Err(format!("nests deeper than {MAX_FRONT_MATTER_DEPTH} levels"));
                    }
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    open -= 1;
                    depth -= 1;
                }
                Event::Alias(_) => return Err(ALIAS.to_string()),
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok::<(), String>(())
    };
    loop {
        match next()? {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => {}
            Event::MappingStart(..) => break,
            Event::StreamEnd | Event::DocumentEnd => return Ok(Vec::new()),
            Event::Alias(_) => return Err(ALIAS.to_string()),
            _ => return Err("is not a list of `key: value` lines".to_string()),
        }
    }
    let mut fields = Vec::new();
    loop {
        let key = match next()? {
            Event::MappingEnd | Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(s, ..) => Some(s),
            Event::Alias(_) => return Err(ALIAS.to_string()),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                skip(&mut next, 2)?;
                None
            }
            _ => None,
        };
        let value = match next()? {
            Event::Scalar(s, style, ..) => {
                let null = style == yaml_rust2::scanner::TScalarStyle::Plain
                    && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL");
                if null {
                    FieldValue::Other
                } else {
                    FieldValue::Scalar(s)
                }
            }
            Event::Alias(_) => return Err(ALIAS.to_string()),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match next()? {
                        Event::SequenceEnd | Event::StreamEnd => break,
                        Event::Scalar(s, ..) => items.push(s),
                        Event::Alias(_) => return Err(ALIAS.to_string()),
                        Event::MappingStart(..) | Event::SequenceStart(..) => skip(&mut next, 3)?,
                        _ => {}
                    }
                }
                FieldValue::List(items)
            }
            Event::MappingStart(..) => {
                skip(&mut next, 2)?;
                FieldValue::Other
            }
            _ => FieldValue::Other,
        };
        if let Some(key) = key {
            fields.push((key, value));
        }
    }
    Ok(fields)
}

/// Reads TOML front matter (toml's parser caps nesting itself, and TOML has no aliases).
fn toml_fields(text: &str) -> Result<Vec<(String, FieldValue)>, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| format!("is not valid TOML ({})", err.message()))?;
    Ok(table
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                toml::Value::Array(items) => {
                    FieldValue::List(items.iter().filter_map(toml_scalar).collect())
                }
                other => toml_scalar(&other).map_or(FieldValue::Other, FieldValue::Scalar),
            };
            (key, value)
        })
        .collect())
}

fn set_field(front: &mut FrontMatter, key: &str, value: Option<String>) {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match key {
        "id" => front.id = value,
        "title" => front.title = value,
        "date" | "published" => front.date = value,
        "source" => front.source = value,
        "outlet" | "media" => front.outlet = value,
        "reporter" | "author" => front.reporter = value,
        "url" | "link" => front.url = value,
        _ => {}
    }
}

fn toml_scalar(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn split_tags(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_and_markup() {
        let text = "---\ntitle: 市里召开防汛会议\ndate: 2024-07-01\nsource: 忻州日报\nurl: https://example.com/a\ntags: [防汛, 水利]\n---\n\n# 标题不算\n\n本报讯(记者 张三)7月1日,市里召开**防汛**会议,部署[汛期](https://example.com)工作。\n\n![图](x.png)\n\n- 一要加强值守。\n- 二要排查隐患。\n";
        let a = parse(text, None).expect("parsed");
        assert_eq!(a.title, "市里召开防汛会议");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2024, 7, 1));
        assert_eq!(a.date_origin, DateOrigin::Stated);
        assert_eq!(a.source.as_deref(), Some("忻州日报"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(a.tags, vec!["防汛", "水利"]);
        assert_eq!(a.reporter.as_deref(), Some("张三"));
        assert_eq!(
            a.paragraphs,
            vec![
                "标题不算",
                "本报讯(记者 张三)7月1日,市里召开防汛会议,部署汛期工作。",
                "一要加强值守。",
                "二要排查隐患。"
            ]
        );
    }

    #[test]
    fn toml_front_matter() {
        let text =
            "+++\ntitle = \"标题\"\ndate = 2024-07-01\ntags = \"甲, 乙\"\n+++\n正文第一段。\n";
        let a = parse(text, None).expect("parsed");
        assert_eq!(a.title, "标题");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2024, 7, 1));
        assert_eq!(a.tags, vec!["甲", "乙"]);
        assert_eq!(a.paragraphs, vec!["正文第一段。"]);
    }

    #[test]
    fn aliases_and_deep_nesting_are_refused() {
        let laughs = "---\ntitle: 笑\na: &a [lol, lol]\nb: &b [*a, *a]\n---\n# 笑\n\n正文。\n";
        let a = parse(laughs, None).expect("parsed");
        assert!(
            a.warnings.iter().any(|w| w.contains("alias")),
            "{:?}",
            a.warnings
        );
        let deep = format!(
            "---\ntitle: 深\nx: {}{}\n---\n# 深\n\n正文。\n",
            "[".repeat(20),
            "]".repeat(20)
        );
        let a = parse(&deep, None).expect("parsed");
        assert!(
            a.warnings.iter().any(|w| w.contains("deeper than 16")),
            "{:?}",
            a.warnings
        );
        let fine = "---\ntitle: 好\ntags: [a, b]\nextra: {k: [1, 2]}\n---\n正文。\n";
        let a = parse(fine, None).expect("parsed");
        assert_eq!(
            (a.title.as_str(), a.tags.clone()),
            ("好", vec!["a".to_string(), "b".to_string()])
        );
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn unclosed_front_matter_warns() {
        let a = parse("---\ntitle: 标题\ndate: 2024-07-01\n\n正文。\n", None).expect("parsed");
        assert!(
            a.warnings.iter().any(|w| w.contains("never closed")),
            "{:?}",
            a.warnings
        );
        let b = parse("---\n\n正文。\n\n更多。\n", None).expect("parsed");
        assert!(
            !b.warnings.iter().any(|w| w.contains("never closed")),
            "{:?}",
            b.warnings
        );
    }

    #[test]
    fn heading_is_title_without_front_matter() {
        let a = parse("# 标题\n\n正文。\n", None).expect("parsed");
        assert_eq!(a.title, "标题");
        assert_eq!(a.paragraphs, vec!["正文。"]);
    }

    #[test]
    fn bad_front_matter_is_a_warning() {
        let a = parse("---\ntitle: [unclosed\n---\n# 标题\n\n正文。\n", None).expect("parsed");
        assert_eq!(a.title, "标题");
        assert!(
            a.warnings.iter().any(|w| w.contains("YAML")),
            "{:?}",
            a.warnings
        );
        let b = parse("---\ndate: 明天\n---\n# 标题\n\n正文。\n", None).expect("parsed");
        assert!(
            b.warnings.iter().any(|w| w.contains("not a date")),
            "{:?}",
            b.warnings
        );
    }
}
