//! Tests of the whole index: its files, what is indexed, and safety.

use std::borrow::Cow;

use serde_json::Value;

use super::text::{fold, shorten};
use super::*;
use crate::link::LinkOptions;

const PARTNER: &str = r#"name: "Research </script><script>alert(1)</script> Computing (IT)"
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

/// Runs load and link on a tiny guide written to a temporary folder.
fn guide() -> Guide {
    guide_with(&[])
}

/// The tiny guide with more files.
fn guide_with(extra: &[(&str, &str)]) -> Guide {
    let mut files = vec![
        ("site.yaml", "title: Guide\n"),
        ("playbooks/first-meeting.md", PLAYBOOK),
        ("playbooks/empty.md", "---\ntitle: Empty\n---\n"),
        ("partners/research/hpc.yaml", PARTNER),
    ];
    files.extend_from_slice(extra);
    let opts = LinkOptions {
        base_url: Some("https://lib.example.edu/outreach/".into()),
        drafts: false,
        today: "2026-03-01".parse().unwrap(),
        private: false,
    };
    crate::link::linked_fixture(&files, &opts)
}

/// The main file's data.
fn main_data(files: &BTreeMap<String, String>) -> Value {
    let json = files[SEARCH_INDEX]
        .strip_prefix("window.partnerbookSearch = ")
        .and_then(|s| s.strip_suffix(";\n"))
        .expect("the main file is one assignment");
    serde_json::from_str(json).expect("the data is JSON")
}

/// Every shard's terms and postings, in order, with the shard's number.
fn shard_terms(files: &BTreeMap<String, String>) -> Vec<(usize, String, String)> {
    let data = main_data(files);
    let mut out = Vec::new();
    for (i, entry) in data["shards"].as_array().unwrap().iter().enumerate() {
        let file = entry[1].as_str().unwrap();
        let name = file.strip_prefix(SEARCH_SHARDS).and_then(|f| f.strip_suffix(".js")).unwrap();
        let prefix =
            format!("(window.partnerbookSearchShards = window.partnerbookSearchShards || {{}})[\"{name}\"] = ");
        let json = files[file].strip_prefix(&prefix).and_then(|s| s.strip_suffix(";\n")).expect("a shard assignment");
        let items: Vec<String> = serde_json::from_str(json).expect("the shard is a JSON array of strings");
        for pair in items.chunks(2) {
            out.push((i, pair[0].clone(), pair[1].clone()));
        }
    }
    out
}

/// Whether the index has `term` (as stemmed) in `field` for some document.
fn indexed(files: &BTreeMap<String, String>, field: &str, term: &str) -> bool {
    let f = FIELDS.iter().position(|(name, _)| *name == field).unwrap();
    shard_terms(files)
        .iter()
        .any(|(_, t, postings)| t == term && postings.split(' ').nth(f).is_some_and(|p| !p.is_empty()))
}

#[test]
fn a_main_file_and_shards_of_sorted_terms() {
    let files = search_index(&guide());
    let data = main_data(&files);
    assert_eq!(data["format"], FORMAT);
    assert_eq!(data["fields"], serde_json::json!(["title", "summary", "headings", "body"]));
    assert_eq!(data["boost"], serde_json::json!({"title": 3, "summary": 2, "headings": 2, "body": 1}));
    assert_eq!(data["kinds"], serde_json::json!(["Playbook", "Partner"]));
    assert_eq!(data["docs"].as_array().unwrap().len(), 3);
    assert_eq!(data["shards"][0][0], "", "the first shard starts before every term");
    // Every file but the main one is a shard listed in the table, under the shard folder.
    let listed: Vec<&str> = data["shards"].as_array().unwrap().iter().map(|s| s[1].as_str().unwrap()).collect();
    let shards: Vec<&str> = files.keys().map(String::as_str).filter(|k| *k != SEARCH_INDEX).collect();
    assert!(shards.iter().all(|k| k.starts_with(SEARCH_SHARDS) && k.ends_with(".js")));
    assert_eq!(listed.len(), shards.len());
    // Terms are sorted (as JavaScript compares strings) across shards, and each
    // shard's first term is the one in the table.
    let terms = shard_terms(&files);
    assert!(terms.windows(2).all(|w| w[0].1.encode_utf16().lt(w[1].1.encode_utf16())));
    for (i, entry) in data["shards"].as_array().unwrap().iter().enumerate().skip(1) {
        assert_eq!(terms.iter().find(|t| t.0 == i).unwrap().1, entry[0].as_str().unwrap());
    }
}

#[test]
fn a_large_guide_is_cut_into_shards() {
    // Enough distinct words for several shards: the cut follows SHARD_BYTES.
    let mut playbooks = String::new();
    for i in 0..6000 {
        playbooks.push_str(&format!("w{i:05}x "));
    }
    let files = search_index(&guide_with(&[("playbooks/many.md", &format!("---\ntitle: Many\n---\n\n{playbooks}\n"))]));
    let shards = files.len() - 1;
    assert!(shards >= 2, "{shards} shards");
    assert!(files.iter().filter(|(k, _)| *k != SEARCH_INDEX).all(|(_, text)| text.len() < SHARD_BYTES + 1024));
    assert!(indexed(&files, "body", "w00000x") && indexed(&files, "body", "w05999x"));
}

#[test]
fn contacts_and_body_words_are_indexed() {
    let files = search_index(&guide());
    assert!(indexed(&files, "headings", "ximena"));
    assert!(indexed(&files, "headings", "quarterfield"));
    assert!(indexed(&files, "headings", "director"));
    assert!(indexed(&files, "headings", "jose") && indexed(&files, "headings", "nunez"), "accents are folded");
    assert!(indexed(&files, "body", "zanzibarish"));
    assert!(indexed(&files, "body", "notebook"), "escaped raw HTML is text");
    assert!(indexed(&files, "body", "cluster"));
    assert!(indexed(&files, "headings", "meet"), "headings and tags, stemmed");
    assert!(indexed(&files, "title", "it"), "a stop word in capitals is kept");
    assert!(!indexed(&files, "body", "the"), "stop words are not");
    assert!(!indexed(&files, "body", "strong"), "tags are not text");
    assert!(!indexed(&files, "body", "xq"), "e-mail addresses are not indexed");
}

#[test]
fn docs_keep_only_what_a_result_shows() {
    let files = search_index(&guide());
    let data = main_data(&files);
    let docs = data["docs"].as_array().unwrap();
    let meeting = docs.iter().find(|d| d[1] == "Run the first meeting").unwrap();
    assert_eq!(
        meeting,
        &serde_json::json!([
            0,
            "Run the first meeting",
            "/outreach/playbooks/first-meeting/",
            "Prepare, meet, follow up."
        ])
    );
    let empty = docs.iter().find(|d| d[1] == "Empty").unwrap();
    assert_eq!(empty, &serde_json::json!([0, "Empty", "/outreach/playbooks/empty/", ""]));
    let hpc = docs.iter().find(|d| d[0] == 1).unwrap();
    assert_eq!(hpc[1], "Research </script><script>alert(1)</script> Computing (IT)");
    assert_eq!(hpc[2], "/outreach/partners/research/hpc/");
    assert_eq!(hpc[4], "Ximena Quarterfield, Director of Research Computing; José Núñez");
}

#[test]
fn postings_give_documents_in_order_with_a_level_per_field() {
    let files = search_index(&guide());
    let data = main_data(&files);
    let digits = data["digits"].as_str().unwrap();
    let last = data["last"].as_u64().unwrap();
    let more = digits.len() as u64 - last;
    let levels = data["levels"].as_u64().unwrap();
    let docs = |text: &str| {
        let (mut out, mut high, mut next) = (Vec::new(), 0, 0);
        for c in text.chars() {
            let d = digits.find(c).unwrap() as u64;
            if d < last {
                let v = high * last + d;
                high = 0;
                let doc = next + v / levels;
                out.push((doc, v % levels + 1));
                next = doc + 1;
            } else {
                high = high * more + d - last;
            }
        }
        out
    };
    let terms = shard_terms(&files);
    // "meet": in every field of "Run the first meeting", document 1 (playbooks come first, by slug).
    let meet = &terms.iter().find(|t| t.1 == "meet").unwrap().2;
    let fields: Vec<Vec<(u64, u64)>> = meet.split(' ').map(docs).collect();
    assert_eq!(
        fields.iter().map(|f| f.iter().map(|p| p.0).collect::<Vec<_>>()).collect::<Vec<_>>(),
        [vec![1], vec![1], vec![1], vec![1]]
    );
    assert!(fields.iter().flatten().all(|&(_, level)| (1..=levels).contains(&level)));
}

#[test]
fn hostile_text_cannot_end_the_script() {
    for text in search_index(&guide()).values() {
        assert!(!text.contains('<'), "a raw < is in the output");
        assert!(!text.to_ascii_lowercase().contains("</script"));
        assert!(!text.contains('\u{2028}') && !text.contains('\u{2029}'));
    }
    assert!(search_index(&guide())[SEARCH_INDEX].contains(r"\u003c/script\u003e"));
    // A term can hold markup between word characters; it is escaped too.
    let files = search_index(&guide_with(&[("playbooks/x.md", "---\ntitle: X\n---\n\nab</script>cd\u{2028}ef\n")]));
    assert!(files.values().all(|t| !t.contains('<') && !t.contains('\u{2028}')));
    assert!(indexed(&files, "body", "ab</script>cd"));
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
        // A reference never runs across a tag; a long name is not one.
        ("&am<b>p; x &#6<i>5; &#x4<!-- -->1;", "&amp; x &#65; &#x41;"),
        ("&verylongname; &#128512;&#xZZ;", "&verylongname; \u{1f600}&#xZZ;"),
        // Any case; an attribute or a longer name is not the block tag.
        ("a<BR/>b<Td class=x>c</TD>d<details>e<bdi>f</bdi><paragraph>g", "a b c d efg"),
    ];
    assert!(super::text::BLOCKS.is_sorted(), "is_block searches BLOCKS by halves");
    for block in super::text::BLOCKS {
        let (open, close) = (format!("a<{block}>b"), format!("a</{}>b", block.to_uppercase()));
        assert_eq!((plain_text(&open), plain_text(&close)), ("a b".into(), "a b".into()), "{block}");
    }
    for (html, want) in cases {
        assert_eq!(plain_text(html), want, "{html}");
    }
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

#[test]
fn packed_postings_unpack_to_what_was_packed_across_chunks() {
    // Gaps and counts of one to five LEB128 bytes, fields left out, and counts at their limit.
    let postings: Postings = vec![
        (3, [0, 0, 0, 1]),
        (4, [1, 2, 3, 4]),
        (130, [0, 127, 0, 128]),
        (20_000, [u16::MAX, 0, 0, 0]),
        (20_001, [0, 0, 300, 0]),
        (u32::MAX - 1, [0, 0, 0, 16_384]),
    ];
    let (a, b) = postings.split_at(3);
    let pieces: Vec<Packed> = [(0, a), (10_000, b)]
        .into_iter()
        .map(|(first, part)| {
            let mut p = Packed { first, last: first, bytes: Vec::new() };
            for &(doc, counts) in part {
                pack(&mut p, doc, counts);
            }
            p
        })
        .collect();
    let mut out = vec![(7, [7; 4])];
    unpack(&pieces, &mut out);
    assert_eq!(out, postings);
    // Small gaps and counts take a byte each, and a byte tells the fields.
    assert_eq!(pieces[0].bytes[..2], [3, 0b1000]);
}
