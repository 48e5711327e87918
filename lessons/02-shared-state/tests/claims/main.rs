//! The lesson's claims, one module per module of the lesson. None of them measures time:
//! where a claim is that threads are inside a section *at the same time*, a test makes
//! them meet there (see `rendezvous`), which only succeeds if they really are.
//!
//! What these tests cannot show is that the buggy versions are wrong: a race condition is
//! a matter of one interleaving among many, which a test on real threads may or may not
//! hit. The loom models (`tests/loom.rs`, checked by `tests/loom_reports.rs`) show it
//! every time.
#![cfg(not(loom))]

mod arc_mutex;
mod atomics;
mod channels;
mod check_then_act;
mod condvar;
mod counters;
mod philosophers;
// The meeting point lesson 01's tests use to prove that threads run at the same time.
#[path = "../../../01-threads/tests/claims/rendezvous.rs"]
mod rendezvous;
mod rwlock;
