//! `/print/`, the whole guide on one page: what it holds and where its links
//! go, from a built guide. The browser tests (`browser/print.rs`) print it.

use crate::support::GuideTest;

/// A guide whose playbooks link to each other's headings, to a partner, and
/// to the web, with a slug in a sub-folder and a draft.
fn guide() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach <Guide>\ninstitution: Example & University\n")
        .file(
            "playbooks/first.md",
            "---\ntitle: First & foremost\nstage: prepare\nsummary: Start here.\n---\n\
             ## Next steps\n\nSee [the ask](playbook:spaces/the-ask#next-steps), [IT](partner:campus-it#contacts) \
             and [the web](https://example.edu/help).\n",
        )
        .file(
            "playbooks/spaces/the-ask.md",
            "---\ntitle: The ask\nstage: meet\n---\n## Next steps\n\nBack to [first](playbook:first).\n",
        )
        .file("playbooks/later.md", "---\ntitle: A later idea\nstage: prepare\ndraft: true\n---\nText.\n")
        .file(
            "partners/campus-it.yaml",
            "name: Campus IT\nkind: it\nstatus: active\ncontacts:\n  - name: Ana Ruiz\n    email: ana@example.edu\n",
        );
    t
}

#[test]
fn the_print_page_holds_every_published_playbook_by_stage_then_the_partners() {
    let t = guide();
    t.build_ok();
    let main = t.main_of("print/index.html");
    // The cover, escaped.
    assert!(main.contains("<h1>Outreach &lt;Guide&gt;</h1>"), "{main}");
    assert!(main.contains("Example &amp; University"), "{main}");
    assert!(main.contains("<time datetime=\"2026-11-29\">2026-11-29</time>"), "{main}");
    // Stages in order, playbooks under them, then the partners; no draft.
    let at = |needle: &str| main.find(needle).unwrap_or_else(|| panic!("no {needle} in {main}"));
    assert!(at("id=\"stage-prepare\"") < at("First &amp; foremost</h3>"));
    assert!(at("First &amp; foremost</h3>") < at("id=\"stage-meet\""));
    assert!(at("id=\"stage-meet\"") < at("The ask</h3>"));
    assert!(at("The ask</h3>") < at("id=\"print-partners\""));
    assert!(at("id=\"print-partners\"") < at("Campus IT</h3>"));
    assert!(!main.contains("A later idea"), "a draft is left out: {main}");
    // The contents list each playbook's place on the page.
    assert!(main.contains("<a href=\"#playbook-first\">First &amp; foremost</a>"), "{main}");
    assert!(main.contains("<a href=\"#playbook-spaces-the-ask\">The ask</a>"), "{main}");
    // Each playbook's headings have ids of their own, and links go inside the page.
    assert!(main.contains("<h4 id=\"playbook-first--next-steps\">"), "{main}");
    assert!(main.contains("<h4 id=\"playbook-spaces-the-ask--next-steps\">"), "{main}");
    assert!(main.contains("href=\"#playbook-spaces-the-ask--next-steps\""), "{main}");
    assert!(main.contains("href=\"#partner-campus-it\""), "{main}");
    assert!(main.contains("href=\"#playbook-first\""), "{main}");
    assert!(main.contains("href=\"https://example.edu/help\""), "{main}");
    assert!(!main.contains("href=\"/playbooks/") && !main.contains("href=\"/partners/"), "{main}");
    assert!(main.contains("<a href=\"mailto:ana@example.edu\">ana@example.edu</a>"), "{main}");
    // Every page links to it from the footer.
    assert!(t.read_output("index.html").contains("<a href=\"/print/\">The whole guide in print</a>"));
}

#[test]
fn with_drafts_the_print_page_holds_them_too() {
    let t = guide();
    t.run(&["build", "--drafts"]).success();
    assert!(t.main_of("print/index.html").contains("A later idea</h3>"));
}

#[test]
fn a_free_page_may_not_take_the_print_page_s_place() {
    let t = guide();
    t.file("pages/print.md", "---\ntitle: Print\n---\nText.\n");
    t.run(&["build"]).failure().stderr_has("pages/print.md");
}
