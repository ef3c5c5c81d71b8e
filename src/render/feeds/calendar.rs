//! `/calendar.ics`: every dated open item and every meeting as an RFC 5545
//! calendar, folded and escaped by hand (see the module above for why); and
//! `/calendar/owner/SLUG.ics`, one owner's dated open items, made from the
//! same events with the same UIDs, so a person can subscribe to their own.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use xxhash_rust::xxh3::xxh3_64;

use super::super::syndication::absolute;
use super::partner_path;
use crate::link::{Guide, Partner};
use crate::load::partner::Meeting;

/// The calendar's product identifier.
pub(super) const PRODID: &str = "-//partnerbook//outreach guide//EN";

/// Longest content line, in octets, without its CRLF (RFC 5545, 3.1).
pub(super) const FOLD_AT: usize = 75;

/// One all-day event.
struct Event<'a> {
    /// The slug of the owner of the item it stands for; `None` for a meeting
    /// or an item nobody owns.
    owner: Option<&'a str>,
    /// Unique within the calendar before `@partnerbook` is added.
    uid: String,
    date: NaiveDate,
    category: &'static str,
    summary: String,
    description: Option<String>,
}

/// The short, stable hash of an item's text that its UID carries.
pub(super) fn text_hash(text: &str) -> String {
    format!("{:016x}", xxh3_64(text.trim().as_bytes()))
}

/// The events of one partner: its open dated items (each once, the next
/// step's as such), most urgent first, then its meetings. Urgency in words is
/// left out: a subscribed calendar keeps an event for weeks, and shows the date.
fn events<'a>(guide: &'a Guide, p: &Partner) -> Vec<Event<'a>> {
    let pr = &p.profile;
    let name = pr.name.trim();
    let slug = &p.slug;
    let owner = |o: &Option<String>| format!("Owner: {}", o.as_deref().map_or("not assigned", str::trim));
    let mut out = Vec::new();
    for o in guide.actions.of_partner(slug) {
        let Some(due) = o.due else { continue };
        let mut description = owner(&o.owner);
        if let Some(m) = o.agreed_at {
            description.push_str(&format!("\nAgreed at the meeting of {m}."));
        }
        let (kind, category, summary) = if o.is_next_step() {
            ("next-step", "Next step", format!("Next step: {} ({name})", o.task.trim()))
        } else {
            ("action", "Action item", format!("Action: {} ({name})", o.task.trim()))
        };
        out.push(Event {
            owner: o.owner_slug.as_deref(),
            uid: format!("{slug}-{kind}-{}", text_hash(&o.task)),
            date: due.0,
            category,
            summary,
            description: Some(description),
        });
    }
    for (i, m) in pr.meetings.iter().enumerate() {
        let n = 1 + pr.meetings[..i].iter().filter(|x| x.date == m.date).count();
        out.push(Event {
            owner: None,
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
pub(super) fn escape_text(text: &str) -> String {
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
pub(super) fn push_line(out: &mut String, line: &str) {
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

/// Every partner's events with their UIDs, unique across the guide. Every
/// calendar is written from these, so an item keeps its UID in each.
struct Numbered<'a> {
    partners: Vec<&'a Partner>,
    /// Each partner's events, in the order of `partners`.
    events: Vec<Vec<Event<'a>>>,
    /// Each event's UID (without `@partnerbook`), in the same order.
    uids: Vec<Vec<String>>,
}

/// The events of every partner, made on any core; their UIDs are made
/// unique in order, on one.
fn numbered(guide: &Guide) -> Numbered<'_> {
    use rayon::prelude::*;
    let partners: Vec<&Partner> = guide.partners.values().map(|p| &**p).collect();
    let events: Vec<Vec<Event<'_>>> = partners.par_iter().map(|p| events(guide, p)).collect();
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
    Numbered { partners, events, uids }
}

/// Every open dated item (the partners' open items of `rules::open_items`,
/// each once) and every meeting, as all-day events of an RFC 5545 calendar.
/// Done items are left out. UIDs derive from the partner
/// slug, the kind of item and its text (or a meeting's date), so a calendar
/// subscribed to the feed updates events in place from build to build;
/// `DTSTAMP` is the guide's "today" at midnight UTC.
pub(crate) fn calendar(guide: &Guide) -> String {
    write(guide, &numbered(guide), &guide.settings.title, |_| true)
}

/// The calendar of one owner (by owner slug): their dated open items, as in
/// [`calendar`] with the same UIDs, and no meetings (a meeting has no owner).
/// `None` when the owner has no open item.
pub(crate) fn owner_calendar(guide: &Guide, owner: &str) -> Option<String> {
    let name = owner_names(guide).remove(owner)?;
    Some(write(guide, &numbered(guide), &calendar_name(guide, name), |e| e.owner == Some(owner)))
}

/// The calendar of every owner of an open item, by owner slug (see [`owner_calendar`]).
pub(crate) fn owner_calendars(guide: &Guide) -> Vec<(String, String)> {
    use rayon::prelude::*;
    let numbered = numbered(guide);
    let owners: Vec<(&str, &str)> = owner_names(guide).into_iter().collect();
    owners
        .par_iter()
        .map(|&(slug, name)| {
            (slug.to_string(), write(guide, &numbered, &calendar_name(guide, name), |e| e.owner == Some(slug)))
        })
        .collect()
}

/// The owners of open items: slug -> name as first written (the guide's order).
fn owner_names(guide: &Guide) -> BTreeMap<&str, &str> {
    let mut names = BTreeMap::new();
    for a in guide.actions.all() {
        if let (Some(slug), Some(name)) = (&a.owner_slug, &a.owner) {
            names.entry(slug.as_str()).or_insert(name.trim());
        }
    }
    names
}

/// The name a calendar app shows for an owner's calendar.
fn calendar_name(guide: &Guide, owner: &str) -> String {
    format!("{}: {owner}", guide.settings.title)
}

/// Writes the events of `numbered` that `keep` keeps as a calendar named `name`.
fn write(guide: &Guide, numbered: &Numbered<'_>, name: &str, keep: impl Fn(&Event<'_>) -> bool + Sync) -> String {
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", &format!("PRODID:{PRODID}"), "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    let stamp = format!("{}T000000Z", ical_date(guide.today));
    // Each partner's lines are written on any core.
    use rayon::prelude::*;
    let Numbered { partners, events, uids } = numbered;
    let chunks: Vec<String> = partners
        .par_iter()
        .zip(events)
        .zip(uids)
        .map(|((p, events), uids)| {
            let mut out = String::new();
            let mut url = None;
            for (e, uid) in events.iter().zip(uids).filter(|(e, _)| keep(e)) {
                let url = url.get_or_insert_with(|| {
                    guide.settings.base_url.as_ref().map(|_| absolute(&guide.settings, &partner_path(guide, &p.slug)))
                });
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
                if let Some(u) = url {
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
