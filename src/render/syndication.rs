//! Discovery files: the Atom feed of playbooks by update date, the sitemap,
//! and robots.txt. URLs are absolute when `base_url` is a full URL (as feeds
//! and sitemaps require), and fall back to site paths otherwise.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::link::{Guide, Playbook, Settings};
use crate::routes::{Route, url_of};

/// How many playbooks the feed carries.
const FEED_ENTRIES: usize = 50;

/// The absolute form of a site path (`/outreach/playbooks/x/`), when the base URL is absolute.
pub(crate) fn absolute(settings: &Settings, path: &str) -> String {
    match &settings.base_url {
        Some(base) => {
            let rel = path.strip_prefix(&settings.base_path).unwrap_or(path.trim_start_matches('/'));
            format!("{base}{rel}")
        }
        None => path.to_string(),
    }
}

fn midnight(d: NaiveDate) -> chrono::DateTime<FixedOffset> {
    let utc = FixedOffset::east_opt(0).expect("UTC offset");
    utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
}

/// When a playbook was last updated, for ordering: its `updated` date, else today.
fn updated(guide: &Guide, p: &Playbook) -> NaiveDate {
    p.updated.map_or(guide.today, |d| d.0)
}

/// The Atom feed of the most recently updated playbooks.
pub(crate) fn atom(guide: &Guide) -> String {
    let s = &guide.settings;
    let mut playbooks: Vec<&Playbook> = guide.playbooks.values().filter(|p| !p.draft).map(|p| &**p).collect();
    playbooks.sort_by(|a, b| updated(guide, b).cmp(&updated(guide, a)).then(a.slug.cmp(&b.slug)));
    playbooks.truncate(FEED_ENTRIES);
    let newest = playbooks.first().map_or(guide.today, |p| updated(guide, p));
    let home = absolute(s, &s.base_path);
    let link = |href: String, rel: &str| {
        let mut l = Link::default();
        l.set_href(href);
        l.set_rel(rel);
        l
    };
    let mut feed = Feed::default();
    feed.set_title(Text::plain(s.title.clone()));
    if !s.description.is_empty() {
        feed.set_subtitle(Some(Text::plain(s.description.clone())));
    }
    feed.set_id(home.clone());
    feed.set_updated(midnight(newest));
    feed.set_links(vec![link(home.clone(), "alternate"), link(absolute(s, &url_of(&s.base_path, "feed.xml")), "self")]);
    let mut author = Person::default();
    author.set_name(s.institution.clone().unwrap_or_else(|| s.title.clone()));
    feed.set_authors(vec![author]);
    feed.set_entries(
        playbooks
            .iter()
            .map(|p| {
                let url = absolute(&guide.settings, &super::context::playbook_url(&guide.settings.base_path, &p.slug));
                let mut e = Entry::default();
                e.set_title(Text::plain(p.title.clone()));
                e.set_id(url.clone());
                e.set_updated(midnight(updated(guide, p)));
                e.set_links(vec![link(url, "alternate")]);
                if let Some(summary) = &p.summary {
                    e.set_summary(Some(Text::plain(summary.clone())));
                }
                e
            })
            .collect::<Vec<_>>(),
    );
    feed.to_string()
}

/// The sitemap of every HTML page but the not-found page, with the update
/// dates of playbooks and partners.
pub(crate) fn sitemap<'a>(guide: &Guide, pages: impl Iterator<Item = &'a Route>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut urlset = BytesStart::new("urlset");
    urlset.push_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
    let _ = w.write_event(Event::Start(urlset));
    for page in pages.filter(|p| **p != Route::NotFound) {
        let loc = absolute(&guide.settings, &page.url(&guide.settings.base_path));
        let lastmod = match page {
            Route::Playbook(slug) => guide.playbooks.get(slug).and_then(|p| p.updated),
            Route::Partner(slug) => guide.partners.get(slug).and_then(|p| p.updated),
            _ => None,
        };
        let _ = w.write_event(Event::Start(BytesStart::new("url")));
        let _ = w.write_event(Event::Start(BytesStart::new("loc")));
        let _ = w.write_event(Event::Text(BytesText::new(&loc)));
        let _ = w.write_event(Event::End(BytesEnd::new("loc")));
        if let Some(d) = lastmod {
            let _ = w.write_event(Event::Start(BytesStart::new("lastmod")));
            let _ = w.write_event(Event::Text(BytesText::new(&d.to_string())));
            let _ = w.write_event(Event::End(BytesEnd::new("lastmod")));
        }
        let _ = w.write_event(Event::End(BytesEnd::new("url")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("urlset")));
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

/// robots.txt: everything may be crawled; the sitemap is named when its URL is absolute.
pub(crate) fn robots(guide: &Guide) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if guide.settings.base_url.is_some() {
        let sitemap = url_of(&guide.settings.base_path, "sitemap.xml");
        out.push_str(&format!("Sitemap: {}\n", absolute(&guide.settings, &sitemap)));
    }
    out
}
