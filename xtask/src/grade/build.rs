//! Building the crates under grade: one cargo invocation per profile, `--keep-going`, so
//! that a compile error in one exercise does not stop the others from being graded.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

use anyhow::{Context, Result};
use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::{Message, TargetKind};

use crate::course::{Course, Crate};
use crate::sys::process;

/// What a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Unit and integration tests (kinds test and trybuild).
    Test,
    /// Release build with `--cfg loom`, in its own target directory.
    Loom,
    /// Criterion bench targets, optimised.
    Bench,
    /// A lesson's runnable examples.
    Examples,
}

/// The result of one build of several crates.
#[derive(Debug, Default)]
pub struct Build {
    /// Test (or bench) executables, by crate directory.
    pub executables: BTreeMap<PathBuf, Vec<Executable>>,
    /// The compiler's errors, by crate directory, then by target name.
    pub errors: BTreeMap<PathBuf, BTreeMap<String, String>>,
    /// Cargo's own failure (a broken `Cargo.toml`, a missing dependency), if it failed
    /// without a compiler error to show.
    pub cargo_failure: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Executable {
    /// `lib` for unit tests, else the test or bench target's name.
    pub target: String,
    pub path: PathBuf,
}

impl Build {
    /// Why `krate`'s `target` cannot run, if it did not build: its own errors, else the
    /// library's (every target depends on it), else cargo's failure.
    pub fn failure_for(&self, krate: &Crate, target: &str) -> Option<String> {
        let errors = self.errors.get(&krate.dir);
        errors
            .and_then(|e| e.get(target).or_else(|| e.get("lib")))
            .or_else(|| errors.and_then(|e| e.values().next()))
            .cloned()
            .or_else(|| {
                let built = self
                    .executables
                    .get(&krate.dir)
                    .is_some_and(|exes| exes.iter().any(|e| e.target == target));
                (!built).then(|| {
                    self.cargo_failure.clone().unwrap_or_else(|| {
                        format!("cargo did not build `{target}` of {}", krate.package)
                    })
                })
            })
    }
}

/// The target directory of a profile: loom builds get their own, because `--cfg loom`
/// changes every crate's flags and would otherwise invalidate the normal build.
pub fn target_dir(course: &Course, profile: Profile) -> PathBuf {
    match profile {
        Profile::Loom => course.target_dir.join("loom"),
        Profile::Test | Profile::Bench | Profile::Examples => course.target_dir.clone(),
    }
}

pub fn build(course: &Course, crates: &[&Crate], profile: Profile) -> Result<Build> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // `cargo build --tests` makes the same test binaries as `cargo test --no-run`, and
    // unlike it accepts `--keep-going`.
    match profile {
        Profile::Test => cmd.args(["build", "--lib", "--tests"]),
        // Optimised, because loom explores many interleavings; incremental, because the
        // learner re-grades after every edit (release builds are not incremental by default).
        Profile::Loom => cmd
            .args(["build", "--release", "--lib", "--tests"])
            .env("RUSTFLAGS", "--cfg loom")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true"),
        Profile::Bench => cmd.args(["build", "--profile", "bench", "--benches"]),
        Profile::Examples => cmd.args(["build", "--examples"]),
    };
    cmd.env("CARGO_TARGET_DIR", target_dir(course, profile))
        .args(["--keep-going", "--message-format=json"])
        .arg("--manifest-path")
        .arg(course.root.join("Cargo.toml"));
    for krate in crates {
        cmd.args(["--package", &krate.package]);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // In a process group of its own, so that an interruption of the grader kills it
    // and its compilers (see `process`).
    let (mut child, group) = process::start(cmd).context("could not run cargo")?;

    // Cargo's progress ("Compiling ...") goes on to our stderr as it comes, so a first
    // build does not look like a hang; a copy is kept to explain a failure.
    let stderr = child.stderr.take().expect("stderr is piped");
    let echo = thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim_start().starts_with("Compiling") {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    });

    let dirs: Vec<&Path> = crates.iter().map(|c| c.dir.as_path()).collect();
    let mut build = Build::default();
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for message in Message::parse_stream(stdout) {
        match message.context("reading cargo's messages")? {
            Message::CompilerArtifact(artifact) => {
                let Some(dir) = crate_dir(artifact.manifest_path.as_std_path(), &dirs) else {
                    continue;
                };
                // `--benches` also builds the library's libtest harness in bench mode, and
                // `--tests` also builds the package's `[[bin]]`s (tests reach them through
                // `CARGO_BIN_EXE_*`): keep only the kind of target each profile is for.
                let wanted = match profile {
                    Profile::Test | Profile::Loom => {
                        artifact.profile.test && !artifact.target.is_bench()
                    }
                    Profile::Bench => artifact.target.is_bench(),
                    Profile::Examples => artifact.target.is_example(),
                };
                if let Some(exe) = artifact.executable.filter(|_| wanted) {
                    let is_lib = artifact.target.kind.iter().any(|k| {
                        matches!(k, TargetKind::Lib | TargetKind::RLib | TargetKind::CDyLib)
                    });
                    build.executables.entry(dir).or_default().push(Executable {
                        target: if is_lib {
                            "lib".to_owned()
                        } else {
                            artifact.target.name.clone()
                        },
                        path: exe.into_std_path_buf(),
                    });
                }
            }
            Message::CompilerMessage(msg) if msg.message.level == DiagnosticLevel::Error => {
                let Some(krate) = crates.iter().find(|c| c.id == msg.package_id.repr) else {
                    continue;
                };
                let dir = krate.dir.clone();
                let is_lib =
                    msg.target.kind.iter().any(|k| {
                        matches!(k, TargetKind::Lib | TargetKind::RLib | TargetKind::CDyLib)
                    });
                let target = if is_lib {
                    "lib".to_owned()
                } else {
                    msg.target.name.clone()
                };
                let rendered = msg.message.rendered.unwrap_or(msg.message.message);
                let slot = build
                    .errors
                    .entry(dir)
                    .or_default()
                    .entry(target)
                    .or_default();
                // The library is compiled twice (as a dependency and as its own unit
                // tests), giving each error twice: keep one.
                if !slot.contains(&rendered) {
                    slot.push_str(&rendered);
                }
            }
            _ => {}
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    process::stop_if_interrupted();
    group.finish();
    let stderr = echo.join().unwrap_or_default();
    if !status.success() && build.errors.is_empty() {
        build.cargo_failure = Some(cargo_error(&stderr));
    } else {
        // The dependencies are built (a compile error in the learner's code does not
        // change that): later builds of this profile are quick.
        let _ = std::fs::write(built_marker(course, profile), "");
    }
    Ok(build)
}

/// A file that exists once a build of `profile` has compiled the dependencies.
fn built_marker(course: &Course, profile: Profile) -> PathBuf {
    target_dir(course, profile).join(format!("course-built-{profile:?}").to_lowercase())
}

/// For the first build of a profile, how long it takes, as measured from a fresh clone
/// on a 2-core machine (`scripts/first-contact-timing.sh`: the tests of 01-threads 85 s,
/// its benchmarks about 50 s; the loom models of 02-shared-state 23 s). A learner who
/// sees nothing but compiler lines for a minute should know that it is expected.
pub fn first_build_note(course: &Course, profile: Profile) -> Option<&'static str> {
    if built_marker(course, profile).exists() {
        return None;
    }
    Some(match profile {
        Profile::Test => {
            "the first time, this also compiles the dependencies: about 1½ minutes on \
             2 cores, once; later builds take seconds"
        }
        Profile::Loom => {
            "the first time, this also compiles the dependencies with loom: about half a \
             minute on 2 cores, once; later builds take seconds"
        }
        Profile::Bench => {
            "the first time, this also compiles the dependencies, optimised: about a \
             minute on 2 cores, once; later builds take seconds"
        }
        Profile::Examples => return None,
    })
}

/// The crate (of those being built) whose manifest is `manifest`. Solution crates point
/// their test targets into the exercise's folder, so a target's source path would not do.
fn crate_dir(manifest: &Path, dirs: &[&Path]) -> Option<PathBuf> {
    dirs.iter()
        .find(|d| manifest.parent() == Some(**d))
        .map(|d| d.to_path_buf())
}

/// The useful part of cargo's stderr: its `error:` lines and what follows them.
fn cargo_error(stderr: &str) -> String {
    match stderr.find("error") {
        Some(start) => stderr[start..].trim_end().to_owned(),
        None => format!("cargo failed:\n{}", stderr.trim_end()),
    }
}
