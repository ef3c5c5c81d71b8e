//! The JavaScript of the outreach tools in a real browser, on the guide
//! `tests/testsuite/browser_fixtures/outreach`: checklists that remember their
//! ticks, copy buttons, the instant filters of the partner directory and of
//! the actions page, and the brief's print button.
//!
//! The pages without JavaScript (the filter pages themselves) are covered by
//! the integration tests in `tests/testsuite/outreach.rs`; here, each in-place
//! filter is also compared with the page its link stands for.
//!
//! Clicks are real WebDriver clicks (trusted events with user activation, as
//! the clipboard needs). The theme scrolls smoothly, and chromedriver clicks
//! where an element is before the scroll animation ends, so [`click`] scrolls
//! the element into view instantly first.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

use super::{Browser, Site, js_string, wait_value};

/// How long a page may take to show up after `goto`.
const PAGE: Duration = Duration::from_secs(5);
/// How long the page may take to react to a click.
pub(super) const REACT: Duration = Duration::from_secs(3);
/// How long a "Copied" label may stay (the script says two seconds).
const LABEL_BACK: Duration = Duration::from_secs(4);

/// Set on `window` by a test; any page load forgets it.
const MARKER: &str = "window.__partnerbookTestMarker";

/// The email block of `playbooks/first-contact.md`, as the code element holds it.
const EMAIL: &str = "Dear Ana,\n\nThe library would like to meet your team for half an hour.\n\
                     Would Tuesday at 10:00 suit you? Q&A <optional>, \"quotes\" too.\n\nBest wishes,\nLee\n";
/// The same email as it is copied: the paragraph's wrapped line joined.
const EMAIL_COPIED: &str = "Dear Ana,\n\nThe library would like to meet your team for half an hour. \
                            Would Tuesday at 10:00 suit you? Q&A <optional>, \"quotes\" too.\n\nBest wishes,\nLee\n";
/// The template block of `playbooks/run-the-meeting.md`.
const TEMPLATE: &str = "Thank you for meeting us today.\nWe agreed on: {{ actions }}\n";

/// A page is ready when it is loaded and partnerbook.js has set up its announcer.
pub(super) const READY: &str = "document.readyState === 'complete' && document.getElementById('partnerbook-announcer')";

/// Serves the fixture guide and opens `path` in a fresh browser.
async fn open_site(path: &str) -> Site {
    Site::open("browser_fixtures/outreach", READY, path).await
}

/// Scrolls the element that `css` selects into view at once, then clicks it
/// like a person (a trusted click with user activation).
pub(super) async fn click(browser: &Browser, css: &str) {
    let found = browser
        .execute(&format!(
            "const e = document.querySelector({}); if (!e) return false; \
             e.scrollIntoView({{block: 'center', inline: 'nearest', behavior: 'instant'}}); return true;",
            js_string(css)
        ))
        .await;
    assert_eq!(found, true, "nothing on the page matches {css}");
    let element = browser.client().find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    element.click().await.unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

/// Runs an asynchronous script whose last argument is its callback, bounded in time.
pub(super) async fn execute_async(browser: &Browser, script: &str) -> Value {
    match tokio::time::timeout(REACT, browser.client().execute_async(script, vec![])).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => panic!("async script failed: {e}\n--- script ---\n{script}"),
        Err(_) => panic!("async script gave no answer within {REACT:?}\n--- script ---\n{script}"),
    }
}

/// A POST with a JSON body to this session on chromedriver, for the WebDriver
/// commands that fantoccini does not wrap. Gives the HTTP status and body.
pub(super) fn post_to_session(browser: &Browser, path: &str, body: &str) -> (u16, String) {
    use std::io::{BufRead, BufReader, Read, Write};
    let timeout = Duration::from_secs(10);
    let stream = std::net::TcpStream::connect_timeout(&([127, 0, 0, 1], browser.driver.port).into(), timeout).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    write!(
        &stream,
        "POST /session/{}/{path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        browser.session,
        browser.driver.port,
        body.len()
    )
    .unwrap();
    // chromedriver keeps the connection open: read by Content-Length.
    let mut reader = BufReader::new(&stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut out = vec![0u8; length];
    reader.read_exact(&mut out).unwrap();
    (status, String::from_utf8_lossy(&out).into_owned())
}

/// Lets the page's origin read and write the clipboard (WebDriver's Set
/// Permission; it applies to the origin of the page open now).
pub(super) fn grant_clipboard(browser: &Browser) {
    for name in ["clipboard-read", "clipboard-write"] {
        let body = json!({ "descriptor": { "name": name }, "state": "granted" }).to_string();
        let (status, answer) = post_to_session(browser, "permissions", &body);
        assert_eq!(status, 200, "could not grant {name}: {answer}");
    }
}

/// What the browser's clipboard holds now.
pub(super) async fn clipboard(browser: &Browser) -> String {
    let v = execute_async(
        browser,
        "const done = arguments[arguments.length - 1]; \
         navigator.clipboard.readText().then(t => done({ text: t }), e => done({ error: String(e) }));",
    )
    .await;
    match v["text"].as_str() {
        Some(t) => t.to_string(),
        None => panic!("could not read the clipboard: {v}"),
    }
}

/// Puts `text` on the clipboard, so that a copy that does nothing shows.
pub(super) async fn fill_clipboard(browser: &Browser, text: &str) {
    let v = execute_async(
        browser,
        &format!(
            "const done = arguments[arguments.length - 1]; \
             navigator.clipboard.writeText({}).then(() => done('ok'), e => done(String(e)));",
            js_string(text)
        ),
    )
    .await;
    assert_eq!(v, "ok", "could not write the clipboard");
}

// ---------------------------------------------------------------------------
// Checklists
// ---------------------------------------------------------------------------

/// The ticks of the page's checklist boxes, in order.
const TICKS: &str = "[...document.querySelectorAll('.prose input[type=checkbox]')].map(b => b.checked)";
/// What the page remembers, parsed (null when nothing).
const STORED: &str = "JSON.parse(localStorage.getItem('partnerbook:checklist:' + location.pathname))";
/// The text of the live region.
pub(super) const ANNOUNCED: &str = "document.getElementById('partnerbook-announcer').textContent";

/// The CSS selector of the page's `i`-th checklist box.
fn task(i: usize) -> String {
    format!(".prose input[type=checkbox][data-task='{i}']")
}

#[tokio::test]
async fn checklist_ticks_survive_a_reload_and_reset_restores_the_markdown() {
    let site = open_site("playbooks/first-contact/").await;
    let defaults = json!([true, false, false, false, true]);
    wait_value(&site, TICKS, defaults.clone(), PAGE).await;

    // Every box is enabled, named after its item, and nothing is stored yet.
    let boxes = site
        .eval(
            "[...document.querySelectorAll('.prose input[type=checkbox]')]\
             .map(b => [b.disabled, b.hasAttribute('disabled'), b.getAttribute('aria-label')])",
        )
        .await;
    assert_eq!(
        boxes,
        json!([
            [false, false, "Read their web pages"],
            [false, false, "Find the director\u{2019}s name"],
            [false, false, "Ask a colleague who knows them"],
            [false, false, "Send the recap"],
            [false, false, "Add the meeting to the partner file"],
        ])
    );
    assert_eq!(site.eval(STORED).await, Value::Null);
    // One reset button for the page, just before its first checklist.
    assert_eq!(
        site.eval(
            "[...document.querySelectorAll('.reset-checklist')].map(b => [b.type, b.textContent, \
             b.nextElementSibling === document.querySelector('.prose ul')])"
        )
        .await,
        json!([["button", "Reset the checklists on this page", true]])
    );

    // Tick two boxes and untick a box that Markdown ticked, in both lists.
    click(&site, &task(1)).await;
    click(&site, &task(0)).await;
    click(&site, &task(3)).await;
    let ticked = json!([false, true, false, true, true]);
    wait_value(&site, TICKS, ticked.clone(), REACT).await;
    wait_value(&site, STORED, ticked.clone(), REACT).await;

    // The keyboard ticks too.
    site.execute(&format!("document.querySelector({}).focus();", js_string(&task(2)))).await;
    site.client().active_element().await.unwrap().send_keys(" ").await.unwrap();
    let ticked = json!([false, true, true, true, true]);
    wait_value(&site, STORED, ticked.clone(), REACT).await;

    // A reload keeps every tick and untick.
    site.execute(&format!("{MARKER} = true;")).await;
    site.client().refresh().await.unwrap();
    site.wait_for(&format!("{MARKER} === undefined && document.querySelector('.reset-checklist')"), PAGE).await;
    wait_value(&site, TICKS, ticked.clone(), REACT).await;

    // Reset brings back what the Markdown says, forgets the page, and says so.
    click(&site, ".reset-checklist").await;
    wait_value(&site, TICKS, defaults.clone(), REACT).await;
    assert_eq!(site.eval(STORED).await, Value::Null);
    wait_value(&site, ANNOUNCED, json!("Checklists reset"), REACT).await;

    // ...for good: a reload shows the defaults again.
    site.client().refresh().await.unwrap();
    site.wait_for("document.querySelector('.reset-checklist')", PAGE).await;
    wait_value(&site, TICKS, defaults, REACT).await;
    assert_eq!(site.eval(STORED).await, Value::Null);
}

#[tokio::test]
async fn each_playbook_keeps_its_own_checklist() {
    let site = open_site("playbooks/first-contact/").await;
    wait_value(&site, TICKS, json!([true, false, false, false, true]), PAGE).await;
    click(&site, &task(2)).await;
    let first_contact = json!([true, false, true, false, true]);
    wait_value(&site, STORED, first_contact.clone(), REACT).await;

    // The other playbook starts from its own Markdown. Its nested item and its
    // loose list (boxes inside paragraphs) work like the rest.
    site.goto("playbooks/run-the-meeting/").await;
    wait_value(&site, TICKS, json!([true, false, false, false, false, true]), PAGE).await;
    assert_eq!(site.eval(STORED).await, Value::Null);
    assert_eq!(
        site.eval(
            "[...document.querySelectorAll('.prose input[type=checkbox]')]\
             .map(b => [b.disabled, b.getAttribute('aria-label')])"
        )
        .await,
        json!([
            [false, "Book the room"],
            [false, "Send the agenda"],
            [false, "Name an owner for each action"],
            [false, "Write the owners in the notes"],
            [false, "Send the recap"],
            [false, "File the notes"],
        ])
    );
    click(&site, &task(3)).await;
    click(&site, &task(4)).await;
    click(&site, &task(5)).await;
    let run_the_meeting = json!([true, false, false, true, true, false]);
    wait_value(&site, STORED, run_the_meeting.clone(), REACT).await;
    assert_eq!(
        site.eval("localStorage.getItem('partnerbook:checklist:/playbooks/first-contact/')").await,
        json!(first_contact.to_string()),
        "ticking here changed the other playbook"
    );

    // Back on the first playbook: its ticks, not the other's.
    site.goto("playbooks/first-contact/").await;
    wait_value(&site, TICKS, first_contact, PAGE).await;

    // Resetting one page leaves the other alone.
    click(&site, ".reset-checklist").await;
    wait_value(&site, STORED, Value::Null, REACT).await;
    site.goto("playbooks/run-the-meeting/").await;
    wait_value(&site, TICKS, run_the_meeting, PAGE).await;
}

// ---------------------------------------------------------------------------
// Copy buttons
// ---------------------------------------------------------------------------

/// The label of the button that `css` selects.
pub(super) fn label_of(css: &str) -> String {
    format!("document.querySelector({}).textContent", js_string(css))
}

#[tokio::test]
async fn the_email_copy_button_puts_the_exact_email_on_the_clipboard() {
    let site = open_site("playbooks/first-contact/").await;
    grant_clipboard(&site);
    let button = "pre + .copy-row button.copy-button";
    assert_eq!(
        site.eval(&format!(
            "(b => [b.type, b.textContent, b.getAttribute('aria-controls') === b.parentElement.previousElementSibling.id, \
             b.parentElement.previousElementSibling.textContent])(document.querySelector({}))",
            js_string(button)
        ))
        .await,
        json!(["button", "Copy this email", true, EMAIL]),
    );
    assert_eq!(site.eval("document.querySelectorAll('.copy-button').length").await, 1);
    fill_clipboard(&site, "nothing copied yet").await;

    click(&site, button).await;
    wait_value(&site, &label_of(button), json!("Copied"), REACT).await;
    wait_value(&site, ANNOUNCED, json!("Copied to the clipboard"), REACT).await;
    assert_eq!(site.eval("document.getElementById('partnerbook-announcer').getAttribute('aria-live')").await, "polite");
    assert_eq!(clipboard(&site).await, EMAIL_COPIED);

    // A second click while it says "Copied" copies again, and the label comes
    // back for good: still there once the second click's two seconds are over.
    fill_clipboard(&site, "nothing copied yet").await;
    site.execute("window.__secondClick = performance.now();").await;
    click(&site, button).await;
    let copied_again = execute_async(
        &site,
        "const done = arguments[arguments.length - 1]; const until = Date.now() + 2500; \
         (function poll() { navigator.clipboard.readText().then(t => { \
           if (t !== 'nothing copied yet' || Date.now() > until) done(t); else setTimeout(poll, 25); }); })();",
    )
    .await;
    assert_eq!(copied_again, EMAIL_COPIED);
    let label_after = format!("performance.now() - window.__secondClick > 2300 ? {} : 'too early'", label_of(button));
    wait_value(&site, &label_after, json!("Copy this email"), LABEL_BACK).await;
}

#[tokio::test]
async fn the_template_copy_button_falls_back_when_the_clipboard_api_refuses() {
    let site = open_site("playbooks/run-the-meeting/").await;
    grant_clipboard(&site);
    let button = "pre + .copy-row button.copy-button";
    assert_eq!(site.eval(&label_of(button)).await, "Copy this template");
    fill_clipboard(&site, "nothing copied yet").await;

    // As when the page lacks focus: the asynchronous API refuses; the old
    // copy command must still copy, and give focus back to the button.
    site.execute(
        "window.__refused = 0; navigator.clipboard.writeText = function () { window.__refused++; \
         return Promise.reject(new DOMException('Document is not focused.', 'NotAllowedError')); };",
    )
    .await;
    click(&site, button).await;
    wait_value(&site, &label_of(button), json!("Copied"), REACT).await;
    wait_value(&site, ANNOUNCED, json!("Copied to the clipboard"), REACT).await;
    assert_eq!(site.eval("window.__refused").await, 1);
    assert_eq!(clipboard(&site).await, TEMPLATE);
    assert_eq!(
        site.eval(&format!("document.activeElement === document.querySelector({})", js_string(button))).await,
        true,
        "focus stays on the copy button"
    );
}

#[tokio::test]
async fn the_brief_copies_its_follow_up_message() {
    let site = open_site("partners/campus-it/brief/").await;
    grant_clipboard(&site);
    let button = "button[data-copy-target='follow-up-body']";
    assert_eq!(site.eval(&label_of(button)).await, "Copy the message");
    // The message as the mail link carries it, with plain line ends.
    let mailto = site
        .eval(
            "decodeURIComponent(document.querySelector('.follow-up a[href^=\"mailto:\"]').getAttribute('href')\
             .split('&body=')[1]).replaceAll('\\r\\n', '\\n')",
        )
        .await;
    let message = mailto.as_str().expect("a mail link with a body").to_string();
    assert!(
        message.starts_with(
            "Dear Ana,\n\nThank you for meeting with us on 2026-11-20 (Kick-off). Here is what we agreed:\n\n\
             - Share the room & lab booking form (owner: Ana Ruiz, by 2026-12-01)\n"
        ),
        "{message}"
    );
    fill_clipboard(&site, "nothing copied yet").await;

    click(&site, button).await;
    wait_value(&site, &label_of(button), json!("Copied"), REACT).await;
    wait_value(&site, ANNOUNCED, json!("Copied to the clipboard"), REACT).await;
    assert_eq!(clipboard(&site).await, message);
}

#[tokio::test]
async fn the_print_button_prints_the_brief() {
    let site = open_site("partners/campus-it/brief/").await;
    site.execute("window.__printed = 0; window.print = function () { window.__printed++; };").await;
    assert_eq!(site.eval("document.querySelector('[data-print]').textContent").await, "Print this brief");
    click(&site, "[data-print]").await;
    wait_value(&site, "window.__printed", json!(1), REACT).await;
}

// ---------------------------------------------------------------------------
// Instant filters
// ---------------------------------------------------------------------------

/// A JavaScript function `(doc, live)` giving what a filtered list shows: the
/// path, the count line, the current filter links, and the names of the items
/// (with `live`, only those rendered; a fetched page shows all it has).
const DIRECTORY_STATE: &str = "((doc, live) => { const seen = e => !live || e.getClientRects().length > 0; return { \
    count: doc.querySelector('.result-count').textContent.trim(), \
    current: [...doc.querySelectorAll('[data-directory-filters] a[aria-current=page]')].map(a => a.getAttribute('href')), \
    cards: [...doc.querySelectorAll('[data-directory] > li')].filter(seen).map(li => li.querySelector('.card-title').textContent.trim()), \
}; })";

/// Like [`DIRECTORY_STATE`] for the actions page, with its groups and their counts.
const ACTIONS_STATE: &str = "((doc, live) => { const seen = e => !live || e.getClientRects().length > 0; return { \
    count: doc.querySelector('.result-count').textContent.trim(), \
    current: [...doc.querySelectorAll('[data-filter-scope] a[aria-current=page]')].map(a => a.getAttribute('href')), \
    groups: [...doc.querySelectorAll('[data-group]')].filter(seen).map(g => g.id + ' ' + g.querySelector('h2 .count').textContent), \
    items: [...doc.querySelectorAll('[data-group] tbody > tr')].filter(seen).map(tr => tr.querySelector('.task-text').textContent.trim()), \
}; })";

/// What the open page shows now, by `state`, with its path.
fn live(state: &str) -> String {
    format!("Object.assign({state}(document, true), {{ path: location.pathname }})")
}

/// After a click on a filter link: the list shows `want` at `path`, in place
/// (no page load), and the same items and counts as the server's page for that path.
async fn expect_filtered(site: &Site, state: &str, path: &str, mut want: Value) {
    want["path"] = json!(path);
    wait_value(site, &live(state), want.clone(), REACT).await;
    assert_eq!(site.eval(MARKER).await, true, "the filter loaded a page instead of filtering in place");
    let mut page = execute_async(
        site,
        &format!(
            "const done = arguments[arguments.length - 1]; fetch({}).then(r => r.text()).then(html => \
             done({state}(new DOMParser().parseFromString(html, 'text/html'), false)), e => done(String(e)));",
            js_string(path)
        ),
    )
    .await;
    // The current link is checked above: a filter page of the actions has no filter links.
    page["path"] = json!(path);
    page["current"] = want["current"].clone();
    assert_eq!(want, page, "filtering in place differs from the page {path}");
}

#[tokio::test]
async fn directory_facets_filter_in_place_and_back_restores() {
    let site = open_site("partners/").await;
    let all = json!({
        "count": "3 partners",
        // The "All" of each facet: kind, status and tag.
        "current": ["/partners/", "/partners/", "/partners/"],
        "cards": ["Department of Art and Design", "Campus IT", "Office of Research"],
    });
    site.execute(&format!("{MARKER} = true;")).await;
    expect_filtered(&site, DIRECTORY_STATE, "/partners/", all.clone()).await;
    let history_length = site.eval("history.length").await;

    let facet = |href: &str| format!("[data-directory-filters] a[href='{href}']");
    click(&site, &facet("/partners/kind/it/")).await;
    let it = json!({ "count": "1 partner", "current": ["/partners/kind/it/"], "cards": ["Campus IT"] });
    expect_filtered(&site, DIRECTORY_STATE, "/partners/kind/it/", it.clone()).await;

    click(&site, &facet("/partners/status/paused/")).await;
    let paused = json!({ "count": "1 partner", "current": ["/partners/status/paused/"], "cards": ["Department of Art and Design"] });
    expect_filtered(&site, DIRECTORY_STATE, "/partners/status/paused/", paused.clone()).await;

    // A tag matches whole tags only: "research" is not "research-data".
    click(&site, &facet("/partners/tag/research/")).await;
    let research =
        json!({ "count": "1 partner", "current": ["/partners/tag/research/"], "cards": ["Office of Research"] });
    expect_filtered(&site, DIRECTORY_STATE, "/partners/tag/research/", research).await;
    click(&site, &facet("/partners/tag/research-data/")).await;
    let research_data =
        json!({ "count": "1 partner", "current": ["/partners/tag/research-data/"], "cards": ["Campus IT"] });
    expect_filtered(&site, DIRECTORY_STATE, "/partners/tag/research-data/", research_data.clone()).await;

    // A click on the filter already shown adds no history entry.
    click(&site, &facet("/partners/tag/research-data/")).await;
    expect_filtered(&site, DIRECTORY_STATE, "/partners/tag/research-data/", research_data).await;
    assert_eq!(site.eval("history.length").await, json!(history_length.as_u64().unwrap() + 4));

    // Back and forward walk the filters, still in place.
    site.client().back().await.unwrap();
    site.client().back().await.unwrap();
    expect_filtered(&site, DIRECTORY_STATE, "/partners/status/paused/", paused).await;
    site.client().back().await.unwrap();
    expect_filtered(&site, DIRECTORY_STATE, "/partners/kind/it/", it.clone()).await;
    site.client().back().await.unwrap();
    expect_filtered(&site, DIRECTORY_STATE, "/partners/", all.clone()).await;
    site.client().forward().await.unwrap();
    expect_filtered(&site, DIRECTORY_STATE, "/partners/kind/it/", it).await;

    // "All" shows every partner again.
    click(&site, &facet("/partners/")).await;
    expect_filtered(&site, DIRECTORY_STATE, "/partners/", all).await;
}

#[tokio::test]
async fn a_directory_filter_page_opened_directly_links_to_the_others() {
    // Such a page holds only its own cards: its links must load their pages.
    let site = open_site("partners/kind/it/").await;
    wait_value(
        &site,
        &live(DIRECTORY_STATE),
        json!({ "count": "1 partner", "current": ["/partners/kind/it/"], "cards": ["Campus IT"], "path": "/partners/kind/it/" }),
        PAGE,
    )
    .await;
    site.execute(&format!("{MARKER} = true;")).await;
    click(&site, "[data-directory-filters] a[href='/partners/']").await;
    wait_value(
        &site,
        &format!("{MARKER} === undefined && {}", live(DIRECTORY_STATE)),
        json!({
            "count": "3 partners",
            "current": ["/partners/", "/partners/", "/partners/"],
            "cards": ["Department of Art and Design", "Campus IT", "Office of Research"],
            "path": "/partners/",
        }),
        PAGE,
    )
    .await;
}

#[tokio::test]
async fn actions_filter_by_owner_and_partner_and_everyone_restores() {
    let site = open_site("actions/").await;
    let everyone = json!({
        "count": "6 open items",
        "current": ["/actions/", "/actions/"],
        "groups": ["overdue (1)", "this-week (2)", "later (2)", "no-date (1)"],
        "items": [
            "Draft the service agreement",
            "Share the room & lab booking form",
            "Send the workshop proposal",
            "Send the list of workshops",
            "Ask about the makerspace budget",
            "Find the right contact",
        ],
    });
    site.execute(&format!("{MARKER} = true;")).await;
    expect_filtered(&site, ACTIONS_STATE, "/actions/", everyone.clone()).await;

    let filter = |href: &str| format!("[data-filter-scope] a[href='{href}']");
    // An owner: only their items, and the groups left empty are hidden.
    click(&site, &filter("/actions/owner/ana-ruiz/")).await;
    let ana = json!({
        "count": "2 open items",
        "current": ["/actions/owner/ana-ruiz/"],
        "groups": ["overdue (1)", "this-week (1)"],
        "items": ["Draft the service agreement", "Share the room & lab booking form"],
    });
    expect_filtered(&site, ACTIONS_STATE, "/actions/owner/ana-ruiz/", ana).await;
    assert_eq!(
        site.eval("[...document.querySelectorAll('[data-group]')].map(g => g.hidden)").await,
        json!([false, false, true, true])
    );

    click(&site, &filter("/actions/owner/max-mentor/")).await;
    let max = json!({
        "count": "1 open item",
        "current": ["/actions/owner/max-mentor/"],
        "groups": ["no-date (1)"],
        "items": ["Find the right contact"],
    });
    expect_filtered(&site, ACTIONS_STATE, "/actions/owner/max-mentor/", max).await;

    // A partner.
    click(&site, &filter("/actions/partner/campus-it/")).await;
    let campus_it = json!({
        "count": "4 open items",
        "current": ["/actions/partner/campus-it/"],
        "groups": ["overdue (1)", "this-week (2)", "later (1)"],
        "items": [
            "Draft the service agreement",
            "Share the room & lab booking form",
            "Send the workshop proposal",
            "Send the list of workshops",
        ],
    });
    expect_filtered(&site, ACTIONS_STATE, "/actions/partner/campus-it/", campus_it.clone()).await;

    // "Everyone" shows it all again; Back goes to the partner filter.
    click(&site, &filter("/actions/")).await;
    expect_filtered(&site, ACTIONS_STATE, "/actions/", everyone.clone()).await;
    site.client().back().await.unwrap();
    expect_filtered(&site, ACTIONS_STATE, "/actions/partner/campus-it/", campus_it).await;
    site.client().forward().await.unwrap();
    expect_filtered(&site, ACTIONS_STATE, "/actions/", everyone).await;
}
