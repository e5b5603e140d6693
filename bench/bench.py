#!/usr/bin/env python3
"""Benchmark the release isconf binary against xmllint and xmlstarlet, the tools operators reach for today.

    python3 bench/bench.py [--quick] [--binary PATH]

Four questions, each answered with whole processes because that is how isconf is run
(from a shell, cron or CI), so process start-up is part of the cost being judged:

  1. One IS_HOME: is a full lint within 2.5x of merely checking the two files are
     well-formed with `xmllint --noout`?
  2. Enabling mutual SSL on one kernel-style IS_HOME: is `isconf enable --no-backup`
     within 2.0x of `xmlstarlet ed -L` making the same two edits, and does isconf change
     the fewest lines (1 in catalina-server.xml, 2 in authenticators.xml)?
  3. A fleet of 1,000 IS_HOMEs: is one isconf process at least 20x faster than the
     obvious shell loop of xmllint over the 2,000 files?
  4. Peak RSS: does linting one IS_HOME stay under 20 MiB?

Prints a table and writes bench/results.md, bench/results.json and, when README.md
holds the <!-- bench:start --> / <!-- bench:end --> markers, the table between them.
A missed target is reported, not fatal: shared machines are noisy and a red row is
more useful than a failed `make bench`. Only a missing binary or tool, or a run that did
not do what it was given (wrong exit status, wrong file count, an enable run whose files
differ from the checked result) exits non-zero.

Standard library only, so it runs wherever the release binary is built. It needs xmllint
(scripts/setup.sh installs it) and xmlstarlet, which it installs itself with apt-get when
missing and run as root; otherwise it says to run `apt-get install xmlstarlet`.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
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
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
README = ROOT / "README.md"
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"

# Relative to ROOT (the working directory of every run), as in `make run`.
SAMPLE = "conf-samples/is-home"
CATALINA = "repository/conf/tomcat/catalina-server.xml"
AUTHENTICATORS = "repository/conf/security/authenticators.xml"
SAMPLE_FILES = [f"{SAMPLE}/{CATALINA}", f"{SAMPLE}/{AUTHENTICATORS}"]

FLEET_HOMES = 1000
# The sample deliberately carries two errors, so 1 is isconf's healthy answer;
# 2 (unreadable input), 64 (usage) or a signal would mean we timed a failure.
LINT_OK = {0, 1}

# Targets from the project's performance brief.
TARGET_SINGLE_RATIO = 2.5  # isconf / xmllint, median wall time, one IS_HOME
TARGET_FLEET_SPEEDUP = 20.0  # xmllint loop / isconf, median wall time, 1,000 IS_HOMEs
TARGET_RSS_MIB = 20.0  # isconf peak RSS, one IS_HOME
TARGET_ENABLE_RATIO = 2.0  # isconf enable / xmlstarlet ed -L, median wall time, one IS_HOME
# The fewest lines the two edits can touch: clientAuth's line, and the two lines that hold
# the comment's delimiters. isconf must hit these, and touch no more than xmlstarlet.
MIN_CHANGED_LINES = {CATALINA: 1, AUTHENTICATORS: 2}
# Readings this close to the RSS helper's own footprint (see RSS_HELPER) are only bounds.
RSS_FLOOR_SLACK_KIB = 512

# The loop an operator would write; the directory is passed as $1 so no path is
# ever spliced into shell source.
XMLLINT_LOOP = (
    'for f in "$1"/*/repository/conf/tomcat/catalina-server.xml'
    ' "$1"/*/repository/conf/security/authenticators.xml;'
    ' do xmllint --noout "$f"; done'
)

AUTH_NS = "http://wso2.org/projects/carbon/authenticators.xml"


def xmlstarlet_enable(home: str) -> list[list[str]]:
    """The same two edits as `isconf enable`, the way an operator would script them with
    xmlstarlet: one in-place edit per file, run one after the other.

    xmlstarlet cannot uncomment a comment, so in authenticators.xml it does the equivalent:
    it appends the element the comment holds (Priority 5, the three Config parameters) to
    the root. New elements carry no namespace of their own and so serialise unprefixed, in
    the document's default namespace; `$prev` and `--var` address the node just added.
    """
    return [
        ["xmlstarlet", "ed", "-L", "-u", '//Connector[@port="9443"]/@clientAuth', "-v", "want",
         f"{home}/{CATALINA}"],
        ["xmlstarlet", "ed", "-L", "-N", f"a={AUTH_NS}",
         "-s", "/a:Authenticators", "-t", "elem", "-n", "Authenticator", "-v", "", "--var", "auth", "$prev",
         "-s", "$auth", "-t", "attr", "-n", "name", "-v", "MutualSSLAuthenticator",
         "-s", "$auth", "-t", "attr", "-n", "disabled", "-v", "false",
         "-s", "$auth", "-t", "elem", "-n", "Priority", "-v", "5",
         "-s", "$auth", "-t", "elem", "-n", "Config", "-v", "", "--var", "config", "$prev",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "UserName",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "UsernameHeader",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "false",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "WhiteListEnabled",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "WhiteList",
         f"{home}/{AUTHENTICATORS}"],
    ]


def isconf_enable(binary: str, home: str) -> list[list[str]]:
    return [[binary, "enable", "--no-backup", home]]


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


def make_fleet(count: int) -> str:
    fleet = tempfile.mkdtemp(prefix="isconf-bench-")
    for i in range(count):
        shutil.copytree(ROOT / SAMPLE, Path(fleet) / f"home-{i:04d}")
    return fleet


def make_homes(parent: str, prefix: str, count: int) -> list[str]:
    """Fresh copies of the sample IS_HOME, one per run that edits, made before any timing."""
    homes = [str(Path(parent) / f"{prefix}-{i:04d}") for i in range(count)]
    for home in homes:
        shutil.copytree(ROOT / SAMPLE, home)
    return homes


@dataclass
class LineChanges:
    changed: int  # a side-by-side diff's differing lines: per changed block, the longer side
    removed: int  # a unified diff's "-" lines
    added: int  # and its "+" lines

    def cell(self) -> str:
        return f"{self.changed} (−{self.removed}/+{self.added})"


def line_changes(old: bytes, new: bytes) -> LineChanges:
    """How many lines an edit touched, as diff counts them (line endings included)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    changed = removed = added = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed += max(i2 - i1, j2 - j1)
            removed += i2 - i1
            added += j2 - j1
    return LineChanges(changed, removed, added)


def lint_findings(binary: str, home: str) -> tuple[int, list[tuple[str, str, str]]]:
    """Errors and findings (rule, severity, file name) of an edited IS_HOME, from isconf's JSON."""
    proc = subprocess.run([binary, "lint", home, "--format", "json"], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode not in LINT_OK:
        sys.exit(f"bench: isconf lint of the edited {home} exited {proc.returncode}\n{proc.stderr.strip()}")
    report = json.loads(proc.stdout)
    findings = sorted((f["rule"], f["severity"], Path(f["file"]).name) for f in report["findings"])
    return report["summary"]["errors"], findings


def validate_enable(binary: str, iso_home: str, xml_home: str) -> dict[str, tuple[LineChanges, LineChanges]]:
    """One untimed run of each contender, to prove both did the whole job, and the same one.

    Both must exit 0 and leave an IS_HOME that isconf lints with no error and the same
    findings (the whitelist-off warning: both enable it as the kernel's comment has it).
    Returns the changed lines per file, isconf's then xmlstarlet's.
    """
    for name, job in (("isconf enable", isconf_enable(binary, iso_home)), ("xmlstarlet", xmlstarlet_enable(xml_home))):
        for argv in job:
            proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"bench: {name} exited {proc.returncode} on a fresh IS_HOME\n{proc.stderr.strip()}")
    iso_lint, xml_lint = lint_findings(binary, iso_home), lint_findings(binary, xml_home)
    if iso_lint[0] != 0 or iso_lint != xml_lint:
        sys.exit(f"bench: the two enabled IS_HOMEs do not lint alike (errors, findings): "
                 f"isconf {iso_lint}, xmlstarlet {xml_lint}; the comparison would be unfair")
    changes = {}
    for rel in (CATALINA, AUTHENTICATORS):
        old = (ROOT / SAMPLE / rel).read_bytes()
        changes[rel] = (line_changes(old, (Path(iso_home) / rel).read_bytes()),
                        line_changes(old, (Path(xml_home) / rel).read_bytes()))
    return changes


def check_all_edited(name: str, reference: str, homes: list[str]) -> None:
    """Every run's copy must end byte-identical to the validated result: no run did less."""
    for rel in (CATALINA, AUTHENTICATORS):
        want = (Path(reference) / rel).read_bytes()
        bad = [home for home in homes if (Path(home) / rel).read_bytes() != want]
        if bad:
            sys.exit(f"bench: {name} left {len(bad)} of {len(homes)} copies of {rel} unlike its validated result "
                     f"(first: {bad[0]}); timings would be meaningless")


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


def ensure_xmlstarlet() -> None:
    """Install xmlstarlet (the enable benchmark's reference) when missing, as the project's
    files install what they need; without root, say what to run instead."""
    if shutil.which("xmlstarlet"):
        return
    hint = "run `apt-get install xmlstarlet` (as root), then run the benchmark again"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(f"bench: xmlstarlet not found; {hint}")
    print("bench: xmlstarlet not found; installing it with apt-get (apt-get update first) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "xmlstarlet"]):
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: `{' '.join(argv)}` failed (exit {proc.returncode}); {hint}\n{proc.stderr.strip()}")
    if shutil.which("xmlstarlet") is None:
        sys.exit(f"bench: apt-get installed xmlstarlet but it is not on PATH; {hint}")


def tool_version(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True)
    # xmllint prints its version on stderr; isconf and xmlstarlet on stdout.
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


def fmt_ratio(x: float, target: float | None = None) -> str:
    # Two decimals even for large ratios, so 19.97× is not shown as a missed "20.0×"; three
    # when two would round onto the target, so 2.505× is not shown as a missed "2.50×".
    if target is not None and x != target and f"{x:.2f}" == f"{target:.2f}":
        return f"{x:.3f}×"
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
        f"isconf {meta['isconf_version']}, {meta['xmllint_version']}, {meta['xmlstarlet_version']}. "
        f"Wall times are whole processes (spawn to reap), contenders interleaved run by run: "
        f"{meta['runs']['single_pairs']} pairs for one IS_HOME, {meta['runs']['enable_pairs']} for enable, "
        f"{meta['runs']['fleet_pairs']} for the fleet of {meta['runs']['fleet_homes']}. "
        f"Reference is `xmllint --noout` on the same files (for the fleet, a bash loop of one xmllint per file). "
        f"Enable is `isconf enable --no-backup HOME` against two `xmlstarlet ed -L` processes making the same "
        f"edits ({meta['xmlstarlet_version']}: clientAuth=\"want\"; the MutualSSLAuthenticator element appended, "
        f"as xmlstarlet cannot uncomment), each run on its own fresh copy of `{SAMPLE}`; isconf's time includes "
        f"its crash-safe writes (fsync of each file and its folder), xmlstarlet rewrites in place without fsync. "
        f"Changed lines: per differing block of a line diff against the original, the longer side "
        f"(−removed/+added lines of a unified diff). "
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
    ensure_xmlstarlet()

    # Even --quick keeps the full 1,000-home fleet: the speed-up depends on fleet size,
    # so a smaller one would not exercise the same thing.
    single_pairs, single_warmup = (30, 3) if args.quick else (300, 10)
    enable_pairs, enable_warmup = (30, 3) if args.quick else (300, 10)
    fleet_pairs, fleet_warmup = (2, 1) if args.quick else (7, 1)
    single_rss_runs, fleet_rss_runs = (3, 1) if args.quick else (10, 3)

    isconf_single = [binary, "lint", SAMPLE, "--format", "text"]
    xmllint_single = ["xmllint", "--noout", *SAMPLE_FILES]
    load_before = os.getloadavg()[0]

    print(f"bench: one IS_HOME, {single_pairs} interleaved pairs ...", flush=True)
    iso_1, xml_1 = interleave(same_job(isconf_single), same_job(xmllint_single), single_pairs, single_warmup)
    check_statuses("isconf (one IS_HOME)", iso_1, LINT_OK)
    check_statuses("xmllint (one IS_HOME)", xml_1, {0})

    # Each enable run edits, so each gets its own fresh copy, all made (and synced, so their
    # write-back is not charged to the first timed fsync) before timing starts.
    enable_runs = enable_warmup + enable_pairs
    print(f"bench: copying the sample into {2 * (enable_runs + 1)} IS_HOMEs to enable ...", flush=True)
    scratch = tempfile.mkdtemp(prefix="isconf-bench-enable-")
    try:
        iso_homes = make_homes(scratch, "isconf", enable_runs + 1)
        xml_homes = make_homes(scratch, "xmlstarlet", enable_runs + 1)
        os.sync()
        # Copy 0 of each is the untimed check run; the others are the warm-ups, then the pairs.
        changes = validate_enable(binary, iso_homes[0], xml_homes[0])
        print(f"bench: enable on one IS_HOME, {enable_pairs} interleaved pairs ...", flush=True)
        iso_e, xml_e = interleave(lambda i: isconf_enable(binary, iso_homes[i + 1]),
                                  lambda i: xmlstarlet_enable(xml_homes[i + 1]), enable_pairs, enable_warmup)
        check_statuses("isconf enable (one IS_HOME)", iso_e, {0})
        check_statuses("xmlstarlet ed -L (one IS_HOME)", xml_e, {0})
        check_all_edited("isconf enable", iso_homes[0], iso_homes[1:])
        check_all_edited("xmlstarlet", xml_homes[0], xml_homes[1:])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

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
            same_job([binary, "lint", fleet, "--format", "text"]),
            same_job(["bash", "-c", XMLLINT_LOOP, "bash", fleet]),
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
    e_iso, e_xml = median_ms(iso_e), median_ms(xml_e)
    ep_iso, ep_xml = p90_ms(iso_e), p90_ms(xml_e)
    r_enable = e_iso / e_xml

    # A reading within the helper's floor may be the helper's, not the tool's: show it as a bound.
    def rss_cell(kib: int) -> str:
        return f"{'≤ ' if kib <= floor + RSS_FLOOR_SLACK_KIB else ''}{kib / 1024:.1f} MiB"

    rss_ratio = rss_1 / rss_xml_1
    rss_ratio_cell = ("≥ " if rss_xml_1 <= floor + RSS_FLOOR_SLACK_KIB else "") + fmt_ratio(rss_ratio)

    rows = [
        Row("lint one IS_HOME, median wall", f"{s_iso:.2f} ms", f"{s_xml:.2f} ms", fmt_ratio(r_single, TARGET_SINGLE_RATIO),
            f"≤ {TARGET_SINGLE_RATIO}×", r_single <= TARGET_SINGLE_RATIO),
        Row("lint one IS_HOME, p90 wall", f"{p_iso:.2f} ms", f"{p_xml:.2f} ms", fmt_ratio(p_iso / p_xml), "—", None),
        Row("enable one IS_HOME, median wall", f"{e_iso:.2f} ms", f"{e_xml:.2f} ms (xmlstarlet)",
            fmt_ratio(r_enable, TARGET_ENABLE_RATIO), f"≤ {TARGET_ENABLE_RATIO}×", r_enable <= TARGET_ENABLE_RATIO),
        Row("enable one IS_HOME, p90 wall", f"{ep_iso:.2f} ms", f"{ep_xml:.2f} ms (xmlstarlet)",
            fmt_ratio(ep_iso / ep_xml), "—", None),
        *(Row(f"enable, changed lines in {Path(rel).name}", iso.cell(), f"{xml.cell()} (xmlstarlet)", "—",
              f"{MIN_CHANGED_LINES[rel]}, the fewest",
              iso.changed == MIN_CHANGED_LINES[rel] and iso.changed <= xml.changed)
          for rel, (iso, xml) in changes.items()),
        Row(f"lint {FLEET_HOMES} IS_HOMEs, median wall (ratio: speed-up)", f"{f_iso:.0f} ms",
            f"{f_xml:.0f} ms (loop)", fmt_ratio(r_fleet, TARGET_FLEET_SPEEDUP), f"≥ {TARGET_FLEET_SPEEDUP:.0f}×",
            r_fleet >= TARGET_FLEET_SPEEDUP),
        Row("peak RSS, lint one IS_HOME", rss_cell(rss_1), rss_cell(rss_xml_1), rss_ratio_cell,
            f"≤ {TARGET_RSS_MIB:.0f} MiB", rss_1 / 1024 <= TARGET_RSS_MIB),
        Row(f"peak RSS, lint {FLEET_HOMES} IS_HOMEs", rss_cell(rss_n), "—", "—", "—", None),
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
        "xmlstarlet_version": "xmlstarlet " + tool_version(["xmlstarlet", "--version"]),
        # Relative when inside the checkout, so committed results do not carry a local path.
        "binary": os.path.relpath(binary, ROOT) if Path(binary).is_relative_to(ROOT) else binary,
        "mode": "quick" if args.quick else "full",
        "runs": {"single_pairs": single_pairs, "single_warmup": single_warmup,
                 "enable_pairs": enable_pairs, "enable_warmup": enable_warmup,
                 "fleet_pairs": fleet_pairs, "fleet_warmup": fleet_warmup, "fleet_homes": FLEET_HOMES,
                 "single_rss_runs": single_rss_runs, "fleet_rss_runs": fleet_rss_runs},
        "rss_floor_kib": floor,
    }

    print()
    print(render_text(rows))
    print(f"\n{meta['date']}, {meta['machine']}, {meta['nproc']} CPUs, load {load_before:.2f} before, "
          f"isconf {meta['isconf_version']}, {meta['xmllint_version']}, {meta['xmlstarlet_version']}; "
          f"ldd: {static_note}; "
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
            "enable": {"isconf_median_ms": e_iso, "xmlstarlet_median_ms": e_xml, "isconf_p90_ms": ep_iso,
                       "xmlstarlet_p90_ms": ep_xml, "ratio": r_enable, "target_max_ratio": TARGET_ENABLE_RATIO,
                       "changed_lines": {Path(rel).name: {"isconf": asdict(iso), "xmlstarlet": asdict(xml),
                                                          "minimum": MIN_CHANGED_LINES[rel]}
                                         for rel, (iso, xml) in changes.items()}},
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
