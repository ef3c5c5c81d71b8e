//! A YAML text with its tree, and the few changes the engine makes to it, each
//! as a [`Splice`]: replace a scalar, insert a mapping entry or a list item,
//! remove an entry. New text follows the layout the file already uses (its
//! indentation step, lists indented under their key or not, its line ends).

use std::ops::Range;

use super::EditError;
use super::scalar;
use crate::load::yaml::tree::{self, Entry, Node, NodeKind, Style};

/// Bytes `range` of the text become `text`.
#[derive(Debug)]
pub(super) struct Splice {
    /// What is replaced (empty for an insertion).
    pub(super) range: Range<usize>,
    /// The new text.
    pub(super) text: String,
}

/// Applies splices that do not overlap; insertions at one place keep their order.
pub(super) fn apply(text: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| (s.range.start, s.range.end));
    let mut out = String::with_capacity(text.len() + splices.iter().map(|s| s.text.len()).sum::<usize>());
    let mut at = 0;
    for s in splices {
        out.push_str(&text[at..s.range.start]);
        out.push_str(&s.text);
        at = s.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A new value to write.
#[derive(Clone, Debug)]
pub(super) enum Value {
    /// Text: written plain, quoted, or as a `|` block, as it needs.
    Text(String),
    /// Written as given (dates, numbers, `true`), already valid plain YAML.
    Raw(String),
    /// A list of texts written `[a, b]`.
    FlowList(Vec<String>),
    /// A list written one `- ` item per line (in block context).
    List(Vec<Value>),
    /// A mapping, its entries in this order.
    Map(Vec<(&'static str, Value)>),
}

/// The YAML text being edited.
pub(super) struct Doc<'t> {
    /// The text.
    pub(super) text: &'t str,
    /// Its root node; `None` for an empty document.
    pub(super) root: Option<Node>,
    /// The line end it uses.
    eol: &'static str,
    /// Spaces a nested mapping is indented by.
    step: usize,
    /// Spaces a block list's `-` is indented by under its key (0 or more).
    seq_indent: usize,
}

impl<'t> Doc<'t> {
    /// Reads `text`, which uses line ends `eol`.
    pub(super) fn new(text: &'t str, eol: &'static str) -> Result<Self, EditError> {
        let root = tree::parse(text).map_err(|e| {
            EditError::new(format!("the file is not valid YAML ({e})"), "fix it in an editor, then edit it here")
        })?;
        let mut doc = Doc { text, root: None, eol, step: 2, seq_indent: 2 };
        if let Some(root) = &root {
            let (mut steps, mut seqs) = (Vec::new(), Vec::new());
            doc.indents(root, &mut steps, &mut seqs);
            // The most used wins; a file with lists but no nested mapping
            // indents mappings as it indents its lists.
            doc.seq_indent = most_common(&seqs).unwrap_or(2);
            doc.step = most_common(&steps).unwrap_or(if doc.seq_indent > 0 { doc.seq_indent } else { 2 });
        }
        doc.root = root;
        Ok(doc)
    }

    /// The column of byte `pos` (a BOM is not a column).
    fn column(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        let start = if start == 0 && self.text.starts_with('\u{feff}') { 3 } else { start };
        pos.saturating_sub(start)
    }

    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The byte after the line end that follows `pos` (the text's end if none).
    fn after_line(&self, pos: usize) -> usize {
        self.text[pos..].find('\n').map_or(self.text.len(), |i| pos + i + 1)
    }

    /// Where the `-` of a block list item stands.
    fn dash(&self, item: &Node) -> Option<usize> {
        let before = self.text[..item.span.start].trim_end_matches(' ');
        before.ends_with('-').then(|| before.len() - 1)
    }

    /// Collects how far nested mappings (`steps`) and block lists (`seqs`)
    /// are indented under their keys, everywhere in the tree.
    fn indents(&self, node: &Node, steps: &mut Vec<usize>, seqs: &mut Vec<usize>) {
        match &node.kind {
            NodeKind::Mapping { flow: false, entries } => {
                for e in entries {
                    let key_col = self.column(e.key.span.start);
                    match &e.value.kind {
                        NodeKind::Mapping { flow: false, entries: inner } if !inner.is_empty() => {
                            let col = self.column(inner[0].key.span.start);
                            steps.extend(col.checked_sub(key_col).filter(|d| *d > 0));
                        }
                        NodeKind::Sequence { flow: false, items } if !items.is_empty() => {
                            if let Some(dash) = self.dash(&items[0]) {
                                seqs.extend(self.column(dash).checked_sub(key_col));
                            }
                        }
                        _ => {}
                    }
                    self.indents(&e.value, steps, seqs);
                }
            }
            NodeKind::Sequence { flow: false, items } => items.iter().for_each(|i| self.indents(i, steps, seqs)),
            _ => {}
        }
    }

    /// Where an entry's text ends (a value written as nothing ends with its key).
    fn entry_end(entry: &Entry) -> usize {
        entry.key.span.end.max(entry.value.span.end)
    }

    /// Text to insert at `pos` as whole lines (a line end first when `pos`
    /// is the end of a text that does not end with one).
    fn lines_at(&self, pos: usize, lines: String) -> Splice {
        let text = if pos == self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') {
            format!("{}{lines}", self.eol)
        } else {
            lines
        };
        Splice { range: pos..pos, text }
    }

    /// `key: value` as whole lines with the key at column `col`.
    fn entry_lines(&self, key: &str, value: &Value, col: usize) -> String {
        let pad = " ".repeat(col);
        let eol = self.eol;
        match value {
            Value::Text(text) => match scalar::literal_block(text, col + self.step, eol) {
                Some(block) => format!("{pad}{key}: {block}"),
                None => format!("{pad}{key}: {}{eol}", scalar::inline(text, false)),
            },
            Value::Raw(_) | Value::FlowList(_) => format!("{pad}{key}: {}{eol}", self.flow(value)),
            Value::List(items) if items.is_empty() => format!("{pad}{key}: []{eol}"),
            Value::List(items) => {
                let mut out = format!("{pad}{key}:{eol}");
                for item in items {
                    out.push_str(&self.item_lines(item, col + self.seq_indent, 2));
                }
                out
            }
            Value::Map(entries) => {
                let mut out = format!("{pad}{key}:{eol}");
                for (k, v) in entries {
                    out.push_str(&self.entry_lines(k, v, col + self.step));
                }
                out
            }
        }
    }

    /// A block list item as whole lines: `-` at column `dash`, its content `gap` further.
    fn item_lines(&self, value: &Value, dash: usize, gap: usize) -> String {
        let prefix = format!("{}-{}", " ".repeat(dash), " ".repeat(gap.max(1) - 1));
        match value {
            Value::Map(entries) => {
                let mut out = String::new();
                for (k, v) in entries {
                    out.push_str(&self.entry_lines(k, v, dash + gap.max(1)));
                }
                // The first line's indentation becomes the dash.
                format!("{prefix}{}", &out[dash + gap.max(1)..])
            }
            Value::Text(text) if !text.contains('\n') => format!("{prefix}{}{}", scalar::inline(text, false), self.eol),
            other => format!("{prefix}{}{}", self.flow(other), self.eol),
        }
    }

    /// A value in flow style (one line).
    fn flow(&self, value: &Value) -> String {
        match value {
            Value::Text(text) => scalar::inline(text, true),
            Value::Raw(raw) => raw.clone(),
            Value::FlowList(items) => {
                format!("[{}]", items.iter().map(|t| scalar::inline(t, true)).collect::<Vec<_>>().join(", "))
            }
            Value::List(items) => format!("[{}]", items.iter().map(|v| self.flow(v)).collect::<Vec<_>>().join(", ")),
            Value::Map(entries) => {
                let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {}", self.flow(v))).collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    /// Sets `key` of `map` to `value`: replaces a scalar in place, or writes
    /// the entry anew when the value changes shape, or inserts it when missing.
    pub(super) fn set(&self, map: &Node, key: &str, value: &Value) -> Result<Splice, EditError> {
        let Some(entry) = map.entry(key) else { return self.insert_entry(map, key, value) };
        // What is replaced must hold no anchor another value could refer to.
        if entry.value.has_marks() {
            return Err(marked(key));
        }
        let scalar_value = matches!(value, Value::Text(_) | Value::Raw(_));
        match (&entry.value.kind, value) {
            (NodeKind::Scalar { style, .. }, _) if scalar_value && !entry.value.is_empty_null() => {
                let start = if style.is_block() { self.block_header(entry) } else { entry.value.span.start };
                let text = match value {
                    Value::Text(text) => scalar::like(*style, text, entry.value.in_flow),
                    // A quoted date stays quoted.
                    Value::Raw(raw) if !matches!(style, Style::Plain) && !style.is_block() => {
                        scalar::like(*style, raw, entry.value.in_flow)
                    }
                    other => self.flow(other),
                };
                Ok(Splice { range: start..entry.value.span.end, text })
            }
            _ if map_is_flow(map) => {
                let value_text = self.flow(value);
                if entry.value.is_empty_null() {
                    let colon = self.colon_after(&entry.key)?;
                    return Ok(Splice { range: colon + 1..colon + 1, text: format!(" {value_text}") });
                }
                Ok(Splice { range: entry.value.span.clone(), text: value_text })
            }
            (NodeKind::Sequence { flow: false, items }, Value::FlowList(new)) if !new.is_empty() => {
                // A block list stays a block list, at its own indentation.
                let dash = self.dash(&items[0]).ok_or_else(|| not_a(key, "list"))?;
                let start = self.line_start(dash);
                if !self.text[start..dash].trim().is_empty() {
                    return Err(not_a(key, "block list"));
                }
                let (dash_col, gap) = (self.column(dash), items[0].span.start - dash);
                let text: String =
                    new.iter().map(|t| self.item_lines(&Value::Text(t.clone()), dash_col, gap)).collect();
                Ok(Splice { range: start..self.after_line(entry.value.span.end), text })
            }
            _ => {
                // A new shape: the entry's lines are written anew.
                let start = self.own_line(&entry.key, key)?;
                let col = self.column(entry.key.span.start);
                let end = self.after_line(Self::entry_end(entry));
                Ok(Splice { range: start..end, text: self.entry_lines(key, value, col) })
            }
        }
    }

    /// Where a block scalar's header (`|`, `>`) starts: after its key's colon.
    fn block_header(&self, entry: &Entry) -> usize {
        let after = entry.key.span.end;
        let rest = &self.text[after..];
        let colon = rest.find(':').map_or(0, |i| i + 1);
        let spaces = rest[colon..].len() - rest[colon..].trim_start_matches([' ', '\t']).len();
        after + colon + spaces
    }

    fn colon_after(&self, key: &Node) -> Result<usize, EditError> {
        self.text[key.span.end..]
            .find(':')
            .map(|i| key.span.end + i)
            .ok_or_else(|| EditError::new("cannot find the `:` after a key", "edit this file in an editor"))
    }

    /// The start of the line of a key that begins its line; refused otherwise.
    fn own_line(&self, key: &Node, name: &str) -> Result<usize, EditError> {
        let start = self.line_start(key.span.start);
        if self.text[start..key.span.start].trim_start_matches('\u{feff}').trim().is_empty() {
            Ok(start)
        } else {
            Err(EditError::new(
                format!("`{name}` does not start its own line, so it cannot be rewritten in place"),
                "edit this value in an editor",
            ))
        }
    }

    /// Inserts `key: value` at the end of `map` (which lacks `key`).
    pub(super) fn insert_entry(&self, map: &Node, key: &str, value: &Value) -> Result<Splice, EditError> {
        untouched(map, key)?;
        let NodeKind::Mapping { flow, entries } = &map.kind else {
            return Err(not_a(key, "mapping"));
        };
        if *flow {
            let (pos, sep) = match entries.last() {
                Some(last) => (Self::entry_end(last), ", "),
                None => (map.span.start + 1, ""),
            };
            return Ok(Splice { range: pos..pos, text: format!("{sep}{key}: {}", self.flow(value)) });
        }
        let Some(last) = entries.last() else { return Err(not_a(key, "mapping")) };
        let col = self.column(entries[0].key.span.start);
        let pos = self.after_line(Self::entry_end(last));
        Ok(self.lines_at(pos, self.entry_lines(key, value, col)))
    }

    /// Inserts `key: value` into an empty document.
    pub(super) fn insert_root(&self, key: &str, value: &Value) -> Splice {
        self.lines_at(self.text.len(), self.entry_lines(key, value, 0))
    }

    /// Inserts `value` into list `seq` so that it becomes item number `index`.
    pub(super) fn insert_item(&self, seq: &Node, index: usize, value: &Value, what: &str) -> Result<Splice, EditError> {
        untouched(seq, what)?;
        let NodeKind::Sequence { flow, items } = &seq.kind else { return Err(not_a(what, "list")) };
        if *flow {
            let v = self.flow(value);
            return Ok(match (items.is_empty(), index) {
                (true, _) => Splice { range: seq.span.start + 1..seq.span.start + 1, text: v },
                (false, 0) => Splice { range: items[0].span.start..items[0].span.start, text: format!("{v}, ") },
                (false, i) => {
                    let end = items[i.min(items.len()) - 1].span.end;
                    Splice { range: end..end, text: format!(", {v}") }
                }
            });
        }
        let first = &items[0];
        let dash = self.dash(first).ok_or_else(|| {
            EditError::new(format!("cannot find the `-` of the first item of `{what}`"), "edit this list in an editor")
        })?;
        let (dash_col, gap) = (self.column(dash), first.span.start - dash);
        let before = items.get(index).and_then(|item| {
            let d = self.dash(item)?;
            let start = self.line_start(d);
            self.text[start..d].trim().is_empty().then_some(start)
        });
        let pos = before.unwrap_or_else(|| self.after_line(items.last().map_or(seq.span.end, |i| i.span.end)));
        Ok(self.lines_at(pos, self.item_lines(value, dash_col, gap)))
    }

    /// Removes `key` and its value from `map`; nothing when it is missing.
    pub(super) fn remove_entry(&self, map: &Node, key: &str) -> Result<Option<Splice>, EditError> {
        let NodeKind::Mapping { flow, entries } = &map.kind else { return Err(not_a(key, "mapping")) };
        let Some(i) = entries.iter().position(|e| e.key.as_str() == Some(key)) else { return Ok(None) };
        let entry = &entries[i];
        if entry.value.has_marks() {
            return Err(marked(key));
        }
        let range = if *flow {
            match (i, entries.get(i + 1)) {
                (0, Some(next)) => entry.key.span.start..next.key.span.start,
                (0, None) => entry.key.span.start..Self::entry_end(entry),
                _ => Self::entry_end(&entries[i - 1])..Self::entry_end(entry),
            }
        } else {
            self.own_line(&entry.key, key)?..self.after_line(Self::entry_end(entry))
        };
        Ok(Some(Splice { range, text: String::new() }))
    }
}

/// The value seen most often (the first seen among equals).
fn most_common(values: &[usize]) -> Option<usize> {
    let count = |v: usize| values.iter().filter(|&&x| x == v).count();
    values.iter().copied().fold(None, |best, v| match best {
        Some(b) if count(b) >= count(v) => Some(b),
        _ => Some(v),
    })
}

fn map_is_flow(map: &Node) -> bool {
    matches!(map.kind, NodeKind::Mapping { flow: true, .. })
}

/// Refuses a node with an anchor, a tag or an alias: an edit there would
/// change every copy, or nothing of what the reader sees.
pub(super) fn untouched(node: &Node, what: &str) -> Result<(), EditError> {
    if node.marked || matches!(node.kind, NodeKind::Alias) { Err(marked(what)) } else { Ok(()) }
}

fn marked(what: &str) -> EditError {
    EditError::new(
        format!("`{what}` uses a YAML anchor, alias or tag (`&name`, `*name`, `!tag`), which an edit here could break"),
        "edit this file in an editor",
    )
}

/// The value of `what` is not the kind of YAML node the edit needs.
pub(super) fn not_a(what: &str, kind: &str) -> EditError {
    EditError::new(
        format!("`{what}` is not a {kind} in this file"),
        format!("write `{what}` as a {kind}, then edit here"),
    )
}
