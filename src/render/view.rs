//! The guide as a page's context builder sees it. [`Run`] holds the linked
//! guide and what one render run computes once and shares between pages
//! (cards, related playbooks, indexes); [`Rcx`] is one page's view of it,
//! which notes every playbook, partner or list the page reads ([`Dep`]).
//! `serve` keeps those notes to find the pages an edit reaches; nothing else
//! has to list what a page shows, so a field added to a page cannot be
//! forgotten there. The only way to the guide's items is through [`Rcx`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::cards::{CardMap, Cards};
use crate::link::rules::OpenItem;
use crate::link::{Guide, Page, Partner, Playbook, Relinked, Settings, Tag, tag_slug};
use crate::routes::ActionFilter;

/// Something of the guide a page read. An edit makes some of these dirty
/// ([`Dep::dirtied_by`]); the pages that read one are built again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dep<'a> {
    /// One playbook (its fields, body or card).
    Playbook(&'a str),
    /// One partner (its profile, actions or card).
    Partner(&'a str),
    /// Which playbooks there are and anything of any of them.
    AllPlaybooks,
    /// Which partners there are and anything of any of them, their actions included.
    AllPartners,
    /// The list of one owner's actions (by owner slug): which items it holds.
    Owner(&'a str),
    /// The tags and what carries them.
    Tags,
    /// Related playbooks.
    Relations,
    /// The free pages.
    Pages,
}

/// A [`Dep`] kept beyond the run that recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DepKey {
    /// See [`Dep::Playbook`].
    Playbook(Box<str>),
    /// See [`Dep::Partner`].
    Partner(Box<str>),
    /// See [`Dep::AllPlaybooks`].
    AllPlaybooks,
    /// See [`Dep::AllPartners`].
    AllPartners,
    /// See [`Dep::Owner`].
    Owner(Box<str>),
    /// See [`Dep::Tags`].
    Tags,
    /// See [`Dep::Relations`].
    Relations,
    /// See [`Dep::Pages`].
    Pages,
}

impl Dep<'_> {
    /// The owned form, for an index that outlives the run.
    pub(crate) fn key(self) -> DepKey {
        match self {
            Dep::Playbook(s) => DepKey::Playbook(s.into()),
            Dep::Partner(s) => DepKey::Partner(s.into()),
            Dep::AllPlaybooks => DepKey::AllPlaybooks,
            Dep::AllPartners => DepKey::AllPartners,
            Dep::Owner(s) => DepKey::Owner(s.into()),
            Dep::Tags => DepKey::Tags,
            Dep::Relations => DepKey::Relations,
            Dep::Pages => DepKey::Pages,
        }
    }
}

impl DepKey {
    /// What an edit makes dirty: each playbook and partner it replaced, the
    /// lists of all playbooks or all partners when any changed, and the
    /// action lists of the owners whose items it may have changed. Tags,
    /// relations and free pages change only in edits that render every page.
    pub(crate) fn dirtied_by(changed: &Relinked) -> Vec<DepKey> {
        let Relinked { playbooks, partners, owners } = changed;
        let mut keys: Vec<DepKey> = playbooks.iter().map(|s| DepKey::Playbook(s.as_str().into())).collect();
        keys.extend(partners.iter().map(|s| DepKey::Partner(s.as_str().into())));
        keys.extend(owners.iter().map(|s| DepKey::Owner(s.as_str().into())));
        if !playbooks.is_empty() {
            keys.push(DepKey::AllPlaybooks);
        }
        if !partners.is_empty() {
            keys.push(DepKey::AllPartners);
        }
        keys
    }
}

/// What one render run shares between its pages.
pub(crate) struct Run<'a> {
    guide: &'a Guide,
    cards: &'a Cards,
    related: &'a HashMap<String, Vec<String>>,
    /// The partners' tags with their counts, for the directory's facets.
    partner_tags: OnceLock<BTreeMap<String, (String, usize)>>,
    /// Each partner's tag slugs joined by spaces, by partner slug: every
    /// directory page filters on them.
    partner_tag_slugs: OnceLock<HashMap<String, String>>,
    /// Template values made once and listed by many pages (actions, directory cards).
    values: SharedValues,
}

/// Template values that several pages list, each made the first time one asks.
#[derive(Default)]
pub(crate) struct SharedValues {
    /// Each action's value, in the guide's order: an action is on the full
    /// list, its owner's page and its partner's page.
    actions: OnceLock<Vec<OnceLock<tera::Value>>>,
    /// Each partner's directory card, by slug: every partner is on several directory pages.
    directory_cards: OnceLock<HashMap<Box<str>, OnceLock<tera::Value>>>,
}

impl<'a> Run<'a> {
    /// A run over `guide` with its rendered `cards` and its `related` playbooks.
    pub(crate) fn new(guide: &'a Guide, cards: &'a Cards, related: &'a HashMap<String, Vec<String>>) -> Self {
        Run {
            guide,
            cards,
            related,
            partner_tags: OnceLock::new(),
            partner_tag_slugs: OnceLock::new(),
            values: SharedValues::default(),
        }
    }

    /// A fresh view for one page.
    pub(crate) fn page(&'a self) -> Rcx<'a> {
        Rcx { run: self, reads: RefCell::new(Vec::new()) }
    }
}

/// One page's view of the guide: every read of an item or list is noted.
pub(crate) struct Rcx<'a> {
    run: &'a Run<'a>,
    reads: RefCell<Vec<Dep<'a>>>,
}

impl<'a> Rcx<'a> {
    fn read(&self, dep: Dep<'a>) {
        self.reads.borrow_mut().push(dep);
    }

    /// What the page read so far, sorted, each once.
    /// A page that read the list of all playbooks (or partners) needs no
    /// note of each one it read: an edit of any of them makes the list dirty
    /// too ([`DepKey::dirtied_by`]), and list pages read thousands.
    pub(crate) fn reads(&self) -> Vec<DepKey> {
        let mut reads = self.reads.borrow().clone();
        reads.sort_unstable();
        reads.dedup();
        let all_playbooks = reads.contains(&Dep::AllPlaybooks);
        let all_partners = reads.contains(&Dep::AllPartners);
        reads.retain(|d| match d {
            Dep::Playbook(_) => !all_playbooks,
            Dep::Partner(_) => !all_partners,
            _ => true,
        });
        reads.into_iter().map(Dep::key).collect()
    }

    /// The site's settings. Not noted: a change of settings renders every page.
    pub(crate) fn settings(&self) -> &'a Settings {
        &self.run.guide.settings
    }

    /// The site's base path (`/` or `/outreach/`).
    pub(crate) fn base(&self) -> &'a str {
        &self.run.guide.settings.base_path
    }

    /// The date that counts as today. Not noted, like the settings.
    pub(crate) fn today(&self) -> NaiveDate {
        self.run.guide.today
    }

    /// One playbook.
    pub(crate) fn playbook(&self, slug: &str) -> Option<&'a Playbook> {
        let (slug, p) = self.run.guide.playbooks.get_key_value(slug)?;
        self.read(Dep::Playbook(slug));
        Some(p)
    }

    /// One partner.
    pub(crate) fn partner(&self, slug: &str) -> Option<&'a Partner> {
        let (slug, p) = self.run.guide.partners.get_key_value(slug)?;
        self.read(Dep::Partner(slug));
        Some(p)
    }

    /// Every playbook, by slug.
    pub(crate) fn playbooks(&self) -> impl Iterator<Item = &'a Playbook> + 'a {
        self.read(Dep::AllPlaybooks);
        self.run.guide.playbooks.values().map(|p| &**p)
    }

    /// Every partner, by slug.
    pub(crate) fn partners(&self) -> impl Iterator<Item = &'a Partner> + 'a {
        self.read(Dep::AllPartners);
        self.run.guide.partners.values().map(|p| &**p)
    }

    /// How many partners there are.
    pub(crate) fn partner_count(&self) -> usize {
        self.read(Dep::AllPartners);
        self.run.guide.partners.len()
    }

    /// Every open next step and action item, most urgent first.
    pub(crate) fn actions(&self) -> &'a [OpenItem] {
        self.read(Dep::AllPartners);
        self.run.guide.actions.all()
    }

    /// The open items of partner `slug`, most urgent first.
    pub(crate) fn partner_actions(&self, slug: &str) -> Vec<&'a OpenItem> {
        self.partner(slug);
        self.run.guide.actions.of_partner(slug)
    }

    /// The tags.
    pub(crate) fn tags(&self) -> &'a BTreeMap<String, Tag> {
        self.read(Dep::Tags);
        &self.run.guide.tags
    }

    /// The free pages.
    pub(crate) fn pages(&self) -> &'a BTreeMap<String, Page> {
        self.read(Dep::Pages);
        &self.run.guide.pages
    }

    /// The slugs of the playbooks related to playbook `slug`.
    pub(crate) fn related(&self, slug: &str) -> &'a [String] {
        self.read(Dep::Relations);
        self.run.related.get(slug).map(Vec::as_slice).unwrap_or_default()
    }

    /// The HTML of a playbook's card, or `""`.
    pub(crate) fn playbook_card_html(&self, slug: &str) -> &'a str {
        self.card_html(&self.run.cards.playbooks, slug, Dep::Playbook)
    }

    /// The HTML of a partner's card, or `""`.
    pub(crate) fn partner_card_html(&self, slug: &str) -> &'a str {
        self.card_html(&self.run.cards.partners, slug, Dep::Partner)
    }

    fn card_html(&self, cards: &'a CardMap, slug: &str, dep: fn(&'a str) -> Dep<'a>) -> &'a str {
        match cards.get_key_value(slug) {
            Some((slug, card)) => {
                self.read(dep(slug));
                &card.html
            }
            None => "",
        }
    }

    /// The template value of playbook `slug`'s card, made once by `make` and shared.
    pub(crate) fn playbook_card_value(&self, slug: &str, make: impl FnOnce() -> tera::Value) -> tera::Value {
        self.playbook(slug);
        match self.run.cards.playbooks.get(slug) {
            Some(card) => card.value.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// The template value of partner `slug`'s card, made once by `make` and shared.
    pub(crate) fn partner_card_value(&self, slug: &str, make: impl FnOnce() -> tera::Value) -> tera::Value {
        self.partner(slug);
        match self.run.cards.partners.get(slug) {
            Some(card) => card.value.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// The places in the guide's list of the actions an actions page lists, in
    /// order. A partner's actions come from that partner alone.
    pub(crate) fn action_places(&self, filter: &ActionFilter) -> Vec<usize> {
        let actions = &self.run.guide.actions;
        let places = match filter {
            ActionFilter::All => {
                self.read(Dep::AllPartners);
                return (0..actions.len()).collect();
            }
            ActionFilter::Owner(o) => {
                // Which items the owner has; each item then reads its partner.
                // An owner without items has no page (a change of pages renders all).
                if let Some(key) = actions.owner_key(o) {
                    self.read(Dep::Owner(key));
                }
                actions.owner_places(o)
            }
            ActionFilter::Partner(p) => {
                self.partner(p);
                actions.partner_places(p)
            }
        };
        places.iter().map(|&i| i as usize).collect()
    }

    /// The guide's action number `i` (a place from [`Rcx::action_places`]).
    pub(crate) fn action(&self, i: usize) -> &'a OpenItem {
        let a = &self.run.guide.actions[i];
        self.partner(&a.partner);
        a
    }

    /// The template value of the guide's action number `i`, made once by `make`.
    pub(crate) fn action_value(&self, i: usize, make: impl FnOnce(&'a OpenItem) -> tera::Value) -> tera::Value {
        let a = self.action(i);
        let all =
            self.run.values.actions.get_or_init(|| self.run.guide.actions.iter().map(|_| OnceLock::new()).collect());
        all[i].get_or_init(|| make(a)).clone()
    }

    /// The directory card of partner `p` as a template value, made once by `make`.
    pub(crate) fn directory_card_value(
        &self,
        p: &'a Partner,
        make: impl FnOnce(&'a Partner) -> tera::Value,
    ) -> tera::Value {
        self.read(Dep::Partner(&p.slug));
        let cards = self
            .run
            .values
            .directory_cards
            .get_or_init(|| self.run.guide.partners.keys().map(|s| (s.as_str().into(), OnceLock::new())).collect());
        match cards.get(p.slug.as_str()) {
            Some(card) => card.get_or_init(|| make(p)).clone(),
            None => make(p),
        }
    }

    /// The partners' tags (slug -> name and count).
    pub(crate) fn partner_tags(&self) -> &'a BTreeMap<String, (String, usize)> {
        self.read(Dep::AllPartners);
        let guide = self.run.guide;
        self.run.partner_tags.get_or_init(|| partner_tags(guide.partners.values().map(|p| &**p)))
    }

    /// The tag slugs of partner `slug`, joined by spaces.
    pub(crate) fn tag_slugs_of(&self, slug: &str) -> &'a str {
        self.partner(slug);
        let guide = self.run.guide;
        let all = self.run.partner_tag_slugs.get_or_init(|| {
            let slugs = |p: &Partner| p.profile.tags.iter().map(|t| tag_slug(t)).collect::<Vec<_>>().join(" ");
            guide.partners.values().map(|p| (p.slug.clone(), slugs(p))).collect()
        });
        all.get(slug).map_or("", String::as_str)
    }
}

/// Tags used by partners: slug -> (name, count).
pub(crate) fn partner_tags<'a>(partners: impl Iterator<Item = &'a Partner>) -> BTreeMap<String, (String, usize)> {
    let mut tags: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for p in partners {
        for t in &p.profile.tags {
            tags.entry(tag_slug(t)).or_insert_with(|| (t.trim().to_string(), 0)).1 += 1;
        }
    }
    tags.remove("");
    tags
}
