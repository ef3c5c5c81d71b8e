// INTERIM: replaced by the engine branch at merge
//! Edits of guide files made from `serve`'s forms: pure functions from a
//! file's text and an edit to the new text, no I/O.
//!
//! This is a simple line-based implementation for block-style files (top-level
//! keys at column 0), enough for the server and its tests; the engine branch
//! replaces the whole module with one that keeps every other byte.

use crate::link::rules::{open_items, same_task};
use crate::load::fields::Status;
use crate::load::partner::PartnerProfile;
use crate::load::yaml;
use crate::source::FileId;

/// A change to a partner profile, as the serve forms ask for it.
#[derive(Clone, Debug)]
pub(crate) enum PartnerEdit {
    /// Appends a meeting to `meetings` (keeping the file's date order; creates the key if missing).
    LogMeeting(NewMeeting),
    /// Appends an item to the profile's `action_items` (creates the key if missing).
    AddItem(NewItem),
    /// Marks done the open item whose task is this one (compared as `link::rules::same_task`),
    /// in the copy that wins under `link::rules::open_items`.
    /// For the next step itself: removes `next_step` (it has no `done`).
    MarkDone {
        /// The task.
        task: String,
    },
    /// Replaces or creates `next_step` (action, owner, due).
    NextStep(NewNextStep),
    /// Sets `status` (as written in YAML: "prospect", "contacted", ...).
    Status(String),
    /// Sets `last_contact`.
    LogContact(chrono::NaiveDate),
}

/// An action item to add.
#[derive(Clone, Debug)]
pub(crate) struct NewItem {
    /// What to do.
    pub(crate) task: String,
    /// Who.
    pub(crate) owner: Option<String>,
    /// By when.
    pub(crate) due: Option<chrono::NaiveDate>,
}

/// A meeting to log.
#[derive(Clone, Debug)]
pub(crate) struct NewMeeting {
    /// When.
    pub(crate) date: chrono::NaiveDate,
    /// What about.
    pub(crate) title: Option<String>,
    /// Who came.
    pub(crate) attendees: Vec<String>,
    /// Markdown notes.
    pub(crate) notes: Option<String>,
    /// Items agreed.
    pub(crate) items: Vec<NewItem>,
}

/// A next step to set.
#[derive(Clone, Debug)]
pub(crate) struct NewNextStep {
    /// What to do.
    pub(crate) action: String,
    /// Who.
    pub(crate) owner: Option<String>,
    /// By when.
    pub(crate) due: Option<chrono::NaiveDate>,
}

/// A playbook's or free page's front matter changes and its new body.
#[derive(Clone, Debug)]
pub(crate) struct MarkdownEdit {
    /// Front matter changes.
    pub(crate) fields: Vec<FieldChange>,
    /// The new body.
    pub(crate) body: String,
}

/// One front matter change.
#[derive(Clone, Debug)]
pub(crate) struct FieldChange {
    /// The key.
    pub(crate) key: String,
    /// The new value.
    pub(crate) value: FieldValue,
}

/// A front matter value.
#[derive(Clone, Debug)]
pub(crate) enum FieldValue {
    /// A string.
    Text(String),
    /// A list of strings.
    List(Vec<String>),
    /// Remove the key.
    Remove,
}

/// Why an edit was refused: one line, and how to go on.
#[derive(Debug)]
pub(crate) struct EditError {
    /// What went wrong.
    pub(crate) message: String,
    /// How to go on.
    pub(crate) hint: Option<String>,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

fn refuse(message: impl Into<String>, hint: &str) -> EditError {
    EditError { message: message.into(), hint: Some(hint.into()) }
}

/// The whole file's text with the edit applied.
pub(crate) fn edit_partner(text: &str, edit: &PartnerEdit) -> Result<String, EditError> {
    let profile = parse_profile(text)?;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    match edit {
        PartnerEdit::Status(s) => {
            if !Status::ALL.iter().any(|v| v.as_str() == s) {
                let names: Vec<&str> = Status::ALL.iter().map(|v| v.as_str()).collect();
                return Err(refuse(format!("unknown status `{s}`"), &format!("use one of {}", names.join(", "))));
            }
            set_block(&mut out, "status", &format!("status: {s}{nl}"), nl);
        }
        PartnerEdit::LogContact(d) => set_block(&mut out, "last_contact", &format!("last_contact: {d}{nl}"), nl),
        PartnerEdit::NextStep(n) => {
            let mut block = format!("next_step:{nl}  action: {}{nl}", quote(&n.action));
            push_opt(&mut block, "  owner", n.owner.as_deref().map(quote), nl);
            push_opt(&mut block, "  due", n.due.map(|d| d.to_string()), nl);
            set_block(&mut out, "next_step", &block, nl);
        }
        PartnerEdit::AddItem(item) => append_entry(&mut out, "action_items", &item_entry(item, "  ", nl), nl),
        PartnerEdit::LogMeeting(m) => {
            let mut e = format!("  - date: {}{nl}", m.date);
            push_opt(&mut e, "    title", m.title.as_deref().map(quote), nl);
            if !m.attendees.is_empty() {
                let list: Vec<String> = m.attendees.iter().map(|a| quote(a)).collect();
                e.push_str(&format!("    attendees: [{}]{nl}", list.join(", ")));
            }
            push_opt(&mut e, "    notes", m.notes.as_deref().map(quote), nl);
            if !m.items.is_empty() {
                e.push_str(&format!("    action_items:{nl}"));
                for item in &m.items {
                    e.push_str(&item_entry(item, "      ", nl));
                }
            }
            append_entry(&mut out, "meetings", &e, nl);
        }
        PartnerEdit::MarkDone { task } => mark_done(&mut out, &profile, task, nl)?,
    }
    parse_profile(&out)
        .map_err(|e| refuse(format!("the edit would break the file: {}", e.message), "edit it by hand"))?;
    Ok(out)
}

/// The file with the front matter fields changed and the body replaced.
pub(crate) fn edit_markdown(text: &str, edit: &MarkdownEdit) -> Result<String, EditError> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let Some(split) = crate::load::front_matter::split(text) else {
        return Err(refuse("the file has no front matter", "add a `---` block with a title at the top"));
    };
    let mut yaml_text = text[split.yaml.clone()].to_string();
    for change in &edit.fields {
        if !change.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') || change.key.is_empty() {
            return Err(refuse(format!("`{}` is not a front matter key", change.key), "use title, summary, ..."));
        }
        match &change.value {
            FieldValue::Remove => remove_block(&mut yaml_text, &change.key),
            FieldValue::Text(t) => {
                set_block(&mut yaml_text, &change.key, &format!("{}: {}{nl}", change.key, quote(t)), nl)
            }
            FieldValue::List(l) => {
                let items: Vec<String> = l.iter().map(|s| quote(s)).collect();
                set_block(&mut yaml_text, &change.key, &format!("{}: [{}]{nl}", change.key, items.join(", ")), nl);
            }
        }
    }
    yaml::parse::<serde::de::IgnoredAny>(FileId(0), &yaml_text, 0)
        .map_err(|e| refuse(format!("the edit would break the front matter: {}", e.message), "edit it by hand"))?;
    Ok(format!("{}{}{}{}", &text[..split.yaml.start], yaml_text, &text[split.yaml.end..split.body.start], edit.body))
}

fn parse_profile(text: &str) -> Result<PartnerProfile, EditError> {
    let yaml_text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml::parse::<PartnerProfile>(FileId(0), yaml_text, 0)
        .map_err(|d| refuse(format!("the file does not parse: {}", d.message), "fix it with `partnerbook check`"))
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn push_opt(out: &mut String, key: &str, value: Option<String>, nl: &str) {
    if let Some(v) = value {
        out.push_str(&format!("{key}: {v}{nl}"));
    }
}

fn item_entry(item: &NewItem, indent: &str, nl: &str) -> String {
    let mut e = format!("{indent}- task: {}{nl}", quote(&item.task));
    push_opt(&mut e, &format!("{indent}  owner"), item.owner.as_deref().map(quote), nl);
    push_opt(&mut e, &format!("{indent}  due"), item.due.map(|d| d.to_string()), nl);
    e
}

/// The byte range of top-level key `key`'s block: its line and the indented
/// (or blank) lines after it.
fn top_block(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut pos = 0;
    let mut start = None;
    let mut end_nonblank = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_start_matches('\u{feff}');
        let top = !bare.starts_with([' ', '\t', '\r', '\n', '#']) && !bare.is_empty();
        match start {
            None if top && bare.strip_prefix(key).is_some_and(|r| r.starts_with(':')) => {
                start = Some(pos);
                end_nonblank = pos + line.len();
            }
            Some(_) if top || bare.starts_with('#') => break,
            Some(_) if !line.trim().is_empty() => end_nonblank = pos + line.len(),
            _ => {}
        }
        pos += line.len();
    }
    start.map(|s| s..end_nonblank)
}

fn ensure_newline(text: &mut String, nl: &str) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(nl);
    }
}

/// Replaces key's block with `block`, or appends it.
fn set_block(text: &mut String, key: &str, block: &str, nl: &str) {
    match top_block(text, key) {
        Some(r) => {
            let mut block = block.to_string();
            if !text[..r.end].ends_with('\n') {
                block.truncate(block.len() - nl.len());
            }
            text.replace_range(r, &block);
        }
        None => {
            ensure_newline(text, nl);
            text.push_str(block);
        }
    }
}

fn remove_block(text: &mut String, key: &str) {
    if let Some(r) = top_block(text, key) {
        text.replace_range(r, "");
    }
}

/// Appends a list entry to key's block-style list, or creates the key.
fn append_entry(text: &mut String, key: &str, entry: &str, nl: &str) {
    match top_block(text, key) {
        Some(r) if text[r.clone()].lines().next().is_some_and(|l| l.trim_end() == format!("{key}:")) => {
            let mut at = r.end;
            if !text[..at].ends_with('\n') {
                text.insert_str(at, nl);
                at += nl.len();
            }
            text.insert_str(at, entry);
        }
        Some(r) => text.replace_range(r, &format!("{key}:{nl}{entry}")),
        None => {
            ensure_newline(text, nl);
            text.push_str(&format!("{key}:{nl}{entry}"));
        }
    }
}

fn mark_done(text: &mut String, profile: &PartnerProfile, task: &str, nl: &str) -> Result<(), EditError> {
    use crate::link::rules::Place;
    let today = chrono::NaiveDate::MIN;
    let open = open_items("", profile, today);
    let Some(item) = open.iter().find(|o| same_task(&o.task, task)) else {
        return Err(refuse(format!("no open item `{task}`"), "reload the page: it may have been done already"));
    };
    let key = match item.place {
        Place::NextStep => {
            remove_block(text, "next_step");
            return Ok(());
        }
        Place::Profile { .. } => "action_items",
        Place::Meeting { .. } => "meetings",
    };
    let range = top_block(text, key).ok_or_else(|| refuse(format!("no `{key}` block"), "edit it by hand"))?;
    let mut pos = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix("- ").unwrap_or(trimmed).trim_start();
        if let Some(value) = rest.strip_prefix("task:") {
            let parsed = yaml::parse::<String>(FileId(0), value.trim(), 0).unwrap_or_default();
            if same_task(&parsed, task) {
                let col = line.len() - rest.len();
                let at = pos + line.len();
                let prefix = if line.ends_with('\n') { "" } else { nl };
                text.insert_str(at, &format!("{prefix}{}done: true{nl}", " ".repeat(col)));
                return Ok(());
            }
        }
        pos += line.len();
    }
    Err(refuse(format!("cannot find `{task}` in the file"), "edit it by hand"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name: X\n# keep\nstatus: active\naction_items:\n  - task: Call\n    owner: Ana\n";

    #[test]
    fn interim_edits_keep_other_lines() {
        let out = edit_partner(BASE, &PartnerEdit::Status("paused".into())).unwrap();
        assert_eq!(out, BASE.replace("active", "paused"));
        let out = edit_partner(BASE, &PartnerEdit::MarkDone { task: "call".into() }).unwrap();
        assert!(out.ends_with("    owner: Ana\n") && out.contains("  - task: Call\n    done: true\n"), "{out}");
        let item = NewItem { task: "Send".into(), owner: None, due: None };
        let out = edit_partner(BASE, &PartnerEdit::AddItem(item)).unwrap();
        assert!(out.starts_with(BASE) && out.ends_with("  - task: \"Send\"\n"), "{out}");
        assert!(edit_partner(BASE, &PartnerEdit::Status("nope".into())).is_err());
    }
}
