//! Editing the guide from the pages `partnerbook serve` serves, in a real
//! Chromium: the forms of a partner page (log a meeting with action items,
//! mark one done and commit, change the next step and mark it done, change
//! the status, log a contact), the playbook editor with its live preview, a
//! page's editor, a new playbook; each save shows on the page after the reload,
//! keeps the file's comments, and leaves a guide that `partnerbook check`
//! passes. A file changed on disk after the page loaded is a conflict: nothing
//! is written and the form keeps what was typed. axe-core finds nothing wrong
//! with a partner page whose Log a meeting form is open.
//!
//! The fixture is `browser_fixtures/edit`: one partner with comments, a next
//! step, an action item and a meeting; one playbook; one page.

use std::process::Command;
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use serde_json::{Value, json};

use super::a11y::{Scheme, axe_source, axe_violations, emulate_media, press};
use super::{Site, js_string};
use crate::support::GuideTest;

/// The editing script has set up the page.
const READY: &str = "document.querySelector('section.pb-edit') !== null";
/// How long a save may take to show on the page (write, rebuild, reload).
const SAVE_TO_PAGE: Duration = Duration::from_secs(15);
/// How long the page may take to react to a click or to typing.
const REACT: Duration = Duration::from_secs(5);
/// Set on `window` by a test; a reload forgets it.
const MARKER: &str = "window.__partnerbookEditMarker";
/// The open form.
const DIALOG: &str = "document.querySelector('dialog[open]')";

/// A copy of the fixture guide.
fn guide() -> GuideTest {
    GuideTest::from_dir("browser_fixtures/edit")
}

/// The text of a file of the guide.
fn read(guide: &GuideTest, path: &str) -> String {
    std::fs::read_to_string(guide.guide().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `partnerbook check` passes on the guide as the browser left it.
fn check_passes(guide: &GuideTest) {
    guide.run(&["check"]).success();
}

/// Runs git in the guide's folder and gives its output; fails the test when git fails.
fn git(guide: &GuideTest, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(guide.guide())
        .env("GIT_CEILING_DIRECTORIES", guide.git_ceiling())
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Makes the guide a git repository with one commit of every file.
fn make_repository(guide: &GuideTest) {
    git(guide, &["init", "-q"]);
    git(guide, &["config", "user.name", "Test Librarian"]);
    git(guide, &["config", "user.email", "test@example.edu"]);
    git(guide, &["add", "-A"]);
    git(guide, &["commit", "-q", "-m", "The guide"]);
}

/// Clicks the button named `name` (its whole text) inside the element the
/// CSS selector `within` picks (the first if several match).
async fn click(site: &Site, within: &str, name: &str) {
    let script = format!(
        "var root = document.querySelector({within}); if (!root) return null; \
         var b = [...root.querySelectorAll('button')].find(b => b.textContent.trim() === {name} && !b.disabled); \
         if (!b) return null; if (!b.id) b.id = 'test-button-' + Math.random().toString(36).slice(2); \
         b.scrollIntoView({{block: 'center', behavior: 'instant'}}); return b.id;",
        within = js_string(within),
        name = js_string(name)
    );
    let deadline = std::time::Instant::now() + REACT;
    let id = loop {
        match site.execute(&script).await {
            Value::String(id) => break id,
            _ if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(25)).await,
            _ => {
                let shot = site.screenshot(&format!("edit-no-button-{}", name.replace(' ', "-"))).await;
                panic!("no enabled button {name:?} in {within}; screenshot: {}", shot.display());
            }
        }
    };
    let button = site.client().find(Locator::Id(&id)).await.expect("the button");
    button.click().await.unwrap_or_else(|e| panic!("could not click {name:?}: {e}"));
}

/// The `nth` control (from 0) of the open form labelled `label` (the label's
/// text without the required mark), as a WebDriver element.
async fn control(site: &Site, label: &str, nth: usize) -> Element {
    let script = format!(
        "var labels = [...document.querySelectorAll('dialog[open] label')]\
           .filter(l => l.firstChild.textContent.trim() === {label}); \
         var l = labels[{nth}]; return l ? l.htmlFor : null;",
        label = js_string(label)
    );
    let id = site.execute(&script).await;
    let id = id.as_str().unwrap_or_else(|| panic!("no field labelled {label:?} (number {nth}) in the open form"));
    site.client().find(Locator::Id(id)).await.expect("the labelled control")
}

/// Types `text` into the `nth` field labelled `label`, as a person would.
async fn type_in(site: &Site, label: &str, nth: usize, text: &str) {
    let field = control(site, label, nth).await;
    field.send_keys(text).await.unwrap_or_else(|e| panic!("could not type into {label:?}: {e}"));
}

/// Replaces the text of the `nth` field labelled `label`.
async fn replace_in(site: &Site, label: &str, nth: usize, text: &str) {
    let field = control(site, label, nth).await;
    field.clear().await.unwrap_or_else(|e| panic!("could not clear {label:?}: {e}"));
    field.send_keys(text).await.unwrap_or_else(|e| panic!("could not type into {label:?}: {e}"));
}

/// Sets a date field (date pickers take keys in the browser's locale order, so
/// the value is set as the picker would set it).
async fn set_date(site: &Site, label: &str, nth: usize, date: &str) {
    let field = control(site, label, nth).await;
    site.client()
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true})); \
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![serde_json::to_value(&field).unwrap(), json!(date)],
        )
        .await
        .expect("setting a date");
}

/// The value of the `nth` field labelled `label` in the open form.
async fn value_of(site: &Site, label: &str, nth: usize) -> Value {
    let field = control(site, label, nth).await;
    site.client().execute("return arguments[0].value;", vec![serde_json::to_value(&field).unwrap()]).await.unwrap()
}

/// Marks the page, so that a wait can tell the page reloaded.
async fn mark(site: &Site) {
    site.execute(&format!("{MARKER} = true;")).await;
}

/// Waits until the page has reloaded (the marker is gone) and `condition` holds.
async fn after_reload(site: &Site, condition: &str) {
    site.wait_for(&format!("{MARKER} === undefined && ({READY}) && ({condition})"), SAVE_TO_PAGE).await;
}

/// The tasks of the open (`open` true) or done action items, as the page lists them.
fn items(open: bool) -> String {
    format!(
        "(() => {{ const h = [...document.querySelectorAll('#action-items h3')].find(h => h.textContent === {title}); \
           if (!h) return []; \
           return [...h.nextElementSibling.children].map(li => {{ const c = li.cloneNode(true); \
             c.querySelectorAll('.badge, .meta, button, .pb-error').forEach(n => n.remove()); \
             return c.textContent.replace(/\\s+/g, ' ').trim(); }}); }})()",
        title = js_string(if open { "Open" } else { "Done" })
    )
}

/// The text of the region that says what the last save changed.
const SAVED_TEXT: &str = "((document.getElementById('partnerbook-saved') || {}).textContent || '')";

#[tokio::test]
async fn log_a_meeting_with_two_action_items_mark_one_done_and_commit_the_file() {
    let guide = guide();
    make_repository(&guide);
    let site = Site::open_guide(guide, READY, "partners/campus-it/").await;
    let guide_dir = site.guide().guide();

    click(&site, "section.pb-edit", "Log a meeting").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    // Focus moves into the form, to its first field; date fields are date pickers.
    assert_eq!(
        site.eval("[document.activeElement.type, document.activeElement.labels[0].firstChild.textContent]").await,
        json!(["date", "Date"])
    );
    assert_eq!(site.eval(&format!("{DIALOG}.getAttribute('aria-labelledby') && document.getElementById({DIALOG}.getAttribute('aria-labelledby')).textContent")).await, json!("Log a meeting"));
    set_date(&site, "Date", 0, "2026-11-27").await;
    type_in(&site, "Title", 0, "Budget review").await;
    type_in(&site, "Attendees", 0, "Ana Ruiz, Lee Librarian").await;
    type_in(&site, "Notes", 0, "We agreed on a *pilot*.").await;
    type_in(&site, "Task", 0, "Book the lab").await;
    type_in(&site, "Owner", 0, "Ana Ruiz").await;
    set_date(&site, "Due", 0, "2026-12-15").await;
    click(&site, "dialog[open]", "Add another action item").await;
    // The new item's Task field has the focus.
    site.wait_for(
        "document.activeElement.labels && document.activeElement.labels[0].firstChild.textContent === 'Task' && \
         document.querySelectorAll('dialog[open] .pb-items-row').length === 2",
        REACT,
    )
    .await;
    // An item with an owner but no task is refused in the form, before anything is sent.
    type_in(&site, "Owner", 1, "Lee Librarian").await;
    let before = read(site.guide(), "partners/campus-it.yaml");
    click(&site, "dialog[open]", "Save").await;
    let alert = "(document.querySelector('dialog[open] [role=alert]') || {textContent: ''}).textContent";
    site.wait_for(&format!("{alert}.includes('Action item 2 has an owner or a due date but no task')"), REACT).await;
    assert_eq!(read(site.guide(), "partners/campus-it.yaml"), before);
    type_in(&site, "Task", 1, "Write the pilot plan").await;
    // The README's picture of the form (scripts/screenshots.sh copies it).
    site.execute(&format!("{DIALOG}.scrollTop = 0; document.activeElement.blur();")).await;
    site.screenshot("edit-log-a-meeting-form").await;
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;

    // The page reloads with the meeting and both items, and says what changed.
    after_reload(&site, "document.querySelector('#meetings') && document.querySelector('#meetings').textContent.includes('Budget review')").await;
    let open = site.eval(&items(true)).await;
    for task in ["Draft the service agreement", "Book the lab", "Write the pilot plan"] {
        assert!(open.as_array().unwrap().contains(&json!(task)), "{task} is open: {open}");
    }
    let saved = site.eval(SAVED_TEXT).await;
    let saved = saved.as_str().unwrap();
    assert!(saved.contains("Saved partners/campus-it.yaml"), "{saved}");
    assert!(saved.contains("+") && saved.contains("Book the lab") && saved.contains("Budget review"), "{saved}");
    let yaml = std::fs::read_to_string(guide_dir.join("partners/campus-it.yaml")).unwrap();
    for kept in [
        "# Campus IT: the partner these tests edit.",
        "status: active   # moved to active after the kick-off",
        "  # Items agreed outside meetings.",
        "      Ana prefers *email* to calls.",
    ] {
        assert!(yaml.contains(kept), "the edit lost {kept:?}:\n{yaml}");
    }
    assert!(
        yaml.contains("Budget review") && yaml.contains("Write the pilot plan") && yaml.contains("2026-12-15"),
        "{yaml}"
    );

    // Mark done on the row of one of the new items (each open row has its button).
    let buttons = "[...document.querySelectorAll('#action-items li.item:not(.item-done)')]\
                   .map(li => li.querySelectorAll('button.pb-mark-done').length)";
    assert_eq!(site.eval(buttons).await, json!([1, 1, 1]));
    site.execute(
        "[...document.querySelectorAll('#action-items li.item')].find(li => li.textContent.includes('Book the lab'))\
         .dataset.test = 'book-the-lab';",
    )
    .await;
    mark(&site).await;
    click(&site, "li[data-test=book-the-lab]", "Mark done").await;
    after_reload(&site, &format!("{}.includes('Book the lab')", items(false))).await;
    let open = site.eval(&items(true)).await;
    assert!(!open.as_array().unwrap().contains(&json!("Book the lab")), "no longer open: {open}");
    assert!(open.as_array().unwrap().contains(&json!("Write the pilot plan")), "still open: {open}");

    // Commit that file alone, with the default message.
    site.wait_for(&format!("{SAVED_TEXT}.includes('Commit')"), REACT).await;
    // A file the browser did not touch stays out of the commit.
    std::fs::write(guide_dir.join("notes.txt"), "not part of the guide\n").unwrap();
    assert_eq!(
        site.eval("document.querySelector('#partnerbook-saved input').value").await,
        json!("Update partners/campus-it.yaml from the browser")
    );
    click(&site, "#partnerbook-saved", "Commit").await;
    site.wait_for(&format!("{SAVED_TEXT}.includes('Committed partners/campus-it.yaml as ')"), SAVE_TO_PAGE).await;
    let text = site.eval(SAVED_TEXT).await;
    let log = git(site.guide(), &["log", "-1", "--format=%h %s", "--name-only"]);
    let (head, files) = log.split_once('\n').unwrap();
    let (hash, subject) = head.split_once(' ').unwrap();
    assert!(text.as_str().unwrap().contains(hash), "the page names the commit {hash}: {text}");
    assert_eq!(subject, "Update partners/campus-it.yaml from the browser");
    assert_eq!(files.trim(), "partners/campus-it.yaml", "that file alone");
    assert_eq!(git(site.guide(), &["status", "--porcelain"]).trim(), "?? notes.txt");
    std::fs::remove_file(guide_dir.join("notes.txt")).unwrap();
    check_passes(site.guide());
}

#[tokio::test]
async fn change_the_next_step_from_its_prefilled_form_and_escape_closes_a_form() {
    let site = Site::open_guide(guide(), READY, "partners/campus-it/").await;

    // Escape closes a form and gives the focus back to its button.
    click(&site, "section.pb-edit", "Change status").await;
    site.wait_for(&format!("{DIALOG} !== null && document.activeElement.tagName === 'SELECT'"), REACT).await;
    assert_eq!(site.eval("document.activeElement.value").await, json!("active"), "the current status is chosen");
    press(&site.browser, Key::Escape).await;
    site.wait_for(&format!("{DIALOG} === null && document.activeElement.textContent === 'Change status'"), REACT).await;

    click(&site, "section.pb-edit", "Change next step").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    assert_eq!(value_of(&site, "Action", 0).await, json!("Send the workshop proposal"));
    assert_eq!(value_of(&site, "Owner", 0).await, json!("Lee Librarian"));
    assert_eq!(value_of(&site, "Due", 0).await, json!("2026-12-02"));
    assert_eq!(site.eval("document.activeElement.required").await, json!(true), "Action is required and focused");
    replace_in(&site, "Action", 0, "Send the revised proposal").await;
    set_date(&site, "Due", 0, "2026-12-09").await;
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;

    after_reload(
        &site,
        "(document.querySelector('#next-step') || {textContent: ''}).textContent.includes('Send the revised proposal')",
    )
    .await;
    assert_eq!(
        site.eval("document.querySelector('#next-step time').getAttribute('datetime')").await,
        json!("2026-12-09")
    );
    let yaml = read(site.guide(), "partners/campus-it.yaml");
    // The engine may quote a new value; the owner it did not change stays byte for byte.
    let step = yaml.split_once("next_step:\n").expect("the next step").1;
    assert!(step.starts_with("  action: ") && step.contains("Send the revised proposal"), "{yaml}");
    assert!(step.contains("\n  owner: Lee Librarian\n") && step.contains("2026-12-09"), "{yaml}");
    assert!(yaml.starts_with("# Campus IT: the partner these tests edit."), "{yaml}");
    check_passes(site.guide());

    // Mark done on the next step removes it (a next step has no `done`).
    mark(&site).await;
    click(&site, "#next-step", "Mark done").await;
    after_reload(&site, "document.getElementById('next-step') === null").await;
    assert!(!read(site.guide(), "partners/campus-it.yaml").contains("next_step:"));
    check_passes(site.guide());
}

#[tokio::test]
async fn change_the_status_and_log_a_contact() {
    let site = Site::open_guide(guide(), READY, "partners/campus-it/").await;
    click(&site, "section.pb-edit", "Change status").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    let options = "[...document.querySelectorAll('dialog[open] select option')].map(o => o.value)";
    assert_eq!(site.eval(options).await, json!(["prospect", "contacted", "meeting", "active", "paused", "ended"]));
    control(&site, "Status", 0).await.select_by_value("paused").await.unwrap();
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;
    after_reload(&site, "document.querySelector('.status').textContent.trim() === 'Paused'").await;
    let yaml = read(site.guide(), "partners/campus-it.yaml");
    assert!(yaml.contains("\nstatus: paused   # moved to active after the kick-off\n"), "{yaml}");

    click(&site, "section.pb-edit", "Log a contact").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    // The date starts as today (the browser's), and is required.
    let today = site.eval("(d => d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'))(new Date())").await;
    assert_eq!(value_of(&site, "Date", 0).await, today);
    set_date(&site, "Date", 0, "2026-11-28").await;
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;
    after_reload(&site, "document.querySelector('.facts time[datetime=\"2026-11-28\"]') !== null").await;
    assert!(read(site.guide(), "partners/campus-it.yaml").contains("\nlast_contact: 2026-11-28\n"));
    check_passes(site.guide());
}

#[tokio::test]
async fn edit_a_page_title_and_body() {
    let site = Site::open_guide(guide(), READY, "about/").await;
    click(&site, "section.pb-edit", "Edit this page").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    // A page has a title and a summary, and no playbook fields.
    let labels = "[...document.querySelectorAll('dialog[open] label')].map(l => l.firstChild.textContent)";
    assert_eq!(site.eval(labels).await, json!(["Title", "Summary", "Body"]));
    replace_in(&site, "Title", 0, "About the outreach guide").await;
    let body = control(&site, "Body", 0).await;
    site.client()
        .execute(
            "arguments[0].value = arguments[0].value + '\\nWrite to the library to add a partner.\\n'; \
             arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::to_value(&body).unwrap()],
        )
        .await
        .unwrap();
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;
    after_reload(
        &site,
        "document.querySelector('main h1').textContent === 'About the outreach guide' && \
         document.querySelector('main').textContent.includes('Write to the library to add a partner.')",
    )
    .await;
    let md = read(site.guide(), "pages/about.md");
    let (title, rest) = md.strip_prefix("---\n").and_then(|m| m.split_once('\n')).expect("front matter");
    assert!(title.starts_with("title: ") && title.contains("About the outreach guide"), "{md}");
    assert_eq!(rest, "---\n\nHow the library works with campus partners.\n\nWrite to the library to add a partner.\n");
    check_passes(site.guide());
}

#[tokio::test]
async fn edit_a_playbook_with_a_live_preview_that_names_problems_by_line_and_column() {
    let site = Site::open_guide(guide(), READY, "playbooks/run-the-meeting/").await;
    click(&site, "section.pb-edit", "Edit this playbook").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    // The front matter as fields.
    assert_eq!(value_of(&site, "Title", 0).await, json!("Run the meeting"));
    assert_eq!(value_of(&site, "Summary", 0).await, json!("Keep it short and end with owners."));
    assert_eq!(value_of(&site, "Stage", 0).await, json!("meet"));
    assert_eq!(value_of(&site, "Partners", 0).await, json!("campus-it"));
    assert_eq!(value_of(&site, "Tags", 0).await, json!("meetings"));
    let preview = "(document.querySelector('dialog[open] .pb-preview') || {textContent: ''}).textContent";
    site.wait_for(&format!("{preview}.includes('No problems.') && {preview}.includes('Start on time.')"), REACT).await;

    // A dangling link is named with its line and column as it is typed.
    let body = control(&site, "Body", 0).await;
    site.client()
        .execute("arguments[0].focus(); arguments[0].setSelectionRange(arguments[0].value.length, arguments[0].value.length);", vec![serde_json::to_value(&body).unwrap()])
        .await
        .unwrap();
    body.send_keys("\n## Follow up\n\nAsk [the office](partner:research-offic).\n").await.unwrap();
    site.wait_for(&format!("{preview}.includes('Line 17, column ') && {preview}.includes('research-offic')"), REACT)
        .await;
    site.wait_for(&format!("{preview}.includes('Follow up')"), REACT).await;
    site.screenshot("edit-playbook-preview-problem").await;

    // Fixed, the problem goes; the preview shows the new heading.
    site.client()
        .execute(
            "arguments[0].value = arguments[0].value.replace('[the office](partner:research-offic)', '[Campus IT](partner:campus-it)'); \
             arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::to_value(&body).unwrap()],
        )
        .await
        .unwrap();
    site.wait_for(
        &format!(
            "{preview}.includes('No problems.') && document.querySelector('dialog[open] .pb-preview-html h2') !== null"
        ),
        REACT,
    )
    .await;
    replace_in(&site, "Tags", 0, "meetings, recaps").await;
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;

    after_reload(&site, "[...document.querySelectorAll('main h2')].some(h => h.textContent.includes('Follow up'))")
        .await;
    let md = read(site.guide(), "playbooks/run-the-meeting.md");
    assert!(md.contains("partners: [campus-it]   # who this is for\n"), "the comment and the list stay:\n{md}");
    assert!(md.contains("recaps"), "{md}");
    assert!(md.ends_with("## Follow up\n\nAsk [Campus IT](partner:campus-it).\n"), "{md}");
    assert!(site.eval(SAVED_TEXT).await.as_str().unwrap().contains("Saved playbooks/run-the-meeting.md"));
    check_passes(site.guide());
}

#[tokio::test]
async fn create_a_playbook_and_land_on_its_page() {
    let site = Site::open_guide(guide(), READY, "").await;
    click(&site, "section.pb-edit", "New playbook").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    type_in(&site, "Title", 0, "Close the loop").await;
    control(&site, "Stage", 0).await.select_by_value("follow-up").await.unwrap();
    click(&site, "dialog[open]", "Create").await;

    site.wait_for(
        &format!(
            "location.pathname === '/playbooks/close-the-loop/' && ({READY}) && \
             document.querySelector('main h1').textContent.trim() === 'Close the loop' && {SAVED_TEXT}.includes('Created playbooks/close-the-loop.md')"
        ),
        SAVE_TO_PAGE,
    )
    .await;
    let md = read(site.guide(), "playbooks/close-the-loop.md");

    // The same title again: refused next to the form, which stays open; nothing is written.
    click(&site, "section.pb-edit", "New playbook").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    type_in(&site, "Title", 0, "Close the loop").await;
    click(&site, "dialog[open]", "Create").await;
    let alert = "(document.querySelector('dialog[open] [role=alert]') || {textContent: ''}).textContent";
    site.wait_for(&format!("{alert}.includes('playbooks/close-the-loop.md already exists')"), REACT).await;
    assert_eq!(value_of(&site, "Title", 0).await, json!("Close the loop"));
    assert_eq!(read(site.guide(), "playbooks/close-the-loop.md"), md);
    // The same file as `partnerbook new playbook "Close the loop" --stage follow-up`.
    assert!(md.contains("title: \"Close the loop\"\n") && md.contains("\nstage: follow-up "), "{md}");
    // Written today, so reviewed today: not due for review.
    let today = crate::support::TODAY;
    assert!(md.contains(&format!("\nupdated: {today} ")) && md.contains(&format!("\nreviewed: {today} ")), "{md}");
    check_passes(site.guide());
}

#[tokio::test]
async fn a_file_changed_on_disk_is_a_conflict_that_writes_nothing_and_keeps_the_typed_text() {
    let site = Site::open_guide(guide(), READY, "partners/campus-it/").await;
    mark(&site).await;
    click(&site, "section.pb-edit", "Add action item").await;
    site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
    type_in(&site, "Task", 0, "Call the help desk").await;

    // Someone saves the file in an editor while the form is open.
    let path = "partners/campus-it.yaml";
    let changed =
        read(site.guide(), path).replace("summary: Runs the network and the help desk.", "summary: Runs the network.");
    site.guide().save(path, &changed);
    // serve has rebuilt; the open form held the page's reload.
    site.wait_for("fetch('/partners/campus-it/').then(r => r.text()).then(t => window.__rebuilt = t.includes('Runs the network.</p>')) && window.__rebuilt === true", SAVE_TO_PAGE).await;
    assert_eq!(
        site.eval(&format!("{MARKER} === true && {DIALOG} !== null")).await,
        json!(true),
        "the page kept the form"
    );

    click(&site, "dialog[open]", "Save").await;
    let alert = "(document.querySelector('dialog[open] [role=alert]') || {textContent: ''}).textContent";
    site.wait_for(&format!("{alert}.includes('changed on disk')"), REACT).await;
    let shown = site.eval(alert).await;
    assert!(
        shown.as_str().unwrap().contains("-summary: Runs the network and the help desk."),
        "the disk diff: {shown}"
    );
    assert!(shown.as_str().unwrap().contains("+summary: Runs the network."), "the disk diff: {shown}");
    assert_eq!(value_of(&site, "Task", 0).await, json!("Call the help desk"), "the typed text stays");
    assert_eq!(read(site.guide(), path), changed, "nothing was written");
    assert!(!read(site.guide(), path).contains("Call the help desk"));

    // Closing the form lets the held reload through.
    click(&site, "dialog[open]", "Cancel").await;
    after_reload(&site, "document.querySelector('.lead').textContent === 'Runs the network.'").await;
}

#[tokio::test]
async fn a_partner_page_with_the_log_a_meeting_form_open_passes_axe_in_both_schemes() {
    let axe = axe_source();
    let site = Site::open_guide(guide(), READY, "partners/campus-it/").await;
    let mut violations = Vec::new();
    for scheme in [Scheme::Light, Scheme::Dark] {
        emulate_media(&site.browser, scheme, false);
        site.goto("partners/campus-it/").await;
        click(&site, "section.pb-edit", "Log a meeting").await;
        site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
        click(&site, "dialog[open]", "Add another action item").await;
        // A refused save shows its alert inside the form.
        site.execute("document.querySelector('dialog[open] [role=alert]').textContent = '';").await;
        let where_ = format!("partner page with Log a meeting open [{} scheme]", scheme.name());
        let (v, _) = axe_violations(&site.browser, &axe, "document", &where_).await;
        violations.extend(v);
        site.screenshot(&format!("edit-log-a-meeting-{}", scheme.name())).await;
    }
    assert!(violations.is_empty(), "axe-core violations with a form open:\n{}", violations.join("\n"));
}

/// Shared on a network with `--allow-edit`, pages do not carry the token: the
/// first save asks for the one serve printed, a wrong one saves nothing, and
/// the right one is kept for the tab.
#[tokio::test]
async fn on_a_shared_bind_the_first_save_asks_for_the_printed_token() {
    let site =
        Site::open_guide_with(guide(), &["--bind", "0.0.0.0", "--allow-edit"], READY, "partners/campus-it/").await;
    let data = "JSON.parse(document.getElementById('partnerbook-edit').textContent).token";
    assert_eq!(site.eval(data).await, Value::Null, "the page hands out no token");
    let stderr = site.serve.stderr();
    let token = stderr.split("editing on: token ").nth(1).and_then(|t| t.lines().next()).expect("a printed token");
    let before = read(site.guide(), "partners/campus-it.yaml");

    async fn save_status(site: &Site, status: &str) {
        click(site, "section.pb-edit", "Change status").await;
        site.wait_for(&format!("{DIALOG} !== null"), REACT).await;
        control(site, "Status", 0).await.select_by_value(status).await.unwrap();
        click(site, "dialog[open]", "Save").await;
    }
    async fn answer_prompt(site: &Site, text: &str) {
        let deadline = std::time::Instant::now() + REACT;
        loop {
            match site.client().get_alert_text().await {
                Ok(asked) => {
                    assert!(asked.contains("token"), "{asked}");
                    break;
                }
                Err(_) if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(25)).await,
                Err(e) => panic!("no prompt for the token: {e}"),
            }
        }
        site.client().send_alert_text(text).await.expect("typing into the prompt");
        site.client().accept_alert().await.expect("accepting the prompt");
    }

    // A wrong token: refused, nothing written, the form says so.
    save_status(&site, "paused").await;
    answer_prompt(&site, "not-the-token").await;
    site.wait_for("document.querySelector('dialog[open] [role=alert]') && document.querySelector('dialog[open] [role=alert]').textContent.includes('token')", REACT).await;
    assert_eq!(read(site.guide(), "partners/campus-it.yaml"), before, "a wrong token wrote the file");

    // The printed token: saved.
    mark(&site).await;
    click(&site, "dialog[open]", "Save").await;
    answer_prompt(&site, token).await;
    after_reload(&site, "document.querySelector('.status').textContent.trim() === 'Paused'").await;
    // Kept for the tab: the next save asks nothing.
    mark(&site).await;
    save_status(&site, "active").await;
    after_reload(&site, "document.querySelector('.status').textContent.trim() === 'Active'").await;
    check_passes(site.guide());
}
