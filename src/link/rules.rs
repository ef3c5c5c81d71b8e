//! The outreach model's rules, each decided in one function that every output
//! asks, so that pages, warnings, the brief, `calendar.ics` and
//! `partners.json` can never disagree:
//!
//! - [`open_items`]: which items of a partner are open, each listed once;
//! - [`when`]: how urgent a due date is, and how to say it in words;
//! - [`stale_days`]: whether a partner has gone too long without contact;
//! - [`ago`]: how long ago a contact was, in words;
//! - [`contacts`] and [`contact_gaps`]: a partner's dated contacts, and the
//!   stretches between them that [`stale_days`] would have called stale;
//! - [`review_due`]: whether a playbook is due for review, and since when;
//! - [`Actions::of_partner`] and [`Actions::of_owner`]: what a partner's and
//!   an owner's list of actions holds.
//!
//! Pure. `link` makes the guide's [`Actions`] once (and serve's patch again
//! for the partner that changed); the other stages read them.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{Datelike, NaiveDate};

use crate::load::fields::{Date, Status};
use crate::load::partner::{ActionItem, PartnerProfile};
use crate::load::yaml::Spanned;

#[cfg(test)]
mod tests;

// ------------------------------------------------------------------- when

/// How urgent an open item is, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Bucket {
    /// Due before today.
    Overdue,
    /// Due today.
    Today,
    /// Due within the next seven days (tomorrow to a week from today).
    Soon,
    /// Due later than that.
    Later,
    /// No due date.
    Undated,
}

/// A due date judged against today: its [`Bucket`], and the same in words
/// ("12 days late", "due today", "due in 3 days") to show beside the date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct When {
    /// How urgent.
    pub(crate) bucket: Bucket,
    /// The urgency in words; "no due date" for an undated item.
    pub(crate) words: String,
}

impl When {
    /// Due before today.
    pub(crate) fn overdue(&self) -> bool {
        self.bucket == Bucket::Overdue
    }

    /// The words to show beside a date: none for an undated item, which shows no date.
    pub(crate) fn beside_date(&self) -> Option<&str> {
        (self.bucket != Bucket::Undated).then_some(self.words.as_str())
    }
}

/// When an item due on `due` is due, seen from `today`. Late items count days
/// ("1 day late", "40 days late": the exact count is what a reminder needs);
/// items ahead count days up to two weeks, then weeks up to nine, then
/// calendar months, then years, rounded down ("due in 5 weeks").
pub(crate) fn when(due: Option<Date>, today: NaiveDate) -> When {
    let Some(due) = due else {
        return When { bucket: Bucket::Undated, words: "no due date".into() };
    };
    // A difference of two dates always fits (chrono's dates span ±262,000 years).
    let days = due.0.signed_duration_since(today).num_days();
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    let (bucket, words) = match days {
        i64::MIN..=-1 => (Bucket::Overdue, format!("{} late", plural(-days, "day"))),
        0 => (Bucket::Today, "due today".into()),
        1 => (Bucket::Soon, "due tomorrow".into()),
        // "Soon" is within 7 days.
        2..=7 => (Bucket::Soon, format!("due in {days} days")),
        8..=13 => (Bucket::Later, format!("due in {days} days")),
        14..=62 => (Bucket::Later, format!("due in {}", plural(days / 7, "week"))),
        _ => {
            let months = whole_months(today, due.0);
            let words = if months < 24 { plural(months, "month") } else { plural(months / 12, "year") };
            (Bucket::Later, format!("due in {words}"))
        }
    };
    When { bucket, words }
}

/// Whole calendar months from `from` to the later date `to` (Jan 31 to Mar 30 is one).
fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { months - 1 } else { months }
}

// ------------------------------------------------------------------ stale

/// Days since the last contact when that is more than `after_days` and the
/// partnership is one that contact keeps going: `prospect`, `contacted`,
/// `meeting`, `active`, or no status written (read as active, the usual case
/// of a profile that has not set one). A `paused` or `ended` partnership is
/// quiet on purpose and never stale; a partner never contacted has no date to
/// be stale by.
pub(crate) fn stale_days(
    last_contact: Option<Date>,
    status: Option<Status>,
    today: NaiveDate,
    after_days: u32,
) -> Option<i64> {
    if matches!(status, Some(Status::Paused | Status::Ended)) {
        return None;
    }
    let days = today.signed_duration_since(last_contact?.0).num_days();
    (days > i64::from(after_days)).then_some(days)
}

/// How long ago `date` was, seen from `today`, in words to show beside the
/// date: "today", "yesterday", days up to two weeks ("12 days ago"), then
/// weeks up to nine, then calendar months, then years, rounded down, as
/// [`when`] counts ahead. A date after today says "on a later date".
pub(crate) fn ago(date: Date, today: NaiveDate) -> String {
    let days = today.signed_duration_since(date.0).num_days();
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match days {
        i64::MIN..=-1 => "on a later date".into(),
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=13 => format!("{days} days ago"),
        14..=62 => format!("{} ago", plural(days / 7, "week")),
        _ => {
            let months = whole_months(date.0, today);
            if months < 24 {
                format!("{} ago", plural(months, "month"))
            } else {
                format!("{} ago", plural(months / 12, "year"))
            }
        }
    }
}

/// A partner's contacts up to `today`, oldest first, each day once: the
/// dates of its meetings and its `last_contact`. A meeting dated after today
/// is planned, not yet a contact.
pub(crate) fn contacts(profile: &PartnerProfile, today: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = profile
        .meetings
        .iter()
        .map(|m| m.date.0)
        .chain(profile.last_contact.map(|d| d.0))
        .filter(|d| *d <= today)
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// A partner's last contact by `today`: the later of its `last_contact` and
/// its latest meeting held. A meeting is a contact even when `last_contact`
/// was not moved, so staleness, the pipeline and the contact history agree.
pub(crate) fn last_contact(profile: &PartnerProfile, today: NaiveDate) -> Option<Date> {
    contacts(profile, today).last().map(|d| Date(*d))
}

/// A stretch without contact that was stale (see [`contact_gaps`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Gap {
    /// The contact it starts after.
    pub(crate) from: NaiveDate,
    /// The next contact, or today when there is none yet.
    pub(crate) to: NaiveDate,
    /// Days from `from` to `to`.
    pub(crate) days: i64,
    /// It runs to today: the partner is stale now.
    pub(crate) ongoing: bool,
}

/// The stretches between a partner's `contacts` (oldest first, see
/// [`contacts`]), and from the last of them to today, that [`stale_days`]
/// calls stale when seen from their end: longer than `after_days`, for a
/// partnership that contact keeps going. A paused or ended partner has none;
/// the time before the first contact is not a gap (there was no relationship
/// to keep).
pub(crate) fn contact_gaps(
    contacts: &[NaiveDate],
    status: Option<Status>,
    today: NaiveDate,
    after_days: u32,
) -> Vec<Gap> {
    let ends = contacts.iter().skip(1).copied().map(|to| (to, false)).chain(std::iter::once((today, true)));
    contacts
        .iter()
        .zip(ends)
        .filter_map(|(&from, (to, ongoing))| {
            let days = stale_days(Some(Date(from)), status, to, after_days)?;
            Some(Gap { from, to, days, ongoing })
        })
        .collect()
}

// ----------------------------------------------------------------- review

/// What decides that a playbook is due for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReviewDue {
    /// The date it was last reviewed or updated, the one that counts.
    pub(crate) since: Date,
    /// Which of the playbook's dates that is.
    pub(crate) by: ReviewBasis,
    /// Days from `since` to today.
    pub(crate) days: i64,
}

/// Which date a review is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReviewBasis {
    /// The playbook's `reviewed`.
    Reviewed,
    /// Its last update: `updated`, or the date of the last commit that
    /// touched the file (the playbook's "Last updated").
    Updated,
}

/// Whether a playbook is due for review: its `reviewed` date, else its last
/// update (`updated`, else the git date, as "Last updated" finds it), more
/// than `every_days` before `today`. A playbook with none of these dates has
/// nothing to count from and is never due (the same as a partner never
/// contacted is never stale); a date after today is not due either.
pub(crate) fn review_due(
    reviewed: Option<Date>,
    updated: Option<Date>,
    today: NaiveDate,
    every_days: u32,
) -> Option<ReviewDue> {
    let (since, by) = match (reviewed, updated) {
        (Some(r), _) => (r, ReviewBasis::Reviewed),
        (None, Some(u)) => (u, ReviewBasis::Updated),
        (None, None) => return None,
    };
    let days = today.signed_duration_since(since.0).num_days();
    (days > i64::from(every_days)).then_some(ReviewDue { since, by, days })
}

/// Partners talking with the library (contacted, or a meeting under way) but with no next step written down.
pub(crate) fn without_next_step(profile: &PartnerProfile) -> bool {
    matches!(profile.status, Some(Status::Contacted | Status::Meeting)) && profile.next_step.is_none()
}

// ------------------------------------------------------------- open items

/// Where a copy of an item is written in its partner's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// The profile's `next_step`.
    NextStep,
    /// The profile's `action_items`, number `item`.
    Profile {
        /// Index in `action_items`.
        item: usize,
    },
    /// The `action_items` of meeting number `meeting`, number `item`.
    Meeting {
        /// Index in `meetings`.
        meeting: usize,
        /// Index in that meeting's `action_items`.
        item: usize,
        /// The meeting's date.
        date: Date,
    },
}

/// One open item of a partner, as its winning copy writes it (see [`open_items`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OpenItem {
    /// The partner's slug.
    pub(crate) partner: String,
    /// Where the winning copy is written.
    pub(crate) place: Place,
    /// What to do.
    pub(crate) task: String,
    /// Who.
    pub(crate) owner: Option<String>,
    /// The owner's name as a URL slug.
    pub(crate) owner_slug: Option<String>,
    /// When.
    pub(crate) due: Option<Date>,
    /// How urgent, against the guide's today.
    pub(crate) when: When,
    /// The first meeting (in the order written) that holds a copy of it.
    pub(crate) agreed_at: Option<Date>,
}

impl OpenItem {
    /// The winning copy's `due` with its place in the profile's file (for a
    /// warning's file:line:column); `None` when undated or when `profile` is
    /// not the one the item was found in.
    pub(crate) fn due_in<'p>(&self, profile: &'p PartnerProfile) -> Option<&'p Spanned<Date>> {
        match self.place {
            Place::NextStep => profile.next_step.as_ref()?.due.as_ref(),
            Place::Profile { item } => profile.action_items.get(item)?.due.as_ref(),
            Place::Meeting { meeting, item, .. } => profile.meetings.get(meeting)?.action_items.get(item)?.due.as_ref(),
        }
    }

    /// The partner's next step.
    pub(crate) fn is_next_step(&self) -> bool {
        self.place == Place::NextStep
    }
}

/// A task as two copies of one item are compared: without case and without
/// white space around it ("Confirm the ArcGIS licence " and "confirm the
/// ArcGIS licence" are one item). Each character is lowered on its own, as
/// [`same_task`] compares them.
pub(crate) fn task_key(task: &str) -> String {
    let task = task.trim();
    // The usual all-ASCII task is lowered in one pass over its bytes.
    if task.is_ascii() { task.to_ascii_lowercase() } else { task.chars().flat_map(char::to_lowercase).collect() }
}

/// Whether two tasks are the same item (see [`task_key`]), without allocating.
pub(crate) fn same_task(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    // Pages compare every written copy with the partner's open items: two
    // ASCII tasks of different lengths differ without a look at their letters.
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
}

/// The open items of a partner, most urgent first (see [`sort`]).
///
/// An item is the next step, a profile action item or a meeting action item;
/// copies with the same task (see [`task_key`]) are one item. The first copy
/// in the order next step, profile `action_items`, then each meeting's (as
/// written) wins and decides everything: whether it is done, its text, owner
/// and due date. So an item done in the profile is done even when a meeting's
/// copy is not, and an open profile copy keeps it open whatever a meeting's
/// copy says. The next step has no `done`: it is open while it is written.
pub(crate) fn open_items(slug: &str, pr: &PartnerProfile, today: NaiveDate) -> Vec<OpenItem> {
    // Every copy, in the order of precedence; done ones too, so that a done
    // winner hides the open copies after it.
    let next_step = pr.next_step.iter().map(|n| (n.action.as_str(), Place::NextStep, None));
    let listed =
        pr.action_items.iter().enumerate().map(|(i, a)| (a.task.as_str(), Place::Profile { item: i }, Some(a)));
    let agreed =
        pr.meetings.iter().enumerate().flat_map(|(m, meeting)| {
            meeting.action_items.iter().enumerate().map(move |(i, a)| {
                (a.task.as_str(), Place::Meeting { meeting: m, item: i, date: meeting.date }, Some(a))
            })
        });
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut winners: Vec<Winner<'_>> = Vec::new();
    for (task, place, item) in next_step.chain(listed).chain(agreed) {
        let meeting = match place {
            Place::Meeting { date, .. } => Some(date),
            _ => None,
        };
        match seen.entry(task_key(task)) {
            Entry::Occupied(at) => {
                if let Some(winner) = winners.get_mut(*at.get()) {
                    winner.agreed_at = winner.agreed_at.or(meeting);
                }
            }
            Entry::Vacant(at) => {
                at.insert(winners.len());
                winners.push(Winner { place, item, agreed_at: meeting });
            }
        }
    }
    let mut out: Vec<OpenItem> = winners
        .into_iter()
        .filter_map(|Winner { place, item, agreed_at }| {
            let (task, owner, due) = match (place, item) {
                (Place::NextStep, _) => {
                    let n = pr.next_step.as_ref()?;
                    (&n.action, &n.owner, n.due_date())
                }
                (_, Some(a)) if !a.done => (&a.task, &a.owner, a.due_date()),
                _ => return None,
            };
            Some(OpenItem {
                partner: slug.to_string(),
                place,
                task: task.clone(),
                owner: owner.clone(),
                owner_slug: owner.as_deref().map(owner_slug),
                due,
                when: when(due, today),
                agreed_at,
            })
        })
        .collect();
    sort(&mut out);
    out
}

/// The first copy of an item, with the first meeting that holds any copy.
struct Winner<'p> {
    place: Place,
    /// The action item, for all but the next step.
    item: Option<&'p ActionItem>,
    agreed_at: Option<Date>,
}

/// Sorts open items most urgent first, then by due date, partner and task:
/// the order of every list of them.
fn sort(items: &mut [OpenItem]) {
    items.sort_by(|a, b| (a.when.bucket, a.due, &a.partner, &a.task).cmp(&(b.when.bucket, b.due, &b.partner, &b.task)));
}

/// The open item that a written copy with task `task` belongs to, among a
/// partner's `open` items; `None` when that task is done.
pub(crate) fn open_copy<'a>(open: &[&'a OpenItem], task: &str) -> Option<&'a OpenItem> {
    open.iter().copied().find(|o| same_task(&o.task, task))
}

/// The slug of an owner's name (`Jo Whitfield` → `jo-whitfield`).
pub(crate) fn owner_slug(owner: &str) -> String {
    let s = super::cap_slug(super::markdown::heading_id(owner));
    if s.is_empty() { "unnamed".into() } else { s }
}

// ---------------------------------------------------------------- actions

/// Every open item of the guide, most urgent first, with the places of each
/// partner's and each owner's items in that list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Actions {
    list: Vec<OpenItem>,
    by_partner: HashMap<String, Vec<u32>>,
    by_owner: HashMap<String, Vec<u32>>,
}

impl Actions {
    /// Every partner's open items (each partner's from [`open_items`]), in one list.
    pub(crate) fn new(each_partners: impl IntoIterator<Item = Vec<OpenItem>>) -> Self {
        let mut actions = Actions { list: each_partners.into_iter().flatten().collect(), ..Self::default() };
        actions.index();
        actions
    }

    /// Puts `items` in the place of the open items of the partner `slug`.
    pub(crate) fn replace_partner(&mut self, slug: &str, items: Vec<OpenItem>) {
        self.list.retain(|a| a.partner != slug);
        self.list.extend(items);
        self.index();
    }

    /// Sorts the list and finds each partner's and owner's items in it.
    fn index(&mut self) {
        sort(&mut self.list);
        self.by_partner.clear();
        self.by_owner.clear();
        for (i, a) in self.list.iter().enumerate() {
            // The guide's size keeps this far below 2^32 (each item is a line of a file).
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if let Some(o) = &a.owner_slug {
                self.by_owner.entry(o.clone()).or_default().push(i);
            }
            self.by_partner.entry(a.partner.clone()).or_default().push(i);
        }
    }

    /// The places in [`Actions::all`] of the partner `slug`'s open items.
    pub(crate) fn partner_places(&self, slug: &str) -> &[u32] {
        self.by_partner.get(slug).map_or(&[], Vec::as_slice)
    }

    /// The places in [`Actions::all`] of the open items owned by `owner_slug`.
    pub(crate) fn owner_places(&self, owner_slug: &str) -> &[u32] {
        self.by_owner.get(owner_slug).map_or(&[], Vec::as_slice)
    }

    /// The owner slug as these actions keep it (for a borrow as long as theirs).
    pub(crate) fn owner_key(&self, owner_slug: &str) -> Option<&str> {
        self.by_owner.get_key_value(owner_slug).map(|(k, _)| k.as_str())
    }

    /// A partner's actions: its open items, most urgent first.
    pub(crate) fn of_partner(&self, slug: &str) -> Vec<&OpenItem> {
        self.items_at(self.partner_places(slug))
    }

    /// An owner's actions (by owner slug): their open items across partners,
    /// most urgent first. Pages list them through [`Actions::owner_places`],
    /// to share each item's value with the other lists that show it.
    #[cfg(test)]
    pub(crate) fn of_owner(&self, owner_slug: &str) -> Vec<&OpenItem> {
        self.items_at(self.owner_places(owner_slug))
    }

    fn items_at(&self, places: &[u32]) -> Vec<&OpenItem> {
        places.iter().filter_map(|&i| self.list.get(i as usize)).collect()
    }

    /// Every open item, most urgent first.
    pub(crate) fn all(&self) -> &[OpenItem] {
        &self.list
    }
}

impl std::ops::Deref for Actions {
    type Target = [OpenItem];

    fn deref(&self) -> &[OpenItem] {
        &self.list
    }
}
