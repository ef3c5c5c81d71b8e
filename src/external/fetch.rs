//! Asking servers about addresses. `ureq` (2.x, with rustls): a small,
//! blocking HTTP client, which fits a command that runs once and exits; an
//! async runtime would add weight and nothing else here. Concurrency is
//! std threads: a few hosts at a time, at most `PER_HOST` requests at once
//! to any one host, so that a guide with fifty links to one catalogue does
//! not hammer it.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Requests at once to one host.
const PER_HOST: usize = 2;
/// Requests at once in all.
const WORKERS: usize = 8;
/// Attempts on a connection error (the first one and a retry).
const ATTEMPTS: usize = 2;
/// Redirects followed before giving up.
const REDIRECTS: u32 = 10;

/// What asking for an address gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub(crate) enum Outcome {
    /// A success status (after any redirects), and the anchor, if any, is there.
    Ok {
        /// The final status.
        status: u16,
        /// Where the redirects ended.
        final_url: String,
    },
    /// An error status (4xx, 5xx) where the redirects ended.
    Status {
        /// The status.
        status: u16,
        /// Where the redirects ended.
        final_url: String,
    },
    /// The page is there but holds no `id` or `name` of the address's `#part`.
    MissingAnchor {
        /// The final status.
        status: u16,
        /// Where the redirects ended.
        final_url: String,
        /// The part, without `#`.
        anchor: String,
    },
    /// No answer: the host is unknown, refused the connection or timed out.
    NoAnswer {
        /// What went wrong.
        error: String,
    },
}

/// Asks for every address in `urls`, a few hosts at a time; the outcomes in no set order.
pub(crate) fn check_all(urls: &[String], timeout: Duration) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(timeout)
        .timeout(timeout)
        .redirects(REDIRECTS)
        .user_agent(concat!("partnerbook/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build();
    // The addresses of each host are dealt into at most PER_HOST lanes; a lane
    // is worked through one address after another, so no host ever sees more
    // than PER_HOST requests at once.
    let mut by_host: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for url in urls {
        let lanes = by_host.entry(host(url)).or_default();
        if lanes.len() < PER_HOST {
            lanes.push(vec![url.clone()]);
        } else {
            let shortest = lanes.iter_mut().min_by_key(|l| l.len()).expect("PER_HOST > 0");
            shortest.push(url.clone());
        }
    }
    let lanes: Vec<Vec<String>> = by_host.into_values().flatten().collect();
    let workers = WORKERS.min(lanes.len());
    let queue = Mutex::new(lanes);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some(lane) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop() else { break };
                    for url in lane {
                        let outcome = check_one(&agent, &url);
                        results.lock().unwrap_or_else(|e| e.into_inner()).push((url, outcome));
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The host (and port) of an address, lower case, for the per-host limit.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest[..end].to_ascii_lowercase()
}

/// Asks for one address: HEAD, then GET when HEAD is refused (405, 501) or
/// when the address names a `#part` that only the page's HTML can confirm.
fn check_one(agent: &ureq::Agent, url: &str) -> Outcome {
    let (page, anchor) = match url.split_once('#') {
        Some((page, anchor)) if !anchor.is_empty() => (page, Some(anchor)),
        Some((page, _)) => (page, None),
        None => (url, None),
    };
    if anchor.is_none() {
        match ask(agent, "HEAD", page) {
            Answer::Status { status: 405 | 501, .. } => {}
            answer => return answer.outcome(),
        }
    }
    match (ask(agent, "GET", page), anchor) {
        (Answer::Ok { status, final_url, body }, Some(anchor)) if !has_anchor(&body, anchor) => {
            Outcome::MissingAnchor { status, final_url, anchor: anchor.to_string() }
        }
        (answer, _) => answer.outcome(),
    }
}

/// One request's answer, before the anchor is looked for.
enum Answer {
    Ok { status: u16, final_url: String, body: String },
    Status { status: u16, final_url: String },
    Silence { error: String },
}

impl Answer {
    fn outcome(self) -> Outcome {
        match self {
            Answer::Ok { status, final_url, .. } => Outcome::Ok { status, final_url },
            Answer::Status { status, final_url } => Outcome::Status { status, final_url },
            Answer::Silence { error } => Outcome::NoAnswer { error },
        }
    }
}

/// Sends one request (redirects followed), retrying once on a connection error.
fn ask(agent: &ureq::Agent, method: &str, url: &str) -> Answer {
    let mut last = String::new();
    for _ in 0..ATTEMPTS {
        match agent.request(method, url).call() {
            Ok(response) => {
                let (status, final_url) = (response.status(), response.get_url().to_string());
                // Only a GET's body is read, and only to look for an anchor; an
                // unreadable body leaves the anchor unfound.
                let body = if method == "GET" { response.into_string().unwrap_or_default() } else { String::new() };
                return Answer::Ok { status, final_url, body };
            }
            Err(ureq::Error::Status(status, response)) => {
                return Answer::Status { status, final_url: response.get_url().to_string() };
            }
            Err(ureq::Error::Transport(t)) => {
                // ureq's text is "URL: Kind: Kind: detail"; the warning names the
                // address already, and the innermost detail says what happened.
                let text = t.to_string();
                last = text.rsplit(": ").next().unwrap_or(&text).to_string();
                // A malformed address or a redirect loop will not mend on a retry.
                if matches!(
                    t.kind(),
                    ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme | ureq::ErrorKind::TooManyRedirects
                ) {
                    break;
                }
            }
        }
    }
    Answer::Silence { error: last }
}

/// Whether `html` has an element with `id` or `name` equal to `anchor`
/// (as written, or percent-decoded: `#caf%C3%A9` finds `id="café"`).
fn has_anchor(html: &str, anchor: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
    has_exact_anchor(html, anchor) || has_exact_anchor(html, &decoded)
}

fn has_exact_anchor(html: &str, anchor: &str) -> bool {
    ["id", "name"].iter().any(|attr| {
        [format!("{attr}=\"{anchor}\""), format!("{attr}='{anchor}'")].iter().any(|needle| {
            html.match_indices(needle.as_str())
                .any(|(at, _)| html[..at].chars().next_back().is_some_and(char::is_whitespace))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{has_anchor, host};

    #[test]
    fn anchors_by_id_or_name() {
        assert!(has_anchor("<h2 id=\"hours\">Hours</h2>", "hours"));
        assert!(has_anchor("<a name='hours'></a>", "hours"));
        assert!(!has_anchor("<h2 id=\"hours-2\">", "hours"));
        assert!(!has_anchor("<h2 data-id=\"hours\">", "hours"));
        assert!(!has_anchor("<p>hours</p>", "hours"));
        assert!(has_anchor("<h2 id=\"café\">", "caf%C3%A9"));
    }

    #[test]
    fn hosts() {
        assert_eq!(host("https://Lib.Example.edu:8443/a?b#c"), "lib.example.edu:8443");
        assert_eq!(host("http://a.example"), "a.example");
    }
}
