//! The linked items: playbooks and partners with their references from both
//! sides and their rendered texts, the free pages, and the tags.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::Entry;
use super::guide::{Page, Partner, Playbook, Tag};
use super::markdown::Rendered;
use super::{LinkOptions, RESERVED, tag_slug};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
use crate::load::partner::PartnerProfile;

/// The slugs `refs` lists for `slug`, in order.
fn refs_of(refs: &HashMap<&str, BTreeSet<&str>>, slug: &str) -> Vec<String> {
    refs.get(slug).map(|s| s.iter().map(|x| x.to_string()).collect()).unwrap_or_default()
}

/// The published playbooks, each made on any core (each hashes its whole file), then put in order.
pub(super) fn playbooks(
    sources: &Sources,
    opts: &LinkOptions,
    texts: &HashMap<String, Entry>,
    refs: &HashMap<&str, BTreeSet<&str>>,
) -> BTreeMap<String, Arc<Playbook>> {
    sources
        .playbooks
        .par_iter()
        .filter_map(|p| {
            let meta = p.meta.as_ref().filter(|m| !m.draft || opts.drafts)?;
            let entry = &texts[&format!("playbook:{}", p.slug)];
            let body = entry.rendered[0].clone().unwrap_or_default();
            let item = playbook_item(sources, p, meta, refs_of(refs, &p.slug), body);
            Some((p.slug.clone(), Arc::new(item)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// The partners whose profile parsed, made like the playbooks.
pub(super) fn partners(
    sources: &Sources,
    texts: &HashMap<String, Entry>,
    refs: &HashMap<&str, BTreeSet<&str>>,
    private: bool,
) -> BTreeMap<String, Arc<Partner>> {
    sources
        .partners
        .par_iter()
        .filter_map(|p| {
            let profile: Arc<PartnerProfile> = p.profile.clone()?;
            let entry = &texts[&format!("partner:{}", p.slug)];
            let partner = partner_item(sources, p, profile, refs_of(refs, &p.slug), &entry.rendered, private);
            Some((p.slug.clone(), Arc::new(partner)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// The free pages; a page named like one of the site's own folders is an error.
pub(super) fn pages(
    sources: &Sources,
    texts: &HashMap<String, Entry>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Page> {
    let mut pages = BTreeMap::new();
    for p in &sources.pages {
        let Some(meta) = &p.meta else { continue };
        let file = sources.files.get(p.file);
        if RESERVED.contains(&p.slug.as_str()) || p.slug.contains('/') {
            diags.push(
                Diagnostic::error(Span::new(p.file, 0, 3), format!("a free page cannot be called `{}`", p.slug))
                    .with_hint(format!("rename the file; these names are taken by the site: {}", RESERVED.join(", ")))
                    .with_code("reserved-slug"),
            );
            continue;
        }
        let entry = &texts[&format!("page:{}", p.slug)];
        let page = Page {
            slug: p.slug.clone(),
            title: meta.title.clone(),
            summary: meta.summary.clone(),
            body: entry.rendered[0].clone().unwrap_or_default(),
            path: file.path.clone(),
        };
        pages.insert(p.slug.clone(), page);
    }
    pages
}

/// A linked playbook: its front matter, its partners from both sides, its body.
pub(super) fn playbook_item(
    sources: &Sources,
    p: &crate::load::playbook::PlaybookSrc,
    meta: &crate::load::playbook::PlaybookMeta,
    partners: Vec<String>,
    body: Arc<Rendered>,
) -> Playbook {
    let file = sources.files.get(p.file);
    let updated = meta.updated.or_else(|| sources.git_dates.last.get(&file.path).copied());
    Playbook {
        slug: p.slug.clone(),
        title: meta.title.clone(),
        summary: meta.summary.clone(),
        stage: meta.stage,
        partnership: meta.partnership,
        partners,
        tags: meta.tags.clone(),
        updated,
        reviewed: meta.reviewed,
        added: sources.git_dates.first.get(&file.path).copied(),
        order: meta.order.unwrap_or(i64::MAX),
        draft: meta.draft,
        body,
        path: file.path.clone(),
    }
}

/// A linked partner: its profile, its playbooks from both sides, its notes as HTML
/// (`texts` as [`partner_texts`] made them); its private notes only when
/// `private` (serve, `build --include-private`).
pub(super) fn partner_item(
    sources: &Sources,
    p: &crate::load::partner::PartnerSrc,
    profile: Arc<PartnerProfile>,
    playbooks: Vec<String>,
    texts: &[Option<Arc<Rendered>>],
    private: bool,
) -> Partner {
    let file = sources.files.get(p.file);
    let html = |r: &Option<Arc<Rendered>>| r.as_ref().map(|r| r.html.clone());
    let updated = sources.git_dates.last.get(&file.path).copied();
    let texts = PartnerTexts::split(texts, profile.meetings.len());
    let private_html = |r: &Option<Arc<Rendered>>| if private { html(r) } else { None };
    Partner {
        slug: p.slug.clone(),
        notes_html: texts.notes.and_then(html),
        meeting_notes_html: texts.meeting_notes.iter().map(html).collect(),
        private_notes_html: texts.private_notes.and_then(private_html),
        meeting_private_notes_html: texts.meeting_private_notes.iter().map(private_html).collect(),
        profile,
        playbooks,
        updated,
        path: file.path.clone(),
    }
}

pub(super) fn tags(
    playbooks: &BTreeMap<String, Arc<Playbook>>,
    partners: &BTreeMap<String, Arc<Partner>>,
) -> BTreeMap<String, Tag> {
    // Slugging is the work: each item's tags are slugged on every core, then gathered in order.
    let playbook_tags: Vec<_> = playbooks.par_iter().map(|(slug, p)| (slug, dedup(&p.tags))).collect();
    let partner_tags: Vec<_> = partners.par_iter().map(|(slug, p)| (slug, dedup(&p.profile.tags))).collect();
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (of_playbook, items) in [(true, playbook_tags), (false, partner_tags)] {
        for (item, names) in items {
            for (tag, name) in names {
                let t = tags.entry(tag).or_insert_with(|| Tag { name: super::tag_name(name), ..Tag::default() });
                if of_playbook { &mut t.playbooks } else { &mut t.partners }.push(item.clone());
            }
        }
    }
    tags.remove("");
    tags
}

/// The slugs of `tags` with the first name written for each, in order, each slug once.
fn dedup(tags: &[String]) -> Vec<(String, &String)> {
    let mut seen = HashSet::new();
    tags.iter().map(|t| (tag_slug(t), t)).filter(|(slug, _)| seen.insert(slug.clone())).collect()
}

/// A partner's rendered texts in the order [`partner_texts`] makes them:
/// `notes`, each meeting's `notes`, `private_notes`, each meeting's `private_notes`.
struct PartnerTexts<'t> {
    notes: Option<&'t Option<Arc<Rendered>>>,
    meeting_notes: &'t [Option<Arc<Rendered>>],
    private_notes: Option<&'t Option<Arc<Rendered>>>,
    meeting_private_notes: &'t [Option<Arc<Rendered>>],
}

impl<'t> PartnerTexts<'t> {
    /// Splits `texts` of a partner with `meetings` meetings (a shorter list
    /// leaves the missing texts empty rather than shifting them).
    fn split(texts: &'t [Option<Arc<Rendered>>], meetings: usize) -> Self {
        let part =
            |from: usize, len: usize| texts.get(from.min(texts.len())..(from + len).min(texts.len())).unwrap_or(&[]);
        PartnerTexts {
            notes: texts.first(),
            meeting_notes: part(1, meetings),
            private_notes: texts.get(1 + meetings),
            meeting_private_notes: part(2 + meetings, meetings),
        }
    }
}
