//! Stage 3, render: turn a [`Guide`] into a [`Site`], the bytes of every URL.
//! Pure and parallel: one small context per page, templates parsed once.

pub mod brief;
pub mod context;
pub mod feeds;
pub mod outreach;
pub mod pages;
mod patch;
pub mod search_index;
pub mod syndication;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::link::Guide;
use context::{Cards, Link, Rcx, SiteCtx, partner_card, tag_url};
use outreach::{ActionFilter, DirectoryFilter};
pub use patch::rerender;
use patch::{CardsOf, Dep, Index};
pub use theme::Theme;

/// The finished bytes of one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The file's bytes.
    pub bytes: Arc<[u8]>,
}

/// Every file of the published site, by path below the output folder
/// (`partners/campus-it/index.html`).
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// Files by path. Paths are shared, so that a copy of the site (serve
    /// keeps the last one while it makes the next) copies no path.
    pub pages: BTreeMap<Arc<str>, Output>,
}

impl Site {
    /// Number of files.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// True when there is no file.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

/// A template failed to render.
#[derive(Debug)]
pub struct RenderError {
    /// The page being rendered.
    pub page: String,
    /// Tera's message with its causes.
    pub message: String,
}

/// Every page of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Route {
    Home,
    Playbooks,
    Playbook(String),
    Partners(DirectoryFilter),
    Pipeline,
    Partner(String),
    Brief(String),
    Actions(ActionFilter),
    Tags,
    Tag(String),
    Page(String),
    NotFound,
}

impl Route {
    fn path(&self) -> String {
        match self {
            Route::Home => "index.html".into(),
            Route::Playbooks => "playbooks/index.html".into(),
            Route::Playbook(s) => format!("playbooks/{s}/index.html"),
            Route::Partners(DirectoryFilter::All) => "partners/index.html".into(),
            Route::Partners(DirectoryFilter::Kind(k)) => format!("partners/kind/{}/index.html", k.as_str()),
            Route::Partners(DirectoryFilter::Status(s)) => format!("partners/status/{}/index.html", s.as_str()),
            Route::Partners(DirectoryFilter::Tag(t)) => format!("partners/tag/{t}/index.html"),
            Route::Pipeline => "partners/pipeline/index.html".into(),
            Route::Partner(s) => format!("partners/{s}/index.html"),
            Route::Brief(s) => format!("partners/{s}/brief/index.html"),
            Route::Actions(ActionFilter::All) => "actions/index.html".into(),
            Route::Actions(ActionFilter::Owner(o)) => format!("actions/owner/{o}/index.html"),
            Route::Actions(ActionFilter::Partner(p)) => format!("actions/partner/{p}/index.html"),
            Route::Tags => "tags/index.html".into(),
            Route::Tag(s) => format!("tags/{s}/index.html"),
            Route::Page(s) => format!("{s}/index.html"),
            Route::NotFound => "404.html".into(),
        }
    }
}

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
    let with_actions: std::collections::BTreeSet<&String> = guide.actions.iter().map(|a| &a.partner).collect();
    r.extend(with_actions.into_iter().map(|p| Route::Actions(ActionFilter::Partner(p.clone()))));
    r.extend(guide.playbooks.keys().cloned().map(Route::Playbook));
    r.extend(guide.partners.keys().cloned().map(Route::Partner));
    r.extend(guide.partners.keys().cloned().map(Route::Brief));
    r.extend(guide.tags.keys().cloned().map(Route::Tag));
    r.extend(guide.pages.keys().cloned().map(Route::Page));
    r
}

/// Playbooks per stage on the home page.
const HOME_PER_STAGE: usize = 8;
/// Partners on the home page.
const HOME_PARTNERS: usize = 12;

/// Renders every page of the guide with the theme.
pub fn render(guide: &Guide, theme: &Theme) -> Result<Site, RenderError> {
    let (site, index) =
        rayon::join(|| render_with(guide, theme, &mut Cache::default()), || search_index::search_index(guide));
    let mut site = site?;
    site.pages.extend(index.into_iter().map(|(path, text)| (path.into(), Output { bytes: text.into_bytes().into() })));
    Ok(site)
}

/// Where [`render_to`] hands each finished file: its path and bytes. An error
/// (the disk is full, say) stops the rendering.
pub type Sink<'a> = dyn Fn(&str, Bytes) -> Result<(), String> + Sync + 'a;

/// A file's bytes on their way to a [`Sink`]: a page just rendered is handed
/// over as it is, uncopied; a file the guide or theme keeps is shared.
#[derive(Debug)]
pub enum Bytes {
    /// Made for this run.
    Owned(Vec<u8>),
    /// Kept elsewhere too.
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Shared(a) => a,
        }
    }
}

impl From<Bytes> for Arc<[u8]> {
    fn from(b: Bytes) -> Self {
        match b {
            Bytes::Owned(v) => v.into(),
            Bytes::Shared(a) => a,
        }
    }
}

/// Renders the same files as [`render`], handing each to `sink` as soon as it
/// is made and keeping none: `build` writes pages while others render, and a
/// large guide's site is never all in memory. Returns how many files there were.
pub fn render_to(guide: &Guide, theme: &Theme, sink: &Sink<'_>) -> Result<usize, RenderError> {
    let (site, index) = rayon::join(
        || render_pages(guide, theme, &mut Cache::default(), Some(sink)),
        || search_index::search_index(guide),
    );
    let files = site?.len() + index.len();
    for (path, text) in index {
        sink(&path, Bytes::Owned(text.into_bytes())).map_err(|message| RenderError { page: path.clone(), message })?;
    }
    Ok(files)
}

/// Where the search index is published. `render` includes it; `serve` makes it
/// when a browser first asks for it after a change, so that saves stay fast.
pub const SEARCH_INDEX: &str = "search-index.js";
/// The folder of the search index's shards, beside [`SEARCH_INDEX`].
pub const SEARCH_SHARDS: &str = "search-index/";
/// Files made from every partner that `serve` makes only when asked for, like
/// the search index: on a large guide they are megabytes, and a partner's save
/// would otherwise wait for them (see [`Cache::for_serve`] and [`on_request`]).
pub const ON_REQUEST: [&str; 2] = ["calendar.ics", "partners.json"];

/// The bytes of one of [`ON_REQUEST`]'s files, for `guide`.
pub fn on_request(guide: &Guide, path: &str) -> Option<Vec<u8>> {
    match path {
        "calendar.ics" => Some(feeds::calendar(guide).into_bytes()),
        "partners.json" => Some(feeds::partners_json(guide).into_bytes()),
        _ => None,
    }
}

/// Pages rendered by an earlier run, by path, with the fingerprint of their inputs.
/// `render_with` makes every file but the search index (see [`SEARCH_INDEX`]).
/// A cache is only valid for one theme: drop it when templates change.
#[derive(Debug, Default)]
pub struct Cache {
    pages: HashMap<String, (u64, Output)>,
    /// Related playbooks, valid while the playbooks' partners and tags are unchanged.
    related: Option<(u64, HashMap<String, Vec<String>>)>,
    /// The HTML of every card, each with the fingerprint it was rendered from.
    cards: Cards,
    /// Which pages show what, from the last full run (see [`rerender`]).
    index: Option<Index>,
    /// Pages rendered by the last run (the others came from the cache).
    pub rendered: usize,
    /// Leave out the [`ON_REQUEST`] files (serve makes them when asked).
    leave_on_request: bool,
}

impl Cache {
    /// The cache of `serve`: its sites leave out the [`ON_REQUEST`] files.
    pub fn for_serve() -> Self {
        Cache { leave_on_request: true, ..Cache::default() }
    }
}

/// Renders the pages whose inputs changed since the run that filled `cache`,
/// and takes the others from it.
pub fn render_with(guide: &Guide, theme: &Theme, cache: &mut Cache) -> Result<Site, RenderError> {
    render_pages(guide, theme, cache, None)
}

/// [`render_with`], or, with a `sink`, [`render_to`] but for the search index:
/// then every file goes to the sink and the site returned lists the paths with no bytes.
fn render_pages(guide: &Guide, theme: &Theme, cache: &mut Cache, sink: Option<&Sink<'_>>) -> Result<Site, RenderError> {
    let site_ctx = SiteCtx::new(guide);
    let related_fp = relations_fingerprint(guide);
    // `build` renders once: it keeps nothing for a next run.
    let related: HashMap<&str, Vec<&str>> = if sink.is_some() {
        pages::related(guide)
    } else {
        if cache.related.as_ref().is_none_or(|(fp, _)| *fp != related_fp) {
            let fresh = pages::related(guide)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
                .collect();
            cache.related = Some((related_fp, fresh));
        }
        cache
            .related
            .as_ref()
            .map(|(_, r)| r.iter().map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect())).collect())
            .unwrap_or_default()
    };
    let site_fp = site_fingerprint(guide);
    render_cards(guide, theme, &site_ctx, site_fp, &mut cache.cards, None)?;
    // Every page has the same `site`: made into a template value once, shared.
    let site_value = tera::Value::from_serializable(&site_ctx);
    let rcx = Rcx::new(guide, &cache.cards);
    let shared = Shared::new(&rcx, site_fp);
    // `serve` keeps each page with its fingerprint and what it shows, to find
    // the pages an edit reaches (see `rerender`); `build` keeps nothing.
    let for_serve = sink.is_none();
    let routes = routes(guide);
    let paths: Vec<String> = routes.iter().map(Route::path).collect();
    // The pages, sorted: the sitemap lists them.
    let mut pages: Vec<&str> = paths.iter().map(String::as_str).collect();
    pages.sort_unstable();
    pages.dedup();
    let keys_fp = all_fingerprints(0, pages.iter().map(|k| xxhash_rust::xxh3::xxh3_64(k.as_bytes())));
    let mut index = Index { site_fp, related_fp, keys_fp, routes: Vec::new(), deps: HashMap::new() };
    let mut previous: HashMap<String, (u64, Output)> =
        GENERATED.iter().filter_map(|p| cache.pages.remove_entry(*p)).collect();
    let leave_on_request = cache.leave_on_request;
    let old_pages = &cache.pages;
    // The feeds, sitemap and robots.txt need no page: they are made while the pages render.
    let (rendered, generated): (Result<Vec<_>, RenderError>, Result<Vec<_>, RenderError>) = rayon::join(
        || {
            routes
                .par_iter()
                .zip(&paths)
                .map(|(route, path)| {
                    let mut deps = Vec::new();
                    // `build` starts from an empty cache and drops it: its pages need no fingerprint.
                    let fp =
                        if for_serve { route_fingerprint(guide, &related, &shared, route, path, &mut deps) } else { 0 };
                    if let Some((old, out)) = old_pages.get(path)
                        && *old == fp
                    {
                        return Ok((fp, out.clone(), false, deps));
                    }
                    let bytes = render_route(&rcx, theme, &site_value, &related, route)
                        .map_err(|e| RenderError { page: path.clone(), message: e })?;
                    let bytes = pass(sink, path, Bytes::Owned(bytes))?;
                    Ok((fp, Output { bytes }, true, deps))
                })
                .collect()
        },
        || {
            generated(guide, &index, &shared, &pages, &mut previous, leave_on_request)
                .into_iter()
                .map(|(path, fp, bytes)| Ok((path, fp, Output { bytes: pass(sink, path, bytes)? })))
                .collect()
        },
    );
    let (mut rendered, generated) = (rendered?, generated?);
    cache.rendered = rendered.iter().filter(|r| r.2).count();
    if for_serve {
        for (i, r) in rendered.iter_mut().enumerate() {
            for key in std::mem::take(&mut r.3) {
                index.deps.entry(key).or_default().push(i as u32);
            }
        }
        index.routes = routes.into_iter().zip(paths.iter().cloned()).collect();
    }
    if for_serve {
        cache.pages = paths.iter().zip(&rendered).map(|(p, (fp, out, _, _))| (p.clone(), (*fp, out.clone()))).collect();
    }
    let mut site = Site { pages: paths.into_iter().zip(rendered).map(|(p, (_, out, _, _))| (p.into(), out)).collect() };
    for (path, fp, out) in generated {
        if for_serve {
            cache.pages.insert(path.to_string(), (fp, out.clone()));
        }
        site.pages.insert(path.into(), out);
    }
    for (path, bytes) in &theme.assets {
        let path = format!("assets/{path}");
        let bytes = pass(sink, &path, Bytes::Shared(bytes.clone()))?;
        site.pages.insert(path.into(), Output { bytes });
    }
    for (path, bytes) in &guide.assets {
        site.pages.insert(path.as_str().into(), Output { bytes: pass(sink, path, Bytes::Shared(bytes.clone()))? });
    }
    cache.index = for_serve.then_some(index);
    Ok(site)
}

/// The files [`generated`] makes.
const GENERATED: [&str; 5] = ["feed.xml", "sitemap.xml", "robots.txt", "calendar.ics", "partners.json"];

/// The files made from the whole guide (feeds, sitemap, robots.txt), each
/// taken from `previous` when what it shows is unchanged. `pages` are the
/// pages' paths, sorted.
fn generated(
    guide: &Guide,
    index: &Index,
    shared: &Shared,
    pages: &[&str],
    previous: &mut HashMap<String, (u64, Output)>,
    leave_on_request: bool,
) -> Vec<(&'static str, u64, Bytes)> {
    let (partners_fp, playbooks_fp) = (shared.all_partners, shared.all_playbooks);
    // The sitemap lists every page with the date its playbook or partner changed.
    let day =
        |d: Option<crate::load::fields::Date>| d.map_or(0, |d| chrono::Datelike::num_days_from_ce(&d.0) as u64 + 1);
    let dates = guide.playbooks.values().map(|p| day(p.updated)).chain(guide.partners.values().map(|p| day(p.updated)));
    let pages_fp = all_fingerprints(all_fingerprints(shared.site, [index.keys_fp]), dates);
    let files: [(&'static str, u64, &(dyn Fn() -> String + Sync)); GENERATED.len()] = [
        ("feed.xml", playbooks_fp, &|| syndication::atom(guide)),
        ("sitemap.xml", pages_fp, &|| syndication::sitemap(guide, pages.iter().copied())),
        ("robots.txt", shared.site, &|| syndication::robots(guide)),
        ("calendar.ics", partners_fp, &|| feeds::calendar(guide)),
        // partners.json lists each partner's playbooks by slug: it changes with the relations, not with titles.
        ("partners.json", all_fingerprints(partners_fp, [index.related_fp]), &|| feeds::partners_json(guide)),
    ];
    debug_assert!(files.iter().zip(GENERATED).all(|(f, name)| f.0 == name));
    let wanted: Vec<_> = files
        .into_iter()
        .filter(|(path, _, _)| !(leave_on_request && ON_REQUEST.contains(path)))
        .map(|(path, fp, make)| (path, fp, make, previous.remove(path)))
        .collect();
    // The calendar and the partners' JSON are megabytes on a large guide: they are made side by side.
    wanted
        .into_par_iter()
        .map(|(path, fp, make, previous)| match previous {
            Some((old, out)) if old == fp => (path, fp, Bytes::Shared(out.bytes)),
            _ => (path, fp, Bytes::Owned(make().into_bytes())),
        })
        .collect()
}

/// Renders the cards of the items that are new or changed since `cards` was
/// filled, in parallel, and forgets the cards of items that are gone.
fn render_cards(
    guide: &Guide,
    theme: &Theme,
    site: &SiteCtx<'_>,
    site_fp: u64,
    cards: &mut Cards,
    only: Option<CardsOf<'_>>,
) -> Result<(), RenderError> {
    fn refresh<T: Sync>(
        items: &std::collections::BTreeMap<String, T>,
        only: Option<&[String]>,
        cache: &mut context::CardMap,
        fingerprint: impl Fn(&T) -> u64 + Sync,
        render: impl Fn(&T) -> Result<String, String> + Sync,
        name: &str,
    ) -> Result<(), RenderError> {
        let fresh = |slug: &String, item: &T| {
            let fp = fingerprint(item);
            match cache.get(slug) {
                Some((old, _, _)) if *old == fp => None,
                _ => Some(render(item).map(|html| (slug.clone(), fp, Arc::from(html)))),
            }
        };
        let fresh: Vec<(String, u64, Arc<str>)> = match only {
            Some(slugs) => slugs
                .iter()
                .filter_map(|s| items.get_key_value(s))
                .filter_map(|(s, i)| fresh(s, i))
                .collect::<Result<_, _>>(),
            None => items.par_iter().filter_map(|(s, i)| fresh(s, i)).collect::<Result<_, _>>(),
        }
        .map_err(|message| RenderError { page: name.to_string(), message })?;
        if only.is_none() {
            cache.retain(|slug, _| items.contains_key(slug));
        }
        cache.extend(fresh.into_iter().map(|(slug, fp, html)| (slug, (fp, html, Default::default()))));
        Ok(())
    }
    fn render<T: Serialize>(theme: &Theme, site: &SiteCtx<'_>, template: &str, card: &T) -> Result<String, String> {
        let mut ctx = tera::Context::new();
        ctx.insert("site", site);
        ctx.insert("p", card);
        theme.tera.render(template, &ctx).map_err(|e| theme::error_text(&e))
    }
    let fp = |item: u64| all_fingerprints(site_fp, [item]);
    refresh(
        &guide.playbooks,
        only.map(|o| o.playbooks),
        &mut cards.playbooks,
        |p| fp(p.fingerprint),
        |p| render(theme, site, PLAYBOOK_CARD, &context::playbook_card_data(guide, p)),
        PLAYBOOK_CARD,
    )?;
    refresh(
        &guide.partners,
        only.map(|o| o.partners),
        &mut cards.partners,
        |p| fp(p.fingerprint),
        |p| render(theme, site, PARTNER_CARD, &context::partner_card_data(guide, p)),
        PARTNER_CARD,
    )
}

/// The partials that draw a card; templates show a card's `html`.
const PLAYBOOK_CARD: &str = "partials/playbook_card.html";
const PARTNER_CARD: &str = "partials/partner_card.html";

/// Hands `bytes` to the sink, if there is one, and returns what the site keeps of them:
/// nothing when they went to the sink.
fn pass(sink: Option<&Sink<'_>>, path: &str, bytes: Bytes) -> Result<Arc<[u8]>, RenderError> {
    match sink {
        None => Ok(bytes.into()),
        Some(sink) => {
            sink(path, bytes).map_err(|message| RenderError { page: path.to_string(), message })?;
            Ok(Arc::from(&[][..]))
        }
    }
}

/// One fingerprint for a sequence of them.
fn all_fingerprints(seed: u64, parts: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = Xxh3::new();
    h.update(&seed.to_le_bytes());
    for p in parts {
        h.update(&p.to_le_bytes());
    }
    h.digest()
}

/// What related playbooks depend on: each playbook's partners and tags.
fn relations_fingerprint(guide: &Guide) -> u64 {
    let mut h = Xxh3::new();
    for p in guide.playbooks.values() {
        h.update(p.slug.as_bytes());
        for x in p.partners.iter().chain(&p.tags) {
            h.update(b"\0");
            h.update(x.as_bytes());
        }
        h.update(b"\n");
    }
    for p in guide.partners.values() {
        h.update(p.slug.as_bytes());
        for x in &p.playbooks {
            h.update(b"\0");
            h.update(x.as_bytes());
        }
        h.update(b"\n");
    }
    h.digest()
}

/// What every page shows of the site as a whole: settings, free pages, today.
fn site_fingerprint(guide: &Guide) -> u64 {
    let s = &guide.settings;
    let mut h = Xxh3::new();
    for part in [&s.title, &s.description, &s.base_path, s.institution.as_deref().unwrap_or_default()] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    h.update(s.edit_url.as_deref().unwrap_or_default().as_bytes());
    h.update(&s.stale_after_days.to_le_bytes());
    h.update(guide.today.to_string().as_bytes());
    for p in guide.pages.values() {
        h.update(p.slug.as_bytes());
        h.update(p.title.as_bytes());
    }
    h.digest()
}

/// A fingerprint of everything a route's page shows: when it is unchanged, so is the page.
/// Fingerprints shared by many routes, computed once per run.
struct Shared<'a> {
    /// The run's render view of the guide, with its indexes.
    rcx: &'a Rcx<'a>,
    site: u64,
    all_playbooks: u64,
    all_partners: u64,
    /// What every directory page's filters show; made when a directory page is
    /// first asked (a playbook's save in serve asks none).
    facets: std::sync::OnceLock<u64>,
}

impl<'a> Shared<'a> {
    fn new(rcx: &'a Rcx<'a>, site: u64) -> Self {
        let guide = rcx.guide;
        Shared {
            rcx,
            site,
            all_playbooks: all_fingerprints(site, guide.playbooks.values().map(|p| p.fingerprint)),
            all_partners: all_fingerprints(site, guide.partners.values().map(|p| p.fingerprint)),
            facets: Default::default(),
        }
    }

    /// The kinds, statuses and tags of the directory's filters with their counts, as one fingerprint.
    fn facets(&self) -> u64 {
        *self.facets.get_or_init(|| {
            let mut h = Xxh3::new();
            for p in self.rcx.guide.partners.values() {
                h.update(p.profile.kind.map(|k| k.as_str()).unwrap_or_default().as_bytes());
                h.update(b"\0");
                h.update(p.profile.status.map(|s| s.as_str()).unwrap_or_default().as_bytes());
                h.update(b"\0");
            }
            for (slug, (name, n)) in self.rcx.partner_tags() {
                h.update(format!("{slug}\0{name}\0{n}\0").as_bytes());
            }
            h.digest()
        })
    }
}

/// What an action shows wherever it is listed: its task, owner, date, urgency,
/// source and partner's name.
fn action_fingerprint(guide: &Guide, a: &crate::link::rules::OpenItem) -> u64 {
    use crate::link::rules::Place;
    let mut h = Xxh3::new();
    for part in [&a.partner, &a.task, a.owner.as_deref().unwrap_or_default()] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    h.update(guide.partners.get(&a.partner).map_or("", |p| p.profile.name.as_str()).as_bytes());
    h.update(a.due.map(|d| d.to_string()).unwrap_or_default().as_bytes());
    h.update(a.when.words.as_bytes());
    match a.place {
        Place::NextStep => h.update(b"n"),
        Place::Profile { .. } => h.update(b"i"),
        Place::Meeting { date, .. } => h.update(format!("m{date}").as_bytes()),
    }
    h.digest()
}

fn route_fingerprint(
    guide: &Guide,
    related: &HashMap<&str, Vec<&str>>,
    shared: &Shared,
    route: &Route,
    path: &str,
    deps: &mut Vec<u64>,
) -> u64 {
    let mut h = Xxh3::new();
    h.update(&shared.site.to_le_bytes());
    h.update(path.as_bytes());
    let deps = std::cell::RefCell::new(deps);
    let mut add = |fp: u64| h.update(&fp.to_le_bytes());
    let playbook = |s: &str| {
        deps.borrow_mut().push(Dep::Playbook(s).key());
        guide.playbooks.get(s).map_or(0, |p| p.fingerprint)
    };
    let partner = |s: &str| {
        deps.borrow_mut().push(Dep::Partner(s).key());
        guide.partners.get(s).map_or(0, |p| p.fingerprint)
    };
    let all_playbooks = || {
        deps.borrow_mut().push(Dep::AllPlaybooks.key());
        shared.all_playbooks
    };
    let all_partners = || {
        deps.borrow_mut().push(Dep::AllPartners.key());
        shared.all_partners
    };
    match route {
        Route::Home => {
            add(all_playbooks());
            add(all_partners());
        }
        Route::Playbooks => add(all_playbooks()),
        // A partner's own list of actions shows that partner alone.
        Route::Actions(ActionFilter::Partner(slug)) => add(partner(slug)),
        // An owner's list shows those actions. Any partner's edit can add one, so the
        // page is asked again after each (`all_partners`), but it changes only with them.
        Route::Actions(filter @ ActionFilter::Owner(_)) => {
            deps.borrow_mut().push(Dep::AllPartners.key());
            for a in shared.rcx.actions_of(filter) {
                add(action_fingerprint(guide, a));
            }
        }
        // A directory page shows the facets and its partners' cards; asked again like an owner's list.
        Route::Partners(filter) => {
            deps.borrow_mut().push(Dep::AllPartners.key());
            add(shared.facets());
            let members = outreach::directory_members(shared.rcx, filter);
            for p in members {
                add(xxhash_rust::xxh3::xxh3_64(p.slug.as_bytes()));
                add(p.fingerprint);
            }
        }
        Route::Pipeline | Route::Actions(_) => add(all_partners()),
        Route::Brief(slug) => add(partner(slug)),
        Route::Playbook(slug) => {
            let p = &guide.playbooks[slug];
            add(playbook(slug));
            p.partners.iter().for_each(|s| add(partner(s)));
            for r in related.get(slug.as_str()).map(Vec::as_slice).unwrap_or_default() {
                add(xxhash_rust::xxh3::xxh3_64(r.as_bytes()));
                add(playbook(r));
            }
        }
        Route::Partner(slug) => {
            let p = &guide.partners[slug];
            add(partner(slug));
            p.playbooks.iter().for_each(|s| add(playbook(s)));
        }
        Route::Tags => {
            for (slug, t) in guide.tags.iter() {
                add(xxhash_rust::xxh3::xxh3_64(slug.as_bytes()));
                add(xxhash_rust::xxh3::xxh3_64(t.name.as_bytes()));
                add((t.playbooks.len() + t.partners.len()) as u64);
            }
        }
        Route::Tag(slug) => {
            let t = &guide.tags[slug];
            add(xxhash_rust::xxh3::xxh3_64(t.name.as_bytes()));
            t.playbooks.iter().for_each(|s| add(playbook(s)));
            t.partners.iter().for_each(|s| add(partner(s)));
        }
        Route::Page(slug) => add(guide.pages[slug].fingerprint),
        Route::NotFound => {}
    }
    h.digest()
}

/// A tag and how many pages carry it.
#[derive(Serialize)]
struct TagCount {
    #[serde(flatten)]
    link: Link,
    count: usize,
}

/// What the base template needs to know about the page.
#[derive(Serialize)]
struct PageMeta<'a> {
    title: std::borrow::Cow<'a, str>,
    description: std::borrow::Cow<'a, str>,
    /// Which navigation entry is current: home, playbooks, partners, tags, or none.
    section: &'static str,
}

fn meta<'a>(
    title: impl Into<std::borrow::Cow<'a, str>>,
    description: impl Into<std::borrow::Cow<'a, str>>,
    section: &'static str,
) -> PageMeta<'a> {
    PageMeta { title: title.into(), description: description.into(), section }
}

fn render_route(
    guide: &Rcx<'_>,
    theme: &Theme,
    site: &tera::Value,
    related: &HashMap<&str, Vec<&str>>,
    route: &Route,
) -> Result<Vec<u8>, String> {
    let mut ctx = tera::Context::new();
    ctx.insert_value("site", site.clone());
    let desc = guide.settings.description.as_str();
    let (template, meta) = match route {
        Route::Home => {
            // The front door stays short on a large guide: the first playbooks of
            // each stage and the first partners, with links to the full lists.
            ctx.insert("stages", &context::stage_groups_limited(guide, HOME_PER_STAGE));
            let partners: Vec<_> =
                guide.partners.values().take(HOME_PARTNERS).map(|p| partner_card(guide, p)).collect();
            ctx.insert("partners", &partners);
            ctx.insert("partners_total", &guide.partners.len());
            ctx.insert("attention", &outreach::attention(guide));
            ("home.html", meta(&guide.settings.title, desc, "home"))
        }
        Route::Playbooks => {
            ctx.insert("stages", &context::stage_lists(guide));
            ("playbooks.html", meta("Playbooks", "Every playbook of the guide, by outreach stage.", "playbooks"))
        }
        Route::Playbook(slug) => {
            let p = &guide.playbooks[slug];
            let rel = related.get(slug.as_str()).map(Vec::as_slice).unwrap_or_default();
            ctx.insert("playbook", &pages::playbook(guide, p, rel));
            ("playbook.html", meta(&p.title, p.summary.as_deref().unwrap_or(desc), "playbooks"))
        }
        Route::Partners(filter) => {
            let dir = outreach::directory(guide, filter);
            let title =
                if matches!(filter, DirectoryFilter::All) { "Partners".to_string() } else { dir.heading().to_string() };
            ctx.insert("directory", &dir);
            (
                "partners.html",
                meta(title, "The campus partners of the guide, filterable by kind, status and tag.", "partners"),
            )
        }
        Route::Pipeline => {
            let (flow, apart) = outreach::pipeline(guide);
            ctx.insert("flow", &flow);
            ctx.insert("apart", &apart);
            (
                "pipeline.html",
                meta("Partnership pipeline", "Every partner by the stage of the relationship.", "partners"),
            )
        }
        Route::Actions(filter) => {
            let page = outreach::actions_page(guide, filter);
            let title = page.heading().to_string();
            ctx.insert("actions", &page);
            ("actions.html", meta(title, "Every open next step and action item, overdue first.", "actions"))
        }
        Route::Brief(slug) => {
            let p = &guide.partners[slug];
            ctx.insert("brief", &brief::brief(guide, p));
            (
                "brief.html",
                meta(
                    format!("Meeting brief: {}", p.profile.name),
                    p.profile.summary.as_deref().unwrap_or(desc),
                    "partners",
                ),
            )
        }
        Route::Partner(slug) => {
            let p = &guide.partners[slug];
            ctx.insert("partner", &pages::partner(guide, p));
            ("partner.html", meta(&p.profile.name, p.profile.summary.as_deref().unwrap_or(desc), "partners"))
        }
        Route::Tags => {
            let tags: Vec<TagCount> = guide
                .tags
                .values()
                .map(|t| TagCount {
                    link: Link { title: t.name.clone(), url: tag_url(guide, &t.name) },
                    count: t.playbooks.len() + t.partners.len(),
                })
                .collect();
            ctx.insert("tags", &tags);
            ("tags.html", meta("Tags", "Every tag of the guide.", "tags"))
        }
        Route::Tag(slug) => {
            let t = &guide.tags[slug];
            ctx.insert("tag", &t.name);
            // Joined like the full playbook list: a common tag carries thousands.
            let joined = |slugs: &[String], cards: &context::CardMap| -> (usize, String) {
                let html: Vec<&str> = slugs.iter().filter_map(|s| cards.get(s)).map(|(_, h, _)| &**h).collect();
                (html.len(), html.concat())
            };
            let (playbooks, playbooks_html) = joined(&t.playbooks, &guide.cards.playbooks);
            let (partners, partners_html) = joined(&t.partners, &guide.cards.partners);
            ctx.insert("playbooks_count", &playbooks);
            ctx.insert("playbooks_html", &playbooks_html);
            ctx.insert("partners_count", &partners);
            ctx.insert("partners_html", &partners_html);
            ("tag.html", meta(&t.name, desc, "tags"))
        }
        Route::Page(slug) => {
            let p = &guide.pages[slug];
            ctx.insert("body_html", &p.body.html);
            ctx.insert("toc", &p.body.toc);
            ctx.insert("edit_url", &context::edit_url(guide, &p.path));
            ("page.html", meta(&p.title, p.summary.as_deref().unwrap_or(desc), ""))
        }
        Route::NotFound => ("404.html", meta("Page not found", desc, "")),
    };
    let mut meta = meta;
    if meta.description.trim().is_empty() {
        // Every page has a description for search engines and link previews.
        meta.description = format!("{} · {}", meta.title, guide.settings.title).into();
    }
    ctx.insert("page", &meta);
    let canonical = (guide.settings.base_url.is_some() && !matches!(route, Route::NotFound)).then(|| {
        let dir = route.path().trim_end_matches("index.html").to_string();
        syndication::absolute(guide, &format!("{}{}", guide.settings.base_path, context::url_path(&dir)))
    });
    ctx.insert("canonical", &canonical);
    // Most pages are a body and some 8 KB of frame: one allocation holds them.
    let body = match route {
        Route::Playbook(slug) => guide.playbooks[slug].body.html.len(),
        _ => 0,
    };
    let mut out = Vec::with_capacity(body + 16 * 1024);
    theme.tera.render_to(template, &ctx, &mut out).map_err(|e| theme::error_text(&e))?;
    Ok(out)
}
