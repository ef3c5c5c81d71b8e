use super::*;
use crate::link::{Guide, LinkOptions, linked_fixture};

fn d(s: &str) -> Date {
    Date(s.parse().unwrap())
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Links a guide of the partner profiles `profiles` (slug, YAML), today being `today`.
fn guide(profiles: &[(&str, &str)], today: &str) -> Guide {
    let paths: Vec<String> = profiles.iter().map(|(slug, _)| format!("partners/{slug}.yaml")).collect();
    let mut files = vec![("site.yaml", "title: Guide\n")];
    files.extend(paths.iter().map(String::as_str).zip(profiles.iter().map(|(_, text)| *text)));
    linked_fixture(&files, &LinkOptions { base_url: None, drafts: false, today: day(today), private: false })
}

#[test]
fn when_names_the_bucket_and_the_words_at_every_edge() {
    // 2028 is a leap year: the 29th of February is tomorrow.
    let today = "2028-02-28";
    let cases = [
        (None, Bucket::Undated, "no due date"),
        (Some("2028-02-27"), Bucket::Overdue, "1 day late"),
        (Some("2028-02-16"), Bucket::Overdue, "12 days late"),
        (Some("2027-02-28"), Bucket::Overdue, "365 days late"),
        (Some("2028-02-28"), Bucket::Today, "due today"),
        (Some("2028-02-29"), Bucket::Soon, "due tomorrow"),
        (Some("2028-03-01"), Bucket::Soon, "due in 2 days"),
        (Some("2028-03-06"), Bucket::Soon, "due in 7 days"),
        (Some("2028-03-07"), Bucket::Later, "due in 8 days"),
        (Some("2028-03-12"), Bucket::Later, "due in 13 days"),
        (Some("2028-03-13"), Bucket::Later, "due in 2 weeks"),
        (Some("2028-04-03"), Bucket::Later, "due in 5 weeks"),
        (Some("2028-04-29"), Bucket::Later, "due in 8 weeks"),
        (Some("2028-05-01"), Bucket::Later, "due in 2 months"),
        (Some("2029-02-27"), Bucket::Later, "due in 11 months"),
        (Some("2029-02-28"), Bucket::Later, "due in 12 months"),
        (Some("2030-02-27"), Bucket::Later, "due in 23 months"),
        (Some("2030-02-28"), Bucket::Later, "due in 2 years"),
    ];
    for (due, bucket, words) in cases {
        let got = when(due.map(d), day(today));
        assert_eq!(got, When { bucket, words: words.into() }, "{due:?}");
        assert_eq!(got.overdue(), bucket == Bucket::Overdue);
        assert_eq!(got.beside_date(), due.map(|_| words), "{due:?}");
    }
    // Outside a leap year the day after the 28th is March 1st.
    assert_eq!(when(Some(d("2027-03-01")), day("2027-02-28")).words, "due tomorrow");
    assert_eq!(when(Some(d("2024-03-01")), day("2024-02-28")).words, "due in 2 days");
    // Whole months go by the calendar: Jan 31 to Mar 30 is one month, to Mar 31 two.
    assert_eq!(whole_months(day("2027-01-31"), day("2027-03-30")), 1);
    assert_eq!(whole_months(day("2027-01-31"), day("2027-03-31")), 2);
}

#[test]
fn when_is_total_over_the_whole_calendar() {
    let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
    assert_eq!(when(Some(Date(max)), min).bucket, Bucket::Later);
    assert_eq!(when(Some(Date(min)), max).bucket, Bucket::Overdue);
    assert_eq!(when(Some(Date(max)), max).words, "due today");
}

#[test]
fn only_partnerships_kept_going_by_contact_go_stale() {
    let today = day("2024-03-01");
    // 2024 is a leap year: 2024-01-01 is 60 days before 2024-03-01.
    let cases = [
        (Some("2024-01-01"), None, 60, None),
        (Some("2023-12-31"), None, 60, Some(61)),
        (Some("2023-12-31"), Some(Status::Prospect), 60, Some(61)),
        (Some("2023-12-31"), Some(Status::Contacted), 60, Some(61)),
        (Some("2023-12-31"), Some(Status::Meeting), 60, Some(61)),
        (Some("2023-12-31"), Some(Status::Active), 60, Some(61)),
        (Some("2023-12-31"), Some(Status::Paused), 60, None),
        (Some("2023-12-31"), Some(Status::Ended), 60, None),
        (None, Some(Status::Prospect), 60, None),
        (Some("2024-03-01"), None, 0, None),
        (Some("2024-02-29"), None, 0, Some(1)),
        (Some("2024-04-01"), None, 0, None),
    ];
    for (last, status, after, want) in cases {
        assert_eq!(stale_days(last.map(d), status, today, after), want, "{last:?} {status:?} {after}");
    }
}

/// A profile where the same items are written several times.
const REPEATS: &str = "name: GIS Centre
next_step:
  action: Send the SLA
  due: 2026-01-20
  owner: Ana
action_items:
  - task: Confirm the ArcGIS licence
    owner: Ana
    due: 2026-01-10
  - task: Book a room
    due: 2026-01-02
    done: true
  - task: '  send the sla '
    owner: Bo
meetings:
  - date: 2026-01-03
    action_items:
      - task: confirm the ArcGIS licence
        owner: Bo
        due: 2026-01-01
      - task: Book a room
        due: 2026-01-02
      - task: Write the minutes
        due: 2026-01-08
        done: true
      - task: Order the plotter paper
  - date: 2025-12-01
    action_items:
      - task: Write the minutes
        due: 2026-01-08
      - task: order the plotter paper
        due: 2025-12-30
        owner: Cy
      - task: Confirm the ArcGIS licence
";

/// What a test looks at in an open item.
#[derive(Debug, PartialEq, Eq)]
struct Seen<'a> {
    task: &'a str,
    owner: Option<&'a str>,
    due: Option<Date>,
    words: &'a str,
    place: Place,
    agreed_at: Option<Date>,
}

impl<'a> Seen<'a> {
    fn of(o: &'a OpenItem) -> Self {
        Seen {
            task: &o.task,
            owner: o.owner.as_deref(),
            due: o.due,
            words: &o.when.words,
            place: o.place,
            agreed_at: o.agreed_at,
        }
    }
}

#[test]
fn each_item_is_listed_once_as_its_first_copy_writes_it() {
    let guide = guide(&[("gis", REPEATS)], "2026-01-05");
    let items = open_items("gis", &guide.partners["gis"].profile, guide.today);
    let got: Vec<Seen<'_>> = items.iter().map(Seen::of).collect();
    let meeting = |meeting, item, date| Place::Meeting { meeting, item, date: d(date) };
    let want = [
        // The profile's copy wins over both meetings' (owner, date), and remembers the first meeting.
        Seen {
            task: "Confirm the ArcGIS licence",
            owner: Some("Ana"),
            due: Some(d("2026-01-10")),
            words: "due in 5 days",
            place: Place::Profile { item: 0 },
            agreed_at: Some(d("2026-01-03")),
        },
        // The next step wins over the profile's copy with other capitals and spaces.
        Seen {
            task: "Send the SLA",
            owner: Some("Ana"),
            due: Some(d("2026-01-20")),
            words: "due in 2 weeks",
            place: Place::NextStep,
            agreed_at: None,
        },
        // A meeting-only item: the first meeting's copy wins, undated.
        Seen {
            task: "Order the plotter paper",
            owner: None,
            due: None,
            words: "no due date",
            place: meeting(0, 3, "2026-01-03"),
            agreed_at: Some(d("2026-01-03")),
        },
    ];
    // Done in the profile (the room) or in the first meeting (the minutes) is done everywhere.
    assert_eq!(got, want);
    let owners: Vec<Option<&str>> = items.iter().map(|o| o.owner_slug.as_deref()).collect();
    assert_eq!(owners, [Some("ana"), Some("ana"), None]);
    assert!(items[1].is_next_step() && !items[0].is_next_step());
}

#[test]
fn the_winning_copy_is_found_again_with_its_place_in_the_file() {
    let guide = guide(&[("gis", REPEATS)], "2026-01-05");
    let partner = &guide.partners["gis"];
    let items = open_items(&partner.slug, &partner.profile, guide.today);
    let text = REPEATS;
    let at = |o: &OpenItem| o.due_in(&partner.profile).map(|due| &text[due.offset..due.offset + due.len]);
    // The licence's date is the profile's (line 9), not the meeting's 2026-01-01.
    assert_eq!(items.iter().map(at).collect::<Vec<_>>(), [Some("2026-01-10"), Some("2026-01-20"), None]);
    let licence = items[0].due_in(&partner.profile).unwrap();
    assert_eq!(text[..licence.offset].lines().count(), 9);

    // Each written copy belongs to the open item of its task, or to none when done.
    let open: Vec<&OpenItem> = items.iter().collect();
    assert_eq!(open_copy(&open, " CONFIRM the arcgis licence").map(|o| o.owner.as_deref()), Some(Some("Ana")));
    assert_eq!(open_copy(&open, "Book a room"), None);
    assert_eq!(open_copy(&open, "write the minutes"), None);
    // A profile other than the item's gives no place rather than a wrong one.
    let other = guide_with_one_item();
    assert!(items[2].due_in(&other.partners["it"].profile).is_none());
}

fn guide_with_one_item() -> Guide {
    guide(&[("it", "name: IT\naction_items:\n  - task: Only\n")], "2026-01-05")
}

#[test]
fn tasks_compare_without_case_and_surrounding_space() {
    let cases = [
        ("Confirm the ArcGIS licence", "  confirm the arcgis LICENCE\n", true),
        ("Straße", "STRASSE", false),
        ("Éva's list", "éva's list", true),
        ("Send the SLA", "Send the  SLA", false),
        ("", "   ", true),
        // The Kelvin sign lowers to an ASCII k: one ASCII task and one not still compare by letters.
        ("\u{212A}ey", "key", true),
        ("Σ", "σ", true),
    ];
    for (a, b, same) in cases {
        assert_eq!(same_task(a, b), same, "{a:?} {b:?}");
        assert_eq!(task_key(a) == task_key(b), same, "{a:?} {b:?}");
    }
}

#[test]
fn a_partners_and_an_owners_actions_keep_the_guide_order() {
    let lab = "name: Lab\nnext_step:\n  action: Call Ana\n  due: 2026-01-01\n  owner: Ana\n\
               action_items:\n  - task: Plan\n    owner: Bo\n  - task: Fund\n    owner: ana\n    due: 2026-03-01\n";
    let it = "name: IT\naction_items:\n  - task: Rack\n    owner: Ana\n    due: 2026-01-05\n";
    let guide = guide(&[("lab", lab), ("it", it)], "2026-01-05");
    let tasks = |items: Vec<&OpenItem>| items.iter().map(|o| o.task.clone()).collect::<Vec<_>>();
    let all: Vec<&str> = guide.actions.all().iter().map(|o| o.task.as_str()).collect();
    assert_eq!(all, ["Call Ana", "Rack", "Fund", "Plan"]);
    assert_eq!(tasks(guide.actions.of_partner("lab")), ["Call Ana", "Fund", "Plan"]);
    assert_eq!(tasks(guide.actions.of_owner("ana")), ["Call Ana", "Rack", "Fund"]);
    assert_eq!(tasks(guide.actions.of_owner("bo")), ["Plan"]);
    assert!(guide.actions.of_partner("nobody").is_empty() && guide.actions.of_owner("nobody").is_empty());

    // Replacing a partner's items keeps the order and the lists right.
    let mut actions = (*guide.actions).clone();
    actions.replace_partner("lab", Vec::new());
    assert_eq!(actions.all().iter().map(|o| o.task.as_str()).collect::<Vec<_>>(), ["Rack"]);
    assert_eq!(tasks(actions.of_owner("ana")), ["Rack"]);
    assert!(actions.of_owner("bo").is_empty());
    actions.replace_partner("lab", open_items("lab", &guide.partners["lab"].profile, guide.today));
    assert_eq!(actions.all(), guide.actions.all());
}

#[test]
fn ago_says_how_long_since_a_contact_at_every_edge() {
    let today = day("2028-02-28");
    let cases = [
        ("2028-03-01", "on a later date"),
        ("2028-02-28", "today"),
        ("2028-02-27", "yesterday"),
        ("2028-02-26", "2 days ago"),
        ("2028-02-15", "13 days ago"),
        ("2028-02-14", "2 weeks ago"),
        ("2027-12-28", "8 weeks ago"),
        ("2027-12-27", "2 months ago"),
        ("2027-03-01", "11 months ago"),
        ("2027-02-28", "12 months ago"),
        ("2026-03-01", "23 months ago"),
        ("2026-02-28", "2 years ago"),
    ];
    for (date, words) in cases {
        assert_eq!(ago(d(date), today), words, "{date}");
    }
}

#[test]
fn contacts_are_meetings_and_the_last_contact_up_to_today_each_once() {
    let yaml = "name: IT\nlast_contact: 2026-02-01\nmeetings:\n  - date: 2026-02-01\n  - date: 2025-10-01\n  - date: 2026-04-01\n";
    let guide = guide(&[("it", yaml)], "2026-03-01");
    let days = contacts(&guide.partners["it"].profile, day("2026-03-01"));
    assert_eq!(days, [day("2025-10-01"), day("2026-02-01")]);
}

#[test]
fn gaps_are_the_stretches_stale_days_would_call_stale() {
    let today = day("2026-12-01");
    let contacts = [day("2026-01-01"), day("2026-03-02"), day("2026-06-01"), day("2026-07-15"), day("2026-09-01")];
    // 60 days (Jan 1 to Mar 2) is not more than 60; 91 days is, and so is the 91 days to today.
    let gap = |from: &str, to: &str, days, ongoing| Gap { from: day(from), to: day(to), days, ongoing };
    let want = [gap("2026-03-02", "2026-06-01", 91, false), gap("2026-09-01", "2026-12-01", 91, true)];
    for status in [None, Some(Status::Prospect), Some(Status::Active)] {
        assert_eq!(contact_gaps(&contacts, status, today, 60), want, "{status:?}");
    }
    // The gap to today is there exactly when stale_days says the partner is stale.
    assert_eq!(stale_days(Some(Date(contacts[4])), None, today, 60), Some(91));
    assert_eq!(contact_gaps(&contacts, None, today, 91).len(), 0);
    // Quiet on purpose: never stale, no gaps.
    for status in [Status::Paused, Status::Ended] {
        assert!(contact_gaps(&contacts, Some(status), today, 60).is_empty(), "{status:?}");
    }
    // Never contacted: nothing to be stale since.
    assert!(contact_gaps(&[], None, today, 60).is_empty());
}

#[test]
fn a_meeting_held_after_the_written_last_contact_is_the_last_contact() {
    let yaml = "name: IT\nstatus: active\nlast_contact: 2026-01-05\nmeetings:\n  - date: 2026-02-20\n    title: Check-in\n  - date: 2026-04-01\n    title: Planned\n";
    let guide = guide(&[("it", yaml)], "2026-03-01");
    let pr = &guide.partners["it"].profile;
    // The meeting of 2026-02-20 counts; the one planned for April does not yet.
    assert_eq!(last_contact(pr, day("2026-03-01")), Some(d("2026-02-20")));
    assert_eq!(stale_days(last_contact(pr, day("2026-03-01")), pr.status, day("2026-03-01"), 60), None);
    // The written date alone would have been stale (55 days is not, 115 is).
    assert_eq!(stale_days(pr.last_contact, pr.status, day("2026-04-30"), 60), Some(115));
}

#[test]
fn review_is_due_from_reviewed_else_updated_and_only_past_the_interval() {
    let today = day("2027-06-30");
    // `reviewed` wins over a later `updated`: an update is not a review.
    let due = review_due(Some(d("2026-06-29")), Some(d("2027-06-01")), today, 365).unwrap();
    assert_eq!(due, ReviewDue { since: d("2026-06-29"), by: ReviewBasis::Reviewed, days: 366 });
    // Exactly `every_days` ago is not yet due.
    assert_eq!(review_due(Some(d("2026-06-30")), None, today, 365), None);
    // Without `reviewed`, the last update counts.
    let due = review_due(None, Some(d("2027-01-01")), today, 90).unwrap();
    assert_eq!((due.by, due.days), (ReviewBasis::Updated, 180));
    // A recent review keeps an old playbook off the list.
    assert_eq!(review_due(Some(d("2027-06-01")), Some(d("2020-01-01")), today, 365), None);
    // Nothing to count from, or a date ahead of today: never due.
    assert_eq!(review_due(None, None, today, 0), None);
    assert_eq!(review_due(Some(d("2028-01-01")), None, today, 0), None);
}
