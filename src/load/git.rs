//! "Last updated" and "added" from git: the dates of the newest and the
//! oldest commit that touched each file of the guide, when the guide is
//! inside a git repository. One
//! `git log` over the history, run once per load (not once per file), parsed
//! into a map from the path relative to the guide to the date. When git is
//! not installed, or the folder is not in a repository, the map is empty and
//! nothing is reported: the dates are a convenience, never a requirement.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use super::fields::{Date, parse_date};

/// Marks the line of a commit's date in the output (a path never holds it).
const MARK: char = '\u{1}';

/// The dates of each file's commits, by path relative to the guide
/// (`/`-separated). Empty when git cannot tell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GitDates {
    /// The date of the newest commit that touched the file.
    pub(crate) last: HashMap<String, Date>,
    /// The date of the oldest commit that touched the file: when it was
    /// added, or renamed to its path (renames are not followed).
    pub(crate) first: HashMap<String, Date>,
}

/// The commit dates of each file below `guide`.
pub(crate) fn commit_dates(guide: &Path) -> GitDates {
    // --relative prints paths relative to the current folder (the guide) and
    // keeps only those below it; --no-renames lists a renamed file as added
    // in the commit that renamed it (so it gets that date) and is faster.
    // core.quotepath=off leaves non-ASCII names unquoted; a signature check
    // or colours from the user's config would break the parsing.
    let output = Command::new("git")
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false", "log", "--no-color"])
        .args(["--no-renames", "--relative", "--name-only", "--format=%x01%cI", "--", "."])
        .current_dir(guide)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse_log(&String::from_utf8_lossy(&out.stdout)),
        _ => GitDates::default(),
    }
}

/// Parses `git log --name-only --format=%x01%cI` output: a marked line with a
/// commit date (ISO 8601, the committer's time zone), a blank line, then the
/// paths that commit touched. The newest and the oldest date win whatever the log order.
fn parse_log(text: &str) -> GitDates {
    let mut dates = GitDates::default();
    let mut current: Option<Date> = None;
    for line in text.lines() {
        if let Some(stamp) = line.strip_prefix(MARK) {
            current = stamp.get(..10).and_then(|d| parse_date(d).ok()).map(Date);
            continue;
        }
        let (Some(date), false) = (current, line.is_empty()) else { continue };
        let Some(path) = unquote(line) else { continue };
        dates.first.entry(path.clone()).and_modify(|d| *d = (*d).min(date)).or_insert(date);
        dates.last.entry(path).and_modify(|d| *d = (*d).max(date)).or_insert(date);
    }
    dates
}

/// A path as git prints it: as is, or in double quotes with C escapes when it
/// holds a quote, a backslash or a control character.
fn unquote(line: &str) -> Option<String> {
    let Some(inner) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) else {
        return Some(line.to_string());
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next()? {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'r' => bytes.push(b'\r'),
            b'a' => bytes.push(7),
            b'b' => bytes.push(8),
            b'f' => bytes.push(12),
            b'v' => bytes.push(11),
            d @ b'0'..=b'7' => {
                let mut n = u32::from(d - b'0');
                for _ in 0..2 {
                    let next = chars.next_if(|c| (b'0'..=b'7').contains(c))?;
                    n = n * 8 + u32::from(next - b'0');
                }
                bytes.push(u8::try_from(n).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date(s.parse().unwrap())
    }

    #[test]
    fn the_newest_commit_of_each_path_wins() {
        let log = "\u{1}2026-02-03T23:30:00-05:00\n\nplaybooks/a.md\nplaybooks/c.md\n\
                   \"playbooks/q\\\"t\\303\\251.md\"\n\
                   \u{1}2026-01-02T10:00:00Z\n\nplaybooks/a.md\nsite.yaml\n\
                   \u{1}2026-03-01T00:00:00Z\n\nsite.yaml\n";
        let all = parse_log(log);
        let dates = &all.last;
        assert_eq!(all.first.get("playbooks/a.md"), Some(&d("2026-01-02")), "the oldest commit added it");
        assert_eq!(all.first.get("site.yaml"), Some(&d("2026-01-02")));
        assert_eq!(all.first.get("playbooks/c.md"), Some(&d("2026-02-03")));
        let want = [
            ("playbooks/a.md", "2026-02-03"),
            ("playbooks/c.md", "2026-02-03"),
            ("playbooks/q\"té.md", "2026-02-03"),
            ("site.yaml", "2026-03-01"),
        ];
        assert_eq!(dates.len(), want.len(), "{dates:?}");
        for (path, date) in want {
            assert_eq!(dates.get(path), Some(&d(date)), "{path}");
        }
    }

    #[test]
    fn paths_before_any_date_and_garbage_dates_are_skipped() {
        let dates = parse_log("stray.md\n\u{1}not a date\n\nplaybooks/a.md\n");
        assert!(dates.last.is_empty() && dates.first.is_empty(), "{dates:?}");
    }

    #[test]
    fn a_folder_git_cannot_run_in_has_no_dates() {
        let missing = std::env::temp_dir().join(format!("partnerbook-no-such-folder-{}", std::process::id()));
        assert_eq!(commit_dates(&missing), GitDates::default());
    }
}
