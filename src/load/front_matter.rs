//! Splits a Markdown file into its YAML front matter and its body. Returns byte
//! ranges into the whole file, so that every later offset stays file-relative.

use std::ops::Range;

/// Where the front matter and the body are in a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// The YAML between the `---` lines (without them).
    pub yaml: Range<usize>,
    /// Everything after the closing `---` line.
    pub body: Range<usize>,
}

/// Finds a front matter block that opens on the first line with `---` and
/// closes with a line that is `---` (or `...`). `None` if the file has none or
/// it is never closed.
pub(crate) fn split(text: &str) -> Option<Split> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = bom + first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Some(Split { yaml: yaml_start..pos, body: body_start..text.len() });
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_crlf_bom_and_empty_bodies() {
        /// The YAML's and the body's byte ranges.
        type Split = Option<(Range<usize>, Range<usize>)>;
        let cases: [(&str, Split); 6] = [
            ("---\ntitle: a\n---\nbody\n", Some((4..13, 17..22))),
            ("---\r\ntitle: a\r\n---\r\nbody", Some((5..15, 20..24))),
            ("\u{feff}---\ntitle: a\n---\n", Some((7..16, 20..20))),
            ("---\ntitle: a\n---", Some((4..13, 16..16))),
            ("title: a\n---\n", None),
            ("---\ntitle: a\nno end\n", None),
        ];
        for (text, want) in cases {
            let got = split(text).map(|s| (s.yaml, s.body));
            assert_eq!(got, want, "{text:?}");
        }
    }
}
