//! Stage 3, render: turn a [`Guide`] into a [`Site`], the bytes of every URL.
//! Pure and parallel: one small context per page, templates parsed once.
//!
//! One path draws the pages for `build`, `serve` and the benches: the cards
//! first ([`cards`]), then each route's context through a page view that notes
//! what it reads ([`view`]), then the template ([`page`]). `serve` keeps what
//! a run made ([`incremental::Cache`]) and, after an edit, builds again only
//! the contexts of the pages that read what changed, and draws only those
//! whose context changed.

mod brief;
mod cards;
mod context;
mod feeds;
mod incremental;
mod outreach;
mod page;
mod page_context;
mod pages;
pub mod search_index;
mod site;
mod syndication;
pub mod theme;
mod view;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::link::Guide;
use crate::routes::{ActionFilter, DirectoryFilter, Route};
use cards::Draw;
use context::SiteCtx;
pub use incremental::{Cache, rerender};
use page_context::hash_of;
pub(crate) use site::pass;
pub use site::{Bytes, Output, RenderError, Site, Sink};
pub use theme::Theme;
use view::{DepKey, Run};

/// Renders every file of the guide with the theme, the search index included.
pub fn render(guide: &Guide, theme: &Theme) -> Result<Site, RenderError> {
    let (site, index) =
        rayon::join(|| full(guide, theme, None, None), || search_index::search_index(guide));
    let mut site = site?;
    site.pages.extend(index.into_iter().map(|(path, text)| (path.into(), Output { bytes: text.into_bytes().into() })));
    Ok(site)
}

/// Renders the same files as [`render`], handing each to `sink` as soon as it
/// is made and keeping none: `build` writes pages while others render, and a
/// large guide's site is never all in memory. Returns how many files there were.
pub fn render_to(guide: &Guide, theme: &Theme, sink: &Sink<'_>) -> Result<usize, RenderError> {
    let (site, index) = rayon::join(|| full(guide, theme, None, Some(sink)), || search_index::search_index(guide));
    let files = site?.len() + index.len();
    for (path, text) in index {
        sink(&path, Bytes::Owned(text.into_bytes())).map_err(|message| RenderError { page: path.clone(), message })?;
    }
    Ok(files)
}

/// `serve`'s full run: every page's context is built again, and only the pages
/// whose context changed since the run that filled `cache` are drawn again.
/// The search index and the [`ON_REQUEST`] files are left out.
pub fn render_with(guide: &Guide, theme: &Theme, cache: &mut Cache) -> Result<Site, RenderError> {
    full(guide, theme, Some(cache), None)
}

/// Where the search index is published. `render` includes it; `serve` makes it
/// when a browser first asks for it after a change, so that saves stay fast.
pub const SEARCH_INDEX: &str = "search-index.js";
/// The folder of the search index's shards, beside [`SEARCH_INDEX`].
pub const SEARCH_SHARDS: &str = "search-index/";
/// Files made from every partner that `serve` makes only when asked for, like
/// the search index: on a large guide they are megabytes, and a partner's save
/// would otherwise wait for them.
pub const ON_REQUEST: [&str; 2] = ["calendar.ics", "partners.json"];

/// The bytes of one of [`ON_REQUEST`]'s files, for `guide`.
pub fn on_request(guide: &Guide, path: &str) -> Option<Vec<u8>> {
    match path {
        "calendar.ics" => Some(feeds::calendar(guide).into_bytes()),
        "partners.json" => Some(feeds::partners_json(guide).into_bytes()),
        _ => None,
    }
}

/// Every page of the site, in a fixed order.
fn routes(guide: &Guide) -> Vec<Route> {
    let mut r = vec![
        Route::Home,
        Route::Playbooks,
        Route::Partners(DirectoryFilter::All),
        Route::Pipeline,
        Route::Actions(ActionFilter::All),
        Route::Tags,
        Route::NotFound,
    ];
    r.extend(outreach::directory_routes(guide).into_iter().map(Route::Partners));
    r.extend(outreach::owners(guide).into_keys().map(|o| Route::Actions(ActionFilter::Owner(o))));
    let with_actions: BTreeSet<&String> = guide.actions.iter().map(|a| &a.partner).collect();
    r.extend(with_actions.into_iter().map(|p| Route::Actions(ActionFilter::Partner(p.clone()))));
    r.extend(guide.playbooks.keys().cloned().map(Route::Playbook));
    r.extend(guide.partners.keys().cloned().map(Route::Partner));
    r.extend(guide.partners.keys().cloned().map(Route::Brief));
    r.extend(guide.tags.keys().cloned().map(Route::Tag));
    r.extend(guide.pages.keys().cloned().map(Route::Page));
    r
}

/// A page after a run: drawn now, or taken from the last run because its
/// context had not changed.
struct DrawnPage {
    file: String,
    /// The hash of its context, when kept for a next run.
    hash: Option<u64>,
    /// What its context read, when kept for a next run.
    reads: Vec<DepKey>,
    bytes: Arc<[u8]>,
    drawn: bool,
}

/// What drawing a set of routes needs.
struct Job<'a> {
    run: &'a Run<'a>,
    theme: &'a Theme,
    /// `site` as a template value, with its hash when pages are hashed.
    site: (tera::Value, Option<u64>),
    /// Hash contexts and note reads, for a next run.
    keep: bool,
    /// The pages of the last run, by file.
    last: Option<&'a HashMap<Arc<str>, incremental::Kept>>,
    sink: Option<&'a Sink<'a>>,
}

impl Job<'_> {
    /// Builds the context of each route and draws the page unless the last run
    /// drew it from the same context. A route whose item is gone is left out.
    fn draw(&self, routes: &[&Route]) -> Result<Vec<DrawnPage>, RenderError> {
        routes.par_iter().filter_map(|route| self.draw_one(route).transpose()).collect()
    }

    fn draw_one(&self, route: &Route) -> Result<Option<DrawnPage>, RenderError> {
        let rcx = self.run.page();
        let file = route.file();
        let Some(page) = page::context(&rcx, &self.site, route, self.keep) else { return Ok(None) };
        let hash = page.context.hash();
        let reads = if self.keep { rcx.reads() } else { Vec::new() };
        if let Some(kept) = self.last.and_then(|last| last.get(file.as_str()))
            && hash.is_some()
            && kept.hash == hash
        {
            return Ok(Some(DrawnPage { file, hash, reads, bytes: kept.bytes.clone(), drawn: false }));
        }
        let bytes = page::draw(self.theme, &page).map_err(|message| RenderError { page: file.clone(), message })?;
        let bytes = pass(self.sink, &file, Bytes::Owned(bytes))?;
        Ok(Some(DrawnPage { file, hash, reads, bytes, drawn: true }))
    }
}

/// `site` as a template value, hashed when `keep`.
fn site_value(site: &SiteCtx<'_>, keep: bool) -> (tera::Value, Option<u64>) {
    (tera::Value::from_serializable(site), if keep { hash_of(site) } else { None })
}

/// Every page, the generated files and the assets: `build` (no cache, maybe a
/// sink), `serve`'s full run (a cache) and `render` (neither).
fn full(guide: &Guide, theme: &Theme, cache: Option<&mut Cache>, sink: Option<&Sink<'_>>) -> Result<Site, RenderError> {
    let keep = cache.is_some();
    let related = pages::related(guide);
    let mut fresh = incremental::Cache::default();
    let cache = cache.unwrap_or(&mut fresh);
    let site_ctx = SiteCtx::new(guide);
    cache.cards.draw(&Draw { guide, theme, site: &site_ctx, keep, only: None })?;
    let run = Run::new(guide, &cache.cards, &related);
    let routes = routes(guide);
    let route_refs: Vec<&Route> = routes.iter().collect();
    let job = Job { run: &run, theme, site: site_value(&site_ctx, keep), keep, last: Some(&cache.pages), sink };
    let wanted = incremental::generated_wanted(cache.leave_on_request, None);
    let (drawn, generated) = rayon::join(|| job.draw(&route_refs), || incremental::generate(guide, &routes, &wanted));
    let drawn = drawn?;
    let mut site = Site::default();
    for file in &generated {
        site.pages.insert(file.file.into(), Output { bytes: pass(sink, file.file, Bytes::Shared(file.bytes.clone()))? });
    }
    for (path, bytes) in &theme.assets {
        let path = format!("assets/{path}");
        let bytes = pass(sink, &path, Bytes::Shared(bytes.clone()))?;
        site.pages.insert(path.into(), Output { bytes });
    }
    for (path, bytes) in &guide.assets {
        site.pages.insert(path.as_str().into(), Output { bytes: pass(sink, path, Bytes::Shared(bytes.clone()))? });
    }
    drop(job);
    drop(run);
    if keep {
        cache.keep_full(guide, routes, drawn, related, &mut site);
    } else {
        site.pages.extend(drawn.into_iter().map(|d| (d.file.into(), Output { bytes: d.bytes })));
    }
    Ok(site)
}
