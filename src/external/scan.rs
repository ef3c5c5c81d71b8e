//! Finds the `http(s)` addresses written in the guide's playbooks, pages and
//! partner profiles, with where each is written. The files are read as text
//! rather than as Markdown or YAML so that every place an address can sit is
//! covered alike: a Markdown link or autolink, a partner's `website`, a
//! contact's page, notes inside a profile. Code in a playbook's or a page's
//! Markdown body (a `curl` example, an address written to be typed) is not a
//! link and is left out.

use std::ops::Range;

use crate::load::Sources;
use crate::source::FileId;

/// One address as written in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExternalLink {
    /// The address.
    pub url: String,
    /// The file it is written in.
    pub file: FileId,
    /// Its bytes in the file.
    pub bytes: Range<usize>,
}

/// Every address in the guide's playbooks, partner profiles and pages, in file order.
pub(crate) fn links(sources: &Sources) -> Vec<ExternalLink> {
    // Each file with the byte range of its Markdown body, if it has one.
    let files = sources
        .playbooks
        .iter()
        .map(|p| (p.file, Some(p.body.clone())))
        .chain(sources.partners.iter().map(|p| (p.file, None)))
        .chain(sources.pages.iter().map(|p| (p.file, Some(p.body.clone()))));
    let mut out = Vec::new();
    for (file, body) in files {
        let text = sources.files.get(file).text.as_str();
        let code = body.map(|b| code_ranges(text, b)).unwrap_or_default();
        for bytes in addresses(text) {
            if code.iter().any(|c| c.start <= bytes.start && bytes.end <= c.end) {
                continue;
            }
            out.push(ExternalLink { url: text[bytes.clone()].to_string(), file, bytes });
        }
    }
    out
}

/// The byte ranges (in the whole `text`) of the code spans and code blocks of
/// the Markdown body at `body`.
fn code_ranges(text: &str, body: Range<usize>) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let Some(markdown) = text.get(body.clone()) else { return Vec::new() };
    let mut out = Vec::new();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        // A block's start event carries the whole block's range.
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            out.push(body.start + range.start..body.start + range.end);
        }
    }
    out
}

/// The byte ranges of the `http://` and `https://` addresses in `text`. An
/// address ends at white space, a quote or a bracket that cannot be part of
/// it here (`)`, `>`, `]`, `<`, `` ` ``), and loses trailing sentence
/// punctuation (`.`, `,`, `;`, `:`, `!`, `?`), as autolinks do.
pub(crate) fn addresses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("http") {
        let start = from + found;
        let rest = &text[start..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            from = start + 4;
            continue;
        };
        // Part of a longer word (`xhttp://`) is not an address.
        let glued = text[..start].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | ']' | '<' | '`'))
            .unwrap_or(rest.len());
        let trimmed = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']).len();
        if !glued && trimmed > scheme {
            out.push(start..start + trimmed);
        }
        from = start + len.max(scheme);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::addresses;

    fn found(text: &str) -> Vec<&str> {
        addresses(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn addresses_in_markdown_and_yaml() {
        assert_eq!(
            found("See [the desk](https://a.example/x?y=1#top \"Desk\") and <http://b.example/>."),
            ["https://a.example/x?y=1#top", "http://b.example/"]
        );
        assert_eq!(
            found("website: https://c.example/p\nurl: 'https://d.example'\n"),
            ["https://c.example/p", "https://d.example"]
        );
        assert_eq!(found("Ends a sentence: https://e.example/a. Next"), ["https://e.example/a"]);
    }

    #[test]
    fn code_in_a_body_is_not_a_link() {
        let text = "---\ntitle: T\n---\nSee <https://a.example/> and `https://b.example/`.\n\n```sh\ncurl https://c.example/\n```\n";
        let code = super::code_ranges(text, text.find("See").unwrap()..text.len());
        let kept: Vec<&str> = addresses(text)
            .into_iter()
            .filter(|r| !code.iter().any(|c| c.start <= r.start && r.end <= c.end))
            .map(|r| &text[r])
            .collect();
        assert_eq!(kept, ["https://a.example/"]);
    }

    #[test]
    fn not_addresses() {
        assert!(found("http https:// xhttp://a.example ftp://f.example mailto:a@b.example").is_empty());
    }
}
