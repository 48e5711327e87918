//! `cpu_bound`: the sequential, scoped-thread and rayon versions compute the same checksum,
//! for every size, including an empty input and fewer items than threads.

use threads_lesson::cpu_bound::{ROUNDS, input, mix, scoped_threads, sequential, with_rayon, work};

/// The checksum written out as plainly as possible, independently of the lesson's code.
fn checksum_by_hand(values: &[u64]) -> u64 {
    let mut sum = 0u64;
    for &value in values {
        let mut z = value;
        for _ in 0..ROUNDS {
            z = mix(z);
        }
        sum = sum.wrapping_add(z);
    }
    sum
}

const SIZES: [usize; 8] = [0, 1, 2, 3, 7, 64, 1000, 10_007];

#[test]
fn sequential_computes_the_checksum() {
    for len in SIZES {
        assert_eq!(
            sequential(&input(len)),
            checksum_by_hand(&input(len)),
            "len {len}"
        );
    }
}

#[test]
fn the_three_versions_agree() {
    for len in SIZES {
        let values = input(len);
        let expected = sequential(&values);
        assert_eq!(with_rayon(&values), expected, "rayon, len {len}");
        // 1 thread, a few, and more threads than there are items.
        for threads in [1, 2, 3, 4, 16] {
            assert_eq!(
                scoped_threads(&values, threads),
                expected,
                "{threads} scoped threads, len {len}"
            );
        }
    }
}

#[test]
fn the_order_of_the_values_does_not_change_the_checksum() {
    // Why the parallel versions may add partial sums in any order: wrapping addition is
    // commutative and associative.
    let values = input(1000);
    let mut reversed = values.clone();
    reversed.reverse();
    assert_eq!(sequential(&reversed), sequential(&values));
}

#[test]
fn the_work_mixes_its_input() {
    // Distinct inputs give distinct outputs (mix is a bijection), so the checksum depends
    // on every value: agreeing versions must really have processed every element.
    let outputs: std::collections::HashSet<u64> = input(10_000).into_iter().map(work).collect();
    assert_eq!(outputs.len(), 10_000);
    assert_ne!(sequential(&input(10)), sequential(&input(11)));
}

#[test]
#[should_panic(expected = "at least one thread")]
fn zero_threads_is_refused() {
    scoped_threads(&input(10), 0);
}
