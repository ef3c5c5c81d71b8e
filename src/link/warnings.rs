//! Warnings: things in a guide that build fine but that an editor should fix.
//! Partners not contacted for too long, overdue next steps and action items,
//! playbooks without a stage, partners no playbook mentions, missing
//! summaries, malformed contact e-mails and (from `markdown.rs`, where link
//! positions are known) malformed web links. Each has a stable code, so that
//! `check --format json` can be filtered and turned into CI annotations.
//! Pure: it reads the linked guide and the source texts, and pushes
//! `Severity::Warning` diagnostics; it never changes the guide.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use super::guide::{Guide, Partner, Playbook};
use super::rules::{OpenItem, stale_days};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
use crate::load::fields::{Date, Stage};
use crate::load::playbook::PlaybookSrc;
use crate::load::yaml::Spanned;
use crate::source::FileId;

/// Pushes every warning about the linked `guide` (the playbooks it holds:
/// drafts only when they were linked in).
pub fn check(sources: &Sources, guide: &Guide, diags: &mut Diagnostics) {
    let files = &sources.files;
    let partner_files: HashMap<&str, FileId> = sources.partners.iter().map(|p| (p.slug.as_str(), p.file)).collect();
    // Each item is checked on its own, on every core; the warnings keep the items' order.
    let per_partner: Vec<Vec<Diagnostic>> = guide
        .partners
        .par_iter()
        .map(|(slug, partner)| {
            let mut found = Vec::new();
            if let Some(&file) = partner_files.get(slug.as_str()) {
                check_partner(file, files.get(file).text.as_str(), guide, partner, &mut found);
            }
            found
        })
        .collect();
    per_partner.into_iter().flatten().for_each(|d| diags.push(d));

    if let (Some(file), Some(url)) = (sources.config_file, guide.settings.edit_url.as_deref())
        && unsafe_scheme(url).is_some()
    {
        diags.push(unsafe_value(file, &files.get(file).text, url));
    }

    let per_playbook: Vec<Vec<Diagnostic>> = sources
        .playbooks
        .par_iter()
        .map(|p| {
            let mut found = Vec::new();
            if let Some(playbook) = guide.playbooks.get(&p.slug) {
                check_playbook(p, files.get(p.file).text.as_str(), playbook, &mut found);
            }
            found
        })
        .collect();
    per_playbook.into_iter().flatten().for_each(|d| diags.push(d));
}

/// Pushes the warnings about one partner of `guide`, whose profile is `text`;
/// `guide.actions` already holds the partner's open items.
pub(super) fn check_partner(
    file: FileId,
    text: &str,
    guide: &Guide,
    partner: &Partner,
    diags: &mut impl Extend<Diagnostic>,
) {
    let slug = &partner.slug;
    let mut diags = Pusher(diags);
    {
        let whole = 0..text.len();
        let pr = &partner.profile;
        let name_span = key_span(file, text, whole.clone(), "name");

        if let Some(days) = stale_days(pr.last_contact, pr.status, guide.today, guide.settings.stale_after_days) {
            let span = value_span(file, text, whole.clone(), "last_contact").unwrap_or_else(|| name_span.clone());
            diags.push(
                Diagnostic::warning(
                    span,
                    format!(
                        "no contact with `{slug}` for {days} days (more than stale_after_days, {})",
                        guide.settings.stale_after_days
                    ),
                )
                .with_hint(
                    "after the next contact, update `last_contact`; if the partnership is on hold, set `status: paused`, if it is over, `status: ended`",
                )
                .with_code("stale-partner"),
            );
        }

        // One warning per open overdue item, at the date of the copy that wins (see `rules::open_items`).
        for item in guide.actions.of_partner(slug).into_iter().filter(|o| o.when.overdue()) {
            if let Some(due) = item.due_in(pr) {
                diags.push(overdue_item(file, item, due));
            }
        }

        if partner.playbooks.is_empty() {
            diags.push(
                Diagnostic::warning(name_span.clone(), format!("no playbook mentions the partner `{slug}`"))
                    .with_hint(format!(
                        "add `{slug}` to the `partners:` of a playbook, or list playbooks under `playbooks:` here"
                    ))
                    .with_code("unmentioned-partner"),
            );
        }

        if pr.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
            let span = key_span_opt(file, text, whole.clone(), "summary").unwrap_or(name_span);
            diags.push(empty_summary(span, "partner", slug));
        }

        let contact_fields = pr.contacts.iter().flat_map(|c| [c.email.as_deref(), c.phone.as_deref()]).flatten();
        for value in contact_fields.filter(|v| unsafe_scheme(v).is_some()) {
            diags.push(unsafe_value(file, text, value));
        }
        for email in pr.contacts.iter().filter_map(|c| c.email.as_deref()) {
            if !is_plain_email(email) && unsafe_scheme(email).is_none() {
                let at = text.find(email).unwrap_or(0);
                let len = if text.get(at..at + email.len()) == Some(email) { email.len() } else { 0 };
                diags.push(
                    Diagnostic::warning(
                        Span::new(file, at, len),
                        format!("`{}` is not a plain e-mail address", one_line(email)),
                    )
                    .with_hint("write it as name@example.edu; until then it is shown as text, not as a mail link")
                    .with_code("bad-email"),
                );
            }
        }
    }
}

/// Pushes the warnings about one playbook, whose file holds `text`.
pub(super) fn check_playbook(p: &PlaybookSrc, text: &str, playbook: &Playbook, diags: &mut impl Extend<Diagnostic>) {
    let (slug, file) = (&p.slug, p.file);
    let yaml = p.yaml_start..if p.body.start > p.yaml_start { p.body.start } else { text.len() };
    let mut diags = Pusher(diags);
    {
        let title_span = key_span(file, text, yaml.clone(), "title");
        if playbook.stage.is_none() {
            let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
            diags.push(
                Diagnostic::warning(title_span.clone(), format!("the playbook `{slug}` has no stage"))
                    .with_hint(format!(
                        "add `stage: ...` (one of {}) so that it is listed under its step of the outreach cycle",
                        stages.join(", ")
                    ))
                    .with_code("no-stage"),
            );
        }
        if playbook.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
            let span = key_span_opt(file, text, yaml, "summary").unwrap_or(title_span);
            diags.push(empty_summary(span, "playbook", slug));
        }
    }
}

/// `push` on anything diagnostics can be added to ([`Diagnostics`] or a `Vec`).
struct Pusher<'a, E>(&'a mut E);

impl<E: Extend<Diagnostic>> Pusher<'_, E> {
    fn push(&mut self, d: Diagnostic) {
        self.0.extend(std::iter::once(d));
    }
}

/// The warning for an open item due before today, at its `due`.
fn overdue_item(file: FileId, item: &OpenItem, due: &Spanned<Date>) -> Diagnostic {
    let (what, hint) = if item.is_next_step() {
        ("the next step", "do it and write the new next step, or move `due` to a date that will hold")
    } else {
        ("the action item", "set `done: true` when it is done, or move `due` to a date that will hold")
    };
    let message = format!("{what} `{}` was due on {} ({})", one_line(&item.task), due.value, item.when.words);
    Diagnostic::warning(due.span(file, 0), message).with_hint(hint).with_code("overdue-item")
}

fn empty_summary(span: Span, what: &str, slug: &str) -> Diagnostic {
    Diagnostic::warning(span, format!("the {what} `{slug}` has no summary"))
        .with_hint("add `summary: ...`, one or two sentences: lists, search results and link previews show it")
        .with_code("empty-summary")
}

/// A text on one line, shortened, for a message.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// Where the top-level YAML key `key:` is written within `range` of `text`
/// (a line that starts with it), as the key's byte range and its value's.
/// Serde keeps no positions for plain values; a top-level key of a block
/// mapping always starts a line, and each key appears once (duplicates are
/// YAML errors), so the first such line is the one.
fn find_key(text: &str, range: Range<usize>, key: &str) -> Option<(Range<usize>, Range<usize>)> {
    let mut pos = range.start;
    for line in text.get(range.clone())?.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let Some(rest) = line.strip_prefix(key) else { continue };
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let Some(after_colon) = trimmed.strip_prefix(':') else { continue };
        let value = after_colon.trim_start();
        let value_start = pos - value.len();
        // Up to a comment or the end of the line.
        let value = value.split(" #").next().unwrap_or_default().trim_end();
        return Some((start..start + key.len(), value_start..value_start + value.len()));
    }
    None
}

/// The span of a top-level key, or `None`.
fn key_span_opt(file: FileId, text: &str, range: Range<usize>, key: &str) -> Option<Span> {
    find_key(text, range, key).map(|(k, _)| Span { file, bytes: k })
}

/// The span of a top-level key, or an empty span where `range` starts.
fn key_span(file: FileId, text: &str, range: Range<usize>, key: &str) -> Span {
    let start = range.start;
    key_span_opt(file, text, range, key).unwrap_or(Span::new(file, start, 0))
}

/// The span of a top-level key's value (the key itself when the value is empty).
fn value_span(file: FileId, text: &str, range: Range<usize>, key: &str) -> Option<Span> {
    let (k, v) = find_key(text, range, key)?;
    Some(Span { file, bytes: if v.is_empty() { k } else { v } })
}

/// A warning for a web link that cannot work: `http(s):` without `//` or a
/// host, or with white space in it. Called by `markdown.rs` for every link.
pub fn bad_url(dest: &str, span: Span) -> Option<Diagnostic> {
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
pub fn unsafe_scheme(url: &str) -> Option<String> {
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

/// An error for a contact's e-mail or phone, or `edit_url`, that is a script or data URL.
/// It points at the value's first occurrence in the file (serde keeps no positions for it).
fn unsafe_value(file: FileId, text: &str, value: &str) -> Diagnostic {
    let scheme = unsafe_scheme(value).unwrap_or_default();
    // An escaped value is not in the file as such; its part from the scheme on usually is.
    let from_scheme = value.trim_start_matches(|c: char| c <= ' ');
    let found = text.find(value).map(|at| (at, value.len()));
    let (at, len) = found.or_else(|| text.find(from_scheme).map(|at| (at, from_scheme.len()))).unwrap_or((0, 0));
    Diagnostic::error(Span::new(file, at, len), format!("`{scheme}:` addresses are not allowed: `{}`", one_line(value)))
        .with_hint("write an e-mail address (name@example.edu), a phone number or a web address (https://...)")
        .with_code("unsafe-link")
}

/// An e-mail address safe to put behind `mailto:` (no scheme tricks, no header injection).
pub fn is_plain_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && e.chars().all(|c| c.is_alphanumeric() || "@._+-'".contains(c))
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

    #[test]
    fn top_level_keys_are_found_with_their_values() {
        let text = "name: IT\n  last_contact: nested\nlast_contact : 2026-01-01 # by phone\nsummary:\n";
        let (k, v) = find_key(text, 0..text.len(), "last_contact").unwrap();
        assert_eq!(&text[k], "last_contact");
        assert_eq!(&text[v], "2026-01-01");
        let (k, v) = find_key(text, 0..text.len(), "summary").unwrap();
        assert_eq!((&text[k], v.len()), ("summary", 0));
        assert_eq!(find_key(text, 0..text.len(), "name_x"), None);
        assert_eq!(find_key(text, 9..text.len(), "name"), None, "outside the range");
    }
}
