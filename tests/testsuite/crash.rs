//! Crash safety of `build`: a build killed with SIGKILL at any moment leaves
//! the previous output folder whole, and the next complete build removes the
//! temporary folder the killed one left. The moments are awaited by watching
//! the file system (the temporary folder appears, pages appear in it, the
//! output folder is swapped), never by sleeping a fixed time.

#![cfg(unix)]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{GuideTest, TODAY};

/// Playbooks in the generated guide: enough for a build to take a moment.
const PLAYBOOKS: usize = 2000;

/// How many times a moment is tried before the test gives up on landing a kill in it.
const TRIES: usize = 8;

fn many_playbooks() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Many playbooks\n");
    t.file("partners/campus-it.yaml", "name: Campus IT\nsummary: Central IT.\nplaybooks: [p0]\n");
    for i in 0..PLAYBOOKS {
        let next = (i + 1) % PLAYBOOKS;
        t.file(
            &format!("playbooks/p{i}.md"),
            &format!(
                "---\ntitle: Playbook {i}\nsummary: Number {i}.\nstage: meet\npartners: [campus-it]\n---\n## Steps\n\nThen [the next one](playbook:p{next}).\n"
            ),
        );
    }
    t
}

/// The number of files below `dir` and a hash of their paths and bytes.
fn tree_hash(dir: &Path) -> (usize, u64) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("could not read {}: {e}", d.display())) {
            let path = e.unwrap().path();
            if path.is_dir() { stack.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    let mut h = DefaultHasher::new();
    for f in &files {
        f.strip_prefix(dir).unwrap().hash(&mut h);
        std::fs::read(f).unwrap().hash(&mut h);
    }
    (files.len(), h.finish())
}

/// The temporary folders of builds into `[ROOT]/public`.
fn temp_folders(t: &GuideTest) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(t.root())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public.partnerbook-"))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn start_build(t: &GuideTest) -> Child {
    Command::new(env!("CARGO_BIN_EXE_partnerbook"))
        .args(["build", &t.guide().display().to_string(), "--today", TODAY])
        .current_dir(t.root())
        .env("GIT_CEILING_DIRECTORIES", t.git_ceiling())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start partnerbook")
}

/// Pages written so far into a temporary folder.
fn pages_in(temp: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(temp.join("playbooks")) else {
        return 0;
    };
    entries.flatten().filter(|e| e.path().join("index.html").is_file()).count()
}

/// A moment of a build, told from outside by the file system.
#[derive(Clone, Copy, Debug)]
enum Moment {
    /// The temporary folder exists.
    TempFolder,
    /// At least this many playbook pages are in the temporary folder.
    Pages(usize),
    /// The output folder is another folder than before (swapped in; the old one is being removed).
    Swapped,
}

impl Moment {
    fn reached(self, t: &GuideTest, public_inode: u64) -> bool {
        match self {
            Moment::TempFolder => !temp_folders(t).is_empty(),
            Moment::Pages(n) => temp_folders(t).iter().any(|d| pages_in(d) >= n),
            Moment::Swapped => std::fs::metadata(t.public()).is_ok_and(|m| m.ino() != public_inode),
        }
    }
}

/// Starts builds until one is killed at `moment` (a build may finish before
/// the moment is seen); after every try the output must be the site as it was.
fn kill_at(t: &GuideTest, moment: Moment, site: (usize, u64)) {
    for _ in 0..TRIES {
        let public_inode = std::fs::metadata(t.public()).unwrap().ino();
        let mut child = start_build(t);
        let finished = loop {
            if moment.reached(t, public_inode) {
                child.kill().unwrap();
                break false;
            }
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            // A short pause between looks, so that polling leaves the build its CPU.
            std::thread::sleep(std::time::Duration::from_micros(200));
        };
        let status = child.wait().unwrap();
        assert_eq!(tree_hash(&t.public()), site, "after a build stopped at {moment:?} ({status}), the output changed");
        if finished || status.signal() != Some(9) {
            assert!(status.success(), "the build failed on its own: {status}");
            continue;
        }
        // Killed at the moment: its temporary folder is left, and the next complete build removes it.
        assert!(!temp_folders(t).is_empty(), "a build killed at {moment:?} left no temporary folder");
        t.build_ok();
        assert_eq!(temp_folders(t), Vec::<PathBuf>::new(), "stale temporary folders after a complete build");
        assert_eq!(tree_hash(&t.public()), site);
        return;
    }
    panic!("no build out of {TRIES} was still running at {moment:?}");
}

#[test]
fn builds_killed_at_any_moment_leave_the_previous_output_whole() {
    let t = many_playbooks();
    t.build_ok();
    let site = tree_hash(&t.public());
    assert!(site.0 > PLAYBOOKS, "the site has a page per playbook");
    for moment in [Moment::TempFolder, Moment::Pages(PLAYBOOKS / 4), Moment::Pages(PLAYBOOKS), Moment::Swapped] {
        kill_at(&t, moment, site);
    }
}
