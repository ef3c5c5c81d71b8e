//! Watching the guide folder: notify's raw events, classified by a pure
//! function and gathered into one batch per burst, so that an editor's
//! atomic save or a `git checkout` of 500 files ends in one rebuild.
//!
//! The guide folder itself can go away: a script that re-clones or re-copies
//! the guide removes it, or renames a fresh copy into its place. A watch
//! follows the folder it was put on, not its name, so the folder's parent is
//! watched too (not recursively): an event naming the guide folder itself
//! means the watch is put on whatever folder now has its name, if any.
//! Where this job ends: what a batch means for the site is the session's.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

/// How long the folder must be quiet before a batch is rebuilt.
pub(crate) const QUIET: Duration = Duration::from_millis(10);
/// The longest a batch waits while events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The folders and files of a guide that a change in triggers a rebuild.
const WATCHED: &[&str] = &["site.yaml", "playbooks", "partners", "pages", "static", "templates"];

/// What one path of an event means for the guide.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// A file or folder inside the guide changed: its path relative to the guide.
    File(String),
    /// The guide folder itself, or the folder above it, was named: it may be
    /// gone, or be another folder now.
    Root,
}

/// What a path named by an event means, or `None` if the change cannot affect
/// the site: editor temp and backup files, dot files, files outside the
/// guide's folders (such as an output folder inside the guide), and anything
/// beside the guide folder.
pub(crate) fn classify(path: &Path, root: &Path) -> Option<Change> {
    if root.starts_with(path) {
        return Some(Change::Root);
    }
    let rel = crate::paths::slash_rel(root, path)?;
    let mut parts = rel.split('/');
    if !WATCHED.contains(&parts.next()?) {
        return None;
    }
    if rel.split('/').any(|p| p.starts_with('.')) || rel.rsplit('/').next().is_some_and(crate::load::is_temp_file) {
        return None;
    }
    Some(Change::File(rel))
}

/// Whether an event of this kind on the guide folder itself can mean that the
/// folder went or came: created, removed or renamed (or a kind the platform
/// does not say). Reading the folder, or changing its mode or time, cannot.
fn moves_root(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any | EventKind::Other => true,
        EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Any | ModifyKind::Other) => true,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)) | EventKind::Access(_) => false,
    }
}

/// What the watcher reports to the session.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Batch {
    /// Files or folders inside the guide changed: their paths, relative, sorted, unique.
    Changed(Vec<String>),
    /// The guide folder was removed or renamed away; the watcher waits for a
    /// folder of that name to appear again.
    RootGone,
    /// A folder has the guide's name again (created again, or renamed into
    /// place) and is watched: everything in it may differ from what was loaded.
    RootBack,
    /// Watching ended for good, for the reason given; the session goes on
    /// serving the last site.
    Stopped(String),
}

/// Starts watching the guide at `root` (made absolute here: a guide given as
/// `.` must still be found by name when the folder is replaced). What changes
/// arrives on `batches` until it is dropped.
pub(crate) fn watch(root: &Path, batches: Sender<Batch>) -> notify::Result<()> {
    let root = std::path::absolute(root).map_err(notify::Error::io)?;
    let (raw_tx, raw_rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(raw_tx)?;
    watcher.watch(&root, RecursiveMode::Recursive)?;
    // Without the parent's watch the guide is still followed, but a guide
    // folder that goes away is not seen coming back (see `Watch::look_at_root`).
    let parent = root.parent().map(Path::to_path_buf);
    let parent_watched = parent.as_ref().is_some_and(|p| watcher.watch(p, RecursiveMode::NonRecursive).is_ok());
    // Events name paths under the folder as it was given to the watcher, or, on
    // some platforms, under its resolved form (a guide reached through a symlink,
    // or macOS's /tmp): accept both.
    let resolved = root.canonicalize().unwrap_or_else(|_| root.clone());
    let mut state = Watch { watcher, roots: [root, resolved], parent: parent.filter(|_| parent_watched), gone: false };
    std::thread::Builder::new()
        .name("partnerbook-watch".into())
        .spawn(move || state.run(&raw_rx, &batches))
        .map_err(notify::Error::io)?;
    Ok(())
}

/// The watcher and what it knows of the guide folder.
struct Watch {
    watcher: notify::RecommendedWatcher,
    /// The guide folder, absolute, then resolved.
    roots: [PathBuf; 2],
    /// The guide folder's parent, when it is watched.
    parent: Option<PathBuf>,
    /// The guide folder is gone and not watched.
    gone: bool,
}

/// The changes of one burst of events.
#[derive(Default)]
struct Gathered {
    files: Vec<String>,
    /// An event named the guide folder, or the folder above it.
    root: bool,
}

impl Watch {
    /// Gathers bursts of events into batches and sends them, until the
    /// session stops listening or watching can no longer go on.
    fn run(&mut self, raw: &Receiver<notify::Result<notify::Event>>, batches: &Sender<Batch>) {
        while let Some(gathered) = self.gather(raw) {
            // A guide removed in one go (`rm -r`) reports its files first and
            // the folder last: look at the folder before rebuilding from a half.
            let batch = if gathered.root || !self.gone && !self.roots[0].is_dir() {
                self.look_at_root()
            } else if self.gone {
                None
            } else {
                Some(Batch::Changed(gathered.files))
            };
            let Some(batch) = batch else { continue };
            let stopped = matches!(batch, Batch::Stopped(_));
            if batches.send(batch).is_err() || stopped {
                return;
            }
        }
    }

    /// Blocks for the first relevant event, then drains until no relevant
    /// event has come for [`QUIET`] (mdBook's way); `None` when notify is gone.
    /// Only relevant events keep the burst open: files being read (serve's
    /// editing reads a page's file for each request) must not delay a rebuild.
    fn gather(&self, raw: &Receiver<notify::Result<notify::Event>>) -> Option<Gathered> {
        let mut gathered = Gathered::default();
        while gathered.files.is_empty() && !gathered.root {
            self.relevant(&raw.recv().ok()?, &mut gathered);
        }
        let started = Instant::now();
        let mut last = started;
        loop {
            match raw.recv_timeout(QUIET.saturating_sub(last.elapsed())) {
                Ok(event) => {
                    if self.relevant(&event, &mut gathered) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
            if started.elapsed() > MAX_WAIT || last.elapsed() >= QUIET {
                break;
            }
        }
        gathered.files.sort();
        gathered.files.dedup();
        Some(gathered)
    }

    /// Adds what `event` changed to `out`; true when it changed anything.
    fn relevant(&self, event: &notify::Result<notify::Event>, out: &mut Gathered) -> bool {
        let Ok(event) = event else { return false };
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        let mut any = false;
        for path in &event.paths {
            match self.roots.iter().find_map(|root| classify(path, root)) {
                Some(Change::File(rel)) => {
                    out.files.push(rel);
                    any = true;
                }
                Some(Change::Root) if moves_root(&event.kind) => {
                    out.root = true;
                    any = true;
                }
                Some(Change::Root) | None => {}
            }
        }
        any
    }

    /// After an event on the guide folder itself: drops the watch on the
    /// folder that had the guide's name, and watches the one that has it now,
    /// if any. Says what changed, or nothing when the folder is still gone.
    fn look_at_root(&mut self) -> Option<Batch> {
        let root = self.roots[0].clone();
        // Not watched any more (notify drops the watch of a folder it saw go) is fine.
        let _ = self.watcher.unwatch(&root);
        if root.is_dir() {
            match self.watcher.watch(&root, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.gone = false;
                    return Some(Batch::RootBack);
                }
                // Gone again while it was being watched: wait for the next event.
                Err(_) if !root.is_dir() => {}
                Err(e) => return Some(Batch::Stopped(format!("cannot watch {}: {e}", root.display()))),
            }
        }
        // Only the parent's watch can see the folder come back (it also names
        // the parent itself when that goes too).
        if !self.parent.as_ref().is_some_and(|p| p.is_dir()) {
            return Some(Batch::Stopped(format!(
                "{} was removed, and the folder above it cannot be watched for its return",
                root.display()
            )));
        }
        (!std::mem::replace(&mut self.gone, true)).then_some(Batch::RootGone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};

    /// A file read again and again while a save is gathered (serve's editing
    /// reads a page's file for each request) must not hold the rebuild back
    /// until [`MAX_WAIT`]: only changes keep a burst open.
    #[test]
    fn reads_do_not_keep_a_burst_of_changes_open() {
        let dir = std::env::temp_dir().join(format!("pb-watch-reads-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (tx, _) = std::sync::mpsc::channel();
        let watch = Watch {
            watcher: notify::recommended_watcher(tx).unwrap(),
            roots: [dir.clone(), dir.clone()],
            parent: None,
            gone: false,
        };
        let (raw_tx, raw_rx) = std::sync::mpsc::channel();
        let event = {
            let dir = dir.clone();
            move |kind: EventKind, rel: &str| Ok(notify::Event::new(kind).add_path(dir.join(rel)))
        };
        raw_tx.send(event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), "partners/a.yaml")).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (stop, raw_tx, event) = (stop.clone(), raw_tx.clone(), event.clone());
            std::thread::spawn(move || {
                // Reads every 2 ms for up to twice MAX_WAIT, or until the burst is gathered.
                let until = Instant::now() + 2 * MAX_WAIT;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < until {
                    let _ = raw_tx.send(event(EventKind::Access(AccessKind::Any), "partners/a.yaml"));
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        let started = Instant::now();
        let gathered = watch.gather(&raw_rx).expect("a burst");
        let took = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(gathered.files, ["partners/a.yaml"]);
        assert!(took < MAX_WAIT, "the reads held the burst open for {took:?}");
    }

    #[test]
    fn classify_keeps_guide_files_and_drops_noise() {
        let root = Path::new("/g/guide");
        let file = |rel: &str| Some(Change::File(rel.into()));
        let cases = [
            ("/g/guide/playbooks/a.md", file("playbooks/a.md")),
            ("/g/guide/playbooks/spaces/makerspace.md", file("playbooks/spaces/makerspace.md")),
            ("/g/guide/playbooks/spaces", file("playbooks/spaces")),
            ("/g/guide/partners/it.yaml", file("partners/it.yaml")),
            ("/g/guide/site.yaml", file("site.yaml")),
            ("/g/guide/templates/base.html", file("templates/base.html")),
            ("/g/guide/static/logo.svg", file("static/logo.svg")),
            ("/g/guide/playbooks/.a.md.swp", None),
            ("/g/guide/playbooks/a.md~", None),
            ("/g/guide/playbooks/4913", None),
            ("/g/guide/playbooks/#a.md#", None),
            ("/g/guide/playbooks/.#a.md", None),
            ("/g/guide/playbooks/a.md___jb_tmp___", None),
            ("/g/guide/public/index.html", None),
            ("/g/guide/.git/index", None),
            ("/g/guide/README.md", None),
            ("/elsewhere/a.md", None),
            // The guide folder itself and the folder above it (watched for the guide's return).
            ("/g/guide", Some(Change::Root)),
            ("/g/guide/", Some(Change::Root)),
            ("/g", Some(Change::Root)),
            // Beside the guide: another copy, or the old one renamed away.
            ("/g/guide.old", None),
            ("/g/guide.new/playbooks/a.md", None),
            ("/g/guides", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(Path::new(path), root), want, "{path}");
        }
    }

    #[test]
    fn only_creation_removal_and_renaming_can_move_the_guide_folder() {
        let cases = [
            (EventKind::Create(CreateKind::Folder), true),
            (EventKind::Remove(RemoveKind::Folder), true),
            (EventKind::Remove(RemoveKind::Other), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::From)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::To)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            (EventKind::Modify(ModifyKind::Any), true),
            (EventKind::Any, true),
            (EventKind::Other, true),
            (EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)), false),
            (EventKind::Modify(ModifyKind::Data(DataChange::Any)), false),
            (EventKind::Access(AccessKind::Any), false),
        ];
        for (kind, want) in cases {
            assert_eq!(moves_root(&kind), want, "{kind:?}");
        }
    }

    /// notify names a change on Windows by the watched folder's path and `\` separators.
    #[cfg(windows)]
    #[test]
    fn classify_reads_windows_paths_by_their_components() {
        let root = Path::new(r"C:\g");
        let cases = [
            (r"C:\g\playbooks\spaces\makerspace.md", Some("playbooks/spaces/makerspace.md")),
            (r"C:\g\partners\it.yaml", Some("partners/it.yaml")),
            (r"C:\g\playbooks\~$a.md", None),
            (r"C:\g\public\index.html", None),
            (r"D:\g\playbooks\a.md", None),
        ];
        for (path, want) in cases {
            let file = classify(Path::new(path), root).and_then(|c| match c {
                Change::File(f) => Some(f),
                Change::Root => None,
            });
            assert_eq!(file.as_deref(), want, "{path}");
        }
    }
}
