//! Helpers shared by the checks: a rendezvous that proves threads ran at the same time,
//! reading the message out of a panic, and keeping the panics that checks cause on purpose
//! out of the report.

use std::any::Any;
use std::panic;
use std::sync::{Condvar, Mutex, Once};
use std::time::{Duration, Instant};

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

/// The words that mark a panic a check causes on purpose, such as a job that panics to
/// see whether `run_all` passes its panic on.
pub const ON_PURPOSE: &str = "on purpose";

/// Stops the panic hook from printing panics whose message contains [`ON_PURPOSE`], so
/// that a failing check's report starts with the assertion that failed, not with a panic
/// the check caused itself. Every other panic is printed as usual.
pub fn hide_panics_on_purpose() {
    // The hook belongs to the whole process, and tests run on several threads: install it
    // once, wrapping the hook that was there before.
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let print = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !panic_message(info.payload()).is_some_and(|m| m.contains(ON_PURPOSE)) {
                print(info);
            }
        }));
    });
}
