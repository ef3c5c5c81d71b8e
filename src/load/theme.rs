//! The theme a guide names in `site.yaml` (`theme: NAME`): the folder
//! `themes/NAME/` beside the guide folder (`GUIDE/../themes/NAME/`), with its
//! own `templates/` and `static/`. This module only reads the files; `render`
//! lays them over the embedded default theme (which fills in every template or
//! static file the named theme leaves out) and lays the guide's `templates/`
//! over both. `default`, or no `theme:` at all, is the embedded theme alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::site_config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::fs::{self, IoError};
use crate::source::FileId;

/// The name of the theme compiled into the binary.
pub(crate) const DEFAULT: &str = "default";

/// A theme read from disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThemeSrc {
    /// Its name in `site.yaml`.
    pub name: String,
    /// Its folder as shown in messages, relative to the guide (`../themes/NAME`).
    pub shown: String,
    /// Templates by name below `templates/` (`partials/item.html`).
    pub templates: Vec<(String, String)>,
    /// Static files by path below `static/`.
    pub assets: Vec<(String, Arc<[u8]>)>,
}

/// The folder that holds the themes of the guide at `root`: `themes/` beside it.
pub(crate) fn themes_dir(root: &Path) -> PathBuf {
    root.join("..").join("themes")
}

/// Reads the theme that `config` names. `Ok(None)` means the embedded default
/// theme; an unknown name is reported at the `theme:` line of `site.yaml`.
pub(crate) fn load(
    root: &Path,
    config: &SiteConfig,
    config_file: Option<FileId>,
    diags: &mut Diagnostics,
) -> Result<Option<Arc<ThemeSrc>>, IoError> {
    let Some(name) = &config.theme else { return Ok(None) };
    let value = name.value.trim();
    if value == DEFAULT {
        return Ok(None);
    }
    let themes = themes_dir(root);
    let dir = themes.join(value);
    // A name is one folder: no separators, no `..`, no hidden folders.
    let plain = !value.is_empty() && !value.starts_with('.') && !value.contains(['/', '\\']);
    if !plain || !dir.is_dir() {
        if let Some(file) = config_file {
            let mut known = available(&themes);
            known.push(DEFAULT.to_string());
            known.sort();
            let hint = match did_you_mean(value, known.iter().map(String::as_str)) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!(
                    "a theme is a folder themes/NAME/ beside the guide folder; the themes here are: {}",
                    known.join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(name.span(file, 0), format!("unknown theme `{value}`"))
                    .with_hint(hint)
                    .with_code("unknown-theme"),
            );
        }
        return Ok(None);
    }
    let mut theme = ThemeSrc { name: value.to_string(), shown: format!("../themes/{value}"), ..ThemeSrc::default() };
    for (rel, path) in files_below(&dir.join("templates"))? {
        let bytes = fs::read(&path)?;
        theme.templates.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
    }
    for (rel, path) in files_below(&dir.join("static"))? {
        theme.assets.push((rel, fs::read(&path)?.into()));
    }
    Ok(Some(Arc::new(theme)))
}

/// The names of the theme folders in `themes`, sorted.
fn available(themes: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(themes) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Every file below `dir` (none when it does not exist), by `/`-separated
/// path below it, sorted; dot files and editor temp files are left out.
fn files_below(dir: &Path) -> Result<Vec<(String, PathBuf)>, IoError> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
            IoError { action: "read", path, source }
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = crate::paths::slash_rel(dir, entry.path()) else { continue };
        if rel.split('/').any(|p| p.starts_with('.')) || rel.rsplit('/').next().is_some_and(super::is_temp_file) {
            continue;
        }
        out.push((rel, entry.into_path()));
    }
    Ok(out)
}
