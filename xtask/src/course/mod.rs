//! The course as the grader sees it: its lessons and exercises, their tasks and checks.
//! `manifest` reads them from the workspace's manifests (`[package.metadata.course]` and
//! `[package.metadata.lesson]`, with `cargo metadata`); `select` resolves the names a
//! command is given.
//!
//! The format is documented in `book/src/reference/manifest.md`.

use std::cmp::Ordering;
use std::fmt;
use std::path::PathBuf;

mod manifest;
mod select;

pub use select::{Selected, unknown};

/// Everything the grader knows about one course workspace.
#[derive(Debug)]
pub struct Course {
    /// The workspace root (where the root `Cargo.toml` is).
    pub root: PathBuf,
    /// Cargo's target directory for this workspace.
    pub target_dir: PathBuf,
    /// Exercises in the order of their names (`01-threads`, `02-...`).
    pub exercises: Vec<Exercise>,
    /// Lesson crates that declare speed claims, in the order of their names.
    pub lessons: Vec<Lesson>,
}

/// A lesson crate (`[package.metadata.lesson]`): its speed claims are benchmark checks
/// that `cargo xtask test` verifies, so that every number the book states is measured.
#[derive(Debug)]
pub struct Lesson {
    /// The lesson's folder name (`01-threads`).
    pub name: String,
    pub title: String,
    pub krate: Crate,
    /// Each claim is a sentence (the check's `claim`) and a benchmark check.
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub text: String,
    pub check: Check,
}

#[derive(Debug)]
pub struct Exercise {
    /// The exercise's name: its folder name unless the manifest sets `name`.
    pub name: String,
    pub title: String,
    /// The learner's crate.
    pub starter: Crate,
    /// The reference solution, graded by `--solutions`.
    pub solution: Option<Crate>,
    pub tasks: Vec<Task>,
}

/// A package the grader builds and runs checks against.
#[derive(Debug, Clone)]
pub struct Crate {
    pub package: String,
    /// Cargo's package id, as it appears in cargo's JSON messages.
    pub id: String,
    pub version: String,
    pub dir: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub formerly: Vec<String>,
    pub hints: Vec<String>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub kind: CheckKind,
    /// The test's full name, or for a benchmark check `candidate vs baseline`.
    pub name: String,
    pub points: u32,
    /// Seconds; `None` means the default for the kind.
    pub timeout: Option<u64>,
    pub spec: CheckSpec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckKind {
    Test,
    Trybuild,
    Loom,
    Bench,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Test => "test",
            CheckKind::Trybuild => "trybuild",
            CheckKind::Loom => "loom",
            CheckKind::Bench => "bench",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckSpec {
    /// A libtest test (kinds test, trybuild and loom).
    Test {
        /// The test target (`lib` or an integration test's name); `None` = search all.
        target: Option<String>,
        max_preemptions: Option<u32>,
    },
    Bench(BenchSpec),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchSpec {
    /// The criterion `[[bench]]` target.
    pub target: String,
    pub candidate: String,
    pub baseline: String,
    pub rule: SpeedupRule,
    /// An upper bound, for claims of *no* speedup (threads under a global lock).
    pub max_speedup: Option<f64>,
    pub min_cores: usize,
    pub warm_up: f64,
    pub measure: f64,
}

/// How fast the candidate must be, relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpeedupRule {
    /// A ratio that does not depend on the machine (one IPC mechanism against another).
    Fixed(f64),
    /// `per_core × min(cores, max_cores)`: parallel code against its sequential baseline.
    PerCore { per_core: f64, max_cores: usize },
}

impl BenchSpec {
    /// Does a measured `speedup` meet this check on a machine with `cores` cores? The one
    /// rule for graded benchmarks, lesson claims and the book's measured tables.
    pub fn holds(&self, speedup: f64, cores: usize) -> bool {
        self.side(speedup, cores) == Ordering::Equal
    }

    /// Where a measured `speedup` falls: below the threshold (`Less`), within the bounds
    /// (`Equal`), or above the upper bound of a claim of no speedup (`Greater`).
    pub fn side(&self, speedup: f64, cores: usize) -> Ordering {
        if speedup < self.rule.threshold(cores) {
            Ordering::Less
        } else if self.max_speedup.is_some_and(|max| speedup > max) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

impl SpeedupRule {
    pub fn threshold(self, cores: usize) -> f64 {
        match self {
            SpeedupRule::Fixed(ratio) => ratio,
            SpeedupRule::PerCore {
                per_core,
                max_cores,
            } => per_core * cores.min(max_cores) as f64,
        }
    }
}

impl Exercise {
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// The crate graded in the given mode.
    pub fn graded_crate(&self, solutions: bool) -> Option<&Crate> {
        if solutions {
            self.solution.as_ref()
        } else {
            Some(&self.starter)
        }
    }
}
