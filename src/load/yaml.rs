//! The only module that names the YAML crate (serde-saphyr). It parses a YAML
//! text into any serde type, turns YAML errors into [`Diagnostic`]s that point
//! into the whole file, and provides [`Spanned`] for values a later stage must
//! point at (slug references, Markdown fields).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_saphyr::budget::BudgetBreach as Breach;

use crate::diag::{Diagnostic, Span, suggestion};
use crate::source::FileId;

pub(crate) mod tree;

/// A value with the byte range where it stands in the YAML text. Two are
/// equal when their values are: the same profile read from two layouts of a
/// file is the same profile (the edit engine compares parses so).
#[derive(Clone, Debug)]
pub(crate) struct Spanned<T> {
    /// The value itself.
    pub value: T,
    /// Byte offset of the value in the YAML text (not yet shifted to the file).
    pub offset: usize,
    /// Length of the value's text in bytes.
    pub len: usize,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T> Spanned<T> {
    /// A value with no place in any file (for values made in tests).
    #[cfg(test)]
    pub(crate) fn unplaced(value: T) -> Self {
        Spanned { value, offset: 0, len: 0 }
    }

    /// The span of this value in the whole file, given where the YAML text starts.
    pub(crate) fn span(&self, file: FileId, yaml_start: usize) -> Span {
        Span::new(file, yaml_start + self.offset, self.len)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let span = s.referenced.span();
        Ok(Spanned {
            value: s.value,
            offset: span.byte_offset().unwrap_or(0) as usize,
            len: span.byte_len().unwrap_or(0) as usize,
        })
    }
}

/// How deep mappings and sequences may nest. The deepest field of the format
/// (a meeting's action item's field) is at depth 4; the YAML parser recurses
/// per level of flow collections (`[[[...]]]`), so a file nested 20,000 deep
/// must stop here, with an error, rather than overflow the stack.
pub(crate) const MAX_DEPTH: usize = 32;

/// The most YAML text parsed, in bytes: serde-saphyr's budget allows as much
/// scalar text, so no bigger file could pass; this one refuses it before the
/// parser spends seconds and a gigabyte of memory on it.
pub(crate) const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Parses `yaml` (which starts at byte `yaml_start` of file `file`) into `T`.
/// On failure returns a diagnostic pointing at the offending value. A text
/// with nothing but blank lines and comments (an empty file) is read as an
/// empty mapping, so that it is reported as missing its required keys.
/// Besides the depth limit, serde-saphyr's default budget stops alias bombs
/// (at most 50,000 aliases, 1,000,000 events, 250,000 values, 64 MiB of text).
pub(crate) fn parse<T: DeserializeOwned>(file: FileId, yaml: &str, yaml_start: usize) -> Result<T, Diagnostic> {
    if yaml.len() > MAX_BYTES {
        return Err(too_big(Span::new(file, yaml_start, 0), &Breach::ScalarBytes { total_scalar_bytes: yaml.len() }));
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    let options = serde_saphyr::options! { budget: Some(budget) };
    let blank = yaml.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let text = if blank { "{}" } else { yaml };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| to_diagnostic(&e, file, yaml, yaml_start))
}

fn to_diagnostic(err: &serde_saphyr::Error, file: FileId, yaml: &str, yaml_start: usize) -> Diagnostic {
    use serde_saphyr::Error as E;
    let err = err.without_snippet();
    let (offset, len) = match err.location() {
        Some(l) => match l.span().byte_offset() {
            Some(b) => (b as usize, l.span().byte_len().unwrap_or(1) as usize),
            // Scanner errors carry a line and column but no byte offset.
            None => (offset_of(yaml, l.line() as usize, l.column() as usize), 1),
        },
        None => (0, 0),
    };
    // A missing key is missing from the whole mapping: point at its start.
    let (offset, len) = if matches!(err, E::SerdeMissingField { .. }) { (0, 0) } else { (offset, len) };
    let offset = offset.min(yaml.len());
    let len = token_len(&yaml[offset..]).max(len.min(yaml.len() - offset));
    let span = Span::new(file, yaml_start + offset, len);
    // An error met while replaying an alias (`*name`) wraps the real one; the
    // span above is where the alias is used.
    let mut err = err;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = err {
        err = error;
    }
    match err {
        E::SerdeUnknownField { field, expected, .. } => Diagnostic::error(span, format!("unknown key `{field}`"))
            .with_hint(suggestion(field, expected))
            .with_code("unknown-key"),
        E::SerdeUnknownVariant { variant, expected, .. } => {
            Diagnostic::error(span, format!("unknown value `{variant}`"))
                .with_hint(suggestion(variant, expected))
                .with_code("unknown-value")
        }
        E::SerdeMissingField { field, .. } => Diagnostic::error(span, format!("missing required key `{field}`"))
            .with_hint(format!("add a line `{field}: ...`"))
            .with_code("missing-key"),
        // Our own messages: a bad date (see `fields::parse_date`), or a wrong type.
        E::Message { msg, .. } if msg.contains("expected YYYY-MM-DD") => {
            Diagnostic::error(span, msg.clone()).with_code("bad-date")
        }
        E::Message { msg, .. } => Diagnostic::error(span, msg.clone()).with_code("bad-value"),
        E::Budget { breach, .. } => too_big(span, breach),
        E::MultipleDocuments { .. } => Diagnostic::error(span, "a second YAML document starts here")
            .with_hint("a file holds one document: remove this `---` line, or move what follows into its own file")
            .with_code("yaml-syntax"),
        other if other.to_string().starts_with("recursion limit exceeded") => {
            too_big(span, &Breach::Depth { depth: 0 })
        }
        other => {
            let text = other.to_string();
            // The location is shown in the snippet: drop it from the message.
            let message = match text.find(" at line ") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let message =
                message.replace("set DuplicateKeyPolicy in Options if acceptable", "each key may appear once");
            Diagnostic::error(span, format!("invalid YAML: {message}"))
                .with_hint(
                    "check the YAML syntax here; quote a value that contains `: ` or starts with `[`, `{`, `*`, `&` or `@`",
                )
                .with_code("yaml-syntax")
        }
    }
}

/// A YAML text past one of the parser's limits (see [`parse`]).
fn too_big(span: Span, breach: &Breach) -> Diagnostic {
    let what = match breach {
        Breach::Depth { .. } => format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
        Breach::Aliases { .. } | Breach::Anchors { .. } => "the YAML uses too many aliases (`*name`)".to_string(),
        Breach::ScalarBytes { .. } => "the YAML holds more than 64 MiB of text".to_string(),
        Breach::Nodes { .. } | Breach::Events { .. } => "the YAML holds too many values".to_string(),
        other => format!("the YAML is too large ({other:?})"),
    };
    Diagnostic::error(span, what)
        .with_hint("the files of a guide need a few levels and a few hundred values; look for a runaway copy, or an alias (`*name`) that repeats a big list")
        .with_code("yaml-limit")
}

/// Byte offset of a 1-based line and character column in `text`, clamped.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    text[start..].char_indices().nth(col.saturating_sub(1)).map_or(text.len(), |(i, _)| start + i)
}

/// Length of the word starting a text (up to white space, `,` `]` `}` or the end of line),
/// so that an error underlines the whole bad value rather than one character.
fn token_len(text: &str) -> usize {
    text.find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | ':')).unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields are read through Debug in assertions")]
    struct Doc {
        title: String,
        partners: Option<Vec<Spanned<String>>>,
    }

    #[test]
    fn spans_are_shifted_to_the_whole_file() {
        let yaml = "title: a\npartners: [x, yy]\n";
        let doc: Doc = parse(FileId(0), yaml, 4).unwrap();
        let p = doc.partners.unwrap();
        assert_eq!(p[1].value, "yy");
        assert_eq!(p[1].span(FileId(0), 4).bytes, 4 + 23..4 + 25);
    }

    #[test]
    fn errors_point_at_the_value_with_a_hint() {
        let cases = [
            ("title: a\ntitel: b\n", "unknown key `titel`", Some("did you mean `title`?"), 9),
            ("partners: []\n", "missing required key `title`", None, 0),
            ("title: [a\n", "invalid YAML", None, 7),
            ("title: a\npartners: x: y\n", "invalid YAML", None, 19),
            ("partners: []\npartners: []\n", "invalid YAML", None, 13),
        ];
        for (yaml, msg, hint, offset) in cases {
            let d = parse::<Doc>(FileId(0), yaml, 100).unwrap_err();
            assert!(d.message.starts_with(msg), "{yaml:?}: {}", d.message);
            if let Some(h) = hint {
                assert_eq!(d.hint.as_deref(), Some(h));
            }
            assert_eq!(d.span.unwrap().bytes.start, 100 + offset, "{yaml:?}");
        }
    }
}
