//! Helpers shared by the checks: a rendezvous that proves threads ran at the same time, a
//! gate that holds jobs until the check lets them go, reading the message out of a panic,
//! keeping the panics that checks cause on purpose out of the report (and noting the
//! others), and shutting a thread pool down with a deadline.

use std::any::Any;
use std::collections::HashSet;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, Once, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use threads_exercise::ThreadPool;

/// How long a rendezvous waits for everyone before giving up. Threads that really run at
/// the same time meet within microseconds; the deadline only bounds how long a check takes
/// to fail when they don't (a sequential implementation), so it never hangs.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// A meeting point for `expected` threads, with one deadline shared by all of them.
///
/// Each thread calls [`Rendezvous::arrive_and_wait`] and waits there until all `expected`
/// threads have arrived. That can only happen if they all run at the same time: when the
/// jobs run one after another, the first one waits for the others in vain. Because the
/// deadline is fixed when the rendezvous is created (not when each thread arrives), a
/// sequential run fails within [`PATIENCE`] in total: the first job waits until the
/// deadline, and every later one finds it already passed.
pub struct Rendezvous {
    arrived: Mutex<usize>,
    everyone_here: Condvar,
    expected: usize,
    deadline: Instant,
}

impl Rendezvous {
    pub fn new(expected: usize) -> Self {
        Rendezvous {
            arrived: Mutex::new(0),
            everyone_here: Condvar::new(),
            expected,
            deadline: Instant::now() + PATIENCE,
        }
    }

    /// Registers this thread's arrival and waits for the others. Returns `true` if all
    /// `expected` threads arrived before the deadline, `false` if the deadline passed first.
    pub fn arrive_and_wait(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.everyone_here.notify_all();
        // `wait_timeout_while` re-checks the condition after every wake-up (spurious ones
        // included) and gives up when the time left before the shared deadline runs out.
        let time_left = self.deadline.saturating_duration_since(Instant::now());
        let (arrived, _) = self
            .everyone_here
            .wait_timeout_while(arrived, time_left, |arrived| *arrived < self.expected)
            .unwrap();
        *arrived >= self.expected
    }
}

/// The message of a panic payload: `panic!("literal")` carries a `&'static str`,
/// `panic!("{x}")` a `String`.
pub fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

/// The words that end the message of a panic a check causes on purpose, such as a job
/// that panics to see whether `run_all` passes its panic on. (They end it: a failed
/// `assert_eq!` that quotes such a message, with more after it, is printed.)
pub const ON_PURPOSE: &str = "on purpose";

/// The panics not caused on purpose so far, with the thread each one happened on.
static OTHER_PANICS: Mutex<Vec<(ThreadId, String)>> = Mutex::new(Vec::new());

/// Stops the panic hook from printing panics whose message ends with [`ON_PURPOSE`], so
/// that a failing check's report starts with the assertion that failed, not with a panic
/// the check caused itself. Every other panic is printed as usual, and noted for
/// [`other_panics_on`].
pub fn hide_panics_on_purpose() {
    // The hook belongs to the whole process, and tests run on several threads: install it
    // once, wrapping the hook that was there before.
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let print = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = panic_message(info.payload()).unwrap_or("a panic without message");
            if !message.ends_with(ON_PURPOSE) {
                let noted = (thread::current().id(), message.to_owned());
                OTHER_PANICS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(noted);
                print(info);
            }
        }));
    });
}

/// The messages of the panics, not caused on purpose, that happened on `threads` since
/// [`hide_panics_on_purpose`] was first called.
pub fn other_panics_on(threads: &HashSet<ThreadId>) -> Vec<String> {
    let noted = OTHER_PANICS.lock().unwrap_or_else(|e| e.into_inner());
    noted
        .iter()
        .filter(|(thread, _)| threads.contains(thread))
        .map(|(_, message)| message.clone())
        .collect()
}

/// A gate that jobs wait at until the check opens it, with a deadline so that a gate
/// nobody opens cannot hang a check. It also counts the jobs that arrived at it, so that
/// the check can wait until they all have.
pub struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
    deadline: Instant,
}

struct GateState {
    arrived: usize,
    open: bool,
}

impl Gate {
    pub fn closed() -> Self {
        Gate {
            state: Mutex::new(GateState {
                arrived: 0,
                open: false,
            }),
            changed: Condvar::new(),
            deadline: Instant::now() + PATIENCE,
        }
    }

    /// Registers this thread's arrival and waits until the gate is opened (or the
    /// deadline passes).
    pub fn arrive_and_wait(&self) {
        let mut state = self.state.lock().unwrap();
        state.arrived += 1;
        self.changed.notify_all();
        let time_left = self.deadline.saturating_duration_since(Instant::now());
        let _ = self
            .changed
            .wait_timeout_while(state, time_left, |state| !state.open)
            .unwrap();
    }

    /// Waits until `count` threads have arrived; `false` if the deadline passed first.
    pub fn wait_for_arrivals(&self, count: usize) -> bool {
        let state = self.state.lock().unwrap();
        let time_left = self.deadline.saturating_duration_since(Instant::now());
        let (state, _) = self
            .changed
            .wait_timeout_while(state, time_left, |state| state.arrived < count)
            .unwrap();
        state.arrived >= count
    }

    pub fn open(&self) {
        self.state.lock().unwrap().open = true;
        self.changed.notify_all();
    }
}

/// How long dropping a pool may take before a check gives up on it. The jobs of the checks
/// run for milliseconds; only a `drop` that waits for something that never comes (workers
/// joined while the queue is still open, so they wait for jobs forever) takes this long.
pub const SHUTDOWN_PATIENCE: Duration = Duration::from_secs(10);

/// Drops `pool`, as a check's last use of it, and turns what can go wrong into a message
/// that says what to fix: a `drop` that panics, and a `drop` that never returns.
///
/// A `drop` that never returns cannot be interrupted from outside. A watchdog thread waits
/// for it; after [`SHUTDOWN_PATIENCE`] it writes the explanation to the standard error
/// (directly, past the test harness's capture of the check's output) and ends the test
/// process with a failure.
pub fn shut_down(pool: ThreadPool) {
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(SHUTDOWN_PATIENCE) {
            let message = format!(
                "\ndropping the pool has not returned after {SHUTDOWN_PATIENCE:?}: the workers \
                 are still waiting for jobs, or drop waits for something that never comes. \
                 Close the queue first (`drop(self.sender.take())`, so that each worker's \
                 `recv` returns `Err` once the queued jobs have run), then join every worker\n"
            );
            let _ = std::io::stderr().write_all(message.as_bytes());
            std::process::exit(101);
        }
    });
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| drop(pool)));
    let _ = done.send(());
    watchdog.join().expect("the watchdog does not panic");
    if let Err(payload) = outcome {
        panic!(
            "dropping the pool panicked: {:?}. When a worker's `recv` returns `Err`, the \
             queue is closed and empty: the worker must leave its loop quietly (not \
             `unwrap` the error), and it must survive the panics of its jobs \
             (`catch_unwind`), so that joining it succeeds",
            panic_message(&*payload).unwrap_or("no message")
        );
    }
}
