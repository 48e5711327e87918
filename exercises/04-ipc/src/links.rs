//! Given: a ring and a pipe between this process and a worker process, built on your ring
//! (task `ring`). The checks and the benchmark use them; you do not need to change them.
//!
//! - [`RingLink`] creates a shared memory segment holding a [`RingHeader`] and the ring's
//!   slots, starts the worker program on it (task `ring-sink`), and sends payloads with
//!   your `Producer::push`; the worker receives them with your `Consumer::pop` and answers
//!   each on its stdout.
//! - [`PipeLink`] sends the same payloads through the worker's stdin instead (task
//!   `pipe-sink`): the baseline your ring must beat.
//!
//! A payload is its length (8 bytes, little-endian) and its bytes. The worker answers a
//! line, `LEN CHECKSUM` (or `LEN -` when the link does not ask for checksums).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::mem::size_of;
use std::process::{ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering as StdOrdering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::utils::Backoff;
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use shared_memory::{Shmem, ShmemConf};

use crate::child::ChildGuard;
use crate::layout::{MAGIC, RingHeader};
use crate::messages::checksum;
use crate::ring::{Consumer, Popped, Producer};
use crate::slots::Slots;
use crate::worker::Worker;

/// The bytes the ring holds: 256 KiB.
pub const RING_CAPACITY: usize = 256 << 10;

/// The most bytes [`send_all`] pushes, and [`recv_exact`] pops, at a time: well below the
/// capacity, so that the consumer reads one chunk while the producer writes the next.
pub const CHUNK: usize = 64 << 10;

/// A segment name no other process or test uses, with the course's prefix.
pub fn unique_os_id(purpose: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, StdOrdering::Relaxed);
    format!("/course-04-{}-{n}-{purpose}", std::process::id())
}

/// The start of a ring segment: the magic number, then the ring's counters. The slots
/// follow, `RING_CAPACITY` bytes.
#[repr(C)]
struct SegmentHeader {
    magic: std::sync::atomic::AtomicU64,
    ring: RingHeader,
}

/// A shared memory segment holding a ring.
pub struct RingSegment {
    shmem: Shmem,
    slots: Slots,
}

impl RingSegment {
    /// Creates the segment `os_id` with an empty ring. This process owns it: it is removed
    /// when this value is dropped.
    pub fn create(os_id: &str) -> io::Result<RingSegment> {
        let shmem = ShmemConf::new()
            .size(size_of::<SegmentHeader>() + RING_CAPACITY)
            .os_id(os_id)
            .create()
            .map_err(io::Error::other)?;
        let ptr = shmem.as_ptr().cast::<SegmentHeader>();
        assert!(ptr.is_aligned(), "mmap returns page-aligned memory");
        // SAFETY: the mapping holds a `SegmentHeader` (its size was asked for) at an
        // aligned address, and no other process has it yet: the worker opens it after this
        // returns. So we may write the header with a plain write, once.
        unsafe {
            ptr.write(SegmentHeader {
                magic: std::sync::atomic::AtomicU64::new(0),
                ring: RingHeader::new(),
            })
        };
        let segment = RingSegment::with_slots(shmem);
        // Release: a worker that loads MAGIC with Acquire sees the header written above.
        segment.header().magic.store(MAGIC, StdOrdering::Release);
        Ok(segment)
    }

    /// Opens the segment `os_id` that a parent created, and checks it.
    pub fn open(os_id: &str) -> io::Result<RingSegment> {
        let shmem = ShmemConf::new()
            .os_id(os_id)
            .open()
            .map_err(|e| io::Error::other(format!("cannot open {os_id}: {e}")))?;
        if shmem.len() < size_of::<SegmentHeader>() + RING_CAPACITY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a ring segment",
            ));
        }
        let segment = RingSegment::with_slots(shmem);
        if segment.header().magic.load(StdOrdering::Acquire) != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not set up as a ring",
            ));
        }
        Ok(segment)
    }

    fn with_slots(shmem: Shmem) -> RingSegment {
        // SAFETY: the slots are the `RING_CAPACITY` bytes after the header, inside the
        // mapping (`create` asked for that size, `open` checks it), and the `Slots` lives
        // in this struct beside the `Shmem` that keeps them mapped.
        let slots = unsafe {
            let start = shmem.as_ptr().add(size_of::<SegmentHeader>());
            Slots::mapped(start, RING_CAPACITY)
        };
        RingSegment { shmem, slots }
    }

    fn header(&self) -> &SegmentHeader {
        // SAFETY: the mapping starts with an aligned `SegmentHeader` (checked by `create`
        // and `open`); any bytes are a valid one (atomics), and both processes change it
        // only through atomics. The reference borrows `self`, which keeps it mapped.
        unsafe { &*self.shmem.as_ptr().cast::<SegmentHeader>() }
    }

    /// The ring's producer. `&mut self`: one at a time in this process, and the worker
    /// only consumes.
    pub fn producer(&mut self) -> Producer<'_> {
        // SAFETY: see above: the parent is the ring's only producer.
        unsafe { Producer::new(&self.header().ring, &self.slots) }
    }

    /// The ring's consumer. `&mut self`: one at a time in this process, and the parent
    /// only produces.
    pub fn consumer(&mut self) -> Consumer<'_> {
        // SAFETY: see above: the worker is the ring's only consumer.
        unsafe { Consumer::new(&self.header().ring, &self.slots) }
    }
}

/// The process at the other end of a ring, and how to tell that it died.
#[derive(Debug, Clone, Copy)]
pub enum Peer {
    /// Our child, with this pid.
    Child(u32),
    /// Our parent, which had this pid when we started.
    Parent(u32),
}

impl Peer {
    fn is_alive(self) -> bool {
        match self {
            Peer::Child(pid) => {
                // WNOWAIT: look without reaping; the child's guard reaps it.
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

/// Waits for the other side: spins, then yields for a millisecond, then sleeps in growing
/// steps up to a millisecond, checking the peer whenever spinning is done.
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
        if self.since.elapsed() < Duration::from_millis(1) {
            thread::yield_now();
        } else {
            thread::sleep(self.pause);
            self.pause = (self.pause * 2).min(Duration::from_millis(1));
        }
        Ok(())
    }
}

/// Pushes all of `bytes`, a chunk at a time, waiting while the ring is full.
pub fn send_all(producer: &mut Producer<'_>, mut bytes: &[u8], peer: Peer) -> io::Result<()> {
    let mut waiter = Waiter::new();
    while !bytes.is_empty() {
        match producer.push(&bytes[..bytes.len().min(CHUNK)]) {
            0 => waiter.wait(peer)?,
            n => {
                bytes = &bytes[n..];
                waiter = Waiter::new();
            }
        }
    }
    Ok(())
}

/// Pops until `out` is full, a chunk at a time, waiting while the ring is empty. Returns
/// `false` if the ring was closed before the first byte, and an error if it was closed
/// in the middle.
pub fn recv_exact(consumer: &mut Consumer<'_>, out: &mut [u8], peer: Peer) -> io::Result<bool> {
    let mut filled = 0;
    let mut waiter = Waiter::new();
    while filled < out.len() {
        let end = out.len().min(filled + CHUNK);
        match consumer.pop(&mut out[filled..end]) {
            Popped::Bytes(n) => {
                filled += n;
                waiter = Waiter::new();
            }
            Popped::Empty => waiter.wait(peer)?,
            Popped::Closed if filled == 0 => return Ok(false),
            Popped::Closed => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the ring was closed in the middle of a payload",
                ));
            }
        }
    }
    Ok(true)
}

/// What a worker answered about a payload: its length, and its checksum if asked.
pub type Received = (u64, Option<u64>);

/// The parent's side of a ring to a worker process.
pub struct RingLink {
    segment: RingSegment,
    os_id: String,
    acks: BufReader<ChildStdout>,
    // Last, so dropped last: killed and reaped after the segment is gone.
    child: ChildGuard,
}

impl RingLink {
    /// Creates a segment, starts `worker` with the arguments `OS_ID checksum` (or
    /// `OS_ID length`) appended, and returns the link.
    pub fn start(worker: &Worker, checksums: bool) -> io::Result<RingLink> {
        let os_id = unique_os_id("ring");
        let segment = RingSegment::create(&os_id)?;
        let mode = if checksums { "checksum" } else { "length" };
        let mut child = ChildGuard::spawn(
            worker
                .command()
                .args([os_id.as_str(), mode])
                .stdin(Stdio::null())
                .stdout(Stdio::piped()),
        )?;
        let acks = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(RingLink {
            segment,
            os_id,
            acks,
            child,
        })
    }

    /// The OS id of the segment.
    pub fn os_id(&self) -> &str {
        &self.os_id
    }

    /// Sends one payload through the ring; returns what the worker says it received.
    pub fn send(&mut self, payload: &[u8]) -> io::Result<Received> {
        let peer = Peer::Child(self.child.id());
        let mut producer = self.segment.producer();
        send_all(&mut producer, &(payload.len() as u64).to_le_bytes(), peer)?;
        send_all(&mut producer, payload, peer)?;
        read_ack(&mut self.acks)
    }

    /// Closes the ring (the worker reads the end and exits) and reaps the worker.
    pub fn shut_down(mut self) -> io::Result<ExitStatus> {
        self.segment.producer().close();
        self.child.wait()
    }
}

/// The parent's side of a pipe to a worker process: the baseline.
pub struct PipeLink {
    requests: ChildStdin,
    acks: BufReader<ChildStdout>,
    child: ChildGuard,
}

impl PipeLink {
    /// Starts `worker` (which must run task `pipe-sink`) with its stdin and stdout piped.
    pub fn start(worker: &Worker) -> io::Result<PipeLink> {
        let mut child = ChildGuard::spawn(
            worker
                .command()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        )?;
        let requests = child.stdin.take().expect("stdin is piped");
        let acks = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(PipeLink {
            requests,
            acks,
            child,
        })
    }

    /// Sends one payload through the pipe; returns what the worker says it received.
    pub fn send(&mut self, payload: &[u8]) -> io::Result<Received> {
        self.requests
            .write_all(&(payload.len() as u64).to_le_bytes())?;
        self.requests.write_all(payload)?;
        read_ack(&mut self.acks)
    }

    /// Closes the pipe (the worker reads end of file and exits) and reaps the worker.
    pub fn shut_down(self) -> io::Result<ExitStatus> {
        let PipeLink {
            requests,
            mut child,
            ..
        } = self;
        drop(requests);
        child.wait()
    }
}

fn read_ack(acks: &mut impl BufRead) -> io::Result<Received> {
    let mut line = String::new();
    if acks.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the worker ended without answering",
        ));
    }
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad answer {line:?}"));
    let (len, sum) = line.trim().split_once(' ').ok_or_else(bad)?;
    let len = len.parse().map_err(|_| bad())?;
    let sum = match sum {
        "-" => None,
        sum => Some(sum.parse().map_err(|_| bad())?),
    };
    Ok((len, sum))
}

/// The worker's side of a [`RingLink`] (task `ring-sink OS_ID MODE`): receive payloads
/// until the ring is closed, answering each on `acks`.
pub fn ring_sink(os_id: &str, checksums: bool, acks: &mut impl Write) -> io::Result<()> {
    let mut segment = RingSegment::open(os_id)?;
    let parent = Peer::Parent(std::os::unix::process::parent_id());
    let mut consumer = segment.consumer();
    let mut payload = Vec::new();
    loop {
        let mut len = [0u8; 8];
        if !recv_exact(&mut consumer, &mut len, parent)? {
            return Ok(());
        }
        payload.resize(u64::from_le_bytes(len) as usize, 0);
        if !recv_exact(&mut consumer, &mut payload, parent)? && !payload.is_empty() {
            return Err(io::Error::other("the ring closed before the payload"));
        }
        answer(acks, &payload, checksums)?;
    }
}

/// The worker's side of a [`PipeLink`] (task `pipe-sink`): the same, on stdin.
pub fn pipe_sink(input: &mut impl Read, acks: &mut impl Write) -> io::Result<()> {
    let mut payload = Vec::new();
    loop {
        let mut len = [0u8; 8];
        match input.read_exact(&mut len) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            other => other?,
        }
        payload.resize(u64::from_le_bytes(len) as usize, 0);
        input.read_exact(&mut payload)?;
        answer(acks, &payload, false)?;
    }
}

fn answer(acks: &mut impl Write, payload: &[u8], checksums: bool) -> io::Result<()> {
    match checksums {
        true => writeln!(acks, "{} {}", payload.len(), checksum(payload))?,
        false => writeln!(acks, "{} -", payload.len())?,
    }
    acks.flush()
}
