//! Markdown rendered by an earlier `link`, reused while its text is unchanged
//! (rendered HTML never depends on other files; links are checked apart).
//! `build` links once with an empty cache; `serve` keeps one, so that an edit
//! re-renders only the texts it changes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::markdown::{PlaybookTarget, Rendered};
use crate::diag::Diagnostic;
use crate::load::partner::PartnerProfile;
use crate::load::playbook::PlaybookMeta;
use crate::source::FileId;

impl Cache {
    /// A cache for one `check`: no HTML is made (see `check_only`).
    pub fn check_only() -> Self {
        Cache { check_only: true, ..Cache::default() }
    }
}

/// Rendered Markdown per file, from earlier runs.
#[derive(Debug, Default)]
pub struct Cache {
    /// The base path the texts were rendered under: links start with it.
    pub(super) base: String,
    pub(super) texts: HashMap<String, Entry>,
    /// Links for `check`: Markdown is parsed for its links, headings and
    /// problems, but not turned into HTML (bodies come out empty).
    pub(super) check_only: bool,
    /// What the last full link knew of the whole guide, for [`super::relink`].
    pub(super) state: Option<State>,
}

/// What [`super::relink`] needs of the last full link: what links may point
/// at, and what each file said when it was linked.
#[derive(Debug)]
pub(super) struct State {
    /// Partner slugs.
    pub(super) partner_slugs: HashSet<String>,
    /// What each playbook offers links.
    pub(super) playbook_targets: HashMap<String, PlaybookTarget>,
    /// By file id: the front matter or profile linked.
    pub(super) was: Vec<Option<Was>>,
}

impl State {
    /// The state of a link of `sources`.
    pub(super) fn of(
        sources: &crate::load::Sources,
        partner_slugs: HashSet<String>,
        playbook_targets: HashMap<String, PlaybookTarget>,
    ) -> State {
        let mut was: Vec<Option<Was>> = (0..sources.files.len()).map(|_| None).collect();
        for p in &sources.playbooks {
            was[p.file.0 as usize] = Some(Was::Playbook(p.meta.clone()));
        }
        for p in &sources.partners {
            was[p.file.0 as usize] = Some(Was::Partner(p.profile.clone()));
        }
        State { partner_slugs, playbook_targets, was }
    }
}

/// A file's front matter or profile as linked.
#[derive(Debug)]
pub(super) enum Was {
    Playbook(Option<Arc<PlaybookMeta>>),
    Partner(Option<Arc<PartnerProfile>>),
}

/// The Markdown of one file, rendered.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Hash of the file's text when rendered.
    pub(super) text_hash: u64,
    /// The rendered texts, in the order the caller asked for them.
    pub(super) rendered: Vec<Option<Arc<Rendered>>>,
    /// Problems found, with the file id of that run.
    pub(super) diags: Vec<Diagnostic>,
}

impl Entry {
    /// The problems, renumbered to the file's current id.
    pub(super) fn diags_for(&self, file: FileId) -> Vec<Diagnostic> {
        let mut diags = self.diags.clone();
        for d in &mut diags {
            if let Some(span) = &mut d.span {
                span.file = file;
            }
        }
        diags
    }
}
