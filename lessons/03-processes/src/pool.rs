//! A process per task, or a pool of processes; and CPU-bound work on a pool of worker
//! processes against the same work on a pool of threads.
//!
//! Starting a process costs far more than starting a thread. The OS creates a new address
//! space, loads the program (`execve`), the dynamic linker maps its libraries, the runtime
//! starts, and at the end all of it is torn down and reaped. A thread shares everything
//! that already exists. `benches/processes.rs` measures both (group `spawn`): a process
//! spawned and waited for, a thread spawned and joined, a task handed to a thread pool,
//! and a request sent to a worker process that is already running.
//!
//! The last one is why process pools exist, in Rust as in Python's
//! `multiprocessing.Pool`: start the workers once, then send them work. Here a
//! [`ProcessPool`] keeps its workers (copies of this program, [`crate::worker`]) running,
//! each connected by two pipes: the pool writes a request, `START END`, on a worker's
//! stdin, and reads the reply, the checksum of that range, from its stdout. A request is
//! a line of text: the explicit communication that processes need, because they share no
//! memory. (Lesson 04 is about doing it faster.)
//!
//! For CPU-bound work cut into a few large pieces, the cost of a request is nothing next
//! to the work, and a pool of N worker processes computes about as fast as a pool of N
//! threads: [`ProcessPool::checksum`] against [`on_thread_pool`] (group `cpu`). Work cut
//! into many tiny pieces is another matter: each piece sent to a process pays for a trip
//! through two pipes and two context switches, more than a task handed to a thread pool
//! (`spawn/process_pool_task` against `spawn/thread_pool_task`). In Python, processes are
//! how CPU-bound work gets more than one core. In Rust, threads already do; processes are
//! worth their cost when you need what only they give: a crash that stays in one worker
//! ([`crate::faults`]), a separate program, separate limits.

use std::hint::black_box;
use std::io::{self, BufRead, BufReader, Write};
use std::ops::Range;
use std::process::{ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::thread;

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::lifecycle::ChildGuard;
use crate::worker::{Task, Worker};

// ANCHOR: work
/// How many rounds of [`mix`] each value goes through.
pub const ROUNDS: u32 = 16;

/// One round of a 64-bit mixing function (SplitMix64's finaliser): the compiler cannot
/// skip or shortcut the rounds, so the work is real.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The CPU-bound job: the wrapping sum of [`ROUNDS`] rounds of [`mix`] over every value of
/// `range`. Every value costs the same, so equal ranges are equal work.
pub fn checksum(range: Range<u64>) -> u64 {
    range.fold(0, |sum, value| {
        let mixed = (0..ROUNDS).fold(value, |z, _| mix(z));
        sum.wrapping_add(mixed)
    })
}
// ANCHOR_END: work

/// `range` cut into `parts` contiguous ranges whose lengths differ by at most one.
///
/// # Panics
///
/// If `parts` is 0.
pub fn split(range: Range<u64>, parts: usize) -> Vec<Range<u64>> {
    assert!(parts > 0, "a range cannot be split into 0 parts");
    let len = range.end.saturating_sub(range.start);
    let (base, extra) = (len / parts as u64, len % parts as u64);
    let mut start = range.start;
    (0..parts as u64)
        .map(|i| {
            let end = start + base + u64::from(i < extra);
            let part = start..end;
            start = end;
            part
        })
        .collect()
}

/// A request line, `START END`, as a worker reads it.
pub fn parse_request(line: &str) -> Option<Range<u64>> {
    let (start, end) = line.trim().split_once(' ')?;
    Some(start.parse().ok()?..end.parse().ok()?)
}

// ANCHOR: process_pool
/// Worker processes started once, that compute checksums sent to them through pipes.
pub struct ProcessPool {
    workers: Vec<PoolWorker>,
}

/// One running worker and the parent's ends of its two pipes.
struct PoolWorker {
    requests: ChildStdin,
    replies: BufReader<ChildStdout>,
    // Declared last, so dropped last: its stdin is already closed when the guard kills
    // and reaps it.
    process: ChildGuard,
}

impl ProcessPool {
    /// Starts `size` workers ([`Task::Serve`]). If one fails to start, those already
    /// started are killed and reaped (their guards are dropped) and the error returned.
    ///
    /// # Panics
    ///
    /// If `size` is 0.
    pub fn start(worker: &Worker, size: usize) -> io::Result<ProcessPool> {
        assert!(size > 0, "a process pool needs at least one worker");
        let mut workers = Vec::with_capacity(size);
        for _ in 0..size {
            let mut process = ChildGuard::spawn(
                worker
                    .command(&Task::Serve)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit()),
            )?;
            let requests = process.stdin.take().expect("stdin is piped");
            let replies = BufReader::new(process.stdout.take().expect("stdout is piped"));
            workers.push(PoolWorker {
                requests,
                replies,
                process,
            });
        }
        Ok(ProcessPool { workers })
    }

    /// The pids of the worker processes.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(|w| w.process.id()).collect()
    }

    /// The checksum of `range`, computed by the workers: one part of the range each.
    ///
    /// Every request is sent before any reply is read, so all the workers compute at the
    /// same time; then the replies are read, one per worker. (Reading each reply right
    /// after its request would make the workers take turns.)
    ///
    /// An error (a worker died, a reply was not a number) can leave replies unread in the
    /// other pipes, so the pool cannot be trusted with another request: drop it, which
    /// kills and reaps every worker.
    pub fn checksum(&mut self, range: Range<u64>) -> io::Result<u64> {
        let parts = split(range, self.workers.len());
        for (worker, part) in self.workers.iter_mut().zip(&parts) {
            writeln!(worker.requests, "{} {}", part.start, part.end)?;
            worker.requests.flush()?;
        }
        let mut sum = 0u64;
        for worker in &mut self.workers {
            let mut reply = String::new();
            if worker.replies.read_line(&mut reply)? == 0 {
                let pid = worker.process.id();
                return Err(io::Error::other(format!("worker {pid} died")));
            }
            let value: u64 = reply.trim().parse().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad reply {reply:?}"))
            })?;
            sum = sum.wrapping_add(value);
        }
        Ok(sum)
    }

    /// Stops the pool gracefully: closes every worker's stdin, which tells it to stop, and
    /// reaps each one. Returns how each ended (all `0` unless something went wrong).
    ///
    /// Dropping the pool instead kills the workers (their guards do), which is the right
    /// thing on an error path, but not the polite way to end.
    pub fn shut_down(self) -> io::Result<Vec<ExitStatus>> {
        let mut statuses = Vec::with_capacity(self.workers.len());
        for PoolWorker {
            requests,
            replies,
            mut process,
        } in self.workers
        {
            drop(requests); // end-of-file on the worker's stdin: it returns from `serve`
            drop(replies);
            statuses.push(process.wait()?);
        }
        Ok(statuses)
    }
}
// ANCHOR_END: process_pool

// ANCHOR: on_thread_pool
/// The same job on a rayon pool of threads, cut into the same parts as the process pool
/// cuts it: one per thread.
pub fn on_thread_pool(pool: &ThreadPool, range: Range<u64>) -> u64 {
    let parts = split(range, pool.current_num_threads());
    pool.install(|| {
        parts
            .into_par_iter()
            .map(checksum)
            .reduce(|| 0, u64::wrapping_add)
    })
}
// ANCHOR_END: on_thread_pool

// ANCHOR: spawn_costs
/// The fixed cost of a task done by a new process: spawn a worker that exits at once, and
/// wait for it.
pub fn process_spawn_and_wait(worker: &Worker) -> io::Result<ExitStatus> {
    worker
        .command(&Task::Exit(0))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
}

/// The fixed cost of a task done by a new thread: spawn a thread, join it.
pub fn thread_spawn_and_join() -> u64 {
    thread::spawn(|| black_box(1))
        .join()
        .expect("the thread does not panic")
}

/// The fixed cost of a task done by a running worker process: one request, one reply.
pub fn process_pool_task(pool: &mut ProcessPool) -> io::Result<u64> {
    pool.checksum(0..1)
}

/// The fixed cost of a task done by a thread that already exists: hand it to a pool.
pub fn thread_pool_task(pool: &ThreadPool) -> u64 {
    pool.install(|| black_box(1))
}
// ANCHOR_END: spawn_costs
