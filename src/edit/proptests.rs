//! Property tests: every edit of every kind, on every partner file of the
//! shipped guide and of the test fixtures and on generated files of every
//! layout, reads back as exactly the intended profile and leaves every byte
//! outside the edited region as it was.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use super::*;
use crate::link::rules::{Place, open_items};
use crate::load::fields::{Date, Status};
use crate::load::partner::{ActionItem, Meeting, NextStep, PartnerProfile};
use crate::load::yaml::{self, Spanned, tree};
use crate::source::FileId;

fn load(text: &str) -> Option<PartnerProfile> {
    yaml::parse(FileId(0), text, 0).ok()
}

fn spanned(date: NaiveDate) -> Spanned<Date> {
    Spanned { value: Date(date), offset: 0, len: 0 }
}

fn action_item(i: &NewItem) -> ActionItem {
    ActionItem { task: i.task.clone(), owner: i.owner.clone(), due: i.due.map(spanned), done: false, done_on: None }
}

/// The profile `old` with `edit` applied, by the guide format's rules.
fn expected(old: &PartnerProfile, new: &PartnerProfile, edit: &PartnerEdit) -> PartnerProfile {
    let mut want = old.clone();
    match edit {
        PartnerEdit::LogMeeting(m) => {
            let meeting = Meeting {
                date: Date(m.date),
                title: m.title.clone(),
                attendees: m.attendees.clone(),
                agenda: vec![],
                notes: m.notes.clone().map(|n| Spanned { value: n, offset: 0, len: 0 }),
                private_notes: None,
                action_items: m.items.iter().map(action_item).collect(),
            };
            // Where it went is checked apart (date order); here, that it went in whole.
            let at = new.meetings.iter().position(|n| *n == meeting).unwrap_or(usize::MAX);
            want.meetings.insert(at.min(want.meetings.len()), meeting);
        }
        PartnerEdit::AddItem(i) => want.action_items.push(action_item(i)),
        PartnerEdit::MarkDone { task, on } => {
            let open = open_items("", old, NaiveDate::MIN);
            let winner = open.iter().find(|o| crate::link::rules::same_task(&o.task, task)).expect("an open task");
            let done_on = on.map(|d| Spanned { value: Date(d), offset: 0, len: 0 });
            let item = match winner.place {
                Place::NextStep => {
                    want.next_step = None;
                    return want;
                }
                Place::Profile { item } => &mut want.action_items[item],
                Place::Meeting { meeting, item, .. } => &mut want.meetings[meeting].action_items[item],
            };
            item.done = true;
            if done_on.is_some() {
                item.done_on = done_on;
            }
        }
        PartnerEdit::NextStep(n) => {
            want.next_step =
                Some(NextStep { action: n.action.clone(), owner: n.owner.clone(), due: n.due.map(spanned) })
        }
        PartnerEdit::Status(s) => want.status = Status::ALL.iter().copied().find(|v| v.as_str() == s),
        PartnerEdit::LogContact(d) => want.last_contact = Some(Date(*d)),
    }
    want
}

/// The byte range of `old` that `new` does not share as common prefix and suffix.
fn changed(old: &str, new: &str) -> std::ops::Range<usize> {
    let prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    prefix..old.len() - suffix
}

/// Where the edit may remove or replace bytes of the old text: the value it
/// changes (or for `next_step`, its whole entry); insertions remove nothing.
fn editable(old: &str, edit: &PartnerEdit) -> Vec<std::ops::Range<usize>> {
    let root = tree::parse(old).unwrap().unwrap();
    let value_of = |key: &str| root.entry(key).map(|e| e.value.span.clone());
    match edit {
        PartnerEdit::LogMeeting(_) | PartnerEdit::AddItem(_) => vec![],
        PartnerEdit::Status(_) => value_of("status").into_iter().collect(),
        PartnerEdit::LogContact(_) => value_of("last_contact").into_iter().collect(),
        PartnerEdit::NextStep(_) | PartnerEdit::MarkDone { .. } => {
            // The next step's entry, from its line to the line after it, and every `done` value.
            let mut out: Vec<_> = root
                .entry("next_step")
                .map(|e| {
                    let start = old[..e.key.span.start].rfind('\n').map_or(0, |i| i + 1);
                    let end = old[e.value.span.end.max(e.key.span.end)..]
                        .find('\n')
                        .map_or(old.len(), |i| e.value.span.end.max(e.key.span.end) + i + 1);
                    start..end
                })
                .into_iter()
                .collect();
            collect_done(&root, &mut out);
            out
        }
    }
}

fn collect_done(node: &tree::Node, out: &mut Vec<std::ops::Range<usize>>) {
    match &node.kind {
        tree::NodeKind::Mapping { entries, .. } => {
            for e in entries {
                if e.key.as_str() == Some("done") {
                    out.push(e.value.span.clone());
                }
                collect_done(&e.value, out);
            }
        }
        tree::NodeKind::Sequence { items, .. } => items.iter().for_each(|i| collect_done(i, out)),
        _ => {}
    }
}

/// Applies `edit` to `text` and checks the result; `Err` when the engine refused.
fn check(text: &str, edit: &PartnerEdit) -> Result<String, EditError> {
    let old = load(text).expect("a profile that loads");
    let new_text = edit_partner(text, edit)?;
    let new = load(&new_text).unwrap_or_else(|| panic!("{edit:?} gave a file that does not load:\n{new_text}"));
    assert_eq!(new, expected(&old, &new, edit), "{edit:?} on\n{text}\ngave\n{new_text}");
    if let PartnerEdit::LogMeeting(m) = edit {
        let dates: Vec<Date> = old.meetings.iter().map(|m| m.date).collect();
        if dates.windows(2).all(|w| w[0] <= w[1]) {
            let new_dates: Vec<Date> = new.meetings.iter().map(|m| m.date).collect();
            assert!(new_dates.windows(2).all(|w| w[0] <= w[1]), "{:?} out of date order:\n{new_text}", m.date);
        }
    }
    let removed = changed(text, &new_text);
    if !removed.is_empty() {
        // Some region the edit may change accounts for every changed byte:
        // the new text is the old one outside it.
        let within = editable(text, edit).iter().any(|r| {
            new_text.len() >= r.start + (text.len() - r.end)
                && new_text.starts_with(&text[..r.start])
                && new_text.ends_with(&text[r.end..])
        });
        assert!(within, "{edit:?} changed bytes {removed:?} outside its value:\n{text}\n---\n{new_text}");
    }
    Ok(new_text)
}

/// Every partner file of the shipped guide and of the test fixtures.
fn partner_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [root.join("content/partners"), root.join("tests/testsuite")] {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
            let path = entry.path();
            let in_partners = path.components().any(|c| c.as_os_str() == "partners");
            if in_partners && path.extension().is_some_and(|e| e == "yaml") {
                out.push(path.to_path_buf());
            }
        }
    }
    out
}

const TEXTS: &[&str] = &[
    "Send the floor plan",
    "yes",
    "12:30",
    "#ports",
    "- dash",
    "a: b",
    "Ünïcödé café",
    "say \"hi\" \\ there",
    "[not a list]",
    "null",
    "Ann O'Neil",
    " padded ",
];

fn text() -> impl Strategy<Value = String> {
    proptest::sample::select(TEXTS).prop_map(String::from)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2020i32..2031, 1u32..13, 1u32..29).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn new_item() -> impl Strategy<Value = NewItem> {
    (text(), proptest::option::of(text()), proptest::option::of(date())).prop_map(|(task, owner, due)| NewItem {
        task,
        owner,
        due,
    })
}

fn notes() -> impl Strategy<Value = String> {
    proptest::sample::select(
        &["One line.", "Two\nlines", "Ends\nwith a line end\n", "a: b\n\n- c #d\n", "tab\there"][..],
    )
    .prop_map(String::from)
}

/// Any edit but `MarkDone` (whose task comes from the file).
fn edit() -> impl Strategy<Value = PartnerEdit> {
    prop_oneof![
        (
            date(),
            proptest::option::of(text()),
            proptest::collection::vec(text(), 0..3),
            proptest::option::of(notes()),
            proptest::collection::vec(new_item(), 0..3)
        )
            .prop_map(|(date, title, attendees, notes, items)| PartnerEdit::LogMeeting(NewMeeting {
                date,
                title,
                attendees,
                notes,
                items
            })),
        new_item().prop_map(PartnerEdit::AddItem),
        (text(), proptest::option::of(text()), proptest::option::of(date()))
            .prop_map(|(action, owner, due)| PartnerEdit::NextStep(NewNextStep { action, owner, due })),
        proptest::sample::select(Status::ALL).prop_map(|s| PartnerEdit::Status(s.as_str().to_string())),
        date().prop_map(PartnerEdit::LogContact),
    ]
}

/// Marks done each open item of `text` in turn.
fn mark_each_done(text: &str) {
    let profile = load(text).unwrap();
    for item in open_items("", &profile, NaiveDate::MIN) {
        check(
            text,
            &PartnerEdit::MarkDone {
                task: item.task.to_ascii_uppercase(),
                on: Some(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()),
            },
        )
        .unwrap_or_else(|e| panic!("marking `{}` done was refused: {e}\n{text}", item.task));
    }
}

#[test]
fn every_shipped_and_fixture_profile_takes_every_edit() {
    let files = partner_files();
    assert!(files.len() > 20, "found only {files:?}");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if load(&text).is_none() {
            // A fixture of a broken profile: every edit is refused.
            assert!(edit_partner(&text, &PartnerEdit::Status("active".into())).is_err(), "{}", path.display());
            continue;
        }
        mark_each_done(&text);
        for _ in 0..12 {
            let edit = edit().new_tree(&mut runner).unwrap().current();
            check(&text, &edit).unwrap_or_else(|e| panic!("{}: {edit:?} refused: {e}", path.display()));
        }
    }
}

/// How a generated profile is laid out.
#[derive(Clone, Debug)]
struct Layout {
    bom: bool,
    crlf: bool,
    /// Nested mappings' indentation.
    step: usize,
    /// Block lists indented under their key.
    indent_lists: bool,
    /// Comments on their own lines and after values.
    comments: bool,
    /// Blank lines between top-level keys.
    blanks: bool,
    /// No line end after the last line.
    no_final_eol: bool,
    /// 0 plain where possible, 1 single quotes, 2 double quotes.
    quoting: u8,
    status: Option<usize>,
    last_contact: Option<NaiveDate>,
    next_step: GenNextStep,
    /// 0 missing, 1 `[]`, 2 block, 3 flow.
    items_style: u8,
    items: Vec<GenItem>,
    /// 0 missing, 1 `[]`, 2 block.
    meetings_style: u8,
    meetings: Vec<GenMeeting>,
    /// Rotates the order of the top-level keys.
    rotate: usize,
}

/// A generated next step.
#[derive(Clone, Debug)]
struct GenNextStep {
    /// 0 none, 1 block, 2 flow.
    style: u8,
    action: String,
    owner: Option<String>,
    due: Option<NaiveDate>,
}

/// A generated action item.
#[derive(Clone, Debug)]
struct GenItem {
    task: String,
    owner: Option<String>,
    done: bool,
}

/// A generated meeting.
#[derive(Clone, Debug)]
struct GenMeeting {
    date: NaiveDate,
    notes: Option<String>,
    /// Its items written `[{...}]`.
    flow_items: bool,
    items: Vec<GenItem>,
}

impl Layout {
    fn scalar(&self, text: &str, flow: bool) -> String {
        let plain = super::scalar::plain_ok(text, flow);
        match self.quoting {
            0 if plain => text.to_string(),
            1 if !text.chars().any(char::is_control) => format!("'{}'", text.replace('\'', "''")),
            _ => serde_json::to_string(text).unwrap(),
        }
    }

    fn item_flow(&self, GenItem { task, owner, done }: &GenItem) -> String {
        let mut out = format!("{{task: {}", self.scalar(task, true));
        if let Some(o) = owner {
            out.push_str(&format!(", owner: {}", self.scalar(o, true)));
        }
        if *done {
            out.push_str(", done: true");
        }
        out + "}"
    }

    fn item_block(&self, GenItem { task, owner, done }: &GenItem, col: usize, out: &mut Vec<String>) {
        let dash = col + if self.indent_lists { self.step } else { 0 };
        let pad = " ".repeat(dash + 2);
        out.push(format!("{}- task: {}", " ".repeat(dash), self.scalar(task, false)));
        if let Some(o) = owner {
            out.push(format!("{pad}owner: {}{}", self.scalar(o, false), if self.comments { "  # who" } else { "" }));
        }
        if *done {
            out.push(format!("{pad}done: true"));
        }
    }

    fn text(&self) -> String {
        let mut blocks: Vec<Vec<String>> = Vec::new();
        let pad = " ".repeat(self.step);
        blocks.push(vec![format!("name: {}", self.scalar("Campus IT: central", false))]);
        if let Some(s) = self.status {
            blocks.push(vec![format!("status: {}", self.scalar(Status::ALL[s].as_str(), false))]);
        }
        if let Some(d) = self.last_contact {
            blocks.push(vec![format!("last_contact: {d}")]);
        }
        let GenNextStep { style, action, owner, due } = &self.next_step;
        match style {
            1 => {
                let mut b = vec!["next_step:".to_string(), format!("{pad}action: {}", self.scalar(action, false))];
                b.extend(owner.as_ref().map(|o| format!("{pad}owner: {}", self.scalar(o, false))));
                b.extend(due.map(|d| format!("{pad}due: {d}")));
                blocks.push(b);
            }
            2 => {
                let mut parts = vec![format!("action: {}", self.scalar(action, true))];
                parts.extend(due.map(|d| format!("due: {d}")));
                parts.extend(owner.as_ref().map(|o| format!("owner: {}", self.scalar(o, true))));
                blocks.push(vec![format!("next_step: {{{}}}", parts.join(", "))]);
            }
            _ => {}
        }
        let items = &self.items;
        match self.items_style {
            1 => blocks.push(vec!["action_items: []".into()]),
            2 if !items.is_empty() => {
                let mut b = vec!["action_items:".to_string()];
                items.iter().for_each(|i| self.item_block(i, 0, &mut b));
                blocks.push(b);
            }
            3 => {
                let flow: Vec<String> = items.iter().map(|i| self.item_flow(i)).collect();
                blocks.push(vec![format!("action_items: [{}]", flow.join(", "))]);
            }
            _ => {}
        }
        let meetings = &self.meetings;
        match self.meetings_style {
            1 => blocks.push(vec!["meetings: []".into()]),
            2 if !meetings.is_empty() => {
                let mut b = vec!["meetings:".to_string()];
                let dash = if self.indent_lists { self.step } else { 0 };
                let inner = " ".repeat(dash + 2);
                for GenMeeting { date, notes, flow_items, items } in meetings {
                    b.push(format!("{}- date: {date}", " ".repeat(dash)));
                    if let Some(n) = notes {
                        b.push(format!("{inner}notes: |-"));
                        n.split('\n').for_each(|l| b.push(format!("{inner}{pad}{l}")));
                        if self.comments {
                            b.push(String::new());
                            b.push(format!("{inner}# after the notes"));
                        }
                    }
                    if items.is_empty() {
                        continue;
                    }
                    if *flow_items {
                        let flow: Vec<String> = items.iter().map(|i| self.item_flow(i)).collect();
                        b.push(format!("{inner}action_items: [{}]", flow.join(", ")));
                    } else {
                        b.push(format!("{inner}action_items:"));
                        items.iter().for_each(|i| self.item_block(i, dash + 2, &mut b));
                    }
                }
                blocks.push(b);
            }
            _ => {}
        }
        let rotate = self.rotate % blocks.len();
        blocks.rotate_left(rotate);
        let mut lines = Vec::new();
        if self.comments {
            lines.push("# A generated profile".to_string());
        }
        for (i, mut block) in blocks.into_iter().enumerate() {
            if self.blanks && i > 0 {
                lines.push(String::new());
            }
            if self.comments {
                lines.push(format!("# block {i}"));
                block[0].push_str(" # first line");
            }
            lines.extend(block);
        }
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut text = if self.bom { "\u{feff}".to_string() } else { String::new() };
        text.push_str(&lines.join(eol));
        if !self.no_final_eol {
            text.push_str(eol);
        }
        text
    }
}

fn gen_item() -> impl Strategy<Value = GenItem> {
    (text(), proptest::option::of(text()), any::<bool>()).prop_map(|(task, owner, done)| GenItem { task, owner, done })
}

fn gen_meeting() -> impl Strategy<Value = GenMeeting> {
    let block_text = notes().prop_filter("a block's text", |n| !n.starts_with(' ') && !n.ends_with('\n'));
    (date(), proptest::option::of(block_text), any::<bool>(), proptest::collection::vec(gen_item(), 0..3))
        .prop_map(|(date, notes, flow_items, items)| GenMeeting { date, notes, flow_items, items })
}

fn layout() -> impl Strategy<Value = Layout> {
    let style = (any::<bool>(), any::<bool>(), prop_oneof![Just(2usize), Just(4)], any::<bool>(), any::<bool>());
    let more = (any::<bool>(), any::<bool>(), 0u8..3, 0usize..8);
    let next = (0u8..3, text(), proptest::option::of(text()), proptest::option::of(date()))
        .prop_map(|(style, action, owner, due)| GenNextStep { style, action, owner, due });
    let items = (0u8..4, proptest::collection::vec(gen_item(), 1..4));
    let meetings = (0u8..3, proptest::collection::vec(gen_meeting(), 1..4));
    let facts = (proptest::option::of(0..Status::ALL.len()), proptest::option::of(date()));
    (style, more, next, items, meetings, facts).prop_map(|(style, more, next_step, items, meetings, facts)| {
        let (bom, crlf, step, indent_lists, comments) = style;
        let (blanks, no_final_eol, quoting, rotate) = more;
        let (meetings_style, mut meetings) = meetings;
        // Generated files keep their meetings oldest first, as the shipped guide does.
        meetings.sort_by_key(|m| m.date);
        Layout {
            bom,
            crlf,
            step,
            indent_lists,
            comments,
            blanks,
            no_final_eol,
            quoting,
            status: facts.0,
            last_contact: facts.1,
            next_step,
            items_style: items.0,
            items: items.1,
            meetings_style,
            meetings,
            rotate,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_profiles_take_every_edit(layout in layout(), edit in edit()) {
        let text = layout.text();
        prop_assert!(load(&text).is_some(), "{text}");
        check(&text, &edit).map_err(|e| TestCaseError::fail(format!("{edit:?} refused: {e}\n{text}")))?;
        mark_each_done(&text);
    }
}
