//! Task `process-pool`, the worker's side: serve jobs on a thread pool of its own.

use std::io::{self, Read, Write};

/// Reads [`Job`](crate::work::Job) frames from `input` until it ends, runs each job on a
/// rayon pool of `threads` threads with [`execute`](crate::work::execute), and writes one
/// [`Reply`](crate::work::Reply) frame per job to `output`, in the order the jobs finish.
/// Returns once every job has been replied to.
pub fn serve(threads: usize, input: impl Read, output: impl Write + Send) -> io::Result<()> {
    // Write `serve` here:
    // 1. Build a pool: `rayon::ThreadPoolBuilder::new().num_threads(threads).build()`
    //    (its error into `io::Error::other`).
    // 2. One writer thread owns `output` (wrapped in a `BufWriter`) and writes every reply
    //    it receives from a channel with `crate::frame::write_frame`: frames written by
    //    several threads at once could interleave.
    // 3. On this thread, inside `pool.in_place_scope(|jobs| ...)`, read jobs with
    //    `crate::frame::read_frame::<Job>` until it returns `Ok(None)`, and `jobs.spawn` each
    //    one: compute `execute(&job)` and send `Reply { id: job.id, value }` to the writer.
    //    The scope returns when every spawned job has finished.
    // 4. Drop the last sender, join the writer, and return the first error of either side.
    todo!("read jobs, run them on a rayon pool, write the replies from one thread")
}
