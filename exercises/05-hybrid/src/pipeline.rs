//! Task `pipeline`: a reader thread, a rayon compute stage and an ordered sink, connected
//! by bounded channels, with a window that keeps memory flat.

use std::fmt;
use std::io;

use rayon::ThreadPool;

/// How much the pipeline may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How many items each channel between two stages holds.
    pub capacity: usize,
    /// The most items taken from the source and not yet given to the sink, at any time.
    pub window: usize,
}

/// Why the pipeline stopped before the end of the source.
#[derive(Debug)]
pub enum PipelineError {
    /// Item `index` of the source was an error; the items before it went to the sink.
    Read { index: usize, error: io::Error },
    /// The sink failed on item `index`; the items before it went to the sink.
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

/// Takes items from `source` on a thread of its own, computes `compute(item)` on the
/// threads of `pool`, and gives the results to `sink` on the calling thread, in the
/// order of the source. Returns how many results went to the sink.
///
/// # Panics
///
/// If `limits.capacity` or `limits.window` is 0, with a message that says the pipeline
/// needs room for at least one item.
pub fn pipeline<I, O, S, C, W>(
    source: S,
    compute: C,
    mut sink: W,
    pool: &ThreadPool,
    limits: Limits,
) -> Result<usize, PipelineError>
where
    I: Send,
    O: Send,
    S: Iterator<Item = io::Result<I>> + Send,
    C: Fn(I) -> O + Sync,
    W: FnMut(O) -> io::Result<()>,
{
    // Write `pipeline` here:
    // 1. `assert!` that both limits are at least 1 ("a pipeline needs room for at least
    //    one item"). Make three `crossbeam::channel::bounded` channels: one of capacity
    //    `limits.window`, filled with `window` tickets `()`; and two of capacity
    //    `limits.capacity`, for `(index, io::Result<I>)` and `(index, io::Result<O>)`.
    // 2. In a `std::thread::scope`: a reader thread that, for each item, first takes a
    //    ticket (`recv`), then the next item of `source`, and sends it on with its index;
    //    it stops at the end of the source, at an `Err` item (after sending it), or when
    //    its `send` fails.
    // 3. A compute thread: `pool.install(|| receiver.into_iter().par_bridge()
    //    .try_for_each(|(i, item)| sender.send((i, item.map(&compute)))))`.
    // 4. On the calling thread: receive results, keep those that come early in a
    //    `BTreeMap` by index, and give each one to `sink` in index order; after each,
    //    send a ticket back. An `Err` item or a failing sink returns the error with the
    //    item's index, once every item before it has gone to the sink. Returning must
    //    drop your channel ends (the results' receiver and the ticket sender), which
    //    stops the other stages: the reader may be waiting for a ticket. Write this part
    //    as a function that takes them by value; a closure that only borrows the ticket
    //    sender keeps it alive, and `thread::scope` then waits forever for the reader.
    todo!("reader thread -> bounded channel -> rayon -> bounded channel -> ordered sink")
}
