//! Task `pipeline`: a reader thread, a rayon compute stage and an ordered sink, connected
//! by bounded channels, with a window that keeps memory flat.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::thread;

use crossbeam::channel::{self, Receiver, Sender};
use rayon::ThreadPool;
use rayon::prelude::*;

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
    sink: W,
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
    assert!(
        limits.capacity > 0 && limits.window > 0,
        "a pipeline needs room for at least one item: {limits:?}"
    );
    // `window` tickets in a bounded channel: a reader takes one before each item, the
    // sink's side gives it back once the item has gone to the sink.
    let (tickets_back, tickets) = channel::bounded::<()>(limits.window);
    for _ in 0..limits.window {
        tickets_back.send(()).expect("room for every ticket");
    }
    let (to_compute, inputs) = channel::bounded::<(usize, io::Result<I>)>(limits.capacity);
    let (to_sink, outputs) = channel::bounded::<(usize, io::Result<O>)>(limits.capacity);
    let compute = &compute;

    thread::scope(|s| {
        s.spawn(move || {
            let mut source = source;
            let mut index = 0;
            while tickets.recv().is_ok() {
                let Some(item) = source.next() else {
                    break;
                };
                let failed = item.is_err();
                if to_compute.send((index, item)).is_err() || failed {
                    break;
                }
                index += 1;
            }
        });
        s.spawn(move || {
            pool.install(|| {
                // Stops at the first failed send: the sink's side has stopped.
                let _ = inputs
                    .into_iter()
                    .par_bridge()
                    .try_for_each(|(index, item)| to_sink.send((index, item.map(compute))));
            });
        });

        // The sink's side takes its channel ends by value: however it returns,
        // they are dropped, and that is what stops the other two stages.
        deliver_in_order(outputs, tickets_back, sink)
    })
}

/// The sink's side: puts the results back in the order of the source, gives
/// each to `sink`, and gives its ticket back. Returning (with the count or an
/// error) drops `outputs` and `tickets_back`: the compute stage's next `send`
/// fails, and the reader, out of tickets, sees the channel closed. Without that
/// drop, a reader waiting for a ticket would wait forever, and so would the
/// `thread::scope` that joins it.
fn deliver_in_order<O>(
    outputs: Receiver<(usize, io::Result<O>)>,
    tickets_back: Sender<()>,
    mut sink: impl FnMut(O) -> io::Result<()>,
) -> Result<usize, PipelineError> {
    // Results that came before their turn; the window bounds how many.
    let mut early = BTreeMap::new();
    let mut next = 0;
    for (index, item) in outputs {
        early.insert(index, item);
        while let Some(item) = early.remove(&next) {
            let index = next;
            let output = match item {
                Ok(output) => output,
                Err(error) => return Err(PipelineError::Read { index, error }),
            };
            if let Err(error) = sink(output) {
                return Err(PipelineError::Write { index, error });
            }
            next += 1;
            // The reader may be done already, and the ticket unneeded.
            let _ = tickets_back.send(());
        }
    }
    Ok(next)
}
