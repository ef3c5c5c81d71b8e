//! The whole guide in print (`/print/`), in a real browser: Chromium prints
//! the shipped guide's page to PDF with its document outline (the bookmarks a
//! PDF reader shows, made from the page's headings), and every playbook's
//! title is in that outline, in the order of the page; each stage starts a new
//! sheet; the table of contents' links scroll to their playbook.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::outreach::{READY, click, post_to_session};
use super::{Site, scratch, wait_value};
use crate::support::GuideTest;

/// Opens the shipped guide's `/print/`.
async fn open_print() -> Site {
    let shipped = GuideTest::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    Site::open_guide(shipped, READY, "print/").await
}

/// The titles of the shipped guide's published playbooks, from their files.
fn shipped_titles() -> Vec<String> {
    let mut titles = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/playbooks");
    for entry in walk(&root) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.lines().any(|l| l.trim() == "draft: true") {
            continue;
        }
        let title = text.lines().find_map(|l| l.strip_prefix("title:")).expect("a title").trim();
        titles.push(title.trim_matches(|c| c == '"' || c == '\'').to_string());
    }
    titles.sort();
    titles
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    out
}

/// Decodes standard base64 (as the DevTools protocol sends a PDF).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// A PDF string as text: a literal `(...)` with its escapes, or hex `<FEFF...>` in UTF-16.
fn pdf_string(raw: &[u8]) -> String {
    if raw.first() == Some(&b'<') {
        let hex = String::from_utf8_lossy(&raw[1..raw.len() - 1]).into_owned();
        let bytes: Vec<u8> =
            (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        let units: Vec<u16> = bytes.chunks(2).skip(1).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < raw.len() - 1 {
        if raw[i] == b'\\' {
            i += 1;
            if raw[i].is_ascii_digit() {
                let end = (i..i + 3).take_while(|j| raw[*j].is_ascii_digit()).last().unwrap() + 1;
                out.push(u8::from_str_radix(std::str::from_utf8(&raw[i..end]).unwrap(), 8).unwrap());
                i = end;
                continue;
            }
            out.push(match raw[i] {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                c => c,
            });
        } else {
            out.push(raw[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The titles of a PDF's outline in reading order: from the catalog's
/// `/Outlines`, each entry's `/First` child before its `/Next` sibling.
/// Chromium writes these dictionaries as plain objects (`N 0 obj << ... >>`).
fn outline_titles(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut objects: HashMap<u32, &str> = HashMap::new();
    for (at, _) in text.match_indices(" 0 obj") {
        let number: String = text[..at].chars().rev().take_while(char::is_ascii_digit).collect();
        let Ok(number) = number.chars().rev().collect::<String>().parse() else { continue };
        let body = &text[at..];
        objects.insert(number, &body[..body.find("endobj").unwrap_or(body.len())]);
    }
    let reference = |dict: &str, key: &str| -> Option<u32> {
        let rest = &dict[dict.find(&format!("{key} "))? + key.len() + 1..];
        rest.split(' ').next()?.parse().ok()
    };
    let root =
        text.find("/Outlines ").map(|at| &text[at..]).and_then(|t| reference(t, "/Outlines")).expect("an outline");
    let mut titles = Vec::new();
    let mut stack = vec![reference(objects[&root], "/First").expect("outline entries")];
    while let Some(n) = stack.pop() {
        let dict = objects[&n];
        let at = dict.find("/Title").expect("a title") + "/Title".len();
        let raw = dict[at..].trim_start();
        let end = if raw.starts_with('<') {
            raw.find('>').unwrap() + 1
        } else {
            // A literal string ends at the first `)` not escaped.
            let bytes = raw.as_bytes();
            (1..bytes.len()).find(|&i| bytes[i] == b')' && bytes[i - 1] != b'\\').unwrap() + 1
        };
        titles.push(pdf_string(&raw.as_bytes()[..end]));
        if let Some(next) = reference(dict, "/Next") {
            stack.push(next);
        }
        if let Some(first) = reference(dict, "/First") {
            stack.push(first);
        }
    }
    titles
}

#[tokio::test]
async fn every_playbook_is_in_the_printed_guide_in_order_and_each_stage_starts_a_sheet() {
    let site = open_print().await;
    let on_page = site.eval("[...document.querySelectorAll('.print-playbook-title')].map(h => h.textContent)").await;
    let on_page: Vec<String> = serde_json::from_value(on_page).unwrap();
    let mut sorted = on_page.clone();
    sorted.sort();
    assert_eq!(sorted, shipped_titles(), "the page holds every published playbook once");
    // The page lists them by stage, each stage in the order of the guide.
    let stages = site.eval("[...document.querySelectorAll('.print-stage')].map(s => s.id)").await;
    let stages: Vec<String> = serde_json::from_value(stages).unwrap();
    let order = ["stage-prepare", "stage-reach-out", "stage-meet", "stage-follow-up", "stage-sustain", "stage-other"];
    let known: Vec<&str> = order.iter().copied().filter(|s| stages.iter().any(|x| x == s)).collect();
    assert_eq!(stages[..stages.len() - 1], known[..], "stages in order, then the partners");
    assert_eq!(stages.last().map(String::as_str), Some("print-partners"));

    // Printed by Chromium as "Save as PDF" does, with the outline PDF readers show.
    let print = json!({ "cmd": "Page.printToPDF", "params": {
        "paperWidth": 8.5, "paperHeight": 11, "generateDocumentOutline": true, "printBackground": false
    } });
    let (status, answer) = post_to_session(&site, "goog/cdp/execute", &print.to_string());
    assert_eq!(status, 200, "could not print: {}", &answer[..answer.len().min(400)]);
    let answer: Value = serde_json::from_str(&answer).unwrap();
    let pdf = base64(answer["value"]["data"].as_str().expect("the PDF"));
    let dir = scratch().join("pdf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("print-shipped-letter.pdf"), &pdf).unwrap();
    let in_pdf: Vec<String> = outline_titles(&pdf).into_iter().filter(|t| on_page.contains(t)).collect();
    assert_eq!(in_pdf, on_page, "the PDF's playbooks, in order (PDF in target/tmp/browser/pdf)");
    // A cover, the contents, and each stage and the partners on sheets of their own.
    // Page objects, not the page tree (`/Type /Pages`); the outline's own
    // `/Count` keeps brief.rs's count from applying here.
    let raw = String::from_utf8_lossy(&pdf);
    let pages = raw.match_indices("/Type /Page").filter(|(at, m)| !raw[at + m.len()..].starts_with('s')).count();
    assert!(pages >= 2 + stages.len(), "{pages} pages for {} stages", stages.len());
}

#[tokio::test]
async fn the_table_of_contents_leads_to_each_playbook_and_every_inner_link_has_its_target() {
    let site = open_print().await;
    let missing = site
        .eval(
            "[...document.querySelectorAll('main a[href^=\"#\"]')] \
             .map(a => a.getAttribute('href').slice(1)) \
             .filter(id => !document.getElementById(decodeURIComponent(id)))",
        )
        .await;
    assert_eq!(missing, json!([]), "links inside the page without a target");
    let outside = site
        .eval(
            "[...document.querySelectorAll('.print-body a[href]')].map(a => a.getAttribute('href')) \
             .filter(h => h.includes('/playbooks/') && !/^https?:/.test(h))",
        )
        .await;
    assert_eq!(outside, json!([]), "playbook bodies link to playbooks inside the page");
    // The last playbook of the contents: clicking it scrolls down to it.
    let last = site.eval("[...document.querySelectorAll('.print-toc ol ol a')].pop().getAttribute('href')").await;
    let last = last.as_str().expect("a contents entry").to_string();
    assert_eq!(site.eval("window.scrollY").await, json!(0));
    click(&site, &format!(".print-toc a[href=\"{last}\"]")).await;
    wait_value(&site, "location.hash", json!(last), Duration::from_secs(5)).await;
    // The page may scroll smoothly: wait until the playbook reaches the top of the window.
    let at_top = format!("Math.abs(document.getElementById({:?}).getBoundingClientRect().top) < 80", &last[1..]);
    wait_value(&site, &at_top, json!(true), Duration::from_secs(5)).await;
    assert!(site.eval("window.scrollY").await.as_f64().unwrap() > 1000.0, "the page scrolled down");
}
