//! `cargo xtask watch [EXERCISE]`: re-grade an exercise whenever one of its files is saved.
//!
//! File-system events make it quick; a poller running beside them makes it work where
//! events never arrive (network drives, some container and VM mounts). Bursts of events
//! from one save are merged into one re-grade.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::{Config, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::course::Course;
use crate::grade::{self, Options};
use crate::learner::hint;
use crate::learner::progress::Progress;
use crate::learner::reset;
use crate::report::human;

pub fn watch(
    course: &Course,
    exercise: Option<&str>,
    poll_only: bool,
    mut options: Options,
) -> Result<()> {
    let exercise = match exercise {
        Some(name) => course.select(&[name.to_owned()])?[0].exercise,
        None => {
            let progress = Progress::load(&course.root);
            hint::first_unsolved(course, &progress)
                .map(|(e, _)| e)
                .or(course.exercises.first())
                .context("this course has no exercises")?
        }
    };
    options.selection = vec![exercise.name.clone()];
    let dir = &exercise.starter.dir;

    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut poller = PollWatcher::new(
        tx.clone(),
        Config::default().with_poll_interval(Duration::from_secs(1)),
    )?;
    poller.watch(dir, RecursiveMode::Recursive)?;
    let _events = if poll_only {
        None
    } else {
        match RecommendedWatcher::new(tx, Config::default())
            .and_then(|mut w| w.watch(dir, RecursiveMode::Recursive).map(|()| w))
        {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!(
                    "file-system events are not available ({e}); polling every second instead"
                );
                None
            }
        }
    };

    loop {
        let graded = sources(dir);
        let report = grade::grade_and_record(course, &options)?;
        print!("{}", human::render(&report, "cargo xtask hint"));
        println!(
            "\nWatching {} — save a file to re-grade, Ctrl-C to stop.",
            dir.display()
        );
        // Wait for a save that changed a source, letting each burst of events settle.
        // One save can give several events (an editor's write, then its rename; the
        // file-system event, then the poller's), some of them arriving while the grade
        // runs: a re-grade is due only when the sources differ from the graded ones.
        loop {
            let event = rx.recv().context("the file watcher stopped")?;
            if !event.is_ok_and(|e| matters(&e, dir)) {
                continue;
            }
            while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
            if sources(dir) != graded {
                break;
            }
        }
    }
}

/// Folders of an exercise that hold no sources: build output, and trybuild's `wip/`
/// (written while it grades).
const NOT_SOURCES: [&str; 2] = ["target", "wip"];

/// The exercise's source and manifest files with their contents.
fn sources(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    reset::files_skipping(dir, &NOT_SOURCES)
        .unwrap_or_default()
        .into_iter()
        .filter(|path| is_source(path))
        .filter_map(|path| Some((path.clone(), std::fs::read(&path).ok()?)))
        .collect()
}

fn is_source(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x == "rs" || x == "toml" || x == "stderr")
}

/// A change to a source or manifest file of the exercise (not editor or build clutter).
fn matters(event: &notify::Event, dir: &Path) -> bool {
    matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) && event.paths.iter().any(|p| {
        let inside = p.strip_prefix(dir).is_ok_and(|rel| {
            !rel.components()
                .any(|c| NOT_SOURCES.iter().any(|n| c.as_os_str() == *n))
        });
        inside && is_source(p)
    })
}
