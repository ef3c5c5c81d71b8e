//! `partnerbook init` and `partnerbook new`: the starter guide checks and
//! builds as written, init never writes into a folder that holds files unless
//! told to, new names files by a transliterated slug, fills in what it is
//! given, validates stages and kinds with a did-you-mean, warns about unknown
//! partners, and never overwrites a file.
//!
//! `init` takes no `--today` and `new` finds its guide from the folder it runs
//! in, so most tests run them with `run_in` (exactly the given arguments, from
//! a chosen folder); `run_raw` covers `new --guide DIR --today DATE`.

use crate::support::{GuideTest, assert_same_tree, read_text};

/// A test folder whose `guide/` holds the starter guide.
fn initialised() -> GuideTest {
    let t = GuideTest::empty();
    t.run_in("", &["init", "guide"]).success();
    t
}

/// A file of the guide as text.
fn guide_file(t: &GuideTest, path: &str) -> String {
    read_text(&t.guide().join(path))
}

const STARTER_PLAYBOOKS: [&str; 3] = ["map-your-partners", "when-the-director-does-not-answer", "thank-and-recap"];

#[test]
fn init_into_an_empty_folder_gives_a_guide_that_checks_and_builds() {
    let t = GuideTest::empty();
    let run = t.run_in("", &["init", "guide"]).success();
    assert!(run.stderr.starts_with("wrote a new guide into guide ("), "{}", run.stderr);
    assert!(run.stderr.contains("partnerbook serve --open"), "{}", run.stderr);

    t.run(&["check"]).success().stderr_has("ok: 3 playbooks, 2 partners, 1 pages");
    t.build_ok();
    let home = t.main_of("index.html");
    for slug in STARTER_PLAYBOOKS {
        t.main_of(&format!("playbooks/{slug}/index.html"));
        assert!(home.contains(&format!("playbooks/{slug}/")), "the home page does not link to {slug}:\n{home}");
    }
    for slug in ["campus-it", "research-computing"] {
        t.main_of(&format!("partners/{slug}/index.html"));
    }
    t.main_of("about/index.html");
    let it = t.main_of("partners/campus-it/index.html");
    assert!(it.contains("Sam Rivera") && it.contains("First meeting"), "{it}");
}

#[test]
fn init_writes_settings_gitignore_and_ci_examples() {
    let t = initialised();
    let site = guide_file(&t, "site.yaml");
    for key in [
        "title:",
        "description:",
        "base_url:",
        "institution:",
        "# edit_url:",
        "stale_after_days:",
        "link_cache_days:",
        "skip_links:",
        "theme:",
    ] {
        assert!(site.lines().any(|l| l.starts_with(key)), "site.yaml lacks `{key}`:\n{site}");
    }
    assert!(site.contains("{path}"), "{site}");
    assert!(guide_file(&t, ".gitignore").lines().any(|l| l == "public/"));
    // The answers of `check --external` stay out of the repository.
    assert!(guide_file(&t, ".gitignore").lines().any(|l| l == ".partnerbook/"));
    for ci in [".gitlab-ci.yml", ".github/workflows/check.yml"] {
        let text = guide_file(&t, ci);
        assert!(text.contains("partnerbook check"), "{ci}");
        // The prebuilt program, its checksum checked (see install.rs), not a compile on every run.
        assert!(text.contains("SHA256SUMS") && !text.contains("cargo install"), "{ci}:\n{text}");
        assert!(guide_file(&t, "README.md").contains(&format!("`{ci}`")), "the README does not name {ci}");
    }
    let email = guide_file(&t, "playbooks/when-the-director-does-not-answer.md");
    assert!(email.contains("```email") && email.contains("- [ ] ") && email.contains("(partner:campus-it)"));
}

#[test]
fn init_creates_a_missing_folder() {
    let t = GuideTest::empty();
    t.run_in("", &["init", "guides/outreach"]).success();
    assert!(t.root().join("guides/outreach/site.yaml").is_file());
    t.run_in("guides/outreach", &["check", "--today", "2026-11-29"]).success();
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_force_writes_into_it() {
    let t = GuideTest::empty();
    t.file("notes.txt", "my notes\n");
    let before = t.guide_tree();
    t.run_in("", &["init", "guide"])
        .code(2)
        .stderr_has("error: guide is not empty (it holds `notes.txt`); nothing was written")
        .stderr_has("--force");
    assert_same_tree(&before, &t.guide_tree(), "a refused init");

    t.run_in("", &["init", "guide", "--force"]).success();
    assert_eq!(guide_file(&t, "notes.txt"), "my notes\n");
    t.run(&["check"]).success();
}

#[test]
fn init_refuses_a_file() {
    let t = GuideTest::empty();
    t.file("file.txt", "x");
    t.run_in("guide", &["init", "file.txt"]).code(2).stderr_has("file.txt exists and is not a folder");
}

#[test]
fn new_playbook_slug_is_transliterated_and_the_guide_still_checks() {
    let t = initialised();
    let run = t.run_in("guide", &["new", "playbook", "Café déjà vu: a test!"]).success();
    assert_eq!(run.stderr, "wrote ./playbooks/cafe-deja-vu-a-test.md\n");
    let text = guide_file(&t, "playbooks/cafe-deja-vu-a-test.md");
    assert!(text.contains("\ntitle: \"Café déjà vu: a test!\"\n"), "{text}");
    assert!(text.contains("\n# stage: prepare  # prepare, reach-out, meet, follow-up or sustain\n"), "{text}");
    assert!(text.contains("\n# draft: true"), "{text}");
    t.run(&["check"]).success().stderr_has("ok: 4 playbooks");
}

#[test]
fn new_playbook_fills_in_stage_partners_and_today() {
    let t = initialised();
    let guide = t.guide().display().to_string();
    t.run_raw(&[
        "new",
        "playbook",
        "Ask for a slot at the staff meeting",
        "--stage",
        "reach-out",
        "--partners",
        "campus-it,research-computing",
        "--guide",
        &guide,
    ])
    .success()
    .stderr_has("wrote [ROOT]/guide/playbooks/ask-for-a-slot-at-the-staff-meeting.md");
    let text = guide_file(&t, "playbooks/ask-for-a-slot-at-the-staff-meeting.md");
    assert!(text.contains("\nstage: reach-out  #"), "{text}");
    assert!(text.contains("\npartners: [campus-it, research-computing]  #"), "{text}");
    assert!(text.contains("\nupdated: 2026-11-29  #"), "{text}");
    t.build_ok();
    let page = t.main_of("playbooks/ask-for-a-slot-at-the-staff-meeting/index.html");
    assert!(page.contains("partners/research-computing/"), "{page}");
    let partner = t.main_of("partners/research-computing/index.html");
    assert!(partner.contains("Ask for a slot at the staff meeting"), "{partner}");
}

#[test]
fn unknown_stage_or_kind_fails_with_did_you_mean_and_writes_nothing() {
    let t = initialised();
    let before = t.guide_tree();
    t.run_in("guide", &["new", "playbook", "Typo", "--stage", "meeet"])
        .code(2)
        .stderr_has("error: unknown stage `meeet`")
        .stderr_has("did you mean `meet`");
    t.run_in("guide", &["new", "partner", "Typo", "--kind", "reserch-computing"])
        .code(2)
        .stderr_has("error: unknown kind `reserch-computing`")
        .stderr_has("did you mean `research-computing`");
    assert_same_tree(&before, &t.guide_tree(), "refused new");
}

#[test]
fn new_partner_fills_in_name_and_kind() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: T\n");
    t.run_in("guide", &["new", "partner", "Campus IT", "--kind", "it"])
        .success()
        .stderr_has("wrote ./partners/campus-it.yaml");
    let text = guide_file(&t, "partners/campus-it.yaml");
    assert!(text.contains("\nname: \"Campus IT\"\nkind: it  #"), "{text}");
    for key in ["contacts:", "gatekeeper: true", "next_step:", "action_items:", "meetings:", "notes: |"] {
        assert!(text.contains(key), "{key} is missing:\n{text}");
    }
    t.run(&["check"]).success().stderr_has("ok: 0 playbooks, 1 partners");
}

#[test]
fn new_never_overwrites_and_leaves_the_file_as_it_was() {
    let t = initialised();
    t.run_in("guide", &["new", "playbook", "Run the meeting"]).success();
    t.file("playbooks/run-the-meeting.md", "---\ntitle: Run the meeting\n---\n\nMy own words.\n");
    let before = t.guide_tree();
    t.run_in("guide", &["new", "playbook", "Run the meeting", "--stage", "meet"])
        .code(2)
        .stderr_has("error: ./playbooks/run-the-meeting.md already exists; nothing was written");
    // The starter has `partners/campus-it.yaml`; a `.yml` twin would be a duplicate slug too.
    t.file("partners/graduate-school.yml", "name: Graduate School\n");
    let before_partner = t.guide_tree();
    t.run_in("guide", &["new", "partner", "Campus IT"]).code(2).stderr_has("campus-it.yaml already exists");
    t.run_in("guide", &["new", "partner", "Graduate School"]).code(2).stderr_has("graduate-school.yml already exists");
    assert_same_tree(&before_partner, &t.guide_tree(), "refused new");
    assert_eq!(before["playbooks/run-the-meeting.md"], t.guide_tree()["playbooks/run-the-meeting.md"]);
}

#[test]
fn an_unknown_partner_is_written_with_a_warning() {
    let t = initialised();
    t.run_in("guide", &["new", "playbook", "Typo", "--partners", "campus-itt"])
        .success()
        .stderr_has("warning: the guide has no partner `campus-itt`")
        .stderr_has("did you mean `campus-it`?")
        .stderr_has("wrote ./playbooks/typo.md");
    t.run(&["check"]).failure().stderr_has("campus-itt");
}

#[test]
fn new_outside_a_guide_says_how_to_start_one() {
    let t = GuideTest::empty();
    t.run_in("guide", &["new", "playbook", "Anything"])
        .code(2)
        .stderr_has("is not a guide: it has no site.yaml")
        .stderr_has("partnerbook init");
    assert!(t.guide_tree().is_empty());
}

#[test]
fn from_an_empty_folder_init_new_playbook_new_partner_and_build_give_a_working_site() {
    let t = GuideTest::empty();
    t.run_in("", &["init", "guide"]).success();
    t.run_in("guide", &["new", "partner", "Graduate School", "--kind", "administrative"]).success();
    t.run_in(
        "guide",
        &["new", "playbook", "Brief the graduate school", "--stage", "prepare", "--partners", "graduate-school"],
    )
    .success();
    t.run(&["check"]).success().stderr_has("ok: 4 playbooks, 3 partners, 1 pages");
    t.build_ok();
    let playbook = t.main_of("playbooks/brief-the-graduate-school/index.html");
    assert!(playbook.contains("partners/graduate-school/"), "{playbook}");
    let partner = t.main_of("partners/graduate-school/index.html");
    assert!(partner.contains("Brief the graduate school"), "{partner}");
    let home = t.main_of("index.html");
    assert!(home.contains("playbooks/brief-the-graduate-school/"), "{home}");
}
