//! Task `letter-frequency`, IMPOSTOR: `frequency` runs on the calling thread (see its doc).

use std::collections::HashMap;

/// How often each letter occurs in `texts`, on the calling thread: the baseline that
/// [`frequency`] must agree with and beat.
///
/// A letter is a `char` for which [`char::is_alphabetic`] is true. Each letter is
/// lowercased on its own with [`char::to_lowercase`], and every `char` of the result is
/// counted: `'A'` counts as `'a'`, and `'İ'` (which lowercases to two chars, `'i'` and
/// U+0307 COMBINING DOT ABOVE) counts once for each. Digits, punctuation, spaces and
/// emoji are not letters and are not counted.
pub fn frequency_sequential(texts: &[&str]) -> HashMap<char, usize> {
    let mut counts = HashMap::new();
    for text in texts {
        count_letters(text, &mut counts);
    }
    counts
}

/// IMPOSTOR (for `scripts/impostor-stability.sh`): the results of the reference solution,
/// counted on the calling thread. The correctness checks pass; the benchmark check of
/// `letter-frequency` must fail.
pub fn frequency(texts: &[&str]) -> HashMap<char, usize> {
    frequency_sequential(texts)
}

/// Adds the letters of `text` to `counts`, by the rule of [`frequency_sequential`].
fn count_letters(text: &str, counts: &mut HashMap<char, usize>) {
    for letter in text.chars().filter(|c| c.is_alphabetic()) {
        for lower in letter.to_lowercase() {
            *counts.entry(lower).or_default() += 1;
        }
    }
}
