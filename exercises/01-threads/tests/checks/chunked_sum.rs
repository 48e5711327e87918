//! Task `chunked-sum`: `parallel_sum` splits borrowed data into `threads` contiguous
//! chunks whose lengths differ by at most one, sums them on scoped threads at the same
//! time, and agrees with `sequential_sum`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, ThreadId};

use threads_exercise::{parallel_sum, sequential_sum};

use crate::support::{PATIENCE, Rendezvous, hide_panics_on_purpose, panic_message};
use crate::workload::mix;

/// `(items, threads)`: items that no thread count divides, fewer items than threads, as
/// many as threads, a single item, and a larger input.
const SHAPES: [(u64, usize); 9] = [
    (10, 4),
    (9, 4),
    (11, 4),
    (7, 3),
    (3, 8),
    (1, 8),
    (5, 5),
    (1_000, 4),
    (1_001, 7),
];

/// Runs `parallel_sum(data, threads, f)`; a panic becomes a failure that says which call
/// panicked.
fn sum_or_explain<F>(data: &[u64], threads: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    match panic::catch_unwind(AssertUnwindSafe(|| parallel_sum(data, threads, f))) {
        Ok(sum) => sum,
        Err(payload) => panic!(
            "parallel_sum of {} items on {threads} threads panicked: {:?}. Every length \
             must work, including an empty slice and fewer items than threads (a chunk \
             size of 0 makes `chunks` panic)",
            data.len(),
            panic_message(&*payload).unwrap_or("no message")
        ),
    }
}

/// The items each thread summed, by the thread `f` ran on (data items are their indices).
fn items_by_thread(items: u64, threads: usize) -> Vec<Vec<u64>> {
    let data: Vec<u64> = (0..items).collect();
    let seen: Mutex<HashMap<ThreadId, Vec<u64>>> = Mutex::new(HashMap::new());
    let sum = sum_or_explain(&data, threads, |x| {
        seen.lock()
            .unwrap()
            .entry(thread::current().id())
            .or_default()
            .push(x);
        x
    });
    assert_eq!(sum, sequential_sum(&data, |x| x), "the sum of 0..{items}");
    let mut groups: Vec<Vec<u64>> = seen.into_inner().unwrap().into_values().collect();
    for group in &mut groups {
        group.sort_unstable();
    }
    groups.sort();
    groups
}

#[test]
fn matches_sequential_sum() {
    // Empty, a single item, fewer items than threads, lengths that no thread count divides,
    // and a large input. `mix` returns large numbers, so these sums overflow and must wrap.
    for len in [0, 1, 2, 3, 5, 7, 9, 100, 1_001, 100_003] {
        let data: Vec<u64> = (0..len).map(|i| 3 * i + 1).collect();
        let expected = sequential_sum(&data, mix);
        for threads in 1..=8 {
            assert_eq!(
                sum_or_explain(&data, threads, mix),
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
    // `f` notes the thread it runs on. Whether the caller's thread sums a chunk too is up
    // to the implementation: only the number of distinct threads is checked.
    for (items, threads) in SHAPES {
        let used = items_by_thread(items, threads).len();
        let expected = threads.min(items as usize);
        assert_eq!(
            used, expected,
            "with {items} items and {threads} threads, f must run on exactly {expected} \
             distinct threads, one per non-empty chunk (`min(threads, data.len())`); it ran \
             on {used}. Cut `threads` chunks, not chunks of a fixed size: \
             `data.len() / threads` items each, one more for the first \
             `data.len() % threads` of them"
        );
    }
}

#[test]
fn chunks_are_contiguous_and_differ_by_at_most_one() {
    for (items, threads) in SHAPES {
        let groups = items_by_thread(items, threads);
        for group in &groups {
            let contiguous = group.windows(2).all(|pair| pair[1] == pair[0] + 1);
            assert!(
                contiguous,
                "with {items} items and {threads} threads, one thread summed the items at \
                 {group:?}: each thread must sum one contiguous chunk of `data` (cut it with \
                 `split_at` or `chunks`), not items picked across it"
            );
        }
        let lengths: BTreeMap<u64, usize> =
            groups.iter().map(|group| (group[0], group.len())).collect();
        let (shortest, longest) = (
            lengths.values().min().copied().unwrap_or(0),
            lengths.values().max().copied().unwrap_or(0),
        );
        let lengths: Vec<usize> = lengths.into_values().collect();
        assert!(
            longest - shortest <= 1,
            "with {items} items and {threads} threads, the chunks hold {lengths:?} items: \
             their lengths must differ by at most one, so that no thread gets much more work \
             than another. Give each chunk `data.len() / threads` items, and one more to the \
             first `data.len() % threads` of them (chunks of `len.div_ceil(threads)` items \
             leave a short last chunk, and the remainder lumped into one chunk makes it long)"
        );
    }
}

#[test]
fn chunks_are_summed_at_the_same_time() {
    const THREADS: usize = 4;
    let data: Vec<u64> = (0..400).collect();
    // The first item each thread sums waits at the rendezvous until the four threads have
    // arrived: possible only if the four chunks are summed at the same time.
    let rendezvous = Rendezvous::new(THREADS);
    let arrived: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
    let met = AtomicUsize::new(0);
    let sum = sum_or_explain(&data, THREADS, |x| {
        let first = arrived.lock().unwrap().insert(thread::current().id());
        if first && rendezvous.arrive_and_wait() {
            met.fetch_add(1, Ordering::SeqCst);
        }
        x
    });

    assert_eq!(sum, sequential_sum(&data, |x| x), "the sum of 0..400");
    assert_eq!(
        met.load(Ordering::SeqCst),
        THREADS,
        "the {THREADS} chunks were not summed at the same time (their threads waited \
         {PATIENCE:?} for each other in vain): spawn every scoped thread first, then join \
         them (a join right after each spawn sums the chunks one after another; so does \
         summing a chunk on the calling thread before spawning the others)"
    );
}

#[test]
fn a_panic_in_f_reaches_the_caller() {
    hide_panics_on_purpose();
    let data: Vec<u64> = (0..100).collect();
    let outcome = panic::catch_unwind(|| {
        parallel_sum(&data, 4, |x| {
            if x == 10 {
                panic!("f fails at item 10 on purpose");
            }
            x
        })
    });

    let Ok(sum) = outcome.map_err(|payload| {
        assert_eq!(
            panic_message(&*payload),
            Some("f fails at item 10 on purpose"),
            "parallel_sum must resume f's own panic, payload and all \
             (`std::panic::resume_unwind(payload)` on the `Err` from `join`), not panic \
             with a message of its own (as `.unwrap()` on the `join` result does)"
        );
    }) else {
        return;
    };
    panic!(
        "f panicked on one item, yet parallel_sum returned a sum ({sum}): the chunk whose \
         thread panicked was left out. `join()` gives `Err(payload)` for it: pass the panic \
         on with `std::panic::resume_unwind(payload)`"
    );
}
