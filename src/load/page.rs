//! Free pages (`pages/<slug>.md`): about, contributing.

use serde::Deserialize;

use crate::source::FileId;

/// Front matter of a free page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageMeta {
    /// Title (required).
    pub title: String,
    /// One sentence, used as the meta description.
    pub summary: Option<String>,
}

/// A loaded free page.
#[derive(Clone, Debug)]
pub(crate) struct PageSrc {
    /// Slug from the path.
    pub slug: String,
    /// The file.
    pub file: FileId,
    /// Parsed front matter; `None` when it failed (already reported).
    pub meta: Option<PageMeta>,
    /// Byte range of the Markdown body.
    pub body: std::ops::Range<usize>,
}
