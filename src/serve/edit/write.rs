//! Writing an edited file: the hash check against what the form was served
//! with, the atomic replace (a temporary file in the same folder, renamed over
//! the old one, permissions kept), and unified diffs for the answer.

use std::io::Write;
use std::path::Path;

/// The hash the forms carry: lowercase hex of xxh3-64 of the file's bytes.
pub(crate) fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// A unified diff from `old` to `new`, with `file` in the headers (empty when they are equal).
pub(crate) fn unified_diff(file: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// Replaces `path`'s contents with `text` atomically: readers see the old file
/// or the new one, never a part. The temporary file is hidden (a dot name) so
/// that the watcher ignores it and sees only the rename.
pub(crate) fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("the file has no folder"))?;
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new().prefix(".partnerbook-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_permissions_and_leaves_no_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn diff_names_the_file_and_shows_the_change() {
        let d = unified_diff("partners/x.yaml", "a\nb\n", "a\nc\n");
        assert!(d.starts_with("--- a/partners/x.yaml\n+++ b/partners/x.yaml\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
        assert_eq!(unified_diff("x", "same", "same"), "");
        assert_eq!(hash(b""), "2d06800538d394c2");
    }
}
