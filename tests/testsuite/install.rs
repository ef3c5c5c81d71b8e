//! What someone who downloads a prebuilt binary relies on: `--version` names
//! the version and the commit it was built from, so that a bug report says
//! which code it is about; and the install lines (the README's for Linux and
//! macOS, the CI examples `init` writes) install the release's program only
//! when its SHA-256 matches SHA256SUMS. They run here against a fake release
//! laid out as the release workflow publishes one, read over `file://`.

use std::path::{Path, PathBuf};
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

/// Where the install lines download from, in the README and the CI examples.
const RELEASES: &str = "https://github.com/YOUR-ORG/partnerbook/releases/latest/download";

/// The archives a release has for Linux and macOS (the Windows one is a zip
/// the PowerShell line reads, which cannot run here).
const ARCHIVES: [&str; 4] = [
    "partnerbook-x86_64-unknown-linux-musl.tar.gz",
    "partnerbook-aarch64-unknown-linux-musl.tar.gz",
    "partnerbook-x86_64-apple-darwin.tar.gz",
    "partnerbook-aarch64-apple-darwin.tar.gz",
];

/// What the stand-in program of a fake release prints.
const FAKE_VERSION: &str = "partnerbook 9.9.9 (commit fake)";

/// Runs a program to its end and expects success.
#[track_caller]
fn must(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// A release folder laid out as the release workflow publishes one (every
/// Unix archive holds a stand-in `partnerbook` script, README.md and the
/// licenses; SHA256SUMS as `sha256sum` writes it), for the install lines to
/// download from with a `file://` URL. With `tampered`, every archive is
/// changed after SHA256SUMS was written, as a corrupted download would be.
fn fake_release(t: &GuideTest, name: &str, tampered: bool) -> PathBuf {
    let dir = t.root().join(name);
    let stage = t.root().join(format!("{name}-files"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&stage).unwrap();
    let program = stage.join("partnerbook");
    std::fs::write(&program, format!("#!/bin/sh\necho '{FAKE_VERSION}'\n")).unwrap();
    std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::write(stage.join(file), file).unwrap();
    }
    for archive in ARCHIVES {
        must(Command::new("tar").arg("-czf").arg(dir.join(archive)).arg("-C").arg(&stage).args([
            "partnerbook",
            "README.md",
            "LICENSE-MIT",
            "LICENSE-APACHE",
        ]));
    }
    let sums = Command::new("sha256sum").args(ARCHIVES).current_dir(&dir).output().expect("sha256sum runs");
    assert!(sums.status.success());
    std::fs::write(dir.join("SHA256SUMS"), &sums.stdout).unwrap();
    if tampered {
        std::fs::write(stage.join("partnerbook"), "#!/bin/sh\necho tampered\n").unwrap();
        for archive in ARCHIVES {
            must(Command::new("tar").arg("-czf").arg(dir.join(archive)).arg("-C").arg(&stage).arg("partnerbook"));
        }
    }
    dir
}

/// The output of a shell script run by `shell` in `cwd` with `env`, and whether it succeeded.
fn run_script(shell: &[&str], script: &str, cwd: &Path, env: &[(&str, String)]) -> (bool, String) {
    std::fs::create_dir_all(cwd).unwrap();
    let out = Command::new(shell[0])
        .args(&shell[1..])
        .arg(script)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("the shell runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// What an install script did: whether it succeeded, what it printed, and
/// where it was to put the program.
struct Installed {
    ok: bool,
    output: String,
    program: PathBuf,
}

/// Runs an install script against a good and a tampered fake release: the
/// first installs the program (and the script runs it), the second stops
/// before anything is installed. `script` gets the release's `file://` URL
/// and a fresh folder of its own.
fn installs_only_what_the_checksums_allow(t: &GuideTest, what: &str, script: impl Fn(&str, &Path) -> Installed) {
    for tampered in [false, true] {
        let case = if tampered { "tampered" } else { "good" };
        let release = fake_release(t, &format!("release-{case}"), tampered);
        let dir = t.root().join(format!("install-{case}"));
        std::fs::create_dir_all(&dir).unwrap();
        let Installed { ok, output, program } = script(&format!("file://{}", release.display()), &dir);
        if tampered {
            assert!(!ok, "{what} installed a tampered archive:\n{output}");
            assert!(!program.exists(), "{what} left a tampered program in place:\n{output}");
        } else {
            assert!(ok, "{what} failed:\n{output}");
            assert!(output.contains(FAKE_VERSION), "{what} did not run the program it installed:\n{output}");
            assert!(program.is_file(), "{what} did not install {}:\n{output}", program.display());
        }
    }
}

#[test]
fn the_readme_install_line_for_linux_and_macos_checks_the_checksum_before_installing() {
    let t = GuideTest::empty();
    let readme = crate::support::read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let line = readme
        .lines()
        .find(|l| l.starts_with(&format!("(u={RELEASES};")))
        .expect("the README has the shell install line");
    installs_only_what_the_checksums_allow(&t, "the README's shell line", |url, dir| {
        // The line installs into ~/.local/bin.
        let env = [("HOME", dir.display().to_string())];
        let (ok, output) = run_script(&["sh", "-c"], &line.replace(RELEASES, url), dir, &env);
        Installed { ok, output, program: dir.join(".local/bin/partnerbook") }
    });
}

/// The CI examples `init` writes, parsed as YAML, as their CI would read them.
fn starter_ci(t: &GuideTest, file: &str) -> serde_json::Value {
    let text = crate::support::read_text(&t.guide().join(file));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file} is not YAML: {e}"))
}

#[test]
fn the_github_ci_example_installs_the_release_binary_only_when_its_checksum_matches() {
    let t = GuideTest::empty();
    t.run_in("", &["init", "guide"]).success();
    let workflow = starter_ci(&t, ".github/workflows/check.yml");
    let steps = workflow["jobs"]["check"]["steps"].as_array().expect("steps");
    let install = steps.iter().find(|s| s["name"] == "Install partnerbook").expect("an install step");
    assert_eq!(install["env"]["RELEASES"], RELEASES);
    assert_eq!(install["env"]["ARCHIVE"], ARCHIVES[0]);
    let script = install["run"].as_str().expect("a run script");
    assert!(steps.iter().any(|s| s["run"] == "partnerbook check ."), "{workflow:#}");
    installs_only_what_the_checksums_allow(&t, "check.yml", |url, dir| {
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let script = script.replace("sudo ", "").replace("/usr/local/bin", &bin.display().to_string());
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let env = [("RELEASES", url.to_string()), ("ARCHIVE", ARCHIVES[0].to_string()), ("PATH", path)];
        // GitHub runs `run:` with bash -eo pipefail, in its working-directory.
        let (ok, output) =
            run_script(&["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"], &script, &dir.join("temp"), &env);
        Installed { ok, output, program: bin.join("partnerbook") }
    });
}

#[test]
fn the_gitlab_ci_example_installs_the_release_binary_only_when_its_checksum_matches() {
    let t = GuideTest::empty();
    t.run_in("", &["init", "guide"]).success();
    let ci = starter_ci(&t, ".gitlab-ci.yml");
    assert_eq!(ci["variables"]["PARTNERBOOK_RELEASES"], RELEASES);
    assert_eq!(ci["variables"]["PARTNERBOOK_ARCHIVE"], ARCHIVES[0]);
    let before: Vec<&str> =
        ci["default"]["before_script"].as_array().expect("before_script").iter().filter_map(|s| s.as_str()).collect();
    assert_eq!(before.last(), Some(&"partnerbook --version"), "{before:?}");
    let script = before.iter().find(|s| s.contains("sha256sum")).expect("a step that checks the checksum");
    for job in ["check", "pages"] {
        assert!(ci[job]["script"].to_string().contains("partnerbook "), "{job}: {ci:#}");
    }
    installs_only_what_the_checksums_allow(&t, ".gitlab-ci.yml", |url, dir| {
        let (bin, tmp) = (dir.join("bin"), dir.join("tmp"));
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        let script = script.replace("/usr/local/bin", &bin.display().to_string()).replace("cd /tmp", "cd \"$TMP_DIR\"");
        let env = [
            ("PARTNERBOOK_RELEASES", url.to_string()),
            ("PARTNERBOOK_ARCHIVE", ARCHIVES[0].to_string()),
            ("CI_PROJECT_DIR", t.guide().display().to_string()),
            ("TMP_DIR", tmp.display().to_string()),
        ];
        let (ok, mut output) = run_script(&["sh", "-e", "-c"], &script, &t.guide(), &env);
        // The next line of before_script runs the program.
        if let Ok(run) = Command::new(bin.join("partnerbook")).arg("--version").output() {
            output.push_str(&String::from_utf8_lossy(&run.stdout));
        }
        Installed { ok, output, program: bin.join("partnerbook") }
    });
}
