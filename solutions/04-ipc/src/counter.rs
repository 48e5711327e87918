//! Task `counter`: several processes add to one counter in a shared memory segment.

use std::io;
use std::mem::size_of;
use std::process::{ExitStatus, Stdio};

use shared_memory::{ShmemConf, ShmemError};

use crate::child::ChildGuard;
use crate::layout::{CounterBlock, MAGIC};
use crate::sync::Ordering;
use crate::worker::Worker;

/// Why counting did not give a total.
#[derive(Debug)]
pub enum CountError {
    /// The segment could not be created (for example, its name is taken).
    Segment(ShmemError),
    /// A worker could not be started.
    Spawn(io::Error),
    /// A worker ended with a failure or a signal.
    WorkerFailed { pid: u32, status: ExitStatus },
    /// Waiting for a worker failed.
    Io(io::Error),
}

/// Creates the shared memory segment `os_id` holding a [`CounterBlock`], starts `processes`
/// workers from `worker` with two more arguments, `os_id` and `times`, all at once (each
/// adds 1 to the count `times` times), waits for every one, and returns the count they
/// left in the segment.
///
/// When this returns, the segment is gone from `/dev/shm` and every worker has been
/// reaped, whatever happened, a crashed worker included.
pub fn count_in_processes(
    worker: &Worker,
    os_id: &str,
    processes: usize,
    times: u64,
) -> Result<u64, CountError> {
    let shmem = ShmemConf::new()
        .size(size_of::<CounterBlock>())
        .os_id(os_id)
        .create()
        .map_err(CountError::Segment)?;
    let ptr = shmem.as_ptr().cast::<CounterBlock>();
    assert!(ptr.is_aligned() && shmem.len() >= size_of::<CounterBlock>());
    // SAFETY: the mapping is large enough and aligned for a `CounterBlock` (asserted),
    // and a new segment is zeros, a valid `CounterBlock` (two atomics at 0). The workers
    // change it only through its atomics, which a shared `&` allows. `block` borrows
    // `shmem`, which keeps the mapping alive and is dropped after it.
    let block = unsafe { &*ptr };
    // Release: a worker that loads MAGIC with Acquire sees the block set up.
    block.magic.store(MAGIC, Ordering::Release);

    let mut children = Vec::with_capacity(processes);
    for _ in 0..processes {
        let mut command = worker.command();
        command
            .arg(os_id)
            .arg(times.to_string())
            .stdin(Stdio::null());
        children.push(ChildGuard::spawn(&mut command).map_err(CountError::Spawn)?);
    }
    let mut failure = None;
    for child in &mut children {
        let status = child.wait().map_err(CountError::Io)?;
        if !status.success() && failure.is_none() {
            failure = Some(CountError::WorkerFailed {
                pid: child.id(),
                status,
            });
        }
    }
    match failure {
        Some(failure) => Err(failure),
        // Relaxed: every worker has been waited for; nothing else changes the count.
        None => Ok(block.count.load(Ordering::Relaxed)),
    }
}
