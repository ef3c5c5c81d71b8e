//! The outreach model's rules as every output shows them: on guides where
//! items are written twice with other capitals, only under meetings, done in
//! one place and open in another, the actions pages, the partner pages, the
//! briefs, the warnings of `check`, `calendar.ics`, each owner's calendar and
//! `partners.json` list the same open items, as often and in the same order.
//! Today is 2026-11-29.

use std::collections::BTreeMap;

use icalendar::{CalendarComponent, Component};
use serde_json::Value;

use crate::support::GuideTest;

/// One open item as every output should show it: in the guide's order (most
/// urgent first, then by date, partner and task).
#[derive(Clone, Copy, Debug)]
struct Want {
    /// Partner slug.
    partner: &'static str,
    task: &'static str,
    /// The due date of the copy that wins, as written.
    due: Option<&'static str>,
    overdue: bool,
    next_step: bool,
}

const SITE: &str = "title: Rules fixture\nstale_after_days: 60\n";

/// The profile's copy of the licence wins over the meeting's (other capitals,
/// owner and date); the map room is done in the profile, open under the
/// meeting; the survey layers and the outline are written only under
/// meetings, the layers twice; the next step is repeated under a meeting.
const GIS: &str = "name: GIS Centre
status: active
last_contact: 2026-11-20
next_step:
  action: Send the data agreement
  due: 2026-12-01
  owner: Ana Ruiz
action_items:
  - task: Confirm the ArcGIS licence count
    owner: Ana Ruiz
    due: 2026-11-17
  - task: Book the map room
    owner: Bo Chen
    due: 2026-11-10
    done: true
meetings:
  - date: 2026-11-12
    title: Licences
    attendees: [Ana Ruiz, Bo Chen]
    action_items:
      - task: confirm the ArcGIS licence count
        owner: Bo Chen
        due: 2026-11-20
      - task: Book the map room
        owner: Bo Chen
        due: 2026-11-10
      - task: Share the survey layers
        owner: Bo Chen
        due: 2026-11-28
      - task: '  send the DATA agreement'
  - date: 2026-10-01
    title: Kick-off
    action_items:
      - task: Share the survey layers
        owner: Cy Diaz
        due: 2026-10-15
      - task: Draft a workshop outline
        due: 2027-01-15
";

/// Paused a long time ago (never stale); the meeting's done copy of the
/// printer does not close the profile's open one.
const LAB: &str = "name: Makerspace
status: paused
last_contact: 2025-01-10
action_items:
  - task: Return the borrowed 3D printer
    owner: Ana Ruiz
    due: 2026-11-29
  - task: Write the pause note
    owner: Dee Evans
meetings:
  - date: 2025-01-10
    action_items:
      - task: RETURN the borrowed 3D printer
        due: 2025-02-01
        done: true
      - task: Plan the reopening
        owner: Dee Evans
        due: 2026-11-20
";

/// No status: counts as active, so stale after 60 days.
const LAW: &str = "name: Law Library
last_contact: 2026-08-01
";

/// Only meeting items: the newest meeting's copy comes first and wins.
const ART: &str = "name: Art Department
status: meeting
last_contact: 2026-11-01
next_step:
  action: Call the chair
meetings:
  - date: 2026-11-01
    action_items:
      - task: Send the slides
        done: true
      - task: Order posters
        owner: Eli Fox
        due: 2026-12-20
  - date: 2026-10-01
    action_items:
      - task: send the slides
        owner: Eli Fox
        due: 2026-10-05
      - task: order posters
        due: 2026-10-10
      - task: Ask about the gallery
        owner: Eli Fox
        due: 2026-11-02
";

fn want(partner: &'static str, task: &'static str, due: Option<&'static str>, overdue: bool) -> Want {
    Want { partner, task, due, overdue, next_step: false }
}

fn next_step(partner: &'static str, task: &'static str, due: Option<&'static str>) -> Want {
    Want { partner, task, due, overdue: false, next_step: true }
}

fn built(partners: &[(&str, &str)]) -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE);
    for (slug, text) in partners {
        t.file(&format!("partners/{slug}.yaml"), text);
    }
    t.build_ok();
    t
}

#[test]
fn every_output_lists_the_same_open_items_once_in_the_same_order() {
    let t = built(&[("gis", GIS), ("lab", LAB), ("law", LAW)]);
    let items = [
        want("gis", "Confirm the ArcGIS licence count", Some("2026-11-17"), true),
        want("lab", "Plan the reopening", Some("2026-11-20"), true),
        want("gis", "Share the survey layers", Some("2026-11-28"), true),
        want("lab", "Return the borrowed 3D printer", Some("2026-11-29"), false),
        next_step("gis", "Send the data agreement", Some("2026-12-01")),
        want("gis", "Draft a workshop outline", Some("2027-01-15"), false),
        want("lab", "Write the pause note", None, false),
    ];
    assert_outputs_agree(&t, &items);
    let owner = t.main_of("actions/owner/ana-ruiz/index.html");
    let ana = ["Confirm the ArcGIS licence count", "Return the borrowed 3D printer", "Send the data agreement"];
    assert_eq!(action_rows(&owner), ana, "an owner's actions");

    // The partner page lists each item once, as its winning copy writes it,
    // and each meeting points to the items agreed at it by that text.
    let gis = t.main_of("partners/gis/index.html");
    let meeting = between(&gis, "id=\"meeting-2026-11-12\"", "id=\"meeting-2026-10-01\"");
    let licence = "<a href=\"#item-1\">Confirm the ArcGIS licence count</a>";
    assert!(meeting.contains(licence), "{meeting}");
    assert!(meeting.contains(">Book the map room</a>"), "{meeting}");
    assert!(meeting.contains("<a href=\"#next-step\">Send the data agreement</a>"), "{meeting}");
    assert!(!meeting.contains("class=\"item"), "a meeting repeats no item: {meeting}");
    let item = between(&gis, "id=\"item-1\">", "</li>");
    assert!(item.contains("Confirm the ArcGIS licence count\n  <span class=\"meta\">Owner: Ana Ruiz · Due <time datetime=\"2026-11-17\">2026-11-17</time> (12 days late)"), "{item}");
    let done = between(&gis, "<h3>Done</h3>", "</ul>");
    assert_eq!(listed_tasks(done), ["Book the map room"], "{done}");
    assert!(gis.contains("Due <time datetime=\"2026-12-01\">2026-12-01</time> (due in 2 days)"), "{gis}");

    // Stale: the partner without status, not the paused one.
    let json = partners_json(&t);
    let stale: Vec<(&str, bool)> = json.iter().map(|p| (p["slug"].as_str().unwrap(), p["stale"] == true)).collect();
    assert_eq!(stale, [("gis", false), ("lab", false), ("law", true)]);
    let home = t.main_of("index.html");
    assert!(
        home.contains("Law Library") && !between(&home, "No contact for more than", "</div>").contains("Makerspace")
    );
    let stale_warnings: Vec<String> = warnings(&t)
        .iter()
        .filter(|w| w["code"] == "stale-partner")
        .map(|w| w["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stale_warnings, ["partners/law.yaml"]);
}

#[test]
fn items_written_only_under_meetings_follow_the_newest_meeting() {
    let t = built(&[("art", ART)]);
    let items = [
        want("art", "Ask about the gallery", Some("2026-11-02"), true),
        want("art", "Order posters", Some("2026-12-20"), false),
        next_step("art", "Call the chair", None),
    ];
    assert_outputs_agree(&t, &items);
}

/// Checks that every output lists `items`, each once, in order.
fn assert_outputs_agree(t: &GuideTest, items: &[Want]) {
    let tasks = |keep: &dyn Fn(&Want) -> bool| items.iter().filter(|w| keep(w)).map(|w| w.task).collect::<Vec<_>>();
    let partners: Vec<&str> = {
        let mut p: Vec<&str> = items.iter().map(|w| w.partner).collect();
        p.sort_unstable();
        p.dedup();
        p
    };

    // The actions page, with its count, and the home page's overdue count.
    let actions = t.main_of("actions/index.html");
    assert_eq!(action_rows(&actions), tasks(&|_| true), "/actions/");
    let total = items.len();
    assert!(actions.contains(&format!("{total} open item{}", if total == 1 { "" } else { "s" })), "{actions}");
    let overdue = items.iter().filter(|w| w.overdue).count();
    assert!(t.main_of("index.html").contains(&format!("Overdue <span class=\"count\">({overdue})</span>")));

    let json = partners_json(t);
    let json: BTreeMap<&str, &Value> = json.iter().map(|p| (p["slug"].as_str().unwrap(), p)).collect();
    let events = calendar_tasks(t);
    let warned = overdue_warnings(t);

    for &slug in &partners {
        let mine = |w: &Want| w.partner == slug;
        let all = tasks(&mine);

        let page = t.main_of(&format!("actions/partner/{slug}/index.html"));
        assert_eq!(action_rows(&page), all, "/actions/partner/{slug}/");

        // The partner page: the next step in its own place, the other open items once.
        let partner = t.main_of(&format!("partners/{slug}/index.html"));
        let open = partner.split("<h3>Open</h3>").nth(1).map(|rest| between(rest, "", "</ul>")).unwrap_or_default();
        assert_eq!(listed_tasks(open), tasks(&|w| mine(w) && !w.next_step), "open items of {slug}");
        for step in items.iter().filter(|w| mine(w) && w.next_step) {
            let section = between(&partner, "id=\"next-step\"", "</section>");
            assert!(section.contains(&format!("{}</p>", step.task)), "{section}");
        }

        // The brief: the open items (at most eight, the most urgent), each
        // once on the page before the follow-up message; the agenda counts them.
        let brief = t.main_of(&format!("partners/{slug}/brief/index.html"));
        let shown: Vec<&str> = all.iter().copied().take(8).collect();
        assert_eq!(listed_tasks(between(&brief, "id=\"open-h\"", "</section>")), shown, "brief of {slug}");
        let before_follow_up = brief.split("class=\"follow-up\"").next().unwrap();
        for task in &shown {
            assert_eq!(before_follow_up.matches(task).count(), 1, "{task} once in the brief: {before_follow_up}");
        }

        // partners.json: the open items in order, and the overdue count.
        let p = json[slug];
        let listed: Vec<&str> =
            p["open_items"].as_array().unwrap().iter().map(|i| i["task"].as_str().unwrap()).collect();
        assert_eq!(listed, all, "partners.json of {slug}");
        let overdue_here = items.iter().filter(|w| mine(w) && w.overdue).count();
        assert_eq!(p["overdue_items"], overdue_here, "partners.json overdue_items of {slug}");
        let flags: Vec<bool> = p["open_items"].as_array().unwrap().iter().map(|i| i["overdue"] == true).collect();
        assert_eq!(flags, items.iter().filter(|w| mine(w)).map(|w| w.overdue).collect::<Vec<_>>());

        // calendar.ics: one event per dated open item, in the same order.
        let in_calendar: Vec<&str> = events.get(slug).into_iter().flatten().map(String::as_str).collect();
        assert_eq!(in_calendar, tasks(&|w| mine(w) && w.due.is_some()), "calendar.ics of {slug}");
    }

    // Each owner's calendar: exactly the dated items of the owner's actions page, as
    // calendar.ics has them (same UIDs and text); with the items nobody owns, every item
    // event of calendar.ics, each once.
    let whole = item_events(&t.read_output("calendar.ics"));
    let owners_dir = t.public().join("calendar/owner");
    let mut in_owner_calendars: Vec<ItemEvent> = Vec::new();
    for entry in std::fs::read_dir(&owners_dir).expect("the owners' calendars") {
        let path = entry.unwrap().path();
        let owner = path.file_stem().unwrap().to_str().unwrap().to_string();
        let mine = item_events(&std::fs::read_to_string(&path).unwrap());
        assert!(!mine.is_empty(), "a calendar for {owner}, who has dated items");
        let page = t.main_of(&format!("actions/owner/{owner}/index.html"));
        let dated: Vec<&str> = action_rows(&page)
            .into_iter()
            .filter(|task| items.iter().any(|w| w.task == *task && w.due.is_some()))
            .collect();
        let mut tasks: Vec<&str> = mine.iter().map(|e| e.task.as_str()).collect();
        tasks.sort_unstable();
        let mut dated = dated;
        dated.sort_unstable();
        assert_eq!(tasks, dated, "{owner}'s calendar holds the dated items of their page");
        for e in &mine {
            assert!(whole.contains(e), "{owner}'s event {e:?} is calendar.ics's, with the same UID");
        }
        in_owner_calendars.extend(mine);
    }
    let unowned: Vec<&ItemEvent> = whole.iter().filter(|e| e.owner == "not assigned").collect();
    assert_eq!(in_owner_calendars.len() + unowned.len(), whole.len(), "each item event in one owner's calendar");

    // check: one overdue-item warning per overdue open item, at the winning copy's date.
    let mut want_warned: Vec<(String, String, String)> = items
        .iter()
        .filter(|w| w.overdue)
        .map(|w| (format!("partners/{}.yaml", w.partner), w.task.to_string(), w.due.unwrap().to_string()))
        .collect();
    want_warned.sort();
    let mut got_warned: Vec<(String, String, String)> =
        warned.iter().map(|w| (w.file.clone(), w.task.clone(), w.text_at.clone())).collect();
    got_warned.sort();
    assert_eq!(got_warned, want_warned, "overdue-item warnings");
}

/// The tasks of the items (`<li class="item...">`) of an HTML fragment, in order, badges left out.
fn listed_tasks(html: &str) -> Vec<&str> {
    html.split("<li class=\"item")
        .skip(1)
        .map(|li| {
            let mut text = li.split_once(">\n").map_or("", |(_, rest)| rest).trim_start();
            while let Some(rest) = text.strip_prefix("<span class=\"badge") {
                text = rest.split_once("</span> ").map_or("", |(_, rest)| rest);
            }
            text.split('\n').next().unwrap_or_default().trim_end()
        })
        .collect()
}

/// The tasks of the rows of the actions tables of an HTML fragment, in order.
fn action_rows(html: &str) -> Vec<&str> {
    html.split("<span class=\"task-text\">")
        .skip(1)
        .map(|row| row.split("</span>").next().unwrap_or_default())
        .collect()
}

/// An event of a next step or an action item in a calendar.
#[derive(Debug, PartialEq)]
struct ItemEvent {
    uid: String,
    task: String,
    /// The owner as the description names them.
    owner: String,
}

/// The item events of a calendar (meetings left out), in the order written.
fn item_events(ics: &str) -> Vec<ItemEvent> {
    let calendar: icalendar::Calendar = ics.parse().expect("a calendar that parses");
    let mut out = Vec::new();
    for c in &calendar.components {
        let CalendarComponent::Event(e) = c else { continue };
        let uid = e.get_uid().unwrap();
        if !uid.contains("-next-step-") && !uid.contains("-action-") {
            continue; // a meeting
        }
        let task = e.get_summary().unwrap().split_once(": ").unwrap().1.rsplit_once(" (").unwrap().0;
        let owner = e.get_description().unwrap().lines().next().unwrap().trim_start_matches("Owner: ");
        out.push(ItemEvent { uid: uid.to_string(), task: task.to_string(), owner: owner.to_string() });
    }
    out
}

/// The text of `html` after `from` up to `to` (empty when `from` is missing).
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let Some(start) = html.find(from) else { return "" };
    let rest = &html[start + from.len()..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

fn partners_json(t: &GuideTest) -> Vec<Value> {
    let json: Value = serde_json::from_str(&t.read_output("partners.json")).expect("partners.json parses");
    json["partners"].as_array().unwrap().clone()
}

/// The tasks of each partner's item events (next steps and action items) in
/// `calendar.ics`, parsed back, by partner slug in the order written.
fn calendar_tasks(t: &GuideTest) -> BTreeMap<String, Vec<String>> {
    let ics = t.read_output("calendar.ics");
    let calendar: icalendar::Calendar = ics.parse().expect("calendar.ics parses");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &calendar.components {
        let CalendarComponent::Event(e) = c else { continue };
        let uid = e.get_uid().unwrap();
        let Some((slug, _)) = ["-next-step-", "-action-"].iter().find_map(|k| uid.split_once(k)) else {
            continue; // a meeting
        };
        let summary = e.get_summary().unwrap();
        let task = summary.split_once(": ").unwrap().1.rsplit_once(" (").unwrap().0;
        out.entry(slug.to_string()).or_default().push(task.to_string());
    }
    out
}

/// Every diagnostic of `check --format json`.
fn warnings(t: &GuideTest) -> Vec<Value> {
    let run = t.run(&["check", "--format", "json"]).success();
    run.stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON diagnostic a line")).collect()
}

/// An overdue-item warning: its file, the task its message names, and the
/// text of the guide where it points.
struct Warned {
    file: String,
    task: String,
    text_at: String,
}

fn overdue_warnings(t: &GuideTest) -> Vec<Warned> {
    warnings(t)
        .iter()
        .filter(|w| w["code"] == "overdue-item")
        .map(|w| {
            let file = w["file"].as_str().unwrap().to_string();
            let message = w["message"].as_str().unwrap();
            let task = between(message, "`", "`").to_string();
            let text = std::fs::read_to_string(t.guide().join(&file)).unwrap();
            let line = text.lines().nth(w["line"].as_u64().unwrap() as usize - 1).unwrap();
            let from = w["column"].as_u64().unwrap() as usize - 1;
            let to = w["end_column"].as_u64().unwrap() as usize - 1;
            let text_at: String = line.chars().skip(from).take(to - from).collect();
            assert!(message.contains(" late)"), "the message says how late: {message}");
            Warned { file, task, text_at }
        })
        .collect()
}
