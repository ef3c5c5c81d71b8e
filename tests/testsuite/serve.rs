//! `partnerbook serve`: the real binary on `--port 0`, driven over plain
//! HTTP/1.1 and its Server-Sent Events stream. Pages, status codes and
//! headers; live reload after in-place, atomic and bulk edits; the error
//! overlay; path traversal; a busy port; incremental rebuilds equal to a full
//! build; the guide folder removed or replaced; Ctrl-C.
//!
//! No test sleeps for a fixed time: every wait is for an event on the stream
//! (or for the child to exit), bounded by [`WAIT`].

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::support::{GuideTest, TODAY, Tree, copy_dir, tree, urls};

mod hostile;

/// The longest any test waits for one thing (an event, a line, an exit).
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// Where the live-reload events are served.
const EVENTS: &str = "/__partnerbook/events";

/// How the injected live-reload script starts.
const SCRIPT_START: &str = "<script>(function(){var g=";

/// How the error overlay starts.
const OVERLAY: &str = r#"<div id="partnerbook-overlay" role="alert""#;

// ---------------------------------------------------------------------------
// The server process

/// A running `partnerbook serve`; killed when dropped, also on panic.
pub(crate) struct Server {
    child: Option<Child>,
    pub(crate) addr: SocketAddr,
    /// The first line of stdout.
    line: String,
    /// Everything on stdout after the first line.
    stdout_rest: Arc<Mutex<String>>,
    /// Everything on stderr so far, with a condvar to wait for more.
    stderr: Arc<(Mutex<String>, Condvar)>,
}

impl Server {
    /// Starts `partnerbook serve [ROOT]/guide --port 0 <args> --today 2026-11-29`
    /// from `[ROOT]` (no `--port 0` when `args` has a `--port`), and waits for
    /// the `serving GUIDE at URL` line.
    pub(crate) fn start(t: &GuideTest, args: &[&str]) -> Server {
        Self::start_limited(t, args, None)
    }

    /// [`Server::start`], with at most `fd_limit` open files when given (`ulimit -n`).
    fn start_limited(t: &GuideTest, args: &[&str], fd_limit: Option<u32>) -> Server {
        let bin = env!("CARGO_BIN_EXE_partnerbook");
        let mut cmd = match fd_limit {
            None => Command::new(bin),
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
                sh
            }
        };
        cmd.arg("serve").arg(t.guide());
        if !args.contains(&"--port") {
            cmd.args(["--port", "0"]);
        }
        let mut child = cmd
            .args(args)
            .args(["--today", TODAY])
            .current_dir(t.root())
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", t.git_ceiling())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("could not start partnerbook serve");

        let stderr = Arc::new((Mutex::new(String::new()), Condvar::new()));
        {
            let mut pipe = child.stderr.take().unwrap();
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let (text, more) = &*stderr;
                    text.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                    more.notify_all();
                }
            });
        }
        let stdout_rest = Arc::new(Mutex::new(String::new()));
        let (first_tx, first_rx) = mpsc::channel();
        {
            let mut pipe = BufReader::new(child.stdout.take().unwrap());
            let rest = stdout_rest.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = pipe.read_line(&mut line);
                let _ = first_tx.send(line);
                let mut more = String::new();
                while pipe.read_line(&mut more).is_ok_and(|n| n > 0) {
                    rest.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_str(&more);
                    more.clear();
                }
            });
        }
        // The guard exists from here on, so a failed start still kills the child.
        let mut server = Server {
            child: Some(child),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            line: String::new(),
            stdout_rest,
            stderr,
        };
        let line = first_rx
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("serve printed no line within {WAIT:?}; stderr:\n{}", server.stderr()));
        let prefix = format!("serving {} at http://127.0.0.1:", t.guide().display());
        let port = line
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix("/\n"))
            .and_then(|port| port.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("unexpected first line on stdout: {line:?}; stderr:\n{}", server.stderr()));
        server.addr = SocketAddr::from(([127, 0, 0, 1], port));
        server.line = line;
        server
    }

    /// A copy of the fixture `build/good`, served.
    fn good() -> (GuideTest, Server) {
        let t = GuideTest::from_dir("build/good");
        let s = Server::start(&t, &[]);
        (t, s)
    }

    /// What the server wrote on stderr so far.
    pub(crate) fn stderr(&self) -> String {
        // Not poisoned by a failed wait: this also runs when the server is dropped.
        self.stderr.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Waits until stderr contains `needle`.
    #[track_caller]
    pub(crate) fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let (text, more) = &*self.stderr;
        let mut guard = text.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while !guard.contains(needle) {
            let now = Instant::now();
            if now >= deadline {
                panic!("stderr lacks {needle:?} after {WAIT:?}:\n{guard}");
            }
            guard = more.wait_timeout(guard, deadline - now).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
        guard.clone()
    }

    pub(crate) fn get(&self, target: &str) -> Resp {
        request(self.addr, "GET", target)
    }

    fn head(&self, target: &str) -> Resp {
        request(self.addr, "HEAD", target)
    }

    /// GETs an HTML page that must answer 200, without the live-reload script.
    #[track_caller]
    fn page(&self, target: &str) -> String {
        let r = self.get(target);
        assert_eq!(r.status, 200, "GET {target}: {}\n{}", r.status, r.text());
        without_live_script(&r.text())
    }

    /// Opens the event stream and reads its `hello`.
    pub(crate) fn events(&self) -> Events {
        Events::open(self.addr)
    }

    /// Sends SIGINT and waits (bounded) for the exit status.
    fn interrupt(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("a running child");
        let pid = child.id();
        let sent = Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("run kill");
        assert!(sent.success(), "kill -INT {pid} failed");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        match rx.recv_timeout(WAIT) {
            Ok(status) => status.expect("wait for serve"),
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                panic!("serve did not exit within {WAIT:?} of SIGINT; stderr:\n{}", self.stderr());
            }
        }
    }

    /// Waits until `check` passes, re-checking after every event of the stream;
    /// panics with the last reason, the events seen and stderr after [`WAIT`].
    #[track_caller]
    fn settle(&self, events: &mut Events, what: &str, check: impl FnMut(&Server) -> Result<(), String>) {
        self.settle_by(Instant::now() + WAIT, events, what, check);
    }

    /// [`Server::settle`] with its own deadline.
    #[track_caller]
    fn settle_by(
        &self,
        deadline: Instant,
        events: &mut Events,
        what: &str,
        mut check: impl FnMut(&Server) -> Result<(), String>,
    ) {
        loop {
            let why = match check(self) {
                Ok(()) => return,
                Err(why) => why,
            };
            if events.next(deadline).is_none() {
                panic!(
                    "{what}: not reached within {WAIT:?}: {why}\nevents seen: {:?}\nstderr:\n{}",
                    events.names(),
                    self.stderr()
                );
            }
        }
    }

    /// Builds the guide with `partnerbook build --base-url /` into `[ROOT]/<out>`
    /// and checks that the server serves exactly those bytes at every path
    /// (HTML without the live-reload script).
    fn matches_full_build(&self, t: &GuideTest, out: &str) -> Result<(), String> {
        let site = full_build(t, out);
        self.serves(&site)
    }

    /// Whether every file of `site` is served with the same bytes.
    fn serves(&self, site: &Tree) -> Result<(), String> {
        for (path, bytes) in site {
            let target = url_of(path);
            let r = self.get(&target);
            if r.status != 200 {
                return Err(format!("GET {target} answered {}", r.status));
            }
            let served = if path.ends_with(".html") {
                if r.text().contains(OVERLAY) {
                    return Err(format!("GET {target} carries the error overlay"));
                }
                without_live_script(&r.text()).into_bytes()
            } else {
                r.body.clone()
            };
            if &served != bytes {
                return Err(format!("{target} differs from the full build: {}", first_difference(bytes, &served)));
            }
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut exited = None;
        if let Some(mut child) = self.child.take() {
            exited = child.try_wait().ok().flatten();
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            let status = exited.map_or("was still running".to_string(), |s| format!("had exited: {s}"));
            eprintln!("--- `partnerbook serve` at {} {status}; its stderr ---\n{}", self.addr, self.stderr());
        }
    }
}

/// `partnerbook build GUIDE -o [ROOT]/<out> --base-url / --today ...`, as a tree.
fn full_build(t: &GuideTest, out: &str) -> Tree {
    // serve always includes drafts: so does the build it is compared with.
    t.run(&["build", "-o", out, "--base-url", "/", "--drafts"]).success();
    tree(&t.root().join(out))
}

/// The URL path a built file is served at (`a/index.html` -> `/a/`).
fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{path}"),
    }
}

/// The HTML files of a built site, as URL paths.
fn html_urls(site: &Tree) -> Vec<String> {
    site.keys().filter(|p| p.ends_with(".html")).map(|p| url_of(p)).collect()
}

/// A served page without the one live-reload `<script>` injected right before
/// `</body>`; panics if that script is not there exactly once.
#[track_caller]
fn without_live_script(html: &str) -> String {
    let html = &without_edit_data(html);
    let end = html.rfind("</body>").unwrap_or_else(|| panic!("no </body> in:\n{html}"));
    let before = &html[..end];
    assert!(before.ends_with("</script>"), "the live-reload script is not right before </body>:\n{html}");
    let start = before.rfind(SCRIPT_START).unwrap_or_else(|| panic!("no live-reload script in:\n{html}"));
    assert_eq!(html.matches(SCRIPT_START).count(), 1, "more than one live-reload script:\n{html}");
    assert_eq!(before[start..].matches("</script>").count(), 1, "the injected script is not one element:\n{html}");
    assert!(before[start..].contains(&format!("new EventSource(\"{EVENTS}\")")), "script lacks the events URL");
    format!("{}{}", &html[..start], &html[end..])
}

/// A served page without the editing data and script that serve injects
/// right before `</body>` while editing is on (see `edit.rs`); as it is when they are not there.
pub(crate) fn without_edit_data(html: &str) -> String {
    const START: &str = r#"<script type="application/json" id="partnerbook-edit">"#;
    const END: &str = r#"<script src="/_partnerbook/edit.js" defer></script></body>"#;
    match (html.rfind(START), html.rfind(END)) {
        (Some(start), Some(end)) if start < end => format!("{}</body>{}", &html[..start], &html[end + END.len()..]),
        _ => html.to_string(),
    }
}

/// The generation a served page was rendered for (`var g=N` of the live-reload script).
#[track_caller]
fn generation_of(html: &str) -> u64 {
    let at =
        html.rfind(SCRIPT_START).unwrap_or_else(|| panic!("no live-reload script in:\n{html}")) + SCRIPT_START.len();
    let digits: String = html[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no generation after {SCRIPT_START}"))
}

/// Where two byte strings first differ, as a short readable note.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let at = want.iter().zip(got).position(|(a, b)| a != b).unwrap_or(want.len().min(got.len()));
    let show = |b: &[u8]| String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())]).into_owned();
    format!(
        "at byte {at} (lengths {} and {})\n--- full build ---\n{}\n--- served ---\n{}",
        want.len(),
        got.len(),
        show(want),
        show(got)
    )
}

// ---------------------------------------------------------------------------
// A minimal HTTP/1.1 client

/// One HTTP response.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD target HTTP/1.1` with `Connection: close` (the target is sent
/// as is, so tests can send anything) and reads the whole response.
fn request(addr: SocketAddr, method: &str, target: &str) -> Resp {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    let head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("{method} {target}: {e}"));
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        // A server may reset the connection after answering a request it rejects.
        assert!(!raw.is_empty(), "{method} {target}: {e}");
    }
    parse_response(&raw, method == "HEAD").unwrap_or_else(|e| {
        panic!("{method} {target}: {e}:\n{}", String::from_utf8_lossy(&raw));
    })
}

pub(crate) fn parse_response(raw: &[u8], head_only: bool) -> Result<Resp, String> {
    let end = find(raw, b"\r\n\r\n").ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap_or((l, ""));
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    let mut resp = Resp { status, headers, body: raw[end + 4..].to_vec() };
    if head_only {
        return Ok(resp);
    }
    if resp.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        resp.body = dechunk(&resp.body)?;
    } else if let Some(len) = resp.header("Content-Length") {
        let len: usize = len.parse().map_err(|_| "bad Content-Length")?;
        if resp.body.len() != len {
            return Err(format!("Content-Length {len} but {} bytes of body", resp.body.len()));
        }
    }
    Ok(resp)
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = find(raw, b"\r\n").ok_or("chunk size without CRLF")?;
        let size = std::str::from_utf8(&raw[..eol]).ok().and_then(|s| usize::from_str_radix(s.trim(), 16).ok());
        let size = size.ok_or("bad chunk size")?;
        raw = &raw[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(raw.get(..size).ok_or("short chunk")?);
        raw = raw.get(size + 2..).ok_or("chunk without CRLF")?;
    }
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// The event stream

/// One Server-Sent Event: its name and its `data:` lines joined by `\n`.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    name: String,
    data: String,
}

/// A reader of `/__partnerbook/events` that keeps every event it has seen.
pub(crate) struct Events {
    stream: TcpStream,
    pending: Vec<u8>,
    seen: Vec<Event>,
    /// The server closed the stream (it exited, most likely).
    closed: bool,
}

impl Events {
    /// Connects, checks the response head and waits for the `hello` event.
    fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, WAIT).unwrap();
        let head = format!("GET {EVENTS} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let deadline = Instant::now() + WAIT;
        let mut events = Events { stream, pending: Vec::new(), seen: Vec::new(), closed: false };
        let end = loop {
            if let Some(end) = find(&events.pending, b"\r\n\r\n") {
                break end;
            }
            assert!(events.fill(deadline), "no response head on {EVENTS} within {WAIT:?}");
        };
        let resp = parse_response(&events.pending[..end + 4], true).unwrap();
        assert_eq!(resp.status, 200, "{EVENTS}: {resp:?}");
        assert_eq!(resp.header("Content-Type"), Some("text/event-stream"), "{resp:?}");
        assert_eq!(resp.header("Cache-Control"), Some("no-cache"), "{resp:?}");
        assert!(resp.header("Transfer-Encoding").is_none(), "the stream must be raw, not chunked: {resp:?}");
        events.pending.drain(..end + 4);
        let hello = events.expect("hello");
        assert!(hello.data.parse::<u64>().is_ok(), "hello carries the generation: {hello:?}");
        events
    }

    /// Reads more bytes before `deadline`; false on timeout or end of stream.
    fn fill(&mut self, deadline: Instant) -> bool {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        self.stream.set_read_timeout(Some(deadline - now)).unwrap();
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(0) => {
                self.closed = true;
                false
            }
            Ok(n) => {
                self.pending.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => false,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => true,
            Err(e) => {
                self.closed = true;
                eprintln!("reading {EVENTS}: {e}");
                false
            }
        }
    }

    /// The next named event before `deadline` (comments and `retry:` are skipped).
    fn next(&mut self, deadline: Instant) -> Option<Event> {
        loop {
            while let Some(end) = find(&self.pending, b"\n\n") {
                let block: Vec<u8> = self.pending.drain(..end + 2).collect();
                let block = String::from_utf8(block).expect("events are UTF-8");
                let mut name = None;
                let mut data: Vec<&str> = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = Some(v.strip_prefix(' ').unwrap_or(v).to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if let Some(name) = name {
                    let event = Event { name, data: data.join("\n") };
                    self.seen.push(event.clone());
                    return Some(event);
                }
            }
            if !self.fill(deadline) {
                return None;
            }
        }
    }

    /// Reads until an event named `name` arrives (at most [`WAIT`]).
    #[track_caller]
    pub(crate) fn expect(&mut self, name: &str) -> Event {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.next(deadline) {
                Some(e) if e.name == name => return e,
                Some(_) => {}
                None if self.closed => {
                    panic!("the event stream closed before a `{name}` event; events seen: {:?}", self.names())
                }
                None => panic!("no `{name}` event within {WAIT:?}; events seen: {:?}", self.names()),
            }
        }
    }

    /// The names of the events seen so far.
    fn names(&self) -> Vec<&str> {
        self.seen.iter().map(|e| e.name.as_str()).collect()
    }

    /// How many events of this name were seen.
    fn count(&self, name: &str) -> usize {
        self.seen.iter().filter(|e| e.name == name).count()
    }
}

/// A check for [`Server::settle`]: `page` answers 200 and contains every one of `wanted`.
fn page_has(page: &'static str, wanted: &[&str]) -> impl FnMut(&Server) -> Result<(), String> {
    let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
    move |s: &Server| {
        let r = s.get(page);
        if r.status != 200 {
            return Err(format!("GET {page} answered {}", r.status));
        }
        let text = r.text();
        match wanted.iter().find(|w| !text.contains(w.as_str())) {
            Some(w) => Err(format!("GET {page} lacks {w:?}")),
            None => Ok(()),
        }
    }
}

/// A check for [`Server::settle`]: `page` answers `status`.
fn page_status(page: &'static str, status: u16) -> impl FnMut(&Server) -> Result<(), String> {
    move |s: &Server| {
        let got = s.get(page).status;
        if got == status { Ok(()) } else { Err(format!("GET {page} answered {got}, not {status}")) }
    }
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn serves_pages_and_assets_with_status_type_and_no_cache() {
    let t = GuideTest::from_dir("build/good");
    // A base URL in site.yaml must not reach the preview: links stay root-relative.
    let site_yaml = std::fs::read_to_string(t.guide().join("site.yaml")).unwrap();
    t.file("site.yaml", &format!("{site_yaml}base_url: https://lib.example.edu/outreach/\n"));
    let full = full_build(&t, "full");
    let s = Server::start(&t, &[]);

    for (target, needle) in [
        ("/", "<title>Good guide</title>"),
        ("/playbooks/", "Run the meeting"),
        ("/playbooks/run-the-meeting/", "Start on time."),
        ("/playbooks/spaces/makerspace/", "Start a makerspace"),
        ("/partners/campus-it/", "Ana Ruiz"),
        ("/about/", "About this guide"),
        ("/playbooks/run-the-meeting/?utm=x", "Start on time."),
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 200, "GET {target}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "GET {target}");
        assert_eq!(r.header("Cache-Control"), Some("no-cache"), "GET {target}");
        let page = without_live_script(&r.text());
        assert!(page.contains(needle), "GET {target} lacks {needle:?}:\n{page}");
        assert!(!page.contains(OVERLAY), "GET {target} has an overlay");
        for url in urls(&page) {
            assert!(!url.contains("lib.example.edu") && !url.contains("127.0.0.1"), "{target}: absolute link {url}");
        }
        assert!(page.contains(r#"<link rel="stylesheet" href="/assets/style.css">"#), "{target}");
    }

    let css = s.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("Cache-Control"), Some("no-cache"));
    assert_eq!(css.body, full["assets/style.css"], "the stylesheet is served as built, nothing injected");

    // HEAD: same status and headers, no body.
    let get = s.get("/partners/campus-it/");
    let head = s.head("/partners/campus-it/");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(head.header("Content-Length"), Some(get.body.len().to_string().as_str()));
    assert!(head.body.is_empty(), "HEAD sent a body: {}", head.text());
    let head_css = s.head("/assets/style.css");
    assert_eq!((head_css.status, head_css.header("Content-Type")), (200, Some("text/css; charset=utf-8")));
    assert!(head_css.body.is_empty());
    assert_eq!(s.head("/no-such-page/").status, 404);

    // A folder without its slash redirects to the slash form.
    for (target, to) in [
        ("/playbooks", "/playbooks/"),
        ("/partners/campus-it", "/partners/campus-it/"),
        ("/playbooks/spaces/makerspace", "/playbooks/spaces/makerspace/"),
    ] {
        let r = s.get(target);
        assert_eq!((r.status, r.header("Location")), (301, Some(to)), "GET {target}");
    }

    // Unknown paths: the site's 404 page with status 404.
    let missing = s.get("/playbooks/no-such-playbook/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(without_live_script(&missing.text()).into_bytes(), full["404.html"]);

    // Only GET and HEAD.
    assert_eq!(request(s.addr, "POST", "/").status, 405);

    // Everything but the one line goes to stderr.
    assert!(s.stdout_rest.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty());
}

#[test]
fn editing_a_playbook_reloads_and_updates_every_page_showing_its_title() {
    let (t, s) = Server::good();
    let mut events = s.events();
    // A second open page gets the same events.
    let mut second = s.events();
    let before = s.page("/playbooks/run-the-meeting/");
    assert!(before.contains("Start on time."));

    let path = t.guide().join("playbooks/run-the-meeting.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replace("title: Run the meeting", "title: Chair the kickoff meeting")
        .replace("Start on time.", "Start on time, and bring coffee.");
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();

    let reload = events.expect("reload");
    assert!(reload.data.parse::<u64>().is_ok(), "{reload:?}");
    second.expect("reload");
    s.settle(
        &mut events,
        "the edited playbook",
        page_has("/playbooks/run-the-meeting/", &["Chair the kickoff meeting", "Start on time, and bring coffee."]),
    );
    // The lists and the partner page that show the title show the new one.
    // A page opened now and its event stream agree on the generation (else the
    // script's `hello` handler would reload the page forever).
    let generation = generation_of(&s.get("/").text());
    assert_eq!(s.events().seen[0].data, generation.to_string());
    for page in ["/", "/playbooks/", "/partners/campus-it/", "/tags/meetings/"] {
        let html = s.page(page);
        assert!(html.contains("Chair the kickoff meeting"), "{page} does not show the new title:\n{html}");
        assert!(!html.contains(">Run the meeting<"), "{page} still shows the old title:\n{html}");
    }
    s.matches_full_build(&t, "full").unwrap();
}

#[test]
fn atomic_saves_recreations_additions_deletions_and_renames_all_end_correct() {
    let (t, s) = Server::good();
    let mut events = s.events();
    let guide = t.guide();

    // Atomic save: a temp file in the same folder, renamed over the original.
    let target = guide.join("playbooks/run-the-meeting.md");
    let text = std::fs::read_to_string(&target).unwrap();
    let tmp = guide.join("playbooks/.run-the-meeting.md.partnerbook-test");
    std::fs::write(&tmp, text.replace("Start on time.", "Atomically saved body.")).unwrap();
    std::fs::rename(&tmp, &target).unwrap();
    events.expect("reload");
    s.settle(&mut events, "atomic save", page_has("/playbooks/run-the-meeting/", &["Atomically saved body."]));

    // Remove and recreate.
    let makerspace = guide.join("playbooks/spaces/makerspace.md");
    let text = std::fs::read_to_string(&makerspace).unwrap();
    std::fs::remove_file(&makerspace).unwrap();
    std::fs::write(&makerspace, text.replace("Find the department", "Recreated, find the department")).unwrap();
    events.expect("reload");
    s.settle(&mut events, "remove and recreate", page_has("/playbooks/spaces/makerspace/", &["Recreated, find"]));

    // A new playbook: its page appears and the list shows it.
    t.file(
        "playbooks/visit-the-help-desk.md",
        "---\ntitle: Visit the help desk\nstage: reach-out\n---\n\nBring cake.\n",
    );
    events.expect("reload");
    s.settle(&mut events, "new playbook", page_has("/playbooks/visit-the-help-desk/", &["Bring cake."]));
    assert!(s.page("/playbooks/").contains("Visit the help desk"));

    // A new playbook in a new sub-folder.
    t.file(
        "playbooks/outreach/first-email.md",
        "---\ntitle: Write the first email\nstage: reach-out\n---\n\nKeep it short.\n",
    );
    events.expect("reload");
    s.settle(&mut events, "new folder", page_has("/playbooks/outreach/first-email/", &["Keep it short."]));

    // Renamed: the old URL is gone, the new one is there.
    std::fs::rename(guide.join("playbooks/visit-the-help-desk.md"), guide.join("playbooks/help-desk-visit.md"))
        .unwrap();
    events.expect("reload");
    s.settle(&mut events, "renamed playbook", page_has("/playbooks/help-desk-visit/", &["Bring cake."]));
    s.settle(&mut events, "renamed playbook", page_status("/playbooks/visit-the-help-desk/", 404));

    // Deleted: its page answers 404 and the list no longer shows it.
    t.remove("playbooks/help-desk-visit.md");
    events.expect("reload");
    s.settle(&mut events, "deleted playbook", page_status("/playbooks/help-desk-visit/", 404));
    assert!(!s.page("/playbooks/").contains("Visit the help desk"));

    assert!(!events.names().contains(&"overlay"), "no step should fail: {:?}\n{}", events.names(), s.stderr());
    s.matches_full_build(&t, "full").unwrap();
}

#[test]
fn a_burst_of_two_hundred_writes_ends_consistent_after_few_rebuilds() {
    const N: usize = 200;
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Burst\n");
    let partner = |i: usize, name: &str, status: &str| format!("name: {name} {i:03}\nkind: other\nstatus: {status}\n");
    for i in 0..N {
        t.file(&format!("partners/p{i:03}.yaml"), &partner(i, "Partner", "prospect"));
    }
    let s = Server::start(&t, &[]);
    let mut events = s.events();

    // Like a `git checkout`: every file rewritten at once.
    for i in 0..N {
        t.file(&format!("partners/p{i:03}.yaml"), &partner(i, "Renamed partner", "active"));
    }
    s.settle(&mut events, "after the burst", |s| {
        let list = s.get("/partners/");
        let text = list.text();
        match (0..N).find(|i| !text.contains(&format!("Renamed partner {i:03}"))) {
            Some(i) => Err(format!("/partners/ ({}) lacks partner {i:03}", list.status)),
            None => Ok(()),
        }
    });
    // The page may show the rebuild before this test has read its event: wait for it.
    if events.count("reload") == 0 {
        events.expect("reload");
    }
    let rebuilds = events.count("reload") + events.count("overlay") + events.count("css");
    // Batching, not a timing bound: the watcher waits for 10 ms of quiet, and a
    // writer descheduled on a loaded machine may pause longer than that a few times.
    assert!(rebuilds <= N / 10, "{N} writes caused {rebuilds} rebuild events: {:?}", events.names());
    s.matches_full_build(&t, "full").unwrap();
}

#[test]
fn a_broken_file_shows_the_overlay_on_every_page_until_it_is_fixed() {
    let (t, s) = Server::good();
    let pages = html_urls(&full_build(&t, "before"));
    let mut events = s.events();

    // An unknown `kind` on line 2, column 7, with a tag-like value that must be escaped.
    let good = std::fs::read_to_string(t.guide().join("partners/campus-it.yaml")).unwrap();
    let broken = good.replace("kind: it\n", "kind: <b>itt\n");
    assert_ne!(broken, good);
    t.file("partners/campus-it.yaml", &broken);

    let overlay = events.expect("overlay");
    for needle in
        [OVERLAY, "partners/campus-it.yaml:2:7", "&lt;b&gt;itt", "help: expected one of: it, instructional-technology"]
    {
        assert!(overlay.data.contains(needle), "the overlay event lacks {needle:?}:\n{}", overlay.data);
    }
    assert!(!overlay.data.contains("<b>"), "the overlay is not escaped:\n{}", overlay.data);
    for page in &pages {
        let r = s.get(page);
        assert_eq!(r.status, 200, "GET {page} while broken: the last good page is served");
        let html = r.text();
        for needle in [OVERLAY, "partners/campus-it.yaml:2:7", "help: expected one of: it,"] {
            assert!(html.contains(needle), "{page} lacks {needle:?} while broken:\n{html}");
        }
        let at = html.find(OVERLAY).unwrap();
        assert!(html[at..].contains(SCRIPT_START) && html[at..].trim_end().ends_with("</body>\n</html>"));
        assert!(!html.contains("<b>itt"), "{page}: the overlay is not escaped");
    }
    let missing = s.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains(OVERLAY), "the 404 page lacks the overlay");
    let generation = generation_of(&s.get("/").text());
    assert_eq!(s.events().seen[0].data, generation.to_string(), "a page opened while broken must not reload forever");
    assert!(!s.get("/assets/style.css").text().contains(OVERLAY), "CSS must not get the overlay");
    // The last good content is still served.
    assert!(s.page("/partners/campus-it/").contains("Runs the network and the help desk."));

    // A second, different mistake replaces the overlay.
    t.file("partners/campus-it.yaml", &good.replace("status: active\n", "status: activ\n"));
    let second = events.expect("overlay");
    assert!(second.data.contains("partners/campus-it.yaml:4:9"), "{}", second.data);
    assert!(second.data.contains("did you mean `active`?"), "{}", second.data);
    s.settle(&mut events, "the second overlay", page_has("/", &["partners/campus-it.yaml:4:9"]));
    assert!(!s.get("/").text().contains("2:7"), "the first error is still shown");

    // The fix restores the file exactly, so the site equals the last good one:
    // still a reload, and no page has the overlay any more.
    t.file("partners/campus-it.yaml", &good);
    events.expect("reload");
    s.settle(&mut events, "after the fix", |s| {
        if s.get("/").text().contains(OVERLAY) { Err("/ still has the overlay".into()) } else { Ok(()) }
    });
    for page in &pages {
        let html = s.page(page);
        assert!(!html.contains(OVERLAY), "{page} still has the overlay after the fix");
    }
    s.matches_full_build(&t, "full").unwrap();
}

#[test]
fn a_failing_first_build_still_serves_the_overlay_until_fixed() {
    let t = GuideTest::from_dir("build/good");
    let good = std::fs::read_to_string(t.guide().join("partners/campus-it.yaml")).unwrap();
    t.file("partners/campus-it.yaml", &good.replace("kind: it\n", "kind: itt\n"));
    let s = Server::start(&t, &[]);
    s.wait_stderr("partners/campus-it.yaml:2:7");

    for target in ["/", "/partners/campus-it/", "/playbooks/run-the-meeting/", "/no-such-page/"] {
        let r = s.get(target);
        assert_eq!(r.status, 500, "GET {target} before any good build");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        let html = r.text();
        for needle in [OVERLAY, "partners/campus-it.yaml:2:7", "did you mean"] {
            assert!(html.contains(needle), "GET {target} lacks {needle:?}:\n{html}");
        }
        without_live_script(&html);
    }
    let mut events = s.events();

    t.file("partners/campus-it.yaml", &good);
    events.expect("reload");
    s.settle(&mut events, "after the fix", page_has("/partners/campus-it/", &["Ana Ruiz"]));
    assert!(!s.page("/").contains(OVERLAY));
    s.matches_full_build(&t, "full").unwrap();
}

#[test]
fn the_search_index_is_made_on_first_request_with_its_shards_and_follows_edits() {
    let (t, s) = Server::good();
    let mut events = s.events();
    let main = s.get("/search-index.js");
    assert_eq!(main.status, 200);
    assert_eq!(main.header("content-type"), Some("text/javascript; charset=utf-8"));
    let text = main.text();
    let shard = text.split('"').find(|f| f.starts_with("search-index/")).expect("a shard in the table").to_string();
    let first = s.get(&format!("/{shard}"));
    assert_eq!(first.status, 200);
    assert!(first.text().starts_with("(window.partnerbookSearchShards"), "{}", first.text());
    assert_eq!(s.get("/search-index/0000000000000000.js").status, 404);

    // After an edit, the next request makes the index of the new guide.
    t.file("playbooks/zanzibar.md", "---\ntitle: Zanzibar\nsummary: An island.\n---\n\nZanzibarish words.\n");
    events.expect("reload");
    s.settle(&mut events, "the new index", |s| {
        let main = s.get("/search-index.js").text();
        if main.contains("\"Zanzibar\"") { Ok(()) } else { Err("the index does not list the new playbook".into()) }
    });
    s.matches_full_build(&t, "full").unwrap();
}

/// Request targets that try to leave the site (parent folders, encoded and
/// doubly encoded, backslashes, NUL, absolute forms) or read the guide's sources.
fn traversal_targets(port: u16) -> Vec<String> {
    let absolute = format!("http://127.0.0.1:{port}/../secret.txt");
    let absolute_site = format!("http://127.0.0.1:{port}/site.yaml");
    let targets = [
        "/../Cargo.toml",
        "/../../Cargo.toml",
        "/../secret.txt",
        "/playbooks/../../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2f..%2fCargo.toml",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/..%c0%afsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/....//secret.txt",
        "//secret.txt",
        "/./site.yaml",
        "/site.yaml",
        "/partners/campus-it.yaml",
        "/playbooks/run-the-meeting.md",
        "/playbooks/spaces/makerspace.md",
        "/pages/about.md",
        "/guide/site.yaml",
        "/index.html%00.yaml",
        "/site.yaml%00",
        "/%00",
        "/etc/passwd",
        "//etc/passwd",
        "http://evil.example/site.yaml",
        "file:///etc/passwd",
        "site.yaml",
        "../secret.txt",
        "//evil.example/playbooks",
        "/%2f%2fevil.example/playbooks",
        "/\\evil.example/playbooks",
    ];
    let mut targets: Vec<String> = targets.map(String::from).to_vec();
    targets.extend([absolute, absolute_site]);
    targets
}

#[test]
fn traversal_and_source_paths_never_leave_the_site() {
    let (t, s) = Server::good();
    // Files next to the guide that a disk-backed server could leak.
    std::fs::write(t.root().join("Cargo.toml"), "[package]\nname = \"TOP-SECRET-CARGO\"\n").unwrap();
    std::fs::write(t.root().join("secret.txt"), "TOP-SECRET-OUTSIDE\n").unwrap();
    let targets = traversal_targets(s.addr.port());
    let sources = [
        "TOP-SECRET",
        "root:x:0:0",
        "name: Campus IT",
        "title: Good guide",
        "title: Run the meeting",
        "institution: Test University Libraries",
        "[package]",
    ];
    for target in &targets {
        let r = s.get(target);
        assert!(matches!(r.status, 400 | 404), "GET {target} answered {}:\n{}", r.status, r.text());
        assert!(r.header("Location").is_none(), "GET {target} redirects: {r:?}");
        let body = r.text();
        for needle in sources {
            assert!(!body.contains(needle), "GET {target} leaked {needle:?}:\n{body}");
        }
        if r.status == 404 {
            assert!(body.contains("Page not found"), "GET {target}: 404 without the site's 404 page:\n{body}");
        }
    }
    // The server is still fine afterwards.
    assert!(s.page("/").contains("Good guide"));
}

#[test]
fn a_busy_port_moves_to_the_next_free_one_and_says_so() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &["--port", &port.to_string()]);
    let used = s.addr.port();
    assert_ne!(used, port, "serve claims the taken port {port}");
    s.wait_stderr(&format!("port {port} is taken; using {used} instead"));
    assert!(s.page("/").contains("Good guide"));
    drop(taken);
}

#[test]
fn incremental_rebuilds_equal_a_full_build_after_each_edit() {
    let (t, s) = Server::good();
    let mut events = s.events();
    s.matches_full_build(&t, "full-0").unwrap();

    // Saved atomically: a half-written file would rightly show the overlay.
    let edit = |path: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(t.guide().join(path)).unwrap();
        assert!(text.contains(from), "{path} lacks {from:?}");
        t.save(path, &text.replace(from, to));
    };
    type Step<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "title change",
            Box::new(|| {
                edit("playbooks/run-the-meeting.md", "title: Run the meeting", "title: Hold the first meeting")
            }),
        ),
        (
            "body change",
            Box::new(|| edit("playbooks/spaces/makerspace.md", "power and network", "power, desks and Wi-Fi")),
        ),
        (
            "stage, order and summary change",
            Box::new(|| {
                edit("playbooks/run-the-meeting.md", "stage: meet", "stage: follow-up");
                edit("playbooks/run-the-meeting.md", "order: 1", "order: 7");
                edit("playbooks/run-the-meeting.md", "Keep it short", "Keep it brief");
            }),
        ),
        (
            "partner name change",
            Box::new(|| edit("partners/campus-it.yaml", "name: Campus IT", "name: Campus IT Services")),
        ),
        (
            "new next step with an owner",
            Box::new(|| {
                edit(
                    "partners/campus-it.yaml",
                    "tags: [infrastructure]",
                    "tags: [infrastructure]\nnext_step:\n  action: Send the agenda\n  due: 2026-12-01\n  owner: Ana Ruiz",
                )
            }),
        ),
        (
            "next step moved and reworded",
            Box::new(|| {
                edit("partners/campus-it.yaml", "due: 2026-12-01", "due: 2026-11-20");
                edit("partners/campus-it.yaml", "Send the agenda", "Send the agenda and the floor plan");
            }),
        ),
        (
            "partner status change",
            Box::new(|| {
                t.save(
                    "partners/art-and-design.yaml",
                    "name: Department of Art and Design\nkind: academic-department\nstatus: active\nnotes: |\n  Back from the pause.\n",
                );
            }),
        ),
        (
            "new partner",
            Box::new(|| {
                t.save(
                    "partners/research-computing.yaml",
                    "name: Research Computing\nkind: research-computing\nstatus: prospect\nplaybooks: [run-the-meeting]\ntags: [hpc]\n",
                );
            }),
        ),
        (
            "deleted playbook",
            Box::new(|| {
                t.remove("playbooks/spaces/makerspace.md");
            }),
        ),
        ("free page change", Box::new(|| edit("pages/about.md", "first.", "first, then the others."))),
        ("site title change", Box::new(|| edit("site.yaml", "title: Good guide", "title: Outreach handbook"))),
    ];
    for (i, (what, step)) in steps.iter().enumerate() {
        step();
        // The full build of the guide as it is now: the served site must reach it.
        let site = full_build(&t, &format!("full-{}", i + 1));
        events.expect("reload");
        s.settle(&mut events, what, |s| s.serves(&site));
    }
    // The edits show where they should.
    assert!(s.page("/partners/research-computing/").contains("Research Computing"));
    assert!(s.page("/tags/hpc/").contains("Research Computing"));
    assert_eq!(s.get("/playbooks/spaces/makerspace/").status, 404);
    assert_eq!(s.get("/tags/spaces/").status, 404);
    assert!(s.page("/partners/campus-it/").contains("Outreach handbook"));
    assert!(!events.names().contains(&"overlay"), "{:?}\n{}", events.names(), s.stderr());
}

#[test]
fn ctrl_c_exits_with_status_zero() {
    let (_t, mut s) = Server::good();
    // An open page keeps its event stream open; that must not hold the exit up.
    let _events = s.events();
    assert!(s.page("/").contains("Good guide"));
    let status = s.interrupt();
    assert_eq!(status.code(), Some(0), "SIGINT: {status:?}; stderr:\n{}", s.stderr());
    assert!(
        s.stdout_rest.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty(),
        "stdout has more than the serving line"
    );
    assert!(s.line.starts_with("serving "));
}

#[test]
fn a_stylesheet_only_change_sends_a_css_event() {
    let t = GuideTest::from_dir("build/good");
    t.file("static/extra.css", "body { color: black; }\n");
    let s = Server::start(&t, &[]);
    let mut events = s.events();
    let r = s.get("/extra.css");
    assert_eq!((r.status, r.header("Content-Type")), (200, Some("text/css; charset=utf-8")));

    t.file("static/extra.css", "body { color: navy; }\n");
    let css = events.expect("css");
    assert!(css.data.parse::<u64>().is_ok(), "{css:?}");
    assert_eq!(s.get("/extra.css").text(), "body { color: navy; }\n");
    assert_eq!(events.count("reload"), 0, "{:?}", events.names());
}

#[test]
fn an_edit_made_right_after_the_serving_line_is_not_lost() {
    // The `serving ... at URL` line says the preview is ready, so a save made
    // right after it must show. Three servers make a lost save likely to show up.
    let started: Vec<(GuideTest, Server)> = (0..3)
        .map(|_| {
            let (t, s) = Server::good();
            let path = t.guide().join("playbooks/run-the-meeting.md");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("Start on time.", "Saved right after the line.")).unwrap();
            (t, s)
        })
        .collect();
    let deadline = Instant::now() + WAIT;
    for (_t, s) in &started {
        let mut events = s.events();
        s.settle_by(
            deadline,
            &mut events,
            "a save made right after the serving line",
            page_has("/playbooks/run-the-meeting/", &["Saved right after the line."]),
        );
    }
}

#[test]
fn drafts_are_served_by_default_and_marked_as_drafts() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &[]);
    let page = s.page("/playbooks/draft-idea/");
    assert!(page.contains("Not ready."), "{page}");
    assert!(page.contains(r#"<span class="badge badge-draft">Draft</span>"#), "the title is marked: {page}");
    let list = s.page("/playbooks/");
    assert!(list.contains("Unfinished draft idea"), "{list}");
    drop(s);
    // `--drafts` is still accepted, and changes nothing.
    let with = Server::start(&t, &["--drafts"]);
    assert!(with.page("/playbooks/draft-idea/").contains("Not ready."));
}

#[test]
fn an_unreadable_file_shows_the_overlay_and_serving_goes_on() {
    // A file that cannot be read (here a dangling symlink; in real life also a
    // file that a `git checkout` deletes between the listing and the read) is a
    // failed rebuild like any other: the preview must not exit.
    let (t, s) = Server::good();
    let mut events = s.events();
    let link = t.guide().join("playbooks/broken.md");
    std::os::unix::fs::symlink(t.root().join("no-such-file.md"), &link).unwrap();
    let overlay = events.expect("overlay");
    assert!(overlay.data.contains("playbooks/broken.md"), "{}", overlay.data);
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains(OVERLAY) && home.text().contains("Good guide"));

    std::fs::remove_file(&link).unwrap();
    events.expect("reload");
    s.settle(&mut events, "after removing the link", |s| {
        if s.get("/").text().contains(OVERLAY) { Err("/ still has the overlay".into()) } else { Ok(()) }
    });
}

#[test]
fn a_template_error_or_a_missing_site_yaml_shows_the_overlay_until_fixed() {
    let (t, s) = Server::good();
    let mut events = s.events();

    t.file(
        "templates/playbook.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title | nosuchfilter }}{% endblock main %}\n",
    );
    let overlay = events.expect("overlay");
    assert!(overlay.data.contains("nosuchfilter"), "{}", overlay.data);
    assert!(s.page("/playbooks/run-the-meeting/").contains("Start on time."), "the last good page is served");
    t.remove("templates/playbook.html");
    events.expect("reload");
    s.settle(&mut events, "template fixed", |s| {
        if s.get("/").text().contains(OVERLAY) { Err("/ still has the overlay".into()) } else { Ok(()) }
    });

    let site_yaml = std::fs::read(t.guide().join("site.yaml")).unwrap();
    t.remove("site.yaml");
    let overlay = events.expect("overlay");
    assert!(overlay.data.contains("site.yaml"), "{}", overlay.data);
    assert!(s.page("/").contains("Good guide"), "the last good site is served");
    t.bytes("site.yaml", &site_yaml);
    events.expect("reload");
    s.settle(&mut events, "site.yaml back", |s| s.matches_full_build(&t, "full"));
}

#[test]
fn a_guide_folder_removed_and_copied_back_is_followed_again() {
    // A script that re-copies the guide removes the folder, then copies the
    // new one in file by file: serve must say so and follow the new folder.
    let (t, s) = Server::good();
    let mut events = s.events();
    let guide = t.guide();
    let copy = t.root().join("copy");
    copy_dir(&guide, &copy);

    std::fs::remove_dir_all(&guide).unwrap();
    s.wait_stderr("removed; waiting for it to come back");
    // The last good site, with an overlay that says why saves do not show.
    s.settle(
        &mut events,
        "the folder missing",
        page_has("/", &["Good guide", OVERLAY, "The guide folder is missing."]),
    );

    let playbook = copy.join("playbooks/run-the-meeting.md");
    let text = std::fs::read_to_string(&playbook).unwrap();
    std::fs::write(&playbook, text.replace("Start on time.", "Copied back with an edit.")).unwrap();
    copy_dir(&copy, &guide);
    s.wait_stderr("watching again");
    s.settle(
        &mut events,
        "the copied-back guide",
        page_has("/playbooks/run-the-meeting/", &["Copied back with an edit."]),
    );

    // Saves in the new folder are followed, as before the removal.
    let playbook = guide.join("playbooks/run-the-meeting.md");
    let text = std::fs::read_to_string(&playbook).unwrap();
    std::fs::write(&playbook, text.replace("Copied back with an edit.", "Saved after the return.")).unwrap();
    s.settle(
        &mut events,
        "a save after the return",
        page_has("/playbooks/run-the-meeting/", &["Saved after the return."]),
    );
    s.settle(&mut events, "the guide after the return", |s| s.matches_full_build(&t, "full"));
}

#[test]
fn a_guide_folder_renamed_away_and_replaced_by_another_is_followed() {
    // `mv guide guide.old && mv guide.new guide`, as re-copy scripts do. The
    // edited playbook has the size and time of the old one, as `cp -a` or
    // rsync can leave it: serve must read the new folder's files, not trust
    // what it knew of the old folder's.
    let (t, s) = Server::good();
    let mut events = s.events();
    let guide = t.guide();
    let new = t.root().join("guide.new");
    copy_dir(&guide, &new);
    let old_playbook = guide.join("playbooks/run-the-meeting.md");
    let new_playbook = new.join("playbooks/run-the-meeting.md");
    let text = std::fs::read_to_string(&old_playbook).unwrap();
    let edited = text.replace("Start on time.", "Start in time.");
    assert_eq!((edited.len(), edited != text), (text.len(), true));
    std::fs::write(&new_playbook, &edited).unwrap();
    let modified = std::fs::metadata(&old_playbook).unwrap().modified().unwrap();
    std::fs::File::options().write(true).open(&new_playbook).unwrap().set_modified(modified).unwrap();

    std::fs::rename(&guide, t.root().join("guide.old")).unwrap();
    std::fs::rename(&new, &guide).unwrap();
    s.wait_stderr("watching again");
    s.settle(
        &mut events,
        "the folder renamed into place",
        page_has("/playbooks/run-the-meeting/", &["Start in time."]),
    );

    // Saves in the folder now named `guide` are followed.
    t.file(
        "playbooks/visit-the-help-desk.md",
        "---\ntitle: Visit the help desk\nstage: reach-out\n---\n\nBring cake.\n",
    );
    s.settle(
        &mut events,
        "a new playbook in the new folder",
        page_has("/playbooks/visit-the-help-desk/", &["Bring cake."]),
    );
    s.settle(&mut events, "the new folder", |s| s.matches_full_build(&t, "full"));
}
