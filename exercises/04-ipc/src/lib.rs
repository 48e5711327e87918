//! Exercise 04, inter-process communication: your work goes here.
//!
//! Four tasks, easy to hard, one module each. Each `todo!()` marks code for you to write;
//! the comment above it says what to write and which API does the job. The checks (the
//! crate's `tests/` and `benches/`) call the items re-exported below.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `framing` | [`framing`] | length-prefixed frames: split reads, partial writes, end of file, bad lengths; serde and postcard |
//! | `ipc-worker` | [`ipc_worker`] | ipc-channel: a one-shot server, channels sent over a channel, deadlines that never hang |
//! | `counter` | [`counter`] | shared_memory: a `#[repr(C)]` block with atomics, owner and cleanup, crashes |
//! | `ring` | [`ring`] | a single-producer single-consumer ring buffer's index protocol, Acquire and Release |
//!
//! Given, and not to change: [`worker::Worker`] (a program and its arguments),
//! [`child::ChildGuard`] (a child killed and reaped when dropped), [`messages`] (what an
//! ipc worker understands), [`layout`] (what the segments hold), [`slots`] (the ring's
//! bytes), [`links`] (a ring and a pipe to a worker process, built on your ring), and the
//! worker program itself, `worker/main.rs`. Take your atomics from `crate::sync` (see
//! `src/sync.rs`), so that the loom checks can see them.
//!
//! Grade your work with `cargo xtask grade 04-ipc` (or `04-ipc/TASK` for one task), and ask
//! for a hint with `cargo xtask hint 04-ipc/TASK`.

// While a function's body is only `todo!()`, its parameters and some imports are unused
// and the compiler says so (and clippy, seeing a `&mut Vec` that nothing grows yet,
// suggests a slice); that is expected in a starter, so the warnings are off. You may
// delete these lines once every `todo!()` is gone.
#![allow(unused_variables, unused_imports, dead_code, clippy::ptr_arg)]

pub mod child;
pub mod counter;
pub mod framing;
pub mod ipc_worker;
pub mod layout;
pub mod links;
pub mod messages;
pub mod ring;
pub mod slots;
mod sync;
pub mod worker;

pub use child::ChildGuard;
pub use counter::{CountError, count_in_processes};
pub use framing::{MAX_FRAME, read_frame, recv, send, write_frame};
pub use ipc_worker::IpcWorker;
pub use ring::{Consumer, Popped, Producer};
pub use worker::Worker;
