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
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span: Some(span), message: message.into(), hint: None }
    }

    /// A warning at a span.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, span: Some(span), message: message.into(), hint: None }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
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
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by_cached_key(|d| {
            let loc = d.location(files).unwrap_or_default();
            (loc, d.severity, d.message.clone())
        });
        v.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        v
    }

    /// Renders every problem for a terminal, sorted, with a source snippet each.
    pub fn render(&self, files: &SourceFiles, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let mut out = String::new();
        for d in self.sorted(files) {
            out.push_str(&render_one(d, files, &renderer));
            out.push_str("\n\n");
        }
        out
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
        let snippet = Snippet::source(file.text.as_str())
            .path(file.path.as_str())
            .fold(true)
            .annotation(AnnotationKind::Primary.span(start..end));
        group = group.element(snippet);
    }
    let mut report: Vec<Group<'_>> = vec![group];
    if let Some(hint) = &d.hint {
        report.push(Group::with_title(Level::HELP.secondary_title(hint.as_str())));
    }
    renderer.render(&report)
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
pub fn suggestion<'a>(word: &str, candidates: &[&'a str]) -> String {
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
}
