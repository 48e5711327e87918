//! Task `process-pool`, the worker's side: serve jobs on a thread pool of its own.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::thread;

use crossbeam::channel;

use crate::frame::{read_frame, write_frame};
use crate::work::{Job, Reply, execute};

/// Reads [`Job`] frames from `input` until it ends, runs each job on a rayon pool of
/// `threads` threads with [`execute`], and writes one [`Reply`] frame per job to `output`,
/// in the order the jobs finish. Returns once every job has been replied to.
pub fn serve(threads: usize, input: impl Read, output: impl Write + Send) -> io::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(io::Error::other)?;
    let (replies, outbox) = channel::unbounded::<Reply>();
    let mut input = BufReader::new(input);
    thread::scope(|s| {
        // One thread writes every reply: frames written by several threads could interleave.
        let writer = s.spawn(move || -> io::Result<()> {
            let mut output = BufWriter::new(output);
            for reply in outbox {
                write_frame(&mut output, &reply)?;
            }
            Ok(())
        });
        let reading = pool.in_place_scope(|jobs| -> io::Result<()> {
            while let Some(job) = read_frame::<Job>(&mut input)? {
                let replies = replies.clone();
                jobs.spawn(move |_| {
                    let value = execute(&job);
                    let _ = replies.send(Reply { id: job.id, value });
                });
            }
            Ok(())
        });
        drop(replies);
        let writing = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        reading.and(writing)
    })
}
