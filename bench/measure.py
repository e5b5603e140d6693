"""Timing whole processes: one run, contenders interleaved run by run, their statistics, and peak RSS."""

from __future__ import annotations

import gc
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

from .settings import ROOT


@dataclass
class Run:
    seconds: float
    status: int  # exit code, or -signal


# A job is the processes one timed run spawns, one after the other; most are one process.
Job = list[list[str]]


def run_once(job: Job) -> Run:
    """Spawn, wait and time a job's processes, as a shell would run `a && b`."""
    status = 0
    start = time.perf_counter()
    for argv in job:
        status = subprocess.call(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if status != 0:
            break
    return Run(time.perf_counter() - start, status)


def same_job(argv: list[str]) -> Callable[[int], Job]:
    """The same single process for every run."""
    return lambda _run: [argv]


# Peak RSS cannot come from the timed runs. Linux folds the parent's memory into a
# child's ru_maxrss: at execve the kernel records the high-water mark of the address
# space being replaced, and a vfork'd (Popen) or forked child's is this benchmark's
# own ~20 MB. os.wait4 on a Popen'd /bin/true reports the Python parent's peak, not
# 1 MB. So a fresh, bare interpreter forks and execs the target and reports wait4's
# ru_maxrss; its own contribution (the "floor", measured with /bin/true) is a few MB,
# and any reading clear of it is the target's own peak.
RSS_HELPER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        os.execv(sys.argv[1], sys.argv[1:])  # absolute path: a PATH search would allocate first
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss_kib(argv: list[str], runs: int, allowed: set[int]) -> int:
    """Largest ru_maxrss (KiB on Linux) over a few runs: a memory limit is about the worst run."""
    argv = [shutil.which(argv[0]) or argv[0], *argv[1:]]
    peak = 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-I", "-S", "-c", RSS_HELPER, *argv], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        kib, status = int(out[0]), int(out[1])
        if status not in allowed:
            sys.exit(f"bench: {argv[0]} exited with {status} while measuring RSS (expected {sorted(allowed)})")
        peak = max(peak, kib)
    return peak


def rss_floor_kib() -> int:
    """The measuring helper's own peak (it runs /bin/true): readings near it are only bounds."""
    return peak_rss_kib(["true"], 5, {0})


def interleave(a: Callable[[int], Job], b: Callable[[int], Job], pairs: int,
               warmup: int) -> tuple[list[Run], list[Run]]:
    """Run A, B, A, B, ... so that load spikes and frequency changes hit both alike.

    a(i) and b(i) give the job for run i (warm-ups first, from 0), so a run that edits can
    be handed its own fresh copy. Warm-up runs bring both binaries, their shared libraries
    and the inputs into the page cache, so the first timed runs are not penalised for
    being first.
    """
    for i in range(warmup):
        run_once(a(i))
        run_once(b(i))
    # Built before timing starts, so no argv is assembled inside a timed window.
    jobs = [(a(i), b(i)) for i in range(warmup, warmup + pairs)]
    runs_a: list[Run] = []
    runs_b: list[Run] = []
    # A collection pause inside a timed window would land on one contender only.
    gc.disable()
    try:
        for job_a, job_b in jobs:
            runs_a.append(run_once(job_a))
            runs_b.append(run_once(job_b))
    finally:
        gc.enable()
    return runs_a, runs_b


def check_statuses(name: str, runs: list[Run], allowed: set[int]) -> None:
    bad = sorted({r.status for r in runs} - allowed)
    if bad:
        sys.exit(f"bench: {name} exited with {bad} (expected {sorted(allowed)}); timings would be meaningless")


def median_ms(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs) * 1000


def p90_ms(runs: list[Run]) -> float:
    # 'inclusive' keeps the estimate inside the observed range for small samples.
    return statistics.quantiles((r.seconds for r in runs), n=10, method="inclusive")[8] * 1000


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]
