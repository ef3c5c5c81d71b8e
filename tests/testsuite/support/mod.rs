//! The test harness: [`GuideTest`] copies a fixture guide (or starts from an
//! empty folder) into a fresh folder under `CARGO_TARGET_TMPDIR`, lets a test
//! add or overwrite files, runs the real `partnerbook` binary on it, and reads
//! what the binary wrote. It owns the temporary folders and the `[ROOT]`
//! redaction; it knows nothing about what a page should contain.
//!
//! Layout of one test's folder:
//!
//! ```text
//! [ROOT]/            the working directory of every run
//!   guide/           the guide (a copy of the fixture), passed as GUIDE
//!   public/          the default output folder of `build`
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The date every run counts as today, so that output is reproducible.
pub(crate) const TODAY: &str = "2026-11-29";

/// Folder of the fixture guides (`tests/testsuite`).
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite")
}

/// One guide in its own temporary folder.
pub(crate) struct GuideTest {
    root: PathBuf,
}

impl GuideTest {
    /// A copy of the fixture guide `tests/testsuite/<rel>` (e.g. `check/unknown_key`).
    pub(crate) fn from_dir(rel: &str) -> Self {
        let src = fixtures().join(rel);
        assert!(src.is_dir(), "no fixture folder {}", src.display());
        Self::from_path(&src)
    }

    /// A copy of any guide folder on disk (e.g. the shipped `content/`).
    pub(crate) fn from_path(src: &Path) -> Self {
        let t = Self::empty();
        copy_dir(src, &t.guide());
        t
    }

    /// An empty guide folder (no `site.yaml` yet).
    pub(crate) fn empty() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let thread = std::thread::current();
        let name: String = thread
            .name()
            .unwrap_or("test")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
            .collect();
        let root =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("testsuite").join(format!("{name}-{}-{n}", std::process::id()));
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap_or_else(|e| panic!("could not clear {}: {e}", root.display()));
        }
        std::fs::create_dir_all(root.join("guide")).unwrap();
        GuideTest { root }
    }

    /// The test's temporary folder, replaced by `[ROOT]` in output.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The folder above `[ROOT]`, where git stops looking for a repository:
    /// a guide of a test is in git only when the test made `[ROOT]` (or the
    /// guide) a repository, never because the project itself is one.
    pub(crate) fn git_ceiling(&self) -> PathBuf {
        self.root.parent().expect("[ROOT] has a parent").to_path_buf()
    }

    /// The guide folder.
    pub(crate) fn guide(&self) -> PathBuf {
        self.root.join("guide")
    }

    /// The default output folder of `build`.
    pub(crate) fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Adds or overwrites a file of the guide (path relative to the guide).
    pub(crate) fn file(&self, path: &str, text: &str) -> &Self {
        self.bytes(path, text.as_bytes())
    }

    /// Adds or overwrites a file of the guide as an editor's atomic save does:
    /// the text is written beside it and renamed over it, so that a watcher
    /// never reads it half written, however loaded the machine is.
    pub(crate) fn save(&self, path: &str, text: &str) -> &Self {
        let p = self.guide().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let tmp = p.with_file_name(format!(".{}.partnerbook-test~", p.file_name().unwrap().to_string_lossy()));
        std::fs::write(&tmp, text).unwrap_or_else(|e| panic!("could not write {}: {e}", tmp.display()));
        std::fs::rename(&tmp, &p).unwrap_or_else(|e| panic!("could not rename over {}: {e}", p.display()));
        self
    }

    /// Adds or overwrites a file of the guide with raw bytes.
    pub(crate) fn bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        let p = self.guide().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("could not write {}: {e}", p.display()));
        self
    }

    /// Removes a file of the guide.
    pub(crate) fn remove(&self, path: &str) -> &Self {
        let p = self.guide().join(path);
        std::fs::remove_file(&p).unwrap_or_else(|e| panic!("could not remove {}: {e}", p.display()));
        self
    }

    /// Runs `partnerbook <args[0]> [ROOT]/guide <args[1..]> --today 2026-11-29`
    /// from `[ROOT]`, so `build` writes to `[ROOT]/public` unless `-o` says otherwise.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let (command, rest) = args.split_first().expect("a command such as build or check");
        let mut full: Vec<String> = vec![command.to_string(), self.guide().display().to_string()];
        full.extend(rest.iter().map(|s| s.to_string()));
        self.run_raw(&full.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Runs `partnerbook <args> --today 2026-11-29` from `[ROOT]`, without adding the guide.
    pub(crate) fn run_raw(&self, args: &[&str]) -> Run {
        let mut full = args.to_vec();
        full.extend(["--today", TODAY]);
        self.exec(&self.root, &full)
    }

    /// Runs `partnerbook <args>` exactly as given (no guide, no `--today`) from
    /// `[ROOT]/<dir>` (`""`: `[ROOT]`), for `init` and for `new` run inside a guide.
    pub(crate) fn run_in(&self, dir: &str, args: &[&str]) -> Run {
        self.exec(&self.root.join(dir), args)
    }

    fn exec(&self, cwd: &Path, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_partnerbook"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", self.git_ceiling())
            .output()
            .expect("could not start partnerbook");
        let redact = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            text.replace(&self.root.display().to_string(), "[ROOT]").replace('\\', "/")
        };
        Run {
            args: args.join(" "),
            code: output.status.code(),
            stdout: redact(&output.stdout),
            stderr: redact(&output.stderr),
        }
    }

    /// Builds the guide into `[ROOT]/public` and expects success.
    pub(crate) fn build_ok(&self) -> Run {
        self.run(&["build"]).success()
    }

    /// A file of the default output folder as text (path relative to it).
    pub(crate) fn read_output(&self, path: &str) -> String {
        read_text(&self.public().join(path))
    }

    /// The `<main ...>...</main>` element of an output page.
    pub(crate) fn main_of(&self, path: &str) -> String {
        main_element(&self.read_output(path)).unwrap_or_else(|| panic!("{path} has no single <main> element"))
    }

    /// Every file below `[ROOT]` (the guide and outputs), for "nothing changed" checks.
    pub(crate) fn root_tree(&self) -> Tree {
        tree(&self.root)
    }

    /// Every file of the guide folder.
    pub(crate) fn guide_tree(&self) -> Tree {
        tree(&self.guide())
    }

    /// Makes the guide folder hold exactly `files` again.
    pub(crate) fn restore_guide(&self, files: &Tree) {
        std::fs::remove_dir_all(self.guide()).unwrap();
        for (path, bytes) in files {
            self.bytes(path, bytes);
        }
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub(crate) struct Run {
    /// The arguments, for messages.
    pub(crate) args: String,
    /// Exit code (`None` if killed by a signal).
    pub(crate) code: Option<i32>,
    /// Standard output, `[ROOT]` redacted.
    pub(crate) stdout: String,
    /// Standard error, `[ROOT]` redacted.
    pub(crate) stderr: String,
}

impl Run {
    /// Expects exit code `code`.
    #[track_caller]
    pub(crate) fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "`partnerbook {}` exited with {:?}\n--- stderr ---\n{}",
            self.args,
            self.code,
            self.stderr
        );
        self
    }

    /// Expects exit code 0.
    #[track_caller]
    pub(crate) fn success(self) -> Self {
        self.code(0)
    }

    /// Expects exit code 1 (content errors).
    #[track_caller]
    pub(crate) fn failure(self) -> Self {
        self.code(1)
    }

    /// Expects stderr to contain `needle`.
    #[track_caller]
    pub(crate) fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr of `partnerbook {}` lacks {needle:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }
}

/// Files by `/`-separated path below a folder.
pub(crate) type Tree = BTreeMap<String, Vec<u8>>;

/// Every file below `dir` (empty when it does not exist).
pub(crate) fn tree(dir: &Path) -> Tree {
    fn walk(base: &Path, dir: &Path, out: &mut Tree) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Tree::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
#[track_caller]
pub(crate) fn assert_same_tree(before: &Tree, after: &Tree, what: &str) {
    let a: Vec<&String> = before.keys().collect();
    let b: Vec<&String> = after.keys().collect();
    assert_eq!(a, b, "{what}: the file lists differ");
    for (path, bytes) in before {
        if &after[path] != bytes {
            panic!(
                "{what}: {path} differs\n--- before ---\n{}\n--- after ---\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&after[path])
            );
        }
    }
}

/// Reads a file as UTF-8 text, naming it on failure.
pub(crate) fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()))
}

/// The single `<main ...>...</main>` element of a page, or `None` when there
/// is none or more than one.
pub(crate) fn main_element(html: &str) -> Option<String> {
    let start = html.find("<main")?;
    if html[start + 1..].contains("<main") {
        return None;
    }
    let after = &html[start..];
    // `<main` must be the tag itself, not `<mainframe>`.
    if !after[5..].starts_with(['>', ' ', '\n', '\t']) {
        return None;
    }
    let end = after.find("</main>")? + "</main>".len();
    Some(after[..end].to_string())
}

/// Every `href="..."` and `src="..."` value of a page.
pub(crate) fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

/// Copies the folder `src` to `dst`, file by file (creating `dst`).
pub(crate) fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap_or_else(|e| panic!("could not read {}: {e}", src.display())) {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}
