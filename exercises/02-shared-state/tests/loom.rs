//! The loom models of exercise 02: each concurrency task, checked under every
//! interleaving of a few threads.
//!
//! loom runs each model many times, each time with the threads interleaved differently
//! (and, for atomics, with every value the memory model lets a load return). A model
//! fails if an assertion fails in any of those runs, if every thread ends up blocked (a
//! deadlock, or a wake-up that never comes), or if two threads reach the same memory
//! without one of them happening before the other (a data race, "causality violation").
//! When it fails, loom's report is what the grader shows you: the assertion, or where
//! each blocked thread was waiting.
//!
//! Built only with `--cfg loom`, in release mode, by the grader (`cargo xtask grade`). To
//! run them yourself:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p exercise-02-shared-state --release --test loom
//! ```
//!
//! The values are shared through std's `Arc`, not loom's: after loom reports a deadlock,
//! dropping a loom `Arc` while unwinding would panic again and abort the test, hiding the
//! report.
#![cfg(loom)]

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use loom::thread;

/// `loom::model`, with location tracking on (what `LOOM_LOCATION=1` does): loom's reports
/// then say where in the source each thread stood.
///
/// `stuck` says what it means in this model when a thread waits for ever. loom reports
/// that as a deadlock (every thread blocked on a lock or a condition variable) or, for a
/// thread that spins, as running out of branches; neither names the mistake, so the
/// learner gets `stuck` below loom's report.
fn model(stuck: &'static str, f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    let Err(failure) = panic::catch_unwind(AssertUnwindSafe(|| builder.check(f))) else {
        return;
    };
    let message = failure
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| failure.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    if message.starts_with("deadlock") {
        eprintln!(
            "\nloom found an interleaving in which every thread waits for another one, for \
             ever (a deadlock, or a wake-up that never came). {stuck}"
        );
    } else if message.starts_with("Model exceeded maximum number of branches") {
        eprintln!(
            "\nloom found an interleaving in which a thread never stops waiting (it kept \
             running until loom gave up). {stuck}"
        );
    }
    // The failure itself (loom's report, or an assertion's message) was printed when it
    // happened; this fails the test with it.
    panic::resume_unwind(failure);
}

/// Runs `f(&value)` on a new loom thread.
fn spawn<T, R>(value: &Arc<T>, f: impl FnOnce(&T) -> R + Send + 'static) -> thread::JoinHandle<R>
where
    T: Send + Sync + 'static,
    R: Send + 'static,
{
    let value = Arc::clone(value);
    thread::spawn(move || f(&value))
}

mod stats {
    use super::*;
    use shared_state_exercise::Stats;

    /// `record` waits for nothing: if a model of it waits for ever, a lock was kept.
    const STUCK: &str = "`record` should wait for nothing: make each change one atomic \
                         read-modify-write (`fetch_add`, `fetch_max`), and release any lock \
                         you take";

    #[test]
    fn two_records_count_both_requests_and_all_bytes() {
        model(STUCK, || {
            let stats = Arc::new(Stats::new());
            let other = spawn(&stats, |stats| stats.record(3));
            stats.record(5);
            other.join().unwrap();
            assert_eq!(
                stats.requests(),
                2,
                "a request was lost: both threads read the same count and wrote it back \
                 plus one. Count with `fetch_add`, one atomic step"
            );
            assert_eq!(
                stats.bytes(),
                8,
                "bytes were lost: both threads read the same total and wrote back their \
                 own sum. Add with `fetch_add`, one atomic step"
            );
        });
    }

    #[test]
    fn a_smaller_record_never_replaces_the_largest() {
        model(STUCK, || {
            let stats = Arc::new(Stats::new());
            let other = spawn(&stats, |stats| stats.record(3));
            stats.record(5);
            other.join().unwrap();
            assert_eq!(
                stats.largest(),
                5,
                "the largest request was overwritten by a smaller one: between one \
                 thread's check (is mine bigger?) and its store, the other stored a \
                 bigger value. `fetch_max` checks and stores in one atomic step (or retry \
                 a `compare_exchange` until it succeeds)"
            );
        });
    }
}

mod bank {
    use super::*;
    use shared_state_exercise::{Bank, TransferError};

    #[test]
    fn opposite_transfers_do_not_deadlock() {
        model(
            "Here a transfer 0 -> 1 and a transfer 1 -> 0 each hold one account's lock and \
             wait for the other's. Lock the lower account number first in every transfer, \
             whichever way the money goes (a fixed lock order), instead of `from` first.",
            || {
                let bank = Arc::new(Bank::new(&[10, 10]));
                let other = spawn(&bank, |bank| bank.transfer(1, 0, 3));
                let mine = bank.transfer(0, 1, 5);
                assert_eq!(other.join().unwrap(), Ok(()), "transfer(1, 0, 3) failed");
                assert_eq!(mine, Ok(()), "transfer(0, 1, 5) failed");
                assert_eq!(
                    (bank.balance(0), bank.balance(1)),
                    (Some(8), Some(12)),
                    "two transfers between the same accounts lost or made money"
                );
            },
        );
    }

    #[test]
    fn two_transfers_cannot_overdraw() {
        model(
            "Two transfers from account 0 (to 1 and to 2) waited for each other: take the \
             locks in one fixed order (lower account number first) and release them all \
             before returning.",
            || {
                let bank = Arc::new(Bank::new(&[100, 0, 0]));
                let other = spawn(&bank, |bank| bank.transfer(0, 2, 60));
                let mine = bank.transfer(0, 1, 60);
                let theirs = other.join().unwrap();
                let refused = TransferError::InsufficientFunds {
                    available: 40,
                    needed: 60,
                };
                assert!(
                    (mine, theirs) == (Ok(()), Err(refused))
                        || (mine, theirs) == (Err(refused), Ok(())),
                    "two transfers of 60 from an account of 100: one must succeed, the \
                     other be refused; got {mine:?} and {theirs:?}. Check the balance and \
                     debit it while holding the same lock: released in between, both \
                     transfers can see 100"
                );
                assert_eq!(bank.balance(0), Some(40), "account 0 was overdrawn");
            },
        );
    }

    #[test]
    fn the_total_never_sees_money_in_flight() {
        model(
            "`total()` and a transfer each held a lock the other waited for: take every \
             account's lock in account order in `total()`, the order `transfer` uses.",
            || {
                let bank = Arc::new(Bank::new(&[50, 50]));
                let transfer = spawn(&bank, |bank| bank.transfer(0, 1, 30));
                assert_eq!(
                    bank.total(),
                    100,
                    "total() counted money in flight: it read one balance before a \
                     transfer and the other after it. Hold every account's lock while \
                     adding up"
                );
                transfer.join().unwrap().unwrap();
            },
        );
    }
}

mod bounded_queue {
    use super::*;
    use shared_state_exercise::{BoundedQueue, Closed};

    #[test]
    fn producer_and_consumer_wake_each_other() {
        // Capacity 1: the producer must wait for room before its second push, and the
        // consumer may wait for each item. A missed wake-up on either side leaves a thread
        // waiting forever, which loom reports as a deadlock.
        model(
            "A push must wake a consumer waiting for an item (`not_empty.notify_one()`), \
             and a pop a producer waiting for room (`not_full.notify_one()`), each on the \
             condition variable the other side waits on; and each wait re-checks its \
             condition in a `while` loop with the lock held.",
            || {
                let queue = Arc::new(BoundedQueue::new(1));
                let producer = spawn(&queue, |queue| {
                    queue.push(1).unwrap();
                    queue.push(2).unwrap();
                });
                let order = "pop must wait while the queue is empty and open, then give the \
                             items in the order they were pushed";
                assert_eq!(queue.pop(), Some(1), "{order}");
                assert_eq!(queue.pop(), Some(2), "{order}");
                producer.join().unwrap();
            },
        );
    }

    #[test]
    fn a_full_queue_makes_producers_wait() {
        // Capacity 1, already full, and two producers. Each push must wait for room, and
        // check again when woken: another producer may have taken the room first.
        model(
            "A producer or the consumer was never woken: a pop that makes room must wake \
             a waiting producer (`not_full.notify_one()`), a push a waiting consumer.",
            || {
                let queue = Arc::new(BoundedQueue::new(1));
                queue.push(0).unwrap();
                let never_overfull = |queue: &BoundedQueue<u32>| {
                    let len = queue.len();
                    assert!(
                        len <= 1,
                        "the queue held {len} items with a capacity of 1: push must wait \
                         while the queue is full, in a `while` loop (a producer woken for \
                         room may find that another producer took it first)"
                    );
                };
                let producers = [1, 2].map(|item| {
                    spawn(&queue, move |queue| {
                        queue.push(item).unwrap();
                        never_overfull(queue);
                    })
                });
                let mut got = Vec::new();
                for _ in 0..3 {
                    got.extend(queue.pop());
                }
                for producer in producers {
                    producer.join().unwrap();
                }
                got.sort_unstable();
                assert_eq!(got, [0, 1, 2], "every item pushed comes out once");
            },
        );
    }

    #[test]
    fn close_wakes_every_waiting_consumer() {
        // Two consumers may both be waiting when the queue is closed: waking one of them is
        // not enough.
        model(
            "A consumer waited for ever on a closed queue: `close` must set `closed` under \
             the lock and then wake *every* waiting consumer (`not_empty.notify_all()`), \
             and `pop` must stop waiting once the queue is closed.",
            || {
                let queue = Arc::new(BoundedQueue::<u32>::new(1));
                let consumers = [spawn(&queue, |q| q.pop()), spawn(&queue, |q| q.pop())];
                queue.close();
                assert_eq!(
                    consumers.map(|c| c.join().unwrap()),
                    [None, None],
                    "pop on a closed, empty queue returns None"
                );
            },
        );
    }

    #[test]
    fn close_gives_a_waiting_producer_its_item_back() {
        model(
            "A producer waited for ever on a closed queue: `close` must wake every waiting \
             producer too (`not_full.notify_all()`), and `push` must stop waiting once the \
             queue is closed and return `Err(Closed(item))`.",
            || {
                let queue = Arc::new(BoundedQueue::new(1));
                queue.push(1).unwrap();
                let producer = spawn(&queue, |queue| queue.push(2));
                queue.close();
                assert_eq!(
                    producer.join().unwrap(),
                    Err(Closed(2)),
                    "a push waiting on a full queue that is closed fails and gives its \
                     item back"
                );
                assert_eq!(
                    queue.pop(),
                    Some(1),
                    "items queued before close still come out"
                );
                assert_eq!(queue.pop(), None, "then a closed queue gives None");
            },
        );
    }

    #[test]
    fn two_consumers_get_one_item_each() {
        // A consumer woken for an item may find it already taken by the other consumer:
        // it must check again (a `while` around `wait`), not take from an empty queue.
        // And a wake-up meant for the producer must not go to a consumer instead.
        model(
            "A wake-up went to the wrong thread: a consumer that took an item woke the \
             other consumer, and the producer waiting for room slept on. Producers and \
             consumers wait for different things: give each its own condition variable \
             (`not_full`, `not_empty`), or wake everyone with `notify_all`.",
            || {
                let queue = Arc::new(BoundedQueue::new(1));
                let consumers = [spawn(&queue, |q| q.pop()), spawn(&queue, |q| q.pop())];
                queue.push(1).unwrap();
                queue.push(2).unwrap();
                queue.close();
                let mut got = consumers.map(|c| c.join().unwrap());
                got.sort_unstable();
                assert_eq!(
                    got,
                    [Some(1), Some(2)],
                    "each consumer gets one item: a consumer woken for an item must check \
                     again in a `while` loop, because the other consumer may have taken it"
                );
            },
        );
    }
}

mod spin_lock {
    use super::*;
    use shared_state_exercise::SpinLock;

    #[test]
    fn increments_under_the_lock_are_not_lost() {
        model(
            "A thread spun for ever waiting for the lock: is the lock free again once the \
             guard is dropped (`drop` stores `false`), and does `lock` take it (from \
             `false` to `true`) when it is free?",
            || {
                let lock = Arc::new(SpinLock::new(0));
                let other = spawn(&lock, |lock| *lock.lock() += 1);
                *lock.lock() += 1;
                other.join().unwrap();
                assert_eq!(*lock.lock(), 2, "an increment made under the lock was lost");
            },
        );
    }
}
