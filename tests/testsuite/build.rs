//! `partnerbook build` on good guides: which pages exist, links under a base
//! URL, references both ways, drafts, escaping of every YAML string, Markdown
//! extensions, the shipped guide, determinism, and `check` writing nothing.

use crate::support::{GuideTest, Tree, assert_same_tree, main_element, tree, urls};

/// HTML files of a built site.
fn html_files(site: &Tree) -> Vec<(&String, String)> {
    site.iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap_or_else(|_| panic!("{p} is not UTF-8"))))
        .collect()
}

#[test]
fn good_guide_builds_every_kind_of_page() {
    let t = GuideTest::from_dir("build/good");
    let run = t.build_ok();
    assert!(run.stderr.contains("built "), "{}", run.stderr);
    let site = tree(&t.public());
    for path in [
        "index.html",
        "playbooks/index.html",
        "playbooks/run-the-meeting/index.html",
        "playbooks/spaces/makerspace/index.html",
        "partners/index.html",
        "partners/campus-it/index.html",
        "partners/art-and-design/index.html",
        "tags/index.html",
        "tags/meetings/index.html",
        "tags/spaces/index.html",
        "tags/infrastructure/index.html",
        "about/index.html",
        "404.html",
        "assets/style.css",
    ] {
        assert!(site.contains_key(path), "{path} is missing; built: {:#?}", site.keys().collect::<Vec<_>>());
    }
    for (path, html) in html_files(&site) {
        assert!(main_element(&html).is_some(), "{path} has not exactly one <main> element:\n{html}");
    }
}

#[test]
fn base_url_prefixes_every_internal_link() {
    let t = GuideTest::from_dir("build/good");
    t.run(&["build", "--base-url", "https://lib.example.edu/outreach/"]).success();
    let site = tree(&t.public());
    let mut internal = 0;
    for (path, html) in html_files(&site) {
        for url in urls(&html) {
            if url.starts_with('/') && !url.starts_with("//") {
                internal += 1;
                assert!(url.starts_with("/outreach/"), "{path}: `{url}` does not start with /outreach/");
            }
        }
    }
    assert!(internal > 0, "no internal link was found at all");
    let makerspace = t.main_of("playbooks/spaces/makerspace/index.html");
    assert!(makerspace.contains(r#"href="/outreach/partners/campus-it/""#), "{makerspace}");
    assert!(makerspace.contains(r#"href="/outreach/playbooks/run-the-meeting/#send-the-agenda""#), "{makerspace}");
}

#[test]
fn without_base_url_links_start_at_the_site_root() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    let makerspace = t.main_of("playbooks/spaces/makerspace/index.html");
    assert!(makerspace.contains(r#"href="/partners/campus-it/""#), "{makerspace}");
    assert!(makerspace.contains(r#"href="/playbooks/run-the-meeting/#send-the-agenda""#), "{makerspace}");
}

#[test]
fn partner_and_playbook_references_go_both_ways() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    // run-the-meeting lists campus-it in `partners:` ...
    let playbook = t.main_of("playbooks/run-the-meeting/index.html");
    assert!(playbook.contains(r#"href="/partners/campus-it/""#), "the playbook links its partner:\n{playbook}");
    let partner = t.main_of("partners/campus-it/index.html");
    assert!(partner.contains(r#"href="/playbooks/run-the-meeting/""#), "the partner links back:\n{partner}");
    // ... and art-and-design lists spaces/makerspace in `playbooks:`.
    let partner = t.main_of("partners/art-and-design/index.html");
    assert!(partner.contains(r#"href="/playbooks/spaces/makerspace/""#), "the partner links its playbook:\n{partner}");
    let playbook = t.main_of("playbooks/spaces/makerspace/index.html");
    assert!(playbook.contains(r#"href="/partners/art-and-design/""#), "the playbook links back:\n{playbook}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    let site = tree(&t.public());
    assert!(!site.contains_key("playbooks/draft-idea/index.html"));
    for (path, bytes) in &site {
        assert!(!String::from_utf8_lossy(bytes).contains("Unfinished draft idea"), "{path} mentions the draft");
    }

    t.run(&["build", "--drafts"]).success();
    let page = t.read_output("playbooks/draft-idea/index.html");
    assert!(page.contains("Unfinished draft idea"), "{page}");
    assert!(t.read_output("playbooks/index.html").contains("Unfinished draft idea"));
}

#[test]
fn yaml_strings_are_escaped_everywhere() {
    let t = GuideTest::from_dir("build/xss");
    t.build_ok();
    let site = tree(&t.public());
    assert!(site.contains_key("partners/evil/index.html") && site.contains_key("playbooks/evil/index.html"));
    // Plain-text formats (the calendar, the report's CSV) carry the text as
    // written: no browser renders them as HTML.
    let plain = |p: &str| p.ends_with(".ics") || p.ends_with(".txt") || p.ends_with(".csv");
    for (path, bytes) in site.iter().filter(|(p, _)| !plain(p)) {
        let text = String::from_utf8_lossy(bytes);
        for needle in ["<script>alert(1)", "<img src=x", "\"><img", "onerror=alert(1)>"] {
            assert!(!text.contains(needle), "{path} contains {needle:?} unescaped:\n{text}");
        }
    }
    // The values are shown, as text.
    let partner = t.main_of("partners/evil/index.html");
    assert!(partner.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{partner}");
    assert!(partner.contains("&lt;img src=x onerror=alert(1)&gt;"), "{partner}");
    // An address that is not a plain e-mail address never becomes a mailto: link.
    assert!(!partner.contains("mailto:&quot;") && !partner.contains("mailto:\""), "{partner}");
}

#[test]
fn markdown_extensions_render() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    let main = t.main_of("playbooks/run-the-meeting/index.html");
    let expected = [
        (r#"<h2 id="send-the-agenda""#, "GitHub heading id"),
        (r#"type="checkbox""#, "task list"),
        ("checked", "ticked task"),
        ("<table>", "table"),
        ("<th>Who</th>", "table header"),
        ("<del>Wing it.</del>", "strikethrough"),
        ("footnote-reference", "footnote reference"),
        ("footnote-definition", "footnote definition"),
        ("A person, not a unit.", "footnote text"),
        (r#"<aside class="callout callout-tip""#, "GFM alert"),
        ("Bring printed copies.", "alert text"),
    ];
    for (needle, what) in expected {
        assert!(main.contains(needle), "{what}: no {needle:?} in\n{main}");
    }
    assert!(!main.contains("[!TIP]"), "the alert marker is gone:\n{main}");
}

#[test]
fn shipped_guide_builds() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let t = GuideTest::from_path(&content);
    t.run(&["check"]).success();
    t.build_ok();
    let site = tree(&t.public());
    for path in [
        "index.html",
        "playbooks/spaces/makerspace/index.html",
        "partners/campus-it/index.html",
        "about/index.html",
        "404.html",
    ] {
        assert!(site.contains_key(path), "{path} is missing");
    }
}

#[test]
fn check_on_a_good_guide_succeeds_and_writes_nothing() {
    let t = GuideTest::from_dir("build/good");
    let before = t.root_tree();
    let run = t.run(&["check"]).success();
    assert!(run.stdout.is_empty(), "messages go to stderr: {}", run.stdout);
    assert!(run.stderr.contains("ok: 2 playbooks, 2 partners, 1 pages"), "{}", run.stderr);
    assert_same_tree(&before, &t.root_tree(), "check changed files");
}

#[test]
fn build_output_is_deterministic() {
    let t = GuideTest::from_dir("build/good");
    t.run(&["build", "-o", "one"]).success();
    t.run(&["build", "-o", "two"]).success();
    let one = tree(&t.root().join("one"));
    assert!(!one.is_empty());
    assert_same_tree(&one, &tree(&t.root().join("two")), "two builds differ");
}

#[test]
fn failed_build_keeps_previous_output() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    let good = tree(&t.public());
    t.file("playbooks/run-the-meeting.md", "---\ntitle: Run the meeting\nstage: meeet\n---\n");
    t.run(&["build"]).failure().stderr_has("playbooks/run-the-meeting.md:3:8");
    assert_same_tree(&good, &tree(&t.public()), "the failed build changed the output");
}

#[test]
fn successful_build_replaces_the_whole_output_folder() {
    let t = GuideTest::from_dir("build/good");
    t.build_ok();
    std::fs::write(t.public().join("stale.html"), "left over").unwrap();
    t.remove("pages/about.md");
    t.build_ok();
    let site = tree(&t.public());
    assert!(!site.contains_key("stale.html"), "files not produced by this build are gone");
    assert!(!site.contains_key("about/index.html"), "a removed page is gone");
}

#[test]
fn ids_in_a_page_are_unique() {
    // A footnote named like a heading must not produce a second element with the same id.
    let t = GuideTest::from_dir("build/good");
    t.file(
        "playbooks/owners.md",
        "---\ntitle: Owners\n---\n\n## Owners\n\nName one.[^owners]\n\n[^owners]: A person.\n",
    );
    t.build_ok();
    let main = t.main_of("playbooks/owners/index.html");
    let mut ids: Vec<&str> = main.split(" id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    ids.sort_unstable();
    let mut dups = ids.clone();
    dups.dedup();
    assert_eq!(ids.len(), dups.len(), "duplicate ids {ids:?} in\n{main}");
}

#[test]
fn edit_links_carry_each_file_path_inside_the_guide() {
    let t = GuideTest::from_dir("build/good");
    t.file(
        "site.yaml",
        "title: Good guide\ndescription: A small guide that builds.\n\
         edit_url: \"https://git.example.edu/lib/guide/-/edit/main/{path}\"\n",
    );
    t.build_ok();
    let cases = [
        ("playbooks/run-the-meeting/index.html", "playbooks/run-the-meeting.md"),
        ("playbooks/spaces/makerspace/index.html", "playbooks/spaces/makerspace.md"),
        ("partners/campus-it/index.html", "partners/campus-it.yaml"),
        ("about/index.html", "pages/about.md"),
    ];
    for (page, file) in cases {
        let main = t.main_of(page);
        let want = format!("href=\"https://git.example.edu/lib/guide/-/edit/main/{file}\">Edit this page</a>");
        assert!(main.contains(&want), "{page} should link to {file}:\n{main}");
    }
}
