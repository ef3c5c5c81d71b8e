//! Accessibility of the published pages in a real Chromium: every page type
//! of the shipped guide (`content/`) and of a fixture that uses every
//! Markdown feature (`a11y_fixtures/full`) must pass axe-core's WCAG 2.1 A
//! and AA rules in the light and the dark colour scheme; the skip link comes
//! first and works; keyboard focus is visible; `prefers-reduced-motion`
//! turns transitions off; nothing scrolls sideways at 200 % or 400 % zoom. Screenshots
//! of every page type (desktop and phone, light and dark) land in
//! `target/screenshots/a11y-*.png` for a person to look at.
//!
//! axe-core comes from npm (`package.json`): run `npm ci` at the top of the
//! repository once. A missing `node_modules/axe-core` fails these tests.
//!
//! Colour schemes, reduced motion and viewports are emulated through the
//! Chrome DevTools Protocol (`Emulation.*`), sent by chromedriver's
//! `goog/cdp/execute` endpoint, so the real media queries match: each test
//! checks `matchMedia` before it trusts the emulation.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

use super::{Browser, STARTUP, Serve, screenshots};
use crate::support::GuideTest;

/// The axe-core rule tags for WCAG 2.0 and 2.1, levels A and AA.
const WCAG_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// How long a page may take to show its first heading after `goto`.
const PAGE: Duration = Duration::from_secs(10);

/// One published page of each type in the shipped guide: (name, path).
const SHIPPED_PAGES: PageList = &[
    ("home", ""),
    ("playbooks", "playbooks/"),
    ("playbook", "playbooks/research/shared-communication-plan/"),
    ("partners", "partners/"),
    ("partners-kind", "partners/kind/it/"),
    ("pipeline", "partners/pipeline/"),
    ("partner", "partners/campus-it/"),
    ("brief", "partners/campus-it/brief/"),
    ("actions", "actions/"),
    ("actions-owner", "actions/owner/jo-whitfield/"),
    ("tags", "tags/"),
    ("tag", "tags/templates/"),
    ("page", "about/"),
    ("print", "print/"),
    ("report", "report/"),
    ("404", "no-such-page/"),
];

/// The same page types in `a11y_fixtures/full`, whose playbook uses every
/// Markdown feature (tables, task lists, footnotes, all five alerts, message
/// templates, long words) and whose partners cover every status.
const FIXTURE_PAGES: PageList = &[
    ("home", ""),
    ("playbooks", "playbooks/"),
    ("playbook", "playbooks/run-the-meeting/"),
    ("partners", "partners/"),
    ("partners-status", "partners/status/paused/"),
    ("pipeline", "partners/pipeline/"),
    ("partner", "partners/campus-it/"),
    ("brief", "partners/campus-it/brief/"),
    ("actions", "actions/"),
    ("actions-owner", "actions/owner/ana-ruiz/"),
    ("tags", "tags/"),
    ("tag", "tags/templates/"),
    ("page", "about/"),
    ("page-heading-skip", "contributing/"),
    ("print", "print/"),
    ("report", "report/"),
    ("404", "no-such-page/"),
];

/// A list of page types: (name, path below the site's root).
type PageList = &'static [(&'static str, &'static str)];

/// The shipped guide, copied to a temporary folder.
fn shipped() -> GuideTest {
    GuideTest::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
}

/// The fixture that exercises every feature.
fn fixture() -> GuideTest {
    GuideTest::from_dir("a11y_fixtures/full")
}

/// Both guides, served, with their page lists.
struct Sites {
    served: Vec<(&'static str, Serve, PageList)>,
    // The guides' folders, kept while the servers run (fields drop in order).
    _guides: Vec<GuideTest>,
}

impl Sites {
    fn start() -> Sites {
        let (a, b) = (shipped(), fixture());
        let served = vec![
            ("shipped", Serve::start(&a.guide()), SHIPPED_PAGES),
            ("fixture", Serve::start(&b.guide()), FIXTURE_PAGES),
        ];
        Sites { served, _guides: vec![a, b] }
    }

    /// Every (site, page name, URL).
    fn pages(&self) -> Vec<(&'static str, &'static str, String)> {
        self.served
            .iter()
            .flat_map(|(site, serve, pages)| pages.iter().map(move |(name, path)| (*site, *name, serve.url(path))))
            .collect()
    }
}

/// The source of axe-core, from `node_modules` (installed by `npm ci`).
pub(super) fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\naxe-core is an npm dev-dependency of this repository: run `npm ci` in {} \
             (.ci/run does this in CI)",
            path.display(),
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

// ---------------------------------------------------------------------------
// Chrome DevTools Protocol through chromedriver
// ---------------------------------------------------------------------------

/// Sends one CDP command to the session's page through chromedriver's
/// `POST /session/ID/goog/cdp/execute` and gives its result.
fn cdp(browser: &Browser, cmd: &str, params: Value) -> Value {
    let body = json!({ "cmd": cmd, "params": params }).to_string();
    let path = format!("/session/{}/goog/cdp/execute", browser.session);
    let (status, text) = post(browser.driver.port, &path, &body)
        .unwrap_or_else(|e| panic!("CDP {cmd}: no answer from chromedriver: {e}"));
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(status, 200, "CDP {cmd} {params_text} failed: {text}", params_text = body);
    value["value"].clone()
}

/// A blocking HTTP/1.1 POST of a JSON body to chromedriver on 127.0.0.1.
fn post(port: u16, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    super::http_json(port, "POST", path, body, STARTUP)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    pub(super) fn name(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// Emulates `prefers-color-scheme` (and `prefers-reduced-motion` when
/// `reduced_motion`) for the session's page, for every page it opens next.
pub(super) fn emulate_media(browser: &Browser, scheme: Scheme, reduced_motion: bool) {
    let features = json!([
        { "name": "prefers-color-scheme", "value": scheme.name() },
        { "name": "prefers-reduced-motion", "value": if reduced_motion { "reduce" } else { "no-preference" } },
    ]);
    cdp(browser, "Emulation.setEmulatedMedia", json!({ "media": "", "features": features }));
}

/// Emulates a viewport of `width`×`height` CSS pixels; `scale` is the device
/// pixel ratio (2 at 640 wide is a 1280 window zoomed to 200 %).
fn emulate_viewport(browser: &Browser, width: u32, height: u32, scale: f64, mobile: bool) {
    cdp(
        browser,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile }),
    );
}

/// A browser for published pages: `partnerbook serve` adds a live-reload
/// script that the published site does not have, and its EventSource
/// connections outlive the page in Chromium's back/forward cache: after six
/// pages the seventh waits about a minute for a free connection. Pages here
/// get no `EventSource`, so the script stays idle, as on the published site.
async fn published_browser() -> Browser {
    let browser = Browser::open().await;
    cdp(
        &browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "delete window.EventSource; window.EventSource = undefined;" }),
    );
    browser
}

/// Opens `url` and waits until its `<main>` has a heading.
async fn open(browser: &Browser, url: &str) {
    browser.goto(url).await;
    browser.wait_for("document.readyState === 'complete' && document.querySelector('main h1') !== null", PAGE).await;
}

/// Opens a page of the list, checking that a page other than the 404 page
/// really exists there (so a renamed fixture page cannot pass unnoticed).
async fn open_page(browser: &Browser, name: &str, url: &str) {
    open(browser, url).await;
    let h1 = browser.eval("document.querySelector('main h1').textContent.trim()").await;
    let is_404 = h1.as_str() == Some("Page not found");
    assert_eq!(is_404, name == "404", "{url} ({name}) showed the heading {h1}; update the page list of this test");
}

// ---------------------------------------------------------------------------
// axe-core
// ---------------------------------------------------------------------------

/// Injects axe-core into the open page and runs the WCAG A/AA rules over
/// `context` (a JavaScript expression: `document`, or `{ include: [...] }`);
/// gives one entry per violation, and one per result that needs a person's review.
pub(super) async fn axe_violations(
    browser: &Browser,
    axe: &str,
    context: &str,
    where_: &str,
) -> (Vec<String>, Vec<String>) {
    // Run as the body of the WebDriver script: axe-core defines `window.axe`.
    let inject = format!("{axe}\n;return typeof window.axe;");
    assert_eq!(browser.execute(&inject).await, "object", "axe-core did not load on {where_}");
    let run = format!(
        r#"var done = arguments[arguments.length - 1];
        axe.run({context}, {{ runOnly: {{ type: 'tag', values: {tags} }}, resultTypes: ['violations'] }})
          .then(function (r) {{
            function nodes(v) {{
              return v.nodes.map(function (n) {{ return {{ target: n.target.join(' '), html: n.html, summary: n.failureSummary || '' }}; }});
            }}
            done({{
              violations: r.violations.map(function (v) {{
                return {{ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl, nodes: nodes(v) }};
              }}),
              incomplete: r.incomplete.map(function (v) {{
                return {{ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl, nodes: nodes(v) }};
              }}),
            }});
          }}, function (e) {{ done({{ error: String(e) }}); }});"#,
        tags = serde_json::to_string(WCAG_TAGS).unwrap()
    );
    let result = match browser.client.execute_async(&run, vec![]).await {
        Ok(v) => v,
        Err(e) => panic!("axe.run failed on {where_}: {e}"),
    };
    if let Some(e) = result.get("error") {
        panic!("axe.run failed on {where_}: {e}");
    }
    let describe = |v: &Value| {
        let nodes: Vec<String> = v["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| {
                let summary = n["summary"].as_str().unwrap_or_default().replace('\n', " ");
                let html: String = n["html"].as_str().unwrap_or_default().chars().take(120).collect();
                format!("      {}  {html}\n        {summary}", n["target"].as_str().unwrap_or_default())
            })
            .collect();
        format!(
            "{where_}: {} ({}) {}\n    help: {}\n{}",
            v["id"].as_str().unwrap_or_default(),
            v["impact"].as_str().unwrap_or("no impact"),
            v["help"].as_str().unwrap_or_default(),
            v["url"].as_str().unwrap_or_default(),
            nodes.join("\n")
        )
    };
    let list = |key: &str| result[key].as_array().into_iter().flatten().map(describe).collect::<Vec<_>>();
    (list("violations"), list("incomplete"))
}

/// Plants faint text and an image without alt text in the page and expects
/// axe-core to flag both: proof that the rules run at all (a wrong tag list
/// or a broken injection would pass every page).
async fn axe_canary(browser: &Browser, axe: &str, url: &str) {
    open(browser, url).await;
    browser
        .execute(
            "var d = document.createElement('div'); d.id = 'axe-canary'; \
             d.innerHTML = '<p style=\"color:#bbb;background:#fff\">faint text</p><img src=\"x.png\">'; \
             document.querySelector('main').appendChild(d);",
        )
        .await;
    let (violations, _) = axe_violations(browser, axe, "{ include: [['#axe-canary']] }", "the canary").await;
    let found = violations.join("\n");
    for rule in ["color-contrast", "image-alt"] {
        assert!(found.contains(&format!(": {rule} (")), "axe-core did not flag a planted `{rule}` problem:\n{found}");
    }
}

/// axe-core over every page type of both guides in one colour scheme, at
/// desktop width and, when `phone` is given, again at that phone width;
/// without the theme's JavaScript unless `scripts`.
async fn axe_every_page(scheme: Scheme, phone: Option<u32>, scripts: bool) {
    let axe = axe_source();
    let sites = Sites::start();
    let browser = published_browser().await;
    emulate_media(&browser, scheme, false);
    if !scripts {
        // The pages' own scripts do not load; axe-core, run by WebDriver, still does.
        cdp(&browser, "Network.enable", json!({}));
        cdp(&browser, "Network.setBlockedURLs", json!({ "urls": ["*/assets/*.js"] }));
    }
    axe_canary(&browser, &axe, &sites.pages()[0].2).await;
    let mut violations = Vec::new();
    let mut incomplete = Vec::new();
    let mut checked = 0;
    let widths = [Some(1280), phone];
    for width in widths.into_iter().flatten() {
        if width == 1280 {
            emulate_viewport(&browser, 1280, 900, 1.0, false);
        } else {
            emulate_viewport(&browser, width, 844, 1.0, true);
        }
        for (site, name, url) in sites.pages() {
            open_page(&browser, name, &url).await;
            let dark = browser.eval("matchMedia('(prefers-color-scheme: dark)').matches").await;
            assert_eq!(dark, scheme == Scheme::Dark, "the {} scheme is not emulated on {url}", scheme.name());
            if !scripts {
                let ran = browser.eval("document.querySelector('.copy-button, .reset-checklist') !== null").await;
                assert_eq!(ran, false, "the theme's JavaScript ran on {url} although it was blocked");
            }
            let js = if scripts { "" } else { ", no JavaScript" };
            let where_ = format!("{site} {name} page {url} [{} scheme, {width}px{js}]", scheme.name());
            // A phone widens its layout viewport to fit a page that is too wide.
            let inner = browser.eval("innerWidth").await;
            if inner != width {
                violations
                    .push(format!("{where_}: the page is {inner}px wide, wider than the screen (WCAG 1.4.10 Reflow)"));
            }
            let (v, i) = axe_violations(&browser, &axe, "document", &where_).await;
            violations.extend(v);
            incomplete.extend(i);
            checked += 1;
        }
    }
    // What axe cannot decide alone (such as contrast over a background
    // image) is listed for a person to review; only violations fail.
    if !incomplete.is_empty() {
        eprintln!("axe-core: {} result(s) need a person's review:\n{}", incomplete.len(), incomplete.join("\n"));
    }
    assert!(
        violations.is_empty(),
        "axe-core found {} WCAG 2.1 A/AA violation(s) over {checked} page views:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[tokio::test]
async fn every_page_type_passes_axe_in_the_light_scheme() {
    axe_every_page(Scheme::Light, Some(390), true).await;
}

#[tokio::test]
async fn every_page_type_passes_axe_in_the_dark_scheme() {
    axe_every_page(Scheme::Dark, None, true).await;
}

/// The pages are meant to be read without JavaScript, so they must pass without it too.
#[tokio::test]
async fn every_page_type_passes_axe_without_javascript() {
    axe_every_page(Scheme::Light, None, false).await;
}

/// The search box with its result list open must pass too, in both schemes.
#[tokio::test]
async fn the_open_search_passes_axe_in_both_schemes() {
    let axe = axe_source();
    let sites = Sites::start();
    let browser = published_browser().await;
    let (_, _, home) = sites.pages().into_iter().find(|(_, name, _)| *name == "home").expect("a home page");
    let mut violations = Vec::new();
    for scheme in [Scheme::Light, Scheme::Dark] {
        emulate_media(&browser, scheme, false);
        open(&browser, &home).await;
        browser
            .wait_for("document.getElementById('site-search') && !document.getElementById('site-search').hidden", PAGE)
            .await;
        browser
            .execute(
                "var i = document.getElementById('site-search-input'); i.focus(); i.value = 'partner'; \
                 i.dispatchEvent(new Event('input', { bubbles: true }));",
            )
            .await;
        browser
            .wait_for(
                "!document.getElementById('site-search-results').hidden && \
                 document.querySelectorAll('#site-search-results [role=option]').length > 0",
                PAGE,
            )
            .await;
        let where_ = format!("home with the search open [{} scheme]", scheme.name());
        let (v, _) = axe_violations(&browser, &axe, "document", &where_).await;
        violations.extend(v);
    }
    assert!(violations.is_empty(), "axe-core violations with the search open:\n{}", violations.join("\n"));
}

// ---------------------------------------------------------------------------
// Keyboard: skip link and visible focus
// ---------------------------------------------------------------------------

/// Presses and releases one key in the page.
pub(super) async fn press(browser: &Browser, key: Key) {
    let key: char = key.into();
    let actions =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    if let Err(e) = browser.client.perform_actions(actions).await {
        panic!("could not press {key:?}: {e}");
    }
}

/// A description of the focused element and of its focus indicator: its
/// outline and box shadow, and the contrast of the outline colour against the
/// page background (WCAG 1.4.11 asks 3:1 of a focus indicator).
const FOCUS_REPORT: &str = r#"
function rgb(c) {
  var m = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:[,\/]\s*([\d.]+))?/.exec(c);
  return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
}
function lum(c) {
  return [c.r, c.g, c.b].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0);
}
function background(el) {
  for (; el; el = el.parentElement) {
    var c = rgb(getComputedStyle(el).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
}
var el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
var outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
var shadow = s.boxShadow !== 'none';
var oc = rgb(s.outlineColor), bg = background(el.parentElement);
var ratio = oc ? (Math.max(lum(oc), lum(bg)) + 0.05) / (Math.min(lum(oc), lum(bg)) + 0.05) : 0;
return {
  tag: el.tagName.toLowerCase(), cls: el.className, href: el.getAttribute('href'), id: el.id,
  text: (el.textContent || '').trim().slice(0, 60),
  outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor, shadow: s.boxShadow,
  visible: outline || shadow, contrast: Math.round(ratio * 100) / 100,
  inViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
};
"#;

#[tokio::test]
async fn the_skip_link_comes_first_and_keyboard_focus_is_visible() {
    let sites = Sites::start();
    let browser = published_browser().await;
    let mut problems = Vec::new();
    for scheme in [Scheme::Light, Scheme::Dark] {
        emulate_media(&browser, scheme, false);
        for (site, name, url) in sites.pages() {
            if site != "shipped" && scheme == Scheme::Dark {
                continue; // the shell is the same; one guide is enough for the second scheme
            }
            open_page(&browser, name, &url).await;
            let at = format!("{site} {name} page {url} [{} scheme]", scheme.name());

            // The first Tab from a fresh page lands on the skip link, which targets <main id="main">.
            press(&browser, Key::Tab).await;
            // The skip link slides in (unless motion is reduced): give it a moment to arrive.
            let mut skip = browser.execute(FOCUS_REPORT).await;
            for _ in 0..40 {
                if skip["inViewport"] == true || skip["cls"] != "skip-link" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
                skip = browser.execute(FOCUS_REPORT).await;
            }
            if skip["cls"] != "skip-link" || skip["href"] != "#main" {
                problems.push(format!("{at}: the first Tab focused {skip} instead of the skip link to #main"));
                continue;
            }
            if skip["visible"] != true || skip["inViewport"] != true {
                problems.push(format!("{at}: the focused skip link is not visibly focused on screen: {skip}"));
            }
            if skip["contrast"].as_f64().unwrap_or(0.0) < 3.0 {
                problems.push(format!("{at}: the skip link's focus outline has contrast below 3:1: {skip}"));
            }
            let main = browser
                .eval("(function(m){ return m !== null && m.tagName === 'MAIN'; })(document.getElementById('main'))")
                .await;
            if main != true {
                problems.push(format!("{at}: #main is not the <main> element"));
            }

            // The next Tab reaches the first link of the header, visibly focused.
            press(&browser, Key::Tab).await;
            let next = browser.execute(FOCUS_REPORT).await;
            if next["tag"] != "a" || next["cls"] != "site-title" {
                problems.push(format!("{at}: the second Tab focused {next} instead of the site title link"));
            }
            if next["visible"] != true || next["contrast"].as_f64().unwrap_or(0.0) < 3.0 {
                problems.push(format!("{at}: the first link's focus indicator is missing or faint: {next}"));
            }

            // Following the skip link moves focus into <main>.
            browser.execute("document.querySelector('.skip-link').focus();").await;
            press(&browser, Key::Enter).await;
            let focused = browser.eval("document.activeElement && document.activeElement.id").await;
            if focused != "main" {
                problems.push(format!("{at}: Enter on the skip link left focus on {focused}, not on #main"));
            }
        }
    }
    assert!(problems.is_empty(), "{} keyboard problem(s):\n{}", problems.len(), problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Reduced motion
// ---------------------------------------------------------------------------

/// The transition durations of the elements that animate (links, cards, the skip link).
const TRANSITIONS: &str = "return ['a', '.card', '.skip-link'].map(function (sel) { \
     var el = document.querySelector(sel); return el ? sel + ' ' + getComputedStyle(el).transitionDuration : sel + ' missing'; });";

#[tokio::test]
async fn reduced_motion_turns_transitions_off() {
    let guide = fixture();
    let serve = Serve::start(&guide.guide());
    let browser = published_browser().await;
    let url = serve.url("");

    // The stylesheet has a prefers-reduced-motion: reduce rule that sets transition to none.
    open(&browser, &url).await;
    let rules = browser
        .eval(
            "Array.from(document.styleSheets).flatMap(function (sheet) { return Array.from(sheet.cssRules); }) \
             .filter(function (r) { return r instanceof CSSMediaRule && /prefers-reduced-motion:\\s*reduce/.test(r.conditionText); }) \
             .map(function (r) { return r.cssText; })",
        )
        .await;
    let rules: Vec<&str> = rules.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(
        rules.iter().any(|r| r.contains("transition") && r.contains("none")),
        "no `@media (prefers-reduced-motion: reduce)` rule turns transitions off; rules found: {rules:?}"
    );

    // And it applies: with motion, links and cards animate; with reduced motion, nothing does.
    emulate_media(&browser, Scheme::Light, false);
    open(&browser, &url).await;
    assert_eq!(browser.eval("matchMedia('(prefers-reduced-motion: reduce)').matches").await, false);
    let moving = browser.execute(TRANSITIONS).await;
    let moving: Vec<&str> = moving.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(moving.iter().any(|t| !t.ends_with(" 0s")), "nothing animates even without reduced motion: {moving:?}");

    emulate_media(&browser, Scheme::Light, true);
    open(&browser, &url).await;
    assert_eq!(browser.eval("matchMedia('(prefers-reduced-motion: reduce)').matches").await, true);
    let still = browser.execute(TRANSITIONS).await;
    let still: Vec<&str> = still.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(still.iter().all(|t| t.ends_with(" 0s")), "transitions under prefers-reduced-motion: reduce: {still:?}");
    assert_eq!(browser.eval("getComputedStyle(document.documentElement).scrollBehavior").await, "auto");
}

// ---------------------------------------------------------------------------
// Reflow at 200 % zoom
// ---------------------------------------------------------------------------

/// What sticks out to the right of the viewport, when the page scrolls sideways.
const OVERFLOW: &str = r#"
var doc = document.documentElement;
if (doc.scrollWidth <= innerWidth) return null;
var wide = Array.from(document.querySelectorAll('body *')).filter(function (el) {
  return el.getBoundingClientRect().right > innerWidth + 0.5;
}).filter(function (el, _, all) {
  return !all.some(function (other) { return other !== el && el.contains(other); });
}).slice(0, 5).map(function (el) {
  var r = el.getBoundingClientRect();
  return el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' right=' + Math.round(r.right);
});
return 'scrollWidth ' + doc.scrollWidth + ' > innerWidth ' + innerWidth + '; widest: ' + wide.join(', ');
"#;

#[tokio::test]
async fn no_page_scrolls_sideways_at_200_and_400_percent_zoom() {
    let sites = Sites::start();
    let browser = published_browser().await;
    let mut problems = Vec::new();
    // A 1280×900 window lays pages out 640 CSS pixels wide at 200 % zoom, and
    // 320 wide at 400 % (the width WCAG 1.4.10 Reflow names).
    for (width, height, zoom) in [(640, 450, 2.0), (320, 225, 4.0)] {
        emulate_viewport(&browser, width, height, zoom, false);
        for (site, name, url) in sites.pages() {
            open_page(&browser, name, &url).await;
            assert_eq!(browser.eval("innerWidth").await, width, "the {width}px viewport is not emulated on {url}");
            if let Some(what) = browser.execute(OVERFLOW).await.as_str() {
                problems.push(format!("{site} {name} page {url} at {}% zoom: {what}", zoom * 100.0));
            }
        }
    }
    assert!(problems.is_empty(), "pages scroll sideways when zoomed:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Screenshots
// ---------------------------------------------------------------------------

/// Saves a screenshot of the whole page (the viewport is stretched to the page's height).
async fn full_page_screenshot(browser: &Browser, name: &str, width: u32, mobile: bool) -> PathBuf {
    let height = browser.eval("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)").await;
    let height = height.as_u64().unwrap_or(900).clamp(400, 8000) as u32;
    emulate_viewport(browser, width, height, 1.0, mobile);
    tokio::time::sleep(Duration::from_millis(50)).await;
    browser.screenshot(name).await
}

#[tokio::test]
async fn screenshots_of_every_page_type() {
    let guide = shipped();
    let serve = Serve::start(&guide.guide());
    let browser = published_browser().await;
    let mut saved = Vec::new();
    for scheme in [Scheme::Light, Scheme::Dark] {
        emulate_media(&browser, scheme, true);
        for (width, height, mobile, device) in [(1280, 900, false, "desktop"), (390, 844, true, "phone")] {
            for (name, path) in SHIPPED_PAGES {
                emulate_viewport(&browser, width, height, 1.0, mobile);
                open_page(&browser, name, &serve.url(path)).await;
                let shot = format!("a11y-{name}-{device}-{}", scheme.name());
                saved.push(full_page_screenshot(&browser, &shot, width, mobile).await);
            }
        }
    }
    for path in &saved {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        assert!(size > 1000, "screenshot {} is empty", path.display());
    }
    assert_eq!(saved.len(), SHIPPED_PAGES.len() * 4);
    assert!(saved.iter().all(|p| p.starts_with(screenshots())));
    drop(browser);
    serve.stop();
}
