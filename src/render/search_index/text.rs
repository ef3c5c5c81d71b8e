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

/// [`plain_text`], appended to `out`: the index reuses one buffer for every document.
pub(super) fn push_plain_text(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode_entities(&rest[..lt], out);
        let tag = &rest[lt..];
        if let Some(comment) = tag.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = tag_end(tag) else {
            // A lone `<`: keep it as text.
            out.push('<');
            rest = &tag[1..];
            continue;
        };
        if is_block(&tag[1..end]) {
            out.push(' ');
        }
        rest = &tag[end + 1..];
    }
    decode_entities(rest, out);
}

/// Whether a tag (its text between `<` and `>`) opens or closes one of [`BLOCKS`].
/// Called for every tag of every page: the name, lower-cased, is packed into
/// one number and looked up among [`BLOCKS`] packed alike.
fn is_block(tag: &str) -> bool {
    static PACKED: std::sync::LazyLock<Vec<u128>> = std::sync::LazyLock::new(|| {
        let mut packed: Vec<u128> = BLOCKS.iter().filter_map(|b| pack_name(b.as_bytes())).collect();
        packed.sort_unstable();
        packed
    });
    let name = tag.trim_start_matches('/').as_bytes();
    let len = name.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    pack_name(&name[..len]).is_some_and(|key| PACKED.binary_search(&key).is_ok())
}

/// An element name of at most 15 bytes, lower-cased, as one number (its length in the top byte).
fn pack_name(name: &[u8]) -> Option<u128> {
    if name.len() > 15 {
        return None;
    }
    let mut packed = [0u8; 16];
    for (p, b) in packed.iter_mut().zip(name) {
        *p = b.to_ascii_lowercase();
    }
    packed[15] = name.len() as u8;
    Some(u128::from_le_bytes(packed))
}

/// Byte position of the `>` closing the tag that `tag` starts with, quotes respected;
/// `None` when `tag` does not start a tag.
fn tag_end(tag: &str) -> Option<usize> {
    let starts = tag[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
    if !starts {
        return None;
    }
    let mut quote = None;
    for (i, c) in tag.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Appends `text` with character references decoded: the five pulldown-cmark
/// writes, `&nbsp;`, and numeric ones. Anything else is kept as written.
fn decode_entities(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Appends JSON so that it is safe inside a `<script>` element and in any
/// JavaScript: `<`, `>` and `&` (so no `</script`, `<!--` or markup at all) and U+2028/U+2029 (line breaks
/// inside string literals before ES2019) are written as `\u` escapes. They can
/// only occur inside JSON strings, where the escape means the same character.
pub(crate) fn push_script_safe(out: &mut String, json: &str) {
    let mut rest = json;
    while let Some(i) = rest.find(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().expect("found above");
        out.push_str(match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            _ => "\\u2029",
        });
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}
