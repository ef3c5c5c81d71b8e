//! `site.yaml`: the guide's settings.

use serde::Deserialize;

use super::yaml::Spanned;

/// Settings of a guide, as written in `site.yaml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteConfig {
    /// Title of the guide.
    pub title: String,
    /// One sentence about it.
    pub description: Option<String>,
    /// Where the site is published, e.g. `https://lib.example.edu/outreach/`.
    pub base_url: Option<String>,
    /// The institution's name.
    pub institution: Option<String>,
    /// Link to edit a file; `{path}` becomes the file's path in the guide.
    pub edit_url: Option<String>,
    /// Days without contact after which a partner needs attention (default 60).
    pub stale_after_days: Option<u32>,
    /// Days after its last review (or update) that a playbook is due for review again (default 365).
    pub review_every_days: Option<u32>,
    /// The first day of the fiscal year as `MM-DD` (default `07-01`), for the activity report.
    pub fiscal_year_start: Option<Spanned<String>>,
    /// Days an answer of `check --external` is kept in `.partnerbook/links.json` (default 7).
    pub link_cache_days: Option<u32>,
    /// Address prefixes `check --external` never asks for (a proxy server, sign-in pages).
    pub skip_links: Option<Vec<String>>,
    /// Theme name: a folder `themes/NAME/` beside the guide (default: the embedded `default`).
    pub theme: Option<Spanned<String>>,
}
