//! Task `pipeline`: results reach the sink in the order of the source; reading overlaps
//! computing, and computations overlap each other on the pool's threads; the window bounds
//! the items in flight with a stuck sink and with a slow item (counted, not timed); a read
//! error and a failing sink stop the pipeline, with the items before them delivered, and
//! every stage ends even when the sink fails while the reader waits for a ticket.

use std::io;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hybrid_exercise::{Limits, PipelineError, pipeline};
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::support::{panic_message, within_deadline};

/// The pool's threads are named, so that a check can tell them from any other thread.
const POOL_THREAD: &str = "the-pool-";

fn pool_of(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("{POOL_THREAD}{i}"))
        .build()
        .expect("the OS starts the pool's threads")
}

fn pool() -> ThreadPool {
    pool_of(2)
}

const LIMITS: Limits = Limits {
    capacity: 4,
    window: 12,
};

/// How long a check waits for something that a right pipeline makes happen at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a check waits for something that a right pipeline never does (read past its
/// window): a wrong one does it at once, as soon as the check lets it. A right pipeline
/// passes however long or short this is; it only costs a right one this much time.
const HOLD: Duration = Duration::from_millis(500);

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
    computed: usize,
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
        self.wait_at_most(PATIENCE, ready)
    }

    /// Waits until `ready` holds, at most `patience`; returns whether it did.
    fn wait_at_most(&self, patience: Duration, ready: impl Fn(&Counts) -> bool) -> bool {
        let deadline = Instant::now() + patience;
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
    // Some items finish after the one behind them: item 10 waits until item 11 is
    // computed, and so on, so that results reach the sink's side out of order.
    let finished = Mutex::new(std::collections::BTreeSet::new());
    let changed = Condvar::new();
    let count = pipeline(
        (0..500usize).map(Ok),
        |i: usize| {
            if i % 100 == 10 {
                let deadline = Instant::now() + HOLD;
                let mut done = finished.lock().unwrap();
                while !done.contains(&(i + 1)) && Instant::now() < deadline {
                    done = changed.wait_timeout(done, HOLD).unwrap().0;
                }
            }
            let output = (i, work(i));
            finished.lock().unwrap().insert(i);
            changed.notify_all();
            output
        },
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
    assert!(
        delivered == expected,
        "the sink must get each result once, in the order of the source; it got items \
         {:?}... Keep the results that come early in a `BTreeMap` by index until their turn",
        delivered
            .iter()
            .map(|&(i, _)| i)
            .take(20)
            .collect::<Vec<_>>()
    );
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

/// A window smaller than what the stages hold between them without one (an item in the
/// reader's hands, `capacity` in each channel, one item on each of the pool's threads):
/// with a stuck sink, only the window keeps the items in flight down to 4.
const TIGHT: Limits = Limits {
    capacity: 8,
    window: 4,
};

#[test]
fn memory_stays_flat_when_the_sink_is_slow() {
    let gauge = Gauge::default();
    pipeline(
        gauge.source(300),
        work,
        |_| {
            if gauge.counts().delivered == 100 {
                // A slow disk: the sink is stuck on item 100, and the reader and the pool
                // could run far ahead. Wait until the window is full, then give a
                // pipeline every chance to read past it.
                gauge.wait_until(|c| c.taken - c.delivered >= TIGHT.window);
                gauge.wait_at_most(HOLD, |c| c.taken - c.delivered > TIGHT.window);
            }
            gauge.update(|c| c.delivered += 1);
            Ok(())
        },
        &pool(),
        TIGHT,
    )
    .expect("nothing fails");
    let counts = gauge.counts();
    assert_eq!(counts.delivered, 300);
    assert!(
        counts.most_in_flight <= TIGHT.window,
        "while the sink was stuck, {} items were taken from the source and not yet given \
         to the sink; the window is {}. Bounded channels alone let the reader run ahead \
         by all they hold: take a ticket before each item, and give it back only after \
         the sink has taken the item",
        counts.most_in_flight,
        TIGHT.window
    );
}

#[test]
fn a_slow_item_does_not_let_the_others_pile_up() {
    let gauge = Gauge::default();
    pipeline(
        gauge.source(300),
        |i| {
            gauge.update(|c| c.computing += 1);
            if i == 100 {
                // Item 100 holds up the sink; the items behind it wait in your reorder
                // buffer. Wait until they fill the window, then give them every chance
                // to pile up beyond it.
                gauge.wait_until(|c| c.taken - c.delivered >= LIMITS.window);
                gauge.wait_at_most(HOLD, |c| c.taken - c.delivered > LIMITS.window);
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
        "while item 100 was slow, {} items piled up behind it; the window is {}. Bounded \
         channels alone do not bound the results waiting for their turn: the window does \
         (a ticket goes back when the sink has taken the item, not when it arrives)",
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
        |i: usize| {
            if i == 39 {
                // Item 39 is still being computed when the error of item 40 reaches the
                // sink's side: the error must wait for its turn, like a result.
                gauge.wait_until(|c| c.taken > 40);
                // Not a race to fix: a right pipeline passes however long this is. It
                // gives the error, which needs no computing, the time to overtake.
                thread::sleep(HOLD);
            }
            i
        },
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
        "every item before the read error goes to the sink, in order, before the error is \
         returned: an error waits for its turn in the reorder buffer, like a result"
    );
    let taken = gauge.counts().taken;
    assert!(
        taken == 41,
        "the source was read on after its error at item 40: {taken} items of 10 000 were \
         taken. The reader stops at an `Err` item, once it has sent it on"
    );
}

/// What a check says when a pipeline does not return after its sink failed.
const HUNG_AFTER_SINK_ERROR: &str = "the pipeline did not return after the sink failed: \
     returning must drop the ticket sender and the results' receiver, so that the reader \
     (waiting for a ticket) and the compute stage stop and the scope can join them. Give \
     the sink's side its channel ends by value (a function that takes them, or a `move` \
     closure), not a closure that only borrows them";

#[test]
fn a_failing_sink_stops_the_source() {
    let gauge = Arc::new(Gauge::default());
    let counting = Arc::clone(&gauge);
    let outcome = within_deadline(HUNG_AFTER_SINK_ERROR, move || {
        let gauge = counting;
        pipeline(
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
        )
    });
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
fn a_sink_error_on_the_slowest_item_ends_every_stage() {
    // The sink fails on item 0, the slowest of its window: by then the reader has taken
    // every ticket and waits for one, and the compute stage, with nothing to compute,
    // waits for an item. Only the sink's side returning, and dropping its channel ends,
    // can stop them.
    const WINDOW: usize = 6;
    let gauge = Arc::new(Gauge::default());
    let counting = Arc::clone(&gauge);
    let outcome = within_deadline(HUNG_AFTER_SINK_ERROR, move || {
        let gauge = counting;
        pipeline(
            gauge.source(1_000),
            |i: usize| {
                if i == 0 {
                    // Waits until the window is full and every other item of it is
                    // computed; at most PATIENCE, so that a pipeline that never reads
                    // ahead is not hung here.
                    gauge.wait_until(|c| c.taken >= WINDOW && c.computed >= WINDOW - 1);
                }
                gauge.update(|c| c.computed += 1);
                work(i)
            },
            |_| Err(io::Error::new(io::ErrorKind::StorageFull, "disk full")),
            &pool_of(3),
            Limits {
                capacity: 2,
                window: WINDOW,
            },
        )
    });
    assert!(
        matches!(outcome, Err(PipelineError::Write { index: 0, .. })),
        "expected `Err(PipelineError::Write {{ index: 0, .. }})`, got {outcome:?}"
    );
    let taken = gauge.counts().taken;
    assert!(
        taken <= WINDOW,
        "{taken} items were taken from the source with a window of {WINDOW}, and the \
         sink never took one"
    );
}

#[test]
fn each_stage_runs_on_its_own_threads() {
    let caller = thread::current().id();
    let readers = Mutex::new(Vec::new());
    let computers = Mutex::new(Vec::new());
    let source = (0..60usize).map(|i| {
        let me = thread::current();
        readers
            .lock()
            .unwrap()
            .push((me.id(), me.name().map(str::to_owned)));
        Ok(i)
    });
    pipeline(
        source,
        |i: usize| {
            let name = thread::current().name().unwrap_or("unnamed").to_owned();
            computers.lock().unwrap().push(name);
            work(i)
        },
        |_| Ok(()),
        &pool_of(3),
        LIMITS,
    )
    .expect("nothing fails");
    for name in computers.into_inner().unwrap() {
        assert!(
            name.starts_with(POOL_THREAD),
            "compute ran on thread `{name}`, not on one of the pool's threads: run the \
             compute stage inside `pool.install` (a `par_bridge` outside it runs on rayon's \
             global pool, whose size nobody chose)"
        );
    }
    for (id, name) in readers.into_inner().unwrap() {
        assert!(
            id != caller,
            "the source was read on the calling thread, which also feeds the sink: read it \
             on a thread of its own, so that reading never waits for the sink"
        );
        let name = name.unwrap_or_default();
        assert!(
            !name.starts_with(POOL_THREAD),
            "the source was read on the pool's thread `{name}`: read it on a thread of its \
             own, and leave the pool's threads to compute"
        );
    }
}

#[test]
fn the_smallest_limits_and_an_empty_source_work() {
    let (count, delivered) = within_deadline(
        "a pipeline with a capacity of 1 and a window of 1 did not finish: with one \
         ticket, the reader takes it, the item goes through, and the sink's side gives \
         it back; fill the ticket channel with `window` tickets before the stages start",
        || {
            let mut delivered = Vec::new();
            let count = pipeline(
                (0..50usize).map(Ok),
                |i| i * 3,
                |output| {
                    delivered.push(output);
                    Ok(())
                },
                &pool(),
                Limits {
                    capacity: 1,
                    window: 1,
                },
            );
            (count.map_err(|e| e.to_string()), delivered)
        },
    );
    assert_eq!(count, Ok(50));
    assert_eq!(delivered, (0..50).map(|i| i * 3).collect::<Vec<_>>());

    let count = within_deadline("a pipeline with an empty source did not return", || {
        pipeline(
            std::iter::empty::<io::Result<usize>>(),
            |i| i,
            |_: usize| -> io::Result<()> { panic!("an empty source gives the sink nothing") },
            &pool(),
            LIMITS,
        )
        .map_err(|e| e.to_string())
    });
    assert_eq!(count, Ok(0), "an empty source: 0 results reached the sink");
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
        let outcome = within_deadline(
            "a pipeline with a limit of 0 did not return: it must panic (`assert!` that both \
             limits are at least 1), not hang",
            move || {
                std::panic::catch_unwind(|| {
                    pipeline((0..3).map(Ok), |i: i32| i, |_| Ok(()), &pool(), limits)
                })
                .map_err(|payload| panic_message(&*payload))
            },
        );
        let message =
            outcome.expect_err("a pipeline with no room for an item must panic, not return");
        assert!(
            message.contains("at least one"),
            "the panic must say that the pipeline needs room for at least one item; it \
             said {message:?}"
        );
    }
}
