//! The guide's data for other tools: `/calendar.ics` (due dates and meetings
//! as an RFC 5545 calendar) and `/partners.json` (every partner profile with
//! its URLs and what needs attention). Pure functions of the [`Guide`]: the
//! same guide and "today" give the same bytes, so builds stay reproducible.
//!
//! The calendar is written by hand rather than with a calendar crate: the
//! `icalendar` crate (0.17) fills in a clock-based `DTSTAMP` and a random
//! `UID`, leaves `X-` properties unescaped, and folds some lines to 76 octets
//! (a line of exactly 150 octets, for one). Tests parse the output back with
//! that crate's parser.

use std::collections::HashSet;

use chrono::NaiveDate;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::link::attention::{Bucket, bucket, stale_days};
use crate::link::{Guide, Partner};
use crate::load::fields::Date;
use crate::load::partner::{ActionItem, Contact, Meeting, PartnerProfile};

/// The calendar's product identifier.
const PRODID: &str = "-//partnerbook//outreach guide//EN";

/// Longest content line, in octets, without its CRLF (RFC 5545, 3.1).
const FOLD_AT: usize = 75;

/// Site path of a partner's page.
fn partner_path(guide: &Guide, slug: &str) -> String {
    super::context::partner_url(guide, slug)
}

/// Site path of a partner's meeting brief.
fn brief_path(guide: &Guide, slug: &str) -> String {
    format!("{}brief/", super::context::partner_url(guide, slug))
}

/// An open action item, profile-level or agreed at a meeting.
struct OpenItem<'a> {
    item: &'a ActionItem,
    /// The first meeting whose action items hold it.
    meeting: Option<Date>,
}

/// The open action items of a profile: its own list first, then each
/// meeting's. An item written both in `action_items` and in a meeting's list
/// (same task, same due date) counts once, remembering the meeting.
fn open_items(profile: &PartnerProfile) -> Vec<OpenItem<'_>> {
    let mut out: Vec<OpenItem<'_>> = Vec::new();
    let listed = profile.action_items.iter().map(|a| (a, None));
    let agreed = profile.meetings.iter().flat_map(|m| m.action_items.iter().map(move |a| (a, Some(m.date))));
    for (item, meeting) in listed.chain(agreed).filter(|(a, _)| !a.done) {
        let same =
            out.iter_mut().find(|o| o.item.task.trim() == item.task.trim() && o.item.due_date() == item.due_date());
        match same {
            Some(o) => o.meeting = o.meeting.or(meeting),
            None => out.push(OpenItem { item, meeting }),
        }
    }
    out
}

/// Open next step and open action items due before today, each counted once.
fn overdue_count(guide: &Guide, profile: &PartnerProfile) -> usize {
    let overdue = |due: Option<Date>| bucket(due, guide.today) == Bucket::Overdue;
    let step = profile.next_step.as_ref().is_some_and(|n| overdue(n.due_date()));
    usize::from(step) + open_items(profile).iter().filter(|o| overdue(o.item.due_date())).count()
}

// ---------------------------------------------------------------- calendar

/// Characters of a slug kept as they are in a calendar's `URL` (a URI).
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// One all-day event.
struct Event {
    /// Unique within the calendar before `@partnerbook` is added.
    uid: String,
    date: NaiveDate,
    category: &'static str,
    summary: String,
    description: Option<String>,
}

/// The short, stable hash of an item's text that its UID carries.
fn text_hash(text: &str) -> String {
    format!("{:016x}", xxh3_64(text.trim().as_bytes()))
}

/// The events of one partner: next step, open dated action items, meetings.
fn events(p: &Partner) -> Vec<Event> {
    let pr = &p.profile;
    let name = pr.name.trim();
    let slug = &p.slug;
    let owner = |o: &Option<String>| format!("Owner: {}", o.as_deref().map_or("not assigned", str::trim));
    let mut out = Vec::new();
    if let Some(n) = &pr.next_step
        && let Some(due) = n.due_date()
    {
        out.push(Event {
            uid: format!("{slug}-next-step-{}", text_hash(&n.action)),
            date: due.0,
            category: "Next step",
            summary: format!("Next step: {} ({name})", n.action.trim()),
            description: Some(owner(&n.owner)),
        });
    }
    for o in open_items(pr) {
        let Some(due) = o.item.due_date() else { continue };
        let mut description = owner(&o.item.owner);
        if let Some(m) = o.meeting {
            description.push_str(&format!("\nAgreed at the meeting of {m}."));
        }
        out.push(Event {
            uid: format!("{slug}-action-{}", text_hash(&o.item.task)),
            date: due.0,
            category: "Action item",
            summary: format!("Action: {} ({name})", o.item.task.trim()),
            description: Some(description),
        });
    }
    for (i, m) in pr.meetings.iter().enumerate() {
        let n = 1 + pr.meetings[..i].iter().filter(|x| x.date == m.date).count();
        out.push(Event {
            uid: format!("{slug}-meeting-{}-{n}", m.date),
            date: m.date.0,
            category: "Meeting",
            summary: format!("Meeting: {} with {name}", m.title.as_deref().map_or("Meeting", str::trim)),
            description: meeting_description(m),
        });
    }
    out
}

/// Attendees and agenda of a meeting, when it has either.
fn meeting_description(m: &Meeting) -> Option<String> {
    let mut parts = Vec::new();
    if !m.attendees.is_empty() {
        let names: Vec<&str> = m.attendees.iter().map(|a| a.trim()).collect();
        parts.push(format!("Attendees: {}", names.join(", ")));
    }
    if !m.agenda.is_empty() {
        let items: Vec<String> = m.agenda.iter().map(|a| format!("- {}", a.trim())).collect();
        parts.push(format!("Agenda:\n{}", items.join("\n")));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and
/// line breaks; other control characters, which TEXT may not hold, are dropped.
fn escape_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line exceeds 75 octets
/// (continuation lines start with a space), never inside a UTF-8 character
/// nor inside an escape such as `\,`, and ended by CRLF.
fn push_line(out: &mut String, line: &str) {
    let (mut width, mut rest) = (0, line);
    while let Some(c) = rest.chars().next() {
        // A unit: a character, or `\` and the character it escapes.
        let mut len = c.len_utf8();
        if c == '\\' {
            len += rest[1..].chars().next().map_or(0, char::len_utf8);
        }
        let (unit, tail) = rest.split_at(len);
        if width + len > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push_str(unit);
        width += len;
        rest = tail;
    }
    out.push_str("\r\n");
}

/// `YYYYMMDD`, the DATE form of iCalendar.
fn ical_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Every dated next step, every open dated action item (profile-level and
/// meeting-level, each once) and every meeting, as all-day events of an
/// RFC 5545 calendar. Done items are left out. UIDs derive from the partner
/// slug, the kind of item and its text (or a meeting's date), so a calendar
/// subscribed to the feed updates events in place from build to build;
/// `DTSTAMP` is the guide's "today" at midnight UTC.
pub fn calendar(guide: &Guide) -> String {
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", &format!("PRODID:{PRODID}"), "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(&guide.settings.title)));
    let stamp = format!("{}T000000Z", ical_date(guide.today));
    // The events of each partner are made on any core; their UIDs are made
    // unique in order, on one; then each partner's lines are written on any core.
    use rayon::prelude::*;
    let partners: Vec<&Partner> = guide.partners.values().map(|p| &**p).collect();
    let events: Vec<Vec<Event>> = partners.par_iter().map(|p| events(p)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let uids: Vec<Vec<String>> = events
        .iter()
        .map(|list| {
            list.iter()
                .map(|e| {
                    let mut uid = e.uid.clone();
                    let mut n = 1;
                    while !seen.insert(uid.clone()) {
                        n += 1;
                        uid = format!("{}-{n}", e.uid);
                    }
                    uid
                })
                .collect()
        })
        .collect();
    let chunks: Vec<String> = partners
        .par_iter()
        .zip(&events)
        .zip(&uids)
        .map(|((p, events), uids)| {
            let url = guide.settings.base_url.as_ref().map(|base| {
                let path = format!("partners/{}/", p.slug);
                format!("{base}{}", utf8_percent_encode(&path, PATH))
            });
            let mut out = String::new();
            for (e, uid) in events.iter().zip(uids) {
                push_line(&mut out, "BEGIN:VEVENT");
                push_line(&mut out, &format!("UID:{}", escape_text(&format!("{uid}@partnerbook"))));
                push_line(&mut out, &format!("DTSTAMP:{stamp}"));
                push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ical_date(e.date)));
                let end = e.date.succ_opt().unwrap_or(e.date);
                push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", ical_date(end)));
                push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.summary)));
                if let Some(d) = &e.description {
                    push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(d)));
                }
                push_line(&mut out, &format!("CATEGORIES:{}", escape_text(e.category)));
                if let Some(u) = &url {
                    push_line(&mut out, &format!("URL:{u}"));
                }
                // A due date or a meeting of unknown hours does not block the whole day.
                push_line(&mut out, "TRANSP:TRANSPARENT");
                push_line(&mut out, "END:VEVENT");
            }
            out
        })
        .collect();
    out.reserve(chunks.iter().map(String::len).sum::<usize>() + 16);
    chunks.iter().for_each(|c| out.push_str(c));
    push_line(&mut out, "END:VCALENDAR");
    out
}

// ------------------------------------------------------------ partners.json

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
    contacts: Vec<ContactJson<'a>>,
    last_contact: Option<String>,
    stale: bool,
    next_step: Option<NextStepJson<'a>>,
    action_items: Vec<ItemJson<'a>>,
    overdue_items: usize,
    meetings: Vec<MeetingJson<'a>>,
    tags: &'a [String],
    playbooks: &'a [String],
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct ContactJson<'a> {
    name: &'a str,
    role: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    gatekeeper: bool,
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

fn item_json<'a>(guide: &Guide, a: &'a ActionItem) -> ItemJson<'a> {
    ItemJson {
        task: &a.task,
        owner: a.owner.as_deref(),
        due: date(a.due_date()),
        done: a.done,
        overdue: !a.done && bucket(a.due_date(), guide.today) == Bucket::Overdue,
    }
}

fn contact_json(c: &Contact) -> ContactJson<'_> {
    ContactJson {
        name: &c.name,
        role: c.role.as_deref(),
        email: c.email.as_deref(),
        phone: c.phone.as_deref(),
        gatekeeper: c.gatekeeper,
        notes: c.notes.as_deref(),
    }
}

fn partner_json<'a>(guide: &'a Guide, p: &'a Partner) -> PartnerJson<'a> {
    let pr = &p.profile;
    let s = &guide.settings;
    PartnerJson {
        slug: &p.slug,
        name: &pr.name,
        url: partner_path(guide, &p.slug),
        brief_url: brief_path(guide, &p.slug),
        absolute_url: s.base_url.as_ref().map(|b| format!("{b}partners/{}/", p.slug)),
        kind: pr.kind.map(|k| k.as_str()),
        status: pr.status.map(|k| k.as_str()),
        summary: pr.summary.as_deref(),
        mission: pr.mission.as_deref(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        channels: &pr.channels,
        contacts: pr.contacts.iter().map(contact_json).collect(),
        last_contact: date(pr.last_contact),
        stale: stale_days(pr.last_contact, pr.status, guide.today, s.stale_after_days).is_some(),
        next_step: pr.next_step.as_ref().map(|n| NextStepJson {
            action: &n.action,
            due: date(n.due_date()),
            owner: n.owner.as_deref(),
            overdue: bucket(n.due_date(), guide.today) == Bucket::Overdue,
        }),
        action_items: pr.action_items.iter().map(|a| item_json(guide, a)).collect(),
        overdue_items: overdue_count(guide, pr),
        meetings: pr
            .meetings
            .iter()
            .map(|m| MeetingJson {
                date: m.date.to_string(),
                title: m.title.as_deref(),
                attendees: &m.attendees,
                agenda: &m.agenda,
                notes: m.notes.as_ref().map(|n| n.value.as_str()),
                action_items: m.action_items.iter().map(|a| item_json(guide, a)).collect(),
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
fn inline_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    super::search_index::push_script_safe(&mut out, json);
    out
}

/// Every partner, in slug order, as pretty-printed JSON (layout in
/// `docs/partners-json.md`): each profile field as written (Markdown as its
/// source text), the partner's URLs, and whether it needs attention. Safe to
/// inline in HTML.
pub fn partners_json(guide: &Guide) -> String {
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;

    use icalendar::{CalendarComponent, Component, DatePerhapsTime};
    use serde_json::Value;

    use super::*;
    use crate::link::LinkOptions;
    use crate::load::yaml::Spanned;

    const TODAY: &str = "2026-03-01";

    /// A partner whose name needs escaping, with every kind of item: a dated
    /// next step, open, undated and done items, an item written both in the
    /// profile and in a meeting, two meetings on one day.
    const LAB_OPS: &str = r#"name: 'Lab, Ops; Data \ Science'
kind: research-computing
status: active
summary: "</script><script>alert(1)</script> & more"
mission: Keep research running.
offers: [HPC time]
library_offers: [Data management help]
channels: [email, phone]
contacts:
  - name: Ada Byron
    role: Director
    email: ada@example.edu
  - name: Sam Gate
    phone: "+1-555-0100"
    gatekeeper: true
    notes: Answers first.
last_contact: 2026-01-10
next_step:
  action: Send the storage FAQ draft
  due: 2026-03-10
  owner: Mara
action_items:
  - task: Book a room for the workshop
    owner: Ines
    due: 2026-02-20
  - task: Share gate counts
    due: 2026-01-15
    done: true
  - task: Think about a newsletter
meetings:
  - date: 2026-02-01
    title: "Kick-off: storage, FAQ; and more"
    attendees: [Ada Byron, "Mara, L."]
    agenda:
      - Storage quotas
      - "Back\\slash; and, commas"
    notes: |
      **Good** meeting.
    action_items:
      - task: Book a room for the workshop
        owner: Ines
        due: 2026-02-20
      - task: Draft a joint FAQ
        owner: Ada Byron
        due: 2026-03-20
      - task: Old task already done
        due: 2026-02-05
        done: true
  - date: 2026-02-01
tags: [data]
playbooks: [follow-up]
notes: |
  Call **Sam** first.
"#;

    /// A long name and next step in several scripts, for folding.
    const HPC: &str = "name: Calcul scientifique et données de recherche — 研究データ管理センター 🧪
next_step:
  action: \"Préparer l'atelier « Gérer, stocker et partager les données » avec l'équipe 研究データ管理 et la bibliothèque 📚\"
  due: 2026-04-02
";

    /// Runs load and link on a tiny guide written to a temporary folder.
    fn fixture(base_url: Option<&str>) -> Guide {
        let files = [
            ("site.yaml", "title: \"Outreach, Guide; Test\"\ndescription: A tiny guide.\nstale_after_days: 30\n"),
            ("playbooks/first-meeting.md", "---\ntitle: Run the first meeting\npartners: [lab-ops]\n---\nBody.\n"),
            ("playbooks/follow-up.md", "---\ntitle: Follow up\n---\nBody.\n"),
            ("partners/lab-ops.yaml", LAB_OPS),
            ("partners/research/hpc.yaml", HPC),
            ("partners/zeta.yaml", "name: Zeta Office\n"),
        ];
        let opts = LinkOptions { base_url: base_url.map(Into::into), drafts: false, today: TODAY.parse().unwrap() };
        crate::link::linked_fixture(&files, &opts)
    }

    fn guide() -> Guide {
        fixture(Some("https://lib.example.edu/outreach/"))
    }

    /// Events of a calendar, parsed back with the `icalendar` crate's parser.
    fn parsed_events(ics: &str) -> Vec<icalendar::Event> {
        let cal: icalendar::Calendar = ics.parse().expect("the calendar parses");
        cal.components
            .into_iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn by_summary(events: &[icalendar::Event]) -> BTreeMap<String, &icalendar::Event> {
        events.iter().map(|e| (e.get_summary().unwrap().to_string(), e)).collect()
    }

    #[test]
    fn calendar_parses_back_with_a_real_parser() {
        let ics = calendar(&guide());
        let cal: icalendar::Calendar = ics.parse().expect("the calendar parses");
        assert_eq!(cal.property_value("PRODID"), Some(PRODID));
        assert_eq!(cal.property_value("VERSION"), Some("2.0"));
        assert_eq!(cal.property_value("CALSCALE"), Some("GREGORIAN"));
        assert_eq!(cal.property_value("METHOD"), Some("PUBLISH"));
        assert!(ics.contains("\r\nX-WR-CALNAME:Outreach\\, Guide\\; Test\r\n"), "{ics}");
        let events = parsed_events(&ics);
        assert_eq!(events.len(), 6, "{ics}");
        for e in &events {
            let (Some(DatePerhapsTime::Date(start)), Some(DatePerhapsTime::Date(end))) = (e.get_start(), e.get_end())
            else {
                panic!("not an all-day event: {e:?}")
            };
            assert_eq!(end, start.succ_opt().unwrap());
            assert_eq!(e.get_timestamp().unwrap().to_rfc3339(), "2026-03-01T00:00:00+00:00");
        }
    }

    #[test]
    fn calendar_has_every_dated_item_and_no_done_item() {
        let ics = calendar(&guide());
        let events = parsed_events(&ics);
        let events = by_summary(&events);
        let name = r"Lab, Ops; Data \ Science";
        let want = [
            (format!("Next step: Send the storage FAQ draft ({name})"), "2026-03-10"),
            (format!("Action: Book a room for the workshop ({name})"), "2026-02-20"),
            (format!("Action: Draft a joint FAQ ({name})"), "2026-03-20"),
            (format!("Meeting: Kick-off: storage, FAQ; and more with {name}"), "2026-02-01"),
            (format!("Meeting: Meeting with {name}"), "2026-02-01"),
        ];
        for (summary, day) in &want {
            let e = events.get(summary).unwrap_or_else(|| panic!("missing {summary:?} in {:?}", events.keys()));
            assert_eq!(e.get_start(), Some(DatePerhapsTime::Date(day.parse().unwrap())), "{summary}");
        }
        assert!(events.keys().any(|s| s.starts_with("Next step: Préparer l'atelier")));
        // The item written in the profile and in the meeting is one event, which says where it was agreed.
        let booked = events[&format!("Action: Book a room for the workshop ({name})")];
        assert_eq!(booked.get_description(), Some("Owner: Ines\nAgreed at the meeting of 2026-02-01."));
        assert_eq!(ics.matches("Book a room").count(), 1);
        // Done and undated items are left out.
        for absent in ["Share gate counts", "Old task already done", "Think about a newsletter", "Zeta"] {
            assert!(!ics.contains(absent), "{absent} is in the calendar");
        }
        let meeting = events[&format!("Meeting: Kick-off: storage, FAQ; and more with {name}")];
        assert_eq!(
            meeting.get_description(),
            Some("Attendees: Ada Byron, Mara, L.\n\nAgenda:\n- Storage quotas\n- Back\\slash; and, commas")
        );
        assert_eq!(meeting.get_url(), Some("https://lib.example.edu/outreach/partners/lab-ops/"));
        let hpc = events.values().find(|e| e.get_summary().unwrap().contains("Préparer")).unwrap();
        assert_eq!(hpc.get_url(), Some("https://lib.example.edu/outreach/partners/research/hpc/"));
        assert_eq!(hpc.get_description(), Some("Owner: not assigned"));
    }

    #[test]
    fn calendar_lines_are_crlf_and_at_most_75_octets() {
        let ics = calendar(&guide());
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "a bare CR or LF");
        let lines: Vec<&str> = ics.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        for line in &lines {
            assert!(line.len() <= FOLD_AT, "{} octets: {line:?}", line.len());
            let backslashes = line.len() - line.trim_end_matches('\\').len();
            assert!(backslashes % 2 == 0, "an escape is split after {line:?}");
        }
        assert!(lines.iter().any(|l| l.starts_with(' ')), "nothing was folded");
    }

    #[test]
    fn calendar_escapes_text() {
        let ics = calendar(&guide());
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("\r\nSUMMARY:Action: Draft a joint FAQ (Lab\\, Ops\\; Data \\\\ Science)\r\n"));
        assert!(unfolded.contains("Agenda:\\n- Storage quotas\\n- Back\\\\slash\\; and\\, commas\r\n"), "{unfolded}");
        assert_eq!(escape_text("a,b;c\\d\r\ne\nf\u{7}g\th"), "a\\,b\\;c\\\\d\\ne\\nfg\th");
    }

    #[test]
    fn calendar_uids_are_unique_and_stable() {
        let g = guide();
        let ics = calendar(&g);
        assert_eq!(ics, calendar(&g), "two calls differ");
        let uids = |ics: &str| -> Vec<String> {
            parsed_events(ics).iter().map(|e| e.get_uid().unwrap().to_string()).collect()
        };
        let first = uids(&ics);
        assert_eq!(first.iter().collect::<BTreeSet<_>>().len(), first.len(), "{first:?}");
        assert!(first.iter().all(|u| u.ends_with("@partnerbook")));
        assert!(first.contains(&"lab-ops-meeting-2026-02-01-1@partnerbook".to_string()));
        assert!(first.contains(&"lab-ops-meeting-2026-02-01-2@partnerbook".to_string()));
        // A new item ahead of the others and a new due date keep every UID.
        let mut edited = g.clone();
        let p = edited.partners.get_mut("lab-ops").unwrap();
        let profile = Arc::make_mut(&mut Arc::make_mut(p).profile);
        profile.action_items.insert(
            0,
            ActionItem {
                task: "A brand new task".into(),
                owner: None,
                due: Some(Spanned::unplaced(Date(g.today))),
                done: false,
            },
        );
        profile.meetings[0].action_items[1].due = Some(Spanned::unplaced(Date("2026-05-05".parse().unwrap())));
        let second = uids(&calendar(&edited));
        assert_eq!(second.len(), first.len() + 1);
        for u in &first {
            assert!(second.contains(u), "{u} changed");
        }
    }

    #[test]
    fn identical_texts_still_get_unique_uids() {
        let mut g = guide();
        let p = g.partners.get_mut("lab-ops").unwrap();
        let profile = Arc::make_mut(&mut Arc::make_mut(p).profile);
        for due in ["2026-06-01", "2026-07-01"] {
            let due = Some(Spanned::unplaced(Date(due.parse().unwrap())));
            profile.action_items.push(ActionItem { task: "Send minutes".into(), owner: None, due, done: false });
        }
        let uids: Vec<String> = parsed_events(&calendar(&g)).iter().map(|e| e.get_uid().unwrap().to_string()).collect();
        assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), uids.len(), "{uids:?}");
        let minutes = format!("lab-ops-action-{}", text_hash("Send minutes"));
        assert!(uids.contains(&format!("{minutes}@partnerbook")));
        assert!(uids.contains(&format!("{minutes}-2@partnerbook")));
    }

    #[test]
    fn long_multibyte_summary_folds_on_character_boundaries() {
        let g = guide();
        let ics = calendar(&g);
        let start = ics.find("SUMMARY:Next step: Préparer").unwrap();
        let end = start + ics[start..].find("\r\nDESCRIPTION").unwrap();
        let folded = &ics[start..end];
        assert!(folded.split("\r\n").count() >= 3, "{folded}");
        let hpc = &g.partners["research/hpc"].profile;
        let step = hpc.next_step.as_ref().unwrap();
        let want = format!("Next step: {} ({})", step.action, hpc.name);
        let events = parsed_events(&ics);
        assert!(events.iter().any(|e| e.get_summary() == Some(want.as_str())), "{want}");
        // Every split point, with 1- to 4-octet characters at every offset.
        for prefix in 0..4 {
            let line = format!("SUMMARY:{}{}", "x".repeat(prefix), "é€😀".repeat(40));
            let mut out = String::new();
            push_line(&mut out, &line);
            let parts: Vec<&str> = out.strip_suffix("\r\n").unwrap().split("\r\n").collect();
            assert!(parts.iter().all(|p| p.len() <= FOLD_AT));
            assert!(parts.iter().any(|p| p.len() >= FOLD_AT - 3), "folds too early");
            let joined: String = parts.iter().enumerate().map(|(i, p)| if i == 0 { p } else { &p[1..] }).collect();
            assert_eq!(joined, line);
        }
        for len in [74, 75, 76, 149, 150, 151, 224] {
            let line = "y".repeat(len);
            let mut out = String::new();
            push_line(&mut out, &line);
            assert!(out.split("\r\n").all(|p| p.len() <= FOLD_AT), "{len}");
            assert_eq!(out.replace("\r\n ", "").trim_end(), line);
        }
    }

    #[test]
    fn calendar_without_base_url_has_no_url() {
        let ics = calendar(&fixture(None));
        assert!(!ics.contains("\r\nURL:"), "{ics}");
        assert_eq!(parsed_events(&ics).len(), 6);
    }

    fn parse_json(g: &Guide) -> Value {
        serde_json::from_str(&partners_json(g)).expect("partners.json parses")
    }

    #[test]
    fn partners_json_parses_back_with_every_partner_in_slug_order() {
        let g = guide();
        let v = parse_json(&g);
        assert_eq!(v["generator"], "partnerbook");
        assert_eq!(v["schema"], 1);
        assert_eq!(v["today"], TODAY);
        let slugs: Vec<&str> = v["partners"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["lab-ops", "research/hpc", "zeta"]);
        assert_eq!(slugs, g.partners.keys().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(partners_json(&g), partners_json(&g));
        assert!(partners_json(&g).ends_with("}\n"));
    }

    #[test]
    fn partners_json_has_every_profile_field() {
        let v = parse_json(&guide());
        let lab = &v["partners"][0];
        assert_eq!(lab["name"], r"Lab, Ops; Data \ Science");
        assert_eq!(lab["url"], "/outreach/partners/lab-ops/");
        assert_eq!(lab["brief_url"], "/outreach/partners/lab-ops/brief/");
        assert_eq!(lab["absolute_url"], "https://lib.example.edu/outreach/partners/lab-ops/");
        assert_eq!(lab["kind"], "research-computing");
        assert_eq!(lab["status"], "active");
        assert_eq!(lab["mission"], "Keep research running.");
        assert_eq!(lab["offers"], serde_json::json!(["HPC time"]));
        assert_eq!(lab["library_offers"], serde_json::json!(["Data management help"]));
        assert_eq!(lab["channels"], serde_json::json!(["email", "phone"]));
        assert_eq!(
            lab["contacts"][1],
            serde_json::json!({"name": "Sam Gate", "role": null, "email": null, "phone": "+1-555-0100",
                "gatekeeper": true, "notes": "Answers first."})
        );
        assert_eq!(lab["contacts"][0]["gatekeeper"], false);
        assert_eq!(lab["last_contact"], "2026-01-10");
        assert_eq!(lab["stale"], true, "50 days without contact, 30 allowed");
        assert_eq!(
            lab["next_step"],
            serde_json::json!({"action": "Send the storage FAQ draft", "due": "2026-03-10", "owner": "Mara", "overdue": false})
        );
        assert_eq!(lab["action_items"].as_array().unwrap().len(), 3);
        assert_eq!(
            lab["action_items"][0],
            serde_json::json!({"task": "Book a room for the workshop", "owner": "Ines", "due": "2026-02-20",
                "done": false, "overdue": true})
        );
        assert_eq!(lab["action_items"][1]["overdue"], false, "done items are never overdue");
        assert_eq!(lab["action_items"][2]["due"], Value::Null);
        // The item written twice counts once.
        assert_eq!(lab["overdue_items"], 1);
        let m = &lab["meetings"][0];
        assert_eq!(m["date"], "2026-02-01");
        assert_eq!(m["title"], "Kick-off: storage, FAQ; and more");
        assert_eq!(m["attendees"], serde_json::json!(["Ada Byron", "Mara, L."]));
        assert_eq!(m["notes"], "**Good** meeting.\n");
        assert_eq!(m["action_items"].as_array().unwrap().len(), 3);
        let bare = &lab["meetings"][1];
        assert_eq!(
            (&bare["title"], &bare["attendees"], &bare["agenda"], &bare["notes"], &bare["action_items"]),
            (&Value::Null, &serde_json::json!([]), &serde_json::json!([]), &Value::Null, &serde_json::json!([]))
        );
        assert_eq!(lab["tags"], serde_json::json!(["data"]));
        // Both sides of the playbook reference.
        assert_eq!(lab["playbooks"], serde_json::json!(["first-meeting", "follow-up"]));
        assert_eq!(lab["notes"], "Call **Sam** first.\n");

        let zeta = &v["partners"][2];
        for key in ["kind", "status", "summary", "mission", "last_contact", "next_step", "notes"] {
            assert_eq!(zeta[key], Value::Null, "{key}");
        }
        for key in ["offers", "library_offers", "channels", "contacts", "action_items", "meetings", "tags", "playbooks"]
        {
            assert_eq!(zeta[key], serde_json::json!([]), "{key}");
        }
        assert_eq!((&zeta["stale"], &zeta["overdue_items"]), (&Value::Bool(false), &serde_json::json!(0)));
        assert_eq!(v["partners"][1]["url"], "/outreach/partners/research/hpc/");
    }

    #[test]
    fn partners_json_without_base_url_has_null_absolute_url() {
        let v = parse_json(&fixture(None));
        assert_eq!(v["partners"][0]["url"], "/partners/lab-ops/");
        assert_eq!(v["partners"][0]["absolute_url"], Value::Null);
    }

    #[test]
    fn partners_json_is_safe_to_inline_in_html() {
        let json = partners_json(&guide());
        assert!(!json.contains(['<', '>', '&']), "{json}");
        assert!(
            json.contains(
                r#""summary": "\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 more""#
            )
        );
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["partners"][0]["summary"], "</script><script>alert(1)</script> & more");
    }

    #[test]
    fn partners_json_is_pretty_printed_for_any_number_of_partners() {
        let opts = LinkOptions { base_url: None, drafts: false, today: TODAY.parse().unwrap() };
        let empty = crate::link::linked_fixture(&[("site.yaml", "title: Empty\n")], &opts);
        for guide in [guide(), fixture(None), empty] {
            let json = partners_json(&guide);
            assert!(json.starts_with("{\n  \"generator\": \"partnerbook\",\n") && json.ends_with("\n}\n"), "{json}");
            let v: Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["partners"].as_array().map(Vec::len), Some(guide.partners.len()));
        }
    }

    #[test]
    fn inline_safe_escapes_only_what_html_cares_about() {
        let value =
            serde_json::json!({"a<b": "x</script>&\u{2028}\u{2029}\\<é—’…\u{2027}\u{202a}", "n": [1, 2.5, null]});
        let raw = serde_json::to_string_pretty(&value).unwrap();
        let safe = inline_safe(&raw);
        assert!(!safe.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{safe}");
        assert!(safe.contains(r"\u2028\u2029\\\u003c"), "{safe}");
        // Characters that share the escaped ones' first byte stay as they are.
        assert!(safe.contains("é—’…\u{2027}\u{202a}"), "{safe}");
        assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
    }
}
