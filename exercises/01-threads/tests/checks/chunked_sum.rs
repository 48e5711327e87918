//! Task `chunked-sum`: `parallel_sum` splits borrowed data across scoped threads and
//! agrees with `sequential_sum`.

use std::collections::HashSet;
use std::panic;
use std::sync::Mutex;
use std::thread;

use threads_exercise::{parallel_sum, sequential_sum};

use crate::support::panic_message;
use crate::workload::mix;

#[test]
fn matches_sequential_sum() {
    // Empty, a single item, fewer items than threads, lengths that no thread count divides,
    // and a large input. `mix` returns large numbers, so these sums overflow and must wrap.
    for len in [0, 1, 2, 3, 5, 7, 9, 100, 1_001, 100_003] {
        let data: Vec<u64> = (0..len).map(|i| 3 * i + 1).collect();
        let expected = sequential_sum(&data, mix);
        for threads in 1..=8 {
            assert_eq!(
                parallel_sum(&data, threads, mix),
                expected,
                "parallel_sum of {len} items on {threads} threads differs from sequential_sum \
                 (is every item summed exactly once? are the partial sums added with \
                 `wrapping_add`?)"
            );
        }
    }
}

#[test]
fn zero_threads_is_refused() {
    let outcome = panic::catch_unwind(|| parallel_sum(&[1, 2, 3], 0, |x| x));

    let payload = outcome.expect_err("parallel_sum(data, 0, f) must panic: no thread, no sum");
    let message = panic_message(&*payload).unwrap_or_default();
    assert!(
        message.contains("at least one thread"),
        "with 0 threads, parallel_sum must panic with a message that says it needs at least \
         one thread; it panicked with {message:?}"
    );
}

#[test]
fn uses_exactly_the_requested_threads() {
    let data: Vec<u64> = (0..1_000).collect();
    // `f` notes the thread it runs on. Whether the caller's thread sums a chunk too is up
    // to the implementation: only the number of distinct threads is checked.
    let seen = Mutex::new(HashSet::new());
    let sum = parallel_sum(&data, 4, |x| {
        seen.lock().unwrap().insert(thread::current().id());
        x
    });

    assert_eq!(sum, sequential_sum(&data, |x| x));
    let threads = seen.into_inner().unwrap().len();
    assert_eq!(
        threads, 4,
        "with 1000 items and 4 threads, f must run on exactly 4 distinct threads, one per \
         chunk; it ran on {threads}"
    );
}
