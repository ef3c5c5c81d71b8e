//! The offline search index: `search-index.js`, one JavaScript file that sets
//! `window.partnerbookSearch` and that `assets/search.js` loads with a
//! `<script>` element on first use (so it also works from `file://`, where
//! `fetch` is refused).
//!
//! The index itself is built by `elasticlunr-rs` in the format the vendored
//! `elasticlunr.min.js` (0.9.5) loads. Four fields are indexed: `title`,
//! `summary`, `headings` and `body`; their query-time boosts travel with the
//! data. elasticlunr's own document store would keep every field's full text,
//! so it is turned off and `docs` keeps only what a result shows: kind, title,
//! URL, a snippet source of at most [`SNIPPET_CHARS`] characters and, for
//! partners, the people to call. Indexed text is folded first (accents
//! dropped by `fold`), and `search.js` folds queries the same way, so
//! `jose` finds `José`. Pure and deterministic: same guide, same bytes.
//! Where its job ends: publishing the file (render's caller adds it to the
//! site) and everything in the browser (`themes/default/static/search.js`).

use std::borrow::Cow;

use elasticlunr::{Index, IndexBuilder};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::context::{partner_url, playbook_url};
use crate::link::{Guide, Partner, Playbook};

/// The longest snippet source or people line kept per result, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// The longest word indexed, in characters. elasticlunr keeps its index as a
/// tree with one level per character of a word, and serializes and drops that
/// tree recursively: one 200,000-character "word" (a pasted blob, a line of
/// `](u)`) overflowed the stack. A sentence of a language written without
/// spaces is one word to elasticlunr, so the limit is well above a word's length.
pub const MAX_WORD_CHARS: usize = 256;

/// Indexed fields, in the order `add_doc` takes their values, with their
/// query-time boost.
const FIELDS: [(&str, u32); 4] = [("title", 3), ("summary", 2), ("headings", 2), ("body", 1)];

/// What one result shows.
#[derive(Serialize)]
struct Doc<'a> {
    /// "Playbook" or "Partner".
    kind: &'static str,
    /// Title or partner name.
    title: &'a str,
    /// Page URL, with the base path.
    url: String,
    /// Snippet source: the summary, or the start of the text when there is none.
    text: String,
    /// Partners only: "Name, Role; Name, Role".
    #[serde(skip_serializing_if = "String::is_empty")]
    people: String,
}

/// The whole file's data.
#[derive(Serialize)]
struct SearchData<'a> {
    /// Bumped when the shape below changes, so that a stale cached script is noticed.
    format: u32,
    /// Field name -> boost, for `Index.search`.
    boost: std::collections::BTreeMap<&'static str, u32>,
    /// The elasticlunr index; document refs are positions in `docs`.
    index: &'a Index,
    /// What each result shows.
    docs: &'a [Doc<'a>],
}

/// The text of `search-index.js` for `guide`: `window.partnerbookSearch = {...};`.
pub fn search_index(guide: &Guide) -> String {
    let mut index = IndexBuilder::new().save_docs(false).add_fields(FIELDS.iter().map(|(f, _)| f)).build();
    let mut docs = Vec::with_capacity(guide.playbooks.len() + guide.partners.len());
    for p in guide.playbooks.values() {
        let (fields, doc) = playbook(guide, p);
        index.add_doc(&docs.len().to_string(), fields.iter().map(|f| indexable(f)));
        docs.push(doc);
    }
    for p in guide.partners.values() {
        let (fields, doc) = partner(guide, p);
        index.add_doc(&docs.len().to_string(), fields.iter().map(|f| indexable(f)));
        docs.push(doc);
    }
    let data = SearchData { format: 1, boost: FIELDS.into_iter().collect(), index: &index, docs: &docs };
    let mut json = Vec::new();
    data.serialize(&mut serde_json::Serializer::with_formatter(&mut json, ShortFloats))
        .expect("search data always serializes");
    let json = String::from_utf8(json).expect("serde_json writes UTF-8");
    let mut out = String::with_capacity(json.len() + 40);
    out.push_str("window.partnerbookSearch = ");
    push_script_safe(&mut out, &json);
    out.push_str(";\n");
    out
}

/// The indexed fields and the shown document of a playbook.
fn playbook<'a>(guide: &Guide, p: &'a Playbook) -> ([String; 4], Doc<'a>) {
    let summary = p.summary.clone().unwrap_or_default();
    let mut headings: Vec<&str> = p.body.toc.iter().map(|t| t.text.as_str()).collect();
    headings.extend(p.tags.iter().map(String::as_str));
    let body = plain_text(&p.body.html);
    let text = shorten(if summary.trim().is_empty() { &body } else { &summary });
    let doc = Doc { kind: "Playbook", title: &p.title, url: playbook_url(guide, &p.slug), text, people: String::new() };
    ([p.title.clone(), summary, headings.join("\n"), body], doc)
}

/// The indexed fields and the shown document of a partner.
fn partner<'a>(guide: &Guide, p: &'a Partner) -> ([String; 4], Doc<'a>) {
    let profile = &*p.profile;
    let summary = profile.summary.clone().unwrap_or_default();
    let people: Vec<String> = profile
        .contacts
        .iter()
        .map(|c| match c.role.as_deref() {
            Some(role) if !role.trim().is_empty() => format!("{}, {}", c.name, role),
            _ => c.name.clone(),
        })
        .collect();
    let mut headings = people.clone();
    headings.extend(profile.tags.iter().cloned());
    let mut body: Vec<&str> = profile.offers.iter().chain(&profile.library_offers).map(String::as_str).collect();
    body.extend(profile.mission.as_deref());
    let body = body.join("\n");
    let text = shorten(if summary.trim().is_empty() { &body } else { &summary });
    let doc = Doc {
        kind: "Partner",
        title: &profile.name,
        url: partner_url(guide, &p.slug),
        text,
        people: shorten(&people.join("; ")),
    };
    ([profile.name.clone(), summary, headings.join("\n"), body], doc)
}

/// `text` folded (see [`fold`]) and without the words longer than
/// [`MAX_WORD_CHARS`]; words are split as elasticlunr splits them.
fn indexable(text: &str) -> Cow<'_, str> {
    let is_separator = |c: char| c.is_whitespace() || c == '-';
    let text = fold(text);
    // Bytes first: no word of fewer bytes than the limit has more characters.
    if text.split(is_separator).all(|w| w.len() <= MAX_WORD_CHARS) {
        return text;
    }
    let words: Vec<&str> = text.split(is_separator).filter(|w| w.chars().count() <= MAX_WORD_CHARS).collect();
    Cow::Owned(words.join(" "))
}

/// `text` without accents: canonical decomposition (NFD), then the combining
/// diacritical marks U+0300..U+036F dropped. The browser does exactly this to
/// the query (`normalize("NFD").replace(/[\u0300-\u036f]/g, "")`), because
/// elasticlunr's trimmer keeps only ASCII letters and digits at a word's edges.
fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfd().filter(|c| !('\u{300}'..='\u{36f}').contains(c)).collect())
}

/// `text` with runs of white space made one space, cut at a word to at most
/// [`SNIPPET_CHARS`] characters, `…` included.
fn shorten(text: &str) -> String {
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
const BLOCKS: &[&str] = &[
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
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode_entities(&rest[..lt], &mut out);
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
        let name: String = tag[1..end]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if BLOCKS.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &tag[end + 1..];
    }
    decode_entities(rest, &mut out);
    out
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

/// Writes JSON numbers with at most three decimals. The only floats in the
/// index are term frequencies (square roots of counts, such as
/// `1.4142135623730951`); three decimals rank the same and make the file a
/// quarter smaller.
struct ShortFloats;

impl serde_json::ser::Formatter for ShortFloats {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, value: f64) -> std::io::Result<()> {
        // serde_json writes `null` for non-finite values without asking the formatter.
        let rounded = (value * 1000.0).round() / 1000.0;
        if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
            write!(writer, "{}", rounded as i64)
        } else {
            write!(writer, "{rounded}")
        }
    }
}

/// Appends JSON so that it is safe inside a `<script>` element and in any
/// JavaScript: `<`, `>` and `&` (so no `</script`, `<!--` or markup at all) and U+2028/U+2029 (line breaks
/// inside string literals before ES2019) are written as `\u` escapes. They can
/// only occur inside JSON strings, where the escape means the same character.
fn push_script_safe(out: &mut String, json: &str) {
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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::Value;

    use super::*;
    use crate::diag::Diagnostics;
    use crate::link::LinkOptions;

    const PARTNER: &str = r#"name: "Research </script><script>alert(1)</script> Computing"
summary: "HPC & storage <b>for</b> every lab\u2028on campus."
offers: [Cluster accounts]
library_offers: [Data management plans]
contacts:
  - name: Ximena Quarterfield
    role: Director of Research Computing
    email: xq@example.edu
  - name: José Núñez
tags: [data]
"#;

    const PLAYBOOK: &str = "---\ntitle: Run the first meeting\nsummary: Prepare, meet, follow up.\ntags: [meetings]\n---\n\
        Bring the **zanzibarish** agenda & a <notebook>.\n\n## Before the meeting\n\nRead their `mission`.\n\n\
        - one\n- two\n";

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs load and link on a tiny guide written to a temporary folder.
    fn guide() -> Guide {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "pb-search-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        write(&root, "site.yaml", "title: Guide\n");
        write(&root, "playbooks/first-meeting.md", PLAYBOOK);
        write(&root, "playbooks/empty.md", "---\ntitle: Empty\n---\n");
        write(&root, "partners/research/hpc.yaml", PARTNER);
        let mut diags = Diagnostics::default();
        let sources = crate::load::load(&root, &mut diags).expect("the fixture loads");
        let opts = LinkOptions {
            base_url: Some("https://lib.example.edu/outreach/".into()),
            drafts: false,
            today: "2026-03-01".parse().unwrap(),
        };
        let guide = crate::link::link(&sources, &opts, &mut diags);
        std::fs::remove_dir_all(&root).unwrap();
        assert!(!diags.has_errors(), "{}", diags.render(&sources.files, false));
        guide
    }

    fn parse(js: &str) -> Value {
        let json = js
            .strip_prefix("window.partnerbookSearch = ")
            .and_then(|s| s.strip_suffix(";\n"))
            .expect("the file is one assignment");
        serde_json::from_str(json).expect("the data is JSON")
    }

    /// Whether the inverted index of `field` has `token` (as stemmed) for some document.
    fn indexed(data: &Value, field: &str, token: &str) -> bool {
        let mut node = &data["index"]["index"][field]["root"];
        for c in token.chars() {
            node = &node[c.to_string().as_str()];
        }
        node["df"].as_i64().unwrap_or(0) > 0
    }

    #[test]
    fn the_file_is_one_assignment_of_json() {
        let data = parse(&search_index(&guide()));
        assert_eq!(data["format"], 1);
        assert_eq!(data["index"]["version"], "0.9.5");
        assert_eq!(data["index"]["fields"], serde_json::json!(["title", "summary", "headings", "body"]));
        assert_eq!(data["boost"], serde_json::json!({"title": 3, "summary": 2, "headings": 2, "body": 1}));
        assert_eq!(data["docs"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn contacts_and_body_words_are_indexed() {
        let data = parse(&search_index(&guide()));
        assert!(indexed(&data, "headings", "ximena"));
        assert!(indexed(&data, "headings", "quarterfield"));
        assert!(indexed(&data, "headings", "director"));
        assert!(indexed(&data, "headings", "jose") && indexed(&data, "headings", "nunez"), "accents are folded");
        assert!(indexed(&data, "body", "zanzibarish"));
        assert!(indexed(&data, "body", "notebook"), "escaped raw HTML is text");
        assert!(indexed(&data, "body", "cluster"));
        assert!(indexed(&data, "headings", "meet"), "headings and tags, stemmed");
        assert!(!indexed(&data, "body", "strong"), "tags are not text");
        assert!(!indexed(&data, "body", "xq"), "e-mail addresses are not indexed");
    }

    #[test]
    fn docs_keep_only_what_a_result_shows() {
        let data = parse(&search_index(&guide()));
        let docs = data["docs"].as_array().unwrap();
        let meeting = docs.iter().find(|d| d["title"] == "Run the first meeting").unwrap();
        assert_eq!(meeting["kind"], "Playbook");
        assert_eq!(meeting["url"], "/outreach/playbooks/first-meeting/");
        assert_eq!(meeting["text"], "Prepare, meet, follow up.");
        assert!(meeting.get("people").is_none());
        let empty = docs.iter().find(|d| d["title"] == "Empty").unwrap();
        assert_eq!(empty["text"], "");
        let hpc = docs.iter().find(|d| d["kind"] == "Partner").unwrap();
        assert_eq!(hpc["url"], "/outreach/partners/research/hpc/");
        assert_eq!(hpc["people"], "Ximena Quarterfield, Director of Research Computing; José Núñez");
        assert_eq!(hpc["title"], "Research </script><script>alert(1)</script> Computing");
        // elasticlunr's own store keeps nothing but field lengths.
        let store = &data["index"]["documentStore"];
        assert_eq!(store["save"], false);
        assert!(store["docs"].as_object().unwrap().values().all(|d| d.as_object().unwrap().is_empty()));
    }

    #[test]
    fn hostile_text_cannot_end_the_script() {
        let js = search_index(&guide());
        assert!(!js.contains('<'), "a raw < is in the output");
        assert!(!js.to_ascii_lowercase().contains("</script"));
        assert!(!js.contains('\u{2028}') && !js.contains('\u{2029}'));
        assert!(js.contains(r"\u003c/script\u003e"));
    }

    #[test]
    fn the_same_guide_gives_the_same_bytes() {
        let guide = guide();
        assert_eq!(search_index(&guide), search_index(&guide));
        assert_eq!(search_index(&guide), search_index(&self::guide()));
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        let cases = [
            ("<p>a &amp; b</p><p>c</p>", " a & b  c "),
            ("<li>x&lt;y&gt;z &quot;q&quot; &#39;s&#39;</li>", " x<y>z \"q\" 's' "),
            ("in<em>line</em> <a href=\"/x?a=1&amp;b=2\" title='a>b'>link</a>", "inline link"),
            ("<h2 id=\"x\">Title<a class=\"anchor\" href=\"#x\">#</a></h2>", " Title# "),
            ("a <!-- hidden <b> --> b", "a  b"),
            ("1 < 2 &unknown; &#x41;&#66;", "1 < 2 &unknown; AB"),
            ("<pre><code>let a = 1;\nlet b = 2;</code></pre>", " let a = 1;\nlet b = 2; "),
            ("tail &amp", "tail &amp"),
        ];
        for (html, want) in cases {
            assert_eq!(plain_text(html), want, "{html}");
        }
    }

    #[test]
    fn term_frequencies_have_three_decimals_at_most() {
        let js = search_index(&guide());
        assert!(js.contains(r#"{"tf":1}"#), "whole numbers without a fraction");
        let data = parse(&js);
        let mut stack = vec![&data["index"]["index"]];
        while let Some(v) = stack.pop() {
            match v {
                Value::Number(n) if n.is_f64() => {
                    let text = n.to_string();
                    assert!(text.split('.').nth(1).is_none_or(|f| f.len() <= 3), "{text}");
                }
                Value::Object(map) => stack.extend(map.values()),
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, ShortFloats);
        [1.0, std::f64::consts::SQRT_2, 5f64.sqrt(), 0.5].serialize(&mut ser).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[1,1.414,2.236,0.5]");
    }

    #[test]
    fn overlong_words_are_left_out_of_the_index() {
        let long = "x".repeat(200_000);
        let text = format!("short-words {long} stay-put é{}", "a".repeat(MAX_WORD_CHARS - 1));
        let got = indexable(&text);
        assert!(!got.contains(&long));
        assert_eq!(got, format!("short words stay put e{}", "a".repeat(MAX_WORD_CHARS - 1)));
        assert!(matches!(indexable("plain words"), Cow::Borrowed("plain words")));
    }

    #[test]
    fn fold_drops_accents_only() {
        assert_eq!(fold("José Núñez, Zoë, façade"), "Jose Nunez, Zoe, facade");
        assert_eq!(fold("straße Łódź 研究"), "straße Łodz 研究");
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn shorten_cuts_at_a_word_within_the_limit() {
        assert_eq!(shorten("  a \n b  "), "a b");
        assert_eq!(shorten(""), "");
        let long = "word ".repeat(100);
        let short = shorten(&long);
        assert!(short.chars().count() <= SNIPPET_CHARS, "{}", short.chars().count());
        assert!(short.ends_with("word…"));
        let one = "é".repeat(500);
        assert_eq!(shorten(&one).chars().count(), SNIPPET_CHARS);
    }
}
