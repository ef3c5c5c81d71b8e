//! What a guide's own CI and its editors rely on: the warnings of `check`
//! (each kind, with its code), `--deny-warnings`, `--format json` read back
//! into a typed struct, "last updated" dates from git history, themes beside
//! the guide, and drafts (in `serve` by default, elsewhere only with `--drafts`).

use std::path::Path;
use std::process::Command;

use clap::Parser;
use partnerbook::cli::{Cli, Command as Cmd};
use serde::Deserialize;

use crate::support::{GuideTest, TODAY, read_text};

/// One line of `check --format json`, as a CI script would read it.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct JsonDiag {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    severity: String,
    code: Option<String>,
    message: String,
    hint: Option<String>,
}

/// Every line of stdout parsed; a line that is not one JSON object fails the test.
#[track_caller]
fn json_lines(stdout: &str) -> Vec<JsonDiag> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON diagnostic ({e}): {l:?}\n{stdout}")))
        .collect()
}

const SITE: &str = "title: CI fixture\nstale_after_days: 60\n";

const PLAYBOOK: &str = "---
title: Run the meeting
summary: Keep the first meeting short and concrete.
stage: meet
partners: [campus-it]
---

Ask [the help desk](https://help.example.edu/desk) for a room first.
";

const PARTNER: &str = "name: Campus IT
kind: it
summary: Runs the network and the help desk.
status: active
last_contact: 2026-11-01
contacts:
  - name: Ana Ruiz
    email: ana.ruiz@example.edu
next_step:
  action: Send the agenda
  due: 2026-12-10
action_items:
  - task: Book a room
    due: 2026-12-01
  - task: Old task
    due: 2026-01-01
    done: true
";

const PLAYBOOK_PATH: &str = "playbooks/run-the-meeting.md";
const PARTNER_PATH: &str = "partners/campus-it.yaml";

/// A guide without a single warning (today is 2026-11-29).
fn clean_guide() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE).file(PLAYBOOK_PATH, PLAYBOOK).file(PARTNER_PATH, PARTNER);
    t
}

#[test]
fn a_clean_guide_has_no_warnings_and_passes_with_deny_warnings() {
    let t = clean_guide();
    t.run(&["check", "--deny-warnings"]).success().stderr_has("; 0 warnings");
    let run = t.run(&["check", "--format", "json", "--deny-warnings"]).success();
    assert_eq!(run.stdout, "", "no diagnostics, no output");
}

#[test]
fn each_warning_kind_has_its_code_and_place_and_fails_only_when_denied() {
    // (code, file edited, text replaced, by, where the warning points, words of the message)
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "stale-partner",
            PARTNER_PATH,
            "last_contact: 2026-11-01",
            "last_contact: 2026-08-01",
            "partners/campus-it.yaml:5:15",
            "for 120 days",
        ),
        (
            "overdue-item",
            PARTNER_PATH,
            "due: 2026-12-10",
            "due: 2026-11-20",
            "partners/campus-it.yaml:11:8",
            "the next step `Send the agenda`",
        ),
        (
            "overdue-item",
            PARTNER_PATH,
            "due: 2026-12-01",
            "due: 2026-11-28",
            "partners/campus-it.yaml:14:10",
            "the action item `Book a room`",
        ),
        ("no-stage", PLAYBOOK_PATH, "stage: meet\n", "", "playbooks/run-the-meeting.md:2:1", "has no stage"),
        (
            "unmentioned-partner",
            PLAYBOOK_PATH,
            "partners: [campus-it]\n",
            "",
            "partners/campus-it.yaml:1:1",
            "no playbook mentions",
        ),
        (
            "empty-summary",
            PLAYBOOK_PATH,
            "Keep the first meeting short and concrete.",
            "\"\"",
            "playbooks/run-the-meeting.md:3:1",
            "has no summary",
        ),
        (
            "empty-summary",
            PARTNER_PATH,
            "summary: Runs the network and the help desk.\n",
            "",
            "partners/campus-it.yaml:1:1",
            "has no summary",
        ),
        (
            "bad-url",
            PLAYBOOK_PATH,
            "(https://help.example.edu/desk)",
            "(https:///desk)",
            "playbooks/run-the-meeting.md:8:5",
            "has no host",
        ),
        (
            "bad-url",
            PLAYBOOK_PATH,
            "(https://help.example.edu/desk)",
            "(<https://help.example.edu/front desk>)",
            "playbooks/run-the-meeting.md:8:5",
            "white space",
        ),
        (
            "bad-email",
            PARTNER_PATH,
            "ana.ruiz@example.edu",
            "ana.ruiz(at)example.edu",
            "partners/campus-it.yaml:8:12",
            "not a plain e-mail",
        ),
    ];
    for &(code, path, from, to, at, words) in cases {
        let t = clean_guide();
        let text = read_text(&t.guide().join(path));
        assert!(text.contains(from), "{code}: the fixture has no {from:?}");
        t.file(path, &text.replacen(from, to, 1));

        let run = t.run(&["check"]).success();
        assert!(run.stderr.contains("warning: "), "{code}: {}", run.stderr);
        assert!(run.stderr.contains(words), "{code}: the message lacks {words:?}:\n{}", run.stderr);
        assert!(run.stderr.contains(&format!(" --> {at}\n")), "{code}: not at {at}:\n{}", run.stderr);
        assert!(run.stderr.contains("; 1 warning\n"), "{code}: exactly one warning:\n{}", run.stderr);

        t.run(&["check", "--deny-warnings"]).failure().stderr_has("error: 1 warning and --deny-warnings");
        let json = t.run(&["check", "--format", "json", "--deny-warnings"]).failure();
        let diags = json_lines(&json.stdout);
        assert_eq!(diags.len(), 1, "{code}: {diags:?}");
        let d = &diags[0];
        assert_eq!(d.code.as_deref(), Some(code));
        assert_eq!(d.severity, "warning");
        let place = format!("{}:{}:{}", d.file.as_deref().unwrap_or("?"), d.line.unwrap_or(0), d.column.unwrap_or(0));
        assert_eq!(place, at, "{code}");
        assert!(d.hint.is_some(), "{code}: every warning says how to fix it");

        // build prints the warning and still succeeds.
        t.run(&["build"]).success().stderr_has(words);
    }
}

#[test]
fn json_lines_round_trip_with_positions_hints_and_the_text_order() {
    let t = clean_guide();
    t.file(
        "playbooks/run-the-meeting.md",
        &PLAYBOOK.replace("[campus-it]", "[campus-itt]").replace("stage: meet\n", ""),
    );
    t.file("partners/campus-it.yaml", &PARTNER.replace("2026-11-01", "2026-01-05"));

    let text = t.run(&["check"]).failure();
    let run = t.run(&["check", "--format", "json"]).failure();
    assert_eq!(run.stderr, "1 error, 3 warnings\n", "only the summary goes to stderr");
    let diags = json_lines(&run.stdout);

    // The error, read back field by field.
    let error = diags.iter().find(|d| d.severity == "error").expect("the unknown partner");
    assert_eq!(
        error,
        &JsonDiag {
            file: Some("playbooks/run-the-meeting.md".into()),
            line: Some(4),
            column: Some(12),
            end_line: Some(4),
            end_column: Some(22),
            severity: "error".into(),
            code: Some("unknown-partner".into()),
            message: "unknown partner `campus-itt`".into(),
            hint: Some("did you mean `campus-it`?".into()),
        }
    );
    let codes: Vec<&str> = diags.iter().filter_map(|d| d.code.as_deref()).collect();
    assert_eq!(codes, ["unmentioned-partner", "stale-partner", "no-stage", "unknown-partner"]);

    // Sorted like the text output: the same places in the same order.
    let places: Vec<String> = diags
        .iter()
        .map(|d| format!("{}:{}:{}", d.file.as_deref().unwrap(), d.line.unwrap(), d.column.unwrap()))
        .collect();
    let text_places: Vec<String> =
        text.stderr.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::to_string).collect();
    assert_eq!(places, text_places);
}

#[test]
fn json_reports_yaml_errors_with_their_codes() {
    let t = clean_guide();
    t.file("playbooks/run-the-meeting.md", &PLAYBOOK.replace("summary:", "sumary:"));
    t.file("partners/campus-it.yaml", &PARTNER.replace("last_contact: 2026-11-01", "last_contact: 2026-02-30"));
    let run = t.run(&["check", "--format", "json"]).failure();
    let diags = json_lines(&run.stdout);
    let codes: Vec<(&str, Option<usize>)> = diags.iter().map(|d| (d.code.as_deref().unwrap_or("-"), d.line)).collect();
    assert_eq!(codes, [("bad-date", Some(5)), ("unknown-key", Some(3))], "{diags:?}");
    assert_eq!(diags[1].hint.as_deref(), Some("did you mean `summary`?"));
}

#[test]
fn an_environment_error_prints_nothing_on_stdout_in_json_mode() {
    let t = GuideTest::empty();
    let run = t.run(&["check", "--format", "json"]).code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("is not a guide"), "{}", run.stderr);
}

// ------------------------------------------------------------ git dates

/// Runs git in `[ROOT]` on the repository `[ROOT]/.git` only, with no user or
/// system configuration, at a fixed date.
pub(crate) fn git(t: &GuideTest, date: &str, args: &[&str]) {
    let root = t.root();
    let status = Command::new("git")
        .args(["-c", "user.name=Partnerbook Test", "-c", "user.email=test@example.edu", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(root)
        .env("GIT_DIR", root.join(".git"))
        .env("GIT_WORK_TREE", root)
        .env("GIT_CEILING_DIRECTORIES", t.git_ceiling())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

pub(crate) fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn last_updated_comes_from_front_matter_else_from_the_last_commit() {
    assert!(git_available(), "git is needed for this test");
    // The repository is [ROOT]; the guide is its sub-folder `guide/`, so git's
    // paths (`guide/playbooks/...`) must be made relative to the guide.
    let t = clean_guide();
    t.file("playbooks/dated.md", "---\ntitle: Dated\nsummary: S.\nstage: meet\nupdated: 2025-12-24\n---\n\nBody.\n");
    git(&t, "2026-03-01T12:00:00+00:00", &["init", "-q"]);
    git(&t, "2026-03-01T12:00:00+00:00", &["add", "guide"]);
    git(&t, "2026-03-01T12:00:00+00:00", &["commit", "-q", "-m", "first"]);
    t.file("playbooks/run-the-meeting.md", &PLAYBOOK.replace("first.", "first, a week ahead."));
    t.file(
        "playbooks/dated.md",
        "---\ntitle: Dated\nsummary: S.\nstage: meet\nupdated: 2025-12-24\n---\n\nNew body.\n",
    );
    git(&t, "2026-06-15T23:30:00-04:00", &["commit", "-q", "-a", "-m", "second"]);
    // Not committed yet: no date.
    t.file("playbooks/fresh.md", "---\ntitle: Fresh\nsummary: S.\nstage: meet\n---\n\nBody.\n");

    t.build_ok();
    let shown = |page: &str| -> Option<String> {
        let main = t.main_of(page);
        let at = main.find("<dt>Last updated</dt>")?;
        let rest = &main[at..];
        let start = rest.find("datetime=\"")? + "datetime=\"".len();
        Some(rest[start..start + 10].to_string())
    };
    // The committer's own date, as the commit records it (23:30 at -04:00 is still the 15th there).
    assert_eq!(shown("playbooks/run-the-meeting/index.html").as_deref(), Some("2026-06-15"));
    assert_eq!(shown("playbooks/dated/index.html").as_deref(), Some("2025-12-24"), "front matter wins");
    assert_eq!(shown("playbooks/fresh/index.html"), None, "an uncommitted file has no date");
    assert_eq!(shown("partners/campus-it/index.html").as_deref(), Some("2026-03-01"));

    let sitemap = t.read_output("sitemap.xml");
    let lastmod = |dir: &str| {
        let at = sitemap.find(&format!("<loc>/{dir}</loc>")).unwrap_or_else(|| panic!("{dir} not in {sitemap}"));
        let rest = &sitemap[at..sitemap[at..].find("</url>").unwrap() + at];
        rest.find("<lastmod>").map(|i| rest[i + 9..i + 19].to_string())
    };
    assert_eq!(lastmod("playbooks/run-the-meeting/").as_deref(), Some("2026-06-15"));
    assert_eq!(lastmod("partners/campus-it/").as_deref(), Some("2026-03-01"));
    let feed = t.read_output("feed.xml");
    assert!(feed.contains("<updated>2026-06-15T00:00:00"), "the feed uses the commit date:\n{feed}");
}

#[test]
fn outside_a_repository_there_is_no_last_updated() {
    let t = clean_guide();
    t.build_ok();
    assert!(!t.main_of("playbooks/run-the-meeting/index.html").contains("Last updated"));
    assert!(!t.main_of("partners/campus-it/index.html").contains("Last updated"));
}

// ------------------------------------------------------------ themes

/// The embedded base template with a marker after `<body>`.
fn marked_base() -> String {
    let base = read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"));
    assert!(base.contains("<body>"));
    base.replacen("<body>", "<body>\n<p class=\"campus-banner\">Campus theme</p>", 1)
}

#[test]
fn a_theme_beside_the_guide_changes_every_page_and_the_default_fills_in() {
    let t = clean_guide();
    t.file("site.yaml", &format!("{SITE}theme: campus\n"));
    let theme = t.root().join("themes/campus");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(theme.join("templates/base.html"), marked_base()).unwrap();
    std::fs::write(theme.join("templates/404.html"), "theme 404").unwrap();
    std::fs::write(theme.join("static/style.css"), "body { color: teal; }\n").unwrap();
    // The guide's own templates/ still win over the theme.
    t.file("templates/404.html", "guide 404");

    t.build_ok();
    let site = crate::support::tree(&t.public());
    let pages: Vec<&String> = site.keys().filter(|p| p.ends_with("index.html")).collect();
    assert!(pages.len() > 10, "{pages:?}");
    for page in pages {
        assert!(t.read_output(page).contains("campus-banner"), "{page} does not use the theme's base.html");
    }
    assert_eq!(t.read_output("404.html"), "guide 404");
    assert_eq!(t.read_output("assets/style.css"), "body { color: teal; }\n");
    assert!(site.contains_key("assets/partnerbook.js"), "the default theme's static files fill in");
}

#[test]
fn an_unknown_theme_is_an_error_at_the_theme_line_with_a_suggestion() {
    let t = clean_guide();
    t.file("site.yaml", &format!("{SITE}theme: campuss\n"));
    std::fs::create_dir_all(t.root().join("themes/campus/templates")).unwrap();
    let run = t.run(&["check"]).failure();
    assert!(run.stderr.contains("error: unknown theme `campuss`"), "{}", run.stderr);
    assert!(run.stderr.contains(" --> site.yaml:3:8"), "{}", run.stderr);
    assert!(run.stderr.contains("help: did you mean `campus`?"), "{}", run.stderr);
    let json = json_lines(&t.run(&["check", "--format", "json"]).failure().stdout);
    assert_eq!(json[0].code.as_deref(), Some("unknown-theme"));
    t.run(&["build"]).failure();

    // `default` is the built-in theme, with or without a folder of that name.
    t.file("site.yaml", &format!("{SITE}theme: default\n"));
    t.build_ok();
}

// ------------------------------------------------------------ drafts

#[test]
fn drafts_are_in_check_and_build_only_with_the_flag() {
    let t = clean_guide();
    t.file("playbooks/idea.md", "---\ntitle: Half an idea\nsummary: S.\nstage: meet\ndraft: true\n---\n\nNot ready.\n");
    t.run(&["check"]).success().stderr_has("ok: 1 playbooks");
    t.run(&["check", "--drafts"]).success().stderr_has("ok: 2 playbooks");
    t.build_ok();
    assert!(!t.public().join("playbooks/idea/index.html").exists());
    t.run(&["build", "--drafts"]).success();
    let page = t.main_of("playbooks/idea/index.html");
    assert!(page.contains(r#"<span class="badge badge-draft">Draft</span>"#), "{page}");
}

#[test]
fn serve_includes_drafts_by_default_and_accepts_the_old_flag() {
    let drafts = |args: &[&str]| -> bool {
        let cli = Cli::try_parse_from(args).unwrap();
        match &cli.command {
            Cmd::Serve(a) => a.options().link.drafts,
            Cmd::Build(a) => a.options().link.drafts,
            Cmd::Check(a) => a.options().link.drafts,
            _ => unreachable!(),
        }
    };
    assert!(drafts(&["partnerbook", "serve", "g", "--today", TODAY]));
    assert!(drafts(&["partnerbook", "serve", "g", "--drafts"]));
    assert!(!drafts(&["partnerbook", "build", "g"]));
    assert!(drafts(&["partnerbook", "build", "g", "--drafts"]));
    assert!(!drafts(&["partnerbook", "check", "g"]));
    assert!(drafts(&["partnerbook", "check", "g", "--drafts"]));
}
