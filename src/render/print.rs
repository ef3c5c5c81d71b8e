//! `/print/`: the whole guide on one page, to print or save as PDF: a cover,
//! a table of contents, every playbook by stage, then the partner directory.
//!
//! Each playbook's body is the HTML its own page shows, with its links and ids
//! moved inside this page ([`inside_page`]): heading ids take the playbook's
//! anchor as a prefix, so that two playbooks' "Next steps" never share an id,
//! and links to a playbook or partner of the guide go to its place on this page.

use std::collections::HashMap;

use serde::Serialize;

use super::context::{self, ContactCtx};
use super::view::Rcx;
use crate::link::{Partner, Playbook};
use crate::routes::Route;

/// The page's context.
#[derive(Serialize)]
pub(crate) struct PrintGuide<'a> {
    /// The guide's title.
    title: &'a str,
    /// The institution, when site.yaml names one.
    institution: Option<&'a str>,
    /// The date the guide was built (`YYYY-MM-DD`).
    date: String,
    /// The stages that have playbooks, in the guide's order.
    stages: Vec<PrintStage<'a>>,
    /// Every partner, by name.
    partners: Vec<PrintPartner<'a>>,
}

/// One stage and its playbooks.
#[derive(Serialize)]
struct PrintStage<'a> {
    /// Its id on this page.
    id: String,
    /// Its name.
    label: &'static str,
    /// Its playbooks, in order.
    playbooks: Vec<PrintPlaybook<'a>>,
}

/// One playbook, whole.
#[derive(Serialize)]
struct PrintPlaybook<'a> {
    /// Its id on this page.
    id: String,
    title: &'a str,
    summary: Option<&'a str>,
    updated: Option<String>,
    /// The body, its links and ids moved inside this page.
    body_html: String,
}

/// One partner's compact entry.
#[derive(Serialize)]
struct PrintPartner<'a> {
    /// Its id on this page.
    id: String,
    name: &'a str,
    kind: Option<&'static str>,
    status: Option<&'static str>,
    summary: Option<&'a str>,
    contacts: Vec<ContactCtx<'a>>,
    /// The next step, as written.
    next_step: Option<&'a str>,
}

/// Where each playbook and partner sits on the page: its page URL -> its id here.
struct Anchors {
    playbooks: HashMap<String, String>,
    partners: HashMap<String, String>,
}

/// The context of `/print/`. It reads every playbook and every partner.
pub(crate) fn print<'a>(guide: &Rcx<'a>) -> PrintGuide<'a> {
    let stages = context::stage_playbooks(guide);
    let partners: Vec<&'a Partner> = {
        let mut all: Vec<&Partner> = guide.partners().collect();
        all.sort_by(|a, b| (a.profile.name.to_lowercase(), &a.slug).cmp(&(b.profile.name.to_lowercase(), &b.slug)));
        all
    };
    let mut taken = std::collections::HashSet::new();
    let mut anchors = Anchors { playbooks: HashMap::new(), partners: HashMap::new() };
    for (_, list) in &stages {
        for p in list {
            let id = unique_id(&mut taken, "playbook-", &p.slug);
            anchors.playbooks.insert(Route::Playbook(p.slug.clone()).url(guide.base()), id);
        }
    }
    for p in &partners {
        let id = unique_id(&mut taken, "partner-", &p.slug);
        anchors.partners.insert(Route::Partner(p.slug.clone()).url(guide.base()), id);
    }
    let playbook_id = |p: &Playbook| anchors.playbooks[&Route::Playbook(p.slug.clone()).url(guide.base())].clone();
    let stages = stages
        .into_iter()
        .map(|(stage, list)| PrintStage {
            id: format!("stage-{}", stage.map_or("other", |s| s.as_str())),
            label: stage.map_or("Other playbooks", |s| s.label()),
            playbooks: list
                .into_iter()
                .map(|p| {
                    let id = playbook_id(p);
                    PrintPlaybook {
                        body_html: headings_down(&inside_page(&p.body.html, &format!("{id}--"), &anchors)),
                        id,
                        title: &p.title,
                        summary: p.summary.as_deref(),
                        updated: context::date(p.updated),
                    }
                })
                .collect(),
        })
        .collect();
    let partners = partners
        .into_iter()
        .map(|p| {
            let pr = &p.profile;
            PrintPartner {
                id: anchors.partners[&Route::Partner(p.slug.clone()).url(guide.base())].clone(),
                name: &pr.name,
                kind: pr.kind.map(|k| k.label()),
                status: pr.status.map(|s| s.label()),
                summary: pr.summary.as_deref(),
                contacts: pr.contacts.iter().map(context::contact).collect(),
                next_step: pr.next_step.as_ref().map(|n| n.action.as_str()),
            }
        })
        .collect();
    let settings = guide.settings();
    PrintGuide {
        title: &settings.title,
        institution: settings.institution.as_deref(),
        date: guide.today().to_string(),
        stages,
        partners,
    }
}

/// An id made of `prefix` and `slug` that no other item of the page has: a
/// slug may hold `/` and spaces (`spaces/maker space`), which an id written in
/// a URL fragment should not, and two slugs may map to the same id.
fn unique_id(taken: &mut std::collections::HashSet<String>, prefix: &str, slug: &str) -> String {
    let mut base = String::from(prefix);
    base.extend(slug.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }));
    let mut id = base.clone();
    let mut n = 1;
    while !taken.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// `html` (a text rendered by `link::markdown`) with its ids and links moved
/// inside this page: every `id="X"` becomes `id="{prefix}X"`, a link to `#X`
/// goes to `#{prefix}X`, and a link to a playbook or partner of the guide
/// (`/playbooks/SLUG/#part`) goes to that item on this page (`#ID--part`).
/// Attribute values are the only places `id="` and `href="` occur: the
/// renderer writes text with `"` escaped, and raw HTML in content is text.
fn inside_page(html: &str, prefix: &str, anchors: &Anchors) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    loop {
        let id_at = rest.find(" id=\"");
        let href_at = rest.find(" href=\"");
        let (at, is_id) = match (id_at, href_at) {
            (Some(i), Some(h)) if i < h => (i, true),
            (Some(i), None) => (i, true),
            (_, Some(h)) => (h, false),
            (None, None) => break,
        };
        let start = at + if is_id { 5 } else { 7 };
        let Some(len) = rest[start..].find('"') else { break };
        out.push_str(&rest[..start]);
        let value = &rest[start..start + len];
        if is_id {
            out.push_str(prefix);
            out.push_str(value);
        } else {
            out.push_str(&inside_href(value, prefix, anchors));
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// `html` with its headings two levels down (h2 to h4, h5 and h6 to h6): a
/// playbook's own headings sit under its title, an h3 below its stage's h2.
fn headings_down(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h").into_iter().chain(rest.find("</h")).min() {
        let tag = &rest[at..];
        let open = if tag.starts_with("</h") { 3 } else { 2 };
        match tag.as_bytes().get(open) {
            Some(d @ b'1'..=b'6') if matches!(tag.as_bytes().get(open + 1), Some(b' ' | b'>')) => {
                out.push_str(&rest[..at + open]);
                out.push(char::from(b'0' + (d - b'0' + 2).min(6)));
                rest = &rest[at + open + 1..];
            }
            _ => {
                out.push_str(&rest[..at + open]);
                rest = &rest[at + open..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One link's target on this page (see [`inside_page`]); other links stay.
fn inside_href(href: &str, prefix: &str, anchors: &Anchors) -> String {
    if let Some(fragment) = href.strip_prefix('#') {
        return format!("#{prefix}{fragment}");
    }
    let (page, fragment) = href.split_once('#').map_or((href, None), |(p, f)| (p, Some(f)));
    if let Some(id) = anchors.playbooks.get(page) {
        return match fragment {
            Some(f) if !f.is_empty() => format!("#{id}--{f}"),
            _ => format!("#{id}"),
        };
    }
    // A partner has one compact entry here: its sections are not on this page.
    match anchors.partners.get(page) {
        Some(id) => format!("#{id}"),
        None => href.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors() -> Anchors {
        Anchors {
            playbooks: HashMap::from([("/o/playbooks/first-meeting/".to_string(), "playbook-first-meeting".into())]),
            partners: HashMap::from([("/o/partners/campus-it/".to_string(), "partner-campus-it".into())]),
        }
    }

    #[test]
    fn ids_and_links_move_inside_the_page() {
        let html = "<h2 id=\"agenda\">Agenda<a class=\"anchor\" href=\"#agenda\" aria-hidden=\"true\">#</a></h2>\n\
            <p>See <a href=\"/o/playbooks/first-meeting/#the-ask\">the ask</a>, \
            <a href=\"/o/playbooks/first-meeting/\">it</a>, <a href=\"/o/partners/campus-it/#contacts\">IT</a>, \
            <a href=\"https://example.edu/a#b\">out</a> and <a href=\"/o/playbooks/gone/\">gone</a>.</p>";
        let moved = inside_page(html, "playbook-x--", &anchors());
        assert_eq!(
            moved,
            "<h2 id=\"playbook-x--agenda\">Agenda<a class=\"anchor\" href=\"#playbook-x--agenda\" aria-hidden=\"true\">#</a></h2>\n\
            <p>See <a href=\"#playbook-first-meeting--the-ask\">the ask</a>, \
            <a href=\"#playbook-first-meeting\">it</a>, <a href=\"#partner-campus-it\">IT</a>, \
            <a href=\"https://example.edu/a#b\">out</a> and <a href=\"/o/playbooks/gone/\">gone</a>.</p>"
        );
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_left_alone() {
        // Rendered text has its quotes escaped, so it never reads as an attribute.
        let html = "<p>write id=&quot;x&quot; and href=&quot;#y&quot;</p>";
        assert_eq!(inside_page(html, "p--", &anchors()), html);
    }

    #[test]
    fn headings_move_two_levels_down() {
        let html = "<h2 id=\"a\">A</h2><h3 id=\"b\">B</h3><h5>C</h5><hr><p>h2 &lt;h2&gt;</p>";
        assert_eq!(headings_down(html), "<h4 id=\"a\">A</h4><h5 id=\"b\">B</h5><h6>C</h6><hr><p>h2 &lt;h2&gt;</p>");
    }

    #[test]
    fn ids_are_unique_and_fit_a_fragment() {
        let mut taken = std::collections::HashSet::new();
        assert_eq!(unique_id(&mut taken, "playbook-", "spaces/maker space"), "playbook-spaces-maker-space");
        assert_eq!(unique_id(&mut taken, "playbook-", "spaces/maker-space"), "playbook-spaces-maker-space-2");
        assert_eq!(unique_id(&mut taken, "partner-", "café"), "partner-café");
    }
}
