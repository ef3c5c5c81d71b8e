//! Finding the files of a guide: what each path is ([`classify`]), the walk
//! in a fixed order, and the stamps (size and time) that tell `serve` which
//! files changed.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::LoadError;
use crate::diag::{Diagnostic, Span};
use crate::fs::IoError;
use crate::source::FileId;

/// Size and modification time: a file whose stamp is unchanged is not read again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) len: u64,
    /// `None` where the platform has no time: such a file is always read again.
    pub(super) modified: Option<std::time::SystemTime>,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub(super) fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp { len: meta.len(), modified: meta.modified().ok() }
    }
}

/// A file found by the walk.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Its path inside the guide, `/`-separated.
    pub(super) rel: String,
    /// Its path on disk.
    pub(super) path: PathBuf,
    /// What it is.
    pub(super) role: Role,
    /// Its size and time when last read.
    pub(super) stamp: Stamp,
}

/// What a file of the guide is, from its place in the folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Config,
    Playbook,
    Partner,
    Page,
    Asset,
    Template,
}

/// Decides what a path (relative to the guide, `/`-separated) is; `None` for
/// files partnerbook does not read (the output folder, READMEs, dot files).
pub(super) fn classify(rel: &str) -> Option<Role> {
    if rel.split('/').any(|part| part.starts_with('.')) || rel.rsplit('/').next().is_some_and(is_temp_file) {
        return None;
    }
    let (top, rest) = rel.split_once('/').unwrap_or((rel, ""));
    match (top, rest) {
        ("site.yaml", "") => Some(Role::Config),
        ("playbooks", r) if r.ends_with(".md") => Some(Role::Playbook),
        ("partners", r) if r.ends_with(".yaml") || r.ends_with(".yml") => Some(Role::Partner),
        ("pages", r) if r.ends_with(".md") => Some(Role::Page),
        ("static", r) if !r.is_empty() => Some(Role::Asset),
        ("templates", r) if !r.is_empty() => Some(Role::Template),
        _ => None,
    }
}

/// Editor temp, swap and backup files (the list follows Zola's `is_temp_file`).
pub(crate) fn is_temp_file(name: &str) -> bool {
    name.ends_with('~')                          // vim, emacs and gedit backups
        || name.ends_with(".swp") || name.ends_with(".swx") || name.ends_with(".swo") // vim swap files
        || name == "4913"                        // vim's probe for a writable folder
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || name.starts_with(".#")                // emacs lock files
        || name.ends_with(".tmp") || name.ends_with(".bak")
        || name.contains("___jb_tmp___") || name.contains("___jb_old___") // JetBrains safe write
        || name.ends_with(".kate-swp")
        || name.starts_with("~$")                // office lock files
        || name == ".DS_Store"
}

/// The slug of a content file: its path below the role folder, without extension.
pub(super) fn slug_of(rel: &str) -> String {
    let below = rel.split_once('/').map_or(rel, |(_, r)| r);
    below.rsplit_once('.').map_or(below, |(s, _)| s).to_string()
}

/// The last load's files with the stamps of `changed` read again, or `None`
/// when the files themselves may have changed: a changed path that is new, gone,
/// or a folder (a renamed folder is reported by its own path). The caller walks then.
pub(super) fn restat(root: &Path, last: &[Entry], changed: &[String]) -> Option<Vec<Entry>> {
    if last.is_empty() {
        return None;
    }
    let mut entries = last.to_vec();
    for rel in changed {
        let meta = std::fs::metadata(crate::paths::below(root, rel)).ok().filter(std::fs::Metadata::is_file);
        match (entries.binary_search_by(|e| walk_order(&e.rel, rel)), meta) {
            (Ok(i), Some(meta)) => entries[i].stamp = Stamp::of(&meta),
            // A file partnerbook does not read (a README, say) changed.
            (Err(_), Some(_)) if classify(rel).is_none() => {}
            _ => return None,
        }
    }
    Some(entries)
}

/// The order of the walk: by file name, folder by folder, as a walk that
/// sorts each folder by file name visits them (`WalkDir::sort_by_file_name`).
/// Comparing the paths with `/` as the smallest byte is comparing their parts
/// in turn, since no name holds a `/` or a NUL.
pub(super) fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().map(|b| if b == b'/' { 0 } else { b })
    }
    key(a).cmp(key(b))
}

/// Every file of the guide partnerbook reads, in walk order, with its stamp;
/// what the walk itself warns about goes to `warnings`.
pub(super) fn walk(root: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Vec<Entry>, LoadError> {
    if !root.join("site.yaml").is_file() {
        return Err(LoadError::NotAGuide(root.to_path_buf()));
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut loops: Vec<(String, Diagnostic)> = Vec::new();
    // Unsorted: the entries are put in walk order below, in one sort of the
    // paths (sorting each folder's entries by file name takes longer).
    let walker = walkdir::WalkDir::new(root).follow_links(true);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let rel = relative(root, &path);
                // A link back to a folder above it would be walked forever: it is
                // left out, with a warning when it sits where content is read from.
                if e.loop_ancestor().is_some() {
                    let top = rel.split('/').next().unwrap_or_default();
                    let content = ["playbooks", "partners", "pages", "static", "templates"].contains(&top);
                    if content && !rel.split('/').any(|part| part.starts_with('.')) {
                        let message =
                            format!("`{rel}` is a symbolic link to a folder that holds it (a loop); left out");
                        let d = Diagnostic::warning(Span::new(FileId(0), 0, 0), message)
                            .with_hint("remove the link, or point it at a folder outside the guide")
                            .with_code("symlink-loop");
                        loops.push((rel, Diagnostic { span: None, ..d }));
                    }
                    continue;
                }
                if classify(&rel).is_none() && !rel.is_empty() {
                    continue;
                }
                let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
                return Err(LoadError::Io(IoError { action: "read", path, source }));
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        if let Some(role) = classify(&rel) {
            entries.push(Entry { rel, path: entry.into_path(), role, stamp: Stamp::default() });
        }
    }
    entries.par_sort_unstable_by(|a, b| walk_order(&a.rel, &b.rel));
    loops.sort_by(|a, b| walk_order(&a.0, &b.0));
    warnings.extend(loops.into_iter().map(|(_, d)| d));
    // The stamps are read on every core: one `stat` per file.
    entries.par_iter_mut().with_max_len(64).for_each(|e| {
        e.stamp = std::fs::metadata(&e.path).map(|m| Stamp::of(&m)).unwrap_or_default();
    });
    Ok(entries)
}

/// The path of `path` inside `root`, `/`-separated whatever the platform, by
/// its components (`""` for a path the walk did not find inside `root`, which
/// is no file of the guide).
pub(super) fn relative(root: &Path, path: &Path) -> String {
    crate::paths::slash_rel(root, path).unwrap_or_default()
}
