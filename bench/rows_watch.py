"""`isconf watch`, the daemon: how fast it undoes drift, what it costs while nothing happens, and how
much memory it holds for a large fleet. It runs for as long as the server does, so these are
measured on a running process (its /proc entries), not on whole runs like the one-shot rows."""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .daemon import SAVE_STYLES, WatchDaemon, log_time, save_in_place, wait_for_content
from .fixtures import make_homes
from .measure import p99
from .procfs import TaskSample, proc_cpu_ticks, proc_status_kib, proc_tasks, proc_wchan
from .report import Row
from .settings import (CATALINA, ROOT, SAMPLE, TARGET_WATCH_RSS_MIB, TARGET_WATCH_SLACK_MS, WATCH_DEBOUNCE_MS,
                       WATCH_EDITS, WATCH_FLEET_EDITED, WATCH_FLEET_HOMES, WATCH_IDLE_SECONDS)


def watch_latency(binary: str, scratch: str, name: str, edits: int, debounce_ms: int, backup: bool) -> dict:
    """Drift → corrected: an editor saves catalina-server.xml with clientAuth="false" again; how long
    until the corrected file is on disk. One edit at a time, alternating the two save styles; the
    next edit waits for the correction. The daemon's own JSON "corrected" lines cross-check it."""
    home = Path(scratch) / name
    shutil.copytree(ROOT / SAMPLE, home)
    path = home / CATALINA
    drifted = (ROOT / SAMPLE / CATALINA).read_bytes()
    if b'clientAuth="false"' not in drifted:
        sys.exit(f"bench: {SAMPLE}/{CATALINA} no longer holds clientAuth=\"false\"; the watch benchmark needs it")
    args = ["--debounce-ms", str(debounce_ms), *([] if backup else ["--no-backup"]), str(home)]
    latencies: dict[str, list[float]] = {style: [] for style, _ in SAVE_STYLES}
    ordered: list[float] = []
    written_at: list[float] = []  # time.time() of each save, for the log cross-check
    with WatchDaemon(binary, args, scratch, name) as daemon:
        daemon.start()
        corrected = path.read_bytes()  # the start-up check corrected it before READY=1
        if b'clientAuth="want"' not in corrected:
            daemon.fail(f"was READY with {path} not corrected")
        time.sleep(debounce_ms / 1000 + 0.05)  # its re-check of its own rename, so edit 1 starts from quiet
        gc.disable()
        try:
            for i in range(edits):
                style, save = SAVE_STYLES[i % 2]
                save(path, drifted)
                t0 = time.monotonic()
                written_at.append(time.time())
                t1 = wait_for_content(path, corrected, timeout=5 + debounce_ms / 1000)
                if t1 is None:
                    daemon.fail(f"did not correct edit {i + 1} ({style}) within {5 + debounce_ms / 1000:.1f} s")
                latencies[style].append((t1 - t0) * 1000)
                ordered.append((t1 - t0) * 1000)
                # Edits arrive at no fixed phase of anything periodic the daemon might do.
                time.sleep(random.uniform(0.002, 0.02))
        finally:
            gc.enable()
        time.sleep(debounce_ms / 1000 + 0.05)  # let its re-check of its last write finish before stopping
        daemon.stop_checked()
        events = daemon.log()
    fixes = [e for e in events if e.get("message") == "corrected" and e.get("file") == str(path)]
    changes = [e for e in fixes if e.get("reason") == "change"]
    errors = [e for e in events if e.get("level") in ("error", "critical", "unparsed")]
    # With no debounce the daemon may read an in-place save between its truncation and its write:
    # it reports the empty file ("cannot check") and corrects on the write's event. That is what
    # the debounce is for, so only then is an error expected; it is counted, not fatal.
    half_read = [e for e in errors if debounce_ms == 0 and str(e.get("message", "")).startswith("cannot ")]
    errors = [e for e in errors if e not in half_read]
    if len(changes) != edits or errors:
        sys.exit(f"bench: isconf watch ({name}) logged {len(changes)} corrections of {edits} edits"
                 f"{' and errors: ' + json.dumps(errors[:3]) if errors else ''}; its log is {daemon.log_path}")
    if backup and not all(e.get("backup") for e in changes):
        sys.exit(f"bench: isconf watch ({name}) corrected without a backup although backups were on")
    # Log time (written after the rename, truncated to the millisecond) minus the save's wall time.
    by_log = [(log_time(e["time"]) - w) * 1000 for e, w in zip(changes, written_at)]
    return {
        "edits": edits, "debounce_ms": debounce_ms, "backup": backup,
        "p50_ms": statistics.median(ordered), "p99_ms": p99(ordered), "max_ms": max(ordered),
        "by_style": {style: {"edits": len(v), "p50_ms": statistics.median(v), "p99_ms": p99(v)}
                     for style, v in latencies.items()},
        "log_p50_ms": statistics.median(by_log), "log_p99_ms": p99(by_log), "half_written_reads": len(half_read),
        "check_took_p50_ms": statistics.median(float(e.get("took_ms", 0)) for e in changes),
        "check_took_p99_ms": p99([float(e.get("took_ms", 0)) for e in changes]),
    }


def watch_idle(binary: str, scratch: str, seconds: float, settle: float) -> dict[str, dict]:
    """Idle cost: CPU ticks and wake-ups over `seconds` with nothing changing, with and without the
    metrics server. The two daemons watch their own IS_HOMEs and are measured over the same window.

    A wake-up is a voluntary context switch (a thread that wakes and sleeps again adds one), summed
    over the threads, plus one per thread that exits in the window: its last wake-up is never
    counted, the thread is gone. /proc is read once a second, so a thread that comes and goes
    within the window is still seen; reading /proc never wakes the daemon."""
    configs = {"plain": [], "metrics": ["--metrics-listen", "0"]}
    daemons: dict[str, WatchDaemon] = {}
    try:
        for key, extra in configs.items():
            home = Path(scratch) / f"idle-{key}"
            shutil.copytree(ROOT / SAMPLE, home)
            daemons[key] = WatchDaemon(binary, [*extra, str(home)], scratch, f"idle-{key}").start()
        time.sleep(settle)
        load = os.getloadavg()[0]
        first = {key: proc_tasks(d.pid) for key, d in daemons.items()}
        last = {key: dict(tasks) for key, tasks in first.items()}
        born: dict[str, set[int]] = {key: set() for key in daemons}
        ticks0 = {key: proc_cpu_ticks(d.pid) for key, d in daemons.items()}
        start = time.monotonic()
        while (left := start + seconds - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
            for key, d in daemons.items():
                if d.proc.poll() is not None:
                    d.fail("exited while idle")
                for tid, sample in proc_tasks(d.pid).items():
                    if tid not in first[key]:
                        born[key].add(tid)
                    last[key][tid] = sample
        ticks1 = {key: proc_cpu_ticks(d.pid) for key, d in daemons.items()}
        elapsed = time.monotonic() - start
        result = {}
        for key, d in daemons.items():
            final = proc_tasks(d.pid)
            threads = []
            for tid, sample in last[key].items():
                before = first[key].get(tid, TaskSample(sample.comm, 0, 0, 0))  # born in the window: all of it
                threads.append({"tid": tid, "comm": sample.comm, "voluntary": sample.voluntary - before.voluntary,
                                "involuntary": sample.involuntary - before.involuntary,
                                "cpu_us": (sample.cpu_ns - before.cpu_ns) / 1000,
                                "born": tid in born[key], "exited": tid not in final,
                                "wchan": proc_wchan(d.pid, tid) if tid in final else "exited"})
            exits = sum(t["exited"] for t in threads)
            result[key] = {
                "seconds": elapsed, "settle_seconds": settle, "loadavg_1min": round(load, 2),
                "cpu_ticks": ticks1[key] - ticks0[key], "clock_ticks_per_second": os.sysconf("SC_CLK_TCK"),
                "voluntary_ctxt_switches": sum(t["voluntary"] for t in threads),
                "involuntary_ctxt_switches": sum(t["involuntary"] for t in threads),
                "thread_exits": exits, "wakeups": sum(t["voluntary"] for t in threads) + exits,
                "cpu_us_schedstat": sum(t["cpu_us"] for t in threads),
                "threads": len(first[key]), "woken": [t for t in threads if t["voluntary"] or t["born"] or t["exited"]],
            }
        # Only now, after the window: the metrics server must really be serving.
        listening = daemons["metrics"].first_event("metrics listening")
        port = listening.get("listen", "").rsplit(":", 1)[-1] if listening else None
        if not port:
            daemons["metrics"].fail("logged no 'metrics listening' line")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            if b"isconf_checks_total" not in response.read():
                daemons["metrics"].fail("served /metrics without isconf_checks_total")
        for d in daemons.values():
            d.stop_checked()
        return result
    finally:
        for d in daemons.values():
            d.stop()


def watch_fleet_rss(binary: str, scratch: str, homes: int, edited: int) -> dict:
    """Peak RSS (VmHWM) watching a folder of `homes` IS_HOMEs, with default options (backups on):
    once READY (every file checked, and all of them corrected, at start) and again after `edited`
    homes were drifted and corrected."""
    fleet = Path(scratch) / "fleet"
    paths = make_homes(str(fleet), "home", homes)
    drifted = (ROOT / SAMPLE / CATALINA).read_bytes()
    with WatchDaemon(binary, [str(fleet)], scratch, "fleet") as daemon:
        started = time.monotonic()
        daemon.start(timeout=120)
        ready_s = time.monotonic() - started
        hwm_ready = proc_status_kib(daemon.pid, "VmHWM")
        targets = [Path(p) / CATALINA for p in paths[:: max(1, homes // edited)][:edited]]
        corrected = targets[0].read_bytes()
        if b'clientAuth="want"' not in corrected:
            daemon.fail(f"was READY with {targets[0]} not corrected")
        for path in targets:
            save_in_place(path, drifted)
        for path in targets:
            if wait_for_content(path, corrected, timeout=10) is None:
                daemon.fail(f"did not correct {path} within 10 s")
        time.sleep(0.3)  # its re-checks of its own writes
        hwm_edited = proc_status_kib(daemon.pid, "VmHWM")
        rss_now = proc_status_kib(daemon.pid, "VmRSS")
        threads = len(os.listdir(f"/proc/{daemon.pid}/task"))
        daemon.stop_checked()
        watching = daemon.first_event("watching") or {}
    if watching.get("files") != 2 * homes:
        sys.exit(f"bench: isconf watch (fleet) watched {watching.get('files')} files, expected {2 * homes}")
    return {"homes": homes, "edited": edited, "ready_seconds": ready_s, "vmhwm_ready_kib": hwm_ready,
            "vmhwm_after_edits_kib": hwm_edited, "vmrss_after_edits_kib": rss_now, "threads": threads}


def bench_watch(binary: str, quick: bool) -> dict:
    """All the daemon's measurements, one bench at a time (the two idle daemons side by side), each
    daemon on its own fresh copies of the sample in a scratch folder removed at the end."""
    edits = 20 if quick else WATCH_EDITS
    idle_s, settle_s = (5.0, 1.0) if quick else (WATCH_IDLE_SECONDS, 1.0)
    scratch = tempfile.mkdtemp(prefix="isconf-bench-watch-")
    try:
        out = {"loadavg_1min_before": round(os.getloadavg()[0], 2)}
        print(f"bench: watch, idle for {idle_s:.0f} s (with and without --metrics-listen) ...", flush=True)
        out["idle"] = watch_idle(binary, scratch, idle_s, settle_s)
        print(f"bench: watch, drift → corrected, {edits} edits, --debounce-ms {WATCH_DEBOUNCE_MS} --no-backup ...",
              flush=True)
        out["latency"] = watch_latency(binary, scratch, "latency", edits, WATCH_DEBOUNCE_MS, backup=False)
        print(f"bench: watch, drift → corrected, {edits} edits, with backups ...", flush=True)
        out["latency_backup"] = watch_latency(binary, scratch, "latency-backup", edits, WATCH_DEBOUNCE_MS, backup=True)
        print(f"bench: watch, drift → corrected, {edits} edits, --debounce-ms 0 ...", flush=True)
        out["latency_d0"] = watch_latency(binary, scratch, "latency-d0", edits, 0, backup=False)
        print(f"bench: watch, peak RSS over {WATCH_FLEET_HOMES} IS_HOMEs ...", flush=True)
        out["fleet_rss"] = watch_fleet_rss(binary, scratch, WATCH_FLEET_HOMES, WATCH_FLEET_EDITED)
        out["loadavg_1min_after"] = round(os.getloadavg()[0], 2)
        return out
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def watch_rows(w: dict) -> list[Row]:
    lat, bak, d0, idle, rss = w["latency"], w["latency_backup"], w["latency_d0"], w["idle"], w["fleet_rss"]
    target_ms = WATCH_DEBOUNCE_MS + TARGET_WATCH_SLACK_MS

    def woken(i: dict) -> str:
        parts = [f"thread {t['comm']!r} in {t['wchan']}: {t['voluntary']}, {t['voluntary'] / i['seconds']:.1f}/s"
                 for t in i["woken"] if t["voluntary"]]
        if i["thread_exits"]:
            parts.append(f"{i['thread_exits']} thread exit{'s' if i['thread_exits'] > 1 else ''}")
        return "; ".join(parts)

    saves = f"{lat['edits']} saves, --no-backup"
    rows = [
        Row(f"watch: drift → corrected, p50 ({saves})", f"{lat['p50_ms']:.1f} ms", "—", "—", "—", None),
        Row(f"watch: drift → corrected, p99 ({saves})", f"{lat['p99_ms']:.1f} ms", "—", "—",
            f"≤ {target_ms} ms (debounce {WATCH_DEBOUNCE_MS} + {TARGET_WATCH_SLACK_MS})", lat["p99_ms"] <= target_ms),
        Row("watch: drift → corrected with backups, p50 / p99", f"{bak['p50_ms']:.1f} / {bak['p99_ms']:.1f} ms",
            "—", "—", f"p99 ≤ {target_ms} ms", bak["p99_ms"] <= target_ms),
        Row("watch: drift → corrected, --debounce-ms 0, p50 / p99", f"{d0['p50_ms']:.1f} / {d0['p99_ms']:.1f} ms",
            "—", "—", "—", None),
    ]
    for key, label in (("plain", "watch: idle"), ("metrics", "watch: idle, --metrics-listen")):
        i = idle[key]
        ticks = f"{i['cpu_ticks']} tick{'' if i['cpu_ticks'] == 1 else 's'}"
        rows.append(Row(f"{label} {i['seconds']:.0f} s, CPU", f"{ticks} ({i['cpu_us_schedstat'] / 1000:.2f} ms)",
                        "—", "—", "0 ticks", i["cpu_ticks"] == 0))
        wakeups = f"{i['wakeups']}" + (f" ({woken(i)})" if woken(i) else "")
        rows.append(Row(f"{label} {i['seconds']:.0f} s, wake-ups", wakeups, "—", "—", "0", i["wakeups"] == 0))
    hwm = max(rss["vmhwm_ready_kib"], rss["vmhwm_after_edits_kib"])
    rows.append(Row(f"watch: peak RSS (VmHWM), {rss['homes']} IS_HOMEs", f"{hwm / 1024:.1f} MiB", "—", "—",
                    f"≤ {TARGET_WATCH_RSS_MIB:.0f} MiB", hwm / 1024 <= TARGET_WATCH_RSS_MIB))
    return rows


def watch_summary(w: dict) -> str:
    """The details behind the watch rows, for the console: per save style, the log cross-check, who woke."""
    lines = [f"isconf watch (load {w['loadavg_1min_before']:.2f} before, {w['loadavg_1min_after']:.2f} after):"]
    for key, label in (("latency", "--no-backup"), ("latency_backup", "backups"), ("latency_d0", "--debounce-ms 0")):
        l = w[key]
        styles = "; ".join(f"{style} p50 {v['p50_ms']:.1f} / p99 {v['p99_ms']:.1f}"
                           for style, v in l["by_style"].items())
        lines.append(f"  drift → corrected, {label}: p50 {l['p50_ms']:.1f} / p99 {l['p99_ms']:.1f} / max "
                     f"{l['max_ms']:.1f} ms ({styles}); daemon log says p50 {l['log_p50_ms']:.1f} / p99 "
                     f"{l['log_p99_ms']:.1f} ms, check itself p50 {l['check_took_p50_ms']:.2f} / p99 "
                     f"{l['check_took_p99_ms']:.2f} ms"
                     + (f"; {l['half_written_reads']} half-written reads" if l.get("half_written_reads") else ""))
    for key, i in w["idle"].items():
        who = ", ".join(f"tid {t['tid']} {t['comm']!r} ({t['wchan']}) +{t['voluntary']}, {t['cpu_us']:.0f} µs"
                        + (" born in the window" if t["born"] else "") for t in i["woken"]) or "no thread"
        lines.append(f"  idle {key}: {i['seconds']:.1f} s, {i['cpu_ticks']} ticks ({i['cpu_us_schedstat']:.0f} µs "
                     f"on CPU by schedstat), {i['wakeups']} wake-ups ({i['voluntary_ctxt_switches']} voluntary "
                     f"switches + {i['thread_exits']} thread exits; {i['involuntary_ctxt_switches']} involuntary) "
                     f"over {i['threads']} threads; woke: {who}; load {i['loadavg_1min']:.2f}")
    r = w["fleet_rss"]
    lines.append(f"  {r['homes']} IS_HOMEs: READY after {r['ready_seconds']:.2f} s, VmHWM "
                 f"{r['vmhwm_ready_kib'] / 1024:.1f} MiB at READY, {r['vmhwm_after_edits_kib'] / 1024:.1f} MiB after "
                 f"{r['edited']} corrections (VmRSS {r['vmrss_after_edits_kib'] / 1024:.1f} MiB), "
                 f"{r['threads']} threads")
    return "\n".join(lines)
