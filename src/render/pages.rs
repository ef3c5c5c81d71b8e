//! The context of each kind of page, built from the linked guide.

use std::collections::HashMap;

use serde::Serialize;

use super::context::*;
pub(super) use crate::link::warnings::is_plain_email;
use crate::link::{Guide, Partner, Playbook};

/// Context of a playbook page.
#[derive(Serialize)]
pub struct PlaybookPage<'a> {
    #[serde(flatten)]
    card: PlaybookCard<'a>,
    stage_id: Option<&'static str>,
    updated: Option<String>,
    body_html: &'a str,
    toc: &'a [crate::link::markdown::TocEntry],
    tags: Vec<Link>,
    partners: Vec<PartnerCard<'a>>,
    related: Vec<PlaybookCard<'a>>,
    edit_url: Option<String>,
}

/// Builds a playbook page's context; `related` are slugs of related playbooks.
pub fn playbook<'a>(guide: &'a Rcx<'a>, p: &'a Playbook, related: &[&'a str]) -> PlaybookPage<'a> {
    PlaybookPage {
        card: playbook_card(guide, p),
        stage_id: p.stage.map(|s| s.as_str()),
        updated: date(p.updated),
        body_html: &p.body.html,
        toc: &p.body.toc,
        tags: p.tags.iter().map(|t| Link { title: t.clone(), url: tag_url(guide, t) }).collect(),
        partners: p.partners.iter().filter_map(|s| guide.partners.get(s)).map(|x| partner_card(guide, x)).collect(),
        related: related.iter().filter_map(|s| guide.playbooks.get(*s)).map(|x| playbook_card(guide, x)).collect(),
        edit_url: edit_url(guide, &p.path),
    }
}

/// Up to five playbooks related to each playbook: those sharing partners count
/// twice, those sharing a tag once (tags on more than 200 playbooks say too
/// little to count); ties go to the first slug. Works on indexes, in parallel,
/// so that a large guide stays linear.
pub fn related(guide: &Guide) -> HashMap<&str, Vec<&str>> {
    use rayon::prelude::*;
    let slugs: Vec<&str> = guide.playbooks.keys().map(String::as_str).collect();
    let index = |s: &str| slugs.binary_search(&s).ok().map(|i| i as u32);
    let by_partner: HashMap<&str, Vec<u32>> = guide
        .partners
        .values()
        .map(|p| (p.slug.as_str(), p.playbooks.iter().filter_map(|s| index(s)).collect()))
        .collect();
    let mut by_tag: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in guide.playbooks.values().enumerate() {
        for t in &p.tags {
            by_tag.entry(crate::link::tag_slug(t)).or_default().push(i as u32);
        }
    }
    by_tag.retain(|_, v| v.len() <= 200);
    let ranked: Vec<Vec<&str>> = guide
        .playbooks
        .values()
        .collect::<Vec<_>>()
        .par_iter()
        .enumerate()
        .map(|(me, p)| {
            let mut hits: Vec<(u32, u32)> = Vec::new();
            for list in p.partners.iter().filter_map(|s| by_partner.get(s.as_str())) {
                hits.extend(list.iter().map(|&i| (i, 2)));
            }
            for list in p.tags.iter().filter_map(|t| by_tag.get(&crate::link::tag_slug(t))) {
                hits.extend(list.iter().map(|&i| (i, 1)));
            }
            hits.sort_unstable_by_key(|h| h.0);
            let mut scores: Vec<(u32, u32)> = Vec::new();
            for (i, s) in hits {
                match scores.last_mut() {
                    Some(last) if last.0 == i => last.1 += s,
                    _ if i as usize == me => {}
                    _ => scores.push((i, s)),
                }
            }
            scores.retain(|h| h.0 as usize != me);
            scores.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            scores.iter().take(5).map(|&(i, _)| slugs[i as usize]).collect()
        })
        .collect();
    slugs.iter().copied().zip(ranked).collect()
}

#[derive(Serialize)]
struct ContactCtx<'a> {
    name: &'a str,
    role: Option<&'a str>,
    email: Option<&'a str>,
    mailto: Option<String>,
    phone: Option<&'a str>,
    tel: Option<String>,
    gatekeeper: bool,
    notes: Option<&'a str>,
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
}

/// Context of a partner page.
#[derive(Serialize)]
pub struct PartnerPage<'a> {
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
    playbooks: Vec<PlaybookCard<'a>>,
    notes_html: Option<&'a str>,
    edit_url: Option<String>,
    brief_url: String,
    actions_url: Option<String>,
}

/// Builds a partner page's context.
pub fn partner<'a>(guide: &'a Rcx<'a>, p: &'a Partner) -> PartnerPage<'a> {
    let pr = &p.profile;
    let today = guide.today;
    let (done, open): (Vec<_>, Vec<_>) = pr.action_items.iter().map(|a| item(a, today)).partition(|i| i.done);
    PartnerPage {
        card: partner_card(guide, p),
        mission: pr.mission.as_deref(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        channels: &pr.channels,
        contacts: pr
            .contacts
            .iter()
            .map(|c| ContactCtx {
                name: &c.name,
                role: c.role.as_deref(),
                email: c.email.as_deref(),
                mailto: c.email.as_deref().filter(|e| is_plain_email(e)).map(|e| format!("mailto:{e}")),
                phone: c.phone.as_deref(),
                tel: c.phone.as_deref().and_then(tel_uri),
                gatekeeper: c.gatekeeper,
                notes: c.notes.as_deref(),
            })
            .collect(),
        last_contact: date(pr.last_contact),
        updated: date(p.updated),
        next_step: pr.next_step.as_ref().map(|n| NextStepCtx {
            action: &n.action,
            due: date(n.due_date()),
            owner: n.owner.as_deref(),
            overdue: n.due_date().is_some_and(|d| d.0 < today),
        }),
        open_items: open,
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
                action_items: m.action_items.iter().map(|a| item(a, today)).collect(),
            })
            .collect(),
        tags: pr.tags.iter().map(|t| Link { title: t.clone(), url: tag_url(guide, t) }).collect(),
        playbooks: p.playbooks.iter().filter_map(|s| guide.playbooks.get(s)).map(|x| playbook_card(guide, x)).collect(),
        notes_html: p.notes_html.as_deref(),
        edit_url: edit_url(guide, &p.path),
        brief_url: format!("{}brief/", partner_url(guide, &p.slug)),
        actions_url: guide
            .actions
            .iter()
            .any(|a| a.partner == p.slug)
            .then(|| format!("{}actions/partner/{}/", guide.settings.base_path, url_path(&p.slug))),
    }
}

/// A `tel:` URI from a written phone number: digits and a leading `+` only.
fn tel_uri(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    (digits.chars().filter(char::is_ascii_digit).count() >= 3).then(|| format!("tel:{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_and_numbers_become_links() {
        assert!(!is_plain_email("javascript:alert(1)//@x.org"));
        assert_eq!(tel_uri("+1 (555) 014-2000").as_deref(), Some("tel:+15550142000"));
        assert_eq!(tel_uri("ask the desk"), None);
    }
}
