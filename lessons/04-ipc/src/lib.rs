//! # Lesson 04: inter-process communication
//!
//! Python guides' last word on processes: they do not share memory, so "data sharing
//! between processes requires explicit mechanisms like queues or pipes". This lesson builds
//! each mechanism between real processes and measures it, side by side, against a channel
//! to a thread in the same process and against `memcpy`, the fastest anything can move
//! bytes.
//!
//! | module | what it shows |
//! | --- | --- |
//! | [`framing`] | messages on a byte stream: length-prefixed frames, partial reads and writes, end of file, typed messages with serde and postcard |
//! | [`protocol`] | one request/response protocol over any `Read` and `Write`, spoken on pipes and on shared memory |
//! | [`pipe`] | a worker spoken to through its stdin and stdout; end of file as the shutdown |
//! | [`ipc`] | ipc-channel: a one-shot server to bootstrap a child, typed channels, channels sent over channels, `IpcSharedMemory`, `IpcReceiverSet` |
//! | [`shm`] | the shared_memory crate: create and open a segment, `#[repr(C)]` data and atomics in it, who removes it, what a crash leaves in `/dev/shm` |
//! | [`spsc`] | a single-producer single-consumer ring buffer's index protocol: two counters, Acquire and Release, checked by loom |
//! | [`ring`] | two such rings in a shared segment, as a byte stream: a pipe made of shared memory |
//! | [`memfile`] | the maintained alternative to shared_memory: a file in `/dev/shm` mapped with memmap2 |
//! | [`inprocess`] | the yardsticks: a worker thread behind crossbeam channels, and `memcpy` |
//! | [`worker`] | the lesson's program re-running itself as the child of each mechanism |
//!
//! The lesson is for Linux, where `/dev/shm` shows the shared memory segments; the code
//! outside [`shm`]'s listing of `/dev/shm` and [`ring`]'s check on a child also runs on
//! macOS.
//!
//! Every claim is proved by a test (`tests/claims/`), the ring's index protocol by loom
//! models (`tests/loom.rs`), and every claim about speed by a criterion benchmark
//! (`benches/ipc.rs`) whose ratios the course checks in CI (the `claims` in this crate's
//! `Cargo.toml`).
//!
//! ## Run it
//!
//! The crate's program, `src/main.rs`, talks to copies of itself through each mechanism:
//!
//! ```text
//! cargo run -p lesson-04-ipc
//! ```
//!
//! Each example prints what it shows:
//!
//! ```text
//! cargo run -p lesson-04-ipc --example framing       # frames split across reads, end of file, bad lengths
//! cargo run -p lesson-04-ipc --example ipc_channel   # bootstrap, channels over channels, shared memory, a receiver set
//! cargo run -p lesson-04-ipc --example shared_counter  # processes counting in one segment, and a crash's leftovers
//! cargo run --release -p lesson-04-ipc --example side_by_side  # every mechanism timed, against memcpy
//! ```
//!
//! The numbers the book quotes come from the benchmarks:
//!
//! ```text
//! cargo test  -p lesson-04-ipc
//! cargo bench -p lesson-04-ipc --bench ipc
//! ```

pub mod framing;
pub mod inprocess;
pub mod ipc;
pub mod memfile;
pub mod pipe;
pub mod protocol;
pub mod ring;
pub mod shm;
pub mod spsc;
mod sync;
pub mod worker;
