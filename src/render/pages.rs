//! The context of each kind of page, built from the linked guide.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::Serialize;

use super::context::*;
use super::history::{History, history};
use super::view::Rcx;
use crate::link::rules::{self, OpenItem};
use crate::link::{Guide, Partner, Playbook};
use crate::load::fields::Date;
use crate::load::partner::PartnerProfile;
use crate::routes::{ActionFilter, Route};

/// Context of a playbook page.
#[derive(Serialize)]
pub(crate) struct PlaybookPage<'a> {
    #[serde(flatten)]
    card: PlaybookCard<'a>,
    stage_id: Option<&'static str>,
    updated: Option<String>,
    /// `reviewed` of the front matter.
    reviewed: Option<String>,
    body_html: &'a str,
    toc: &'a [crate::link::markdown::TocEntry],
    tags: Vec<Link>,
    /// Partner cards.
    partners: Vec<tera::Value>,
    /// Playbook cards.
    related: Vec<tera::Value>,
    edit_url: Option<String>,
}

/// Builds a playbook page's context.
pub(crate) fn playbook<'a>(guide: &Rcx<'a>, p: &'a Playbook) -> PlaybookPage<'a> {
    PlaybookPage {
        card: playbook_card(guide, p),
        stage_id: p.stage.map(|s| s.as_str()),
        updated: date(p.updated),
        reviewed: date(p.reviewed),
        body_html: &p.body.html,
        toc: &p.body.toc,
        tags: p.tags.iter().map(|t| Link { title: crate::link::tag_name(t), url: tag_url(guide.base(), t) }).collect(),
        partners: partner_card_values(guide, p.partners.iter().map(String::as_str)),
        related: playbook_card_values(guide, guide.related(&p.slug).iter().map(String::as_str)),
        edit_url: edit_url(guide.settings(), &p.path),
    }
}

/// Up to five playbooks related to each playbook: those sharing partners count
/// twice, those sharing a tag once (tags on more than 200 playbooks say too
/// little to count); ties go to the first slug. Works on indexes, in parallel,
/// so that a large guide stays linear.
pub(crate) fn related(guide: &Guide) -> HashMap<String, Vec<String>> {
    use rayon::prelude::*;
    let slugs: Vec<&str> = guide.playbooks.keys().map(String::as_str).collect();
    let index = |s: &str| slugs.binary_search(&s).ok().map(|i| i as u32);
    let by_partner: HashMap<&str, Vec<u32>> = guide
        .partners
        .values()
        .map(|p| (p.slug.as_str(), p.playbooks.iter().filter_map(|s| index(s)).collect()))
        .collect();
    // The playbooks of each tag, from the guide's tags (each playbook listed once).
    let by_tag: HashMap<&str, Vec<u32>> = guide
        .tags
        .iter()
        .filter(|(_, t)| t.playbooks.len() <= 200)
        .map(|(slug, t)| (slug.as_str(), t.playbooks.iter().filter_map(|s| index(s)).collect()))
        .collect();
    let playbooks: Vec<&crate::link::Playbook> = guide.playbooks.values().map(|p| &**p).collect();
    // Each worker adds scores up in an array over all playbooks, and clears only what it touched.
    let scratch = || (vec![0u32; slugs.len()], Vec::<u32>::new());
    let ranked: Vec<Vec<String>> = playbooks
        .par_iter()
        .enumerate()
        .map_init(scratch, |(scores, touched), (me, p)| {
            let mut add = |list: &[u32], weight: u32| {
                for &i in list {
                    if scores[i as usize] == 0 {
                        touched.push(i);
                    }
                    scores[i as usize] += weight;
                }
            };
            for list in p.partners.iter().filter_map(|s| by_partner.get(s.as_str())) {
                add(list, 2);
            }
            let mut tags: Vec<String> = p.tags.iter().map(|t| crate::link::tag_slug(t)).collect();
            tags.sort_unstable();
            tags.dedup();
            for list in tags.iter().filter_map(|t| by_tag.get(t.as_str())) {
                add(list, 1);
            }
            // Highest score first, then the first slug.
            let mut best: Vec<(std::cmp::Reverse<u32>, u32)> = touched
                .iter()
                .filter(|&&i| i as usize != me)
                .map(|&i| (std::cmp::Reverse(scores[i as usize]), i))
                .collect();
            for &i in touched.iter() {
                scores[i as usize] = 0;
            }
            touched.clear();
            if best.len() > 5 {
                best.select_nth_unstable(4);
                best.truncate(5);
            }
            best.sort_unstable();
            best.iter().map(|&(_, i)| slugs[i as usize].to_string()).collect()
        })
        .collect();
    slugs.iter().map(|s| s.to_string()).zip(ranked).collect()
}

#[derive(Serialize)]
struct MeetingCtx<'a> {
    id: String,
    date: String,
    title: Option<&'a str>,
    attendees: &'a [String],
    agenda: &'a [String],
    notes_html: Option<&'a str>,
    /// `private_notes` as HTML: only in serve and `build --include-private`.
    private_notes_html: Option<&'a str>,
    /// The action items agreed at the meeting, as links to where each is
    /// listed with its status: the page shows each item once.
    agreed: Vec<Pointer<'a>>,
}

/// A link to an item listed elsewhere on the page.
#[derive(Serialize)]
struct Pointer<'a> {
    task: &'a str,
    href: String,
}

#[derive(Serialize)]
struct NextStepCtx<'a> {
    action: &'a str,
    due: Option<String>,
    owner: Option<&'a str>,
    overdue: bool,
    when: Option<&'a str>,
}

/// An action item as the partner page lists it: once, with an anchor the
/// meetings point to, and the meeting it was agreed at.
#[derive(Serialize)]
struct ListedItem<'a> {
    #[serde(flatten)]
    item: ItemCtx<'a>,
    id: String,
    /// The first meeting that holds a copy of it.
    meeting: Option<MeetingLink>,
}

/// A link to a meeting on its partner's page.
#[derive(Serialize)]
struct MeetingLink {
    date: String,
    href: String,
}

/// The anchor of the meeting of `date` on its partner's page.
fn meeting_id(date: Date) -> String {
    format!("meeting-{date}")
}

/// The partner's playbooks in two lists: those written for it, and the rest.
struct PlaybookLists {
    /// Playbook cards of those that name the partner (see [`names_partner`]).
    named: Vec<tera::Value>,
    /// Playbook cards of the others the partner relates to.
    general: Vec<tera::Value>,
}

/// Whether playbook `pb` is written for partner `slug`: its text links to the
/// partner, or the partner is the only one it relates to. A playbook that
/// lists many partners in its front matter but names none of them in its
/// text is general advice (the shipped guide's relate to up to ten each).
pub(crate) fn names_partner(pb: &Playbook, slug: &str) -> bool {
    pb.body.links.iter().any(|l| l.partner && l.slug == slug) || pb.partners.iter().all(|p| p == slug)
}

fn playbook_lists(guide: &Rcx<'_>, p: &Partner) -> PlaybookLists {
    let (named, general): (Vec<&Playbook>, Vec<&Playbook>) =
        p.playbooks.iter().filter_map(|s| guide.playbook(s)).partition(|pb| names_partner(pb, &p.slug));
    let cards = |list: Vec<&Playbook>| playbook_card_values(guide, list.iter().map(|pb| pb.slug.as_str()));
    PlaybookLists { named: cards(named), general: cards(general) }
}

/// Context of a partner page.
#[derive(Serialize)]
pub(crate) struct PartnerPage<'a> {
    #[serde(flatten)]
    card: PartnerCard<'a>,
    mission: Option<&'a str>,
    offers: &'a [String],
    library_offers: &'a [String],
    /// Channels in words ([`channel_label`]).
    channels: Vec<String>,
    contacts: Vec<ContactCtx<'a>>,
    last_contact: Option<String>,
    /// How long ago the last contact was, in words ([`rules::ago`]).
    last_contact_ago: Option<String>,
    updated: Option<String>,
    next_step: Option<NextStepCtx<'a>>,
    open_items: Vec<ListedItem<'a>>,
    done_items: Vec<ListedItem<'a>>,
    meetings: Vec<MeetingCtx<'a>>,
    history: History<'a>,
    tags: Vec<Link>,
    /// Cards of the playbooks that name this partner.
    playbooks: Vec<tera::Value>,
    /// Cards of the other playbooks it relates to.
    general_playbooks: Vec<tera::Value>,
    notes_html: Option<&'a str>,
    /// `private_notes` as HTML: only in serve and `build --include-private`.
    private_notes_html: Option<&'a str>,
    edit_url: Option<String>,
    brief_url: String,
    actions_url: Option<String>,
}

/// A done action item and the first meeting that holds a copy of it.
struct DoneItem<'a> {
    item: ItemCtx<'a>,
    meeting: Option<Date>,
}

/// The written copies of a partner's action items that are done, each task
/// once as its first copy writes it (profile first, then each meeting's),
/// with the first meeting that holds a copy.
fn done_items<'a>(pr: &'a PartnerProfile, open: &[&'a OpenItem]) -> Vec<DoneItem<'a>> {
    let written = pr
        .action_items
        .iter()
        .map(|a| (a, None))
        .chain(pr.meetings.iter().flat_map(|m| m.action_items.iter().map(move |a| (a, Some(m.date)))));
    let mut out: Vec<DoneItem<'a>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (a, meeting) in written {
        let item = copy_item(a, open);
        if !item.done {
            continue;
        }
        match at.entry(rules::task_key(item.task)) {
            Entry::Occupied(e) => {
                let first = &mut out[*e.get()].meeting;
                *first = first.or(meeting);
            }
            Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(DoneItem { item, meeting });
            }
        }
    }
    out
}

/// Builds a partner page's context.
pub(crate) fn partner<'a>(guide: &Rcx<'a>, p: &'a Partner) -> PartnerPage<'a> {
    let pr = &p.profile;
    let today = guide.today();
    // The partner's open items, each once (the next step has its own place on the page).
    let open = guide.partner_actions(&p.slug);
    let next_step = open.iter().find(|o| o.is_next_step());
    // Each item is listed once with an anchor; meetings point to it, by the
    // text it is listed with.
    let mut anchors: HashMap<String, Pointer<'a>> = HashMap::new();
    if let Some(n) = next_step {
        anchors.insert(rules::task_key(&n.task), Pointer { task: &n.task, href: "#next-step".into() });
    }
    let mut count = 0;
    let mut listed = |item: ItemCtx<'a>, meeting: Option<Date>| {
        count += 1;
        let id = format!("item-{count}");
        let task = item.task;
        anchors.entry(rules::task_key(task)).or_insert_with(|| Pointer { task, href: format!("#{id}") });
        let meeting = meeting.map(|d| MeetingLink { date: d.to_string(), href: format!("#{}", meeting_id(d)) });
        ListedItem { item, id, meeting }
    };
    let open_items: Vec<ListedItem<'a>> =
        open.iter().filter(|o| !o.is_next_step()).map(|o| listed(open_item(o), o.agreed_at)).collect();
    let done: Vec<ListedItem<'a>> = done_items(pr, &open).into_iter().map(|d| listed(d.item, d.meeting)).collect();
    let PlaybookLists { named, general } = playbook_lists(guide, p);
    PartnerPage {
        card: partner_card(guide, p),
        mission: pr.mission.as_deref(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        channels: pr.channels.iter().map(|c| channel_label(c)).collect(),
        contacts: pr.contacts.iter().map(contact).collect(),
        last_contact: date(rules::last_contact(pr, today)),
        last_contact_ago: rules::last_contact(pr, today).map(|d| rules::ago(d, today)),
        updated: date(p.updated),
        next_step: next_step.map(|n| NextStepCtx {
            action: &n.task,
            due: date(n.due),
            owner: n.owner.as_deref(),
            overdue: n.when.overdue(),
            when: n.when.beside_date(),
        }),
        open_items,
        done_items: done,
        meetings: pr
            .meetings
            .iter()
            .zip(&p.meeting_notes_html)
            .enumerate()
            .map(|(i, (m, notes))| MeetingCtx {
                id: meeting_id(m.date),
                date: m.date.to_string(),
                title: m.title.as_deref(),
                attendees: &m.attendees,
                agenda: &m.agenda,
                notes_html: notes.as_deref(),
                private_notes_html: p.meeting_private_notes_html.get(i).and_then(Option::as_deref),
                agreed: m
                    .action_items
                    .iter()
                    .filter_map(|a| {
                        let to = anchors.get(&rules::task_key(&a.task))?;
                        Some(Pointer { task: to.task, href: to.href.clone() })
                    })
                    .collect(),
            })
            .collect(),
        history: history(pr, today, guide.settings().stale_after_days),
        tags: pr.tags.iter().map(|t| Link { title: crate::link::tag_name(t), url: tag_url(guide.base(), t) }).collect(),
        playbooks: named,
        general_playbooks: general,
        notes_html: p.notes_html.as_deref(),
        private_notes_html: p.private_notes_html.as_deref(),
        edit_url: edit_url(guide.settings(), &p.path),
        brief_url: Route::Brief(p.slug.clone()).url(guide.base()),
        actions_url: (!open.is_empty())
            .then(|| Route::Actions(ActionFilter::Partner(p.slug.clone())).url(guide.base())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Links a guide of `playbooks` (slug, partners, tags) and two partners.
    fn guide(playbooks: &[(&str, &str, &str)]) -> Guide {
        let texts: Vec<(String, String)> = playbooks
            .iter()
            .map(|(slug, partners, tags)| {
                let text = format!("---\ntitle: {slug}\npartners: [{partners}]\ntags: [{tags}]\n---\n");
                (format!("playbooks/{slug}.md"), text)
            })
            .collect();
        let mut files = vec![
            ("site.yaml", "title: Guide\n"),
            ("partners/it.yaml", "name: IT\n"),
            ("partners/law.yaml", "name: Law\n"),
        ];
        files.extend(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        let opts = crate::link::LinkOptions {
            base_url: None,
            drafts: false,
            today: "2026-03-01".parse().unwrap(),
            private: false,
        };
        crate::link::linked_fixture(&files, &opts)
    }

    #[test]
    fn related_playbooks_share_partners_twice_and_tags_once_best_first() {
        let mut playbooks = vec![
            ("a", "it", "Data, data, grants"),
            ("b", "", "grants"),
            ("c", "it", ""),
            ("d", "", "data, grants"),
            ("e", "law", "data"),
            ("f", "", ""),
        ];
        // A tag on more than 200 playbooks relates none of them.
        let many: Vec<String> = (0..201).map(|i| format!("z{i:03}")).collect();
        playbooks.extend(many.iter().map(|s| (s.as_str(), "", "common")));
        let guide = guide(&playbooks);
        let related = related(&guide);
        // d shares two tags (2), c a partner (2), b and e one tag (1): ties go to the first slug.
        // A tag written twice ("Data", "data") counts once.
        assert_eq!(related["a"], ["c", "d", "b", "e"]);
        assert_eq!(related["b"], ["a", "d"]);
        assert_eq!(related["e"], ["a", "d"]);
        assert!(related["f"].is_empty());
        assert!(related["z000"].is_empty());
        // At most five.
        let crowd: Vec<String> = (0..8).map(|i| format!("p{i}")).collect();
        let guide = self::guide(&crowd.iter().map(|s| (s.as_str(), "it", "")).collect::<Vec<_>>());
        assert_eq!(super::related(&guide)["p3"], ["p0", "p1", "p2", "p4", "p5"]);
    }
}
