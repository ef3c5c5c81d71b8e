//! Files made from the whole guide rather than drawn from a template: the
//! feed, the sitemap, robots.txt, the calendar and the partners' JSON.

use std::sync::Arc;

use rayon::prelude::*;

use super::{feeds, syndication};
use crate::link::Guide;
use crate::routes::Route;

/// Files made from the whole guide that `serve` makes only when asked for,
/// like the search index: each reads every playbook or partner (the calendar
/// and the partners' JSON are megabytes on a large guide), and a save would
/// otherwise wait for them.
pub(crate) const ON_REQUEST: [&str; 4] = ["calendar.ics", "partners.json", "feed.xml", "sitemap.xml"];

/// The bytes of one of [`ON_REQUEST`]'s files, for `guide`.
pub(crate) fn on_request(guide: &Guide, path: &str) -> Option<Vec<u8>> {
    let g = Generated::ALL.into_iter().find(|g| g.file() == path && ON_REQUEST.contains(&path))?;
    Some(make(g, guide, &super::page::routes(guide)).into_bytes())
}

/// A file made from the whole guide rather than drawn from a template.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Generated {
    Feed,
    Sitemap,
    Robots,
    Calendar,
    PartnersJson,
}

impl Generated {
    const ALL: [Generated; 5] =
        [Generated::Feed, Generated::Sitemap, Generated::Robots, Generated::Calendar, Generated::PartnersJson];

    fn file(self) -> &'static str {
        match self {
            Generated::Feed => "feed.xml",
            Generated::Sitemap => "sitemap.xml",
            Generated::Robots => "robots.txt",
            Generated::Calendar => "calendar.ics",
            Generated::PartnersJson => "partners.json",
        }
    }
}

/// The generated files a run makes: all, but the [`ON_REQUEST`] ones when
/// `leave_on_request`.
pub(super) fn wanted(leave_on_request: bool) -> Vec<Generated> {
    Generated::ALL.into_iter().filter(|g| !(leave_on_request && ON_REQUEST.contains(&g.file()))).collect()
}

/// A generated file's bytes.
pub(super) struct GeneratedFile {
    pub(super) file: &'static str,
    pub(super) bytes: Arc<[u8]>,
}

/// Makes the `wanted` files side by side (the calendar and the partners' JSON
/// are megabytes on a large guide). `pages` are the site's pages.
pub(super) fn generate(guide: &Guide, pages: &[Route], wanted: &[Generated]) -> Vec<GeneratedFile> {
    wanted
        .par_iter()
        .map(|&g| GeneratedFile { file: g.file(), bytes: make(g, guide, pages).into_bytes().into() })
        .collect()
}

/// The text of one generated file.
fn make(g: Generated, guide: &Guide, pages: &[Route]) -> String {
    match g {
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
    }
}
