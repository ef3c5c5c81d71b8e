//! Diagnostics: a problem in the guide, where it is (a byte span in the whole
//! file) and how to fix it. Stages push into [`Diagnostics`] and carry on, so
//! that one run reports every problem at once; this module sorts them and
//! renders them for the terminal with source snippets.

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{FileId, SourceFiles};

/// A byte range in the whole text of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Byte offsets into the whole file (never relative to a front matter or body).
    pub bytes: Range<usize>,
}

impl Span {
    /// A span of `len` bytes starting at `start`.
    pub fn new(file: FileId, start: usize, len: usize) -> Self {
        Span { file, bytes: start..start + len }
    }
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot go on.
    Error,
    /// Worth fixing; the build still succeeds.
    Warning,
}

/// One problem found in the guide.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where; `None` for problems of the guide as a whole (a missing folder).
    pub span: Option<Span>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, if we know.
    pub hint: Option<String>,
    /// A stable name for the kind of problem (`unknown-key`, `stale-partner`), for
    /// tools that read `check --format json`; `None` for problems without one.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span: Some(span), message: message.into(), hint: None, code: None }
    }

    /// A warning at a span.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, span: Some(span), message: message.into(), hint: None, code: None }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the stable code of the kind of problem.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Adds a hint when there is one.
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// `path:line:col`, or `None` for a diagnostic without span.
    pub fn location(&self, files: &SourceFiles) -> Option<(String, usize, usize)> {
        let span = self.span.as_ref()?;
        let file = files.get(span.file);
        let (line, col) = file.line_col(span.bytes.start);
        Some((file.path.clone(), line, col))
    }
}

/// The sink every stage writes its problems into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Every problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Keeps only the problems for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// All problems, sorted by file path, line, column, then message, so that
    /// output is the same from run to run.
    pub fn sorted(&self, files: &SourceFiles) -> Vec<&Diagnostic> {
        use rayon::prelude::*;
        let mut v: Vec<(_, &Diagnostic)> = self
            .items
            .par_iter()
            .map(|d| ((d.location(files).unwrap_or_default(), d.severity, d.message.clone()), d))
            .collect();
        v.par_sort_by(|a, b| a.0.cmp(&b.0));
        let mut v: Vec<&Diagnostic> = v.into_iter().map(|(_, d)| d).collect();
        v.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        v
    }

    /// Renders every problem as JSON Lines, sorted like [`Diagnostics::render`]:
    /// one [`JsonDiagnostic`] object per line, for CI annotations and editors.
    pub fn render_json(&self, files: &SourceFiles) -> String {
        let mut out = String::new();
        for d in self.sorted(files) {
            let line = serde_json::to_string(&JsonDiagnostic::new(d, files)).expect("plain strings and numbers");
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// Renders every problem for a terminal, sorted, with a source snippet each.
    pub fn render(&self, files: &SourceFiles, color: bool) -> String {
        use rayon::prelude::*;
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        // A large guide can have thousands of warnings: their snippets are made on every core.
        let parts: Vec<String> = self.sorted(files).par_iter().map(|d| render_one(d, files, &renderer)).collect();
        let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 2).sum());
        for part in parts {
            out.push_str(&part);
            out.push_str("\n\n");
        }
        out
    }
}

/// One diagnostic as `check --format json` prints it. Lines and columns are
/// 1-based (columns count characters); the end is where the span ends. Every
/// location field is `null` for a problem of the guide as a whole.
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    /// Path relative to the guide, `/`-separated.
    pub file: Option<&'a str>,
    /// Line of the start.
    pub line: Option<usize>,
    /// Column of the start.
    pub column: Option<usize>,
    /// Line of the end.
    pub end_line: Option<usize>,
    /// Column of the end (just past the last character).
    pub end_column: Option<usize>,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The stable code, e.g. `unknown-key`.
    pub code: Option<&'static str>,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub hint: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic, files: &'a SourceFiles) -> Self {
        let (mut file, mut line, mut column, mut end_line, mut end_column) = (None, None, None, None, None);
        if let Some(span) = &d.span {
            let f = files.get(span.file);
            let (l, c) = f.line_col(span.bytes.start);
            let (el, ec) = f.line_col(span.bytes.end.max(span.bytes.start));
            (file, line, column, end_line, end_column) = (Some(f.path.as_str()), Some(l), Some(c), Some(el), Some(ec));
        }
        JsonDiagnostic {
            file,
            line,
            column,
            end_line,
            end_column,
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: d.code,
            message: &d.message,
            hint: d.hint.as_deref(),
        }
    }
}

fn render_one(d: &Diagnostic, files: &SourceFiles, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(level.primary_title(d.message.as_str()));
    if let Some(span) = &d.span {
        let file = files.get(span.file);
        let text = file.text.as_str();
        let mut end = span.bytes.end.max(span.bytes.start).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut start = span.bytes.start.min(end);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        group = group.element(snippet(file, start..end));
    }
    let mut report: Vec<Group<'_>> = vec![group];
    if let Some(hint) = &d.hint {
        report.push(Group::with_title(Level::HELP.secondary_title(hint.as_str())));
    }
    renderer.render(&report)
}

/// The snippet of `file` that shows `span` (a range on character boundaries):
/// only the lines it covers, numbered as in the file. The renderer reads every
/// line of the source it is given, and a large guide has thousands of warnings,
/// several per file; folded, the whole file shows the same lines.
fn snippet<'a>(
    file: &'a crate::source::SourceFile,
    span: Range<usize>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let text = file.text.as_str();
    // At the very end, after a last line break, the renderer points at the
    // end of the last line: the whole file is given, as the rare case it is.
    if span.end == text.len() && text.ends_with('\n') {
        return Snippet::source(text)
            .path(file.path.as_str())
            .fold(true)
            .annotation(AnnotationKind::Primary.span(span));
    }
    let (first, _) = file.line_col(span.start);
    let (last, _) = file.line_col(span.end);
    let from = file.line_range(first).start;
    // Through the last line's break, if it has one.
    let last_end = file.line_range(last).end;
    let to = text[last_end..].find('\n').map_or(text.len(), |i| last_end + i + 1);
    Snippet::source(&text[from..to])
        .line_start(first)
        .path(file.path.as_str())
        .fold(true)
        .annotation(AnnotationKind::Primary.span(span.start - from..span.end - from))
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, or a list of what is valid.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_and_ignores_strangers() {
        let c = ["campus-it", "research-computing", "art-department"];
        assert_eq!(did_you_mean("campus-itt", c), Some("campus-it"));
        assert_eq!(did_you_mean("reserch-computing", c), Some("research-computing"));
        assert_eq!(did_you_mean("zzz", c), None);
    }

    #[test]
    fn render_names_path_line_and_column_and_the_hint() {
        let mut files = SourceFiles::default();
        let id = files.add(crate::source::SourceFile::new(
            "playbooks/a.md".into(),
            "x".into(),
            "---\ntitle: A\npartners: [campus-itt]\n---\n".into(),
        ));
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error(Span::new(id, 24, 10), "unknown partner `campus-itt`")
                .with_hint("did you mean `campus-it`?"),
        );
        let text = diags.render(&files, false);
        assert!(text.contains("playbooks/a.md:3:12"), "{text}");
        assert!(text.contains("did you mean `campus-it`?"), "{text}");
        assert!(text.contains("partners: [campus-itt]"), "{text}");
    }

    /// A snippet of the lines a span covers renders as the whole file would.
    #[test]
    fn snippets_of_the_covered_lines_render_as_the_whole_file() {
        let texts = [
            "name: IT\nlast_contact: 2026-01-01\nnotes: |\n  Line one\n  Zoë's line\n\ntags: [a, b]",
            "a\r\nbé\r\n\r\n\tc: d\r\n",
            "---\ntitle: A\n---\n# Heading\n\nText with [a link](x) and more.\n",
        ];
        let renderer = Renderer::plain();
        for text in texts {
            let file = crate::source::SourceFile::new("partners/it.yaml".into(), "x".into(), text.into());
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for (i, &start) in bounds.iter().enumerate() {
                for &end in &bounds[i..] {
                    let whole = Snippet::source(text)
                        .path(file.path.as_str())
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(start..end));
                    let title = || Group::with_title(Level::WARNING.primary_title("m"));
                    let want = renderer.render(&[title().element(whole)]);
                    let got = renderer.render(&[title().element(snippet(&file, start..end))]);
                    assert_eq!(got, want, "{text:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn json_lines_carry_positions_code_and_hint() {
        let mut files = SourceFiles::default();
        let id = files.add(crate::source::SourceFile::new(
            "partners/it.yaml".into(),
            "x".into(),
            "name: IT\nlast_contact: 2026-01-01\n".into(),
        ));
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::warning(Span::new(id, 23, 10), "stale").with_code("stale-partner").with_hint("call"));
        diags.push(Diagnostic { span: None, ..Diagnostic::warning(Span::new(id, 0, 0), "whole guide") });
        let text = diags.render_json(&files);
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[1]["file"], "partners/it.yaml");
        assert_eq!((lines[1]["line"].as_u64(), lines[1]["column"].as_u64()), (Some(2), Some(15)));
        assert_eq!((lines[1]["end_line"].as_u64(), lines[1]["end_column"].as_u64()), (Some(2), Some(25)));
        assert_eq!(lines[1]["code"], "stale-partner");
        assert_eq!(lines[1]["hint"], "call");
        assert_eq!(lines[0]["file"], serde_json::Value::Null);
        assert_eq!(lines[0]["severity"], "warning");
    }
}
