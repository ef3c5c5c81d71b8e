//! Warnings: things in a guide that build fine but that an editor should fix.
//! Partners not contacted for too long, overdue next steps and action items,
//! playbooks without a stage or due for review, partners no playbook mentions, missing
//! summaries, malformed contact e-mails and (from `markdown.rs`, where link
//! positions are known) malformed web links. Each has a stable code, so that
//! `check --format json` can be filtered and turned into CI annotations.
//! Pure: it reads the linked guide and the source texts, and pushes
//! `Severity::Warning` diagnostics; it never changes the guide.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use super::guide::{Guide, Partner, Playbook};
use super::rules::{OpenItem, ReviewBasis, review_due, stale_days};
use super::urls::{is_plain_email, one_line, unsafe_scheme};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
use crate::load::fields::{Date, Stage};
use crate::load::playbook::PlaybookSrc;
use crate::load::yaml::Spanned;
use crate::source::FileId;

/// Pushes every warning about the linked `guide` (the playbooks it holds:
/// drafts only when they were linked in).
pub(crate) fn check(sources: &Sources, guide: &Guide, diags: &mut Diagnostics) {
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
                check_playbook(p, files.get(p.file).text.as_str(), guide, playbook, &mut found);
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

        let last = super::rules::last_contact(pr, guide.today);
        if let Some(days) = stale_days(last, pr.status, guide.today, guide.settings.stale_after_days) {
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

/// Pushes the warnings about one playbook of `guide`, whose file holds `text`.
pub(super) fn check_playbook(
    p: &PlaybookSrc,
    text: &str,
    guide: &Guide,
    playbook: &Playbook,
    diags: &mut impl Extend<Diagnostic>,
) {
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
            let span = key_span_opt(file, text, yaml.clone(), "summary").unwrap_or_else(|| title_span.clone());
            diags.push(empty_summary(span, "playbook", slug));
        }
        let every = guide.settings.review_every_days;
        if let Some(due) = review_due(playbook.reviewed, playbook.updated, guide.today, every) {
            // At the date that counts; a git date is written nowhere, so then at the title.
            let (key, what) = match due.by {
                ReviewBasis::Reviewed => ("reviewed", "reviewed"),
                ReviewBasis::Updated => ("updated", "last updated"),
            };
            let span = value_span(file, text, yaml, key).unwrap_or(title_span);
            diags.push(
                Diagnostic::warning(
                    span,
                    format!(
                        "the playbook `{slug}` was {what} on {} ({} days ago, more than review_every_days, {every})",
                        due.since, due.days
                    ),
                )
                .with_hint(format!(
                    "read it through, fix what no longer holds, then set `reviewed: {}`",
                    Date(guide.today)
                ))
                .with_code("review-due"),
            );
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

#[cfg(test)]
mod tests {
    use super::*;

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
