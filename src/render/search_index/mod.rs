//! The offline search index: a small main file, `search-index.js`, and the
//! postings in shards, `search-index/HASH.js`. `assets/search.js` loads the
//! main file with a `<script>` element on first use, then each shard a query
//! needs the same way (script elements, not `fetch`, so that it also works
//! from `file://`, where `fetch` is refused).
//!
//! The main file sets `window.partnerbookSearch`: what each result shows
//! (kind, title, URL, a snippet source of at most [`SNIPPET_CHARS`] characters
//! and, for partners, the people to call), the field boosts, how postings are
//! written, and the shard table (the first term of each shard, in order, and
//! its file). A shard adds its terms, sorted, with their postings (see
//! `encode`) to `window.partnerbookSearchShards[HASH]`.
//!
//! Four fields are indexed: `title`, `summary`, `headings` and `body`. Words
//! become terms through elasticlunr-rs's English pipeline (`analyze`), as the
//! query does in the browser through `elasticlunr.min.js`'s. Indexed text is
//! folded first (accents dropped by `fold`), and `search.js` folds queries the
//! same way, so `jose` finds `José`. The work is spread over threads (rayon)
//! by contiguous runs of documents. Pure and deterministic: same guide, same
//! bytes. Where its job ends: publishing the files (render's caller adds them
//! to the site) and everything in the browser (`themes/default/static/search.js`).

mod analyze;
mod encode;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use self::analyze::{Analyzer, TermId};
pub(crate) use self::text::push_script_safe;
pub use self::text::{SNIPPET_CHARS, plain_text};
use self::text::{push_plain_text, shorten};
use super::context::{partner_url, playbook_url};
use super::{SEARCH_INDEX, SEARCH_SHARDS};
use crate::link::{Guide, Partner, Playbook};

/// Bumped when the shape of the files changes, so that a stale cached script is noticed.
pub const FORMAT: u32 = 2;

/// Indexed fields, in the order of the fields of a posting list, with their query-time boost.
const FIELDS: [(&str, u32); 4] = [("title", 3), ("summary", 2), ("headings", 2), ("body", 1)];

/// What a result says it is, by the number that a document carries.
const KINDS: [&str; 2] = ["Playbook", "Partner"];

/// A shard is closed once its terms and postings pass this many bytes, so
/// that a query loads a few tens of kilobytes per word.
const SHARD_BYTES: usize = 48 * 1024;

/// The fewest documents per unit of parallel work. Each unit learns the words
/// it meets anew, so units are few: about four per thread.
const CHUNK_DOCS: usize = 64;

/// What one result shows; written as an array `[kind, title, url, text]`,
/// with `people` fifth when there are any.
struct Doc<'a> {
    /// Index into [`KINDS`].
    kind: u8,
    /// Title or partner name.
    title: &'a str,
    /// Page URL, with the base path.
    url: String,
    /// Snippet source: the summary, or the start of the text when there is none.
    text: String,
    /// Partners only: "Name, Role; Name, Role".
    people: String,
}

impl Serialize for Doc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(&self.kind)?;
        seq.serialize_element(self.title)?;
        seq.serialize_element(&self.url)?;
        seq.serialize_element(&self.text)?;
        if !self.people.is_empty() {
            seq.serialize_element(&self.people)?;
        }
        seq.end()
    }
}

/// The data of the main file.
#[derive(Serialize)]
struct Main<'a> {
    /// [`FORMAT`].
    format: u32,
    /// Field names, in posting-list order.
    fields: [&'static str; 4],
    /// Field name -> boost.
    boost: BTreeMap<&'static str, u32>,
    /// The digits of posting numbers (see `encode`).
    digits: &'static str,
    /// How many of the digits end a number.
    last: u32,
    /// How many weight levels a posting has.
    levels: u32,
    /// Result kinds, by number.
    kinds: [&'static str; 2],
    /// `[first term, file]` per shard, in term order; files are relative to the main file.
    shards: Vec<(&'a str, String)>,
    /// What each result shows; postings number documents by their place here.
    docs: &'a [Doc<'a>],
}

/// A term's postings: document number and the term's count in each field.
type Postings = Vec<(u32, [u16; 4])>;

/// A term's postings in one chunk, packed (see [`pack`]): a large guide has
/// millions of postings, and this keeps them at about 3 bytes each instead of 12.
struct Packed {
    /// The chunk's first document.
    first: u32,
    /// The last document packed, to write the next as a gap.
    last: u32,
    bytes: Vec<u8>,
}

/// What one contiguous run of documents gives.
struct Chunk<'a> {
    docs: Vec<Doc<'a>>,
    lengths: Vec<[u32; 4]>,
    /// Local term number -> term.
    terms: Vec<Arc<str>>,
    /// Local term number -> postings (documents numbered in the whole guide).
    postings: Vec<Packed>,
}

/// The files of the search index for `guide`, by site path: the main file
/// ([`SEARCH_INDEX`]) and its shards (below [`SEARCH_SHARDS`]).
pub fn search_index(guide: &Guide) -> BTreeMap<String, String> {
    let started = std::time::Instant::now();
    let items: Vec<Item> = guide
        .playbooks
        .values()
        .map(|p| Item::Playbook(p))
        .chain(guide.partners.values().map(|p| Item::Partner(p)))
        .collect();
    let size = CHUNK_DOCS.max(items.len().div_ceil(4 * rayon::current_num_threads()));
    let chunks: Vec<Chunk> =
        items.par_chunks(size).enumerate().map(|(i, items)| analyze_chunk(guide, i * size, items)).collect();

    // Merge the chunks' terms, in document order, so each posting list stays sorted.
    let mut index: HashMap<Arc<str>, usize> = HashMap::new();
    // Each term's packed postings from every chunk it occurs in, in document order.
    let mut merged: Vec<(Arc<str>, Vec<Packed>)> = Vec::new();
    let mut docs = Vec::with_capacity(items.len());
    let mut lengths = Vec::with_capacity(items.len());
    for chunk in chunks {
        for (term, postings) in chunk.terms.into_iter().zip(chunk.postings) {
            match index.get(&term) {
                Some(&i) => merged[i].1.push(postings),
                None => {
                    index.insert(term.clone(), merged.len());
                    merged.push((term, vec![postings]));
                }
            }
        }
        docs.extend(chunk.docs);
        lengths.extend(chunk.lengths);
    }
    drop(index);
    let t_analyze = started.elapsed();
    // In UTF-16 order: the order in which JavaScript compares strings.
    merged.par_sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));

    let mut avg = [0f64; 4];
    for (f, avg) in avg.iter_mut().enumerate() {
        let total: u64 = lengths.iter().map(|l| u64::from(l[f])).sum();
        *avg = total as f64 / lengths.len().max(1) as f64;
    }
    // Each field's length part of the weight, worked out once per document.
    let length_parts: Vec<[f64; 4]> =
        lengths.iter().map(|l| std::array::from_fn(|f| encode::length_part(l[f], avg[f]))).collect();
    let encoded: Vec<String> = merged
        .par_iter()
        .map_init(Vec::new, |postings, (_, packed)| {
            unpack(packed, postings);
            encode_term(postings, &length_parts)
        })
        .collect();

    // Cut the sorted terms into shards of about SHARD_BYTES.
    let mut cuts = vec![0];
    let mut bytes = 0;
    for (i, ((term, _), postings)) in merged.iter().zip(&encoded).enumerate() {
        if bytes >= SHARD_BYTES {
            cuts.push(i);
            bytes = 0;
        }
        bytes += term.len() + postings.len() + 6;
    }
    cuts.push(merged.len());
    let shards: Vec<(String, String)> =
        cuts.par_windows(2).map(|w| shard_file(&merged[w[0]..w[1]], &encoded[w[0]..w[1]])).collect();

    let firsts = cuts[..cuts.len() - 1].iter().enumerate().map(|(i, &c)| {
        // The first shard starts before any term, so that every term has a shard.
        if i == 0 { "" } else { &*merged[c].0 }
    });
    let main = Main {
        format: FORMAT,
        fields: FIELDS.map(|(f, _)| f),
        boost: FIELDS.into_iter().collect(),
        digits: encode::DIGITS,
        last: encode::LAST,
        levels: encode::LEVELS,
        kinds: KINDS,
        shards: firsts.zip(shards.iter().map(|(name, _)| name.clone())).collect(),
        docs: &docs,
    };
    let json = serde_json::to_string(&main).expect("search data always serializes");
    let mut out = String::with_capacity(json.len() + 40);
    out.push_str("window.partnerbookSearch = ");
    push_script_safe(&mut out, &json);
    out.push_str(";\n");

    let mut files: BTreeMap<String, String> = BTreeMap::new();
    files.insert(SEARCH_INDEX.to_string(), out);
    files.extend(shards);
    if std::env::var_os("PARTNERBOOK_TRACE").is_some() {
        let bytes: usize = files.values().map(String::len).sum();
        eprintln!(
            "trace: search index of {} documents, {} words, {} terms, {} bytes of postings: {} files, {bytes} bytes (main {}) in {:?} (analyze {t_analyze:?})",
            docs.len(),
            lengths.iter().flatten().map(|&n| u64::from(n)).sum::<u64>(),
            merged.len(),
            merged.iter().flat_map(|(_, p)| p).map(|p| p.bytes.len()).sum::<usize>(),
            files.len(),
            files[SEARCH_INDEX].len(),
            started.elapsed()
        );
    }
    files
}

/// A document to index.
#[derive(Clone, Copy)]
enum Item<'a> {
    Playbook(&'a Playbook),
    Partner(&'a Partner),
}

/// Analyzes the documents `items`, which are numbered from `first`.
fn analyze_chunk<'a>(guide: &Guide, first: usize, items: &[Item<'a>]) -> Chunk<'a> {
    let mut analyzer = Analyzer::new();
    // Per term: its counts in the document at hand, and the last document it was seen in (plus one).
    let mut counts: Vec<([u16; 4], u32)> = Vec::new();
    let mut touched: Vec<TermId> = Vec::new();
    let mut postings: Vec<Packed> = Vec::new();
    let first = u32::try_from(first).expect("fewer than 2^32 documents");
    let mut docs = Vec::with_capacity(items.len());
    let mut lengths = Vec::with_capacity(items.len());
    // The fields' texts, one buffer each for the whole chunk.
    let mut fields: [String; 4] = Default::default();
    for (i, item) in items.iter().enumerate() {
        let n = first + u32::try_from(i).expect("fewer than 2^32 documents");
        fields.iter_mut().for_each(String::clear);
        let doc = match *item {
            Item::Playbook(p) => playbook(guide, p, &mut fields),
            Item::Partner(p) => partner(guide, p, &mut fields),
        };
        let mut length = [0u32; 4];
        for (f, text) in fields.iter().enumerate() {
            analyzer.analyze(text, |id| {
                let i = id as usize;
                if i >= counts.len() {
                    counts.resize(i + 1, ([0; 4], 0));
                }
                let (count, seen) = &mut counts[i];
                if *seen != n + 1 {
                    *seen = n + 1;
                    touched.push(id);
                }
                count[f] = count[f].saturating_add(1);
                length[f] += 1;
            });
        }
        postings.resize_with(analyzer.terms.len(), || Packed { first, last: first, bytes: Vec::new() });
        // Each term's list grows by this document alone: the order of the terms does not matter.
        for id in touched.drain(..) {
            pack(&mut postings[id as usize], n, std::mem::take(&mut counts[id as usize].0));
        }
        docs.push(doc);
        lengths.push(length);
    }
    Chunk { docs, lengths, terms: analyzer.terms, postings }
}

/// Adds document `doc` (after the last one packed) with the term's `counts`
/// per field: the gap as a LEB128 number, a byte whose bits tell the fields
/// the term occurs in, then those fields' counts as LEB128 numbers.
fn pack(packed: &mut Packed, doc: u32, counts: [u16; 4]) {
    fn number(out: &mut Vec<u8>, mut n: u32) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    number(&mut packed.bytes, doc - packed.last);
    packed.last = doc;
    let mask = counts.iter().enumerate().filter(|(_, c)| **c > 0).fold(0u8, |m, (f, _)| m | 1 << f);
    packed.bytes.push(mask);
    for c in counts.into_iter().filter(|c| *c > 0) {
        number(&mut packed.bytes, u32::from(c));
    }
}

/// The postings [`pack`] packed into `pieces`, in order, into `out`.
fn unpack(pieces: &[Packed], out: &mut Postings) {
    fn number(bytes: &[u8], at: &mut usize) -> u32 {
        let (mut n, mut shift) = (0u32, 0);
        loop {
            let b = bytes[*at];
            *at += 1;
            n |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return n;
            }
            shift += 7;
        }
    }
    out.clear();
    for piece in pieces {
        let (bytes, mut at, mut doc) = (&piece.bytes, 0, piece.first);
        while at < bytes.len() {
            doc += number(bytes, &mut at);
            let mask = bytes[at];
            at += 1;
            let mut counts = [0u16; 4];
            for (f, c) in counts.iter_mut().enumerate() {
                if mask & 1 << f != 0 {
                    *c = u16::try_from(number(bytes, &mut at)).unwrap_or(u16::MAX);
                }
            }
            out.push((doc, counts));
        }
    }
}

/// A term's postings for the four fields, separated by spaces (trailing empty
/// fields left out). `length_parts` are each document's fields' [`encode::length_part`].
fn encode_term(postings: &Postings, length_parts: &[[f64; 4]]) -> String {
    let mut out = String::new();
    for f in 0..4 {
        if f > 0 {
            out.push(' ');
        }
        encode::push_postings(
            &mut out,
            postings
                .iter()
                .filter(|(_, tf)| tf[f] > 0)
                .map(|&(doc, tf)| (doc, encode::level_in(u32::from(tf[f]), length_parts[doc as usize][f]))),
        );
    }
    let end = out.trim_end_matches(' ').len();
    out.truncate(end);
    out
}

/// The site path and text of a shard holding `terms` with their encoded postings.
fn shard_file<T>(terms: &[(Arc<str>, T)], encoded: &[String]) -> (String, String) {
    let mut json = String::from("[");
    for (i, ((term, _), postings)) in terms.iter().zip(encoded).enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(&**term).expect("a string serializes"));
        json.push_str(",\"");
        json.push_str(postings);
        json.push('"');
    }
    json.push(']');
    let mut data = String::with_capacity(json.len() + 16);
    push_script_safe(&mut data, &json);
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(data.as_bytes()));
    let text =
        format!("(window.partnerbookSearchShards = window.partnerbookSearchShards || {{}})[\"{hash}\"] = {data};\n");
    (format!("{SEARCH_SHARDS}{hash}.js"), text)
}

/// The shown document of a playbook, with its indexed fields' texts put in `fields`.
fn playbook<'a>(guide: &Guide, p: &'a Playbook, fields: &mut [String; 4]) -> Doc<'a> {
    let [title, summary, headings, body] = fields;
    title.push_str(&p.title);
    summary.push_str(p.summary.as_deref().unwrap_or_default());
    join_lines(headings, p.body.toc.iter().map(|t| t.text.as_str()).chain(p.tags.iter().map(String::as_str)));
    push_plain_text(&p.body.html, body);
    let text = shorten(if summary.trim().is_empty() { body } else { summary });
    Doc { kind: 0, title: &p.title, url: playbook_url(&guide.settings.base_path, &p.slug), text, people: String::new() }
}

/// The shown document of a partner, with its indexed fields' texts put in `fields`.
fn partner<'a>(guide: &Guide, p: &'a Partner, fields: &mut [String; 4]) -> Doc<'a> {
    let profile = &*p.profile;
    let [title, summary, headings, body] = fields;
    title.push_str(&profile.name);
    summary.push_str(profile.summary.as_deref().unwrap_or_default());
    let people: Vec<String> = profile
        .contacts
        .iter()
        .map(|c| match c.role.as_deref() {
            Some(role) if !role.trim().is_empty() => format!("{}, {}", c.name, role),
            _ => c.name.clone(),
        })
        .collect();
    join_lines(headings, people.iter().map(String::as_str).chain(profile.tags.iter().map(String::as_str)));
    join_lines(
        body,
        profile.offers.iter().chain(&profile.library_offers).map(String::as_str).chain(profile.mission.as_deref()),
    );
    let text = shorten(if summary.trim().is_empty() { body } else { summary });
    Doc {
        kind: 1,
        title: &profile.name,
        url: partner_url(&guide.settings.base_path, &p.slug),
        text,
        people: shorten(&people.join("; ")),
    }
}

/// Appends `lines` to `out`, separated by line breaks.
fn join_lines<'s>(out: &mut String, lines: impl Iterator<Item = &'s str>) {
    for (i, line) in lines.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests;
