//! Given: what the shared memory segments hold, as `#[repr(C)]` structs, so that the
//! parent and the worker program (`worker/main.rs`) agree on every byte. You do not need
//! to change it.

use crossbeam::utils::CachePadded;

use crate::sync::AtomicU64;

/// "course04" in ASCII: the first 8 bytes of a segment that its creator has set up.
pub const MAGIC: u64 = u64::from_le_bytes(*b"course04");

/// The counter's segment (task `counter`): zeros are a valid `CounterBlock`.
#[repr(C)]
pub struct CounterBlock {
    /// [`MAGIC`] once the creator has set the block up; the workers refuse it until then.
    pub magic: AtomicU64,
    /// The count every worker adds to.
    pub count: AtomicU64,
}

/// The counters of a ring (task `ring`), each in a cache line of its own: the producer's
/// core keeps writing `head`, the consumer's keeps writing `tail`, and one line shared by
/// both would travel between the cores at every store.
#[repr(C)]
#[derive(Debug, Default)]
pub struct RingHeader {
    /// Bytes written so far. Stored by the producer only.
    pub head: CachePadded<AtomicU64>,
    /// Bytes read so far. Stored by the consumer only.
    pub tail: CachePadded<AtomicU64>,
    /// 1 once the producer will write no more. Stored by the producer only.
    pub closed: CachePadded<AtomicU64>,
}

impl RingHeader {
    pub fn new() -> RingHeader {
        RingHeader::default()
    }
}
