//! Playbook front matter as written by editors.

use serde::Deserialize;

use super::fields::{Date, Partnership, Stage};
use super::yaml::Spanned;
use crate::source::FileId;

/// The front matter of `playbooks/<slug>.md`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaybookMeta {
    /// Title (required).
    pub title: String,
    /// One or two sentences for lists and search.
    pub summary: Option<String>,
    /// Outreach stage.
    pub stage: Option<Stage>,
    /// Which kind of partnership it serves.
    pub partnership: Option<Partnership>,
    /// Partner slugs this playbook concerns.
    #[serde(default)]
    pub partners: Vec<Spanned<String>>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Date of the last real update.
    pub updated: Option<Date>,
    /// When an editor last checked that the playbook still holds; with
    /// `review_every_days` it decides when the playbook is due for review.
    pub reviewed: Option<Date>,
    /// Position within its stage.
    pub order: Option<i64>,
    /// Left out of the site unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

/// A loaded playbook file.
#[derive(Clone, Debug)]
pub(crate) struct PlaybookSrc {
    /// Slug from the path, e.g. `spaces/makerspace`.
    pub slug: String,
    /// The file.
    pub file: FileId,
    /// Byte offset where the YAML front matter starts.
    pub yaml_start: usize,
    /// Parsed front matter; `None` when it failed to parse (already reported).
    pub meta: Option<std::sync::Arc<PlaybookMeta>>,
    /// Byte range of the Markdown body in the file.
    pub body: std::ops::Range<usize>,
}
