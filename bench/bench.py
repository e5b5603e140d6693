#!/usr/bin/env python3
"""Benchmark the release isconf binary against xmllint and xmlstarlet, the tools operators reach for today.

    python3 bench/bench.py [--quick] [--only fleet] [--binary PATH] [--no-readme]

Four questions about the one-shot commands, each answered with whole processes because that
is how isconf is run (from a shell, cron or CI), so process start-up is part of the cost being judged:

  1. One IS_HOME: is a full lint within 2.5x of merely checking the two files are
     well-formed with `xmllint --noout`?
  2. Enabling mutual SSL on one kernel-style IS_HOME: is `isconf enable --no-backup`
     within 2.0x of `xmlstarlet ed -L` making the same two edits, and does isconf change
     the fewest lines (1 in catalina-server.xml, 2 in authenticators.xml)?
  3. A fleet of 1,000 IS_HOMEs: is one isconf process at least 20x faster than the
     obvious shell loop of xmllint over the 2,000 files? The homes are copies of the sample
     whose key store and client trust store are real-sized (a trust store of ~90 CA
     certificates, as WSO2 packs ship), identical in every home like a fleet cloned from
     one pack, made once with openssl and keytool and kept in bench/results/tmp.
  4. Peak RSS: does linting one IS_HOME stay under 20 MiB?

and three about the daemon, `isconf watch`, measured on the running process:

  5. Drift → corrected: after an editor saves catalina-server.xml with clientAuth="false",
     is the corrected file on disk within debounce + 50 ms (150 ms by default) at p99?
  6. Idle: does it use 0 CPU ticks and wake 0 times in 30 s with nothing changing,
     with and without its metrics server?
  7. Peak RSS: does watching 100 IS_HOMEs stay under 25 MiB?

Prints a table and writes bench/results.md, bench/results.json and, when README.md
holds the <!-- bench:start --> / <!-- bench:end --> markers (and --no-readme is not given),
the table between them.
A missed target is reported, not fatal: shared machines are noisy and a red row is
more useful than a failed `make bench`. Only a missing binary or tool, or a run that did
not do what it was given (wrong exit status, wrong file count, an enable run whose files
differ from the checked result, a daemon that did not start, correct or stop) exits non-zero.

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
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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
# The fleet's stores: made once with openssl and keytool, kept (untracked) for later runs.
FLEET_STORES = BENCH_DIR / "results" / "tmp" / "fleet-stores"
FLEET_TRUSTED_CAS = 90  # about what the client-truststore.jks of a WSO2 pack holds
# Changing how the stores are made changes this, so stale ones are made again.
FLEET_STORES_RECIPE = f"v1: {FLEET_TRUSTED_CAS} self-signed RSA-2048 CA certificates, 10 years; RSA-2048 key pair, 10 years; JKS"
# The sample deliberately carries two errors, so 1 is isconf's healthy answer;
# 2 (unreadable input), 64 (usage) or a signal would mean we timed a failure.
LINT_OK = {0, 1}

# Targets from the project's performance brief.
TARGET_SINGLE_RATIO = 2.5  # isconf / xmllint, median wall time, one IS_HOME
TARGET_VERSION_RATIO = 2.0  # isconf --version / xmllint --version, median wall time: start-up alone
TARGET_FLEET_SPEEDUP = 20.0  # xmllint loop / isconf, median wall time, 1,000 IS_HOMEs
TARGET_RSS_MIB = 14.0  # isconf peak RSS, one IS_HOME
TARGET_STRIPPED_MIB = 30.0  # isconf stripped of symbols, as a package would ship it
TARGET_ENABLE_RATIO = 2.0  # isconf enable / xmlstarlet ed -L, median wall time, one IS_HOME
# The fewest lines the two edits can touch: clientAuth's line, and the two lines that hold
# the comment's delimiters. isconf must hit these, and touch no more than xmlstarlet.
MIN_CHANGED_LINES = {CATALINA: 1, AUTHENTICATORS: 2}
# Readings this close to the RSS helper's own footprint (see RSS_HELPER) are only bounds.
RSS_FLOOR_SLACK_KIB = 512

# `isconf watch`, targets from the daemon's issue.
WATCH_DEBOUNCE_MS = 100  # the default --debounce-ms
TARGET_WATCH_SLACK_MS = 50  # p99 of drift → corrected at most debounce + this
TARGET_WATCH_RSS_MIB = 25.0  # peak RSS watching WATCH_FLEET_HOMES IS_HOMEs
# Idle: the targets are 0 CPU ticks and 0 wake-ups (voluntary context switches) over the window.
WATCH_EDITS = 200  # saves per latency run (20 with --quick)
WATCH_IDLE_SECONDS = 30.0  # 5 with --quick
WATCH_FLEET_HOMES = 100
WATCH_FLEET_EDITED = 5

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


@dataclass
class StoreSetting:
    relative: str  # the store's path below IS_HOME
    password: str


def connector_stores() -> dict[str, StoreSetting]:
    """The key store and trust store the sample's HTTPS connector names, with their passwords: the
    fleet's stores go where the connector looks and open with what it says."""
    import xml.etree.ElementTree as ET
    root = ET.parse(ROOT / SAMPLE / CATALINA).getroot()
    connector = next(c for c in root.iter("Connector") if c.get("port") == "9443")
    prefix = "${carbon.home}/"
    stores = {}
    for purpose, file_attribute, pass_attribute in (("keystore", "keystoreFile", "keystorePass"),
                                                    ("truststore", "truststoreFile", "truststorePass")):
        path, password = connector.get(file_attribute), connector.get(pass_attribute)
        if path is None or password is None or not path.startswith(prefix):
            sys.exit(f"bench: {SAMPLE}/{CATALINA}: the HTTPS connector has no {file_attribute} under ${{carbon.home}} "
                     f"with a {pass_attribute}; the fleet's stores would not be the ones it names")
        stores[purpose] = StoreSetting(path[len(prefix):], password)
    return stores


def fleet_stores(binary: str) -> dict[str, Path]:
    """The fleet's key store and trust store, made the first time (minutes: keytool starts
    a JVM per certificate) and then reused while the recipe is unchanged."""
    stores = connector_stores()
    made = {purpose: FLEET_STORES / Path(setting.relative).name for purpose, setting in stores.items()}
    stamp = FLEET_STORES / "recipe"
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == FLEET_STORES_RECIPE
            and all(path.is_file() for path in made.values())):
        keytool, openssl = shutil.which("keytool"), shutil.which("openssl")
        if keytool is None or openssl is None:
            sys.exit("bench: the fleet's stores are made with keytool and openssl; install a JDK (keytool) and openssl")
        shutil.rmtree(FLEET_STORES, ignore_errors=True)
        FLEET_STORES.mkdir(parents=True)
        print(f"bench: making the fleet's stores in {FLEET_STORES.relative_to(ROOT)} "
              f"(a key pair, {FLEET_TRUSTED_CAS} CA certificates) ...", flush=True)
        fast_jvm = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"]
        key, trust = stores["keystore"], stores["truststore"]
        subprocess.run([keytool, *fast_jvm, "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048",
                        "-dname", "CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US", "-validity", "3650",
                        "-keystore", str(made["keystore"]), "-storetype", "JKS",
                        "-storepass", key.password, "-keypass", key.password], check=True, capture_output=True)
        with tempfile.TemporaryDirectory(prefix="isconf-bench-cas-") as scratch:
            for i in range(FLEET_TRUSTED_CAS):
                pem = f"{scratch}/ca-{i}.pem"
                subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{scratch}/ca-{i}.key",
                                "-out", pem, "-days", "3650", "-sha256",
                                "-subj", f"/C=US/O=Bench Trust Services {i}/OU=Certification Authorities/CN=Bench Root CA {i}"],
                               check=True, capture_output=True)
                subprocess.run([keytool, *fast_jvm, "-importcert", "-noprompt", "-alias", f"benchrootca{i}", "-file", pem,
                                "-keystore", str(made["truststore"]), "-storetype", "JKS", "-storepass", trust.password],
                               check=True, capture_output=True)
        stamp.write_text(FLEET_STORES_RECIPE, encoding="utf-8")
    check_fleet_stores(binary, made, stores)
    return made


def check_fleet_stores(binary: str, made: dict[str, Path], stores: dict[str, StoreSetting]) -> None:
    """The stores must open with the connector's passwords and hold what they should, or the fleet
    would time isconf failing on them."""
    for purpose, want in (("keystore", ["PrivateKeyEntry"]), ("truststore", ["trustedCertEntry"] * FLEET_TRUSTED_CAS)):
        proc = subprocess.run([binary, "truststore", "list", "--keystore", str(made[purpose]),
                               "--storepass", stores[purpose].password, "--format", "json"],
                              cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        kinds = [e["type"] for e in json.loads(proc.stdout)["entries"]] if proc.returncode == 0 else []
        if kinds != want:
            sys.exit(f"bench: the fleet's {purpose} {made[purpose]} holds {len(kinds)} entries {sorted(set(kinds))}, expected "
                     f"{len(want)} {want[0]}; delete {FLEET_STORES} to make it again\n{proc.stderr.strip()}")


def make_fleet(count: int, stores: dict[str, Path]) -> str:
    """`count` copies of the sample IS_HOME, each with the same real-sized key store and trust
    store in the places its connector names."""
    fleet = tempfile.mkdtemp(prefix="isconf-bench-")
    settings = connector_stores()
    for i in range(count):
        home = Path(fleet) / f"home-{i:04d}"
        shutil.copytree(ROOT / SAMPLE, home)
        for purpose, store in stores.items():
            shutil.copyfile(store, home / settings[purpose].relative)
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
    """One untimed run, reading the report, to prove isconf linted every file and opened every
    home's stores.

    A discovery bug that skipped most homes would otherwise show up as a
    spectacular speed-up, and so would stores that failed to open.
    """
    report = subprocess.run([binary, "lint", fleet, "--format", "json"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    try:
        findings = json.loads(report.stdout)["findings"]
    except (ValueError, KeyError):
        sys.exit(f"bench: fleet lint --format json gave no report: exit {report.returncode}\n{report.stderr.strip()}")
    store_problems = [f for f in findings if f["rule"] in ("store-access", "truststore-empty", "certificate-expiry")]
    if store_problems:
        sys.exit(f"bench: {len(store_problems)} store findings in the fleet, e.g. {store_problems[0]['file']}: "
                 f"{store_problems[0]['message']}; its stores are not the ones its connector names")
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


def stripped_size(binary: str) -> int:
    """The size of a copy stripped of symbols and debug information, as a package ships it."""
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench: no executable at {binary}; `make release` builds isconf and isconf-watch")
    with tempfile.TemporaryDirectory(prefix="isconf-bench-strip-") as scratch:
        copy = os.path.join(scratch, "stripped")
        subprocess.run(["strip", "-o", copy, binary], check=True)
        return os.path.getsize(copy)


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


TRUSTSTORE_TRUSTED = 10  # trusted certificates beside the key pair in the benchmark's store
TRUSTSTORE_PASSWORD = "bench-store-pass"


def bench_truststore(binary: str, quick: bool) -> dict | None:
    """`isconf truststore list` against `keytool -list` on the same JKS store (a key pair and
    TRUSTSTORE_TRUSTED trusted certificates, like an IS client-truststore.jks), whole processes,
    interleaved. None, with a note, when keytool is not installed: its JVM is the reference."""
    keytool = shutil.which("keytool")
    if keytool is None or shutil.which("openssl") is None:
        print("bench: keytool or openssl not found; skipping the truststore row", flush=True)
        return None
    scratch = tempfile.mkdtemp(prefix="isconf-bench-ts-")
    try:
        store = f"{scratch}/client-truststore.jks"
        common = ["-keystore", store, "-storepass", TRUSTSTORE_PASSWORD, "-storetype", "jks"]
        subprocess.run([keytool, "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048",
                        "-dname", "CN=localhost, O=WSO2", "-validity", "365", "-keypass", TRUSTSTORE_PASSWORD, *common],
                       check=True, capture_output=True)
        for i in range(TRUSTSTORE_TRUSTED):
            pem = f"{scratch}/client-{i}.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{scratch}/k{i}.pem",
                            "-out", pem, "-subj", f"/CN=client {i}/O=Bench", "-days", "30"], check=True, capture_output=True)
            subprocess.run([keytool, "-importcert", "-noprompt", "-alias", f"client-{i}", "-file", pem, *common],
                           check=True, capture_output=True)
        isconf_argv = [binary, "truststore", "list", "--keystore", store, "--storepass", TRUSTSTORE_PASSWORD]
        keytool_argv = [keytool, "-list", "-keystore", store, "-storepass", TRUSTSTORE_PASSWORD]
        # Untimed: both must list the same aliases and SHA-256 fingerprints, or the race is unfair.
        ours = json.loads(subprocess.run([*isconf_argv, "--format", "json"], check=True, capture_output=True, text=True).stdout)
        theirs = subprocess.run(keytool_argv, check=True, capture_output=True, text=True).stdout
        ours_set = {(e["alias"], e["certificates"][0]["sha256"]) for e in ours["entries"]}
        theirs_set = {(alias, fp.replace(":", "").lower()) for alias, fp in
                      re.findall(r"^(\S+), .*\n.*fingerprint \(SHA-256\): ([0-9A-F:]+)$", theirs, re.M)}
        if ours_set != theirs_set or len(ours_set) != TRUSTSTORE_TRUSTED + 1:
            sys.exit(f"bench: isconf truststore list and keytool -list disagree on {store}: {ours_set ^ theirs_set}")
        pairs, warmup = (5, 1) if quick else (30, 3)
        print(f"bench: truststore list vs keytool -list, {pairs} interleaved pairs ...", flush=True)
        runs_i, runs_k = interleave(same_job(isconf_argv), same_job(keytool_argv), pairs, warmup)
        check_statuses("isconf truststore list", runs_i, {0})
        check_statuses("keytool -list", runs_k, {0})
        version = subprocess.run([keytool, "-J-version"], capture_output=True, text=True)  # the JVM it starts
        return {"pairs": pairs, "entries": TRUSTSTORE_TRUSTED + 1, "isconf_median_ms": median_ms(runs_i),
                "keytool_median_ms": median_ms(runs_k), "isconf_p90_ms": p90_ms(runs_i), "keytool_p90_ms": p90_ms(runs_k),
                "speedup": median_ms(runs_k) / median_ms(runs_i),
                "keytool_version": (version.stdout.strip() or version.stderr.strip()).splitlines()[0]}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def truststore_rows(t: dict | None) -> list[Row]:
    if t is None:
        return []
    return [Row(f"truststore list, {t['entries']}-entry JKS, median wall (ratio: speed-up)", f"{t['isconf_median_ms']:.2f} ms",
                f"{t['keytool_median_ms']:.0f} ms (keytool -list)", fmt_ratio(t["speedup"]), "—", None)]


MANY_ATTRIBUTES = 200_000
TARGET_MANY_ATTRIBUTES_MS = 100.0


def bench_many_attributes(binary: str, quick: bool) -> dict:
    """The worst case of issue 17: a Connector with 200,000 attributes (2.3 MB). libxml2 2.9 checks
    each attribute against all the earlier ones (n², minutes of CPU), so isconf must refuse the tag
    in a linear pass before libxml2 sees it: lint exits 2 with one line, in milliseconds."""
    scratch = tempfile.mkdtemp(prefix="isconf-bench-attrs-")
    try:
        path = f"{scratch}/catalina-server.xml"
        attributes = " ".join(f'a{i}="v"' for i in range(MANY_ATTRIBUTES))
        Path(path).write_text(f'<Server><Service><Connector port="9443" SSLEnabled="true" scheme="https" {attributes}/>'
                              "</Service></Server>\n")
        runs_n, warmup = (5, 1) if quick else (30, 3)
        print(f"bench: lint of a {MANY_ATTRIBUTES:,}-attribute element, {runs_n} runs ...", flush=True)
        job = same_job([binary, "lint", path])
        for i in range(warmup):
            run_once(job(i))
        runs = [run_once(job(i)) for i in range(runs_n)]
        check_statuses("isconf (many attributes)", runs, {2})
        return {"attributes": MANY_ATTRIBUTES, "bytes": os.path.getsize(path), "runs": runs_n,
                "median_ms": median_ms(runs), "p90_ms": p90_ms(runs)}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def many_attributes_rows(m: dict) -> list[Row]:
    return [Row(f"lint a {m['attributes']:,}-attribute element ({m['bytes'] / 1e6:.1f} MB, refused), median wall",
                f"{m['median_ms']:.2f} ms", "minutes (libxml2 parses it in n²)", "—", f"≤ {TARGET_MANY_ATTRIBUTES_MS:.0f} ms",
                m["median_ms"] <= TARGET_MANY_ATTRIBUTES_MS)]


# ---------------------------------------------------------------------------------------------
# `isconf watch`, the daemon: how fast it undoes drift, what it costs while nothing happens, and
# how much memory it holds for a large fleet. It runs for as long as the server does, so these
# are measured on a running process (its /proc entries), not on whole runs like the rows above.


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


class WatchDaemon:
    """One `isconf watch` process with JSON logs in a file and its own NOTIFY_SOCKET.

    Ready means READY=1 arrived on the socket (sent after the first full check), not a log line.
    The socket is drained for the daemon's whole life: sd_notify datagrams to a socket nobody reads
    pile up, and past net.unix.max_dgram_qlen the daemon's next notification would block it.
    Used as a context manager, so the process is stopped (SIGTERM, then SIGKILL) whatever happens.
    """

    def __init__(self, binary: str, args: list[str], scratch: str, name: str):
        self.argv = [binary, "watch", "--log-format", "json", *args]
        self.name = name
        self.log_path = Path(scratch) / f"{name}.log"
        # sun_path holds 108 bytes: a short folder of its own, whatever TMPDIR is.
        self.socket_dir = tempfile.mkdtemp(prefix="isw-", dir="/tmp")
        self.socket_path = self.socket_dir + "/notify"
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.socket_path)
        self.notify.settimeout(0.2)
        self.messages: list[str] = []
        self.ready = threading.Event()
        self.closing = threading.Event()
        self.proc: subprocess.Popen | None = None
        self.status: int | None = None
        self.drainer = threading.Thread(target=self._drain, daemon=True)

    def _drain(self) -> None:
        while not self.closing.is_set():
            try:
                message = self.notify.recv(65536).decode("utf-8", "replace")
            except socket.timeout:
                continue
            except OSError:
                return
            self.messages.append(message)
            if "READY=1" in message.split("\n"):
                self.ready.set()

    def __enter__(self) -> "WatchDaemon":
        return self

    def start(self, timeout: float = 30.0) -> "WatchDaemon":
        env = {k: v for k, v in os.environ.items() if k not in ("WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS")}
        env["NOTIFY_SOCKET"] = self.socket_path
        self.drainer.start()
        try:
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=log)
        except BaseException:
            self.stop()
            raise
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.05):
            if self.proc.poll() is not None:
                self.fail(f"exited {self.proc.returncode} before READY=1")
            if time.monotonic() > deadline:
                self.fail(f"sent no READY=1 within {timeout:.0f} s")
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> list[dict]:
        events = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                events.append({"message": line, "level": "unparsed"})
        return events

    def fail(self, what: str) -> None:
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-10:] if self.log_path.exists() else []
        self.stop()
        sys.exit(f"bench: isconf watch ({self.name}) {what}\n" + "\n".join(tail))

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, as systemd stops it; SIGKILL if it is still there after `timeout`."""
        if self.proc is not None and self.status is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    self.status = -signal.SIGKILL
            if self.status is None:
                self.status = self.proc.returncode
        self.closing.set()
        if self.drainer.is_alive():
            self.drainer.join(1)
        self.notify.close()
        shutil.rmtree(self.socket_dir, ignore_errors=True)
        return self.status

    def __exit__(self, *_exc) -> None:
        self.stop()

    def stop_checked(self) -> None:
        status = self.stop()
        if status != 0:
            tail = self.log_path.read_text(errors="replace").strip().splitlines()[-10:]
            sys.exit(f"bench: isconf watch ({self.name}) exited {status} on SIGTERM (expected 0)\n" + "\n".join(tail))


def wait_for_content(path: Path, want: bytes, timeout: float) -> float | None:
    """Re-reads `path` every millisecond (no inotify, so the benchmark cannot race the daemon for
    events) until it holds `want`; the time.monotonic() of the read that saw it, or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:  # never expected: both save styles and the daemon replace atomically
            data = b""
        now = time.monotonic()
        if data == want:
            return now
        if now > deadline:
            return None
        time.sleep(0.001)


def save_in_place(path: Path, data: bytes) -> None:
    """What most editors and `sed -i`-less scripts do: truncate and rewrite the same inode."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def save_by_rename(path: Path, data: bytes) -> None:
    """What careful editors and config managers do: a new file beside it, renamed over it."""
    temporary = path.with_name(path.name + ".bench-new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(temporary, path)


SAVE_STYLES = (("in place", save_in_place), ("temp+rename", save_by_rename))


def log_time(stamp: str) -> float:
    """The daemon's log time (RFC 3339, UTC, milliseconds) as seconds since the epoch."""
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


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
        port = next((e.get("listen", "").rsplit(":", 1)[-1] for e in daemons["metrics"].log()
                     if e.get("message") == "metrics listening"), None)
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
        watching = next((e for e in daemon.log() if e.get("message") == "watching"), {})
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


def bench_fleet(binary: str, pairs: int, warmup: int, rss_runs: int) -> dict:
    """One isconf process linting the fleet against the bash loop of xmllint over its XML files,
    interleaved; then isconf's peak RSS on it."""
    stores = fleet_stores(binary)
    print(f"bench: copying the sample into {FLEET_HOMES} IS_HOMEs, with the fleet's stores ...", flush=True)
    fleet = make_fleet(FLEET_HOMES, stores)
    try:
        validate_fleet(binary, fleet, FLEET_HOMES)
        print(f"bench: fleet of {FLEET_HOMES} IS_HOMEs, {pairs} interleaved pairs ...", flush=True)
        iso_n, xml_n = interleave(
            same_job([binary, "lint", fleet, "--format", "text"]),
            same_job(["bash", "-c", XMLLINT_LOOP, "bash", fleet]),
            pairs, warmup,
        )
        rss_n = peak_rss_kib([binary, "lint", fleet, "--format", "text"], rss_runs, {1})
    finally:
        shutil.rmtree(fleet, ignore_errors=True)
    check_statuses("isconf (fleet)", iso_n, {1})
    # The loop's status is the last xmllint's: a cheap check that the files stayed well-formed.
    check_statuses("xmllint loop (fleet)", xml_n, {0})
    f_iso, f_xml = median_ms(iso_n), median_ms(xml_n)
    return {"isconf_median_ms": f_iso, "xmllint_loop_median_ms": f_xml, "speedup": f_xml / f_iso,
            "isconf_peak_kib": rss_n, "pairs": pairs, "rss_runs": rss_runs,
            "stores": {purpose: {"file": path.name, "bytes": path.stat().st_size} for purpose, path in stores.items()}}


def fleet_rows(f: dict, floor: int) -> list[Row]:
    """The fleet's speed-up, then its peak RSS."""
    return [
        Row(f"lint {FLEET_HOMES} IS_HOMEs, median wall (ratio: speed-up)", f"{f['isconf_median_ms']:.0f} ms",
            f"{f['xmllint_loop_median_ms']:.0f} ms (loop)", fmt_ratio(f["speedup"], TARGET_FLEET_SPEEDUP),
            f"≥ {TARGET_FLEET_SPEEDUP:.0f}×", f["speedup"] >= TARGET_FLEET_SPEEDUP),
        Row(f"peak RSS, lint {FLEET_HOMES} IS_HOMEs", rss_bound_cell(f["isconf_peak_kib"], floor), "—", "—", "—", None),
    ]


def rss_bound_cell(kib: int, floor: int) -> str:
    """A reading within the helper's floor may be the helper's, not the tool's: shown as a bound."""
    return f"{'≤ ' if kib <= floor + RSS_FLOOR_SLACK_KIB else ''}{kib / 1024:.1f} MiB"


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
        f"The fleet's homes are copies of `{SAMPLE}` whose key store and client trust store, where its HTTPS "
        f"connector names them, are real-sized and the same in every home, as in a fleet cloned from one pack: "
        f"made once with keytool and openssl, a JKS key store with an RSA-2048 key pair "
        f"({meta['fleet_stores']['keystore']['bytes'] / 1024:.1f} KiB) and a JKS trust store of {FLEET_TRUSTED_CAS} "
        f"self-signed RSA-2048 CA certificates ({meta['fleet_stores']['truststore']['bytes'] / 1024:.1f} KiB). isconf "
        f"lints every home in full, store rules included: it reads each home's two stores and opens each distinct "
        f"store once per run (by content and password: integrity checked, certificates parsed); the loop only "
        f"checks that the XML files are well-formed. "
        f"Enable is `isconf enable --no-backup HOME` against two `xmlstarlet ed -L` processes making the same "
        f"edits ({meta['xmlstarlet_version']}: clientAuth=\"want\"; the MutualSSLAuthenticator element appended, "
        f"as xmlstarlet cannot uncomment), each run on its own fresh copy of `{SAMPLE}`; isconf's time includes "
        f"its crash-safe writes (fsync of each file and its folder), xmlstarlet rewrites in place without fsync. "
        f"Changed lines: per differing block of a line diff against the original, the longer side "
        f"(−removed/+added lines of a unified diff). "
        f"Peak RSS is the largest ru_maxrss over {meta['runs']['single_rss_runs']} runs "
        f"({meta['runs']['fleet_rss_runs']} for the fleet); \"≤\" marks a reading within the measuring "
        f"helper's own {meta['rss_floor_kib'] / 1024:.1f} MiB floor. "
        f"`isconf watch`: one daemon at a time (the two idle ones together), JSON logs to a file, readiness "
        f"from READY=1 on a NOTIFY_SOCKET the benchmark binds. Drift → corrected: per run (--debounce-ms "
        f"{WATCH_DEBOUNCE_MS} --no-backup; the same with backups in IS_HOME/backup/isconf; --debounce-ms 0 "
        f"--no-backup), {meta['runs']['watch_edits']} saves of catalina-server.xml with clientAuth=\"false\", "
        f"alternately in place and temp+rename, each waiting for the last correction; timed from the save's "
        f"return to the first 1 ms re-read of the file that holds the corrected bytes (so up to ~1 ms late; "
        f"the daemon's own \"corrected\" log lines cross-check the count and the times). Idle: /proc/PID/stat "
        f"utime+stime and the voluntary context switches of every thread (/proc/PID/task/*/status; a thread "
        f"that exits in the window counts one more), on-CPU time from their schedstat in brackets, after READY "
        f"and 1 s of settling, over {meta['runs']['watch_idle_seconds']:.0f} s with nothing changing "
        f"(--interval 300, so no re-check falls in the window). Peak RSS: VmHWM of a daemon with default "
        f"options on a folder of {meta['runs']['watch_fleet_homes']} copies of `{SAMPLE}`, once READY and "
        f"after {meta['runs']['watch_fleet_edited']} of them were drifted and corrected. "
        + (f"Truststore: `isconf truststore list` against `keytool -list` ({meta['truststore']['keytool_version']}) on one JKS "
           f"store (a key pair and {meta['truststore']['entries'] - 1} trusted certificates, made with keytool), same "
           f"password on both command lines, {meta['truststore']['pairs']} interleaved pairs after a check that both list "
           f"the same aliases and fingerprints; the ratio is keytool's median over isconf's. " if meta["truststore"] else "")
        + f"1-min load average before the run: {meta['loadavg_1min']}; before the `isconf watch` rows: "
        f"{meta['watch_loadavg_1min']}. "
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
    parser.add_argument("--only", choices=["fleet"],
                        help="only these rows (fleet: the 1,000 IS_HOMEs' speed-up and peak RSS); "
                             "prints them but writes no results")
    parser.add_argument("--no-readme", action="store_true",
                        help="write bench/results.* but leave README.md's bench section alone")
    args = parser.parse_args()

    binary = str(Path(args.binary).resolve())
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench: no isconf binary at {binary}; run `make release` first (or pass --binary PATH)")
    if shutil.which("xmllint") is None:
        sys.exit("bench: xmllint not found; run scripts/setup.sh (it installs libxml2-utils)")
    if args.only == "fleet":
        fleet_pairs, fleet_warmup, fleet_rss_runs = (2, 1, 1) if args.quick else (7, 1, 3)
        floor = peak_rss_kib(["true"], 5, {0})
        fleet = bench_fleet(binary, fleet_pairs, fleet_warmup, fleet_rss_runs)
        print()
        print(render_text(fleet_rows(fleet, floor)))
        print(f"\nload {os.getloadavg()[0]:.2f} after; stores {fleet['stores']}; RSS helper floor {floor / 1024:.1f} MiB")
        print("bench: --only fleet, results files left untouched")
        return 0
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

    print(f"bench: --version, {single_pairs} interleaved pairs ...", flush=True)
    iso_v, xml_v = interleave(same_job([binary, "--version"]), same_job(["xmllint", "--version"]),
                              single_pairs, single_warmup)
    check_statuses("isconf --version", iso_v, {0})
    check_statuses("xmllint --version", xml_v, {0})

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

    fleet = bench_fleet(binary, fleet_pairs, fleet_warmup, fleet_rss_runs)

    truststore = bench_truststore(binary, args.quick)
    many_attributes = bench_many_attributes(binary, args.quick)
    watch = bench_watch(binary, args.quick)

    is_static, static_note = static_stdlib(binary)
    size_bytes = os.path.getsize(binary)
    stripped_bytes = stripped_size(binary)
    daemon = str(Path(binary).with_name("isconf-watch"))
    daemon_stripped_bytes = stripped_size(daemon)

    s_iso, s_xml = median_ms(iso_1), median_ms(xml_1)
    p_iso, p_xml = p90_ms(iso_1), p90_ms(xml_1)
    r_single = s_iso / s_xml
    v_iso, v_xml = median_ms(iso_v), median_ms(xml_v)
    r_version = v_iso / v_xml
    e_iso, e_xml = median_ms(iso_e), median_ms(xml_e)
    ep_iso, ep_xml = p90_ms(iso_e), p90_ms(xml_e)
    r_enable = e_iso / e_xml

    def rss_cell(kib: int) -> str:
        return rss_bound_cell(kib, floor)

    rss_ratio = rss_1 / rss_xml_1
    rss_ratio_cell = ("≥ " if rss_xml_1 <= floor + RSS_FLOOR_SLACK_KIB else "") + fmt_ratio(rss_ratio)

    rows = [
        Row("lint one IS_HOME, median wall", f"{s_iso:.2f} ms", f"{s_xml:.2f} ms", fmt_ratio(r_single, TARGET_SINGLE_RATIO),
            f"≤ {TARGET_SINGLE_RATIO}×", r_single <= TARGET_SINGLE_RATIO),
        Row("lint one IS_HOME, p90 wall", f"{p_iso:.2f} ms", f"{p_xml:.2f} ms", fmt_ratio(p_iso / p_xml), "—", None),
        Row("--version, median wall (start-up alone)", f"{v_iso:.2f} ms", f"{v_xml:.2f} ms",
            fmt_ratio(r_version, TARGET_VERSION_RATIO), f"≤ {TARGET_VERSION_RATIO}×", r_version <= TARGET_VERSION_RATIO),
        Row("enable one IS_HOME, median wall", f"{e_iso:.2f} ms", f"{e_xml:.2f} ms (xmlstarlet)",
            fmt_ratio(r_enable, TARGET_ENABLE_RATIO), f"≤ {TARGET_ENABLE_RATIO}×", r_enable <= TARGET_ENABLE_RATIO),
        Row("enable one IS_HOME, p90 wall", f"{ep_iso:.2f} ms", f"{ep_xml:.2f} ms (xmlstarlet)",
            fmt_ratio(ep_iso / ep_xml), "—", None),
        *(Row(f"enable, changed lines in {Path(rel).name}", iso.cell(), f"{xml.cell()} (xmlstarlet)", "—",
              f"{MIN_CHANGED_LINES[rel]}, the fewest",
              iso.changed == MIN_CHANGED_LINES[rel] and iso.changed <= xml.changed)
          for rel, (iso, xml) in changes.items()),
        fleet_rows(fleet, floor)[0],
        Row("peak RSS, lint one IS_HOME", rss_cell(rss_1), rss_cell(rss_xml_1), rss_ratio_cell,
            f"≤ {TARGET_RSS_MIB:.0f} MiB", rss_1 / 1024 <= TARGET_RSS_MIB),
        fleet_rows(fleet, floor)[1],
        Row("binary size, isconf as built", f"{size_bytes / 2**20:.1f} MiB", "—", "—", "—", None),
        Row("binary size, isconf stripped", f"{stripped_bytes / 2**20:.1f} MiB", "—", "—",
            f"≤ {TARGET_STRIPPED_MIB:.0f} MiB", stripped_bytes / 2**20 <= TARGET_STRIPPED_MIB),
        Row("binary size, isconf-watch stripped", f"{daemon_stripped_bytes / 2**20:.1f} MiB", "—", "—", "—", None),
        Row("Swift stdlib statically linked", "yes" if is_static else "no", "—", "—", "yes", is_static),
        *truststore_rows(truststore),
        *many_attributes_rows(many_attributes),
        *watch_rows(watch),
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
                 "single_rss_runs": single_rss_runs, "fleet_rss_runs": fleet_rss_runs,
                 "watch_edits": watch["latency"]["edits"], "watch_idle_seconds": watch["idle"]["plain"]["seconds"],
                 "watch_fleet_homes": watch["fleet_rss"]["homes"], "watch_fleet_edited": watch["fleet_rss"]["edited"]},
        "rss_floor_kib": floor,
        "fleet_stores": fleet["stores"],
        "watch_loadavg_1min": watch["loadavg_1min_before"],
        "truststore": truststore,
        "many_attributes": many_attributes,
    }

    print()
    print(render_text(rows))
    print(f"\n{meta['date']}, {meta['machine']}, {meta['nproc']} CPUs, load {load_before:.2f} before, "
          f"isconf {meta['isconf_version']}, {meta['xmllint_version']}, {meta['xmlstarlet_version']}; "
          f"ldd: {static_note}; "
          f"RSS helper floor {floor / 1024:.1f} MiB")
    print(watch_summary(watch))

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
            "fleet": {"isconf_median_ms": fleet["isconf_median_ms"], "xmllint_loop_median_ms": fleet["xmllint_loop_median_ms"],
                      "speedup": fleet["speedup"], "target_min_speedup": TARGET_FLEET_SPEEDUP,
                      "stores": fleet["stores"]},
            "rss": {"isconf_single_peak_kib": rss_1, "xmllint_single_peak_kib": rss_xml_1,
                    "isconf_fleet_peak_kib": fleet["isconf_peak_kib"], "target_max_mib": TARGET_RSS_MIB},
            "binary": {"size_bytes": size_bytes, "static_swift_stdlib": is_static},
            "watch": {**watch, "target_p99_ms": WATCH_DEBOUNCE_MS + TARGET_WATCH_SLACK_MS,
                      "target_idle_cpu_ticks": 0, "target_idle_wakeups": 0, "target_rss_max_mib": TARGET_WATCH_RSS_MIB},
        },
        "measurements": [asdict(r) for r in rows],
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.no_readme:
        print("bench: wrote bench/results.md, bench/results.json (--no-readme: README.md left alone)")
        return 0
    readme = update_readme(table_md)
    print("bench: wrote bench/results.md, bench/results.json"
          + (", README.md bench section" if readme else " (README.md has no bench markers; left alone)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
