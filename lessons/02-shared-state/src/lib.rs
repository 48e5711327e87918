//! # Lesson 02: shared state and races
//!
//! Threads in one process share memory; Python guides name the price: race conditions.
//! Rust splits that price in two. A *data race* (two threads touching the same memory at
//! once, at least one writing, without synchronisation) is undefined behaviour, and the
//! compiler refuses every program that could have one: the data must sit behind a lock or
//! in an atomic, and only types that are safe to share can be shared. A *race condition*
//! (a wrong result that depends on how the threads happened to interleave) is a logic
//! error, and the compiler cannot see those: a lost update, a check-then-act, a missed
//! wake-up, a deadlock. This lesson shows both halves, and finds the second kind with loom,
//! a model checker that runs the code under every interleaving that matters instead of
//! hoping a stress test hits the bad one.
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`arc_mutex`] | `Arc<Mutex<T>>`: shared ownership, guards and how long they hold the lock, poisoning |
//! | [`rwlock`] | `RwLock`: many readers at once, or one writer |
//! | [`atomics`] | atomics: a lost update (load then store) and `fetch_add`; `Relaxed` counters, `Release`/`Acquire` publication |
//! | [`check_then_act`] | a check and an act under two separate locks, and under one |
//! | [`condvar`] | `Condvar`: the `while` loop, and a wake-up that is lost when the condition lives outside the mutex |
//! | [`philosophers`] | the dining philosophers' deadlock, and the lock order that prevents it |
//! | [`channels`] | std and crossbeam channels: backpressure, disconnection as shutdown, `select!` |
//! | [`counters`] | contended counters: a `Mutex`, an atomic, shards with and without `CachePadded` |
//!
//! The modules loom checks take their primitives from `sync` (a private module): std's
//! normally, loom's under `--cfg loom`.
//!
//! Every claim is proved by a test (`tests/claims/`), what Rust refuses to compile by
//! compile-fail tests (`tests/ui/`), every race condition by a loom model that fails next to
//! the fixed version that passes (`tests/loom.rs`, checked by `tests/loom_reports.rs`), and
//! every claim about speed by a criterion benchmark (`benches/shared_state.rs`) whose ratios
//! the course checks in CI (the `claims` in this crate's `Cargo.toml`).
//!
//! ## Run it
//!
//! ```text
//! cargo run -p lesson-02-shared-state --example lost_update     # a racy counter against fetch_add
//! cargo run -p lesson-02-shared-state --example locks           # Arc<Mutex>, guard scope, poisoning, RwLock
//! cargo run -p lesson-02-shared-state --example event           # a Condvar-based event, waited for by threads
//! cargo run -p lesson-02-shared-state --example philosophers    # the circular wait, then a dinner without deadlock
//! cargo run -p lesson-02-shared-state --example channels        # workers, backpressure, disconnection, select!
//! cargo run --release -p lesson-02-shared-state --example channel_handoff  # std against crossbeam at capacity 1
//! cargo run --release -p lesson-02-shared-state --example contention       # the four counters, timed
//! ```
//!
//! The loom models, with the buggy ones (ignored by default) showing loom's report:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p lesson-02-shared-state --release --test loom
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p lesson-02-shared-state --release --test loom -- --ignored
//! ```
//!
//! And the rest:
//!
//! ```text
//! cargo test  -p lesson-02-shared-state
//! cargo bench -p lesson-02-shared-state --bench shared_state
//! ```

pub mod arc_mutex;
pub mod atomics;
pub mod channels;
pub mod check_then_act;
pub mod condvar;
pub mod counters;
pub mod philosophers;
pub mod rwlock;
mod sync;
