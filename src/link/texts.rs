//! The Markdown of every file, rendered on every core (from the cache where a
//! file's text is unchanged), then its links checked against the whole guide.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::LinkOptions;
use super::cache::{self, Cache};
use super::markdown::{self, Origin, PlaybookTarget, Rendered, Targets};
use crate::diag::Diagnostic;
use crate::load::Sources;
use crate::load::partner::PartnerProfile;
use crate::load::yaml::Spanned;
use crate::source::FileId;

/// The Markdown texts of one file, rendered.
pub(super) struct RenderedFile {
    /// `playbook:SLUG`, `partner:SLUG` or `page:SLUG`.
    pub(super) key: String,
    pub(super) file: FileId,
    pub(super) entry: cache::Entry,
}

/// The texts of one file to render: what [`render`] hands out to the cores.
struct Job<'a> {
    key: String,
    file: FileId,
    texts: RenderTexts<'a>,
}

/// Renders a file's Markdown texts, pushing the problems it finds.
type RenderTexts<'a> = Box<dyn Fn(&mut Vec<Diagnostic>) -> Vec<Option<Rendered>> + Sync + 'a>;

/// Renders the Markdown of every published playbook, partner and page.
pub(super) fn render(sources: &Sources, opts: &LinkOptions, base: &str, cache: &Cache) -> Vec<RenderedFile> {
    let files = &sources.files;
    let markup = !cache.check_only;
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for p in &sources.playbooks {
        if p.meta.as_ref().is_some_and(|m| !m.draft || opts.drafts) {
            let origin = Origin::Body { file: p.file, start: p.body.start };
            let text = &files.get(p.file).text[p.body.clone()];
            jobs.push(Job {
                key: format!("playbook:{}", p.slug),
                file: p.file,
                texts: Box::new(move |d| vec![Some(markdown::render_text(text, base, origin, "", markup, d))]),
            });
        }
    }
    for p in &sources.partners {
        let Some(profile) = &p.profile else { continue };
        let file_text = files.get(p.file).text.as_str();
        let file = p.file;
        jobs.push(Job {
            key: format!("partner:{}", p.slug),
            file,
            texts: Box::new(move |d| partner_texts(profile, file, file_text, base, markup, d)),
        });
    }
    for p in &sources.pages {
        if p.meta.is_some() {
            let origin = Origin::Body { file: p.file, start: p.body.start };
            let text = &files.get(p.file).text[p.body.clone()];
            jobs.push(Job {
                key: format!("page:{}", p.slug),
                file: p.file,
                texts: Box::new(move |d| vec![Some(markdown::render_text(text, base, origin, "", markup, d))]),
            });
        }
    }
    // Small pieces, so that no core is left with a long run of the costliest files.
    jobs.par_iter()
        .with_max_len(16)
        .map(|job| {
            let hash = files.get(job.file).hash;
            let entry = match cache.texts.get(&job.key) {
                Some(e) if e.text_hash == hash => e.clone(),
                _ => {
                    let mut found = Vec::new();
                    let rendered = (job.texts)(&mut found).into_iter().map(|r| r.map(Arc::new)).collect();
                    cache::Entry { text_hash: hash, rendered, diags: found }
                }
            };
            RenderedFile { key: job.key.clone(), file: job.file, entry }
        })
        .collect()
}

/// What `playbook:` links may point at: the heading ids of every published
/// playbook, and the drafts left out.
pub(super) fn playbook_targets(
    sources: &Sources,
    texts: &[RenderedFile],
    left_out: &HashMap<&str, bool>,
) -> HashMap<String, PlaybookTarget> {
    let published = texts.iter().filter_map(|t| {
        let slug = t.key.strip_prefix("playbook:")?;
        let ids = t.entry.rendered[0].as_ref().map(|r| r.ids.clone()).unwrap_or_default();
        Some((slug.to_string(), PlaybookTarget { ids, left_out: false }))
    });
    let drafts = left_out
        .iter()
        .filter(|(_, out)| **out)
        .map(|(s, _)| (s.to_string(), PlaybookTarget { ids: Arc::default(), left_out: true }));
    // A playbook whose front matter failed still claims its slug and its headings.
    let failed = sources.playbooks.iter().filter(|p| p.meta.is_none()).map(|p| {
        let ids: HashSet<String> = markdown::heading_ids(&sources.files.get(p.file).text[p.body.clone()]);
        (p.slug.clone(), PlaybookTarget { ids: Arc::new(ids), left_out: false })
    });
    published.chain(drafts).chain(failed).collect()
}

/// The problems of every text: those found rendering it, and its links checked
/// against `targets`. Each file's links are checked on any core; the problems
/// keep the files' order.
pub(super) fn check_links(texts: &[RenderedFile], targets: &Targets<'_>) -> Vec<Diagnostic> {
    let found: Vec<Vec<Diagnostic>> = texts
        .par_iter()
        .with_max_len(64)
        .map(|t| {
            let mut found = t.entry.diags_for(t.file);
            for r in t.entry.rendered.iter().flatten() {
                markdown::check_links(&r.links, targets, |mut d| {
                    if let Some(span) = &mut d.span {
                        span.file = t.file;
                    }
                    found.push(d);
                });
            }
            found
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The Markdown texts of a partner profile: its notes, then each meeting's notes.
pub(super) fn partner_texts(
    profile: &PartnerProfile,
    file: FileId,
    file_text: &str,
    base: &str,
    markup: bool,
    d: &mut Vec<Diagnostic>,
) -> Vec<Option<Rendered>> {
    let mut md = |t: &Spanned<String>, scope: &str| {
        let origin = Origin::Yaml { file, start: t.offset, file_text };
        Some(markdown::render_text(&t.value, base, origin, scope, markup, d))
    };
    let mut out = vec![profile.notes.as_ref().and_then(|t| md(t, "notes-"))];
    for (i, m) in profile.meetings.iter().enumerate() {
        out.push(m.notes.as_ref().and_then(|t| md(t, &format!("meeting-{}-{i}-", m.date))));
    }
    // Private notes are rendered (and their links checked) in every build, so
    // that `check` finds the same problems whether or not they are published;
    // `items::partner_item` keeps their HTML only when asked to.
    out.push(profile.private_notes.as_ref().and_then(|t| md(t, "private-notes-")));
    for (i, m) in profile.meetings.iter().enumerate() {
        out.push(m.private_notes.as_ref().and_then(|t| md(t, &format!("meeting-{}-{i}-private-", m.date))));
    }
    out
}
