//! A pipe made of shared memory: two ring buffers in one segment, one for each direction,
//! read and written through `std::io::Read` and `Write`.
//!
//! [`crate::spsc`] is the protocol of one ring; this module places two of them in a
//! shared memory segment and makes each end a byte stream, so that the same framed
//! [`crate::protocol`] that runs on a pipe runs on shared memory unchanged. The bytes are
//! still copied twice (the producer copies into the ring, the consumer out of it), as
//! through a pipe, but no copy goes through the kernel and no system call is made while
//! data flows: each side works at memory speed, and on two cores both copy at once.
//!
//! **Waiting.** A pipe's `read` sleeps in the kernel until data comes. A ring has no
//! kernel object to sleep on, so a reader with nothing to read, or a writer with no room,
//! waits: it spins a little (the other side is usually a few hundred
//! nanoseconds away), then yields its core, then sleeps in growing steps up to
//! [`MAX_PAUSE`], so that an idle ring costs a wake-up per millisecond rather than a
//! core. A production ring would block in the kernel instead, on a futex placed in the
//! segment (Linux) or an eventfd, once spinning gives up; this lesson keeps to portable
//! std.
//!
//! **The other side dying.** A pipe tells a reader that its writer is gone (end of file),
//! because the kernel knows who holds the pipe. Nobody tells a ring. So a waiting side
//! checks, each time it stops spinning, that its peer process is still alive
//! ([`Peer`]): the parent asks whether its child has exited, the worker whether its parent
//! has changed. A dead peer is a `BrokenPipe` error, never an endless wait.

use std::io::{self, Read, Write};
use std::mem::size_of;
use std::process::Stdio;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::utils::Backoff;
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use processes_lesson::lifecycle::ChildGuard;
use shared_memory::{Shmem, ShmemConf};

use crate::protocol::{self, Client};
use crate::shm::{MAGIC, unique_os_id};
use crate::spsc::{Consumer, Indices, Popped, Producer, Slots};
use crate::worker::{Task, Worker};

/// The bytes each ring holds: 256 KiB, so that a ring's worth of data stays in the
/// processor's caches while both sides copy.
pub const RING_CAPACITY: usize = 256 << 10;

/// The most bytes one `write` puts in a ring, or one `read` takes out, before publishing
/// them. Well below the capacity, so that both sides copy at once: the reader takes one
/// chunk while the writer fills the next. (Writing a whole ring's worth before
/// publishing, then reading it all before freeing it, would make them take turns.)
pub const CHUNK: usize = 64 << 10;

/// The longest a waiting side sleeps before it looks again.
pub const MAX_PAUSE: Duration = Duration::from_millis(1);

/// How long a waiting side spins and yields before it starts sleeping.
const BUSY_WAIT: Duration = Duration::from_millis(1);

// ANCHOR: layout
/// The start of the segment: the magic number, the capacity of each ring, and the two
/// rings' counters. The slots follow: `capacity` bytes for the ring to the worker, then
/// `capacity` bytes for the ring to the parent.
#[repr(C)]
struct Header {
    /// [`MAGIC`] once the creator has set the header up.
    magic: AtomicU64,
    capacity: AtomicU64,
    to_worker: Indices,
    to_parent: Indices,
}

/// The direction of one of the two rings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ToWorker,
    ToParent,
}
// ANCHOR_END: layout

/// The mapped segment. `Shmem` is not `Send`, and neither is this: both ends of a process's
/// rings share it through an `Rc`, on one thread.
struct Segment {
    shmem: Shmem,
    capacity: usize,
}

impl Segment {
    /// Creates a segment for two rings of `capacity` bytes. This process owns it.
    fn create(os_id: &str, capacity: usize) -> io::Result<Segment> {
        assert!(capacity > 0, "a ring holds at least one byte");
        let shmem = ShmemConf::new()
            .size(size_of::<Header>() + 2 * capacity)
            .os_id(os_id)
            .create()
            .map_err(io::Error::other)?;
        check_header_fits(&shmem)?;
        let ptr = shmem.as_ptr().cast::<Header>();
        // SAFETY: the mapping is large and aligned enough for a `Header` (checked above),
        // and no other process has it yet: the worker that opens it is started after this
        // returns. So we may write the header without atomics, once, before sharing.
        unsafe {
            ptr.write(Header {
                magic: AtomicU64::new(0),
                capacity: AtomicU64::new(capacity as u64),
                to_worker: Indices::new(),
                to_parent: Indices::new(),
            })
        };
        let segment = Segment { shmem, capacity };
        // Release: an opener that loads MAGIC with Acquire sees the header written above.
        segment.header().magic.store(MAGIC, Ordering::Release);
        Ok(segment)
    }

    /// Opens the segment `os_id` that a parent created, and checks it.
    fn open(os_id: &str) -> io::Result<Segment> {
        let shmem = ShmemConf::new()
            .os_id(os_id)
            .open()
            .map_err(|e| io::Error::other(format!("cannot open {os_id}: {e}")))?;
        check_header_fits(&shmem)?;
        let mut segment = Segment { shmem, capacity: 0 };
        let header = segment.header();
        if header.magic.load(Ordering::Acquire) != MAGIC {
            return Err(invalid(format!("{os_id} is not set up as a ring")));
        }
        let capacity = header.capacity.load(Ordering::Relaxed) as usize;
        let needed = capacity
            .checked_mul(2)
            .and_then(|slots| slots.checked_add(size_of::<Header>()));
        if capacity == 0 || needed.is_none_or(|needed| needed > segment.shmem.len()) {
            return Err(invalid(format!(
                "{os_id} says its rings hold {capacity} bytes, which do not fit in {} bytes",
                segment.shmem.len()
            )));
        }
        segment.capacity = capacity;
        Ok(segment)
    }

    fn header(&self) -> &Header {
        // SAFETY: `create` and `open` checked that the mapping holds a `Header` at its
        // start, aligned. Every bit pattern of it is valid (atomics and counters; a
        // new segment is zeros), so the bytes are initialised whatever another process
        // wrote. Both processes change the header only through its atomics, which a
        // shared `&` allows. The reference borrows `self`, which owns the mapping.
        unsafe { &*self.shmem.as_ptr().cast::<Header>() }
    }

    fn indices(&self, direction: Direction) -> &Indices {
        match direction {
            Direction::ToWorker => &self.header().to_worker,
            Direction::ToParent => &self.header().to_parent,
        }
    }

    /// The slots of one ring: `capacity` bytes after the header, the second ring's after
    /// the first's.
    fn slots(self: &Rc<Segment>, direction: Direction) -> SegmentSlots {
        let offset = size_of::<Header>()
            + match direction {
                Direction::ToWorker => 0,
                Direction::ToParent => self.capacity,
            };
        // SAFETY: `offset + capacity <= len` (checked by `create` and `open`), so the
        // pointer stays inside the mapping.
        let start = unsafe { self.shmem.as_ptr().add(offset) };
        SegmentSlots {
            start,
            capacity: self.capacity,
            _segment: Rc::clone(self),
        }
    }
}

fn check_header_fits(shmem: &Shmem) -> io::Result<()> {
    if shmem.len() < size_of::<Header>() {
        return Err(invalid(format!(
            "{} bytes: not a ring segment",
            shmem.len()
        )));
    }
    if !shmem.as_ptr().cast::<Header>().is_aligned() {
        return Err(invalid("the mapping is not aligned for the header".into()));
    }
    Ok(())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

// ANCHOR: slots
/// The slots of one ring, inside the mapping.
struct SegmentSlots {
    start: *mut u8,
    capacity: usize,
    /// Keeps the mapping alive as long as the slots are used.
    _segment: Rc<Segment>,
}

impl Slots for SegmentSlots {
    fn capacity(&self) -> usize {
        self.capacity
    }

    unsafe fn write(&self, at: usize, bytes: &[u8]) {
        // SAFETY: the caller keeps `at + bytes.len()` within the capacity, and the slots
        // are inside the mapping, which `_segment` keeps alive. The protocol keeps the
        // consumer (in the other process) away from these slots during the copy. `bytes`
        // is this process's memory, not the mapping: the two do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.start.add(at), bytes.len()) }
    }

    unsafe fn read(&self, at: usize, out: &mut [u8]) {
        // SAFETY: as in `write`, with the producer kept away from these slots.
        unsafe { std::ptr::copy_nonoverlapping(self.start.add(at), out.as_mut_ptr(), out.len()) }
    }
}
// ANCHOR_END: slots

// ANCHOR: peer
/// The process at the other end of the rings, and how to tell that it died.
#[derive(Debug, Clone, Copy)]
pub enum Peer {
    /// Our child, with this pid: dead once it has exited (even if not yet reaped).
    Child(u32),
    /// Our parent, which had this pid when we started: dead once our parent is another
    /// process (orphans are adopted by `init` or a subreaper).
    Parent(u32),
}

impl Peer {
    fn is_alive(self) -> bool {
        match self {
            Peer::Child(pid) => {
                // WNOWAIT: look at the child's state without reaping it; its guard does.
                let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
                matches!(
                    waitid(Id::Pid(Pid::from_raw(pid as i32)), flags),
                    Ok(WaitStatus::StillAlive)
                )
            }
            Peer::Parent(pid) => std::os::unix::process::parent_id() == pid,
        }
    }
}

/// Waits for the other side of a ring: spin, then yield, then sleep, looking at the peer
/// whenever spinning is done.
struct Waiter {
    backoff: Backoff,
    since: Instant,
    pause: Duration,
}

impl Waiter {
    fn new() -> Waiter {
        Waiter {
            backoff: Backoff::new(),
            since: Instant::now(),
            pause: Duration::from_micros(10),
        }
    }

    fn wait(&mut self, peer: Peer) -> io::Result<()> {
        if !self.backoff.is_completed() {
            self.backoff.snooze();
            return Ok(());
        }
        if !peer.is_alive() {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                format!("the process at the other end of the ring ({peer:?}) has ended"),
            ));
        }
        if self.since.elapsed() < BUSY_WAIT {
            thread::yield_now();
        } else {
            thread::sleep(self.pause);
            self.pause = (self.pause * 2).min(MAX_PAUSE);
        }
        Ok(())
    }
}
// ANCHOR_END: peer

// ANCHOR: ends
/// The writing end of one ring, as a byte stream.
pub struct RingWriter {
    segment: Rc<Segment>,
    slots: SegmentSlots,
    direction: Direction,
    peer: Peer,
}

impl RingWriter {
    fn producer(&self) -> Producer<'_, SegmentSlots> {
        // SAFETY: each process makes one `RingWriter` per segment, for the direction it
        // writes (`RingWorker::start`, `serve`), and the other process only reads that
        // ring: this is the only producer.
        unsafe { Producer::new(self.segment.indices(self.direction), &self.slots) }
    }

    /// Tells the reader that nothing more will come: after the last byte, its `read`
    /// returns 0, end of file, as on a pipe whose writer closed it.
    pub fn close(self) {
        self.producer().close();
    }
}

impl Write for RingWriter {
    /// Writes as much as there is room for, waiting until there is room for some.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.is_empty() {
            return Ok(0);
        }
        let peer = self.peer;
        let bytes = &bytes[..bytes.len().min(CHUNK)];
        let mut producer = self.producer();
        let mut waiter = Waiter::new();
        loop {
            match producer.push(bytes).map_err(|e| invalid(e.to_string()))? {
                0 => waiter.wait(peer)?,
                n => return Ok(n),
            }
        }
    }

    /// Nothing to flush: a byte is visible to the reader as soon as `write` returns.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The reading end of one ring, as a byte stream.
pub struct RingReader {
    segment: Rc<Segment>,
    slots: SegmentSlots,
    direction: Direction,
    peer: Peer,
}

impl Read for RingReader {
    /// Reads what is there, waiting until there is something; 0 once the writer closed
    /// the ring and everything was read.
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // SAFETY: as for the producer: one `RingReader` per process and direction, and
        // the other process only writes this ring.
        let mut consumer =
            unsafe { Consumer::new(self.segment.indices(self.direction), &self.slots) };
        let len = out.len().min(CHUNK);
        let out = &mut out[..len];
        let mut waiter = Waiter::new();
        loop {
            match consumer.pop(out).map_err(|e| invalid(e.to_string()))? {
                Popped::Bytes(n) => return Ok(n),
                Popped::Closed => return Ok(0),
                Popped::Empty => waiter.wait(self.peer)?,
            }
        }
    }
}

fn ends(segment: Segment, writes: Direction, peer: Peer) -> (RingReader, RingWriter) {
    let segment = Rc::new(segment);
    let reads = match writes {
        Direction::ToWorker => Direction::ToParent,
        Direction::ToParent => Direction::ToWorker,
    };
    let reader = RingReader {
        slots: segment.slots(reads),
        segment: Rc::clone(&segment),
        direction: reads,
        peer,
    };
    let writer = RingWriter {
        slots: segment.slots(writes),
        segment,
        direction: writes,
        peer,
    };
    (reader, writer)
}
// ANCHOR_END: ends

// ANCHOR: ring_worker
/// A worker process that the parent speaks to through two rings in shared memory.
pub struct RingWorker {
    client: Client<RingReader, RingWriter>,
    os_id: String,
    // Last, so dropped last: a worker still running when this is dropped is killed and
    // reaped after the parent's ends are gone. The segment itself goes when the last
    // end holding it is dropped: this process created it, so that removes its name.
    child: ChildGuard,
}

impl RingWorker {
    /// Creates the segment, starts the worker ([`Task::Ring`]) on it.
    pub fn start(worker: &Worker) -> io::Result<RingWorker> {
        let os_id = unique_os_id("ring");
        let segment = Segment::create(&os_id, RING_CAPACITY)?;
        let child = ChildGuard::spawn(
            worker
                .command(&Task::Ring {
                    os_id: os_id.clone(),
                })
                .stdin(Stdio::null())
                .stderr(Stdio::inherit()),
        )?;
        let (reader, writer) = ends(segment, Direction::ToWorker, Peer::Child(child.id()));
        Ok(RingWorker {
            client: Client::new(reader, writer),
            os_id,
            child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The OS id of the segment holding the rings.
    pub fn os_id(&self) -> &str {
        &self.os_id
    }

    /// One round trip through both rings.
    pub fn ping(&mut self, n: u64) -> io::Result<u64> {
        self.client.ping(n)
    }

    /// Sends `payload` through the ring; returns what the worker says it received.
    pub fn send_bulk(&mut self, payload: &[u8], checksum: bool) -> io::Result<(u64, Option<u64>)> {
        self.client.send_bulk(payload, checksum)
    }

    /// Closes the ring to the worker, which reads end of file and exits, and reaps it.
    pub fn shut_down(self) -> io::Result<std::process::ExitStatus> {
        let RingWorker {
            client, mut child, ..
        } = self;
        let (reader, writer) = client.into_parts();
        writer.close();
        let status = child.wait();
        drop(reader);
        status
    }
}
// ANCHOR_END: ring_worker

/// The worker's side ([`Task::Ring`]): open the segment and serve on its rings.
pub fn serve(os_id: &str) -> io::Result<()> {
    let segment = Segment::open(os_id)?;
    let parent = Peer::Parent(std::os::unix::process::parent_id());
    let (mut reader, mut writer) = ends(segment, Direction::ToParent, parent);
    protocol::serve(&mut reader, &mut writer)
}
