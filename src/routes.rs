//! Every page of the published site and where it lives. A [`Route`] gives its
//! file below the output folder and its URL below the base path; this is the
//! one place that spells a page's path and the one percent-encoding of URLs
//! ([`encode_path`]). `link` (guide links), `render` (pages, cards, feeds, the
//! search index) and `serve` all ask it.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::load::fields::{Kind, Status};

/// One page of the site.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Route {
    /// `/`: the front door.
    Home,
    /// `/playbooks/`: every playbook by stage.
    Playbooks,
    /// `/playbooks/SLUG/`.
    Playbook(String),
    /// `/partners/` and its filtered pages.
    Partners(DirectoryFilter),
    /// `/partners/pipeline/`.
    Pipeline,
    /// `/partners/SLUG/`.
    Partner(String),
    /// `/partners/SLUG/brief/`.
    Brief(String),
    /// `/actions/` and its filtered pages.
    Actions(ActionFilter),
    /// `/tags/`.
    Tags,
    /// `/tags/TAG/` (by tag slug).
    Tag(String),
    /// `/print/`: the whole guide on one page, for printing.
    Print,
    /// `/report/`: the activity report.
    Report,
    /// `/SLUG/`: a free page.
    Page(String),
    /// `/404.html`.
    NotFound,
}

/// Which partners a directory page lists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum DirectoryFilter {
    /// All.
    All,
    /// One kind.
    Kind(Kind),
    /// One status.
    Status(Status),
    /// One tag (by tag slug).
    Tag(String),
}

/// Which actions a page lists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ActionFilter {
    /// Every open item.
    All,
    /// The items of one owner (by owner slug).
    Owner(String),
    /// The items of one partner (by slug).
    Partner(String),
}

impl Route {
    /// The page's folder below the site root, unencoded and ending in `/`
    /// (`""` for the home page); `None` for a page that is a file of its own.
    fn dir(&self) -> Option<String> {
        Some(match self {
            Route::Home => String::new(),
            Route::Playbooks => "playbooks/".into(),
            Route::Playbook(s) => format!("playbooks/{s}/"),
            Route::Partners(DirectoryFilter::All) => "partners/".into(),
            Route::Partners(DirectoryFilter::Kind(k)) => format!("partners/kind/{}/", k.as_str()),
            Route::Partners(DirectoryFilter::Status(s)) => format!("partners/status/{}/", s.as_str()),
            Route::Partners(DirectoryFilter::Tag(t)) => format!("partners/tag/{t}/"),
            Route::Pipeline => "partners/pipeline/".into(),
            Route::Partner(s) => format!("partners/{s}/"),
            Route::Brief(s) => format!("partners/{s}/brief/"),
            Route::Actions(ActionFilter::All) => "actions/".into(),
            Route::Actions(ActionFilter::Owner(o)) => format!("actions/owner/{o}/"),
            Route::Actions(ActionFilter::Partner(p)) => format!("actions/partner/{p}/"),
            Route::Tags => "tags/".into(),
            Route::Tag(s) => format!("tags/{s}/"),
            Route::Print => "print/".into(),
            Route::Report => "report/".into(),
            Route::Page(s) => format!("{s}/"),
            Route::NotFound => return None,
        })
    }

    /// The page's file below the output folder (`partners/campus-it/index.html`).
    pub(crate) fn file(&self) -> String {
        match self.dir() {
            Some(dir) => dir + "index.html",
            None => "404.html".into(),
        }
    }

    /// The page's URL under `base` (the site's base path, ending in `/`).
    pub(crate) fn url(&self, base: &str) -> String {
        url_of(base, &self.dir().unwrap_or_else(|| self.file()))
    }
}

/// A calendar subscription of the guide's open dated items.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Calendar {
    /// `/calendar.ics`: every dated open item and every meeting.
    All,
    /// `/calendar/owner/SLUG.ics`: the dated open items of one owner (by owner slug).
    Owner(String),
}

impl Calendar {
    /// Where the calendars of single owners live, below the site root.
    const OWNER_DIR: &'static str = "calendar/owner/";

    /// The calendar's file below the output folder.
    pub(crate) fn file(&self) -> String {
        match self {
            Calendar::All => "calendar.ics".into(),
            Calendar::Owner(o) => format!("{}{o}.ics", Self::OWNER_DIR),
        }
    }

    /// The calendar's URL under `base` (the site's base path, ending in `/`).
    pub(crate) fn url(&self, base: &str) -> String {
        url_of(base, &self.file())
    }

    /// The calendar whose file is `file` (unencoded, as [`Calendar::file`] gives it).
    pub(crate) fn from_file(file: &str) -> Option<Calendar> {
        if file == "calendar.ics" {
            return Some(Calendar::All);
        }
        let owner = file.strip_prefix(Self::OWNER_DIR)?.strip_suffix(".ics")?;
        // An owner slug is one path segment.
        (!owner.is_empty() && !owner.contains('/')).then(|| Calendar::Owner(owner.to_string()))
    }
}

/// The URL under `base` of a file or folder below the site root (`feed.xml`,
/// `playbooks/a/`), encoded by [`encode_path`].
pub(crate) fn url_of(base: &str, path: &str) -> String {
    format!("{base}{}", encode_path(path))
}

/// A path below the site root as it is written in a URL: characters a URL may
/// not carry raw (spaces, quotes, `#`, `?`, `%`, letters beyond ASCII) are
/// percent-encoded, `/` stays. Files keep their names; servers decode the URL
/// back to them. pulldown-cmark leaves these escapes as they are in links.
pub(crate) fn encode_path(path: &str) -> Cow<'_, str> {
    const RAW_NOT_ALLOWED: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(path, RAW_NOT_ALLOWED).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_file_and_a_url_that_agree() {
        let cases = [
            (Route::Home, "index.html", "/o/"),
            (Route::Playbooks, "playbooks/index.html", "/o/playbooks/"),
            (
                Route::Playbook("spaces/maker space".into()),
                "playbooks/spaces/maker space/index.html",
                "/o/playbooks/spaces/maker%20space/",
            ),
            (Route::Partners(DirectoryFilter::All), "partners/index.html", "/o/partners/"),
            (Route::Partners(DirectoryFilter::Kind(Kind::It)), "partners/kind/it/index.html", "/o/partners/kind/it/"),
            (
                Route::Partners(DirectoryFilter::Status(Status::Paused)),
                "partners/status/paused/index.html",
                "/o/partners/status/paused/",
            ),
            (
                Route::Partners(DirectoryFilter::Tag("gis".into())),
                "partners/tag/gis/index.html",
                "/o/partners/tag/gis/",
            ),
            (Route::Pipeline, "partners/pipeline/index.html", "/o/partners/pipeline/"),
            (Route::Partner("café".into()), "partners/café/index.html", "/o/partners/caf%C3%A9/"),
            (Route::Brief("it".into()), "partners/it/brief/index.html", "/o/partners/it/brief/"),
            (Route::Actions(ActionFilter::All), "actions/index.html", "/o/actions/"),
            (
                Route::Actions(ActionFilter::Owner("ana".into())),
                "actions/owner/ana/index.html",
                "/o/actions/owner/ana/",
            ),
            (
                Route::Actions(ActionFilter::Partner("a#b".into())),
                "actions/partner/a#b/index.html",
                "/o/actions/partner/a%23b/",
            ),
            (Route::Tags, "tags/index.html", "/o/tags/"),
            (Route::Tag("hpc".into()), "tags/hpc/index.html", "/o/tags/hpc/"),
            (Route::Print, "print/index.html", "/o/print/"),
            (Route::Report, "report/index.html", "/o/report/"),
            (Route::Page("about".into()), "about/index.html", "/o/about/"),
            (Route::NotFound, "404.html", "/o/404.html"),
        ];
        for (route, file, url) in cases {
            assert_eq!(route.file(), file, "{route:?}");
            assert_eq!(route.url("/o/"), url, "{route:?}");
        }
    }

    #[test]
    fn calendars_have_a_file_and_a_url_and_are_found_by_their_file() {
        let cases = [
            (Calendar::All, "calendar.ics", "/o/calendar.ics"),
            (Calendar::Owner("ana-ruiz".into()), "calendar/owner/ana-ruiz.ics", "/o/calendar/owner/ana-ruiz.ics"),
            (Calendar::Owner("zoë".into()), "calendar/owner/zoë.ics", "/o/calendar/owner/zo%C3%AB.ics"),
        ];
        for (calendar, file, url) in cases {
            assert_eq!(calendar.file(), file);
            assert_eq!(calendar.url("/o/"), url);
            assert_eq!(Calendar::from_file(file), Some(calendar));
        }
        for not in ["calendar/owner/.ics", "calendar/owner/a/b.ics", "calendar/owner/a.ical", "feed.xml", "calendar"] {
            assert_eq!(Calendar::from_file(not), None, "{not}");
        }
    }

    #[test]
    fn only_what_a_url_may_not_carry_is_encoded() {
        assert_eq!(encode_path("a/b-c_d.e~f"), "a/b-c_d.e~f");
        assert_eq!(encode_path("50% off?"), "50%25%20off%3F");
        assert_eq!(encode_path("<\"x\">"), "%3C%22x%22%3E");
    }
}
