//! The partner page and the pipeline board, built from small guides written
//! here (today is 2026-11-29, stale after 60 days): each action item once,
//! the contact history as a picture and as text, the playbooks that name the
//! partner apart from the general ones, channels in words, paused partners
//! never stale, and the pipeline's cards and counts.

use crate::support::GuideTest;

const SITE: &str = "title: Partner page fixture\nstale_after_days: 60\n";

/// Meetings inside and before the last 12 months, one in the future, items
/// written twice, a done one, and values that must be escaped.
const LAB: &str = "name: Lab <b>Makers</b>
kind: academic-department
status: active
channels: [email, department-meeting, office_hours]
last_contact: 2026-09-01
next_step:
  action: Send the floor plan
  due: 2026-12-05
  owner: Ana Ruiz
action_items:
  - task: Book the room
    done: true
  - task: Order the printer
    owner: Bo Chen
    due: 2026-11-20
meetings:
  - date: 2027-01-10
    title: Planned
  - date: 2026-09-01
    title: Tour <script>alert(1)</script>
    action_items:
      - task: order the printer
      - task: Book the room
      - task: send the floor plan
  - date: 2026-03-02
    title: Kick-off
  - date: 2025-06-01
    title: Long ago
";

/// Paused since a year: never stale, but its dated next step still counts.
const PAUSED: &str = "name: Paused Office
status: paused
last_contact: 2025-10-01
next_step:
  action: Ask whether the budget is settled
  due: 2026-11-19
";

fn built(files: &[(&str, &str)]) -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE);
    for (path, text) in files {
        t.file(path, text);
    }
    t.build_ok();
    t
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The text between the first `from` and the next `to` after it.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from:?} in:\n{html}")) + from.len();
    let rest = &html[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[test]
fn each_action_item_is_listed_once_and_its_meeting_points_to_it() {
    let t = built(&[("partners/lab.yaml", LAB)]);
    let page = t.main_of("partners/lab/index.html");
    // One listed item each (the next step in its own section), whatever the capitals of the copies.
    for task in ["Order the printer", "Book the room"] {
        assert_eq!(count(&page, &format!("{task}\n")), 1, "{task} listed once:\n{page}");
    }
    assert_eq!(count(&page, "<li class=\"item"), 2, "{page}");
    let order = between(&page, "id=\"item-1\">", "</li>");
    assert!(
        order.contains("Owner: Bo Chen · Due <time datetime=\"2026-11-20\">2026-11-20</time> (9 days late)"),
        "{order}"
    );
    assert!(order.contains("Agreed at <a href=\"#meeting-2026-09-01\">the meeting of 2026-09-01</a>"), "{order}");
    let done = between(&page, "<h3>Done</h3>", "</ul>");
    assert!(done.contains("id=\"item-2\"") && done.contains("Book the room"), "{done}");
    // The meeting lists no item of its own: it links to each, by the text it is listed with.
    let meeting = between(&page, "id=\"meeting-2026-09-01\"", "</li>\n");
    assert!(!meeting.contains("class=\"item"), "{meeting}");
    for link in [
        "<a href=\"#item-1\">Order the printer</a>",
        "<a href=\"#item-2\">Book the room</a>",
        "<a href=\"#next-step\">Send the floor plan</a>",
    ] {
        assert!(meeting.contains(link), "{link} in:\n{meeting}");
    }
}

#[test]
fn the_contact_history_draws_the_year_and_says_the_same_in_text() {
    let t = built(&[("partners/lab.yaml", LAB)]);
    let page = t.main_of("partners/lab/index.html");
    let history = between(&page, "<section id=\"history\"", "</section>");
    let svg = between(history, "<svg", "</svg>");
    assert!(svg.contains("role=\"img\" aria-labelledby=\"history-title\""), "{svg}");
    assert!(
        svg.contains("<title id=\"history-title\">Contact history of Lab &lt;b&gt;Makers&lt;/b&gt; over the last 12 months</title>"),
        "the title names the history, its YAML escaped:\n{svg}"
    );
    // Meetings of the last 12 months only (not 2025-06-01, not the planned one), and the last contact.
    assert_eq!(count(svg, "class=\"history-meeting\""), 2, "{svg}");
    assert_eq!(count(svg, "class=\"history-last\""), 1, "{svg}");
    // Stale stretches: from 2025-06-01 to 2026-03-02 (clipped at the window's
    // start), 2026-03-02 to 2026-09-01, and 2026-09-01 to today (89 days).
    assert_eq!(count(svg, "class=\"history-gap\""), 3, "{svg}");
    assert!(svg.contains("<rect class=\"history-gap\" x=\"0.0\""), "the first stretch starts at the edge: {svg}");
    // The same facts as a dated list, oldest first, escaped.
    let list = between(history, "<ol class=\"history-list\">", "</ol>");
    let lines: Vec<&str> = list.lines().map(str::trim).filter(|l| l.starts_with("<li")).collect();
    assert_eq!(
        lines,
        [
            "<li class=\"history-list-gap\">No contact from <time datetime=\"2025-06-01\">2025-06-01</time> to <time datetime=\"2026-03-02\">2026-03-02</time>: 274 days, more than 60</li>",
            "<li><time datetime=\"2026-03-02\">2026-03-02</time>: meeting, “Kick-off” (8 months ago)</li>",
            "<li class=\"history-list-gap\">No contact from <time datetime=\"2026-03-02\">2026-03-02</time> to <time datetime=\"2026-09-01\">2026-09-01</time>: 183 days, more than 60</li>",
            "<li><time datetime=\"2026-09-01\">2026-09-01</time>: meeting, “Tour &lt;script&gt;alert(1)&lt;/script&gt;” (2 months ago)</li>",
            "<li class=\"history-list-gap\">No contact from <time datetime=\"2026-09-01\">2026-09-01</time> to today, <time datetime=\"2026-11-29\">2026-11-29</time>: 89 days, more than 60</li>",
        ],
        "{list}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    // The facts above the history say how long ago, in the same words.
    assert!(
        page.contains("<dt>Last contact</dt><dd>2 months ago (<time datetime=\"2026-09-01\">2026-09-01</time>)</dd>")
    );
}

#[test]
fn a_paused_partner_is_never_stale_but_its_dated_next_step_still_shows_when_due() {
    let t = built(&[("partners/paused.yaml", PAUSED)]);
    let page = t.main_of("partners/paused/index.html");
    let history = between(&page, "<section id=\"history\"", "</section>");
    assert!(!history.contains("history-gap"), "no stretch is shaded as stale:\n{history}");
    assert!(history.contains("This partnership is paused"), "{history}");
    let next = between(&page, "id=\"next-step\"", "</section>");
    assert!(next.contains("Ask whether the budget is settled"), "{next}");
    assert!(next.contains("(10 days late)"), "{next}");
    // The actions list and the home page's overdue items show it; the stale list does not.
    let actions = t.main_of("actions/index.html");
    assert!(actions.contains("Ask whether the budget is settled"), "{actions}");
    let home = t.main_of("index.html");
    assert!(home.contains("Ask whether the budget is settled"), "{home}");
    let json: serde_json::Value = serde_json::from_str(&t.read_output("partners.json")).unwrap();
    assert_eq!(json["partners"][0]["stale"], false, "{json}");
    // The pipeline card says how long ago without calling it stale.
    let pipeline = t.main_of("partners/pipeline/index.html");
    let card = between(&pipeline, "class=\"card pipeline-card\"", "</li>");
    assert!(card.contains("<div class=\"pipeline-last\"><dt>Last contact</dt><dd>13 months ago"), "{card}");
}

#[test]
fn playbooks_that_name_the_partner_come_first_and_the_rest_are_folded() {
    let playbook =
        |title: &str, partners: &str, body: &str| format!("---\ntitle: {title}\npartners: [{partners}]\n---\n{body}\n");
    let named_in_text = playbook("Named in text", "lab, law", "Ask [the lab](partner:lab) first.");
    let only_lab = playbook("Only the lab", "lab", "Just for them.");
    let general = playbook("General advice", "lab, law", "For everyone.");
    let t = built(&[
        ("partners/lab.yaml", "name: Lab\nchannels: [department-meeting, email]\n"),
        ("partners/law.yaml", "name: Law\n"),
        ("playbooks/named.md", &named_in_text),
        ("playbooks/only.md", &only_lab),
        ("playbooks/general.md", &general),
    ]);
    let page = t.main_of("partners/lab/index.html");
    let section = between(&page, "<section id=\"playbooks\"", "</section>");
    let (listed, folded) = section.split_once("<details class=\"general-playbooks\">").expect("a folded list");
    assert!(listed.contains("Named in text") && listed.contains("Only the lab"), "{listed}");
    assert!(!listed.contains("General advice"), "{listed}");
    assert!(
        folded.contains("<summary>General playbooks (1)</summary>") && folded.contains("General advice"),
        "{folded}"
    );
    // Channels as words, from one rule.
    assert!(page.contains("<dt>Channels that worked</dt><dd>Department meeting, Email</dd>"), "{page}");
    // A partner no playbook is written for says so, and folds the rest.
    let law = t.main_of("partners/law/index.html");
    assert!(law.contains("No playbook names this partner yet"), "{law}");
    assert!(law.contains("<summary>General playbooks (2)</summary>"), "{law}");
}

#[test]
fn pipeline_cards_show_last_contact_and_next_step_in_words_under_a_bar_of_counts() {
    let t = built(&[
        ("partners/lab.yaml", LAB),
        ("partners/paused.yaml", PAUSED),
        ("partners/new.yaml", "name: New Office\nstatus: prospect\n"),
        ("partners/old.yaml", "name: Old Office\nstatus: contacted\nlast_contact: 2026-08-01\n"),
    ]);
    let page = t.main_of("partners/pipeline/index.html");
    let bar = between(&page, "<ol class=\"stage-bar\"", "</ol>");
    let segments: Vec<&str> =
        bar.split("<span class=\"stage-bar-label\">").skip(1).map(|s| s.split("</a>").next().unwrap()).collect();
    assert_eq!(
        segments,
        [
            "Prospect</span> <strong>1</strong>",
            "Contacted</span> <strong>1</strong>",
            "Active</span> <strong>1</strong>",
            "Paused</span> <strong>1</strong>"
        ],
        "{bar}"
    );
    assert!(page.contains("4 partners in all."), "{page}");
    let lab = between(&page, "Lab &lt;b&gt;Makers&lt;/b&gt;</a>", "</li>");
    assert!(lab.contains("<dt>Last contact</dt><dd>2 months ago <span class=\"meta\">(<time datetime=\"2026-09-01\">2026-09-01</time>)</span>"), "{lab}");
    assert!(lab.contains("<dt>Next step</dt><dd>Send the floor plan <span class=\"when\">due in 6 days <span class=\"meta\">(<time datetime=\"2026-12-05\">2026-12-05</time>)"), "{lab}");
    assert!(!lab.contains("Status:"), "the column says the status: {lab}");
    // Stale (120 days, more than 60) is said in words; no contact and no next step too.
    let old = between(&page, "Old Office</a>", "</li>");
    assert!(old.contains("class=\"pipeline-last is-stale\""), "{old}");
    assert!(old.contains("3 months ago"), "{old}");
    assert!(old.contains(", over 60 days"), "{old}");
    assert!(old.contains("<dt>Next step</dt><dd>None written</dd>"), "{old}");
    let new = between(&page, "New Office</a>", "</li>");
    assert!(new.contains("<dt>Last contact</dt><dd>None yet</dd>"), "{new}");
    let paused = between(&page, "Paused Office</a>", "</li>");
    assert!(paused.contains("when-overdue\">10 days late"), "{paused}");
}

/// A meeting held after the written `last_contact` is a contact: `check`, the
/// home page, the pipeline, the profile and partners.json all take its date.
#[test]
fn a_meeting_after_the_written_last_contact_keeps_the_partner_fresh() {
    let t = GuideTest::empty();
    t.file("site.yaml", SITE).file(
        "partners/lab.yaml",
        "name: Lab\nstatus: active\nlast_contact: 2026-06-01\nmeetings:\n  - date: 2026-11-02\n    title: Check-in\n",
    );
    let run = t.run(&["check"]).success();
    assert!(!run.stderr.contains("stale-partner") && !run.stderr.contains("no contact with"), "{}", run.stderr);
    t.build_ok();
    assert!(!t.main_of("index.html").contains("No contact for more than"), "the home page lists it as stale");
    let profile = t.main_of("partners/lab/index.html");
    assert!(profile.contains("2026-11-02"), "{profile}");
    let pipeline = t.main_of("partners/pipeline/index.html");
    assert!(pipeline.contains("datetime=\"2026-11-02\"") && !pipeline.contains("over 60 days"), "{pipeline}");
    let json = t.read_output("partners.json");
    assert!(json.contains("\"stale\": false"), "{json}");

    // Without the meeting, the same partner is stale everywhere.
    t.file("partners/lab.yaml", "name: Lab\nstatus: active\nlast_contact: 2026-06-01\n");
    let run = t.run(&["check"]).success();
    assert!(run.stderr.contains("no contact with `lab` for 181 days"), "{}", run.stderr);
    t.build_ok();
    assert!(t.main_of("index.html").contains("No contact for more than 60 days"));
    assert!(t.read_output("partners.json").contains("\"stale\": true"));
}
