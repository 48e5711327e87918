//! # Lesson 05: hybrid concurrency
//!
//! Python guides' last advice is to combine approaches for hybrid workloads, and not to
//! overload the system with too many threads or processes. This lesson does both, with the
//! tools of lessons 01 to 03, and measures the choices:
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`pipeline`] | I/O threads reading, a bounded crossbeam channel, a rayon compute stage, an ordered writer; a window that keeps memory flat; shutdown and errors |
//! | [`frame`] | messages between processes: length-prefixed frames of JSON (serde), and clear errors for bad input |
//! | [`worker`] | a worker process that runs its jobs on a rayon pool of its own |
//! | [`ledger`] | the supervisor's books: every job's result delivered exactly once |
//! | [`supervisor`] | a prefork supervisor: worker processes fed through their stdin, restarted when they crash or hang, their unfinished jobs sent again |
//! | [`concurrency`] | threads = cores, 4× and 64× cores, for work that waits, computes, or computes in lockstep; context switches counted; rayon pool sizes |
//! | [`work`] | the jobs: a CPU-bound checksum, a simulated I/O wait, and jobs as data for worker processes |
//!
//! The lesson is for Unix (Linux and macOS), like lesson 03: workers are processes that
//! can be killed by signals. Context switches are counted per thread on Linux only.
//!
//! Every claim is proved by a test (`tests/claims/`), and every claim about speed by a
//! criterion benchmark (`benches/hybrid.rs`) whose ratios the course checks in CI (the
//! `claims` in this crate's `Cargo.toml`).
//!
//! ## Run it
//!
//! The crate's program, `src/main.rs`, is a supervisor that re-runs itself as its worker
//! processes, and kills one of them halfway to show the restart:
//!
//! ```text
//! cargo run -p lesson-05-hybrid
//! ```
//!
//! Each example prints what it shows:
//!
//! ```text
//! cargo run --release -p lesson-05-hybrid --example pipeline        # I/O threads, rayon, an ordered writer
//! cargo run --release -p lesson-05-hybrid --example supervisor      # crashes, hangs, restarts, exactly-once results
//! cargo run --release -p lesson-05-hybrid --example oversubscription # cores, 4x, 64x threads; context switches
//! cargo run --release -p lesson-05-hybrid --example pool_size       # rayon pools of several sizes, timed
//! ```
//!
//! The examples print times they measured, as an illustration. The numbers the book quotes
//! come from the benchmarks:
//!
//! ```text
//! cargo test  -p lesson-05-hybrid
//! cargo bench -p lesson-05-hybrid --bench hybrid
//! ```

pub mod concurrency;
pub mod frame;
pub mod ledger;
pub mod pipeline;
pub mod supervisor;
pub mod work;
pub mod worker;
