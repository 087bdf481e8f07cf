//! A local HTTP server for feed tests, on 127.0.0.1 in a thread of its own (so sync tests,
//! async tests and child processes can all use it). Each path answers as the test set it:
//! status, headers, body, an optional delay, an ETag honoured with 304. The test can change
//! a path's answer while the server runs ("an item published after start").

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri};

/// How one path answers.
#[derive(Debug, Clone)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Arc<Vec<u8>>,
    pub delay: Duration,
    pub etag: Option<String>,
}

impl Route {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: Arc::new(body.into()),
            delay: Duration::ZERO,
            etag: None,
        }
    }

    pub fn rss(body: &str) -> Self {
        Self::ok("application/rss+xml; charset=utf-8", body)
    }

    pub fn html(body: &str) -> Self {
        Self::ok("text/html; charset=utf-8", body)
    }

    pub fn status(status: u16) -> Self {
        Self {
            status,
            ..Self::ok("text/plain", format!("status {status}"))
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    pub fn etag(mut self, e: &str) -> Self {
        self.etag = Some(e.into());
        self
    }
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;

/// The running server; it stops with the test process.
pub struct FeedServer {
    pub addr: SocketAddr,
    routes: Routes,
    hits: Arc<Mutex<Vec<String>>>,
}

impl FeedServer {
    pub fn start() -> Self {
        let routes: Routes = Arc::default();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let (r, h) = (Arc::clone(&routes), Arc::clone(&hits));
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
                    let (r, h) = (Arc::clone(&r), Arc::clone(&h));
                    async move { answer(&r, &h, uri, headers).await }
                });
                let _ = axum::serve(listener, app).await;
            });
        });
        Self { addr, routes, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

async fn answer(
    routes: &Routes,
    hits: &Mutex<Vec<String>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response<Body> {
    let path = uri.path().to_string();
    hits.lock().unwrap().push(path.clone());
    let route = routes.lock().unwrap().get(&path).cloned();
    let Some(route) = route else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("not found"))
            .unwrap();
    };
    if !route.delay.is_zero() {
        tokio::time::sleep(route.delay).await;
    }
    if let Some(etag) = &route.etag
        && headers
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == etag)
    {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap();
    }
    let mut resp = Response::builder().status(route.status);
    for (k, v) in &route.headers {
        resp = resp.header(k.as_str(), HeaderValue::from_str(v).unwrap());
    }
    if let Some(etag) = &route.etag {
        resp = resp.header("etag", etag.as_str());
    }
    resp.body(Body::from(route.body.as_ref().clone())).unwrap()
}

/// A server that accepts connections and closes them before answering.
pub fn resetting_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for mut s in listener.incoming().take(1000).flatten() {
            use std::io::Read;
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf);
            drop(s);
        }
    });
    addr
}

/// One RSS item: guid (empty for none), title, link, date, content (HTML; empty for none).
pub type RssItem<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);

/// An RSS document with these items.
pub fn rss(title: &str, items: &[RssItem<'_>]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>{title}</title>\
         <link>http://example.com/</link><description>d</description>\n"
    );
    for (guid, title, link, date, content) in items {
        s.push_str("<item>");
        if !guid.is_empty() {
            s.push_str(&format!("<guid>{guid}</guid>"));
        }
        s.push_str(&format!("<title>{title}</title>"));
        if let Some(l) = link {
            s.push_str(&format!("<link>{l}</link>"));
        }
        if let Some(d) = date {
            s.push_str(&format!("<pubDate>{d}</pubDate>"));
        }
        if !content.is_empty() {
            s.push_str(&format!(
                "<content:encoded><![CDATA[{content}]]></content:encoded>"
            ));
        }
        s.push_str("</item>\n");
    }
    s.push_str("</channel></rss>\n");
    s
}

/// An article page with these paragraphs.
pub fn page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\
         <nav><a href=\"/\">首页</a><a href=\"/n\">新闻</a></nav><article><h1>{title}</h1>{body}</article>\
         <footer>版权所有</footer></body></html>"
    )
}

/// A paragraph of at least `chars` characters of news-like text, made unique by `tag`.
pub fn long_text(tag: &str, chars: usize) -> String {
    let sentence =
        format!("{tag}项目建设稳步推进，有关部门表示将持续加强生态保护和高质量发展工作。");
    let mut s = String::new();
    while s.chars().count() < chars {
        s.push_str(&sentence);
    }
    s
}

/// An article page as news sites serve it: navigation and a breadcrumb, the headline with a
/// date/source line, the body, then share links, related stories, a comment prompt and a
/// footer, with scripts between. `date_line` is the visible line under the headline
/// (e.g. `2026-12-01 10:20:30 来源：山西日报`); `title` goes into `<title>` with a site suffix.
pub fn news_page(title: &str, date_line: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_示例新闻网</title>
<meta name="keywords" content="新闻,山西"><script>var _hmt = _hmt || []; window.ads = ["推荐"];</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻</a></li><li><a href="/finance">财经</a></li>
<li><a href="/sports">体育</a></li><li><a href="/ent">娱乐</a></li><li><a href="/tech">科技</a></li><li><a href="/login">登录</a></li></ul></div>
<div class="crumb"><a href="/">示例新闻网</a> &gt; <a href="/news">新闻中心</a> &gt; 正文</div>
<div class="main"><div class="article-wrap">
<h1 class="title">{title}</h1>
<div class="info">{date_line}</div>
<div class="article-content">
{body}</div>
<div class="editor">（责任编辑：王小明）</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
</div>
<div class="related"><h3>相关阅读</h3><ul>
<li><a href="/n/1">省政府召开常务会议部署今冬明春重点工作任务安排</a></li>
<li><a href="/n/2">全省秋粮收购进度过半 各地粮库有序运转</a></li>
<li><a href="/n/3">多地出台措施支持中小企业稳定就业岗位</a></li>
<li><a href="/n/4">冬季供暖工作全面启动 确保群众温暖过冬</a></li>
<li><a href="/n/5">文旅市场持续回暖 景区接待游客人次创新高</a></li>
</ul></div>
<div class="comment">网友评论 <a href="#">我要评论</a> 已有0人参与</div>
</div>
<script>document.write('<div>广告位招租</div>');</script>
<div class="footer"><p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> | <a href="/jobs">招聘信息</a></p>
<p>Copyright © 2026 示例新闻网 版权所有 未经授权禁止转载</p><p>晋ICP备00000000号</p></div>
</body></html>"##
    )
}
