//! Examples of every edit, byte for byte, and of every refusal. The
//! property tests over shipped and generated files are in `proptests.rs`.

use chrono::NaiveDate;

use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn item(task: &str, owner: Option<&str>, due: Option<&str>) -> NewItem {
    NewItem { task: task.into(), owner: owner.map(Into::into), due: due.map(day) }
}

fn ok(text: &str, edit: &PartnerEdit) -> String {
    edit_partner(text, edit).unwrap_or_else(|e| panic!("{e}\n--- in ---\n{text}"))
}

const PROFILE: &str = "\
# Campus IT, kept by the liaison team
name: Campus IT   # the unit's own name
status: contacted
offers:
- Wi-Fi
- 'Service desk'

next_step:
    action: Call Luis  # by phone
    due: 2026-12-08
action_items:
    - task: Send the floor plan
      owner: Ann
    - task: Book the room
      done: true
meetings:
    - date: 2026-09-15
      title: First meeting
      action_items: [{task: Draft the SLA, owner: Priya}]
# end of file
";

#[test]
fn status_and_contact_change_only_their_value() {
    let got = ok(PROFILE, &PartnerEdit::Status("active".into()));
    assert_eq!(got, PROFILE.replace("status: contacted", "status: active"));
    let got = ok(PROFILE, &PartnerEdit::LogContact(day("2026-12-07")));
    let want = PROFILE.replace(
        "      action_items: [{task: Draft the SLA, owner: Priya}]\n",
        "      action_items: [{task: Draft the SLA, owner: Priya}]\nlast_contact: 2026-12-07\n",
    );
    assert_eq!(got, want);
}

#[test]
fn an_item_is_appended_at_the_list_s_indentation() {
    let got = ok(PROFILE, &PartnerEdit::AddItem(item("Order: 12 chairs", Some("yes"), Some("2026-12-20"))));
    let want = PROFILE.replace(
        "      done: true\n",
        "      done: true\n    - task: \"Order: 12 chairs\"\n      owner: \"yes\"\n      due: 2026-12-20\n",
    );
    assert_eq!(got, want);
}

#[test]
fn a_meeting_goes_in_date_order_with_a_notes_block() {
    let meeting = NewMeeting {
        date: day("2026-12-07"),
        title: Some("Second meeting".into()),
        attendees: vec!["Ann".into(), "Luis, CIO office".into()],
        notes: Some("Agreed on a pilot.\n\n- ask about #ports\n".into()),
        items: vec![item("Send the draft", Some("Ann"), None), item("12:30", None, Some("2027-01-05"))],
    };
    let got = ok(PROFILE, &PartnerEdit::LogMeeting(meeting));
    let want = PROFILE.replace(
        "Priya}]\n",
        "Priya}]\n    - date: 2026-12-07\n      title: Second meeting\n      attendees: [Ann, \"Luis, CIO office\"]\n      notes: |\n          Agreed on a pilot.\n\n          - ask about #ports\n      action_items:\n          - task: Send the draft\n            owner: Ann\n          - task: \"12:30\"\n            due: 2027-01-05\n",
    );
    assert_eq!(got, want);
    // An earlier meeting goes before the first.
    let early = NewMeeting { date: day("2026-01-02"), title: None, attendees: vec![], notes: None, items: vec![] };
    let got = ok(PROFILE, &PartnerEdit::LogMeeting(early));
    assert_eq!(got, PROFILE.replace("meetings:\n", "meetings:\n    - date: 2026-01-02\n"));
}

#[test]
fn mark_done_finds_the_winning_copy() {
    // A profile item: `done: true` is added to it.
    let got = ok(PROFILE, &PartnerEdit::MarkDone { task: "send THE floor plan ".into(), on: None });
    assert_eq!(got, PROFILE.replace("      owner: Ann\n", "      owner: Ann\n      done: true\n"));
    // A meeting's item in flow style.
    let got = ok(PROFILE, &PartnerEdit::MarkDone { task: "Draft the SLA".into(), on: None });
    assert_eq!(got, PROFILE.replace("owner: Priya}", "owner: Priya, done: true}"));
    // The next step is removed, its comment with it.
    let got = ok(PROFILE, &PartnerEdit::MarkDone { task: "call luis".into(), on: None });
    assert_eq!(got, PROFILE.replace("next_step:\n    action: Call Luis  # by phone\n    due: 2026-12-08\n", ""));
    // An existing `done: false` is flipped in place.
    let text = "name: X\naction_items:\n  - {task: A, done: false}\n";
    assert_eq!(
        ok(text, &PartnerEdit::MarkDone { task: "a".into(), on: None }),
        "name: X\naction_items:\n  - {task: A, done: true}\n"
    );
    // A done item or an unknown one is refused.
    for task in ["Book the room", "Nothing like it"] {
        let e = edit_partner(PROFILE, &PartnerEdit::MarkDone { task: task.into(), on: None }).unwrap_err();
        assert!(e.message.contains("no open item"), "{e}");
    }
}

#[test]
fn the_next_step_is_changed_key_by_key() {
    let step = NewNextStep { action: "Email Priya".into(), owner: Some("Ann".into()), due: None };
    let got = ok(PROFILE, &PartnerEdit::NextStep(step.clone()));
    let want = PROFILE.replace(
        "action: Call Luis  # by phone\n    due: 2026-12-08\n",
        "action: Email Priya  # by phone\n    owner: Ann\n",
    );
    assert_eq!(got, want);
    // Created when missing, at the file's indentation step.
    let text = "name: X\ncontacts:\n    - name: Y\n";
    let got = ok(text, &PartnerEdit::NextStep(step));
    assert_eq!(got, "name: X\ncontacts:\n    - name: Y\nnext_step:\n    action: Email Priya\n    owner: Ann\n");
}

#[test]
fn crlf_bom_flow_lists_and_missing_keys_are_kept() {
    let text = "\u{feff}name: 'X'\r\naction_items: []\r\n";
    let got = ok(text, &PartnerEdit::AddItem(item("Call", None, None)));
    assert_eq!(got, "\u{feff}name: 'X'\r\naction_items: [{task: Call}]\r\n");
    let got = ok(
        text,
        &PartnerEdit::LogMeeting(NewMeeting {
            date: day("2026-12-07"),
            title: None,
            attendees: vec![],
            notes: Some("a\nb".into()),
            items: vec![],
        }),
    );
    assert_eq!(
        got,
        "\u{feff}name: 'X'\r\naction_items: []\r\nmeetings:\r\n  - date: 2026-12-07\r\n    notes: |-\r\n      a\r\n      b\r\n"
    );
    // A file without a final line end gets one before the new lines.
    let got = ok("name: X", &PartnerEdit::Status("active".into()));
    assert_eq!(got, "name: X\nstatus: active\n");
    // Quoted values stay quoted the same way.
    let got = ok("name: X\nstatus: \"prospect\"\n", &PartnerEdit::Status("active".into()));
    assert_eq!(got, "name: X\nstatus: \"active\"\n");
}

#[test]
fn anchors_aliases_and_unknown_values_are_refused() {
    let cases = [
        ("name: X\naction_items: &items\n  - task: A\n", PartnerEdit::AddItem(item("B", None, None)), "anchor"),
        ("name: X\nstatus: &s active\n", PartnerEdit::Status("paused".into()), "anchor"),
        ("name: X\naction_items:\n  - &a {task: A}\n", PartnerEdit::MarkDone { task: "A".into(), on: None }, "anchor"),
        ("name: X\nstatus: active\n", PartnerEdit::Status("asleep".into()), "unknown status"),
        ("name: [X\n", PartnerEdit::Status("active".into()), "does not load"),
        ("name: X\naction_items: none\n", PartnerEdit::AddItem(item("B", None, None)), "does not load"),
    ];
    for (text, edit, want) in cases {
        let e = edit_partner(text, &edit).unwrap_err();
        assert!(e.message.contains(want), "{text:?}: {e}");
        assert!(e.hint.is_some());
    }
}

#[test]
fn a_result_that_reads_back_differently_is_refused() {
    // `|+` keeps its trailing blank lines as text: an item appended after them
    // would take them away, so the engine refuses rather than change the notes.
    let text = "name: X\nmeetings:\n  - date: 2026-01-01\n    notes: |+\n      a\n\n";
    let e = edit_partner(text, &PartnerEdit::MarkDone { task: "x".into(), on: None }).unwrap_err();
    assert!(e.message.contains("no open item"));
    let meeting = NewMeeting { date: day("2026-02-01"), title: None, attendees: vec![], notes: None, items: vec![] };
    let e = edit_partner(text, &PartnerEdit::LogMeeting(meeting)).unwrap_err();
    assert!(e.message.contains("change more than asked"), "{e}");
}

#[test]
fn markdown_fields_change_in_place_and_the_body_is_replaced() {
    let text = "---\r\ntitle: Old   # keep\r\nstage: meet\r\ntags: [a, b]\r\norder: 2\r\n---\r\nOld body\r\n";
    let edit = MarkdownEdit {
        fields: vec![
            FieldChange { key: "title".into(), value: FieldValue::Text("New: title".into()) },
            FieldChange { key: "tags".into(), value: FieldValue::List(vec!["c".into(), "yes".into()]) },
            FieldChange { key: "order".into(), value: FieldValue::Remove },
            FieldChange { key: "summary".into(), value: FieldValue::Text("Short".into()) },
        ],
        body: "New body\nline two\n".into(),
    };
    let got = edit_markdown(text, &edit).unwrap();
    assert_eq!(
        got,
        "---\r\ntitle: \"New: title\"   # keep\r\nstage: meet\r\ntags: [c, \"yes\"]\r\nsummary: Short\r\n---\r\nNew body\r\nline two\r\n"
    );
}

#[test]
fn markdown_without_front_matter_gets_one_only_when_fields_are_set() {
    let edit = MarkdownEdit { fields: vec![], body: "Hello\n".into() };
    assert_eq!(edit_markdown("\u{feff}Old\n", &edit).unwrap(), "\u{feff}Hello\n");
    let edit = MarkdownEdit {
        fields: vec![FieldChange { key: "title".into(), value: FieldValue::Text("About".into()) }],
        body: "Hello\n".into(),
    };
    assert_eq!(edit_markdown("Old\n", &edit).unwrap(), "---\ntitle: About\n---\nHello\n");
    assert_eq!(edit_markdown("---\n---\nOld\n", &edit).unwrap(), "---\ntitle: About\n---\nHello\n");
    assert_eq!(edit_markdown("---\r\ntitle: A\r\n---", &edit).unwrap(), "---\r\ntitle: About\r\n---\r\nHello\r\n");
    // A body that would read as front matter is refused.
    let edit = MarkdownEdit { fields: vec![], body: "---\ntitle: x\n---\n".into() };
    assert!(edit_markdown("Old\n", &edit).is_err());
}

#[test]
fn markdown_refusals_name_the_problem() {
    let text = "---\ntitle: A\nstage: meet\n---\n";
    let bad = [
        ("stage", FieldValue::Text("dance".into()), "unknown value"),
        ("order", FieldValue::Text("two".into()), "whole number"),
        ("updated", FieldValue::Text("2026-02-30".into()), "not a date"),
        ("title", FieldValue::Remove, "missing required key"),
    ];
    for (key, value, want) in bad {
        let edit = MarkdownEdit { fields: vec![FieldChange { key: key.into(), value }], body: String::new() };
        let e = edit_markdown(text, &edit).unwrap_err();
        assert!(e.message.contains(want), "{key}: {e}");
    }
    let anchored = "---\ntitle: &t A\n---\n";
    let edit = MarkdownEdit {
        fields: vec![FieldChange { key: "title".into(), value: FieldValue::Text("B".into()) }],
        body: String::new(),
    };
    assert!(edit_markdown(anchored, &edit).unwrap_err().message.contains("anchor"));
}

#[test]
fn values_written_as_nothing_are_filled_in() {
    let text = "name: X\nstatus:\nnext_step: # soon\n# none yet\n";
    assert_eq!(
        ok(text, &PartnerEdit::Status("active".into())),
        "name: X\nstatus: active\nnext_step: # soon\n# none yet\n"
    );
    let step = NewNextStep { action: "Call".into(), owner: None, due: Some(day("2026-03-04")) };
    assert_eq!(
        ok(text, &PartnerEdit::NextStep(step)),
        "name: X\nstatus:\nnext_step:\n  action: Call\n  due: 2026-03-04\n# none yet\n"
    );
}

#[test]
fn a_folded_summary_is_replaced_whole() {
    let text = "---\ntitle: A\nsummary: >\n  folded\n  text\n\nstage: meet\n---\nbody\n";
    let edit = MarkdownEdit {
        fields: vec![FieldChange { key: "summary".into(), value: FieldValue::Text("Two\nlines".into()) }],
        body: "body\n".into(),
    };
    assert_eq!(
        edit_markdown(text, &edit).unwrap(),
        "---\ntitle: A\nsummary: \"Two\\nlines\"\n\nstage: meet\n---\nbody\n"
    );
}

#[test]
fn a_block_list_stays_a_block_list() {
    let text = "---\ntitle: A\ntags:\n    -   one   # first\n    - two\nstage: meet\n---\n";
    let edit = |tags: Vec<&str>| MarkdownEdit {
        fields: vec![FieldChange {
            key: "tags".into(),
            value: FieldValue::List(tags.into_iter().map(Into::into).collect()),
        }],
        body: String::new(),
    };
    assert_eq!(
        edit_markdown(text, &edit(vec!["x, y", "z"])).unwrap(),
        "---\ntitle: A\ntags:\n    -   x, y\n    -   z\nstage: meet\n---\n"
    );
    assert_eq!(edit_markdown(text, &edit(vec![])).unwrap(), "---\ntitle: A\ntags: []\nstage: meet\n---\n");
    // A list holding an anchor is not replaced.
    let anchored = "---\ntitle: A\ntags:\n  - &t one\n---\n";
    assert!(edit_markdown(anchored, &edit(vec!["x"])).unwrap_err().message.contains("anchor"));
}

#[test]
fn meetings_kept_newest_first_stay_so() {
    let text = "name: X\nmeetings:\n  - date: 2026-05-01\n  - date: 2026-03-01\n";
    let meeting = |d: &str| {
        PartnerEdit::LogMeeting(NewMeeting { date: day(d), title: None, attendees: vec![], notes: None, items: vec![] })
    };
    assert_eq!(
        ok(text, &meeting("2026-04-01")),
        "name: X\nmeetings:\n  - date: 2026-05-01\n  - date: 2026-04-01\n  - date: 2026-03-01\n"
    );
    assert_eq!(
        ok(text, &meeting("2026-06-01")),
        "name: X\nmeetings:\n  - date: 2026-06-01\n  - date: 2026-05-01\n  - date: 2026-03-01\n"
    );
    // No order kept: at the end.
    let mixed = "name: X\nmeetings: [{date: 2026-05-01}, {date: 2026-03-01}, {date: 2026-04-01}]\n";
    assert_eq!(
        ok(mixed, &meeting("2026-01-01")),
        "name: X\nmeetings: [{date: 2026-05-01}, {date: 2026-03-01}, {date: 2026-04-01}, {date: 2026-01-01}]\n"
    );
}
