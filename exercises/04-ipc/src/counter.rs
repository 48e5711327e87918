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
    // Write `count_in_processes` here:
    // 1. Create the segment: `ShmemConf::new().size(size_of::<CounterBlock>()).os_id(os_id)
    //    .create()`; an error is `CountError::Segment`. This process owns it: dropping the
    //    `Shmem` removes it from `/dev/shm`, so keep it in a local that every way out of
    //    this function drops.
    // 2. `&CounterBlock` from `shmem.as_ptr().cast::<CounterBlock>()` in an `unsafe` block
    //    with a `// SAFETY:` comment (size and alignment, initialised bytes, shared only
    //    through atomics, not outliving `shmem`). Then store `MAGIC` in `block.magic` with
    //    `Ordering::Release`: the workers refuse the segment until they see it.
    // 3. Start all `processes` workers first (`worker.command()` with `os_id` and
    //    `times.to_string()` as two more arguments, in `ChildGuard`s), then `wait` for
    //    each. A status that is not `success()` is `CountError::WorkerFailed`.
    // 4. After every worker has ended, the total is `block.count.load(Ordering::Relaxed)`.
    // APIs: https://docs.rs/shared_memory/latest/shared_memory/struct.ShmemConf.html
    todo!("create the segment, start the workers, wait for them, read the count")
}
