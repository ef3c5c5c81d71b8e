//! Contexts of the outreach tools: "needs attention" on the home page, the
//! actions list and its filters, the meeting brief, the partner directory's
//! facets. The pipeline board is in [`super::pipeline`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{PartnerCard, partner_card, partner_url};
use super::view::Rcx;
use crate::link::rules::{self, Bucket, OpenItem, Place};
use crate::link::{Guide, Partner, Playbook};
use crate::load::fields::{Kind, Status};
use crate::routes::{ActionFilter, Calendar, DirectoryFilter, Route};

/// An open item as listed.
#[derive(Serialize)]
pub(crate) struct ActionCtx<'a> {
    task: &'a str,
    owner: Option<&'a str>,
    owner_url: Option<String>,
    due: Option<String>,
    overdue: bool,
    when: Option<&'a str>,
    partner: &'a str,
    partner_slug: &'a str,
    partner_url: String,
    owner_slug: Option<String>,
    from: String,
}

fn action<'a>(guide: &Rcx<'a>, a: &'a OpenItem) -> ActionCtx<'a> {
    let partner = guide.partner(&a.partner).map_or("", |p| p.profile.name.as_str());
    ActionCtx {
        task: &a.task,
        owner: a.owner.as_deref(),
        owner_url: a.owner_slug.as_ref().map(|o| Route::Actions(ActionFilter::Owner(o.clone())).url(guide.base())),
        due: a.due.map(|d| d.to_string()),
        overdue: a.when.overdue(),
        when: a.when.beside_date(),
        partner,
        partner_slug: &a.partner,
        owner_slug: a.owner_slug.clone(),
        partner_url: partner_url(guide.base(), &a.partner),
        from: match a.place {
            Place::NextStep => "Next step".into(),
            Place::Profile { .. } => "Action item".into(),
            Place::Meeting { date, .. } => format!("From the meeting of {date}"),
        },
    }
}

/// A group of an actions page: its anchor id, its heading, and the buckets
/// it lists. Items due today head the "within 7 days" group, so that a
/// week's work reads as one list.
struct Group {
    id: &'static str,
    label: &'static str,
    buckets: &'static [Bucket],
}

/// The groups of an actions page, most urgent first.
const GROUPS: [Group; 4] = [
    Group { id: "overdue", label: "Overdue", buckets: &[Bucket::Overdue] },
    Group { id: "this-week", label: "Due within 7 days", buckets: THIS_WEEK },
    Group { id: "later", label: "Later", buckets: &[Bucket::Later] },
    Group { id: "no-date", label: "No due date", buckets: &[Bucket::Undated] },
];

/// A group of open items.
#[derive(Serialize)]
pub(crate) struct ActionGroup {
    id: &'static str,
    label: &'static str,
    /// [`ActionCtx`] values, shared with the other pages that list them.
    items: Vec<tera::Value>,
}

/// A filter link with its count, and whether it is the one applied.
#[derive(Serialize)]
pub(crate) struct Facet {
    title: String,
    url: String,
    count: usize,
    current: bool,
}

/// Context of `/actions/` and its filtered pages.
#[derive(Serialize)]
pub(crate) struct ActionsPage {
    heading: String,
    groups: Vec<ActionGroup>,
    total: usize,
    owners: Vec<Facet>,
    partners: Vec<Facet>,
    /// The "whose items" choice (the full list only).
    whose: Vec<OwnerChoice>,
    all_url: String,
    filtered: bool,
    /// The subscription to the whole guide's calendar.
    calendar_url: String,
    /// On an owner's page, the subscription to that owner's calendar.
    owner_calendar_url: Option<String>,
    /// On an owner's page, the owner's name.
    owner: Option<String>,
}

/// An owner in the "whose items" choice, with what the page needs to put
/// their items first and to say how many they have in all.
#[derive(Serialize)]
pub(crate) struct OwnerChoice {
    slug: String,
    name: String,
    /// Their actions page.
    url: String,
    /// How many of their items are overdue.
    overdue: usize,
    /// How many are due within 7 days (today included), as the actions page groups them.
    this_week: usize,
}

/// Every owner of an open item, by name as first written, with their counts.
fn owner_choices(guide: &Rcx<'_>) -> Vec<OwnerChoice> {
    let mut by_slug: BTreeMap<&str, OwnerChoice> = BTreeMap::new();
    for a in guide.actions() {
        let (Some(slug), Some(name)) = (&a.owner_slug, &a.owner) else { continue };
        let o = by_slug.entry(slug).or_insert_with(|| OwnerChoice {
            slug: slug.clone(),
            name: name.trim().to_string(),
            url: Route::Actions(ActionFilter::Owner(slug.clone())).url(guide.base()),
            overdue: 0,
            this_week: 0,
        });
        o.overdue += usize::from(a.when.overdue());
        o.this_week += usize::from(THIS_WEEK.contains(&a.when.bucket));
    }
    by_slug.into_values().collect()
}

/// The buckets of the "Due within 7 days" group.
const THIS_WEEK: &[Bucket] = &[Bucket::Today, Bucket::Soon];

/// The owners of open items, by slug, with their display name.
pub(crate) fn owners(guide: &Guide) -> BTreeMap<String, String> {
    guide.actions.iter().filter_map(|a| Some((a.owner_slug.clone()?, a.owner.clone()?))).collect()
}

impl ActionsPage {
    /// The page's heading.
    pub(crate) fn heading(&self) -> &str {
        &self.heading
    }
}

/// The owner and partner filters of the full actions list, with counts.
struct ActionFacets {
    owners: Vec<Facet>,
    partners: Vec<Facet>,
}

fn facets(guide: &Rcx<'_>) -> ActionFacets {
    let mut by_owner: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let mut by_partner: BTreeMap<&str, usize> = BTreeMap::new();
    for a in guide.actions() {
        if let (Some(slug), Some(name)) = (&a.owner_slug, &a.owner) {
            by_owner.entry(slug).or_insert((name, 0)).1 += 1;
        }
        *by_partner.entry(&a.partner).or_default() += 1;
    }
    let owners = by_owner
        .iter()
        .map(|(slug, (name, count))| Facet {
            title: name.to_string(),
            url: Route::Actions(ActionFilter::Owner(slug.to_string())).url(guide.base()),
            count: *count,
            current: false,
        })
        .collect();
    let partners = by_partner
        .iter()
        .map(|(slug, count)| Facet {
            title: guide.partner(slug).map_or_else(String::new, |p| p.profile.name.clone()),
            url: Route::Actions(ActionFilter::Partner(slug.to_string())).url(guide.base()),
            count: *count,
            current: false,
        })
        .collect();
    ActionFacets { owners, partners }
}

/// Builds an actions page.
pub(crate) fn actions_page(guide: &Rcx<'_>, filter: &ActionFilter) -> Option<ActionsPage> {
    let places = guide.action_places(filter);
    let groups = GROUPS
        .iter()
        .map(|g| ActionGroup {
            id: g.id,
            label: g.label,
            items: places
                .iter()
                .filter(|&&i| g.buckets.contains(&guide.action(i).when.bucket))
                .map(|&i| guide.action_value(i, |a| tera::Value::from_serializable(&action(guide, a))))
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect();
    // Filtered pages link back to the full list rather than repeat every
    // facet: a large guide has hundreds of owners.
    let ActionFacets { owners, partners } = match filter {
        ActionFilter::All => facets(guide),
        _ => ActionFacets { owners: Vec::new(), partners: Vec::new() },
    };
    let owner = match filter {
        ActionFilter::Owner(_) => places.first().and_then(|&i| guide.action(i).owner.as_deref()).map(str::trim),
        _ => None,
    };
    let heading = match filter {
        ActionFilter::All => "Open actions".to_string(),
        ActionFilter::Owner(_) => format!("Open actions of {}", owner.unwrap_or("nobody")),
        ActionFilter::Partner(p) => format!("Open actions with {}", guide.partner(p)?.profile.name),
    };
    Some(ActionsPage {
        heading,
        total: places.len(),
        groups,
        owners,
        partners,
        whose: if matches!(filter, ActionFilter::All) { owner_choices(guide) } else { Vec::new() },
        all_url: Route::Actions(ActionFilter::All).url(guide.base()),
        filtered: !matches!(filter, ActionFilter::All),
        calendar_url: Calendar::All.url(guide.base()),
        owner_calendar_url: match filter {
            ActionFilter::Owner(o) => Some(Calendar::Owner(o.clone()).url(guide.base())),
            _ => None,
        },
        owner: owner.map(str::to_string),
    })
}

/// A stale partner on the home page.
#[derive(Serialize)]
pub(crate) struct StaleCtx<'a> {
    #[serde(flatten)]
    card: PartnerCard<'a>,
    days: i64,
    last_contact: String,
}

/// A playbook due for review on the home page (see [`rules::review_due`]).
#[derive(Serialize)]
pub(crate) struct ReviewCtx<'a> {
    title: &'a str,
    url: String,
    /// The date that counts, YYYY-MM-DD.
    since: String,
    /// "Reviewed" or "Updated": which date that is.
    by: &'static str,
    days: i64,
}

/// The "needs attention" block of the home page.
#[derive(Serialize)]
pub(crate) struct Attention<'a> {
    overdue: Vec<ActionCtx<'a>>,
    overdue_total: usize,
    this_week: usize,
    stale: Vec<StaleCtx<'a>>,
    /// How many partners are stale; the list holds the [`HOME_LIST`] longest without contact.
    stale_total: usize,
    no_next_step: Vec<PartnerCard<'a>>,
    /// How many partners have no next step; the list holds the first [`HOME_LIST`].
    no_next_step_total: usize,
    stale_after_days: u32,
    /// Playbooks due for review, the [`HOME_LIST`] oldest first.
    review: Vec<ReviewCtx<'a>>,
    /// How many playbooks are due for review.
    review_total: usize,
    review_every_days: u32,
    actions_url: String,
    /// The "Due within 7 days" group of the actions page, which `this_week` counts.
    this_week_url: String,
    /// The "whose items" choice.
    whose: Vec<OwnerChoice>,
    empty: bool,
}

/// The most items each list of the "needs attention" block shows; the front
/// door stays short on a large guide, and says how many there are in all.
pub(crate) const HOME_LIST: usize = 10;

/// Builds the "needs attention" block.
pub(crate) fn attention<'a>(guide: &Rcx<'a>) -> Attention<'a> {
    let overdue: Vec<&OpenItem> = guide.actions().iter().filter(|a| a.when.overdue()).collect();
    let days = guide.settings().stale_after_days;
    // Cards only for the few listed: a large guide has thousands of partners.
    let mut stale: Vec<(i64, &Partner)> = guide
        .partners()
        .filter_map(|p| {
            let last = rules::last_contact(&p.profile, guide.today());
            Some((rules::stale_days(last, p.profile.status, guide.today(), days)?, p))
        })
        .collect();
    stale.sort_by(|(da, a), (db, b)| db.cmp(da).then(a.profile.name.cmp(&b.profile.name)));
    let no_next_step: Vec<&Partner> = guide.partners().filter(|p| rules::without_next_step(&p.profile)).collect();
    let every = guide.settings().review_every_days;
    let mut review: Vec<(rules::ReviewDue, &Playbook)> = guide
        .playbooks()
        .filter_map(|p| Some((rules::review_due(p.reviewed, p.updated, guide.today(), every)?, p)))
        .collect();
    // Oldest first; the same date by title, then slug, so the order never depends on the map's.
    review.sort_by(|(da, a), (db, b)| (da.since, &a.title, &a.slug).cmp(&(db.since, &b.title, &b.slug)));
    let review_ctx = review.iter().take(HOME_LIST).map(|(due, p)| ReviewCtx {
        title: &p.title,
        url: Route::Playbook(p.slug.clone()).url(guide.base()),
        since: due.since.to_string(),
        by: match due.by {
            rules::ReviewBasis::Reviewed => "Reviewed",
            rules::ReviewBasis::Updated => "Updated",
        },
        days: due.days,
    });
    let stale_ctx = stale.iter().take(HOME_LIST).filter_map(|&(d, p)| {
        Some(StaleCtx {
            card: partner_card(guide, p),
            days: d,
            last_contact: rules::last_contact(&p.profile, guide.today())?.to_string(),
        })
    });
    Attention {
        empty: overdue.is_empty() && stale.is_empty() && no_next_step.is_empty() && review.is_empty(),
        overdue_total: overdue.len(),
        overdue: overdue.into_iter().take(HOME_LIST).map(|a| action(guide, a)).collect(),
        // What the actions page lists under "Due within 7 days".
        this_week: guide.actions().iter().filter(|a| THIS_WEEK.contains(&a.when.bucket)).count(),
        stale_total: stale.len(),
        stale: stale_ctx.collect(),
        no_next_step_total: no_next_step.len(),
        no_next_step: no_next_step.into_iter().take(HOME_LIST).map(|p| partner_card(guide, p)).collect(),
        stale_after_days: days,
        review_total: review.len(),
        review: review_ctx.collect(),
        review_every_days: every,
        this_week_url: format!("{}#this-week", Route::Actions(ActionFilter::All).url(guide.base())),
        actions_url: Route::Actions(ActionFilter::All).url(guide.base()),
        whose: owner_choices(guide),
    }
}

/// A partner card with what the directory filters on.
#[derive(Serialize)]
pub(crate) struct DirectoryCard<'a> {
    #[serde(flatten)]
    card: PartnerCard<'a>,
    tags: String,
}

/// Context of `/partners/` and its filtered pages.
#[derive(Serialize)]
pub(crate) struct Directory {
    heading: String,
    /// [`DirectoryCard`] values, shared with the other directory pages.
    partners: Vec<tera::Value>,
    kinds: Vec<Facet>,
    statuses: Vec<Facet>,
    tags: Vec<Facet>,
    all_url: String,
    pipeline_url: String,
    filtered: bool,
}

impl Directory {
    /// The page's heading.
    pub(crate) fn heading(&self) -> &str {
        &self.heading
    }
}

/// Builds a directory page.
pub(crate) fn directory(guide: &Rcx<'_>, filter: &DirectoryFilter) -> Directory {
    let all: Vec<&Partner> = guide.partners().collect();
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k, all.iter().filter(|p| p.profile.kind == Some(*k)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| Facet {
            title: k.label().into(),
            url: Route::Partners(DirectoryFilter::Kind(*k)).url(guide.base()),
            count: n,
            current: matches!(filter, DirectoryFilter::Kind(x) if x == k),
        })
        .collect();
    let statuses = Status::ALL
        .iter()
        .map(|s| (s, all.iter().filter(|p| p.profile.status == Some(*s)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| Facet {
            title: s.label().into(),
            url: Route::Partners(DirectoryFilter::Status(*s)).url(guide.base()),
            count: n,
            current: matches!(filter, DirectoryFilter::Status(x) if x == s),
        })
        .collect();
    // A tag by its name, as its own page titles it (the first way it was written in the guide).
    let tag_names = guide.tags();
    let tags = guide
        .partner_tags()
        .iter()
        .map(|(slug, (name, n))| Facet {
            title: tag_names.get(slug).map_or_else(|| name.clone(), |t| t.name.clone()),
            url: Route::Partners(DirectoryFilter::Tag(slug.clone())).url(guide.base()),
            count: *n,
            current: matches!(filter, DirectoryFilter::Tag(x) if x == slug),
        })
        .collect();
    let heading = match filter {
        DirectoryFilter::All => "Partners".to_string(),
        DirectoryFilter::Kind(k) => format!("Partners: {}", k.label()),
        DirectoryFilter::Status(s) => format!("Partners with status {}", s.label()),
        DirectoryFilter::Tag(t) => format!("Partners tagged “{}”", guide.tags().get(t).map_or(t.as_str(), |x| &x.name)),
    };
    Directory {
        heading,
        partners: directory_members(guide, filter)
            .into_iter()
            .map(|p| {
                guide.directory_card_value(p, |p| {
                    tera::Value::from_serializable(&DirectoryCard {
                        card: partner_card(guide, p),
                        tags: guide.tag_slugs_of(&p.slug).to_string(),
                    })
                })
            })
            .collect(),
        kinds,
        statuses,
        tags,
        all_url: Route::Partners(DirectoryFilter::All).url(guide.base()),
        pipeline_url: Route::Pipeline.url(guide.base()),
        filtered: !matches!(filter, DirectoryFilter::All),
    }
}

/// The partners a directory page lists, in the guide's order. A tag's partners
/// are those the tag lists (in the same order); the others are filtered.
fn directory_members<'a>(guide: &Rcx<'a>, filter: &DirectoryFilter) -> Vec<&'a Partner> {
    match filter {
        DirectoryFilter::All => guide.partners().collect(),
        DirectoryFilter::Kind(k) => guide.partners().filter(|p| p.profile.kind == Some(*k)).collect(),
        DirectoryFilter::Status(s) => guide.partners().filter(|p| p.profile.status == Some(*s)).collect(),
        DirectoryFilter::Tag(t) => {
            let listed = guide.tags().get(t).map(|tag| tag.partners.as_slice()).unwrap_or_default();
            listed.iter().filter_map(|s| guide.partner(s)).collect()
        }
    }
}

/// Links of the directory's filters, for the route list.
pub(crate) fn directory_routes(guide: &Guide) -> Vec<DirectoryFilter> {
    let mut out: Vec<DirectoryFilter> = Kind::ALL
        .iter()
        .filter(|k| guide.partners.values().any(|p| p.profile.kind == Some(**k)))
        .map(|k| DirectoryFilter::Kind(*k))
        .collect();
    out.extend(
        Status::ALL
            .iter()
            .filter(|s| guide.partners.values().any(|p| p.profile.status == Some(**s)))
            .map(|s| DirectoryFilter::Status(*s)),
    );
    out.extend(super::view::partner_tags(guide.partners.values().map(|p| &**p)).into_keys().map(DirectoryFilter::Tag));
    out
}
