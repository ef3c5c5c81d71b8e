//! `serve`: keep the guide in memory, rebuild what changed on every save, and
//! serve the last good site with live reload. A [`Session`] runs the same
//! stage functions as `build` (load, link, render) with caches that make a
//! rebuild touch only the files and pages an edit affects; nothing is written
//! to disk. Watching, HTTP and live reload are in the sub-modules.

mod conns;
pub(crate) mod edit;
pub(crate) mod http;
pub(crate) mod live;
pub(crate) mod watch;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::BuildOptions;
use crate::diag::Diagnostics;
use crate::render::{self, Site, Theme};
use crate::{link, load};

/// The loaded guide and its caches, between rebuilds.
pub(crate) struct Session {
    opts: BuildOptions,
    load_cache: load::Cache,
    link_cache: link::Cache,
    render_cache: render::Cache,
    /// The parsed theme and what it was parsed from (the named theme, the guide's templates).
    theme: Option<(ThemeKey, Theme)>,
    last: Option<Arc<Site>>,
    /// The last load, link and problems, patched in place by a save of a few
    /// playbooks or partners (see [`Session::patch`]).
    loaded: Option<Loaded>,
    /// True when `render_cache` rendered the guide in `loaded` (false after a failed rebuild).
    rendered_loaded: bool,
    /// What the last rebuild warned about, to render warnings only when they change.
    last_warnings: Option<u64>,
}

/// A loaded and linked guide with its problems.
struct Loaded {
    sources: load::Sources,
    guide: Arc<link::Guide>,
    diags: Diagnostics,
}

/// What a theme is parsed from: the theme named in site.yaml and the guide's `templates/`.
type ThemeKey = (Option<Arc<load::ThemeSrc>>, Vec<(String, String)>);

/// What a rebuild produced.
pub(crate) enum Outcome {
    /// A new site.
    Built {
        /// The site.
        site: Arc<Site>,
        /// The linked guide it was rendered from.
        guide: Arc<link::Guide>,
        /// Paths whose bytes changed (added, changed or removed) since the last good site.
        changed: Vec<String>,
        /// Pages rendered (the others came from the cache).
        rendered: usize,
        /// Warnings rendered for the terminal, or `None` when they are the same as last time
        /// (a large guide can have thousands; rendering them again on every save would cost more than the rebuild).
        warnings: Option<String>,
        /// How long it took.
        took: Duration,
    },
    /// The guide has errors, or a template failed; the last good site stays.
    Failed {
        /// The problems, as plain text (file:line:column, source line, hint).
        text: String,
    },
}

impl Session {
    /// A session over a guide. `opts.link.base_url` is replaced by `/`: a preview
    /// never bakes in a host or path, so it works from any address.
    pub(crate) fn new(mut opts: BuildOptions) -> Self {
        opts.link.base_url = Some("/".into());
        Session {
            opts,
            load_cache: load::Cache::default(),
            link_cache: link::Cache::default(),
            render_cache: render::Cache::for_serve(),
            theme: None,
            last: None,
            loaded: None,
            rendered_loaded: false,
            last_warnings: None,
        }
    }

    /// The last site that built.
    #[cfg(test)]
    pub(crate) fn last_site(&self) -> Option<Arc<Site>> {
        self.last.clone()
    }

    /// Rebuilds from a fresh walk of the guide, reading every file again: after
    /// the guide folder was replaced, a file of the new folder can have the
    /// size and time of the old one (`cp -a`, `rsync`) and still differ.
    pub(crate) fn rebuild_all(&mut self) -> Result<Outcome, crate::Failure> {
        self.load_cache = load::Cache::default();
        self.loaded = None;
        self.rebuild(&[])
    }

    /// Rebuilds after `changed` paths (relative to the guide) were touched;
    /// those are read again even if their size and time look the same.
    pub(crate) fn rebuild(&mut self, changed: &[String]) -> Result<Outcome, crate::Failure> {
        let started = Instant::now();
        for path in changed {
            self.load_cache.forget(path);
        }
        if let Some(outcome) = self.patch(changed, started) {
            return Ok(outcome);
        }
        self.loaded = None;
        let mut diags = Diagnostics::default();
        // The first load walks the guide; later ones look at what the watcher reported.
        let scope =
            if self.last.is_none() && changed.is_empty() { load::Scope::Walk } else { load::Scope::Changed(changed) };
        let sources = match load::load_scoped(&self.opts.guide, scope, &mut self.load_cache, &mut diags) {
            Ok(s) => s,
            Err(e) => return Ok(load_failed(e)),
        };
        let t_load = started.elapsed();
        let guide = link::link_with(&sources, &self.opts.link, &mut self.link_cache, &mut diags);
        let guide = Arc::new(guide);
        self.loaded = Some(Loaded { sources, guide, diags });
        self.rendered_loaded = false;
        let t_link = started.elapsed();
        let outcome = self.render(None, false, started);
        if std::env::var_os("PARTNERBOOK_TRACE").is_some() {
            eprintln!("trace: load {t_load:?} link {:?} render {:?}", t_link - t_load, started.elapsed() - t_link);
        }
        Ok(outcome)
    }

    /// A rebuild by patching the last load and link in place, when `changed`
    /// is an edit of playbooks or partners that reaches no further than their
    /// own pages' inputs ([`load::patch`], [`link::relink`]); `None` otherwise.
    fn patch(&mut self, changed: &[String], started: Instant) -> Option<Outcome> {
        let loaded = self.loaded.as_mut().filter(|_| !changed.is_empty())?;
        let mut found = Vec::new();
        let patched = load::patch(&self.opts.guide, changed, &mut loaded.sources, &mut self.load_cache, &mut found);
        let files = match patched {
            Ok(Some(files)) => files,
            Ok(None) => return None,
            Err(e) => {
                self.loaded = None;
                return Some(load_failed(e));
            }
        };
        let t_load = started.elapsed();
        let guide = Arc::make_mut(&mut loaded.guide);
        let Some(relinked) =
            link::relink(&loaded.sources, &self.opts.link, &mut self.link_cache, guide, &files, &mut found)
        else {
            // The caller loads and links in full; the files read here stay in the load cache.
            self.loaded = None;
            return None;
        };
        let mut gone = Vec::new();
        loaded.diags.retain(|d| match &d.span {
            Some(span) if files.contains(&span.file) => {
                gone.push(d.clone());
                false
            }
            _ => true,
        });
        let same_problems = same_diagnostics(&gone, &found);
        loaded.diags.extend(found);
        let t_link = started.elapsed();
        let relinked = self.rendered_loaded.then_some(relinked);
        let outcome = self.render(relinked.as_ref(), same_problems, started);
        if std::env::var_os("PARTNERBOOK_TRACE").is_some() {
            eprintln!(
                "trace: patched {} files: load {t_load:?} link {:?} render {:?}",
                files.len(),
                t_link - t_load,
                started.elapsed() - t_link
            );
        }
        Some(outcome)
    }

    /// Renders the guide in `self.loaded`: only the pages `relinked` reaches
    /// when given, else every page whose inputs changed.
    /// `same_problems`: the problems are known to be those of the last rebuild.
    fn render(&mut self, relinked: Option<&link::Relinked>, same_problems: bool, started: Instant) -> Outcome {
        let loaded = self.loaded.as_ref().expect("loaded before rendering");
        let (sources, guide, diags) = (&loaded.sources, &loaded.guide, &loaded.diags);
        if diags.has_errors() {
            return Outcome::Failed { text: diags.render(&sources.files, false) };
        }
        let key: ThemeKey = (guide.theme.clone(), guide.templates.clone());
        if self.theme.as_ref().is_none_or(|(t, _)| *t != key) {
            match Theme::for_guide(guide) {
                Ok(theme) => {
                    self.theme = Some((key, theme));
                    self.render_cache = render::Cache::for_serve();
                }
                Err(e) => return Outcome::Failed { text: format!("{e}\n") },
            }
        }
        let theme = &self.theme.as_ref().expect("theme loaded above").1;
        let quick = match (relinked, &self.last) {
            (Some(relinked), Some(last)) => render::rerender(guide, theme, &mut self.render_cache, last, relinked),
            _ => None,
        };
        let site = match quick.unwrap_or_else(|| render::render_with(guide, theme, &mut self.render_cache)) {
            Ok(site) => Arc::new(site),
            Err(e) => {
                return Outcome::Failed { text: format!("error: template failed on {}: {}\n", e.page, e.message) };
            }
        };
        self.rendered_loaded = true;
        let changed = match &self.last {
            Some(old) => diff(old, &site),
            None => site.pages.keys().map(|k| k.to_string()).collect(),
        };
        self.last = Some(site.clone());
        let guide = guide.clone();
        let loaded = self.loaded.as_ref().expect("loaded before rendering");
        let warnings = if same_problems && self.last_warnings.is_some() {
            None
        } else {
            warnings_if_changed(&mut self.last_warnings, &loaded.diags, &loaded.sources.files)
        };
        Outcome::Built { site, guide, changed, rendered: self.render_cache.rendered, warnings, took: started.elapsed() }
    }
}

/// The problems rendered for the terminal, or `None` when they are the same as
/// last time (a large guide can have thousands; rendering them again on every
/// save would cost more than the rebuild).
fn warnings_if_changed(
    last: &mut Option<u64>,
    diags: &Diagnostics,
    files: &crate::source::SourceFiles,
) -> Option<String> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for d in diags.sorted(files) {
        if let Some((path, line, col)) = d.location(files) {
            h.update(format!("{path}:{line}:{col}").as_bytes());
        }
        h.update(d.message.as_bytes());
    }
    let key = h.digest();
    if *last == Some(key) {
        return None;
    }
    *last = Some(key);
    Some(diags.render(files, false))
}

/// True when two lists of problems hold the same ones, in any order.
fn same_diagnostics(a: &[crate::diag::Diagnostic], b: &[crate::diag::Diagnostic]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let key = |d: &crate::diag::Diagnostic| {
        let at = d.span.as_ref().map(|s| (s.file.0, s.bytes.start, s.bytes.end));
        (at, d.severity, d.message.clone(), d.hint.clone(), d.code)
    };
    let (mut a, mut b): (Vec<_>, Vec<_>) = (a.iter().map(key).collect(), b.iter().map(key).collect());
    a.sort();
    b.sort();
    a == b
}

/// The outcome of a load that could not read the guide.
fn load_failed(e: load::LoadError) -> Outcome {
    match e {
        load::LoadError::NotAGuide(p) => {
            Outcome::Failed { text: format!("error: {} has no site.yaml: it is not a guide\n", p.display()) }
        }
        // A file that cannot be read right now (mid-save, permissions) is shown like any other error.
        load::LoadError::Io(e) => {
            Outcome::Failed { text: format!("error: {e}\nhelp: check that the file exists and is readable\n") }
        }
    }
}

/// Paths added, removed or changed between two sites, in path order. Both maps
/// are sorted, so one pass over the two in step does it; most pages are the
/// same `Arc` as last time and are not compared byte by byte.
fn diff(old: &Site, new: &Site) -> Vec<String> {
    use std::cmp::Ordering;
    let mut out = Vec::new();
    let (mut a, mut b) = (old.pages.iter().peekable(), new.pages.iter().peekable());
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((pa, _)), Some((pb, _))) => pa.cmp(pb),
        };
        match order {
            Ordering::Less => out.push(a.next().expect("peeked").0.to_string()),
            Ordering::Greater => out.push(b.next().expect("peeked").0.to_string()),
            Ordering::Equal => {
                let ((path, x), (_, y)) = (a.next().expect("peeked"), b.next().expect("peeked"));
                if !Arc::ptr_eq(&x.bytes, &y.bytes) && x.bytes != y.bytes {
                    out.push(path.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
