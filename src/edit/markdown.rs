//! Edits of a playbook or free page: front matter fields changed in place
//! (as partner profiles are), the Markdown body replaced.

use serde_json::Value as Json;

use super::doc::{self, Doc, Splice, Value, not_a, untouched};
use super::{EditError, FieldValue, MarkdownEdit, line_end};
use crate::load::fields::parse_date;
use crate::load::front_matter;
use crate::load::page::PageMeta;
use crate::load::playbook::PlaybookMeta;
use crate::load::yaml;
use crate::source::FileId;

/// The file with the front matter fields changed (same rules as `edit_partner`) and the body replaced.
pub(crate) fn edit_markdown(text: &str, edit: &MarkdownEdit) -> Result<String, EditError> {
    let eol = line_end(text);
    let body = with_line_ends(&edit.body, eol);
    let (yaml_range, new_yaml) = match front_matter::split(text) {
        Some(split) => {
            let yaml = &text[split.yaml.clone()];
            (Some(split.yaml), edit_fields(yaml, eol, edit)?)
        }
        None if edit.fields.iter().all(|f| matches!(f.value, FieldValue::Remove)) => (None, String::new()),
        None => (None, edit_fields("", eol, edit)?),
    };
    let new = match &yaml_range {
        Some(range) => {
            let body_start = front_matter::split(text).map_or(text.len(), |s| s.body.start);
            let closing = &text[range.end..body_start];
            // A closing `---` at the very end of the file gets a line end before a body.
            let sep = if closing.ends_with('\n') || body.is_empty() { "" } else { eol };
            format!("{}{new_yaml}{closing}{sep}{body}", &text[..range.start])
        }
        None if new_yaml.is_empty() => {
            let bom = if text.starts_with('\u{feff}') { "\u{feff}" } else { "" };
            format!("{bom}{body}")
        }
        None => {
            let bom = if text.starts_with('\u{feff}') { "\u{feff}" } else { "" };
            format!("{bom}---{eol}{new_yaml}---{eol}{body}")
        }
    };
    // Read back: the front matter as written, the body as given.
    let has_front_matter = yaml_range.is_some() || !new_yaml.is_empty();
    match front_matter::split(&new) {
        Some(split) if has_front_matter && new[split.yaml.clone()] == new_yaml && new[split.body.clone()] == body => {}
        None if !has_front_matter && new.trim_start_matches('\u{feff}') == body => {}
        _ => {
            return Err(EditError::new(
                "the new text would not keep its front matter and body apart; nothing was changed",
                "a body may not start with a `---` line when the file has no front matter",
            ));
        }
    }
    Ok(new)
}

/// `text` with every line end written as `eol`.
fn with_line_ends(text: &str, eol: &str) -> String {
    let lf = text.replace("\r\n", "\n");
    if eol == "\n" { lf } else { lf.replace('\n', eol) }
}

/// The front matter YAML with the fields changed, checked by reading it back.
fn edit_fields(yaml: &str, eol: &'static str, edit: &MarkdownEdit) -> Result<String, EditError> {
    if edit.fields.is_empty() {
        return Ok(yaml.to_string());
    }
    let old: Json = yaml::parse(FileId(0), yaml, 0).map_err(|d| {
        EditError::new(format!("the front matter does not load: {}", d.message), "fix it in an editor first")
    })?;
    let Json::Object(mut intended) = old else { return Err(not_a("the front matter", "mapping")) };
    let doc = Doc::new(yaml, eol)?;
    let mut splices: Vec<Splice> = Vec::new();
    for change in &edit.fields {
        let key = change.key.as_str();
        if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') || key.is_empty() {
            return Err(EditError::new(format!("`{key}` is not a front matter key"), "use a key of the guide format"));
        }
        match (field_value(key, &change.value)?, &doc.root) {
            (None, None) => {}
            (None, Some(root)) => {
                intended.remove(key);
                splices.extend(doc.remove_entry(root, key)?);
            }
            (Some((written, read)), root) => {
                intended.insert(key.to_string(), read);
                match root {
                    Some(root) => {
                        untouched(root, "the front matter")?;
                        splices.push(doc.set(root, key, &written)?);
                    }
                    None => splices.push(doc.insert_root(key, &written)),
                }
            }
        }
    }
    let new = doc::apply(yaml, splices);
    let got: Json = yaml::parse(FileId(0), &new, 0).map_err(|d| {
        EditError::new(format!("the edited front matter would not load ({})", d.message), "edit the file in an editor")
    })?;
    if got != Json::Object(intended) {
        return Err(EditError::new(
            "the edit would change more than asked in this front matter's layout; nothing was changed",
            "edit the file in an editor",
        ));
    }
    typed_check(yaml, &new)?;
    Ok(new)
}

/// A front matter that loaded as a playbook's (or a page's) must still load so.
fn typed_check(old: &str, new: &str) -> Result<(), EditError> {
    let refuse = |d: crate::diag::Diagnostic| EditError {
        message: format!("the edited front matter would not load: {}", d.message),
        hint: d.hint,
    };
    if yaml::parse::<PlaybookMeta>(FileId(0), old, 0).is_ok() {
        yaml::parse::<PlaybookMeta>(FileId(0), new, 0).map_err(refuse)?;
    } else if yaml::parse::<PageMeta>(FileId(0), old, 0).is_ok() {
        yaml::parse::<PageMeta>(FileId(0), new, 0).map_err(refuse)?;
    }
    Ok(())
}

/// How a field's new value is written, and how YAML reads it back; `None` to remove it.
fn field_value(key: &str, value: &FieldValue) -> Result<Option<(Value, Json)>, EditError> {
    Ok(Some(match value {
        FieldValue::List(items) => {
            let items: Vec<String> = items.iter().map(|i| i.replace("\r\n", "\n")).collect();
            let read = Json::Array(items.iter().cloned().map(Json::String).collect());
            (Value::FlowList(items), read)
        }
        FieldValue::Text(text) => match key {
            "order" => {
                let n: i64 = text.trim().parse().map_err(|_| {
                    EditError::new(format!("`order` must be a whole number, not `{text}`"), "write e.g. 3")
                })?;
                (Value::Raw(n.to_string()), Json::from(n))
            }
            "draft" => {
                let b = match text.trim() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(EditError::new(
                            format!("`draft` must be true or false, not `{text}`"),
                            "write true or false",
                        ));
                    }
                };
                (Value::Raw(b.to_string()), Json::Bool(b))
            }
            "updated" | "reviewed" => {
                let date = parse_date(text).map_err(|e| EditError::new(e, "write the date as YYYY-MM-DD"))?;
                let written = date.format("%Y-%m-%d").to_string();
                (Value::Raw(written.clone()), Json::String(written))
            }
            _ => {
                let text = text.replace("\r\n", "\n");
                (Value::Text(text.clone()), Json::String(text))
            }
        },
        FieldValue::Remove => return Ok(None),
    }))
}
