//! Script injection: hostile text in every field of a guide must come out as
//! text, and script or data URLs must be refused where a link is made.
//!
//! The fixture is generated from [`payloads`]: each playbook, partner and page
//! carries one payload in every text field (the first of each carries all of
//! them), and two files are named after a payload. Every payload is harmless:
//! if its script ran it would only set `window.__pwned` or call `alert`, which
//! the browser test (`browser/injection.rs`) watches for.

use std::fmt::Write as _;

use serde_json::Value;

use crate::support::{GuideTest, tree};

/// Markup, attribute breakers, script-closing strings, entity-encoded and
/// mixed-case schemes, and odd Unicode. None starts with a URL scheme: these
/// go in text fields (URL fields are [`unsafe_urls`]).
const BASE: &[&str] = &[
    "<script>alert(1)</script>",
    "<script>window.__pwned=2</script>",
    "<SCRIPT SRC=data:,window.__pwned=3></SCRIPT>",
    "<img src=x onerror=\"window.__pwned=4\">",
    "<img src=x onerror=alert(5)>",
    "<svg onload=window.__pwned=6>",
    "<svg><script>window.__pwned=7</script></svg>",
    "<iframe srcdoc=\"<script>parent.__pwned=8</script>\"></iframe>",
    "<body onload=window.__pwned=9>",
    "<details open ontoggle=window.__pwned=10>",
    "<a href=\"javascript:window.__pwned=11\">click</a>",
    "<a href=JaVaScRiPt:window.__pwned=12>click</a>",
    "<a href=\"&#x6A;avascript:window.__pwned=13\">click</a>",
    "\" onmouseover=\"window.__pwned=14\" x=\"",
    "' onmouseover='window.__pwned=15' x='",
    "\"><script>window.__pwned=16</script>",
    "'><img src=x onerror=window.__pwned=17>",
    "</script><script>window.__pwned=18</script>",
    "</SCRIPT ><img src=x onerror=window.__pwned=19>",
    "\";window.__pwned=20;//",
    "';window.__pwned=21;//",
    "`;window.__pwned=22;`${window.__pwned=22}",
    "<!--<script>window.__pwned=23</script>-->",
    "<style>*{background:url(javascript:window.__pwned=24)}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=25>",
    "&lt;script&gt;window.__pwned=26&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=27&#62;",
    "<scr<script>ipt>window.__pwned=28</script>",
    "<input autofocus onfocus=window.__pwned=29>",
    "<video><source onerror=window.__pwned=30></video>",
    "<object data=\"javascript:window.__pwned=31\"></object>",
    "<form><button formaction=javascript:window.__pwned=32>go</button></form>",
    "{{ 7*7 }}{% if true %}window.__pwned=33{% endif %}",
    "rtl \u{202E}<b onclick=window.__pwned=34>txt.exe</b>\u{202C}",
    "zero\u{200D}width\u{200B}<img src=x\u{200C} onerror=window.__pwned=35>",
    "line\u{2028}sep\u{2029}<script>window.__pwned=36</script>",
    "ctrl\u{1}\u{7}\u{8}\u{1b}\u{7f}\u{0}<script>window.__pwned=37</script>",
    "\\u003cscript\\u003ewindow.__pwned=38\\u003c/script\\u003e",
    "]]><script>window.__pwned=39</script><![CDATA[",
];

/// Every payload for text fields: [`BASE`] and a very long one.
pub(crate) fn payloads() -> Vec<String> {
    let mut all: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
    all.push(format!("{}<img src=x onerror=window.__pwned=40>", "long ".repeat(2000)));
    all
}

/// Script and data URLs as they are written in URL fields and Markdown links,
/// each on a line of its own: mixed case, entity-encoded (Markdown decodes
/// entities in link destinations), with a leading control character or a tab
/// inside (a browser drops both), and `vbscript:`.
const UNSAFE_URLS: &[&str] = &[
    "javascript:window.__pwned=101",
    "JaVaScRiPt:window.__pwned=102",
    "&#x6A;avascript:window.__pwned=103",
    "&#106;avascript:window.__pwned=104",
    "java&#x09;script:window.__pwned=105",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xMDY8L3NjcmlwdD4=",
    "DATA:text/html,<script>window.__pwned=107</script>",
    "vbscript:msgbox(108)",
    "&#1;javascript:window.__pwned=109",
];

/// A YAML double-quoted scalar for any text (control and non-ASCII characters escaped).
pub(crate) fn yq(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c if (c as u32) <= 0xFFFF => write!(out, "\\u{:04X}", c as u32).unwrap(),
            c => write!(out, "\\U{:08X}", c as u32).unwrap(),
        }
    }
    out.push('"');
    out
}

/// Markdown that puts `p` in a paragraph, a heading, code, emphasis, a link's
/// text and title, an alert, a table, a task, a footnote and a fenced block.
fn markdown(p: &str) -> String {
    format!(
        "{p}\n\n## Heading {p}\n\nCode `{p}` and *{p}* and [text {p}](https://example.org/ {title}).\n\n\
         > [!TIP]\n> {p}\n\n| a | b |\n| --- | --- |\n| {p} | x |\n\n- [ ] {p}\n\nNote[^n].\n\n[^n]: {p}\n\n\
         ```html\n{p}\n```\n",
        title = serde_json::to_string(p).unwrap(),
    )
}

/// A guide with a payload in every text field. Playbook and partner `i`
/// (`p00`.. and `c00`..) carry payload `i`; number 0 carries all of them.
pub(crate) fn hostile_guide() -> GuideTest {
    let payloads = payloads();
    let all = payloads.join(" ");
    let t = GuideTest::empty();
    t.file(
        "site.yaml",
        &format!(
            "title: {}\ndescription: {}\ninstitution: {}\n",
            yq(&format!("Hostile guide {}", payloads[1])),
            yq(&all),
            yq(&payloads[13])
        ),
    );
    let n = payloads.len();
    for i in 0..n {
        let p = if i == 0 { all.clone() } else { payloads[i].clone() };
        let tags = [payloads[i].as_str(), payloads[(i + 5) % n].as_str()].map(yq).join(", ");
        t.file(
            &format!("playbooks/p{i:02}.md"),
            &format!(
                "---\ntitle: {}\nsummary: {}\nstage: meet\npartnership: any\npartners: [c{i:02}]\ntags: [{tags}]\n\
                 updated: 2026-11-01\n---\n\n{}",
                yq(&format!("Playbook {i} {p}")),
                yq(&p),
                markdown(&p)
            ),
        );
        let q = yq(&p);
        t.file(
            &format!("partners/c{i:02}.yaml"),
            &format!(
                "name: {name}\nkind: it\nsummary: {q}\nmission: {q}\nstatus: active\noffers: [{q}]\n\
                 library_offers: [{q}]\nchannels: [{q}]\ncontacts:\n  - name: {q}\n    role: {q}\n    email: {q}\n\
                 \x20   phone: {q}\n    gatekeeper: true\n    notes: {q}\nlast_contact: 2026-11-01\n\
                 next_step: {{action: {q}, due: 2026-12-01, owner: {q}}}\n\
                 action_items:\n  - {{task: {q}, owner: {q}, due: 2026-11-02, done: false}}\n\
                 meetings:\n  - date: 2026-11-01\n    title: {q}\n    attendees: [{q}]\n    agenda: [{q}]\n\
                 \x20   notes: {notes}\n    action_items: [{{task: {q}, owner: {q}, due: 2026-12-15}}]\n\
                 tags: [{tags}]\nplaybooks: [p{i:02}]\nnotes: {notes}\n",
                name = yq(&format!("Partner {i} {p}")),
                notes = yq(&markdown(&p)),
            ),
        );
    }
    t.file(
        "pages/about.md",
        &format!("---\ntitle: {}\nsummary: {}\n---\n\n{}", yq(&format!("About {all}")), yq(&all), markdown(&all)),
    );
    // File names that are payloads (a file name cannot hold `/`).
    t.file(
        "playbooks/\"'><img src=x onerror=window.__pwned=41>.md",
        &format!("---\ntitle: Named after a payload\nsummary: {}\nstage: prepare\n---\n\nBody.\n", yq(&payloads[5])),
    );
    t.file("partners/<svg onload=window.__pwned=42>.yaml", "name: Partner named after a payload\nsummary: s\n");
    t
}

/// `check --format json` of the guide, as parsed diagnostics.
fn check_json(t: &GuideTest) -> Vec<Value> {
    let run = t.run(&["check", "--format", "json"]).code(1);
    run.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> u64 {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the file"));
    text[..at].matches('\n').count() as u64 + 1
}

#[test]
fn script_and_data_urls_are_refused_with_file_line_and_column() {
    let t = GuideTest::from_dir("build/good");
    let mut body = String::from("\n\nLinks:\n\n");
    for (i, url) in UNSAFE_URLS.iter().enumerate() {
        writeln!(body, "- [link {i}]({url})").unwrap();
    }
    body.push_str("- [tab](<java\tscript:window.__pwned=110>)\n- <javascript:window.__pwned=111>\n");
    body.push_str("- ![image](javascript:window.__pwned=112) ![data image](data:image/svg+xml,<svg/onload=x>)\n");
    let playbook =
        format!("{}{body}", std::fs::read_to_string(t.guide().join("playbooks/run-the-meeting.md")).unwrap());
    t.file("playbooks/run-the-meeting.md", &playbook);
    t.file("pages/about.md", "---\ntitle: About\n---\n\n[about](JAVASCRIPT:window.__pwned=113)\n");
    let partner = "name: Hostile contacts\nsummary: s\nplaybooks: [run-the-meeting]\ncontacts:\n\
                   \x20 - name: A\n    email: \"javascript:window.__pwned=120//@example.edu\"\n\
                   \x20 - name: B\n    email: \"DaTa:text/html,x@example.edu\"\n\
                   \x20 - name: C\n    phone: \"javascript:window.__pwned=121\"\n\
                   \x20 - name: D\n    email: \"\\u0001\\tjavascript:window.__pwned=122@example.edu\"\n\
                   meetings:\n  - date: 2026-11-01\n    notes: \"[m](javascript:window.__pwned=123)\"\n\
                   notes: |\n  Some notes.\n  [n](vbscript:msgbox)\n";
    t.file("partners/hostile.yaml", partner);
    let site = std::fs::read_to_string(t.guide().join("site.yaml")).unwrap();
    t.file("site.yaml", &format!("{site}edit_url: \"javascript:window.__pwned=130//{{path}}\"\n"));

    let diags = check_json(&t);
    let unsafe_at: Vec<(String, u64, u64)> = diags
        .iter()
        .filter(|d| d["code"] == "unsafe-link")
        .map(|d| {
            assert_eq!(d["severity"], "error", "{d}");
            assert!(d["hint"].is_string(), "an unsafe link comes with a hint: {d}");
            (d["file"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())
        })
        .collect();
    let mut expected: Vec<(&str, u64)> = Vec::new();
    for url in UNSAFE_URLS {
        expected.push(("playbooks/run-the-meeting.md", line_of(&playbook, url)));
    }
    for needle in ["java\tscript", "<javascript:", "javascript:window.__pwned=112", "data:image"] {
        expected.push(("playbooks/run-the-meeting.md", line_of(&playbook, needle)));
    }
    expected.push(("pages/about.md", 5));
    for needle in ["=120", "DaTa:", "=121", "=122", "=123", "vbscript:"] {
        expected.push(("partners/hostile.yaml", line_of(partner, needle)));
    }
    expected.push(("site.yaml", line_of(&std::fs::read_to_string(t.guide().join("site.yaml")).unwrap(), "edit_url")));
    for (file, line) in &expected {
        assert!(
            unsafe_at.iter().any(|(f, l, c)| f == file && l == line && *c >= 1),
            "no unsafe-link error at {file}:{line}; got {unsafe_at:?}\n{diags:#?}"
        );
    }
    // The same guide does not build, and the text output names file:line:column.
    let run = t.run(&["build"]).code(1);
    let stderr = run.stderr.clone();
    assert!(stderr.contains("error: `javascript:` links are not allowed"), "{stderr}");
    assert!(
        stderr.contains(&format!("--> playbooks/run-the-meeting.md:{}:", expected[0].1)),
        "the error points at the file, line and column:\n{stderr}"
    );
}

/// Tags of `html` that carry an event-handler attribute (`on...`), read as an
/// HTML tokenizer does: attribute values in quotes are skipped whole.
fn event_handlers(html: &str) -> Vec<String> {
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let start = i;
        // The tag name.
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let mut names = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            names.push(html[name_start..i].to_ascii_lowercase());
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        i += 1;
                        while i < b.len() && b[i] != q {
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
            }
        }
        if names.iter().any(|n| n.starts_with("on")) {
            found.push(String::from_utf8_lossy(&b[start..i.min(start + 160)]).into_owned());
        }
    }
    found
}

#[test]
fn payloads_in_text_fields_come_out_escaped_in_every_file() {
    let t = hostile_guide();
    t.run(&["build"]).success();
    let site = tree(&t.public());
    let payloads = payloads();
    let mut kinds = std::collections::BTreeSet::new();
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        let ext = path.rsplit('.').next().unwrap_or_default();
        kinds.insert(ext.to_string());
        match ext {
            // Markup and script: no payload verbatim, no handler attribute, no script of the guide's.
            "html" | "xml" | "js" | "css" | "svg" => {
                for p in &payloads {
                    let needle = if p.len() > 200 { &p[p.len() - 60..] } else { p.as_str() };
                    // Quotes are harmless in text; where they would break out of an
                    // attribute, the scan for handler attributes below finds it.
                    if needle.contains('<') {
                        assert!(!text.contains(needle), "{path} holds the payload unescaped: {needle}");
                    }
                }
                let handlers = event_handlers(&text);
                assert!(handlers.is_empty(), "{path} has event-handler attributes: {handlers:?}");
                for (at, _) in text.match_indices("__pwned") {
                    let before = &text[..at];
                    let open = before.rfind("<script").map(|i| i as i64).unwrap_or(-1);
                    let close = before.rfind("</script").map(|i| i as i64).unwrap_or(-1);
                    assert!(
                        open <= close || ext == "js",
                        "{path}: a payload sits inside a <script> element:\n{}",
                        &text[open as usize..(at + 40).min(text.len())]
                    );
                }
                if ext == "js" {
                    assert!(!text.to_ascii_lowercase().contains("</script"), "{path} could close an inline script");
                }
            }
            // Data for other tools: it must parse, so every payload is inside a string.
            "json" => {
                serde_json::from_slice::<Value>(bytes).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
            }
            _ => {}
        }
    }
    for kind in ["html", "xml", "json", "js", "ics"] {
        assert!(kinds.contains(kind), "the site has no .{kind} file: {kinds:?}");
    }
    // The pages exist, so the checks above saw the payloads in them.
    for page in ["index.html", "playbooks/p00/index.html", "partners/c00/index.html", "partners/c00/brief/index.html"] {
        assert!(site.contains_key(page), "no {page}");
    }
}
