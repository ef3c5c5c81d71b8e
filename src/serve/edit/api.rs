//! The JSON bodies of the edit API, and their turning into the edit engine's
//! values: empty strings and missing keys mean "not given"; dates are
//! YYYY-MM-DD; a required value that is missing is a [`Refusal`] (400).

use serde::Deserialize;

use super::guard::Refusal;
use crate::edit::{FieldChange, FieldValue, NewItem, NewMeeting, NewNextStep, PartnerEdit};
use crate::load::fields::{Stage, Status};

/// `POST /_partnerbook/edit/partner`.
#[derive(Deserialize)]
pub(crate) struct PartnerRequest {
    pub(crate) file: String,
    pub(crate) hash: String,
    pub(crate) edit: EditRequest,
}

/// One partner edit, by `kind`.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum EditRequest {
    LogMeeting {
        date: Option<String>,
        title: Option<String>,
        #[serde(default)]
        attendees: Vec<String>,
        notes: Option<String>,
        #[serde(default)]
        items: Vec<ItemRequest>,
    },
    AddItem(ItemRequest),
    MarkDone {
        task: Option<String>,
    },
    NextStep {
        action: Option<String>,
        owner: Option<String>,
        due: Option<String>,
    },
    Status {
        status: Option<String>,
    },
    LogContact {
        date: Option<String>,
    },
}

/// An action item in a request.
#[derive(Deserialize)]
pub(crate) struct ItemRequest {
    task: Option<String>,
    owner: Option<String>,
    due: Option<String>,
}

/// `POST /_partnerbook/edit/markdown`.
#[derive(Deserialize)]
pub(crate) struct MarkdownRequest {
    pub(crate) file: String,
    pub(crate) hash: String,
    #[serde(default)]
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
    pub(crate) body: String,
}

/// `POST /_partnerbook/edit/new`.
#[derive(Deserialize)]
pub(crate) struct NewRequest {
    pub(crate) what: String,
    pub(crate) title: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) stage: Option<String>,
    pub(crate) kind: Option<String>,
}

/// `POST /_partnerbook/edit/preview`.
#[derive(Deserialize)]
pub(crate) struct PreviewRequest {
    pub(crate) file: String,
    pub(crate) body: String,
}

/// `POST /_partnerbook/edit/commit`.
#[derive(Deserialize)]
pub(crate) struct CommitRequest {
    pub(crate) file: String,
    pub(crate) message: String,
}

/// A request body as `T`, or a 400 saying what is wrong with it.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| {
        Refusal::invalid(
            format!("the request is not what this address takes: {e}"),
            Some("see the edit API in the README".into()),
        )
    })
}

/// A string that was given: trimmed, `None` when empty or missing.
pub(crate) fn given(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn required(s: &Option<String>, what: &str) -> Result<String, Refusal> {
    given(s).ok_or_else(|| Refusal::invalid(format!("{what} is required"), Some(format!("fill in {what}"))))
}

fn date(s: &Option<String>, what: &str) -> Result<Option<chrono::NaiveDate>, Refusal> {
    given(s)
        .map(|d| {
            crate::load::fields::parse_date(&d).map_err(|e| {
                Refusal::invalid(format!("{what} `{d}` is not a date: {e}"), Some("write it as YYYY-MM-DD".into()))
            })
        })
        .transpose()
}

fn item(i: &ItemRequest) -> Result<NewItem, Refusal> {
    Ok(NewItem { task: required(&i.task, "Task")?, owner: given(&i.owner), due: date(&i.due, "Due")? })
}

impl EditRequest {
    /// The engine's edit.
    /// `today` is the day a Mark done is written as done (`done_on`).
    pub(crate) fn to_edit(&self, today: chrono::NaiveDate) -> Result<PartnerEdit, Refusal> {
        Ok(match self {
            EditRequest::LogMeeting { date: d, title, attendees, notes, items } => {
                let date = date(d, "Date")?.ok_or_else(|| Refusal::invalid("Date is required", None))?;
                let attendees = attendees.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
                // Rows of the form left blank are no items.
                let items = items
                    .iter()
                    .filter(|i| [&i.task, &i.owner, &i.due].iter().any(|v| given(v).is_some()))
                    .map(item)
                    .collect::<Result<_, _>>()?;
                PartnerEdit::LogMeeting(NewMeeting { date, title: given(title), attendees, notes: given(notes), items })
            }
            EditRequest::AddItem(i) => PartnerEdit::AddItem(item(i)?),
            EditRequest::MarkDone { task } => PartnerEdit::MarkDone { task: required(task, "Task")?, on: Some(today) },
            EditRequest::NextStep { action, owner, due } => PartnerEdit::NextStep(NewNextStep {
                action: required(action, "Action")?,
                owner: given(owner),
                due: date(due, "Due")?,
            }),
            EditRequest::Status { status } => {
                let status = required(status, "Status")?;
                if !Status::ALL.iter().any(|s| s.as_str() == status) {
                    let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                    return Err(Refusal::invalid(
                        format!("unknown status `{status}`"),
                        Some(crate::diag::suggestion(&status, &names)),
                    ));
                }
                PartnerEdit::Status(status)
            }
            EditRequest::LogContact { date: d } => {
                PartnerEdit::LogContact(date(d, "Date")?.ok_or_else(|| Refusal::invalid("Date is required", None))?)
            }
        })
    }
}

/// The front matter keys the Markdown form edits.
const FIELDS: &[&str] = &["title", "summary", "stage", "partners", "tags"];
/// What the form may change in a free page's front matter (a page has no stage, partners or tags).
const PAGE_FIELDS: &[&str] = &["title", "summary"];

/// The front matter changes of a Markdown request: a string, a list of
/// strings, or `null` to remove; only the form's keys (fewer for a free `page`).
pub(crate) fn field_changes(
    fields: &serde_json::Map<String, serde_json::Value>,
    page: bool,
) -> Result<Vec<FieldChange>, Refusal> {
    use serde_json::Value;
    let allowed = if page { PAGE_FIELDS } else { FIELDS };
    let mut out = Vec::new();
    for (key, value) in fields {
        if !allowed.contains(&key.as_str()) {
            return Err(Refusal::invalid(
                format!("`{key}` cannot be changed from the form"),
                Some(format!("the form changes {}; edit other keys in the file", allowed.join(", "))),
            ));
        }
        let value = match value {
            Value::Null => FieldValue::Remove,
            Value::String(s) if s.trim().is_empty() && key != "title" => FieldValue::Remove,
            Value::String(s) => FieldValue::Text(s.trim().to_string()),
            Value::Array(items) => FieldValue::List(
                items
                    .iter()
                    .map(|v| v.as_str().map(|s| s.trim().to_string()))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| Refusal::invalid(format!("`{key}` must be a list of strings"), None))?
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            _ => return Err(Refusal::invalid(format!("`{key}` must be a string, a list of strings or null"), None)),
        };
        if key == "title" && !matches!(&value, FieldValue::Text(t) if !t.is_empty()) {
            return Err(Refusal::invalid("Title is required", Some("give the playbook or page a title".into())));
        }
        if let ("stage", FieldValue::Text(s)) = (key.as_str(), &value)
            && !Stage::ALL.iter().any(|v| v.as_str() == s)
        {
            let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
            return Err(Refusal::invalid(format!("unknown stage `{s}`"), Some(crate::diag::suggestion(s, &names))));
        }
        out.push(FieldChange { key: key.clone(), value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        json.as_object().unwrap().clone()
    }

    #[test]
    fn a_page_takes_only_the_fields_a_page_has() {
        let playbook =
            fields(serde_json::json!({"title": "Run it", "stage": "meet", "tags": ["a", " "], "summary": ""}));
        let changes = field_changes(&playbook, false).unwrap();
        assert_eq!(changes.len(), 4);
        assert!(matches!(&changes[1].value, FieldValue::Remove), "an empty summary is removed");
        let Err(refused) = field_changes(&playbook, true) else { panic!("a page has no stage or tags") };
        assert!(refused.message.contains("cannot be changed"), "{}", refused.message);
        assert!(field_changes(&fields(serde_json::json!({"title": "About", "summary": "Us."})), true).is_ok());
        assert!(field_changes(&fields(serde_json::json!({"title": ""})), true).is_err(), "a title is required");
        assert!(field_changes(&fields(serde_json::json!({"stage": "later"})), false).is_err(), "unknown stage");
    }
}
