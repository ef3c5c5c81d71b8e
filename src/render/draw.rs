//! The one drawing path of `build`, `serve` and the benches: each route's
//! context built through its own page view, then drawn by the theme unless the
//! last run drew it from the same context.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::page;
use super::page_context::SiteValue;
use super::site::{Bytes, RenderError, Sink, pass};
use super::theme::Theme;
use super::view::{DepKey, Run};
use crate::routes::Route;

/// A page after a run: drawn now, or taken from the last run because its
/// context had not changed.
pub(super) struct DrawnPage {
    /// Its route's place in the list of routes drawn.
    pub(super) at: usize,
    pub(super) file: String,
    /// The hash of its context, when kept for a next run.
    pub(super) hash: Option<u64>,
    /// What its context read, when kept for a next run.
    pub(super) reads: Vec<DepKey>,
    pub(super) bytes: Arc<[u8]>,
    pub(super) drawn: bool,
}

/// What drawing a set of routes needs.
pub(super) struct Job<'a> {
    pub(super) run: &'a Run<'a>,
    pub(super) theme: &'a Theme,
    /// `site` as a template value, with its hash when pages are hashed.
    pub(super) site: SiteValue,
    /// Hash contexts and note reads, for a next run.
    pub(super) keep: bool,
    /// The pages of the last run, by file.
    pub(super) last: Option<&'a HashMap<Arc<str>, Kept>>,
    pub(super) sink: Option<&'a Sink<'a>>,
}

impl Job<'_> {
    /// Builds the context of each route and draws the page unless the last run
    /// drew it from the same context. A route whose item is gone is left out.
    pub(super) fn draw(&self, routes: &[&Route]) -> Result<Vec<DrawnPage>, RenderError> {
        routes.par_iter().enumerate().filter_map(|(at, route)| self.draw_one(at, route).transpose()).collect()
    }

    fn draw_one(&self, at: usize, route: &Route) -> Result<Option<DrawnPage>, RenderError> {
        let rcx = self.run.page();
        let file = route.file();
        let Some(page) = page::context(&rcx, &self.site, route, self.keep) else { return Ok(None) };
        let hash = page.context.hash();
        let reads = if self.keep { rcx.reads() } else { Vec::new() };
        if let Some(kept) = self.last.and_then(|last| last.get(file.as_str()))
            && hash.is_some()
            && kept.hash == hash
        {
            return Ok(Some(DrawnPage { at, file, hash, reads, bytes: kept.bytes.clone(), drawn: false }));
        }
        let bytes = page::draw(self.theme, &page).map_err(|message| RenderError { page: file.clone(), message })?;
        let bytes = pass(self.sink, &file, Bytes::Owned(bytes))?;
        Ok(Some(DrawnPage { at, file, hash, reads, bytes, drawn: true }))
    }
}

/// A page kept from the last run.
#[derive(Debug)]
pub(super) struct Kept {
    /// The hash of the context it was drawn from.
    pub(super) hash: Option<u64>,
    /// What its context read.
    pub(super) reads: Vec<DepKey>,
    pub(super) bytes: Arc<[u8]>,
}
