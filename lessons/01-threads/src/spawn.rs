//! Starting a thread, getting its result back, and finding out when it panicked.
//!
//! `std::thread::spawn` takes a closure and runs it on a new operating-system thread, the
//! same kind of thread Python's `threading.Thread` starts. It returns at once with a
//! [`JoinHandle<T>`], where `T` is whatever the closure returns. `handle.join()` waits for
//! the thread to finish and hands back that value: unlike `threading.Thread`, whose
//! `target`'s return value is thrown away, a Rust thread returns its result.
//!
//! Two rules follow from the thread running *on its own*, possibly for longer than the
//! function that started it:
//!
//! - the closure must own what it uses (`F: 'static`), which is why it is usually written
//!   `move || ...`: `move` makes the closure take its captured variables instead of
//!   borrowing them from a stack frame that may be gone before the thread is done
//!   (`tests/ui/spawn_borrow.rs` shows the error without it; [`crate::scoped`] shows how to
//!   borrow safely anyway);
//! - whatever moves into the thread must be `Send`, safe to hand to another thread
//!   (`tests/ui/rc_to_thread.rs` shows `Rc`, which is not).
//!
//! A panic inside the thread unwinds that thread only. It does not take the program down;
//! it comes back to whoever joins, as `Err(payload)`, and [`panic_message`] turns that
//! payload back into the text that was passed to `panic!`.

use std::any::Any;
use std::thread::{self, JoinHandle};

// ANCHOR: spawn_join
/// Sums `numbers` on a new thread and returns the sum through the thread's `JoinHandle`.
pub fn sum_on_thread(numbers: Vec<u64>) -> u64 {
    // `move` gives the vector to the thread. The closure returns a u64, so the handle is a
    // `JoinHandle<u64>`.
    let handle: JoinHandle<u64> = thread::spawn(move || numbers.iter().sum());

    // The calling thread is free to do other work here, in parallel with the new thread.

    // `join` waits for the thread to end. It returns `Err` only if the thread panicked
    // (here, only an overflowing sum in a debug build could); `expect` turns that into a
    // panic of this thread, so the failure is not silently lost.
    handle.join().expect("the summing thread panicked")
}
// ANCHOR_END: spawn_join

// ANCHOR: move_closure
/// Starts one thread per name; each builds a greeting from the `String` it was given.
///
/// The handles are collected first and joined afterwards, so that the threads run at the
/// same time. The results come back in the order of `names`, whatever order the threads
/// finished in, because we join the handles in that order.
pub fn greet_all(names: Vec<String>) -> Vec<String> {
    let handles: Vec<JoinHandle<String>> = names
        .into_iter()
        .map(|name| {
            // Without `move`, the closure would borrow `name`, a local variable of this
            // iteration that is dropped right after `spawn` returns, while the thread may
            // still be running. `spawn` refuses such a closure (`F: 'static`); `move`
            // transfers ownership of `name` into the thread instead.
            thread::spawn(move || format!("hello, {name}"))
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a greeting thread panicked"))
        .collect()
}
// ANCHOR_END: move_closure

// ANCHOR: panic_message
/// The message a panicking thread passed to `panic!`, read from the payload that
/// `join()` returns as `Err`.
///
/// The payload is a `Box<dyn Any + Send>`: `panic!` can carry any value, so its type is
/// only known at run time, and we must ask. `panic!("literal")` carries a `&'static str`,
/// `panic!("{x}")` (any formatting) carries a `String`, and `std::panic::panic_any(v)`
/// carries whatever `v` is.
///
/// It takes `&Box<...>` rather than `&dyn Any`: a `&Box<dyn Any + Send>` would itself
/// coerce to a `&dyn Any` (the *box* is an `Any` too), and asking that for a `&str` would
/// always fail. Taking the box makes `panic_message(&payload)` do the right thing.
pub fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic payload that is not a string".to_owned()
    }
}
// ANCHOR_END: panic_message

// ANCHOR: join_panicked
/// Divides `dividend` by `divisor` on another thread. Dividing by zero panics in that
/// thread; the panic arrives here as `Err` from `join`, and becomes an `Err` with the
/// panic's message instead of a crash.
pub fn divide_on_thread(dividend: u64, divisor: u64) -> Result<u64, String> {
    let handle = thread::spawn(move || {
        if divisor == 0 {
            panic!("cannot divide {dividend} by zero");
        }
        dividend / divisor
    });
    handle.join().map_err(|payload| panic_message(&payload))
}
// ANCHOR_END: join_panicked
