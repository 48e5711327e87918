//! `pipeline`: results are written in input order; reads overlap on the I/O threads and
//! computations on the pool's threads; the window bounds the items in flight, with a slow
//! writer and with a slow first item; errors stop the pipeline in order, and a panic comes
//! back to the caller.

use std::io;
use std::panic;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use hybrid_lesson::pipeline::{self, Limits, PipelineError};
use hybrid_lesson::work::checksum;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::support::Gauge;

fn pool(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("compute-{i}"))
        .build()
        .expect("the OS starts the pool's threads")
}

const LIMITS: Limits = Limits {
    readers: 4,
    capacity: 4,
    window: 16,
};

fn value(i: usize) -> u64 {
    checksum(i as u64 * 100..i as u64 * 100 + 100)
}

#[test]
fn results_are_written_in_input_order() {
    let mut written = Vec::new();
    let count = pipeline::run(
        300,
        // Uneven reads and computations, so that items finish out of order.
        |i| {
            thread::sleep(Duration::from_micros((i as u64 * 37) % 300));
            Ok(i)
        },
        |i| (i, value(i)),
        |index, (i, v)| {
            written.push((index, i, v));
            Ok(())
        },
        &pool(2),
        LIMITS,
    )
    .expect("nothing fails");
    assert_eq!(count, 300);
    let expected: Vec<_> = (0..300).map(|i| (i, i, value(i))).collect();
    assert_eq!(written, expected);
}

#[test]
fn the_sequential_baseline_writes_the_same() {
    let mut written = Vec::new();
    let count = pipeline::sequential(50, Ok, value, |i, v| {
        written.push((i, v));
        Ok(())
    })
    .unwrap();
    assert_eq!(count, 50);
    assert_eq!(written, (0..50).map(|i| (i, value(i))).collect::<Vec<_>>());
}

#[test]
fn reads_overlap_on_the_io_threads_and_computations_on_the_pool() {
    let gauge = Gauge::default();
    let threads = Mutex::new(Vec::new());
    let record = |stage: &str| {
        let name = thread::current().name().unwrap_or("unnamed").to_owned();
        threads.lock().unwrap().push((stage.to_owned(), name));
    };
    let caller = thread::current().id();
    pipeline::run(
        40,
        |i| {
            record("read");
            gauge.read_starts();
            // The first three reads wait until a fourth has started: they can only return
            // if four readers are inside `read` at the same time.
            if i < 3 {
                assert!(
                    gauge.wait_until(|c| c.reads >= 4),
                    "four reads were never in progress at the same time"
                );
            }
            Ok(i)
        },
        |i| {
            record("compute");
            gauge.update(|c| c.computing += 1);
            // Likewise, the first computation waits for a second one to start.
            if i < 1 {
                assert!(
                    gauge.wait_until(|c| c.computing >= 2),
                    "two computations were never in progress at the same time"
                );
            }
            i
        },
        |_, _| {
            assert_eq!(thread::current().id(), caller, "write runs on the caller");
            Ok(())
        },
        &pool(2),
        LIMITS,
    )
    .expect("nothing fails");
    for (stage, name) in threads.into_inner().unwrap() {
        let expected = if stage == "read" {
            "reader-"
        } else {
            "compute-"
        };
        assert!(name.starts_with(expected), "{stage} ran on thread {name}");
    }
}

#[test]
fn the_window_bounds_the_items_in_flight_when_the_writer_is_slow() {
    let gauge = Gauge::default();
    pipeline::run(
        400,
        |i| {
            gauge.read_starts();
            Ok(i)
        },
        value,
        |_, _| {
            // A slow disk: the readers and the pool are much faster than this.
            thread::sleep(Duration::from_micros(200));
            gauge.update(|c| c.written += 1);
            Ok(())
        },
        &pool(2),
        LIMITS,
    )
    .expect("nothing fails");
    let counts = gauge.counts();
    assert_eq!(counts.written, 400);
    assert_eq!(
        counts.most_in_flight, LIMITS.window,
        "the readers run ahead of the slow writer as far as the window lets them, no further"
    );
}

#[test]
fn the_window_bounds_the_reorder_buffer_when_one_item_is_slow() {
    let gauge = Gauge::default();
    pipeline::run(
        400,
        |i| {
            gauge.read_starts();
            if i == 0 {
                // Item 0 is stuck until every ticket is taken: all the later items the
                // window allows have been read meanwhile, and wait behind it.
                assert!(
                    gauge.wait_until(|c| c.in_flight() == LIMITS.window),
                    "the other readers did not fill the window while item 0 was stuck"
                );
            }
            Ok(i)
        },
        value,
        |_, _| {
            gauge.update(|c| c.written += 1);
            Ok(())
        },
        &pool(2),
        LIMITS,
    )
    .expect("nothing fails");
    assert_eq!(gauge.counts().written, 400);
    assert_eq!(gauge.counts().most_in_flight, LIMITS.window);
}

#[test]
fn a_read_error_stops_the_pipeline_after_the_items_before_it() {
    let gauge = Gauge::default();
    let mut written = Vec::new();
    let outcome = pipeline::run(
        10_000,
        |i| {
            gauge.read_starts();
            if i == 100 {
                Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "item 100 is missing",
                ))
            } else {
                Ok(i)
            }
        },
        value,
        |i, _| {
            written.push(i);
            Ok(())
        },
        &pool(2),
        LIMITS,
    );
    match outcome {
        Err(PipelineError::Read { index: 100, error }) => {
            assert_eq!(error.to_string(), "item 100 is missing")
        }
        other => panic!("expected the read error of item 100, got {other:?}"),
    }
    assert_eq!(written, (0..100).collect::<Vec<_>>());
    let reads = gauge.counts().reads;
    assert!(
        reads <= 101 + LIMITS.window,
        "the readers stopped: {reads} reads of 10 000"
    );
}

#[test]
fn a_write_error_stops_the_readers() {
    let gauge = Gauge::default();
    let outcome = pipeline::run(
        10_000,
        |i| {
            gauge.read_starts();
            Ok(i)
        },
        value,
        |i, _| {
            if i == 50 {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            } else {
                Ok(())
            }
        },
        &pool(2),
        LIMITS,
    );
    assert!(
        matches!(outcome, Err(PipelineError::Write { index: 50, .. })),
        "{outcome:?}"
    );
    let reads = gauge.counts().reads;
    assert!(
        reads <= 51 + LIMITS.window,
        "the readers stopped: {reads} reads of 10 000"
    );
}

#[test]
fn a_write_error_on_the_slowest_item_ends_every_stage() {
    // The writer fails on item 0, the slowest of its window: by then every ticket is
    // taken and the readers wait for one, and the pool, with nothing to compute, waits
    // for an item. Only the writer's returning, which drops the ticket sender and the
    // results' receiver, can stop them; a writer that kept either alive would hang here.
    const WINDOW: usize = 6;
    let gauge = Arc::new(Gauge::default());
    let counting = Arc::clone(&gauge);
    let (returned, outcome) = mpsc::channel();
    thread::spawn(move || {
        let gauge = counting;
        let outcome = pipeline::run(
            1_000,
            |i| {
                gauge.read_starts();
                Ok(i)
            },
            |i| {
                if i == 0 {
                    // Here `computing` counts the computations finished.
                    gauge.wait_until(|c| c.reads >= WINDOW && c.computing >= WINDOW - 1);
                }
                let v = value(i);
                gauge.update(|c| c.computing += 1);
                v
            },
            |_, _| Err(io::Error::new(io::ErrorKind::StorageFull, "disk full")),
            &pool(3),
            Limits {
                readers: 2,
                capacity: 2,
                window: WINDOW,
            },
        );
        let _ = returned.send(outcome);
    });
    let outcome = outcome
        .recv_timeout(Duration::from_secs(30))
        .expect("the pipeline returns after its writer failed: every stage stopped");
    assert!(
        matches!(outcome, Err(PipelineError::Write { index: 0, .. })),
        "{outcome:?}"
    );
    assert!(gauge.counts().reads <= WINDOW);
}

#[test]
fn a_panic_in_compute_comes_back_to_the_caller_after_the_items_before_it() {
    let mut written = Vec::new();
    let outcome = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        pipeline::run(
            1_000,
            Ok,
            |i| {
                assert!(i != 77, "item 77 is poison");
                i
            },
            |i, _| {
                written.push(i);
                Ok(())
            },
            &pool(2),
            LIMITS,
        )
    }));
    let payload = outcome.expect_err("the panic is re-raised");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert_eq!(message, "item 77 is poison");
    assert_eq!(written, (0..77).collect::<Vec<_>>());
}

#[test]
fn nothing_to_do_is_done_at_once() {
    let written = pipeline::run(
        0,
        |_| -> io::Result<u64> { panic!("no item to read") },
        |v| v,
        |_, _| panic!("no item to write"),
        &pool(1),
        LIMITS,
    );
    assert_eq!(written.unwrap(), 0);
}

#[test]
fn limits_of_zero_are_refused() {
    let outcome = panic::catch_unwind(|| {
        pipeline::run(
            1,
            Ok,
            |v: usize| v,
            |_, _| Ok(()),
            &pool(1),
            Limits {
                window: 0,
                ..LIMITS
            },
        )
    });
    assert!(outcome.is_err());
}
