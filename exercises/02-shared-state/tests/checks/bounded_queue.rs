//! Task `bounded-queue` (with the loom models `bounded_queue::*` in `tests/loom.rs`):
//! every item arrives exactly once and in order; the queue never holds more than its
//! capacity; closing lets consumers drain and then stop, and gives pushed items back.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use shared_state_exercise::{BoundedQueue, Closed};

use crate::support::on_threads;

#[test]
fn items_come_out_first_in_first_out() {
    let fifo = "items come out first in, first out: pop takes the front of the queue, \
                push adds at the back";
    let queue = BoundedQueue::new(3);
    for item in [1, 2, 3] {
        queue.push(item).unwrap();
    }
    assert_eq!(
        queue.len(),
        3,
        "three items were pushed into a queue of capacity 3"
    );
    assert_eq!([queue.pop(), queue.pop()], [Some(1), Some(2)], "{fifo}");
    queue.push(4).unwrap();
    assert_eq!([queue.pop(), queue.pop()], [Some(3), Some(4)], "{fifo}");
    assert!(queue.is_empty(), "every item pushed was popped");
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
    assert_eq!(
        got,
        [None, None, None],
        "pop on a closed, empty queue returns None"
    );
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
    assert_eq!(
        pushed,
        Err(Closed(2)),
        "a push waiting on a full queue that is closed fails and gives its item back"
    );
    assert_eq!(
        (queue.pop(), queue.pop()),
        (Some(1), None),
        "the item queued before close still comes out, then None"
    );
}

/// How long the waiting threads are watched.
const IDLE: Duration = Duration::from_millis(500);
/// The CPU the waiting threads may use together, as a share of one core over [`IDLE`]:
/// a thread blocked in `Condvar::wait` uses none, and 10 % leaves room for the kernel's
/// 10 ms accounting ticks. One that retries in a loop uses a large share of a core, even
/// on a loaded machine.
const MAX_CPU_SHARE: f64 = 0.10;
/// How often one waiting thread may wake up during [`IDLE`]: a blocked one wakes up zero
/// times, one that sleeps and looks again every 100 ms or more often, 5 times or more.
const MAX_WAKE_UPS: u64 = 2;

#[test]
fn waiting_threads_use_no_cpu() {
    if !cfg!(target_os = "linux") {
        println!("not checked: this check reads the threads' CPU time in Linux's /proc");
        return;
    }
    // Two consumers wait on an empty queue, two producers on a full one.
    let empty = BoundedQueue::<u32>::new(1);
    let full = BoundedQueue::new(1);
    full.push(0).unwrap();
    let (tids, waiting) = mpsc::channel();
    thread::scope(|s| {
        for t in 0..4 {
            let (empty, full, tids) = (&empty, &full, tids.clone());
            s.spawn(move || {
                tids.send(idle::this_thread()).unwrap();
                if t < 2 {
                    let _ = empty.pop();
                } else {
                    let _ = full.push(t);
                }
            });
        }
        let waiters: Vec<u32> = waiting.iter().take(4).collect();
        let watched = idle::watch(&waiters, IDLE);
        // Let them go before judging, so that a failed check does not leave them waiting.
        empty.close();
        full.close();
        let share = watched.cpu.as_secs_f64() / watched.wall.as_secs_f64();
        assert!(
            share <= MAX_CPU_SHARE,
            "waiting threads spin: two consumers on an empty queue and two producers on a \
             full one used {:?} of CPU in {:?} ({:.0} % of a core), where threads blocked \
             in `Condvar::wait` use none. Wait by sleeping on the condition variable \
             (`wait` in a `while` loop), not by locking and looking again in a loop",
            watched.cpu,
            watched.wall,
            share * 100.0
        );
        assert!(
            watched.most_wake_ups <= MAX_WAKE_UPS,
            "waiting threads poll: one of them woke up {} times in {:?}, where a thread \
             blocked in `Condvar::wait` wakes up only when notified. Sleeping and then \
             looking again is polling: wait on the condition variable, without a timeout",
            watched.most_wake_ups,
            watched.wall
        );
    });
}

/// What threads do while they should be blocked, from the kernel's accounts of them in
/// `/proc/self/task` (Linux).
mod idle {
    use std::collections::HashMap;
    use std::thread;
    use std::time::{Duration, Instant};

    /// What the watched threads did.
    pub struct Watched {
        /// CPU time of all of them together.
        pub cpu: Duration,
        pub wall: Duration,
        /// The most wake-ups of one thread.
        pub most_wake_ups: u64,
    }

    /// How long the threads are given to settle (all blocked at once) before the watch
    /// starts anyway: threads that spin never settle.
    const SETTLE_PATIENCE: Duration = Duration::from_secs(2);

    /// The kernel thread id of the calling thread (`/proc/thread-self` is `PID/task/TID`).
    pub fn this_thread() -> u32 {
        let link = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self");
        link.file_name()
            .and_then(|name| name.to_str()?.parse().ok())
            .expect("/proc/thread-self names this thread")
    }

    /// One thread's account, as the kernel keeps it.
    #[derive(Clone, Copy)]
    struct Account {
        /// `utime + stime`, in clock ticks (1/100 s on Linux).
        ticks: u64,
        /// Times the thread blocked and was woken up again.
        wake_ups: u64,
        running: bool,
    }

    /// A thread's account, or `None` if it has ended.
    fn account(tid: u32) -> Option<Account> {
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
        // `TID (NAME) STATE ...`: the name may hold spaces and parentheses, so the fields
        // are counted after the last `)`. After it, field 0 is the state (field 3 of
        // proc(5)), and fields 11 and 12 are utime and stime (fields 14 and 15).
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let running = fields.first()? == &"R";
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
        let wake_ups = status
            .lines()
            .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))?
            .trim()
            .parse()
            .ok()?;
        Some(Account {
            ticks,
            wake_ups,
            running,
        })
    }

    fn accounts(tids: &[u32]) -> HashMap<u32, Account> {
        tids.iter()
            .filter_map(|&tid| Some((tid, account(tid)?)))
            .collect()
    }

    /// Waits until none of `tids` is running (or the patience runs out), then watches them
    /// for `period`.
    pub fn watch(tids: &[u32], period: Duration) -> Watched {
        let settle_by = Instant::now() + SETTLE_PATIENCE;
        while Instant::now() < settle_by && accounts(tids).values().any(|a| a.running) {
            thread::sleep(Duration::from_millis(1));
        }
        let start = accounts(tids);
        let started = Instant::now();
        thread::sleep(period);
        let end = accounts(tids);
        let wall = started.elapsed();
        let mut ticks = 0;
        let mut most_wake_ups = 0;
        for (tid, end) in &end {
            if let Some(start) = start.get(tid) {
                ticks += end.ticks - start.ticks;
                most_wake_ups = most_wake_ups.max(end.wake_ups - start.wake_ups);
            }
        }
        Watched {
            cpu: Duration::from_millis(10 * ticks),
            wall,
            most_wake_ups,
        }
    }
}
