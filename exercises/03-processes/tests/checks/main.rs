//! The checks of exercise 03 (processes), one module per task. A check's name is
//! `<module>::<test>` (for example `run::returns_the_workers_stdout`), as the tasks in
//! `Cargo.toml` name them; `cargo xtask grade` runs each one on its own.
//!
//! The same file is compiled against the starter (`exercises/03-processes`) and against
//! the reference solution (`solutions/03-processes`): both crates call their library
//! `processes_exercise`, and both build the worker program, `worker/main.rs`, as their
//! binary.

mod deadline;
mod pool;
mod run;
mod supervisor;
mod support;
