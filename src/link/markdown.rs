//! Markdown to HTML for playbook bodies, free pages and the Markdown fields of
//! partner profiles: GitHub heading ids, GFM alerts as callouts, `partner:` and
//! `playbook:` links resolved and checked (anchors included), raw HTML shown as
//! text, a table of contents. Pure: problems go to the `diags` it is given.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::{Diagnostic, Span, suggestion};
use crate::routes::Route;
use crate::source::FileId;

/// Ids of the sections of every partner page, which `partner:SLUG#id` may name.
pub(crate) const PARTNER_ANCHORS: &[&str] =
    &["contacts", "offers", "next-step", "action-items", "meetings", "playbooks", "notes"];

/// One entry of a table of contents.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub text: String,
}

/// What the links of a text may point at.
pub(crate) struct Targets<'a> {
    /// URL prefix of the site, ending in `/` (e.g. `/outreach/`).
    pub base: &'a str,
    /// What each playbook slug offers links.
    pub playbooks: &'a HashMap<String, PlaybookTarget>,
    /// Known partner slugs.
    pub partners: &'a HashSet<String>,
}

/// What a `playbook:SLUG` link may point at.
#[derive(Clone, Debug, Default)]
pub(crate) struct PlaybookTarget {
    /// The playbook's heading ids, for `#anchor`s.
    pub ids: std::sync::Arc<HashSet<String>>,
    /// Left out as a draft: a link to it is an error.
    pub left_out: bool,
}

/// Where a Markdown text stands in its file, to turn its offsets into spans.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// A Markdown body starting at this byte of the file.
    Body {
        /// The file.
        file: FileId,
        /// Byte where the body starts.
        start: usize,
    },
    /// A Markdown string inside YAML: offsets are found by searching the file
    /// text from `start` for the link destination (YAML block scalars are indented).
    Yaml {
        /// The file.
        file: FileId,
        /// Byte where the YAML value starts.
        start: usize,
        /// The whole file's text.
        file_text: &'a str,
    },
}

impl Origin<'_> {
    fn span(&self, range: std::ops::Range<usize>, needle: &str) -> Span {
        match *self {
            Origin::Body { file, start } => Span::new(file, start + range.start, range.len()),
            Origin::Yaml { file, start, file_text } => {
                let at = file_text.get(start..).and_then(|t| t.find(needle)).map_or(start, |i| start + i);
                Span::new(file, at, needle.len())
            }
        }
    }
}

/// The result of rendering one Markdown text. The HTML never depends on other
/// files: links to partners and playbooks are written from their slugs, and
/// checked afterwards against the whole guide ([`check_links`]), so a text is
/// rendered again only when it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rendered {
    /// The HTML.
    pub html: String,
    /// h2 and h3 headings.
    pub toc: Vec<TocEntry>,
    /// Every heading id: what `playbook:SLUG#id` links may name.
    pub ids: std::sync::Arc<HashSet<String>>,
    /// Its `partner:` and `playbook:` links, to be checked against the guide.
    pub links: Vec<LinkRef>,
}

/// A `partner:SLUG#anchor` or `playbook:SLUG#anchor` link of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkRef {
    /// True for `partner:`, false for `playbook:`.
    pub partner: bool,
    /// The slug.
    pub slug: String,
    /// The anchor, without `#`.
    pub anchor: Option<String>,
    /// Where the link is written (with the file id of the run that rendered it).
    pub span: Span,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_SMART_PUNCTUATION
}

/// GitHub's heading id rule: lower case, keep letters, digits, `-` and `_`,
/// spaces to hyphens, drop the rest.
pub(crate) fn heading_id(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Ids the theme's pages use around the content: a heading never takes one.
const THEME_IDS: &[&str] = &[
    "main",
    "site-search",
    "site-search-input",
    "site-search-results",
    "partnerbook-overlay",
    "partnerbook-announcer",
    "follow-up-body",
];

/// Hands out unique ids: `a`, `a-1`, `a-2`, as GitHub does, after the theme's own.
struct IdSet {
    seen: HashSet<String>,
    /// For each base, the suffix to try first: every smaller one is taken
    /// (ids are never given back), so 50,000 equal headings take linear time.
    next: HashMap<String, usize>,
}

impl Default for IdSet {
    fn default() -> Self {
        IdSet { seen: THEME_IDS.iter().map(|s| s.to_string()).collect(), next: HashMap::new() }
    }
}

impl IdSet {
    fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        let n = self.next.entry(base.clone()).or_insert(0);
        let mut id = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
        while !self.seen.insert(id.clone()) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        *n += 1;
        id
    }
}

/// The heading ids of a Markdown text, in order (for anchor checks across files).
pub(crate) fn heading_ids(markdown: &str) -> HashSet<String> {
    let mut ids = IdSet::default();
    let mut text: Option<String> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => text = Some(String::new()),
            Event::Text(t) | Event::Code(t) if text.is_some() => text.as_mut().unwrap().push_str(&t),
            Event::End(TagEnd::Heading(_)) => {
                let t = text.take().unwrap_or_default();
                ids.unique(heading_id(&t));
            }
            _ => {}
        }
    }
    THEME_IDS.iter().for_each(|id| {
        ids.seen.remove(*id);
    });
    ids.seen
}

/// Renders a playbook body or a free page: Markdown to HTML, links resolved and checked.
pub(crate) fn render(
    markdown: &str,
    targets: &Targets<'_>,
    origin: Origin<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    render_scoped(markdown, targets, origin, "", diags)
}

/// [`render_text`], then [`check_links`]: one text on its own.
pub(crate) fn render_scoped(
    markdown: &str,
    targets: &Targets<'_>,
    origin: Origin<'_>,
    scope: &str,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let rendered = render_text(markdown, targets.base, origin, scope, true, diags);
    check_links(&rendered.links, targets, |d| diags.push(d));
    rendered
}

/// Reports the links that name an unknown partner or playbook, a missing
/// anchor, or a playbook left out as a draft.
pub(crate) fn check_links(links: &[LinkRef], targets: &Targets<'_>, mut report: impl FnMut(Diagnostic)) {
    for link in links {
        let mut say = |code: &'static str, message: String, hint: String| {
            report(Diagnostic::error(link.span.clone(), message).with_hint(hint).with_code(code));
        };
        let (slug, anchor) = (link.slug.as_str(), link.anchor.as_deref());
        if link.partner {
            if !targets.partners.contains(slug) {
                let known: Vec<&str> = targets.partners.iter().map(String::as_str).collect();
                say("unknown-partner", format!("unknown partner `{slug}`"), closest(slug, &known, "partners/"));
            } else if let Some(a) = anchor.filter(|a| !PARTNER_ANCHORS.contains(a)) {
                say("missing-anchor", format!("partner pages have no section `#{a}`"), suggestion(a, PARTNER_ANCHORS));
            }
            continue;
        }
        let Some(PlaybookTarget { ids: heading_ids, left_out }) = targets.playbooks.get(slug) else {
            let known: Vec<&str> = targets.playbooks.keys().map(String::as_str).collect();
            say("unknown-playbook", format!("unknown playbook `{slug}`"), closest(slug, &known, "playbooks/"));
            continue;
        };
        if let Some(a) = anchor.filter(|a| !heading_ids.contains(*a)) {
            let mut ids: Vec<&str> = heading_ids.iter().map(String::as_str).collect();
            ids.sort_unstable();
            let hint = match crate::diag::did_you_mean(a, ids.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None if ids.is_empty() => format!("`{slug}` has no headings"),
                None => format!("the heading ids of `{slug}` are: {}", ids.join(", ")),
            };
            say("missing-anchor", format!("playbook `{slug}` has no heading with id `{a}`"), hint);
        }
        if *left_out {
            say(
                "draft-link",
                format!("playbook `{slug}` is a draft and is left out of this build"),
                "publish it (remove `draft: true`) or build with --drafts".into(),
            );
        }
    }
}

/// Renders a Markdown text; links to partners and playbooks go under `base`
/// and are returned for [`check_links`]. A text that sits inside a page
/// section (a partner's notes, a meeting's notes) has a `scope`: its heading
/// ids start with it so that two texts on one page never share an id, and its
/// headings move two levels down, under the section's own h2 and h3.
pub(crate) fn render_text(
    markdown: &str,
    base: &str,
    origin: Origin<'_>,
    scope: &str,
    markup: bool,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let shift = if scope.is_empty() { 0 } else { 2 };
    // The heading above the next one, as written and as drawn: the page's h1
    // title for a playbook or page; for a text inside a section (drawn under
    // its h2), whatever level its first heading takes.
    let mut above =
        HeadingsAbove { written: scope.is_empty().then_some(1), drawn: if scope.is_empty() { 1 } else { 2 } };
    let mut ids = IdSet::default();
    // The open task-list item: where its checkbox goes, whether ticked, its text so far.
    let mut task: Option<OpenItem<bool>> = None;
    let mut toc = Vec::new();
    let mut links = Vec::new();
    let mut out: Vec<Event<'_>> = Vec::new();
    // Index in `out` of the open heading's start event, and its text so far.
    let mut heading: Option<OpenItem<HeadingLevel>> = None;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        // `check` needs the links, headings and problems, not the HTML: events
        // are kept only while a heading or task item that patches them is open.
        if !markup && heading.is_none() && task.is_none() {
            out.clear();
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if let Some(d) = heading_skip(level as u8, above.written, &markdown[range.clone()], &range, origin) {
                    diags.push(d);
                }
                heading = Some(OpenItem { at: out.len(), what: level, text: String::new() });
                out.push(Event::Text(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(level)) => {
                let OpenItem { at, text, .. } =
                    heading.take().unwrap_or(OpenItem { at: out.len(), what: level, text: String::new() });
                let id = ids.unique(format!("{scope}{}", heading_id(&text)));
                // A skipped level is reported (see `heading_skip`) and drawn one
                // below the heading above, so that the page's outline stays whole.
                let n = (level as u8 + shift).min(above.drawn + 1).min(6);
                above = HeadingsAbove { written: Some(level as u8), drawn: n };
                if shift == 0 && (n == 2 || n == 3) {
                    toc.push(TocEntry { level: n, id: id.clone(), text: text.trim().to_string() });
                }
                out[at] = Event::Html(format!("<h{n} id=\"{id}\">").into());
                out.push(Event::Html(
                    format!("<a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{n}>\n")
                        .into(),
                ));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().unwrap().text.push_str(&t);
                out.push(Event::Text(t));
            }
            // A task-list box is labelled with its item's text, so that it makes
            // sense to a screen reader before (and without) any JavaScript.
            Event::TaskListMarker(checked) => {
                task = Some(OpenItem { at: out.len(), what: checked, text: String::new() });
                out.push(Event::Text(CowStr::Borrowed("")));
            }
            Event::Text(t) | Event::Code(t) if task.is_some() => {
                task.as_mut().unwrap().text.push_str(&t);
                out.push(Event::Text(t));
            }
            Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_)) if task.is_some() => {
                let OpenItem { at, what: checked, text } = task.take().unwrap();
                out[at] = Event::Html(checkbox(checked, &text).into());
                out.push(event);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert(kind);
                out.push(Event::Html(
                    format!("<aside class=\"callout callout-{class}\" aria-label=\"{label}\">\n<p class=\"callout-title\">{label}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => out.push(Event::Html("</aside>\n".into())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = resolve(&dest_url, link_type, base, |code, message, hint| {
                    let span = origin.span(range.clone(), &dest_url);
                    diags.push(Diagnostic::error(span, message).with_hint_opt(hint).with_code(code));
                });
                if let Some((partner, slug, anchor)) = guide_link(&dest_url, link_type) {
                    let (slug, anchor) = (slug.to_string(), anchor.map(str::to_string));
                    links.push(LinkRef { partner, slug, anchor, span: origin.span(range.clone(), &dest_url) });
                }
                if let Some(d) = super::urls::bad_url(&dest_url, origin.span(range.clone(), &dest_url)) {
                    diags.push(d);
                }
                out.push(Event::Start(Tag::Link { link_type, dest_url: dest.into(), title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = match super::urls::unsafe_scheme(&dest_url) {
                    Some(scheme) => {
                        let span = origin.span(range.clone(), &dest_url);
                        diags.push(
                            Diagnostic::error(span, format!("`{scheme}:` images are not allowed"))
                                .with_hint("put the image in static/ and link to it")
                                .with_code("unsafe-link"),
                        );
                        "#".into()
                    }
                    None => dest_url,
                };
                out.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            }
            // Footnote ids get a prefix so they never clash with heading ids (GitHub does the same).
            Event::FootnoteReference(name) => out.push(Event::FootnoteReference(format!("fn-{name}").into())),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                out.push(Event::Start(Tag::FootnoteDefinition(format!("fn-{name}").into())))
            }
            // Raw HTML in content is shown as text: content never injects markup or scripts.
            Event::Html(h) | Event::InlineHtml(h) => out.push(Event::Text(h)),
            other => out.push(other),
        }
    }
    // `check` needs the links, headings and problems, not the HTML.
    let mut html = String::new();
    if markup {
        html.reserve(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
    }
    let mut ids = ids.seen;
    THEME_IDS.iter().for_each(|id| {
        ids.remove(*id);
    });
    Rendered { html, toc, ids: ids.into(), links }
}

/// The level of the last heading as the author wrote it and as it was drawn.
#[derive(Clone, Copy)]
struct HeadingsAbove {
    written: Option<u8>,
    drawn: u8,
}

/// A `heading-skip` warning when a heading is written more than one level
/// below the heading above it (a playbook going from its title straight to
/// `###`): screen-reader users move through a page by heading levels, and a
/// gap reads as a missing section. The heading is drawn one level below the one
/// above either way, so the page stays valid.
fn heading_skip(
    level: u8,
    above: Option<u8>,
    source: &str,
    range: &Range<usize>,
    origin: Origin<'_>,
) -> Option<Diagnostic> {
    let above = above?;
    if level <= above + 1 {
        return None;
    }
    let line = source.lines().next().unwrap_or_default().trim();
    let message = format!("heading `{line}` skips from level {above} to level {level}");
    let hint = if line.starts_with('#') {
        format!("use {} here, or add the level between", "#".repeat(usize::from(above) + 1))
    } else {
        "use a heading one level below the one above it".to_string()
    };
    let span = origin.span(range.start..range.start + line.len(), line);
    Some(Diagnostic::warning(span, message).with_hint(hint).with_code("heading-skip"))
}

fn checkbox(checked: bool, label: &str) -> String {
    let mut escaped = String::with_capacity(label.len());
    for c in label.trim().chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            c => escaped.push(c),
        }
    }
    let ticked = if checked { " checked" } else { "" };
    format!("<input type=\"checkbox\" disabled{ticked} aria-label=\"{escaped}\"> ")
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// `partner:SLUG#anchor` or `playbook:SLUG#anchor`, split: (is a partner, slug, anchor).
fn guide_link(dest: &str, link_type: LinkType) -> Option<(bool, &str, Option<&str>)> {
    if matches!(link_type, LinkType::Email) {
        return None;
    }
    let (kind, rest) = dest.split_once(':')?;
    let partner = if kind.eq_ignore_ascii_case("partner") {
        true
    } else if kind.eq_ignore_ascii_case("playbook") {
        false
    } else {
        return None;
    };
    Some(match rest.split_once('#') {
        Some((s, a)) => (partner, s.trim_matches('/'), Some(a)),
        None => (partner, rest.trim_matches('/'), None),
    })
}

/// A heading or task item being read: where its start event is in the
/// output, what it is (a level, a tick), and its text so far.
struct OpenItem<T> {
    at: usize,
    what: T,
    text: String,
}

/// Turns a link destination into the URL to write, reporting unsafe schemes through `report`.
fn resolve(
    dest: &str,
    link_type: LinkType,
    base: &str,
    mut report: impl FnMut(&'static str, String, Option<String>),
) -> String {
    if matches!(link_type, LinkType::Email) {
        return dest.to_string();
    }
    // Read as a browser does, so that `java\tscript:` or a leading control character do not slip through.
    if let Some(scheme) = super::urls::unsafe_scheme(dest) {
        report(
            "unsafe-link",
            format!("`{scheme}:` links are not allowed"),
            Some("link to a web page (https://...) instead".into()),
        );
        return "#".into();
    }
    match guide_link(dest, link_type) {
        Some((partner, slug, anchor)) => {
            let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            let route = if partner { Route::Partner(slug.to_string()) } else { Route::Playbook(slug.to_string()) };
            format!("{}{frag}", route.url(base))
        }
        None => dest.to_string(),
    }
}

fn closest(slug: &str, known: &[&str], folder: &str) -> String {
    match crate::diag::did_you_mean(slug, known.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("no file {folder}{slug} exists in this guide"),
    }
}

#[cfg(test)]
mod tests;
