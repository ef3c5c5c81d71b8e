//! What someone who downloads a prebuilt binary relies on: `--version` names
//! the version and the commit it was built from, so that a bug report says
//! which code it is about.

use std::path::Path;
use std::process::Command;

use crate::support::GuideTest;

/// The commit `build.rs` records: git's short hash of HEAD when the package is
/// the top of a work tree git can read, else "unknown".
fn expected_commit() -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(manifest).output().ok().filter(|o| o.status.success())?;
        Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]).and_then(|t| Path::new(&t).canonicalize().ok());
    if top.is_some() && top == manifest.canonicalize().ok() {
        git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_string())
    } else {
        "unknown".to_string()
    }
}

#[test]
fn version_prints_the_version_and_the_commit_it_was_built_from() {
    let t = GuideTest::empty();
    let want = format!("partnerbook {} (commit {})\n", env!("CARGO_PKG_VERSION"), expected_commit());
    for flag in ["--version", "-V"] {
        let run = t.run_in("", &[flag]).success();
        assert_eq!(run.stdout, want, "`partnerbook {flag}`");
    }
}
