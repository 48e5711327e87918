//! The lesson's claims, one module per module of the lesson. None of them measures time.
//!
//! The worker processes are the lesson's own program, `src/main.rs`, which Cargo builds
//! for the integration tests and names in `CARGO_BIN_EXE_lesson-03-processes`. Every test
//! reaps what it starts, also when an assertion fails: children are held by a
//! `ChildGuard`, or cleaned up before the assertion that could fail.

mod command;
mod faults;
mod fork;
mod lifecycle;
mod pool;
mod support;
mod worker;
