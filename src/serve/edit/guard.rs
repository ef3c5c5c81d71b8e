//! The checks every edit request passes before anything is read or written:
//! editing on, the per-process token (compared in constant time), an `Origin`
//! equal to the server's own, a `Host` that names the bound address (against
//! DNS rebinding), the body size, and a file path inside the guide's own
//! folders named as `new` names files. Pure functions, except
//! [`resolve`], which looks at the disk for symlinks.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use subtle::ConstantTimeEq;

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// A refused request: its status and one line for the answer and the log.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// 400, 403 or 413.
    pub(crate) status: u16,
    /// `forbidden`, `invalid` or `too-large`.
    pub(crate) error: &'static str,
    /// What was wrong.
    pub(crate) message: String,
    /// How to go on, when there is a way.
    pub(crate) hint: Option<String>,
}

impl Refusal {
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Refusal { status: 403, error: "forbidden", message: message.into(), hint: None }
    }

    pub(crate) fn invalid(message: impl Into<String>, hint: Option<String>) -> Self {
        Refusal { status: 400, error: "invalid", message: message.into(), hint }
    }
}

/// A fresh random token: 32 hex digits from the system's random source.
pub(crate) fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// True when `given` is the token, compared in constant time.
pub(crate) fn token_ok(given: Option<&str>, token: &str) -> bool {
    given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(token.as_bytes())))
}

/// True when the `Host` header names this server: its port, and as host the
/// bound IP, `localhost` when bound to loopback, or any IP literal when bound
/// to every interface. A DNS name other than `localhost` is refused, since a
/// rebinding attack reaches the server only through a name it controls.
pub(crate) fn host_ok(host: Option<&str>, bound: SocketAddr) -> bool {
    let Some(host) = host else { return false };
    let (name, port) = match host.rsplit_once(':') {
        // An IPv6 address must be bracketed, or its colons make the port ambiguous.
        Some((name, port)) if !name.contains(':') || (name.starts_with('[') && name.ends_with(']')) => (name, port),
        _ => return false,
    };
    if port.parse::<u16>().ok() != Some(bound.port()) {
        return false;
    }
    let ip = name.trim_start_matches('[').trim_end_matches(']');
    if name.eq_ignore_ascii_case("localhost") {
        return bound.ip().is_loopback();
    }
    match ip.parse::<std::net::IpAddr>() {
        Ok(ip) => ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// True when `Origin` is this server's own origin: `http://` and the `Host` header.
pub(crate) fn origin_ok(origin: Option<&str>, host: Option<&str>) -> bool {
    matches!((origin, host), (Some(o), Some(h)) if o.strip_prefix("http://") == Some(h))
}

/// Reads at most [`MAX_BODY`] bytes of a body, whatever `Content-Length` says.
pub(crate) fn read_body(reader: &mut dyn Read) -> Result<Vec<u8>, Refusal> {
    let mut body = Vec::new();
    let limit = MAX_BODY as u64 + 1;
    reader
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| Refusal::invalid(format!("cannot read the request body: {e}"), None))?;
    if body.len() > MAX_BODY {
        return Err(Refusal {
            status: 413,
            error: "too-large",
            message: format!("the request body is over {} bytes", MAX_BODY),
            hint: Some("split the text into smaller files".into()),
        });
    }
    Ok(body)
}

/// Which files an endpoint may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Editable {
    /// `partners/**.yaml`.
    Partner,
    /// `playbooks/**.md` and `pages/**.md`.
    Markdown,
    /// Either.
    Any,
}

/// Checks a file path from a request: relative, `/`-separated, every segment
/// a slug (lower-case letters, digits, hyphens), under `partners/` with
/// `.yaml` or under `playbooks/` or `pages/` with `.md`, as `what` allows.
pub(crate) fn check_path(rel: &str, what: Editable) -> Result<(), Refusal> {
    let refuse = |why: &str| Err(Refusal::forbidden(format!("`{rel}` cannot be edited: {why}")));
    if rel.contains(['\\', '\0']) || rel.starts_with('/') || rel.contains(':') {
        return refuse("give a path inside the guide, with `/` between folders");
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let (folder, file) = match segments.as_slice() {
        [folder, .., file] if segments.len() >= 2 => (*folder, *file),
        _ => return refuse("only files in playbooks/, partners/ and pages/ can be edited"),
    };
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let allowed = match (folder, ext) {
        ("partners", "yaml") => what != Editable::Markdown,
        ("playbooks" | "pages", "md") => what != Editable::Partner,
        _ => false,
    };
    if !allowed {
        return refuse(match what {
            Editable::Partner => "partner profiles are partners/<name>.yaml",
            Editable::Markdown => "playbooks and pages are playbooks/<name>.md and pages/<name>.md",
            Editable::Any => "only .md files in playbooks/ and pages/ and .yaml files in partners/ can be edited",
        });
    }
    let names = segments[1..segments.len() - 1].iter().copied().chain([stem]);
    for name in names {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return refuse("names are lower-case letters, digits and hyphens, as `partnerbook new` makes them");
        }
    }
    Ok(())
}

/// The file a checked path names inside `guide`, refused when any part of the
/// way is a symlink (it could lead out of the guide) or the file is not there.
pub(crate) fn resolve(guide: &Path, rel: &str) -> Result<PathBuf, Refusal> {
    let mut path = guide.to_path_buf();
    for segment in rel.split('/') {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Refusal::forbidden(format!("`{rel}` cannot be edited: it goes through a symbolic link")));
            }
            Ok(_) => {}
            Err(_) => {
                return Err(Refusal::invalid(
                    format!("`{rel}` does not exist"),
                    Some("reload the page: the file may have been renamed or removed".into()),
                ));
            }
        }
    }
    if !path.is_file() {
        return Err(Refusal::forbidden(format!("`{rel}` is not a file")));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_by_folder_extension_and_name() {
        let cases = [
            ("partners/campus-it.yaml", Editable::Partner, true),
            ("partners/units/campus-it.yaml", Editable::Partner, true),
            ("playbooks/run-the-meeting.md", Editable::Markdown, true),
            ("pages/about.md", Editable::Markdown, true),
            ("pages/about.md", Editable::Partner, false),
            ("partners/campus-it.yaml", Editable::Markdown, false),
            ("../site.yaml", Editable::Any, false),
            ("site.yaml", Editable::Any, false),
            ("partners/x.txt", Editable::Any, false),
            ("partners/x.yml", Editable::Any, false),
            ("partners/../site.yaml", Editable::Any, false),
            ("partners/./x.yaml", Editable::Any, false),
            ("partners/.x.yaml", Editable::Any, false),
            ("partners/.git/x.yaml", Editable::Any, false),
            ("/etc/partners/x.yaml", Editable::Any, false),
            ("partners\\x.yaml", Editable::Any, false),
            ("partners//x.yaml", Editable::Any, false),
            ("partners/X.yaml", Editable::Any, false),
            ("partners/x y.yaml", Editable::Any, false),
            ("static/x.md", Editable::Any, false),
            ("C:/partners/x.yaml", Editable::Any, false),
            ("partners/x.yaml\0", Editable::Any, false),
        ];
        for (rel, what, ok) in cases {
            assert_eq!(check_path(rel, what).is_ok(), ok, "{rel}");
        }
    }

    #[test]
    fn host_must_name_the_bound_address() {
        let lo: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        let v6: SocketAddr = "[::1]:8000".parse().unwrap();
        let cases = [
            (Some("127.0.0.1:8000"), lo, true),
            (Some("localhost:8000"), lo, true),
            (Some("LOCALHOST:8000"), lo, true),
            (Some("127.0.0.1:8001"), lo, false),
            (Some("evil.example:8000"), lo, false),
            (Some("127.0.0.1"), lo, false),
            (None, lo, false),
            (Some("192.168.1.5:8000"), any, true),
            (Some("localhost:8000"), any, false),
            (Some("attacker.test:8000"), any, false),
            (Some("[::1]:8000"), v6, true),
            (Some("::1:8000"), v6, false),
        ];
        for (host, bound, ok) in cases {
            assert_eq!(host_ok(host, bound), ok, "{host:?} on {bound}");
        }
    }

    #[test]
    fn origin_and_token_must_match() {
        assert!(origin_ok(Some("http://127.0.0.1:8000"), Some("127.0.0.1:8000")));
        assert!(!origin_ok(Some("http://evil:8000"), Some("127.0.0.1:8000")));
        assert!(!origin_ok(Some("https://127.0.0.1:8000"), Some("127.0.0.1:8000")));
        assert!(!origin_ok(None, Some("127.0.0.1:8000")));
        assert!(!origin_ok(Some("null"), Some("127.0.0.1:8000")));
        assert!(token_ok(Some("abc"), "abc"));
        assert!(!token_ok(Some("abd"), "abc"));
        assert!(!token_ok(Some("ab"), "abc"));
        assert!(!token_ok(None, "abc"));
        let t = new_token().unwrap();
        assert_eq!(t.len(), 32);
        assert_ne!(t, new_token().unwrap());
    }

    #[test]
    fn bodies_over_the_limit_are_refused_whatever_they_claim() {
        let big = vec![b'x'; MAX_BODY + 10];
        assert_eq!(read_body(&mut big.as_slice()).unwrap_err().status, 413);
        let ok = vec![b'x'; MAX_BODY];
        assert_eq!(read_body(&mut ok.as_slice()).unwrap().len(), MAX_BODY);
    }
}
