//! Stage 2, link: turn [`Sources`] into a [`Guide`]. Resolves slugs and every
//! reference (front matter both ways, `partner:`/`playbook:` links with their
//! anchors), renders Markdown, builds tags. Pure and without I/O; it always
//! returns a guide and reports problems to [`Diagnostics`].

pub mod cache;
pub mod guide;
pub mod markdown;
mod patch;
pub(crate) mod rules;
pub mod warnings;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
use crate::load::partner::PartnerProfile;
use crate::load::yaml::Spanned;
use crate::source::FileId;
pub use cache::Cache;
pub use guide::{Guide, Page, Partner, Playbook, Settings, Tag};
use markdown::{Origin, Rendered, Targets, heading_id};
pub use patch::{Relinked, relink};

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

/// Partner slugs taken by the directory's own pages.
const PARTNER_RESERVED: &[&str] = &["kind", "status", "tag", "pipeline"];

/// Route names that free pages may not take.
const RESERVED: &[&str] = &["playbooks", "partners", "tags", "actions", "assets", "search", "static", "404"];

/// Links the guide.
pub fn link(sources: &Sources, opts: &LinkOptions, diags: &mut Diagnostics) -> Guide {
    link_with(sources, opts, &mut Cache::default(), diags)
}

/// Links the guide, reusing Markdown that `cache` rendered earlier when neither
/// its text nor the targets it links to changed.
pub fn link_with(sources: &Sources, opts: &LinkOptions, cache: &mut Cache, diags: &mut Diagnostics) -> Guide {
    let settings = settings(sources, opts, diags);
    let files = &sources.files;

    let refs_of = |map: &HashMap<&str, BTreeSet<&str>>, slug: &str| -> Vec<String> {
        map.get(slug).map(|s| s.iter().map(|x| x.to_string()).collect()).unwrap_or_default()
    };

    // Markdown of every file, from the cache where its text is unchanged, in parallel.
    if cache.base != settings.base_path {
        cache.texts.clear();
        cache.base = settings.base_path.clone();
    }
    let base = settings.base_path.as_str();
    let markup = !cache.check_only;
    let render_cached = |key: String, file: FileId, texts: &dyn Fn(&mut Vec<Diagnostic>) -> Vec<Option<Rendered>>| {
        let hash = files.get(file).hash;
        if let Some(e) = cache.texts.get(&key)
            && e.text_hash == hash
        {
            return (key, e.clone(), file);
        }
        let mut local = Vec::new();
        let rendered = texts(&mut local).into_iter().map(|r| r.map(Arc::new)).collect();
        (key, cache::Entry { text_hash: hash, rendered, diags: local }, file)
    };
    let sorted_partners: Vec<(usize, Arc<PartnerProfile>)> =
        sources.partners.iter().enumerate().filter_map(|(i, p)| p.profile.as_ref().map(|pr| (i, pr.clone()))).collect();
    let mut jobs: Vec<(String, FileId, Box<dyn Fn(&mut Vec<Diagnostic>) -> Vec<Option<Rendered>> + Sync + '_>)> =
        Vec::new();
    for p in &sources.playbooks {
        if p.meta.as_ref().is_some_and(|m| !m.draft || opts.drafts) {
            let origin = Origin::Body { file: p.file, start: p.body.start };
            let text = &files.get(p.file).text[p.body.clone()];
            jobs.push((
                format!("playbook:{}", p.slug),
                p.file,
                Box::new(move |d| vec![Some(markdown::render_text(text, base, origin, "", markup, d))]),
            ));
        }
    }
    for (i, profile) in &sorted_partners {
        let p = &sources.partners[*i];
        let file_text = files.get(p.file).text.as_str();
        let file = p.file;
        jobs.push((
            format!("partner:{}", p.slug),
            p.file,
            Box::new(move |d| partner_texts(profile, file, file_text, base, markup, d)),
        ));
    }
    for p in &sources.pages {
        if p.meta.is_some() {
            let origin = Origin::Body { file: p.file, start: p.body.start };
            let text = &files.get(p.file).text[p.body.clone()];
            jobs.push((
                format!("page:{}", p.slug),
                p.file,
                Box::new(move |d| vec![Some(markdown::render_text(text, base, origin, "", markup, d))]),
            ));
        }
    }
    // The references are indexed while the Markdown renders: neither needs the other.
    let (refs, done): (References, Vec<(String, cache::Entry, FileId)>) = rayon::join(
        || references(sources, opts),
        // Small pieces, so that no core is left with a long run of the costliest files.
        || {
            jobs.par_iter()
                .with_max_len(16)
                .map(|(key, file, texts)| render_cached(key.clone(), *file, texts.as_ref()))
                .collect()
        },
    );
    drop(jobs);
    let References { partner_slugs, left_out, playbook_refs, partner_refs, found } = refs;
    found.into_iter().for_each(|d| diags.push(d));

    // Links checked against the whole guide: the heading ids of every published playbook.
    let playbook_targets: HashMap<String, (Arc<HashSet<String>>, bool)> = done
        .iter()
        .filter_map(|(key, entry, _)| {
            let slug = key.strip_prefix("playbook:")?;
            Some((slug.to_string(), (entry.rendered[0].as_ref().map(|r| r.ids.clone()).unwrap_or_default(), false)))
        })
        .chain(left_out.iter().filter(|(_, out)| **out).map(|(s, _)| (s.to_string(), (Arc::default(), true))))
        // A playbook whose front matter failed still claims its slug and its headings.
        .chain(sources.playbooks.iter().filter(|p| p.meta.is_none()).map(|p| {
            let ids = markdown::heading_ids(&files.get(p.file).text[p.body.clone()]);
            (p.slug.clone(), (Arc::new(ids), false))
        }))
        .collect();
    let targets = Targets { base, playbooks: &playbook_targets, partners: &partner_slugs };
    // Each file's links are checked on any core; the problems keep the files' order.
    let found: Vec<Vec<Diagnostic>> = done
        .par_iter()
        .with_max_len(64)
        .map(|(_, entry, file)| {
            let mut found = entry.diags_for(*file);
            for r in entry.rendered.iter().flatten() {
                markdown::check_links(&r.links, &targets, |mut d| {
                    if let Some(span) = &mut d.span {
                        span.file = *file;
                    }
                    found.push(d);
                });
            }
            found
        })
        .collect();
    found.into_iter().flatten().for_each(|d| diags.push(d));
    let rendered: HashMap<String, cache::Entry> = done.into_iter().map(|(key, entry, _)| (key, entry)).collect();

    // Items are made on every core (each hashes its whole file), then put in order.
    let playbooks: BTreeMap<String, Arc<Playbook>> = sources
        .playbooks
        .par_iter()
        .filter_map(|p| {
            let meta = p.meta.as_ref().filter(|m| !m.draft || opts.drafts)?;
            let entry = &rendered[&format!("playbook:{}", p.slug)];
            let body = entry.rendered[0].clone().unwrap_or_default();
            let item = playbook_item(sources, p, meta, refs_of(&playbook_refs, &p.slug), body);
            Some((p.slug.clone(), Arc::new(item)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();

    let partners: BTreeMap<String, Arc<Partner>> = sorted_partners
        .into_par_iter()
        .map(|(i, profile)| {
            let p = &sources.partners[i];
            let entry = &rendered[&format!("partner:{}", p.slug)];
            let partner = partner_item(sources, p, profile, refs_of(&partner_refs, &p.slug), &entry.rendered);
            (p.slug.clone(), Arc::new(partner))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();

    let mut pages = BTreeMap::new();
    for p in &sources.pages {
        let Some(meta) = &p.meta else { continue };
        let file = files.get(p.file);
        if RESERVED.contains(&p.slug.as_str()) || p.slug.contains('/') {
            diags.push(
                Diagnostic::error(Span::new(p.file, 0, 3), format!("a free page cannot be called `{}`", p.slug))
                    .with_hint(format!("rename the file; these names are taken by the site: {}", RESERVED.join(", ")))
                    .with_code("reserved-slug"),
            );
            continue;
        }
        let entry = &rendered[&format!("page:{}", p.slug)];
        let fingerprint = cache::fingerprint([&file.hash.to_le_bytes()[..]]);
        pages.insert(
            p.slug.clone(),
            Page {
                slug: p.slug.clone(),
                title: meta.title.clone(),
                summary: meta.summary.clone(),
                body: entry.rendered[0].clone().unwrap_or_default(),
                path: file.path.clone(),
                fingerprint,
            },
        );
    }
    cache.texts = rendered;
    let mut was: Vec<Option<cache::Was>> = (0..files.len()).map(|_| None).collect();
    for p in &sources.playbooks {
        was[p.file.0 as usize] = Some(cache::Was::Playbook(p.meta.clone()));
    }
    for p in &sources.partners {
        was[p.file.0 as usize] = Some(cache::Was::Partner(p.profile.clone()));
    }
    cache.state = Some(cache::State { partner_slugs, playbook_targets, was });

    let (tags, actions) = rayon::join(
        || tags(&playbooks, &partners),
        || rules::Actions::new(partners.values().map(|p| &**p), opts.today),
    );
    let guide = Guide {
        actions: Arc::new(actions),
        settings,
        today: opts.today,
        playbooks,
        partners,
        pages,
        tags: Arc::new(tags),
        assets: sources.assets.clone(),
        templates: sources.templates.clone(),
        theme: sources.theme.clone(),
    };
    warnings::check(sources, &guide, diags);
    guide
}

/// The Markdown texts of a partner profile: its notes, then each meeting's notes.
fn partner_texts(
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
    out
}

/// What a playbook's or partner's pages show of it: its file, the items it
/// is related to (from both sides) and its date.
fn item_fingerprint(
    file: &crate::source::SourceFile,
    related: &[String],
    updated: Option<crate::load::fields::Date>,
) -> u64 {
    cache::fingerprint([
        &file.hash.to_le_bytes()[..],
        related.join("\n").as_bytes(),
        updated.map(|d| d.to_string()).unwrap_or_default().as_bytes(),
    ])
}

/// A linked playbook: its front matter, its partners from both sides, its body.
fn playbook_item(
    sources: &Sources,
    p: &crate::load::playbook::PlaybookSrc,
    meta: &crate::load::playbook::PlaybookMeta,
    partners: Vec<String>,
    body: Arc<Rendered>,
) -> Playbook {
    let file = sources.files.get(p.file);
    let updated = meta.updated.or_else(|| sources.git_dates.get(&file.path).copied());
    let fingerprint = item_fingerprint(file, &partners, updated);
    Playbook {
        slug: p.slug.clone(),
        title: meta.title.clone(),
        summary: meta.summary.clone(),
        stage: meta.stage,
        partnership: meta.partnership,
        partners,
        tags: meta.tags.clone(),
        updated,
        order: meta.order.unwrap_or(i64::MAX),
        draft: meta.draft,
        body,
        path: file.path.clone(),
        fingerprint,
    }
}

/// A linked partner: its profile, its playbooks from both sides, its notes as HTML
/// (`texts` as [`partner_texts`] made them).
fn partner_item(
    sources: &Sources,
    p: &crate::load::partner::PartnerSrc,
    profile: Arc<PartnerProfile>,
    playbooks: Vec<String>,
    texts: &[Option<Arc<Rendered>>],
) -> Partner {
    let file = sources.files.get(p.file);
    let html = |r: &Option<Arc<Rendered>>| r.as_ref().map(|r| r.html.clone());
    let updated = sources.git_dates.get(&file.path).copied();
    let fingerprint = item_fingerprint(file, &playbooks, updated);
    Partner {
        slug: p.slug.clone(),
        profile,
        notes_html: texts.first().and_then(html),
        meeting_notes_html: texts.iter().skip(1).map(html).collect(),
        playbooks,
        updated,
        path: file.path.clone(),
        fingerprint,
    }
}

fn unknown_ref<'a>(what: &str, slug: &str, span: Span, known: impl Iterator<Item = &'a String>) -> Diagnostic {
    let hint = match crate::diag::did_you_mean(slug, known.map(String::as_str)) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("no {what} file has the slug `{slug}`; the slug is the file name without extension"),
    };
    let code = if what == "partner" { "unknown-partner" } else { "unknown-playbook" };
    Diagnostic::error(span, format!("unknown {what} `{slug}`")).with_hint(hint).with_code(code)
}

/// The longest slug made from free text (tags, owners), in bytes: it names a
/// folder, and file systems refuse names over 255 bytes.
const MAX_TEXT_SLUG: usize = 100;

/// The slug of a tag: its heading-id form (see [`cap_slug`]).
pub fn tag_slug(tag: &str) -> String {
    cap_slug(heading_id(tag))
}

/// `slug` cut to [`MAX_TEXT_SLUG`] bytes, with a hash of the whole at the end
/// when it is longer, so that two long texts keep apart.
pub(crate) fn cap_slug(slug: String) -> String {
    if slug.len() <= MAX_TEXT_SLUG {
        return slug;
    }
    let mut cut = MAX_TEXT_SLUG - 17;
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{:016x}", slug[..cut].trim_end_matches('-'), xxhash_rust::xxh3::xxh3_64(slug.as_bytes()))
}

fn tags(
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
                let t = tags.entry(tag).or_insert_with(|| Tag { name: name.trim().to_string(), ..Tag::default() });
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

/// The slugs of the guide and its front-matter references, made two-way, with
/// the problems found on the way (reserved and duplicate slugs, unknown references).
struct References<'s> {
    partner_slugs: HashSet<String>,
    /// Playbook slug -> whether it is left out (a draft without `--drafts`).
    left_out: HashMap<&'s str, bool>,
    playbook_refs: HashMap<&'s str, BTreeSet<&'s str>>,
    partner_refs: HashMap<&'s str, BTreeSet<&'s str>>,
    found: Vec<Diagnostic>,
}

/// Indexes the slugs and references of `sources` (see [`References`]).
fn references<'s>(sources: &'s Sources, opts: &LinkOptions) -> References<'s> {
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

fn settings(sources: &Sources, opts: &LinkOptions, diags: &mut Diagnostics) -> Settings {
    let config = &sources.config;
    let raw = opts.base_url.clone().or_else(|| config.base_url.clone()).unwrap_or_else(|| "/".into());
    let (base_url, base_path) = match split_base_url(&raw) {
        Ok(v) => v,
        Err(hint) if opts.base_url.is_some() => {
            // Given on the command line: there is no line of a file to point at.
            diags.push(Diagnostic {
                severity: crate::diag::Severity::Error,
                span: None,
                message: format!("--base-url `{raw}` is not a usable base URL"),
                hint: Some(hint),
                code: Some("bad-base-url"),
            });
            (None, "/".into())
        }
        Err(hint) => {
            if let Some(file) = sources.config_file {
                let text = &sources.files.get(file).text;
                let at = text.find("base_url").unwrap_or(0);
                diags.push(
                    Diagnostic::error(Span::new(file, at, 8), format!("`{raw}` is not a usable base URL"))
                        .with_hint(hint)
                        .with_code("bad-base-url"),
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

/// Loads and links a guide written to a fresh temporary folder, for the
/// tests of later stages; the folder is removed before it returns, and the
/// guide must have no errors.
#[cfg(test)]
pub(crate) fn linked_fixture(files: &[(&str, &str)], opts: &LinkOptions) -> Guide {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("pb-fixture-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file in the guide")).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut diags = Diagnostics::default();
    let sources = crate::load::load(&root, &mut diags).expect("the fixture loads");
    let guide = link(&sources, opts, &mut diags);
    std::fs::remove_dir_all(&root).unwrap();
    assert!(!diags.has_errors(), "{}", diags.render(&sources.files, false));
    guide
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tags_get_short_distinct_slugs() {
        assert_eq!(tag_slug("Grant Writing"), "grant-writing");
        let (a, b) = ("word ".repeat(300) + "a", "word ".repeat(300) + "b");
        assert!(tag_slug(&a).len() <= MAX_TEXT_SLUG, "{}", tag_slug(&a));
        assert_ne!(tag_slug(&a), tag_slug(&b));
        assert_eq!(tag_slug(&a), tag_slug(&a.to_uppercase()), "the slug still ignores case");
        assert!(tag_slug(&"é".repeat(200)).len() <= MAX_TEXT_SLUG);
        assert!(rules::owner_slug(&a).len() <= MAX_TEXT_SLUG);
    }

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
