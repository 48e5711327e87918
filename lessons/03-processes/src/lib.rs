//! # Lesson 03: processes
//!
//! The usual case for processes in Python is parallelism: CPython's GIL lets one
//! thread compute at a time, so CPU-bound work goes to `multiprocessing`. In Rust, threads
//! already compute in parallel (lesson 01). What a process still buys is everything that
//! comes from not sharing an address space: a crash that stays in one worker, a separate
//! program, separate limits. It pays for it in start-up time, memory, and communication
//! that must be explicit. This lesson shows both sides, with real processes, and measures
//! the price.
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`command`] | `Command`: arguments, environment, `Stdio` (inherit, piped, null), `status` and `output`; how a process ended: an exit code or a signal |
//! | [`worker`] | a program that re-runs itself as its own workers: `current_exe` and a worker argument; `CARGO_BIN_EXE_*` in tests |
//! | [`lifecycle`] | `spawn`, `wait`, `try_wait`, `kill`, a deadline; zombies and reaping; a guard that kills and reaps on every path |
//! | [`faults`] | fault isolation: a panic, an abort, a stack overflow and a null-pointer write, in a thread and in a child process |
//! | [`fork`] | why a program with threads must not `fork` and carry on |
//! | [`pool`] | the cost of a process, a thread, and a task on a pool of either; CPU-bound work on a pool of processes and on a pool of threads |
//! | [`memory`] | the memory of one more worker: a process against a thread (Linux) |
//!
//! The lesson is for Unix (Linux and macOS): exit statuses carry signals there, and `fork`
//! exists. [`memory`] and some tests read `/proc`, which only Linux has.
//!
//! Every claim is proved by a test (`tests/claims/`, `tests/memory.rs`), what Rust refuses
//! to compile by compile-fail tests (`tests/ui/`), and every claim about speed by a
//! criterion benchmark (`benches/processes.rs`) whose ratios the course checks in CI (the
//! `claims` in this crate's `Cargo.toml`).
//!
//! ## Run it
//!
//! The crate's program, `src/main.rs`, re-runs itself as workers:
//!
//! ```text
//! cargo run -p lesson-03-processes
//! ```
//!
//! Each example prints what it shows (and each is also a program that re-runs itself):
//!
//! ```text
//! cargo run -p lesson-03-processes --example command         # Command, Stdio, environment, exit statuses
//! cargo run -p lesson-03-processes --example lifecycle       # try_wait, kill, a deadline, a zombie, a guard
//! cargo run -p lesson-03-processes --example fault_isolation # the same faults in a thread and in a process
//! cargo run -p lesson-03-processes --example fork            # a lock held by a thread that the child lacks
//! cargo run --release -p lesson-03-processes --example spawn_cost   # a process, a thread, a pool task
//! cargo run --release -p lesson-03-processes --example process_pool # CPU-bound work on processes and threads
//! cargo run --release -p lesson-03-processes --example memory       # the memory of a worker process and thread
//! ```
//!
//! The examples print times they measured, as an illustration. The numbers the book quotes
//! come from the benchmarks:
//!
//! ```text
//! cargo test  -p lesson-03-processes
//! cargo bench -p lesson-03-processes --bench processes
//! ```

pub mod command;
pub mod faults;
pub mod fork;
pub mod lifecycle;
pub mod memory;
pub mod pool;
pub mod worker;
