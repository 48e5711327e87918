//! `atomics`: `fetch_add` counts exactly on many threads; the racy counter is right on one
//! thread (its bug needs two, and loom to be seen every time); a published message is seen
//! by a reader that sees the flag.

use std::thread;

use shared_state_lesson::atomics::{Counter, Mailbox, RacyCounter};

#[test]
fn fetch_add_counts_every_increment_of_every_thread() {
    const THREADS: usize = 4;
    const INCREMENTS: u64 = 50_000;
    let counter = Counter::new();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..INCREMENTS {
                    counter.increment();
                }
            });
        }
    });
    assert_eq!(counter.get(), THREADS as u64 * INCREMENTS);
}

#[test]
fn the_racy_counter_is_right_on_one_thread() {
    // Each step is correct alone: the bug is only in two threads interleaving.
    let counter = RacyCounter::new();
    for _ in 0..1_000 {
        counter.increment();
    }
    assert_eq!(counter.get(), 1_000);
}

#[test]
fn nothing_is_read_before_it_is_published() {
    let mailbox = Mailbox::new();
    assert_eq!(mailbox.read(), None);
    assert_eq!(mailbox.read_relaxed(), None);
}

#[test]
fn a_reader_that_sees_the_flag_sees_the_message() {
    for _ in 0..100 {
        let mailbox = Mailbox::new();
        let seen = thread::scope(|s| {
            let reader = s.spawn(|| {
                loop {
                    if let Some(message) = mailbox.read() {
                        break message;
                    }
                    std::hint::spin_loop();
                }
            });
            mailbox.publish(42);
            reader.join().unwrap()
        });
        assert_eq!(seen, 42);
    }
}
