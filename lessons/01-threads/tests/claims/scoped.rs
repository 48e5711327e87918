//! `scoped`: scoped threads borrow local data, mutate disjoint chunks, are joined by the
//! scope, and their panics come out of it.

use std::collections::HashSet;
use std::panic;
use std::thread;

use threads_lesson::scoped::{count_even_and_odd, min_and_max, scale_in_place};

#[test]
fn two_threads_read_the_same_borrowed_slice() {
    let numbers = [5, -3, 12, 0, 7, -8, 4];
    assert_eq!(min_and_max(&numbers), Some((-8, 12)));
    assert_eq!(min_and_max(&[42]), Some((42, 42)));
    assert_eq!(min_and_max(&[]), None);
}

#[test]
fn threads_mutate_disjoint_chunks_in_place() {
    // Several lengths and thread counts, including an empty slice, fewer elements than
    // threads, and a length the thread count does not divide.
    for len in [0, 1, 3, 10, 1001] {
        for threads in [1, 2, 3, 8] {
            let original: Vec<f64> = (0..len).map(|i| i as f64 - 17.5).collect();
            let expected: Vec<f64> = original.iter().map(|v| v * 2.5).collect();
            let mut values = original.clone();
            scale_in_place(&mut values, 2.5, threads);
            assert_eq!(values, expected, "len {len}, {threads} threads");
        }
    }
}

#[test]
fn every_chunk_is_changed_by_a_thread_of_its_own() {
    // Each scoped thread writes its own thread id into its own chunk: the chunks of
    // disjoint `&mut` borrows were really handled by different threads, none by ours.
    let mut ids = vec![None; 12];
    thread::scope(|s| {
        for chunk in ids.chunks_mut(3) {
            s.spawn(move || chunk.fill(Some(thread::current().id())));
        }
    });
    let ids: Vec<_> = ids
        .into_iter()
        .map(|id| id.expect("every slot written"))
        .collect();
    for (i, chunk) in ids.chunks(3).enumerate() {
        assert!(
            chunk.iter().all(|id| *id == chunk[0]),
            "chunk {i} has one writer"
        );
        assert_ne!(chunk[0], thread::current().id());
    }
    let writers: HashSet<_> = ids.chunks(3).map(|chunk| chunk[0]).collect();
    assert_eq!(writers.len(), 4, "four chunks, four different threads");
}

#[test]
fn the_scope_joins_its_threads_before_returning() {
    let numbers: Vec<u64> = (0..101).collect();
    // Both counters were written by scoped threads; reading them right after `scope`
    // returns gives the final counts, because `scope` waited for the threads.
    assert_eq!(count_even_and_odd(&numbers), (51, 50));
    assert_eq!(count_even_and_odd(&[]), (0, 0));
}

#[test]
fn a_panic_in_an_unjoined_scoped_thread_comes_out_of_the_scope() {
    let mut finished = false;
    let outcome = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        thread::scope(|s| {
            s.spawn(|| panic!("a scoped thread fails"));
            // The other thread still runs to the end: a panic stops only its own thread.
            s.spawn(|| finished = true);
        });
    }));
    assert!(
        outcome.is_err(),
        "scope re-raises the panic of a thread nobody joined"
    );
    assert!(
        finished,
        "the scope joined the other thread before panicking"
    );
}
