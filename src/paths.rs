//! Paths on disk and the `/`-separated text partnerbook names files by (a
//! guide file's `rel`, from which slugs and URLs are made, and a site's page
//! keys), both ways, by path components. An OS path is never split on `/` or
//! `\`: Windows takes both as separators, except after a `\\?\` prefix, and
//! elsewhere `\` is an ordinary character of a file name.

use std::path::{Component, Path, PathBuf};

/// The path of `path` inside `root` as `/`-separated text (`""` for `root`
/// itself), or `None` when it is not inside `root`.
pub(crate) fn slash_rel(root: &Path, path: &Path) -> Option<String> {
    slash_join(path.strip_prefix(root).ok()?.components())
}

/// Relative path components as `/`-separated text: the names, in order, with
/// `.` left out. `None` when a component is not a name below the folder the
/// path starts from (a drive or share prefix, the root, `..`), so that no slug
/// or URL is ever made from `C:` or from a way out of the guide.
pub(crate) fn slash_join<'a>(components: impl IntoIterator<Item = Component<'a>>) -> Option<String> {
    let mut out = String::new();
    for c in components {
        match c {
            Component::Normal(name) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(&name.to_string_lossy());
            }
            Component::CurDir => {}
            Component::Prefix(_) | Component::RootDir | Component::ParentDir => return None,
        }
    }
    Some(out)
}

/// The path on disk of `rel` (`/`-separated, as [`slash_rel`] makes it, or a
/// page key of a site) inside `root`, pushed one name at a time: after a
/// Windows `\\?\` prefix, a `/` inside a joined string would be taken as part
/// of a name.
pub(crate) fn below(root: &Path, rel: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    path.extend(rel.split('/').filter(|name| !name.is_empty()));
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_inside_the_root_becomes_its_names_joined_by_slashes() {
        let root = Path::new("/home/ana/guide");
        let cases = [
            ("/home/ana/guide/playbooks/spaces/makerspace.md", Some("playbooks/spaces/makerspace.md")),
            ("/home/ana/guide/site.yaml", Some("site.yaml")),
            ("/home/ana/guide", Some("")),
            ("/home/ana/guide/./pages/about.md", Some("pages/about.md")),
            ("/home/ana/other/site.yaml", None),
            ("/home/ana/guide-old/site.yaml", None),
        ];
        for (path, want) in cases {
            assert_eq!(slash_rel(root, Path::new(path)).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn only_plain_names_make_a_relative_path() {
        assert_eq!(slash_join(Path::new("playbooks/./a.md").components()).as_deref(), Some("playbooks/a.md"));
        for outside in ["/etc/passwd", "../site.yaml", "playbooks/../../x.md"] {
            assert_eq!(slash_join(Path::new(outside).components()), None, "{outside}");
        }
    }

    /// Outside Windows a backslash is a character of a name (a file may be
    /// called `a\b.md`): it stays in the name and never becomes a folder.
    #[cfg(unix)]
    #[test]
    fn a_backslash_is_part_of_a_name_outside_windows() {
        let root = Path::new("/g");
        assert_eq!(slash_rel(root, Path::new(r"/g/playbooks/a\b.md")).as_deref(), Some(r"playbooks/a\b.md"));
        assert_eq!(slash_rel(root, Path::new(r"/g/C:\guide\site.yaml")).as_deref(), Some(r"C:\guide\site.yaml"));
    }

    #[test]
    fn a_relative_path_goes_below_the_root_name_by_name() {
        let root = Path::new("out");
        assert_eq!(
            below(root, "playbooks/a/index.html"),
            Path::new("out").join("playbooks").join("a").join("index.html")
        );
        assert_eq!(below(root, ""), root);
        assert_eq!(below(root, "a//b/"), root.join("a").join("b"));
    }

    /// Windows paths as Windows reads them: `\` and `/` both separate, a drive
    /// letter is a prefix (any case), and after `\\?\` only `\` separates.
    #[cfg(windows)]
    #[test]
    fn windows_paths_become_slash_paths_by_their_components() {
        let root = Path::new(r"C:\Users\ana\guide");
        let cases = [
            (r"C:\Users\ana\guide\playbooks\spaces\makerspace.md", Some("playbooks/spaces/makerspace.md")),
            (r"C:\Users\ana\guide/playbooks\a.md", Some("playbooks/a.md")),
            (r"c:\Users\ana\guide\site.yaml", Some("site.yaml")),
            (r"D:\Users\ana\guide\site.yaml", None),
            (r"C:\Users\ana\other\site.yaml", None),
        ];
        for (path, want) in cases {
            assert_eq!(slash_rel(root, Path::new(path)).as_deref(), want, "{path}");
        }
        assert_eq!(slash_join(Path::new(r"C:\guide\site.yaml").components()), None);
        assert_eq!(slash_join(Path::new(r"\\server\share\site.yaml").components()), None);
        assert_eq!(
            below(Path::new(r"\\?\C:\site"), "playbooks/a/index.html"),
            Path::new(r"\\?\C:\site\playbooks\a\index.html")
        );
    }
}
