//! The meeting brief of a partner (`/partners/SLUG/brief/`): one printable page
//! with who is who, what each side offers, the last meetings, the open items,
//! a proposed agenda to send ahead, and a follow-up message that recaps the
//! last meeting's action items, ready to copy or to open in a mail program.

use serde::Serialize;

use super::context::{ContactCtx, ItemCtx, contact, copy_item, open_item, partner_url};
use super::view::Rcx;
use crate::link::Partner;
use crate::link::rules::{OpenItem, same_task, task_key};
use crate::load::partner::Meeting;

/// A past meeting as the brief shows it: when, what and who. Its action
/// items are not repeated here: the brief lists each open item once, under
/// "Open action items".
#[derive(Serialize)]
struct MeetingBrief<'a> {
    date: String,
    title: Option<&'a str>,
    attendees: &'a [String],
}

/// Context of a brief.
#[derive(Serialize)]
pub(crate) struct Brief<'a> {
    name: &'a str,
    url: String,
    kind: Option<&'static str>,
    status: Option<&'static str>,
    summary: Option<&'a str>,
    mission: Option<&'a str>,
    last_contact: Option<String>,
    people: Vec<ContactCtx<'a>>,
    offers: &'a [String],
    library_offers: &'a [String],
    meetings: Vec<MeetingBrief<'a>>,
    /// How many older meetings the partner page has beyond those shown.
    earlier_meetings: usize,
    /// The most urgent open items, each once.
    open_items: Vec<ItemCtx<'a>>,
    /// How many more open items the partner page lists.
    more_items: usize,
    /// Where the partner page lists every open item.
    items_url: String,
    agenda: Vec<String>,
    follow_up_subject: String,
    follow_up_body: String,
    mailto: String,
    recipients: Vec<&'a str>,
}

/// How many past meetings a brief shows.
const MEETINGS_SHOWN: usize = 2;

/// How many open items a brief lists, most urgent first; the rest are a link
/// to the partner page, so that the brief stays one printed page.
const ITEMS_SHOWN: usize = 8;

/// Builds the brief of a partner.
pub(crate) fn brief<'a>(guide: &Rcx<'a>, p: &'a Partner) -> Brief<'a> {
    let pr = &p.profile;
    // The partner's open items, each once, most urgent first: the list, the
    // agenda and the follow-up all come from it.
    let open = guide.partner_actions(&p.slug);
    let last: Option<&Meeting> = pr.meetings.first();
    let (subject, body) = follow_up(p, last, &open);
    let recipients: Vec<&str> = recipients(p, last);
    let url = partner_url(guide.base(), &p.slug);
    Brief {
        name: &pr.name,
        items_url: format!("{url}#action-items"),
        url,
        kind: pr.kind.map(|k| k.label()),
        status: pr.status.map(|s| s.label()),
        summary: pr.summary.as_deref(),
        mission: pr.mission.as_deref(),
        last_contact: crate::link::rules::last_contact(pr, guide.today()).map(|d| d.to_string()),
        people: pr.contacts.iter().map(contact).collect(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        meetings: pr
            .meetings
            .iter()
            .take(MEETINGS_SHOWN)
            .map(|m| MeetingBrief { date: m.date.to_string(), title: m.title.as_deref(), attendees: &m.attendees })
            .collect(),
        earlier_meetings: pr.meetings.len().saturating_sub(MEETINGS_SHOWN),
        open_items: open.iter().take(ITEMS_SHOWN).map(|o| open_item(o)).collect(),
        more_items: open.len().saturating_sub(ITEMS_SHOWN),
        agenda: agenda(&open),
        mailto: mailto(&recipients_emails(p, &recipients), &subject, &body),
        follow_up_subject: subject,
        follow_up_body: body,
        recipients,
    }
}

/// A proposed agenda: welcome, the open items (named by how many, as the
/// brief lists them just above: each item is written once on the page), then
/// owners and the next check-in.
fn agenda(open: &[&OpenItem]) -> Vec<String> {
    let mut items = vec!["Welcome, and what each side hopes to get from this meeting".to_string()];
    if open.iter().any(|o| o.is_next_step()) {
        items.push("Our next step, and what each side needs for it".into());
    }
    let others = open.iter().filter(|o| !o.is_next_step()).count();
    let late = open.iter().filter(|o| !o.is_next_step() && o.when.overdue()).count();
    match (others, late) {
        (0, _) => {}
        (n, 0) => items.push(format!("Where the open action items stand ({n} open)")),
        (n, l) => items.push(format!("Where the open action items stand ({n} open, {l} past due)")),
    }
    items.push("Who owns each next step, and who on your team to work with".into());
    items.push("The date of the next check-in".into());
    items
}

/// The follow-up message after the last meeting, written to the partner:
/// thanks, then each action item agreed there (or, without one, each open
/// item) with its owner and date as the partner's `open` items give them, or
/// "done", the question of who to work with, and the next step when the recap
/// does not already name it. No status words meant for staff ("overdue").
fn follow_up(p: &Partner, last: Option<&Meeting>, open: &[&OpenItem]) -> (String, String) {
    let pr = &p.profile;
    let greeting = match recipients(p, last).as_slice() {
        [one] => format!("Dear {},", first_name(one)),
        _ => format!("Dear colleagues at {},", with_article(&pr.name)),
    };
    let items: Vec<ItemCtx<'_>> = match last {
        Some(m) if !m.action_items.is_empty() => {
            let mut seen = std::collections::HashSet::new();
            m.action_items.iter().filter(|a| seen.insert(task_key(&a.task))).map(|a| copy_item(a, open)).collect()
        }
        _ => open.iter().filter(|o| !o.is_next_step()).map(|o| open_item(o)).collect(),
    };
    let mut body = vec![greeting, String::new()];
    match last {
        Some(m) => {
            let about = m.title.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
            body.push(format!("Thank you for meeting with us on {}{about}. Here is what we agreed:", m.date));
        }
        None => body.push("Thank you for your time. Here is where our open items stand:".into()),
    }
    body.push(String::new());
    if items.is_empty() {
        body.push("- No action items were recorded; please tell me if I missed one.".into());
    }
    body.extend(items.iter().map(recap_line));
    body.push(String::new());
    body.push(
        "Could you let me know who on your team is the best person to work with on each of these, so that I contact the right people?"
            .into(),
    );
    let next_step =
        open.iter().find(|o| o.is_next_step()).filter(|n| !items.iter().any(|i| same_task(i.task, &n.task)));
    if let Some(n) = next_step {
        let when = n.due.map(|d| format!(" by {d}")).unwrap_or_default();
        body.push(String::new());
        body.push(format!("Our next step: {}{when}.", n.task));
    }
    body.push(String::new());
    body.push("With thanks and best wishes,".into());
    body.push(String::new());
    let subject = match last {
        Some(m) => format!("Thank you, and our action items from {}", m.date),
        None => format!("{} and the library: where our action items stand", pr.name),
    };
    (subject, body.join("\n"))
}

/// One item of the follow-up's recap, as the partner reads it: the task, then
/// "done", or who does it and by when.
fn recap_line(a: &ItemCtx<'_>) -> String {
    let about = match (a.done, a.owner, &a.due) {
        (true, _, _) => " (done)".to_string(),
        (false, Some(o), Some(d)) => format!(" (owner: {o}, by {d})"),
        (false, Some(o), None) => format!(" (owner: {o})"),
        (false, None, Some(d)) => format!(" (by {d})"),
        (false, None, None) => String::new(),
    };
    format!("- {}{about}", a.task)
}

/// A unit's name as it reads after "at": with "the" when the name is a
/// description built on a common noun ("the Department of History", "the
/// Office of Research", "the Writing Center", "the History Department"), as
/// written when it is a proper name, a plural or an acronym ("Information
/// Technology Services", "Campus IT", "Northfield State University") or
/// already starts with "the".
pub(crate) fn with_article(name: &str) -> String {
    /// Nouns that name a unit: "the" before "<noun> of/for ..." and before a
    /// name that ends with one.
    const UNITS: &[&str] = &[
        "department",
        "office",
        "school",
        "center",
        "centre",
        "division",
        "institute",
        "library",
        "lab",
        "laboratory",
        "program",
        "programme",
        "unit",
        "committee",
        "council",
        "board",
        "faculty",
        "team",
        "group",
        "museum",
        "press",
        "studio",
        "hub",
        "clinic",
        "bureau",
        "commons",
        "service",
        "desk",
        "college",
    ];
    /// Nouns that take "the" only as "<noun> of ...": "the University of
    /// Michigan", but "Northfield State University".
    const OF_ONLY: &[&str] = &["university", "ministry", "academy"];
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase())
        .collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else { return name.to_string() };
    if first == "the" {
        return name.to_string();
    }
    let second = words.get(1).map(String::as_str);
    let of_form = matches!(second, Some("of" | "for" | "on"))
        && (UNITS.contains(&first.as_str()) || OF_ONLY.contains(&first.as_str()));
    // "College" ends many proper names ("Dartmouth College"); after another
    // word it is a description only in the "of" form.
    let ends_in_unit = words.len() > 1 && UNITS.contains(&last.as_str()) && last != "college";
    if of_form || ends_in_unit { format!("the {name}") } else { name.to_string() }
}

/// Who the follow-up goes to: the last meeting's attendees who are contacts,
/// else every contact who is not only a gatekeeper.
fn recipients<'a>(p: &'a Partner, last: Option<&Meeting>) -> Vec<&'a str> {
    let contacts = &p.profile.contacts;
    let at_meeting: Vec<&str> = contacts
        .iter()
        .filter(|c| last.is_some_and(|m| m.attendees.iter().any(|a| a.trim() == c.name.trim())))
        .map(|c| c.name.as_str())
        .collect();
    if !at_meeting.is_empty() {
        return at_meeting;
    }
    contacts.iter().filter(|c| !c.gatekeeper).map(|c| c.name.as_str()).collect()
}

fn recipients_emails<'a>(p: &'a Partner, names: &[&str]) -> Vec<&'a str> {
    p.profile
        .contacts
        .iter()
        .filter(|c| names.contains(&c.name.as_str()))
        .filter_map(|c| c.email.as_deref())
        .filter(|e| crate::link::urls::is_plain_email(e))
        .collect()
}

fn first_name(full: &str) -> &str {
    let words: Vec<&str> = full.split_whitespace().filter(|w| !w.ends_with('.')).collect();
    words.first().copied().unwrap_or(full)
}

/// A `mailto:` URI (RFC 6068) with the addresses, subject and body percent-encoded
/// and line breaks as CRLF.
pub(crate) fn mailto(to: &[&str], subject: &str, body: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    const ADDR: &AsciiSet = &KEEP.remove(b'@').remove(b'+');
    let to: Vec<String> = to.iter().map(|a| utf8_percent_encode(a, ADDR).to_string()).collect();
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        to.join(","),
        utf8_percent_encode(subject, KEEP),
        utf8_percent_encode(&body, KEEP)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_encodes_subject_body_and_line_breaks() {
        let m =
            mailto(&["ana@example.edu", "bo+x@example.edu"], "Thanks & next steps", "Dear Ana,\n\n- Send 50% of it?");
        assert_eq!(
            m,
            "mailto:ana@example.edu,bo+x@example.edu?subject=Thanks%20%26%20next%20steps&body=Dear%20Ana%2C%0D%0A%0D%0A-%20Send%2050%25%20of%20it%3F"
        );
    }

    #[test]
    fn unit_names_take_the_article_that_english_gives_them() {
        let table = [
            // "<unit> of/for ...": a description, with "the".
            ("Department of History", "the Department of History"),
            ("Department of Art & Design", "the Department of Art & Design"),
            ("Office of Research and Sponsored Programs", "the Office of Research and Sponsored Programs"),
            ("School of Music", "the School of Music"),
            ("Center for Teaching and Learning Technology", "the Center for Teaching and Learning Technology"),
            ("Division of Student Affairs", "the Division of Student Affairs"),
            ("College of Engineering", "the College of Engineering"),
            ("University of Michigan", "the University of Michigan"),
            // A name that ends with the unit's noun: also a description.
            ("History Department", "the History Department"),
            ("Writing Center", "the Writing Center"),
            ("Graduate School", "the Graduate School"),
            ("Advanced Research Computing Center", "the Advanced Research Computing Center"),
            ("Dean's Office", "the Dean's Office"),
            // Proper names, plurals and acronyms read without one.
            ("Information Technology Services", "Information Technology Services"),
            ("Campus Media Services", "Campus Media Services"),
            ("Campus IT", "Campus IT"),
            ("ITS", "ITS"),
            ("Research Computing", "Research Computing"),
            ("Environmental Health, Safety and Risk Management", "Environmental Health, Safety and Risk Management"),
            ("Northfield State University", "Northfield State University"),
            ("Dartmouth College", "Dartmouth College"),
            // Never twice, and a lone word is a name.
            ("The Learning Commons", "The Learning Commons"),
            ("the Graduate School", "the Graduate School"),
            ("Office", "Office"),
            ("", ""),
        ];
        for (name, want) in table {
            assert_eq!(with_article(name), want, "{name:?}");
        }
    }

    #[test]
    fn the_recap_says_done_or_who_and_when_and_no_status_word() {
        let item = |done, overdue, owner, due: Option<&str>| ItemCtx {
            task: "Send the form",
            owner,
            due: due.map(String::from),
            done,
            overdue,
            when: None,
            next_step: false,
        };
        assert_eq!(recap_line(&item(true, false, Some("Ana"), Some("2026-01-02"))), "- Send the form (done)");
        assert_eq!(
            recap_line(&item(false, true, Some("Ana"), Some("2026-01-02"))),
            "- Send the form (owner: Ana, by 2026-01-02)"
        );
        assert_eq!(recap_line(&item(false, false, None, Some("2026-01-02"))), "- Send the form (by 2026-01-02)");
        assert_eq!(recap_line(&item(false, false, Some("Ana"), None)), "- Send the form (owner: Ana)");
        assert_eq!(recap_line(&item(false, false, None, None)), "- Send the form");
    }

    #[test]
    fn first_names_skip_titles() {
        assert_eq!(first_name("Dr. Renata Okafor"), "Renata");
        assert_eq!(first_name("Luis Ferreira"), "Luis");
    }
}
