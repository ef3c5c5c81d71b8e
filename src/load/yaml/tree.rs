//! A YAML text as a tree of nodes that know where they stand: byte ranges,
//! scalar styles, flow or block layout, anchors and aliases. The edit engine
//! (`crate::edit`) reads it to find the bytes of a value to change and the
//! indentation to insert at; values themselves are read by [`super::parse`].
//! Only this module and its parent name a YAML crate: this one the parser
//! serde-saphyr reads with (granit-parser), for its events with byte offsets.

use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `text`
    Plain,
    /// `'text'`
    SingleQuoted,
    /// `"text"`
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl Style {
    /// A `|` or `>` block, whose text starts on the line after its header.
    pub(crate) fn is_block(self) -> bool {
        matches!(self, Style::Literal | Style::Folded)
    }
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// What it is.
    pub(crate) kind: NodeKind,
    /// Where its text stands. For a block scalar, its content lines up to the
    /// end of the last non-blank one (the header is before it); for a block
    /// collection, its first child up to the end of its last one; for a flow
    /// collection, from `[` or `{` to `]` or `}`.
    pub(crate) span: Range<usize>,
    /// Has an anchor (`&name`) or a tag (`!tag`): an edit must not touch it.
    pub(crate) marked: bool,
    /// Inside a flow collection (so `,` `[` `]` `{` `}` must be quoted).
    pub(crate) in_flow: bool,
}

/// The kinds of node.
#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A scalar; an empty plain one is a null written as nothing (`key:`).
    Scalar {
        /// Its value after escapes are processed.
        value: String,
        /// How it is written.
        style: Style,
    },
    /// A list.
    Sequence {
        /// Written `[a, b]`.
        flow: bool,
        /// Its items.
        items: Vec<Node>,
    },
    /// A mapping.
    Mapping {
        /// Written `{a: b}`.
        flow: bool,
        /// Its entries in the order written.
        entries: Vec<Entry>,
    },
    /// An alias (`*name`): a copy of another node.
    Alias,
}

/// A key and its value.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The key.
    pub(crate) key: Node,
    /// The value.
    pub(crate) value: Node,
}

impl Node {
    /// The scalar text of a key, if it is a scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The entry with key `key`, if this is a mapping that has it.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Mapping { entries, .. } => entries.iter().find(|e| e.key.as_str() == Some(key)),
            _ => None,
        }
    }

    /// A null written as nothing at all (`key:` with no value).
    pub(crate) fn is_empty_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { style: Style::Plain, .. }) && self.span.is_empty()
    }

    /// Whether this node or anything below it has an anchor, a tag or an alias.
    pub(crate) fn has_marks(&self) -> bool {
        self.marked
            || match &self.kind {
                NodeKind::Scalar { .. } => false,
                NodeKind::Alias => true,
                NodeKind::Sequence { items, .. } => items.iter().any(Node::has_marks),
                NodeKind::Mapping { entries, .. } => entries.iter().any(|e| e.key.has_marks() || e.value.has_marks()),
            }
    }
}

/// Reads the first document of `text` into a tree; `None` for an empty
/// document. Offsets are bytes into `text` (a BOM included).
pub(crate) fn parse(text: &str) -> Result<Option<Node>, String> {
    let mut events = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        match event {
            Event::DocumentEnd => break,
            Event::Comment(..) => continue,
            _ => {}
        }
        let range = span.byte_range().ok_or_else(|| "the YAML parser gave no byte offsets".to_string())?;
        events.push((event, range));
    }
    let mut reader = Reader { text, events: events.into_iter().peekable() };
    // Skip the stream and document starts (and comments) up to the root node.
    while let Some((event, _)) = reader.events.peek() {
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {
                reader.events.next();
            }
            _ => break,
        }
    }
    if matches!(reader.events.peek(), None | Some((Event::StreamEnd, _))) {
        return Ok(None);
    }
    reader.node(false).map(Some)
}

/// Walks the parser's events into nodes.
struct Reader<'t, I: Iterator> {
    text: &'t str,
    events: std::iter::Peekable<I>,
}

impl<'t, 'i, I: Iterator<Item = (Event<'i>, Range<usize>)>> Reader<'t, I> {
    fn next(&mut self) -> Result<(Event<'i>, Range<usize>), String> {
        self.events.next().ok_or_else(|| "the YAML ends in the middle of a value".to_string())
    }

    fn node(&mut self, in_flow: bool) -> Result<Node, String> {
        let (event, span) = self.next()?;
        let node = match event {
            Event::Alias(_) | Event::UnresolvedAlias(_) => Node { kind: NodeKind::Alias, span, marked: true, in_flow },
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let span = if style.is_block() { block_end(self.text, span) } else { span };
                let kind = NodeKind::Scalar { value: value.into_owned(), style };
                Node { kind, span, marked: anchor != 0 || tag.is_some(), in_flow }
            }
            Event::SequenceStart(style, anchor, tag) => {
                let flow = style == StructureStyle::Flow;
                let mut items = Vec::new();
                let end = loop {
                    if let Some((Event::SequenceEnd, _)) = self.events.peek() {
                        break self.next()?.1;
                    }
                    items.push(self.node(in_flow || flow)?);
                };
                let span = collection_span(flow, &span, &end, items.last());
                Node { kind: NodeKind::Sequence { flow, items }, span, marked: anchor != 0 || tag.is_some(), in_flow }
            }
            Event::MappingStart(style, anchor, tag) => {
                let flow = style == StructureStyle::Flow;
                let mut entries = Vec::new();
                let end = loop {
                    if let Some((Event::MappingEnd, _)) = self.events.peek() {
                        break self.next()?.1;
                    }
                    let key = self.node(in_flow || flow)?;
                    let value = self.node(in_flow || flow)?;
                    entries.push(Entry { key, value });
                };
                let span = collection_span(flow, &span, &end, entries.last().map(|e| &e.value));
                let kind = NodeKind::Mapping { flow, entries };
                Node { kind, span, marked: anchor != 0 || tag.is_some(), in_flow }
            }
            other => return Err(format!("unexpected YAML event {other:?}")),
        };
        Ok(node)
    }
}

/// A collection's span: a flow one runs from its opening to its closing
/// bracket; a block one from its start to the end of its last child.
fn collection_span(flow: bool, start: &Range<usize>, end: &Range<usize>, last: Option<&Node>) -> Range<usize> {
    if flow { start.start..end.end } else { start.start..last.map_or(start.start, |n| n.span.end.max(start.start)) }
}

/// A block scalar's span ends after its trailing blank lines and the next
/// line's indentation; cut it back to the end of its last non-blank line.
fn block_end(text: &str, span: Range<usize>) -> Range<usize> {
    let body = &text[span.clone()];
    let kept = body.trim_end_matches([' ', '\t', '\r', '\n']).len();
    span.start..span.start + kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text).unwrap().unwrap()
    }

    #[test]
    fn spans_cover_values_as_written() {
        let text = "\u{feff}a: \"x\" # c\r\nb: [1, 'two']\r\nc:\r\n  - d: |\r\n      l1\r\n\r\n  - e\r\nf:\r\n";
        let r = root(text);
        let a = &r.entry("a").unwrap().value;
        assert_eq!(&text[a.span.clone()], "\"x\"");
        let b = &r.entry("b").unwrap().value;
        assert_eq!(&text[b.span.clone()], "[1, 'two']");
        let c = &r.entry("c").unwrap().value;
        // A block list starts at its first `-` or its first item's text.
        assert_eq!(text[c.span.clone()].trim_start_matches("- "), "d: |\r\n      l1\r\n\r\n  - e");
        assert!(r.entry("f").unwrap().value.is_empty_null());
        assert!(!r.has_marks());
    }

    #[test]
    fn anchors_aliases_and_tags_are_marked() {
        for text in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: &l [1]\n"] {
            assert!(root(text).has_marks(), "{text:?}");
        }
    }

    #[test]
    fn empty_documents_have_no_root() {
        assert!(parse("# only a comment\n").unwrap().is_none());
        assert!(parse("a: [\n").is_err());
    }
}
