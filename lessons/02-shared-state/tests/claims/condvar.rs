//! `condvar`: every waiter wakes once the event is set, whether it started waiting before
//! or after; waiting on a set event returns at once.

use std::sync::mpsc;
use std::thread;

use shared_state_lesson::condvar::Event;

#[test]
fn setting_the_event_wakes_every_waiter() {
    let event = Event::new();
    let (woken, wake_ups) = mpsc::channel();
    thread::scope(|s| {
        for waiter in 0..3 {
            let (event, woken) = (&event, woken.clone());
            s.spawn(move || {
                event.wait();
                woken.send(waiter).unwrap();
            });
        }
        assert!(!event.is_set());
        event.set();
    });
    drop(woken);
    let mut woken: Vec<i32> = wake_ups.iter().collect();
    woken.sort_unstable();
    assert_eq!(woken, [0, 1, 2]);
}

#[test]
fn waiting_on_a_set_event_returns_at_once() {
    let event = Event::new();
    event.set();
    event.wait();
    event.wait();
    assert!(event.is_set());
}
