//! A prefork supervisor: a parent process that starts worker processes, each running a
//! thread pool ([`crate::worker`]), hands them jobs through their stdin, and restarts a
//! worker that dies, sending its unfinished jobs again, so that every job's result arrives
//! exactly once.
//!
//! "Prefork" is the shape of classic servers (Apache's prefork, gunicorn, PHP-FPM) and of
//! Python's `multiprocessing.Pool` and `concurrent.futures.ProcessPoolExecutor`: the workers
//! are started up front and reused, and a supervisor keeps their number up. What each
//! part gives:
//!
//! - **processes** keep a crash, an abort or a leak inside one worker (lesson 03);
//! - **a thread pool in each** uses several cores per worker without a process per core,
//!   and shares the worker's memory among its jobs (lesson 01);
//! - **the supervisor** owns the books ([`crate::ledger`]): which job is where, and which
//!   results have arrived.
//!
//! How it runs:
//!
//! - For each worker, a *listener* thread reads the worker's reports ([`Report`]) from its
//!   stdout and forwards them into one channel, with the worker's pid; when the stdout
//!   ends, it says so (`Gone`). The supervisor's own thread handles everything that
//!   arrives on that channel, one message at a time, so its state needs no lock.
//! - **Flow control.** Each worker is sent at most `jobs_ahead` jobs it has not reported:
//!   enough to keep its pool busy, few enough that a lost worker takes little with it and
//!   that no pipe ever fills up.
//! - **A worker that dies** (its stdout ends: a crash, an abort, a kill) is reaped, its
//!   unfinished jobs go back to the front of the queue, and a new worker takes its place.
//! - **A worker that hangs** (a job running longer than `job_timeout`) is killed and
//!   treated the same way, at once: its jobs are sent elsewhere without waiting for the kill
//!   to land. A report it had already written may still arrive; the ledger delivers it if it
//!   is the job's first result, and discards it if not.
//! - **A storm of crashes** (a job that crashes every worker it is sent to) ends the run
//!   after `max_restarts` restarts, with an error that carries the results so far.
//!
//! Every worker is reaped on every path: a running worker is held by a guard that kills
//! and reaps it when dropped, so an early return or a panic cleans up too.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, BufReader, BufWriter};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam::channel::{self, RecvTimeoutError, Sender};

use crate::frame::{read_frame, write_frame};
use crate::ledger::Ledger;
use crate::work::{Job, JobId};
use crate::worker::{Report, WorkerProgram};

// ANCHOR: config
/// How many workers, how big each one's pool, and the supervisor's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Worker processes.
    pub workers: usize,
    /// Threads in each worker's pool.
    pub threads: usize,
    /// The most jobs a worker is sent before it reports them.
    pub jobs_ahead: usize,
    /// A job that runs longer than this means its worker hangs: it is killed.
    pub job_timeout: Duration,
    /// Workers lost after this many restarts end the run with an error.
    pub max_restarts: usize,
}

impl Config {
    /// `workers` workers of `threads` threads, two jobs ahead per thread, a minute per job,
    /// and up to 8 restarts.
    pub fn new(workers: usize, threads: usize) -> Config {
        Config {
            workers,
            threads,
            jobs_ahead: 2 * threads,
            job_timeout: Duration::from_secs(60),
            max_restarts: 8,
        }
    }
}
// ANCHOR_END: config

/// How a process ended: an exit code, or the signal that ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Code(i32),
    Signal(i32),
}

impl From<ExitStatus> for Ending {
    fn from(status: ExitStatus) -> Ending {
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Code(code),
            (None, Some(signal)) => Ending::Signal(signal),
            (None, None) => unreachable!("an ended process has a code or a signal: {status:?}"),
        }
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ending::Code(code) => write!(f, "exit code {code}"),
            Ending::Signal(signal) => match nix::sys::signal::Signal::try_from(signal) {
                Ok(name) => write!(f, "signal {signal} ({})", name.as_str()),
                Err(_) => write!(f, "signal {signal}"),
            },
        }
    }
}

// ANCHOR: event
/// What happened, as the supervisor saw it: each event is given to the caller's observer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A worker process was started (at the start, or to replace a lost one).
    WorkerStarted { pid: u32 },
    /// Worker `pid` began `job`.
    JobStarted { job: JobId, pid: u32 },
    /// `job`'s result, delivered: this happens exactly once per job.
    Delivered { job: JobId, value: u64, pid: u32 },
    /// A second result for `job`, discarded.
    DuplicateDiscarded { job: JobId, pid: u32 },
    /// Worker `pid` was lost; the jobs it held without a result were queued again.
    WorkerLost {
        pid: u32,
        why: Loss,
        requeued: Vec<JobId>,
    },
}

/// Why a worker was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loss {
    /// Its process ended while it still had work (a crash, a kill).
    Ended(Ending),
    /// `job` ran past the timeout; the worker was killed.
    Hung { job: JobId },
    /// It wrote something that is not a report; the worker was killed.
    Garbled(String),
}
// ANCHOR_END: event

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loss::Ended(ending) => write!(f, "its process ended: {ending}"),
            Loss::Hung { job } => write!(f, "job {job} ran past the timeout: killed"),
            Loss::Garbled(error) => write!(f, "it wrote something that is not a report: {error}"),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Every job's result, by id.
    pub results: BTreeMap<JobId, u64>,
    /// Every worker process started, in order, replacements included.
    pub workers: Vec<u32>,
    /// Workers started to replace lost ones.
    pub restarts: usize,
    /// Jobs sent again because their worker was lost.
    pub requeued: usize,
    /// Results discarded because their job already had one.
    pub duplicates: usize,
}

/// Why a run did not deliver every result.
#[derive(Debug)]
pub enum SuperviseError {
    /// Two jobs had this id.
    DuplicateJob(JobId),
    /// A worker process could not be started.
    Spawn(io::Error),
    /// A worker process could not be reaped.
    Reap(io::Error),
    /// Workers kept dying: the run stopped after `restarts` restarts. The results that
    /// arrived before are kept.
    TooManyRestarts {
        restarts: usize,
        results: BTreeMap<JobId, u64>,
    },
}

impl fmt::Display for SuperviseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuperviseError::DuplicateJob(id) => write!(f, "two jobs have the id {id}"),
            SuperviseError::Spawn(error) => write!(f, "cannot start a worker: {error}"),
            SuperviseError::Reap(error) => write!(f, "cannot reap a worker: {error}"),
            SuperviseError::TooManyRestarts { restarts, results } => write!(
                f,
                "workers kept dying: gave up after {restarts} restarts, with {} results",
                results.len()
            ),
        }
    }
}

impl std::error::Error for SuperviseError {}

/// What a listener thread forwards from its worker.
enum Heard {
    Report {
        pid: u32,
        report: Report,
    },
    Gone {
        pid: u32,
        garbled: Option<io::Error>,
    },
}

// ANCHOR: running
/// A running worker: its process, the pipe that carries its jobs, and the thread that
/// listens to its reports. Dropping it kills and reaps the process, then joins the thread.
struct Running {
    pid: u32,
    jobs: Option<BufWriter<ChildStdin>>,
    /// When each job it has begun and not finished began, for the hang detection.
    started: HashMap<JobId, Instant>,
    child: Child,
    listener: Option<JoinHandle<()>>,
}

impl Running {
    fn start(
        program: &WorkerProgram,
        threads: usize,
        heard: &Sender<Heard>,
    ) -> io::Result<Running> {
        let mut child = program
            .command(threads)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let pid = child.id();
        let jobs = child.stdin.take().map(BufWriter::new);
        let reports = child.stdout.take().expect("stdout is piped");
        let heard = heard.clone();
        // If the thread cannot start, `child` is dropped here unreaped: kill and reap it.
        let listener = thread::Builder::new()
            .name(format!("listener-{pid}"))
            .spawn(move || listen(pid, reports, heard))
            .inspect_err(|_| {
                let _ = child.kill();
                let _ = child.wait();
            })?;
        Ok(Running {
            pid,
            jobs,
            started: HashMap::new(),
            child,
            listener: Some(listener),
        })
    }

    fn send(&mut self, job: &Job) -> io::Result<()> {
        let jobs = self
            .jobs
            .as_mut()
            .expect("a running worker's stdin is open");
        write_frame(jobs, job)
    }

    /// The job this worker began longest ago, and when.
    fn oldest(&self) -> Option<(JobId, Instant)> {
        self.started
            .iter()
            .map(|(&job, &at)| (job, at))
            .min_by_key(|&(_, at)| at)
    }

    /// Kills the process (if it still runs) and reaps it.
    fn kill_and_reap(&mut self) -> io::Result<Ending> {
        self.child.kill()?;
        Ok(self.child.wait()?.into())
    }

    /// The polite end: closes its stdin, so that it finishes and exits, and reaps it.
    fn close_and_reap(&mut self) -> io::Result<Ending> {
        drop(self.jobs.take());
        Ok(self.child.wait()?.into())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Errors are ignored: both calls fail only if the process is already reaped.
        let _ = self.kill_and_reap();
        // The process is gone, so its stdout has ended and the listener returns.
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }
}

/// A listener: forwards each report of worker `pid` until its stdout ends.
fn listen(pid: u32, reports: ChildStdout, heard: Sender<Heard>) {
    let mut reports = BufReader::new(reports);
    let garbled = loop {
        match read_frame::<Report>(&mut reports) {
            Ok(Some(report)) => {
                if heard.send(Heard::Report { pid, report }).is_err() {
                    return; // the supervisor has finished
                }
            }
            Ok(None) => break None,
            Err(error) => break Some(error),
        }
    };
    let _ = heard.send(Heard::Gone { pid, garbled });
}
// ANCHOR_END: running

// ANCHOR: supervise
/// Runs every job on worker processes started from `program` as `config` says, restarting
/// workers that die or hang, and returns every job's result. `on_event` sees everything
/// that happens, as it happens, on the calling thread.
///
/// # Panics
///
/// If `config` asks for 0 workers, 0 threads or 0 jobs ahead.
pub fn supervise(
    program: &WorkerProgram,
    jobs: Vec<Job>,
    config: &Config,
    mut on_event: impl FnMut(&Event),
) -> Result<Summary, SuperviseError> {
    assert!(
        config.workers > 0 && config.threads > 0 && config.jobs_ahead > 0,
        "a supervisor needs at least one worker, one thread and one job ahead: {config:?}"
    );
    let workers = config.workers.min(jobs.len());
    let ledger = Ledger::new(jobs).map_err(SuperviseError::DuplicateJob)?;
    let (heard_tx, heard) = channel::unbounded();
    let mut crew = Crew {
        program,
        config,
        heard: heard_tx,
        ledger,
        live: Vec::new(),
        dying: Vec::new(),
        started: Vec::new(),
        restarts: 0,
    };
    for _ in 0..workers {
        crew.start_worker(&mut on_event)?;
    }
    while !crew.ledger.is_complete() {
        crew.hand_out();
        // Wait for the next report, but not past the moment the oldest running job would
        // be overdue.
        let deadline = crew
            .live
            .iter()
            .filter_map(Running::oldest)
            .map(|(_, at)| at + config.job_timeout)
            .min();
        let next = match deadline {
            Some(deadline) => heard.recv_deadline(deadline),
            None => heard.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(Heard::Report { pid, report }) => crew.on_report(pid, report, &mut on_event),
            Ok(Heard::Gone { pid, garbled }) => crew.on_gone(pid, garbled, &mut on_event)?,
            Err(RecvTimeoutError::Timeout) => crew.kill_hung(&mut on_event)?,
            Err(RecvTimeoutError::Disconnected) => {
                unreachable!("the supervisor holds a sender of its own channel")
            }
        }
    }
    Ok(crew.finish())
}
// ANCHOR_END: supervise

/// The supervisor's state during a run.
struct Crew<'a> {
    program: &'a WorkerProgram,
    config: &'a Config,
    heard: Sender<Heard>,
    ledger: Ledger,
    live: Vec<Running>,
    /// Workers killed as hung, whose listener has not yet seen their end.
    dying: Vec<Running>,
    started: Vec<u32>,
    restarts: usize,
}

impl Crew<'_> {
    fn start_worker(&mut self, on_event: &mut impl FnMut(&Event)) -> Result<(), SuperviseError> {
        let worker = Running::start(self.program, self.config.threads, &self.heard)
            .map_err(SuperviseError::Spawn)?;
        self.started.push(worker.pid);
        on_event(&Event::WorkerStarted { pid: worker.pid });
        self.live.push(worker);
        Ok(())
    }

    // ANCHOR: hand_out
    /// Tops every live worker up to `jobs_ahead` unreported jobs.
    fn hand_out(&mut self) {
        for worker in &mut self.live {
            while self.ledger.held_by(worker.pid) < self.config.jobs_ahead {
                let Some(job) = self.ledger.next_for(worker.pid) else {
                    return;
                };
                // A worker that cannot be written to is dying: its listener will say so,
                // and the job it holds goes back to the queue then.
                if worker.send(&job).is_err() {
                    break;
                }
            }
        }
    }
    // ANCHOR_END: hand_out

    // ANCHOR: on_report
    fn on_report(&mut self, pid: u32, report: Report, on_event: &mut impl FnMut(&Event)) {
        let worker = self.live.iter_mut().find(|w| w.pid == pid);
        match report {
            Report::Ready { .. } => {}
            Report::Started { job } => {
                if let Some(worker) = worker {
                    worker.started.insert(job, Instant::now());
                }
                on_event(&Event::JobStarted { job, pid });
            }
            Report::Done { job, value } => {
                if let Some(worker) = worker {
                    worker.started.remove(&job);
                }
                // The ledger decides: the first result of a job is delivered, any later
                // one is discarded.
                if self.ledger.finished(pid, job, value) {
                    on_event(&Event::Delivered { job, value, pid });
                } else {
                    on_event(&Event::DuplicateDiscarded { job, pid });
                }
            }
        }
    }
    // ANCHOR_END: on_report

    // ANCHOR: on_gone
    /// Worker `pid`'s stdout has ended (or carried garbage): it is reaped and, if it was
    /// a live worker, replaced.
    fn on_gone(
        &mut self,
        pid: u32,
        garbled: Option<io::Error>,
        on_event: &mut impl FnMut(&Event),
    ) -> Result<(), SuperviseError> {
        if let Some(i) = self.dying.iter().position(|w| w.pid == pid) {
            // Killed as hung, and already replaced: only the reaping was left.
            drop(self.dying.swap_remove(i));
            return Ok(());
        }
        let Some(i) = self.live.iter().position(|w| w.pid == pid) else {
            return Ok(());
        };
        let mut worker = self.live.swap_remove(i);
        // A worker whose stdout has ended is of no use even if it still runs: kill it
        // (nothing happens if it has exited already), so that reaping cannot block.
        let ending = worker.kill_and_reap().map_err(SuperviseError::Reap)?;
        let why = match garbled {
            Some(error) => Loss::Garbled(error.to_string()),
            None => Loss::Ended(ending),
        };
        self.replace(pid, why, on_event)
    }
    // ANCHOR_END: on_gone

    /// Kills every live worker whose oldest job is overdue, and replaces it at once.
    fn kill_hung(&mut self, on_event: &mut impl FnMut(&Event)) -> Result<(), SuperviseError> {
        let now = Instant::now();
        let timeout = self.config.job_timeout;
        while let Some(i) = self
            .live
            .iter()
            .position(|w| w.oldest().is_some_and(|(_, at)| now >= at + timeout))
        {
            let mut worker = self.live.swap_remove(i);
            let (job, _) = worker.oldest().expect("it has an overdue job");
            let pid = worker.pid;
            // Its listener will see the end of its stdout and report it gone; it is
            // reaped then (or when dropped, whichever comes first).
            let _ = worker.child.kill();
            self.dying.push(worker);
            self.replace(pid, Loss::Hung { job }, on_event)?;
        }
        Ok(())
    }

    // ANCHOR: replace
    /// Worker `pid` is lost: its unfinished jobs go back to the queue, and a new worker
    /// takes its place, unless the restarts are used up.
    fn replace(
        &mut self,
        pid: u32,
        why: Loss,
        on_event: &mut impl FnMut(&Event),
    ) -> Result<(), SuperviseError> {
        let requeued = self.ledger.lost(pid);
        on_event(&Event::WorkerLost { pid, why, requeued });
        if self.restarts == self.config.max_restarts {
            return Err(SuperviseError::TooManyRestarts {
                restarts: self.restarts,
                results: self.ledger.results().clone(),
            });
        }
        self.restarts += 1;
        self.start_worker(on_event)
    }
    // ANCHOR_END: replace

    /// Every result is in: stops the workers and reports.
    fn finish(mut self) -> Summary {
        for mut worker in self.live.drain(..) {
            // A worker still holding a job runs a copy of one whose result came from
            // elsewhere (from a worker that was given up for dead, then answered after
            // all): nobody needs its answer. The others have nothing left to do, and are
            // told to exit.
            if self.ledger.held_by(worker.pid) > 0 {
                let _ = worker.kill_and_reap();
            } else {
                let _ = worker.close_and_reap();
            }
        }
        // The hung workers were killed; dropping them reaps them.
        self.dying.clear();
        Summary {
            results: self.ledger.results().clone(),
            workers: self.started,
            restarts: self.restarts,
            requeued: self.ledger.requeued(),
            duplicates: self.ledger.duplicates(),
        }
    }
}
