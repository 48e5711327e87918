//! `thread::Builder`: naming a thread, choosing its stack size, and handling a failed spawn;
//! and how many threads are worth starting.
//!
//! `thread::spawn(f)` is `Builder::new().spawn(f).unwrap()`. The builder adds two settings:
//!
//! - a **name**, which Rust shows in panic messages (`thread 'parser-2' panicked at ...`)
//!   and which the thread can read with `thread::current().name()`. On Linux it is also
//!   passed to the OS, so it appears in `top -H`, `ps -L`, debuggers and profilers. Unnamed
//!   threads show up as `<unnamed>`: name the long-lived ones.
//! - a **stack size**. Each thread reserves its own stack (2 MiB by default for threads Rust
//!   spawns, or `RUST_MIN_STACK`). The memory is reserved address space, only touched pages
//!   become real memory, so a smaller stack rarely saves much; a *larger* one is what deep
//!   recursion needs. Rust may round the size up to the platform's minimum and page size.
//!
//! And one change of contract: `Builder::spawn` returns `io::Result<JoinHandle<T>>`. The
//! OS can refuse to create a thread (too many threads, not enough memory for the stack);
//! `thread::spawn` panics then, while the builder lets you decide what to do.
//!
//! How many threads for CPU-bound work? One per core the program may use:
//! [`thread::available_parallelism`]. That can be *less* than the machine's cores, and that
//! is the point of asking: a container limited by a cgroup CPU quota, or a process pinned
//! to some cores (`taskset`, CPU affinity), may use fewer, and starting more threads than
//! that only adds switching. It returns a `Result` because some platforms cannot tell;
//! [`worker_count`] falls back to 1 then, which is always correct, if not fast.

use std::io;
use std::num::NonZeroUsize;
use std::thread::{self, JoinHandle};

// ANCHOR: builder
/// Spawns `f` on a thread called `name` with a stack of `stack_size` bytes.
///
/// Unlike `thread::spawn`, a failure to create the thread is returned as an `Err`, for the
/// caller to handle (retry later, run the work on the current thread, report it).
pub fn spawn_named<F, T>(name: &str, stack_size: usize, f: F) -> io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    thread::Builder::new()
        .name(name.to_owned())
        .stack_size(stack_size)
        .spawn(f)
}
// ANCHOR_END: builder

// ANCHOR: current_name
/// The name of the thread that calls it, as the thread itself sees it: `None` for an
/// unnamed thread, `Some("main")` on the main thread.
pub fn current_thread_name() -> Option<String> {
    thread::current().name().map(str::to_owned)
}
// ANCHOR_END: current_name

// ANCHOR: available_parallelism
/// How many threads to use for CPU-bound work: the parallelism available to this process,
/// or 1 when the platform cannot say.
pub fn worker_count() -> usize {
    // `NonZeroUsize`: the answer, when there is one, is never 0, so `worker_count()`
    // threads is always a valid number of threads.
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}
// ANCHOR_END: available_parallelism
