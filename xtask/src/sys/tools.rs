//! Programs the course's commands need beyond cargo: mdBook, pinned and installed by the
//! course itself into `.tools/` at the workspace root (never by hand, never globally), and
//! Chromium, used when it is installed (`scripts/install-chromium.sh`) to print the handouts
//! as PDF and, in the tests, to look at the built pages as a reader would.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::report::human;
use crate::sys::process::{self, Status};

/// The mdBook the book is written for (`book/book.toml` uses its 0.5 configuration).
pub const MDBOOK_VERSION: &str = "0.5.4";

/// The pinned `mdbook` executable, installed on first use (about two minutes, once) into
/// `.tools/` at the workspace root, or into `COURSE_TOOLS_DIR` (the tests share the
/// repository's).
pub fn mdbook(course: &Course) -> Result<PathBuf> {
    let tools = std::env::var_os("COURSE_TOOLS_DIR")
        .map_or_else(|| course.root.join(".tools"), PathBuf::from);
    let home = tools.join(format!("mdbook-{MDBOOK_VERSION}"));
    let exe = home.join("bin/mdbook");
    if exe.is_file() {
        return Ok(exe);
    }
    std::fs::create_dir_all(&tools).with_context(|| format!("creating {}", tools.display()))?;
    // Two commands may want mdBook at once (tests run in parallel): one installs, the
    // other waits for it and then finds it there.
    let lock = File::create(tools.join(".lock"))?;
    lock.lock().context("locking .tools/.lock")?;
    if exe.is_file() {
        return Ok(exe);
    }
    human::phase(&format!(
        "installing mdBook {MDBOOK_VERSION} into .tools/ (once; it takes a minute or two)"
    ));
    // Installed beside its final place and renamed when complete, so that an interrupted
    // install never leaves a half-installed mdBook that looks ready.
    let staging = tools.join(format!("mdbook-{MDBOOK_VERSION}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&course.root)
        .args(["install", "mdbook", "--locked", "--quiet", "--version"])
        .arg(format!("={MDBOOK_VERSION}"))
        .arg("--root")
        .arg(&staging)
        .arg("--target-dir")
        .arg(course.target_dir.join("tools"))
        .status()
        .context("running cargo install")?;
    if !status.success() {
        bail!("`cargo install mdbook --version ={MDBOOK_VERSION} --locked` failed ({status})");
    }
    std::fs::rename(&staging, &home)
        .with_context(|| format!("moving mdBook into {}", home.display()))?;
    Ok(exe)
}

/// Chromium (or Chrome), if installed: `COURSE_CHROMIUM`, else the usual names on `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COURSE_CHROMIUM") {
        return Some(path.into());
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .chain([PathBuf::from(
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        )])
        .find(|p| p.is_file())
}

/// The file a command name runs: a path as given, else the first executable
/// of that name on PATH.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let given = Path::new(name);
    if given.components().count() > 1 {
        return is_executable(given).then(|| given.to_path_buf());
    }
    let suffixed = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| [dir.join(name), dir.join(&suffixed)])
        .find(|path| is_executable(path))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Prints `page` to `pdf` with headless Chromium, without the browser's header and footer.
/// Every process Chromium started is gone when this returns.
pub fn print_to_pdf(chromium: &Path, page: &Path, pdf: &Path) -> Result<()> {
    let profile = std::env::temp_dir().join(format!("course-chromium-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new(chromium);
    cmd.args(headless_args(&profile))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()));
    let outcome = process::run(cmd, Duration::from_secs(60))?;
    let _ = std::fs::remove_dir_all(&profile);
    match outcome.status {
        Status::Exited(0) if pdf.is_file() => Ok(()),
        status => bail!(
            "headless Chromium could not print {} ({status:?}):\n{}",
            page.display(),
            outcome.output
        ),
    }
}

/// The flags for a headless Chromium that stays off the network, with its own profile.
/// (The reader tests in `xtask/tests/book.rs` start Chromium with the same flags.)
fn headless_args(profile: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        // The course's machines may have no network: Chromium must not try to reach it.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
    ]
    .map(String::from)
    .into();
    args.push(format!("--user-data-dir={}", profile.display()));
    if running_as_root() {
        // Chromium refuses to start its sandbox as root (CI containers run as root).
        args.push("--no-sandbox".into());
    }
    args
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
