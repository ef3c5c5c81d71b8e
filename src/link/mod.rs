//! Stage 2, link: turn [`Sources`] into a [`Guide`]. Resolves slugs and every
//! reference (front matter both ways, `partner:`/`playbook:` links with their
//! anchors), renders Markdown, builds tags. Pure and without I/O; it always
//! returns a guide and reports problems to [`Diagnostics`].

pub mod guide;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
use crate::load::partner::PartnerProfile;
pub use guide::{Guide, Page, Partner, Playbook, Settings, Tag};
use markdown::{Origin, Targets, heading_id};

/// What a build asks of `link`.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Keep draft playbooks.
    pub drafts: bool,
    /// The date that counts as today.
    pub today: NaiveDate,
}

/// Route names that free pages may not take.
const RESERVED: &[&str] = &["playbooks", "partners", "tags", "actions", "assets", "search", "static", "404"];

/// Links the guide.
pub fn link(sources: &Sources, opts: &LinkOptions, diags: &mut Diagnostics) -> Guide {
    let settings = settings(sources, opts, diags);
    let files = &sources.files;

    // Slug index. A file that failed to parse still claims its slug, so that
    // one mistake does not also produce "unknown partner" errors elsewhere.
    let mut partner_slugs: HashSet<String> = HashSet::new();
    for p in &sources.partners {
        if !partner_slugs.insert(p.slug.clone()) {
            diags.push(
                Diagnostic::error(Span::new(p.file, 0, 0), format!("two partner files have the slug `{}`", p.slug))
                    .with_hint("keep one of partners/SLUG.yaml and partners/SLUG.yml"),
            );
        }
    }
    let playbook_targets: HashMap<String, (HashSet<String>, bool)> = sources
        .playbooks
        .par_iter()
        .map(|p| {
            let text = &files.get(p.file).text[p.body.clone()];
            let left_out = p.meta.as_ref().is_some_and(|m| m.draft && !opts.drafts);
            (p.slug.clone(), (markdown::heading_ids(text), left_out))
        })
        .collect();
    let targets = Targets { base: &settings.base_path, playbooks: &playbook_targets, partners: &partner_slugs };

    // Playbooks: front-matter references, then bodies (in parallel).
    let mut playbook_refs: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut partner_refs: HashMap<String, BTreeSet<String>> = HashMap::new();
    for p in &sources.playbooks {
        let Some(meta) = &p.meta else { continue };
        if meta.draft && !opts.drafts {
            continue;
        }
        for r in &meta.partners {
            if partner_slugs.contains(&r.value) {
                partner_refs.entry(r.value.clone()).or_default().insert(p.slug.clone());
                playbook_refs.entry(p.slug.clone()).or_default().insert(r.value.clone());
            } else {
                diags.push(unknown_ref("partner", &r.value, r.span(p.file, p.yaml_start), partner_slugs.iter()));
            }
        }
    }
    for p in &sources.partners {
        let Some(profile) = &p.profile else { continue };
        for r in &profile.playbooks {
            match playbook_targets.get(&r.value) {
                Some((_, false)) => {
                    partner_refs.entry(p.slug.clone()).or_default().insert(r.value.clone());
                    playbook_refs.entry(r.value.clone()).or_default().insert(p.slug.clone());
                }
                Some((_, true)) => {}
                None => diags.push(unknown_ref("playbook", &r.value, r.span(p.file, 0), playbook_targets.keys())),
            }
        }
    }

    let rendered: Vec<(Option<Playbook>, Vec<Diagnostic>)> = sources
        .playbooks
        .par_iter()
        .map(|p| {
            let mut local = Vec::new();
            let Some(meta) = p.meta.as_ref().filter(|m| !m.draft || opts.drafts) else {
                return (None, local);
            };
            let file = files.get(p.file);
            let body = markdown::render(
                &file.text[p.body.clone()],
                &targets,
                Origin::Body { file: p.file, start: p.body.start },
                &mut local,
            );
            let playbook = Playbook {
                slug: p.slug.clone(),
                title: meta.title.clone(),
                summary: meta.summary.clone(),
                stage: meta.stage,
                partnership: meta.partnership,
                partners: playbook_refs.get(&p.slug).map(|s| s.iter().cloned().collect()).unwrap_or_default(),
                tags: meta.tags.clone(),
                updated: meta.updated,
                order: meta.order.unwrap_or(i64::MAX),
                draft: meta.draft,
                body,
                path: file.path.clone(),
            };
            (Some(playbook), local)
        })
        .collect();
    let mut playbooks = BTreeMap::new();
    for (p, local) in rendered {
        local.into_iter().for_each(|d| diags.push(d));
        if let Some(p) = p {
            playbooks.insert(p.slug.clone(), p);
        }
    }

    let mut partners = BTreeMap::new();
    for p in &sources.partners {
        let Some(profile) = &p.profile else { continue };
        let mut local = Vec::new();
        let file = files.get(p.file);
        let mut md = |text: &crate::load::yaml::Spanned<String>| {
            let origin = Origin::Yaml { file: p.file, start: text.offset, file_text: &file.text };
            markdown::render(&text.value, &targets, origin, &mut local).html
        };
        let notes_html = profile.notes.as_ref().map(&mut md);
        let meeting_notes_html = profile.meetings.iter().map(|m| m.notes.as_ref().map(&mut md)).collect();
        local.into_iter().for_each(|d| diags.push(d));
        let playbooks = partner_refs.get(&p.slug).map(|s| s.iter().cloned().collect()).unwrap_or_default();
        partners.insert(
            p.slug.clone(),
            Partner {
                slug: p.slug.clone(),
                profile: sorted_profile(profile),
                notes_html,
                meeting_notes_html,
                playbooks,
                path: file.path.clone(),
            },
        );
    }

    let mut pages = BTreeMap::new();
    for p in &sources.pages {
        let Some(meta) = &p.meta else { continue };
        let file = files.get(p.file);
        if RESERVED.contains(&p.slug.as_str()) || p.slug.contains('/') {
            diags.push(
                Diagnostic::error(Span::new(p.file, 0, 3), format!("a free page cannot be called `{}`", p.slug))
                    .with_hint(format!("rename the file; these names are taken by the site: {}", RESERVED.join(", "))),
            );
            continue;
        }
        let mut local = Vec::new();
        let body = markdown::render(
            &file.text[p.body.clone()],
            &targets,
            Origin::Body { file: p.file, start: p.body.start },
            &mut local,
        );
        local.into_iter().for_each(|d| diags.push(d));
        pages.insert(
            p.slug.clone(),
            Page {
                slug: p.slug.clone(),
                title: meta.title.clone(),
                summary: meta.summary.clone(),
                body,
                path: file.path.clone(),
            },
        );
    }

    let tags = tags(&playbooks, &partners);
    Guide {
        settings,
        today: opts.today,
        playbooks,
        partners,
        pages,
        tags,
        assets: sources.assets.clone(),
        templates: sources.templates.clone(),
    }
}

/// Meetings newest first, so that every page shows the same timeline.
fn sorted_profile(profile: &PartnerProfile) -> PartnerProfile {
    let mut p = profile.clone();
    p.meetings.sort_by(|a, b| b.date.cmp(&a.date));
    p
}

fn unknown_ref<'a>(what: &str, slug: &str, span: Span, known: impl Iterator<Item = &'a String>) -> Diagnostic {
    let hint = match crate::diag::did_you_mean(slug, known.map(String::as_str)) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("no {what} file has the slug `{slug}`; the slug is the file name without extension"),
    };
    Diagnostic::error(span, format!("unknown {what} `{slug}`")).with_hint(hint)
}

/// The slug of a tag: its heading-id form.
pub fn tag_slug(tag: &str) -> String {
    heading_id(tag)
}

fn tags(playbooks: &BTreeMap<String, Playbook>, partners: &BTreeMap<String, Partner>) -> BTreeMap<String, Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for p in playbooks.values() {
        for name in dedup(&p.tags) {
            let t =
                tags.entry(tag_slug(name)).or_insert_with(|| Tag { name: name.trim().to_string(), ..Tag::default() });
            t.playbooks.push(p.slug.clone());
        }
    }
    for p in partners.values() {
        for name in dedup(&p.profile.tags) {
            let t =
                tags.entry(tag_slug(name)).or_insert_with(|| Tag { name: name.trim().to_string(), ..Tag::default() });
            t.partners.push(p.slug.clone());
        }
    }
    tags.remove("");
    tags
}

fn dedup(tags: &[String]) -> Vec<&String> {
    let mut seen = HashSet::new();
    tags.iter().filter(|t| seen.insert(tag_slug(t))).collect()
}

fn settings(sources: &Sources, opts: &LinkOptions, diags: &mut Diagnostics) -> Settings {
    let config = &sources.config;
    let raw = opts.base_url.clone().or_else(|| config.base_url.clone()).unwrap_or_else(|| "/".into());
    let (base_url, base_path) = match split_base_url(&raw) {
        Ok(v) => v,
        Err(hint) => {
            if let Some(file) = sources.config_file {
                let text = &sources.files.get(file).text;
                let at = text.find("base_url").unwrap_or(0);
                diags.push(
                    Diagnostic::error(Span::new(file, at, 8), format!("`{raw}` is not a usable base URL"))
                        .with_hint(hint),
                );
            }
            (None, "/".into())
        }
    };
    Settings {
        title: config.title.clone(),
        description: config.description.clone().unwrap_or_default(),
        institution: config.institution.clone(),
        base_path,
        base_url,
        edit_url: config.edit_url.clone(),
        stale_after_days: config.stale_after_days.unwrap_or(60),
    }
}

/// Splits a base URL into the absolute URL (if it has a scheme) and the path
/// prefix every link starts with, which always starts and ends with `/`.
pub fn split_base_url(raw: &str) -> Result<(Option<String>, String), String> {
    let raw = raw.trim();
    let (absolute, path) = if let Some(rest) = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://")) {
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        if rest.is_empty() || rest.starts_with('/') {
            return Err("write it as https://host/path/".into());
        }
        (Some(raw.trim_end_matches('/').to_string() + "/"), path)
    } else if raw.starts_with('/') {
        (None, raw)
    } else {
        return Err("use an absolute URL (https://lib.example.edu/outreach/) or a path starting with `/`".into());
    };
    if path.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err("a base URL has no query, fragment, spaces or quotes".into());
    }
    let path = format!("/{}/", path.trim_matches('/')).replace("//", "/");
    Ok((absolute, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_absolute_and_path() {
        let cases = [
            ("https://lib.example.edu/outreach/", Some("https://lib.example.edu/outreach/"), "/outreach/"),
            ("https://lib.example.edu/outreach", Some("https://lib.example.edu/outreach/"), "/outreach/"),
            ("https://lib.example.edu", Some("https://lib.example.edu/"), "/"),
            ("/", None, "/"),
            ("/a/b", None, "/a/b/"),
        ];
        for (raw, abs, path) in cases {
            let (a, p) = split_base_url(raw).unwrap();
            assert_eq!((a.as_deref(), p.as_str()), (abs, path), "{raw}");
        }
        assert!(split_base_url("lib.example.edu").is_err());
        assert!(split_base_url("https://x/a?b").is_err());
    }
}
