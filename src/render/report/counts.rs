//! Every counting rule of the activity report, in one place: the page
//! (`/report/`) and `report.csv` show what [`count`] returns and count nothing
//! themselves.
//!
//! - A fiscal year starts on `fiscal_year_start` and is named by the calendar
//!   year it ends in (July 1 2025 to June 30 2026 is FY2026; a year starting
//!   January 1 is named by its own year). Its quarters are three months each
//!   from its start.
//! - A meeting counts when it was held: dated on or before today.
//! - An action item is one entry of a partner's `action_items` or of a
//!   meeting's; the same task of one partner (same words, whatever the case,
//!   as everywhere in the guide: `link::rules::task_key`) counts once, done if
//!   any of its copies is done (`done_on` alone also means done). A done item counts in the year and quarter
//!   of its `done_on`, or as "done, date unknown" without one; an open item
//!   counts as open now (items have no history of being open).
//! - Partners by status and kind are counted as they are now.
//! - A playbook is added on the date of the first commit of its file (git);
//!   a guide outside git, or a file not yet committed, has no such date and
//!   the playbook is not counted as added in any year.
//! - A playbook is reviewed on its `reviewed` date (only the last review is
//!   written down, so earlier ones are not counted).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use crate::link::rules::task_key;
use crate::link::{FiscalYearStart, Partner, Playbook};
use crate::load::fields::{Kind, Status};

/// Who owns an item that names no owner.
pub(crate) const NO_OWNER: &str = "(no owner)";
/// The label of a partner without a kind or status.
pub(crate) const NOT_SET: &str = "(not set)";

/// A fiscal year and a quarter (0 to 3) of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Period {
    /// The calendar year the fiscal year ends in.
    pub(crate) year: i32,
    /// 0 for the first quarter.
    pub(crate) quarter: usize,
}

/// The fiscal year and quarter of `date`.
pub(crate) fn period(date: NaiveDate, start: FiscalYearStart) -> Period {
    let start_in = |year: i32| NaiveDate::from_ymd_opt(year, start.month, start.day).expect("a day from 1 to 28");
    let begun = if date >= start_in(date.year()) { start_in(date.year()) } else { start_in(date.year() - 1) };
    let year = if (start.month, start.day) == (1, 1) { begun.year() } else { begun.year() + 1 };
    let mut months = (date.year() - begun.year()) * 12 + date.month() as i32 - begun.month() as i32;
    if date.day() < begun.day() {
        months -= 1;
    }
    Period { year, quarter: (months / 3) as usize }
}

/// One line of a table: a label and its count in each quarter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) label: String,
    pub(crate) quarters: [u32; 4],
}

impl Row {
    /// The year's count.
    pub(crate) fn total(&self) -> u32 {
        self.quarters.iter().sum()
    }
}

/// What one fiscal year counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Year {
    /// The calendar year it ends in.
    pub(crate) year: i32,
    /// Meetings held, by the partner's kind (label), in the order of kinds.
    pub(crate) meetings_by_kind: Vec<Row>,
    /// Meetings held, by partner name.
    pub(crate) meetings_by_partner: Vec<Row>,
    /// Items done, by owner.
    pub(crate) done_by_owner: Vec<Row>,
    /// Playbooks added (one row).
    pub(crate) playbooks_added: Row,
    /// Playbooks reviewed (one row).
    pub(crate) playbooks_reviewed: Row,
}

/// One owner's items as they are now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OwnerNow {
    pub(crate) owner: String,
    pub(crate) open: u32,
    /// Done with a `done_on` date.
    pub(crate) done_dated: u32,
    /// Done without one.
    pub(crate) done_undated: u32,
}

/// Partners of one status, by kind, as they are now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatusRow {
    pub(crate) status: &'static str,
    /// One count per entry of [`Counts::kinds`].
    pub(crate) by_kind: Vec<u32>,
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Every fiscal year with something dated in it, newest first.
    pub(crate) years: Vec<Year>,
    /// The kinds that partners have (labels), columns of [`Counts::partners`].
    pub(crate) kinds: Vec<&'static str>,
    /// Partners by status (rows) and kind (columns), statuses that have partners.
    pub(crate) partners: Vec<StatusRow>,
    /// Items by owner, as they are now.
    pub(crate) owners: Vec<OwnerNow>,
}

/// A partner's action items, each task once: (owner, done, done on).
fn items(p: &Partner) -> Vec<(String, bool, Option<NaiveDate>)> {
    let mut by_task: BTreeMap<String, (String, bool, Option<NaiveDate>)> = BTreeMap::new();
    let all = p.profile.action_items.iter().chain(p.profile.meetings.iter().flat_map(|m| &m.action_items));
    for a in all {
        let owner = a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()).unwrap_or(NO_OWNER);
        let e = by_task.entry(task_key(&a.task)).or_insert_with(|| (owner.to_string(), false, None));
        e.1 |= a.done || a.done_on.is_some();
        e.2 = e.2.or(a.done_on.as_ref().map(|d| d.value.0));
    }
    by_task.into_values().collect()
}

/// Adds one to `label`'s row for `at` in `rows`.
fn add(rows: &mut BTreeMap<String, [u32; 4]>, label: &str, at: Period) {
    rows.entry(label.to_string()).or_default()[at.quarter] += 1;
}

fn rows(map: BTreeMap<String, [u32; 4]>) -> Vec<Row> {
    map.into_iter().map(|(label, quarters)| Row { label, quarters }).collect()
}

/// Counts the report over `partners` and `playbooks` with the fiscal year
/// starting on `start`, as of `today`.
pub(crate) fn count<'a>(
    partners: impl Iterator<Item = &'a Partner>,
    playbooks: impl Iterator<Item = &'a Playbook>,
    start: FiscalYearStart,
    today: NaiveDate,
) -> Counts {
    /// A year's counts while they are gathered, by label.
    #[derive(Default)]
    struct Gathering {
        by_kind: BTreeMap<Kind, [u32; 4]>,
        no_kind: [u32; 4],
        by_partner: BTreeMap<String, [u32; 4]>,
        done: BTreeMap<String, [u32; 4]>,
        added: [u32; 4],
        reviewed: [u32; 4],
    }
    let mut years: BTreeMap<i32, Gathering> = BTreeMap::new();
    let mut owners: BTreeMap<String, OwnerNow> = BTreeMap::new();
    let mut partners_now: BTreeMap<Status, BTreeMap<Option<Kind>, u32>> = BTreeMap::new();
    let mut no_status: BTreeMap<Option<Kind>, u32> = BTreeMap::new();
    let mut kinds: BTreeSet<Option<Kind>> = BTreeSet::new();
    for p in partners {
        let pr = &p.profile;
        kinds.insert(pr.kind);
        match pr.status {
            Some(s) => *partners_now.entry(s).or_default().entry(pr.kind).or_default() += 1,
            None => *no_status.entry(pr.kind).or_default() += 1,
        }
        for m in pr.meetings.iter().filter(|m| m.date.0 <= today) {
            let at = period(m.date.0, start);
            let y = years.entry(at.year).or_default();
            match pr.kind {
                Some(k) => y.by_kind.entry(k).or_default()[at.quarter] += 1,
                None => y.no_kind[at.quarter] += 1,
            }
            add(&mut y.by_partner, &pr.name, at);
        }
        for (owner, done, done_on) in items(p) {
            let o =
                owners.entry(owner.clone()).or_insert_with(|| OwnerNow { owner: owner.clone(), ..Default::default() });
            match (done, done_on) {
                (false, _) => o.open += 1,
                (true, None) => o.done_undated += 1,
                (true, Some(d)) => {
                    o.done_dated += 1;
                    let at = period(d, start);
                    add(&mut years.entry(at.year).or_default().done, &owner, at);
                }
            }
        }
    }
    for p in playbooks {
        if let Some(d) = p.added {
            let at = period(d.0, start);
            years.entry(at.year).or_default().added[at.quarter] += 1;
        }
        if let Some(d) = p.reviewed {
            let at = period(d.0, start);
            years.entry(at.year).or_default().reviewed[at.quarter] += 1;
        }
    }
    let kinds: Vec<Option<Kind>> = kinds.into_iter().collect();
    let kind_label = |k: Option<Kind>| k.map_or(NOT_SET, Kind::label);
    let status_row = |status: &'static str, counts: &BTreeMap<Option<Kind>, u32>| StatusRow {
        status,
        by_kind: kinds.iter().map(|k| counts.get(k).copied().unwrap_or(0)).collect(),
    };
    let mut partners: Vec<StatusRow> = partners_now.iter().map(|(s, c)| status_row(s.label(), c)).collect();
    if !no_status.is_empty() {
        partners.push(status_row(NOT_SET, &no_status));
    }
    Counts {
        years: years
            .into_iter()
            .rev()
            .map(|(year, g)| {
                let mut meetings_by_kind: Vec<Row> =
                    g.by_kind.into_iter().map(|(k, quarters)| Row { label: k.label().into(), quarters }).collect();
                if g.no_kind.iter().any(|n| *n > 0) {
                    meetings_by_kind.push(Row { label: NOT_SET.into(), quarters: g.no_kind });
                }
                Year {
                    year,
                    meetings_by_kind,
                    meetings_by_partner: rows(g.by_partner),
                    done_by_owner: rows(g.done),
                    playbooks_added: Row { label: "Playbooks added".into(), quarters: g.added },
                    playbooks_reviewed: Row { label: "Playbooks reviewed".into(), quarters: g.reviewed },
                }
            })
            .collect(),
        kinds: kinds.into_iter().map(kind_label).collect(),
        partners,
        owners: owners.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_date_falls_in_the_fiscal_year_it_ends_in_and_its_quarter() {
        let july = FiscalYearStart { month: 7, day: 1 };
        let cases = [
            ("2025-07-01", 2026, 0),
            ("2025-09-30", 2026, 0),
            ("2025-10-01", 2026, 1),
            ("2026-01-01", 2026, 2),
            ("2026-06-30", 2026, 3),
            ("2026-07-01", 2027, 0),
        ];
        for (date, year, quarter) in cases {
            assert_eq!(period(d(date), july), Period { year, quarter }, "{date}");
        }
        let jan = FiscalYearStart { month: 1, day: 1 };
        assert_eq!(period(d("2026-12-31"), jan), Period { year: 2026, quarter: 3 });
        assert_eq!(period(d("2026-04-01"), jan), Period { year: 2026, quarter: 1 });
        let mid = FiscalYearStart { month: 10, day: 15 };
        assert_eq!(period(d("2026-10-14"), mid), Period { year: 2026, quarter: 3 });
        assert_eq!(period(d("2026-10-15"), mid), Period { year: 2027, quarter: 0 });
        assert_eq!(period(d("2027-01-14"), mid), Period { year: 2027, quarter: 0 });
        assert_eq!(period(d("2027-01-15"), mid), Period { year: 2027, quarter: 1 });
    }

    #[test]
    fn the_fiscal_year_start_is_a_month_and_a_day_that_every_year_has() {
        assert_eq!(FiscalYearStart::parse("07-01"), Some(FiscalYearStart { month: 7, day: 1 }));
        assert_eq!(FiscalYearStart::parse("12-28"), Some(FiscalYearStart { month: 12, day: 28 }));
        for bad in ["7-1", "13-01", "02-29", "00-10", "07-00", "July 1", "", "07-01-2026"] {
            assert_eq!(FiscalYearStart::parse(bad), None, "{bad}");
        }
    }

    fn counted(partner: &str) -> Counts {
        use crate::link::{LinkOptions, linked_fixture};
        let today = d("2026-11-29");
        let files = [("site.yaml", "title: Guide\n"), ("partners/it.yaml", partner)];
        let guide = linked_fixture(&files, &LinkOptions { base_url: None, drafts: false, today, private: false });
        let partners = guide.partners.values().map(|p| &**p);
        count(partners, guide.playbooks.values().map(|p| &**p), FiscalYearStart::default(), today)
    }

    #[test]
    fn an_item_written_twice_counts_once_and_done_on_alone_means_done() {
        let yaml = "name: IT\nkind: it\nstatus: active\naction_items:\n  \
                    - task: Send the SLA\n    owner: Ana\n  \
                    - task: File it\n    owner: Ana\n    done_on: 2026-08-01\n  \
                    - task: Old\n    done: true\n\
                    meetings:\n  - date: 2026-07-02\n    action_items:\n      \
                    - task: send the SLA \n        owner: Ana\n  - date: 2026-11-30\n";
        let c = counted(yaml);
        let owners: Vec<(&str, u32, u32, u32)> =
            c.owners.iter().map(|o| (o.owner.as_str(), o.open, o.done_dated, o.done_undated)).collect();
        assert_eq!(owners, [(NO_OWNER, 0, 0, 1), ("Ana", 1, 1, 0)]);
        // The meeting of tomorrow is not held yet.
        assert_eq!(c.years.len(), 1);
        let y = &c.years[0];
        assert_eq!(y.year, 2027);
        assert_eq!(y.meetings_by_partner, [Row { label: "IT".into(), quarters: [1, 0, 0, 0] }]);
        assert_eq!(y.done_by_owner, [Row { label: "Ana".into(), quarters: [1, 0, 0, 0] }]);
        assert_eq!(c.kinds, ["Campus IT"]);
        assert_eq!(c.partners, [StatusRow { status: "Active", by_kind: vec![1] }]);
    }

    #[test]
    fn a_guide_without_dated_activity_has_no_years() {
        let c = counted("name: IT\n");
        assert!(c.years.is_empty());
        assert_eq!(c.kinds, [NOT_SET]);
        assert_eq!(c.partners, [StatusRow { status: NOT_SET, by_kind: vec![1] }]);
    }

    #[test]
    fn totals_add_the_quarters() {
        assert_eq!(Row { label: "x".into(), quarters: [1, 0, 2, 3] }.total(), 6);
    }
}
