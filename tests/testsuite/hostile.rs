//! Hostile input: YAML alias bombs and 20,000-deep nesting, Markdown nested
//! 50,000 deep, a 50 MB playbook, bytes that are not UTF-8, empty files,
//! symbolic-link loops and odd file names. Each one builds, or fails with exit
//! code 1 (2 for a folder that cannot be read) and an error that names the
//! file, never with a crash. Big inputs are generated here, not committed.

use crate::support::{GuideTest, Run};

const SITE: &str = "title: Hostile\n";

/// A guide with `site.yaml` and one more file.
fn guide_with(path: &str, bytes: &[u8]) -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE).bytes(path, bytes);
    t
}

/// A playbook file with a title and `body`.
fn playbook(body: &str) -> Vec<u8> {
    format!("---\ntitle: Hostile\nstage: meet\nsummary: A test.\n---\n{body}").into_bytes()
}

/// Expects a content error (exit 1) whose headline is `message` at `location` (`path:line:col`).
#[track_caller]
fn fails_at(run: Run, message: &str, location: &str) -> Run {
    run.failure().stderr_has(&format!("error: {message}")).stderr_has(&format!("--> {location}"))
}

#[test]
fn yaml_billion_laughs_fails_at_its_first_line() {
    let mut yaml = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    yaml.push_str("name: Bomb\n");
    let t = guide_with("partners/bomb.yaml", yaml.as_bytes());
    fails_at(t.run(&["build"]), "unknown key `a`", "partners/bomb.yaml:1:1");
    assert!(!t.public().exists());
}

#[test]
fn yaml_laughs_inside_known_keys_fail_on_the_first_nested_alias() {
    let yaml = "name: Bomb\ntags: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\noffers: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nlibrary_offers: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let t = guide_with("partners/bomb.yaml", yaml.as_bytes());
    fails_at(t.run(&["build"]), "invalid YAML: expected string scalar", "partners/bomb.yaml:3:13");
}

#[test]
fn yaml_aliases_that_expand_past_the_budget_fail_with_a_hint() {
    // 60,000 uses of a 3,000-byte string: 180 MB once expanded.
    let yaml = format!("name: &a \"{}\"\ntags: [{}]\n", "lol".repeat(1000), vec!["*a"; 60_000].join(","));
    let t = guide_with("partners/bomb.yaml", yaml.as_bytes());
    fails_at(t.run(&["build"]), "the YAML holds more than 64 MiB of text", "partners/bomb.yaml:2:")
        .stderr_has("help: ")
        .stderr_has("alias");
}

#[test]
fn a_yaml_file_over_64_mib_is_refused_before_parsing() {
    let yaml = format!("name: Big\nnotes: \"{}\"\n", "word ".repeat(14_000_000));
    let t = guide_with("partners/big.yaml", yaml.as_bytes());
    fails_at(t.run(&["build"]), "the YAML holds more than 64 MiB of text", "partners/big.yaml:1:1\n");
}

#[test]
fn yaml_flow_nested_20000_deep_stops_at_the_depth_limit() {
    let deep = format!("name: Deep\ntags: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let t = guide_with("partners/deep.yaml", deep.as_bytes());
    fails_at(t.run(&["build"]), "the YAML is nested more than 32 levels deep", "partners/deep.yaml:2:39\n")
        .stderr_has("help: ");
    let unclosed = format!("name: Deep\nlibrary_offers: {}\n", "[".repeat(20_000));
    let t = guide_with("partners/deep.yaml", unclosed.as_bytes());
    fails_at(t.run(&["build"]), "the YAML is nested more than 32 levels deep", "partners/deep.yaml:2:49\n");
    // Where the first level already has the wrong type, that is the error.
    let t =
        guide_with("playbooks/deep.md", format!("---\ntitle: x\ntags: {}\n---\n", "{a: ".repeat(20_000)).as_bytes());
    fails_at(t.run(&["build"]), "invalid YAML: expected sequence start", "playbooks/deep.md:3:7\n");
    let t = GuideTest::empty();
    t.file("site.yaml", &format!("title: {}{}\n", "[".repeat(20_000), "]".repeat(20_000)));
    fails_at(t.run(&["build"]), "invalid YAML: expected string scalar", "site.yaml:1:8\n");
}

#[test]
fn yaml_block_nested_20000_deep_fails_with_a_position() {
    // Compact block sequences (`- - - x`), and mappings one more space in on each line.
    let seqs = format!("name: Deep\ntags:\n{}x\n", "- ".repeat(20_000));
    let t = guide_with("partners/deep.yaml", seqs.as_bytes());
    fails_at(t.run(&["build"]), "invalid YAML: expected string scalar", "partners/deep.yaml:3:3\n");
    // Block mappings 20,000 deep need one more space of indentation per level:
    // 200 MB, refused before parsing; 2,000 deep (2 MB) is parsed up to its first key.
    let maps = |depth: usize| -> String { (0..depth).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect() };
    let t = guide_with("partners/deep.yaml", format!("name: Deep\nnext_step:\n{}", maps(20_000)).as_bytes());
    fails_at(t.run(&["build"]), "the YAML holds more than 64 MiB of text", "partners/deep.yaml:1:1\n");
    let t = guide_with("partners/deep.yaml", format!("name: Deep\nnext_step:\n{}", maps(2_000)).as_bytes());
    fails_at(t.run(&["build"]), "unknown key `k0`", "partners/deep.yaml:3:1\n");
}

/// Builds a playbook with `body`, expects success and returns its page.
fn builds(body: &str) -> String {
    let t = guide_with("playbooks/deep.md", &playbook(body));
    t.build_ok();
    t.read_output("playbooks/deep/index.html")
}

#[test]
fn markdown_block_quotes_nested_50000_deep_build() {
    let html = builds(&format!("{} the end\n", ">".repeat(50_000)));
    assert!(html.contains("the end"));
}

#[test]
fn markdown_lists_nested_50000_deep_build() {
    let html = builds(&format!("{}the end\n", "- ".repeat(50_000)));
    assert!(html.contains("the end"));
    let html = builds(&format!("{}the end\n", "1. - * ".repeat(16_667)));
    assert!(html.contains("the end"));
    let html = builds(&format!("{}the end\n", "> - ".repeat(25_000)));
    assert!(html.contains("the end"));
}

#[test]
fn markdown_links_and_emphasis_nested_50000_deep_build() {
    // The text of `[[[x](u)](u)...` is one 200,000-character word, which once
    // overflowed the stack in the search index.
    let html = builds(&format!("{}x{}\n", "[".repeat(50_000), "](u)".repeat(50_000)));
    assert!(html.contains("](u)"));
    let html = builds(&format!("{}b{}\n", "*a ".repeat(50_000), "*".repeat(50_000)));
    assert!(html.contains("<em>"));
    builds(&format!("a {} z\n", "w".repeat(1_000_000)));
}

#[test]
fn markdown_50000_equal_headings_build() {
    let html = builds(&"## Same\n".repeat(50_000));
    assert!(html.contains("id=\"same-49999\""));
}

#[test]
fn a_50_mb_playbook_builds() {
    // Long plain paragraphs: the test binary is not optimised, and Markdown
    // events cost it more than bytes do.
    let para = format!("{}\n\n", "Plain words of an outreach playbook, written out at length. ".repeat(16));
    let mut body = para.repeat(50_000_000 / para.len());
    body.push_str("The last paragraph.\n");
    let html = builds(&body);
    assert!(html.contains("<p>The last paragraph.</p>"));
}

#[test]
fn bytes_that_are_not_utf8_are_named_with_their_position() {
    let t = guide_with("playbooks/bad.md", b"---\ntitle: Ok\n---\nbad \xff\xfe bytes\n");
    fails_at(t.run(&["build"]), "this file is not valid UTF-8 text", "playbooks/bad.md:4:5")
        .stderr_has("help: save the file as UTF-8");
    let t = guide_with("partners/bad.yaml", b"name: \xc3\x28 x\n");
    fails_at(t.run(&["build"]), "this file is not valid UTF-8 text", "partners/bad.yaml:1:7");
    let t = GuideTest::empty();
    t.bytes("site.yaml", b"title: \xff\n");
    fails_at(t.run(&["build"]), "this file is not valid UTF-8 text", "site.yaml:1:8");
}

#[test]
fn empty_files_say_what_they_lack() {
    let t = guide_with("playbooks/empty.md", b"");
    fails_at(t.run(&["build"]), "no front matter", "playbooks/empty.md:1:1")
        .stderr_has("help: start the file with a `---` line");
    let t = guide_with("partners/empty.yaml", b"");
    fails_at(t.run(&["build"]), "missing required key `name`", "partners/empty.yaml:1:1")
        .stderr_has("help: add a line `name: ...`");
    let t = guide_with("pages/empty.md", b"");
    fails_at(t.run(&["build"]), "no front matter", "pages/empty.md:1:1");
    let t = guide_with("playbooks/bare.md", b"---\n---\n");
    fails_at(t.run(&["build"]), "missing required key `title`", "playbooks/bare.md:2:1");
    let t = GuideTest::empty();
    t.file("site.yaml", "");
    fails_at(t.run(&["build"]), "missing required key `title`", "site.yaml:1:1")
        .stderr_has("help: add a line `title: ...`");
    t.file("site.yaml", "# only a comment\n");
    fails_at(t.run(&["build"]), "missing required key `title`", "site.yaml:1:1");
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_left_out_with_a_warning_naming_them() {
    use std::os::unix::fs::symlink;
    let t = guide_with("playbooks/ok.md", &playbook("Fine.\n"));
    symlink("..", t.guide().join("playbooks/loop")).unwrap();
    std::fs::create_dir_all(t.guide().join("partners/sub")).unwrap();
    symlink("../..", t.guide().join("partners/sub/up")).unwrap();
    std::fs::create_dir_all(t.guide().join("static")).unwrap();
    symlink(".", t.guide().join("static/here")).unwrap();
    let run = t.build_ok();
    for link in ["playbooks/loop", "partners/sub/up", "static/here"] {
        let warning = format!("warning: `{link}` is a symbolic link to a folder that holds it (a loop); left out");
        assert!(run.stderr.contains(&warning), "{warning:?} missing:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("help: remove the link, or point it at a folder outside the guide"));
    assert!(t.public().join("playbooks/ok/index.html").is_file());
    assert!(!t.public().join("here").exists());
    // The whole asset folder a link to the folder above the guide.
    std::fs::remove_dir_all(t.guide().join("static")).unwrap();
    symlink("..", t.guide().join("static")).unwrap();
    t.build_ok().stderr_has("warning: `static` is a symbolic link to a folder that holds it (a loop)");
    // A file that links to itself cannot be read: named, exit 2.
    symlink("self.md", t.guide().join("playbooks/self.md")).unwrap();
    t.run(&["build"]).code(2).stderr_has("playbooks/self.md: Too many levels of symbolic links");
}

#[test]
fn file_names_with_spaces_accents_and_leading_dots_build() {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE)
        .bytes("playbooks/with space.md", &playbook("[café](<playbook:café déjà>)\n"))
        .bytes("playbooks/café déjà.md", &playbook("Accents.\n"))
        .bytes("playbooks/日本語.md", &playbook("Kanji.\n"))
        .bytes("playbooks/.hidden.md", b"not a playbook")
        .file("partners/a b.yaml", "name: A B\nplaybooks: [with space]\n")
        .file("partners/ünï.yaml", "name: Uni\nplaybooks: [日本語]\n")
        .file("partners/.dot.yaml", "not: [a partner")
        .file("static/my file é.txt", "asset")
        .file("static/.hidden", "left out");
    t.build_ok();
    for page in ["playbooks/with space", "playbooks/café déjà", "playbooks/日本語", "partners/a b", "partners/ünï"]
    {
        assert!(t.public().join(page).join("index.html").is_file(), "{page} has no page");
    }
    assert_eq!(t.read_output("my file é.txt"), "asset");
    assert!(!t.public().join("playbooks/.hidden").exists());
    assert!(!t.public().join(".hidden").exists());
    let main = t.main_of("playbooks/with space/index.html");
    assert!(main.contains("href=\"/playbooks/caf%C3%A9%20d%C3%A9j%C3%A0/\">café</a>"), "{main}");
    // Links the theme writes are encoded the same way: a URL never carries a raw space.
    let list = t.read_output("playbooks/index.html");
    assert!(list.contains("href=\"/playbooks/with%20space/\""), "{list}");
    assert!(t.read_output("partners/a b/index.html").contains("href=\"/playbooks/with%20space/\""));
    let sitemap = t.read_output("sitemap.xml");
    assert!(sitemap.contains("/partners/a%20b/brief/</loc>") && !sitemap.contains("a b/"), "{sitemap}");
    for page in ["playbooks/index.html", "partners/index.html", "partners/a b/brief/index.html", "index.html"] {
        let html = t.read_output(page);
        assert!(!html.contains("href=\"/playbooks/with space/") && !html.contains("/partners/a b/"), "{page}");
    }
}
