//! Stage 2, link: turn [`Sources`] into a [`Guide`]. Resolves slugs and every
//! reference (front matter both ways, `partner:`/`playbook:` links with their
//! anchors), renders Markdown, builds tags. Pure and without I/O; it always
//! returns a guide and reports problems to [`Diagnostics`].

pub(crate) mod cache;
pub(crate) mod guide;
mod items;
pub(crate) mod markdown;
mod patch;
mod refs;
pub(crate) mod rules;
mod texts;
pub(crate) mod urls;
pub(crate) mod warnings;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::load::Sources;
pub(crate) use cache::Cache;
pub use guide::Guide;
pub(crate) use guide::{FiscalYearStart, Page, Partner, Playbook, Settings, Tag};
use markdown::{Targets, heading_id};
pub(crate) use patch::{Relinked, relink};
use refs::References;

/// What a build asks of `link`.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Keep draft playbooks.
    pub drafts: bool,
    /// The date that counts as today.
    pub today: NaiveDate,
    /// Keep the partners' and meetings' `private_notes` (serve, `build
    /// --include-private`); without it no output can show them.
    pub private: bool,
}

/// Partner slugs taken by the directory's own pages.
const PARTNER_RESERVED: &[&str] = &["kind", "status", "tag", "pipeline"];

/// Route names that free pages may not take.
const RESERVED: &[&str] =
    &["playbooks", "partners", "tags", "actions", "assets", "search", "static", "404", "print", "report"];

/// Links the guide.
pub fn link(sources: &Sources, opts: &LinkOptions, diags: &mut Diagnostics) -> Guide {
    link_with(sources, opts, &mut Cache::default(), diags)
}

/// Links the guide, reusing Markdown that `cache` rendered earlier when neither
/// its text nor the targets it links to changed.
pub fn link_with(sources: &Sources, opts: &LinkOptions, cache: &mut Cache, diags: &mut Diagnostics) -> Guide {
    let settings = settings(sources, opts, diags);
    if cache.base != settings.base_path {
        cache.texts.clear();
        cache.base = settings.base_path.clone();
    }
    // The references are indexed while the Markdown renders: neither needs the other.
    let (refs, texts) =
        rayon::join(|| refs::references(sources, opts), || texts::render(sources, opts, &settings.base_path, cache));
    let References { partner_slugs, left_out, playbook_refs, partner_refs, found } = refs;
    found.into_iter().for_each(|d| diags.push(d));
    let playbook_targets = texts::playbook_targets(sources, &texts, &left_out);
    let targets = Targets { base: &settings.base_path, playbooks: &playbook_targets, partners: &partner_slugs };
    texts::check_links(&texts, &targets).into_iter().for_each(|d| diags.push(d));
    let texts: HashMap<String, cache::Entry> = texts.into_iter().map(|t| (t.key, t.entry)).collect();

    let playbooks = items::playbooks(sources, opts, &texts, &playbook_refs);
    let partners = items::partners(sources, &texts, &partner_refs, opts.private);
    let pages = items::pages(sources, &texts, diags);
    cache.texts = texts;
    cache.state = Some(cache::State::of(sources, partner_slugs, playbook_targets));

    let (tags, actions) = rayon::join(
        || items::tags(&playbooks, &partners),
        || rules::Actions::new(partners.values().map(|p| rules::open_items(&p.slug, &p.profile, opts.today))),
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

/// The longest slug made from free text (tags, owners), in bytes: it names a
/// folder, and file systems refuse names over 255 bytes.
const MAX_TEXT_SLUG: usize = 100;

/// The slug of a tag: its heading-id form (see [`cap_slug`]).
pub fn tag_slug(tag: &str) -> String {
    cap_slug(heading_id(tag))
}

/// A tag as readers see it: a tag written as a slug (`research-data`, all
/// lower case, no spaces) shows as words (`research data`); any other is shown
/// as written. Its slug, and so its page, is the same either way.
pub(crate) fn tag_name(written: &str) -> String {
    let written = written.trim();
    let slug_like = !written.contains(char::is_whitespace) && !written.chars().any(char::is_uppercase);
    if slug_like { written.replace('-', " ") } else { written.to_string() }
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
        review_every_days: config.review_every_days.unwrap_or(365),
        fiscal_year_start: fiscal_year_start(sources, diags),
    }
}

/// `fiscal_year_start` of site.yaml, or July 1; a value that is not `MM-DD`
/// with a day from 1 to 28 is an error at its place.
fn fiscal_year_start(sources: &Sources, diags: &mut Diagnostics) -> FiscalYearStart {
    let Some(raw) = &sources.config.fiscal_year_start else { return FiscalYearStart::default() };
    if let Some(start) = FiscalYearStart::parse(&raw.value) {
        return start;
    }
    if let Some(file) = sources.config_file {
        diags.push(
            Diagnostic::error(
                Span::new(file, raw.offset, raw.len),
                format!("`{}` is not a month and a day", raw.value),
            )
            .with_hint("write the first day of the fiscal year as MM-DD in quotes, e.g. \"07-01\" (days 1 to 28)")
            .with_code("bad-fiscal-year-start"),
        );
    }
    FiscalYearStart::default()
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
    fn tags_written_as_slugs_show_as_words_on_the_same_page() {
        for (written, shown) in [
            ("research-data", "research data"),
            ("memorandum-of-understanding", "memorandum of understanding"),
            ("templates", "templates"),
            ("Grant Writing", "Grant Writing"),
            ("GIS", "GIS"),
            ("e-Learning", "e-Learning"),
        ] {
            assert_eq!(tag_name(written), shown);
            assert_eq!(tag_slug(&tag_name(written)), tag_slug(written), "{written} keeps its page");
        }
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
