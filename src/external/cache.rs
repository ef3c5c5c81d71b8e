//! `.partnerbook/links.json` in the guide's folder: the answer for each
//! address and when it was asked, so that `check --external` run again
//! within `link_cache_days` asks no server. The walker skips hidden folders,
//! so the file is never read as content; `init` git-ignores the folder.
//! A missing or unreadable cache is simply an empty one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Outcome;

/// Seconds in a day.
const DAY: u64 = 24 * 60 * 60;

/// The cache file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Cache {
    /// Answers by address as written (with any `#part`).
    links: BTreeMap<String, Entry>,
}

/// One address's answer.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// When it was asked, in seconds since 1970 (UTC).
    checked: u64,
    /// What the server answered.
    #[serde(flatten)]
    outcome: Outcome,
}

/// Now, in seconds since 1970.
pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn path(guide: &Path) -> PathBuf {
    guide.join(".partnerbook").join("links.json")
}

/// Whether an answer given at `checked` is still good at `now`.
fn is_fresh(checked: u64, now: u64, days: u32) -> bool {
    checked <= now && now - checked < u64::from(days) * DAY
}

impl Cache {
    /// The cache of the guide in `guide`; empty when there is none or it cannot be read.
    pub(crate) fn read(guide: &Path) -> Self {
        crate::fs::read(&path(guide)).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// The answer for `url` if it was given less than `days` days before `now`.
    pub(crate) fn fresh(&self, url: &str, now: u64, days: u32) -> Option<&Outcome> {
        self.links.get(url).filter(|e| is_fresh(e.checked, now, days)).map(|e| &e.outcome)
    }

    /// Keeps the answer for `url`, given at `now`.
    pub(crate) fn record(&mut self, url: &str, now: u64, outcome: Outcome) {
        self.links.insert(url.to_string(), Entry { checked: now, outcome });
    }

    /// Writes the answers still fresh into the guide's cache file (written
    /// whole to a temporary file first, then renamed, so a check stopped
    /// halfway never leaves half a file).
    pub(crate) fn write(mut self, guide: &Path, now: u64, days: u32) -> Result<(), crate::fs::IoError> {
        self.links.retain(|_, e| is_fresh(e.checked, now, days));
        let file = path(guide);
        crate::fs::create_dir_all(file.parent().expect("the cache file is inside a folder"))?;
        let tmp = file.with_extension(format!("json.tmp-{}", std::process::id()));
        let json = serde_json::to_vec_pretty(&self).expect("the cache is plain strings and numbers");
        crate::fs::write(&tmp, &json)?;
        crate::fs::rename(&tmp, &file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_expire_after_the_days() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::default();
        let ok = Outcome::Ok { status: 200, final_url: "https://a.example/".into() };
        cache.record("https://a.example/", 1_000_000, ok.clone());
        cache.write(dir.path(), 1_000_000, 7).unwrap();
        let read = Cache::read(dir.path());
        assert_eq!(read.fresh("https://a.example/", 1_000_000 + 7 * DAY - 1, 7), Some(&ok));
        assert_eq!(read.fresh("https://a.example/", 1_000_000 + 7 * DAY, 7), None);
        assert_eq!(read.fresh("https://a.example/", 1_000_000, 0), None);
        assert_eq!(read.fresh("https://b.example/", 1_000_000, 7), None);
    }

    #[test]
    fn a_damaged_cache_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".partnerbook")).unwrap();
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        assert!(Cache::read(dir.path()).links.is_empty());
    }
}
