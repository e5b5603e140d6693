"""What /proc says about a running process, read without waking it: CPU ticks, each thread's
context switches and on-CPU time, where a thread sleeps, and memory high-water marks."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class TaskSample:
    comm: str
    voluntary: int
    involuntary: int
    cpu_ns: int  # time on a CPU, first field of /proc/PID/task/TID/schedstat: exact, where ticks are coarse


def proc_cpu_ticks(pid: int) -> int:
    """utime + stime (fields 14 and 15 of /proc/PID/stat, clock ticks), all threads, dead ones too."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()  # comm may hold spaces and parentheses; field 3 is first here
    return int(fields[14 - 3]) + int(fields[15 - 3])


def proc_tasks(pid: int) -> dict[int, TaskSample]:
    """Each thread's name and context switches; a thread that exits while being read is skipped."""
    tasks = {}
    for entry in os.scandir(f"/proc/{pid}/task"):
        try:
            status = Path(entry.path, "status").read_text()
            comm = Path(entry.path, "comm").read_text().strip()
            schedstat = Path(entry.path, "schedstat").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        counts = dict(re.findall(r"^(voluntary_ctxt_switches|nonvoluntary_ctxt_switches):\s+(\d+)$", status, re.M))
        tasks[int(entry.name)] = TaskSample(comm, int(counts["voluntary_ctxt_switches"]),
                                            int(counts["nonvoluntary_ctxt_switches"]), int(schedstat[0]))
    return tasks


def proc_wchan(pid: int, tid: int) -> str:
    """Where in the kernel a thread sleeps (do_epoll_wait, futex_do_wait, poll_schedule_timeout...)."""
    try:
        return Path(f"/proc/{pid}/task/{tid}/wchan").read_text().strip() or "running"
    except OSError:
        return "?"


def proc_status_kib(pid: int, field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB$", Path(f"/proc/{pid}/status").read_text(), re.M)
    if match is None:
        sys.exit(f"bench: no {field} in /proc/{pid}/status")
    return int(match.group(1))
