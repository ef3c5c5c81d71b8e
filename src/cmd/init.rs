//! `partnerbook init DIR`: writes the starter guide that is compiled into the
//! binary (the files of `src/cmd/starter/`) into a new or empty folder, so that
//! the binary alone starts a guide anywhere. It owns the starter files and the
//! "only into an empty folder unless --force" rule; it does not check or build
//! what it wrote (tests make sure the starter passes `check` as written).

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::Outcome;
use crate::cli::InitArgs;
use crate::fs::{self, IoError};

/// The starter guide: site.yaml, playbooks, partners, an about page, a
/// README, `.gitignore` and CI examples.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/cmd/starter");

/// What `init` is asked to do, resolved from the command line.
#[derive(Clone, Debug)]
pub(crate) struct InitOptions {
    /// The folder to write into; created when missing.
    pub(crate) dir: PathBuf,
    /// Write into a folder that is not empty, replacing same-named files.
    pub(crate) force: bool,
}

impl From<&InitArgs> for InitOptions {
    fn from(args: &InitArgs) -> Self {
        InitOptions { dir: args.dir.clone(), force: args.force }
    }
}

/// Why `init` wrote nothing (or stopped part-way on an I/O error).
#[derive(Debug)]
pub(crate) enum InitError {
    /// The folder holds files and `--force` was not given; its first entries.
    NotEmpty(PathBuf, Vec<String>),
    /// The path exists and is not a folder.
    NotAFolder(PathBuf),
    /// Reading or writing failed.
    Io(IoError),
}

impl From<IoError> for InitError {
    fn from(e: IoError) -> Self {
        InitError::Io(e)
    }
}

/// Runs init.
pub fn run(args: &InitArgs) -> Outcome {
    let opts = InitOptions::from(args);
    match init(&opts) {
        Ok(written) => Outcome::Ok(success_message(&opts.dir, written.len())),
        Err(e) => Outcome::Environment(error_message(&e)),
    }
}

/// Every file of the starter guide as (path with `/`, bytes), sorted by path.
pub(crate) fn starter_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            // Embedded paths keep the separators of the system that built the binary.
            if let Some(rel) = crate::paths::slash_join(f.path().components()) {
                out.push((rel, f.contents()));
            }
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&STARTER, &mut out);
    out.sort();
    out
}

/// Writes the starter guide into `opts.dir`; returns the paths written.
pub(crate) fn init(opts: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let dir = &opts.dir;
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.clone()));
        }
        let names = fs::read_dir_names(dir)?;
        if !names.is_empty() && !opts.force {
            return Err(InitError::NotEmpty(dir.clone(), names));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in starter_files() {
        let path = crate::paths::below(dir, &rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn success_message(dir: &Path, files: usize) -> String {
    let shown = dir.display();
    format!(
        "wrote a new guide into {shown} ({files} files)\n\
         next:\n  \
           cd {shown}\n  \
           partnerbook serve --open           # live preview while you edit\n  \
           partnerbook new playbook \"Title\"   # add a playbook\n  \
           partnerbook new partner \"Name\"     # add a partner profile\n  \
           partnerbook check                  # before each commit; CI examples: .gitlab-ci.yml, .github/workflows/check.yml\n"
    )
}

fn error_message(e: &InitError) -> String {
    match e {
        InitError::NotEmpty(dir, names) => {
            let mut shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
            if names.len() > 3 {
                shown.push(format!("{} more", names.len() - 3));
            }
            format!(
                "error: {} is not empty (it holds {}); nothing was written\n\
                 help: give a new or empty folder, or add --force to write the starter guide into it \
                 (files with the same names are replaced)\n",
                dir.display(),
                shown.join(", ")
            )
        }
        InitError::NotAFolder(dir) => {
            format!("error: {} exists and is not a folder; nothing was written\n", dir.display())
        }
        InitError::Io(e) => format!("error: {e}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_holds_the_guide_the_gitignore_and_the_ci_examples() {
        let files: Vec<String> = starter_files().into_iter().map(|(p, _)| p).collect();
        for path in
            ["site.yaml", ".gitignore", ".gitlab-ci.yml", ".github/workflows/check.yml", "README.md", "pages/about.md"]
        {
            assert!(files.contains(&path.to_string()), "{path} is missing from {files:?}");
        }
        assert!(files.iter().filter(|p| p.starts_with("playbooks/")).count() >= 2, "{files:?}");
        assert_eq!(files.iter().filter(|p| p.starts_with("partners/")).count(), 2, "{files:?}");
    }

    #[test]
    fn starter_site_yaml_names_every_setting() {
        let (_, site) = starter_files().into_iter().find(|(p, _)| p == "site.yaml").unwrap();
        let site = std::str::from_utf8(site).unwrap();
        for key in [
            "title",
            "description",
            "base_url",
            "institution",
            "edit_url",
            "stale_after_days",
            "review_every_days",
            "theme",
        ] {
            assert!(site.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{key}:"))), "{key}");
        }
        assert!(site.contains("{path}"), "edit_url shows {{path}}");
    }

    #[test]
    fn starter_shows_review_dates_and_a_private_note() {
        let files = starter_files();
        let text = |p: &'static str| {
            files.iter().filter(move |(f, _)| f.starts_with(p)).map(|(_, t)| String::from_utf8_lossy(t))
        };
        assert!(text("playbooks/").all(|t| t.contains("\nreviewed: ")), "every starter playbook shows `reviewed`");
        assert!(text("partners/").any(|t| t.contains("\nprivate_notes: ")), "a starter partner shows `private_notes`");
        assert!(
            text("partners/").any(|t| t.contains("    private_notes: ")),
            "a starter meeting shows `private_notes`"
        );
    }

    #[test]
    fn not_empty_message_names_a_few_entries_and_the_way_out() {
        let e = InitError::NotEmpty("g".into(), ["a", "b", "c", "d", "e"].map(String::from).to_vec());
        let text = error_message(&e);
        assert!(text.starts_with("error: g is not empty (it holds `a`, `b`, `c`, 2 more)"), "{text}");
        assert!(text.contains("--force"), "{text}");
    }
}
