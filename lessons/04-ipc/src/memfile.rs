//! The maintained alternative to the shared_memory crate: a file in `/dev/shm`, mapped
//! with memmap2.
//!
//! On Linux, `/dev/shm` is a `tmpfs`: a file system in memory. A file created there and
//! mapped with `MAP_SHARED` *is* a shared memory segment (`shm_open` does exactly this), so
//! std's `File` and [memmap2](https://docs.rs/memmap2) give everything the shared_memory
//! crate does, with APIs that are maintained and that every Rust programmer knows:
//!
//! - create: `OpenOptions::new().create_new(true)` (fails if the name is taken, like
//!   `O_EXCL`), then `set_len`;
//! - map: `MmapMut::map_mut(&file)`, `unsafe` because the file could change size under
//!   the mapping, and a read past its end would then be a `SIGBUS`;
//! - own and remove: whoever created the file deletes it, in `Drop` ([`SharedFile`]).
//!
//! The same placement rules hold as in [`crate::shm`]: `#[repr(C)]` plain data, atomics for
//! what two processes touch. On macOS, which has no `/dev/shm`, a file in a temporary
//! directory works the same way (its pages may then be written to disk).

use std::fs::{File, OpenOptions};
use std::io;
use std::mem::size_of;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapMut;

// ANCHOR: shared_file
/// A file mapped into memory, removed when the process that created it drops it.
pub struct SharedFile {
    map: MmapMut,
    path: PathBuf,
    owner: bool,
}

impl SharedFile {
    /// Creates the file `path` (which must not exist) with `len` bytes of zeros, and maps
    /// it. This process owns it.
    pub fn create(path: &Path, len: usize) -> io::Result<SharedFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        // If anything below fails, the file is removed before the error is returned.
        let remove_on_error = |error: io::Error| {
            let _ = std::fs::remove_file(path);
            error
        };
        file.set_len(len as u64).map_err(remove_on_error)?;
        let map = map(&file).map_err(remove_on_error)?;
        Ok(SharedFile {
            map,
            path: path.to_owned(),
            owner: true,
        })
    }

    /// Maps the existing file `path`.
    pub fn open(path: &Path) -> io::Result<SharedFile> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        Ok(SharedFile {
            map: map(&file)?,
            path: path.to_owned(),
            owner: false,
        })
    }

    /// The counter in the first 8 bytes of the file.
    pub fn counter(&self) -> io::Result<&AtomicU64> {
        if self.map.len() < size_of::<AtomicU64>() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is too short for a counter", self.path.display()),
            ));
        }
        // SAFETY: the mapping holds at least 8 bytes (checked) and is page-aligned, so
        // aligned for an `AtomicU64`; any 8 bytes are a valid `AtomicU64`. Other processes
        // change them only through atomics too. The reference borrows `self`, which owns
        // the mapping.
        Ok(unsafe { &*self.map.as_ptr().cast::<AtomicU64>() })
    }
}

fn map(file: &File) -> io::Result<MmapMut> {
    // SAFETY: `MmapMut::map_mut` is unsafe because the file could be truncated while
    // mapped, and touching a page past its new end raises SIGBUS. The file is this
    // lesson's, in `/dev/shm`, and nothing in the lesson changes its size once created.
    // Its *contents* may change under us, which is why they are only reached through
    // atomics (`counter`).
    unsafe { MmapMut::map_mut(file) }
}

impl Drop for SharedFile {
    fn drop(&mut self) {
        if self.owner {
            // Removing the name: processes that still map the file keep its pages.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
// ANCHOR_END: shared_file

/// A path for a new shared file: in `/dev/shm` where it exists, else the temporary
/// directory; named like the lesson's segments ([`crate::shm::PREFIX`]).
pub fn unique_path(purpose: &str) -> PathBuf {
    let name = crate::shm::unique_os_id(purpose);
    let dir = Path::new("/dev/shm");
    let dir = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    dir.join(name.trim_start_matches('/'))
}

/// The worker's side ([`crate::worker::Task::FileCount`]): add 1 to the file's counter
/// `times` times.
pub fn count(path: &Path, times: u64) -> io::Result<()> {
    let file = SharedFile::open(path)?;
    let counter = file.counter()?;
    for _ in 0..times {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
