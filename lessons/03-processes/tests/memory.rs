//! `memory`: one more worker process costs several times the memory of one more worker
//! thread, and adding up RSS over processes counts their shared pages many times.
//!
//! A test binary of its own, so that no other test starts processes while this one
//! counts pages. Linux only: it reads `/proc`.

#![cfg(target_os = "linux")]

use processes_lesson::memory::{IdleWorker, footprint, measure};
use processes_lesson::worker::Worker;

fn worker() -> Worker {
    Worker::at(env!("CARGO_BIN_EXE_lesson-03-processes"))
}

#[test]
fn a_worker_process_costs_several_times_a_worker_thread() {
    let memory = measure(&worker(), 8).expect("the idle workers start and can be measured");
    let (process, thread) = (memory.per_process(), memory.per_thread());
    assert!(thread > 0, "a thread's stack takes some memory: {memory:?}");
    // Measured on Linux x86-64: about 176 KiB per process, 20 KiB per thread.
    assert!(
        process >= 4 * thread,
        "one more process: {process} bytes, one more thread: {thread} bytes"
    );
}

#[test]
fn added_up_rss_counts_shared_pages_once_per_process() {
    let memory = measure(&worker(), 8).expect("the idle workers start and can be measured");
    let processes = memory.processes;
    // Every copy maps the same program and libraries; RSS counts them in each, PSS once.
    assert!(
        processes.rss >= 3 * processes.pss,
        "8 processes: RSS {} bytes, PSS {} bytes",
        processes.rss,
        processes.pss
    );
}

#[test]
fn an_idle_worker_can_be_measured_and_stopped() {
    let idle = IdleWorker::start(&worker(), 2).expect("the worker starts");
    let pid = idle.pid();
    let memory = footprint(pid).expect("a parent may read its child's /proc files");
    assert!(memory.rss >= memory.pss && memory.pss >= memory.private_dirty);
    assert!(memory.page_tables > 0);
    idle.stop()
        .expect("closing stdin ends the worker, which is reaped");
    assert!(footprint(pid).is_err(), "the process is gone");
}
