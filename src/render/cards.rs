//! The cards: each playbook's and partner's summary in a list, drawn by the
//! theme's `partials/playbook_card.html` and `partials/partner_card.html`
//! once per item and reused by every list that shows it. `serve` keeps them
//! between runs and draws again only a card whose data changed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

use super::page_context::{SiteCtx, hash_of};
use super::{RenderError, Theme, theme};
use crate::link::{Guide, Partner, Playbook, Relinked};
use crate::load::fields::Stage;
use crate::routes::Route;

/// The partials that draw a card; templates show a card's `html`.
const PLAYBOOK_CARD: &str = "partials/playbook_card.html";
const PARTNER_CARD: &str = "partials/partner_card.html";

/// The card of every playbook and partner.
#[derive(Debug, Default)]
pub(crate) struct Cards {
    /// Playbook cards by slug.
    pub(crate) playbooks: CardMap,
    /// Partner cards by slug.
    pub(crate) partners: CardMap,
}

/// Cards by slug. xxh3 hashes the short keys faster than the default hasher:
/// a large guide's pages look up about 100,000 cards.
pub(crate) type CardMap = HashMap<String, Card, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// One drawn card.
#[derive(Debug)]
pub(crate) struct Card {
    /// A hash of what the card was drawn from (`None` where nothing is kept for a next run).
    data_hash: Option<u64>,
    /// The card's HTML.
    pub(crate) html: Arc<str>,
    /// The card's data with its HTML as a template value, made the first time
    /// a page lists the card and shared from then on (a `tera::Value` map is
    /// reference-counted): most cards are on many pages.
    pub(crate) value: OnceLock<tera::Value>,
}

/// What [`Cards::draw`] is asked to do.
pub(crate) struct Draw<'a> {
    pub(crate) guide: &'a Guide,
    pub(crate) theme: &'a Theme,
    pub(crate) site: &'a SiteCtx<'a>,
    /// The hash of `site`, when a hash of each card's data is kept so that a
    /// next run can tell what changed.
    pub(crate) site_hash: Option<u64>,
    /// Look only at these items' cards (an edit of a few items that added or removed none).
    pub(crate) only: Option<&'a Relinked>,
}

impl Cards {
    /// Draws the cards of the items that are new or whose data changed since
    /// the last run, in parallel, and forgets the cards of items that are gone.
    pub(crate) fn draw(&mut self, how: &Draw<'_>) -> Result<(), RenderError> {
        let guide = how.guide;
        let base = guide.settings.base_path.as_str();
        let site_hash = how.site_hash;
        let only = how.only.map(|c| c.playbooks.as_slice());
        refresh(&guide.playbooks, only, &mut self.playbooks, PLAYBOOK_CARD, |p, old| {
            card(how, site_hash, PLAYBOOK_CARD, &playbook_card_data(base, p), old)
        })?;
        let only = how.only.map(|c| c.partners.as_slice());
        refresh(&guide.partners, only, &mut self.partners, PARTNER_CARD, |p, old| {
            card(how, site_hash, PARTNER_CARD, &partner_card_data(base, p), old)
        })
    }
}

/// Draws again the cards of `items` (or of those `only` names) that `card_of`
/// finds changed; `card_of` gets the item and the hash its kept card was drawn from.
fn refresh<T: Send + Sync>(
    items: &BTreeMap<String, Arc<T>>,
    only: Option<&[String]>,
    cards: &mut CardMap,
    template: &str,
    card_of: impl Fn(&T, Option<Option<u64>>) -> Option<Result<Card, String>> + Sync,
) -> Result<(), RenderError> {
    let wanted: Vec<(&String, &Arc<T>)> = match only {
        Some(slugs) => slugs.iter().filter_map(|s| items.get_key_value(s)).collect(),
        None => items.iter().collect(),
    };
    let fresh: Vec<(String, Card)> = wanted
        .into_par_iter()
        .filter_map(|(slug, item)| {
            let old = cards.get(slug).map(|c| c.data_hash);
            card_of(item, old).map(|card| card.map(|card| (slug.clone(), card)))
        })
        .collect::<Result<_, _>>()
        .map_err(|message| RenderError { page: template.to_string(), message })?;
    if only.is_none() {
        cards.retain(|slug, _| items.contains_key(slug));
    }
    cards.extend(fresh);
    Ok(())
}

/// The card drawn from `data`, or `None` when the kept card (drawn from the
/// data hashed as `old`) is the same.
fn card<T: Serialize>(
    how: &Draw<'_>,
    site_hash: Option<u64>,
    template: &str,
    data: &T,
    old: Option<Option<u64>>,
) -> Option<Result<Card, String>> {
    let data_hash = site_hash.zip(hash_of(data)).map(|(site, card)| site ^ card.rotate_left(1));
    if data_hash.is_some() && old == Some(data_hash) {
        return None;
    }
    let mut ctx = tera::Context::new();
    ctx.insert("site", how.site);
    ctx.insert("p", data);
    let html = how.theme.tera.render(template, &ctx).map_err(|e| theme::error_text(&e));
    Some(html.map(|html| Card { data_hash, html: html.into(), value: OnceLock::new() }))
}

/// A playbook in a list.
#[derive(Clone, Serialize)]
pub(crate) struct PlaybookCard<'a> {
    /// Title.
    pub(crate) title: &'a str,
    /// URL.
    pub(crate) url: String,
    /// Summary.
    pub(crate) summary: Option<&'a str>,
    /// Stage label.
    pub(crate) stage: Option<&'static str>,
    /// Partnership label.
    pub(crate) partnership: Option<&'static str>,
    /// Draft marker.
    pub(crate) draft: bool,
    /// The card rendered by the theme's partial (empty while the cards themselves are rendered).
    pub(crate) html: &'a str,
}

/// A partner in a list.
#[derive(Clone, Serialize)]
pub(crate) struct PartnerCard<'a> {
    /// Name.
    pub(crate) name: &'a str,
    /// URL.
    pub(crate) url: String,
    /// Summary.
    pub(crate) summary: Option<&'a str>,
    /// Kind value and label.
    pub(crate) kind: Option<&'static str>,
    /// Kind label.
    pub(crate) kind_label: Option<&'static str>,
    /// Status value.
    pub(crate) status: Option<&'static str>,
    /// Status label.
    pub(crate) status_label: Option<&'static str>,
    /// The card rendered by the theme's partial (empty while the cards themselves are rendered).
    pub(crate) html: &'a str,
}

/// The card of a playbook without its HTML: what the card partial is rendered from.
pub(crate) fn playbook_card_data<'a>(base: &str, p: &'a Playbook) -> PlaybookCard<'a> {
    PlaybookCard {
        title: &p.title,
        url: Route::Playbook(p.slug.clone()).url(base),
        summary: p.summary.as_deref(),
        stage: p.stage.map(Stage::label),
        partnership: p.partnership.map(|k| k.label()),
        draft: p.draft,
        html: "",
    }
}

/// The card of a partner without its HTML: what the card partial is rendered from.
pub(crate) fn partner_card_data<'a>(base: &str, p: &'a Partner) -> PartnerCard<'a> {
    PartnerCard {
        name: &p.profile.name,
        url: Route::Partner(p.slug.clone()).url(base),
        summary: p.profile.summary.as_deref(),
        kind: p.profile.kind.map(|k| k.as_str()),
        kind_label: p.profile.kind.map(|k| k.label()),
        status: p.profile.status.map(|s| s.as_str()),
        status_label: p.profile.status.map(|s| s.label()),
        html: "",
    }
}
