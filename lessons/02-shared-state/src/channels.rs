//! Channels: instead of sharing data behind a lock, send it to the thread that needs it.
//!
//! A channel is a queue with a sending end and a receiving end, each of which can be given
//! to a different thread. What is sent is *moved*: once sent, the value belongs to the
//! receiver, and the sender can no longer touch it. No lock to forget, no data shared at
//! all. Go's motto says it: "do not communicate by sharing memory; share memory by
//! communicating".
//!
//! Three properties make channels a tool for structuring threads, not only for moving data:
//!
//! - **Bounded capacity is backpressure.** `std::sync::mpsc::sync_channel(n)` and
//!   `crossbeam::channel::bounded(n)` hold at most `n` messages; a `send` into a full channel
//!   waits until the receiver takes one. A producer faster than its consumer is slowed to the
//!   consumer's pace instead of filling memory ([`first_squares`]). `mpsc::channel()` and
//!   `crossbeam::channel::unbounded()` never block the sender, and never stop it either.
//! - **Disconnection is shutdown.** When every sender is dropped, the receiver gets the
//!   messages still queued and then an error, which ends a `for message in receiver` loop:
//!   a producer finishing is how its consumer learns to stop ([`map_on_workers`]). In the
//!   other direction, once the receiver is dropped every `send` fails and returns the
//!   message, so a producer learns that nobody listens any more ([`first_squares`]).
//! - **`select!` waits on several channels at once** (crossbeam): the first one ready wins.
//!   That is how a worker listens for work *and* for a shutdown signal ([`collect_until`]).
//!
//! std's channels are *multi-producer, single-consumer*: a `Sender` can be cloned, a
//! `Receiver` cannot. crossbeam's are *multi-producer, multi-consumer*: several workers can
//! share one queue of jobs by cloning the receiver, with no `Mutex` around it (compare
//! lesson 01's thread pool). [`send_through_std`] and [`send_through_crossbeam`] move the
//! same messages through each, for the benchmarks: at capacity 1 the two differ by more
//! than an order of magnitude, for a reason the chapter explains.

use std::sync::mpsc;
use std::thread;

use crossbeam::channel::{self, Receiver};
use crossbeam::select;

// ANCHOR: map_on_workers
/// Computes `f(item)` for every item on `workers` threads, and returns the results in the
/// order of `items`.
///
/// The jobs go out through one crossbeam channel shared by all the workers (each clones its
/// receiving end), the results come back through one std channel (each worker clones its
/// sending end). Nothing is shared behind a lock, and shutdown is only disconnection.
///
/// # Panics
///
/// If `workers` is 0, or re-raises the panic of a worker in which `f` panicked.
pub fn map_on_workers<T, R, F>(items: Vec<T>, workers: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    assert!(workers > 0, "map_on_workers needs at least one worker");
    let count = items.len();
    // A bounded job queue: the loop below that feeds it waits whenever the workers are
    // `workers` jobs behind, instead of queueing every item at once.
    let (jobs, job_queue) = channel::bounded::<(usize, T)>(workers);
    let (results, result_queue) = mpsc::channel::<(usize, R)>();
    let f = &f;
    let slots = thread::scope(|s| {
        for _ in 0..workers {
            let (job_queue, results) = (job_queue.clone(), results.clone());
            s.spawn(move || {
                // Ends when the queue is empty and every `jobs` sender has been dropped.
                for (index, item) in job_queue {
                    // Only fails if the receiving end is gone, which happens only if this
                    // function is unwinding from a panic: stop quietly then.
                    if results.send((index, f(item))).is_err() {
                        return;
                    }
                }
            });
        }
        // The originals are not needed here; a leftover `results` sender would keep the
        // result queue connected, and the collecting loop below would never end.
        drop((job_queue, results));
        for job in items.into_iter().enumerate() {
            // Fails only if every worker has gone, which only a panic in `f` does; the
            // scope re-raises that panic when it ends.
            if jobs.send(job).is_err() {
                break;
            }
        }
        // Disconnect: the workers finish the queued jobs and their loops end.
        drop(jobs);
        let mut slots: Vec<Option<R>> = (0..count).map(|_| None).collect();
        // Ends when every worker has dropped its `results` sender, i.e. has finished.
        for (index, result) in result_queue {
            slots[index] = Some(result);
        }
        slots
    });
    // `scope` re-raises the panic of a worker that panicked, so reaching this line means
    // that every job ran and sent its result back.
    slots
        .into_iter()
        .map(|slot| slot.expect("every job sends back exactly one result"))
        .collect()
}
// ANCHOR_END: map_on_workers

// ANCHOR: first_squares
/// The first `n` square numbers, produced by a thread that knows nothing of `n`: it sends
/// squares for as long as anyone receives them. Returns the squares and how many the
/// producer computed in all.
///
/// The producer stops because the receiver is dropped (its next `send` fails), and it runs
/// ahead of the consumer by at most the channel's `capacity` (plus the one square it is
/// trying to send): it computes at most `n + capacity + 1` squares, however fast it is.
pub fn first_squares(n: usize, capacity: usize) -> (Vec<u64>, u64) {
    let (sender, receiver) = mpsc::sync_channel::<u64>(capacity);
    let producer = thread::spawn(move || {
        let mut computed = 0;
        for i in 0u64.. {
            computed += 1;
            // Blocks while the channel is full; fails once the receiver is dropped.
            if sender.send(i * i).is_err() {
                break;
            }
        }
        computed
    });
    let squares: Vec<u64> = receiver.iter().take(n).collect();
    // Hang up: the producer's pending or next `send` fails, and it returns.
    drop(receiver);
    let computed = producer.join().expect("the producer panicked");
    (squares, computed)
}
// ANCHOR_END: first_squares

// ANCHOR: collect_until
/// Why [`collect_until`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// A message arrived on the shutdown channel.
    ShutDown,
    /// Every sender of the job channel was dropped.
    Disconnected,
}

/// Receives jobs until told to stop, or until nobody can send any more, and returns the
/// jobs received and why it stopped.
pub fn collect_until<T>(jobs: &Receiver<T>, shutdown: &Receiver<()>) -> (Vec<T>, Stopped) {
    let mut received = Vec::new();
    loop {
        // Waits until one of the two channels has a message (or is disconnected). If both
        // are ready at once, `select!` picks one at random: a shutdown signal is not
        // ordered after jobs sent just before it.
        select! {
            recv(jobs) -> job => match job {
                Ok(job) => received.push(job),
                Err(_) => return (received, Stopped::Disconnected),
            },
            // Dropping every shutdown sender also counts as the signal.
            recv(shutdown) -> _ => return (received, Stopped::ShutDown),
        }
    }
}
// ANCHOR_END: collect_until

// ANCHOR: send_through
/// Sends `0..messages` from a new thread through a `std::sync::mpsc::sync_channel` of
/// `capacity`, and returns the sum of what this thread received.
pub fn send_through_std(capacity: usize, messages: u64) -> u64 {
    let (sender, receiver) = mpsc::sync_channel(capacity);
    thread::scope(|s| {
        s.spawn(move || {
            for i in 0..messages {
                sender.send(i).expect("the receiver outlives the producer");
            }
        });
        receiver.iter().sum()
    })
}

/// The same through a `crossbeam::channel::bounded` of `capacity`.
pub fn send_through_crossbeam(capacity: usize, messages: u64) -> u64 {
    let (sender, receiver) = channel::bounded(capacity);
    thread::scope(|s| {
        s.spawn(move || {
            for i in 0..messages {
                sender.send(i).expect("the receiver outlives the producer");
            }
        });
        receiver.iter().sum()
    })
}
// ANCHOR_END: send_through
