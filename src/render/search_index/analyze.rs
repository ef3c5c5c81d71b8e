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
        Analyzer { pipeline, seen: HashMap::default(), ids: HashMap::new(), terms: Vec::new() }
    }

    /// Calls `each` with the term of every word of `text` that the pipeline
    /// keeps, in order. Each word is folded (`fold`: accents dropped) first.
    pub(super) fn analyze(&mut self, text: &str, mut each: impl FnMut(TermId)) {
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
