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

use std::sync::Arc;

use loom::thread;

/// `loom::model`, with location tracking on (what `LOOM_LOCATION=1` does): loom's reports
/// then say where in the source each thread stood.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    builder.check(f);
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

    #[test]
    fn two_records_count_both_requests_and_all_bytes() {
        model(|| {
            let stats = Arc::new(Stats::new());
            let other = spawn(&stats, |stats| stats.record(3));
            stats.record(5);
            other.join().unwrap();
            assert_eq!(stats.requests(), 2, "a request was lost");
            assert_eq!(stats.bytes(), 8, "bytes were lost");
        });
    }

    #[test]
    fn a_smaller_record_never_replaces_the_largest() {
        model(|| {
            let stats = Arc::new(Stats::new());
            let other = spawn(&stats, |stats| stats.record(3));
            stats.record(5);
            other.join().unwrap();
            assert_eq!(stats.largest(), 5, "the largest request was overwritten");
        });
    }
}

mod bank {
    use super::*;
    use shared_state_exercise::{Bank, TransferError};

    #[test]
    fn opposite_transfers_do_not_deadlock() {
        model(|| {
            let bank = Arc::new(Bank::new(&[10, 10]));
            let other = spawn(&bank, |bank| bank.transfer(1, 0, 3));
            let mine = bank.transfer(0, 1, 5);
            assert_eq!(other.join().unwrap(), Ok(()));
            assert_eq!(mine, Ok(()));
            assert_eq!((bank.balance(0), bank.balance(1)), (Some(8), Some(12)));
        });
    }

    #[test]
    fn two_transfers_cannot_overdraw() {
        model(|| {
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
                "two transfers of 60 from an account of 100: one must succeed, the other be \
                 refused; got {mine:?} and {theirs:?}"
            );
            assert_eq!(bank.balance(0), Some(40));
        });
    }

    #[test]
    fn the_total_never_sees_money_in_flight() {
        model(|| {
            let bank = Arc::new(Bank::new(&[50, 50]));
            let transfer = spawn(&bank, |bank| bank.transfer(0, 1, 30));
            assert_eq!(bank.total(), 100, "total() counted money in flight");
            transfer.join().unwrap().unwrap();
        });
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
        model(|| {
            let queue = Arc::new(BoundedQueue::new(1));
            let producer = spawn(&queue, |queue| {
                queue.push(1).unwrap();
                queue.push(2).unwrap();
            });
            assert_eq!(queue.pop(), Some(1));
            assert_eq!(queue.pop(), Some(2));
            producer.join().unwrap();
        });
    }

    #[test]
    fn close_wakes_every_waiting_consumer() {
        // Two consumers may both be waiting when the queue is closed: waking one of them is
        // not enough.
        model(|| {
            let queue = Arc::new(BoundedQueue::<u32>::new(1));
            let consumers = [spawn(&queue, |q| q.pop()), spawn(&queue, |q| q.pop())];
            queue.close();
            assert_eq!(consumers.map(|c| c.join().unwrap()), [None, None]);
        });
    }

    #[test]
    fn close_gives_a_waiting_producer_its_item_back() {
        model(|| {
            let queue = Arc::new(BoundedQueue::new(1));
            queue.push(1).unwrap();
            let producer = spawn(&queue, |queue| queue.push(2));
            queue.close();
            assert_eq!(producer.join().unwrap(), Err(Closed(2)));
            assert_eq!(queue.pop(), Some(1));
            assert_eq!(queue.pop(), None);
        });
    }

    #[test]
    fn two_consumers_get_one_item_each() {
        // A consumer woken for an item may find it already taken by the other consumer:
        // it must check again (a `while` around `wait`), not take from an empty queue.
        model(|| {
            let queue = Arc::new(BoundedQueue::new(1));
            let consumers = [spawn(&queue, |q| q.pop()), spawn(&queue, |q| q.pop())];
            queue.push(1).unwrap();
            queue.push(2).unwrap();
            queue.close();
            let mut got = consumers.map(|c| c.join().unwrap());
            got.sort_unstable();
            assert_eq!(got, [Some(1), Some(2)]);
        });
    }
}

mod spin_lock {
    use super::*;
    use shared_state_exercise::SpinLock;

    #[test]
    fn increments_under_the_lock_are_not_lost() {
        model(|| {
            let lock = Arc::new(SpinLock::new(0));
            let other = spawn(&lock, |lock| *lock.lock() += 1);
            *lock.lock() += 1;
            other.join().unwrap();
            assert_eq!(*lock.lock(), 2, "an increment made under the lock was lost");
        });
    }
}
