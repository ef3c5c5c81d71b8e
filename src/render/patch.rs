//! Rendering again after `link::relink` patched a few playbooks or partners:
//! [`rerender`] finds the pages that show them through the index the last full
//! run kept ([`Index`]), renders those whose fingerprint changed, and takes
//! every other file from the last site. The fingerprints stay the one judge
//! of what a page shows ([`route_fingerprint`]); the index only saves asking
//! every page.

use std::collections::HashMap;

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::context::{Rcx, SiteCtx};
use super::{
    Cache, Output, RenderError, Route, Shared, Site, Theme, generated, render_cards, render_route, route_fingerprint,
    routes, site_fingerprint,
};
use crate::link::Guide;

/// Renders again, after `relink` patched `guide`, the pages that show what it
/// changed, and takes every other file from `previous` (the site the last run
/// with `cache` made). `None` when `cache` cannot tell which pages those are
/// (another theme, no earlier run, or an edit that adds or removes pages):
/// then call [`render_with`].
pub fn rerender(
    guide: &Guide,
    theme: &Theme,
    cache: &mut Cache,
    previous: &Site,
    changed: &crate::link::Relinked,
) -> Option<Result<Site, RenderError>> {
    let index = cache.index.as_ref()?;
    let site_fp = site_fingerprint(guide);
    if index.site_fp != site_fp {
        return None;
    }
    // A partner's kind, status, owners and actions decide which pages exist.
    if !changed.partners.is_empty() {
        let now = routes(guide);
        if now.len() != index.routes.len() || now.iter().zip(&index.routes).any(|(a, (b, _))| a != b) {
            return None;
        }
    }
    let mut dirty: Vec<u64> = Vec::new();
    dirty.extend(changed.playbooks.iter().map(|s| Dep::Playbook(s).key()));
    dirty.extend(changed.partners.iter().map(|s| Dep::Partner(s).key()));
    if !changed.playbooks.is_empty() {
        dirty.push(Dep::AllPlaybooks.key());
    }
    if !changed.partners.is_empty() {
        dirty.push(Dep::AllPartners.key());
    }
    let mut reached: Vec<u32> = dirty.iter().filter_map(|k| index.deps.get(k)).flatten().copied().collect();
    reached.sort_unstable();
    reached.dedup();
    // The index stays valid whatever happens: the pages it lists are the same.
    let index = cache.index.take().expect("checked above");
    let site = rerender_routes(guide, theme, cache, &index, previous, changed, &reached, site_fp);
    cache.index = Some(index);
    Some(site)
}

fn rerender_routes(
    guide: &Guide,
    theme: &Theme,
    cache: &mut Cache,
    index: &Index,
    previous: &Site,
    changed: &crate::link::Relinked,
    reached: &[u32],
    site_fp: u64,
) -> Result<Site, RenderError> {
    let site_ctx = SiteCtx::new(guide);
    // Related playbooks are unchanged (relink keeps every relation); only those of the pages reached are needed.
    let all_related = &cache.related.as_ref().expect("a full run made them").1;
    let related: HashMap<&str, Vec<&str>> = reached
        .iter()
        .filter_map(|&i| match &index.routes[i as usize].0 {
            Route::Playbook(slug) => {
                all_related.get(slug).map(|v| (slug.as_str(), v.iter().map(String::as_str).collect()))
            }
            _ => None,
        })
        .collect();
    let only = CardsOf { playbooks: &changed.playbooks, partners: &changed.partners };
    render_cards(guide, theme, &site_ctx, site_fp, &mut cache.cards, Some(only))?;
    let site_value = tera::Value::from_serializable(&site_ctx);
    let rcx = Rcx::new(guide, &cache.cards);
    let shared = Shared::new(&rcx, site_fp);
    let pages = &cache.pages;
    let rendered = reached
        .par_iter()
        .map(|&i| {
            let (route, path) = &index.routes[i as usize];
            let fp = route_fingerprint(guide, &related, &shared, route, path, &mut Vec::new());
            if pages.get(path).is_some_and(|(old, _)| *old == fp) {
                return Ok((path.as_str(), fp, None));
            }
            let bytes = render_route(&rcx, theme, &site_value, &related, route)
                .map_err(|e| RenderError { page: path.clone(), message: e })?;
            Ok((path.as_str(), fp, Some(Output { bytes: bytes.into() })))
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    let mut site = previous.clone();
    cache.rendered = 0;
    for (path, fp, out) in rendered {
        if let Some(out) = out {
            cache.rendered += 1;
            site.pages.insert(path.into(), out.clone());
            cache.pages.insert(path.to_string(), (fp, out));
        }
    }
    let mut pages: Vec<&str> = index.routes.iter().map(|(_, path)| path.as_str()).collect();
    pages.sort_unstable();
    pages.dedup();
    for (path, fp, bytes) in generated(guide, index, &shared, &pages, &mut cache.pages, cache.leave_on_request) {
        let out = Output { bytes: bytes.into() };
        site.pages.insert(path.into(), out.clone());
        cache.pages.insert(path.to_string(), (fp, out));
    }
    Ok(site)
}

/// What [`render_pages`] keeps for [`rerender`]: every route with its path, and
/// which routes show each thing an edit can change.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) site_fp: u64,
    pub(super) related_fp: u64,
    /// A fingerprint of the paths of the site, for the sitemap.
    pub(super) keys_fp: u64,
    pub(super) routes: Vec<(Route, String)>,
    /// [`Dep::key`] -> positions in `routes`.
    pub(super) deps: HashMap<u64, Vec<u32>>,
}

/// Only the cards of these items are rendered again.
#[derive(Clone, Copy)]
pub(super) struct CardsOf<'a> {
    pub(super) playbooks: &'a [String],
    pub(super) partners: &'a [String],
}

/// What a route's page shows, for finding the pages an edit reaches: the
/// fingerprints [`super::route_fingerprint`] reads, each named by a key.
#[derive(Clone, Copy)]
pub(super) enum Dep<'a> {
    Playbook(&'a str),
    Partner(&'a str),
    AllPlaybooks,
    AllPartners,
}

impl Dep<'_> {
    pub(super) fn key(self) -> u64 {
        let (kind, slug) = match self {
            Dep::Playbook(s) => (0u8, s),
            Dep::Partner(s) => (1, s),
            Dep::AllPlaybooks => (2, ""),
            Dep::AllPartners => (3, ""),
        };
        let mut h = Xxh3::new();
        h.update(&[kind]);
        h.update(slug.as_bytes());
        h.digest()
    }
}
