//! Helpers shared by the checks: the worker program, the log in which workers write what
//! they did, the check that no worker is left running or unreaped, a deadline that turns
//! a call that hangs into a message saying why, the CPU time a call uses, a gate that
//! holds pool jobs until the check lets them go, and a limit on open files.

use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::panic;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{Signal, kill};
use nix::sys::stat::Mode;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::time::{ClockId, clock_gettime};
use nix::unistd::{Pid, mkfifo};
use processes_exercise::Worker;

/// The worker program, `worker/main.rs`, as Cargo built it for the crate under test.
///
/// Cargo tells an integration test where its package's binaries are, in
/// `CARGO_BIN_EXE_<name>`. The exercise and the solution each build the worker under a
/// name of their own (two packages of one workspace cannot both make `target/debug/worker`),
/// and this file is compiled for both, so it asks for either name.
pub fn worker_program() -> &'static str {
    option_env!("CARGO_BIN_EXE_exercise-03-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-03-worker"))
        .expect("the crate under test builds the worker program, worker/main.rs")
}

/// One check at a time in this process: a check looks at *all* the children of this
/// process to find its workers, so no other check may start any meanwhile. (The grader
/// runs each check in a process of its own anyway; this is for `cargo test`, which runs
/// the tests of one binary on several threads.)
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A check that failed while holding the lock poisons it; the next one may still run.
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A program that does not exist.
pub fn missing_program() -> Worker {
    Worker::new("/this/program/does/not/exist").arg("pid")
}

/// How long a call under test may take, where it should take a fraction of a second (or
/// of a second after a short deadline), before the check calls it stuck. Far longer than
/// any right implementation takes on a busy machine, and shorter than the grader's own
/// deadline, so that the learner reads why it is stuck instead of a bare timeout.
pub const STUCK: Duration = Duration::from_secs(15);

/// Runs `call` on a thread of its own and returns what it returned, or fails the check
/// with the message `stuck` if it has not returned after `limit`. A panic in `call` is
/// the check's panic.
///
/// A stuck call usually waits for a worker: before failing, this kills every child of
/// this process (without reaping them), so that the call may end.
pub fn within<T: Send + 'static>(
    limit: Duration,
    call: impl FnOnce() -> T + Send + 'static,
    stuck: impl FnOnce() -> String,
) -> T {
    let (done, outcome) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = done.send(call());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the thread sends its value before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            kill_children();
            panic!("{}", stuck())
        }
    }
}

/// Kills every child of this process, without reaping them: a check that gives up on a
/// call that is stuck lets it end this way, before it fails.
pub fn kill_children() {
    for pid in children() {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
    }
}

/// The CPU time used so far by this process (all its threads together, its children's
/// not included), or by the calling thread.
fn cpu_time(clock: ClockId) -> Duration {
    clock_gettime(clock).expect("the CPU clocks work").into()
}

/// How a call used the CPU while it waited, and how a thread that spins, and one that
/// sleeps a millisecond between two looks, fare on this machine at the moment
/// ([`cpu_while`]).
pub struct CpuUse {
    /// The CPU time the call used.
    call: Duration,
    wall: Duration,
    /// The share of a core a thread that spins gets.
    spinner_share: f64,
    /// The busiest thread of the call (Linux): the share of the time it was running or
    /// waiting for a core, rather than sleeping or blocked.
    busiest: Option<f64>,
    /// The same share for a thread that sleeps a millisecond between two looks.
    sleeper_busy: f64,
}

/// The share of a core that a thread that spins gets now: it spins for 100 ms, and
/// compares the CPU time it got with the time that passed.
fn spinner_share() -> f64 {
    const SPIN: Duration = Duration::from_millis(100);
    let cpu = cpu_time(ClockId::CLOCK_THREAD_CPUTIME_ID);
    let start = Instant::now();
    while start.elapsed() < SPIN {
        std::hint::spin_loop();
    }
    let cpu = cpu_time(ClockId::CLOCK_THREAD_CPUTIME_ID) - cpu;
    cpu.as_secs_f64() / start.elapsed().as_secs_f64()
}

/// The id of the calling thread (Linux), from `/proc/thread-self`.
fn thread_id() -> Option<String> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    Some(link.file_name()?.to_str()?.to_owned())
}

/// How long a thread of this process has been running or waiting for a core, in all
/// (Linux: the first two fields of `/proc/self/task/TID/schedstat`, in nanoseconds).
fn busy_time(thread: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{thread}/schedstat")).ok()?;
    let mut fields = text.split_whitespace();
    let running: u64 = fields.next()?.parse().ok()?;
    let waiting: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_nanos(running + waiting))
}

/// The share of the time that a thread that sleeps a millisecond between two looks is
/// busy (running or waiting for a core) now: the calling thread does so for 100 ms.
fn sleeper_busy() -> Option<f64> {
    let me = thread_id()?;
    let (busy, start) = (busy_time(&me)?, Instant::now());
    while start.elapsed() < Duration::from_millis(100) {
        thread::sleep(Duration::from_millis(1));
    }
    Some((busy_time(&me)? - busy).as_secs_f64() / start.elapsed().as_secs_f64())
}

/// Runs `call` and measures how this process used the CPU meanwhile, with two yardsticks
/// measured just before and just after the call on the check's own thread:
///
/// - The CPU time used. How much a thread that spins gets depends on how busy the
///   machine is: all of a core on an idle machine, two thirds of one when two other
///   programs keep two cores busy, less on a busier one. So the check spins for a moment
///   itself: a call that spins while it waits gets about as much.
/// - On Linux, how long each thread was busy, running or waiting for a core
///   (`/proc/self/task/TID/schedstat`), rather than sleeping or blocked. A thread that
///   polls without sleeping is busy all the time, even when it gives its core away with
///   `yield_now` (and then uses little CPU on a busy machine); one that blocks, or sleeps
///   between two looks, a small part of the time, as the check's own sleeper shows.
pub fn cpu_while<T>(call: impl FnOnce() -> T) -> (T, CpuUse) {
    /// Stops the sampler when dropped: also when `call` panics, or the scope would wait
    /// for it forever.
    struct Stop<'a>(&'a AtomicBool);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let spinner_before = spinner_share();
    let sleeper_before = sleeper_busy();
    let me = thread_id();
    let stop = AtomicBool::new(false);
    let (value, call, wall, sampled) = thread::scope(|s| {
        let process = cpu_time(ClockId::CLOCK_PROCESS_CPUTIME_ID);
        let sampler = s.spawn(|| sample_busy_threads(&stop, me.as_deref()));
        let stopper = Stop(&stop);
        let wall = Instant::now();
        let value = call();
        let wall = wall.elapsed();
        drop(stopper);
        let sampled = sampler.join().expect("sampling does not panic");
        let process = cpu_time(ClockId::CLOCK_PROCESS_CPUTIME_ID) - process;
        // The sampler's own CPU time is not the call's.
        let call = process.saturating_sub(sampled.own_cpu);
        (value, call, wall, sampled)
    });
    let used = CpuUse {
        call,
        wall,
        spinner_share: spinner_before.min(spinner_share()),
        busiest: sampled.busiest,
        sleeper_busy: sleeper_before
            .into_iter()
            .chain(sleeper_busy())
            .fold(0.0, f64::max),
    };
    (value, used)
}

/// What [`sample_busy_threads`] found.
struct Sampled {
    /// The largest share of the time a thread of the call was busy, over 100 ms at least.
    busiest: Option<f64>,
    /// The CPU time the sampler used.
    own_cpu: Duration,
}

/// Until `stop`, looks every 10 ms at how long each thread of this process (but itself
/// and `check`, the check's thread) has been busy, and returns the largest share of the
/// time one was, between the first and the last look at it.
fn sample_busy_threads(stop: &AtomicBool, check: Option<&str>) -> Sampled {
    let cpu = cpu_time(ClockId::CLOCK_THREAD_CPUTIME_ID);
    let me = thread_id();
    // For each thread: when it was first seen and how busy it was, and the same for the
    // last time it was seen.
    let mut seen: std::collections::BTreeMap<String, [(Instant, Duration); 2]> = Default::default();
    while !stop.load(Ordering::Relaxed) && me.is_some() {
        let threads = std::fs::read_dir("/proc/self/task").into_iter().flatten();
        for thread in threads.filter_map(|entry| entry.ok()?.file_name().into_string().ok()) {
            if Some(thread.as_str()) == me.as_deref() || Some(thread.as_str()) == check {
                continue;
            }
            if let Some(busy) = busy_time(&thread) {
                let now = (Instant::now(), busy);
                seen.entry(thread).or_insert([now, now])[1] = now;
            }
        }
        // Looking takes a moment, and nothing tells when a thread has been busy long.
        thread::sleep(Duration::from_millis(10));
    }
    let busiest = seen
        .values()
        .filter(|[first, last]| last.0 - first.0 >= Duration::from_millis(100))
        .map(|[first, last]| (last.1 - first.1).as_secs_f64() / (last.0 - first.0).as_secs_f64())
        .reduce(f64::max);
    Sampled {
        busiest,
        own_cpu: cpu_time(ClockId::CLOCK_THREAD_CPUTIME_ID) - cpu,
    }
}

/// What a call that waits may use, next to what a thread that spins would get in its
/// time: a quarter of it, plus 20 ms for what the call does besides waiting (starting a
/// process and threads) and for looking often. A call that blocks uses a millisecond or
/// two, one that sleeps a millisecond between two looks about 10 ms in 400 ms (in a
/// debug build), and one that polls without sleeping about as much as the spinner.
const SPINNER_SHARE: f64 = 0.25;
const BESIDES_WAITING: Duration = Duration::from_millis(20);

/// How busy a thread of a call that waits may be: half of the time, or halfway between
/// the check's sleeper and all of the time on a machine so loaded that even a sleeper
/// waits long for a core. A thread that sleeps a millisecond between two looks is busy
/// a tenth of the time or less on a 2-core machine kept busy by ten other programs; one
/// that polls without sleeping, all of it.
const MAX_BUSY: f64 = 0.5;

/// Fails the check with `message` (followed by the figures) if the call measured in
/// `used` burnt CPU while it waited.
pub fn assert_no_cpu_burnt(used: &CpuUse, message: &str) {
    let CpuUse {
        call,
        wall,
        spinner_share,
        busiest,
        sleeper_busy,
    } = *used;
    let spinner = wall.mul_f64(spinner_share);
    assert!(
        call <= spinner.mul_f64(SPINNER_SHARE) + BESIDES_WAITING,
        "{message} (it used {call:.0?} of CPU time in {wall:.0?}, where a thread that does \
         nothing but spin gets {spinner:.0?} on this machine now: waiting should use a \
         small part of that)"
    );
    if let Some(busiest) = busiest {
        let max = MAX_BUSY.max((1.0 + sleeper_busy) / 2.0);
        assert!(
            busiest <= max,
            "{message} (one of its threads was running or waiting for a core {:.0} % of \
             the time, as a thread that polls without sleeping is, even with `yield_now`; \
             one that sleeps a millisecond between two looks is {:.0} % of the time on \
             this machine now)",
            busiest.min(1.0) * 100.0,
            sleeper_busy.min(1.0) * 100.0,
        );
    }
}

/// A path in the temporary folder that no other check (of this process or another)
/// uses, ending in `.ext`.
fn temp_path(ext: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "course-03-processes-{}-{}.{ext}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A FIFO that holds the pool jobs `HOLD`: a worker that gets one opens the FIFO for
/// reading, which blocks until the check opens it for writing ([`Gate::open`]). Removed
/// when dropped.
pub struct Gate {
    path: PathBuf,
}

impl Gate {
    pub fn new() -> Gate {
        let path = temp_path("gate");
        let _ = std::fs::remove_file(&path);
        mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR)
            .expect("a FIFO can be made in the temporary directory");
        Gate { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lets every held job go on, and every later one pass at once, for as long as the
    /// returned file is open. Call it once a worker is known to hold a job: it waits
    /// until one has the FIFO open for reading (a worker writes in the log that it has a
    /// job just before it opens the FIFO), for [`STUCK`] at most.
    pub fn open(&self) -> File {
        let deadline = Instant::now() + STUCK;
        loop {
            // Without O_NONBLOCK, opening a FIFO for writing blocks until a reader opens
            // it; with it, the open fails (ENXIO) while there is none, and the check can
            // give up instead of waiting forever.
            match File::options()
                .write(true)
                .custom_flags(nix::libc::O_NONBLOCK)
                .open(&self.path)
            {
                Ok(file) => return file,
                Err(error) if error.raw_os_error() == Some(nix::libc::ENXIO) => {
                    assert!(
                        Instant::now() < deadline,
                        "no worker opened the gate of its held job within {STUCK:?}"
                    );
                    // Nothing to block on until a worker opens it: look again soon.
                    thread::sleep(Duration::from_millis(1));
                }
                Err(error) => panic!("the gate does not open: {error}"),
            }
        }
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs `call` while this process may open only `free` more files (pipes included):
/// the next `free` file descriptors are allowed, any beyond fail with `EMFILE`. That
/// is how a check makes a worker fail to start after others have started. The limit is
/// lifted again before this returns (and a child started meanwhile keeps it, which is
/// enough for the worker program).
pub fn with_free_files<T>(free: usize, call: impl FnOnce() -> T) -> T {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit works");
    // The open descriptors now (Linux lists them in /proc/self/fd, macOS in /dev/fd):
    // listing the folder opens one more, which is free again once the listing is
    // dropped, so each one found is looked at again.
    let fds = if cfg!(target_os = "linux") {
        "/proc/self/fd"
    } else {
        "/dev/fd"
    };
    let listed: Vec<u64> = std::fs::read_dir(fds)
        .unwrap_or_else(|e| panic!("{fds} lists this process's open files: {e}"))
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let open: BTreeSet<u64> = listed
        .into_iter()
        .filter(|fd| std::fs::symlink_metadata(format!("{fds}/{fd}")).is_ok())
        .collect();
    // The lowest limit below which `free` numbers are unused: new descriptors take the
    // lowest free number, and none may reach the limit.
    let mut limit = 0;
    let mut unused = 0;
    while unused < free {
        if !open.contains(&limit) {
            unused += 1;
        }
        limit += 1;
    }
    struct Lift(u64, u64);
    impl Drop for Lift {
        fn drop(&mut self) {
            setrlimit(Resource::RLIMIT_NOFILE, self.0, self.1).expect("the limit is lifted");
        }
    }
    let _lift = Lift(soft, hard);
    setrlimit(Resource::RLIMIT_NOFILE, limit, hard).expect("setrlimit(RLIMIT_NOFILE) works");
    call()
}

/// A file in which the workers of one check write `started PID` when they start and
/// `job PID JOB` for each job they serve. Removed when dropped.
pub struct Log {
    path: PathBuf,
}

impl Log {
    pub fn new() -> Log {
        let path = temp_path("log");
        std::fs::write(&path, "").expect("the temporary directory is writable");
        Log { path }
    }

    /// The worker program with this log, on `task`.
    pub fn worker(&self, task: &[&str]) -> Worker {
        Worker::new(worker_program())
            .arg("--log")
            .arg(&self.path)
            .args(task)
    }

    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.path)
            .expect("the log is readable")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The pids of the workers that started, in the order they started.
    pub fn started(&self) -> Vec<u32> {
        self.lines()
            .iter()
            .filter_map(|line| line.strip_prefix("started ")?.parse().ok())
            .collect()
    }

    /// The pids of every worker started with this log: those that wrote `started` in it,
    /// and (on Linux) every child of this process that has not been reaped, which
    /// includes a worker that has not got as far as writing it (a function under test may
    /// return before one of its workers has even started running `main`). Only one check
    /// runs at a time ([`serial`]), so this process's children are this check's workers.
    pub fn workers(&self) -> Vec<u32> {
        let mut pids: BTreeSet<u32> = self.started().into_iter().collect();
        pids.extend(children());
        pids.into_iter().collect()
    }

    /// Every job served, as `(pid of the worker, job)`.
    pub fn jobs(&self) -> Vec<(u32, u64)> {
        self.lines()
            .iter()
            .filter_map(|line| {
                let (pid, job) = line.strip_prefix("job ")?.split_once(' ')?;
                Some((pid.parse().ok()?, job.parse().ok()?))
            })
            .collect()
    }
}

/// The children of this process that have not been reaped, running or zombies (Linux:
/// read from `/proc`; elsewhere none are found, the log alone names the workers, and the
/// check says that it could not look, so the grader reports it skipped).
pub fn children() -> Vec<u32> {
    if !cfg!(target_os = "linux") {
        println!("not checked: leftover and unreaped processes are found in Linux's /proc");
        return Vec::new();
    }
    let me = std::process::id();
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `PID (COMMAND) STATE PPID ...`: the command may hold spaces and parentheses,
            // so the fields are counted after the last `)`.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            parent == Some(me)
        })
        .collect()
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Kills and reaps whatever of `pids` is still a child of this process, without judging:
/// checks that are about something else call it before their assertions, so that a
/// failing implementation does not leave workers behind. (The checks whose point is that
/// nothing is left behind call [`assert_no_worker_left`] instead.)
pub fn reap_leftovers(pids: impl IntoIterator<Item = u32>) {
    for pid in pids.into_iter().collect::<BTreeSet<u32>>() {
        let child = Pid::from_raw(pid as i32);
        if let Ok(WaitStatus::StillAlive) = waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            let _ = kill(child, Signal::SIGKILL);
            let _ = waitpid(child, None);
        }
    }
}

/// How long a worker may take to end by itself after the call under test returned,
/// before the check counts it as left running. A worker whose stdin was just closed needs
/// a moment to read the end of file and exit.
const GRACE: Duration = Duration::from_secs(2);

/// Fails the check if any process in `pids` is still a child of this process after
/// `call` returned: still running [`GRACE`] later (then it is killed and reaped here, so
/// that the check leaves nothing behind), or ended but never waited for, a zombie (then
/// the look itself reaps it).
pub fn assert_no_worker_left(pids: impl IntoIterator<Item = u32>, call: &str) {
    let mut running = Vec::new();
    let mut zombies = Vec::new();
    let deadline = Instant::now() + GRACE;
    for pid in pids.into_iter().collect::<BTreeSet<u32>>() {
        let child = Pid::from_raw(pid as i32);
        loop {
            match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                // Not our child: reaped already, as it should be.
                Err(Errno::ECHILD) => break,
                // Waiting for another process to exit, with a deadline: there is no event
                // to block on without reaping it, so look again in a millisecond.
                Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(1));
                }
                Ok(WaitStatus::StillAlive) => {
                    let _ = kill(child, Signal::SIGKILL);
                    let _ = waitpid(child, None);
                    running.push(pid);
                    break;
                }
                Ok(_) => {
                    zombies.push(pid);
                    break;
                }
                Err(error) => panic!("waitpid({pid}) failed: {error}"),
            }
        }
    }
    assert!(
        running.is_empty(),
        "after {call} returned, worker process(es) {running:?} were still running {GRACE:?} \
         later (the check has killed them now). Every worker must have ended before {call} \
         returns: kill it (`Child::kill`) if it has to be stopped, then wait for it \
         (`Child::wait`)"
    );
    assert!(
        zombies.is_empty(),
        "after {call} returned, worker process(es) {zombies:?} had ended but nobody had \
         waited for them: they were zombies. Dropping a `Child` does not wait for it: call \
         `wait()` (or `try_wait()` until it gives `Some`) on every child you start, on the \
         error paths too"
    );
}

/// The outcome of a worker that wrote `bytes` bytes on stderr and exited with code 1
/// must be `Exited` with code 1 and all of that stderr.
pub fn assert_all_of_stderr(
    outcome: Result<processes_exercise::Output, processes_exercise::RunError>,
    bytes: usize,
) {
    match outcome {
        Err(processes_exercise::RunError::Exited {
            code: 1, stderr, ..
        }) => assert_eq!(
            stderr.len(),
            bytes,
            "all of the worker's stderr must be returned in `Exited::stderr`"
        ),
        other => panic!("expected `Err(RunError::Exited {{ code: 1, .. }})`, got {other:?}"),
    }
}
