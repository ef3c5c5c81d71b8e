//! `check --external`: every `http(s)` address written in a playbook, a page
//! or a partner profile is asked for (see `fetch`), and each one that is
//! broken (an error status, after redirects; no answer; a `#part` the page
//! lacks) becomes a `broken-link` warning at the address in its file.
//! Answers are kept in `.partnerbook/links.json` beside the guide's files
//! (see `cache`) for `link_cache_days`, so that a second run within that time
//! asks no server; `skip_links` prefixes are never asked for.
//! Plain `check` never comes here: it asks no server.

mod cache;
mod fetch;
mod scan;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;

pub(crate) use fetch::Outcome;

/// How `check --external` asks.
#[derive(Clone, Debug)]
pub(crate) struct ExternalOptions {
    /// How long one request may take (connecting and reading).
    pub timeout: Duration,
}

/// Days an answer is kept when `link_cache_days` is not set.
const DEFAULT_CACHE_DAYS: u32 = 7;

/// Checks the external links of the loaded guide whose folder is `guide`,
/// pushing a `broken-link` warning per broken one. Returns a note for the
/// user when the cache could not be written (the check itself still counts).
pub(crate) fn check(
    guide: &Path,
    sources: &Sources,
    opts: &ExternalOptions,
    diags: &mut Diagnostics,
) -> Option<String> {
    let links = scan::links(sources);
    let skip = sources.config.skip_links.clone().unwrap_or_default();
    let days = sources.config.link_cache_days.unwrap_or(DEFAULT_CACHE_DAYS);
    let now = cache::now();
    let mut cached = cache::Cache::read(guide);

    // Each address is asked for once however often it is written.
    let mut to_ask: Vec<String> = Vec::new();
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    for link in &links {
        if skip.iter().any(|prefix| !prefix.is_empty() && link.url.starts_with(prefix.as_str()))
            || outcomes.contains_key(&link.url)
            || to_ask.contains(&link.url)
        {
            continue;
        }
        match cached.fresh(&link.url, now, days) {
            Some(outcome) => {
                outcomes.insert(link.url.clone(), outcome.clone());
            }
            None => to_ask.push(link.url.clone()),
        }
    }
    for (url, outcome) in fetch::check_all(&to_ask, opts.timeout) {
        cached.record(&url, now, outcome.clone());
        outcomes.insert(url, outcome);
    }
    let note = cached.write(guide, now, days).err().map(|e| format!("note: could not save the link cache: {e}\n"));

    for link in &links {
        if let Some(outcome) = outcomes.get(&link.url)
            && let Some(d) = warning(link, outcome)
        {
            diags.push(d);
        }
    }
    note
}

/// The `broken-link` warning for a link whose address answered `outcome`, if broken.
fn warning(link: &scan::ExternalLink, outcome: &Outcome) -> Option<Diagnostic> {
    let span = Span { file: link.file, bytes: link.bytes.clone() };
    let skip_hint = "list its prefix under `skip_links` in site.yaml if it cannot be checked from here";
    let (message, hint) = match outcome {
        Outcome::Ok { .. } => return None,
        Outcome::Status { status, final_url } if *final_url != link.url => (
            format!("broken link: HTTP {status} at {final_url} (redirected from {})", link.url),
            "the address redirects to a page that is gone; link to its new address".to_string(),
        ),
        Outcome::Status { status, final_url } => (
            format!("broken link: HTTP {status} at {final_url}"),
            format!("fix the address or remove the link; {skip_hint}"),
        ),
        Outcome::NoAnswer { error } => (
            format!("broken link: no answer from {} ({error})", link.url),
            format!("the server may be down or slow; try again later, or {skip_hint}"),
        ),
        Outcome::MissingAnchor { status, final_url, anchor } => (
            format!("broken link: HTTP {status} at {final_url}, but the page has no `#{anchor}`"),
            "the part was renamed or removed: link to the page, or to an id it has".to_string(),
        ),
    };
    Some(Diagnostic::warning(span, message).with_hint(hint).with_code("broken-link"))
}
