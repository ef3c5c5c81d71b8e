//! Watching the guide folder: notify's raw events, classified by a pure
//! function and gathered into one batch per burst, so that an editor's
//! atomic save or a `git checkout` of 500 files ends in one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

/// How long the folder must be quiet before a batch is rebuilt.
pub const QUIET: Duration = Duration::from_millis(10);
/// The longest a batch waits while events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The folders and files of a guide that a change in triggers a rebuild.
const WATCHED: &[&str] = &["site.yaml", "playbooks", "partners", "pages", "static", "templates"];

/// The path of a changed file relative to the guide, or `None` if the change
/// cannot affect the site: editor temp and backup files, dot files, files
/// outside the guide's folders (such as an output folder inside the guide).
pub fn classify(path: &Path, root: &Path) -> Option<String> {
    let rel = crate::paths::slash_rel(root, path)?;
    let mut parts = rel.split('/');
    if !WATCHED.contains(&parts.next()?) {
        return None;
    }
    if rel.split('/').any(|p| p.starts_with('.')) || rel.rsplit('/').next().is_some_and(crate::load::is_temp_file) {
        return None;
    }
    Some(rel)
}

/// Starts watching `root`. Batches of changed paths (relative, sorted, unique)
/// arrive on the returned channel. The watcher stops when it is dropped.
pub fn watch(root: &Path, batches: Sender<Vec<String>>) -> notify::Result<notify::RecommendedWatcher> {
    let (raw_tx, raw_rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(raw_tx)?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    // Events name paths under the folder as it was given to the watcher, or, on
    // some platforms, under its resolved form (a guide reached through a symlink,
    // or macOS's /tmp): accept both.
    let roots = [root.to_path_buf(), root.canonicalize().unwrap_or_else(|_| root.to_path_buf())];
    std::thread::Builder::new()
        .name("partnerbook-watch".into())
        .spawn(move || debounce(&raw_rx, &roots, &batches))
        .map_err(notify::Error::io)?;
    Ok(watcher)
}

fn relevant(event: &notify::Result<notify::Event>, roots: &[PathBuf], out: &mut Vec<String>) {
    let Ok(event) = event else { return };
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    out.extend(event.paths.iter().filter_map(|p| roots.iter().find_map(|root| classify(p, root))));
}

/// Blocks for the first relevant event, then drains until the folder has been
/// quiet for [`QUIET`] (mdBook's way), and sends the batch.
fn debounce(raw: &Receiver<notify::Result<notify::Event>>, roots: &[PathBuf], batches: &Sender<Vec<String>>) {
    loop {
        let mut paths = Vec::new();
        while paths.is_empty() {
            let Ok(event) = raw.recv() else { return };
            relevant(&event, roots, &mut paths);
        }
        let started = Instant::now();
        loop {
            match raw.recv_timeout(QUIET) {
                Ok(event) => relevant(&event, roots, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        paths.sort();
        paths.dedup();
        if batches.send(paths).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_keeps_guide_files_and_drops_noise() {
        let root = Path::new("/g");
        let cases = [
            ("/g/playbooks/a.md", Some("playbooks/a.md")),
            ("/g/playbooks/spaces/makerspace.md", Some("playbooks/spaces/makerspace.md")),
            ("/g/playbooks/spaces", Some("playbooks/spaces")),
            ("/g/partners/it.yaml", Some("partners/it.yaml")),
            ("/g/site.yaml", Some("site.yaml")),
            ("/g/templates/base.html", Some("templates/base.html")),
            ("/g/static/logo.svg", Some("static/logo.svg")),
            ("/g/playbooks/.a.md.swp", None),
            ("/g/playbooks/a.md~", None),
            ("/g/playbooks/4913", None),
            ("/g/playbooks/#a.md#", None),
            ("/g/playbooks/.#a.md", None),
            ("/g/playbooks/a.md___jb_tmp___", None),
            ("/g/public/index.html", None),
            ("/g/.git/index", None),
            ("/g/README.md", None),
            ("/elsewhere/a.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(Path::new(path), root).as_deref(), want, "{path}");
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
            assert_eq!(classify(Path::new(path), root).as_deref(), want, "{path}");
        }
    }
}
