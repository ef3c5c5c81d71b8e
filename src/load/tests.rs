use super::walk::*;
use super::*;

#[test]
fn classify_knows_every_folder_of_the_contract() {
    let cases = [
        ("site.yaml", Some(Role::Config)),
        ("playbooks/a.md", Some(Role::Playbook)),
        ("playbooks/spaces/makerspace.md", Some(Role::Playbook)),
        ("playbooks/notes.txt", None),
        ("partners/campus-it.yaml", Some(Role::Partner)),
        ("partners/x.yml", Some(Role::Partner)),
        ("pages/about.md", Some(Role::Page)),
        ("static/logo.svg", Some(Role::Asset)),
        ("templates/base.html", Some(Role::Template)),
        ("public/index.html", None),
        ("README.md", None),
        ("playbooks/.a.md.swp", None),
        (".git/config", None),
    ];
    for (rel, want) in cases {
        assert_eq!(classify(rel), want, "{rel}");
    }
}

#[test]
fn slugs_keep_sub_folders() {
    assert_eq!(slug_of("playbooks/spaces/makerspace.md"), "spaces/makerspace");
    assert_eq!(slug_of("partners/campus-it.yaml"), "campus-it");
}

/// A folder of its own below the system's temporary folder, removed at the end.
struct TempGuide(PathBuf);

impl TempGuide {
    fn new(name: &str, files: &[&str]) -> Self {
        let root = std::env::temp_dir().join(format!("partnerbook-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for f in files {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "---\ntitle: T\n---\n").unwrap();
        }
        TempGuide(root)
    }
}

impl Drop for TempGuide {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn walk_order_is_the_order_of_the_walk() {
    let files = ["site.yaml", "playbooks/a.md", "playbooks/a-b.md", "playbooks/a/b.md", "playbooks/a.b/c.md"];
    let guide = TempGuide::new("order", &files);
    let entries = walk(&guide.0, &mut Vec::new()).unwrap();
    let got: Vec<&str> = entries.iter().map(|e| e.rel.as_str()).collect();
    // A walk that sorts each folder by file name, the order `walk` promises.
    let sorted: Vec<String> = walkdir::WalkDir::new(&guide.0)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| relative(&guide.0, e.path()))
        .collect();
    assert_eq!(got, sorted);
    let names = ["a", "a-b", "a/b", "a.b/c", "ab", "a/b/c", "b", "a\u{e9}", "a/\u{e9}"];
    for x in names {
        for y in names {
            assert_eq!(walk_order(x, y), x.split('/').cmp(y.split('/')), "{x} {y}");
        }
    }
}

#[test]
fn restat_skips_the_walk_only_for_known_files_that_still_exist() {
    let guide = TempGuide::new("restat", &["site.yaml", "playbooks/a.md", "playbooks/b.md", "README.md"]);
    let last = walk(&guide.0, &mut Vec::new()).unwrap();
    std::fs::write(guide.0.join("playbooks/b.md"), "---\ntitle: Longer title\n---\n").unwrap();
    let again = restat(&guide.0, &last, &["playbooks/b.md".into(), "README.md".into()]).expect("no walk needed");
    let b = again.iter().find(|e| e.rel == "playbooks/b.md").unwrap();
    assert_eq!(b.stamp.len, "---\ntitle: Longer title\n---\n".len() as u64);
    // A new file, a removed file and a folder all need the walk.
    std::fs::write(guide.0.join("playbooks/c.md"), "").unwrap();
    assert!(restat(&guide.0, &last, &["playbooks/c.md".into()]).is_none());
    std::fs::remove_file(guide.0.join("playbooks/a.md")).unwrap();
    assert!(restat(&guide.0, &last, &["playbooks/a.md".into()]).is_none());
    assert!(restat(&guide.0, &last, &["playbooks".into()]).is_none());
    assert!(restat(&guide.0, &[], &[]).is_none());
}

/// `classify` and `slug_of` read the `/`-separated text that `relative` makes
/// by path components, never an OS path: a `\` is a character of a name (a
/// Unix file may be called `playbooks\a.md`), and a path that was not made
/// relative to the guide, with its drive letter, is no file of the guide.
#[test]
fn classify_and_slugs_split_only_on_the_slashes_relative_puts_in() {
    assert_eq!(classify(r"playbooks\a.md"), None);
    assert_eq!(classify(r"C:\Users\ana\guide\playbooks\a.md"), None);
    assert_eq!(classify("C:/Users/ana/guide/playbooks/a.md"), None);
    assert_eq!(classify(r"playbooks/spaces\makerspace.md"), Some(Role::Playbook));
    assert_eq!(slug_of(r"playbooks/spaces\makerspace.md"), r"spaces\makerspace");
    assert_eq!(relative(Path::new("/g"), Path::new("/elsewhere/playbooks/a.md")), "");
}

/// On Windows a guide's files become the same slugs as elsewhere, whichever
/// separator the path was written with and however the drive letter is cased.
#[cfg(windows)]
#[test]
fn windows_paths_become_the_same_slugs() {
    let root = Path::new(r"C:\Users\ana\guide");
    for path in
        [r"C:\Users\ana\guide\playbooks\spaces\makerspace.md", r"c:\Users\ana\guide\playbooks/spaces\makerspace.md"]
    {
        let rel = relative(root, Path::new(path));
        assert_eq!(rel, "playbooks/spaces/makerspace.md", "{path}");
        assert_eq!(classify(&rel), Some(Role::Playbook));
        assert_eq!(slug_of(&rel), "spaces/makerspace");
    }
}
