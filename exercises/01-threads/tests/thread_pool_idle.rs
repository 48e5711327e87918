//! Task `thread-pool`: a worker with nothing to do blocks. It uses no CPU and does not wake
//! up until a job (or the shutdown) arrives.
//!
//! These checks watch the pool's threads while no job is queued: the CPU time they used,
//! how often each one was preempted and how often each one woke up, read from the
//! kernel's accounts of the threads in `/proc/self/task` (Linux; elsewhere the checks pass
//! and say that they could not look). Only the pool's threads are watched, not the thread
//! of the check, which sleeps through the idle period anyway. The margins are huge: a
//! blocked worker uses no CPU, is never preempted and never wakes up. A worker that spins
//! uses a core where one is free, and on a busy machine is preempted dozens of times; one
//! that polls with sleeps wakes up every few milliseconds.
//!
//! They are in a test binary of their own (this file), so that the threads of the other
//! checks are not counted as the pool's; within it, the checks run one at a time.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use threads_exercise::ThreadPool;

// The checks' helpers; this file uses only `shut_down`.
#[allow(dead_code)]
#[path = "checks/support.rs"]
mod support;

/// Workers in the pool under watch.
const SIZE: usize = 4;

/// How long the pool is watched while idle.
const IDLE: Duration = Duration::from_millis(500);

/// The CPU the pool's threads may use while idle, as a share of one core over [`IDLE`].
/// Blocked workers use none; a worker that spins on a machine with a core to spare uses
/// all of it.
const MAX_CPU_SHARE: f64 = 0.10;

/// How often one of the pool's threads may be preempted during [`IDLE`]: have its core
/// taken away while it was still ready to run. A blocked worker is never ready to run,
/// so never preempted. A worker that spins on a busy machine may get little CPU (one that
/// calls `yield_now` gives its turn away at once), but it is preempted again and again:
/// dozens of times at least.
const MAX_PREEMPTIONS: u64 = 5;

/// How often one of the pool's threads may wake up during [`IDLE`]. A blocked worker
/// wakes up zero times; one that polls every 100 ms or more often wakes up 5 times or more.
const MAX_WAKE_UPS: u64 = 2;

/// How long the pool's threads are given to settle (all blocked at once) before the watch
/// starts anyway: threads that spin never settle.
const SETTLE_PATIENCE: Duration = Duration::from_secs(1);

/// The checks of this file run one at a time, so that one check's pool is not idle while
/// another check's pool is watched.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What the pool's threads did while idle.
#[derive(Debug)]
struct Idle {
    threads: usize,
    /// CPU time used by all of the pool's threads together.
    cpu: Duration,
    wall: Duration,
    /// The most wake-ups of one thread.
    most_wake_ups: u64,
    /// The most times one thread had its core taken away while it could still run.
    most_preemptions: u64,
}

/// One thread's account, as the kernel keeps it.
#[derive(Clone, Copy)]
struct Account {
    /// The CPU time the thread used.
    cpu: Duration,
    /// Times the thread blocked and was woken up again.
    wake_ups: u64,
    /// Times the thread had its core taken away while it could still run (it was
    /// preempted, or it yielded).
    preemptions: u64,
    running: bool,
}

/// The threads of this process, by their kernel thread id.
fn threads() -> HashSet<u32> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists the threads of this process")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// The kernel thread id of the calling thread (`/proc/thread-self` is `PID/task/TID`).
fn this_thread() -> u32 {
    let link = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self");
    link.file_name()
        .and_then(|name| name.to_str()?.parse().ok())
        .expect("/proc/thread-self names this thread")
}

/// A thread's account, or `None` if it has ended.
fn account(tid: u32) -> Option<Account> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // `TID (NAME) STATE ...`: the name may hold spaces and parentheses, so the fields are
    // counted after the last `)`. After it, field 0 is the state (field 3 of proc(5)),
    // and fields 11 and 12 are utime and stime (fields 14 and 15).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let running = fields.first()? == &"R";
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // `utime + stime` is sampled at each clock tick (1/100 s), so a thread that runs in
    // bursts shorter than a tick (one that yields in a loop) may never be charged. The
    // scheduler's own count, in nanoseconds, is the first field of `schedstat`, where the
    // kernel provides it.
    let scheduled = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat"))
        .ok()
        .and_then(|line| line.split_whitespace().next()?.parse::<u64>().ok());
    let cpu = match scheduled {
        Some(nanos) => Duration::from_nanos(nanos),
        None => Duration::from_millis(10 * ticks),
    };
    let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
    let count = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))?
            .trim()
            .parse()
            .ok()
    };
    Some(Account {
        cpu,
        wake_ups: count("voluntary_ctxt_switches:")?,
        preemptions: count("nonvoluntary_ctxt_switches:")?,
        running,
    })
}

fn accounts(tids: &HashSet<u32>) -> HashMap<u32, Account> {
    tids.iter()
        .filter_map(|&tid| Some((tid, account(tid)?)))
        .collect()
}

/// Starts a pool of [`SIZE`], lets it run a few jobs, then watches it while no job is
/// queued.
fn watch_an_idle_pool() -> Idle {
    let before = threads();
    let pool = ThreadPool::new(SIZE);
    let (sender, receiver) = mpsc::channel();
    for _ in 0..2 * SIZE {
        let sender = sender.clone();
        pool.execute(move || sender.send(()).unwrap());
    }
    for _ in 0..2 * SIZE {
        receiver
            .recv_timeout(Duration::from_secs(5))
            .expect("the pool did not run its jobs (see the other thread-pool checks)");
    }

    let mut pool_threads = threads();
    pool_threads.retain(|tid| !before.contains(tid));
    pool_threads.remove(&this_thread());
    assert!(
        !pool_threads.is_empty(),
        "ThreadPool::new({SIZE}) started no thread"
    );

    // The workers have just run their jobs: wait until none is running any more, so that
    // the watch starts when every blocked worker is blocked.
    let settle_by = Instant::now() + SETTLE_PATIENCE;
    while Instant::now() < settle_by && accounts(&pool_threads).values().any(|a| a.running) {
        thread::sleep(Duration::from_millis(1));
    }

    let start = accounts(&pool_threads);
    let started = Instant::now();
    thread::sleep(IDLE);
    let end = accounts(&pool_threads);
    let wall = started.elapsed();
    support::shut_down(pool);

    let mut cpu = Duration::ZERO;
    let mut most_wake_ups = 0;
    let mut most_preemptions = 0;
    for (tid, end) in &end {
        if let Some(start) = start.get(tid) {
            cpu += end.cpu.saturating_sub(start.cpu);
            most_wake_ups = most_wake_ups.max(end.wake_ups - start.wake_ups);
            most_preemptions = most_preemptions.max(end.preemptions - start.preemptions);
        }
    }
    Idle {
        threads: pool_threads.len(),
        cpu,
        wall,
        most_wake_ups,
        most_preemptions,
    }
}

#[test]
fn idle_workers_use_no_cpu() {
    if !cfg!(target_os = "linux") {
        println!("not checked: this check reads the threads' CPU time in Linux's /proc");
        return;
    }
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let idle = watch_an_idle_pool();
    println!("{idle:?}");

    let share = idle.cpu.as_secs_f64() / idle.wall.as_secs_f64();
    assert!(
        share <= MAX_CPU_SHARE && idle.most_preemptions <= MAX_PREEMPTIONS,
        "idle workers spin: with no job queued, the pool's {} threads used {:.0?} of CPU in \
         {:.0?} ({:.0} % of a core), and one of them was preempted {} times while it was \
         still ready to run; blocked workers use no CPU and are never preempted. A worker \
         with nothing to do must block in `recv` (or `Condvar::wait`) until a job arrives, \
         not poll in a loop (`try_recv`, `try_lock`, `yield_now`)",
        idle.threads,
        idle.cpu,
        idle.wall,
        share * 100.0,
        idle.most_preemptions
    );
}

#[test]
fn idle_workers_do_not_poll() {
    if !cfg!(target_os = "linux") {
        println!("not checked: this check reads the threads' wake-ups in Linux's /proc");
        return;
    }
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let idle = watch_an_idle_pool();
    println!("{idle:?}");

    assert!(
        idle.most_wake_ups <= MAX_WAKE_UPS,
        "idle workers poll: with no job queued, one of the pool's threads woke up {} times \
         in {:?}, where a blocked worker wakes up zero times. Sleeping (or waiting with a \
         timeout) and then looking at the queue again is polling: block in `recv` (or \
         `Condvar::wait`, without a timeout) until a job or the shutdown arrives",
        idle.most_wake_ups,
        idle.wall
    );
}
