use super::*;

fn targets() -> (HashMap<String, PlaybookTarget>, HashSet<String>) {
    let mut playbooks = HashMap::new();
    playbooks.insert(
        "send-agenda".to_string(),
        PlaybookTarget { ids: heading_ids("## Send the agenda\n## Why it works\n").into(), left_out: false },
    );
    playbooks.insert("secret".to_string(), PlaybookTarget { ids: HashSet::new().into(), left_out: true });
    let partners = ["campus-it".to_string()].into_iter().collect();
    (playbooks, partners)
}

fn run(md: &str) -> (Rendered, Vec<Diagnostic>) {
    let (playbooks, partners) = targets();
    let t = Targets { base: "/outreach/", playbooks: &playbooks, partners: &partners };
    let mut diags = Vec::new();
    let r = render(md, &t, Origin::Body { file: FileId(0), start: 10 }, &mut diags);
    (r, diags)
}

#[test]
fn heading_ids_follow_github() {
    let cases = [
        ("Send the agenda", "send-the-agenda"),
        ("Before the meeting: a checklist", "before-the-meeting-a-checklist"),
        ("What's next?", "whats-next"),
        ("C++ & Rust_2", "c--rust_2"),
        ("Café déjà vu", "café-déjà-vu"),
        ("  Trim me  ", "trim-me"),
    ];
    for (text, want) in cases {
        assert_eq!(heading_id(text), want, "{text}");
    }
}

#[test]
fn repeated_headings_get_numbered_ids_and_a_toc() {
    let (r, _) = run("## Steps\n\n## Steps\n\n### Detail `code`\n\n#### Deep\n");
    assert!(r.html.contains("<h2 id=\"steps\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"steps-1\">"), "{}", r.html);
    let ids: Vec<_> = r.toc.iter().map(|t| (t.level, t.id.as_str())).collect();
    assert_eq!(ids, [(2, "steps"), (2, "steps-1"), (3, "detail-code")]);
}

#[test]
fn numbered_ids_skip_ids_already_taken() {
    let (r, _) = run("## A\n\n## A 1\n\n## A\n\n## A\n\n## A-1-1\n\n## A-1\n\n## Main\n");
    let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-1-1", "a-1-2", "main-1"]);
}

#[test]
fn links_resolve_under_the_base_path() {
    let (r, d) =
        run("[IT](partner:campus-it) and [agenda](playbook:send-agenda#why-it-works) and [web](https://x.org)");
    assert!(d.is_empty(), "{d:?}");
    assert!(r.html.contains("href=\"/outreach/partners/campus-it/\""), "{}", r.html);
    assert!(r.html.contains("href=\"/outreach/playbooks/send-agenda/#why-it-works\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://x.org\""));
}

#[test]
fn broken_links_are_reported_at_their_offset_with_a_hint() {
    let cases = [
        ("see [x](partner:campus-itt)", "unknown partner `campus-itt`", "did you mean `campus-it`?"),
        ("see [x](playbook:send-agend)", "unknown playbook `send-agend`", "did you mean `send-agenda`?"),
        (
            "see [x](playbook:send-agenda#why-it-work)",
            "has no heading with id `why-it-work`",
            "did you mean `why-it-works`?",
        ),
        ("see [x](playbook:secret)", "is a draft", "--drafts"),
        ("see [x](javascript:alert(1))", "`javascript:` links are not allowed", "https://"),
    ];
    for (md, msg, hint) in cases {
        let (_, d) = run(md);
        assert_eq!(d.len(), 1, "{md}: {d:?}");
        assert!(d[0].message.contains(msg), "{md}: {}", d[0].message);
        assert!(d[0].hint.as_deref().unwrap_or("").contains(hint), "{md}: {:?}", d[0].hint);
        assert_eq!(d[0].span.as_ref().unwrap().bytes.start, 14, "{md}");
    }
}

#[test]
fn alerts_become_callouts_without_the_marker() {
    let (r, _) = run("> [!TIP]\n> Call the assistant.\n");
    assert!(r.html.contains("class=\"callout callout-tip\""), "{}", r.html);
    assert!(r.html.contains("Call the assistant."));
    assert!(!r.html.contains("[!TIP]"));
}

#[test]
fn tables_tasks_footnotes_strikethrough_render() {
    let (r, _) = run("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] one\n- [x] two\n\nText[^n] ~~old~~\n\n[^n]: Note.\n");
    for want in ["<table>", "type=\"checkbox\"", "checked", "footnote", "<del>old</del>"] {
        assert!(r.html.contains(want), "missing {want}: {}", r.html);
    }
}

#[test]
fn raw_html_is_shown_as_text() {
    let (r, _) = run("<script>alert(1)</script>\n\nhi <b onclick=x>b</b>\n");
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(!r.html.contains("<b onclick"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"));
}

#[test]
fn a_skipped_heading_level_is_reported_and_drawn_one_level_below() {
    let (r, diags) = run("Intro.\n\n### Straight to three\n\n#### Four\n\n## Two\n\n##### Five\n");
    let skips: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == Some("heading-skip")).collect();
    assert_eq!(skips.len(), 2, "{diags:?}");
    assert!(skips[0].message.contains("skips from level 1 to level 3"), "{}", skips[0].message);
    assert!(skips[0].hint.as_deref().is_some_and(|h| h.contains("use ##")), "{:?}", skips[0].hint);
    // The span starts at the heading's `#`, offset 10 into the file.
    assert_eq!(skips[0].span.as_ref().map(|s| s.bytes.start), Some(10 + "Intro.\n\n".len()));
    assert!(skips[1].message.contains("skips from level 2 to level 5"), "{}", skips[1].message);
    // Drawn without a gap: h2, h3, h2, h3.
    let levels: Vec<&str> = r.html.match_indices("<h").map(|(i, _)| &r.html[i..i + 3]).collect();
    assert_eq!(levels, ["<h2", "<h3", "<h2", "<h3"], "{}", r.html);
    assert_eq!(r.toc.iter().map(|t| t.level).collect::<Vec<_>>(), [2, 3, 2, 3]);
}

#[test]
fn headings_one_level_apart_are_not_reported() {
    // A text inside a section (a partner's notes) may start at any level.
    let (playbooks, partners) = targets();
    let t = Targets { base: "/", playbooks: &playbooks, partners: &partners };
    let mut diags = Vec::new();
    let notes =
        render_scoped("### Three\n\n#### Four\n", &t, Origin::Body { file: FileId(0), start: 0 }, "notes-", &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        notes.html.contains("<h3 id=\"notes-three\">") && notes.html.contains("<h4 id=\"notes-four\">"),
        "{}",
        notes.html
    );

    let (_, diags) = run("## Two\n\n### Three\n\n# One\n\n## Two again\n\nSetext\n------\n");
    assert!(diags.iter().all(|d| d.code != Some("heading-skip")), "{diags:?}");
}
