//! Task `pipeline`: results reach the sink in the order of the source; reading overlaps
//! computing, and computations overlap each other on the pool; the window bounds the items
//! in flight with a slow sink and with a slow item; a read error and a failing sink stop
//! the pipeline, with the items before them delivered.

use std::io;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hybrid_exercise::{Limits, PipelineError, pipeline};
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::support::panic_message;

fn pool() -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("the OS starts two threads")
}

const LIMITS: Limits = Limits {
    capacity: 4,
    window: 12,
};

/// How long a check waits for something that a right pipeline makes happen at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// Counts what went through the pipeline: items taken from the source, computations
/// begun, items given to the sink, and the most items ever in between.
#[derive(Default)]
struct Gauge {
    counts: Mutex<Counts>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    taken: usize,
    computing: usize,
    delivered: usize,
    most_in_flight: usize,
}

impl Gauge {
    fn update(&self, change: impl FnOnce(&mut Counts)) {
        let mut counts = self.counts.lock().unwrap();
        change(&mut counts);
        counts.most_in_flight = counts.most_in_flight.max(counts.taken - counts.delivered);
        self.changed.notify_all();
    }

    fn counts(&self) -> Counts {
        *self.counts.lock().unwrap()
    }

    /// Waits until `ready` holds, at most [`PATIENCE`]; returns whether it did.
    fn wait_until(&self, ready: impl Fn(&Counts) -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let mut counts = self.counts.lock().unwrap();
        while !ready(&counts) {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            counts = self.changed.wait_timeout(counts, deadline - now).unwrap().0;
        }
        true
    }

    /// A source of `n` items, `0..n`, that counts what is taken from it.
    fn source(&self, n: usize) -> impl Iterator<Item = io::Result<usize>> + Send + '_ {
        (0..n).map(|i| {
            self.update(|c| c.taken += 1);
            Ok(i)
        })
    }
}

fn work(i: usize) -> u64 {
    (0..2_000u64).fold(i as u64, |z, k| {
        z.rotate_left(5) ^ k.wrapping_mul(0x9e37_79b9)
    })
}

#[test]
fn results_reach_the_sink_in_the_order_of_the_source() {
    let mut delivered = Vec::new();
    let source = (0..500usize).map(|i| {
        // Uneven items, so that they finish out of order.
        thread::sleep(Duration::from_micros((i as u64 * 37) % 200));
        Ok(i)
    });
    let count = pipeline(
        source,
        |i: usize| (i, work(i)),
        |r| {
            delivered.push(r);
            Ok(())
        },
        &pool(),
        LIMITS,
    )
    .expect("nothing fails");
    assert_eq!(
        count, 500,
        "pipeline returns how many results reached the sink"
    );
    let expected: Vec<(usize, u64)> = (0..500).map(|i| (i, work(i))).collect();
    assert_eq!(delivered, expected);
}

#[test]
fn reading_overlaps_computing_and_computations_overlap() {
    let gauge = Gauge::default();
    let source = (0..20usize).map(|i| {
        gauge.update(|c| c.taken += 1);
        if i == 2 {
            // Item 2 is read only once item 0 is being computed: the source must be read
            // on a thread of its own, while the pool computes.
            assert!(
                gauge.wait_until(|c| c.computing >= 1),
                "item 0 was not being computed while the source was read: read the source \
                 on a thread of its own, and send items on as soon as they are read"
            );
        }
        Ok(i)
    });
    pipeline(
        source,
        |i: usize| {
            gauge.update(|c| c.computing += 1);
            if i == 0 {
                assert!(
                    gauge.wait_until(|c| c.computing >= 2),
                    "no second item was computed while item 0 was: compute on the pool's \
                     threads (`par_bridge`), not one item after another"
                );
            }
            i
        },
        |_| Ok(()),
        &pool(),
        LIMITS,
    )
    .expect("nothing fails");
}

#[test]
fn memory_stays_flat_when_the_sink_is_slow() {
    let gauge = Gauge::default();
    pipeline(
        gauge.source(300),
        work,
        |_| {
            // A slow disk: the reader and the pool are much faster than this.
            thread::sleep(Duration::from_micros(300));
            gauge.update(|c| c.delivered += 1);
            Ok(())
        },
        &pool(),
        LIMITS,
    )
    .expect("nothing fails");
    let counts = gauge.counts();
    assert_eq!(counts.delivered, 300);
    assert!(
        counts.most_in_flight <= LIMITS.window,
        "{} items were taken from the source and not yet given to the sink at one time; \
         the window is {}. Take a ticket before each item, give it back after the sink",
        counts.most_in_flight,
        LIMITS.window
    );
}

#[test]
fn a_slow_item_does_not_let_the_others_pile_up() {
    let gauge = Gauge::default();
    pipeline(
        gauge.source(300),
        |i| {
            gauge.update(|c| c.computing += 1);
            if i == 0 {
                // Item 0 holds up the sink; the items behind it wait in your reorder
                // buffer. Give them every chance to pile up.
                gauge.wait_until(|c| c.taken - c.delivered >= LIMITS.window);
            }
            work(i)
        },
        |_| {
            gauge.update(|c| c.delivered += 1);
            Ok(())
        },
        &pool(),
        LIMITS,
    )
    .expect("nothing fails");
    let counts = gauge.counts();
    assert!(
        counts.most_in_flight <= LIMITS.window,
        "while item 0 was slow, {} items piled up behind it; the window is {}. Bounded \
         channels alone do not bound the results waiting for their turn: the window does",
        counts.most_in_flight,
        LIMITS.window
    );
}

#[test]
fn a_read_error_is_reported_after_the_items_before_it() {
    let gauge = Gauge::default();
    let source = (0..10_000usize).map(|i| {
        gauge.update(|c| c.taken += 1);
        if i == 40 {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "item 40 is corrupt",
            ))
        } else {
            Ok(i)
        }
    });
    let mut delivered = Vec::new();
    let outcome = pipeline(
        source,
        |i: usize| i,
        |i| {
            delivered.push(i);
            Ok(())
        },
        &pool(),
        LIMITS,
    );
    match outcome {
        Err(PipelineError::Read { index: 40, error }) => {
            assert_eq!(error.to_string(), "item 40 is corrupt")
        }
        other => panic!("expected `Err(PipelineError::Read {{ index: 40, .. }})`, got {other:?}"),
    }
    assert_eq!(
        delivered,
        (0..40).collect::<Vec<_>>(),
        "every item before it, in order"
    );
    let taken = gauge.counts().taken;
    assert!(
        taken <= 41 + LIMITS.window,
        "the source was read on after the error: {taken} items of 10 000"
    );
}

#[test]
fn a_failing_sink_stops_the_source() {
    let gauge = Gauge::default();
    let outcome = pipeline(
        gauge.source(10_000),
        work,
        |_| {
            let delivered = gauge.counts().delivered;
            if delivered == 25 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            gauge.update(|c| c.delivered += 1);
            Ok(())
        },
        &pool(),
        LIMITS,
    );
    assert!(
        matches!(outcome, Err(PipelineError::Write { index: 25, .. })),
        "expected `Err(PipelineError::Write {{ index: 25, .. }})`, got {outcome:?}"
    );
    let taken = gauge.counts().taken;
    assert!(
        taken <= 26 + LIMITS.window,
        "the source was read on after the sink failed: {taken} items of 10 000. Returning \
         drops your end of the channels; the other stages must stop when theirs fail"
    );
}

#[test]
fn limits_of_zero_are_refused() {
    for limits in [
        Limits {
            capacity: 0,
            window: 4,
        },
        Limits {
            capacity: 4,
            window: 0,
        },
    ] {
        let outcome = std::panic::catch_unwind(|| {
            pipeline((0..3).map(Ok), |i: i32| i, |_| Ok(()), &pool(), limits)
        });
        let payload = outcome.expect_err("a pipeline with no room must panic, not hang");
        let message = panic_message(&*payload);
        assert!(
            message.contains("at least one"),
            "the panic must say that the pipeline needs room for at least one item; it \
             said {message:?}"
        );
    }
}
