"""The Python note's two kinds of program, made measurable.

CPU-bound work (a chain of multiply-add-modulo steps in pure Python) and
I/O-bound work (blocking waits), each run one after another, on threads and on
processes, with the standard library only (CPython 3.8 or later):

    python3 python/compare.py --size 5000000 --workers 2 --waits 8

It prints one JSON object on stdout: the median time of each variant, in
nanoseconds. `cargo xtask python-compare` runs it beside the same work in Rust
(lessons/01-threads/examples/python_compare.rs, which splits the work the same
way and computes the same checksum) and records both for the book.
"""

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import sysconfig
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

# A prime. Every intermediate value stays below 31 * MODULUS + size, so
# Python's ints stay small (no big-integer arithmetic) and the Rust version's
# u64 arithmetic gives exactly the same numbers.
MODULUS = 1_000_003


def mix(start, end):
    """CPU-bound: one multiply-add-modulo step per number of start..end.

    Each step needs the result of the one before, so no compiler (in the
    Rust version) can vectorise or skip the work: both languages do the same
    number of steps, and the checksums prove it.
    """
    acc = 0
    for i in range(start, end):
        acc = (acc * 31 + i) % MODULUS
    return acc


def wait(count, seconds):
    """I/O-bound: `count` blocking waits.

    time.sleep releases the GIL while it waits, as blocking reads and writes
    of files and sockets do; that is what lets Python threads overlap them.
    """
    for _ in range(count):
        time.sleep(seconds)
    return count


def chunks(total, parts):
    """`parts` ranges of near-equal length covering 0..total.

    The Rust version splits with the same formula, so that each worker gets
    the same numbers in both languages.
    """
    return [
        (total * k // parts, total * (k + 1) // parts) for k in range(parts)
    ]


def on_one_thread(function, jobs):
    return sum(function(*job) for job in jobs)


def on_threads(function, jobs):
    # One worker per job: every job starts at once, as in the Rust version.
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        return sum(future.result() for future in futures)


def on_processes(function, jobs):
    # The pool is started and shut down inside the timed call: a program that
    # hands one job to processes pays for starting them, and that cost is
    # part of what the note's "higher overhead" means.
    with ProcessPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        return sum(future.result() for future in futures)


VARIANTS = (
    ("sequential", on_one_thread),
    ("threads", on_threads),
    ("processes", on_processes),
)


def measure(run, repeats):
    """Runs `run` `repeats` times: its (single) result and the median time.

    The median, because one run disturbed by another program should not move
    the figure; every run must compute the same result.
    """
    results, times = set(), []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        results.add(run())
        times.append(time.perf_counter_ns() - start)
    if len(results) != 1:
        raise RuntimeError("the runs disagree: {}".format(sorted(results)))
    return results.pop(), statistics.median(times)


def cores():
    """The cores this process may use (an affinity mask or a container's
    limit can make it fewer than the machine has)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def whole(minimum):
    def parse(text):
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                "must be at least {} (got {})".format(minimum, value)
            )
        return value

    return parse


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", type=whole(1), default=5_000_000,
        help="CPU-bound steps in all, split among the workers",
    )
    parser.add_argument(
        "--workers", type=whole(1), default=cores(),
        help="workers for the CPU-bound work (default: the cores)",
    )
    parser.add_argument(
        "--waits", type=whole(1), default=8,
        help="I/O-bound waits in all, split among the I/O workers",
    )
    parser.add_argument(
        "--wait-ms", type=whole(0), default=50,
        help="length of each wait, in milliseconds",
    )
    parser.add_argument(
        "--io-workers", type=whole(1), default=None,
        help="workers for the waits (default: one per wait, since waiting "
        "threads need no core of their own)",
    )
    parser.add_argument(
        "--repeats", type=whole(1), default=5,
        help="runs of each variant; the median is reported",
    )
    args = parser.parse_args()
    if args.io_workers is None:
        args.io_workers = args.waits
    return args


def main():
    args = arguments()
    medians = {}
    checksums = set()
    ranges = chunks(args.size, args.workers)
    for name, variant in VARIANTS:
        checksum, medians["cpu/" + name] = measure(
            partial(variant, mix, ranges), args.repeats
        )
        checksums.add(checksum)
    pause = args.wait_ms / 1000
    split = chunks(args.waits, args.io_workers)
    waits = [(hi - lo, pause) for lo, hi in split]
    for name, variant in VARIANTS:
        done, medians["io/" + name] = measure(
            partial(variant, wait, waits), args.repeats
        )
        if done != args.waits:
            raise RuntimeError("{} waited {} times".format(name, done))
    if len(checksums) != 1:
        raise RuntimeError("the variants disagree: {}".format(checksums))

    # Free-threaded builds (3.13t, 3.14t) have no GIL unless an extension
    # module, or PYTHON_GIL=1, turns it back on: ask the running interpreter.
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    result = {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": is_gil_enabled() if is_gil_enabled else True,
        "start_method": multiprocessing.get_start_method(),
        "size": args.size,
        "workers": args.workers,
        "waits": args.waits,
        "wait_ms": args.wait_ms,
        "io_workers": args.io_workers,
        "repeats": args.repeats,
        "checksum": checksums.pop(),
        "medians_ns": medians,
    }
    print(json.dumps(result))


# The guard is needed by the spawn and forkserver start methods (the default on
# macOS, Windows, and Linux from Python 3.14): each worker process imports this
# file, and must not run the measurements again.
if __name__ == "__main__":
    main()
