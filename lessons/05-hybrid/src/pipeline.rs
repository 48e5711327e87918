//! A pipeline: I/O threads that read, a rayon stage that computes, and a writer that
//! writes the results in input order; bounded everywhere.
//!
//! Python guides end on hybrid workloads: some of the work waits (reading files, calling
//! services), some of it computes. Each part wants a different number of threads. Waiting
//! wants many threads, so that the waits overlap; computing wants one thread per core, and
//! no more. A pipeline gives each part its own stage with its own threads, and connects the
//! stages with channels:
//!
//! ```text
//!   read(i) on `readers` I/O threads ──► bounded channel ──► compute on the rayon pool
//!        ▲                                                           │
//!        │ tickets (the window)                               bounded channel
//!        └────────────── ordered writer, on the caller's thread ◄────┘
//! ```
//!
//! Three things keep it correct and its memory flat:
//!
//! - **Bounded channels are backpressure.** Each channel between two stages holds at most
//!   `capacity` items; a stage that runs ahead blocks in `send` until the next stage takes
//!   one. A fast reader cannot fill memory with items the computation has not reached.
//! - **A window bounds what is in flight.** The writer writes in input order, so a result
//!   that arrives early waits in a reorder buffer until its turn. Channels alone do not
//!   bound that buffer: if item 0 is slow to read, every later item can be read, computed
//!   and parked behind it. So a reader takes a *ticket* before it reads an item, and the
//!   writer gives the ticket back once the item is written. `window` tickets exist: that is
//!   the most items that are ever read and not yet written, whatever is slow. A bounded
//!   channel that holds `window` tickets is the semaphore.
//! - **Disconnection is shutdown.** When the readers run out of items they drop their
//!   senders; the compute stage sees the end of its input, finishes, and drops its sender;
//!   the writer sees the end of its input. On an error the same happens in the other
//!   direction: the writer returns, dropping its receiver and the ticket sender, so the
//!   compute stage's `send` fails and the readers run out of tickets. Every thread ends,
//!   and `thread::scope` joins them before [`run`] returns.
//!
//! Errors are reported in input order, like the results: if item 7 cannot be read, items
//! 0 to 6 are written, then [`run`] returns `PipelineError::Read { index: 7, .. }`. A panic
//! in `read` or `compute` travels down the pipeline the same way and is re-raised, with its
//! own message, on the caller's thread once every stage has stopped.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crossbeam::channel::{self, Receiver, Sender};
use rayon::ThreadPool;
use rayon::prelude::*;

// ANCHOR: limits
/// How many I/O threads the pipeline runs, and how much it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The I/O threads that call `read`: as many as the waits you want to overlap.
    pub readers: usize,
    /// How many items each of the two channels between stages holds.
    pub capacity: usize,
    /// The most items that are ever read and not yet written: the pipeline's memory bound.
    pub window: usize,
}
// ANCHOR_END: limits

/// Why a pipeline stopped before writing every item.
#[derive(Debug)]
pub enum PipelineError {
    /// `read(index)` failed; every item before it was written.
    Read { index: usize, error: io::Error },
    /// `write(index, ..)` failed; every item before it was written.
    Write { index: usize, error: io::Error },
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Read { index, error } => write!(f, "reading item {index}: {error}"),
            PipelineError::Write { index, error } => write!(f, "writing item {index}: {error}"),
        }
    }
}

impl std::error::Error for PipelineError {}

/// Why an item has no value, carried down the pipeline in its place so that the writer
/// reports it in input order.
enum Failure {
    Read(io::Error),
    Panic(Box<dyn Any + Send>),
}

/// An item on its way through the pipeline: its index, and its value or failure.
type Carried<T> = (usize, Result<T, Failure>);

// ANCHOR: run
/// Runs `write(i, compute(read(i)))` for every `i` in `0..count`, in a pipeline:
/// `read` on `limits.readers` I/O threads, `compute` on the threads of `pool`, and `write`
/// on the calling thread, in order of `i`. Returns how many items were written.
///
/// # Panics
///
/// If a limit is 0; and re-raises a panic of `read` or `compute`.
pub fn run<I, O, R, C, W>(
    count: usize,
    read: R,
    compute: C,
    mut write: W,
    pool: &ThreadPool,
    limits: Limits,
) -> Result<usize, PipelineError>
where
    I: Send,
    O: Send,
    R: Fn(usize) -> io::Result<I> + Sync,
    C: Fn(I) -> O + Sync,
    W: FnMut(usize, O) -> io::Result<()>,
{
    assert!(
        limits.readers > 0 && limits.capacity > 0 && limits.window > 0,
        "a pipeline needs at least one reader, and room for one item: {limits:?}"
    );
    let (tickets_back, tickets) = channel::bounded::<()>(limits.window);
    for _ in 0..limits.window {
        tickets_back
            .send(())
            .expect("the channel has room for every ticket");
    }
    let (to_compute, inputs) = channel::bounded::<Carried<I>>(limits.capacity);
    let (to_writer, outputs) = channel::bounded::<Carried<O>>(limits.capacity);
    let next_index = AtomicUsize::new(0);
    let (read, compute) = (&read, &compute);

    thread::scope(|s| {
        for n in 0..limits.readers {
            let (tickets, to_compute) = (tickets.clone(), to_compute.clone());
            let next_index = &next_index;
            thread::Builder::new()
                .name(format!("reader-{n}"))
                .spawn_scoped(s, move || {
                    // A ticket first, then the next index: so the smallest index not yet
                    // written always belongs to a reader that holds a ticket, and the
                    // writer, waiting for it, can never wait for a reader that waits for it.
                    while tickets.recv().is_ok() {
                        let index = next_index.fetch_add(1, Ordering::Relaxed);
                        if index >= count {
                            break;
                        }
                        let item = catch(|| read(index)).and_then(|r| r.map_err(Failure::Read));
                        if to_compute.send((index, item)).is_err() {
                            break; // the pipeline has stopped
                        }
                    }
                })
                .expect("the OS starts a reader thread");
        }
        // Only the readers' clones may keep these ends open: when the last reader is done,
        // the compute stage sees the end of its input.
        drop((tickets, to_compute));

        s.spawn(move || compute_stage(pool, inputs, to_writer, compute));

        write_in_order(count, outputs, tickets_back, &mut write)
    })
}
// ANCHOR_END: run

// ANCHOR: compute_stage
/// The compute stage: the pool's threads take items from `inputs` as they come
/// (`par_bridge` turns the channel into a parallel iterator), and send each result on.
fn compute_stage<I, O, C>(
    pool: &ThreadPool,
    inputs: Receiver<Carried<I>>,
    to_writer: Sender<Carried<O>>,
    compute: &C,
) where
    I: Send,
    O: Send,
    C: Fn(I) -> O + Sync,
{
    pool.install(|| {
        // `try_for_each` stops at the first failed `send`: the writer has stopped, and
        // nobody will read what the stage computes. Its error needs no handling: the
        // writer already knows why it stopped.
        let _ = inputs
            .into_iter()
            .par_bridge()
            .try_for_each(|(index, item)| {
                let output = item.and_then(|input| catch(|| compute(input)));
                to_writer.send((index, output))
            });
    });
}
// ANCHOR_END: compute_stage

// ANCHOR: write_in_order
/// The writer: puts results back in input order, writes each one, and gives its ticket
/// back so that a reader may start another item.
fn write_in_order<O, W>(
    count: usize,
    outputs: Receiver<Carried<O>>,
    tickets_back: Sender<()>,
    write: &mut W,
) -> Result<usize, PipelineError>
where
    W: FnMut(usize, O) -> io::Result<()>,
{
    // Results that arrived before their turn; never more than `window` of them.
    let mut early = BTreeMap::new();
    let mut next = 0;
    for (index, item) in outputs {
        early.insert(index, item);
        while let Some(item) = early.remove(&next) {
            match item {
                Ok(output) => write(next, output)
                    .map_err(|error| PipelineError::Write { index: next, error })?,
                Err(Failure::Read(error)) => {
                    return Err(PipelineError::Read { index: next, error });
                }
                // Returning (or unwinding) drops `outputs` and `tickets_back`: the other
                // stages stop, and `thread::scope` joins them before the panic goes on.
                Err(Failure::Panic(payload)) => panic::resume_unwind(payload),
            }
            next += 1;
            // The readers may all be done already, and the ticket unneeded.
            let _ = tickets_back.send(());
        }
    }
    assert_eq!(next, count, "every item comes out of the compute stage");
    Ok(next)
}
// ANCHOR_END: write_in_order

/// Runs `f`, turning a panic into a [`Failure`] that the writer re-raises in order.
/// `AssertUnwindSafe`: after a panic, the pipeline stops at that item and never shows a
/// result computed from state the panic may have left half-updated.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(Failure::Panic)
}

// ANCHOR: sequential
/// The same work on the calling thread, one item after another: the baseline.
pub fn sequential<I, O>(
    count: usize,
    read: impl Fn(usize) -> io::Result<I>,
    compute: impl Fn(I) -> O,
    mut write: impl FnMut(usize, O) -> io::Result<()>,
) -> Result<usize, PipelineError> {
    for index in 0..count {
        let input = read(index).map_err(|error| PipelineError::Read { index, error })?;
        write(index, compute(input)).map_err(|error| PipelineError::Write { index, error })?;
    }
    Ok(count)
}
// ANCHOR_END: sequential
