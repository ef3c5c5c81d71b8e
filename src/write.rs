//! Stage 4, write: put a [`Site`] on disk atomically. Everything is written
//! into a fresh sibling folder; only when that succeeded is it swapped in for
//! the old output, so a failed or interrupted build never leaves a half site.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::fs::{self, IoError};
use crate::render::{Bytes, Sink, Site};

/// Writes `site` to `out`, replacing what was there only once all of it is written.
pub fn publish(site: &Site, out: &Path) -> Result<(), IoError> {
    publish_with(site, out, Swap::for_os(std::env::consts::OS))
}

/// [`publish`] with a chosen way to swap the folders (tests force the two renames).
pub(crate) fn publish_with(site: &Site, out: &Path, swap: Swap) -> Result<(), IoError> {
    let staging = Staging::new(out)?;
    match write_all(site, &staging.fresh) {
        Ok(()) => staging.commit_with(swap),
        Err(e) => {
            staging.abort();
            Err(e)
        }
    }
}

/// How [`Staging::commit`] puts the fresh site in place of the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Swap {
    /// One atomic exchange of the two folders (`renameat2` with
    /// `RENAME_EXCHANGE`), so that `out` always names a whole site; where the
    /// file system refuses it, the two renames.
    Exchange,
    /// Two renames: the old site aside under its `-old-` name, the fresh one
    /// in, the old one removed. A build killed between the two leaves no `out`
    /// but the old site whole beside it, which the next build puts back.
    TwoRenames,
}

impl Swap {
    /// The swap an operating system (a value of `std::env::consts::OS`) has:
    /// the exchange on Linux only, two renames on Windows, macOS and the rest.
    pub(crate) fn for_os(os: &str) -> Swap {
        if os == "linux" { Swap::Exchange } else { Swap::TwoRenames }
    }
}

/// A site being written into a fresh folder beside `out`: nothing under `out`
/// changes until [`Staging::commit`] swaps the two. Pages can be written as they
/// are rendered ([`Staging::write`]), so that a large build holds none of them.
pub struct Staging {
    out: PathBuf,
    old: PathBuf,
    fresh: PathBuf,
}

impl Staging {
    /// Makes an empty folder beside `out`, after removing what killed builds left.
    pub fn new(out: &Path) -> Result<Self, IoError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        clean_stale(&parent, &name);
        let pid = std::process::id();
        let fresh = parent.join(format!(".{name}.partnerbook-new-{pid}"));
        let old = parent.join(format!(".{name}.partnerbook-old-{pid}"));
        fs::remove_dir_all(&fresh)?;
        fs::create_dir_all(&fresh)?;
        Ok(Staging { out: out.to_path_buf(), old, fresh })
    }

    /// Writes one file (`path` below the site root), making its folders.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), IoError> {
        let file = crate::paths::below(&self.fresh, path);
        if let Some(dir) = file.parent() {
            // Most pages have a folder of their own: one mkdir, and its parent only when missing.
            match std::fs::create_dir(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(_) => fs::create_dir_all(dir)?,
            }
        }
        fs::write(&file, bytes)
    }

    /// Puts the written site in place of `out`, then removes the old one.
    pub fn commit(self) -> Result<(), IoError> {
        self.commit_with(Swap::for_os(std::env::consts::OS))
    }

    /// [`Staging::commit`] with a chosen way to swap the folders.
    pub(crate) fn commit_with(self, swap: Swap) -> Result<(), IoError> {
        let (out, fresh, old) = (&self.out, &self.fresh, &self.old);
        let had_old = out.exists();
        // Where the system can swap two folders in one step, `out` never stops
        // naming a whole site; the old one is then removed from `fresh`'s name.
        if had_old && swap == Swap::Exchange && fs::exchange(fresh, out).is_ok() {
            return remove_tree(fresh);
        }
        if had_old {
            fs::rename(out, old)?;
        }
        if let Err(e) = fs::rename(fresh, out) {
            if had_old {
                let _ = fs::rename(old, out);
            }
            return Err(e);
        }
        if had_old {
            remove_tree(old)?;
        }
        Ok(())
    }

    /// Gives up: removes what was written; `out` is as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.fresh);
    }
}

/// Runs `produce` with a sink that writes every file handed to it into
/// `staging`, on writer threads, while `produce` goes on (files wait in a short
/// queue, so memory stays bounded). Returns what `produce` returned and the
/// first write error; after an error the sink refuses further files.
pub fn stream<T>(staging: &Staging, produce: impl FnOnce(&Sink<'_>) -> T) -> (T, Result<(), IoError>) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<(String, Bytes)>(WRITE_QUEUE);
    let rx = std::sync::Mutex::new(rx);
    let failed: std::sync::Mutex<Option<IoError>> = std::sync::Mutex::new(None);
    let lock_failed = || failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let produced = std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            scope.spawn(|| {
                loop {
                    let next = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                    let Ok((path, bytes)) = next else { return };
                    if let Err(e) = staging.write(&path, &bytes) {
                        lock_failed().get_or_insert(e);
                    }
                }
            });
        }
        let sink = |path: &str, bytes: Bytes| -> Result<(), String> {
            if let Some(e) = lock_failed().as_ref() {
                return Err(e.to_string());
            }
            tx.send((path.to_string(), bytes)).map_err(|_| "the writers stopped".to_string())
        };
        let produced = produce(&sink);
        drop(tx);
        produced
    });
    let result = match failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        Some(e) => Err(e),
        None => Ok(()),
    };
    (produced, result)
}

/// Files rendered but not yet written, at most.
const WRITE_QUEUE: usize = 256;
/// Threads that write: writing waits on the disk more than on the CPU.
const WRITERS: usize = 8;

/// Removes a folder tree with many threads. Removing is bound by the file
/// system's latency, not the CPU (on some disks each `rmdir` waits for a
/// discard), so 16 threads finish a 1,000-folder site many times faster than one.
fn remove_tree(root: &Path) -> Result<(), IoError> {
    let mut files = Vec::new();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1).into_iter().flatten() {
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    io_pool().install(|| {
        files.par_iter().for_each(|f| {
            let _ = std::fs::remove_file(f);
        });
        for level in dirs.chunk_by(|a, b| a.0 == b.0) {
            level.par_iter().for_each(|(_, d)| {
                let _ = std::fs::remove_dir(d);
            });
        }
    });
    // Whatever is left (a pool that could not start, a file created meanwhile).
    fs::remove_dir_all(root)
}

fn write_all(site: &Site, root: &Path) -> Result<(), IoError> {
    fs::create_dir_all(root)?;
    // Every folder, parents before children, grouped by depth: the page keys
    // (`/`-separated) up to each of their slashes.
    let mut dirs: Vec<(usize, &str)> = site
        .pages
        .keys()
        .flat_map(|p| p.match_indices('/').enumerate().map(move |(depth, (at, _))| (depth, &p[..at])))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    io_pool().install(|| {
        for level in dirs.chunk_by(|a, b| a.0 == b.0) {
            level.par_iter().try_for_each(|(_, d)| fs::create_dir(&crate::paths::below(root, d)))?;
        }
        site.pages.par_iter().try_for_each(|(path, out)| fs::write(&crate::paths::below(root, path), &out.bytes))
    })
}

/// A thread pool for file system work, which waits on the disk rather than the CPU.
fn io_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(16)
        .build()
        .unwrap_or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool"))
}

/// Removes temporary folders left by builds that were killed half way. A build
/// killed between the two renames of the fallback swap leaves no `name` but a
/// whole previous site under its `-old-` name: that one is put back first.
fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.partnerbook-new-"), format!(".{name}.partnerbook-old-")];
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| prefixes.iter().any(|p| e.file_name().to_string_lossy().starts_with(p.as_str())))
        .map(|e| e.path())
        .collect();
    let out = parent.join(name);
    if !out.exists()
        && let Some(i) =
            stale.iter().position(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefixes[1])))
        && std::fs::rename(&stale[i], &out).is_ok()
    {
        stale.remove(i);
    }
    for path in stale {
        let _ = remove_tree(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Output;

    fn site(files: &[(&str, &str)]) -> Site {
        let mut s = Site::default();
        for (p, t) in files {
            s.pages.insert((*p).into(), Output { bytes: t.as_bytes().into() });
        }
        s
    }

    #[test]
    fn publish_replaces_the_whole_folder() {
        let dir = std::env::temp_dir().join(format!("pb-write-{}", std::process::id()));
        let out = dir.join("public");
        publish(&site(&[("index.html", "one"), ("a/b/index.html", "b")]), &out).unwrap();
        publish(&site(&[("index.html", "two")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists(), "files of the previous build are gone");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh, empty folder for one test.
    fn test_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pb-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn only_linux_swaps_in_one_step() {
        assert_eq!(Swap::for_os("linux"), Swap::Exchange);
        for os in ["windows", "macos", "freebsd"] {
            assert_eq!(Swap::for_os(os), Swap::TwoRenames, "{os}");
        }
    }

    #[test]
    fn two_renames_replace_the_whole_folder() {
        let dir = test_dir("renames");
        let out = dir.join("public");
        publish_with(&site(&[("index.html", "one"), ("a/b/index.html", "b")]), &out, Swap::TwoRenames).unwrap();
        publish_with(&site(&[("index.html", "two")]), &out, Swap::TwoRenames).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists(), "files of the previous build are gone");
        assert_eq!(names(&dir), ["public"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_build_that_fails_to_write_leaves_the_old_output_with_two_renames() {
        let dir = test_dir("renames-failed-write");
        let out = dir.join("public");
        publish_with(&site(&[("index.html", "old")]), &out, Swap::TwoRenames).unwrap();
        // `a` is both a page and the folder of another page: writing fails.
        let broken = site(&[("index.html", "new"), ("a", "file"), ("a/index.html", "page")]);
        assert!(publish_with(&broken, &out, Swap::TwoRenames).is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(names(&dir), ["public"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_second_rename_puts_the_old_output_back() {
        let dir = test_dir("renames-failed-rename");
        let out = dir.join("public");
        publish_with(&site(&[("index.html", "old")]), &out, Swap::TwoRenames).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"new").unwrap();
        // The fresh folder vanishes before the swap: moving it in fails after
        // the old site was moved aside.
        std::fs::remove_dir_all(&staging.fresh).unwrap();
        assert!(staging.commit_with(Swap::TwoRenames).is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(names(&dir), ["public"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_site_left_between_the_two_renames_is_put_back() {
        let dir = std::env::temp_dir().join(format!("pb-write-between-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".public.partnerbook-old-7")).unwrap();
        std::fs::write(dir.join(".public.partnerbook-old-7/index.html"), "previous").unwrap();
        std::fs::create_dir_all(dir.join(".public.partnerbook-new-7")).unwrap();
        clean_stale(&dir, "public");
        assert_eq!(std::fs::read_to_string(dir.join("public/index.html")).unwrap(), "previous");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("public")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_folders_of_killed_builds_are_removed() {
        let dir = std::env::temp_dir().join(format!("pb-write-stale-{}", std::process::id()));
        let out = dir.join("public");
        for stale in [".public.partnerbook-new-1", ".public.partnerbook-old-2", ".public.partnerbook-new-3"] {
            std::fs::create_dir_all(dir.join(stale).join("a")).unwrap();
            std::fs::write(dir.join(stale).join("a/index.html"), "stale").unwrap();
        }
        publish(&site(&[("index.html", "new")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
