//! Running one check's process with a deadline.
//!
//! The process gets its own process group and a token in its environment (see `tree`),
//! its output is captured (up to a limit, so a test that prints forever cannot exhaust
//! memory), and when it ends, or its deadline passes, everything it started is killed.
//!
//! SIGINT (Ctrl-C), SIGTERM and SIGHUP interrupt the grader: every process it started
//! (checks, and cargo's builds) is killed, nothing of the interrupted run is reported or
//! recorded, and the grader exits with 128 + the signal's number, as a shell would.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::unistd::Pid;

use crate::sys::process_tree::{self, Leftover};
use crate::sys::shm;

/// Captured output beyond this is dropped (the end of it is usually noise).
const OUTPUT_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    /// Killed by a signal the process did not handle (abort, segfault, ...).
    Signaled(i32),
    /// The deadline passed and the grader killed the process tree.
    TimedOut,
}

#[derive(Debug)]
pub struct Outcome {
    pub status: Status,
    /// stdout and stderr, interleaved roughly in the order they were written.
    pub output: String,
    /// Processes the check left running after it ended; all were killed.
    pub leftovers: Vec<Leftover>,
    /// Shared-memory segments the check left in `/dev/shm`; removed if the run was
    /// [`alone`](Outcome::alone), else left for [`shm::remove_new`] once no run is going.
    pub segments: Vec<String>,
    /// The runs that started while this one went on (see [`Span`]).
    pub span: Span,
    /// No other run went on at any time during this one. Only then are all its
    /// leftovers surely its own: an orphan re-parented to the grader, or a new segment
    /// in `/dev/shm`, could belong to any run going on meanwhile.
    pub alone: bool,
}

impl Outcome {
    /// Did the run leave something behind that might be another run's: an orphan, or a
    /// segment, while another run went on? (A process found in the run's group, by its
    /// token or as a descendant of its leader is surely its own.)
    pub fn attribution_unsure(&self) -> bool {
        let orphans = self.leftovers.iter().any(|l| l.orphan);
        !self.alone && (orphans || !self.segments.is_empty())
    }
}

/// Runs are numbered as they start; a run's span goes from its own number to the number
/// of the last run started before it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: u64,
    pub last: u64,
}

impl Span {
    /// Did the two runs go on at the same time? One must have started during the other.
    pub fn overlaps(&self, other: &Span) -> bool {
        let started_during = |a: &Span, b: &Span| a.first < b.first && b.first <= a.last;
        self.first == other.first || started_during(self, other) || started_during(other, self)
    }
}

/// Locks `mutex`, also after a panic on another thread while it held it: the grader's
/// locks guard bookkeeping that every holder leaves whole, and the panic is reported on
/// its own.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How many runs are going on, and how many have started.
struct Runs {
    going: usize,
    started: u64,
}

static RUNS: Mutex<Runs> = Mutex::new(Runs {
    going: 0,
    started: 0,
});

/// One run, counted in [`RUNS`] from its start until it is dropped (on every path).
struct Counted {
    first: u64,
    alone_at_start: bool,
}

impl Counted {
    fn start() -> Self {
        let mut runs = lock(&RUNS);
        runs.going += 1;
        runs.started += 1;
        Counted {
            first: runs.started,
            alone_at_start: runs.going == 1,
        }
    }

    /// The span so far, and whether no other run went on during it.
    fn so_far(&self) -> (Span, bool) {
        let runs = lock(&RUNS);
        let span = Span {
            first: self.first,
            last: runs.started,
        };
        (span, self.alone_at_start && runs.started == self.first)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        lock(&RUNS).going -= 1;
    }
}

/// The processes running now that the grader started (checks and builds), each the
/// leader of its own process group, with its token: what an interruption kills.
static RUNNING: Mutex<Vec<(Pid, String)>> = Mutex::new(Vec::new());

/// The signal that interrupted the grader, or 0.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// Makes the grader a subreaper and starts the thread that handles interruptions.
pub fn init() {
    process_tree::become_subreaper();
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(mut signals) => {
                thread::spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        interrupt(signal);
                    }
                });
            }
            Err(e) => eprintln!("warning: Ctrl-C will not stop the checks cleanly: {e}"),
        }
    }
}

/// Kills every process the grader started and exits with 128 + `signal`. The main
/// thread, which may be waiting on one of those processes, stops at its next
/// `stop_if_interrupted` instead of reporting what the killing did to it.
fn interrupt(signal: i32) -> ! {
    INTERRUPTED.store(signal, Ordering::SeqCst);
    let running = RUNNING.lock().map(|r| r.clone()).unwrap_or_default();
    let leaders: Vec<Pid> = running.iter().map(|(leader, _)| *leader).collect();
    for (leader, token) in &running {
        process_tree::kill_all(*leader, token, &|| leaders.clone());
    }
    eprintln!(
        "\ninterrupted ({}): every process the grader started was stopped, \
         and nothing of this run was recorded",
        signal_name(signal)
    );
    std::process::exit(128 + signal);
}

/// Called wherever the grader is about to act on what a process did, or to record
/// anything: after an interruption, that process was killed by the grader itself, so
/// nothing may come of it. Blocks until the interrupting thread exits the process.
pub fn stop_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) != 0 {
        loop {
            thread::park();
        }
    }
}

/// A process group the grader started, registered so that an interruption kills it
/// and everything its leader started.
///
/// Dropping it kills and unregisters the group too, so that no error path leaves a
/// registered pid behind (one that could be reused by an unrelated process).
pub struct Group {
    leader: Pid,
    token: String,
    finished: bool,
}

/// Starts `command` in a process group of its own, with a token in its environment,
/// and registers the group.
pub fn start(mut command: Command) -> Result<(Child, Group)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let token = format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    command.env(process_tree::TOKEN_VAR, &token);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // Spawned and registered under the lock, so that an interruption finds it.
    let mut running = RUNNING.lock().expect("no panics while holding RUNNING");
    let child = command
        .spawn()
        .with_context(|| format!("could not start {:?}", command.get_program()))?;
    let leader = Pid::from_raw(child.id() as i32);
    running.push((leader, token.clone()));
    Ok((
        child,
        Group {
            leader,
            token,
            finished: false,
        },
    ))
}

impl Group {
    /// Kills the leader and everything it started; returns what was found alive other
    /// than the leader.
    fn kill(&self) -> Vec<Leftover> {
        process_tree::kill_all(self.leader, &self.token, &leaders)
    }

    /// Kills whatever the group's leader left running (returned as leftovers) and
    /// unregisters the group. Call once the leader itself has been waited for.
    pub fn finish(mut self) -> Vec<Leftover> {
        self.release()
    }

    fn release(&mut self) -> Vec<Leftover> {
        if std::mem::replace(&mut self.finished, true) {
            return Vec::new();
        }
        let leftovers = self.kill();
        lock(&RUNNING).retain(|(pid, _)| *pid != self.leader);
        leftovers
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.release();
    }
}

fn leaders() -> Vec<Pid> {
    RUNNING
        .lock()
        .expect("no panics while holding RUNNING")
        .iter()
        .map(|(leader, _)| *leader)
        .collect()
}

/// Runs `command` to completion or until `deadline`, then kills whatever it left behind.
pub fn run(mut command: Command, deadline: Duration) -> Result<Outcome> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let counted = Counted::start();
    let segments_before = shm::segments();
    let (mut child, group) = start(command)?;

    let output = Arc::new(Mutex::new(Vec::new()));
    let readers = spawn_readers(&mut child, &output);
    let (status_tx, status_rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let _ = status_tx.send(child.wait());
    });

    let status = match status_rx.recv_timeout(deadline) {
        Ok(exit) => {
            stop_if_interrupted();
            to_status(exit.context("waiting for the check process")?)
        }
        Err(_) => {
            group.kill();
            // SIGKILL cannot be ignored: the waiter reports promptly.
            status_rx
                .recv()
                .context("the waiter thread vanished")?
                .context("waiting for the killed check process")?;
            stop_if_interrupted();
            Status::TimedOut
        }
    };
    let _ = waiter.join();
    // The leader has exited; anything still alive of the check is a leftover.
    let leftovers = group.finish();
    // Still counted as going: a run that starts now is not alone either.
    let (span, alone) = counted.so_far();
    let segments = if alone {
        shm::remove_new(&segments_before)
    } else {
        shm::new_since(&segments_before)
    };
    drop(counted);

    // The pipes close once every process holding them is dead. A process that escaped
    // the sweep could hold them open, so don't wait on the readers forever.
    for done in readers {
        let _ = done.recv_timeout(Duration::from_secs(2));
    }
    let bytes = output.lock().expect("reader threads do not panic").clone();
    Ok(Outcome {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        leftovers,
        segments,
        span,
        alone,
    })
}

/// Copies the child's stdout and stderr into `output`; each returns a "done" receiver.
fn spawn_readers(child: &mut Child, output: &Arc<Mutex<Vec<u8>>>) -> Vec<mpsc::Receiver<()>> {
    let streams: Vec<Box<dyn Read + Send>> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    streams
        .into_iter()
        .map(|mut stream| {
            let output = Arc::clone(output);
            let (done_tx, done_rx) = mpsc::channel();
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut out = output.lock().expect("reader threads do not panic");
                    let room = OUTPUT_LIMIT.saturating_sub(out.len());
                    out.extend_from_slice(&buf[..n.min(room)]);
                }
                let _ = done_tx.send(());
            });
            done_rx
        })
        .collect()
}

fn to_status(exit: ExitStatus) -> Status {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = exit.signal() {
            return Status::Signaled(signal);
        }
    }
    Status::Exited(exit.code().unwrap_or(-1))
}

/// A readable name for a signal number, e.g. `SIGSEGV (segmentation fault)`.
pub fn signal_name(signal: i32) -> String {
    let meaning = match signal {
        4 => " (illegal instruction)",
        6 => " (abort)",
        7 => " (bus error)",
        8 => " (arithmetic error)",
        9 => " (killed)",
        11 => " (segmentation fault)",
        15 => " (terminated)",
        _ => "",
    };
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(s) => format!("{}{meaning}", s.as_str()),
        Err(_) => format!("signal {signal}"),
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::time::Instant;

    /// One at a time: each run lists `/dev/shm` before and after, so a segment made by
    /// one test would be removed by another running at the same time.
    fn serial() -> std::sync::MutexGuard<'static, ()> {
        static LOCK: Mutex<()> = Mutex::new(());
        lock(&LOCK)
    }

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn exit_codes_and_output_are_reported() {
        let _serial = serial();
        let out = run(
            sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.status, Status::Exited(3));
        assert!(out.output.contains("out") && out.output.contains("err"));
        assert!(out.leftovers.is_empty());
    }

    #[test]
    fn signals_are_reported() {
        let _serial = serial();
        let out = run(sh("kill -SEGV $$"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Signaled(11));
        assert_eq!(signal_name(11), "SIGSEGV (segmentation fault)");
    }

    #[test]
    fn a_hung_tree_is_killed_at_the_deadline_even_across_sessions() {
        let _serial = serial();
        // The grandchild escapes the process group with setsid; it is still found.
        let start = Instant::now();
        let out = run(
            sh("setsid sleep 300 & sleep 300; echo never"),
            Duration::from_millis(300),
        )
        .unwrap();
        assert_eq!(out.status, Status::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(!out.output.contains("never"));
    }

    #[test]
    fn children_left_behind_by_a_finished_process_are_killed_and_reported() {
        let _serial = serial();
        let out = run(sh("sleep 300 & echo started"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Exited(0));
        // One leftover: the background job (caught as `sh` if it had not exec'd yet).
        assert_eq!(out.leftovers.len(), 1, "{:?}", out.leftovers);
        // Found in the check's process group: surely its own, not an orphan of anyone's.
        assert!(!out.leftovers[0].orphan);
        let pid = out.leftovers[0].pid;
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            state.is_empty() || state.contains(" Z "),
            "pid {pid} still alive: {state}"
        );
    }

    #[test]
    fn endless_output_is_capped() {
        let _serial = serial();
        let out = run(sh("yes | head -c 5000000"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Exited(0));
        assert_eq!(out.output.len(), OUTPUT_LIMIT);
    }

    #[test]
    fn segments_left_in_dev_shm_are_removed_and_reported() {
        let _serial = serial();
        let name = format!("course-xtask-test-{}", std::process::id());
        let out = run(
            sh(&format!("echo left > /dev/shm/{name}")),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.status, Status::Exited(0));
        assert_eq!(out.segments, vec![name.clone()]);
        assert!(!std::path::Path::new("/dev/shm").join(&name).exists());
        assert!(out.alone && !out.attribution_unsure());
    }

    #[test]
    fn what_a_run_leaves_beside_another_is_not_taken_as_surely_its_own() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let (started, finish) = (dir.path().join("started"), dir.path().join("finish"));
        let name = format!("course-xtask-beside-{}", std::process::id());
        let segment = std::path::Path::new("/dev/shm").join(&name);
        // The first run waits until the second has ended, so the two overlap for sure.
        let waiting = sh(&format!(
            "touch {}; while [ ! -e {} ]; do sleep 0.01; done",
            started.display(),
            finish.display()
        ));
        let (first, second) = thread::scope(|s| {
            let first = s.spawn(|| run(waiting, Duration::from_secs(30)).unwrap());
            while !started.exists() && !first.is_finished() {
                thread::yield_now();
            }
            let second = run(
                sh(&format!("echo left > {}", segment.display())),
                Duration::from_secs(10),
            )
            .unwrap();
            std::fs::write(&finish, "").unwrap();
            (first.join().unwrap(), second)
        });
        assert!(first.span.overlaps(&second.span) && second.span.overlaps(&first.span));
        assert!(!first.alone && !second.alone);
        // The segment could be either run's: both report it, unsure, and neither removes it.
        assert_eq!(second.segments, vec![name.clone()]);
        assert_eq!(first.segments, vec![name.clone()]);
        assert!(second.attribution_unsure() && first.attribution_unsure());
        assert!(segment.exists());
        std::fs::remove_file(&segment).unwrap();
        // Runs one after the other do not overlap.
        let later = run(sh("true"), Duration::from_secs(10)).unwrap();
        assert!(later.alone && !later.span.overlaps(&first.span));
    }
}
