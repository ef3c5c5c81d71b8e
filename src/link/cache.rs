//! Markdown rendered by an earlier `link`, reused while its text and the state
//! of every target it links to are unchanged. `build` links once with an empty
//! cache; `serve` keeps one, so that an edit re-renders only the texts it affects.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use xxhash_rust::xxh3::Xxh3;

use super::markdown::Rendered;
use crate::diag::Diagnostic;
use crate::source::FileId;

/// Heading ids per playbook and rendered Markdown per page, from earlier runs.
#[derive(Debug, Default)]
pub struct Cache {
    pub(super) headings: HashMap<String, (u64, Arc<HashSet<String>>, u64)>,
    pub(super) texts: HashMap<String, Entry>,
}

/// The Markdown of one file, rendered.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Hash of the file's text when rendered.
    pub(super) text_hash: u64,
    /// Fingerprint of the targets the texts link to, when rendered.
    pub(super) deps: u64,
    /// The rendered texts, in the order the caller asked for them.
    pub(super) rendered: Vec<Option<Arc<Rendered>>>,
    /// Problems found, with the file id of that run.
    pub(super) diags: Vec<Diagnostic>,
}

impl Entry {
    /// Every target the texts link to.
    pub(super) fn refs(&self) -> impl Iterator<Item = &String> {
        self.rendered.iter().flatten().flat_map(|r| &r.refs)
    }

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

/// The fingerprint of a set of link targets, given the state of every target
/// (`partner:SLUG` or `playbook:SLUG` -> fingerprint; absent means unknown).
pub(super) fn deps<'a>(refs: impl Iterator<Item = &'a String>, state: &HashMap<String, u64>) -> u64 {
    let mut h = Xxh3::new();
    for r in refs {
        h.update(r.as_bytes());
        h.update(&state.get(r).copied().unwrap_or(0).to_le_bytes());
    }
    h.digest()
}

/// The fingerprint of a set of heading ids and the draft flag of a playbook.
pub(super) fn playbook_state(ids: &HashSet<String>, left_out: bool) -> u64 {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort_unstable();
    let mut h = Xxh3::new();
    for id in sorted {
        h.update(id.as_bytes());
        h.update(b"\0");
    }
    h.update(&[left_out as u8 + 1]);
    h.digest()
}

/// Hashes a sequence of strings and numbers into one fingerprint.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.digest()
}
