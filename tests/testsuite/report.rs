//! The activity report (`/report/` and `/report.csv`) of a guide whose
//! meetings, done items and playbooks span three fiscal years: every number
//! of the page's tables and of the CSV agrees with a count made by hand.

use crate::ci::{git, git_available};
use crate::support::GuideTest;

const CAMPUS_IT: &str = "name: Campus IT
kind: it
status: active
action_items:
  - task: Book a room
    owner: Ana Ruiz
    done: true
    done_on: 2026-03-01
  - task: Send the SLA
    owner: Ana Ruiz
    due: 2027-01-10
  - task: Old task
    owner: Jo Whitfield
    done: true
meetings:
  - date: 2025-08-10
  - date: 2026-02-01
  - date: 2026-09-15
    action_items:
      - task: Send the SLA
        owner: Ana Ruiz
        due: 2027-01-10
      - task: Draft the FAQ
        owner: Jo Whitfield
        done: true
        done_on: 2026-10-02
  - date: 2026-12-15
";

const HISTORY: &str = "name: History
kind: academic-department
status: prospect
meetings:
  - date: 2025-06-30
  - date: 2026-07-01
";

const RESEARCH: &str = "name: Research Computing
kind: research-computing
status: active
action_items:
  - task: Call them
    due: 2027-02-01
";

/// The guide, in git: one playbook added in FY2026 (changed in FY2027, which
/// does not move when it was added), one added in FY2027, one not committed.
fn guide() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Report\nfiscal_year_start: \"07-01\"\n")
        .file("partners/campus-it.yaml", CAMPUS_IT)
        .file("partners/history.yaml", HISTORY)
        .file("partners/research.yaml", RESEARCH)
        .file("playbooks/a.md", "---\ntitle: A\nstage: meet\n---\nA.\n");
    git(&t, "2025-09-01T12:00:00+00:00", &["init", "-q"]);
    git(&t, "2025-09-01T12:00:00+00:00", &["add", "guide"]);
    git(&t, "2025-09-01T12:00:00+00:00", &["commit", "-q", "-m", "first"]);
    t.file("playbooks/b.md", "---\ntitle: B\nstage: meet\n---\nB.\n");
    git(&t, "2026-08-01T12:00:00+00:00", &["add", "guide"]);
    git(&t, "2026-08-01T12:00:00+00:00", &["commit", "-q", "-m", "b"]);
    t.file("playbooks/a.md", "---\ntitle: A\nstage: meet\n---\nA again.\n");
    git(&t, "2026-10-01T12:00:00+00:00", &["commit", "-q", "-a", "-m", "a again"]);
    t.file("playbooks/c.md", "---\ntitle: C\nstage: meet\nreviewed: 2026-10-15\n---\nC.\n");
    t
}

/// The rows of the table `id` of `html`: (row label, its numbers).
fn table(html: &str, id: &str) -> Vec<(String, Vec<u32>)> {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no table {id}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</table>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let label = &row[row.find('>').unwrap() + 1..row.find("</th>").unwrap()];
            let numbers = row.split("<td>").skip(1).map(|c| c[..c.find('<').unwrap()].parse().unwrap()).collect();
            (label.to_string(), numbers)
        })
        .collect()
}

/// A table as counted by hand: (row label, Q1 to Q4 and the total).
type Want<'a> = &'a [(&'a str, &'a [u32])];

/// One year's tables by hand: (table, rows).
type YearWant<'a> = (&'a str, &'a [(&'a str, Want<'a>)]);

fn rows(want: Want<'_>) -> Vec<(String, Vec<u32>)> {
    want.iter().map(|(l, n)| (l.to_string(), n.to_vec())).collect()
}

#[test]
fn the_report_counts_by_fiscal_year_and_quarter_and_the_csv_says_the_same() {
    assert!(git_available(), "git is needed: the report counts playbooks added by their first commit");
    let t = guide();
    t.build_ok(); // today is 2026-11-29: the meeting of 2026-12-15 is not held yet
    let html = t.read_output("report/index.html");
    // By hand: quarters Q1 to Q4, then the year's total.
    let years: [YearWant<'_>; 3] = [
        (
            "fy2027",
            &[
                ("meetings-by-kind", &[("Campus IT", &[1, 0, 0, 0, 1]), ("Academic department", &[1, 0, 0, 0, 1])]),
                ("meetings-by-partner", &[("Campus IT", &[1, 0, 0, 0, 1]), ("History", &[1, 0, 0, 0, 1])]),
                ("items-done-by-owner", &[("Jo Whitfield", &[0, 1, 0, 0, 1])]),
                ("playbooks", &[("Playbooks added", &[1, 0, 0, 0, 1]), ("Playbooks reviewed", &[0, 1, 0, 0, 1])]),
            ],
        ),
        (
            "fy2026",
            &[
                ("meetings-by-kind", &[("Campus IT", &[1, 0, 1, 0, 2])]),
                ("meetings-by-partner", &[("Campus IT", &[1, 0, 1, 0, 2])]),
                ("items-done-by-owner", &[("Ana Ruiz", &[0, 0, 1, 0, 1])]),
                ("playbooks", &[("Playbooks added", &[1, 0, 0, 0, 1]), ("Playbooks reviewed", &[0, 0, 0, 0, 0])]),
            ],
        ),
        (
            "fy2025",
            &[
                ("meetings-by-kind", &[("Academic department", &[0, 0, 0, 1, 1])]),
                ("meetings-by-partner", &[("History", &[0, 0, 0, 1, 1])]),
                ("playbooks", &[("Playbooks added", &[0, 0, 0, 0, 0]), ("Playbooks reviewed", &[0, 0, 0, 0, 0])]),
            ],
        ),
    ];
    let csv = t.read_output("report.csv");
    let mut want_csv = vec!["section,fiscal_year,period,label,column,count".to_string()];
    for (year, tables) in years {
        for (section, want) in tables {
            let id = format!("{year}-{section}");
            assert_eq!(table(&html, &id), rows(want), "{id}");
            for (label, numbers) in *want {
                for (i, n) in numbers.iter().enumerate() {
                    let period = if i == 4 { "total".to_string() } else { format!("Q{}", i + 1) };
                    want_csv.push(format!("{section},FY{},{period},{label},,{n}", &year[2..]));
                }
            }
        }
    }
    // FY2025 had no item done: the table says so rather than showing nothing.
    assert!(html.contains("Action items done by owner, FY2025</h3>\n  <p>None.</p>"), "{html}");
    // Now: partners by status (rows) and kind (Campus IT, Research computing, Academic department).
    assert_eq!(table(&html, "report-partners-table"), rows(&[("Prospect", &[0, 0, 1, 1]), ("Active", &[1, 1, 0, 2])]));
    for (status, counts) in [("Prospect", [0, 0, 1]), ("Active", [1, 1, 0])] {
        for (kind, n) in ["Campus IT", "Research computing", "Academic department"].iter().zip(counts) {
            want_csv.push(format!("partners-by-status-and-kind,,now,{status},{kind},{n}"));
        }
    }
    // Items by owner: open, done, done without a date. "Send the SLA" is in
    // the profile and in the meeting: one item.
    let owners: Want<'_> = &[("(no owner)", &[1, 0, 0]), ("Ana Ruiz", &[1, 1, 0]), ("Jo Whitfield", &[0, 1, 1])];
    assert_eq!(table(&html, "report-owners-table"), rows(owners));
    for (owner, n) in owners {
        for (column, n) in ["open", "done", "\"done, date unknown\""].iter().zip(*n) {
            want_csv.push(format!("items-by-owner,,now,{owner},{column},{n}"));
        }
    }
    let mut got_csv: Vec<&str> = csv.lines().collect();
    let mut want_sorted: Vec<&str> = want_csv.iter().map(String::as_str).collect();
    assert_eq!(got_csv[0], want_sorted[0]);
    got_csv.sort_unstable();
    want_sorted.sort_unstable();
    assert_eq!(got_csv, want_sorted, "report.csv:\n{csv}");
    // Charts: an image with a title that says the numbers.
    assert!(
        html.contains("<svg class=\"report-chart\" role=\"img\" aria-labelledby=\"fy2026-meetings-by-kind-chart-t\""),
        "{html}"
    );
    assert!(html.contains("Meetings held by partner kind, FY2026. Campus IT: 2</title>"), "{html}");
}

#[test]
fn a_fiscal_year_start_that_is_not_a_month_and_a_day_is_an_error_at_its_place() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Report\nfiscal_year_start: \"02-30\"\n");
    t.run(&["check"])
        .failure()
        .stderr_has("`02-30` is not a month and a day")
        .stderr_has("site.yaml:2:20")
        .stderr_has("as MM-DD");
}

#[test]
fn a_fiscal_year_may_start_on_january_first() {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Report\nfiscal_year_start: \"01-01\"\n").file("partners/h.yaml", HISTORY);
    t.build_ok();
    let html = t.read_output("report/index.html");
    assert_eq!(table(&html, "fy2025-meetings-by-partner"), rows(&[("History", &[0, 1, 0, 0, 1])]));
    assert_eq!(table(&html, "fy2026-meetings-by-partner"), rows(&[("History", &[0, 0, 1, 0, 1])]));
}
