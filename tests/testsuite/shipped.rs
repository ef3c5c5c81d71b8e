//! The shipped guide (`content/`) as a guide: it teaches the article it
//! follows without copying it, it has a playbook for each topic its readers
//! asked for, linked both ways to the partners it concerns, every owner of an
//! item is someone the guide introduces, and `check` warns only about the
//! sample items the about page lists as late on purpose.
//!
//! The article is not part of the repository. `shipped/article-runs.txt`
//! holds a fingerprint of it (a hash of every run of `RUN` words, no text);
//! where the article is beside the repository (`../shared/seed/`, or the file
//! or folder `PARTNERBOOK_ARTICLE` names), the fingerprint is checked against
//! it, and `UPDATE_ARTICLE_RUNS=1` writes it again.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::support::{GuideTest, fixtures, read_text};

/// The longest run of words the guide may share with the article, plus one.
const RUN: usize = 8;

/// The date the guide's own checks count as today (the about page says so).
const GUIDE_TODAY: &str = "2026-12-07";

/// The topics the guide must cover: (playbook slug, stage, partners it must
/// name among its `partners:`).
const TOPICS: &[(&str, &str, &[&str])] = &[
    ("privacy-and-data-sharing", "follow-up", &["campus-it", "engineering-design"]),
    ("put-it-in-writing", "follow-up", &["campus-it", "engineering-design"]),
    ("accessibility", "follow-up", &["accessibility-resources", "campus-it"]),
    ("assess-the-partnership", "sustain", &["campus-it", "engineering-design"]),
    ("inside-the-library-first", "prepare", &["engineering-design"]),
    ("when-a-champion-leaves", "sustain", &["campus-it"]),
    ("first-contact-email", "reach-out", &[]),
];

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn content_text(rel: &str) -> String {
    read_text(&content().join(rel))
}

/// The words of `text`, lower case: letters and digits only, apostrophes
/// dropped inside words ("it's" is "its"), anything else a break.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            continue;
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// FNV-1a (64 bits) of a run of words joined by single spaces.
fn run_hash(run: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, w) in run.iter().enumerate() {
        if i > 0 {
            h = (h ^ u64::from(b' ')).wrapping_mul(0x0100_0000_01b3);
        }
        for b in w.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The hash of every run of `RUN` words in each of `texts`.
fn runs_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<u64> {
    texts.into_iter().flat_map(|t| words(t).windows(RUN).map(run_hash).collect::<Vec<_>>()).collect()
}

/// The runs of `RUN` words of `text` whose hash is in `runs`, as text.
fn copied_runs(text: &str, runs: &BTreeSet<u64>) -> Vec<String> {
    let mut found: Vec<String> =
        words(text).windows(RUN).filter(|r| runs.contains(&run_hash(r))).map(|r| r.join(" ")).collect();
    found.dedup();
    found
}

/// The texts of the article, when it is beside the repository.
fn article_texts() -> Option<Vec<String>> {
    let place = match std::env::var_os("PARTNERBOOK_ARTICLE") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed"),
    };
    let files: Vec<PathBuf> = if place.is_dir() {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&place).ok()?.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_file()).collect();
        files.sort();
        files
    } else if place.is_file() {
        vec![place]
    } else {
        return None;
    };
    let texts: Vec<String> = files.iter().map(|f| read_text(f)).collect();
    (!texts.is_empty()).then_some(texts)
}

fn fingerprint_path() -> PathBuf {
    fixtures().join("shipped/article-runs.txt")
}

fn write_fingerprint(runs: &BTreeSet<u64>) {
    let mut out = format!(
        "# The article the shipped guide follows, as FNV-1a (64-bit) hashes of every\n\
         # run of {RUN} words (lower case, apostrophes dropped, anything but letters\n\
         # and digits a break). No text of the article is kept. Written by\n\
         # UPDATE_ARTICLE_RUNS=1 cargo test --test testsuite shipped::\n"
    );
    for h in runs {
        out.push_str(&format!("{h:016x}\n"));
    }
    std::fs::write(fingerprint_path(), out).unwrap();
}

/// The article's runs, from the fingerprint file.
fn fingerprint() -> BTreeSet<u64> {
    read_text(&fingerprint_path())
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| u64::from_str_radix(l.trim(), 16).unwrap_or_else(|e| panic!("bad line {l:?} in the fingerprint: {e}")))
        .collect()
}

/// Every text file of the shipped guide: (path below `content/`, text).
fn guide_texts() -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|x| x == "md" || x == "yaml" || x == "yml") {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, read_text(&path));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&content(), &content(), &mut out);
    out
}

#[test]
fn a_run_of_words_is_found_whatever_its_case_punctuation_or_apostrophes() {
    assert_eq!(
        words("It\u{2019}s a Campus-wide  test, isn't it?"),
        ["its", "a", "campus", "wide", "test", "isnt", "it"]
    );
    let article = runs_of(["One two three four five six seven eight nine ten."]);
    let copied = "Here: TWO, three four -- five six\nseven eight nine! And more.";
    assert_eq!(copied_runs(copied, &article), ["two three four five six seven eight nine"]);
    let shorter = "Here: two three four five six seven eight, and then something else.";
    assert!(copied_runs(shorter, &article).is_empty(), "seven words in a row are not a copied run");
}

#[test]
fn the_article_fingerprint_matches_the_article() {
    let Some(texts) = article_texts() else {
        eprintln!("the article is not beside the repository; the fingerprint is used as it is");
        return;
    };
    let runs = runs_of(texts.iter().map(String::as_str));
    if std::env::var_os("UPDATE_ARTICLE_RUNS").is_some() {
        write_fingerprint(&runs);
    }
    assert!(runs.len() > 100, "the article has only {} runs of {RUN} words", runs.len());
    assert!(
        fingerprint() == runs,
        "shipped/article-runs.txt does not match the article; write it again with UPDATE_ARTICLE_RUNS=1"
    );
}

#[test]
fn no_run_of_eight_words_is_copied_from_the_article() {
    let runs = fingerprint();
    assert!(runs.len() > 100, "the fingerprint holds only {} runs", runs.len());
    let copied: Vec<String> = guide_texts()
        .iter()
        .flat_map(|(path, text)| copied_runs(text, &runs).into_iter().map(move |r| format!("{path}: {r}")))
        .collect();
    assert!(copied.is_empty(), "runs of {RUN} words copied from the article; say it in our own words:\n{copied:#?}");
}

/// The front matter of a playbook file: the text between its `---` lines.
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("a playbook starts with ---");
    &rest[..rest.find("\n---\n").expect("front matter ends with ---")]
}

/// A scalar `key: value` at the start of a line.
fn scalar<'a>(yaml: &'a str, key: &str) -> Option<&'a str> {
    yaml.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(':')).map(|v| v.trim().trim_matches('"'))
}

/// A list `key: [a, b]` or `key:` followed by `  - a` lines, at the start of a line.
fn list(yaml: &str, key: &str) -> Vec<String> {
    let mut lines = yaml.lines();
    while let Some(line) = lines.next() {
        let Some(value) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else { continue };
        let value = value.trim();
        if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            return inner.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
        return lines
            .map_while(|l| l.trim_start().strip_prefix("- ").filter(|_| l.starts_with(' ')))
            .map(|s| s.trim().to_string())
            .collect();
    }
    Vec::new()
}

#[test]
fn each_topic_is_a_playbook_with_a_checklist_and_a_template_linked_both_ways_to_its_partners() {
    let t = GuideTest::from_path(&content());
    t.build_ok();
    for &(slug, stage, must_name) in TOPICS {
        let text = content_text(&format!("playbooks/{slug}.md"));
        let fm = front_matter(&text);
        for key in ["title", "summary", "stage", "partnership", "updated"] {
            assert!(scalar(fm, key).is_some_and(|v| !v.is_empty()), "{slug}: no `{key}`");
        }
        assert_eq!(scalar(fm, "stage"), Some(stage), "{slug}: stage");
        assert!(!list(fm, "tags").is_empty(), "{slug}: no tags");
        let body = &text[fm.len()..];
        assert!(body.lines().any(|l| l.trim_start().starts_with("- [ ] ")), "{slug}: no checklist");
        assert!(body.contains("```email") || body.contains("```template"), "{slug}: no template to copy");

        let partners = list(fm, "partners");
        assert!(!partners.is_empty(), "{slug}: names no partner");
        for p in must_name {
            assert!(partners.iter().any(|x| x == p), "{slug}: does not name the partner {p}");
        }
        let page = t.read_output(&format!("playbooks/{slug}/index.html"));
        for p in &partners {
            let profile = content_text(&format!("partners/{p}.yaml"));
            assert!(list(&profile, "playbooks").iter().any(|x| x == slug), "partners/{p}.yaml does not list {slug}");
            assert!(page.contains(&format!("partners/{p}/\"")), "the page of {slug} does not link to {p}");
            let partner_page = t.read_output(&format!("partners/{p}/index.html"));
            assert!(partner_page.contains(&format!("playbooks/{slug}/\"")), "the page of {p} does not link to {slug}");
        }
    }
}

#[test]
fn the_examples_and_the_partner_map_point_to_the_new_topics() {
    let makerspace = content_text("playbooks/spaces/makerspace.md");
    let help_point = content_text("partners/campus-it.yaml");
    for (what, text) in [("the makerspace example", &makerspace), ("the help point example", &help_point)] {
        assert!(text.contains("playbook:put-it-in-writing"), "{what} does not link to the agreement playbook");
    }
    assert!(makerspace.contains("playbook:accessibility"), "the questions for IT leave out accessibility");
    let map = content_text("playbooks/map-all-possible-partners.md").to_lowercase();
    for work in [
        "single sign-on",
        "proxy server",
        "learning management system",
        "hecvat",
        "library services platform",
        "environmental health",
        "risk",
    ] {
        assert!(map.contains(work), "the partner map does not name {work:?}");
    }
    let about = content_text("pages/about.md").split_whitespace().collect::<Vec<_>>().join(" ");
    let title = "Creating Campus-wide Technology Partnerships: Mission Impossible?";
    assert!(about.contains(title), "the about page does not credit the article by title");
    assert!(about.contains("fictional"), "the about page does not say Northfield is fictional");
    assert!(about.contains("../whos-who/"), "the about page does not link to Who's who");
}

#[test]
fn every_owner_of_an_item_is_a_partner_contact_or_on_the_whos_who_page() {
    let texts = guide_texts();
    let whos_who = &texts["pages/whos-who.md"];
    let profiles: Vec<&String> = texts.iter().filter(|(p, _)| p.starts_with("partners/")).map(|(_, t)| t).collect();
    let contacts: HashSet<&str> = profiles
        .iter()
        .flat_map(|t| t.lines().filter_map(|l| l.trim_start().strip_prefix("- name:").map(str::trim)))
        .collect();
    let mut strangers = BTreeSet::new();
    for t in &profiles {
        for owner in t.lines().filter_map(|l| l.trim_start().strip_prefix("owner:").map(str::trim)) {
            if !contacts.contains(owner) && !whos_who.contains(owner) {
                strangers.insert(owner.to_string());
            }
        }
    }
    assert!(strangers.is_empty(), "owners neither a partner contact nor on the Who's who page: {strangers:?}");
}

/// `2026-09-30` as `September 30, 2026`.
fn us_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<u32> = iso.split('-').map(|p| p.parse().unwrap_or_else(|_| panic!("not a date: {iso}"))).collect();
    format!("{} {}, {}", MONTHS[parts[1] as usize - 1], parts[2], parts[0])
}

#[test]
fn the_shipped_guide_warns_only_about_the_late_items_its_about_page_lists() {
    let t = GuideTest::from_path(&content());
    let guide = t.guide().display().to_string();
    let run = t.run_in("", &["check", &guide, "--today", GUIDE_TODAY, "--format", "json"]).success();
    let about = content_text("pages/about.md");
    let late =
        &about[about.find("## Sample items that are late on purpose").expect("the about page lists late items")..];
    let late = &late[..late[3..].find("\n## ").map_or(late.len(), |i| i + 3)];
    let rows = late.lines().filter(|l| l.starts_with("| [")).count();

    let mut items = BTreeSet::new();
    for line in run.stdout.lines().filter(|l| !l.trim().is_empty()) {
        let d: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let (file, code, message) =
            (d["file"].as_str().unwrap(), d["code"].as_str().unwrap(), d["message"].as_str().unwrap());
        assert_eq!(d["severity"], "warning", "{line}");
        let slug = file.strip_prefix("partners/").and_then(|f| f.strip_suffix(".yaml"));
        let slug = slug.unwrap_or_else(|| panic!("a warning that is not about a partner's late item: {line}"));
        let date = match code {
            // "... was due on 2026-09-30 (68 days late) ..."
            "overdue-item" => message.rsplit("due on ").next().unwrap().chars().take(10).collect(),
            "stale-partner" => {
                let text = content_text(file);
                let n = d["line"].as_u64().unwrap() as usize;
                text.lines().nth(n - 1).and_then(|l| l.strip_prefix("last_contact:")).unwrap().trim().to_string()
            }
            _ => panic!("a warning the sample data does not show on purpose: {line}"),
        };
        let listed = late.lines().any(|l| l.contains(&format!("partner:{slug})")) && l.contains(&us_date(&date)));
        assert!(listed, "the about page does not list the late item of {slug} from {date}: {message}");
        items.insert((slug.to_string(), code.to_string(), message.to_string()));
    }
    assert_eq!(items.len(), rows, "the about page lists {rows} late items, the checker warns about {items:#?}");
}
