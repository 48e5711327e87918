//! Deterministic inputs shared by the checks and by `benches/speedup.rs` (which includes
//! this file with `#[path]`): a CPU-bound function to sum, and a generated corpus of texts.

/// CPU-bound work for one item: four rounds of the splitmix64 finaliser. The compiler
/// cannot fold it into a closed form, and its results are large, so sums of them overflow
/// (`parallel_sum` must wrap, like `sequential_sum`).
pub fn mix(x: u64) -> u64 {
    let mut x = x;
    for _ in 0..4 {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
    }
    x
}

/// Words the corpus is built from, separated by spaces: upper and lower case, letters from
/// several scripts (some of which lowercase to two chars, some of which have no case at
/// all), and things that are not letters (digits, punctuation, an emoji).
const WORDS: &str = "The thread PROCESS rayon Join spawn scope Straße ΣΊΣΥΦΟΣ naïve İstanbul \
                     Ǆemal Москва 東京 don't x86_64 3.14 — 🦀 e-mail CAFÉ Ωmega";

/// `count` texts of `words_per_text` words each, picked from [`WORDS`] by a fixed pseudo-random
/// sequence (the same every run), separated by spaces and the odd comma or newline.
pub fn corpus(count: usize, words_per_text: usize) -> Vec<String> {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut state = 0u64;
    let mut next = move || {
        state += 1;
        mix(state)
    };
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..words_per_text {
                let r = next();
                text.push_str(words[(r % words.len() as u64) as usize]);
                text.push_str(match r >> 60 {
                    0 => ", ",
                    1 => "\n",
                    _ => " ",
                });
            }
            text
        })
        .collect()
}
