//! Filesystem helpers that put the path into every error. All file access of
//! the crate goes through here, so that no `io::Error` reaches the user without
//! saying which file it concerns.

use std::io;
use std::path::{Path, PathBuf};

/// An I/O failure and the path it happened on.
#[derive(Debug)]
pub struct IoError {
    /// What was being done ("read", "write", "create folder", ...).
    pub action: &'static str,
    /// The path concerned.
    pub path: PathBuf,
    /// The underlying error.
    pub source: io::Error,
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not {} {}: {}", self.action, self.path.display(), self.source)
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn ctx<T>(action: &'static str, path: &Path, r: io::Result<T>) -> Result<T, IoError> {
    r.map_err(|source| IoError { action, path: path.to_path_buf(), source })
}

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>, IoError> {
    ctx("read", path, std::fs::read(path))
}

/// Writes a whole file, creating nothing else.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    ctx("write", path, std::fs::write(path, bytes))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<(), IoError> {
    ctx("create folder", path, std::fs::create_dir_all(path))
}

/// Removes a folder and everything in it; a missing folder is fine.
pub fn remove_dir_all(path: &Path) -> Result<(), IoError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => ctx("remove folder", path, r),
    }
}

/// Renames a file or folder.
pub fn rename(from: &Path, to: &Path) -> Result<(), IoError> {
    ctx("move into place", to, std::fs::rename(from, to))
}

/// Swaps two paths in one atomic step, so that each name always names a whole
/// file or folder, even if the process is killed (Linux `renameat2` with
/// `RENAME_EXCHANGE`). Fails with [`io::ErrorKind::Unsupported`] elsewhere, and
/// with the system's error where the file system cannot do it; the caller then
/// falls back to two renames.
pub fn exchange(a: &Path, b: &Path) -> Result<(), IoError> {
    #[cfg(target_os = "linux")]
    let r = {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    };
    #[cfg(not(target_os = "linux"))]
    let r = {
        let _ = a;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    };
    ctx("swap into place", b, r)
}

/// Metadata of a path, following links.
pub fn metadata(path: &Path) -> Result<std::fs::Metadata, IoError> {
    ctx("read metadata of", path, std::fs::metadata(path))
}

/// Creates one folder (its parent must exist).
pub fn create_dir(path: &Path) -> Result<(), IoError> {
    ctx("create folder", path, std::fs::create_dir(path))
}

/// Writes a new file; fails with [`io::ErrorKind::AlreadyExists`], touching
/// nothing, when the path exists (no check-then-write race).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    use std::io::Write;
    let r = std::fs::OpenOptions::new().write(true).create_new(true).open(path).and_then(|mut f| f.write_all(bytes));
    ctx("write", path, r)
}

/// The names of a folder's entries, sorted.
pub fn read_dir_names(path: &Path) -> Result<Vec<String>, IoError> {
    let entries = ctx("read folder", path, std::fs::read_dir(path))?;
    let mut names = Vec::new();
    for e in entries {
        names.push(ctx("read folder", path, e)?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}
