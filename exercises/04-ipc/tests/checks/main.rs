//! The checks of exercise 04 (inter-process communication), one module per task. A check's
//! name is `<module>::<test>` (for example `framing::a_frame_is_its_length_then_its_bytes`),
//! as the tasks in `Cargo.toml` name them; `cargo xtask grade` runs each one on its own.
//!
//! The same file is compiled against the starter (`exercises/04-ipc`) and against the
//! reference solution (`solutions/04-ipc`): both crates call their library `ipc_exercise`,
//! and both build the worker program, `worker/main.rs`, as their binary.

mod counter;
mod framing;
mod ipc_worker;
mod ring;
mod support;
