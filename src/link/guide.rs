//! The output of `link`: a resolved, validated guide. Every reference in it
//! points at something that exists; Markdown is already HTML.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::markdown::Rendered;
use crate::load::fields::{Date, Partnership, Stage};
use crate::load::partner::PartnerProfile;

/// Site-wide settings after defaults and command-line overrides.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Title of the guide.
    pub title: String,
    /// One sentence about it.
    pub description: String,
    /// The institution.
    pub institution: Option<String>,
    /// URL path prefix of every link, starting and ending with `/` (e.g. `/outreach/`).
    pub base_path: String,
    /// The absolute base URL when one is configured (for feeds and canonical links).
    pub base_url: Option<String>,
    /// Edit link pattern with `{path}`.
    pub edit_url: Option<String>,
    /// Days without contact after which a partner needs attention.
    pub stale_after_days: u32,
    /// Days after its last review (or update) that a playbook is due for review.
    pub review_every_days: u32,
    /// The first day of the fiscal year.
    pub fiscal_year_start: FiscalYearStart,
}

/// The first day of the fiscal year: a month and a day (1 to 28, so that
/// every year and every quarter has it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FiscalYearStart {
    /// 1 to 12.
    pub month: u32,
    /// 1 to 28.
    pub day: u32,
}

impl Default for FiscalYearStart {
    /// July 1, the start of most US universities' fiscal year.
    fn default() -> Self {
        FiscalYearStart { month: 7, day: 1 }
    }
}

impl FiscalYearStart {
    /// Reads `MM-DD` (`07-01`); `None` for anything else, or a day past 28.
    pub(crate) fn parse(text: &str) -> Option<FiscalYearStart> {
        let (m, d) = text.trim().split_once('-')?;
        if m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (month, day) = (m.parse().ok()?, d.parse().ok()?);
        ((1..=12).contains(&month) && (1..=28).contains(&day)).then_some(FiscalYearStart { month, day })
    }
}

/// A playbook ready to render.
#[derive(Clone, Debug)]
pub(crate) struct Playbook {
    /// Slug, e.g. `spaces/makerspace`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Stage.
    pub stage: Option<Stage>,
    /// Partnership kind.
    pub partnership: Option<Partnership>,
    /// Partner slugs, from both sides of the reference, sorted.
    pub partners: Vec<String>,
    /// Tag names as written.
    pub tags: Vec<String>,
    /// Last update: `updated` of the front matter, else the date of the last
    /// commit that touched the file (when the guide is in git).
    pub updated: Option<Date>,
    /// `reviewed` of the front matter: when an editor last checked it still holds.
    pub reviewed: Option<Date>,
    /// When it was added: the date of the first commit of its file (when the
    /// guide is in git), for the activity report.
    pub added: Option<Date>,
    /// Order within the stage.
    pub order: i64,
    /// Marked as draft (only present with `--drafts`).
    pub draft: bool,
    /// Body HTML and table of contents.
    pub body: Arc<Rendered>,
    /// Path of the source file inside the guide.
    pub path: String,
}

/// A partner ready to render.
#[derive(Clone, Debug)]
pub(crate) struct Partner {
    /// Slug.
    pub slug: String,
    /// The profile as written (all strings still raw; templates escape them).
    pub profile: Arc<PartnerProfile>,
    /// `notes` as HTML.
    pub notes_html: Option<String>,
    /// Each meeting's notes as HTML, in the order of `profile.meetings`.
    pub meeting_notes_html: Vec<Option<String>>,
    /// `private_notes` as HTML; `None` unless the guide was linked with
    /// [`super::LinkOptions::private`], so that no output of a default build can show them.
    pub private_notes_html: Option<String>,
    /// Each meeting's `private_notes` as HTML, in the order of `profile.meetings`; all `None` likewise.
    pub meeting_private_notes_html: Vec<Option<String>>,
    /// Playbook slugs, from both sides of the reference, sorted.
    pub playbooks: Vec<String>,
    /// Date of the last commit that touched the profile (when the guide is in git).
    pub updated: Option<Date>,
    /// Path of the source file inside the guide.
    pub path: String,
}

/// A free page.
#[derive(Clone, Debug)]
pub(crate) struct Page {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Body.
    pub body: Arc<Rendered>,
    /// Path of the source file inside the guide.
    pub path: String,
}

/// A tag and what carries it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tag {
    /// The tag as first written.
    pub name: String,
    /// Playbook slugs.
    pub playbooks: Vec<String>,
    /// Partner slugs.
    pub partners: Vec<String>,
}

/// A linked guide.
#[derive(Clone, Debug)]
pub struct Guide {
    /// Settings.
    pub(crate) settings: Settings,
    /// The date that counts as today.
    pub(crate) today: NaiveDate,
    /// Playbooks by slug. Each is shared, so that a copy of the guide (serve
    /// keeps the last one while it patches the next) copies no playbook.
    pub(crate) playbooks: BTreeMap<String, Arc<Playbook>>,
    /// Partners by slug, shared like the playbooks.
    pub(crate) partners: BTreeMap<String, Arc<Partner>>,
    /// Free pages by slug.
    pub(crate) pages: BTreeMap<String, Page>,
    /// Tags by slug (shared like the playbooks).
    pub(crate) tags: Arc<BTreeMap<String, Tag>>,
    /// Every open item, most urgent first, with each partner's and owner's
    /// (shared like the playbooks); see [`super::rules`].
    pub(crate) actions: Arc<super::rules::Actions>,
    /// Static files by path.
    pub(crate) assets: Vec<(String, Arc<[u8]>)>,
    /// Template overrides by name.
    pub(crate) templates: Vec<(String, String)>,
    /// The theme named in `site.yaml`; `None` for the embedded default.
    pub(crate) theme: Option<Arc<crate::load::ThemeSrc>>,
}
