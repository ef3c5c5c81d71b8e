//! Property tests of the three entry points the fuzz targets also drive
//! (`partnerbook::fuzzing`: the front-matter splitter with the playbook's
//! YAML, the partner-profile loader, Markdown with link resolution), and forty
//! randomly mutated copies of the shipped guide run through the real binary.
//! Inputs are built from the tokens that matter to each parser, so that a few
//! hundred cases reach the corners that random bytes rarely do.

use proptest::prelude::*;

use crate::support::GuideTest;
use partnerbook::fuzzing;

/// Tokens of front matter and YAML, glued at random.
const YAML_TOKENS: &[&str] = &[
    "---",
    "...",
    "\n",
    "\r\n",
    "\u{feff}",
    " ",
    "  ",
    "\t",
    "#",
    "title: ",
    "name: ",
    "tags: ",
    "partners: ",
    "stage: ",
    "meet",
    "updated: ",
    "2026-02-30",
    "2026-11-29",
    "order: ",
    "-1",
    "99999999999999999999",
    "draft: ",
    "yes",
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    "- ",
    "&a ",
    "*a",
    "*b",
    "!!str ",
    "!tag ",
    "'",
    "\"",
    "\\u00e9",
    "|",
    ">",
    "é",
    "日本",
    "\u{0}",
    "contacts:\n  - name: ",
    "meetings:\n  - date: ",
    "notes: ",
    "<<: ",
    "? ",
    "%YAML 1.2\n",
    "~",
    "null",
];

/// Tokens of Markdown and of links, glued at random.
const MARKDOWN_TOKENS: &[&str] = &[
    "\n",
    "\n\n",
    " ",
    "    ",
    "#",
    "## ",
    "> ",
    ">",
    "> [!TIP]\n",
    "- ",
    "1. ",
    "* ",
    "[ ] ",
    "[x] ",
    "[",
    "]",
    "(",
    ")",
    "](",
    "partner:campus-it",
    "partner:nobody",
    "playbook:first-meeting",
    "#agenda",
    "#nowhere",
    "playbook:old",
    "javascript:alert(1)",
    "https://",
    "https:/x",
    "<",
    ">",
    "<script>",
    "</div>",
    "&amp;",
    "`",
    "```\n",
    "*",
    "_",
    "~~",
    "|",
    "|---|",
    "[^1]",
    "[^1]: ",
    "\\",
    "é",
    "\u{feff}",
    "\r\n",
    "---\n",
    "<https://example.org>",
    "a@b.c",
];

fn glued(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens), 0..120).prop_map(|parts| parts.concat())
}

/// Markdown tokens that open no block running past a blank line (raw HTML, ``` and ~~~ fences).
fn blocks_that_end() -> impl Strategy<Value = String> {
    let tokens: Vec<&str> = MARKDOWN_TOKENS.iter().copied().filter(|t| !t.contains(['<', '`', '~'])).collect();
    prop::collection::vec(prop::sample::select(tokens), 0..120).prop_map(|parts| parts.concat())
}

/// Text made of the tokens, of any characters, or of any bytes.
fn input(tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => glued(tokens).prop_map(String::into_bytes),
        1 => any::<String>().prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..400),
    ]
}

/// A title or name any editor could type, written as a YAML double-quoted
/// string (JSON's escapes are YAML's too).
fn quoted_text() -> impl Strategy<Value = (String, String)> {
    "\\PC{1,40}".prop_map(|s| {
        let quoted = serde_json::to_string(&s).unwrap();
        (s, quoted)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_of_any_bytes_never_panics(bytes in input(YAML_TOKENS)) {
        fuzzing::playbook_file(&bytes);
    }

    #[test]
    fn partner_profile_of_any_bytes_never_panics(bytes in input(YAML_TOKENS)) {
        fuzzing::partner_file(&bytes);
    }

    #[test]
    fn markdown_of_any_bytes_never_panics_nor_lets_markup_through(bytes in input(MARKDOWN_TOKENS)) {
        let html = fuzzing::markdown(&bytes);
        prop_assert!(!html.contains("<script"), "{html}");
        prop_assert!(!html.contains("href=\"javascript:"), "{html}");
    }

    #[test]
    fn any_title_loads_without_error((_, title) in quoted_text(), body in glued(MARKDOWN_TOKENS)) {
        let text = format!("---\ntitle: {title}\n---\n{body}");
        let out = fuzzing::playbook_file(text.as_bytes());
        prop_assert_eq!(out, "");
    }

    #[test]
    fn an_unknown_key_is_reported_on_its_own_line(lines in 0usize..20, crlf in any::<bool>(), bom in any::<bool>()) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from(if bom { "\u{feff}---" } else { "---" });
        text.push_str(nl);
        text.push_str(&format!("title: T{nl}"));
        for i in 0..lines {
            text.push_str(&format!("# comment é {i}{nl}"));
        }
        text.push_str(&format!("titel: x{nl}---{nl}body{nl}"));
        let out = fuzzing::playbook_file(text.as_bytes());
        // `---`, title, the comments, then the key.
        let want = format!("--> playbooks/fuzz.md:{}:1", lines + 3);
        prop_assert!(out.contains(&want), "{want:?} not in\n{out}");
        prop_assert!(out.contains("unknown key `titel`"), "{out}");
    }

    #[test]
    fn any_partner_name_loads_and_bad_values_point_at_their_line((_, name) in quoted_text(), lines in 0usize..20) {
        let ok = format!("name: {name}\nkind: it\n");
        prop_assert_eq!(fuzzing::partner_file(ok.as_bytes()), "");
        let padding = if lines % 2 == 1 { "tags: [a, b]\n" } else { "" };
        let comments: String = (0..lines).map(|i| format!("# {i}\n")).collect();
        let bad = format!("name: {name}\n{padding}{comments}kind: itt\n");
        let out = fuzzing::partner_file(bad.as_bytes());
        let line = 2 + padding.lines().count() + lines;
        let want = format!("--> partners/fuzz.yaml:{line}:7");
        prop_assert!(out.contains(&want), "{want:?} not in\n{out}");
        prop_assert!(out.contains("did you mean `it`?"), "{out}");
    }

    #[test]
    fn known_links_resolve_anywhere_in_a_text(before in blocks_that_end(), after in glued(MARKDOWN_TOKENS)) {
        // Blank lines cut the link off whatever block the tokens opened.
        let text = format!("{before}\n\n[agenda](playbook:first-meeting#agenda)\n\n{after}");
        let html = fuzzing::markdown(text.as_bytes());
        prop_assert!(html.contains("/guide/playbooks/first-meeting/#agenda"), "{html}");
    }
}

/// A small deterministic random number generator (SplitMix64), so that the
/// mutated guides are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What a mutation may insert.
const INSERTS: &[&[u8]] = &[
    b"\xff\xfe",
    b"---\n",
    b": ",
    b"[",
    b"]]",
    b"{",
    b"*a",
    b"&a ",
    b"\t",
    b"\r",
    b"\0",
    b"\"",
    b"'",
    b"partner:nobody",
    b"playbook:",
    b"#",
    b"\n\n",
    b"- ",
    b"> ",
    b"\xc3",
    b"\xe2\x80\xae",
    b"titel: x\n",
    b"2026-13-45",
];

/// Changes `bytes` by one random byte or line mutation.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let at = rng.below(bytes.len() + 1);
    let lines: Vec<usize> =
        std::iter::once(0).chain(bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)).collect();
    let line = lines[rng.below(lines.len())];
    let line_end = bytes[line..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| line + i + 1);
    match rng.below(7) {
        0 if !bytes.is_empty() => {
            let i = at.min(bytes.len() - 1);
            bytes[i] ^= 1 << rng.below(8);
        }
        1 => bytes.splice(at..at, INSERTS[rng.below(INSERTS.len())].iter().copied()).for_each(drop),
        2 => bytes.drain(line..line_end).for_each(drop),
        3 => {
            let copy = bytes[line..line_end].to_vec();
            bytes.splice(line..line, copy).for_each(drop);
        }
        4 => bytes.truncate(at),
        5 => bytes.splice(line..line, b"  ".iter().copied()).for_each(drop),
        _ => bytes.splice(at..at, [rng.next() as u8]).for_each(drop),
    }
}

#[test]
fn forty_randomly_mutated_copies_of_the_shipped_guide_build_or_fail_cleanly() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let (mut built, mut failed) = (0, 0);
    for seed in 0..40u64 {
        let mut rng = Rng(seed);
        let t = GuideTest::from_path(&content);
        let files: Vec<String> = t.guide_tree().into_keys().collect();
        for _ in 0..1 + rng.below(4) {
            let path = &files[rng.below(files.len())];
            let mut bytes = std::fs::read(t.guide().join(path)).unwrap();
            mutate(&mut rng, &mut bytes);
            t.bytes(path, &bytes);
        }
        let run = t.run(&["build"]);
        match run.code {
            Some(0) => {
                assert!(t.public().join("index.html").is_file(), "seed {seed}: exit 0 but no site");
                built += 1;
            }
            Some(1) => {
                // A headline `error: ...` and ` --> path:line:col` under it.
                let named = run.stderr.lines().any(|l| {
                    let Some(loc) = l.trim_start().strip_prefix("--> ") else { return false };
                    let mut parts = loc.rsplitn(3, ':');
                    let (col, line, path) = (parts.next(), parts.next(), parts.next());
                    [col, line]
                        .iter()
                        .all(|n| n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
                        && path.is_some_and(|p| files.iter().any(|f| f == p))
                });
                assert!(named, "seed {seed}: exit 1 without a file:line:col\n{}", run.stderr);
                assert!(!t.public().exists(), "seed {seed}: a failed build wrote output");
                failed += 1;
            }
            other => panic!("seed {seed}: `partnerbook build` ended with {other:?} (a crash?)\n{}", run.stderr),
        }
    }
    // Both outcomes occur, so the test sees both paths.
    assert!(built > 0 && failed > 0, "{built} built, {failed} failed");
}
