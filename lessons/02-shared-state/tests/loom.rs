//! The lesson's loom models: each race condition of the lesson as a model that loom fails,
//! next to the fixed version that loom passes.
//!
//! A model is a closure given to `loom::model`. loom runs it many times, each time with the
//! threads interleaved differently (and, for atomics, with every value the memory model
//! lets a load return), until every outcome that could differ has been tried. An assertion
//! that fails in any of those runs fails the model, as does a run in which every thread is
//! blocked (a deadlock) or two threads touch an `UnsafeCell` without one happening before
//! the other. So a passing model is a proof, within loom's limits, and a failing one is a
//! reproducible counterexample, found the first time and every time.
//!
//! Built only with `--cfg loom`, in release (loom runs the closure thousands of times):
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p lesson-02-shared-state --release --test loom
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p lesson-02-shared-state --release --test loom -- --ignored
//! ```
//!
//! The buggy models are `#[ignore]`d, so that the first command passes; the second runs
//! them and shows loom's report for each. `tests/loom_reports.rs` runs both in the ordinary
//! `cargo test`, and checks that every buggy model fails with the report saved in
//! `tests/loom-reports/` and every fixed model passes.
//!
//! Every model starts its threads with `loom::thread::spawn`: loom only schedules the
//! threads it started, and has no scoped threads, so shared values go in an `Arc`. It is
//! std's `Arc`, not loom's: after loom reports a deadlock, dropping a loom `Arc` while
//! unwinding would panic again and abort the test, hiding the report.
#![cfg(loom)]

use std::sync::Arc;

use loom::thread;

// ANCHOR: model
/// `loom::model` with location tracking on (what `LOOM_LOCATION=1` does for
/// `loom::model`): loom's reports then say where in the source each thread stood.
/// It makes loom slower, and these models are small enough not to mind.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    builder.check(f);
}
// ANCHOR_END: model

// ANCHOR: lost_update
mod lost_update {
    use super::*;
    use shared_state_lesson::atomics::{Counter, RacyCounter};

    /// This thread and another increment one counter once each: the count must be 2.
    fn two_increments<C: Send + Sync + 'static>(
        new: fn() -> C,
        increment: fn(&C),
        get: fn(&C) -> u64,
    ) {
        model(move || {
            let counter = Arc::new(new());
            let other = {
                let counter = Arc::clone(&counter);
                thread::spawn(move || increment(&counter))
            };
            increment(&counter);
            other.join().unwrap();
            assert_eq!(get(&counter), 2, "an increment was lost");
        });
    }

    #[test]
    #[ignore = "fails on purpose: loom finds the lost update"]
    fn racy_counter_loses_an_update() {
        two_increments(RacyCounter::new, RacyCounter::increment, RacyCounter::get);
    }

    #[test]
    fn fetch_add_loses_nothing() {
        two_increments(Counter::new, Counter::increment, Counter::get);
    }
}
// ANCHOR_END: lost_update

// ANCHOR: check_then_act
mod check_then_act {
    use super::*;
    use shared_state_lesson::check_then_act::Seats;

    /// Two threads try to book the one seat left: exactly one of them may succeed.
    fn two_bookings_of_the_last_seat(book: fn(&Seats) -> bool) {
        model(move || {
            let seats = Arc::new(Seats::new(1));
            let other = {
                let seats = Arc::clone(&seats);
                thread::spawn(move || book(&seats))
            };
            let mine = book(&seats);
            let theirs = other.join().unwrap();
            assert!(
                !(mine && theirs),
                "both threads booked the last seat; free seats now: {}",
                seats.free()
            );
            assert!(mine || theirs, "nobody booked the free seat");
        });
    }

    #[test]
    #[ignore = "fails on purpose: loom finds both threads booking the last seat"]
    fn checking_and_booking_under_two_locks_oversells() {
        two_bookings_of_the_last_seat(Seats::book_racy);
    }

    #[test]
    fn checking_and_booking_under_one_lock_is_exact() {
        two_bookings_of_the_last_seat(Seats::book);
    }
}
// ANCHOR_END: check_then_act

// ANCHOR: publication
mod publication {
    use super::*;
    use shared_state_lesson::atomics::Mailbox;

    /// One thread publishes 42; this one reads. It may come too early (`None`), but a
    /// reader that sees the flag must see the message.
    fn a_reader_sees_the_published_message(
        publish: fn(&Mailbox, u64),
        read: fn(&Mailbox) -> Option<u64>,
    ) {
        model(move || {
            let mailbox = Arc::new(Mailbox::new());
            let publisher = {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || publish(&mailbox, 42))
            };
            if let Some(message) = read(&mailbox) {
                assert_eq!(
                    message, 42,
                    "the flag was up, and the message was not there"
                );
            }
            publisher.join().unwrap();
        });
    }

    #[test]
    #[ignore = "fails on purpose: loom finds a reader that sees the flag but not the message"]
    fn relaxed_flag_can_show_the_old_message() {
        a_reader_sees_the_published_message(Mailbox::publish_relaxed, Mailbox::read_relaxed);
    }

    #[test]
    fn release_acquire_flag_shows_the_message() {
        a_reader_sees_the_published_message(Mailbox::publish, Mailbox::read);
    }
}
// ANCHOR_END: publication

// ANCHOR: wake_up
mod wake_up {
    use super::*;
    use shared_state_lesson::condvar::{Event, RacyEvent};

    /// Another thread waits for the event while this one sets it: the waiter must wake up.
    /// If it never does, every thread ends up blocked, and loom reports a deadlock.
    fn set_while_one_waits<E: Send + Sync + 'static>(new: fn() -> E, wait: fn(&E), set: fn(&E)) {
        model(move || {
            let event = Arc::new(new());
            let waiter = {
                let event = Arc::clone(&event);
                thread::spawn(move || wait(&event))
            };
            set(&event);
            waiter.join().unwrap();
        });
    }

    #[test]
    #[ignore = "fails on purpose: loom finds the missed wake-up, a deadlock"]
    fn a_flag_outside_the_mutex_misses_the_wake_up() {
        set_while_one_waits(RacyEvent::new, RacyEvent::wait, RacyEvent::set);
    }

    #[test]
    fn a_flag_under_the_mutex_wakes_the_waiter() {
        set_while_one_waits(Event::new, Event::wait, Event::set);
    }
}
// ANCHOR_END: wake_up

// ANCHOR: philosophers
mod philosophers {
    use super::*;
    use shared_state_lesson::philosophers::Table;

    /// Three philosophers, each on a loom thread, eat one meal each.
    fn three_philosophers_dine(dine: fn(&Table, usize)) {
        model(move || {
            let table = Arc::new(Table::new(3));
            let philosophers: Vec<_> = (0..3)
                .map(|seat| {
                    let table = Arc::clone(&table);
                    thread::spawn(move || dine(&table, seat))
                })
                .collect();
            for philosopher in philosophers {
                philosopher.join().unwrap();
            }
            // Three meals, two forks each: every fork was used twice.
            for fork in 0..3 {
                assert_eq!(table.uses_of(fork), 2);
            }
        });
    }

    #[test]
    #[ignore = "fails on purpose: loom finds the deadlock"]
    fn left_fork_first_deadlocks() {
        three_philosophers_dine(Table::dine_left_first);
    }

    #[test]
    fn lower_fork_first_never_deadlocks() {
        three_philosophers_dine(Table::dine);
    }
}
// ANCHOR_END: philosophers
