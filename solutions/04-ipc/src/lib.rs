//! Exercise 04, inter-process communication: the reference solution. The checks are the
//! exercise's (`exercises/04-ipc/tests`, `benches`); this crate points its targets at them.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `framing` | [`framing`] | length-prefixed frames: split reads, partial writes, end of file, bad lengths; serde and postcard |
//! | `ipc-worker` | [`ipc_worker`] | ipc-channel: a one-shot server, channels sent over a channel, deadlines that never hang |
//! | `counter` | [`counter`] | shared_memory: a `#[repr(C)]` block with atomics, owner and cleanup, crashes |
//! | `ring` | [`ring`] | a single-producer single-consumer ring buffer's index protocol, Acquire and Release |

// The modules the exercise gives (and the learner does not change) are the exercise's own
// files, included by path: the solution holds only what the learner writes.
#[path = "../../../exercises/04-ipc/src/child.rs"]
pub mod child;
pub mod counter;
pub mod framing;
pub mod ipc_worker;
#[path = "../../../exercises/04-ipc/src/layout.rs"]
pub mod layout;
#[path = "../../../exercises/04-ipc/src/links.rs"]
pub mod links;
#[path = "../../../exercises/04-ipc/src/messages.rs"]
pub mod messages;
pub mod ring;
#[path = "../../../exercises/04-ipc/src/slots.rs"]
pub mod slots;
#[path = "../../../exercises/04-ipc/src/sync.rs"]
mod sync;
#[path = "../../../exercises/04-ipc/src/worker.rs"]
pub mod worker;

pub use child::ChildGuard;
pub use counter::{CountError, count_in_processes};
pub use framing::{MAX_FRAME, read_frame, recv, send, write_frame};
pub use ipc_worker::IpcWorker;
pub use ring::{Consumer, Popped, Producer};
pub use worker::Worker;
