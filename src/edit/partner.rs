//! Edits of a partner profile (`partners/<slug>.yaml`): where each change goes
//! in the YAML tree, and the profile it must read back as.

use super::doc::{self, Doc, Splice, Value, not_a, untouched};
use super::{EditError, NewItem, NewMeeting, NewNextStep, PartnerEdit, date_value, line_end};
use crate::load::fields::{Date, Status};
use crate::load::partner::{ActionItem, Meeting, NextStep, PartnerProfile};
use crate::load::yaml::{self, Spanned, tree::Node};
use crate::source::FileId;

/// The whole file's text (BOM and CRLF included) with the edit applied: only the
/// bytes of the changed values or inserted entries differ. Refuses (and changes nothing)
/// when the new text would not parse to exactly the intended profile, or when the edit
/// would touch an anchor or alias.
pub(crate) fn edit_partner(text: &str, edit: &PartnerEdit) -> Result<String, EditError> {
    let mut intended: PartnerProfile = yaml::parse(FileId(0), text, 0).map_err(|d| {
        EditError::new(
            format!("the profile does not load as it is: {}", d.message),
            "run `partnerbook check` and fix the file first",
        )
    })?;
    let doc = Doc::new(text, line_end(text))?;
    let root = doc.root.as_ref().ok_or_else(|| not_a("the profile", "mapping"))?;
    untouched(root, "the profile")?;
    let splices = plan(&doc, root, &mut intended, edit)?;
    let new = doc::apply(text, splices);
    let got: PartnerProfile = yaml::parse(FileId(0), &new, 0).map_err(|d| {
        EditError::new(
            format!("the edited profile would not load ({}); nothing was changed", d.message),
            "this layout is one the editor cannot change safely: edit the file in an editor",
        )
    })?;
    if got != intended {
        return Err(EditError::new(
            "the edit would change more than asked in this file's layout; nothing was changed",
            "edit the file in an editor",
        ));
    }
    Ok(new)
}

/// The splices that make the edit, with `intended` changed the same way.
fn plan(
    doc: &Doc<'_>,
    root: &Node,
    intended: &mut PartnerProfile,
    edit: &PartnerEdit,
) -> Result<Vec<Splice>, EditError> {
    Ok(match edit {
        PartnerEdit::LogMeeting(meeting) => {
            let index = meeting_index(&intended.meetings, meeting.date);
            intended.meetings.insert(index, meeting_of(meeting));
            vec![append(doc, root, "meetings", index, meeting_value(meeting))?]
        }
        PartnerEdit::AddItem(item) => {
            let index = intended.action_items.len();
            intended.action_items.push(item_of(item));
            vec![append(doc, root, "action_items", index, item_value(item))?]
        }
        PartnerEdit::MarkDone { task, on } => mark_done(doc, root, intended, task, *on)?,
        PartnerEdit::NextStep(step) => next_step(doc, root, intended, step)?,
        PartnerEdit::Status(status) => {
            let Some(value) = Status::ALL.iter().copied().find(|s| s.as_str() == status) else {
                let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                return Err(EditError::new(
                    format!("unknown status `{status}`"),
                    format!("use one of {}", all.join(", ")),
                ));
            };
            intended.status = Some(value);
            vec![doc.set(root, "status", &Value::Text(status.clone()))?]
        }
        PartnerEdit::LogContact(date) => {
            intended.last_contact = Some(Date(*date));
            vec![doc.set(root, "last_contact", &date_value(*date))?]
        }
    })
}

/// Inserts `value` as item `index` of list `key` of `map`, or creates the list.
fn append(doc: &Doc<'_>, map: &Node, key: &'static str, index: usize, value: Value) -> Result<Splice, EditError> {
    match map.entry(key) {
        Some(entry) if entry.value.is_empty_null() => doc.set(map, key, &Value::List(vec![value])),
        Some(entry) => doc.insert_item(&entry.value, index, &value, key),
        None => doc.insert_entry(map, key, &Value::List(vec![value])),
    }
}

/// Where a meeting dated `date` goes: in date order when the file keeps one
/// (oldest or newest first), else at the end.
fn meeting_index(meetings: &[Meeting], date: chrono::NaiveDate) -> usize {
    let date = Date(date);
    let newest_first = meetings.len() > 1 && meetings.windows(2).all(|w| w[0].date >= w[1].date);
    let oldest_first = meetings.windows(2).all(|w| w[0].date <= w[1].date);
    if newest_first && !oldest_first {
        meetings.iter().position(|m| m.date < date).unwrap_or(meetings.len())
    } else if oldest_first {
        meetings.iter().position(|m| m.date > date).unwrap_or(meetings.len())
    } else {
        meetings.len()
    }
}

/// A text field as the profile reads it: multi-line text with CRLF reads with LF.
fn text_of(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn item_of(item: &NewItem) -> ActionItem {
    ActionItem {
        task: text_of(&item.task),
        owner: item.owner.as_deref().map(text_of),
        due: item.due.map(|d| Spanned { value: Date(d), offset: 0, len: 0 }),
        done: false,
        done_on: None,
    }
}

fn item_value(item: &NewItem) -> Value {
    let mut entries = vec![("task", Value::Text(text_of(&item.task)))];
    if let Some(owner) = &item.owner {
        entries.push(("owner", Value::Text(text_of(owner))));
    }
    if let Some(due) = item.due {
        entries.push(("due", date_value(due)));
    }
    Value::Map(entries)
}

fn meeting_of(m: &NewMeeting) -> Meeting {
    Meeting {
        date: Date(m.date),
        title: m.title.as_deref().map(text_of),
        attendees: m.attendees.iter().map(|a| text_of(a)).collect(),
        agenda: Vec::new(),
        notes: m.notes.as_deref().map(|n| Spanned { value: text_of(n), offset: 0, len: 0 }),
        private_notes: None,
        action_items: m.items.iter().map(item_of).collect(),
    }
}

fn meeting_value(m: &NewMeeting) -> Value {
    let mut entries = vec![("date", date_value(m.date))];
    if let Some(title) = &m.title {
        entries.push(("title", Value::Text(text_of(title))));
    }
    if !m.attendees.is_empty() {
        entries.push(("attendees", Value::FlowList(m.attendees.iter().map(|a| text_of(a)).collect())));
    }
    if let Some(notes) = &m.notes {
        entries.push(("notes", Value::Text(text_of(notes))));
    }
    if !m.items.is_empty() {
        entries.push(("action_items", Value::List(m.items.iter().map(item_value).collect())));
    }
    Value::Map(entries)
}

/// Marks done the winning copy of the open item `task` (see `link::rules::open_items`).
fn mark_done(
    doc: &Doc<'_>,
    root: &Node,
    intended: &mut PartnerProfile,
    task: &str,
    on: Option<chrono::NaiveDate>,
) -> Result<Vec<Splice>, EditError> {
    use crate::link::rules::{Place, open_items, same_task};
    let open = open_items("", intended, chrono::NaiveDate::MIN);
    let Some(winner) = open.iter().find(|o| same_task(&o.task, task)) else {
        return Err(EditError::new(
            format!("no open item `{}` in this profile", task.trim()),
            "it may be done or renamed already: reload the page",
        ));
    };
    let (item_node, item) = match winner.place {
        Place::NextStep => {
            intended.next_step = None;
            let splice = doc.remove_entry(root, "next_step")?;
            return Ok(splice.into_iter().collect());
        }
        Place::Profile { item } => (nth(root, &["action_items"], item)?, &mut intended.action_items[item]),
        Place::Meeting { meeting, item, .. } => {
            let meeting_node = nth(root, &["meetings"], meeting)?;
            (nth(meeting_node, &["action_items"], item)?, &mut intended.meetings[meeting].action_items[item])
        }
    };
    item.done = true;
    let mut splices = vec![doc.set(item_node, "done", &Value::Raw("true".into()))?];
    if let Some(day) = on {
        item.done_on = Some(crate::load::yaml::Spanned { value: crate::load::fields::Date(day), offset: 0, len: 0 });
        splices.push(doc.set(item_node, "done_on", &Value::Raw(day.to_string()))?);
    }
    Ok(splices)
}

/// Item `index` of the list at `path` below `node`, checked free of anchors on the way.
fn nth<'n>(node: &'n Node, path: &[&str], index: usize) -> Result<&'n Node, EditError> {
    use crate::load::yaml::tree::NodeKind;
    let mut at = node;
    for key in path {
        untouched(at, key)?;
        at = &at.entry(key).ok_or_else(|| not_a(key, "list"))?.value;
    }
    untouched(at, path.last().copied().unwrap_or("item"))?;
    match &at.kind {
        NodeKind::Sequence { items, .. } => {
            let item = items.get(index).ok_or_else(|| not_a("item", "list item"))?;
            untouched(item, "item")?;
            Ok(item)
        }
        _ => Err(not_a(path.last().copied().unwrap_or("item"), "list")),
    }
}

/// Writes `next_step` anew: its keys changed in place when it is a mapping, else written whole.
fn next_step(
    doc: &Doc<'_>,
    root: &Node,
    intended: &mut PartnerProfile,
    step: &NewNextStep,
) -> Result<Vec<Splice>, EditError> {
    let action = text_of(&step.action);
    let owner = step.owner.as_deref().map(text_of);
    intended.next_step = Some(NextStep {
        action: action.clone(),
        due: step.due.map(|d| Spanned { value: Date(d), offset: 0, len: 0 }),
        owner: owner.clone(),
    });
    let mut whole = vec![("action", Value::Text(action.clone()))];
    if let Some(owner) = &owner {
        whole.push(("owner", Value::Text(owner.clone())));
    }
    if let Some(due) = step.due {
        whole.push(("due", date_value(due)));
    }
    let existing = root.entry("next_step").map(|e| &e.value);
    let Some(map) = existing.filter(|n| matches!(n.kind, crate::load::yaml::tree::NodeKind::Mapping { .. })) else {
        return Ok(vec![doc.set(root, "next_step", &Value::Map(whole))?]);
    };
    untouched(map, "next_step")?;
    let mut splices = vec![doc.set(map, "action", &Value::Text(action))?];
    for (key, value) in [("owner", owner.map(Value::Text)), ("due", step.due.map(date_value))] {
        match value {
            Some(value) => splices.push(doc.set(map, key, &value)?),
            None => splices.extend(doc.remove_entry(map, key)?),
        }
    }
    Ok(splices)
}
