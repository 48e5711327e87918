//! Task `letter-frequency`: data parallelism with rayon.

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

/// The same counts as [`frequency_sequential`], computed in parallel by rayon.
pub fn frequency(texts: &[&str]) -> HashMap<char, usize> {
    // Write `frequency` here, with rayon (add `use rayon::prelude::*;` at the top):
    // 1. `texts.par_iter()` hands the texts out to rayon's worker threads.
    // 2. Don't share one map between them (they would queue for its lock): let each one
    //    count into a map of its own with
    //    `.fold(HashMap::new, |mut counts, text| { count_letters(text, &mut counts); counts })`.
    // 3. Merge those maps into one with `.reduce(HashMap::new, |a, b| ...)`: add every count
    //    of one map into the other (`*a.entry(letter).or_default() += count`), return it.
    // APIs: https://docs.rs/rayon/1.12/rayon/iter/trait.ParallelIterator.html#method.fold
    //       https://docs.rs/rayon/1.12/rayon/iter/trait.ParallelIterator.html#method.reduce
    todo!("count the letters of `texts` in parallel with rayon")
}

/// Adds the letters of `text` to `counts`, by the rule of [`frequency_sequential`].
fn count_letters(text: &str, counts: &mut HashMap<char, usize>) {
    for letter in text.chars().filter(|c| c.is_alphabetic()) {
        for lower in letter.to_lowercase() {
            *counts.entry(lower).or_default() += 1;
        }
    }
}
