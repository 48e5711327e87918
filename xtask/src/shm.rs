//! Shared-memory segments a check left behind.
//!
//! On Linux a POSIX shared-memory segment is a file in `/dev/shm`, and it outlives every
//! process that used it until someone unlinks it: a check whose code forgot to (or
//! crashed before it could) would leave one more segment with every grade. The grader
//! lists `/dev/shm` before each check and removes the segments that appeared while the
//! check ran, as it kills the processes a check left running. Checks run one at a time,
//! so a segment that appeared meanwhile is the check's.

use std::collections::BTreeSet;
use std::path::Path;

const DIR: &str = "/dev/shm";

/// The segments that exist now (none where there is no `/dev/shm`).
pub fn segments() -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(DIR) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect()
}

/// Removes the segments that exist now but not in `before`; returns their names.
pub fn remove_new(before: &BTreeSet<String>) -> Vec<String> {
    segments()
        .into_iter()
        .filter(|name| !before.contains(name))
        .filter(|name| std::fs::remove_file(Path::new(DIR).join(name)).is_ok())
        .collect()
}
