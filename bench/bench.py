#!/usr/bin/env python3
"""Benchmark the release isconf binary against xmllint, the tool operators reach for today.

    python3 bench/bench.py [--quick] [--binary PATH]

Three questions, each answered with whole processes because that is how isconf is run
(from a shell, cron or CI), so process start-up is part of the cost being judged:

  1. One IS_HOME: is a full lint within 2.5x of merely checking the two files are
     well-formed with `xmllint --noout`?
  2. A fleet of 1,000 IS_HOMEs: is one isconf process at least 20x faster than the
     obvious shell loop of xmllint over the 2,000 files?
  3. Peak RSS: does linting one IS_HOME stay under 20 MiB?

Prints a table and writes bench/results.md, bench/results.json and, when README.md
holds the <!-- bench:start --> / <!-- bench:end --> markers, the table between them.
A missed target is reported, not fatal: shared machines are noisy and a red row is
more useful than a failed `make bench`. Only a missing binary or a run that did not
lint what it was given (wrong exit status, wrong file count) exits non-zero.

Standard library only, so it runs wherever the release binary is built.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
README = ROOT / "README.md"
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"

# Relative to ROOT (the working directory of every run), as in `make run`.
SAMPLE = "conf-samples/is-home"
SAMPLE_FILES = [
    f"{SAMPLE}/repository/conf/tomcat/catalina-server.xml",
    f"{SAMPLE}/repository/conf/security/authenticators.xml",
]

FLEET_HOMES = 1000
# The sample deliberately carries two errors, so 1 is isconf's healthy answer;
# 2 (unreadable input), 64 (usage) or a signal would mean we timed a failure.
LINT_OK = {0, 1}

# Targets from the project's performance brief.
TARGET_SINGLE_RATIO = 2.5  # isconf / xmllint, median wall time, one IS_HOME
TARGET_FLEET_SPEEDUP = 20.0  # xmllint loop / isconf, median wall time, 1,000 IS_HOMEs
TARGET_RSS_MIB = 20.0  # isconf peak RSS, one IS_HOME
# Readings this close to the RSS helper's own footprint (see RSS_HELPER) are only bounds.
RSS_FLOOR_SLACK_KIB = 512

# The loop an operator would write; the directory is passed as $1 so no path is
# ever spliced into shell source.
XMLLINT_LOOP = (
    'for f in "$1"/*/repository/conf/tomcat/catalina-server.xml'
    ' "$1"/*/repository/conf/security/authenticators.xml;'
    ' do xmllint --noout "$f"; done'
)


@dataclass
class Run:
    seconds: float
    status: int  # exit code, or -signal


@dataclass
class Row:
    measurement: str
    isconf: str
    reference: str
    ratio: str
    target: str
    met: bool | None  # None: reported for information, no target


def run_once(argv: list[str]) -> Run:
    """Spawn, wait and time one process, as a shell would."""
    start = time.perf_counter()
    status = subprocess.call(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Run(time.perf_counter() - start, status)


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


def interleave(a: list[str], b: list[str], pairs: int, warmup: int) -> tuple[list[Run], list[Run]]:
    """Run A, B, A, B, ... so that load spikes and frequency changes hit both alike.

    Warm-up runs bring both binaries, their shared libraries and the inputs into the
    page cache, so the first timed runs are not penalised for being first.
    """
    for _ in range(warmup):
        run_once(a)
        run_once(b)
    runs_a: list[Run] = []
    runs_b: list[Run] = []
    # A collection pause inside a timed window would land on one contender only.
    gc.disable()
    try:
        for _ in range(pairs):
            runs_a.append(run_once(a))
            runs_b.append(run_once(b))
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


def make_fleet(count: int) -> str:
    fleet = tempfile.mkdtemp(prefix="isconf-bench-")
    for i in range(count):
        shutil.copytree(ROOT / SAMPLE, Path(fleet) / f"home-{i:04d}")
    return fleet


def validate_fleet(binary: str, fleet: str, homes: int) -> None:
    """One untimed run, reading the report, to prove isconf linted every file.

    A discovery bug that skipped most homes would otherwise show up as a
    spectacular speed-up.
    """
    proc = subprocess.run(
        [binary, "lint", fleet, "--format", "text"], cwd=ROOT,
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    want = 2 * homes
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
    if proc.returncode != 1 or not re.search(rf"\bin {want} files\b", summary):
        sys.exit(
            f"bench: fleet lint did not cover the fleet: exit {proc.returncode} (expected 1), "
            f"summary {summary!r} (expected '... in {want} files ...')\n{proc.stderr.strip()}"
        )


def tool_version(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True)
    # xmllint prints its version on stderr; isconf on stdout.
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[0]


def static_stdlib(binary: str) -> tuple[bool, str]:
    """The release binary must run on an IS server with no Swift runtime installed."""
    proc = subprocess.run(["ldd", binary], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    swift_libs = sorted(set(re.findall(r"libswift\w*\.so", out)))
    if swift_libs:
        return False, "links " + ", ".join(swift_libs)
    if "not a dynamic executable" in out:
        return True, "fully static"
    return True, "no libswift*.so in ldd"


def fmt_ratio(x: float) -> str:
    # Two decimals even for large ratios, so 19.97× is not shown as a missed "20.0×".
    return f"{x:.2f}×"


def render_text(rows: list[Row]) -> str:
    head = ["measurement", "isconf", "reference", "ratio", "target", "met"]
    body = [[r.measurement, r.isconf, r.reference, r.ratio, r.target, met_word(r.met)] for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    fmt = lambda line: "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
    return "\n".join([fmt(head), fmt(["-" * w for w in widths]), *map(fmt, body)])


def render_markdown(rows: list[Row], meta: dict) -> str:
    lines = [
        "| measurement | isconf | reference | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
        *(f"| {r.measurement} | {r.isconf} | {r.reference} | {r.ratio} | {r.target} | {met_word(r.met)} |" for r in rows),
        "",
        f"Measured {meta['date']} on {meta['machine']}, {meta['nproc']} CPUs; "
        f"isconf {meta['isconf_version']}, {meta['xmllint_version']}. "
        f"Wall times are whole processes (spawn to reap), contenders interleaved run by run: "
        f"{meta['runs']['single_pairs']} pairs for one IS_HOME, {meta['runs']['fleet_pairs']} "
        f"for the fleet of {meta['runs']['fleet_homes']}. Reference is `xmllint --noout` on the same files "
        f"(for the fleet, a bash loop of one xmllint per file). "
        f"Peak RSS is the largest ru_maxrss over {meta['runs']['single_rss_runs']} runs "
        f"({meta['runs']['fleet_rss_runs']} for the fleet); \"≤\" marks a reading within the measuring "
        f"helper's own {meta['rss_floor_kib'] / 1024:.1f} MiB floor. "
        f"1-min load average before the run: {meta['loadavg_1min']}. "
        f"Regenerate with `make bench`.",
    ]
    return "\n".join(lines) + "\n"


def met_word(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "no")


def update_readme(table_md: str) -> bool:
    if not README.is_file():
        return False
    text = README.read_text(encoding="utf-8")
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start < 0 or end < start:
        return False
    new = text[: start + len(MARK_START)] + "\n" + table_md + text[end:]
    if new != text:
        README.write_text(new, encoding="utf-8")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="few runs, a smoke check; prints the table but writes no results")
    parser.add_argument("--binary", default=str(ROOT / ".build/release/isconf"),
                        help="isconf binary to measure (default: .build/release/isconf)")
    args = parser.parse_args()

    binary = str(Path(args.binary).resolve())
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench: no isconf binary at {binary}; run `make release` first (or pass --binary PATH)")
    if shutil.which("xmllint") is None:
        sys.exit("bench: xmllint not found; run scripts/setup.sh (it installs libxml2-utils)")

    # Even --quick keeps the full 1,000-home fleet: the speed-up depends on fleet size,
    # so a smaller one would not exercise the same thing.
    single_pairs, single_warmup = (30, 3) if args.quick else (300, 10)
    fleet_pairs, fleet_warmup = (2, 1) if args.quick else (7, 1)
    single_rss_runs, fleet_rss_runs = (3, 1) if args.quick else (10, 3)

    isconf_single = [binary, "lint", SAMPLE, "--format", "text"]
    xmllint_single = ["xmllint", "--noout", *SAMPLE_FILES]
    load_before = os.getloadavg()[0]

    print(f"bench: one IS_HOME, {single_pairs} interleaved pairs ...", flush=True)
    iso_1, xml_1 = interleave(isconf_single, xmllint_single, single_pairs, single_warmup)
    check_statuses("isconf (one IS_HOME)", iso_1, LINT_OK)
    check_statuses("xmllint (one IS_HOME)", xml_1, {0})

    print("bench: peak RSS ...", flush=True)
    floor = peak_rss_kib(["true"], 5, {0})
    rss_1 = peak_rss_kib(isconf_single, single_rss_runs, LINT_OK)
    rss_xml_1 = peak_rss_kib(xmllint_single, single_rss_runs, {0})

    print(f"bench: copying the sample into {FLEET_HOMES} IS_HOMEs ...", flush=True)
    fleet = make_fleet(FLEET_HOMES)
    try:
        validate_fleet(binary, fleet, FLEET_HOMES)
        print(f"bench: fleet of {FLEET_HOMES} IS_HOMEs, {fleet_pairs} interleaved pairs ...", flush=True)
        iso_n, xml_n = interleave(
            [binary, "lint", fleet, "--format", "text"],
            ["bash", "-c", XMLLINT_LOOP, "bash", fleet],
            fleet_pairs, fleet_warmup,
        )
        rss_n = peak_rss_kib([binary, "lint", fleet, "--format", "text"], fleet_rss_runs, {1})
    finally:
        shutil.rmtree(fleet, ignore_errors=True)
    check_statuses("isconf (fleet)", iso_n, {1})
    # The loop's status is the last xmllint's: a cheap check that the files stayed well-formed.
    check_statuses("xmllint loop (fleet)", xml_n, {0})

    is_static, static_note = static_stdlib(binary)
    size_bytes = os.path.getsize(binary)

    s_iso, s_xml = median_ms(iso_1), median_ms(xml_1)
    p_iso, p_xml = p90_ms(iso_1), p90_ms(xml_1)
    f_iso, f_xml = median_ms(iso_n), median_ms(xml_n)
    r_single, r_fleet = s_iso / s_xml, f_xml / f_iso

    # A reading within the helper's floor may be the helper's, not the tool's: show it as a bound.
    def rss_cell(kib: int) -> str:
        return f"{'≤ ' if kib <= floor + RSS_FLOOR_SLACK_KIB else ''}{kib / 1024:.1f} MiB"

    rss_ratio = rss_1 / rss_xml_1
    rss_ratio_cell = ("≥ " if rss_xml_1 <= floor + RSS_FLOOR_SLACK_KIB else "") + fmt_ratio(rss_ratio)

    rows = [
        Row("one IS_HOME, median wall", f"{s_iso:.2f} ms", f"{s_xml:.2f} ms", fmt_ratio(r_single),
            f"≤ {TARGET_SINGLE_RATIO}×", r_single <= TARGET_SINGLE_RATIO),
        Row("one IS_HOME, p90 wall", f"{p_iso:.2f} ms", f"{p_xml:.2f} ms", fmt_ratio(p_iso / p_xml), "—", None),
        Row(f"{FLEET_HOMES} IS_HOMEs, median wall (ratio: speed-up)", f"{f_iso:.0f} ms",
            f"{f_xml:.0f} ms (loop)", fmt_ratio(r_fleet), f"≥ {TARGET_FLEET_SPEEDUP:.0f}×",
            r_fleet >= TARGET_FLEET_SPEEDUP),
        Row("peak RSS, one IS_HOME", rss_cell(rss_1), rss_cell(rss_xml_1), rss_ratio_cell,
            f"≤ {TARGET_RSS_MIB:.0f} MiB", rss_1 / 1024 <= TARGET_RSS_MIB),
        Row(f"peak RSS, {FLEET_HOMES} IS_HOMEs", rss_cell(rss_n), "—", "—", "—", None),
        Row("binary size", f"{size_bytes / 2**20:.1f} MiB", "—", "—", "—", None),
        Row("Swift stdlib statically linked", "yes" if is_static else "no", "—", "—", "yes", is_static),
    ]

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": platform.machine(),
        "nproc": len(os.sched_getaffinity(0)),  # what `nproc` reports: CPUs this process may use
        # So a noisy result can be told from a regression. Taken before starting: during
        # the run the benchmark's own processes would be counted.
        "loadavg_1min": round(load_before, 2),
        "isconf_version": tool_version([binary, "--version"]),
        "xmllint_version": tool_version(["xmllint", "--version"]),
        # Relative when inside the checkout, so committed results do not carry a local path.
        "binary": os.path.relpath(binary, ROOT) if Path(binary).is_relative_to(ROOT) else binary,
        "mode": "quick" if args.quick else "full",
        "runs": {"single_pairs": single_pairs, "single_warmup": single_warmup,
                 "fleet_pairs": fleet_pairs, "fleet_warmup": fleet_warmup, "fleet_homes": FLEET_HOMES,
                 "single_rss_runs": single_rss_runs, "fleet_rss_runs": fleet_rss_runs},
        "rss_floor_kib": floor,
    }

    print()
    print(render_text(rows))
    print(f"\n{meta['date']}, {meta['machine']}, {meta['nproc']} CPUs, load {load_before:.2f} before, "
          f"isconf {meta['isconf_version']}, {meta['xmllint_version']}; ldd: {static_note}; "
          f"RSS helper floor {floor / 1024:.1f} MiB")

    if args.quick:
        # A handful of runs is too noisy to publish; keep the committed figures.
        print("bench: --quick, results files left untouched")
        return 0

    table_md = render_markdown(rows, meta)
    (BENCH_DIR / "results.md").write_text("# isconf benchmark\n\n" + table_md, encoding="utf-8")
    data = {
        **meta,
        "ldd": static_note,
        "raw": {  # numbers, so tooling need not parse the formatted cells
            "single": {"isconf_median_ms": s_iso, "xmllint_median_ms": s_xml, "isconf_p90_ms": p_iso,
                       "xmllint_p90_ms": p_xml, "ratio": r_single, "target_max_ratio": TARGET_SINGLE_RATIO},
            "fleet": {"isconf_median_ms": f_iso, "xmllint_loop_median_ms": f_xml, "speedup": r_fleet,
                      "target_min_speedup": TARGET_FLEET_SPEEDUP},
            "rss": {"isconf_single_peak_kib": rss_1, "xmllint_single_peak_kib": rss_xml_1,
                    "isconf_fleet_peak_kib": rss_n, "target_max_mib": TARGET_RSS_MIB},
            "binary": {"size_bytes": size_bytes, "static_swift_stdlib": is_static},
        },
        "measurements": [asdict(r) for r in rows],
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = update_readme(table_md)
    print("bench: wrote bench/results.md, bench/results.json"
          + (", README.md bench section" if readme else " (README.md has no bench markers; left alone)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
