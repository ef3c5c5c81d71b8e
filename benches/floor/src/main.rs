//! The floor program: the lower bound every generator is compared against.
//!
//! `partnerbook-floor GUIDE OUT` reads every `GUIDE/playbooks/**/*.md`, skips
//! its YAML front matter (the block between a leading `---` line and the next
//! `---` line), renders the rest with pulldown-cmark (tables, task lists,
//! footnotes, strikethrough, alerts, smart punctuation: the options
//! partnerbook enables) and writes
//! `OUT/playbooks/SLUG/index.html`, on all cores. No templates, no links
//! resolved, no other pages: what is left is reading, Markdown and writing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [guide, out] = args.as_slice() else {
        eprintln!("usage: partnerbook-floor GUIDE OUT");
        return ExitCode::from(2);
    };
    match run(guide, out) {
        Ok(pages) => {
            eprintln!("{pages} pages");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(guide: &Path, out: &Path) -> io::Result<usize> {
    let root = guide.join("playbooks");
    let mut files = Vec::new();
    walk(&root, &mut files)?;
    files.par_iter().map(|path| page(&root, path, out)).collect::<io::Result<Vec<()>>>().map(|v| v.len())
}

/// Every `.md` file under `dir`.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| with_path(e, dir))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            files.push(path);
        }
    }
    Ok(())
}

fn page(root: &Path, path: &Path, out: &Path) -> io::Result<()> {
    let text = fs::read_to_string(path).map_err(|e| with_path(e, path))?;
    let slug = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut html = String::with_capacity(text.len() * 3 / 2 + 128);
    html.push_str("<!doctype html><meta charset=utf-8><main>\n");
    html::push_html(&mut html, Parser::new_ext(body(&text), options));
    html.push_str("</main>\n");
    let dir = out.join("playbooks").join(slug);
    fs::create_dir_all(&dir).map_err(|e| with_path(e, &dir))?;
    let file = dir.join("index.html");
    fs::write(&file, html).map_err(|e| with_path(e, &file))
}

/// The Markdown after the front matter (the whole text when there is none).
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else { return text };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return &rest[offset..];
        }
    }
    text
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::body;

    #[test]
    fn front_matter_is_skipped() {
        assert_eq!(body("---\ntitle: A\n---\n\n# Body\n"), "\n# Body\n");
        assert_eq!(body("---\r\ntitle: A\r\n---\r\nBody"), "Body");
        assert_eq!(body("# No front matter\n"), "# No front matter\n");
        assert_eq!(body("---\nnever closed\n"), "---\nnever closed\n");
    }
}
