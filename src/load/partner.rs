//! Partner profiles as written by editors (`partners/<slug>.yaml`).

use serde::Deserialize;

use super::fields::{Date, Kind, Status};
use super::yaml::Spanned;
use crate::source::FileId;

/// One partner profile.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartnerProfile {
    /// Name of the unit (required).
    pub name: String,
    /// Kind of unit.
    pub kind: Option<Kind>,
    /// One or two sentences.
    pub summary: Option<String>,
    /// The unit's mission, in their words.
    pub mission: Option<String>,
    /// Where the relationship stands.
    pub status: Option<Status>,
    /// What they can do for the library.
    #[serde(default)]
    pub offers: Vec<String>,
    /// What the library brings to them.
    #[serde(default)]
    pub library_offers: Vec<String>,
    /// Outreach modes that worked.
    #[serde(default)]
    pub channels: Vec<String>,
    /// People.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Date of the last contact.
    pub last_contact: Option<Date>,
    /// The next thing to do.
    pub next_step: Option<NextStep>,
    /// Open and done tasks.
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    /// Meetings held.
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Playbook slugs that concern this partner.
    #[serde(default)]
    pub playbooks: Vec<Spanned<String>>,
    /// Markdown notes.
    pub notes: Option<Spanned<String>>,
    /// Markdown notes for the library's staff only: shown by `serve` and by
    /// `build --include-private`, never in a default build.
    pub private_notes: Option<Spanned<String>>,
}

/// A person at the partner.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Contact {
    /// Full name.
    pub name: String,
    /// Job title.
    pub role: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The assistant who actually answers.
    #[serde(default)]
    pub gatekeeper: bool,
    /// Notes.
    pub notes: Option<String>,
}

/// The next step with a partner.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NextStep {
    /// What to do.
    pub action: String,
    /// When, with its place in the file (for the overdue warning); see [`NextStep::due_date`].
    pub due: Option<Spanned<Date>>,
    /// Who.
    pub owner: Option<String>,
}

impl NextStep {
    /// The due date without its position.
    pub(crate) fn due_date(&self) -> Option<Date> {
        self.due.as_ref().map(|d| d.value)
    }
}

/// A task agreed with a partner.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionItem {
    /// What to do.
    pub task: String,
    /// Who does it.
    pub owner: Option<String>,
    /// By when, with its place in the file (for the overdue warning); see [`ActionItem::due_date`].
    pub due: Option<Spanned<Date>>,
    /// Done yet.
    #[serde(default)]
    pub done: bool,
    /// When it was done, for the activity report (an item done without it
    /// counts as "done, date unknown").
    #[serde(default)]
    pub done_on: Option<Spanned<Date>>,
}

impl ActionItem {
    /// The due date without its position.
    pub(crate) fn due_date(&self) -> Option<Date> {
        self.due.as_ref().map(|d| d.value)
    }
}

/// A meeting held with a partner.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meeting {
    /// When (required).
    pub date: Date,
    /// What it was about.
    pub title: Option<String>,
    /// Who came.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// Agenda items.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// Markdown notes.
    pub notes: Option<Spanned<String>>,
    /// Markdown notes for staff only (see [`PartnerProfile::private_notes`]).
    pub private_notes: Option<Spanned<String>>,
    /// Tasks agreed at the meeting.
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
}

/// A loaded partner file.
#[derive(Clone, Debug)]
pub(crate) struct PartnerSrc {
    /// Slug from the path.
    pub slug: String,
    /// The file.
    pub file: FileId,
    /// Parsed profile; `None` when it failed to parse (already reported).
    pub profile: Option<std::sync::Arc<PartnerProfile>>,
}
