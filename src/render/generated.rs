//! Files made from the whole guide rather than drawn from a template: the
//! feed, the sitemap, robots.txt, the calendars and the partners' JSON.

use std::sync::Arc;

use rayon::prelude::*;

use super::{feeds, syndication};
use crate::link::Guide;
use crate::routes::{Calendar, Route};

/// Files made from the whole guide that `serve` makes only when asked for,
/// like the search index: each reads every playbook or partner (the calendar
/// and the partners' JSON are megabytes on a large guide), and a save would
/// otherwise wait for them. The owners' calendars are made on request too
/// (see [`is_on_request`]).
pub(crate) const ON_REQUEST: [&str; 5] =
    ["calendar.ics", "partners.json", "feed.xml", "sitemap.xml", super::report::REPORT_CSV];

/// Whether `path` (below the site root, unencoded) is one of the files that
/// `serve` makes when asked for: one of [`ON_REQUEST`] or an owner's calendar.
pub(crate) fn is_on_request(path: &str) -> bool {
    ON_REQUEST.contains(&path) || matches!(Calendar::from_file(path), Some(Calendar::Owner(_)))
}

/// The bytes of one of the files [`is_on_request`] names, for `guide`; `None`
/// for any other path and for the calendar of someone who owns no open item.
pub(crate) fn on_request(guide: &Guide, path: &str) -> Option<Vec<u8>> {
    if let Some(Calendar::Owner(owner)) = Calendar::from_file(path) {
        return feeds::owner_calendar(guide, &owner).map(String::into_bytes);
    }
    let g = Generated::ALL.into_iter().find(|g| g.file() == Some(path) && ON_REQUEST.contains(&path))?;
    let files = make(g, guide, &super::page::routes(guide));
    files.into_iter().next().map(|f| f.text.into_bytes())
}

/// A file (or, for the owners' calendars, a set of files) made from the whole
/// guide rather than drawn from a template.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Generated {
    Feed,
    Sitemap,
    Robots,
    Calendar,
    OwnerCalendars,
    PartnersJson,
    ReportCsv,
}

impl Generated {
    const ALL: [Generated; 7] = [
        Generated::Feed,
        Generated::Sitemap,
        Generated::Robots,
        Generated::Calendar,
        Generated::OwnerCalendars,
        Generated::PartnersJson,
        Generated::ReportCsv,
    ];

    /// The file it makes; `None` for a set of files.
    fn file(self) -> Option<&'static str> {
        Some(match self {
            Generated::Feed => "feed.xml",
            Generated::Sitemap => "sitemap.xml",
            Generated::Robots => "robots.txt",
            Generated::Calendar => "calendar.ics",
            Generated::PartnersJson => "partners.json",
            Generated::ReportCsv => super::report::REPORT_CSV,
            Generated::OwnerCalendars => return None,
        })
    }

    /// Whether `serve` makes it only when asked for.
    fn on_request(self) -> bool {
        self == Generated::OwnerCalendars || self.file().is_some_and(|f| ON_REQUEST.contains(&f))
    }
}

/// The generated files a run makes: all, but those `serve` makes on request
/// when `leave_on_request`.
pub(super) fn wanted(leave_on_request: bool) -> Vec<Generated> {
    Generated::ALL.into_iter().filter(|g| !(leave_on_request && g.on_request())).collect()
}

/// A generated file's bytes.
pub(super) struct GeneratedFile {
    pub(super) file: String,
    pub(super) bytes: Arc<[u8]>,
}

/// Makes the `wanted` files side by side (the calendar and the partners' JSON
/// are megabytes on a large guide). `pages` are the site's pages.
pub(super) fn generate(guide: &Guide, pages: &[Route], wanted: &[Generated]) -> Vec<GeneratedFile> {
    wanted
        .par_iter()
        .flat_map_iter(|&g| make(g, guide, pages))
        .map(|f| GeneratedFile { file: f.file, bytes: f.text.into_bytes().into() })
        .collect()
}

/// The text of a generated file, and its file below the site root.
struct Made {
    file: String,
    text: String,
}

/// The files of one [`Generated`].
fn make(g: Generated, guide: &Guide, pages: &[Route]) -> Vec<Made> {
    let text = match g {
        Generated::Feed => syndication::atom(guide),
        Generated::Sitemap => {
            // Listed in the order of the pages' files, as a folder listing would.
            let mut by_file: Vec<(String, &Route)> = pages.iter().map(|r| (r.file(), r)).collect();
            by_file.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            syndication::sitemap(guide, by_file.into_iter().map(|(_, r)| r))
        }
        Generated::Robots => syndication::robots(guide),
        Generated::Calendar => feeds::calendar(guide),
        Generated::PartnersJson => feeds::partners_json(guide),
        Generated::ReportCsv => super::report::csv(guide),
        Generated::OwnerCalendars => {
            return feeds::owner_calendars(guide)
                .into_iter()
                .map(|(owner, text)| Made { file: Calendar::Owner(owner).file(), text })
                .collect();
        }
    };
    let file = g.file().unwrap_or_default().to_string();
    vec![Made { file, text }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_calendars_are_made_on_request_and_other_paths_are_not() {
        for (path, want) in [
            ("calendar.ics", true),
            ("calendar/owner/ana-ruiz.ics", true),
            ("partners.json", true),
            ("robots.txt", false),
            ("calendar/owner/a/b.ics", false),
            ("calendar/owner/.ics", false),
            ("actions/index.html", false),
        ] {
            assert_eq!(is_on_request(path), want, "{path}");
        }
        // A build makes every file serve would make on request, and robots.txt besides.
        let build = wanted(false);
        assert!(build.contains(&Generated::OwnerCalendars) && build.contains(&Generated::Robots));
        assert_eq!(wanted(true).iter().filter(|g| g.on_request()).count(), 0);
    }
}
