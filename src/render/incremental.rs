//! What `serve` keeps from one render run to the next, and the run after an
//! edit of a few playbooks or partners ([`rerender`]): the pages that read
//! what changed (as their views noted, see [`super::view`]) get their context
//! built again, and are drawn again only when it differs; every other file
//! comes from the last site.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use super::cards::{Cards, Draw};
use super::draw::{DrawnPage, Job, Kept};
use super::page::routes;
use super::page_context::{SiteCtx, hash_of, site_value};
use super::site::{Output, RenderError, Site};
use super::theme::Theme;
use super::view::{DepKey, Run};
use crate::link::{Guide, Relinked};
use crate::routes::Route;

/// Pages, cards and indexes of the last run, for the next. Valid for one
/// theme: `serve` starts a new one when templates change.
#[derive(Debug, Default)]
pub struct Cache {
    /// The cards of every item.
    pub(super) cards: Cards,
    /// Every page of the last run, by file.
    pub(super) pages: HashMap<Arc<str>, Kept>,
    /// The last full run's routes, settings and related playbooks; `None` before one.
    last: Option<LastRun>,
    /// Pages drawn by the last run (the others were taken as they were).
    pub rendered: usize,
    /// Leave out the `ON_REQUEST` files (serve makes them when asked).
    pub(super) leave_on_request: bool,
}

/// What the last full run knew of the guide as a whole.
#[derive(Debug)]
struct LastRun {
    routes: Vec<Route>,
    /// The settings and date every page sees: an edit patched in place keeps them.
    site: (Option<u64>, NaiveDate),
    related: HashMap<String, Vec<String>>,
    /// Which pages (by place in `routes`) read each thing.
    readers: HashMap<DepKey, BTreeSet<usize>>,
}

impl Cache {
    /// The cache of `serve`: its sites leave out the `ON_REQUEST` files.
    pub fn for_serve() -> Self {
        Cache { leave_on_request: true, ..Cache::default() }
    }

    /// Keeps what a full run made.
    pub(super) fn keep_full(
        &mut self,
        guide: &Guide,
        routes: Vec<Route>,
        drawn: Vec<DrawnPage>,
        related: HashMap<String, Vec<String>>,
        site: &mut Site,
    ) {
        self.rendered = drawn.iter().filter(|d| d.drawn).count();
        self.pages.clear();
        let mut readers: HashMap<DepKey, BTreeSet<usize>> = HashMap::new();
        for page in drawn {
            let file: Arc<str> = page.file.into();
            for dep in &page.reads {
                readers.entry(dep.clone()).or_default().insert(page.at);
            }
            site.pages.insert(file.clone(), Output { bytes: page.bytes.clone() });
            self.pages.insert(file, Kept { hash: page.hash, reads: page.reads, bytes: page.bytes });
        }
        self.last = Some(LastRun { routes, site: site_key(guide), related, readers });
    }
}

/// The settings and date of a guide, as one key.
fn site_key(guide: &Guide) -> (Option<u64>, NaiveDate) {
    // Debug spells every field of the settings; it only has to be the same
    // for the same settings within one process.
    (hash_of(&format!("{:?}", guide.settings)), guide.today)
}

/// Renders again, after `relink` patched `guide`, the pages that read what it
/// changed, and takes every other file from `previous` (the site the last run
/// with `cache` made). `None` when `cache` cannot tell which pages those are
/// (no earlier run, other settings or another day, or an edit that adds or
/// removes pages): then call `render_with`.
pub(crate) fn rerender(
    guide: &Guide,
    theme: &Theme,
    cache: &mut Cache,
    previous: &Site,
    changed: &Relinked,
) -> Option<Result<Site, RenderError>> {
    let last = cache.last.as_ref()?;
    if last.site != site_key(guide) {
        return None;
    }
    // A partner's kind, status, tags, owners and actions decide which pages
    // exist; a playbook patched in place cannot add or remove one.
    if !changed.partners.is_empty() && routes(guide) != last.routes {
        return None;
    }
    Some(rerender_reached(guide, theme, cache, previous, changed))
}

fn rerender_reached(
    guide: &Guide,
    theme: &Theme,
    cache: &mut Cache,
    previous: &Site,
    changed: &Relinked,
) -> Result<Site, RenderError> {
    let site_ctx = SiteCtx::new(guide);
    let site = site_value(&site_ctx, true);
    cache.cards.draw(&Draw { guide, theme, site: &site_ctx, site_hash: site.hash, only: Some(changed) })?;
    let last = cache.last.as_mut().expect("checked by rerender");
    let mut reached: BTreeSet<usize> = BTreeSet::new();
    for dep in DepKey::dirtied_by(changed) {
        reached.extend(last.readers.get(&dep).into_iter().flatten());
    }
    let reached: Vec<usize> = reached.into_iter().collect();
    let routes: Vec<&Route> = reached.iter().map(|&i| &last.routes[i]).collect();
    let run = Run::new(guide, &cache.cards, &last.related);
    let job = Job { run: &run, theme, site, keep: true, last: Some(&cache.pages), sink: None };
    let drawn = job.draw(&routes)?;
    drop(job);
    drop(run);
    let mut site = previous.clone();
    cache.rendered = drawn.iter().filter(|d| d.drawn).count();
    for page in drawn {
        let file: Arc<str> = page.file.into();
        let old = cache.pages.get(&file).map(|k| k.reads.as_slice()).unwrap_or_default();
        if old != page.reads.as_slice() {
            let at = reached[page.at];
            for dep in old {
                if let Some(pages) = last.readers.get_mut(dep) {
                    pages.remove(&at);
                }
            }
            for dep in &page.reads {
                last.readers.entry(dep.clone()).or_default().insert(at);
            }
        }
        if page.drawn {
            site.pages.insert(file.clone(), Output { bytes: page.bytes.clone() });
        }
        cache.pages.insert(file, Kept { hash: page.hash, reads: page.reads, bytes: page.bytes });
    }
    Ok(site)
}
