//! The lesson's claims, one module per module of the lesson. None of them measures time:
//! the speed claims are the benchmarks' (`benches/ipc.rs`). Every test that creates a
//! shared memory segment checks afterwards that it is gone from `/dev/shm`, also when a
//! process crashed while holding it.

mod framing;
mod inprocess;
mod ipc;
mod memfile;
mod pipe;
mod protocol;
mod ring;
mod shm;
mod support;
mod worker;
