//! Shared memory with the shared_memory crate: a segment that several processes map, plain
//! data and atomics placed in it, who removes it, and what a crash leaves behind.
//!
//! A POSIX shared memory segment is a file in a memory-only file system: `shm_open` with a
//! name such as `/course-04-123-0-counter` creates `/dev/shm/course-04-123-0-counter` on
//! Linux, `ftruncate` gives it a size, and `mmap` with `MAP_SHARED` puts its pages in the
//! address space. Another process that maps the same name sees the same physical pages:
//! a store by one is a load away for the other, with no system call and no copy.
//!
//! The shared_memory crate wraps those calls. `ShmemConf::new().size(n).os_id(name)
//! .create()` makes a segment and maps it; `.open()` maps an existing one. Instead of an
//! OS id, a segment can be found through a *file link* (`.flink(path)`): an ordinary file
//! holding the id. The process that creates a segment is its *owner*: when its `Shmem` is
//! dropped, it unmaps the segment, removes the name (`shm_unlink`) and deletes the file
//! link. The others only unmap. Removing the name does not pull the pages from under
//! processes that still map them; it only stops new ones from opening it.
//!
//! What goes in a segment must mean the same in every process that maps it:
//!
//! - **plain data, `#[repr(C)]`**: numbers, arrays of numbers and atomics; no pointers,
//!   no `Vec`, `String` or `Box` (their heap is in one process only), and a layout fixed
//!   by `#[repr(C)]` rather than left to the compiler;
//! - **atomics for anything two processes touch at once**: [`CounterBlock`] is one
//!   `AtomicU64` that every worker `fetch_add`s. An atomic in shared memory works across
//!   processes when it is lock-free (Rust's `AtomicU64` is, wherever it exists): the
//!   instructions are the same, and the processor keeps the cache line coherent between
//!   cores whoever runs on them;
//! - **a way to tell a ready segment from garbage**: the creator fills the block, then
//!   stores a magic number with `Release`; an opener checks the size and loads the magic
//!   with `Acquire` before trusting the rest.
//!
//! **Crashes.** The name is removed by the owner's `Drop`. A process that is killed, aborts,
//! or calls `std::process::exit` runs no destructors, so its segment stays in `/dev/shm`,
//! taking memory, until someone removes it or the machine restarts. Creating a segment
//! again on the same file link then fails (`LinkExists`) until the creation is forced;
//! and forcing it makes a *new* segment, leaving the old one where it was. [`remove_stale`]
//! does the cleanup: open the old segment through its link, take ownership, drop.
//!
//! **Names.** Two tests, or two runs of the grader, that picked the same name would open
//! each other's segment. [`unique_os_id`] makes names from the process id and a counter,
//! with a prefix that says whose they are ([`leftovers`] lists what a run left behind).
//!
//! The crate's last release, 0.12.4, is from 2022, and it shows: it depends on an old
//! `nix`, `Shmem` is neither `Send` nor `Sync`, and its `Drop` skips the unlink when the
//! segment's file descriptor happens to be 0 (a process started with stdin closed). It
//! works, and this lesson uses it as the course's brief asks; [`crate::memfile`] shows the
//! maintained alternative, a file in `/dev/shm` mapped with memmap2.

use std::io;
use std::mem::size_of;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use processes_lesson::lifecycle::ChildGuard;
use shared_memory::{Shmem, ShmemConf, ShmemError};

use crate::worker::{Task, Worker};

/// The start of the name of every segment and file this lesson creates in `/dev/shm`.
pub const PREFIX: &str = "course-04-";

// ANCHOR: names
/// A segment name no other process or test uses: `/course-04-PID-N-PURPOSE`.
pub fn unique_os_id(purpose: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("/{PREFIX}{}-{n}-{purpose}", std::process::id())
}

/// Where Linux shows the segment `os_id`: `/dev/shm/NAME`.
pub fn dev_shm_path(os_id: &str) -> PathBuf {
    Path::new("/dev/shm").join(os_id.trim_start_matches('/'))
}

/// The entries of `/dev/shm` whose names start with [`PREFIX`], sorted: what this lesson's
/// processes created and nobody removed (yet).
pub fn leftovers() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/dev/shm") else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(PREFIX))
        .collect();
    names.sort();
    names
}

/// The [`leftovers`] of the process `pid`: those named by its [`unique_os_id`]s.
pub fn leftovers_of(pid: u32) -> Vec<String> {
    let mine = format!("{PREFIX}{pid}-");
    leftovers()
        .into_iter()
        .filter(|name| name.starts_with(&mine))
        .collect()
}
// ANCHOR_END: names

// ANCHOR: counter_block
/// What the counter's segment holds. `#[repr(C)]`: the same layout in every process.
#[repr(C)]
pub struct CounterBlock {
    /// [`MAGIC`] once the creator has set the block up.
    magic: AtomicU64,
    /// The count every worker adds to.
    count: AtomicU64,
}

/// "course04" in ASCII: a segment whose first 8 bytes say this was set up by this lesson.
pub const MAGIC: u64 = u64::from_le_bytes(*b"course04");
// ANCHOR_END: counter_block

// ANCHOR: shared_counter
/// A counter in a shared memory segment.
pub struct SharedCounter {
    shmem: Shmem,
}

impl SharedCounter {
    /// Creates the segment `os_id` and sets the counter up at 0. This process owns it: the
    /// segment is removed when this value is dropped.
    pub fn create(os_id: &str) -> Result<SharedCounter, ShmemError> {
        let shmem = ShmemConf::new()
            .size(size_of::<CounterBlock>())
            .os_id(os_id)
            .create()?;
        // `ftruncate` filled the new segment with zeros, which is a valid `CounterBlock`
        // (two atomics holding 0), and `block` checks the size and alignment.
        let counter = SharedCounter { shmem };
        // Release: whoever loads MAGIC with Acquire sees the block as set up above. (Here
        // there is nothing more to set up than zeros; a real block would fill its fields
        // first.)
        counter.block().magic.store(MAGIC, Ordering::Release);
        Ok(counter)
    }

    /// Opens the existing segment `os_id`. Refuses a segment that is too small or that the
    /// creator has not set up: its bytes would not be a `CounterBlock`.
    pub fn open(os_id: &str) -> io::Result<SharedCounter> {
        let shmem = ShmemConf::new()
            .os_id(os_id)
            .open()
            .map_err(|e| io::Error::other(format!("cannot open {os_id}: {e}")))?;
        if shmem.len() < size_of::<CounterBlock>() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{os_id} holds {} bytes: not a counter", shmem.len()),
            ));
        }
        let counter = SharedCounter { shmem };
        if counter.block().magic.load(Ordering::Acquire) != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{os_id} is not set up as a counter"),
            ));
        }
        Ok(counter)
    }

    fn block(&self) -> &CounterBlock {
        let ptr = self.shmem.as_ptr();
        assert!(self.shmem.len() >= size_of::<CounterBlock>());
        assert!(ptr.cast::<CounterBlock>().is_aligned());
        // SAFETY: the mapping is at least `size_of::<CounterBlock>()` bytes and aligned
        // for it (both checked above; mmap returns page-aligned memory). Every bit
        // pattern is a valid `CounterBlock` (two `AtomicU64`s; the segment starts as
        // zeros), so the bytes are initialised whatever another process wrote. Other
        // processes write to these bytes at any time, but only through the same atomics,
        // which is what a shared `&` to atomics allows. The mapping lives as long as
        // `self.shmem`, and the reference borrows `self`, so it cannot outlive it.
        unsafe { &*ptr.cast::<CounterBlock>() }
    }

    /// Adds 1 and returns the count from before.
    pub fn increment(&self) -> u64 {
        // Relaxed: the count is the only thing shared; no other data is published through
        // it, and every process agrees on the order of the changes to one atomic.
        self.block().count.fetch_add(1, Ordering::Relaxed)
    }

    pub fn get(&self) -> u64 {
        self.block().count.load(Ordering::Relaxed)
    }

    /// Whether this process created the segment, and so removes it when dropping this.
    pub fn is_owner(&self) -> bool {
        self.shmem.is_owner()
    }

    pub fn os_id(&self) -> &str {
        self.shmem.get_os_id()
    }
}
// ANCHOR_END: shared_counter

// ANCHOR: count_in_processes
/// Counts to `processes * times` with `processes` worker processes that each add 1 to a
/// counter in the new shared memory segment `os_id`, `times` times, all at once. With `crash`, one more worker
/// joins that aborts halfway through its share ([`Task::CountThenCrash`]).
///
/// The segment is created here, so this process owns it, and it is dropped (and removed)
/// on every way out of this function, after the workers are reaped: returning the total,
/// the `?` of an error, a panic.
pub fn count_in_processes(
    worker: &Worker,
    os_id: &str,
    processes: usize,
    times: u64,
    crash: bool,
) -> io::Result<u64> {
    let counter = SharedCounter::create(os_id).map_err(io::Error::other)?;
    let mut tasks = vec![
        Task::Count {
            os_id: os_id.to_owned(),
            times
        };
        processes
    ];
    if crash {
        tasks.push(Task::CountThenCrash {
            os_id: os_id.to_owned(),
            times,
        });
    }
    // All started before any is waited for, so that they count at the same time.
    let mut children = Vec::new();
    for task in &tasks {
        let mut command = worker.command(task);
        command.stdin(Stdio::null()).stderr(Stdio::null());
        children.push(ChildGuard::spawn(&mut command)?);
    }
    let mut failed = Vec::new();
    for child in &mut children {
        let status = child.wait()?;
        if !status.success() {
            failed.push(format!("worker {} {status}", child.id()));
        }
    }
    if !failed.is_empty() {
        return Err(io::Error::other(format!(
            "{} (the counter reached {})",
            failed.join(", "),
            counter.get()
        )));
    }
    Ok(counter.get())
}
// ANCHOR_END: count_in_processes

/// The worker's side of [`count_in_processes`]: add 1, `times` times; with `crash_after`,
/// abort after that many.
pub fn count(os_id: &str, times: u64, crash_after: Option<u64>) -> io::Result<()> {
    let counter = SharedCounter::open(os_id)?;
    for done in 0..times {
        if crash_after == Some(done) {
            // A crash: no destructor runs, nothing is cleaned up by this process.
            std::process::abort();
        }
        counter.increment();
    }
    Ok(())
}

// ANCHOR: crash
/// The worker's side of the crash demonstration ([`Task::CreateAndCrash`]): creates a
/// segment found through the file link `flink`, prints its OS id, and aborts. The owner's
/// `Drop` never runs: the segment and the link stay behind.
pub fn create_and_crash(flink: &Path) -> io::Result<()> {
    let segment = ShmemConf::new()
        .size(4096)
        .os_id(unique_os_id("crashed"))
        .flink(flink)
        .create()
        .map_err(io::Error::other)?;
    println!("{}", segment.get_os_id());
    std::process::abort();
}

/// Removes a segment left behind by a process that died while owning it, found through its
/// file link: opens it, takes ownership, and drops it, which removes the segment and the
/// link. Returns the OS id removed; `None` if there was no link, or a link to a segment
/// that is already gone (the link is removed then).
pub fn remove_stale(flink: &Path) -> io::Result<Option<String>> {
    if !flink.exists() {
        return Ok(None);
    }
    match ShmemConf::new().flink(flink).open() {
        Ok(mut stale) => {
            let os_id = stale.get_os_id().to_owned();
            // The owner's `Drop` unlinks the segment and deletes the link.
            stale.set_owner(true);
            drop(stale);
            Ok(Some(os_id))
        }
        Err(ShmemError::MapOpenFailed(_)) => {
            std::fs::remove_file(flink)?;
            Ok(None)
        }
        Err(error) => Err(io::Error::other(error)),
    }
}
// ANCHOR_END: crash
