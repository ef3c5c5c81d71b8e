//! Stage 1, load: walk a guide folder and parse every file into [`Sources`].
//! Spans are kept and nothing is resolved: a reference to a partner is still
//! just a string with a position. Content problems go to [`Diagnostics`];
//! only environment failures (unreadable folder) return `Err`.

pub(crate) mod fields;
pub(crate) mod front_matter;
pub(crate) mod git;
pub(crate) mod page;
pub(crate) mod partner;
pub(crate) mod playbook;
pub(crate) mod site_config;
pub(crate) mod theme;
mod walk;
pub(crate) mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::fs::{self, IoError};
use crate::source::{FileId, SourceFile, SourceFiles};
use page::{PageMeta, PageSrc};
use partner::{PartnerProfile, PartnerSrc};
use playbook::{PlaybookMeta, PlaybookSrc};
use site_config::SiteConfig;
pub(crate) use theme::ThemeSrc;
pub(crate) use walk::is_temp_file;
use walk::{Entry, Role, Stamp, classify, restat, slug_of, walk, walk_order};

/// Everything read from a guide folder.
#[derive(Debug, Default)]
pub struct Sources {
    /// The text of every file, for diagnostics.
    pub files: SourceFiles,
    /// `site.yaml`, or defaults when it failed to parse.
    pub(crate) config: SiteConfig,
    /// The file of `site.yaml`.
    pub(crate) config_file: Option<FileId>,
    /// Playbooks, sorted by slug.
    pub(crate) playbooks: Vec<PlaybookSrc>,
    /// Partners, sorted by slug.
    pub(crate) partners: Vec<PartnerSrc>,
    /// Free pages, sorted by slug.
    pub(crate) pages: Vec<PageSrc>,
    /// Files of `static/`, by path below it.
    pub(crate) assets: Vec<(String, Arc<[u8]>)>,
    /// Templates of the guide's `templates/` folder, by name.
    pub(crate) templates: Vec<(String, String)>,
    /// The theme `site.yaml` names, read from `themes/NAME/` beside the guide;
    /// `None` for the embedded default theme.
    pub(crate) theme: Option<Arc<ThemeSrc>>,
    /// Dates of the last and first commits that touched each file, by path
    /// relative to the guide; empty when the guide is not in a git repository.
    pub(crate) git_dates: Arc<git::GitDates>,
}

/// An environment failure that stops the load (content problems never do).
#[derive(Debug)]
pub enum LoadError {
    /// A file or folder could not be read.
    Io(IoError),
    /// The folder has no `site.yaml`.
    NotAGuide(PathBuf),
}

impl From<IoError> for LoadError {
    fn from(e: IoError) -> Self {
        LoadError::Io(e)
    }
}

/// One parsed file, before it is given its place in [`Sources`].
#[derive(Clone, Debug)]
enum Parsed {
    Config(Option<SiteConfig>),
    Playbook(PlaybookSrc),
    Partner(PartnerSrc),
    Page(PageSrc),
}

impl Parsed {
    /// The same parse result, for the file at a new position.
    fn with_file(&self, id: FileId) -> Parsed {
        let mut p = self.clone();
        match &mut p {
            Parsed::Config(_) => {}
            Parsed::Playbook(x) => x.file = id,
            Parsed::Partner(x) => x.file = id,
            Parsed::Page(x) => x.file = id,
        }
        p
    }
}

/// A file read and parsed by an earlier load (file ids and spans as of then).
#[derive(Clone, Debug)]
struct Cached {
    stamp: Stamp,
    file: Arc<SourceFile>,
    parsed: Option<Parsed>,
    diags: Vec<Diagnostic>,
}

/// What earlier loads read, so that `serve` re-reads only files that changed.
/// A `build` starts from an empty cache.
#[derive(Debug, Default)]
pub struct Cache {
    texts: HashMap<String, Cached>,
    assets: HashMap<String, (Stamp, Arc<[u8]>)>,
    /// Read from git once per cache: saves do not change the history, and
    /// `serve` does not watch `.git` (a commit made while serving shows at the
    /// next start).
    git_dates: Option<Arc<git::GitDates>>,
    /// The files the last walk found, in walk order, with their stamps.
    entries: Vec<Entry>,
    /// What the last walk warned about (links that loop), repeated by every load that skips the walk.
    walk_warnings: Vec<Diagnostic>,
    /// Set for a load with no next one (`build`, `check`): nothing is kept.
    once: bool,
}

/// Which files a load looks at.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// Walk the whole guide.
    Walk,
    /// Only these paths (inside the guide) changed since the last load of the
    /// same cache, as a file watcher reported them. When they are all files
    /// the last load already had, and they still exist, the walk is skipped;
    /// anything else (a new file, a removed one) walks the guide again.
    Changed(&'a [String]),
}

impl Cache {
    /// Forgets a file (by its path inside the guide), so that the next load reads it again
    /// even if its size and time look unchanged.
    pub fn forget(&mut self, rel: &str) {
        self.texts.remove(rel);
        self.assets.remove(rel);
    }
}

/// Loads the guide at `root`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Result<Sources, LoadError> {
    load_with(root, &mut Cache { once: true, ..Cache::default() }, diags)
}

/// Loads the guide at `root`, reusing what `cache` holds for files that did not change.
pub fn load_with(root: &Path, cache: &mut Cache, diags: &mut Diagnostics) -> Result<Sources, LoadError> {
    load_scoped(root, Scope::Walk, cache, diags)
}

/// Like [`load_with`], looking only at the files `scope` names when it can.
pub fn load_scoped(
    root: &Path,
    scope: Scope<'_>,
    cache: &mut Cache,
    diags: &mut Diagnostics,
) -> Result<Sources, LoadError> {
    let entries = match scope {
        Scope::Changed(paths) => restat(root, &cache.entries, paths),
        Scope::Walk => None,
    };
    let entries = match entries {
        Some(entries) => entries,
        None => {
            cache.walk_warnings.clear();
            walk(root, &mut cache.walk_warnings)?
        }
    };
    cache.walk_warnings.iter().for_each(|d| diags.push(d.clone()));
    if !cache.once {
        cache.entries = entries.clone();
    }
    load_entries(root, entries, cache, diags)
}

/// Applies the edit of files `sources` (the result of the last load with
/// `cache`) already holds, in place: each changed playbook or partner file is
/// read and parsed again and takes its old place, with its old [`FileId`].
/// Returns those ids, and pushes the load diagnostics of those files to `diags`;
/// `None` when the edit is anything else (a file added or removed, `site.yaml`,
/// a page, a template, an asset, a folder), for the caller to load again with
/// [`load_scoped`]. Paths partnerbook does not read are passed over.
pub fn patch(
    root: &Path,
    changed: &[String],
    sources: &mut Sources,
    cache: &mut Cache,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Vec<FileId>>, LoadError> {
    if cache.entries.is_empty() {
        return Ok(None);
    }
    let mut todo = Vec::new();
    for rel in changed {
        let meta = std::fs::metadata(crate::paths::below(root, rel)).ok();
        match (classify(rel), meta) {
            (None, Some(m)) if m.is_file() => {}
            // Gone: a temporary file of a save, unless it was a folder with files of the guide.
            (None, None)
                if !cache
                    .entries
                    .iter()
                    .any(|e| e.rel.strip_prefix(rel.as_str()).is_some_and(|r| r.starts_with('/'))) => {}
            (Some(role @ (Role::Playbook | Role::Partner)), Some(m)) if m.is_file() => {
                let Ok(i) = cache.entries.binary_search_by(|e| walk_order(&e.rel, rel)) else { return Ok(None) };
                todo.push((i, role, Stamp::of(&m)));
            }
            _ => return Ok(None),
        }
    }
    let mut ids = Vec::new();
    for (i, role, stamp) in todo {
        let (rel, path) = (cache.entries[i].rel.clone(), cache.entries[i].path.clone());
        let id = match role {
            Role::Playbook => sources.playbooks.iter().map(|p| p.file).find(|f| sources.files.get(*f).path == rel),
            _ => sources.partners.iter().map(|p| p.file).find(|f| sources.files.get(*f).path == rel),
        };
        let Some(id) = id else { return Ok(None) };
        let cached = read_and_parse(&rel, &path, role, stamp)?;
        for d in &cached.diags {
            let mut d = d.clone();
            if let Some(span) = &mut d.span {
                span.file = id;
            }
            diags.push(d);
        }
        sources.files.replace(id, cached.file.clone());
        match cached.parsed.as_ref().map(|p| p.with_file(id)) {
            Some(Parsed::Playbook(new)) => {
                if let Some(old) = sources.playbooks.iter_mut().find(|p| p.file == id) {
                    *old = new;
                }
            }
            Some(Parsed::Partner(new)) => {
                if let Some(old) = sources.partners.iter_mut().find(|p| p.file == id) {
                    *old = new;
                }
            }
            _ => return Ok(None),
        }
        cache.entries[i].stamp = stamp;
        cache.texts.insert(rel, cached);
        ids.push(id);
    }
    Ok(Some(ids))
}

/// Reads and parses what changed among `entries`, takes the rest from `cache`.
fn load_entries(
    root: &Path,
    entries: Vec<Entry>,
    cache: &mut Cache,
    diags: &mut Diagnostics,
) -> Result<Sources, LoadError> {
    let mut sources = Sources::default();
    let (texts, binaries): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.role != Role::Asset);
    let mut assets = HashMap::new();
    for Entry { rel, path, stamp, .. } in binaries {
        let bytes = match cache.assets.remove(&rel) {
            Some((old, bytes)) if old == stamp => bytes,
            _ => fs::read(&path)?.into(),
        };
        sources.assets.push((rel["static/".len()..].to_string(), bytes.clone()));
        assets.insert(rel, (stamp, bytes));
    }
    cache.assets = assets;

    // Read and parse what changed, in parallel. Cached results carry the file
    // ids of their load; they are renumbered below by position in the sorted list.
    // git runs beside the parsing, once per cache.
    let old = std::mem::take(&mut cache.texts);
    let known_dates = cache.git_dates.clone();
    let (results, git_dates) = rayon::join(
        || -> Vec<Result<Cached, IoError>> {
            // Small pieces: a partner profile costs many times a playbook's front
            // matter, and the walk puts them together, so large pieces leave one
            // core parsing the last profiles alone.
            texts
                .par_iter()
                .with_max_len(16)
                .map(|e| match old.get(&e.rel) {
                    Some(c) if c.stamp == e.stamp && e.stamp.modified.is_some() => Ok(c.clone()),
                    _ => read_and_parse(&e.rel, &e.path, e.role, e.stamp),
                })
                .collect()
        },
        || known_dates.unwrap_or_else(|| Arc::new(git::commit_dates(root))),
    );
    cache.git_dates = Some(git_dates.clone());
    sources.git_dates = git_dates;

    for (result, Entry { rel, role, .. }) in results.into_iter().zip(&texts) {
        let cached = result?;
        let id = sources.files.add(cached.file.clone());
        for d in &cached.diags {
            let mut d = d.clone();
            if let Some(span) = &mut d.span {
                span.file = id;
            }
            diags.push(d);
        }
        match cached.parsed.as_ref().map(|p| p.with_file(id)) {
            Some(Parsed::Config(config)) => {
                sources.config_file = Some(id);
                sources.config = config.unwrap_or_default();
            }
            Some(Parsed::Playbook(p)) => sources.playbooks.push(p),
            Some(Parsed::Partner(p)) => sources.partners.push(p),
            Some(Parsed::Page(p)) => sources.pages.push(p),
            None if *role == Role::Template => {
                let name = rel["templates/".len()..].to_string();
                sources.templates.push((name, cached.file.text.clone()));
            }
            None => {}
        }
        if !cache.once {
            cache.texts.insert(rel.clone(), cached);
        }
    }
    sources.theme = theme::load(root, &sources.config, sources.config_file, diags)?;
    Ok(sources)
}

/// Reads one text file and parses it; its diagnostics use `FileId(0)` until renumbered.
fn read_and_parse(rel: &str, path: &Path, role: Role, stamp: Stamp) -> Result<Cached, IoError> {
    Ok(parse_bytes(rel, path, role, stamp, fs::read(path)?))
}

/// Parses the bytes of a file as what `rel` (its path inside the guide) makes it,
/// with no I/O, for the fuzz targets and property tests (see `crate::fuzzing`).
/// Returns `None` for a path that is not a text file of the guide.
pub(crate) fn parse_one(rel: &str, bytes: Vec<u8>) -> Option<(Arc<SourceFile>, Vec<Diagnostic>)> {
    let role = classify(rel).filter(|r| *r != Role::Asset)?;
    let cached = parse_bytes(rel, Path::new(rel), role, Stamp::default(), bytes);
    Some((cached.file, cached.diags))
}

fn parse_bytes(rel: &str, path: &Path, role: Role, stamp: Stamp, bytes: Vec<u8>) -> Cached {
    let id = FileId(0);
    let mut diags = Vec::new();
    let (text, parsed) = match String::from_utf8(bytes) {
        Ok(text) => {
            let parsed = parse_file(id, rel, &text, role, &mut diags);
            (text, parsed)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            diags.push(
                Diagnostic::error(Span::new(id, at, 1), "this file is not valid UTF-8 text")
                    .with_hint("save the file as UTF-8 in your editor")
                    .with_code("not-utf8"),
            );
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), None)
        }
    };
    let file = Arc::new(SourceFile::new(rel.to_string(), path.to_path_buf(), text));
    Cached { stamp, file, parsed, diags }
}

fn parse_file(id: FileId, rel: &str, text: &str, role: Role, diags: &mut Vec<Diagnostic>) -> Option<Parsed> {
    let slug = slug_of(rel);
    Some(match role {
        Role::Config => Parsed::Config(parse_yaml(id, text, 0, diags)),
        Role::Partner => Parsed::Partner(PartnerSrc {
            slug,
            file: id,
            profile: parse_yaml::<PartnerProfile>(id, text, 0, diags).map(newest_first),
        }),
        Role::Playbook => {
            let (meta, yaml_start, body) = parse_markdown::<PlaybookMeta>(id, text, diags);
            Parsed::Playbook(PlaybookSrc { slug, file: id, yaml_start, meta: meta.map(Arc::new), body })
        }
        Role::Page => {
            let (meta, _, body) = parse_markdown::<PageMeta>(id, text, diags);
            Parsed::Page(PageSrc { slug, file: id, meta, body })
        }
        Role::Asset | Role::Template => return None,
    })
}

/// Meetings newest first, so that every page shows the same timeline.
fn newest_first(mut profile: PartnerProfile) -> Arc<PartnerProfile> {
    profile.meetings.sort_by_key(|m| std::cmp::Reverse(m.date));
    Arc::new(profile)
}

fn parse_yaml<T: DeserializeOwned>(id: FileId, yaml: &str, start: usize, diags: &mut Vec<Diagnostic>) -> Option<T> {
    yaml::parse(id, yaml, start).map_err(|d| diags.push(d)).ok()
}

fn parse_markdown<T: DeserializeOwned>(
    id: FileId,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> (Option<T>, usize, std::ops::Range<usize>) {
    match front_matter::split(text) {
        Some(split) => {
            let meta = parse_yaml(id, &text[split.yaml.clone()], split.yaml.start, diags);
            (meta, split.yaml.start, split.body)
        }
        None => {
            diags.push(
                Diagnostic::error(Span::new(id, 0, text.find('\n').unwrap_or(text.len())), "no front matter")
                    .with_hint("start the file with a `---` line, then `title: ...`, then a closing `---` line")
                    .with_code("no-front-matter"),
            );
            (None, 0, 0..text.len())
        }
    }
}

#[cfg(test)]
mod tests;
