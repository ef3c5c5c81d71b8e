//! HTML validity: every page of the shipped guide and of a fixture with
//! every page type and Markdown feature (`a11y_fixtures/full`, built with
//! `--drafts`), and the theme's stylesheet, pass the Nu Html Checker (vnu)
//! with no error.
//!
//! vnu comes from npm (`vnu-jar` in `package.json`) and runs on Java 11 or
//! later: run `npm ci` at the top of the repository once. A missing jar or
//! Java fails this test; it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::GuideTest;

const NPM_HINT: &str = "vnu-jar is an npm dev-dependency of this repository: run `npm ci` at its top \
                        (.ci/run does this in CI)";

/// `node_modules/vnu-jar/build/dist/vnu.jar`, or a failure that says how to get it.
fn vnu_jar() -> PathBuf {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} is missing; {NPM_HINT}", jar.display());
    jar
}

/// Every `.html` file below `dir`, sorted.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("cannot walk {}: {e}", dir.display())))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_published_page_is_valid_html() {
    let jar = vnu_jar();

    let shipped = GuideTest::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    shipped.build_ok();
    let fixture = GuideTest::from_dir("a11y_fixtures/full");
    fixture.run(&["build", "--drafts"]).success();

    let mut files = html_files(&shipped.public());
    let fixture_pages = html_files(&fixture.public());
    // The fixture has every page type, the draft playbook included.
    for page in [
        "index.html",
        "404.html",
        "playbooks/index.html",
        "playbooks/run-the-meeting/index.html",
        "playbooks/draft-idea/index.html",
        "partners/index.html",
        "partners/kind/it/index.html",
        "partners/status/paused/index.html",
        "partners/tag/infrastructure/index.html",
        "partners/pipeline/index.html",
        "partners/campus-it/index.html",
        "partners/campus-it/brief/index.html",
        "actions/index.html",
        "actions/owner/ana-ruiz/index.html",
        "actions/partner/campus-it/index.html",
        "tags/index.html",
        "tags/templates/index.html",
        "about/index.html",
        "print/index.html",
        "report/index.html",
    ] {
        assert!(fixture_pages.contains(&fixture.public().join(page)), "the fixture build has no {page}");
    }
    files.extend(fixture_pages);
    // The fixture's partner page with its private notes (a default build leaves them out).
    fixture.run(&["build", "-o", "intranet", "--include-private"]).success();
    let private = fixture.root().join("intranet/partners/campus-it/index.html");
    assert!(
        crate::support::read_text(&private).contains("id=\"private-notes\""),
        "no private notes in {}",
        private.display()
    );
    files.push(private);
    assert!(files.len() > 100, "only {} HTML files were built", files.len());
    let css = shipped.public().join("assets/style.css");
    assert!(css.is_file(), "the build has no assets/style.css");
    files.push(css);

    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--also-check-css", "--format", "json"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("could not run `java` (Java 11 or later is needed for vnu): {e}"));
    // vnu writes its JSON report to stderr; with --errors-only and no error it may write nothing.
    let report = String::from_utf8_lossy(&output.stderr);
    let messages: Vec<Value> = if report.trim().is_empty() {
        Vec::new()
    } else {
        let json: Value = serde_json::from_str(&report)
            .unwrap_or_else(|e| panic!("vnu's report is not JSON ({e}); exit {:?}:\n{report}", output.status.code()));
        json["messages"].as_array().cloned().unwrap_or_default()
    };

    let roots = [(shipped.public(), "shipped"), (fixture.public(), "fixture")];
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("?");
            let path = url.strip_prefix("file:").unwrap_or(url);
            let shown = roots
                .iter()
                .find_map(|(root, name)| {
                    Path::new(path).strip_prefix(root).ok().map(|rel| format!("{name}:{}", rel.display()))
                })
                .unwrap_or_else(|| path.to_string());
            let line = m["lastLine"].as_u64().or(m["firstLine"].as_u64()).unwrap_or(0);
            let column = m["firstColumn"].as_u64().unwrap_or(0);
            let extract = m["extract"].as_str().unwrap_or_default().replace('\n', "⏎");
            format!(
                "{shown}:{line}:{column}: {}: {}\n    {extract}",
                m["type"].as_str().unwrap_or("?"),
                m["message"].as_str().unwrap_or("?")
            )
        })
        .collect();
    assert!(errors.is_empty(), "vnu found {} error(s) in {} files:\n{}", errors.len(), files.len(), errors.join("\n"));
    assert!(
        output.status.success(),
        "vnu exited with {:?} but reported no error:\n{report}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout)
    );
}
