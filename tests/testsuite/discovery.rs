//! The discovery files of a site built with an absolute base URL: the Atom
//! feed, the sitemap, robots.txt, and each page's canonical link and
//! description. The feed is read back with `atom_syndication` and the sitemap
//! with `quick-xml`, so what is checked is what a feed reader or a crawler
//! would see, not the bytes.
//!
//! Fixture: `search_fixtures/guide` (shared with the browser tests of the
//! search): four playbooks with `updated` dates in no particular order (one
//! without, which counts as today), a draft, three partners (one named with
//! markup), and a free page.

use std::collections::BTreeSet;

use atom_syndication::Feed;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::support::{GuideTest, TODAY, read_text, tree};

/// The base URL the fixture is built with.
const BASE: &str = "https://lib.example.edu/outreach/";
/// Its path.
const BASE_PATH: &str = "/outreach/";

/// The fixture built with `--base-url BASE`.
fn built() -> GuideTest {
    let guide = GuideTest::from_dir("search_fixtures/guide");
    guide.run(&["build", "--base-url", BASE]).success();
    guide
}

/// Every `.html` file of the output, by path relative to it.
fn html_pages(guide: &GuideTest) -> Vec<String> {
    tree(&guide.public()).into_keys().filter(|p| p.ends_with(".html")).collect()
}

/// The absolute URL of an output file that is a page (`a/b/index.html` -> `BASE` + `a/b/`).
fn url_of(page: &str) -> String {
    format!("{BASE}{}", page.strip_suffix("index.html").unwrap_or(page))
}

/// The value of attribute `name` in the first tag of `html` that starts with `start`
/// (e.g. `<link rel="canonical"`), entities left as written; `None` without such a tag.
fn attr_of(html: &str, start: &str, name: &str) -> Option<String> {
    let at = html.find(start)?;
    let tag = &html[at..at + html[at..].find('>')?];
    let key = format!(" {name}=\"");
    let value = &tag[tag.find(&key)? + key.len()..];
    Some(value[..value.find('"')?].to_string())
}

/// How many times `start` opens a tag in `html`.
fn count_tags(html: &str, start: &str) -> usize {
    html.matches(start).count()
}

#[test]
fn the_feed_is_atom_with_absolute_urls_newest_first() {
    let guide = built();
    let text = guide.read_output("feed.xml");
    let feed: Feed = text.parse().unwrap_or_else(|e| panic!("feed.xml is not Atom: {e}\n{text}"));

    assert_eq!(feed.title().as_str(), "Search test guide");
    assert_eq!(feed.id(), BASE, "the feed id is the site's absolute URL");
    let links: Vec<(&str, &str)> = feed.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert!(links.contains(&("alternate", BASE)), "{links:?}");
    assert!(links.contains(&("self", &format!("{BASE}feed.xml"))), "{links:?}");
    for (_, href) in &links {
        assert!(href.starts_with(BASE), "feed link {href} is not under {BASE}");
    }

    // The draft stays out; a playbook without `updated` counts as updated today.
    let entries: Vec<(&str, String)> =
        feed.entries().iter().map(|e| (e.title().as_str(), e.updated().date_naive().to_string())).collect();
    assert_eq!(
        entries,
        [
            ("Map the partners", TODAY.to_string()),
            ("Run the first meeting", "2026-11-15".to_string()),
            ("Inventory the collections", "2026-10-01".to_string()),
            ("Thank and recap", "2026-06-01".to_string()),
        ],
    );
    let updated: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "entries are not newest first: {updated:?}");
    assert_eq!(feed.updated(), &updated[0], "the feed is as new as its newest entry");

    for entry in feed.entries() {
        let id = entry.id();
        assert!(id.starts_with(BASE), "entry id {id} is not under {BASE}");
        let alternate: Vec<&str> = entry.links().iter().filter(|l| l.rel() == "alternate").map(|l| l.href()).collect();
        assert_eq!(alternate.len(), 1, "{}: {:?}", entry.title().as_str(), entry.links());
        let href = alternate[0];
        assert!(href.starts_with(BASE), "entry link {href} is not under {BASE}");
        assert_eq!(href, id);
        // The link is a page that was built.
        let page = format!("{}index.html", &href[BASE.len()..]);
        assert!(guide.public().join(&page).is_file(), "{href}: no {page} was built");
        assert!(entry.summary().is_some_and(|s| !s.as_str().trim().is_empty()), "{href} has no summary");
    }

    // Every page names the feed.
    for page in html_pages(&guide) {
        let html = guide.read_output(&page);
        assert_eq!(
            attr_of(&html, "<link rel=\"alternate\" type=\"application/atom+xml\"", "href").as_deref(),
            Some(&*format!("{BASE_PATH}feed.xml")),
            "{page}"
        );
    }
}

/// The `<loc>` values of a sitemap, with its `<lastmod>` per location;
/// panics when the XML is malformed or not a sitemap.
fn sitemap_locations(xml: &str) -> Vec<(String, Option<String>)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut saw_urlset = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if path.is_empty() {
                    assert_eq!(name, "urlset", "the root element");
                    let ns = e.try_get_attribute("xmlns").unwrap().expect("urlset has xmlns");
                    assert_eq!(&*ns.value, b"http://www.sitemaps.org/schemas/sitemap/0.9");
                    saw_urlset = true;
                }
                if name == "url" {
                    out.push((String::new(), None));
                }
                path.push(name);
            }
            Ok(Event::End(e)) => {
                let name = path.pop().expect("an end tag without a start");
                assert_eq!(name.as_bytes(), e.name().as_ref());
            }
            Ok(Event::Text(t)) => {
                let text = t.decode().unwrap().into_owned();
                let last = out.last_mut();
                match (path.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), last) {
                    (["urlset", "url", "loc"], Some(url)) => url.0.push_str(&text),
                    (["urlset", "url", "lastmod"], Some(url)) => url.1 = Some(text),
                    (other, _) => panic!("unexpected text {text:?} in {other:?}"),
                }
            }
            Ok(Event::GeneralRef(r)) => panic!("no URL here needs an entity, found &{};", r.decode().unwrap()),
            Ok(Event::Eof) => break,
            Ok(Event::Empty(e)) => panic!("unexpected empty element {:?}", e.name()),
            Ok(_) => {}
            Err(e) => panic!("sitemap.xml is not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    assert!(saw_urlset && path.is_empty(), "sitemap.xml is incomplete");
    out
}

#[test]
fn the_sitemap_lists_every_page_once_by_absolute_url() {
    let guide = built();
    let locations = sitemap_locations(&guide.read_output("sitemap.xml"));
    assert!(!locations.is_empty());

    let mut seen = BTreeSet::new();
    for (loc, _) in &locations {
        assert!(loc.starts_with(BASE), "<loc>{loc}</loc> is not under {BASE}");
        assert!(loc.ends_with('/'), "<loc>{loc}</loc> is not a folder URL");
        assert!(seen.insert(loc.clone()), "<loc>{loc}</loc> is listed twice");
        let page = format!("{}index.html", &loc[BASE.len()..]);
        assert!(guide.public().join(&page).is_file(), "<loc>{loc}</loc>: no {page} was built");
    }
    // And the other way round: every page but the 404 page is listed.
    let pages: BTreeSet<String> =
        html_pages(&guide).into_iter().filter(|p| p.ends_with("index.html")).map(|p| url_of(&p)).collect();
    assert_eq!(seen, pages, "the sitemap and the built pages differ");
    assert!(!seen.iter().any(|u| u.contains("404")));
    assert!(!seen.iter().any(|u| u.contains("secret-draft")), "a draft is in the sitemap");

    // Playbooks carry their `updated` date; nothing else has one.
    let lastmod: Vec<(&str, &str)> =
        locations.iter().filter_map(|(loc, d)| Some((&loc[BASE.len()..], d.as_deref()?))).collect();
    assert_eq!(
        lastmod,
        [
            ("playbooks/inventory-the-collections/", "2026-10-01"),
            ("playbooks/run-the-first-meeting/", "2026-11-15"),
            ("playbooks/thank-and-recap/", "2026-06-01"),
        ]
    );
}

#[test]
fn robots_txt_names_the_sitemap() {
    let guide = built();
    let robots = guide.read_output("robots.txt");
    let lines: Vec<&str> = robots.lines().collect();
    assert!(lines.contains(&"User-agent: *"), "{robots}");
    assert!(lines.contains(&&*format!("Sitemap: {BASE}sitemap.xml")), "{robots}");
    assert!(!lines.iter().any(|l| l.starts_with("Disallow: /") && l.len() > "Disallow: ".len()), "{robots}");
}

#[test]
fn every_page_has_its_canonical_url_and_a_description() {
    let guide = built();
    let pages = html_pages(&guide);
    assert!(pages.len() > 20, "{pages:?}");
    for page in &pages {
        let html = read_text(&guide.public().join(page));
        let description = attr_of(&html, "<meta name=\"description\"", "content")
            .unwrap_or_else(|| panic!("{page} has no <meta name=\"description\">"));
        assert!(!description.trim().is_empty(), "{page} has an empty description");
        assert_eq!(count_tags(&html, "<meta name=\"description\""), 1, "{page}");

        let canonical = attr_of(&html, "<link rel=\"canonical\"", "href");
        if page == "404.html" {
            // Served at any missing URL, so it has no URL of its own.
            assert_eq!(canonical, None, "404.html names a canonical URL");
            continue;
        }
        assert_eq!(canonical.as_deref(), Some(&*url_of(page)), "{page}: canonical link");
        assert_eq!(count_tags(&html, "<link rel=\"canonical\""), 1, "{page}");
    }
    // Descriptions come from the page where it has one, escaped.
    let hostile = guide.read_output("partners/hostile/index.html");
    assert_eq!(
        attr_of(&hostile, "<meta name=\"description\"", "content").as_deref(),
        Some(
            "A partner whose name is markup: &lt;b&gt;bold&lt;/b&gt; &amp; \
             &lt;script&gt;window.__xss = &#39;script&#39;&lt;/script&gt;."
        ),
    );
    assert_eq!(
        attr_of(
            &guide.read_output("playbooks/run-the-first-meeting/index.html"),
            "<meta name=\"description\"",
            "content"
        )
        .as_deref(),
        Some("Keep it short, listen first, and leave with owners.")
    );
}

/// With no `description` in site.yaml, a page without a summary of its own
/// (a tag page, a partner or playbook without `summary`, the home page) falls
/// back to the site's description, which is empty: the page gets
/// `<meta name="description" content="">`.
#[test]
fn pages_have_a_description_even_when_the_site_has_none() {
    let guide = GuideTest::from_dir("search_fixtures/guide");
    guide.file("site.yaml", "title: Bare guide\n");
    guide.run(&["build", "--base-url", BASE]).success();
    let mut empty = Vec::new();
    for page in html_pages(&guide) {
        let html = guide.read_output(&page);
        if attr_of(&html, "<meta name=\"description\"", "content").is_some_and(|d| d.trim().is_empty()) {
            empty.push(page);
        }
    }
    assert!(empty.is_empty(), "pages with an empty description: {empty:?}");
}
