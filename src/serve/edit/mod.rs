//! Editing from `serve`: the HTTP API under `/_partnerbook/edit/` that writes
//! guide files from the page's forms, and the page data those forms start
//! from. Requests pass the [`guard`] checks; edits go through the edit engine
//! (`crate::edit`), are written atomically after a hash check ([`write`]), and
//! are then seen by the watcher like any save, so the page rebuilds and
//! reloads through the normal serve path. Nothing here bypasses the watcher.

mod api;
mod git;
mod guard;
pub(crate) mod page;
mod write;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tiny_http::{Request, Response, StatusCode};

use super::live::Live;
use api::{CommitRequest, MarkdownRequest, NewRequest, PartnerRequest, PreviewRequest};
use guard::{Editable, Refusal};

/// The prefix of the edit API's addresses.
pub(crate) const API: &str = "/_partnerbook/edit/";

/// How many served versions of each file are kept, to show a conflict's diff
/// from the text a form was served with.
const SERVED_VERSIONS: usize = 4;

/// Whether editing is on, and what its requests are checked against.
pub(crate) struct Editing {
    /// False: nothing is injected and every edit request is refused.
    pub(crate) on: bool,
    /// The per-process token the page data carries and every write must send.
    token: String,
    /// Whether the guide is in a git work tree.
    git: bool,
    /// The guide folder (absolute).
    guide: PathBuf,
    /// The address the server listens on (for the Host check).
    bound: SocketAddr,
    /// The date `new` fills in.
    today: chrono::NaiveDate,
    /// Texts served in page data, by file, newest last.
    served: Mutex<HashMap<String, Vec<Served>>>,
}

/// A file's text as a page's data was made from it.
struct Served {
    /// The hash the form carries.
    hash: String,
    /// The text.
    text: Arc<str>,
}

/// An answer: status and JSON.
struct Answer {
    status: u16,
    body: Value,
}

impl From<Refusal> for Answer {
    fn from(r: Refusal) -> Self {
        Answer { status: r.status, body: json!({ "error": r.error, "message": r.message, "hint": r.hint }) }
    }
}

impl Editing {
    /// Editing for a guide served on `bound`; `on` as the command line decided.
    pub(crate) fn new(on: bool, guide: PathBuf, bound: SocketAddr, today: chrono::NaiveDate) -> std::io::Result<Self> {
        let token = guard::new_token()?;
        let git = on && git::in_repo(&guide);
        Ok(Editing { on, token, git, guide, bound, today, served: Mutex::default() })
    }

    /// The token, for the terminal.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// The token as served pages carry it: only when serve listens on
    /// loopback, where everyone who can load a page is on this machine.
    pub(crate) fn token_in_pages(&self) -> Option<&str> {
        self.bound.ip().is_loopback().then_some(self.token.as_str())
    }

    /// Reads a guide file for page data and remembers the text by its hash.
    fn read_served(&self, rel: &str) -> Option<Arc<str>> {
        let text: Arc<str> = std::fs::read_to_string(self.guide.join(rel)).ok()?.into();
        let hash = write::hash(text.as_bytes());
        let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        let versions = served.entry(rel.to_string()).or_default();
        if !versions.iter().any(|v| v.hash == hash) {
            versions.push(Served { hash, text: text.clone() });
            if versions.len() > SERVED_VERSIONS {
                versions.remove(0);
            }
        }
        Some(text)
    }

    fn served_text(&self, rel: &str, hash: &str) -> Option<Arc<str>> {
        let served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        served.get(rel)?.iter().find(|v| v.hash == hash).map(|v| v.text.clone())
    }
}

/// The page with the edit data island and script before `</body>` (site path `key`).
pub(crate) fn inject(html: Vec<u8>, key: &str, editing: &Editing, live: &super::live::LiveSite) -> Vec<u8> {
    let guide = live.guide.as_ref().map(|(_, g)| &**g);
    let island = page::island(&page::page_data(editing, guide, key));
    let at = super::live::find_last(&html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + island.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(island.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Answers a POST under [`API`].
pub(crate) fn handle(mut request: Request, editing: &Editing, live: &Live) {
    let path = request.url().split('?').next().unwrap_or_default().to_string();
    let answer = match answer(&mut request, &path, editing, live) {
        Ok(a) => a,
        Err(r) => {
            eprintln!("edit refused: POST {path}: {} {}", r.status, r.message);
            r.into()
        }
    };
    let header =
        tiny_http::Header::from_bytes("Content-Type", "application/json; charset=utf-8").expect("valid header");
    let nosniff = tiny_http::Header::from_bytes("X-Content-Type-Options", "nosniff").expect("valid header");
    let response = Response::from_string(answer.body.to_string())
        .with_status_code(StatusCode(answer.status))
        .with_header(header)
        .with_header(nosniff);
    let _ = request.respond(response);
}

fn header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn answer(request: &mut Request, path: &str, editing: &Editing, live: &Live) -> Result<Answer, Refusal> {
    if !editing.on {
        return Err(Refusal::forbidden("editing is off (--read-only, or a non-loopback bind without --allow-edit)"));
    }
    if !guard::host_ok(header(request, "Host"), editing.bound) {
        return Err(Refusal::forbidden("the Host header does not name this server"));
    }
    if !guard::origin_ok(header(request, "Origin"), header(request, "Host")) {
        return Err(Refusal::forbidden("the request does not come from a page of this server"));
    }
    if !guard::token_ok(header(request, "X-Partnerbook-Token"), &editing.token) {
        return Err(Refusal::forbidden("the request has no valid editing token; reload the page"));
    }
    let body = guard::read_body(request.as_reader())?;
    match path.strip_prefix(API) {
        Some("partner") => edit_partner(editing, api::parse(&body)?),
        Some("markdown") => edit_markdown(editing, api::parse(&body)?),
        Some("new") => new_file(editing, api::parse(&body)?),
        Some("preview") => preview(editing, live, api::parse(&body)?),
        Some("commit") => commit(editing, api::parse(&body)?),
        _ => Err(Refusal { status: 404, error: "not-found", message: format!("no edit API at {path}"), hint: None }),
    }
}

/// The file's current text, after the path checks.
fn current(editing: &Editing, rel: &str, what: Editable) -> Result<(PathBuf, String), Refusal> {
    guard::check_path(rel, what)?;
    let path = guard::resolve(&editing.guide, rel)?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Refusal::invalid(format!("cannot read {rel}: {e}"), Some("save it as UTF-8 text".into())))?;
    Ok((path, text))
}

/// Writes `new` over `rel` when the disk still holds what the form hashed; the answer.
fn write_checked(
    editing: &Editing,
    rel: &str,
    form_hash: &str,
    edit: impl FnOnce(&str) -> Result<String, Refusal>,
    what: Editable,
) -> Result<Answer, Refusal> {
    let (path, text) = current(editing, rel, what)?;
    if write::hash(text.as_bytes()) != form_hash {
        let disk_diff = match editing.served_text(rel, form_hash) {
            Some(served) => write::unified_diff(rel, &served, &text),
            None => String::new(),
        };
        eprintln!("edit refused: {rel} changed on disk since the form was served");
        return Ok(Answer {
            status: 409,
            body: json!({
                "error": "conflict",
                "message": format!("{rel} changed on disk since this page was loaded; nothing was written"),
                "disk_diff": disk_diff,
            }),
        });
    }
    let new = edit(&text)?;
    write::replace(&path, &new).map_err(|e| Refusal::invalid(format!("cannot write {rel}: {e}"), None))?;
    Ok(Answer {
        status: 200,
        body: json!({
            "ok": true, "file": rel, "hash": write::hash(new.as_bytes()),
            "diff": write::unified_diff(rel, &text, &new), "git": editing.git,
        }),
    })
}

fn engine_refusal(e: crate::edit::EditError) -> Refusal {
    Refusal::invalid(e.message, e.hint)
}

fn edit_partner(editing: &Editing, req: PartnerRequest) -> Result<Answer, Refusal> {
    guard::check_path(&req.file, Editable::Partner)?;
    let edit = req.edit.to_edit(editing.today)?;
    write_checked(
        editing,
        &req.file,
        &req.hash,
        |text| crate::edit::edit_partner(text, &edit).map_err(engine_refusal),
        Editable::Partner,
    )
}

fn edit_markdown(editing: &Editing, req: MarkdownRequest) -> Result<Answer, Refusal> {
    guard::check_path(&req.file, Editable::Markdown)?;
    let page = req.file.starts_with("pages/");
    let edit = crate::edit::MarkdownEdit { fields: api::field_changes(&req.fields, page)?, body: req.body };
    write_checked(
        editing,
        &req.file,
        &req.hash,
        |text| crate::edit::edit_markdown(text, &edit).map_err(engine_refusal),
        Editable::Markdown,
    )
}

fn new_file(editing: &Editing, req: NewRequest) -> Result<Answer, Refusal> {
    use crate::cmd::new::{NewError, NewItem, NewOptions, parse_enum, write};
    use crate::load::fields::{Kind, Stage};
    let item = match req.what.as_str() {
        "playbook" => NewItem::Playbook {
            title: api::given(&req.title).ok_or_else(|| Refusal::invalid("Title is required", None))?,
            stage: api::given(&req.stage)
                .map(|s| parse_enum("stage", &s, Stage::ALL, |v| v.as_str()).map_err(usage))
                .transpose()?,
            partners: Vec::new(),
        },
        "partner" => NewItem::Partner {
            name: api::given(&req.name).ok_or_else(|| Refusal::invalid("Name is required", None))?,
            kind: api::given(&req.kind)
                .map(|k| parse_enum("kind", &k, Kind::ALL, |v| v.as_str()).map_err(usage))
                .transpose()?,
        },
        other => {
            return Err(Refusal::invalid(
                format!("cannot make a new `{other}`"),
                Some("ask for a playbook or a partner".into()),
            ));
        }
    };
    let opts = NewOptions { guide: editing.guide.clone(), today: editing.today, item };
    match write(&opts) {
        Ok(written) => {
            let rel = crate::paths::slash_rel(&editing.guide, &written.path).unwrap_or_default();
            let (stem, _) = rel.rsplit_once('.').unwrap_or((&rel, ""));
            Ok(Answer {
                status: 200,
                body: json!({ "ok": true, "file": rel, "url": format!("/{stem}/"), "warnings": written.warnings, "git": editing.git }),
            })
        }
        Err(NewError::Exists(p)) => {
            let rel = crate::paths::slash_rel(&editing.guide, &p).unwrap_or_default();
            eprintln!("edit refused: new {rel}: it exists");
            Ok(Answer {
                status: 409,
                body: json!({ "error": "conflict", "message": format!("{rel} already exists; nothing was written"), "file": rel }),
            })
        }
        Err(NewError::NoSlug(t)) => {
            Err(Refusal::invalid(format!("`{t}` gives no file name"), Some("use a letter or a digit".into())))
        }
        Err(NewError::NotAGuide(_)) => Err(Refusal::invalid("the guide has no site.yaml", None)),
        Err(NewError::Io(e)) => Err(Refusal::invalid(e.to_string(), None)),
    }
}

/// A usage error of `new` ("error: ...\nhelp: ...") as a refusal.
fn usage(text: String) -> Refusal {
    let mut lines = text.lines();
    let message = lines.next().unwrap_or_default().trim_start_matches("error: ").to_string();
    let hint = lines.next().map(|h| h.trim_start_matches("help: ").to_string());
    Refusal::invalid(message, hint)
}

fn preview(editing: &Editing, live: &Live, req: PreviewRequest) -> Result<Answer, Refusal> {
    use crate::link::markdown::{Origin, PlaybookTarget, Targets, render};
    let (_, text) = current(editing, &req.file, Editable::Markdown)?;
    let Some((_, guide)) = live.current().guide.clone() else {
        return Err(Refusal::invalid(
            "the guide has not built yet",
            Some("fix the errors shown on the page first".into()),
        ));
    };
    let start = crate::load::front_matter::split(&text).map_or(0, |s| s.body.start);
    let whole = format!("{}{}", &text[..start], req.body);
    let playbooks = guide
        .playbooks
        .iter()
        .map(|(slug, p)| (slug.clone(), PlaybookTarget { ids: p.body.ids.clone(), left_out: false }))
        .collect();
    let partners = guide.partners.keys().cloned().collect();
    let targets = Targets { base: "/", playbooks: &playbooks, partners: &partners };
    let mut diags = Vec::new();
    let file = crate::source::FileId(0);
    let rendered = render(&req.body, &targets, Origin::Body { file, start }, &mut diags);
    let source = crate::source::SourceFile::new(req.file.clone(), PathBuf::from(&req.file), whole);
    let problems: Vec<Value> = diags
        .iter()
        .map(|d| {
            let (line, column) = d.span.as_ref().map_or((1, 1), |s| source.line_col(s.bytes.start));
            let severity = if d.severity == crate::diag::Severity::Error { "error" } else { "warning" };
            json!({ "line": line, "column": column, "severity": severity, "message": d.message, "hint": d.hint })
        })
        .collect();
    Ok(Answer { status: 200, body: json!({ "html": rendered.html, "problems": problems }) })
}

fn commit(editing: &Editing, req: CommitRequest) -> Result<Answer, Refusal> {
    current(editing, &req.file, Editable::Any)?;
    if !editing.git {
        return Err(Refusal::invalid("the guide is not in a git repository", None));
    }
    match git::commit(&editing.guide, &req.file, &req.message) {
        Ok(hash) => Ok(Answer { status: 200, body: json!({ "ok": true, "commit": hash }) }),
        Err(e) => Err(Refusal::invalid(e.message, Some("commit it from a terminal to see more".into()))),
    }
}
