//! One test per kind of broken input. Each fixture under `check/<case>/` is a
//! tiny guide with exactly one mistake. Every test asserts that `check` and
//! `build` both exit with the right code and name `path:line:col` and a hint,
//! and that a failed build leaves the previous output folder byte for byte as
//! it was (the fixture is first fixed and built, then broken again).

use crate::support::{GuideTest, assert_same_tree, tree};

/// Runs `check` and `build` on the broken fixture `check/<case>` and returns
/// the stderr of `check`. `fix` turns the guide into a good one, which is built
/// first so that the failed build has an output folder to leave alone.
#[track_caller]
fn rejected(case: &str, code: i32, expected: &[&str], fix: impl Fn(&GuideTest)) -> String {
    let t = GuideTest::from_dir(&format!("check/{case}"));
    let broken = t.guide_tree();

    let check = t.run(&["check"]).code(code);
    for e in expected {
        assert!(check.stderr.contains(e), "check: stderr lacks {e:?}:\n{}", check.stderr);
    }
    if code == 1 {
        assert!(check.stderr.trim_end().ends_with("nothing was written"), "{}", check.stderr);
    }
    assert!(!t.public().exists(), "check wrote an output folder");

    // A good build first, then the broken guide again.
    fix(&t);
    t.build_ok();
    let good = tree(&t.public());
    assert!(good.contains_key("index.html"), "the fixed guide built no index.html");
    t.restore_guide(&broken);

    let build = t.run(&["build"]).code(code);
    assert_eq!(build.stderr, check.stderr, "build and check report the same problems");
    assert_same_tree(&good, &tree(&t.public()), "the failed build changed the previous output");
    let left: Vec<String> =
        std::fs::read_dir(t.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["guide", "public"], "a failed build leaves no temporary folders behind");
    check.stderr
}

#[test]
fn yaml_syntax_error_points_at_the_bad_line() {
    let stderr = rejected("yaml_syntax_error", 1, &["error: invalid YAML", "help: "], |t| {
        t.file("partners/campus-it.yaml", "name: Campus IT\nsummary: \"Runs: the network\"\nkind: it\n");
    });
    // The colon in `Runs: the network` on line 2 is what YAML rejects; the
    // error must point into that line, not at the top of the file.
    assert!(stderr.contains(" --> partners/campus-it.yaml:2:"), "{stderr}");
    assert!(stderr.contains("quote a value that contains `: `"), "{stderr}");
}

#[test]
fn unknown_key_suggests_the_closest_key() {
    let stderr =
        rejected("unknown_key", 1, &["playbooks/run-the-meeting.md:3:1", "help: did you mean `summary`?"], |t| {
            t.file(
                "playbooks/run-the-meeting.md",
                "---\ntitle: Run the meeting\nsummary: Keep it short.\n---\n\nBody.\n",
            );
        });
    insta::assert_snapshot!(stderr, @r"
    error: unknown key `sumary`
     --> playbooks/run-the-meeting.md:3:1
      |
    3 | sumary: Keep it short.
      | ^^^^^^
      |
    help: did you mean `summary`?

    1 error, 0 warnings; nothing was written
    ");
}

#[test]
fn bad_stage_names_the_value_and_the_closest_stage() {
    rejected(
        "bad_stage",
        1,
        &["unknown value `meeet`", "playbooks/run-the-meeting.md:3:8", "help: did you mean `meet`?"],
        |t| {
            t.file("playbooks/run-the-meeting.md", "---\ntitle: Run the meeting\nstage: meet\n---\n\nBody.\n");
        },
    );
}

#[test]
fn bad_kind_names_the_value_and_the_closest_kind() {
    let stderr = rejected(
        "bad_kind",
        1,
        &["unknown value `itt`", "partners/campus-it.yaml:2:7", "help: did you mean `it`?"],
        |t| {
            t.file("partners/campus-it.yaml", "name: Campus IT\nkind: it\n");
        },
    );
    insta::assert_snapshot!(stderr, @r"
    error: unknown value `itt`
     --> partners/campus-it.yaml:2:7
      |
    2 | kind: itt
      |       ^^^
      |
    help: did you mean `it`?

    1 error, 0 warnings; nothing was written
    ");
}

#[test]
fn bad_status_names_the_value_and_the_closest_status() {
    rejected(
        "bad_status",
        1,
        &["unknown value `activ`", "partners/campus-it.yaml:3:9", "help: did you mean `active`?"],
        |t| {
            t.file("partners/campus-it.yaml", "name: Campus IT\nkind: it\nstatus: active\n");
        },
    );
}

#[test]
fn impossible_date_is_not_in_the_calendar() {
    let stderr = rejected(
        "impossible_date",
        1,
        &["`2026-02-30` is not a date in the calendar", "playbooks/run-the-meeting.md:3:10", "expected YYYY-MM-DD"],
        |t| {
            t.file("playbooks/run-the-meeting.md", "---\ntitle: Run the meeting\nupdated: 2026-02-28\n---\n\nBody.\n");
        },
    );
    assert!(
        stderr.contains("3 | updated: 2026-02-30\n  |          ^^^^^^^^^^"),
        "the whole date is underlined:\n{stderr}"
    );
}

#[test]
fn missing_title_points_at_the_front_matter() {
    let stderr =
        rejected("missing_title", 1, &["missing required key `title`", "help: add a line `title: ...`"], |t| {
            t.file(
                "playbooks/run-the-meeting.md",
                "---\ntitle: Run the meeting\nsummary: Keep it short.\nstage: meet\n---\n\nBody.\n",
            );
        });
    // The mistake is in the front matter as a whole: the error points at its
    // start (the `---` line or the first key), not at whichever key came last.
    assert!(
        stderr.contains(" --> playbooks/run-the-meeting.md:1:1")
            || stderr.contains(" --> playbooks/run-the-meeting.md:2:1"),
        "{stderr}"
    );
}

#[test]
fn dangling_partner_ref_points_at_line_and_column() {
    let stderr = rejected(
        "dangling_partner",
        1,
        &["playbooks/run-the-meeting.md:3:12", "help: did you mean `campus-it`?"],
        |t| {
            t.file(
                "playbooks/run-the-meeting.md",
                "---\ntitle: Run the meeting\npartners: [campus-it]\n---\n\nBody.\n",
            );
        },
    );
    insta::assert_snapshot!(stderr, @r"
    error: unknown partner `campus-itt`
     --> playbooks/run-the-meeting.md:3:12
      |
    3 | partners: [campus-itt]
      |            ^^^^^^^^^^
      |
    help: did you mean `campus-it`?

    1 error, 0 warnings; nothing was written
    ");
}

#[test]
fn dangling_playbook_in_partner_profile_points_at_the_list_item() {
    rejected(
        "dangling_playbook_in_partner",
        1,
        &["unknown playbook `run-the-meetin`", "partners/campus-it.yaml:4:5", "help: did you mean `run-the-meeting`?"],
        |t| {
            t.file("partners/campus-it.yaml", "name: Campus IT\nkind: it\nplaybooks:\n  - run-the-meeting\n");
        },
    );
}

#[test]
fn dangling_partner_link_in_body_points_at_the_link() {
    rejected(
        "dangling_partner_link",
        1,
        &["unknown partner `campus-itt`", "playbooks/run-the-meeting.md:5:10", "help: did you mean `campus-it`?"],
        |t| {
            t.file(
                "playbooks/run-the-meeting.md",
                "---\ntitle: Run the meeting\n---\n\nWrite to [Campus IT](partner:campus-it) first.\n",
            );
        },
    );
}

#[test]
fn dangling_playbook_link_in_body_points_at_the_link() {
    rejected(
        "dangling_playbook_link",
        1,
        &["unknown playbook `run-the-meetin`", "playbooks/follow-up.md:5:7", "help: did you mean `run-the-meeting`?"],
        |t| {
            t.file(
                "playbooks/follow-up.md",
                "---\ntitle: Follow up\n---\n\nAs in [Run the meeting](playbook:run-the-meeting), recap.\n",
            );
        },
    );
}

#[test]
fn missing_anchor_lists_the_headings_that_exist() {
    let stderr = rejected(
        "missing_anchor",
        1,
        &[
            "playbook `run-the-meeting` has no heading with id `nope`",
            "playbooks/follow-up.md:7:12",
            "help: ",
            "send-the-agenda",
        ],
        |t| {
            t.file(
                "playbooks/follow-up.md",
                "---\ntitle: Follow up\n---\n\nRecap what [the agenda](playbook:run-the-meeting#send-the-agenda) promised.\n",
            );
        },
    );
    insta::assert_snapshot!(stderr, @r"
    error: playbook `run-the-meeting` has no heading with id `nope`
     --> playbooks/follow-up.md:7:12
      |
    7 | Recap what [the agenda](playbook:run-the-meeting#nope) promised.
      |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      |
    help: the heading ids of `run-the-meeting` are: send-the-agenda

    1 error, 0 warnings; nothing was written
    ");
}

#[test]
fn non_utf8_file_points_at_the_first_bad_byte() {
    // The fixture's body says "Caf\xE9": é saved as Latin-1.
    rejected(
        "non_utf8",
        1,
        &["this file is not valid UTF-8 text", "playbooks/run-the-meeting.md:5:4", "help: save the file as UTF-8"],
        |t| {
            t.file("playbooks/run-the-meeting.md", "---\ntitle: Run the meeting\n---\n\nCafé and cake.\n");
        },
    );
}

#[test]
fn missing_site_yaml_is_an_environment_error() {
    let stderr = rejected("missing_site_yaml", 2, &["has no site.yaml", "help: give the guide folder"], |t| {
        t.file("site.yaml", "title: Check fixture\n");
    });
    insta::assert_snapshot!(stderr, @r"
    error: [ROOT]/guide is not a guide: it has no site.yaml
    help: give the guide folder, e.g. `partnerbook build content`
    ");
}

#[test]
fn duplicate_partner_slug_names_the_second_file() {
    let stderr = rejected(
        "duplicate_partner_slug",
        1,
        &["two partner files have the slug `campus-it`", "partners/campus-it.yml:1:1", "help: keep one of"],
        |t| {
            t.remove("partners/campus-it.yml");
        },
    );
    assert_eq!(stderr.matches("error:").count(), 1, "the clash is reported once:\n{stderr}");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let t = GuideTest::from_dir("check/dangling_partner");
    t.file("partners/research.yaml", "name: Research computing\nkind: researchcomputing\n");
    let run = t.run(&["check"]).failure();
    assert!(run.stderr.contains("playbooks/run-the-meeting.md:3:12"), "{}", run.stderr);
    assert!(run.stderr.contains("partners/research.yaml:2:7"), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with("2 errors, 0 warnings; nothing was written"), "{}", run.stderr);
}

/// A playbook that goes from its title straight to `###` is built (a warning,
/// not an error), `check` names the heading's line and column with a hint, and
/// the page draws it as an h2 so that its outline has no gap.
#[test]
fn a_skipped_heading_level_is_a_warning_with_its_position() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Outreach\n").file(
        "playbooks/send-the-agenda.md",
        "---\ntitle: Send the agenda\nsummary: Two days ahead.\nstage: meet\n---\n\nIntro.\n\n### Why it works\n\n## What to send\n",
    );
    let run = t.run(&["check"]).success();
    assert!(run.stderr.contains("warning: heading `### Why it works` skips from level 1 to level 3"), "{}", run.stderr);
    assert!(run.stderr.contains(" --> playbooks/send-the-agenda.md:9:1"), "{}", run.stderr);
    assert!(run.stderr.contains("help: use ## here"), "{}", run.stderr);
    let json = t.run(&["check", "--format", "json"]).success();
    assert!(json.stdout.contains("\"heading-skip\""), "{}", json.stdout);

    t.build_ok();
    let page = t.main_of("playbooks/send-the-agenda/index.html");
    assert!(page.contains("<h2 id=\"why-it-works\">"), "{page}");
    assert!(!page.contains("<h3"), "{page}");
}
