//! Task `bounded-queue` (with the loom models `bounded_queue::*` in `tests/loom.rs`):
//! every item arrives exactly once and in order; the queue never holds more than its
//! capacity; closing lets consumers drain and then stop, and gives pushed items back.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use shared_state_exercise::{BoundedQueue, Closed};

use crate::support::on_threads;

#[test]
fn items_come_out_first_in_first_out() {
    let queue = BoundedQueue::new(3);
    for item in [1, 2, 3] {
        queue.push(item).unwrap();
    }
    assert_eq!(queue.len(), 3);
    assert_eq!([queue.pop(), queue.pop()], [Some(1), Some(2)]);
    queue.push(4).unwrap();
    assert_eq!([queue.pop(), queue.pop()], [Some(3), Some(4)]);
    assert!(queue.is_empty());
}

#[test]
fn every_item_arrives_exactly_once() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const PER_PRODUCER: usize = 5_000;
    let queue = BoundedQueue::new(8);
    let producers_left = AtomicUsize::new(PRODUCERS);
    let received: Vec<Vec<usize>> = on_threads(PRODUCERS + CONSUMERS, |t| {
        if t < PRODUCERS {
            for i in 0..PER_PRODUCER {
                queue.push(t * PER_PRODUCER + i).expect("the queue is open");
            }
            // The last producer to finish closes the queue: the consumers then drain it
            // and stop.
            if producers_left.fetch_sub(1, Ordering::AcqRel) == 1 {
                queue.close();
            }
            Vec::new()
        } else {
            let mut mine = Vec::new();
            while let Some(item) = queue.pop() {
                mine.push(item);
            }
            mine
        }
    });
    let all: Vec<usize> = received.iter().flatten().copied().collect();
    let distinct: HashSet<usize> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "an item was received twice");
    assert_eq!(
        all.len(),
        PRODUCERS * PER_PRODUCER,
        "items were lost: {} of {} arrived",
        all.len(),
        PRODUCERS * PER_PRODUCER
    );
    // Each producer's items come out in the order it pushed them.
    for mine in &received {
        for producer in 0..PRODUCERS {
            let from_it: Vec<_> = mine
                .iter()
                .filter(|&&i| i / PER_PRODUCER == producer)
                .collect();
            assert!(
                from_it.windows(2).all(|w| w[0] < w[1]),
                "a producer's items were reordered"
            );
        }
    }
}

#[test]
fn the_queue_never_holds_more_than_its_capacity() {
    const CAPACITY: usize = 4;
    let queue = BoundedQueue::new(CAPACITY);
    let most = AtomicUsize::new(0);
    on_threads(3, |t| {
        if t < 2 {
            for i in 0..5_000 {
                queue.push(i).unwrap();
                most.fetch_max(queue.len(), Ordering::Relaxed);
            }
        } else {
            for _ in 0..10_000 {
                assert!(queue.pop().is_some(), "the queue is never closed here");
            }
        }
    });
    let most = most.into_inner();
    assert!(
        most <= CAPACITY,
        "the queue held {most} items with a capacity of {CAPACITY}: push must wait while \
         the queue is full"
    );
}

#[test]
fn a_closed_queue_drains_then_stops_and_gives_pushes_back() {
    let queue = BoundedQueue::new(4);
    queue.push("a").unwrap();
    queue.push("b").unwrap();
    queue.close();
    assert_eq!(
        queue.push("c"),
        Err(Closed("c")),
        "a push into a closed queue fails and gives the item back"
    );
    assert_eq!(
        queue.pop(),
        Some("a"),
        "items queued before close still come out"
    );
    assert_eq!(queue.pop(), Some("b"));
    assert_eq!(queue.pop(), None, "a closed, empty queue gives None");
    assert_eq!(queue.pop(), None, "and keeps giving None");
}

#[test]
fn close_wakes_three_waiting_consumers() {
    // Consumers wait on an empty queue; closing it must wake them all, with `None`. (If
    // this check times out, `close` woke only some of them: use `notify_all`.)
    let queue = BoundedQueue::<u32>::new(1);
    let got: Vec<Option<u32>> = thread::scope(|s| {
        let consumers: Vec<_> = (0..3).map(|_| s.spawn(|| queue.pop())).collect();
        queue.close();
        consumers.into_iter().map(|c| c.join().unwrap()).collect()
    });
    assert_eq!(got, [None, None, None]);
}

#[test]
fn close_gives_a_blocked_producer_its_item_back() {
    let queue = BoundedQueue::new(1);
    queue.push(1).unwrap();
    let pushed = thread::scope(|s| {
        // The queue is full: this push waits until the queue is closed.
        let producer = s.spawn(|| queue.push(2));
        queue.close();
        producer.join().unwrap()
    });
    assert_eq!(pushed, Err(Closed(2)));
    assert_eq!((queue.pop(), queue.pop()), (Some(1), None));
}
