//! The search box in a real browser (`themes/default/static/search.js`), on
//! the guide `tests/testsuite/search_fixtures/guide` served by `partnerbook
//! serve` (which makes `/search-index.js` when it is first asked for).
//!
//! Everything is done with real keys (WebDriver key actions: trusted events,
//! sent to whatever has the focus), as a keyboard user would: `/` to reach the
//! box, typing, arrows, Enter and Escape. No test sleeps: each waits for the
//! state it expects, with a deadline.
//!
//! What the fixture holds for these tests: the contact "Gloria Esposito" of
//! the partner "Facilities Management"; the phrase "quarterly storage census"
//! in the last paragraph of the playbook "Inventory the collections"; two
//! playbooks about meetings; and a partner whose name and contact are markup
//! (`<img src=x onerror=alert(1)> Zephyr Lab`).

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

use super::{Browser, Site, wait_value};
use crate::support::GuideTest;

/// How long a page may take to show up after `goto`.
const PAGE: Duration = Duration::from_secs(5);
/// How long the box may take to react (loading the index included).
const REACT: Duration = Duration::from_secs(3);

/// The box, its popup list and its status region.
const INPUT: &str = "document.getElementById('site-search-input')";
const LIST: &str = "document.getElementById('site-search-results')";
const STATUS: &str = "document.querySelector('#site-search [role=status]')";

/// What the search box shows now: whether the list is open, the active
/// option, and each result's kind, title, snippet and marked words.
const STATE: &str = "(() => { const input = document.getElementById('site-search-input'); \
    const list = document.getElementById(input.getAttribute('aria-controls')); \
    const text = e => e ? e.textContent : null; \
    return { \
      expanded: input.getAttribute('aria-expanded'), \
      hidden: list.hidden, \
      active: input.getAttribute('aria-activedescendant'), \
      selected: [...list.children].filter(o => o.getAttribute('aria-selected') === 'true').map(o => o.id), \
      results: [...list.children].map(o => ({ \
        id: o.id, role: o.getAttribute('role'), \
        kind: text(o.querySelector('.search-kind')), \
        title: text(o.querySelector('.search-title')), \
        snippet: text(o.querySelector('.search-snippet')), \
        marks: [...o.querySelectorAll('mark')].map(m => m.textContent), \
      })), \
    }; })()";

/// The shard files of the index that the page has loaded, by path, sorted.
const LOADED_SHARDS: &str = "[...new Set(performance.getEntriesByType('resource').map(r => new URL(r.name).pathname) \
    .filter(p => p.includes('/search-index/')))].sort()";

/// A page is ready when it is loaded and search.js has set up the box (it unhides the form).
const READY: &str = "document.readyState === 'complete' && document.getElementById('site-search').hidden === false";

/// Serves the fixture guide and opens `path` in a fresh browser.
async fn open_site(path: &str) -> Site {
    Site::open("search_fixtures/guide", READY, path).await
}

impl Site {
    /// Opens the box with `/` and waits until the index is loaded.
    async fn open_search(&self) {
        press(self, "/").await;
        self.wait_for(&format!("document.activeElement === {INPUT}"), REACT).await;
        self.wait_for("window.partnerbookSearch && window.elasticlunr", REACT).await;
    }

    /// Types `text` into the box (which has the focus) and waits until the
    /// results for it are shown: the list is open and has `count` options.
    async fn search(&self, text: &str, count: usize) {
        press(self, text).await;
        self.wait_for(
            &format!(
                "{INPUT}.value === {} && {LIST}.children.length === {count} && \
                 {INPUT}.getAttribute('aria-expanded') === {}",
                super::js_string(text),
                if count > 0 { "'true'" } else { "'false'" }
            ),
            REACT,
        )
        .await;
    }
}

/// Presses and releases each key of `keys`, in order, as the keyboard does:
/// the events go to the element that has the focus.
async fn press(browser: &Browser, keys: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for c in keys.chars() {
        actions = actions.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
    }
    browser.client().perform_actions(actions).await.unwrap_or_else(|e| panic!("could not press {keys:?}: {e}"));
}

/// Presses one special key.
async fn press_key(browser: &Browser, key: Key) {
    press(browser, &char::from(key).to_string()).await;
}

#[tokio::test]
async fn nothing_loads_before_first_use_and_slash_focuses_the_box() {
    let site = open_site("").await;
    // The page is ready, and neither the index nor elasticlunr was asked for.
    assert_eq!(
        site.eval(
            "{ scripts: document.querySelectorAll('script[src*=\"search-index\"], script[src*=\"elasticlunr\"]').length, \
               index: typeof window.partnerbookSearch, lunr: typeof window.elasticlunr, \
               fetched: performance.getEntriesByType('resource').map(r => r.name) \
                 .filter(n => /search-index|elasticlunr/.test(n)), \
               focused: document.activeElement === document.getElementById('site-search-input'), \
               status: document.querySelector('#site-search [role=status]').textContent }"
        )
        .await,
        json!({ "scripts": 0, "index": "undefined", "lunr": "undefined", "fetched": [], "focused": false, "status": "" }),
    );

    // "/" outside a text field goes to the box (and is not typed into it).
    press(&site, "/").await;
    site.wait_for(&format!("document.activeElement === {INPUT}"), REACT).await;
    assert_eq!(site.eval(&format!("{INPUT}.value")).await, "");

    // The first use loads both scripts, once, from the form's URLs.
    site.wait_for("window.partnerbookSearch && window.elasticlunr", REACT).await;
    assert_eq!(
        site.eval(
            "[...document.querySelectorAll('script[src*=\"search-index\"], script[src*=\"elasticlunr\"]')] \
             .map(s => new URL(s.src).pathname)"
        )
        .await,
        json!(["/assets/elasticlunr.min.js", "/search-index.js"]),
    );
    // No shard of the index is loaded before a word is typed.
    assert_eq!(site.eval(LOADED_SHARDS).await, json!([]));
    assert_eq!(site.eval("window.partnerbookSearch.format").await, 2);
    // Nothing is announced once it is ready and nothing is typed.
    wait_value(&site, &format!("{STATUS}.textContent"), json!(""), REACT).await;

    // A "/" typed inside the box is text, not a shortcut.
    press(&site, "a/").await;
    assert_eq!(site.eval(&format!("{INPUT}.value")).await, "a/");
}

#[tokio::test]
async fn a_contact_name_finds_the_partner_marked_and_counted() {
    let site = open_site("playbooks/").await;
    site.open_search().await;
    site.search("Gloria Esposito", 1).await;
    assert_eq!(
        site.eval(STATE).await,
        json!({
            "expanded": "true",
            "hidden": false,
            "active": null,
            "selected": [],
            "results": [{
                "id": "site-search-results-0",
                "role": "option",
                "kind": "Partner",
                "title": "Facilities Management",
                "snippet": "Contacts: Gloria Esposito, Space Planner; Hal Brandt, Director",
                "marks": ["Gloria", "Esposito"],
            }],
        }),
    );
    // The polite status region says how many, once typing has stopped.
    wait_value(&site, &format!("{STATUS}.textContent"), json!("1 result"), REACT).await;
    assert_eq!(
        site.eval(&format!("[{STATUS}.getAttribute('aria-live'), {STATUS}.closest('form').id]")).await,
        json!(["polite", "site-search"])
    );

    // Accents and case do not matter: the query is folded like the index.
    press_key(&site, Key::Escape).await; // close
    press_key(&site, Key::Escape).await; // clear
    wait_value(&site, &format!("{INPUT}.value"), json!(""), REACT).await;
    site.search("GLÖRIA", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.title, r.marks])")).await,
        json!([["Facilities Management", ["Gloria"]]])
    );

    // A possessive still marks the name (the prefix searched is "esposito",
    // not "esposito'").
    press_key(&site, Key::Escape).await;
    press_key(&site, Key::Escape).await;
    site.search("Esposito's", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.title, r.marks])")).await,
        json!([["Facilities Management", ["Esposito"]]])
    );
}

#[tokio::test]
async fn a_phrase_deep_in_a_playbook_body_finds_the_playbook() {
    let site = open_site("").await;
    site.open_search().await;
    site.search("quarterly storage census", 1).await;
    // Found through the body only: the summary is shown, without marks.
    assert_eq!(
        site.eval(&format!("{STATE}.results")).await,
        json!([{
            "id": "site-search-results-0",
            "role": "option",
            "kind": "Playbook",
            "title": "Inventory the collections",
            "snippet": "Count what the library holds before you promise anything.",
            "marks": [],
        }]),
    );
    wait_value(&site, &format!("{STATUS}.textContent"), json!("1 result"), REACT).await;

    // A word that is nowhere: no results, the list closed, and it is said.
    press_key(&site, Key::Escape).await;
    press_key(&site, Key::Escape).await;
    site.search("xylophone", 0).await;
    assert_eq!(site.eval(&format!("{LIST}.hidden")).await, true);
    wait_value(&site, &format!("{STATUS}.textContent"), json!("No results"), REACT).await;
}

#[tokio::test]
async fn the_keyboard_alone_moves_through_results_follows_and_closes() {
    let site = open_site("partners/").await;
    site.open_search().await;
    site.search("meeting", 2).await;
    let titles = site.eval(&format!("{STATE}.results.map(r => r.title)")).await;
    assert_eq!(titles, json!(["Run the first meeting", "Thank and recap"]), "best first: the title match");
    let focus = |want: &str| json!({ "active": want, "selected": [want], "focused": true, "expanded": "true", "hidden": false });
    let moved = format!(
        "(s => ({{ active: s.active, selected: s.selected, focused: document.activeElement === {INPUT}, \
         expanded: s.expanded, hidden: s.hidden }}))({STATE})"
    );

    // Down and Up move the active option; the focus stays in the box.
    press_key(&site, Key::Down).await;
    wait_value(&site, &moved, focus("site-search-results-0"), REACT).await;
    press_key(&site, Key::Down).await;
    wait_value(&site, &moved, focus("site-search-results-1"), REACT).await;
    press_key(&site, Key::Down).await; // wraps
    wait_value(&site, &moved, focus("site-search-results-0"), REACT).await;
    press_key(&site, Key::Up).await; // wraps back
    wait_value(&site, &moved, focus("site-search-results-1"), REACT).await;

    // Escape closes the list and forgets the active option; the text stays.
    press_key(&site, Key::Escape).await;
    wait_value(
        &site,
        &format!("(s => [s.expanded, s.hidden, s.active, s.selected, {INPUT}.value])({STATE})"),
        json!(["false", true, null, [], "meeting"]),
        REACT,
    )
    .await;
    // Typing opens it again, even a space that leaves the query as it was.
    press(&site, " ").await;
    wait_value(
        &site,
        &format!("(s => [s.expanded, s.hidden, s.results.length, {INPUT}.value])({STATE})"),
        json!(["true", false, 2, "meeting "]),
        REACT,
    )
    .await;
    press_key(&site, Key::Escape).await;
    wait_value(&site, &format!("{INPUT}.getAttribute('aria-expanded')"), json!("false"), REACT).await;
    // Down opens it again on the first result.
    press_key(&site, Key::Down).await;
    wait_value(&site, &moved, focus("site-search-results-0"), REACT).await;
    press_key(&site, Key::Down).await;
    wait_value(&site, &moved, focus("site-search-results-1"), REACT).await;

    // An Enter that confirms an input method's composition is not ours: it
    // neither follows the result nor is cancelled. (WebDriver cannot compose,
    // so the event is made here; `follow` would close the list at once.)
    assert_eq!(
        site.eval(&format!(
            "[{INPUT}.dispatchEvent(new KeyboardEvent('keydown', \
               {{ key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true }})), \
              {INPUT}.getAttribute('aria-expanded'), {INPUT}.getAttribute('aria-activedescendant')]"
        ))
        .await,
        json!([true, "true", "site-search-results-1"]),
    );

    // Enter follows the active result.
    site.execute("window.__beforeEnter = true;").await;
    press_key(&site, Key::Enter).await;
    site.wait_for(
        "window.__beforeEnter === undefined && location.pathname === '/playbooks/thank-and-recap/' && \
         document.readyState === 'complete'",
        PAGE,
    )
    .await;
    assert_eq!(site.eval("document.querySelector('h1').textContent.trim()").await, "Thank and recap");

    // On the new page, Escape: closes, then clears, then leaves the box.
    site.wait_for("document.getElementById('site-search').hidden === false", PAGE).await;
    site.open_search().await;
    site.search("meeting", 2).await;
    press_key(&site, Key::Escape).await;
    wait_value(
        &site,
        &format!("[{INPUT}.getAttribute('aria-expanded'), {LIST}.hidden]"),
        json!(["false", true]),
        REACT,
    )
    .await;
    press_key(&site, Key::Escape).await;
    wait_value(&site, &format!("[{INPUT}.value, document.activeElement === {INPUT}]"), json!(["", true]), REACT).await;
    press_key(&site, Key::Escape).await;
    wait_value(&site, &format!("document.activeElement === {INPUT}"), json!(false), REACT).await;

    // Enter without choosing goes to the first (best) result.
    press(&site, "/").await;
    site.search("quarterly", 1).await;
    press_key(&site, Key::Enter).await;
    site.wait_for(
        "location.pathname === '/playbooks/inventory-the-collections/' && document.readyState === 'complete'",
        PAGE,
    )
    .await;
}

#[tokio::test]
async fn markup_in_names_shows_as_text_and_never_runs() {
    let site = open_site("").await;
    // Anything that would run records it instead of opening a dialog.
    site.execute("window.__xss = []; window.alert = m => window.__xss.push(String(m));").await;
    let images = "document.querySelectorAll('img').length";
    let images_before = site.eval(images).await;

    site.open_search().await;
    site.search("zephyr", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results")).await,
        json!([{
            "id": "site-search-results-0",
            "role": "option",
            "kind": "Partner",
            "title": "<img src=x onerror=alert(1)> Zephyr Lab",
            "snippet": "A partner whose name is markup: <b>bold</b> & <script>window.__xss = 'script'</script>.",
            "marks": ["Zephyr"],
        }]),
    );
    // The contact is markup too, and shown as text when it is what matched.
    press_key(&site, Key::Escape).await;
    press_key(&site, Key::Escape).await;
    site.search("quillon", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.snippet, r.marks])")).await,
        json!([["Contacts: <img src=y onerror=alert(2)> Quillon, Chair", ["Quillon"]]]),
    );

    // No element was made from the text, so no handler can ever fire.
    assert_eq!(
        site.eval(&format!(
            "{{ elements: [...{LIST}.querySelectorAll('*')].map(e => e.localName).filter(n => !['li', 'span', 'mark'].includes(n)), \
               images: {images}, xss: window.__xss }}"
        ))
        .await,
        json!({ "elements": [], "images": images_before, "xss": [] }),
    );
}

/// The search fixture with `PLAYBOOKS` more playbooks of made-up words (from
/// a fixed seed), so that the index has several shards, and three planted
/// pages: "Aardvark notes" (body: "aardvark"), "Zymurgy notes" (body:
/// "zymurgy") and "Both notes" (body: both words), whose words sort first and
/// last of all.
fn big_guide() -> GuideTest {
    const PLAYBOOKS: usize = 240;
    const SYLLABLES: [&str; 15] =
        ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "bo", "da", "fi", "gu", "ha"];
    let guide = GuideTest::from_dir("search_fixtures/guide");
    let mut seed: u64 = 0x5eed;
    let mut word = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let n = (seed >> 33) as usize;
        (0..3).map(|i| SYLLABLES[n / 15usize.pow(i) % 15]).collect::<String>()
    };
    let playbook = |title: &str, body: &str| {
        format!("---\ntitle: {title}\nsummary: Made-up words.\nstage: prepare\n---\n\n{body}\n")
    };
    for i in 0..PLAYBOOKS {
        let body: Vec<String> = (0..150).map(|_| word()).collect();
        guide.file(&format!("playbooks/generated/g{i:03}.md"), &playbook(&format!("Generated {i}"), &body.join(" ")));
    }
    guide.file("playbooks/aardvark.md", &playbook("Aardvark notes", "An aardvark came by."));
    guide.file("playbooks/zymurgy.md", &playbook("Zymurgy notes", "Some zymurgy was done."));
    guide.file("playbooks/both.md", &playbook("Both notes", "The aardvark knows zymurgy."));
    guide
}

#[tokio::test]
async fn a_body_phrase_is_found_among_many_shards_loading_only_what_it_needs() {
    let site = Site::open_guide(big_guide(), READY, "").await;
    site.open_search().await;
    let shards = site.eval("window.partnerbookSearch.shards.length").await.as_u64().unwrap();
    assert!(shards >= 3, "the generated guide should need several shards, not {shards}");

    site.search("quarterly storage census", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.kind, r.title, r.snippet])")).await,
        json!([["Playbook", "Inventory the collections", "Count what the library holds before you promise anything."]]),
    );
    wait_value(&site, &format!("{STATUS}.textContent"), json!("1 result"), REACT).await;
    let loaded = site.eval(&format!("{LOADED_SHARDS}.length")).await.as_u64().unwrap();
    assert!((1..shards).contains(&loaded), "{loaded} of {shards} shards loaded for three words");
}

#[tokio::test]
async fn a_query_whose_words_are_in_two_shards_loads_both_and_ranks_the_page_with_both_first() {
    let site = Site::open_guide(big_guide(), READY, "").await;
    site.open_search().await;
    site.search("aardvark zymurgy", 3).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.title, r.marks])")).await,
        json!([["Both notes", []], ["Aardvark notes", ["Aardvark"]], ["Zymurgy notes", ["Zymurgy"]]]),
    );
    wait_value(&site, &format!("{STATUS}.textContent"), json!("3 results"), REACT).await;
    // Exactly the first and the last shard: the words sort first and last.
    let table = "window.partnerbookSearch.shards";
    assert_eq!(
        site.eval(LOADED_SHARDS).await,
        site.eval(&format!("[{table}[0][1], {table}[{table}.length - 1][1]].map(f => '/' + f).sort()")).await,
    );
}

#[tokio::test]
async fn a_word_finds_pages_with_other_forms_of_it() {
    let guide = GuideTest::from_dir("search_fixtures/guide");
    guide.file(
        "playbooks/grow-slowly.md",
        "---\ntitle: Grow slowly\nsummary: Start small.\nstage: sustain\n---\n\nEvery partnership starts with one pony.\n",
    );
    let site = Site::open_guide(guide, READY, "").await;
    site.open_search().await;
    // The index holds "partnership" and "poni" (from "pony"); the queries are stemmed the same way.
    for query in ["partnerships", "ponies"] {
        site.search(query, 1).await;
        assert_eq!(site.eval(&format!("{STATE}.results.map(r => r.title)")).await, json!(["Grow slowly"]), "{query}");
        press_key(&site, Key::Escape).await;
        press_key(&site, Key::Escape).await;
        wait_value(&site, &format!("{INPUT}.value"), json!(""), REACT).await;
    }
}

#[tokio::test]
async fn a_stop_word_written_in_capitals_is_searchable() {
    let site = open_site("").await;
    site.open_search().await;
    site.search("IT", 1).await;
    assert_eq!(
        site.eval(&format!("{STATE}.results.map(r => [r.kind, r.title, r.marks])")).await,
        json!([["Partner", "Campus IT", ["IT"]]]),
    );
}

#[tokio::test]
async fn search_works_from_file_urls() {
    let guide = GuideTest::from_dir("search_fixtures/guide");
    let out = guide.root().join("public");
    // Links and scripts must resolve inside the output folder: its path is the base URL.
    let base = format!("{}/", out.display());
    guide.run(&["build", "-o", &out.display().to_string(), "--base-url", &base]).success();
    let browser = Browser::open().await;
    let start = format!("file://{}", out.join("index.html").display());
    browser.goto(&start).await;
    browser.wait_for(READY, PAGE).await;

    press(&browser, "/").await;
    browser.wait_for(&format!("document.activeElement === {INPUT}"), REACT).await;
    press(&browser, "Gloria").await;
    browser
        .wait_for(&format!("{LIST}.children.length === 1 && {INPUT}.getAttribute('aria-expanded') === 'true'"), REACT)
        .await;
    assert_eq!(
        browser.eval(&format!("{STATE}.results.map(r => [r.title, r.marks])")).await,
        json!([["Facilities Management", ["Gloria"]]]),
    );
    // Enter goes to the page's index.html: no server adds it from file://.
    press_key(&browser, Key::Enter).await;
    browser
        .wait_for(
            "location.protocol === 'file:' && location.pathname.endsWith('/partners/facilities/index.html') && \
             document.readyState === 'complete'",
            PAGE,
        )
        .await;
}
