//! The page data of `serve`'s editing controls: a JSON island and the editing
//! script, injected before `</body>` of every served HTML page while editing
//! is on (never in `build`). The data says what the page shows (a partner, a
//! playbook, a page or something else), which file that is with the hash of
//! its bytes now, and the values the forms start from.

use serde_json::{Value, json};

use super::Editing;
use crate::link::Guide;
use crate::link::rules::{Place, open_items};
use crate::load::fields::{Kind, Stage, Status};

/// Where the editing script is served.
pub(crate) const SCRIPT_PATH: &str = "/_partnerbook/edit.js";

/// The editing script (written for the browser; embedded in the binary): its
/// helpers and dialogs, then the forms and controls built on them, as one file.
pub(crate) const SCRIPT: &str = concat!(include_str!("edit.js"), "\n", include_str!("edit_forms.js"));

/// What a served page shows, found from its site path.
enum Shown<'g> {
    Partner(&'g crate::link::guide::Partner),
    Playbook(&'g crate::link::guide::Playbook),
    Page(&'g crate::link::guide::Page),
    Other,
}

fn shown<'g>(guide: &'g Guide, key: &str) -> Shown<'g> {
    let Some(dir) = key.strip_suffix("/index.html") else { return Shown::Other };
    if let Some(p) = dir.strip_prefix("partners/").and_then(|s| guide.partners.get(s)) {
        return Shown::Partner(p);
    }
    if let Some(p) = dir.strip_prefix("playbooks/").and_then(|s| guide.playbooks.get(s)) {
        return Shown::Playbook(p);
    }
    match guide.pages.get(dir) {
        Some(p) => Shown::Page(p),
        None => Shown::Other,
    }
}

/// The page data for the page at site path `key`, as JSON.
pub(crate) fn page_data(editing: &Editing, guide: Option<&Guide>, key: &str) -> Value {
    let shown = guide.map_or(Shown::Other, |g| shown(g, key));
    let file = match &shown {
        Shown::Partner(p) => Some(p.path.as_str()),
        Shown::Playbook(p) => Some(p.path.as_str()),
        Shown::Page(p) => Some(p.path.as_str()),
        Shown::Other => None,
    };
    // The bytes on disk now: the hash the form sends back, and the text a conflict is shown against.
    let text = file.and_then(|f| editing.read_served(f));
    let hash = text.as_ref().map(|t| super::write::hash(t.as_bytes()));
    let all = |names: &[&str]| Value::from(names.to_vec());
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let (kind, partner, markdown) = match (&shown, guide) {
        (Shown::Partner(p), Some(g)) => ("partner", partner_data(p, g), Value::Null),
        (Shown::Playbook(p), _) => {
            let fields = json!({
                "title": p.title, "summary": p.summary, "stage": p.stage.map(|s| s.as_str()),
                "stages": all(&stages), "partners": p.partners, "tags": p.tags,
            });
            ("playbook", Value::Null, json!({ "fields": fields, "body": body_of(text.as_deref()) }))
        }
        (Shown::Page(p), _) => {
            let fields = json!({
                "title": p.title, "summary": p.summary, "stage": Value::Null,
                "stages": all(&stages), "partners": [], "tags": [],
            });
            ("page", Value::Null, json!({ "fields": fields, "body": body_of(text.as_deref()) }))
        }
        _ => ("other", Value::Null, Value::Null),
    };
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    json!({
        // On loopback the page carries the token (it guards against other sites'
        // pages, not other people). Bound for others with --allow-edit, a page
        // must not hand it out: the person editing types the one serve printed.
        "token": editing.token_in_pages(),
        "git": editing.git,
        "page": {
            "kind": kind,
            "file": if text.is_some() { file.map(Value::from) } else { None },
            "hash": hash,
            "partner": partner,
            "markdown": markdown,
        },
        "new": { "stages": stages, "kinds": kinds },
    })
}

fn body_of(text: Option<&str>) -> Value {
    let Some(text) = text else { return Value::Null };
    match crate::load::front_matter::split(text) {
        Some(split) => Value::from(&text[split.body]),
        None => Value::from(text.trim_start_matches('\u{feff}')),
    }
}

fn partner_data(p: &crate::link::guide::Partner, guide: &Guide) -> Value {
    let profile = &p.profile;
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let next_step = profile
        .next_step
        .as_ref()
        .map(|n| json!({ "action": n.action, "owner": n.owner, "due": n.due_date().map(|d| d.0.to_string()) }));
    // The next step is listed on its own; the items are the other open ones.
    let items: Vec<Value> = open_items(&p.slug, profile, guide.today)
        .into_iter()
        .filter(|o| o.place != Place::NextStep)
        .map(|o| json!({ "task": o.task, "owner": o.owner, "due": o.due.map(|d| d.0.to_string()) }))
        .collect();
    json!({
        "name": profile.name,
        "status": profile.status.map(|s| s.as_str()),
        "statuses": statuses,
        "next_step": next_step,
        "open_items": items,
    })
}

/// The HTML injected before `</body>`: the data island (with `<` escaped, so
/// no value can close the element) and the editing script.
pub(crate) fn island(data: &Value) -> String {
    let json = data.to_string().replace('<', "\\u003c");
    format!(
        "<script type=\"application/json\" id=\"partnerbook-edit\">{json}</script><script src=\"{SCRIPT_PATH}\" defer></script>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_island_cannot_be_closed_by_a_value() {
        let html = island(&json!({ "name": "</script><script>alert(1)</script>" }));
        assert_eq!(html.matches("</script>").count(), 2, "{html}");
        assert!(html.contains("\\u003c/script>\\u003cscript>"), "{html}");
        let inner = html.split_once('>').unwrap().1.split_once("</script>").unwrap().0;
        let back: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
