//! `partnerbook new playbook|partner`: adds one file to a guide, named by the
//! slug of its title, with every field of the guide contract present (the
//! ones not given commented out) so the editor fills in rather than looks up.
//! It owns the slug rule for new files, the validation of `--stage`, `--kind`
//! and `--partners`, and the never-overwrite rule; the file texts themselves
//! are in [`template`]. It does not run `check`: the texts are tested to pass
//! it as written.
//!
//! Exit codes: 0 written (warnings, such as an unknown `--partners` slug, do
//! not stop it); 2 for a bad `--stage`/`--kind`, a folder that is not a guide,
//! or a file that already exists, in which case nothing is written.

pub(crate) mod template;

use std::path::{Path, PathBuf};

use super::Outcome;
use crate::cli::{NewArgs, NewCommonArgs, default_guide};
use crate::diag::{did_you_mean, suggestion};
use crate::fs::{self, IoError};
use crate::load::fields::{Kind, Stage};

use template::{PlaybookFields, partner_text, playbook_text};

/// What `new` is asked to write, resolved and validated from the command line.
#[derive(Clone, Debug)]
pub(crate) struct NewOptions {
    /// The guide folder.
    pub(crate) guide: PathBuf,
    /// The date that counts as today (fills `updated:` and example dates).
    pub(crate) today: chrono::NaiveDate,
    /// The file to write.
    pub(crate) item: NewItem,
}

/// The file `new` writes, with the values given on the command line.
#[derive(Clone, Debug)]
pub(crate) enum NewItem {
    /// `playbooks/<slug>.md`.
    Playbook {
        /// The title.
        title: String,
        /// `--stage`.
        stage: Option<Stage>,
        /// `--partners`, trimmed, empty entries dropped.
        partners: Vec<String>,
    },
    /// `partners/<slug>.yaml`.
    Partner {
        /// The name.
        name: String,
        /// `--kind`.
        kind: Option<Kind>,
    },
}

impl NewOptions {
    /// Resolves the command line; a usage error (unknown stage or kind) is the
    /// message to print.
    pub(crate) fn from_args(args: &NewArgs) -> Result<NewOptions, String> {
        let (common, item) = match args {
            NewArgs::Playbook(a) => {
                let stage =
                    a.stage.as_deref().map(|s| parse_enum("stage", s, Stage::ALL, |v| v.as_str())).transpose()?;
                let partners =
                    a.partners.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect::<Vec<_>>();
                (&a.common, NewItem::Playbook { title: a.title.trim().to_string(), stage, partners })
            }
            NewArgs::Partner(a) => {
                let kind = a.kind.as_deref().map(|k| parse_enum("kind", k, Kind::ALL, |v| v.as_str())).transpose()?;
                (&a.common, NewItem::Partner { name: a.name.trim().to_string(), kind })
            }
        };
        Ok(NewOptions { guide: guide_of(common), today: today_of(common), item })
    }
}

fn guide_of(common: &NewCommonArgs) -> PathBuf {
    common.guide.clone().unwrap_or_else(|| default_guide(Path::new(".")))
}

fn today_of(common: &NewCommonArgs) -> chrono::NaiveDate {
    common.today.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Parses a value of a contract enum, with a did-you-mean when it is misspelt.
pub(crate) fn parse_enum<T: Copy>(
    what: &str,
    text: &str,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T, String> {
    if let Some(v) = all.iter().copied().find(|v| as_str(*v) == text) {
        return Ok(v);
    }
    let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
    Err(format!("error: unknown {what} `{text}`; nothing was written\nhelp: {}\n", suggestion(text, &names)))
}

/// What `new` wrote.
#[derive(Debug)]
pub(crate) struct Written {
    /// The path of the new file.
    pub(crate) path: PathBuf,
    /// Warnings, one line each (e.g. a `--partners` slug the guide lacks).
    pub(crate) warnings: Vec<String>,
}

/// Why `new` wrote nothing.
#[derive(Debug)]
pub(crate) enum NewError {
    /// The guide folder has no `site.yaml`.
    NotAGuide(PathBuf),
    /// The title gives no slug (e.g. only punctuation).
    NoSlug(String),
    /// A file with this slug exists (the path that exists).
    Exists(PathBuf),
    /// Reading or writing failed.
    Io(IoError),
}

impl From<IoError> for NewError {
    fn from(e: IoError) -> Self {
        NewError::Io(e)
    }
}

/// Runs new.
pub fn run(args: &NewArgs) -> Outcome {
    let opts = match NewOptions::from_args(args) {
        Ok(o) => o,
        Err(message) => return Outcome::Environment(message),
    };
    match write(&opts) {
        Ok(w) => {
            let mut text: String = w.warnings.iter().map(|l| format!("{l}\n")).collect();
            text.push_str(&format!("wrote {}\n", w.path.display()));
            Outcome::Ok(text)
        }
        Err(e) => Outcome::Environment(error_message(&e)),
    }
}

/// The slug of a new file's title: transliterated to ASCII, lower case, words
/// joined by hyphens (`Café déjà vu: a test!` -> `cafe-deja-vu-a-test`).
pub(crate) fn slug_of(title: &str) -> String {
    slug::slugify(title)
}

/// Writes the new file; never replaces one.
pub(crate) fn write(opts: &NewOptions) -> Result<Written, NewError> {
    let guide = &opts.guide;
    if !guide.join("site.yaml").is_file() {
        return Err(NewError::NotAGuide(guide.clone()));
    }
    let (title, folder, exts) = match &opts.item {
        NewItem::Playbook { title, .. } => (title, "playbooks", &["md"][..]),
        NewItem::Partner { name, .. } => (name, "partners", &["yaml", "yml"][..]),
    };
    let slug = slug_of(title);
    if slug.is_empty() {
        return Err(NewError::NoSlug(title.clone()));
    }
    // `partners/x.yml` and `partners/x.yaml` would be the same slug twice.
    for ext in exts {
        let existing = guide.join(folder).join(format!("{slug}.{ext}"));
        if existing.exists() {
            return Err(NewError::Exists(existing));
        }
    }
    let path = guide.join(folder).join(format!("{slug}.{}", exts[0]));
    let partners = slugs_in(&guide.join("partners"), &["yaml", "yml"]);
    let playbooks = slugs_in(&guide.join("playbooks"), &["md"]);
    let mut warnings = Vec::new();
    let text = match &opts.item {
        NewItem::Playbook { title, stage, partners: given } => {
            for p in given.iter().filter(|p| !partners.contains(p)) {
                warnings.push(unknown_partner_warning(p, &partners));
            }
            let example = partners.first().map_or("campus-it", String::as_str);
            playbook_text(&PlaybookFields { title, stage: *stage, partners: given }, opts.today, example)
        }
        NewItem::Partner { name, kind } => {
            let example = playbooks.first().map_or("thank-and-recap", String::as_str);
            partner_text(name, *kind, opts.today, example)
        }
    };
    fs::create_dir_all(&guide.join(folder))?;
    match fs::write_new(&path, text.as_bytes()) {
        Err(e) if e.source.kind() == std::io::ErrorKind::AlreadyExists => Err(NewError::Exists(path)),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(Written { path, warnings }),
    }
}

fn unknown_partner_warning(slug: &str, known: &[String]) -> String {
    let hint = match did_you_mean(slug, known.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("add it with `partnerbook new partner \"Name\"` (the file must be partners/{slug}.yaml)"),
    };
    format!("warning: the guide has no partner `{slug}`; `partnerbook check` reports it until it exists\nhelp: {hint}")
}

/// The slugs of the files with one of `exts` below `dir`, sorted (none when
/// the folder is missing). Dot files are skipped, as `load` skips them.
fn slugs_in(dir: &Path, exts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = crate::paths::slash_rel(dir, e.path())?;
            let (stem, ext) = rel.rsplit_once('.')?;
            exts.contains(&ext).then(|| stem.to_string())
        })
        .collect();
    out.sort();
    out
}

fn error_message(e: &NewError) -> String {
    match e {
        NewError::NotAGuide(p) => format!(
            "error: {} is not a guide: it has no site.yaml; nothing was written\n\
             help: run it inside a guide, give the guide with --guide DIR, or start one with `partnerbook init DIR`\n",
            p.display()
        ),
        NewError::NoSlug(title) => {
            format!("error: `{title}` gives no file name (it needs a letter or a digit); nothing was written\n")
        }
        NewError::Exists(p) => {
            let word = if p.extension().is_some_and(|e| e == "md") { "title" } else { "name" };
            format!(
                "error: {} already exists; nothing was written\n\
                 help: edit that file, or give the new one another {word}\n",
                p.display()
            )
        }
        NewError::Io(e) => format!("error: {e}\n"),
    }
}

#[cfg(test)]
mod tests;
