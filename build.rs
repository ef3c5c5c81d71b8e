//! Records the commit the binary is built from, for `partnerbook --version`:
//! `git rev-parse --short HEAD` when this package is the top of a git work
//! tree and git runs, else "unknown" (a crates.io download, a tarball, a
//! vendored copy inside another repository, or no git installed).
//!
//! Cargo runs this again only when HEAD moves: HEAD itself (a checkout of
//! another branch or commit) or the branch it points at (a new commit), loose
//! or packed. Only files that exist are named, since cargo reruns a build
//! script on every build while a named file is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    let commit = if is_top_of_work_tree(&manifest) {
        for file in head_files(&manifest) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        git(&manifest, &["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    let commit = commit.filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit()));
    println!("cargo:rustc-env=PARTNERBOOK_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
}

/// Whether `dir` is the top of a git work tree (not a folder inside some
/// other repository, whose commit would say nothing about this code).
fn is_top_of_work_tree(dir: &Path) -> bool {
    let Some(top) = git(dir, &["rev-parse", "--show-toplevel"]) else { return false };
    match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    }
}

/// The files whose change moves HEAD: HEAD, packed-refs, and the loose ref
/// HEAD points at, or its folder while that file is missing (a packed or
/// unborn branch: the next commit writes the loose file there). Only paths
/// that exist.
fn head_files(dir: &Path) -> Vec<PathBuf> {
    let path_of = |name: &str| git(dir, &["rev-parse", "--git-path", name]).map(|p| dir.join(p));
    let mut files: Vec<PathBuf> = ["HEAD", "packed-refs"].iter().filter_map(|name| path_of(name)).collect();
    if let Some(loose) = git(dir, &["symbolic-ref", "-q", "HEAD"]).and_then(|r| path_of(&r)) {
        match loose.parent() {
            Some(folder) if !loose.exists() => files.push(folder.to_path_buf()),
            _ => files.push(loose),
        }
    }
    files.retain(|p| p.exists());
    files
}

/// One line of a git command's output, or `None` if git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).current_dir(dir).stdin(Stdio::null()).stderr(Stdio::null()).output();
    let out = out.ok().filter(|o| o.status.success())?;
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}
