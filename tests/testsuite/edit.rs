//! Editing from `partnerbook serve` over HTTP: the real binary on `--port 0`,
//! its page data read from served pages, edits POSTed as the page's script
//! does, and the served page awaited through the live-reload stream (no fixed
//! sleeps). Refused requests must leave the guide tree byte-for-byte as it was.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use serde_json::{Value, json};

use crate::serve::{Resp, Server, WAIT, parse_response};
use crate::support::{GuideTest, TODAY, assert_same_tree};

const PARTNER_PAGE: &str = "/partners/campus-it/";
const PARTNER_FILE: &str = "partners/campus-it.yaml";

/// The edit page data of a served page (the JSON island), or `None` when it has none.
fn page_data(s: &Server, target: &str) -> Option<Value> {
    let r = s.get(target);
    assert_eq!(r.status, 200, "GET {target}");
    let html = r.text();
    let start = r#"<script type="application/json" id="partnerbook-edit">"#;
    let (_, rest) = html.split_once(start)?;
    let json = rest.split_once("</script>").expect("the island closes").0;
    assert!(!json.contains('<'), "`<` is escaped in the island: {json}");
    Some(serde_json::from_str(json).expect("the island is JSON"))
}

/// How a test request departs from a good one.
#[derive(Clone, Copy, Default)]
struct Sent<'a> {
    token: Option<&'a str>,
    origin: Option<&'a str>,
    host: Option<&'a str>,
}

/// POSTs `body` to the edit API with the headers the page's script sends, as `sent` overrides.
fn post_raw(s: &Server, api: &str, token: &str, body: &[u8], sent: Sent<'_>) -> Resp {
    let addr = s.addr;
    let host = sent.host.map_or(addr.to_string(), str::to_string);
    let origin = sent.origin.map_or(format!("http://{addr}"), str::to_string);
    let token = sent.token.unwrap_or(token);
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let head = format!(
        "POST /_partnerbook/edit/{api} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nX-Partnerbook-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading the whole body and close.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        assert!(!raw.is_empty(), "POST {api}: {e}");
    }
    parse_response(&raw, false).unwrap_or_else(|e| panic!("POST {api}: {e}"))
}

fn post(s: &Server, api: &str, token: &str, body: &Value) -> (u16, Value) {
    let r = post_raw(s, api, token, body.to_string().as_bytes(), Sent::default());
    let json = serde_json::from_str(&r.text()).unwrap_or_else(|e| panic!("answer is not JSON ({e}): {}", r.text()));
    (r.status, json)
}

/// POSTs a partner edit from the page's current data, waits for the reload, and returns the new page data.
#[track_caller]
fn edit_partner(s: &Server, edit: Value) -> (Value, Value) {
    let data = page_data(s, PARTNER_PAGE).expect("page data");
    let (token, hash) = (data["token"].as_str().unwrap(), data["page"]["hash"].as_str().unwrap());
    let mut events = s.events();
    let (status, answer) = post(s, "partner", token, &json!({ "file": PARTNER_FILE, "hash": hash, "edit": edit }));
    assert_eq!(status, 200, "{answer}\n{}", s.stderr());
    assert_eq!(answer["ok"], true);
    assert_ne!(answer["hash"], data["page"]["hash"]);
    events.expect("reload");
    (answer, page_data(s, PARTNER_PAGE).expect("page data after the reload"))
}

fn check_passes(t: &GuideTest) {
    t.run(&["check"]).success();
}

#[test]
fn each_partner_edit_writes_the_file_and_the_page_shows_it_after_the_reload() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &[]);
    s.wait_stderr("editing on: token ");
    let data = page_data(&s, PARTNER_PAGE).expect("partner pages carry edit data");
    assert_eq!(data["page"]["kind"], "partner");
    assert_eq!(data["page"]["file"], PARTNER_FILE);
    assert_eq!(data["page"]["partner"]["status"], "active");
    assert_eq!(data["git"], false);

    let (answer, data) = edit_partner(&s, json!({ "kind": "status", "status": "paused" }));
    assert!(answer["diff"].as_str().unwrap().contains("-status: active\n+status: paused\n"), "{answer}");
    assert_eq!(data["page"]["partner"]["status"], "paused");
    check_passes(&t);

    let (_, data) =
        edit_partner(&s, json!({ "kind": "next-step", "action": "Book the lab", "owner": "Ana", "due": "2026-12-10" }));
    assert_eq!(
        data["page"]["partner"]["next_step"],
        json!({ "action": "Book the lab", "owner": "Ana", "due": "2026-12-10" })
    );
    check_passes(&t);

    let (_, data) = edit_partner(&s, json!({ "kind": "add-item", "task": "Send the survey", "owner": "", "due": "" }));
    assert_eq!(
        data["page"]["partner"]["open_items"],
        json!([{ "task": "Send the survey", "owner": null, "due": null }])
    );
    check_passes(&t);

    let meeting = json!({
        "kind": "log-meeting", "date": "2026-11-27", "title": "Budget review", "attendees": ["Ana Ruiz", ""],
        "notes": "Went well.", "items": [
            { "task": "Share the budget", "owner": "Ana", "due": "2026-12-20" },
            { "task": "Draft the MOU", "owner": "", "due": "" },
            { "task": "", "owner": "", "due": "" }
        ]
    });
    let (_, data) = edit_partner(&s, meeting);
    let tasks: Vec<&str> =
        data["page"]["partner"]["open_items"].as_array().unwrap().iter().map(|i| i["task"].as_str().unwrap()).collect();
    assert!(tasks.contains(&"Share the budget") && tasks.contains(&"Draft the MOU"), "{tasks:?}");
    assert!(s.get(PARTNER_PAGE).text().contains("Budget review"));
    check_passes(&t);

    let (_, data) = edit_partner(&s, json!({ "kind": "mark-done", "task": "share the BUDGET" }));
    let tasks: Vec<&str> =
        data["page"]["partner"]["open_items"].as_array().unwrap().iter().map(|i| i["task"].as_str().unwrap()).collect();
    assert!(!tasks.contains(&"Share the budget") && tasks.contains(&"Draft the MOU"), "{tasks:?}");
    // Marked done today (serve's --today), for the activity report.
    let text = std::fs::read_to_string(t.guide().join(PARTNER_FILE)).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| *l == format!("done_on: {}", crate::support::TODAY)).expect(&text);
    assert_eq!(lines[at - 1], "done: true", "{text}");
    check_passes(&t);

    let (_, data) = edit_partner(&s, json!({ "kind": "mark-done", "task": "Book the lab" }));
    assert_eq!(data["page"]["partner"]["next_step"], Value::Null);
    check_passes(&t);

    edit_partner(&s, json!({ "kind": "log-contact", "date": "2026-11-28" }));
    let text = std::fs::read_to_string(t.guide().join(PARTNER_FILE)).unwrap();
    assert!(text.contains("last_contact: 2026-11-28"), "{text}");
    assert!(text.starts_with("name: Campus IT\nkind: it\n"), "untouched lines stay: {text}");
    check_passes(&t);
}

#[test]
fn a_markdown_edit_and_its_preview_use_the_pipeline() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &[]);
    let page = "/playbooks/run-the-meeting/";
    let data = page_data(&s, page).expect("playbook pages carry edit data");
    assert_eq!(data["page"]["kind"], "playbook");
    assert_eq!(data["page"]["markdown"]["fields"]["stage"], "meet");
    assert!(data["page"]["markdown"]["body"].as_str().unwrap().starts_with("\nStart on time."));
    let token = data["token"].as_str().unwrap();

    // Line 2 of the body is line 12 of the file (10 lines of front matter).
    let body = "\nSee [them](partner:campus-itt).\n";
    let (status, preview) =
        post(&s, "preview", token, &json!({ "file": "playbooks/run-the-meeting.md", "body": body }));
    assert_eq!(status, 200, "{preview}");
    assert!(preview["html"].as_str().unwrap().contains("them"), "{preview}");
    let problem = &preview["problems"][0];
    assert_eq!((problem["line"].as_u64(), problem["column"].as_u64()), (Some(12), Some(5)), "{preview}");
    assert_eq!(problem["severity"], "error");
    assert!(problem["hint"].as_str().unwrap().contains("campus-it"), "{preview}");

    let mut events = s.events();
    let edit = json!({
        "file": "playbooks/run-the-meeting.md", "hash": data["page"]["hash"],
        "fields": { "title": "Run the meeting well", "summary": null }, "body": "\nStart on time, end early.\n\n## Send the agenda\n\nTwo days ahead.\n"
    });
    let (status, answer) = post(&s, "markdown", token, &edit);
    assert_eq!(status, 200, "{answer}");
    events.expect("reload");
    let html = s.get(page).text();
    assert!(html.contains("Run the meeting well") && html.contains("end early"), "{html}");
    check_passes(&t);
}

#[test]
fn a_conflict_writes_nothing_and_answers_the_disk_diff() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &[]);
    let data = page_data(&s, PARTNER_PAGE).unwrap();
    let changed = std::fs::read_to_string(t.guide().join(PARTNER_FILE)).unwrap().replace("active", "meeting");
    t.save(PARTNER_FILE, &changed);
    let before = t.guide_tree();
    let body =
        json!({ "file": PARTNER_FILE, "hash": data["page"]["hash"], "edit": { "kind": "status", "status": "paused" } });
    let (status, answer) = post(&s, "partner", data["token"].as_str().unwrap(), &body);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "conflict");
    assert!(answer["disk_diff"].as_str().unwrap().contains("-status: active\n+status: meeting\n"), "{answer}");
    assert_same_tree(&before, &t.guide_tree(), "a conflict writes nothing");
}

#[test]
fn refused_requests_write_nothing_and_are_logged() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &[]);
    let data = page_data(&s, PARTNER_PAGE).unwrap();
    let (token, hash) = (data["token"].as_str().unwrap(), data["page"]["hash"].as_str().unwrap());
    let status_edit = |file: &str| {
        json!({ "file": file, "hash": hash, "edit": { "kind": "status", "status": "paused" } }).to_string().into_bytes()
    };
    let good = status_edit(PARTNER_FILE);
    let big = format!("{{\"file\":\"{PARTNER_FILE}\",\"pad\":\"{}\"}}", "x".repeat(2 << 20)).into_bytes();
    let cases: Vec<(&str, &str, Vec<u8>, Sent<'_>, u16)> = vec![
        ("no token", "partner", good.clone(), Sent { token: Some(""), ..Sent::default() }, 403),
        ("wrong token", "partner", good.clone(), Sent { token: Some("0123"), ..Sent::default() }, 403),
        (
            "foreign Origin",
            "partner",
            good.clone(),
            Sent { origin: Some("http://evil.example"), ..Sent::default() },
            403,
        ),
        ("foreign Host", "partner", good.clone(), Sent { host: Some("evil.example"), ..Sent::default() }, 403),
        ("../site.yaml", "partner", status_edit("../site.yaml"), Sent::default(), 403),
        ("site.yaml", "partner", status_edit("site.yaml"), Sent::default(), 403),
        ("partners/x.txt", "partner", status_edit("partners/x.txt"), Sent::default(), 403),
        ("a playbook as a partner", "partner", status_edit("playbooks/run-the-meeting.md"), Sent::default(), 403),
        ("commit of site.yaml", "commit", br#"{"file":"site.yaml","message":"x"}"#.to_vec(), Sent::default(), 403),
        ("2 MiB body", "partner", big, Sent::default(), 413),
        ("not JSON", "partner", b"status=paused".to_vec(), Sent::default(), 400),
        (
            "bad date",
            "partner",
            json!({"file": PARTNER_FILE, "hash": hash, "edit": {"kind": "log-contact", "date": "2026-13-01"}})
                .to_string()
                .into_bytes(),
            Sent::default(),
            400,
        ),
    ];
    let before = t.guide_tree();
    for (what, api, body, sent, want) in cases {
        let r = post_raw(&s, api, token, &body, sent);
        assert_eq!(r.status, want, "{what}: {}", r.text());
        assert_same_tree(&before, &t.guide_tree(), what);
    }
    // One log line per refusal; the last case's line comes last.
    let log = s.wait_stderr("`2026-13-01` is not a date");
    assert_eq!(log.matches(" refused: ").count(), 12, "{log}");
}

#[test]
fn read_only_and_a_non_loopback_bind_without_allow_edit_inject_nothing_and_refuse_every_post() {
    for args in [&["--read-only"][..], &["--bind", "0.0.0.0"][..]] {
        let t = GuideTest::from_dir("build/good");
        let s = Server::start(&t, args);
        s.wait_stderr("editing off");
        assert!(page_data(&s, PARTNER_PAGE).is_none(), "{args:?}");
        assert!(!s.get(PARTNER_PAGE).text().contains("/_partnerbook/edit.js"));
        assert_eq!(s.get("/_partnerbook/edit.js").status, 404, "{args:?}");
        let before = t.guide_tree();
        for api in ["partner", "markdown", "new", "preview", "commit"] {
            let body = json!({ "what": "playbook", "title": "X", "file": PARTNER_FILE, "hash": "", "body": "", "message": "m",
                "edit": { "kind": "status", "status": "paused" } });
            let r = post_raw(&s, api, "any", body.to_string().as_bytes(), Sent::default());
            assert_eq!(r.status, 403, "{args:?} {api}: {}", r.text());
        }
        assert_same_tree(&before, &t.guide_tree(), "editing off");
    }
}

#[test]
fn allow_edit_on_every_interface_needs_the_printed_token() {
    let t = GuideTest::from_dir("build/good");
    let s = Server::start(&t, &["--bind", "0.0.0.0", "--allow-edit"]);
    let data = page_data(&s, PARTNER_PAGE).unwrap();
    // Pages served to the network do not hand the token out: it is typed from the terminal.
    assert_eq!(data["token"], serde_json::Value::Null, "{data}");
    let stderr = s.wait_stderr("editing on: token ");
    let printed = stderr.split("editing on: token ").nth(1).unwrap().lines().next().unwrap().to_string();
    assert_eq!(printed.len(), 32, "{stderr}");
    let body =
        json!({ "file": PARTNER_FILE, "hash": data["page"]["hash"], "edit": { "kind": "status", "status": "paused" } });
    assert_eq!(post_raw(&s, "partner", "wrong", body.to_string().as_bytes(), Sent::default()).status, 403);
    assert_eq!(post(&s, "partner", &printed, &body).0, 200);
}

#[test]
fn new_writes_the_same_file_as_the_new_command_and_never_replaces_one() {
    let t = GuideTest::from_dir("build/good");
    let by_command = GuideTest::from_dir("build/good");
    by_command
        .run_raw(&[
            "new",
            "playbook",
            "Talk to Deans",
            "--stage",
            "meet",
            "--guide",
            &by_command.guide().display().to_string(),
        ])
        .success();
    by_command
        .run_raw(&[
            "new",
            "partner",
            "Research Computing",
            "--kind",
            "research-computing",
            "--guide",
            &by_command.guide().display().to_string(),
        ])
        .success();
    let s = Server::start(&t, &[]);
    let token = page_data(&s, "/").unwrap()["token"].as_str().unwrap().to_string();
    let (status, answer) =
        post(&s, "new", &token, &json!({ "what": "playbook", "title": "Talk to Deans", "stage": "meet" }));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (answer["file"].as_str(), answer["url"].as_str()),
        (Some("playbooks/talk-to-deans.md"), Some("/playbooks/talk-to-deans/"))
    );
    let (status, answer) = post(
        &s,
        "new",
        &token,
        &json!({ "what": "partner", "name": "Research Computing", "kind": "research-computing" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_same_tree(&by_command.guide_tree(), &t.guide_tree(), "new from serve and from the command");
    let (status, answer) = post(&s, "new", &token, &json!({ "what": "playbook", "title": "Talk to deans!" }));
    assert_eq!(status, 409, "{answer}");
    assert_same_tree(&by_command.guide_tree(), &t.guide_tree(), "an existing file is never replaced");
    let (status, _) = post(&s, "new", &token, &json!({ "what": "playbook", "title": "X", "stage": "meeet" }));
    assert_eq!(status, 400);
    check_passes(&t);
}

fn git(t: &GuideTest, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.edu", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(t.guide())
        .env("GIT_CEILING_DIRECTORIES", t.git_ceiling())
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.edu")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.edu")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn commit_commits_the_edited_file_alone_and_never_an_unchanged_one() {
    let t = GuideTest::from_dir("build/good");
    git(&t, &["init", "--quiet"]);
    git(&t, &["add", "."]);
    git(&t, &["commit", "--quiet", "-m", "start"]);
    // Committing from serve needs an identity, as git needs one; a test gives it through the environment of git calls only.
    std::fs::write(t.guide().join(".git/config"), {
        let mut c = std::fs::read_to_string(t.guide().join(".git/config")).unwrap();
        c.push_str("[user]\n\tname = Test\n\temail = test@example.edu\n[commit]\n\tgpgsign = false\n");
        c
    })
    .unwrap();
    let s = Server::start(&t, &[]);
    let data = page_data(&s, PARTNER_PAGE).unwrap();
    assert_eq!(data["git"], true);
    let token = data["token"].as_str().unwrap();
    let (status, answer) = post(&s, "commit", token, &json!({ "file": PARTNER_FILE, "message": "Nothing yet" }));
    assert_eq!(status, 400, "an unchanged file is refused: {answer}");
    let body =
        json!({ "file": PARTNER_FILE, "hash": data["page"]["hash"], "edit": { "kind": "status", "status": "paused" } });
    let (status, answer) = post(&s, "partner", token, &body);
    assert_eq!((status, &answer["git"]), (200, &json!(true)), "{answer}");
    t.save("pages/about.md", "---\ntitle: About us\n---\nChanged by hand.\n");
    let (status, answer) = post(&s, "commit", token, &json!({ "file": PARTNER_FILE, "message": "Campus IT paused" }));
    assert_eq!(status, 200, "{answer}\n{}", s.stderr());
    let short = answer["commit"].as_str().unwrap();
    assert_eq!(git(&t, &["rev-parse", "--short", "HEAD"]).trim(), short);
    assert_eq!(
        git(&t, &["show", "--name-only", "--format=%s", "HEAD"]).trim(),
        format!("Campus IT paused\n\n{PARTNER_FILE}")
    );
    assert_eq!(git(&t, &["status", "--porcelain"]).trim(), "M pages/about.md");
    assert_eq!(TODAY.len(), 10);
}
