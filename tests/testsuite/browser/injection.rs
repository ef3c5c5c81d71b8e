//! Script injection in a real browser: the guide of `injection.rs`, with a
//! payload in every text field, served and opened page by page in headless
//! Chromium. Before any page script runs, a hook replaces `alert`, `confirm`
//! and `prompt` with functions that only record the call; every payload would
//! call one of them or set `window.__pwned`. On every kind of page (home,
//! playbook list, playbook, partners, partner, brief, actions, tags, tag, free
//! page, 404) and after searching, nothing may have run, and the DOM may hold
//! no event-handler attribute, no script or data URL and no element a payload
//! would have made.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::{Value, json};

use super::{Browser, Serve};
use crate::injection::hostile_guide;

/// How long a page may take to load.
const PAGE: Duration = Duration::from_secs(10);

/// Installed in every document before its own scripts. The page's
/// EventSource is removed too: Chromium keeps the live-reload connections of
/// earlier pages open, and after six of them the next page would wait.
const HOOK: &str = "(() => { window.__dialogs = []; \
    for (const n of ['alert', 'confirm', 'prompt']) { \
      window[n] = function (m) { window.__dialogs.push(n + ':' + String(m)); return null; }; } \
    delete window.EventSource; window.EventSource = undefined; })();";

/// What a page shows of any payload that got through. A script element counts
/// unless it is JSON: serve's editing data is a JSON island that holds the
/// page's own text, payloads included, and JSON never runs.
const EVIDENCE: &str = "(() => { \
    const bad = /^(javascript|vbscript|data):/i; \
    const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'xlink:href']; \
    const all = [...document.querySelectorAll('*')]; \
    return { \
      pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned), \
      dialogs: window.__dialogs || 'no hook', \
      handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on')) \
        .map(a => e.tagName + ' ' + a.name)), \
      urls: all.flatMap(e => urlAttrs.map(n => e.getAttribute(n)) \
        .filter(v => v !== null && bad.test(v.replace(/[\\u0000-\\u0020]/g, '')))), \
      elements: [...document.querySelectorAll('iframe, object, embed, math, video, frame, img[src=\"x\"], \
        body body, input[autofocus], form button[formaction]')].map(e => e.tagName), \
      scripts: [...document.scripts].filter(s => !/^application\\/json$/i.test(s.type) \
        && /__pwned|alert\\(/.test(s.text + (s.src || ''))).length, \
    }; })()";

/// Nothing ran and nothing was made.
fn clean() -> Value {
    json!({ "pwned": null, "dialogs": [], "handlers": [], "urls": [], "elements": [], "scripts": 0 })
}

/// Sends one DevTools command through chromedriver.
fn cdp(browser: &Browser, cmd: &str, params: Value) {
    let body = json!({ "cmd": cmd, "params": params }).to_string();
    let path = format!("/session/{}/goog/cdp/execute", browser.session);
    let (status, text) = super::http_json(browser.driver.port, "POST", &path, &body, PAGE)
        .unwrap_or_else(|e| panic!("CDP {cmd}: no answer from chromedriver: {e}"));
    assert_eq!(status, 200, "CDP {cmd} failed: {text}");
}

/// Opens `url`, waits for the load event, and checks the page is clean.
async fn visit(browser: &Browser, url: &str) {
    browser.goto(url).await;
    browser.wait_for("document.readyState === 'complete'", PAGE).await;
    check(browser, url).await;
}

async fn check(browser: &Browser, what: &str) {
    let seen = browser.eval(EVIDENCE).await;
    if seen != clean() {
        let shot = browser.screenshot("injection").await;
        panic!("{what}: a payload got through:\n{seen:#}\nscreenshot: {}", shot.display());
    }
}

/// The `href`s of the links matching `selector` on the current page.
async fn links(browser: &Browser, selector: &str) -> Vec<String> {
    let v = browser.eval(&format!("[...document.querySelectorAll('{selector}')].map(a => a.href)")).await;
    let mut out: Vec<String> = v.as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

async fn type_keys(browser: &Browser, text: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for c in text.chars() {
        actions = actions.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
    }
    browser.client().perform_actions(actions).await.unwrap_or_else(|e| panic!("could not type {text:?}: {e}"));
}

#[tokio::test]
async fn no_payload_runs_on_any_kind_of_page_or_in_search() {
    let guide = hostile_guide();
    let serve = Serve::start(&guide.guide());
    let browser = Browser::open().await;
    cdp(&browser, "Page.addScriptToEvaluateOnNewDocument", json!({ "source": HOOK }));

    // The hook is in place: a call to alert is recorded, not shown.
    browser.goto(&serve.url("")).await;
    assert_eq!(browser.eval("(alert('probe'), window.__dialogs)").await, json!(["alert:probe"]));

    let fixed = ["", "playbooks/", "partners/", "actions/", "tags/", "about/", "no-such-page/", "404.html"];
    for path in fixed {
        visit(&browser, &serve.url(path)).await;
    }
    // Every playbook, partner and tag (each carries other payloads; some are named after one), and briefs.
    browser.goto(&serve.url("playbooks/")).await;
    let playbooks = links(&browser, "main a[href*=\"/playbooks/\"]").await;
    browser.goto(&serve.url("partners/")).await;
    let partners = links(&browser, "main a[href*=\"/partners/\"]").await;
    browser.goto(&serve.url("tags/")).await;
    let tags = links(&browser, "main a[href*=\"/tags/\"]").await;
    assert!(playbooks.len() > 40 && partners.len() > 40 && tags.len() > 10, "{playbooks:?} {partners:?} {tags:?}");
    for url in playbooks.iter().chain(&partners).chain(&tags) {
        visit(&browser, url).await;
    }
    for i in [0, 1, 4, 8, 14, 17, 36] {
        visit(&browser, &serve.url(&format!("partners/c{i:02}/brief/"))).await;
    }

    // Search: results whose titles and snippets are payloads, and a payload as the query.
    browser.goto(&serve.url("")).await;
    browser.wait_for("document.getElementById('site-search').hidden === false", PAGE).await;
    for query in ["Playbook", "onerror", "<img src=x onerror=window.__pwned=50>", "\"><svg onload=alert(51)>"] {
        browser
            .execute(
                "const i = document.getElementById('site-search-input'); i.value = ''; i.focus(); \
                 document.querySelector('#site-search [role=status]').textContent = '';",
            )
            .await;
        type_keys(&browser, query).await;
        // Each query ends with a count said in the status region ("No results", "3 results").
        browser.wait_for("/result/.test(document.querySelector('#site-search [role=status]').textContent)", PAGE).await;
        check(&browser, &format!("searching {query:?}")).await;
    }
    // The checks see a payload that does get in (markup added by script here).
    browser
        .execute("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=99\">');")
        .await;
    browser.wait_for("window.__pwned === 99", PAGE).await;
    let seen = browser.eval(EVIDENCE).await;
    assert_eq!((&seen["pwned"], &seen["handlers"]), (&json!("99"), &json!(["IMG onerror"])), "{seen:#}");

    // The payloads are in the index, so the last queries list them: as text.
    let shown = browser.eval("document.getElementById('site-search-results').textContent").await;
    assert!(shown.as_str().is_some_and(|t| t.contains("<svg") || t.contains("onload")), "{shown}");
}
