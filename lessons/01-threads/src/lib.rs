//! # Lesson 01: threads
//!
//! In Python, the rule of thumb is: threads for I/O-bound work, processes for CPU-bound
//! work. The reason is CPython's global interpreter lock (GIL), which lets only one thread
//! run Python code at a time. Rust has no GIL. This lesson shows what that changes, and
//! measures it: Rust threads overlap their waits *and* compute in parallel, in one process,
//! sharing memory.
//!
//! It also shows the tools, from the most basic to the most convenient:
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`spawn`] | `thread::spawn` and `join`, a `JoinHandle<T>` carrying the thread's result back, why closures are `move`, a panic coming back from `join` as `Err` |
//! | [`scoped`] | `thread::scope`: threads that borrow local data, each thread changing its own chunk of a slice, automatic joins |
//! | [`builder`] | `thread::Builder`: thread names and stack sizes, a spawn that may fail; `available_parallelism` |
//! | [`pool`] | a thread per task against a pool of threads (rayon's `ThreadPool`) |
//! | [`io_bound`] | I/O-bound work: on threads, the waits overlap |
//! | [`cpu_bound`] | CPU-bound work: sequential, on scoped threads, with rayon; the same answer three ways |
//! | [`gil`] | a simulated GIL: CPU-bound threads under it get no speedup, I/O-bound threads still overlap, free threads scale |
//!
//! Every claim is proved by a test (`tests/claims/`), what Rust refuses to compile by
//! compile-fail tests (`tests/ui/`), and every claim about speed by a criterion benchmark
//! (`benches/threads.rs`) whose ratios the course checks in CI (the `claims` in this
//! crate's `Cargo.toml`).
//!
//! ## Run it
//!
//! Each example prints what it shows:
//!
//! ```text
//! cargo run -p lesson-01-threads --example spawn_join     # spawn, move, join, JoinHandle<T>
//! cargo run -p lesson-01-threads --example scoped         # thread::scope and borrowed data
//! cargo run -p lesson-01-threads --example builder        # names, stack sizes, available_parallelism
//! cargo run -p lesson-01-threads --example panic_join     # a panic in a thread comes back from join
//! cargo run -p lesson-01-threads --example pool_vs_spawn  # the cost of a thread against a pool task
//! cargo run -p lesson-01-threads --example io_overlap     # I/O waits overlap on threads
//! cargo run -p lesson-01-threads --example cpu_speedup    # CPU-bound work on all the cores
//! cargo run -p lesson-01-threads --example gil            # the same jobs under a simulated GIL
//! ```
//!
//! The examples print times they measured, as an illustration; add `--release` for numbers
//! closer to the benchmarks. The numbers the book quotes come from the benchmarks:
//!
//! ```text
//! cargo test  -p lesson-01-threads
//! cargo bench -p lesson-01-threads --bench threads
//! ```

pub mod builder;
pub mod cpu_bound;
pub mod gil;
pub mod io_bound;
pub mod pool;
pub mod scoped;
pub mod spawn;
