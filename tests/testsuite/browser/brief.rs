//! The meeting brief on paper and the copy buttons, in a real browser: every
//! brief of the shipped guide and of a partner with as much as a real profile
//! holds (`tests/testsuite/browser_fixtures/brief`) prints on one page of US
//! Letter and of A4; contacts are links; the follow-up speaks to the partner;
//! copy buttons copy paragraphs as paragraphs and the subject apart; the mail
//! link carries subject and body.
//!
//! The pages are printed to PDF by Chromium itself (WebDriver's Print Page),
//! as a person's "Print" or "Save as PDF" would, and the PDF's page objects
//! are counted.

use std::path::Path;

use fantoccini::wd::{PrintConfiguration, PrintSize};
use serde_json::json;

use super::outreach::{
    ANNOUNCED, REACT, READY, click, clipboard, fill_clipboard, grant_clipboard, label_of, post_to_session,
};
use super::{Browser, Site, js_string, scratch, wait_value};
use crate::support::GuideTest;

/// The partner of the fixture with six contacts, twelve meetings, fifteen
/// open items and a long mission.
const FULL: &str = "partners/history-of-science/brief/";

/// The email block of the fixture's `playbooks/thank-and-recap.md` without
/// its subject line, as a mail program should receive it: wrapped lines
/// joined, the list item's continuation joined to it, blank lines and the
/// signature's lines kept.
const BODY: &str = "Dear [Name],\n\n\
    Thank you for meeting with [names] and me on [date]. It was really helpful to hear about \
    [one specific thing they said that matters], and I have shared it with the team.\n\n\
    Here is what we agreed, so that we are all working from the same list:\n\n\
    - [Action] (owner: [name, unit]) by [date], as discussed with the rest of the team at the end of the meeting\n\
    - [Action] (owner: [name, unit]) by [date]\n\n\
    With thanks & best wishes,\n[Your name]\n[Role] | [Email] | [Phone]\n";

/// Its subject line's text.
const SUBJECT: &str = "Thank you, and next steps from our meeting on [date]";

/// The number of pages of a PDF that Chromium wrote: its page objects
/// (`/Type /Page`, not the page tree's `/Type /Pages`). Chromium's PDF keeps
/// these dictionaries uncompressed; the page tree's root, whose `/Count` is
/// the largest of its nodes', must agree.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let pages = text.match_indices("/Type /Page").filter(|(at, m)| !text[at + m.len()..].starts_with('s')).count();
    let root = text
        .split("/Count ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .max()
        .unwrap_or_else(|| panic!("a PDF without a page tree: {:?}", &text[..text.len().min(400)]));
    assert_eq!(pages, root, "page objects and the page tree's /Count disagree");
    pages
}

/// Prints the open page to PDF on `size` paper with the browser's default
/// margins, keeps the PDF as `target/tmp/browser/NAME.pdf`, and counts its pages.
async fn printed_pages(browser: &Browser, size: PrintSize, name: &str) -> usize {
    let config = PrintConfiguration::builder().size(size).shrink_to_fit(false).build().expect("a print configuration");
    let pdf = browser.client().print(config).await.unwrap_or_else(|e| panic!("could not print {name}: {e}"));
    let dir = scratch().join("pdf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.pdf")), &pdf).unwrap();
    pdf_pages(&pdf)
}

/// The slugs of the shipped guide's partners.
fn shipped_partners() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/partners");
    let mut slugs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    assert!(slugs.len() >= 5, "the shipped guide has its partners: {slugs:?}");
    slugs
}

/// Every brief of `site`'s `slugs` on Letter and A4: the pages that do not fit on one.
async fn briefs_longer_than_a_page(site: &Site, guide: &str, slugs: &[String]) -> Vec<String> {
    let mut long = Vec::new();
    for slug in slugs {
        site.goto(&format!("partners/{slug}/brief/")).await;
        for (paper, size) in [("letter", PrintSize::US_LETTER), ("a4", PrintSize::A4)] {
            let pages = printed_pages(site, size, &format!("{guide}-{slug}-{paper}")).await;
            if pages != 1 {
                long.push(format!("{guide} {slug} on {paper}: {pages} pages"));
            }
        }
    }
    long
}

#[tokio::test]
async fn every_brief_prints_on_one_page_of_letter_and_of_a4() {
    let shipped = GuideTest::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    let site = Site::open_guide(shipped, READY, "partners/").await;
    let mut long = briefs_longer_than_a_page(&site, "shipped", &shipped_partners()).await;
    drop(site);
    let full = Site::open("browser_fixtures/brief", READY, FULL).await;
    long.extend(briefs_longer_than_a_page(&full, "full", &["history-of-science".to_string()]).await);
    assert!(long.is_empty(), "briefs longer than one page (PDFs in target/tmp/browser/pdf):\n{}", long.join("\n"));
}

#[tokio::test]
async fn the_page_count_sees_a_second_page() {
    // The count itself can fail: a long page prints on more than one.
    let site = Site::open("browser_fixtures/brief", READY, "partners/history-of-science/").await;
    assert!(printed_pages(&site, PrintSize::A4, "full-partner-page-a4").await > 1);
}

#[tokio::test]
async fn no_list_of_the_printed_brief_is_split_across_columns_or_pages() {
    let site = Site::open("browser_fixtures/brief", READY, FULL).await;
    // Read the print rules, as the page is printed.
    let print = json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": "print" } }).to_string();
    let (status, answer) = post_to_session(&site, "goog/cdp/execute", &print);
    assert_eq!(status, 200, "could not emulate print: {answer}");
    let split = site
        .eval(
            "[...document.querySelectorAll('.brief ul, .brief ol, .brief > section')] \
             .filter(e => !['avoid', 'avoid-column'].includes(getComputedStyle(e).breakInside)) \
             .map(e => e.tagName + '.' + e.className)",
        )
        .await;
    assert_eq!(split, json!([]), "lists and sections that may break across columns");
}

#[tokio::test]
async fn contacts_are_links_and_the_follow_up_speaks_to_the_partner() {
    let site = Site::open("browser_fixtures/brief", READY, FULL).await;
    let links = site
        .eval(
            "[...document.querySelectorAll('.brief-table tbody tr')].map(tr => \
             [...tr.querySelectorAll('a')].map(a => a.getAttribute('href')))",
        )
        .await;
    let links = links.as_array().expect("contact rows");
    assert_eq!(links.len(), 6, "{links:?}");
    for row in links {
        let row: Vec<&str> = row.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(
            row.len() == 2 && row[0].starts_with("mailto:") && row[0].ends_with("@example.edu"),
            "an email link: {row:?}"
        );
        assert!(row[1].starts_with("tel:+1555012"), "a phone link: {row:?}");
    }
    let message = site.eval("document.getElementById('follow-up-body').textContent").await;
    let message = message.as_str().unwrap();
    assert!(
        message.starts_with("Dear colleagues at the Department of History and Philosophy of Science,\n"),
        "{message}"
    );
    for bracket in ["[", "]"] {
        assert!(!message.contains(bracket), "a bracketed word in the message:\n{message}");
    }
    assert!(message.contains(" (done)\n"), "a done item says so in words:\n{message}");
}

#[tokio::test]
async fn the_brief_copies_the_subject_apart_from_the_message() {
    let site = Site::open("browser_fixtures/brief", READY, FULL).await;
    grant_clipboard(&site);
    let button = "button[data-copy-target='follow-up-subject']";
    assert_eq!(site.eval(&label_of(button)).await, "Copy the subject");
    fill_clipboard(&site, "nothing copied yet").await;
    click(&site, button).await;
    wait_value(&site, ANNOUNCED, json!("Copied to the clipboard"), REACT).await;
    let subject = site.eval("document.getElementById('follow-up-subject').textContent").await;
    assert_eq!(clipboard(&site).await, subject.as_str().unwrap());
    assert_eq!(subject, "Thank you, and our action items from 2026-11-18");
}

#[tokio::test]
async fn an_email_template_copies_paragraphs_as_paragraphs_and_its_subject_apart() {
    let site = Site::open("browser_fixtures/brief", READY, "playbooks/thank-and-recap/").await;
    grant_clipboard(&site);
    let buttons = site.eval("[...document.querySelectorAll('pre + .copy-row > *')].map(b => b.textContent)").await;
    assert_eq!(buttons, json!(["Copy this email", "Copy the subject", "Open in your mail program"]));
    // The page keeps the source as written, hard line breaks and all.
    let source = site.eval("document.querySelector('pre > code.language-email').textContent").await;
    assert!(source.as_str().unwrap().contains("really helpful\nto hear about"), "{source}");

    fill_clipboard(&site, "nothing copied yet").await;
    click(&site, "pre + .copy-row button:nth-child(1)").await;
    wait_value(&site, &label_of("pre + .copy-row button:nth-child(1)"), json!("Copied"), REACT).await;
    assert_eq!(clipboard(&site).await, BODY);

    fill_clipboard(&site, "nothing copied yet").await;
    click(&site, "pre + .copy-row button:nth-child(2)").await;
    wait_value(&site, &label_of("pre + .copy-row button:nth-child(2)"), json!("Copied"), REACT).await;
    assert_eq!(clipboard(&site).await, SUBJECT);
}

#[tokio::test]
async fn the_mail_link_fills_subject_and_body_with_crlf_line_ends() {
    let site = Site::open("browser_fixtures/brief", READY, "playbooks/thank-and-recap/").await;
    let href = site.eval("document.querySelector('pre + .copy-row a.mail-link').getAttribute('href')").await;
    let href = href.as_str().expect("a mail link").to_string();
    let query = href.strip_prefix("mailto:?").unwrap_or_else(|| panic!("a mailto: without recipient: {href}"));
    assert!(!query.contains(' ') && !query.contains('\n'), "percent-encoded: {href}");
    let (subject, body) = query.split_once("&body=").unwrap_or_else(|| panic!("a body: {href}"));
    let subject =
        site.eval(&format!("decodeURIComponent({})", js_string(subject.strip_prefix("subject=").unwrap()))).await;
    assert_eq!(subject, SUBJECT);
    let body = site.eval(&format!("decodeURIComponent({})", js_string(body))).await;
    let body = body.as_str().unwrap();
    assert!(!body.replace("\r\n", "").contains('\n'), "every line end is CRLF: {body:?}");
    assert_eq!(body.replace("\r\n", "\n"), BODY);
}
