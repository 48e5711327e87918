//! Task `letter-frequency`: `frequency` counts letters in parallel with rayon, by the same
//! rule as `frequency_sequential`.

use std::collections::HashMap;
use std::panic;

use threads_exercise::{frequency, frequency_sequential};

use crate::support::panic_message;
use crate::workload::corpus;

/// A map from `(letter, count)` pairs.
fn counts(pairs: &[(char, usize)]) -> HashMap<char, usize> {
    pairs.iter().copied().collect()
}

/// `frequency(texts)`; a panic becomes a failure that says which call panicked.
fn frequency_or_explain(texts: &[&str]) -> HashMap<char, usize> {
    panic::catch_unwind(|| frequency(texts)).unwrap_or_else(|payload| {
        panic!(
            "frequency of {} texts panicked: {:?}. Every input must work, including no \
             texts at all (a chunk size of 0 makes `par_chunks` panic)",
            texts.len(),
            panic_message(&*payload).unwrap_or("no message")
        )
    })
}

#[test]
fn empty_input_has_no_letters() {
    assert_eq!(frequency_or_explain(&[]), HashMap::new(), "no texts");
    assert_eq!(
        frequency_or_explain(&["", ""]),
        HashMap::new(),
        "empty texts"
    );
    assert_eq!(frequency_or_explain(&["", "a", ""]), counts(&[('a', 1)]));
}

#[test]
fn case_is_folded() {
    assert_eq!(
        frequency(&["Hello", "HELLO", "hello"]),
        counts(&[('h', 3), ('e', 3), ('l', 6), ('o', 3)]),
        "upper and lower case count as the same letter (lowercase each one)"
    );
}

#[test]
fn non_letters_are_ignored() {
    assert_eq!(
        frequency(&["a1 b2, c3!", "4 + 5 = 9\t\n_—🦀"]),
        counts(&[('a', 1), ('b', 1), ('c', 1)]),
        "only chars for which `char::is_alphabetic` is true are counted"
    );
}

#[test]
fn unicode_letters_are_counted() {
    assert_eq!(
        frequency(&["Straße"]),
        counts(&[('s', 1), ('t', 1), ('r', 1), ('a', 1), ('ß', 1), ('e', 1)]),
        "ß is a letter"
    );
    assert_eq!(
        frequency(&["ΣΊΣΥΦΟΣ"]),
        counts(&[('σ', 3), ('ί', 1), ('υ', 1), ('φ', 1), ('ο', 1)]),
        "each letter is lowercased on its own with `char::to_lowercase`, so every Σ becomes \
         σ (`str::to_lowercase` would turn the last one into the final form ς)"
    );
    assert_eq!(
        frequency(&["İ"]),
        counts(&[('i', 1), ('\u{307}', 1)]),
        "İ lowercases to two chars, i and U+0307 (combining dot above): count each"
    );
    assert_eq!(
        frequency(&["東京"]),
        counts(&[('東', 1), ('京', 1)]),
        "letters without case count as they are"
    );
}

#[test]
fn counts_add_up_over_many_texts() {
    let texts: Vec<&str> = (0..1_000)
        .map(|i| if i % 2 == 0 { "Rust" } else { "rUST!" })
        .collect();
    assert_eq!(
        frequency(&texts),
        counts(&[('r', 1_000), ('u', 1_000), ('s', 1_000), ('t', 1_000)]),
        "the counts of all the texts add up: rayon counts the texts in several pieces, \
         each into a map of its own, and merging two maps must add each letter's counts \
         (`*a.entry(letter).or_default() += count`), not keep one of them"
    );
}

#[test]
fn matches_sequential_on_a_large_corpus() {
    let corpus = corpus(2_000, 40);
    let texts: Vec<&str> = corpus.iter().map(String::as_str).collect();
    assert_eq!(
        frequency(&texts),
        frequency_sequential(&texts),
        "frequency must count exactly what frequency_sequential counts"
    );
}
