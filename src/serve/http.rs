//! The HTTP side of `serve`: tiny_http workers that answer from the in-memory
//! site only (so nothing outside the site can ever be served: there is no
//! disk path to escape to), and the Server-Sent Events stream on the same port.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::edit::{self, Editing};
use super::live::{EVENTS_PATH, Live, inject};
use crate::render::Site;

/// How long a write to a client may make no progress at all.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Binds `addr:port`, or the next free port up to 50 above it when it is taken.
/// Port 0 asks the system for any free port. Accepted connections inherit
/// TCP_NODELAY from the listener (on Linux), so a kept-alive connection does
/// not wait ~40 ms for a delayed ACK before each small response.
pub(crate) fn bind(addr: IpAddr, port: u16) -> std::io::Result<tiny_http::Server> {
    let mut last_err = None;
    let tries: Vec<u16> = if port == 0 { vec![0] } else { (port..=port.saturating_add(50)).collect() };
    for p in tries {
        match listener(SocketAddr::new(addr, p)) {
            Ok(l) => return tiny_http::Server::from_listener(l, None).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("no free port")))
}

fn listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    // Also inherited: a write that makes no progress for this long fails, so a
    // client that stops reading (a page or an event stream) cannot hold a thread forever.
    socket.set_write_timeout(Some(WRITE_TIMEOUT))?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// Starts answering requests (see [`super::conns`]) until the server is unblocked.
pub(crate) fn spawn_workers(
    server: Arc<tiny_http::Server>,
    live: Arc<Live>,
    editing: Arc<Editing>,
) -> std::thread::JoinHandle<()> {
    let addr = server.server_addr().to_ip().expect("a TCP listener");
    let rebind = Arc::new(move || bind(addr.ip(), addr.port()));
    super::conns::spawn(server, rebind, move |request| handle(request, &live, &editing))
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A file of the site, by key.
    Found(String),
    /// A folder asked for without its slash: redirect here.
    Redirect(String),
    /// Nothing.
    NotFound,
}

/// Maps a request URL to a key of the site. Percent-escapes are decoded once;
/// `..`, `.`, backslashes, NUL and non-UTF-8 paths never match anything.
pub(crate) fn lookup(site: &Site, url: &str) -> Lookup {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else { return Lookup::NotFound };
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
        return Lookup::NotFound;
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|seg| seg == ".." || seg == ".") || rel.contains("//") {
        return Lookup::NotFound;
    }
    let key = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() };
    if site.pages.contains_key(key.as_str()) {
        return Lookup::Found(key);
    }
    if !rel.is_empty() && !rel.ends_with('/') && site.pages.contains_key(format!("{rel}/index.html").as_str()) {
        return Lookup::Redirect(format!("{path}/"));
    }
    Lookup::NotFound
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == mime_guess::mime::JAVASCRIPT || mime.subtype() == mime_guess::mime::JSON => {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// The site path of a search index file that `url` asks for: the main file or
/// any name in the shard folder (which then may or may not exist).
fn search_path(url: &str) -> Option<&str> {
    use crate::render::{SEARCH_INDEX, SEARCH_SHARDS};
    let path = url.split(['?', '#']).next()?.strip_prefix('/')?;
    (path == SEARCH_INDEX || path.starts_with(SEARCH_SHARDS)).then_some(path)
}

fn handle(request: Request, live: &Live, editing: &Editing) {
    if *request.method() == Method::Post && request.url().starts_with(edit::API) {
        edit::handle(request, editing, live);
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::empty(StatusCode(405)).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    if request.url().split('?').next() == Some(EVENTS_PATH) {
        if *request.method() == Method::Head {
            let _ = request
                .respond(Response::empty(StatusCode(200)).with_header(header("Content-Type", "text/event-stream")));
            return;
        }
        stream_events(request, live);
        return;
    }
    if editing.on && request.url().split('?').next() == Some(edit::page::SCRIPT_PATH) {
        let response = Response::from_data(edit::page::SCRIPT.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache"));
        let _ = request.respond(response);
        return;
    }
    if let Some(path) = search_path(request.url()) {
        let response = match live.search_index().and_then(|files| files.get(path).cloned()) {
            Some(bytes) => Response::from_data(bytes.to_vec())
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .with_header(header("Cache-Control", "no-cache")),
            None => Response::from_data(Vec::new()).with_status_code(StatusCode(404)),
        };
        let _ = request.respond(response);
        return;
    }
    let path = request.url().split(['?', '#']).next().and_then(|p| p.strip_prefix('/')).unwrap_or_default();
    if let Some(bytes) = live.on_request(path) {
        let response = Response::from_data(bytes.to_vec())
            .with_header(header("Content-Type", &content_type(path)))
            .with_header(header("Cache-Control", "no-cache"))
            .with_header(header("X-Content-Type-Options", "nosniff"));
        let _ = request.respond(response);
        return;
    }
    let current = live.current();
    let site = &current.site;
    let (status, key) = match lookup(site, request.url()) {
        Lookup::Found(key) => (200, Some(key)),
        Lookup::Redirect(to) => {
            let _ = request.respond(Response::empty(StatusCode(301)).with_header(header("Location", &to)));
            return;
        }
        Lookup::NotFound => (404, site.pages.contains_key("404.html").then(|| "404.html".to_string())),
    };
    let (body, ctype) = match &key {
        Some(key) => {
            let bytes = &site.pages[key.as_str()].bytes;
            let ctype = content_type(key);
            if !ctype.starts_with("text/html") {
                (bytes.to_vec(), ctype)
            } else if editing.on {
                (edit::inject(inject(bytes, &current), key, editing, &current), ctype)
            } else {
                (inject(bytes, &current), ctype)
            }
        }
        // No site yet (the first build failed): an empty page that carries the overlay.
        None => {
            let page = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>partnerbook</title></head><body></body></html>";
            (inject(page, &current), "text/html; charset=utf-8".to_string())
        }
    };
    let response = Response::from_data(body)
        .with_status_code(StatusCode(if key.is_none() && current.overlay.is_some() { 500 } else { status }))
        .with_header(header("Content-Type", &ctype))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(response);
}

/// Holds the connection open and writes each event as it comes, flushed, on
/// the raw connection: a streamed tiny_http Response would sit in a buffer.
fn stream_events(request: Request, live: &Live) {
    let events = live.subscribe();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 500\n\n";
    if writer.write_all(head.as_bytes()).and_then(|_| writer.flush()).is_err() {
        return;
    }
    std::thread::spawn(move || {
        loop {
            let frame = match events.recv_timeout(Duration::from_secs(15)) {
                Ok(frame) => frame,
                // A comment line keeps proxies from closing an idle stream and tells us when the page is gone.
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if writer.write_all(frame.as_bytes()).and_then(|_| writer.flush()).is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Output;

    #[test]
    fn lookup_serves_only_keys_of_the_site() {
        let mut site = Site::default();
        for k in ["index.html", "playbooks/a/index.html", "assets/style.css", "404.html"] {
            site.pages.insert(k.into(), Output { bytes: b"x".to_vec().into() });
        }
        let found = |k: &str| Lookup::Found(k.to_string());
        let cases = [
            ("/", found("index.html")),
            ("/?q=1", found("index.html")),
            ("/playbooks/a/", found("playbooks/a/index.html")),
            ("/playbooks/a", Lookup::Redirect("/playbooks/a/".into())),
            ("/assets/style.css", found("assets/style.css")),
            ("/assets%2Fstyle.css", found("assets/style.css")),
            ("/playbooks/../index.html", Lookup::NotFound),
            ("/%2e%2e/etc/passwd", Lookup::NotFound),
            ("/%252e%252e/etc/passwd", Lookup::NotFound),
            ("/..%5c..%5cetc/passwd", Lookup::NotFound),
            ("/./index.html", Lookup::NotFound),
            ("//etc/passwd", Lookup::NotFound),
            ("/index.html%00.css", Lookup::NotFound),
            ("/%ff", Lookup::NotFound),
            ("/site.yaml", Lookup::NotFound),
            ("/playbooks/a.md", Lookup::NotFound),
            ("http://evil/", Lookup::NotFound),
        ];
        for (url, want) in cases {
            assert_eq!(lookup(&site, url), want, "{url}");
        }
    }

    #[test]
    fn search_index_files_are_recognised() {
        assert_eq!(search_path("/search-index.js"), Some("search-index.js"));
        assert_eq!(search_path("/search-index.js?v=2"), Some("search-index.js"));
        assert_eq!(search_path("/search-index/0123abcd.js"), Some("search-index/0123abcd.js"));
        assert_eq!(search_path("/search-index"), None);
        assert_eq!(search_path("/playbooks/search-index.js"), None);
        assert_eq!(search_path("search-index.js"), None);
    }

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("logo.png"), "image/png");
    }
}
