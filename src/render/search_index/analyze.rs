//! Words to index terms. The language processing is elasticlunr-rs's English
//! pipeline (`trimmer`, `stopWordFilter`, `stemmer`), run on the words that its
//! tokenizer makes; `search.js` runs the vendored `elasticlunr.min.js` pipeline
//! on the query, so both sides make the same terms. One exception to the stop
//! words, made the same way on both sides: a word written in capitals (two
//! letters or more, such as "IT" in "Campus IT") is kept.
//!
//! Where its job ends: which field a term is in and how often (the caller
//! counts), and how terms are stored (`encode`).

use std::collections::HashMap;
use std::sync::Arc;

use elasticlunr::Pipeline;
use rustc_hash::FxBuildHasher;

use super::text::fold;
use elasticlunr::lang::{English, Language};

/// A term number, local to one [`Analyzer`].
pub(super) type TermId = u32;

/// Turns text into term numbers, remembering what each word became: a guide
/// repeats its words, so the pipeline runs once per distinct word, and a word
/// seen before costs one hash lookup.
pub(super) struct Analyzer {
    pipeline: Pipeline,
    /// Word as written -> its term, or `None` when the pipeline drops it.
    seen: HashMap<Box<str>, Option<TermId>, FxBuildHasher>,
    /// Term -> its number.
    ids: HashMap<Arc<str>, TermId>,
    /// Number -> term.
    pub(super) terms: Vec<Arc<str>>,
    /// The masks of the text at hand, kept for their memory.
    masks: Masks,
}

/// Where the stop-word filter sits in elasticlunr-rs's English pipeline.
const STOP_WORD_FILTER: &str = "stopWordFilter";

impl Analyzer {
    pub(super) fn new() -> Self {
        let pipeline = English::new().make_pipeline();
        debug_assert_eq!(
            pipeline.queue.iter().map(|f| f.name()).collect::<Vec<_>>(),
            ["trimmer", STOP_WORD_FILTER, "stemmer"]
        );
        Analyzer {
            pipeline,
            seen: HashMap::default(),
            ids: HashMap::new(),
            terms: Vec::new(),
            masks: Masks::default(),
        }
    }

    /// Calls `each` with the term of every word of `text` that the pipeline
    /// keeps, in order. Each word is folded (`fold`: accents dropped) first.
    pub(super) fn analyze(&mut self, text: &str, each: impl FnMut(TermId)) {
        if text.is_ascii() { self.analyze_ascii(text, each) } else { self.analyze_any(text, each) }
    }

    /// [`Analyzer::analyze`] for any text, word by word.
    fn analyze_any(&mut self, text: &str, mut each: impl FnMut(TermId)) {
        for word in words(text) {
            if let Some(id) = self.seen_term(word) {
                each(id);
            }
        }
    }

    /// The term of `word`, learnt on first sight.
    fn seen_term(&mut self, word: &str) -> Option<TermId> {
        if let Some(&id) = self.seen.get(word) {
            return id;
        }
        let id = self.term(word);
        self.seen.insert(word.into(), id);
        id
    }

    /// [`Analyzer::analyze`] for ASCII text, the hot loop of the index: most
    /// text is ASCII. Words are split as [`words`] splits them, then trimmed
    /// as the pipeline's trimmer trims them before the lookup, so that `word`,
    /// `word,` and `(word` are one key (the same term: for ASCII, folding and
    /// lower-casing neither make nor remove the characters it trims). A word
    /// too long to index is skipped, as `term` drops it. Word edges are found
    /// in bit masks of the text (see [`Masks`]) rather than byte by byte.
    fn analyze_ascii(&mut self, text: &str, mut each: impl FnMut(TermId)) {
        let bytes = text.as_bytes();
        let mut masks = std::mem::take(&mut self.masks);
        masks.fill(bytes);
        let mut at = 0;
        loop {
            let start = masks.next_word_byte(at);
            if start >= bytes.len() {
                break;
            }
            let end = masks.next_separator(start).min(bytes.len());
            at = end;
            if end - start > MAX_WORD_BYTES {
                continue;
            }
            let s = masks.next_kept(start);
            if s >= end {
                continue;
            }
            let e = masks.last_kept_before(end) + 1;
            if let Some(id) = self.seen_term(&text[s..e]) {
                each(id);
            }
        }
        self.masks = masks;
    }

    /// The term of a word as written: folded, lower-cased as the tokenizer
    /// does, then through the pipeline; the stop-word filter is skipped for a
    /// word in capitals. (Folding word by word is folding the text: folding
    /// neither makes nor removes white space or hyphens.)
    fn term(&mut self, word: &str) -> Option<TermId> {
        // A pasted blob or a line of markup without spaces is not a word anyone searches for.
        if word.len() > MAX_WORD_BYTES {
            return None;
        }
        let word = &*fold(word);
        let lower = word.to_lowercase();
        let term = process(&self.pipeline, lower.clone(), true)
            .or_else(|| shouted(word).then(|| process(&self.pipeline, lower, false)).flatten())?;
        if let Some(&id) = self.ids.get(term.as_str()) {
            return Some(id);
        }
        let id = TermId::try_from(self.terms.len()).expect("fewer than 2^32 terms");
        let term: Arc<str> = term.into();
        self.ids.insert(term.clone(), id);
        self.terms.push(term);
        Some(id)
    }
}

/// The longest word indexed, in bytes: well above any word, since a sentence
/// of a language written without spaces is one word to the tokenizer.
pub(super) const MAX_WORD_BYTES: usize = 1024;

/// The words of `text`, split as elasticlunr's tokenizer splits them (at
/// white space and hyphens), before it lower-cases them: the case is needed
/// to see a word written in capitals.
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty())
}

/// The ASCII bytes [`words`] splits at: white space and `-`.
const SEPARATOR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_whitespace() || b == b'-' as usize || b == 0x0b;
        b += 1;
    }
    t
};

/// The ASCII bytes the pipeline's trimmer keeps at the edges of a word (see [`is_word_char`]).
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// Two bits per byte of an ASCII text, 64 bytes to a number: whether the
/// byte is a [`SEPARATOR`], and whether it is a [`WORD`] byte (one the trimmer
/// keeps). A word's edges are then the next bit set or clear, found a number at
/// a time, with no branch per byte. Each mask ends with a number past the text
/// that stops every search: in `separator`, bit 0 set and bit 1 clear; in
/// `kept`, all set. The bits for bytes past the text, before it, are separators.
#[derive(Default)]
struct Masks {
    separator: Vec<u64>,
    kept: Vec<u64>,
}

impl Masks {
    /// The masks of `bytes`, which are all ASCII.
    fn fill(&mut self, bytes: &[u8]) {
        /// 1 in each byte, and the high bit of each byte.
        const ONES: u64 = u64::from_le_bytes([1; 8]);
        const HIGH: u64 = ONES << 7;
        /// The high bit of each byte of `x` (all ASCII) that is in `lo..hi` (`hi` <= 128):
        /// with the high bits set first, no subtraction borrows from the next byte.
        fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
            let y = x | HIGH;
            y.wrapping_sub(ONES * u64::from(lo)) & !y.wrapping_sub(ONES * u64::from(hi)) & HIGH
        }
        /// The high bits of the eight bytes of `h` as eight bits, byte i to bit i.
        fn gather(h: u64) -> u64 {
            (h >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
        }
        debug_assert!(bytes.is_ascii());
        self.separator.clear();
        self.kept.clear();
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            let (mut separator, mut kept) = (0, 0);
            for (i, eight) in block.chunks_exact(8).enumerate() {
                let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
                let s = in_range(x, 9, 14) | in_range(x, b' ', b' ' + 1) | in_range(x, b'-', b'-' + 1);
                let k = in_range(x | (ONES * 0x20), b'a', b'z' + 1)
                    | in_range(x, b'0', b'9' + 1)
                    | in_range(x, b'_', b'_' + 1);
                separator |= gather(s) << (8 * i);
                kept |= gather(k) << (8 * i);
            }
            self.separator.push(separator);
            self.kept.push(kept);
        }
        let (mut separator, mut kept) = (!0u64, 0u64);
        for (i, &b) in blocks.remainder().iter().enumerate() {
            separator &= !(u64::from(!SEPARATOR[b as usize]) << i);
            kept |= u64::from(WORD[b as usize]) << i;
        }
        self.separator.extend([separator, 0b01]);
        self.kept.extend([kept, !0]);
    }

    /// The first byte at or after `from` that is not a separator (past the text if none).
    fn next_word_byte(&self, from: usize) -> usize {
        next_set(&self.separator, from, !0)
    }

    /// The first separator at or after `from` (past the text if none).
    fn next_separator(&self, from: usize) -> usize {
        next_set(&self.separator, from, 0)
    }

    /// The first kept byte at or after `from` (past the text if none).
    fn next_kept(&self, from: usize) -> usize {
        next_set(&self.kept, from, 0)
    }

    /// The last kept byte before `to`; there must be one.
    fn last_kept_before(&self, to: usize) -> usize {
        let mut i = (to - 1) / 64;
        let mut bits = self.kept[i] << (63 - (to - 1) % 64);
        if bits != 0 {
            return to - 1 - bits.leading_zeros() as usize;
        }
        loop {
            i -= 1;
            bits = self.kept[i];
            if bits != 0 {
                return i * 64 + 63 - bits.leading_zeros() as usize;
            }
        }
    }
}

/// The first bit at or after `from` that is set in `mask` flipped by `flip`;
/// the mask's last number has one, so the search always ends.
fn next_set(mask: &[u64], from: usize, flip: u64) -> usize {
    let mut i = from / 64;
    let bits = (mask[i] ^ flip) >> (from % 64);
    if bits != 0 {
        return from + bits.trailing_zeros() as usize;
    }
    loop {
        i += 1;
        let bits = mask[i] ^ flip;
        if bits != 0 {
            return i * 64 + bits.trailing_zeros() as usize;
        }
    }
}

/// Whether the pipeline's trimmer keeps `c` at the edge of a word (ASCII letters, digits, `_`).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `word`, trimmed as the pipeline's trimmer trims it, is two or more
/// capital ASCII letters. `search.js` has the same rule (`/^[A-Z]{2,}$/`).
pub(super) fn shouted(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !is_word_char(c));
    core.len() >= 2 && core.bytes().all(|b| b.is_ascii_uppercase())
}

/// Runs the pipeline on one lower-case word, with or without the stop-word
/// filter. An empty word is dropped, as `elasticlunr.min.js` drops it.
fn process(pipeline: &Pipeline, word: String, stop_words: bool) -> Option<String> {
    let mut token = Some(word);
    for f in &pipeline.queue {
        if !stop_words && f.name() == STOP_WORD_FILTER {
            continue;
        }
        token = f.filter(token?).filter(|t| !t.is_empty());
    }
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut a = Analyzer::new();
        let mut out = Vec::new();
        a.analyze(text, |id| out.push(id));
        out.into_iter().map(|id| a.terms[id as usize].to_string()).collect()
    }

    #[test]
    fn words_split_like_the_library_tokenizer() {
        let texts = [
            "Run the first-meeting\tagenda\u{a0}now —  Zoë's  IT-desk\n",
            "--a\u{b}b\u{c}c\rd\u{1c}e\u{85}f\u{2028}g\u{3000}h\u{200b}i\u{feff}j--",
            "",
            "  - ",
            "研究 straße",
        ];
        for text in texts {
            let ours: Vec<String> = words(text).map(str::to_lowercase).collect();
            assert_eq!(ours, English::new().tokenize(text), "{text:?}");
        }
        for b in 0u8..=255 {
            let c = char::from(b);
            assert_eq!(SEPARATOR[b as usize], b.is_ascii() && (c.is_whitespace() || c == '-'), "{b}");
            assert_eq!(WORD[b as usize], b.is_ascii() && is_word_char(c), "{b}");
        }
    }

    #[test]
    fn the_ascii_path_makes_the_terms_of_the_general_one() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let long = format!("{} {}. x", "y".repeat(MAX_WORD_BYTES), "z".repeat(MAX_WORD_BYTES + 1));
        // Texts of every length from 0 to 300 bytes, of words, punctuation and
        // separators from a fixed pseudo-random sequence: words cross the masks'
        // 64-byte blocks and texts end at every place in a block.
        let pieces =
            ["a", "Bb", "IT", "the", "meeting", "-", " ", "\t", "\u{b}", "(", ")", ".", "_", "9", "\u{1c}", "@[`{"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut random = String::new();
        let mut generated = Vec::new();
        while random.len() < 300 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            random.push_str(pieces[(state % pieces.len() as u64) as usize]);
            generated.push(random.clone());
        }
        let fixed = [
            "The partnerships, (meeting) and MEETINGS! Campus IT's (IT) it-desk... _x_ |",
            "fifteen-bytes!! sixteen-bytes!!! a\tb\u{b}c\u{c}d\re\u{1c}f",
            &ascii,
            &long,
            "end at the edge: fifteen",
        ];
        for text in fixed.into_iter().chain(generated.iter().map(String::as_str)) {
            let (mut fast, mut general) = (Analyzer::new(), Analyzer::new());
            let (mut a, mut b) = (Vec::new(), Vec::new());
            fast.analyze_ascii(text, |id| a.push(id));
            general.analyze_any(text, |id| b.push(id));
            let a: Vec<&str> = a.iter().map(|id| &*fast.terms[*id as usize]).collect();
            let b: Vec<&str> = b.iter().map(|id| &*general.terms[*id as usize]).collect();
            assert_eq!(a, b, "{text:?}");
        }
    }

    #[test]
    fn the_english_pipeline_trims_drops_stop_words_and_stems() {
        assert_eq!(terms("The partnerships, (meeting) and MEETINGS!"), ["partnership", "meet", "meet"]);
        assert_eq!(terms("'' -- ... a"), Vec::<String>::new());
        assert_eq!(terms("José Núñez—Zoë façade"), ["jose", "nunez—zo", "facad"], "accents folded");
    }

    #[test]
    fn stop_words_in_capitals_are_kept() {
        assert_eq!(terms("Campus IT"), ["campu", "it"]);
        assert_eq!(terms("it It I A US (IT)"), ["us", "it"]);
        for (word, want) in [("IT", true), ("(IT)", true), ("It", false), ("I", false), ("IT2", false), ("É", false)] {
            assert_eq!(shouted(word), want, "{word}");
        }
    }

    #[test]
    fn the_same_word_is_one_term() {
        let mut a = Analyzer::new();
        let mut ids = Vec::new();
        a.analyze("meeting Meetings meet", |id| ids.push(id));
        assert_eq!(ids, [0, 0, 0]);
        assert_eq!(a.terms.len(), 1);
        assert_eq!(terms(&"Interdepartmental ".repeat(3)), ["interdepartment"; 3]);
    }
}
