//! Task `letter-frequency`: data parallelism with rayon.
//!
//! Each of rayon's worker threads counts into a map of its own (`fold`), and the maps are
//! merged pairwise at the end (`reduce`). No map is shared, so no lock is taken while
//! counting: the threads never wait for each other until the merge.

use std::collections::HashMap;

use rayon::prelude::*;

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

/// The same counts as [`frequency_sequential`], computed in parallel by rayon.
pub fn frequency(texts: &[&str]) -> HashMap<char, usize> {
    texts
        .par_iter()
        // Each rayon task folds the texts it is handed into a map of its own...
        .fold(HashMap::new, |mut counts, text| {
            count_letters(text, &mut counts);
            counts
        })
        // ...and the partial maps are merged in pairs until one is left.
        .reduce(HashMap::new, merge)
}

/// Adds the letters of `text` to `counts`, by the rule of [`frequency_sequential`].
fn count_letters(text: &str, counts: &mut HashMap<char, usize>) {
    for letter in text.chars().filter(|c| c.is_alphabetic()) {
        for lower in letter.to_lowercase() {
            *counts.entry(lower).or_default() += 1;
        }
    }
}

/// Adds the counts of one map to the other and returns the sum. It iterates over the
/// smaller map and inserts into the larger one, which is the cheaper direction.
fn merge(a: HashMap<char, usize>, b: HashMap<char, usize>) -> HashMap<char, usize> {
    let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (letter, count) in small {
        *large.entry(letter).or_default() += count;
    }
    large
}
