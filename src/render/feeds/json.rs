//! `/partners.json`: every partner profile with its URLs and what needs
//! attention, for other tools (the schema is in docs/partners-json.md).

use serde::Serialize;

use super::super::context::{ContactCtx, contact};
use super::super::syndication::absolute;
use super::{brief_path, partner_path};
use crate::link::rules::{OpenItem, Place, open_copy, stale_days};
use crate::link::{Guide, Partner};
use crate::load::fields::Date;
use crate::load::partner::ActionItem;

/// The version of the `partners.json` layout; raised on incompatible changes.
const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct PartnersFile<'a> {
    generator: &'static str,
    schema: u32,
    today: String,
    partners: Vec<PartnerJson<'a>>,
}

#[derive(Serialize)]
struct PartnerJson<'a> {
    slug: &'a str,
    name: &'a str,
    url: String,
    brief_url: String,
    absolute_url: Option<String>,
    kind: Option<&'static str>,
    status: Option<&'static str>,
    summary: Option<&'a str>,
    mission: Option<&'a str>,
    offers: &'a [String],
    library_offers: &'a [String],
    channels: &'a [String],
    contacts: Vec<ContactCtx<'a>>,
    last_contact: Option<String>,
    stale: bool,
    next_step: Option<NextStepJson<'a>>,
    action_items: Vec<ItemJson<'a>>,
    open_items: Vec<OpenItemJson<'a>>,
    overdue_items: usize,
    meetings: Vec<MeetingJson<'a>>,
    tags: &'a [String],
    playbooks: &'a [String],
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct NextStepJson<'a> {
    action: &'a str,
    due: Option<String>,
    owner: Option<&'a str>,
    overdue: bool,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    task: &'a str,
    owner: Option<&'a str>,
    due: Option<String>,
    done: bool,
    overdue: bool,
}

/// One of a partner's open items (see `rules::open_items`).
#[derive(Serialize)]
struct OpenItemJson<'a> {
    task: &'a str,
    owner: Option<&'a str>,
    due: Option<String>,
    overdue: bool,
    when: &'a str,
    /// `next_step`, `action_items` or `meeting`: where the copy shown is written.
    written: &'static str,
    /// The date of that meeting, when it is one.
    meeting: Option<String>,
}

#[derive(Serialize)]
struct MeetingJson<'a> {
    date: String,
    title: Option<&'a str>,
    attendees: &'a [String],
    agenda: &'a [String],
    notes: Option<&'a str>,
    action_items: Vec<ItemJson<'a>>,
}

fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A written copy of an action item, as written; `overdue` is its item's
/// (see `rules::open_items`: a copy is overdue when the copy that wins is).
fn item_json<'a>(open: &[&OpenItem], a: &'a ActionItem) -> ItemJson<'a> {
    ItemJson {
        task: &a.task,
        owner: a.owner.as_deref(),
        due: date(a.due_date()),
        done: a.done,
        overdue: open_copy(open, &a.task).is_some_and(|o| o.when.overdue()),
    }
}

fn open_item_json(o: &OpenItem) -> OpenItemJson<'_> {
    let (written, meeting) = match o.place {
        Place::NextStep => ("next_step", None),
        Place::Profile { .. } => ("action_items", None),
        Place::Meeting { date, .. } => ("meeting", Some(date.to_string())),
    };
    OpenItemJson {
        task: &o.task,
        owner: o.owner.as_deref(),
        due: date(o.due),
        overdue: o.when.overdue(),
        when: &o.when.words,
        written,
        meeting,
    }
}

fn partner_json<'a>(guide: &'a Guide, p: &'a Partner) -> PartnerJson<'a> {
    let pr = &p.profile;
    let s = &guide.settings;
    let open = guide.actions.of_partner(&p.slug);
    PartnerJson {
        slug: &p.slug,
        name: &pr.name,
        url: partner_path(guide, &p.slug),
        brief_url: brief_path(guide, &p.slug),
        absolute_url: s.base_url.as_ref().map(|_| absolute(s, &partner_path(guide, &p.slug))),
        kind: pr.kind.map(|k| k.as_str()),
        status: pr.status.map(|k| k.as_str()),
        summary: pr.summary.as_deref(),
        mission: pr.mission.as_deref(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        channels: &pr.channels,
        contacts: pr.contacts.iter().map(contact).collect(),
        last_contact: date(pr.last_contact),
        stale: stale_days(
            crate::link::rules::last_contact(pr, guide.today),
            pr.status,
            guide.today,
            s.stale_after_days,
        )
        .is_some(),
        next_step: pr.next_step.as_ref().map(|n| NextStepJson {
            action: &n.action,
            due: date(n.due_date()),
            owner: n.owner.as_deref(),
            overdue: open.iter().any(|o| o.is_next_step() && o.when.overdue()),
        }),
        action_items: pr.action_items.iter().map(|a| item_json(&open, a)).collect(),
        open_items: open.iter().map(|o| open_item_json(o)).collect(),
        overdue_items: open.iter().filter(|o| o.when.overdue()).count(),
        meetings: pr
            .meetings
            .iter()
            .map(|m| MeetingJson {
                date: m.date.to_string(),
                title: m.title.as_deref(),
                attendees: &m.attendees,
                agenda: &m.agenda,
                notes: m.notes.as_ref().map(|n| n.value.as_str()),
                action_items: m.action_items.iter().map(|a| item_json(&open, a)).collect(),
            })
            .collect(),
        tags: &pr.tags,
        playbooks: &p.playbooks,
        notes: pr.notes.as_ref().map(|n| n.value.as_str()),
    }
}

/// Escapes `<`, `>`, `&`, U+2028 and U+2029 in serialized JSON as `\uXXXX`,
/// so that the file can be inlined in an HTML `<script>` element as it is.
/// In JSON these characters only occur inside strings, where the escape
/// means the same character.
pub(super) fn inline_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    super::super::search_index::push_script_safe(&mut out, json);
    out
}

/// Every partner, in slug order, as pretty-printed JSON (layout in
/// `docs/partners-json.md`): each profile field as written (Markdown as its
/// source text), the partner's URLs, and whether it needs attention. Safe to
/// inline in HTML.
pub(crate) fn partners_json(guide: &Guide) -> String {
    let file = PartnersFile {
        generator: "partnerbook",
        schema: SCHEMA,
        today: guide.today.format("%Y-%m-%d").to_string(),
        partners: guide.partners.values().map(|p| partner_json(guide, p)).collect(),
    };
    // Plain structs of strings, numbers and lists: serializing cannot fail.
    let json = serde_json::to_string_pretty(&file).expect("partner data serializes to JSON");
    let mut out = inline_safe(&json);
    out.push('\n');
    out
}
