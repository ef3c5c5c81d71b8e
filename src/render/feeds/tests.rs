use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use icalendar::{CalendarComponent, Component, DatePerhapsTime};
use serde_json::Value;

use super::calendar::*;
use super::json::*;
use super::*;
use crate::link::LinkOptions;
use crate::load::fields::Date;
use crate::load::partner::ActionItem;
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
    let opts = LinkOptions {
        base_url: base_url.map(Into::into),
        drafts: false,
        today: TODAY.parse().unwrap(),
        private: false,
    };
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
    let uids =
        |ics: &str| -> Vec<String> { parsed_events(ics).iter().map(|e| e.get_uid().unwrap().to_string()).collect() };
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
            done_on: None,
        },
    );
    profile.meetings[0].action_items[1].due = Some(Spanned::unplaced(Date("2026-05-05".parse().unwrap())));
    let second = uids(&calendar(&relinked(edited)));
    assert_eq!(second.len(), first.len() + 1);
    for u in &first {
        assert!(second.contains(u), "{u} changed");
    }
}

/// `guide` with its open items found again after a test edited a profile in place.
fn relinked(mut guide: Guide) -> Guide {
    guide.actions = Arc::new(crate::link::rules::Actions::new(
        guide.partners.values().map(|p| crate::link::rules::open_items(&p.slug, &p.profile, guide.today)),
    ));
    guide
}

#[test]
fn tasks_written_with_other_capitals_are_one_event() {
    let mut g = guide();
    let p = g.partners.get_mut("lab-ops").unwrap();
    let profile = Arc::make_mut(&mut Arc::make_mut(p).profile);
    for (task, due) in [("Send minutes", "2026-06-01"), (" send MINUTES", "2026-07-01")] {
        let due = Some(Spanned::unplaced(Date(due.parse().unwrap())));
        profile.action_items.push(ActionItem { task: task.into(), owner: None, due, done: false, done_on: None });
    }
    let g = relinked(g);
    let events = parsed_events(&calendar(&g));
    let uids: Vec<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    assert_eq!(uids.iter().collect::<BTreeSet<_>>().len(), uids.len(), "{uids:?}");
    let minutes: Vec<&icalendar::Event> =
        events.iter().filter(|e| e.get_summary().unwrap().to_lowercase().contains("minutes")).collect();
    assert_eq!(minutes.len(), 1, "the first copy wins");
    assert_eq!(
        minutes[0].get_uid(),
        Some(format!("lab-ops-action-{}@partnerbook", text_hash("Send minutes")).as_str())
    );
    assert_eq!(minutes[0].get_start(), Some(DatePerhapsTime::Date("2026-06-01".parse().unwrap())));
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
        serde_json::json!({"name": "Sam Gate", "role": null, "email": null, "mailto": null,
            "phone": "+1-555-0100", "tel": "tel:+15550100", "gatekeeper": true, "notes": "Answers first."})
    );
    assert_eq!(lab["contacts"][0]["gatekeeper"], false);
    assert_eq!(lab["last_contact"], "2026-01-10");
    // `last_contact` was 50 days ago, but the meeting of 2026-02-01 (28 days ago) is the last contact.
    assert_eq!(lab["stale"], false, "28 days since the last meeting, 30 allowed");
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
    // The item written twice counts once, and is listed once among the open items, most urgent first.
    assert_eq!(lab["overdue_items"], 1);
    assert_eq!(
        lab["open_items"],
        serde_json::json!([
            {"task": "Book a room for the workshop", "owner": "Ines", "due": "2026-02-20", "overdue": true,
                "when": "9 days late", "written": "action_items", "meeting": null},
            {"task": "Send the storage FAQ draft", "owner": "Mara", "due": "2026-03-10", "overdue": false,
                "when": "due in 9 days", "written": "next_step", "meeting": null},
            {"task": "Draft a joint FAQ", "owner": "Ada Byron", "due": "2026-03-20", "overdue": false,
                "when": "due in 2 weeks", "written": "meeting", "meeting": "2026-02-01"},
            {"task": "Think about a newsletter", "owner": null, "due": null, "overdue": false,
                "when": "no due date", "written": "action_items", "meeting": null},
        ])
    );
    assert_eq!(lab["meetings"][0]["action_items"][0]["overdue"], true, "the profile's copy decides");
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
    for key in [
        "offers",
        "library_offers",
        "channels",
        "contacts",
        "action_items",
        "open_items",
        "meetings",
        "tags",
        "playbooks",
    ] {
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
        json.contains(r#""summary": "\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 more""#)
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["partners"][0]["summary"], "</script><script>alert(1)</script> & more");
}

#[test]
fn partners_json_is_pretty_printed_for_any_number_of_partners() {
    let opts = LinkOptions { base_url: None, drafts: false, today: TODAY.parse().unwrap(), private: false };
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
    let value = serde_json::json!({"a<b": "x</script>&\u{2028}\u{2029}\\<é—’…\u{2027}\u{202a}", "n": [1, 2.5, null]});
    let raw = serde_json::to_string_pretty(&value).unwrap();
    let safe = inline_safe(&raw);
    assert!(!safe.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{safe}");
    assert!(safe.contains(r"\u2028\u2029\\\u003c"), "{safe}");
    // Characters that share the escaped ones' first byte stay as they are.
    assert!(safe.contains("é—’…\u{2027}\u{202a}"), "{safe}");
    assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
}

#[test]
fn an_owners_calendar_holds_their_dated_items_as_the_whole_calendar_writes_them() {
    let g = guide();
    let whole = calendar(&g);
    let blocks = |ics: &str| -> Vec<String> {
        ics.split("BEGIN:VEVENT\r\n").skip(1).map(|b| b.split("END:VEVENT").next().unwrap().to_string()).collect()
    };
    let all = blocks(&whole);
    let mara = owner_calendar(&g, "mara").expect("Mara owns the next step");
    let ines = owner_calendar(&g, "ines").expect("Ines owns the room booking");
    for (ics, owner, want) in [
        (&mara, "Mara", vec!["Next step: Send the storage FAQ draft (Lab, Ops; Data \\ Science)"]),
        (&ines, "Ines", vec!["Action: Book a room for the workshop (Lab, Ops; Data \\ Science)"]),
    ] {
        let events = parsed_events(ics);
        let summaries: Vec<&str> = events.iter().map(|e| e.get_summary().unwrap()).collect();
        assert_eq!(summaries, want, "{owner}: their items only, no meeting");
        for b in blocks(ics) {
            assert!(all.contains(&b), "{owner}'s event is written as in calendar.ics, UID included:\n{b}");
        }
        let name: icalendar::Calendar = ics.parse().unwrap();
        assert_eq!(name.get_name(), Some(format!("Outreach, Guide; Test: {owner}").as_str()));
    }
    // Nobody else, and the same calendars when all are made at once (as `build` does).
    assert_eq!(owner_calendar(&g, "nobody"), None);
    let made: BTreeMap<String, String> = owner_calendars(&g).into_iter().collect();
    assert_eq!(made.keys().collect::<Vec<_>>(), ["ada-byron", "ines", "mara"]);
    assert_eq!(made["mara"], mara);
    assert_eq!(made["ines"], ines);
}
