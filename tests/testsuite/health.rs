//! Keeping a guide healthy: playbooks due for review (`reviewed`,
//! `review_every_days`, the `review-due` warning and the home page's
//! "Playbooks to review"). Today is 2026-11-29 (see `support`).

use crate::ci::{git, git_available};
use crate::support::GuideTest;

/// A playbook with `extra` front matter lines.
fn playbook(title: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\nsummary: S.\nstage: meet\n{extra}---\n\nBody.\n")
}

/// The "Playbooks to review" list of the home page.
fn review_list(t: &GuideTest) -> String {
    let home = t.main_of("index.html");
    let block = home.split("Playbooks to review").nth(1).unwrap_or_else(|| panic!("no review list:\n{home}"));
    block.split("</div>").next().unwrap().to_string()
}

#[test]
fn playbooks_not_reviewed_within_the_interval_are_warned_and_listed_oldest_first() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach\nreview_every_days: 100\n")
        // Reviewed 101 days before today: due, at its `reviewed`.
        .file("playbooks/reviewed-long-ago.md", &playbook("Reviewed long ago", "reviewed: 2026-08-20\n"))
        // Exactly 100 days: not yet due.
        .file("playbooks/reviewed-on-the-edge.md", &playbook("Reviewed on the edge", "reviewed: 2026-08-21\n"))
        // No `reviewed`: `updated` counts, and it is the oldest.
        .file("playbooks/only-updated.md", &playbook("Only updated", "updated: 2025-01-10\n"))
        // A recent review beats an old update.
        .file(
            "playbooks/updated-old-reviewed-now.md",
            &playbook("Updated old, reviewed now", "updated: 2020-01-01\nreviewed: 2026-11-01\n"),
        )
        // No date at all (and no git): nothing to count from.
        .file("playbooks/undated.md", &playbook("Undated", ""));
    let run = t.run(&["check"]).success();
    let e = &run.stderr;
    assert!(
        e.contains("warning: the playbook `reviewed-long-ago` was reviewed on 2026-08-20 (101 days ago, more than review_every_days, 100)"),
        "{e}"
    );
    assert!(e.contains(" --> playbooks/reviewed-long-ago.md:5:11"), "at the value of `reviewed`:\n{e}");
    assert!(e.contains("help: read it through, fix what no longer holds, then set `reviewed: 2026-11-29`"), "{e}");
    assert!(e.contains("the playbook `only-updated` was last updated on 2025-01-10 (688 days ago"), "{e}");
    assert!(e.contains(" --> playbooks/only-updated.md:5:10"), "at the value of `updated`:\n{e}");
    for quiet in ["reviewed-on-the-edge", "updated-old-reviewed-now", "`undated`"] {
        assert!(!e.lines().any(|l| l.contains(quiet) && l.contains("was ")), "{quiet} is not due:\n{e}");
    }
    assert_eq!(e.matches("review_every_days").count(), 2, "{e}");
    let json = t.run(&["check", "--format", "json"]).success();
    assert_eq!(json.stdout.matches("\"review-due\"").count(), 2, "{}", json.stdout);

    t.build_ok();
    let list = review_list(&t);
    assert!(list.contains("<span class=\"count\">(2)</span>"), "{list}");
    let (old, newer) = (list.find("Only updated").unwrap(), list.find("Reviewed long ago").unwrap());
    assert!(old < newer, "oldest first:\n{list}");
    assert!(list.contains("Updated <time datetime=\"2025-01-10\">2025-01-10</time>, 688 days ago"), "{list}");
    assert!(list.contains("Reviewed <time datetime=\"2026-08-20\">"), "{list}");
    assert!(!list.contains("edge") && !list.contains("Undated") && !list.contains("reviewed now"), "{list}");
    let page = t.main_of("playbooks/updated-old-reviewed-now/index.html");
    assert!(page.contains("<dt>Reviewed</dt><dd><time datetime=\"2026-11-01\">2026-11-01</time>"), "{page}");
}

#[test]
fn the_review_list_is_bounded_and_the_interval_defaults_to_a_year() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach\n");
    // 12 playbooks reviewed more than a year ago, one a day apart; one within the year.
    for day in 1..=12 {
        let extra = format!("reviewed: 2025-01-{day:02}\n");
        t.file(&format!("playbooks/p{day:02}.md"), &playbook(&format!("Playbook {day:02}"), &extra));
    }
    t.file("playbooks/recent.md", &playbook("Recent", "reviewed: 2025-11-30\n"));
    let run = t.run(&["check"]).success();
    assert_eq!(run.stderr.matches("more than review_every_days, 365").count(), 12, "{}", run.stderr);
    t.build_ok();
    let list = review_list(&t);
    assert!(list.contains("<span class=\"count\">(12)</span>"), "{list}");
    assert_eq!(list.matches("<li").count(), 10, "the 10 oldest:\n{list}");
    assert!(list.contains("Playbook 01") && list.contains("Playbook 10") && !list.contains("Playbook 11"), "{list}");
    assert!(list.contains("The 10 reviewed longest ago are listed"), "{list}");
    assert!(!list.contains("Recent"), "{list}");
}

#[test]
fn without_reviewed_or_updated_the_git_date_counts_at_the_title() {
    assert!(git_available(), "git is needed: the playbook is dated by its commit");
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach\nreview_every_days: 30\n")
        .file("playbooks/from-git.md", &playbook("From git", ""));
    git(&t, "2026-09-01T12:00:00+00:00", &["init", "-q"]);
    git(&t, "2026-09-01T12:00:00+00:00", &["add", "guide"]);
    git(&t, "2026-09-01T12:00:00+00:00", &["commit", "-q", "-m", "first"]);
    let run = t.run(&["check"]).success();
    assert!(
        run.stderr.contains("the playbook `from-git` was last updated on 2026-09-01 (89 days ago"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(" --> playbooks/from-git.md:2:1"), "at the title:\n{}", run.stderr);
}

// ---------------------------------------------------------- private notes

/// The phrases only private notes hold: the partner's and a meeting's.
const SECRET: &str = "Quillfeather budget dispute";
const MEETING_SECRET: &str = "Marlowe prefers phone";

/// A guide whose partner and one of its meetings carry private notes, with a
/// link and emphasis so that they are rendered as Markdown.
fn guide_with_private_notes() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach\n")
        .file("playbooks/meet.md", &playbook("Meet", "partners: [campus-it]\n"))
        .file(
            "partners/campus-it.yaml",
            &format!(
                "name: Campus IT\nsummary: Runs the network.\nkind: it\nnotes: Public notes.\n\
                 private_notes: |\n  The **{SECRET}** is not settled; see [the meeting](playbook:meet).\n\
                 meetings:\n  - date: 2026-10-01\n    title: Kick-off\n    notes: Public meeting notes.\n    \
                 private_notes: \"{MEETING_SECRET} calls.\"\n    action_items:\n      - task: Send the outline\n        due: 2026-12-20\n"
            ),
        );
    t
}

/// Every file under `dir` (relative path) whose bytes contain `needle`.
fn files_holding(dir: &std::path::Path, needle: &str) -> Vec<String> {
    crate::support::tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn private_notes_are_in_no_file_of_a_default_build_and_on_the_page_with_include_private() {
    let t = guide_with_private_notes();
    t.build_ok();
    let public = t.public();
    assert!(public.join("partners/campus-it/index.html").is_file() && public.join("partners.json").is_file());
    for needle in [SECRET, MEETING_SECRET, "Quillfeather", "Private notes"] {
        assert_eq!(files_holding(&public, needle), Vec::<String>::new(), "{needle:?} leaked into the default build");
    }
    let page = t.main_of("partners/campus-it/index.html");
    assert!(page.contains("Public notes.") && page.contains("Public meeting notes."), "{page}");

    t.run(&["build", "-o", "intranet", "--include-private"]).success();
    let intranet = t.root().join("intranet");
    let page = crate::support::read_text(&intranet.join("partners/campus-it/index.html"));
    let section = page.split("id=\"private-notes\"").nth(1).expect("a private notes section");
    assert!(section.contains("Private notes <span class=\"private-mark\">(staff only, not published)</span>"));
    assert!(section.contains(&format!("The <strong>{SECRET}</strong> is not settled")), "{section}");
    assert!(section.contains("href=\"/playbooks/meet/\""), "links in private notes resolve:\n{section}");
    let meeting = page.split("Public meeting notes.").nth(1).unwrap().split("</li>").next().unwrap();
    assert!(meeting.contains(&format!("{MEETING_SECRET} calls.")) && meeting.contains("Private notes"), "{meeting}");
    // Only the partner's own page shows them: never the feeds, the index or the brief.
    assert_eq!(files_holding(&intranet, SECRET), ["partners/campus-it/index.html"]);
    assert_eq!(files_holding(&intranet, MEETING_SECRET), ["partners/campus-it/index.html"]);
}

#[test]
fn a_broken_link_in_private_notes_is_reported_by_check_whether_or_not_they_are_published() {
    let t = guide_with_private_notes();
    let yaml = crate::support::read_text(&t.guide().join("partners/campus-it.yaml"));
    t.file("partners/campus-it.yaml", &yaml.replace("playbook:meet", "playbook:mete"));
    let run = t.run(&["check"]).failure();
    assert!(run.stderr.contains("partners/campus-it.yaml:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `meet`"), "{}", run.stderr);
}

#[test]
fn serve_shows_private_notes_and_keeps_them_after_an_edit() {
    let t = guide_with_private_notes();
    let s = crate::serve::Server::start(&t, &[]);
    let page = s.get("/partners/campus-it/").text();
    assert!(page.contains(SECRET) && page.contains(MEETING_SECRET), "{page}");
    let yaml = crate::support::read_text(&t.guide().join("partners/campus-it.yaml"));
    t.save("partners/campus-it.yaml", &yaml.replace(SECRET, "Ravensworth budget dispute"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let page = s.get("/partners/campus-it/").text();
        if page.contains("Ravensworth budget dispute") {
            assert!(!page.contains(SECRET) && page.contains(MEETING_SECRET), "{page}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the edit never reached the page:\n{page}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
