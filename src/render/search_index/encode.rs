//! The compact storage of postings: for one term, in each field, the
//! documents that have it and how much it weighs there, as a string of
//! printable ASCII that needs no escaping in JSON or in a `<script>`.
//!
//! A posting is one number, `(doc - previous doc - 1) * LEVELS + (level - 1)`:
//! the gap from the previous document (documents are in increasing order) and
//! the term's BM25 weight in the field, cut into [`LEVELS`] levels. Numbers are
//! written with a variable number of digits from [`DIGITS`]: zero or more
//! "more follows" digits (base [`MORE`]) and one final digit (base [`LAST`]),
//! so a term in most documents takes about one character per document.
//!
//! `search.js` decodes it (the digits and counts travel in the main file).

/// The digits: printable ASCII but `"`, `&`, `<`, `>` and `\`, which JSON or
/// the script-safe writer would escape. The first [`LAST`] end a number.
pub(super) const DIGITS: &str =
    "!#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
/// How many digits end a number.
pub(super) const LAST: u32 = 45;
/// How many digits say that more follow.
const MORE: u32 = DIGITS.len() as u32 - LAST;
/// How many weight levels a posting has.
pub(super) const LEVELS: u32 = 8;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;

/// The part of a field's weight that depends on its length alone,
/// `k1 (1 - b + b len / avg)` for a field of `len` terms where the field has
/// `avg` terms on average: the same for every term of the field, so worked
/// out once per document (see [`level_in`]).
pub(super) fn length_part(len: u32, avg: f64) -> f64 {
    let norm = if avg > 0.0 { f64::from(len) / avg } else { 1.0 };
    K1 * (1.0 - B + B * norm)
}

/// The level, 1 to [`LEVELS`], of a term found `tf` times in a field whose
/// [`length_part`] is `length_part`: BM25's term weight
/// `tf (k1 + 1) / (tf + k1 (1 - b + b len / avg))`, which lies between 0 and
/// `k1 + 1`, cut into equal steps. The idf is left to the browser, which knows
/// how many documents a term is in from the postings.
pub(super) fn level_in(tf: u32, length_part: f64) -> u32 {
    let tf = f64::from(tf);
    let weight = tf * (K1 + 1.0) / (tf + length_part);
    let steps = weight / (K1 + 1.0) * f64::from(LEVELS);
    // Rounded up into 1..=LEVELS: a term found at all has a level of at least 1.
    (steps.ceil() as u32).clamp(1, LEVELS)
}

/// Appends `n` in the variable-length digits, most significant first.
pub(super) fn push_number(out: &mut String, n: u64) {
    let digits = DIGITS.as_bytes();
    // Most postings are one digit: a term in a document right after its previous one.
    if n < u64::from(LAST) {
        out.push(char::from(digits[n as usize]));
        return;
    }
    let mut buf = [0u8; 16];
    let mut i = buf.len() - 1;
    buf[i] = digits[(n % u64::from(LAST)) as usize];
    let mut high = n / u64::from(LAST);
    while high > 0 {
        i -= 1;
        buf[i] = digits[(u64::from(LAST) + high % u64::from(MORE)) as usize];
        high /= u64::from(MORE);
    }
    out.push_str(std::str::from_utf8(&buf[i..]).expect("the digits are ASCII"));
}

/// Appends the postings of one field: `(document, level)` pairs in increasing document order.
pub(super) fn push_postings(out: &mut String, postings: impl IntoIterator<Item = (u32, u32)>) {
    let mut next = 0u32;
    for (doc, level) in postings {
        debug_assert!(doc >= next && (1..=LEVELS).contains(&level));
        push_number(out, u64::from(doc - next) * u64::from(LEVELS) + u64::from(level - 1));
        next = doc + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level of a term found `tf` times in a field of `len` terms, where the field has `avg` on average.
    fn level(tf: u32, len: u32, avg: f64) -> u32 {
        level_in(tf, length_part(len, avg))
    }

    /// The decoder of `search.js`, in Rust.
    fn decode(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        let mut high = 0u64;
        for c in text.chars() {
            let d = DIGITS.find(c).expect("a digit") as u64;
            if d < u64::from(LAST) {
                out.push(high * u64::from(LAST) + d);
                high = 0;
            } else {
                high = high * u64::from(MORE) + d - u64::from(LAST);
            }
        }
        out
    }

    #[test]
    fn digits_need_no_escape() {
        assert_eq!(DIGITS.len(), 89);
        assert!(DIGITS.bytes().all(|b| b.is_ascii_graphic() && !b"\"&<>\\".contains(&b)));
        let mut sorted: Vec<u8> = DIGITS.bytes().collect();
        sorted.dedup();
        assert_eq!(sorted.len(), DIGITS.len());
    }

    #[test]
    fn numbers_round_trip_in_few_digits() {
        let numbers = [0, 1, 44, 45, 46, 1979, 1980, 87_119, 87_120, 1 << 40];
        let mut text = String::new();
        for n in numbers {
            push_number(&mut text, n);
        }
        assert_eq!(decode(&text), numbers);
        let len = |n| {
            let mut s = String::new();
            push_number(&mut s, n);
            s.len()
        };
        assert_eq!([len(0), len(44), len(45), len(1979), len(1980), len(87_119), len(87_120)], [1, 1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn postings_are_gaps_and_levels() {
        let mut text = String::new();
        push_postings(&mut text, [(0, 1), (1, 8), (5, 3), (1000, 1)]);
        assert_eq!(decode(&text), [0, 7, 3 * 8 + 2, 994 * 8]);
    }

    #[test]
    fn levels_rise_with_frequency_and_fall_with_length() {
        assert_eq!(level(1, 10, 10.0), 4);
        assert!(level(5, 10, 10.0) > level(1, 10, 10.0));
        assert!(level(1, 100, 10.0) < level(1, 10, 10.0));
        assert_eq!(level(1000, 1000, 10.0), LEVELS);
        assert_eq!(level(1, 1_000_000, 10.0), 1);
        assert_eq!(level(1, 0, 0.0), 4);
    }

    #[test]
    fn weights_on_a_step_stay_on_it() {
        // 4 and 8 steps exactly.
        assert_eq!(level_in(1, 1.0), 4);
        assert_eq!(level_in(1, 0.0), LEVELS);
    }
}
