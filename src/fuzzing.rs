//! Entry points for the fuzz targets (`fuzz/`) and the property tests. Each
//! takes any bytes, runs one step of the real pipeline on them with no I/O
//! (the same functions `build` calls), renders the diagnostics as the terminal
//! and `--format json` would, and checks what later steps rely on: every span
//! lies inside its file. A panic here is a bug. Not a stable API.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::link::markdown::{self, Origin, PlaybookTarget, Targets};
use crate::source::{FileId, SourceFile, SourceFiles};

/// Loads `bytes` as the playbook `playbooks/fuzz.md`: front matter split, YAML
/// parsed into the playbook's fields. Returns the rendered diagnostics.
pub fn playbook_file(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Some(split) = crate::load::front_matter::split(text)
    {
        assert!(split.yaml.end <= split.body.start, "front matter overlaps the body: {split:?}");
        assert!(split.body.end == text.len(), "the body must run to the end: {split:?}");
        for at in [split.yaml.start, split.yaml.end, split.body.start] {
            assert!(text.is_char_boundary(at), "split inside a character at {at}");
        }
    }
    load_as("playbooks/fuzz.md", bytes)
}

/// Loads `bytes` as the partner profile `partners/fuzz.yaml`. Returns the
/// rendered diagnostics.
pub fn partner_file(bytes: &[u8]) -> String {
    load_as("partners/fuzz.yaml", bytes)
}

/// Renders `bytes` (made UTF-8 if need be) as a playbook body, with links to
/// the partners `campus-it` and `library` and the playbooks `first-meeting`
/// (heading `agenda`) and `old` (a draft), then as a partner's notes. Returns
/// the HTML of the body.
pub fn markdown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let target = |ids: &[&str], left_out| PlaybookTarget {
        ids: Arc::new(ids.iter().map(|s| s.to_string()).collect()),
        left_out,
    };
    let playbooks: HashMap<String, PlaybookTarget> =
        [("first-meeting".to_string(), target(&["agenda"], false)), ("old".to_string(), target(&[], true))].into();
    let partners: HashSet<String> = ["campus-it".to_string(), "library".to_string()].into();
    let targets = Targets { base: "/guide/", playbooks: &playbooks, partners: &partners };
    let mut diags = Vec::new();
    let body = markdown::render(&text, &targets, Origin::Body { file: FileId(0), start: 0 }, &mut diags);
    let origin = Origin::Yaml { file: FileId(0), start: 0, file_text: &text };
    let notes = markdown::render_scoped(&text, &targets, origin, "notes-", &mut diags);
    for html in [&body.html, &notes.html] {
        crate::render::search_index::plain_text(html);
    }
    markdown::heading_ids(&text);
    let file = SourceFile::new("playbooks/fuzz.md".into(), "playbooks/fuzz.md".into(), text.into_owned());
    render_diagnostics(Arc::new(file), diags);
    body.html
}

fn load_as(rel: &str, bytes: &[u8]) -> String {
    let (file, diags) = crate::load::parse_one(rel, bytes.to_vec()).expect("a text file of the guide");
    render_diagnostics(file, diags)
}

/// Checks that every span lies inside the file, then renders the diagnostics
/// as text and as JSON Lines.
fn render_diagnostics(file: Arc<SourceFile>, diags: Vec<Diagnostic>) -> String {
    let len = file.text.len();
    let mut all = Diagnostics::default();
    for d in diags {
        if let Some(span) = &d.span {
            assert!(
                span.bytes.start <= span.bytes.end && span.bytes.end <= len,
                "span {span:?} outside a {len}-byte file"
            );
        }
        all.push(d);
    }
    let mut files = SourceFiles::default();
    files.add(file);
    let mut out = all.render(&files, false);
    out.push_str(&all.render_json(&files));
    out
}
