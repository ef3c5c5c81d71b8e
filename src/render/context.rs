//! One small serializable context per page. A page's context holds what that
//! page shows and nothing more: never the whole guide. Every string here is
//! raw text; templates escape it (autoescape is on for `.html`), and only the
//! fields named `*_html` carry HTML that `link` produced from Markdown.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::outreach::ActionFilter;
use crate::link::rules::{self, OpenItem};
use crate::link::{Guide, Partner, Playbook, tag_slug};
use crate::load::fields::{Date, Stage};
use crate::load::partner::ActionItem;

/// What every page knows about the site.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    /// Guide title.
    pub title: &'a str,
    /// Guide description.
    pub description: &'a str,
    /// Institution.
    pub institution: Option<&'a str>,
    /// URL prefix, e.g. `/outreach/`.
    pub base: &'a str,
    /// Free pages, for the footer.
    pub pages: Vec<Link>,
}

impl<'a> SiteCtx<'a> {
    /// The site context of a guide.
    pub fn new(guide: &'a Guide) -> Self {
        let s = &guide.settings;
        let pages = guide
            .pages
            .values()
            .map(|p| Link { title: p.title.clone(), url: format!("{}{}/", s.base_path, p.slug) })
            .collect();
        SiteCtx {
            title: &s.title,
            description: &s.description,
            institution: s.institution.as_deref(),
            base: &s.base_path,
            pages,
        }
    }
}

/// A titled link.
#[derive(Clone, Serialize)]
pub struct Link {
    /// Text.
    pub title: String,
    /// URL.
    pub url: String,
}

/// The guide as render sees it: the linked guide (every field of [`Guide`] reads
/// through) and what one run of render computes once and shares between pages.
pub struct Rcx<'a> {
    /// The linked guide.
    pub guide: &'a Guide,
    /// The HTML of every card.
    pub cards: &'a Cards,
    /// The partners' tags with their counts, for the directory's facets.
    partner_tags: std::sync::OnceLock<std::collections::BTreeMap<String, (String, usize)>>,
    /// Each partner's tag slugs, joined by spaces (by partner slug): every
    /// directory page filters on them, and there are hundreds of tag pages.
    pub partner_tag_slugs: std::sync::OnceLock<HashMap<String, String>>,
    /// Each action's template value (in the guide's order), made the first
    /// time a page lists it: an action is on the full list, its owner's page
    /// and its partner's page.
    action_values: std::sync::OnceLock<Vec<std::sync::OnceLock<tera::Value>>>,
    /// Each partner's directory card as a template value (by slug), made the
    /// first time a directory page lists it: every partner is on several.
    directory_cards: std::sync::OnceLock<HashMap<Box<str>, std::sync::OnceLock<tera::Value>>>,
}

impl<'a> Rcx<'a> {
    /// The render view of `guide` with its cards.
    pub fn new(guide: &'a Guide, cards: &'a Cards) -> Self {
        Rcx {
            guide,
            cards,
            partner_tags: Default::default(),
            partner_tag_slugs: Default::default(),
            action_values: Default::default(),
            directory_cards: Default::default(),
        }
    }

    /// The template value of the guide's action number `i`, made once (see `action_values`).
    pub(crate) fn action_value(&self, i: usize, make: impl FnOnce(&'a OpenItem) -> tera::Value) -> tera::Value {
        let values = self.action_values.get_or_init(|| self.guide.actions.iter().map(|_| Default::default()).collect());
        values[i].get_or_init(|| make(&self.guide.actions[i])).clone()
    }

    /// The directory card of partner `p` as a template value, made once (see `directory_cards`).
    pub fn directory_card_value(&self, p: &'a Partner, make: impl FnOnce(&'a Partner) -> tera::Value) -> tera::Value {
        let cards = self
            .directory_cards
            .get_or_init(|| self.guide.partners.keys().map(|s| (s.as_str().into(), Default::default())).collect());
        match cards.get(p.slug.as_str()) {
            Some(card) => card.get_or_init(|| make(p)).clone(),
            None => make(p),
        }
    }

    /// The actions an actions page lists, in the guide's order.
    pub(crate) fn actions_of(&self, filter: &ActionFilter) -> Vec<&'a OpenItem> {
        let actions = &self.guide.actions;
        match filter {
            ActionFilter::All => actions.all().iter().collect(),
            ActionFilter::Owner(o) => actions.of_owner(o),
            ActionFilter::Partner(p) => actions.of_partner(p),
        }
    }

    /// The places in the guide's list of the actions an actions page lists, in order.
    pub fn action_places(&self, filter: &ActionFilter) -> Vec<usize> {
        let actions = &self.guide.actions;
        let places = match filter {
            ActionFilter::All => return (0..actions.len()).collect(),
            ActionFilter::Owner(o) => actions.owner_places(o),
            ActionFilter::Partner(p) => actions.partner_places(p),
        };
        places.iter().map(|&i| i as usize).collect()
    }

    /// [`playbook_card`] as a template value, made once per card (see [`Card`]).
    pub fn playbook_card_value(&self, p: &'a Playbook) -> tera::Value {
        let make = || tera::Value::from_serializable(&playbook_card(self, p));
        self.cards.playbooks.get(&p.slug).map_or_else(make, |(_, _, value)| value.get_or_init(make).clone())
    }

    /// [`partner_card`] as a template value, made once per card (see [`Card`]).
    pub fn partner_card_value(&self, p: &'a Partner) -> tera::Value {
        let make = || tera::Value::from_serializable(&partner_card(self, p));
        self.cards.partners.get(&p.slug).map_or_else(make, |(_, _, value)| value.get_or_init(make).clone())
    }

    /// The card values of the playbooks `slugs` names, in order; unknown slugs are left out.
    pub fn playbook_card_values<'s>(&self, slugs: impl IntoIterator<Item = &'s str>) -> Vec<tera::Value> {
        card_values(&self.cards.playbooks, slugs, |s| self.guide.playbooks.get(s).map(|p| self.playbook_card_value(p)))
    }

    /// The card values of the partners `slugs` names, in order; unknown slugs are left out.
    pub fn partner_card_values<'s>(&self, slugs: impl IntoIterator<Item = &'s str>) -> Vec<tera::Value> {
        card_values(&self.cards.partners, slugs, |s| self.guide.partners.get(s).map(|p| self.partner_card_value(p)))
    }

    /// The partners' tags (slug -> name and count), made once per run.
    pub fn partner_tags(&self) -> &std::collections::BTreeMap<String, (String, usize)> {
        self.partner_tags.get_or_init(|| super::outreach::partner_tags(self.guide))
    }

    /// The tag slugs of the partner `slug`, joined by spaces.
    pub fn tag_slugs_of(&self, slug: &str) -> &str {
        let all = self.partner_tag_slugs.get_or_init(|| {
            let slugs = |p: &Partner| p.profile.tags.iter().map(|t| tag_slug(t)).collect::<Vec<_>>().join(" ");
            self.guide.partners.values().map(|p| (p.slug.clone(), slugs(p))).collect()
        });
        all.get(slug).map_or("", String::as_str)
    }
}

/// The card values of `slugs`, in order: a card made for an earlier page is
/// taken from `cards` (no need to find its item); any other is made by `make`,
/// which gives `None` for an unknown slug, left out.
fn card_values<'s>(
    cards: &CardMap,
    slugs: impl IntoIterator<Item = &'s str>,
    make: impl Fn(&str) -> Option<tera::Value>,
) -> Vec<tera::Value> {
    slugs
        .into_iter()
        .filter_map(|s| match cards.get(s).and_then(|(_, _, value)| value.get()) {
            Some(value) => Some(value.clone()),
            None => make(s),
        })
        .collect()
}

impl std::ops::Deref for Rcx<'_> {
    type Target = Guide;

    fn deref(&self) -> &Guide {
        self.guide
    }
}

/// The HTML of each playbook and partner card (the theme's
/// `partials/playbook_card.html` and `partials/partner_card.html`), rendered
/// once per item and reused by every list that shows it; each with the
/// fingerprint of what it was rendered from, so that `serve` renders again
/// only the cards whose item changed.
#[derive(Debug, Default)]
pub struct Cards {
    /// Playbook cards by slug.
    pub playbooks: CardMap,
    /// Partner cards by slug.
    pub partners: CardMap,
}

/// Cards by slug, with a hash quicker than the default one for short keys:
/// a large guide's pages look up about 100,000 cards.
pub type CardMap = HashMap<String, Card, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// One card: the fingerprint it was rendered from, its HTML, and its template
/// value, made the first time a page lists the card and shared from then on
/// (a `tera::Value` map is reference-counted): every playbook page lists its
/// partners and related playbooks, so most cards are on many pages.
pub type Card = (u64, Arc<str>, OnceLock<tera::Value>);

/// A playbook in a list.
#[derive(Clone, Serialize)]
pub struct PlaybookCard<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// Summary.
    pub summary: Option<&'a str>,
    /// Stage label.
    pub stage: Option<&'static str>,
    /// Partnership label.
    pub partnership: Option<&'static str>,
    /// Draft marker.
    pub draft: bool,
    /// The card rendered by the theme's partial (empty while the cards themselves are rendered).
    pub html: &'a str,
}

/// A partner in a list.
#[derive(Clone, Serialize)]
pub struct PartnerCard<'a> {
    /// Name.
    pub name: &'a str,
    /// URL.
    pub url: String,
    /// Summary.
    pub summary: Option<&'a str>,
    /// Kind value and label.
    pub kind: Option<&'static str>,
    /// Kind label.
    pub kind_label: Option<&'static str>,
    /// Status value.
    pub status: Option<&'static str>,
    /// Status label.
    pub status_label: Option<&'static str>,
    /// The card rendered by the theme's partial (empty while the cards themselves are rendered).
    pub html: &'a str,
}

/// URL of a playbook.
pub fn playbook_url(guide: &Guide, slug: &str) -> String {
    format!("{}playbooks/{}/", guide.settings.base_path, url_path(slug))
}

/// A path below the site root as it is written in a URL: characters a URL may
/// not carry raw (spaces, quotes, `#`, `?`, `%`, letters beyond ASCII) are
/// percent-encoded, `/` stays. Files keep their names; servers decode the URL
/// back to them. Markdown links are encoded the same way by pulldown-cmark.
pub fn url_path(path: &str) -> std::borrow::Cow<'_, str> {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const RAW_NOT_ALLOWED: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(path, RAW_NOT_ALLOWED).into()
}

/// URL of a partner.
pub fn partner_url(guide: &Guide, slug: &str) -> String {
    format!("{}partners/{}/", guide.settings.base_path, url_path(slug))
}

/// URL of a tag page.
pub fn tag_url(guide: &Guide, tag: &str) -> String {
    format!("{}tags/{}/", guide.settings.base_path, tag_slug(tag))
}

/// The card of a playbook.
pub fn playbook_card<'a>(guide: &Rcx<'a>, p: &'a Playbook) -> PlaybookCard<'a> {
    PlaybookCard { html: guide.cards.playbooks.get(&p.slug).map_or("", |(_, h, _)| h), ..playbook_card_data(guide, p) }
}

/// The card of a playbook without its HTML: what the card partial is rendered from.
pub fn playbook_card_data<'a>(guide: &Guide, p: &'a Playbook) -> PlaybookCard<'a> {
    PlaybookCard {
        title: &p.title,
        url: playbook_url(guide, &p.slug),
        summary: p.summary.as_deref(),
        stage: p.stage.map(Stage::label),
        partnership: p.partnership.map(|k| k.label()),
        draft: p.draft,
        html: "",
    }
}

/// The card of a partner.
pub fn partner_card<'a>(guide: &Rcx<'a>, p: &'a Partner) -> PartnerCard<'a> {
    PartnerCard { html: guide.cards.partners.get(&p.slug).map_or("", |(_, h, _)| h), ..partner_card_data(guide, p) }
}

/// The card of a partner without its HTML: what the card partial is rendered from.
pub fn partner_card_data<'a>(guide: &Guide, p: &'a Partner) -> PartnerCard<'a> {
    PartnerCard {
        name: &p.profile.name,
        url: partner_url(guide, &p.slug),
        summary: p.profile.summary.as_deref(),
        kind: p.profile.kind.map(|k| k.as_str()),
        kind_label: p.profile.kind.map(|k| k.label()),
        status: p.profile.status.map(|s| s.as_str()),
        status_label: p.profile.status.map(|s| s.label()),
        html: "",
    }
}

/// A stage and its playbooks, in order.
#[derive(Serialize)]
pub struct StageGroup<'a> {
    /// Anchor id (`reach-out`), or `other`.
    pub id: &'static str,
    /// Label.
    pub label: &'static str,
    /// What the stage is about.
    pub about: &'static str,
    /// Playbooks.
    pub playbooks: Vec<PlaybookCard<'a>>,
    /// How many more the stage has than are listed.
    pub more: usize,
    /// Where the whole stage is listed.
    pub url: String,
}

/// A stage of the full playbook list: its cards already rendered and joined,
/// because a large guide lists thousands and the list page is made again on
/// every playbook edit.
#[derive(Serialize)]
pub struct StageList {
    /// Anchor id (`reach-out`), or `other`.
    pub id: &'static str,
    /// Label.
    pub label: &'static str,
    /// What the stage is about.
    pub about: &'static str,
    /// How many playbooks it has.
    pub count: usize,
    /// The HTML of their cards, in order.
    pub cards_html: String,
}

/// Every playbook by stage, each stage's cards joined.
pub fn stage_lists(guide: &Rcx<'_>) -> Vec<StageList> {
    stage_playbooks(guide)
        .into_iter()
        .map(|(stage, list)| StageList {
            id: stage.map_or("other", Stage::as_str),
            label: stage.map_or("Other playbooks", Stage::label),
            about: stage_about(stage),
            count: list.len(),
            cards_html: list.iter().map(|p| guide.cards.playbooks.get(&p.slug).map_or("", |(_, h, _)| &**h)).collect(),
        })
        .collect()
}

/// The playbooks of each stage that has any, each list in `order`, then title.
fn stage_playbooks(guide: &Guide) -> Vec<(Option<Stage>, Vec<&Playbook>)> {
    let mut lists: Vec<(Option<Stage>, Vec<&Playbook>)> =
        Stage::ALL.iter().map(|s| Some(*s)).chain(std::iter::once(None)).map(|s| (s, Vec::new())).collect();
    for p in guide.playbooks.values() {
        if let Some((_, list)) = lists.iter_mut().find(|(s, _)| *s == p.stage) {
            list.push(p);
        }
    }
    lists.retain(|(_, list)| !list.is_empty());
    for (_, list) in &mut lists {
        list.sort_by(|a, b| (a.order, &a.title).cmp(&(b.order, &b.title)));
    }
    lists
}

/// What each stage is for, shown above its playbooks.
fn stage_about(stage: Option<Stage>) -> &'static str {
    match stage {
        Some(Stage::Prepare) => "Find the right partner and know what the library brings before you write to anyone.",
        Some(Stage::ReachOut) => {
            "Get an answer: the right person, the right channel, and a second route when the first is silent."
        }
        Some(Stage::Meet) => "Make the meeting count: an agenda sent ahead, a clear ask, and respect for their time.",
        Some(Stage::FollowUp) => {
            "Turn a good meeting into work: thanks, a recap of action items, and an owner for each."
        }
        Some(Stage::Sustain) => "Keep everyone at the table informed and the partnership growing.",
        None => "Playbooks not yet placed in a stage.",
    }
}

/// Playbooks grouped by stage, each group in `order`, then title.
pub fn stage_groups<'a>(guide: &'a Rcx<'a>) -> Vec<StageGroup<'a>> {
    stage_groups_limited(guide, usize::MAX)
}

/// Like [`stage_groups`], listing at most `limit` playbooks per stage.
pub fn stage_groups_limited<'a>(guide: &'a Rcx<'a>, limit: usize) -> Vec<StageGroup<'a>> {
    stage_playbooks(guide)
        .into_iter()
        .map(|(stage, list)| StageGroup {
            id: stage.map_or("other", Stage::as_str),
            label: stage.map_or("Other playbooks", Stage::label),
            about: stage_about(stage),
            more: list.len().saturating_sub(limit),
            url: format!("{}playbooks/#{}", guide.settings.base_path, stage.map_or("other", Stage::as_str)),
            playbooks: list.into_iter().take(limit).map(|p| playbook_card(guide, p)).collect(),
        })
        .collect()
}

/// An item as shown: an open item, or a written copy of one (see [`copy_item`]).
#[derive(Serialize)]
pub struct ItemCtx<'a> {
    /// Task.
    pub task: &'a str,
    /// Owner.
    pub owner: Option<&'a str>,
    /// Due date.
    pub due: Option<String>,
    /// Done.
    pub done: bool,
    /// Open and past due.
    pub overdue: bool,
    /// How urgent, in words to show beside the date ("3 days late", "due
    /// today"); `None` for a done or undated item.
    pub when: Option<&'a str>,
    /// The partner's next step.
    pub next_step: bool,
}

/// The context of an open item, as its winning copy writes it.
pub(crate) fn open_item(o: &OpenItem) -> ItemCtx<'_> {
    ItemCtx {
        task: &o.task,
        owner: o.owner.as_deref(),
        due: date(o.due),
        done: false,
        overdue: o.when.overdue(),
        when: o.when.beside_date(),
        next_step: o.is_next_step(),
    }
}

/// The context of a written copy of an action item (a meeting's, say), among
/// its partner's `open` items: open with the owner, date and urgency of the
/// copy that wins when its task is open; done when its task is done, whatever
/// this copy says.
pub(crate) fn copy_item<'a>(a: &'a ActionItem, open: &[&'a OpenItem]) -> ItemCtx<'a> {
    match rules::open_copy(open, &a.task) {
        Some(o) => ItemCtx { task: &a.task, ..open_item(o) },
        None => ItemCtx {
            task: &a.task,
            owner: a.owner.as_deref(),
            due: date(a.due_date()),
            done: true,
            overdue: false,
            when: None,
            next_step: false,
        },
    }
}

/// A date as `YYYY-MM-DD`.
pub fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The edit link of a source file, when `edit_url` is set.
pub fn edit_url(guide: &Guide, path: &str) -> Option<String> {
    guide.settings.edit_url.as_ref().map(|u| u.replace("{path}", path))
}
