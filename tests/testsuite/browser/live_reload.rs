//! Live reload in a real browser: a page open on `partnerbook serve` follows
//! saves of the guide by itself, shows a broken save as an overlay over the
//! last good page, and drops the overlay when the file is fixed.
//!
//! A CSS-only change (restyle without reload) is not tested here: the guide
//! has no stylesheet of its own to edit.

use std::time::Duration;

use super::{Browser, Serve, js_string};
use crate::support::GuideTest;

/// How long a save may take to reach an open page.
const SAVE_TO_PAGE: Duration = Duration::from_secs(10);
/// How long a page may take to show up after `goto`.
const PAGE: Duration = Duration::from_secs(5);

/// Set on `window` by the test; a reload forgets it.
const MARKER: &str = "window.__partnerbookTestMarker";

/// The page's first heading is `text`.
fn h1_is(text: &str) -> String {
    format!("(document.querySelector('h1') || {{}}).textContent?.trim() === {}", js_string(text))
}

/// The guide the tests start from: `tests/testsuite/build/good`.
fn guide() -> GuideTest {
    GuideTest::from_dir("build/good")
}

/// Saves like an editor that writes a temporary file and renames it over the old one.
fn save_atomically(guide: &GuideTest, path: &str, text: &str) {
    let to = guide.guide().join(path);
    let tmp = to.with_file_name(format!(".{}.partnerbook-test-save", to.file_name().unwrap().to_string_lossy()));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &to).unwrap();
}

#[tokio::test]
async fn an_open_page_reloads_after_its_playbook_is_saved() {
    let guide = guide();
    let serve = Serve::start(&guide.guide());
    let browser = Browser::open().await;
    browser.goto(&serve.url("playbooks/run-the-meeting/")).await;
    browser.wait_for(&h1_is("Run the meeting"), PAGE).await;
    browser.execute(&format!("{MARKER} = true;")).await;

    // Written in place, as most editors save.
    let path = guide.guide().join("playbooks/run-the-meeting.md");
    let before = std::fs::read_to_string(&path).unwrap();
    let after = before.replacen("title: Run the meeting\n", "title: Run the meeting well\n", 1);
    assert_ne!(before, after, "the fixture's title line changed; update this test");
    guide.file("playbooks/run-the-meeting.md", &after);

    browser.wait_for(&format!("{} && {MARKER} === undefined", h1_is("Run the meeting well")), SAVE_TO_PAGE).await;
    assert_eq!(browser.eval("document.title").await.as_str().map(|t| t.contains("Run the meeting well")), Some(true));
}

#[tokio::test]
async fn a_broken_save_shows_an_overlay_and_the_fix_clears_it() {
    let guide = guide();
    let serve = Serve::start(&guide.guide());
    let browser = Browser::open().await;
    browser.goto(&serve.url("partners/campus-it/")).await;
    browser.wait_for(&h1_is("Campus IT"), PAGE).await;
    assert_eq!(browser.eval("document.getElementById('partnerbook-overlay') === null").await, true);

    let good = std::fs::read_to_string(guide.guide().join("partners/campus-it.yaml")).unwrap();
    let broken = good.replacen("kind: it\n", "kind: itt\n", 1);
    assert_ne!(good, broken, "the fixture's kind line changed; update this test");
    save_atomically(&guide, "partners/campus-it.yaml", &broken);

    // The open page gets the overlay, naming the file, line and column, over the last good page.
    let overlay = "document.getElementById('partnerbook-overlay')";
    let names_the_error = format!(
        "{overlay} !== null && {overlay}.textContent.includes('partners/campus-it.yaml:2:7') \
         && {overlay}.textContent.includes('itt')"
    );
    browser.wait_for(&names_the_error, SAVE_TO_PAGE).await;
    browser.wait_for(&h1_is("Campus IT"), PAGE).await;
    let shot = browser.screenshot("live-reload-overlay").await;
    assert!(shot.is_file());

    // A page opened while the guide is broken carries the overlay from the server.
    browser.goto(&serve.url("partners/campus-it/")).await;
    browser.wait_for(&format!("{names_the_error} && {}", h1_is("Campus IT")), PAGE).await;
    browser.execute(&format!("{MARKER} = true;")).await;

    // The fix reloads the page, without the overlay.
    save_atomically(&guide, "partners/campus-it.yaml", &good);
    browser
        .wait_for(&format!("{overlay} === null && {MARKER} === undefined && {}", h1_is("Campus IT")), SAVE_TO_PAGE)
        .await;
    drop(browser);
    serve.stop();
}
