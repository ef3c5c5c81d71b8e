//! Tests in a real headless Chromium, for what runs in the browser (live
//! reload, search, filters, checklists, accessibility).
//!
//! The harness, reusable by every browser test:
//!
//! - [`Serve`] runs `partnerbook serve GUIDE --port 0 --today 2026-11-29` on a
//!   guide folder and knows the URL it printed; dropping it kills the server.
//! - [`Browser::open`] starts a fresh Chromium session (its own profile folder)
//!   through `chromedriver`; dropping it ends the session. Chromedriver itself is
//!   shared by the sessions that are open at the same time and stopped when the
//!   last one closes (it starts in ~50 ms, so a test alone pays little for that).
//! - [`Browser::wait_for`] polls a JavaScript condition with a deadline;
//!   [`Browser::screenshot`] writes `target/screenshots/NAME.png`.
//!
//! Chromium and chromedriver are Debian's `chromium` and `chromium-driver`
//! packages; `.ci/run` installs them. There is no skip: a machine without them
//! fails these tests, saying what to install.
//!
//! A test looks like this:
//!
//! ```ignore
//! #[tokio::test]
//! async fn something_in_the_browser() {
//!     let guide = GuideTest::from_dir("build/good");
//!     let serve = Serve::start(&guide.guide());
//!     let browser = Browser::open().await;
//!     browser.goto(&serve.url("playbooks/run-the-meeting/")).await;
//!     browser.wait_for("document.querySelector('h1') !== null", Duration::from_secs(5)).await;
//! }
//! ```

mod a11y;
mod brief;
mod edit;
mod glance;
mod injection;
mod live_reload;
mod outreach;
mod partner;
mod print;
mod search;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::support::TODAY;

/// The Chromium binary (Debian's package `chromium`).
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server (Debian's package `chromium-driver`), found on `PATH`.
pub(crate) const CHROMEDRIVER: &str = "chromedriver";

const INSTALL_HINT: &str = "install Debian's packages: apt-get update && apt-get install -y chromium chromium-driver \
                            (.ci/run does this in CI)";

/// How long chromedriver, serve and a new session may take to come up.
const STARTUP: Duration = Duration::from_secs(30);
/// How often conditions are polled.
const POLL: Duration = Duration::from_millis(25);

/// `target/tmp/browser`: profiles and logs of this harness.
fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// A name unique within this run of the test binary, from the test's name.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// The current test's name with `::` and other punctuation made file-safe.
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("test")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
        .collect()
}

// ---------------------------------------------------------------------------
// partnerbook serve
// ---------------------------------------------------------------------------

/// A running `partnerbook serve`; killed on drop. When the test is panicking,
/// its stderr is printed, so a failure shows what serve said.
pub(crate) struct Serve {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `partnerbook serve GUIDE --port 0 --today 2026-11-29` and waits
    /// (bounded) for its `serving GUIDE at URL` line.
    #[track_caller]
    pub(crate) fn start(guide: &Path) -> Serve {
        Self::start_with(guide, &[])
    }

    /// Like [`Serve::start`], with more arguments after the guide.
    #[track_caller]
    pub(crate) fn start_with(guide: &Path, extra: &[&str]) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_partnerbook"));
        command
            .arg("serve")
            .arg(guide)
            .args(["--port", "0", "--today", TODAY])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A test's guide is in git only when the test made it a repository,
        // never because the folder it sits in belongs to one.
        if let Some(ceiling) = guide.parent().and_then(Path::parent) {
            command.env("GIT_CEILING_DIRECTORIES", ceiling);
        }
        let mut child = command.spawn().expect("could not start partnerbook serve");

        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().unwrap();
            let sink = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap_or_else(|e| e.into_inner()).push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let (tx, rx) = channel::<String>();
        {
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                // Keep reading after the first line so that serve never blocks on a full pipe.
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let _ = tx.send(line);
                }
            });
        }
        let mut serve = Serve { child, base: String::new(), stderr };
        let line = match rx.recv_timeout(STARTUP) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                panic!("partnerbook serve printed no line within {STARTUP:?}\n--- stderr ---\n{}", serve.stderr())
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = serve.child.wait();
                // The stderr thread may still be copying the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                panic!("partnerbook serve exited ({status:?}) before serving\n--- stderr ---\n{}", serve.stderr())
            }
        };
        let url = line
            .strip_prefix("serving ")
            .and_then(|rest| rest.rsplit_once(" at "))
            .map(|(_, url)| url.trim().to_string())
            .filter(|url| url.starts_with("http://") && url.ends_with('/'))
            .unwrap_or_else(|| panic!("unexpected first line from partnerbook serve: {line:?}"));
        serve.base = url;
        serve
    }

    /// The server's root URL, such as `http://127.0.0.1:PORT/`.
    #[allow(dead_code, reason = "part of the harness for the browser tests to come")]
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The URL of a site path, given without the leading slash (`playbooks/a/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    /// What serve wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Stops the server now (dropping does the same).
    pub(crate) fn stop(self) {}
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- partnerbook serve {} stderr ---\n{}", self.base, self.stderr());
        }
    }
}

// ---------------------------------------------------------------------------
// chromedriver
// ---------------------------------------------------------------------------

/// A running chromedriver; killed when the last session using it is dropped.
/// Chromium's `detach` capability defaults to false, so killing chromedriver
/// also ends any browser a crashed test left behind.
struct Chromedriver {
    child: Mutex<Child>,
    port: u16,
    log: PathBuf,
}

/// The chromedriver shared by the sessions open now.
static DRIVER: Mutex<Weak<Chromedriver>> = Mutex::new(Weak::new());

impl Chromedriver {
    /// The running chromedriver, or a new one.
    fn shared() -> Arc<Chromedriver> {
        let mut slot = DRIVER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(driver) = slot.upgrade() {
            return driver;
        }
        let driver = Arc::new(Self::start());
        *slot = Arc::downgrade(&driver);
        driver
    }

    /// Starts chromedriver on a free port and waits until `/status` says ready.
    /// A port taken between choosing it and chromedriver binding it is retried.
    fn start() -> Chromedriver {
        std::fs::create_dir_all(scratch()).unwrap();
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let log = scratch().join(format!("{}.log", unique("chromedriver")));
            let file = std::fs::File::create(&log).unwrap();
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .spawn()
                .unwrap_or_else(|e| {
                    let _ = std::fs::remove_file(&log);
                    panic!("could not start `{CHROMEDRIVER}`: {e}; {INSTALL_HINT}")
                });
            let driver = Chromedriver { child: Mutex::new(child), port, log };
            match driver.wait_ready() {
                Ok(()) => return driver,
                Err(e) => last = e,
            }
        }
        panic!("chromedriver did not start: {last}");
    }

    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.lock().unwrap().try_wait() {
                return Err(format!("it exited with {status}\n--- its log ---\n{}", self.log_text()));
            }
            if let Ok((200, body)) = http(self.port, "GET", "/status", Duration::from_secs(2))
                && serde_json::from_str::<Value>(&body).ok().and_then(|v| v["value"]["ready"].as_bool()) == Some(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "/status did not answer ready within {STARTUP:?}\n--- its log ---\n{}",
                    self.log_text()
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A blocking HTTP/1.1 request to chromedriver on 127.0.0.1 (for `/status`,
/// for ending a session from `Drop`, where nothing can be awaited, and for
/// DevTools commands), with an optional JSON body. The answer is read by its
/// `Content-Length`: chromedriver keeps the connection open.
pub(crate) fn http_json(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> std::io::Result<(u16, String)> {
    let stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        &stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut reader = BufReader::new(&stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut answer = vec![0u8; length];
    reader.read_exact(&mut answer)?;
    Ok((status, String::from_utf8_lossy(&answer).into_owned()))
}

fn http(port: u16, method: &str, path: &str, timeout: Duration) -> std::io::Result<(u16, String)> {
    http_json(port, method, path, "", timeout)
}

// ---------------------------------------------------------------------------
// A browser session
// ---------------------------------------------------------------------------

/// One headless Chromium session with its own fresh profile; ended on drop.
pub(crate) struct Browser {
    client: Client,
    session: String,
    profile: PathBuf,
    driver: Arc<Chromedriver>,
}

impl Browser {
    /// Starts a headless Chromium (1280×900) through the shared chromedriver.
    pub(crate) async fn open() -> Browser {
        assert!(Path::new(CHROMIUM).is_file(), "{CHROMIUM} is missing; {INSTALL_HINT}");
        let driver = Chromedriver::shared();
        let profile = scratch().join(unique("profile"));
        std::fs::create_dir_all(&profile).unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.display()),
            "--window-size=1280,900",
        ];
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut builder = ClientBuilder::new(connector);
        builder.capabilities(caps);
        let url = driver.url();
        let connect = builder.connect(&url);
        let client = match tokio::time::timeout(STARTUP, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                panic!("could not open a Chromium session: {e}\n--- chromedriver log ---\n{}", driver.log_text())
            }
            Err(_) => panic!("no Chromium session within {STARTUP:?}\n--- chromedriver log ---\n{}", driver.log_text()),
        };
        let session = client.session_id().await.ok().flatten().expect("a session id");
        Browser { client, session, profile, driver }
    }

    /// The fantoccini client, for anything the helpers here do not cover.
    #[allow(dead_code, reason = "part of the harness for the browser tests to come")]
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for its load event.
    pub(crate) async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            panic!("could not open {url}: {e}");
        }
    }

    /// Runs a script body (use `return` for a value) and gives its result.
    pub(crate) async fn execute(&self, script: &str) -> Value {
        match self.client.execute(script, vec![]).await {
            Ok(v) => v,
            Err(e) => panic!("script failed: {e}\n--- script ---\n{script}"),
        }
    }

    /// The value of a JavaScript expression.
    pub(crate) async fn eval(&self, expression: &str) -> Value {
        self.execute(&format!("return ({expression});")).await
    }

    /// Polls the JavaScript expression `condition` until it is truthy, for at
    /// most `timeout`. Script errors (as while the page reloads) count as false.
    /// On timeout, saves a screenshot named after the test and panics with the
    /// last value or error.
    pub(crate) async fn wait_for(&self, condition: &str, timeout: Duration) {
        let script = format!("return !!({condition});");
        let deadline = Instant::now() + timeout;
        let mut last;
        loop {
            match self.client.execute(&script, vec![]).await {
                Ok(Value::Bool(true)) => return,
                Ok(v) => last = format!("value {v}"),
                Err(e) => last = format!("error {e}"),
            }
            if Instant::now() >= deadline {
                let shot = self.try_screenshot(&format!("{}-timeout", test_name())).await;
                let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                panic!(
                    "timed out after {timeout:?} waiting for `{condition}` (last: {last}) on {url}; screenshot: {}",
                    shot.map(|p| p.display().to_string()).unwrap_or_else(|e| format!("none ({e})"))
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves a PNG of the viewport as `target/screenshots/NAME.png` and gives its path.
    pub(crate) async fn screenshot(&self, name: &str) -> PathBuf {
        match self.try_screenshot(name).await {
            Ok(p) => p,
            Err(e) => panic!("could not save screenshot {name}: {e}"),
        }
    }

    async fn try_screenshot(&self, name: &str) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        let dir = screenshots();
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        Ok(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session with a blocking request: it runs even when a test
        // panicked, and needs no runtime. fantoccini's own close on drop of the
        // client then finds the session gone, which it ignores.
        let _ = http(self.driver.port, "DELETE", &format!("/session/{}", self.session), STARTUP);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Polls `expression` until its value (as JSON) is `want`; on timeout saves a
/// screenshot and fails showing the last value.
pub(crate) async fn wait_value(browser: &Browser, expression: &str, want: Value, timeout: Duration) {
    let script = format!("return ({expression});");
    let deadline = Instant::now() + timeout;
    loop {
        let last = match browser.client().execute(&script, vec![]).await {
            Ok(v) if v == want => return,
            Ok(v) => format!("{v:#}"),
            Err(e) => format!("error {e}"),
        };
        if Instant::now() >= deadline {
            let shot = browser.screenshot(&format!("{}-timeout", test_name())).await;
            panic!(
                "timed out after {timeout:?} waiting for `{expression}`\n--- want ---\n{want:#}\n--- last ---\n{last}\n\
                 screenshot: {}",
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// `target/screenshots`, beside `target/tmp` (so it follows `CARGO_TARGET_DIR`).
pub(crate) fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("CARGO_TARGET_TMPDIR has a parent").join("screenshots")
}

/// A JavaScript string literal for `text`.
pub(crate) fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A served copy of a fixture guide and a fresh browser on one of its pages.
/// `ready` is the script condition that says a page is usable (its scripts set up).
pub(crate) struct Site {
    pub(crate) browser: Browser,
    pub(crate) serve: Serve,
    ready: &'static str,
    _guide: crate::support::GuideTest,
}

impl Site {
    /// Serves a copy of `fixture` (below tests/testsuite) and opens `path` in a fresh browser.
    pub(crate) async fn open(fixture: &str, ready: &'static str, path: &str) -> Site {
        Self::open_guide(crate::support::GuideTest::from_dir(fixture), ready, path).await
    }

    /// Serves `guide` (a fixture copy a test may have added files to) and opens `path` in a fresh browser.
    pub(crate) async fn open_guide(guide: crate::support::GuideTest, ready: &'static str, path: &str) -> Site {
        Self::open_guide_with(guide, &[], ready, path).await
    }

    /// Like [`Site::open_guide`], with more arguments for `serve`.
    pub(crate) async fn open_guide_with(
        guide: crate::support::GuideTest,
        serve_args: &[&str],
        ready: &'static str,
        path: &str,
    ) -> Site {
        let serve = Serve::start_with(&guide.guide(), serve_args);
        let browser = Browser::open().await;
        let site = Site { browser, serve, ready, _guide: guide };
        site.goto(path).await;
        site
    }

    /// The served guide's folder, for a test that reads or changes its files.
    pub(crate) fn guide(&self) -> &crate::support::GuideTest {
        &self._guide
    }

    /// Opens a site path and waits until the page is ready.
    pub(crate) async fn goto(&self, path: &str) {
        self.browser.goto(&self.serve.url(path)).await;
        self.browser.wait_for(self.ready, Duration::from_secs(5)).await;
    }
}

impl std::ops::Deref for Site {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}
