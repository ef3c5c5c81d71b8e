//! Property tests of `edit_markdown` over every playbook and page of the
//! shipped guide and of the test fixtures: random front matter changes and
//! bodies give a file whose front matter reads back as intended, whose body
//! is the new one in the file's line ends, and whose front matter is unchanged
//! outside the entries edited.

use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value as Json;

use super::*;
use crate::load::fields::Stage;
use crate::load::front_matter;
use crate::load::playbook::PlaybookMeta;
use crate::load::yaml::{self, tree};
use crate::source::FileId;

/// Every Markdown file under a `playbooks` or `pages` folder.
fn markdown_files() -> Vec<(std::path::PathBuf, bool)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [root.join("content"), root.join("tests/testsuite")] {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
            let path = entry.path();
            let kind = path.components().find_map(|c| match c.as_os_str().to_str() {
                Some("playbooks") => Some(true),
                Some("pages") => Some(false),
                _ => None,
            });
            if let (Some(playbook), true) = (kind, path.extension().is_some_and(|e| e == "md")) {
                out.push((path.to_path_buf(), playbook));
            }
        }
    }
    out
}

const WORDS: &[&str] = &["Plain words", "yes", "a: b", "#tag", "12:30", "Ünïcödé", "say \"hi\"", "- dash", "x, y"];

fn word() -> impl Strategy<Value = String> {
    proptest::sample::select(WORDS).prop_map(String::from)
}

/// A change of one of the keys both playbooks and pages have, or of a playbook's.
fn change(playbook: bool) -> impl Strategy<Value = FieldChange> {
    let common = prop_oneof![
        word().prop_map(|w| ("title", FieldValue::Text(w))),
        word().prop_map(|w| ("summary", FieldValue::Text(w))),
        Just(("summary", FieldValue::Remove)),
    ];
    let playbook_only = prop_oneof![
        proptest::sample::select(Stage::ALL).prop_map(|s| ("stage", FieldValue::Text(s.as_str().into()))),
        Just(("stage", FieldValue::Remove)),
        proptest::collection::vec(word(), 0..3).prop_map(|t| ("tags", FieldValue::List(t))),
        (0i64..50).prop_map(|n| ("order", FieldValue::Text(n.to_string()))),
        any::<bool>().prop_map(|b| ("draft", FieldValue::Text(b.to_string()))),
        (1u32..13).prop_map(|m| ("updated", FieldValue::Text(format!("2026-{m:02}-03")))),
    ];
    let any_change = if playbook { prop_oneof![common, playbook_only].boxed() } else { common.boxed() };
    any_change.prop_map(|(key, value)| FieldChange { key: key.into(), value })
}

fn edit(playbook: bool) -> impl Strategy<Value = MarkdownEdit> {
    let body =
        proptest::sample::select(&["", "One line", "# Title\n\nText.\n", "a\r\nb\r\n", "---\nnot front matter\n"][..]);
    (proptest::collection::vec(change(playbook), 0..4), body).prop_map(|(fields, body)| {
        // One change per key: the form sends each field once.
        let mut seen = std::collections::HashSet::new();
        let fields = fields.into_iter().filter(|f| seen.insert(f.key.clone())).collect();
        MarkdownEdit { fields, body: body.to_string() }
    })
}

/// Checks one edit of `text`.
fn check(text: &str, edit: &MarkdownEdit, playbook: bool) {
    let Some(split) = front_matter::split(text) else { return };
    let old_yaml = &text[split.yaml.clone()];
    let new_text = match edit_markdown(text, edit) {
        Ok(t) => t,
        // Removing a required key, or a front matter that does not load, is refused.
        Err(e) if playbook && yaml::parse::<PlaybookMeta>(FileId(0), old_yaml, 0).is_err() => return drop(e),
        Err(e) => panic!("{edit:?} refused: {e}\n{text}"),
    };
    let new_split = front_matter::split(&new_text).expect("front matter kept");
    let eol = if text[..split.yaml.start].ends_with("\r\n") { "\r\n" } else { "\n" };
    let want_body = edit.body.replace("\r\n", "\n").replace('\n', eol);
    assert_eq!(&new_text[new_split.body.clone()], want_body);
    assert_eq!(&new_text[..new_split.yaml.start], &text[..split.yaml.start]);
    let new_yaml = &new_text[new_split.yaml.clone()];
    // The values read back: the old ones with the changes.
    let mut want: serde_json::Map<String, Json> = yaml::parse(FileId(0), old_yaml, 0).unwrap();
    for f in &edit.fields {
        match &f.value {
            FieldValue::Remove => drop(want.remove(&f.key)),
            FieldValue::List(l) => drop(want.insert(f.key.clone(), l.iter().cloned().map(Json::String).collect())),
            FieldValue::Text(t) => {
                let v = match f.key.as_str() {
                    "order" => Json::from(t.parse::<i64>().unwrap()),
                    "draft" => Json::Bool(t == "true"),
                    _ => Json::String(t.clone()),
                };
                want.insert(f.key.clone(), v);
            }
        }
    }
    let got: serde_json::Map<String, Json> = yaml::parse(FileId(0), new_yaml, 0).unwrap();
    assert_eq!(got, want, "{edit:?}\n{new_yaml}");
    // Unchanged outside the edited entries: the old text before the first
    // edited entry and after the last one is still there.
    let root = tree::parse(old_yaml).unwrap();
    let entries: Vec<std::ops::Range<usize>> = edit
        .fields
        .iter()
        .filter_map(|f| root.as_ref()?.entry(&f.key))
        .map(|e| {
            let start = old_yaml[..e.key.span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = e.value.span.end.max(e.key.span.end);
            start..old_yaml[end..].find('\n').map_or(old_yaml.len(), |i| end + i + 1)
        })
        .collect();
    // New keys go after the line of the last entry (at the end of an empty front matter).
    let line_after = |pos: usize| old_yaml[pos..].find('\n').map_or(old_yaml.len(), |i| pos + i + 1);
    let insert_at = match root.as_ref().map(|r| &r.kind) {
        Some(tree::NodeKind::Mapping { entries, .. }) => {
            entries.last().map_or(old_yaml.len(), |e| line_after(e.value.span.end.max(e.key.span.end)))
        }
        _ => old_yaml.len(),
    };
    let inserts = edit
        .fields
        .iter()
        .any(|f| !matches!(f.value, FieldValue::Remove) && root.as_ref().is_none_or(|r| r.entry(&f.key).is_none()));
    let inserted = inserts.then_some(insert_at..insert_at);
    let region = entries.into_iter().chain(inserted).reduce(|a, b| a.start.min(b.start)..a.end.max(b.end));
    match region {
        Some(r) => {
            assert!(new_yaml.starts_with(&old_yaml[..r.start]), "{edit:?}\n{old_yaml}---\n{new_yaml}");
            assert!(new_yaml.ends_with(&old_yaml[r.end..]), "{edit:?}\n{old_yaml}---\n{new_yaml}");
            assert!(new_yaml.len() >= r.start + old_yaml.len() - r.end);
        }
        None => assert_eq!(new_yaml, old_yaml),
    }
}

#[test]
fn every_shipped_and_fixture_playbook_and_page_takes_random_edits() {
    let files = markdown_files();
    assert!(files.len() > 30, "found only {files:?}");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for (path, playbook) in files {
        // A fixture of a file that is not UTF-8 has no text to edit.
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for _ in 0..8 {
            let edit = edit(playbook).new_tree(&mut runner).unwrap().current();
            check(&text, &edit, playbook);
        }
        // The same edits on the file with CRLF line ends and a BOM.
        let crlf = format!("\u{feff}{}", text.replace("\r\n", "\n").replace('\n', "\r\n"));
        for _ in 0..4 {
            let edit = edit(playbook).new_tree(&mut runner).unwrap().current();
            check(&crlf, &edit, playbook);
        }
    }
}
