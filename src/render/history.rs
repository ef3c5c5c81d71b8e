//! The contact history of a partner page: the last twelve months as a
//! picture (an inline SVG drawn by `partner.html`) and as a dated list that
//! says the same for screen readers and print. This module only places
//! things: which days are contacts and which stretches were stale come from
//! [`rules::contacts`] and [`rules::contact_gaps`]. Every string is raw text;
//! the template escapes it.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::link::rules::{self, Gap};
use crate::load::fields::{Date, Status};
use crate::load::partner::PartnerProfile;

/// The width of the chart in SVG units; the page scales it to fit.
const WIDTH: f64 = 720.0;

/// A partner's contact history over the last twelve months.
#[derive(Serialize)]
pub(crate) struct History<'a> {
    /// The first day shown.
    from: String,
    /// The last day shown: today.
    to: String,
    /// The first of each month in the window, as ticks on the axis.
    months: Vec<Tick>,
    /// Meetings and the last contact in the window.
    marks: Vec<Mark<'a>>,
    /// The stale stretches, clipped to the window.
    gaps: Vec<Shade>,
    /// The same facts as a list, oldest first.
    entries: Vec<Entry<'a>>,
    /// The partnership is paused or ended: no stretch counts as stale.
    quiet: bool,
    /// The days without contact after which a stretch is stale.
    stale_after_days: u32,
    /// The chart's width in SVG units.
    width: f64,
}

/// A month's tick: where, and its label ("Mar", or "Jan 2027" at a new year).
#[derive(Serialize)]
struct Tick {
    x: String,
    label: String,
    /// The first month of a quarter: its label stays on a narrow screen.
    major: bool,
}

/// A contact on the chart.
#[derive(Serialize)]
struct Mark<'a> {
    x: String,
    /// `meeting` or `last-contact`.
    kind: &'static str,
    date: String,
    title: Option<&'a str>,
}

/// A stale stretch on the chart.
#[derive(Serialize)]
struct Shade {
    x: String,
    width: String,
}

/// One line of the list: a contact or a stale stretch.
#[derive(Serialize)]
struct Entry<'a> {
    /// `meeting`, `last-contact` or `gap`.
    kind: &'static str,
    /// The contact's day, or the day a stretch began.
    date: String,
    /// The day a stretch ended (today when it runs on).
    until: Option<String>,
    /// How long ago a contact was, or how many days a stretch lasted.
    words: String,
    /// A meeting's title.
    title: Option<&'a str>,
    /// A stretch that runs to today.
    ongoing: bool,
}

/// Where `day` falls on the chart, as a number for an SVG attribute.
fn x_of(day: NaiveDate, from: NaiveDate, days: i64) -> String {
    let x = day.signed_duration_since(from).num_days().clamp(0, days) as f64 / days as f64 * WIDTH;
    format!("{x:.1}")
}

/// The first day shown: twelve months before `today` (the day after, so that
/// a year's day is not shown twice).
fn window_start(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(today)
}

/// The contact history of profile `pr`, today being `today`.
pub(crate) fn history(pr: &PartnerProfile, today: NaiveDate, stale_after_days: u32) -> History<'_> {
    let from = window_start(today);
    let days = today.signed_duration_since(from).num_days().max(1);
    let x = |d: NaiveDate| x_of(d, from, days);
    let shown = |d: NaiveDate| d >= from && d <= today;
    let contacts = rules::contacts(pr, today);
    let gaps: Vec<Gap> = rules::contact_gaps(&contacts, pr.status, today, stale_after_days)
        .into_iter()
        .filter(|g| g.to > from)
        .collect();

    let mut months = Vec::new();
    let mut first = from.with_day(1).and_then(|d| d.checked_add_months(Months::new(1)));
    while let Some(m) = first.filter(|m| *m <= today) {
        let label = if m.month() == 1 { m.format("%b %Y").to_string() } else { m.format("%b").to_string() };
        months.push(Tick { x: x(m), label, major: m.month() % 3 == 1 });
        first = m.checked_add_months(Months::new(1));
    }

    let meetings = pr.meetings.iter().filter(|m| shown(m.date.0));
    // The last contact first, so that a meeting the same day is drawn inside its diamond.
    let last = pr.last_contact.filter(|d| shown(d.0));
    let mut marks: Vec<Mark<'_>> =
        last.map(|d| Mark { x: x(d.0), kind: "last-contact", date: d.to_string(), title: None }).into_iter().collect();
    marks.extend(meetings.clone().map(|m| Mark {
        x: x(m.date.0),
        kind: "meeting",
        date: m.date.to_string(),
        title: m.title.as_deref(),
    }));

    let contact = |kind, d: Date, title| Entry {
        kind,
        date: d.to_string(),
        until: None,
        words: rules::ago(d, today),
        title,
        ongoing: false,
    };
    let mut entries: Vec<Entry<'_>> = meetings.map(|m| contact("meeting", m.date, m.title.as_deref())).collect();
    // The last contact is listed on its own only when no meeting that day says it.
    if let Some(d) = last.filter(|d| !pr.meetings.iter().any(|m| m.date == *d)) {
        entries.push(contact("last-contact", d, None));
    }
    entries.extend(gaps.iter().map(|g| Entry {
        kind: "gap",
        date: g.from.to_string(),
        until: Some(g.to.to_string()),
        words: format!("{} days", g.days),
        title: None,
        ongoing: g.ongoing,
    }));
    // Oldest first; a stretch after the contact it starts from.
    entries.sort_by(|a, b| (&a.date, a.kind == "gap").cmp(&(&b.date, b.kind == "gap")));

    History {
        from: from.to_string(),
        to: today.to_string(),
        months,
        marks,
        gaps: gaps
            .iter()
            .map(|g| {
                let (start, end) = (g.from.max(from), g.to.min(today));
                let width = end.signed_duration_since(start).num_days() as f64 / days as f64 * WIDTH;
                Shade { x: x(start), width: format!("{width:.1}") }
            })
            .collect(),
        entries,
        quiet: matches!(pr.status, Some(Status::Paused | Status::Ended)),
        stale_after_days,
        width: WIDTH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{LinkOptions, linked_fixture};

    fn history_of(yaml: &str, today: &str) -> (Vec<(String, String)>, Vec<String>, usize) {
        let today: NaiveDate = today.parse().unwrap();
        let files = [("site.yaml", "title: Guide\nstale_after_days: 60\n"), ("partners/it.yaml", yaml)];
        let guide = linked_fixture(&files, &LinkOptions { base_url: None, drafts: false, today, private: false });
        let h = history(&guide.partners["it"].profile, today, 60);
        let entries = h.entries.iter().map(|e| (e.kind.to_string(), e.date.clone())).collect();
        let shades = h.gaps.iter().map(|g| format!("{}+{}", g.x, g.width)).collect();
        (entries, shades, h.marks.len())
    }

    #[test]
    fn the_year_shows_contacts_in_the_window_and_stale_stretches_clipped_to_it() {
        let yaml = "name: IT\nstatus: active\nlast_contact: 2026-09-01\nmeetings:\n  - date: 2025-06-01\n    title: Old\n  - date: 2026-03-01\n    title: Kick-off\n  - date: 2026-09-01\n  - date: 2027-01-10\n";
        let (entries, shades, marks) = history_of(yaml, "2026-12-01");
        // 2025-06-01 is before the window; the meeting of 2027 is not yet a contact.
        let want = [
            ("gap", "2025-06-01"),
            ("meeting", "2026-03-01"),
            ("gap", "2026-03-01"),
            ("meeting", "2026-09-01"),
            ("gap", "2026-09-01"),
        ];
        let want: Vec<(String, String)> = want.iter().map(|(k, d)| (k.to_string(), d.to_string())).collect();
        assert_eq!(entries, want);
        // The first stretch starts at the window's edge; the last runs to today, the right edge.
        assert_eq!(shades.len(), 3);
        assert!(shades[0].starts_with("0.0+"), "{shades:?}");
        let last: Vec<f64> = shades[2].split('+').map(|n| n.parse().unwrap()).collect();
        assert!((last[0] + last[1] - WIDTH).abs() < 0.2, "{shades:?}");
        // Two meetings and the last contact (the same day as one of them) are marked.
        assert_eq!(marks, 3);
    }

    #[test]
    fn a_paused_partner_has_no_stale_stretch() {
        let yaml = "name: IT\nstatus: paused\nlast_contact: 2026-01-05\n";
        let (entries, shades, _) = history_of(yaml, "2026-12-01");
        assert_eq!(entries, [("last-contact".to_string(), "2026-01-05".to_string())]);
        assert!(shades.is_empty());
    }
}
