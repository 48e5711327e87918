//! What a worker costs in memory: one more process against one more thread (Linux).
//!
//! Linux counts a process's resident memory several ways, in `/proc/PID/smaps_rollup`:
//!
//! - **RSS** (resident set size): every page of the process that is in RAM, including
//!   pages it shares with other processes: the C library's code, the program's own code
//!   when several copies of it run. Adding up the RSS of many processes counts those
//!   shared pages many times over.
//! - **PSS** (proportional set size): each shared page divided by the number of processes
//!   that share it. The PSS of several processes adds up to the memory they really use.
//! - **private dirty**: pages that only this process has written to: its heap, its
//!   stacks, its copy of the writable data of the program and of every library. Nothing
//!   else can share them, and the system gets them back when the process exits.
//!
//! A new process needs all of those written pages for itself, and its own *page tables*,
//! the kernel's map from its addresses to memory (`VmPTE` in `/proc/PID/status`). A new
//! thread shares all of that. It gets a stack: 2 MiB of address space are reserved for
//! it, but only the pages it touches become resident, a few KiB for a thread that waits.
//! (Both also cost the kernel a few KiB of its own, a kernel stack and a task structure,
//! that no figure here shows.)
//!
//! [`measure`] compares them with the same program in the same state: `workers` idle
//! worker processes ([`Task::Idle`] with no extra thread), and beside them one idle
//! worker process that has started `workers` idle threads. All of them run while they are
//! measured, so they all share the same pages with each other. Every worker waits for its
//! stdin to close, so nothing changes while the pages are counted. The example
//! `cargo run --release -p lesson-03-processes --example memory` prints the numbers for
//! your machine; `tests/memory.rs` checks the comparison holds.

use std::io::{self, BufRead, BufReader};
use std::process::{ChildStdin, Stdio};

use crate::lifecycle::ChildGuard;
use crate::worker::{Task, Worker};

/// Resident memory of one or more processes, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub rss: u64,
    pub pss: u64,
    pub private_dirty: u64,
    /// The memory of the process's page tables.
    pub page_tables: u64,
}

impl Footprint {
    /// The memory that is these processes' own: the pages only they have written, and
    /// their page tables. The system gets it back when they exit.
    pub fn own(&self) -> u64 {
        self.private_dirty + self.page_tables
    }
}

impl std::ops::Add for Footprint {
    type Output = Footprint;
    fn add(self, other: Footprint) -> Footprint {
        Footprint {
            rss: self.rss + other.rss,
            pss: self.pss + other.pss,
            private_dirty: self.private_dirty + other.private_dirty,
            page_tables: self.page_tables + other.page_tables,
        }
    }
}

// ANCHOR: footprint
/// The resident memory of process `pid`, read from `/proc/PID/smaps_rollup` (Linux 4.14
/// and later) and `/proc/PID/status`. A process may read its own children's.
pub fn footprint(pid: u32) -> io::Result<Footprint> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(Footprint {
        rss: kib_field(&rollup, "Rss")?,
        pss: kib_field(&rollup, "Pss")?,
        private_dirty: kib_field(&rollup, "Private_Dirty")?,
        page_tables: kib_field(&status, "VmPTE")?,
    })
}

/// The value of a line such as `Pss:      412 kB`, in bytes.
fn kib_field(text: &str, name: &str) -> io::Result<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix(" kB")?.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| io::Error::other(format!("no `{name}:` line in /proc")))
}
// ANCHOR_END: footprint

/// A worker process that waits, doing nothing, until it is stopped.
pub struct IdleWorker {
    stdin: ChildStdin,
    process: ChildGuard,
}

impl IdleWorker {
    /// Starts an idle worker with `threads` extra idle threads, and waits until it says
    /// it is ready (every thread started).
    pub fn start(worker: &Worker, threads: usize) -> io::Result<IdleWorker> {
        let mut process = ChildGuard::spawn(
            worker
                .command(&Task::Idle { threads })
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        )?;
        let stdin = process.stdin.take().expect("stdin is piped");
        let mut ready = String::new();
        BufReader::new(process.stdout.take().expect("stdout is piped")).read_line(&mut ready)?;
        if ready.trim() != "ready" {
            return Err(io::Error::other("the idle worker did not start"));
        }
        Ok(IdleWorker { stdin, process })
    }

    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Closes the worker's stdin, which ends it, and reaps it.
    pub fn stop(self) -> io::Result<()> {
        let IdleWorker { stdin, mut process } = self;
        drop(stdin);
        process.wait()?;
        Ok(())
    }
}

// ANCHOR: measure
/// The memory of `workers` workers, as processes and as threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerMemory {
    pub workers: usize,
    /// `workers` idle processes, added up.
    pub processes: Footprint,
    /// One idle process with `workers` idle threads.
    pub threads: Footprint,
}

impl WorkerMemory {
    /// The memory one more worker process adds: its own pages and page tables.
    pub fn per_process(&self) -> u64 {
        self.processes.own() / self.workers as u64
    }

    /// The memory one more worker thread adds to its process: what the threaded process
    /// has beyond what a process without threads has, per thread.
    pub fn per_thread(&self) -> u64 {
        self.threads.own().saturating_sub(self.per_process()) / self.workers as u64
    }
}

/// Starts `workers` idle worker processes and one idle worker process with `workers`
/// idle threads, measures them all while they all run, and stops them.
///
/// # Panics
///
/// If `workers` is 0.
pub fn measure(worker: &Worker, workers: usize) -> io::Result<WorkerMemory> {
    assert!(workers > 0, "measure at least one worker");
    // If a start or a measurement fails, `?` returns and the workers already started are
    // dropped: their guards kill and reap them.
    let processes: Vec<IdleWorker> = (0..workers)
        .map(|_| IdleWorker::start(worker, 0))
        .collect::<io::Result<_>>()?;
    let threaded = IdleWorker::start(worker, workers)?;

    let mut total = Footprint::default();
    for process in &processes {
        total = total + footprint(process.pid())?;
    }
    let threads = footprint(threaded.pid())?;

    for process in processes {
        process.stop()?;
    }
    threaded.stop()?;
    Ok(WorkerMemory {
        workers,
        processes: total,
        threads,
    })
}
// ANCHOR_END: measure
