//! Shared-memory segments a check left behind.
//!
//! On Linux a POSIX shared-memory segment is a file in `/dev/shm`, and it outlives every
//! process that used it until someone unlinks it: a check whose code forgot to (or
//! crashed before it could) would leave one more segment with every grade. The grader
//! lists `/dev/shm` before each check and removes the segments that appeared while the
//! check ran, as it kills the processes a check left running. If no other check ran
//! meanwhile, a segment that appeared is the check's; checks that ran side by side are
//! run again one at a time if one of them left something behind (see `grade`).

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

/// The segments that exist now but not in `before`.
pub fn new_since(before: &BTreeSet<String>) -> Vec<String> {
    segments()
        .into_iter()
        .filter(|name| !before.contains(name))
        .collect()
}

/// Removes the segments that exist now but not in `before`; returns their names.
pub fn remove_new(before: &BTreeSet<String>) -> Vec<String> {
    new_since(before)
        .into_iter()
        .filter(|name| std::fs::remove_file(Path::new(DIR).join(name)).is_ok())
        .collect()
}
