//! The context of each kind of page, built from the linked guide.

use std::collections::HashMap;

use serde::Serialize;

use super::context::*;
use super::view::Rcx;
use crate::link::{Guide, Partner, Playbook};
use crate::routes::{ActionFilter, Route};

/// Context of a playbook page.
#[derive(Serialize)]
pub(crate) struct PlaybookPage<'a> {
    #[serde(flatten)]
    card: PlaybookCard<'a>,
    stage_id: Option<&'static str>,
    updated: Option<String>,
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
        body_html: &p.body.html,
        toc: &p.body.toc,
        tags: p.tags.iter().map(|t| Link { title: t.clone(), url: tag_url(guide.base(), t) }).collect(),
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
    action_items: Vec<ItemCtx<'a>>,
}

#[derive(Serialize)]
struct NextStepCtx<'a> {
    action: &'a str,
    due: Option<String>,
    owner: Option<&'a str>,
    overdue: bool,
    when: Option<&'a str>,
}

/// Context of a partner page.
#[derive(Serialize)]
pub(crate) struct PartnerPage<'a> {
    #[serde(flatten)]
    card: PartnerCard<'a>,
    mission: Option<&'a str>,
    offers: &'a [String],
    library_offers: &'a [String],
    channels: &'a [String],
    contacts: Vec<ContactCtx<'a>>,
    last_contact: Option<String>,
    updated: Option<String>,
    next_step: Option<NextStepCtx<'a>>,
    open_items: Vec<ItemCtx<'a>>,
    done_items: Vec<ItemCtx<'a>>,
    meetings: Vec<MeetingCtx<'a>>,
    tags: Vec<Link>,
    /// Playbook cards.
    playbooks: Vec<tera::Value>,
    notes_html: Option<&'a str>,
    edit_url: Option<String>,
    brief_url: String,
    actions_url: Option<String>,
}

/// Builds a partner page's context.
pub(crate) fn partner<'a>(guide: &Rcx<'a>, p: &'a Partner) -> PartnerPage<'a> {
    let pr = &p.profile;
    // The partner's open items, each once (the next step has its own place on the page).
    let open = guide.partner_actions(&p.slug);
    let next_step = open.iter().find(|o| o.is_next_step());
    let mut done_tasks = std::collections::HashSet::new();
    let done = pr
        .action_items
        .iter()
        .map(|a| copy_item(a, &open))
        .filter(|i| i.done && done_tasks.insert(crate::link::rules::task_key(i.task)))
        .collect();
    PartnerPage {
        card: partner_card(guide, p),
        mission: pr.mission.as_deref(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        channels: &pr.channels,
        contacts: pr.contacts.iter().map(contact).collect(),
        last_contact: date(pr.last_contact),
        updated: date(p.updated),
        next_step: next_step.map(|n| NextStepCtx {
            action: &n.task,
            due: date(n.due),
            owner: n.owner.as_deref(),
            overdue: n.when.overdue(),
            when: n.when.beside_date(),
        }),
        open_items: open.iter().filter(|o| !o.is_next_step()).map(|o| open_item(o)).collect(),
        done_items: done,
        meetings: pr
            .meetings
            .iter()
            .zip(&p.meeting_notes_html)
            .map(|(m, notes)| MeetingCtx {
                id: format!("meeting-{}", m.date),
                date: m.date.to_string(),
                title: m.title.as_deref(),
                attendees: &m.attendees,
                agenda: &m.agenda,
                notes_html: notes.as_deref(),
                action_items: m.action_items.iter().map(|a| copy_item(a, &open)).collect(),
            })
            .collect(),
        tags: pr.tags.iter().map(|t| Link { title: t.clone(), url: tag_url(guide.base(), t) }).collect(),
        playbooks: playbook_card_values(guide, p.playbooks.iter().map(String::as_str)),
        notes_html: p.notes_html.as_deref(),
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
        let opts = crate::link::LinkOptions { base_url: None, drafts: false, today: "2026-03-01".parse().unwrap() };
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
