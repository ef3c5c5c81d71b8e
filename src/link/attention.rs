//! What needs a librarian's attention, judged against "today": partners not
//! contacted for too long, open next steps and action items by urgency, and
//! partners in conversation with no next step. Pure; `link` calls it.

use chrono::{Duration, NaiveDate};

use super::guide::Partner;
use crate::load::fields::{Date, Status};

/// How urgent an open item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// Due before today.
    Overdue,
    /// Due today or within the next seven days.
    ThisWeek,
    /// Due later.
    Later,
    /// No due date.
    NoDate,
}

impl Bucket {
    /// Every bucket, most urgent first.
    pub const ALL: [Bucket; 4] = [Bucket::Overdue, Bucket::ThisWeek, Bucket::Later, Bucket::NoDate];

    /// Anchor id.
    pub fn id(self) -> &'static str {
        match self {
            Bucket::Overdue => "overdue",
            Bucket::ThisWeek => "this-week",
            Bucket::Later => "later",
            Bucket::NoDate => "no-date",
        }
    }

    /// Heading.
    pub fn label(self) -> &'static str {
        match self {
            Bucket::Overdue => "Overdue",
            Bucket::ThisWeek => "Due within 7 days",
            Bucket::Later => "Later",
            Bucket::NoDate => "No due date",
        }
    }
}

/// The bucket of a due date: overdue strictly before today; today and the
/// next seven days are "this week".
pub fn bucket(due: Option<Date>, today: NaiveDate) -> Bucket {
    match due {
        None => Bucket::NoDate,
        Some(d) if d.0 < today => Bucket::Overdue,
        Some(d) if d.0 <= today + Duration::days(7) => Bucket::ThisWeek,
        Some(_) => Bucket::Later,
    }
}

/// Days since the last contact when that is more than `after_days`; partners
/// whose partnership ended are never stale, and a partner never contacted has
/// no date to be stale by.
pub fn stale_days(
    last_contact: Option<Date>,
    status: Option<Status>,
    today: NaiveDate,
    after_days: u32,
) -> Option<i64> {
    if status == Some(Status::Ended) {
        return None;
    }
    let days = (today - last_contact?.0).num_days();
    (days > i64::from(after_days)).then_some(days)
}

/// Where an open item comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The partner's `next_step`.
    NextStep,
    /// The partner's `action_items`.
    Item,
    /// A meeting's `action_items`, by meeting date.
    Meeting(Date),
}

/// One open next step or action item.
#[derive(Clone, Debug)]
pub struct Action {
    /// Partner slug.
    pub partner: String,
    /// Where it is written.
    pub source: Source,
    /// What to do.
    pub task: String,
    /// Who.
    pub owner: Option<String>,
    /// The owner's name as a URL slug.
    pub owner_slug: Option<String>,
    /// When.
    pub due: Option<Date>,
    /// How urgent.
    pub bucket: Bucket,
}

/// The slug of an owner's name (`Jo Whitfield` → `jo-whitfield`).
pub fn owner_slug(owner: &str) -> String {
    let s = super::cap_slug(super::markdown::heading_id(owner));
    if s.is_empty() { "unnamed".into() } else { s }
}

/// Every open next step and action item of the partners, most urgent first,
/// then by due date, partner and task.
pub fn actions<'a>(partners: impl Iterator<Item = &'a Partner>, today: NaiveDate) -> Vec<Action> {
    let mut out = Vec::new();
    for p in partners {
        let pr = &p.profile;
        let mut push = |source: Source, task: &str, owner: &Option<String>, due: Option<Date>| {
            out.push(Action {
                partner: p.slug.clone(),
                source,
                task: task.to_string(),
                owner: owner.clone(),
                owner_slug: owner.as_deref().map(owner_slug),
                due,
                bucket: bucket(due, today),
            });
        };
        if let Some(n) = &pr.next_step {
            push(Source::NextStep, &n.action, &n.owner, n.due_date());
        }
        for a in pr.action_items.iter().filter(|a| !a.done) {
            push(Source::Item, &a.task, &a.owner, a.due_date());
        }
        for m in &pr.meetings {
            for a in m.action_items.iter().filter(|a| !a.done) {
                push(Source::Meeting(m.date), &a.task, &a.owner, a.due_date());
            }
        }
    }
    // The same item is often written both in the profile's list and under the
    // meeting where it was agreed: list it once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|a| seen.insert((a.partner.clone(), a.task.trim().to_lowercase(), a.owner.clone(), a.due)));
    sort(&mut out);
    out
}

/// Sorts actions most urgent first, then by due date, partner and task.
pub fn sort(actions: &mut [Action]) {
    actions.sort_by(|a, b| (a.bucket, a.due, &a.partner, &a.task).cmp(&(b.bucket, b.due, &b.partner, &b.task)));
}

/// Partners talking with the library (contacted, or a meeting under way) but with no next step written down.
pub fn without_next_step(p: &Partner) -> bool {
    matches!(p.profile.status, Some(Status::Contacted | Status::Meeting)) && p.profile.next_step.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date(s.parse().unwrap())
    }

    #[test]
    fn an_item_written_twice_is_listed_once() {
        use crate::load::partner::{ActionItem, Meeting, PartnerProfile};
        let item = |task: &str, done| ActionItem {
            task: task.into(),
            owner: Some("Ana".into()),
            due: Some(crate::load::yaml::Spanned::unplaced(d("2026-01-10"))),
            done,
        };
        let profile: PartnerProfile = PartnerProfile {
            name: "IT".into(),
            kind: None,
            summary: None,
            mission: None,
            status: None,
            offers: vec![],
            library_offers: vec![],
            channels: vec![],
            contacts: vec![],
            last_contact: None,
            next_step: None,
            action_items: vec![item("Send the SLA", false), item("Old", true)],
            meetings: vec![Meeting {
                date: d("2026-01-01"),
                title: None,
                attendees: vec![],
                agenda: vec![],
                notes: None,
                action_items: vec![item("Send the SLA", false), item("Book a room", false)],
            }],
            tags: vec![],
            playbooks: vec![],
            notes: None,
        };
        let partner = Partner {
            slug: "it".into(),
            profile: profile.into(),
            notes_html: None,
            meeting_notes_html: vec![None],
            playbooks: vec![],
            updated: None,
            path: "partners/it.yaml".into(),
            fingerprint: 0,
        };
        let got: Vec<String> =
            actions([&partner].into_iter(), "2026-01-05".parse().unwrap()).into_iter().map(|a| a.task).collect();
        assert_eq!(got, ["Book a room", "Send the SLA"]);
    }

    #[test]
    fn buckets_at_their_edges() {
        let today: NaiveDate = "2028-02-28".parse().unwrap();
        let cases = [
            (None, Bucket::NoDate),
            (Some("2028-02-27"), Bucket::Overdue),
            (Some("2028-02-28"), Bucket::ThisWeek),
            (Some("2028-02-29"), Bucket::ThisWeek),
            (Some("2028-03-06"), Bucket::ThisWeek),
            (Some("2028-03-07"), Bucket::Later),
            (Some("2027-12-31"), Bucket::Overdue),
        ];
        for (due, want) in cases {
            assert_eq!(bucket(due.map(d), today), want, "{due:?}");
        }
    }

    #[test]
    fn staleness_counts_strictly_more_than_the_threshold() {
        let today: NaiveDate = "2024-03-01".parse().unwrap();
        // 2024 is a leap year: 2024-01-01 is 60 days before 2024-03-01.
        assert_eq!(stale_days(Some(d("2024-01-01")), None, today, 60), None);
        assert_eq!(stale_days(Some(d("2023-12-31")), None, today, 60), Some(61));
        assert_eq!(stale_days(Some(d("2023-12-31")), Some(Status::Paused), today, 60), Some(61));
        assert_eq!(stale_days(Some(d("2023-12-31")), Some(Status::Ended), today, 60), None);
        assert_eq!(stale_days(None, Some(Status::Prospect), today, 60), None);
        assert_eq!(stale_days(Some(d("2024-03-01")), None, today, 0), None);
        assert_eq!(stale_days(Some(d("2024-02-29")), None, today, 0), Some(1));
    }
}
