//! One small serializable context per page. A page's context holds what that
//! page shows and nothing more: never the whole guide. Every string here is
//! raw text; templates escape it (autoescape is on for `.html`), and only the
//! fields named `*_html` carry HTML that `link` produced from Markdown.

use serde::Serialize;

pub(crate) use super::cards::{PartnerCard, PlaybookCard, partner_card_data, playbook_card_data};
pub(crate) use super::page_context::Link;
use super::view::Rcx;
use crate::link::rules::{self, OpenItem};
use crate::link::{Partner, Playbook, Settings, tag_slug};
use crate::load::fields::{Date, Stage};
use crate::load::partner::ActionItem;
use crate::routes::Route;

/// URL of a playbook.
pub(crate) fn playbook_url(base: &str, slug: &str) -> String {
    Route::Playbook(slug.to_string()).url(base)
}

/// URL of a partner.
pub(crate) fn partner_url(base: &str, slug: &str) -> String {
    Route::Partner(slug.to_string()).url(base)
}

/// URL of a tag page.
pub(crate) fn tag_url(base: &str, tag: &str) -> String {
    Route::Tag(tag_slug(tag)).url(base)
}

/// The card of a playbook.
pub(crate) fn playbook_card<'a>(guide: &Rcx<'a>, p: &'a Playbook) -> PlaybookCard<'a> {
    PlaybookCard { html: guide.playbook_card_html(&p.slug), ..playbook_card_data(guide.base(), p) }
}

/// The card of a partner.
pub(crate) fn partner_card<'a>(guide: &Rcx<'a>, p: &'a Partner) -> PartnerCard<'a> {
    PartnerCard { html: guide.partner_card_html(&p.slug), ..partner_card_data(guide.base(), p) }
}

/// A stage and its playbooks, in order.
#[derive(Serialize)]
pub(crate) struct StageGroup<'a> {
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
pub(crate) struct StageList {
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
pub(crate) fn stage_lists(guide: &Rcx<'_>) -> Vec<StageList> {
    stage_playbooks(guide)
        .into_iter()
        .map(|(stage, list)| StageList {
            id: stage.map_or("other", Stage::as_str),
            label: stage.map_or("Other playbooks", Stage::label),
            about: stage_about(stage),
            count: list.len(),
            cards_html: list.iter().map(|p| guide.playbook_card_html(&p.slug)).collect(),
        })
        .collect()
}

/// The playbooks of each stage that has any, each list in `order`, then title.
pub(crate) fn stage_playbooks<'a>(guide: &Rcx<'a>) -> Vec<(Option<Stage>, Vec<&'a Playbook>)> {
    let mut lists: Vec<(Option<Stage>, Vec<&Playbook>)> =
        Stage::ALL.iter().map(|s| Some(*s)).chain(std::iter::once(None)).map(|s| (s, Vec::new())).collect();
    for p in guide.playbooks() {
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

/// Playbooks grouped by stage, each group in `order`, then title, listing at
/// most `limit` playbooks per stage.
pub(crate) fn stage_groups_limited<'a>(guide: &Rcx<'a>, limit: usize) -> Vec<StageGroup<'a>> {
    stage_playbooks(guide)
        .into_iter()
        .map(|(stage, list)| StageGroup {
            id: stage.map_or("other", Stage::as_str),
            label: stage.map_or("Other playbooks", Stage::label),
            about: stage_about(stage),
            more: list.len().saturating_sub(limit),
            url: format!("{}#{}", Route::Playbooks.url(guide.base()), stage.map_or("other", Stage::as_str)),
            playbooks: list.into_iter().take(limit).map(|p| playbook_card(guide, p)).collect(),
        })
        .collect()
}

/// An item as shown: an open item, or a written copy of one (see [`copy_item`]).
#[derive(Serialize)]
pub(crate) struct ItemCtx<'a> {
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
pub(crate) fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A channel as words: a profile writes channels as free slugs
/// ("department-meeting"), pages show them as a phrase ("Department
/// meeting"): hyphens and underscores become spaces, the first letter is
/// upper case, the rest stays as written.
pub(crate) fn channel_label(channel: &str) -> String {
    let words = channel.trim().replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The edit link of a source file, when `edit_url` is set.
pub(crate) fn edit_url(settings: &Settings, path: &str) -> Option<String> {
    settings.edit_url.as_ref().map(|u| u.replace("{path}", path))
}

/// The template value of a playbook's card, made once per card and shared.
pub(crate) fn playbook_card_value(guide: &Rcx<'_>, slug: &str) -> Option<tera::Value> {
    let p = guide.playbook(slug)?;
    Some(guide.playbook_card_value(slug, || tera::Value::from_serializable(&playbook_card(guide, p))))
}

/// The template value of a partner's card, made once per card and shared.
pub(crate) fn partner_card_value(guide: &Rcx<'_>, slug: &str) -> Option<tera::Value> {
    let p = guide.partner(slug)?;
    Some(guide.partner_card_value(slug, || tera::Value::from_serializable(&partner_card(guide, p))))
}

/// The card values of the playbooks `slugs` names, in order; unknown slugs are left out.
pub(crate) fn playbook_card_values<'s>(guide: &Rcx<'_>, slugs: impl IntoIterator<Item = &'s str>) -> Vec<tera::Value> {
    slugs.into_iter().filter_map(|s| playbook_card_value(guide, s)).collect()
}

/// The card values of the partners `slugs` names, in order; unknown slugs are left out.
pub(crate) fn partner_card_values<'s>(guide: &Rcx<'_>, slugs: impl IntoIterator<Item = &'s str>) -> Vec<tera::Value> {
    slugs.into_iter().filter_map(|s| partner_card_value(guide, s)).collect()
}

/// A contact as every output shows it: the partner page, the brief and
/// `partners.json`. `mailto` and `tel` are set only for an address or number
/// safe to link to.
#[derive(Serialize)]
pub(crate) struct ContactCtx<'a> {
    pub(crate) name: &'a str,
    pub(crate) role: Option<&'a str>,
    pub(crate) email: Option<&'a str>,
    pub(crate) mailto: Option<String>,
    pub(crate) phone: Option<&'a str>,
    pub(crate) tel: Option<String>,
    pub(crate) gatekeeper: bool,
    pub(crate) notes: Option<&'a str>,
}

/// The context of a contact.
pub(crate) fn contact(c: &crate::load::partner::Contact) -> ContactCtx<'_> {
    ContactCtx {
        name: &c.name,
        role: c.role.as_deref(),
        email: c.email.as_deref(),
        mailto: c.email.as_deref().filter(|e| crate::link::urls::is_plain_email(e)).map(|e| format!("mailto:{e}")),
        phone: c.phone.as_deref(),
        tel: c.phone.as_deref().and_then(tel_uri),
        gatekeeper: c.gatekeeper,
        notes: c.notes.as_deref(),
    }
}

/// A `tel:` URI from a written phone number: digits and a leading `+` only.
pub(crate) fn tel_uri(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    (digits.chars().filter(char::is_ascii_digit).count() >= 3).then(|| format!("tel:{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_and_numbers_become_links() {
        let c = |email: &str, phone: &str| crate::load::partner::Contact {
            name: "Ana".into(),
            role: None,
            email: Some(email.into()),
            phone: Some(phone.into()),
            gatekeeper: false,
            notes: None,
        };
        let plain = c("ana@example.edu", "+1 (555) 014-2000");
        assert_eq!(contact(&plain).mailto.as_deref(), Some("mailto:ana@example.edu"));
        assert_eq!(contact(&plain).tel.as_deref(), Some("tel:+15550142000"));
        let odd = c("javascript:alert(1)//@x.org", "ask the desk");
        assert_eq!(contact(&odd).mailto, None);
        assert_eq!(contact(&odd).tel, None);
    }

    #[test]
    fn channels_read_as_words() {
        let cases = [
            ("department-meeting", "Department meeting"),
            ("email", "Email"),
            ("office_hours", "Office hours"),
            (" IT-help-desk ", "IT help desk"),
            ("élan", "Élan"),
            ("", ""),
        ];
        for (channel, words) in cases {
            assert_eq!(channel_label(channel), words, "{channel:?}");
        }
    }
}
