//! `check --external`: every web link of the guide asked for, against a server
//! on loopback started here, which counts the requests it is sent.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::GuideTest;

/// A server on loopback that answers by path, records each request as
/// `METHOD /path`, and keeps the most connections it had open at once.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
    most_at_once: Arc<InFlight>,
}

/// Connections open now and the most ever open at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let most_at_once = Arc::new(InFlight::default());
        let (seen, location, flight) = (Arc::clone(&requests), base.clone(), Arc::clone(&most_at_once));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, location, flight) = (Arc::clone(&seen), location.clone(), Arc::clone(&flight));
                std::thread::spawn(move || answer(stream, &seen, &location, &flight));
            }
        });
        Server { base, requests, most_at_once }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, seen: &Mutex<Vec<String>>, base: &str, flight: &InFlight) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    seen.lock().unwrap().push(format!("{method} {path}"));
    // The slow answer is left out of the count: the client gives up on it while
    // this side still sleeps, so its connection stays counted after it is closed.
    let counted = path != "/slow";
    if counted {
        let open = flight.now.fetch_add(1, Ordering::SeqCst) + 1;
        flight.most.fetch_max(open, Ordering::SeqCst);
    }
    let page = "<html><body><h2 id=\"hours\">Hours</h2><a name=\"rooms\"></a></body></html>";
    let (status, extra, body) = match path.as_str() {
        "/ok" | "/page" => ("200 OK", String::new(), page),
        "/gone" => ("404 Not Found", String::new(), "gone"),
        "/moved" => ("301 Moved Permanently", format!("Location: {base}/gone\r\n"), ""),
        "/removed" => ("410 Gone", String::new(), "removed"),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new(), ""),
        "/no-head" => ("200 OK", String::new(), page),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(2500));
            ("200 OK", String::new(), page)
        }
        _ => ("404 Not Found", String::new(), "no such page"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if counted {
        // Long enough for requests sent at once to overlap here; the count drops
        // before the answer goes out, so a lane's next request never meets it.
        std::thread::sleep(Duration::from_millis(50));
        flight.now.fetch_sub(1, Ordering::SeqCst);
    }
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(body.as_bytes());
    }
}

/// A guide whose playbook, page and partner link to `base`, with `settings` in site.yaml.
fn guide(base: &str, settings: &str) -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", &format!("title: Outreach\n{settings}"))
        .file(
            "playbooks/meet.md",
            &format!(
                "---\ntitle: Meet\nsummary: S.\nstage: meet\n---\n\n\
                 Fine: [ok]({base}/ok) and [hours]({base}/page#hours) and <{base}/no-head>.\n\
                 Gone: [gone]({base}/gone).\n\
                 Moved: [moved]({base}/moved \"Moved\").\n\
                 Removed: {base}/removed.\n\
                 Slow: [slow]({base}/slow).\n\
                 Anchor: [missing]({base}/page#missing).\n\
                 Skipped: [sign in]({base}/skipped/login).\n\n\
                 Code is not a link: `{base}/in-code`\n\n\
                 ```sh\ncurl {base}/in-a-block\n```\n"
            ),
        )
        .file("pages/about.md", &format!("---\ntitle: About\n---\n\nAgain: [gone]({base}/gone) and [ok]({base}/ok).\n"))
        .file("partners/campus-it.yaml", &format!("name: Campus IT\nnotes: |\n  Status page: {base}/removed\n"));
    t
}

// Short enough for a quick test, long enough for loopback on a busy machine.
const FAST: &str = "--link-timeout-ms=1000";

#[test]
fn broken_links_are_warned_at_their_place_with_status_and_final_url() {
    let server = Server::start();
    let b = &server.base;
    let t = guide(b, &format!("skip_links:\n  - {b}/skipped/\n"));
    let run = t.run(&["check", "--external", FAST]).success();
    // The arrow's indent follows the width of the line number.
    let e = &run.stderr.replace("\n  --> ", "\n --> ");
    let expect = [
        format!("warning: broken link: HTTP 404 at {b}/gone\n --> playbooks/meet.md:8:14"),
        format!("warning: broken link: HTTP 404 at {b}/gone (redirected from {b}/moved)\n --> playbooks/meet.md:9:16"),
        format!("warning: broken link: HTTP 410 at {b}/removed\n --> playbooks/meet.md:10:10"),
        format!("warning: broken link: no answer from {b}/slow (timed out"),
        format!(
            "warning: broken link: HTTP 200 at {b}/page, but the page has no `#missing`\n --> playbooks/meet.md:12:19"
        ),
        format!("warning: broken link: HTTP 404 at {b}/gone\n --> pages/about.md:5:15"),
        format!("warning: broken link: HTTP 410 at {b}/removed\n --> partners/campus-it.yaml:3:16"),
    ];
    for want in &expect {
        assert!(e.contains(want.as_str()), "missing {want:?} in:\n{e}");
    }
    assert_eq!(e.matches("warning: broken link").count(), expect.len(), "{e}");
    assert!(e.contains("meet.md:11:"), "the slow link's place: {e}");

    let asked = server.requests();
    assert!(!asked.iter().any(|r| r.contains("/skipped/")), "a skip_links prefix was asked for: {asked:?}");
    assert!(!asked.iter().any(|r| r.contains("/in-")), "an address in code was asked for: {asked:?}");
    // HEAD first; GET where HEAD is refused and where a #part must be looked for.
    assert!(asked.contains(&"HEAD /no-head".to_string()) && asked.contains(&"GET /no-head".to_string()), "{asked:?}");
    assert!(asked.contains(&"GET /page".to_string()) && !asked.contains(&"HEAD /page".to_string()), "{asked:?}");
    // Each address once however often it is written; the slow one retried once.
    assert_eq!(asked.iter().filter(|r| *r == "HEAD /gone").count(), 2, "once itself, once via /moved: {asked:?}");
    assert_eq!(asked.iter().filter(|r| *r == "HEAD /ok").count(), 1, "{asked:?}");
    assert_eq!(asked.iter().filter(|r| *r == "HEAD /slow").count(), 2, "{asked:?}");
    assert!(t.guide().join(".partnerbook/links.json").is_file());
    // Every address is on one host: never more than two requests to it at once.
    let most = server.most_at_once.most.load(Ordering::SeqCst);
    assert!((1..=2).contains(&most), "{most} requests at once to one host");

    // JSON: the same warnings, one object a line.
    let before = server.requests().len();
    let json = t.run(&["check", "--external", FAST, "--format", "json"]).success();
    assert_eq!(server.requests().len(), before, "the second run is answered from the cache");
    let lines: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["code"] == "broken-link")
        .collect();
    assert_eq!(lines.len(), expect.len(), "{}", json.stdout);
    let moved = lines.iter().find(|v| v["message"].as_str().unwrap().contains("redirected")).unwrap();
    assert!(moved["file"].as_str().unwrap().ends_with("playbooks/meet.md"), "{moved}");
    assert_eq!((moved["line"].as_u64(), moved["column"].as_u64()), (Some(9), Some(16)));
    assert_eq!(moved["severity"], "warning");
    assert!(moved["message"].as_str().unwrap().contains(&format!("HTTP 404 at {b}/gone")), "{moved}");
}

#[test]
fn the_cache_answers_within_link_cache_days_and_not_after() {
    let server = Server::start();
    let t = guide(&server.base, "");
    t.run(&["check", "--external", FAST]).success();
    let first = server.requests().len();
    assert!(first >= 8, "{:?}", server.requests());
    let second = t.run(&["check", "--external", FAST]).success();
    assert_eq!(server.requests().len(), first, "the second run asked a server: {:?}", server.requests());
    assert_eq!(second.stderr.matches("warning: broken link").count(), 8, "{}", second.stderr);

    // With no days to keep answers, every run asks again.
    t.file("site.yaml", "title: Outreach\nlink_cache_days: 0\n");
    t.run(&["check", "--external", FAST]).success();
    assert_eq!(server.requests().len(), 2 * first, "{:?}", server.requests());
    // The cache folder is never read as part of the guide.
    t.run(&["check"]).success();
}

#[test]
fn without_external_no_server_is_asked() {
    let server = Server::start();
    let t = guide(&server.base, "");
    let run = t.run(&["check"]).success();
    assert!(!run.stderr.contains("broken link"), "{}", run.stderr);
    t.run(&["build"]).success();
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(!t.guide().join(".partnerbook").exists());
}
