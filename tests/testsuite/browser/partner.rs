//! The partner page and the pipeline board as laid out in a real browser:
//! the board's columns start at the same height, its cards show the last
//! contact and the next step, the contact history is a titled picture with
//! its facts in text, each action item is on the page once (meetings link to
//! it), and the general playbooks are folded until opened.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use super::{Site, wait_value};
use crate::support::GuideTest;

/// A page is ready when it is loaded and partnerbook.js has set up its announcer.
const READY: &str = "document.readyState === 'complete' && document.getElementById('partnerbook-announcer')";
/// How long the page may take to react to a click.
const REACT: Duration = Duration::from_secs(3);

const LAB: &str = "name: Lab Makers
status: active
last_contact: 2026-09-01
next_step:
  action: Send the floor plan
  due: 2026-12-05
action_items:
  - task: Book the room
    done: true
  - task: Order the printer
    due: 2026-11-20
meetings:
  - date: 2026-09-01
    title: Tour
    action_items:
      - task: order the printer
      - task: Book the room
      - task: send the floor plan
  - date: 2026-03-02
    title: Kick-off
";

/// A guide with partners in every column of the flow (two in one, so the
/// columns differ in height) and three playbooks for the lab: one that names
/// it and two general ones.
fn guide() -> GuideTest {
    let t = GuideTest::empty();
    t.file("site.yaml", "title: Partner page in the browser\nstale_after_days: 60\n");
    t.file("partners/lab.yaml", LAB);
    t.file("partners/new.yaml", "name: New Office\nstatus: prospect\n");
    t.file("partners/old.yaml", "name: Old Office\nstatus: contacted\nlast_contact: 2026-08-01\n");
    t.file("partners/law.yaml", "name: Law School\nstatus: meeting\nlast_contact: 2026-11-01\n");
    t.file("partners/art.yaml", "name: Art Department\nstatus: active\nlast_contact: 2026-11-20\n");
    let playbook = |slug: &str, title: &str, body: &str| {
        t.file(&format!("playbooks/{slug}.md"), &format!("---\ntitle: {title}\npartners: [lab, law]\n---\n{body}\n"));
    };
    playbook("named", "Named playbook", "Ask [the lab](partner:lab) first.");
    playbook("general-one", "General one", "For everyone.");
    playbook("general-two", "General two", "For everyone too.");
    t
}

#[tokio::test]
async fn pipeline_columns_start_level_and_cards_show_last_contact_and_next_step() {
    let site = Site::open_guide(guide(), READY, "partners/pipeline/").await;
    let tops = site
        .eval("[...document.querySelectorAll('.board > .board-column')].map(c => c.getBoundingClientRect().top)")
        .await;
    let tops: Vec<f64> = tops.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(tops.len(), 4, "{tops:?}");
    // 1280 px wide: the four columns are side by side, so their tops are level.
    assert!(tops.iter().all(|t| (t - tops[0]).abs() < 1.0), "columns start at different heights: {tops:?}");
    // The bar of counts says each number in text.
    let bar = site
        .eval("[...document.querySelectorAll('.stage-bar li')].map(li => li.innerText.replace(/\\s+/g, ' ').trim())")
        .await;
    assert_eq!(bar, json!(["Prospect 1", "Contacted 1", "Meeting 1", "Active 2"]));
    let card = site
        .eval(
            "[...document.querySelectorAll('.pipeline-card')].find(c => c.querySelector('.card-title').textContent === 'Lab Makers')\
             .querySelector('.pipeline-facts').innerText.replace(/\\s+/g, ' ').trim()",
        )
        .await;
    assert_eq!(
        card,
        json!(
            "Last contact 2 months ago (2026-09-01), over 60 days Next step Send the floor plan due in 6 days (2026-12-05)"
        ),
    );
    let old = site
        .eval("[...document.querySelectorAll('.pipeline-card')].find(c => c.textContent.includes('Old Office')).querySelector('.pipeline-last').innerText.replace(/\\s+/g, ' ').trim()")
        .await;
    assert_eq!(old, json!("Last contact 3 months ago (2026-08-01), over 60 days"));
}

#[tokio::test]
async fn the_contact_history_is_a_titled_picture_with_its_facts_in_text() {
    let site = Site::open_guide(guide(), READY, "partners/lab/").await;
    let svg = site
        .execute(
            "const s = document.querySelector('#history svg'); const r = s.getBoundingClientRect(); \
             const label = s.getAttribute('aria-labelledby'); \
             return {role: s.getAttribute('role'), title: document.getElementById(label).textContent, \
                     titleInSvg: s.querySelector('title').id === label, wide: r.width > 300, high: r.height > 20, \
                     meetings: s.querySelectorAll('.history-meeting').length, gaps: s.querySelectorAll('.history-gap').length};",
        )
        .await;
    assert_eq!(
        svg,
        json!({"role": "img", "title": "Contact history of Lab Makers over the last 12 months", "titleInSvg": true,
               "wide": true, "high": true, "meetings": 2, "gaps": 2})
    );
    // The same facts as text anyone can read (and that prints).
    let list = site.eval("[...document.querySelectorAll('.history-list li')].map(li => li.innerText)").await;
    assert_eq!(
        list,
        json!([
            "2026-03-02: meeting, “Kick-off” (8 months ago)",
            "No contact from 2026-03-02 to 2026-09-01: 183 days, more than 60",
            "2026-09-01: meeting, “Tour” (2 months ago)",
            "No contact from 2026-09-01 to today, 2026-11-29: 89 days, more than 60",
        ])
    );
    // Shaded stretches take their colour from the theme: not the default black fill.
    let fill = site.eval("getComputedStyle(document.querySelector('.history-gap')).fill").await;
    assert_ne!(fill, json!("rgb(0, 0, 0)"));
}

#[tokio::test]
async fn each_action_item_is_on_the_profile_once_and_general_playbooks_are_folded() {
    let site = Site::open_guide(guide(), READY, "partners/lab/").await;
    // Every task shows once with its status; the meeting's links lead to those places.
    let items = site.eval("[...document.querySelectorAll('li.item')].map(li => li.innerText.split('\\n')[0].replace('Overdue ', '').trim())").await;
    assert_eq!(items, json!(["Order the printer", "Book the room"]));
    let links = site
        .execute(
            "return [...document.querySelectorAll('#meeting-2026-09-01 .agreed a')].map(a => { \
               const to = document.getElementById(a.getAttribute('href').slice(1)); \
               return [a.textContent, to ? to.textContent.includes(a.textContent) : false]; });",
        )
        .await;
    assert_eq!(links, json!([["Order the printer", true], ["Book the room", true], ["Send the floor plan", true]]));
    let tasks = site.eval("document.querySelector('main').innerText.split('Order the printer').length - 1").await;
    assert_eq!(tasks, json!(2), "the item and the meeting's link to it");

    // The playbook that names the lab is listed; the general ones are folded.
    let visible = "[...document.querySelectorAll('#playbooks .card-title')].filter(a => a.checkVisibility()).map(a => a.textContent)";
    assert_eq!(site.eval(visible).await, json!(["Named playbook"]));
    assert_eq!(site.eval("document.querySelector('.general-playbooks').open").await, json!(false));
    // The theme scrolls smoothly; a click lands where the element is once it is in view.
    site.execute("document.querySelector('.general-playbooks > summary').scrollIntoView({block: 'center', behavior: 'instant'});").await;
    let summary = site.client().find(Locator::Css(".general-playbooks > summary")).await.unwrap();
    summary.click().await.unwrap();
    wait_value(&site.browser, visible, json!(["Named playbook", "General one", "General two"]), REACT).await;
}
