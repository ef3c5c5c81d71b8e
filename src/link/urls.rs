//! What makes a web address, a link or an e-mail address unusable or unsafe,
//! read as a browser reads it: for Markdown links (`markdown.rs`), profile
//! values (`warnings.rs`) and the pages that turn addresses into links.

use crate::diag::{Diagnostic, Span};

/// A warning for a web link that cannot work: `http(s):` without `//` or a
/// host, or with white space in it. Called by `markdown.rs` for every link.
pub(crate) fn bad_url(dest: &str, span: Span) -> Option<Diagnostic> {
    let problem = url_problem(dest)?;
    Some(
        Diagnostic::warning(span, format!("the link `{}` is not a valid web address: {problem}", one_line(dest)))
            .with_hint("write it as https://host/path, with spaces written %20")
            .with_code("bad-url"),
    )
}

/// What is wrong with an `http:` or `https:` URL, or `None` (also for any other scheme).
fn url_problem(dest: &str) -> Option<&'static str> {
    let (scheme, rest) = dest.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    if dest.chars().any(char::is_whitespace) {
        return Some("it contains white space");
    }
    let Some(after) = rest.strip_prefix("//") else {
        return Some("`//` and a host must follow the scheme");
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Some("it has no host");
    }
    if host.starts_with('.') || host.ends_with("..") || host.contains("..") {
        return Some("its host is not a domain name");
    }
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '[' | ']' | ':' | '%');
    if !host.chars().all(allowed) {
        return Some("its host has characters a domain name cannot have");
    }
    None
}

/// The scheme of `url` as a browser reads it (leading control characters and
/// spaces dropped, tabs and line breaks removed, lower case) when it is one that
/// runs script or carries a whole document: `javascript:`, `vbscript:`, `data:`.
pub(crate) fn unsafe_scheme(url: &str) -> Option<String> {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    // The scheme is within the first 16 characters, and all ASCII: read into
    // a buffer, so that the common case (a safe link) allocates nothing.
    let mut scheme = [0u8; 16];
    for (len, c) in url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).take(16).enumerate() {
        if c == ':' {
            let scheme = std::str::from_utf8(&scheme[..len]).ok()?;
            return matches!(scheme, "javascript" | "vbscript" | "data").then(|| scheme.to_string());
        }
        if !c.is_ascii() {
            return None;
        }
        scheme[len] = c.to_ascii_lowercase() as u8;
    }
    None
}

/// An e-mail address safe to put behind `mailto:` (no scheme tricks, no header injection).
pub(crate) fn is_plain_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && e.chars().all(|c| c.is_alphanumeric() || "@._+-'".contains(c))
}

/// A text on one line, shortened, for a message.
pub(crate) fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_host_or_with_spaces_are_flagged() {
        let cases = [
            ("https://lib.example.edu/outreach/", None),
            ("http://localhost:8000/x?y#z", None),
            ("https://user@host.example.org", None),
            ("https://[::1]:8000/", None),
            ("HTTPS://EXAMPLE.ORG", None),
            ("mailto:a@b.edu", None),
            ("partner:campus-it", None),
            ("/relative/path", None),
            ("https://", Some("it has no host")),
            ("https:///path", Some("it has no host")),
            ("http:example.org", Some("`//` and a host must follow the scheme")),
            ("https://exa mple.org", Some("it contains white space")),
            ("https://example.org/a b", Some("it contains white space")),
            ("https://exa..mple.org", Some("its host is not a domain name")),
            ("https://exa<mple>.org", Some("its host has characters a domain name cannot have")),
        ];
        for (url, want) in cases {
            assert_eq!(url_problem(url), want, "{url}");
        }
    }

    #[test]
    fn script_and_data_schemes_are_found_as_a_browser_reads_them() {
        let cases = [
            ("javascript:alert(1)", Some("javascript")),
            ("JaVaScRiPt:alert(1)", Some("javascript")),
            (" \u{1}\u{0}javascript:alert(1)", Some("javascript")),
            ("java\tscr\nipt:alert(1)", Some("javascript")),
            ("vbscript:msgbox", Some("vbscript")),
            ("DATA:text/html,<script>x</script>", Some("data")),
            ("https://example.org/javascript:x", None),
            ("mailto:a@b.edu", None),
            ("&#x6A;avascript:alert(1)", None),
            ("partner:campus-it", None),
            ("ana@example.edu", None),
            ("j\u{430}vascript:alert(1)", None),
            ("aaaaaaaaaaaaaaaaadata:x", None),
            ("d\na\rt\ta:x", Some("data")),
        ];
        for (url, want) in cases {
            assert_eq!(unsafe_scheme(url).as_deref(), want, "{url:?}");
        }
    }

    #[test]
    fn only_plain_addresses_are_plain() {
        assert!(is_plain_email("ana.ruiz@example.edu"));
        assert!(!is_plain_email("javascript:alert(1)//@x.org"));
        assert!(!is_plain_email("a@b.edu?subject=x"));
        assert!(!is_plain_email("ana.ruiz(at)example.edu"));
        assert!(!is_plain_email("@example.edu"));
    }
}
