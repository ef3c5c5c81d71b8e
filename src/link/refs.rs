//! The slugs of the guide and the front-matter references between playbooks
//! and partners, made two-way, with the problems found on the way.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{LinkOptions, PARTNER_RESERVED};
use crate::diag::{Diagnostic, Span};
use crate::load::Sources;

/// The slugs of the guide and its front-matter references, made two-way, with
/// the problems found on the way (reserved and duplicate slugs, unknown references).
pub(super) struct References<'s> {
    pub(super) partner_slugs: HashSet<String>,
    /// Playbook slug -> whether it is left out (a draft without `--drafts`).
    pub(super) left_out: HashMap<&'s str, bool>,
    pub(super) playbook_refs: HashMap<&'s str, BTreeSet<&'s str>>,
    pub(super) partner_refs: HashMap<&'s str, BTreeSet<&'s str>>,
    pub(super) found: Vec<Diagnostic>,
}

/// Indexes the slugs and references of `sources` (see [`References`]).
pub(super) fn references<'s>(sources: &'s Sources, opts: &LinkOptions) -> References<'s> {
    // Slug index. A file that failed to parse still claims its slug, so that
    // one mistake does not also produce "unknown partner" errors elsewhere.
    let mut found = Vec::new();
    let mut partner_slugs: HashSet<String> = HashSet::new();
    for p in &sources.partners {
        if PARTNER_RESERVED.contains(&p.slug.as_str()) {
            found.push(
                Diagnostic::error(Span::new(p.file, 0, 0), format!("a partner cannot be called `{}`", p.slug))
                    .with_hint(format!(
                        "rename the file; these names are taken by the directory: {}",
                        PARTNER_RESERVED.join(", ")
                    ))
                    .with_code("reserved-slug"),
            );
        }
        if !partner_slugs.insert(p.slug.clone()) {
            found.push(
                Diagnostic::error(Span::new(p.file, 0, 0), format!("two partner files have the slug `{}`", p.slug))
                    .with_hint("keep one of partners/SLUG.yaml and partners/SLUG.yml")
                    .with_code("duplicate-slug"),
            );
        }
    }
    // Which playbooks are published; their heading ids come with their Markdown below.
    let left_out: HashMap<&str, bool> = sources
        .playbooks
        .iter()
        .map(|p| (p.slug.as_str(), p.meta.as_ref().is_some_and(|m| m.draft && !opts.drafts)))
        .collect();

    // Front-matter references, made two-way.
    let mut playbook_refs: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut partner_refs: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for p in &sources.playbooks {
        let Some(meta) = &p.meta else { continue };
        if meta.draft && !opts.drafts {
            continue;
        }
        for r in &meta.partners {
            if partner_slugs.contains(&r.value) {
                partner_refs.entry(&r.value).or_default().insert(&p.slug);
                playbook_refs.entry(&p.slug).or_default().insert(&r.value);
            } else {
                found.push(unknown_ref("partner", &r.value, r.span(p.file, p.yaml_start), partner_slugs.iter()));
            }
        }
    }
    for p in &sources.partners {
        let Some(profile) = &p.profile else { continue };
        for r in &profile.playbooks {
            match left_out.get(r.value.as_str()) {
                Some(false) => {
                    partner_refs.entry(&p.slug).or_default().insert(&r.value);
                    playbook_refs.entry(&r.value).or_default().insert(&p.slug);
                }
                Some(true) => {}
                None => found.push(unknown_ref(
                    "playbook",
                    &r.value,
                    r.span(p.file, 0),
                    sources.playbooks.iter().map(|p| &p.slug),
                )),
            }
        }
    }
    References { partner_slugs, left_out, playbook_refs, partner_refs, found }
}

pub(super) fn unknown_ref<'a>(
    what: &str,
    slug: &str,
    span: Span,
    known: impl Iterator<Item = &'a String>,
) -> Diagnostic {
    let hint = match crate::diag::did_you_mean(slug, known.map(String::as_str)) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("no {what} file has the slug `{slug}`; the slug is the file name without extension"),
    };
    let code = if what == "partner" { "unknown-partner" } else { "unknown-playbook" };
    Diagnostic::error(span, format!("unknown {what} `{slug}`")).with_hint(hint).with_code(code)
}
