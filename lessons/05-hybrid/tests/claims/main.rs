//! The lesson's claims, one module per module of the lesson. None of them measures time.
//!
//! The worker processes are the lesson's own program, `src/main.rs`, which Cargo builds
//! for the integration tests and names in `CARGO_BIN_EXE_lesson-05-hybrid`. Every test
//! reaps what it starts: the supervisor reaps its workers on every path, and the tests
//! check it by asking the OS about each pid.

mod concurrency;
mod frame;
mod ledger;
mod pipeline;
mod supervisor;
mod support;
mod worker;
