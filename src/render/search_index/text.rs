//! The text that goes into the search index: plain text out of rendered
//! HTML, accents folded, snippets shortened, and JSON made safe to put in a
//! `<script>`. Pure functions, shared by the index builder and its tests.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// The longest snippet source or people line kept per result, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// `text` without accents: canonical decomposition (NFD), then the combining
/// diacritical marks U+0300..U+036F dropped. The browser does exactly this to
/// the query (`normalize("NFD").replace(/[\u0300-\u036f]/g, "")`), because
/// elasticlunr's trimmer keeps only ASCII letters and digits at a word's edges.
pub(super) fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfd().filter(|c| !('\u{300}'..='\u{36f}').contains(c)).collect())
}

/// `text` with runs of white space made one space, cut at a word to at most
/// [`SNIPPET_CHARS`] characters, `…` included.
pub(super) fn shorten(text: &str) -> String {
    let mut words = text.split_whitespace();
    let mut out = String::new();
    let mut chars = 0;
    let Some(first) = words.next() else { return out };
    for (i, word) in std::iter::once(first).chain(words).enumerate() {
        let len = word.chars().count() + usize::from(i > 0);
        if chars + len > SNIPPET_CHARS - 1 {
            if out.is_empty() {
                out.extend(word.chars().take(SNIPPET_CHARS - 1));
            }
            out.push('…');
            return out;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        chars += len;
    }
    out
}

/// Elements after which words do not run on, so their text is separated by a space.
pub(super) const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// The text of the HTML that pulldown-cmark (and link's callouts) write: tags
/// dropped (block tags become a space), comments dropped, entities decoded.
/// Not a general HTML parser: it relies on text `<` always being escaped, which
/// is what pulldown-cmark does and what link does with raw HTML.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    push_plain_text(html, &mut out);
    out
}

/// [`plain_text`], appended to `out`: the index reuses one buffer for every
/// document. One pass: the text runs up to the next `<` or `&` are copied whole.
pub(super) fn push_plain_text(html: &str, out: &mut String) {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = memchr::memchr2(b'<', b'&', &bytes[at..]) {
        let i = at + found;
        out.push_str(&html[at..i]);
        if bytes[i] == b'&' {
            match entity(&html[i + 1..]) {
                Some((c, len)) => {
                    out.push(c);
                    at = i + 1 + len;
                }
                None => {
                    out.push('&');
                    at = i + 1;
                }
            }
            continue;
        }
        let tag = &html[i..];
        if let Some(comment) = tag.strip_prefix("<!--") {
            at = comment.find("-->").map_or(bytes.len(), |end| i + 4 + end + 3);
            continue;
        }
        match tag_end(tag) {
            Some(end) => {
                if is_block(&tag[1..end]) {
                    out.push(' ');
                }
                at = i + end + 1;
            }
            // A lone `<`: keep it as text.
            None => {
                out.push('<');
                at = i + 1;
            }
        }
    }
    out.push_str(&html[at..]);
}

/// Whether a tag (its text between `<` and `>`) opens or closes one of [`BLOCKS`], in any case.
fn is_block(tag: &str) -> bool {
    let name = tag.trim_start_matches('/').as_bytes();
    let name = &name[..name.iter().take_while(|b| b.is_ascii_alphanumeric()).count()];
    // Lower-cased on the stack: no name in BLOCKS is longer than the buffer.
    let mut buffer = [0u8; 16];
    let Some(lower) = buffer.get_mut(..name.len()) else { return false };
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    BLOCKS.binary_search_by(|b| b.as_bytes().cmp(lower)).is_ok()
}

/// Byte position of the `>` closing the tag that `tag` starts with, quotes respected;
/// `None` when `tag` does not start a tag. (Bytes, not characters: quotes and
/// `>` are ASCII, and no byte of a longer UTF-8 character is.)
fn tag_end(tag: &str) -> Option<usize> {
    let bytes = tag.as_bytes();
    if !bytes.get(1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!') {
        return None;
    }
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The character reference that `after` (the text after a `&`) starts with,
/// decoded, and its length up to and with its `;`: the five pulldown-cmark
/// writes, `&nbsp;`, and numeric ones. Anything else is `None`, kept as written.
fn entity(after: &str) -> Option<(char, usize)> {
    let semi = after.as_bytes().iter().take(11).position(|&b| b == b';')?;
    let name = &after[..semi];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            char::from_u32(code?)?
        }
    };
    Some((c, semi + 1))
}

/// Appends JSON so that it is safe inside a `<script>` element and in any
/// JavaScript: `<`, `>` and `&` (so no `</script`, `<!--` or markup at all) and U+2028/U+2029 (line breaks
/// inside string literals before ES2019) are written as `\u` escapes. They can
/// only occur inside JSON strings, where the escape means the same character.
pub(crate) fn push_script_safe(out: &mut String, json: &str) {
    // Found by byte: the three ASCII characters, and the first byte of U+2028
    // and U+2029 (E2 80 A8, E2 80 A9), which other characters share.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'&' as usize] = true;
        t[0xE2] = true;
        t
    };
    let bytes = json.as_bytes();
    let (mut copied, mut at) = (0, 0);
    while let Some(found) = bytes[at..].iter().position(|&b| SPECIAL[b as usize]) {
        let i = at + found;
        let (escape, len) = match &bytes[i..] {
            [b'<', ..] => ("\\u003c", 1),
            [b'>', ..] => ("\\u003e", 1),
            [b'&', ..] => ("\\u0026", 1),
            [0xE2, 0x80, 0xA8, ..] => ("\\u2028", 3),
            [0xE2, 0x80, 0xA9, ..] => ("\\u2029", 3),
            _ => {
                at = i + 1;
                continue;
            }
        };
        out.push_str(&json[copied..i]);
        out.push_str(escape);
        (copied, at) = (i + len, i + len);
    }
    out.push_str(&json[copied..]);
}
