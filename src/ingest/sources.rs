//! Where the list of feeds comes from: the operator's feeds file (`config/feeds.toml`,
//! `[[feed]]` tables with `name`, `url`, optional `interval` and `outlet`) and OPML files
//! (`jianbao feeds import`). Errors name the file and the entry.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::store::{FeedOrigin, NewFeed};

/// Poll interval when a feed names none.
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_secs(600);

/// A bad feeds or OPML file.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Bad {
        path: std::path::PathBuf,
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    #[serde(default)]
    feed: Vec<FeedEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedEntry {
    name: String,
    url: String,
    interval: Option<Interval>,
    outlet: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Interval {
    Seconds(i64),
    Text(String),
}

/// Parses an interval: whole seconds, or a number with `s`, `m`, `h` or `d` (`"10m"`).
/// At least one second.
pub(crate) fn parse_interval(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    let n: u64 = num.parse().map_err(|_| {
        format!("interval {text:?}: expected seconds or a number with s, m, h or d")
    })?;
    let secs = match unit {
        "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => {
            return Err(format!(
                "interval {text:?}: unknown unit {unit:?} (s, m, h or d)"
            ));
        }
    };
    if secs == 0 {
        return Err(format!("interval {text:?}: must be at least 1 second"));
    }
    Ok(Duration::from_secs(secs))
}

/// Checks a feed address: an absolute http(s) URL.
pub(crate) fn check_feed_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "{url:?}: only http and https addresses can be feeds"
        ));
    }
    Ok(parsed.to_string())
}

/// The feeds listed in the feeds file; a missing file means no feeds.
pub(crate) fn read_feeds_file(path: &Path) -> Result<Vec<NewFeed>, SourceError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(SourceError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let bad = |message: String| SourceError::Bad {
        path: path.to_path_buf(),
        message,
    };
    let file: FeedsFile = toml::from_str(&text).map_err(|e| bad(e.message().to_string()))?;
    let mut out: Vec<NewFeed> = Vec::new();
    for (i, entry) in file.feed.into_iter().enumerate() {
        let which = format!("feed {} ({:?})", i + 1, entry.name);
        let url = check_feed_url(&entry.url).map_err(|m| bad(format!("{which}: {m}")))?;
        let interval = match entry.interval {
            None => DEFAULT_INTERVAL,
            Some(Interval::Seconds(n)) if n >= 1 => Duration::from_secs(n as u64),
            Some(Interval::Seconds(n)) => {
                return Err(bad(format!(
                    "{which}: interval {n} must be at least 1 second"
                )));
            }
            Some(Interval::Text(t)) => {
                parse_interval(&t).map_err(|m| bad(format!("{which}: {m}")))?
            }
        };
        if out.iter().any(|f| f.url == url) {
            tracing::warn!(
                "{}: {which}: {url} is listed twice; once is enough",
                path.display()
            );
            continue;
        }
        let name = entry.name.trim().to_string();
        out.push(NewFeed {
            name: if name.is_empty() { url.clone() } else { name },
            url,
            outlet: entry.outlet.filter(|o| !o.trim().is_empty()),
            interval_secs: interval.as_secs(),
            origin: FeedOrigin::File,
        });
    }
    Ok(out)
}

/// The feeds of an OPML file: every `outline` with an `xmlUrl`, named by its `title` or
/// `text`. Outlines with a bad address are skipped with a warning.
pub(crate) fn read_opml(path: &Path) -> Result<Vec<NewFeed>, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, _) = crate::corpus::decode_declared(&bytes, None).map_err(|e| SourceError::Bad {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse_opml(&text).map_err(|message| SourceError::Bad {
        path: path.to_path_buf(),
        message,
    })
}

fn parse_opml(text: &str) -> Result<Vec<NewFeed>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out: Vec<NewFeed> = Vec::new();
    let mut saw_opml = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if !name.as_ref().eq_ignore_ascii_case("outline") {
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut label = None;
                for attr in e.attributes().flatten() {
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match attr.key.local_name().as_ref() {
                        "xmlUrl" | "xmlurl" => url = Some(value),
                        "title" => title = Some(value),
                        "text" => label = Some(value),
                        _ => {}
                    }
                }
                let Some(raw) = url else { continue };
                match check_feed_url(&raw) {
                    Ok(url) if !out.iter().any(|f| f.url == url) => out.push(NewFeed {
                        name: title
                            .or(label)
                            .map(|t| t.trim().to_string())
                            .filter(|t| !t.is_empty())
                            .unwrap_or_else(|| url.clone()),
                        url,
                        outlet: None,
                        interval_secs: DEFAULT_INTERVAL.as_secs(),
                        origin: FeedOrigin::Opml,
                    }),
                    Ok(_) => {}
                    Err(m) => tracing::warn!("OPML outline skipped: {m}"),
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not valid OPML at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        }
    }
    if !saw_opml {
        return Err("not an OPML file (no <opml> element)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_interval("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_interval("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_interval("1s").unwrap(), Duration::from_secs(1));
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("soon").is_err());
        assert!(parse_interval("5y").is_err());
    }

    #[test]
    fn feeds_file_entries_and_errors_name_the_feed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        assert!(
            read_feeds_file(&path).unwrap().is_empty(),
            "missing file: no feeds"
        );
        std::fs::write(
            &path,
            "[[feed]]\nname = \"新华网\"\nurl = \"https://news.example.com/rss\"\ninterval = \"1h\"\noutlet = \"新华社\"\n\
             [[feed]]\nname = \"b\"\nurl = \"http://b.example.com/atom\"\ninterval = 5\n",
        )
        .unwrap();
        let feeds = read_feeds_file(&path).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].interval_secs, 3600);
        assert_eq!(feeds[0].outlet.as_deref(), Some("新华社"));
        assert_eq!(feeds[1].interval_secs, 5);
        std::fs::write(&path, "[[feed]]\nname = \"bad\"\nurl = \"ftp://x/y\"\n").unwrap();
        let err = read_feeds_file(&path).unwrap_err().to_string();
        assert!(err.contains("bad") && err.contains("feeds.toml"), "{err}");
        std::fs::write(
            &path,
            "[[feed]]\nname = \"z\"\nurl = \"http://x/\"\ninterval = 0\n",
        )
        .unwrap();
        assert!(read_feeds_file(&path).is_err());
    }

    #[test]
    fn opml_outlines_become_feeds() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><body>
            <outline text="新闻"><outline type="rss" text="人民网" xmlUrl="http://www.people.com.cn/rss/politics.xml"/>
            <outline text="Atom &amp; co" xmlUrl="https://e.example.com/atom.xml"/>
            <outline text="bad" xmlUrl="javascript:alert(1)"/></outline></body></opml>"#;
        let feeds = parse_opml(opml).unwrap();
        let names: Vec<&str> = feeds.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["人民网", "Atom & co"]);
        assert!(parse_opml("<html><body>no</body></html>").is_err());
    }
}
