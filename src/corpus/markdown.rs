//! Markdown articles that an operator writes or pastes by hand, with YAML (`---`) or TOML
//! (`+++`) front matter: `title`, `date`, `source`, `url`, `tags`, and optionally `id`,
//! `outlet`, `reporter`/`author`. Markup is stripped to plain paragraphs.

use chrono::NaiveDate;
use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use yaml_rust2::{Yaml, YamlLoader};

use super::dates::parse_date;
use super::page::set_date;
use super::{Article, DateOrigin, byline};

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
pub fn parse(text: &str, file_date: Option<NaiveDate>) -> Option<Article> {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH;
    let mut warnings = Vec::new();
    let mut front = FrontMatter::default();
    let mut meta_kind: Option<MetadataBlockKind> = None;
    let mut meta_text = String::new();
    let mut blocks: Vec<(bool, String)> = Vec::new(); // (is heading, text)
    let mut current = String::new();
    let mut in_heading = false;
    let mut image_depth = 0usize;

    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(kind)) => meta_kind = Some(kind),
            Event::End(TagEnd::MetadataBlock(_)) => {
                front = match meta_kind.take() {
                    Some(MetadataBlockKind::YamlStyle) => read_yaml(&meta_text, &mut warnings),
                    Some(MetadataBlockKind::PlusesStyle) => read_toml(&meta_text, &mut warnings),
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

    let mut title = front.title.clone().filter(|t| !t.trim().is_empty());
    if title.is_none() {
        // The first heading, else a short first line, is the title.
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
    // A heading that repeats the front matter title is not body text.
    if let (Some(t), Some((true, first))) = (&title, blocks.first())
        && first.trim() == t.trim()
    {
        blocks.remove(0);
    }
    let paragraphs: Vec<String> = blocks.into_iter().map(|(_, t)| t).collect();
    let title = match title {
        Some(t) => t,
        None if !paragraphs.is_empty() => {
            warnings.push("no title; using the start of the text".into());
            paragraphs[0].chars().take(30).collect()
        }
        None => return None,
    };

    let mut article = Article::new(front.id.unwrap_or_default(), title.trim(), paragraphs);
    article.source = front.source;
    article.url = front.url;
    article.tags = front.tags;
    article.outlet = front.outlet;
    article.reporter = front.reporter;
    article.warnings = warnings;
    // The byline opens the first paragraph, or the second after a repeated heading.
    let byline = article
        .paragraphs
        .iter()
        .take(2)
        .enumerate()
        .find_map(|(i, p)| byline::parse(p).map(|b| (i, b)));
    if let Some((i, b)) = &byline {
        article.outlet = article.outlet.take().or_else(|| b.outlet.clone());
        article.reporter = article.reporter.take().or_else(|| b.reporter.clone());
        if *i == 0 {
            article.byline_len = b.len;
        }
    }
    let byline = byline.map(|(_, b)| b);
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

fn flush(blocks: &mut Vec<(bool, String)>, current: &mut String, heading: bool) {
    let text = current.trim();
    if !text.is_empty() {
        blocks.push((heading, text.to_string()));
    }
    current.clear();
}

fn read_yaml(text: &str, warnings: &mut Vec<String>) -> FrontMatter {
    let docs = match YamlLoader::load_from_str(text) {
        Ok(docs) => docs,
        Err(err) => {
            warnings.push(format!("front matter is not valid YAML ({err}); ignored"));
            return FrontMatter::default();
        }
    };
    let Some(Yaml::Hash(map)) = docs.into_iter().next() else {
        warnings.push("front matter is not a list of `key: value` lines; ignored".into());
        return FrontMatter::default();
    };
    let mut front = FrontMatter::default();
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        if key == "tags" || key == "keywords" {
            front.tags = match value {
                Yaml::Array(items) => items.iter().filter_map(yaml_scalar).collect(),
                other => yaml_scalar(&other)
                    .map(|s| split_tags(&s))
                    .unwrap_or_default(),
            };
        } else {
            set_field(&mut front, key, yaml_scalar(&value));
        }
    }
    front
}

fn read_toml(text: &str, warnings: &mut Vec<String>) -> FrontMatter {
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(err) => {
            warnings.push(format!(
                "front matter is not valid TOML ({}); ignored",
                err.message()
            ));
            return FrontMatter::default();
        }
    };
    let mut front = FrontMatter::default();
    for (key, value) in table {
        if key == "tags" || key == "keywords" {
            front.tags = match value {
                toml::Value::Array(items) => items.iter().filter_map(toml_scalar).collect(),
                other => toml_scalar(&other)
                    .map(|s| split_tags(&s))
                    .unwrap_or_default(),
            };
        } else {
            set_field(&mut front, &key, toml_scalar(&value));
        }
    }
    front
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

fn yaml_scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
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
