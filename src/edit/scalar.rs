//! How a new value is written as YAML text: plain when YAML reads it back as
//! the same string, double-quoted with escapes otherwise, and a `|` block for
//! multi-line text in block context.

use crate::load::yaml::tree::Style;

/// Whether `text` can be written plain and be read back as this very string.
pub(super) fn plain_ok(text: &str, in_flow: bool) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if text.trim() != text || text.chars().any(|c| c.is_control()) {
        return false;
    }
    // Indicators that start something else than a plain scalar.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if in_flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let reserved = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan"];
    if reserved.contains(&lower.as_str()) {
        return false;
    }
    // Numbers (and YAML 1.1's `12:30` sexagesimals, octals, hex, dates) read
    // as something else than text by some parsers: quote anything shaped so.
    let numeric_start = first.is_ascii_digit() || first == '+' || first == '.';
    let numeric_body = text.chars().all(|c| c.is_ascii_hexdigit() || "xXoO+-._: ".contains(c));
    !(numeric_start && numeric_body)
}

/// `text` in double quotes, with YAML escapes for `"`, `\` and control characters.
pub(super) fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` in single quotes, or `None` when single quotes cannot hold it.
fn single_quoted(text: &str) -> Option<String> {
    if text.chars().any(|c| c.is_control()) {
        return None;
    }
    Some(format!("'{}'", text.replace('\'', "''")))
}

/// `text` as one scalar token: plain when that reads back the same, else double-quoted.
pub(super) fn inline(text: &str, in_flow: bool) -> String {
    if plain_ok(text, in_flow) { text.to_string() } else { double_quoted(text) }
}

/// `text` written in the style of the value it replaces, when that style can
/// hold it: a quoted value stays quoted the same way.
pub(super) fn like(old: Style, text: &str, in_flow: bool) -> String {
    match old {
        Style::SingleQuoted => single_quoted(text).unwrap_or_else(|| double_quoted(text)),
        Style::DoubleQuoted => double_quoted(text),
        Style::Plain | Style::Literal | Style::Folded => inline(text, in_flow),
    }
}

/// Multi-line `text` as a `|` block whose lines are indented by `indent`
/// spaces: the header (`|`, `|-` or `|+` by its trailing line ends), then
/// the lines each ended by `eol`. `None` when a block cannot hold it (a
/// first line starting with a space, control characters, nothing but blanks).
pub(super) fn literal_block(text: &str, indent: usize, eol: &str) -> Option<String> {
    let ok = text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && !text.trim().is_empty()
        && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if !ok {
        return None;
    }
    let content = text.trim_end_matches('\n');
    let trailing = text.len() - content.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}{eol}");
    for line in content.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push_str(eol);
    }
    for _ in 1..trailing {
        out.push_str(eol);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_only_when_yaml_reads_the_same_string() {
        let plain = ["Campus IT", "Ann O'Neil", "a-b", "call at 12", "x#y", "ünïcödé", "2026 plan"];
        for text in plain {
            assert!(plain_ok(text, false), "{text:?}");
        }
        let quoted = [
            "",
            " a",
            "a ",
            "yes",
            "No",
            "~",
            "null",
            "12:30",
            "2026-01-02",
            "3",
            "-1.5",
            "#x",
            "- a",
            "a: b",
            "a #b",
            "end:",
            "[a]",
            "{a}",
            "*x",
            "&x",
            "!x",
            "|",
            ">",
            "'a'",
            "\"a\"",
            "%a",
            "@a",
            "`a",
            "a\nb",
            "a\tb",
            ".inf",
        ];
        for text in quoted {
            assert!(!plain_ok(text, false), "{text:?}");
        }
        assert!(!plain_ok("a, b", true));
        assert!(plain_ok("a, b", false));
    }

    #[test]
    fn double_quotes_escape() {
        assert_eq!(double_quoted("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn literal_blocks_keep_trailing_line_ends() {
        assert_eq!(literal_block("a\nb", 2, "\n").unwrap(), "|-\n  a\n  b\n");
        assert_eq!(literal_block("a\n\nb\n", 4, "\r\n").unwrap(), "|\r\n    a\r\n\r\n    b\r\n");
        assert_eq!(literal_block("a\nb\n\n", 2, "\n").unwrap(), "|+\n  a\n  b\n\n");
        assert!(literal_block(" a\nb", 2, "\n").is_none());
        assert!(literal_block("one line", 2, "\n").is_none());
    }
}
