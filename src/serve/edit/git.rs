//! git for the edit API: whether the guide is in a work tree, and committing
//! one file alone (`git commit --only -- FILE`; never anything else, never a push).

use std::path::Path;
use std::process::Command;

/// Why a commit was not made: git's own words, or that there is nothing to commit.
#[derive(Debug)]
pub(crate) struct GitError {
    /// One or more lines.
    pub(crate) message: String,
}

fn git(guide: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(guide)
        .args(args)
        .output()
        .map_err(|e| GitError { message: format!("cannot run git: {e}") })?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let text = if text.is_empty() { String::from_utf8_lossy(&out.stdout).trim().to_string() } else { text };
        return Err(GitError { message: text });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when the guide folder is inside a git work tree.
pub(crate) fn in_repo(guide: &Path) -> bool {
    git(guide, &["rev-parse", "--is-inside-work-tree"]).is_ok_and(|o| o.trim() == "true")
}

/// Commits `rel` (relative to the guide) alone with `message`; the short hash of the commit.
/// A file that git does not know yet is added first; a file without changes is refused.
pub(crate) fn commit(guide: &Path, rel: &str, message: &str) -> Result<String, GitError> {
    if message.trim().is_empty() {
        return Err(GitError { message: "the commit message is empty".into() });
    }
    let status = git(guide, &["status", "--porcelain", "--", rel])?;
    if status.trim().is_empty() {
        return Err(GitError { message: format!("{rel} has no changes to commit") });
    }
    if status.starts_with("??") {
        git(guide, &["add", "--", rel])?;
    }
    git(guide, &["commit", "--quiet", "--only", "-m", message, "--", rel])?;
    Ok(git(guide, &["rev-parse", "--short", "HEAD"])?.trim().to_string())
}
