//! The edit engine behind `serve`'s editing forms: pure functions from a
//! file's text and a change to the file's new text. Only the bytes of the
//! changed values or of the inserted entries differ; comments, key order,
//! quoting, blank lines, CRLF line ends and a BOM stay as they were. Every
//! result is read back with the parser `load` uses and compared with the
//! intended value before it is returned, so a change the engine did not mean
//! is refused rather than written. Reading and writing files is the caller's.

mod doc;
mod markdown;
#[cfg(test)]
mod markdown_props;
mod partner;
#[cfg(test)]
mod proptests;
mod scalar;
#[cfg(test)]
mod tests;

#[allow(unused_imports, reason = "the entry points of the engine, for serve's edit endpoints")]
pub(crate) use markdown::edit_markdown;
#[allow(unused_imports, reason = "the entry points of the engine, for serve's edit endpoints")]
pub(crate) use partner::edit_partner;

/// A change to a partner profile, as the serve forms ask for it.
#[derive(Clone, Debug)]
pub(crate) enum PartnerEdit {
    /// Appends a meeting to `meetings` (keeping the file's date order; creates the key if missing).
    LogMeeting(NewMeeting),
    /// Appends an item to the profile's `action_items` (creates the key if missing).
    AddItem(NewItem),
    /// Marks done the open item whose task is this one (compared as `link::rules::same_task`),
    /// in the copy that wins under `link::rules::open_items` (next step, then profile items, then meetings').
    /// For the next step itself: removes `next_step` (it has no `done`).
    MarkDone {
        /// The task as the page shows it.
        task: String,
        /// The day it was done, written as the item's `done_on` (for the activity report).
        on: Option<chrono::NaiveDate>,
    },
    /// Replaces or creates `next_step` (action, owner, due).
    NextStep(NewNextStep),
    /// Sets `status` (one of the status values of the guide format, as written in YAML: "prospect", "contacted", ...).
    Status(String),
    /// Sets `last_contact`.
    LogContact(chrono::NaiveDate),
}

/// A new action item.
#[derive(Clone, Debug)]
pub(crate) struct NewItem {
    /// What to do.
    pub(crate) task: String,
    /// Who does it.
    pub(crate) owner: Option<String>,
    /// By when.
    pub(crate) due: Option<chrono::NaiveDate>,
}

/// A new meeting.
#[derive(Clone, Debug)]
pub(crate) struct NewMeeting {
    /// When it was held.
    pub(crate) date: chrono::NaiveDate,
    /// What it was about.
    pub(crate) title: Option<String>,
    /// Who came.
    pub(crate) attendees: Vec<String>,
    /// Markdown notes (several lines become a `|` block).
    pub(crate) notes: Option<String>,
    /// Tasks agreed.
    pub(crate) items: Vec<NewItem>,
}

/// A new next step.
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
    /// Front matter fields to set or remove; the others stay as written.
    pub(crate) fields: Vec<FieldChange>,
    /// The new Markdown body (its line ends become the file's).
    pub(crate) body: String,
}

/// One front matter field to change.
#[derive(Clone, Debug)]
pub(crate) struct FieldChange {
    /// The key, e.g. `title`.
    pub(crate) key: String,
    /// Its new value.
    pub(crate) value: FieldValue,
}

/// A front matter field's new value.
#[derive(Clone, Debug)]
pub(crate) enum FieldValue {
    /// A scalar (for `order` a number, for `draft` `true` or `false`, for `updated` a date).
    Text(String),
    /// A list of texts (`partners`, `tags`).
    List(Vec<String>),
    /// The key is removed.
    Remove,
}

/// Why an edit was refused: one line, and how to go on.
#[derive(Debug)]
pub(crate) struct EditError {
    /// What is wrong.
    pub(crate) message: String,
    /// How to go on.
    pub(crate) hint: Option<String>,
}

impl EditError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        EditError { message: message.into(), hint: Some(hint.into()) }
    }
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhelp: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EditError {}

/// The line end a file uses: CRLF when its first line ends so.
fn line_end(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// A date as YAML text: plain `YYYY-MM-DD` (quoted outside years 0 to 9999,
/// where chrono writes a sign).
fn date_value(date: chrono::NaiveDate) -> doc::Value {
    let text = date.format("%Y-%m-%d").to_string();
    if text.len() == 10 && !text.starts_with(['+', '-']) { doc::Value::Raw(text) } else { doc::Value::Text(text) }
}
