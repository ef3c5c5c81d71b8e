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
    if !git_available() {
        eprintln!("skipped: git is not installed");
        return;
    }
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
