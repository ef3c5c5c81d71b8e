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

#[derive(Serialize)]
struct MeetingBrief<'a> {
    date: String,
    title: Option<&'a str>,
    attendees: &'a [String],
    action_items: Vec<ItemCtx<'a>>,
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
    open_items: Vec<ItemCtx<'a>>,
    agenda: Vec<String>,
    follow_up_subject: String,
    follow_up_body: String,
    mailto: String,
    recipients: Vec<&'a str>,
}

/// How many past meetings a brief shows.
const MEETINGS_SHOWN: usize = 2;

/// Builds the brief of a partner.
pub(crate) fn brief<'a>(guide: &Rcx<'a>, p: &'a Partner) -> Brief<'a> {
    let pr = &p.profile;
    // The partner's open items, each once, most urgent first: the list, the
    // agenda and the follow-up all come from it.
    let open = guide.partner_actions(&p.slug);
    let last: Option<&Meeting> = pr.meetings.first();
    let (subject, body) = follow_up(p, last, &open);
    let recipients: Vec<&str> = recipients(p, last);
    Brief {
        name: &pr.name,
        url: partner_url(guide.base(), &p.slug),
        kind: pr.kind.map(|k| k.label()),
        status: pr.status.map(|s| s.label()),
        summary: pr.summary.as_deref(),
        mission: pr.mission.as_deref(),
        last_contact: pr.last_contact.map(|d| d.to_string()),
        people: pr.contacts.iter().map(contact).collect(),
        offers: &pr.offers,
        library_offers: &pr.library_offers,
        meetings: pr
            .meetings
            .iter()
            .take(MEETINGS_SHOWN)
            .map(|m| MeetingBrief {
                date: m.date.to_string(),
                title: m.title.as_deref(),
                attendees: &m.attendees,
                action_items: m.action_items.iter().map(|a| copy_item(a, &open)).collect(),
            })
            .collect(),
        open_items: open.iter().map(|o| open_item(o)).collect(),
        agenda: agenda(&open),
        mailto: mailto(&recipients_emails(p, &recipients), &subject, &body),
        follow_up_subject: subject,
        follow_up_body: body,
        recipients,
    }
}

/// A proposed agenda: welcome, the next step, a check-in on each other open
/// item (most urgent first), then owners and the next check-in.
fn agenda(open: &[&OpenItem]) -> Vec<String> {
    let mut items = vec!["Welcome and introductions; what each side hopes to get from this meeting".to_string()];
    let (next_step, others): (Vec<&OpenItem>, Vec<&OpenItem>) = open.iter().partition(|o| o.is_next_step());
    items.extend(next_step.iter().map(|n| format!("{} (our next step)", n.task)));
    for o in others {
        let mut line = format!("Check in: {}", o.task);
        let who = [o.owner.clone(), o.due.map(|d| format!("due {d}"))].into_iter().flatten().collect::<Vec<_>>();
        if !who.is_empty() {
            line.push_str(&format!(" ({})", who.join(", ")));
        }
        items.push(line);
    }
    items.push("Agree who owns each next step, and the best person on your team to work with".into());
    items.push("Set the date of the next check-in".into());
    items
}

/// The follow-up message after the last meeting: thanks, then each action
/// item agreed there (or, without one, each open item) with its owner and
/// date as the partner's `open` items give them, the question of who to work
/// with, and the next step when the recap does not already name it.
fn follow_up(p: &Partner, last: Option<&Meeting>, open: &[&OpenItem]) -> (String, String) {
    let pr = &p.profile;
    let greeting = match recipients(p, last).as_slice() {
        [one] => format!("Dear {},", first_name(one)),
        _ => format!("Dear colleagues at {},", pr.name),
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
    for a in &items {
        let mut line = format!("- {}", a.task);
        match (a.owner, &a.due) {
            (Some(o), Some(d)) => line.push_str(&format!(" (owner: {o}, by {d})")),
            (Some(o), None) => line.push_str(&format!(" (owner: {o})")),
            (None, Some(d)) => line.push_str(&format!(" (by {d})")),
            (None, None) => {}
        }
        if a.done {
            line.push_str(" [done]");
        } else if a.overdue {
            line.push_str(" [overdue]");
        }
        body.push(line);
    }
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
    fn first_names_skip_titles() {
        assert_eq!(first_name("Dr. Renata Okafor"), "Renata");
        assert_eq!(first_name("Luis Ferreira"), "Luis");
    }
}
