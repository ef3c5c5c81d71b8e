//! `partnerbook serve` against clients that misbehave or crowd it: connections
//! that never finish their request, idle event streams, a client that
//! pipelines requests and never reads, bodies that are declared and never
//! sent, many clients at once while files change, and paths that try to
//! leave the site in every encoding.
//!
//! No test measures time. A stuck server shows as a normal request that gets
//! no answer within [`WAIT`] (the read timeout of [`request`]), which fails
//! the test instead of hanging it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::*;
use crate::support::read_text;

/// Opens a connection and sends `bytes` (maybe nothing), keeping it open.
fn open_with(addr: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    s.set_write_timeout(Some(WAIT)).unwrap();
    s.write_all(bytes).unwrap();
    s
}

/// Every page of the site answers 200 with a whole page.
#[track_caller]
fn every_page_is_served(s: &Server, pages: &[String]) {
    for page in pages {
        let r = s.get(page);
        assert_eq!(r.status, 200, "GET {page}");
        assert!(r.text().trim_end().ends_with("</html>"), "GET {page}: not a whole page");
    }
}

#[test]
fn half_open_silent_and_idle_clients_do_not_keep_a_normal_request_waiting() {
    let (t, s) = Server::good();
    let pages = html_urls(&full_build(&t, "out"));
    let mut hold: Vec<TcpStream> = Vec::new();
    let partial: [&[u8]; 6] = [
        b"",
        b"G",
        b"GET /playbooks/run-the-m",
        b"GET / HTTP/1.1\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slow",
        b"GET / HTTP/1.1\r\nHost: localhost\r\n",
    ];
    for i in 0..120 {
        hold.push(open_with(s.addr, partial[i % partial.len()]));
    }
    // Bodies declared and never sent: a small one, and one too large to ever allocate.
    for len in ["5000", "1099511627776", "18446744073709551615"] {
        let head = format!("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len}\r\n\r\n");
        hold.push(open_with(s.addr, head.as_bytes()));
    }
    // Answers on one connection go out in order: a client that pipelines many
    // requests and reads none of the answers blocks its own connection only.
    let mut greedy = open_with(s.addr, b"");
    let pipelined = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(2000);
    {
        let mut w = greedy.try_clone().unwrap();
        // The server may stop reading once its answers fill the socket; this writer then waits, harmlessly.
        std::thread::spawn(move || {
            let _ = w.write_all(pipelined.as_bytes());
        });
    }
    // Read the first answer, so the connection is known to be served, then stop reading.
    let mut first = [0u8; 15];
    greedy.set_read_timeout(Some(WAIT)).unwrap();
    greedy.read_exact(&mut first).expect("the pipelining client gets its first answer");
    assert_eq!(&first, b"HTTP/1.1 200 OK");
    // Idle event streams, each past its `hello` (so the server has taken it on).
    let streams: Vec<Events> = (0..64).map(|_| s.events()).collect();

    // A normal client, and then every page, are still served.
    let home = s.page("/");
    assert!(home.contains("Good guide"), "{home}");
    every_page_is_served(&s, &pages);

    // The event streams still work: an edit reaches all of them.
    t.file(
        "playbooks/run-the-meeting.md",
        &read_text(&t.guide().join("playbooks/run-the-meeting.md"))
            .replace("Run the meeting", "Run the crowded meeting"),
    );
    for mut events in streams {
        events.expect("reload");
    }
    assert!(s.page("/playbooks/run-the-meeting/").contains("Run the crowded meeting"));
    drop(hold);
    drop(greedy);
    every_page_is_served(&s, &pages);
}

/// A token written into the edited playbook's title.
fn tokens(html: &str) -> Vec<&str> {
    html.match_indices("Run the meeting v")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            &rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())]
        })
        .collect()
}

#[test]
fn pages_served_during_edits_are_whole_and_from_one_build() {
    let (t, s) = Server::good();
    let pages = html_urls(&full_build(&t, "out"));
    let original = read_text(&t.guide().join("playbooks/run-the-meeting.md"));
    let mut events = s.events();
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let addr = s.addr;
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (stop, served, pages) = (stop.clone(), served.clone(), pages.clone());
            std::thread::spawn(move || {
                let mut n = i;
                // At least one round over every page, then on until the edits are done.
                while n < pages.len() * 8 || !stop.load(Ordering::Relaxed) {
                    let page = &pages[n % pages.len()];
                    n += 1;
                    let r = request(addr, "GET", page);
                    assert_eq!(r.status, 200, "GET {page} during edits: {}", r.text());
                    let html = r.text();
                    assert!(html.starts_with("<!DOCTYPE html>"), "GET {page}: {html}");
                    assert!(html.trim_end().ends_with("</html>"), "GET {page}: truncated:\n{html}");
                    let html = without_live_script(&html);
                    assert!(!html.contains(OVERLAY), "GET {page}: overlay during good edits");
                    // Every mention of the edited title comes from the same build.
                    let seen = tokens(&html);
                    assert!(seen.windows(2).all(|w| w[0] == w[1]), "GET {page}: a mix of builds: {seen:?}");
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for v in 1..=15 {
        t.file(
            "playbooks/run-the-meeting.md",
            &original.replace("title: Run the meeting", &format!("title: Run the meeting v{v}")),
        );
        events.expect("reload");
    }
    // Also a save through a temporary file and a rename, as many editors do.
    t.file(
        "playbooks/.run-the-meeting.md.tmp",
        &original.replace("title: Run the meeting", "title: Run the meeting v99"),
    );
    std::fs::rename(
        t.guide().join("playbooks/.run-the-meeting.md.tmp"),
        t.guide().join("playbooks/run-the-meeting.md"),
    )
    .unwrap();
    events.expect("reload");
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        if let Err(panic) = c.join() {
            std::panic::resume_unwind(panic);
        }
    }
    assert!(served.load(Ordering::Relaxed) >= pages.len() * 8);
    s.settle(&mut events, "the last edit", page_has("/playbooks/run-the-meeting/", &["Run the meeting v99"]));
}

#[test]
fn encoded_traversals_and_source_files_answer_the_sites_own_404_page() {
    let (t, s) = Server::good();
    t.file(".git/config", "[remote \"origin\"]\n\turl = TOP-SECRET-GIT\n");
    t.file(".git/HEAD", "ref: refs/heads/TOP-SECRET-GIT\n");
    std::fs::write(t.root().join("secret.txt"), "TOP-SECRET-OUTSIDE\n").unwrap();
    let not_found = without_live_script(&s.get("/404.html").text());
    assert!(not_found.contains("Page not found"));
    let mut targets = traversal_targets(s.addr.port());
    targets.extend(
        [
            "/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/%2E%2E%2F%2E%2E%2Fsecret.txt",
            "/playbooks/%2e%2e/%2e%2e/secret.txt",
            "/%2f",
            "/%2fsecret.txt",
            "/%2f%2e%2e%2fsecret.txt",
            "/%5c",
            "/%5csecret.txt",
            "/playbooks%5c..%5c..%5csecret.txt",
            "/%252e%252e%252f",
            "/%252e%252e%252fsecret.txt",
            "/%25252e%25252e%25252fsecret.txt",
            "/%c0%ae%c0%ae%c0%afsecret.txt",
            "/%c0%ae%c0%ae/secret.txt",
            "/%e0%80%ae%e0%80%ae/secret.txt",
            "/%c1%9c..%c1%9csecret.txt",
            "/%00",
            "/%00/../secret.txt",
            "/.%00./secret.txt",
            "/playbooks%00/",
            "/index.html%00",
            "/..%2F%2e%2E%5c%252e/secret.txt",
            "/.%2e/%2e./secret.txt",
            "/playbooks/run-the-meeting.md",
            "/playbooks/x.md",
            "/playbooks/run-the-meeting/index.md",
            "/partners/campus-it.yaml",
            "/partners/x.yaml",
            "/site.yaml",
            "/%73ite.yaml",
            "/.git/config",
            "/.git/HEAD",
            "/%2egit/config",
            "/.git%2fconfig",
            "/guide/.git/config",
            "/static/../site.yaml",
            "/pages/about.md",
        ]
        .map(String::from),
    );
    for target in &targets {
        let r = s.get(target);
        assert_eq!(r.status, 404, "GET {target} answered {}:\n{}", r.text(), r.status);
        assert_eq!(without_live_script(&r.text()), not_found, "GET {target}: not the site's 404 page");
    }
    assert!(s.page("/").contains("Good guide"));
}

/// Waits until stderr holds more than `seen` copies of `needle`; false after [`WAIT`].
fn await_more(s: &Server, needle: &str, seen: usize) -> bool {
    let deadline = Instant::now() + WAIT;
    let (text, more) = &*s.stderr;
    let mut guard = text.lock().unwrap();
    while guard.matches(needle).count() <= seen {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        guard = more.wait_timeout(guard, deadline - now).unwrap().0;
    }
    true
}

/// GET / on a fresh connection, or why it failed.
fn try_home(addr: SocketAddr) -> Result<u16, String> {
    let mut c = TcpStream::connect_timeout(&addr, WAIT).map_err(|e| e.to_string())?;
    c.set_read_timeout(Some(WAIT)).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    parse_response(&raw, false).map(|r| r.status)
}

#[test]
fn running_out_of_file_descriptors_stops_the_server_only_while_it_lasts() {
    // tiny_http takes two descriptors per connection: the one `accept` returns
    // and a copy. Depending on whether the limit leaves an odd or an even
    // number free, the burst ends with `accept` failing (an error the server
    // is told of) or with the copy failing (tiny_http's thread dies, and only
    // the listener closing tells). Both limits are tried, so both ways are.
    for limit in [64, 65] {
        out_of_file_descriptors_at(limit);
    }
}

fn out_of_file_descriptors_at(limit: u32) {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start_limited(&t, &[], Some(limit));
    // More connections than the server has file descriptors for, held open.
    let burst: Vec<TcpStream> = (0..150).filter_map(|_| TcpStream::connect_timeout(&s.addr, WAIT).ok()).collect();
    s.wait_stderr("stopped accepting connections");
    drop(burst);
    // Each failed attempt waits for the server to say it listens again.
    const AGAIN: &str = "listening again at";
    let deadline = Instant::now() + WAIT;
    for attempt in 0.. {
        let seen = s.stderr().matches(AGAIN).count();
        match try_home(s.addr) {
            Ok(200) => break,
            // While the burst's last connections are still being closed, the
            // server may be short of a thread for this one: tiny_http answers
            // 500 and the next request is served. Nothing announces the moment.
            Ok(500) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(status) => panic!("GET / answered {status} after the burst (limit {limit})\n{}", s.stderr()),
            Err(why) => assert!(
                attempt < 100 && await_more(&s, AGAIN, seen),
                "the server does not listen again after the burst (limit {limit}): {why}\n{}",
                s.stderr()
            ),
        }
    }
    assert!(s.page("/").contains("Good guide"));
    assert!(!s.stderr().contains("another port"), "{}", s.stderr());
}
