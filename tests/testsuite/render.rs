//! Snapshots of the `<main>` element of rendered pages, one snapshot per
//! fixture guide under `render/<case>/`: the `<main>` of every playbook page
//! and every partner page of that guide, in path order. Only `<main>` is
//! snapshotted, so that a change to the theme's shell does not touch them.
//! Review changes with `cargo insta review`.

use crate::support::{GuideTest, tree};

#[test]
fn main_of_playbook_and_partner_pages() {
    insta::glob!("render/*/site.yaml", |site_yaml| {
        let case = site_yaml.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let t = GuideTest::from_dir(&format!("render/{case}"));
        t.build_ok();
        let mut out = String::new();
        for path in tree(&t.public()).keys() {
            let is_page = path.ends_with("/index.html")
                && (path.starts_with("playbooks/") || path.starts_with("partners/"))
                && path.matches('/').count() >= 2;
            if is_page {
                out.push_str(&format!("===== {path}\n{}\n", t.main_of(path)));
            }
        }
        insta::assert_snapshot!(out);
    });
}
