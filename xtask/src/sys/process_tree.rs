//! Finding and killing every process a check started, however deep.
//!
//! A check runs in its own process group, with a token in its environment. Its children
//! inherit both, unless they move to a new group or session (`setsid`), which a test's
//! grandchild may do. So a check's processes are found three ways: members of its process
//! group, descendants by parent pid, and any process whose environment carries the token.
//! On Linux the grader is also a *child subreaper*: an orphan of a check is re-parented to
//! the grader instead of init, so the grader can reap it and no zombie is left behind.
//! That also finds a grandchild that cleared its environment and started a new session
//! once its parent is gone: the grader starts nothing but checks while a check runs, so
//! a child of the grader that is not a check's leader is an orphan of a check that is
//! running (or has just ended). If only one check ran meanwhile, it is that check's; if
//! checks ran side by side, it could be any of theirs, and they are run again one at a
//! time (see `grade`).
//!
//! Elsewhere (macOS), the process table comes from `ps`: the group, the descendants and
//! the grader's children are found the same way, but not the token (another process's
//! environment cannot be read) nor orphans, which go to `launchd` (no subreaper there).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::sys::process::lock;

/// The environment variable that marks every process of one check.
pub const TOKEN_VAR: &str = "COURSE_GRADER_CHECK";

/// A process that was still running when its check ended and had to be killed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub pid: i32,
    pub command: String,
    /// Found only as an orphan re-parented to the grader (or a descendant of one): with
    /// checks running side by side, it could be any of theirs.
    pub orphan: bool,
}

/// Makes orphaned descendants of checks our children (Linux), so we can reap them.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    {
        // Best effort: without it orphans go to init, which reaps them itself.
        let _ = nix::sys::prctl::set_child_subreaper(true);
    }
}

/// Kills everything that belongs to the check whose group leader is `leader`, and reaps
/// what was re-parented to us. `leader` itself is not reaped here: its `Child` owns it;
/// nor are the leaders of other checks (every process `leaders()` lists is spared).
/// `leaders` is asked after each look at the process table: a check started by another
/// thread meanwhile is a child of the grader too, and must be in the list by then.
/// Returns the processes other than the leader that were found alive.
pub fn kill_all(leader: Pid, token: &str, leaders: &dyn Fn() -> Vec<Pid>) -> Vec<Leftover> {
    let mut leftovers: Vec<Leftover> = Vec::new();
    // A dying process can fork once more before the signal lands, and SIGKILL takes effect
    // only when the kernel next schedules the process (later on a loaded machine), so sweep
    // until a pass finds nothing alive: on return, everything is dead, not merely signalled.
    // The deadline only bounds a process stuck in an uninterruptible wait.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // Look before killing, so that what was alive can be reported.
        let found = members(leader, token, leaders);
        let alive: Vec<&(Proc, bool)> = found.iter().filter(|(p, _)| !p.zombie).collect();
        for (p, orphan) in &alive {
            let _ = kill(Pid::from_raw(p.pid), Signal::SIGKILL);
            if p.pid != leader.as_raw() && !leftovers.iter().any(|l| l.pid == p.pid) {
                leftovers.push(Leftover {
                    pid: p.pid,
                    command: p.command.clone(),
                    orphan: *orphan,
                });
            }
        }
        let _ = killpg(leader, Signal::SIGKILL);
        reap_orphans(leader, &found);
        if alive.is_empty() || Instant::now() > deadline {
            break;
        }
        std::thread::yield_now();
    }
    leftovers
}

/// Reaps zombies that were re-parented to us (we are their subreaper).
fn reap_orphans(leader: Pid, found: &[(Proc, bool)]) {
    #[cfg(unix)]
    {
        use nix::sys::wait::{WaitPidFlag, waitpid};
        let me = std::process::id() as i32;
        for (p, _) in found {
            if p.pid != leader.as_raw() && p.ppid == me {
                let _ = waitpid(Pid::from_raw(p.pid), Some(WaitPidFlag::WNOHANG));
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Proc {
    pid: i32,
    ppid: i32,
    zombie: bool,
    command: String,
}

/// Processes the grader starts for itself while checks run (`ps`, where the process table
/// is read with it): children of the grader that are no check's, which a sweep must spare
/// like the leaders. A pid is listed before `ps` can print anything, under the lock a
/// sweep takes after its look at the table.
static HELPERS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// The processes that belong to the check: by group, by token (Linux), as orphans
/// re-parented to the grader, or by ancestry. Each says whether it was found only as an
/// orphan (or a descendant of one).
fn members(leader: Pid, token: &str, leaders: &dyn Fn() -> Vec<Pid>) -> Vec<(Proc, bool)> {
    let me = std::process::id() as i32;
    let all = processes();
    // After the look: a check's leader, or a helper, is listed before it can appear in
    // the table.
    let leaders = leaders();
    let helpers = lock(&HELPERS).clone();
    let marker = format!("{TOKEN_VAR}={token}");
    let spared =
        |pid: i32| pid == me || leaders.iter().any(|l| l.as_raw() == pid) || helpers.contains(&pid);
    let mut set: Vec<(Proc, bool)> = all
        .iter()
        .filter(|p| !spared(p.0.pid) || p.0.pid == leader.as_raw())
        .filter_map(|(p, group)| {
            let surely = *group == leader.as_raw() || carries(p.pid, &marker);
            (surely || p.ppid == me).then(|| (p.clone(), !surely))
        })
        .collect();
    // Add descendants of anything already in the set (a child that cleared its
    // environment and left the group is still found through its parent).
    loop {
        let before = set.len();
        for (p, _) in &all {
            if spared(p.pid) || set.iter().any(|(s, _)| s.pid == p.pid) {
                continue;
            }
            let parent = set.iter().find(|(s, _)| s.pid == p.ppid);
            if p.ppid == leader.as_raw() || parent.is_some() {
                let orphan = parent.is_some_and(|(_, orphan)| *orphan);
                set.push((p.clone(), orphan));
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Every process with its process group id: from `/proc` on Linux, from `ps` elsewhere.
fn processes() -> Vec<(Proc, i32)> {
    #[cfg(target_os = "linux")]
    return linux::processes();
    #[cfg(not(target_os = "linux"))]
    return ps::processes();
}

/// Does the process's environment hold `marker`? (Linux only: elsewhere another user's
/// environment cannot be read, and the group and ancestry must do.)
fn carries(pid: i32, marker: &str) -> bool {
    #[cfg(target_os = "linux")]
    return linux::environ_has(pid, marker);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (pid, marker);
        false
    }
}

/// The process table as `ps` prints it (POSIX options, so macOS's `ps` too).
#[cfg(unix)]
#[cfg_attr(target_os = "linux", allow(dead_code))]
mod ps {
    use super::{HELPERS, Proc, lock};

    pub fn processes() -> Vec<(Proc, i32)> {
        let mut helpers = lock(&HELPERS);
        let Ok(child) = std::process::Command::new("ps")
            .args([
                "-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid=", "-o", "stat=",
            ])
            .args(["-o", "comm="])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
        else {
            return Vec::new();
        };
        // `ps` lists itself, a child of the grader: it is no check's orphan, in this
        // sweep or in one another check's lane makes meanwhile.
        let own = child.id() as i32;
        helpers.push(own);
        drop(helpers);
        let out = child.wait_with_output();
        lock(&HELPERS).retain(|&pid| pid != own);
        let Ok(out) = out else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(parse_line)
            .filter(|(p, _)| p.pid != own)
            .collect()
    }

    /// `PID PPID PGID STAT COMMAND`, the command last (it may hold spaces).
    pub fn parse_line(line: &str) -> Option<(Proc, i32)> {
        let mut fields = line.split_whitespace();
        let pid = fields.next()?.parse().ok()?;
        let ppid = fields.next()?.parse().ok()?;
        let pgrp = fields.next()?.parse().ok()?;
        let state = fields.next()?;
        let command = fields.collect::<Vec<_>>().join(" ");
        let proc = Proc {
            pid,
            ppid,
            zombie: state.starts_with('Z'),
            command,
        };
        Some((proc, pgrp))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ps_lines_parse_and_see_this_process() {
            let (p, pgrp) = parse_line("  42     7    42 Z+   my prog").unwrap();
            assert_eq!((p.pid, p.ppid, pgrp, p.zombie), (42, 7, 42, true));
            assert_eq!(p.command, "my prog");
            let me = std::process::id() as i32;
            assert!(processes().iter().any(|(p, _)| p.pid == me));
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::Proc;

    /// Every process with its process group id.
    pub fn processes() -> Vec<(Proc, i32)> {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|entry| {
            let pid: i32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            parse_stat(pid, &stat)
        })
        .collect()
    }

    /// Parses `/proc/PID/stat`: `pid (comm) state ppid pgrp ...`. The command may hold
    /// spaces and parentheses, so the fields are read after the last `)`.
    fn parse_stat(pid: i32, stat: &str) -> Option<(Proc, i32)> {
        let open = stat.find('(')?;
        let close = stat.rfind(')')?;
        let command = stat.get(open + 1..close)?.to_owned();
        let mut fields = stat.get(close + 1..)?.split_whitespace();
        let state = fields.next()?;
        let ppid = fields.next()?.parse().ok()?;
        let pgrp = fields.next()?.parse().ok()?;
        let proc = Proc {
            pid,
            ppid,
            zombie: state == "Z" || state == "X",
            command,
        };
        Some((proc, pgrp))
    }

    pub fn environ_has(pid: i32, marker: &str) -> bool {
        std::fs::read(format!("/proc/{pid}/environ"))
            .map(|env| env.split(|&b| b == 0).any(|var| var == marker.as_bytes()))
            .unwrap_or(false)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn stat_lines_with_odd_command_names_parse() {
            let (p, pgrp) = parse_stat(42, "42 (a) b (c)) S 7 42 42 0 -1").unwrap();
            assert_eq!((p.pid, p.ppid, pgrp, p.zombie), (42, 7, 42, false));
            assert_eq!(p.command, "a) b (c)");
            let (z, _) = parse_stat(9, "9 (sleep) Z 1 9 9").unwrap();
            assert!(z.zombie);
        }
    }
}
