//! `check_then_act`: with the check and the booking under one guard, threads racing for
//! seats book exactly as many as there are.

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use shared_state_lesson::check_then_act::Seats;

#[test]
fn racing_threads_book_exactly_the_free_seats() {
    const SEATS: u32 = 100;
    let seats = Seats::new(SEATS);
    let booked = AtomicU32::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..SEATS {
                    if seats.book() {
                        booked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(booked.into_inner(), SEATS, "400 attempts, 100 seats");
    assert_eq!(seats.free(), 0);
    assert!(!seats.book(), "no seat left");
}

#[test]
fn the_racy_booking_is_right_on_one_thread() {
    let seats = Seats::new(2);
    assert!(seats.book_racy());
    assert!(seats.book_racy());
    assert!(!seats.book_racy());
    assert_eq!(seats.free(), 0);
}
