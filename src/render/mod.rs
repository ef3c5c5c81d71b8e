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
mod draw;
mod feeds;
mod generated;
mod history;
mod incremental;
mod outreach;
mod page;
mod page_context;
mod pages;
mod pipeline;
mod print;
mod report;
pub mod search_index;
mod site;
mod syndication;
pub(crate) mod theme;
mod view;

/// Escapes text for HTML, SVG and attribute values, for the HTML we write
/// ourselves (templates escape on their own): the report's charts, serve's
/// error overlay.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

use crate::link::Guide;
use crate::routes::Route;
use cards::Draw;
use draw::Job;
pub(crate) use generated::{is_on_request, on_request};
pub(crate) use incremental::{Cache, rerender};
use page_context::{SiteCtx, site_value};
use site::pass;
pub use site::{Bytes, Output, RenderError, Sink, Site};
pub use theme::Theme;
use view::Run;

/// Renders every file of the guide with the theme, the search index included.
pub fn render(guide: &Guide, theme: &Theme) -> Result<Site, RenderError> {
    let (site, index) = rayon::join(|| full(guide, theme, None, None), || search_index::search_index(guide));
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
/// The search index and the files `serve` makes on request ([`is_on_request`]) are left out.
pub fn render_with(guide: &Guide, theme: &Theme, cache: &mut Cache) -> Result<Site, RenderError> {
    full(guide, theme, Some(cache), None)
}

/// Where the search index is published. `render` includes it; `serve` makes it
/// when a browser first asks for it after a change, so that saves stay fast.
pub const SEARCH_INDEX: &str = "search-index.js";
/// The folder of the search index's shards, beside [`SEARCH_INDEX`].
pub const SEARCH_SHARDS: &str = "search-index/";
/// Every page, the generated files and the assets: `build` (no cache, maybe a
/// sink), `serve`'s full run (a cache) and `render` (neither).
fn full(guide: &Guide, theme: &Theme, cache: Option<&mut Cache>, sink: Option<&Sink<'_>>) -> Result<Site, RenderError> {
    let keep = cache.is_some();
    let related = pages::related(guide);
    let mut fresh = incremental::Cache::default();
    let cache = cache.unwrap_or(&mut fresh);
    let site_ctx = SiteCtx::new(guide);
    let site = site_value(&site_ctx, keep);
    cache.cards.draw(&Draw { guide, theme, site: &site_ctx, site_hash: site.hash, only: None })?;
    let run = Run::new(guide, &cache.cards, &related);
    let routes = page::routes(guide);
    let route_refs: Vec<&Route> = routes.iter().collect();
    let job = Job { run: &run, theme, site, keep, last: Some(&cache.pages), sink };
    let wanted = generated::wanted(cache.leave_on_request);
    let (drawn, generated) = rayon::join(|| job.draw(&route_refs), || generated::generate(guide, &routes, &wanted));
    let drawn = drawn?;
    let mut site = Site::default();
    for file in &generated {
        site.pages.insert(
            file.file.as_str().into(),
            Output { bytes: pass(sink, &file.file, Bytes::Shared(file.bytes.clone()))? },
        );
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
