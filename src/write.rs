//! Stage 4, write: put a [`Site`] on disk atomically. Everything is written
//! into a fresh sibling folder; only when that succeeded is it swapped in for
//! the old output, so a failed or interrupted build never leaves a half site.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::fs::{self, IoError};
use crate::render::Site;

/// Writes `site` to `out`, replacing what was there only once all of it is written.
pub fn publish(site: &Site, out: &Path) -> Result<(), IoError> {
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
    if let Err(e) = write_all(site, &fresh) {
        let _ = fs::remove_dir_all(&fresh);
        return Err(e);
    }
    let had_old = out.exists();
    if had_old {
        fs::rename(out, &old)?;
    }
    if let Err(e) = fs::rename(&fresh, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(e);
    }
    if had_old {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

fn write_all(site: &Site, root: &Path) -> Result<(), IoError> {
    fs::create_dir_all(root)?;
    let mut dirs: Vec<PathBuf> = site.pages.keys().filter_map(|p| Path::new(p).parent().map(|d| root.join(d))).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    site.pages.par_iter().try_for_each(|(path, out)| fs::write(&root.join(path), &out.bytes))
}

/// Removes temporary folders left by builds that were killed half way.
fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.partnerbook-new-"), format!(".{name}.partnerbook-old-")];
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p)) {
            let _ = fs::remove_dir_all(&e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Output;

    fn site(files: &[(&str, &str)]) -> Site {
        let mut s = Site::default();
        for (p, t) in files {
            s.pages.insert(p.to_string(), Output { bytes: t.as_bytes().into() });
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
}
