//! The outreach tools at a glance, in a real browser, on the guide
//! `tests/testsuite/browser_fixtures/outreach` (today 2026-11-29 as served):
//! the words beside each due date, no badge that repeats its group, "whose
//! items" remembered across a reload and putting a person's items first, the
//! phone layout of `/actions/` and `/partners/` with their folded filters,
//! and the "All" of every directory facet.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

use super::{Browser, Site, js_string, wait_value};

/// How long the page may take to react.
const REACT: Duration = Duration::from_secs(3);

/// A page is ready when it is loaded and partnerbook.js has set up its announcer.
const READY: &str = "document.readyState === 'complete' && document.getElementById('partnerbook-announcer')";

async fn open_site(path: &str) -> Site {
    Site::open("browser_fixtures/outreach", READY, path).await
}

/// Sends one Chrome DevTools Protocol command through chromedriver.
fn cdp(browser: &Browser, cmd: &str, params: Value) {
    let body = json!({ "cmd": cmd, "params": params }).to_string();
    let path = format!("/session/{}/goog/cdp/execute", browser.session);
    let (status, text) = super::http_json(browser.driver.port, "POST", &path, &body, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("CDP {cmd}: no answer from chromedriver: {e}"));
    assert_eq!(status, 200, "CDP {cmd} failed: {text}");
}

/// Makes the page a 390 × 844 phone screen, so that the real media queries match.
fn phone(browser: &Browser) {
    cdp(
        browser,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": true }),
    );
}

/// The tasks of the rows of the actions tables, in the order shown, with
/// "Yours" after those marked as the chosen person's.
const ROWS: &str = "[...document.querySelectorAll('[data-group] tbody > tr')].map(tr => \
    tr.querySelector('.task-text').textContent.trim() + (tr.querySelector('.badge-mine') ? ' (Yours)' : ''))";

/// Chooses `owner` (a slug, or "" for nobody) in the "whose items" control
/// with a real selection, as a person would.
async fn choose(site: &Site, owner: &str) {
    let select = site.client().find(Locator::Css("[data-whose-select]")).await.expect("the whose-items control");
    select.select_by_value(owner).await.unwrap_or_else(|e| panic!("could not choose {owner:?}: {e}"));
}

#[tokio::test]
async fn due_dates_say_how_late_or_soon_and_no_badge_repeats_its_group() {
    let site = open_site("actions/").await;
    let due = "[...document.querySelectorAll('[data-group] tbody > tr')].map(tr => \
        tr.closest('[data-group]').id + ': ' + tr.querySelector('.due').textContent.trim().replace(/\\s+/g, ' '))";
    assert_eq!(
        site.eval(due).await,
        json!([
            "overdue: 2026-11-20 9 days late",
            "this-week: 2026-12-01 due in 2 days",
            "this-week: 2026-12-02 due in 3 days",
            "later: 2027-01-15 due in 6 weeks",
            "later: 2027-02-01 due in 2 months",
            "no-date: No date",
        ])
    );
    assert_eq!(site.eval("document.querySelectorAll('main .badge-overdue').length").await, 0);
    // The table spans the page's width, not half of it.
    let wide = "document.querySelector('.actions-table').getBoundingClientRect().width >= \
        0.9 * document.querySelector('main .wrap').clientWidth - 64";
    assert_eq!(site.eval(wide).await, true);
    // Home: the same words, no Overdue badge under "Overdue", and the week's count is a link to its group.
    site.goto("").await;
    let home = "document.querySelector('.attention [data-whose-list] .item').textContent.replace(/\\s+/g, ' ')";
    let text = site.eval(home).await;
    assert!(text.as_str().unwrap().contains("2026-11-20 9 days late"), "{text}");
    assert_eq!(site.eval("document.querySelectorAll('.attention .badge-overdue').length").await, 0);
    let week = "[...document.querySelectorAll('.attention a')].filter(a => /due within 7 days/.test(a.textContent))\
        .map(a => a.textContent + ' ' + a.getAttribute('href'))";
    assert_eq!(site.eval(week).await, json!(["2 due within 7 days /actions/#this-week"]));
}

#[tokio::test]
async fn whose_items_come_first_marked_and_the_choice_survives_a_reload() {
    let site = open_site("actions/").await;
    let usual = json!([
        "Draft the service agreement",
        "Share the room & lab booking form",
        "Send the workshop proposal",
        "Send the list of workshops",
        "Ask about the makerspace budget",
        "Find the right contact",
    ]);
    assert_eq!(site.eval(ROWS).await, usual);
    assert_eq!(site.eval("document.querySelector('[data-whose]').hidden").await, false);
    assert_eq!(
        site.eval("document.querySelector('label[for=whose-owner]').textContent").await,
        "Show first the items of"
    );

    choose(&site, "lee-librarian").await;
    // Within each group Lee's rows come first, marked; the groups keep their order.
    let lee = json!([
        "Draft the service agreement",
        "Send the workshop proposal (Yours)",
        "Share the room & lab booking form",
        "Send the list of workshops (Yours)",
        "Ask about the makerspace budget (Yours)",
        "Find the right contact",
    ]);
    wait_value(&site, ROWS, lee.clone(), REACT).await;
    let summary = "document.querySelector('[data-whose-summary]').textContent";
    assert_eq!(
        site.eval(summary).await,
        "Lee Librarian: 0 overdue, 1 due within 7 days. All open actions of Lee Librarian"
    );

    // Remembered: after a reload the same order, and the same on the home page.
    site.goto("actions/").await;
    assert_eq!(site.eval("document.querySelector('[data-whose-select]').value").await, "lee-librarian");
    assert_eq!(site.eval(ROWS).await, lee);
    site.goto("").await;
    assert_eq!(site.eval("document.querySelector('[data-whose-select]').value").await, "lee-librarian");
    let link = "document.querySelector('[data-whose-summary] a').getAttribute('href')";
    assert_eq!(site.eval(link).await, "/actions/owner/lee-librarian/");

    // Ana has an overdue item: on the home page it is marked as hers.
    choose(&site, "ana-ruiz").await;
    let overdue = "[...document.querySelectorAll('.attention [data-whose-list] > li')].map(li => \
        !!li.querySelector('.badge-mine'))";
    wait_value(&site, overdue, json!([true]), REACT).await;
    assert_eq!(site.eval(summary).await, "Ana Ruiz: 1 overdue, 1 due within 7 days. All open actions of Ana Ruiz");

    // Nobody: the usual order again, nothing marked, and nothing remembered.
    site.goto("actions/").await;
    choose(&site, "").await;
    wait_value(&site, ROWS, usual.clone(), REACT).await;
    assert_eq!(site.eval("localStorage.getItem('partnerbook:whose')").await, Value::Null);
    site.goto("actions/").await;
    assert_eq!(site.eval(ROWS).await, usual);
}

#[tokio::test]
async fn without_javascript_the_whose_control_is_not_shown() {
    let site = open_site("actions/").await;
    let html = site.eval("fetch('/actions/').then(r => r.text())").await;
    let html = html.as_str().expect("the page's HTML");
    assert!(html.contains("<div class=\"whose\" data-whose hidden>"), "hidden until the script shows it");
}

/// On a 390 × 844 screen: the first item of `list` is wholly visible without
/// scrolling, the filters are folded, and opening them shows `facet`.
async fn first_item_visible_and_filters_open(site: &Site, path: &str, list: &str, facet: &str) {
    site.goto(path).await;
    assert_eq!(site.eval("innerWidth").await, 390, "a phone-wide window");
    // The whole of the first item, not only its top edge.
    let bottom = format!("document.querySelector({}).getBoundingClientRect().bottom", js_string(list));
    let (bottom, height) = (site.eval(&bottom).await, site.eval("innerHeight").await);
    assert!(
        bottom.as_f64().unwrap() <= height.as_f64().unwrap(),
        "{path}: first item ends at {bottom}, window {height} high"
    );
    assert_eq!(site.eval("document.querySelector('[data-filter-panel]').open").await, false, "{path}");
    // A closed disclosure keeps its content laid out but not rendered (content-visibility).
    let shown = format!("document.querySelector({}).checkVisibility()", js_string(facet));
    assert_eq!(site.eval(&shown).await, false, "{path}: the facets are folded");
    site.client()
        .find(Locator::Css("[data-filter-panel] > summary"))
        .await
        .expect("the Filter control")
        .click()
        .await
        .expect("a click on Filter");
    wait_value(site, &shown, json!(true), REACT).await;
    site.screenshot(&format!("glance-phone-{}", path.trim_end_matches('/').replace('/', "-"))).await;
}

#[tokio::test]
async fn on_a_phone_the_first_action_and_partner_show_and_filters_fold() {
    let site = open_site("").await;
    phone(&site);
    first_item_visible_and_filters_open(&site, "actions/", "[data-group] tbody > tr", "[data-filter-scope] a").await;
    first_item_visible_and_filters_open(&site, "partners/", "[data-directory] > li", "[data-directory-filters] a")
        .await;
}

#[tokio::test]
async fn on_a_phone_the_shipped_guide_shows_its_first_action_and_partner() {
    let shipped =
        crate::support::GuideTest::from_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    let site = Site::open_guide(shipped, READY, "").await;
    phone(&site);
    first_item_visible_and_filters_open(&site, "actions/", "[data-group] tbody > tr", "[data-filter-scope] a").await;
    first_item_visible_and_filters_open(&site, "partners/", "[data-directory] > li", "[data-directory-filters] a")
        .await;
}

#[tokio::test]
async fn on_a_wide_screen_the_filters_are_open() {
    let site = open_site("partners/").await;
    assert_eq!(site.eval("document.querySelector('[data-filter-panel]').open").await, true);
}

#[tokio::test]
async fn every_directory_facet_has_an_all_and_tags_show_their_names() {
    let site = open_site("partners/status/paused/").await;
    let facets = "[...document.querySelectorAll('[data-directory-filters] nav')].map(n => \
        n.getAttribute('aria-label') + ': ' + n.querySelector('li a').textContent.trim() + ' ' + n.querySelector('li a').getAttribute('href'))";
    assert_eq!(
        site.eval(facets).await,
        json!([
            "Filter by kind: All kinds /partners/",
            "Filter by status: All statuses /partners/",
            "Filter by tag: All tags /partners/",
        ])
    );
    // Each "All" leads back to every partner.
    site.client().find(Locator::Css("nav[aria-label='Filter by status'] li a")).await.unwrap().click().await.unwrap();
    wait_value(&site, "document.querySelectorAll('[data-directory] > li:not([hidden])').length", json!(3), REACT).await;
    let tags = "[...document.querySelectorAll('nav[aria-label=\"Filter by tag\"] li a')].slice(1).map(a => a.firstChild.textContent.trim())";
    assert_eq!(site.eval(tags).await, json!(["infrastructure", "research", "research data", "spaces"]));
}
