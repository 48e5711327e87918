//! Task `process-pool`: `serve` runs its jobs on a pool of exactly `threads` threads and
//! writes each reply as soon as its job is done; `pool_map` runs every job once, in worker
//! processes that share them, at most `JOBS_AHEAD` ahead each, and returns the results in
//! the order of the jobs; each worker runs several jobs at once on its pool (your
//! `serve`); bad input and a worker that cannot start or dies are reported; every worker
//! is reaped. (Its speed is checked by the benchmark `benches/pool.rs`.)

use std::collections::HashSet;
use std::io::Write;
use std::panic;
use std::process::Stdio;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use hybrid_exercise::frame::{read_frame, write_frame};
use hybrid_exercise::work::{
    self, HOLD, Hooks, Job, JobId, MEET_PATIENCE, Reply, Work, answer, checksum_jobs,
};
use hybrid_exercise::{JOBS_AHEAD, PoolError, Worker, pool_map, serve};

use crate::support::{
    DEADLINE, Log, assert_no_worker_left, panic_message, reap_leftovers, serial, within_deadline,
};

/// `count` `Meet` jobs, each waiting up to `patience` for `partners` of them to start.
fn meet_jobs(count: u64, partners: usize, patience: Duration) -> Vec<Job> {
    (0..count)
        .map(|id| Job {
            id,
            work: Work::Meet {
                partners,
                patience_millis: patience.as_millis() as u64,
            },
        })
        .collect()
}

#[test]
fn serve_replies_to_every_job_and_returns_at_the_end_of_its_input() {
    let jobs = checksum_jobs(0..60_000, 12);
    let mut input = Vec::new();
    for job in &jobs {
        write_frame(&mut input, job).unwrap();
    }
    let mut output = Vec::new();
    serve(2, &input[..], &mut output).expect("serve reads every job and replies");
    let mut replies = Vec::new();
    let mut bytes = &output[..];
    while let Some(reply) = read_frame::<Reply>(&mut bytes).expect("only Reply frames") {
        replies.push(reply);
    }
    replies.sort_by_key(|r| r.id);
    let expected: Vec<Reply> = jobs
        .iter()
        .map(|job| Reply {
            id: job.id,
            value: answer(&job.work),
        })
        .collect();
    assert_eq!(replies, expected, "one reply per job, with its answer");
}

/// An output that takes nothing: a parent that has gone, a full disk.
struct Refusing;

impl Write for Refusing {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
}

#[test]
fn serve_returns_the_error_of_its_output() {
    let mut input = Vec::new();
    for job in checksum_jobs(0..6_000, 6) {
        write_frame(&mut input, &job).unwrap();
    }
    let outcome = within_deadline(
        "serve did not return at the end of its input when its replies could not be \
         written: a writer that fails ends, and the jobs' replies then have nowhere to go",
        move || serve(2, &input[..], Refusing).map_err(|error| error.kind()),
    );
    assert_eq!(
        outcome,
        Err(std::io::ErrorKind::BrokenPipe),
        "writing the replies failed, so serve must return that error: join the writer \
         and return the first error of either side (reading or writing)"
    );
}

#[test]
fn serve_runs_several_jobs_at_once_on_its_threads() {
    // Two `Meet` jobs answer 1 only if the second starts while the first still runs.
    let mut input = Vec::new();
    for job in meet_jobs(2, 2, MEET_PATIENCE) {
        write_frame(&mut input, &job).unwrap();
    }
    let mut output = Vec::new();
    serve(2, &input[..], &mut output).unwrap();
    let mut bytes = &output[..];
    let mut met = Vec::new();
    while let Some(reply) = read_frame::<Reply>(&mut bytes).unwrap() {
        met.push(reply.value);
    }
    assert_eq!(
        met,
        [1, 1],
        "on a pool of 2 threads, two jobs run at the same time: spawn each job on the \
         pool (`in_place_scope`, `spawn`) instead of running it on the reading thread"
    );
}

#[test]
fn results_come_back_in_the_order_of_the_jobs() {
    let _serial = serial();
    let log = Log::new();
    let mut jobs = checksum_jobs(0..200_000, 20);
    jobs.reverse(); // ids 19, 18, ... 0: the order of the jobs, not of their ids
    jobs[5].work = Work::Wait { millis: 30 };
    let results = pool_map(&log.worker(2, &[]), 2, &jobs);
    reap_leftovers(log.workers());
    let results = results.expect("every job succeeds");
    let got: Vec<(u64, u64)> = results.iter().map(|r| (r.id, r.value)).collect();
    let expected: Vec<(u64, u64)> = jobs.iter().map(|j| (j.id, answer(&j.work))).collect();
    assert_eq!(
        got, expected,
        "results[i] is the result of jobs[i] (the jobs' ids are 19, 18, ... 0): store each \
         reply at its job's position, not in the order replies come, nor by id"
    );
}

#[test]
fn every_job_runs_once_in_the_pool_s_worker_processes() {
    let _serial = serial();
    let log = Log::new();
    let jobs = checksum_jobs(0..300_000, 30);
    let results = pool_map(&log.worker(2, &[]), 3, &jobs);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    let results = results.expect("every job succeeds");
    assert_eq!(
        log.ready().len(),
        3,
        "a pool of 3 starts 3 worker processes for 30 jobs, not one per job"
    );
    assert!(!workers.contains(&std::process::id()));
    let done = log.jobs("done");
    let idle: Vec<u32> = log
        .ready()
        .into_iter()
        .filter(|pid| !done.values().any(|pids| pids.contains(pid)))
        .collect();
    assert!(
        idle.is_empty(),
        "worker(s) {idle:?} ran none of the 30 jobs: share the jobs among all the workers \
         (send each one up to JOBS_AHEAD jobs at the start, then one more per reply)"
    );
    for result in &results {
        assert_eq!(
            done.get(&result.id),
            Some(&vec![result.pid]),
            "job {} must run once, in the worker whose pid its result names",
            result.id
        );
    }
}

#[test]
fn each_worker_runs_several_jobs_at_once() {
    let _serial = serial();
    let log = Log::new();
    let results = pool_map(&log.worker(2, &[]), 1, &meet_jobs(2, 2, MEET_PATIENCE));
    reap_leftovers(log.workers());
    let values: Vec<u64> = results
        .expect("both jobs succeed")
        .iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(
        values,
        [1, 1],
        "one worker with a pool of 2 threads runs 2 jobs at the same time: send a worker \
         several jobs before waiting for a reply (up to JOBS_AHEAD)"
    );
}

#[test]
fn zero_processes_is_refused() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(1, &[]);
    let outcome = within_deadline(
        "pool_map with 0 processes did not return: it must panic (`assert!`), there is no \
         worker to run the jobs",
        move || {
            panic::catch_unwind(|| pool_map(&worker, 0, &checksum_jobs(0..9, 3)))
                .map_err(|payload| panic_message(&*payload))
        },
    );
    reap_leftovers(log.workers());
    let message = outcome.expect_err("pool_map with 0 processes must panic");
    assert!(
        message.contains("at least one worker"),
        "the panic must say that a pool needs at least one worker process; it said {message:?}"
    );
}

#[test]
fn a_worker_that_dies_is_reported() {
    let _serial = serial();
    let log = Log::new();
    let mut jobs = checksum_jobs(0..100_000, 10);
    jobs[4].work = Work::Crash;
    let worker = log.worker(2, &[]);
    let outcome = within_deadline(
        "pool_map did not return after a worker died with jobs to do: when its listener \
         says it is gone, return `Err(PoolError::WorkerDied { pid })`",
        move || pool_map(&worker, 2, &jobs),
    );
    let workers = log.workers();
    reap_leftovers(workers.clone());
    match outcome {
        Err(PoolError::WorkerDied { pid }) => assert!(
            workers.contains(&pid),
            "the pid of the worker that died: {pid}, not one of {workers:?}"
        ),
        other => panic!(
            "a worker aborted: expected `Err(PoolError::WorkerDied {{ .. }})`, got {other:?}"
        ),
    }
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    let _ = pool_map(&log.worker(2, &[]), 3, &checksum_jobs(0..100_000, 20));
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "pool_map");
    assert!(!workers.is_empty(), "pool_map started no worker at all");

    // When a worker dies, the others must be stopped and reaped too, and the dead one
    // reaped.
    let log = Log::new();
    let mut jobs = checksum_jobs(0..100_000, 20);
    jobs[3].work = Work::Crash;
    let _ = pool_map(&log.worker(2, &[]), 3, &jobs);
    let workers = log.workers();
    assert_no_worker_left(
        workers.iter().copied(),
        "pool_map (with a worker that died)",
    );
    assert!(!workers.is_empty(), "pool_map started no worker at all");
}

#[test]
fn the_worker_program_refuses_bad_input_with_a_message() {
    let _serial = serial();
    let log = Log::new();
    let mut child = log
        .worker(1, &[])
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x05\0\0\0hello").unwrap();
    drop(stdin);
    let output = child.wait_with_output().expect("the worker is reaped");
    assert_eq!(
        output.status.code(),
        Some(1),
        "serve returns the error of a bad frame, and the worker exits with code 1"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a bad frame"), "{stderr}");
}

/// The ids of the probe jobs: `serve` runs them in this process, where [`Probe`] sees on
/// which thread each one runs, and holds some of them back.
const ONE_THREAD: JobId = 1_000_000;
const THREE_THREADS: JobId = 2_000_000;
const SLOW_THEN_FAST: JobId = 3_000_000;

/// What the probe saw of the probe jobs that ran in this process.
#[derive(Default)]
struct Seen {
    ran_on: Vec<(JobId, ThreadId)>,
    in_progress: usize,
    most_in_progress: usize,
    /// The check has read the reply of job `SLOW_THEN_FAST + 1`.
    fast_reply_read: bool,
}

impl Seen {
    fn threads(&self) -> usize {
        let threads: HashSet<ThreadId> = self.ran_on.iter().map(|&(_, t)| t).collect();
        threads.len()
    }
}

/// Hooks for `execute` in this process (the worker program installs its own in its
/// process): they record the probe jobs and hold some of them back, and let every other
/// job through.
struct Probe {
    seen: Mutex<Seen>,
    changed: Condvar,
}

impl Probe {
    /// The probe, with its hooks installed the first time.
    fn get() -> &'static Probe {
        static PROBE: OnceLock<Probe> = OnceLock::new();
        let mut first = false;
        let probe = PROBE.get_or_init(|| {
            first = true;
            Probe {
                seen: Mutex::new(Seen::default()),
                changed: Condvar::new(),
            }
        });
        if first {
            work::set_hooks(Hooks {
                started: Box::new(|job| Probe::get().started(job)),
                finished: Box::new(|job| Probe::get().finished(job)),
            });
        }
        probe
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reset(&self) {
        *self.lock() = Seen::default();
    }

    fn seen<T>(&self, look: impl FnOnce(&Seen) -> T) -> T {
        look(&self.lock())
    }

    /// Waits until `ready` holds, at most `patience`.
    fn wait(&self, patience: Duration, ready: impl Fn(&Seen) -> bool) {
        let deadline = Instant::now() + patience;
        let mut seen = self.lock();
        while !ready(&seen) {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            seen = self
                .changed
                .wait_timeout(seen, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn update(&self, change: impl FnOnce(&mut Seen)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }

    fn started(&self, job: JobId) {
        if job < ONE_THREAD {
            return; // not a probe job
        }
        self.update(|seen| {
            seen.ran_on.push((job, thread::current().id()));
            seen.in_progress += 1;
            seen.most_in_progress = seen.most_in_progress.max(seen.in_progress);
        });
        if job == ONE_THREAD {
            // On a pool of one thread, no other job can start while this one runs; give
            // a bigger pool every chance to start one (HOLD: a right `serve` passes
            // however long or short it is, and only costs it this much time).
            self.wait(HOLD, |seen| seen.most_in_progress >= 2);
        } else if (THREE_THREADS..THREE_THREADS + 3).contains(&job) {
            // The first three wait for each other: only three threads at once can run them.
            // They wait for the most ever in progress, not for the count now: the last of
            // the three sees 3 and finishes at once, and a waiter woken after that must not
            // find 2 and wait out its patience.
            self.wait(MEET_PATIENCE, |seen| seen.most_in_progress >= 3);
        } else if job == SLOW_THEN_FAST {
            // Job 0 of this pair is slow: it waits until the check has read the reply of
            // job 1, started after it.
            self.wait(MEET_PATIENCE, |seen| seen.fast_reply_read);
        }
    }

    fn finished(&self, job: JobId) {
        if job >= ONE_THREAD {
            self.update(|seen| seen.in_progress -= 1);
        }
    }
}

/// Jobs `first..first + count`, each a small checksum.
fn probe_jobs(first: JobId, count: u64) -> Vec<u8> {
    let mut input = Vec::new();
    for id in first..first + count {
        let job = Job {
            id,
            work: Work::Checksum {
                start: 0,
                end: 1_000,
            },
        };
        write_frame(&mut input, &job).unwrap();
    }
    input
}

#[test]
fn serve_runs_its_jobs_on_a_pool_of_threads_threads() {
    let _serial = serial();
    let probe = Probe::get();

    probe.reset();
    let mut output = Vec::new();
    serve(1, &probe_jobs(ONE_THREAD, 4)[..], &mut output).expect("serve replies");
    let (threads, most) = probe.seen(|s| (s.threads(), s.most_in_progress));
    assert!(
        threads == 1 && most == 1,
        "serve(1, ..) ran its 4 jobs on {threads} threads, {most} at a time: every job runs \
         on the one pool of `threads` threads (`ThreadPoolBuilder::new().num_threads(threads)`), \
         not on a thread of its own, nor on rayon's global pool"
    );

    probe.reset();
    let mut output = Vec::new();
    serve(3, &probe_jobs(THREE_THREADS, 6)[..], &mut output).expect("serve replies");
    let (threads, most) = probe.seen(|s| (s.threads(), s.most_in_progress));
    assert!(
        most >= 3,
        "serve(3, ..) never ran 3 jobs at once (at most {most}): build the pool with \
         `num_threads(threads)`, and spawn every job on it"
    );
    assert!(
        threads <= 3,
        "serve(3, ..) ran its 6 jobs on {threads} different threads: at most 3, the threads \
         of its pool. Spawn each job on the pool (`in_place_scope`, `spawn`) instead of \
         starting a thread for it"
    );
}

#[test]
fn serve_writes_each_reply_as_soon_as_its_job_is_done() {
    let _serial = serial();
    let probe = Probe::get();
    probe.reset();
    let (input, mut jobs) = std::io::pipe().expect("a pipe");
    let (mut replies_in, replies_out) = std::io::pipe().expect("a pipe");
    let (returned, serving) = mpsc::channel();
    thread::spawn(move || {
        let _ = returned.send(serve(2, input, replies_out).map_err(|e| e.to_string()));
    });
    let (reply, replies) = mpsc::channel();
    thread::spawn(move || {
        while let Ok(Some(message)) = read_frame::<Reply>(&mut replies_in) {
            if reply.send(message.id).is_err() {
                break;
            }
        }
    });
    // Job 0 is slow until the reply of job 1 has been read; the input stays open.
    jobs.write_all(&probe_jobs(SLOW_THEN_FAST, 2)).unwrap();
    let first = replies.recv_timeout(DEADLINE).unwrap_or_else(|_| {
        panic!(
            "serve wrote no reply while its input was still open: run each job as soon as \
             it is read and write its reply when it is done, not after the end of the input \
             (a worker's parent waits for replies before it sends more jobs)"
        )
    });
    assert_eq!(
        first,
        SLOW_THEN_FAST + 1,
        "the first reply was job 0's, although job 1 was done long before: write each \
         reply as soon as its job is done, in the order the jobs finish, not in the order \
         they came"
    );
    probe.update(|seen| seen.fast_reply_read = true);
    let second = replies.recv_timeout(DEADLINE);
    assert_eq!(second, Ok(SLOW_THEN_FAST), "one reply for each job");
    drop(jobs);
    let outcome = serving
        .recv_timeout(DEADLINE)
        .expect("serve returns at the end of its input");
    assert_eq!(outcome, Ok(()));
}

#[test]
fn each_worker_is_sent_at_most_jobs_ahead_jobs() {
    let _serial = serial();
    let log = Log::new();
    // One worker whose pool has more threads than JOBS_AHEAD, and `Meet` jobs that each
    // wait (up to HOLD) for JOBS_AHEAD + 1 of them to have started: a worker that was
    // sent more than JOBS_AHEAD jobs runs them all at once.
    let jobs = meet_jobs(6, JOBS_AHEAD + 1, HOLD);
    let results = pool_map(&log.worker(8, &[]), 1, &jobs);
    reap_leftovers(log.workers());
    results.expect("every job succeeds");
    for (pid, most) in log.most_in_progress() {
        assert!(
            most <= JOBS_AHEAD,
            "worker {pid} had {most} jobs in progress at once: it was sent more than \
             JOBS_AHEAD ({JOBS_AHEAD}) jobs it had not replied to. Send each worker up to \
             JOBS_AHEAD jobs, then one more for each of its replies"
        );
    }
}

#[test]
fn fewer_jobs_than_processes_start_fewer_workers() {
    let _serial = serial();
    let log = Log::new();
    let jobs = checksum_jobs(0..20_000, 2);
    let results = pool_map(&log.worker(1, &[]), 4, &jobs);
    reap_leftovers(log.workers());
    assert_eq!(results.expect("both jobs succeed").len(), 2);
    let started = log.ready().len();
    assert_eq!(
        started, 2,
        "2 jobs for a pool of 4 processes started {started} workers: start \
         `processes.min(jobs.len())`, no worker with nothing to do"
    );

    let log = Log::new();
    let results = pool_map(&log.worker(1, &[]), 3, &[]);
    reap_leftovers(log.workers());
    assert_eq!(results.expect("no job, no error"), [], "no job: no result");
    let started = log.ready().len();
    assert_eq!(started, 0, "no job, yet {started} workers were started");
}

#[test]
fn two_jobs_with_one_id_are_refused() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(1, &[]);
    let mut jobs = checksum_jobs(0..9_000, 3);
    jobs[2].id = jobs[0].id;
    let panicked = within_deadline(
        "pool_map did not return when two jobs had the same id: it must panic (`assert!`), \
         since their results could not be told apart",
        move || panic::catch_unwind(|| pool_map(&worker, 2, &jobs)).is_err(),
    );
    reap_leftovers(log.workers());
    assert!(
        panicked,
        "pool_map must panic when two jobs have the same id: their results could not be \
         told apart"
    );
}

#[test]
fn a_worker_that_cannot_start_is_an_error() {
    let _serial = serial();
    let missing = Worker::new("/this/program/does/not/exist");
    let outcome = panic::catch_unwind(|| pool_map(&missing, 2, &checksum_jobs(0..9, 3)));
    let outcome = outcome.unwrap_or_else(|_| {
        panic!(
            "pool_map panicked when a worker could not be started: return \
             `Err(PoolError::Spawn(error))` with the error of `spawn`"
        )
    });
    assert!(
        matches!(outcome, Err(PoolError::Spawn(_))),
        "expected `Err(PoolError::Spawn(_))`, got {outcome:?}"
    );
}
