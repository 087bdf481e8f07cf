//! HTTP for feeds and article pages: one reqwest client (the same reqwest teloxide uses)
//! with a user agent, a total timeout and a read timeout, gzip, a body size limit counted
//! after decompression (so a gzip bomb stops at the limit), a redirect limit and loop check,
//! conditional GET, and address safety: only http(s), and by default no loopback, private,
//! link-local or metadata addresses, checked after DNS resolution and on every redirect.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

/// Sent with every request, so sites can tell who polls them.
pub(crate) const USER_AGENT: &str = concat!(
    "jianbao/",
    env!("CARGO_PKG_VERSION"),
    " (news feed reader; +https://github.com/jianbao)"
);

/// Limits of one fetcher.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Whole request, connect to last byte.
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Allow loopback and private addresses (tests, intranet feeds).
    pub allow_private: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
        }
    }
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Body {
    pub(crate) bytes: Vec<u8>,
    /// The `Content-Type` header.
    pub(crate) content_type: Option<String>,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    /// Where the body came from, after redirects.
    pub(crate) url: String,
}

/// What a conditional GET gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators sent.
    NotModified,
    Body(Body),
}

/// Why a fetch failed: a reason for people, and how long the server asked us to wait.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason}")]
pub struct FetchError {
    pub(crate) reason: String,
    pub(crate) retry_after: Option<Duration>,
}

impl FetchError {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// Whether a resolved address may be fetched when private addresses are not allowed:
/// public unicast only (no loopback, private, shared, link-local such as the cloud
/// metadata address 169.254.169.254, unique-local, multicast or unspecified).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// Checks a URL before any request: http or https, a host, and (unless allowed) not a
/// literal private address. Host names are checked after resolution, by the resolver.
pub(crate) fn check_url(url: &reqwest::Url, allow_private: bool) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::new(format!(
            "only http and https addresses are fetched, not {}:",
            url.scheme()
        )));
    }
    let Some(host) = url.host() else {
        return Err(FetchError::new("the address has no host"));
    };
    let literal = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    };
    if let Some(ip) = literal
        && !allow_private
        && !is_public(ip)
    {
        return Err(FetchError::new(format!(
            "{ip} is a private or local address (allow_private_addresses is off)"
        )));
    }
    Ok(())
}

/// Resolves with the system resolver and keeps only public addresses.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() {
                let shown = addrs
                    .first()
                    .map_or("nothing".to_string(), |a| a.ip().to_string());
                return Err(format!(
                    "{host} resolves to {shown}, a private or local address (allow_private_addresses is off)"
                )
                .into());
            }
            let iter: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(iter)
        })
    }
}

/// The HTTP client of the ingest layer.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    options: FetchOptions,
}

impl Fetcher {
    pub(crate) fn new(options: FetchOptions) -> Result<Self, FetchError> {
        let allow_private = options.allow_private;
        let max_redirects = options.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let at = attempt.url().clone();
            if attempt.previous().contains(&at) {
                return attempt.error(format!("redirect loop at {at}"));
            }
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            match check_url(&at, allow_private) {
                Ok(()) => attempt.follow(),
                Err(e) => attempt.error(format!("redirected to {at}: {e}")),
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .read_timeout(options.timeout)
            .redirect(policy)
            .gzip(true)
            // Proxies from the environment would bypass the address checks.
            .no_proxy();
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::new(format!("cannot set up HTTP: {e}")))?;
        Ok(Self { client, options })
    }

    pub(crate) fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// GETs `url`, sending the validators when given (a 304 is [`Fetched::NotModified`]).
    /// Any status but 2xx and 304 is an error, with the server's `Retry-After` if any.
    pub(crate) async fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| FetchError::new(format!("bad address {url:?}: {e}")))?;
        check_url(&parsed, self.options.allow_private)?;
        let mut req = self.client.get(parsed);
        if let Some(e) = etag {
            req = req.header(header::IF_NONE_MATCH, e);
        }
        if let Some(m) = last_modified {
            req = req.header(header::IF_MODIFIED_SINCE, m);
        }
        let mut resp = req
            .send()
            .await
            .map_err(|e| FetchError::new(describe(&e)))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError {
                reason: format!("HTTP {status}"),
                retry_after: retry_after(resp.headers()),
            });
        }
        let headers = resp.headers().clone();
        let final_url = resp.url().to_string();
        let max = self.options.max_bytes;
        if let Some(len) = resp.content_length()
            && len as usize > max
            && !headers.contains_key(header::CONTENT_ENCODING)
        {
            return Err(FetchError::new(format!(
                "response is {} MB, over the {} MB limit",
                len / (1024 * 1024),
                max / (1024 * 1024)
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| FetchError::new(describe(&e)))?
        {
            if bytes.len() + chunk.len() > max {
                return Err(FetchError::new(format!(
                    "response is over the {} MB limit (after decompression)",
                    max / (1024 * 1024)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Fetched::Body(Body {
            bytes,
            content_type: text(header::CONTENT_TYPE),
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
            url: final_url,
        }))
    }
}

/// A reqwest error as a short reason, with its causes (reqwest's own message is often only
/// "error sending request").
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_redirect() {
        "redirect refused"
    } else if err.is_connect() {
        "cannot connect"
    } else if err.is_body() || err.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(err);
    let mut depth = 0;
    while let Some(s) = source
        && depth < 4
    {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
        depth += 1;
    }
    text
}

/// `Retry-After` in seconds or as an HTTP date, capped at a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let secs = match value.parse::<u64>() {
        Ok(s) => s,
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            (at.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64
        }
    };
    Some(Duration::from_secs(secs.min(86_400)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "202.108.22.5", "2400:3200::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_are_checked_before_fetching() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert!(check_url(&url("file:///etc/passwd"), true).is_err());
        assert!(check_url(&url("http://127.0.0.1:8080/rss"), false).is_err());
        assert!(check_url(&url("http://[::1]/rss"), false).is_err());
        assert!(check_url(&url("http://127.0.0.1:8080/rss"), true).is_ok());
        assert!(check_url(&url("https://news.example.com/rss"), false).is_ok());
    }

    #[test]
    fn retry_after_in_seconds_or_a_date() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        h.insert(
            header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
