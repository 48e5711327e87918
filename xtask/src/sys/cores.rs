//! How many cores the grader may count on.

/// The cores the grader may count on: `COURSE_CORES` if set (to test the rule), else the
/// parallelism the OS grants this process, but no more than the physical cores where the
/// OS tells them apart: two hyperthreads of one core do not compute twice as fast.
pub fn cores() -> usize {
    if let Some(n) = std::env::var("COURSE_CORES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    let granted = std::thread::available_parallelism().map_or(1, |n| n.get());
    physical_cores().map_or(granted, |physical| granted.min(physical))
}

/// Distinct (package, core) pairs of the online CPUs, from Linux's sysfs.
#[cfg(target_os = "linux")]
fn physical_cores() -> Option<usize> {
    let mut cores = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir("/sys/devices/system/cpu").ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_str().unwrap_or_default();
        let is_cpu = name
            .strip_prefix("cpu")
            .is_some_and(|n| n.parse::<u32>().is_ok());
        if !is_cpu {
            continue;
        }
        let topology = entry.path().join("topology");
        let read = |file: &str| std::fs::read_to_string(topology.join(file)).ok();
        if let (Some(package), Some(core)) = (read("physical_package_id"), read("core_id")) {
            cores.insert((package.trim().to_owned(), core.trim().to_owned()));
        }
    }
    (!cores.is_empty()).then_some(cores.len())
}

/// `sysctl hw.physicalcpu` on macOS.
#[cfg(target_os = "macos")]
fn physical_cores() -> Option<usize> {
    let out = std::process::Command::new("sysctl")
        .args(["-n", "hw.physicalcpu"])
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn physical_cores() -> Option<usize> {
    None
}
