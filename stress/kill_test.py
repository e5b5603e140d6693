#!/usr/bin/env python3
"""Kill test for `isconf enable`: SIGKILL it at random moments and check that no file is ever torn.

    python3 stress/kill_test.py [--binary PATH] [--rounds N] [--seed S] [--corpus DIR] [--json FILE]

Each round takes a fresh copy of an IS_HOME that needs both changes, alternating between
conf-samples/is-home, the same with `--trust-client-cert` (a client certificate made once with
openssl, imported into the sample's client-truststore.jks after the two files), the sample with
mutual SSL already enabled and `--trust-client-cert` (the store is then the only write, so more
kills land in it), and a
kernel-4.4.32-style home assembled from the WSO2 corpus
(../shared/corpus/wso2/{catalina-server,authenticators}.xml@carbon-kernel-v4.4.32; skipped
with a message when absent). It starts `isconf enable` on it and SIGKILLs it after a random
delay drawn uniformly from 0 to FACTOR x the median normal run time (measured first, per
home kind, the same way: from spawn to reap). The backup policy rotates between the default
(IS_HOME/backup/isconf), --backup-dir outside the home and --no-backup.

After each round it checks (any failure is a violation and makes the exit status 1):

  * each of the two files is well-formed (`xmllint --noout`, or Python's expat if xmllint
    is missing) and equals EXACTLY its old bytes or its new bytes (the new bytes come from
    one run to completion on a separate copy), with the original's mode;
  * no `*.isconf-*.tmp` file is left anywhere in the home (or in the backup folder) by the kill
    (with --temp-files next-run: none is left after the re-run below);
  * a file holding its new bytes has a complete backup of its old bytes (when backups are on);
  * the trust store (a new JKS store's bytes differ from run to run: the entry records its
    creation time) opens with its password in isconf's own reader, digest verified, and holds
    exactly the old or the new set of entries (alias, type, SHA-256); keytool must list a new one
    the same; a store holding the new set has a complete backup of its old bytes;
  * a run of `isconf enable` to completion afterwards exits 0 and leaves both files at
    their new bytes (recovery after the kill).

It counts the kills by the state they left: before any write (all old), between the two
files (catalina-server.xml new, authenticators.xml old), between the files and the store (both
XML files new, the store old), after every write (all new, the process killed on its way out)
and, separately, runs that finished before the signal.
Backup copies cut short by a kill are counted too (a note, not a violation: the file they
back up was not yet replaced).

Finally a few bad inputs: a malformed, DOCTYPE, empty, UTF-16, read-only or FIFO file, no
HTTPS connector, or `--trust-client-cert` with a wrong trust store password, must give exit
status 2, a message naming the file, and leave every file (the store too) byte-for-byte
untouched, with no backup and no temp file. So must a full disk under authenticators.xml (the
second file written; a 64 KiB tmpfs, when mount is permitted): catalina-server.xml, replaced by
then, must be put back.

Standard library only. Exit status: 0 no violation, 1 violations, 2 set-up error.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import signal
import statistics
import stat
import subprocess
import sys
import tempfile
import time
import xml.parsers.expat
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "conf-samples" / "is-home"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wso2"
CATALINA = "repository/conf/tomcat/catalina-server.xml"
AUTHENTICATORS = "repository/conf/security/authenticators.xml"
FILES = (CATALINA, AUTHENTICATORS)
TRUST_STORE = "repository/resources/security/client-truststore.jks"
# The sample's trust store password, as its catalina-server.xml gives it; read from the environment.
TRUST_STORE_PASSWORD = "sample-truststore-secret"
BACKUP_MODES = ("default", "backup-dir", "no-backup")


def fail_setup(message: str) -> None:
    print(f"kill_test: {message}", file=sys.stderr)
    sys.exit(2)


class Checker:
    def __init__(self) -> None:
        self.xmllint = shutil.which("xmllint")

    def well_formed(self, path: Path) -> bool:
        if self.xmllint:
            return subprocess.run([self.xmllint, "--noout", "--nonet", str(path)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        parser = xml.parsers.expat.ParserCreate()
        try:
            parser.Parse(path.read_bytes(), True)
            return True
        except xml.parsers.expat.ExpatError:
            return False


def temp_files(*roots: Path) -> list[str]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for folder, _, names in os.walk(root):
            found += [os.path.join(folder, n) for n in names if ".isconf-" in n and n.endswith(".tmp")]
    return found


class StoreReader:
    """A trust store's entries as isconf's own reader lists them (digest verified with the password),
    and keytool's listing of the same store."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.keytool = shutil.which("keytool")
        self.env = dict(os.environ, ISCONF_KILL_TEST_STOREPASS=TRUST_STORE_PASSWORD)

    def entries(self, path: Path) -> tuple[frozenset | None, str]:
        proc = subprocess.run([self.binary, "truststore", "list", "--keystore", str(path), "--storepass-env",
                               "ISCONF_KILL_TEST_STOREPASS", "--format", "json"], capture_output=True, env=self.env)
        if proc.returncode != 0:
            return None, proc.stderr.decode(errors="replace").strip()
        listing = json.loads(proc.stdout)
        if not listing["integrity_verified"]:
            return None, "integrity not verified"
        return frozenset((e["alias"], e["type"], tuple(c["sha256"] for c in e["certificates"]))
                         for e in listing["entries"]), ""

    def keytool_entries(self, path: Path) -> frozenset | None:
        """keytool -list -v: alias, entry type, SHA-256 of the first certificate (None: it fails)."""
        proc = subprocess.run([self.keytool, "-list", "-v", "-keystore", str(path), "-storepass:env",
                               "ISCONF_KILL_TEST_STOREPASS"], capture_output=True, text=True, env=self.env)
        if proc.returncode != 0:
            return None
        entries: list[list] = []
        for line in proc.stdout.splitlines():
            line = line.strip()
            if line.startswith("Alias name: "):
                entries.append([line[len("Alias name: "):], None, []])
            elif line.startswith("Entry type: "):
                entries[-1][1] = line[len("Entry type: "):]
            elif line.startswith("SHA256: "):
                entries[-1][2].append(line[len("SHA256: "):].replace(":", "").lower())
        return frozenset((alias, kind, tuple(sha)) for alias, kind, sha in entries)


class HomeKind:
    """A template IS_HOME (writable copy) with its old and expected new bytes; with `trust`, the
    command also imports a client certificate and the trust store is followed by its entries."""

    def __init__(self, name: str, template: Path, trust: Path | None = None, xml_changes: bool = True):
        self.name = name
        self.template = template
        self.trust = trust
        # False: the XML files are already compliant and the store is the only write.
        self.xml_changes = xml_changes
        self.old = {f: (template / f).read_bytes() for f in FILES}
        self.mode = {f: stat.S_IMODE((template / f).stat().st_mode) for f in FILES}
        self.new: dict[str, bytes] = {}
        self.median = 0.0
        self.times: list[float] = []
        self.store_old = (template / TRUST_STORE).read_bytes() if trust else b""
        self.store_old_entries: frozenset = frozenset()
        self.store_new_entries: frozenset = frozenset()

    @property
    def extra(self) -> list[str]:
        return ["--trust-client-cert", str(self.trust)] if self.trust else []

    @property
    def written(self) -> tuple[str, ...]:
        """The files a run writes, in write order."""
        return (FILES if self.xml_changes else ()) + ((TRUST_STORE,) if self.trust else ())

    def fresh(self, where: Path) -> Path:
        shutil.copytree(self.template, where, symlinks=True)
        return where


def make_templates(work: Path, corpus: Path, binary: str) -> list[HomeKind]:
    kinds = []
    sample = work / "template-sample"
    shutil.copytree(SAMPLE, sample)
    kinds.append(HomeKind("conf-samples/is-home", sample))
    if shutil.which("openssl"):
        certificate = work / "client.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", str(work / "client.key"), "-out", str(certificate), "-days", "3650",
                        "-subj", "/CN=kill-test-client"], check=True, capture_output=True)
        kinds.append(HomeKind("conf-samples/is-home --trust-client-cert", sample, trust=certificate))
        enabled = work / "template-enabled"
        shutil.copytree(SAMPLE, enabled)
        code, _, err = run_to_completion([binary, "enable", "--no-backup", str(enabled)])
        if code != 0:
            fail_setup(f"enabling a copy of the sample failed ({code}): {err.strip()}")
        kinds.append(HomeKind("enabled sample --trust-client-cert (the store only)", enabled, trust=certificate,
                              xml_changes=False))
    else:
        print("kill_test: openssl not found; the --trust-client-cert rounds are skipped", file=sys.stderr)
    cat = corpus / "catalina-server.xml@carbon-kernel-v4.4.32"
    auth = corpus / "authenticators.xml@carbon-kernel-v4.4.32"
    if cat.is_file() and auth.is_file():
        kernel = work / "template-kernel"
        for source, relative in ((cat, CATALINA), (auth, AUTHENTICATORS)):
            (kernel / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, kernel / relative)  # contents only: the corpus files are read-only
            os.chmod(kernel / relative, 0o644)
        kinds.append(HomeKind("kernel-4.4.32 (corpus)", kernel))
    else:
        print(f"kill_test: {cat} / {auth} not found; the kernel-4.4.32 home is skipped, "
              "only conf-samples/is-home is used", file=sys.stderr)
    return kinds


def enable_args(binary: str, home: Path, backup_mode: str, backup_dir: Path, extra: list[str]) -> list[str]:
    args = [binary, "enable"] + extra
    if backup_mode == "no-backup":
        args.append("--no-backup")
    elif backup_mode == "backup-dir":
        args += ["--backup-dir", str(backup_dir)]
    return args + [str(home)]


def run_to_completion(args: list[str]) -> tuple[int, float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, time.perf_counter() - start, err.decode(errors="replace")


def prepare(kind: HomeKind, binary: str, work: Path, timing_runs: int, reader: StoreReader) -> None:
    # Expected new bytes: one run to completion on a separate copy.
    home = kind.fresh(work / f"expected-{len(kind.name)}-{random.getrandbits(32)}")
    if kind.trust:
        kind.store_old_entries, error = reader.entries(home / TRUST_STORE)
        if kind.store_old_entries is None:
            fail_setup(f"{kind.name}: isconf cannot list the sample's trust store: {error}")
    code, _, err = run_to_completion([binary, "enable", "--no-backup"] + kind.extra + [str(home)])
    if code != 0:
        fail_setup(f"{kind.name}: isconf enable exited {code} on a clean copy: {err.strip()}")
    kind.new = {f: (home / f).read_bytes() for f in FILES}
    for f in FILES:
        if (kind.new[f] == kind.old[f]) == kind.xml_changes:
            fail_setup(f"{kind.name}: {f} {'needs no change, so it cannot test a torn write' if kind.xml_changes else 'changes'}")
    if kind.trust:
        kind.store_new_entries, error = reader.entries(home / TRUST_STORE)
        if kind.store_new_entries is None or len(kind.store_new_entries) != len(kind.store_old_entries) + 1:
            fail_setup(f"{kind.name}: the store after a clean run does not hold one entry more: {error}")
        if reader.keytool and reader.keytool_entries(home / TRUST_STORE) != kind.store_new_entries:
            fail_setup(f"{kind.name}: keytool does not list the new store as isconf does")
    code, _, err = run_to_completion([binary, "enable", "--check"] + kind.extra + [str(home)])
    if code != 0:
        fail_setup(f"{kind.name}: --check after enable exited {code} (expected 0, compliant): {err.strip()}")
    shutil.rmtree(home)
    # Normal run time, measured as the kills are timed: spawn to reap, default backups.
    for i in range(timing_runs):
        home = kind.fresh(work / f"timing-{i}")
        code, seconds, err = run_to_completion([binary, "enable"] + kind.extra + [str(home)])
        if code != 0:
            fail_setup(f"{kind.name}: timing run exited {code}: {err.strip()}")
        kind.times.append(seconds)
        shutil.rmtree(home)
    kind.median = statistics.median(kind.times)


def file_state(kind: HomeKind, home: Path, f: str) -> tuple[str, bytes | None]:
    try:
        data = (home / f).read_bytes()
    except OSError as error:
        return f"unreadable ({error})", None
    if data == kind.old[f]:
        return "old", data
    if data == kind.new[f]:
        return "new", data
    return f"neither old nor new ({len(data)} bytes)", data


def store_state(kind: HomeKind, home: Path, reader: StoreReader) -> str:
    entries, error = reader.entries(home / TRUST_STORE)
    if entries is None:
        return f"store does not open ({error})"
    if entries == kind.store_old_entries:
        return "old"
    if entries == kind.store_new_entries:
        return "new"
    return f"store holds neither the old nor the new entries ({len(entries)} entries)"


def backup_copies(home: Path, backup_mode: str, backup_dir: Path, f: str) -> list[Path]:
    root = {"default": home / "backup" / "isconf", "backup-dir": backup_dir}.get(backup_mode)
    if root is None or not root.is_dir():
        return []
    return [run / f for run in sorted(root.iterdir()) if (run / f).is_file()]


def kill_rounds(kinds: list[HomeKind], args, checker: Checker, work: Path, reader: StoreReader) -> dict:
    rng = random.Random(args.seed)
    totals = {
        "rounds": 0, "killed": 0, "finished_before_kill": 0,
        "killed_before_any_write": 0, "killed_between_files": 0, "killed_before_the_store": 0,
        "killed_after_both_writes": 0, "killed_other_state": 0, "truncated_backups_left": 0,
        "temp_files_left_by_kill": 0, "temp_files_left_after_rerun": 0, "violations": 0,
        "store_rounds": 0, "store_killed_old": 0, "store_killed_new": 0, "stores_checked_by_keytool": 0,
    }
    per_kind = {k.name: {"rounds": 0, "killed": 0} for k in kinds}
    delays: list[float] = []
    violations: list[str] = []
    keep = work / "failures"
    kept_rounds: list[int] = []
    kinds_of: collections.Counter = collections.Counter()

    for n in range(args.rounds):
        kind = kinds[n % len(kinds)]
        backup_mode = BACKUP_MODES[(n // len(kinds)) % len(BACKUP_MODES)]
        round_dir = work / f"round-{n}"
        home = kind.fresh(round_dir / "home")
        backup_dir = round_dir / "backups"
        delay = rng.uniform(0.0, args.factor * kind.median)
        delays.append(delay)

        command = enable_args(args.binary, home, backup_mode, backup_dir, kind.extra)
        start = time.perf_counter()  # as in the timing runs: from spawn
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Sleep most of the delay, then spin, for sub-millisecond placement of the kill.
        while (left := delay - (time.perf_counter() - start)) > 0:
            if left > 0.002:
                time.sleep(left - 0.001)
        try:
            proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = proc.wait()
        killed = code == -signal.SIGKILL

        problems: list[str] = []
        states = {}
        for f in FILES:
            state, data = file_state(kind, home, f)
            states[f] = state
            if data is None or state not in ("old", "new"):
                problems.append(f"{f}: {state}")
            if data is not None and not checker.well_formed(home / f):
                problems.append(f"{f}: not well-formed")
            try:
                mode = stat.S_IMODE((home / f).stat().st_mode)
                if mode != kind.mode[f]:
                    problems.append(f"{f}: mode {mode:o}, was {kind.mode[f]:o}")
            except OSError:
                pass
            if backup_mode != "no-backup":
                copies = backup_copies(home, backup_mode, backup_dir, f)
                good = [c for c in copies if c.read_bytes() == kind.old[f]]
                totals["truncated_backups_left"] += len(copies) - len(good)
                if state == "new" and not good:
                    problems.append(f"{f}: replaced, but no complete backup of its old bytes")
        if kind.trust:
            totals["store_rounds"] += 1
            state = store_state(kind, home, reader)
            states[TRUST_STORE] = state
            if state not in ("old", "new"):
                problems.append(f"{TRUST_STORE}: {state}")
            if state == "new" and reader.keytool:
                totals["stores_checked_by_keytool"] += 1
                if reader.keytool_entries(home / TRUST_STORE) != kind.store_new_entries:
                    problems.append(f"{TRUST_STORE}: keytool does not list the new entries")
            if backup_mode != "no-backup":
                root = {"default": home / "backup" / "isconf", "backup-dir": backup_dir}[backup_mode]
                copies = [run / TRUST_STORE for run in sorted(root.iterdir())] if root.is_dir() else []
                copies = [c for c in copies if c.is_file()]
                good = [c for c in copies if c.read_bytes() == kind.store_old]
                totals["truncated_backups_left"] += len(copies) - len(good)
                if state == "new" and not good:
                    problems.append(f"{TRUST_STORE}: replaced, but no complete backup of its old bytes")
            try:
                if stat.S_IMODE((home / TRUST_STORE).stat().st_mode) != stat.S_IMODE((kind.template / TRUST_STORE).stat().st_mode):
                    problems.append(f"{TRUST_STORE}: mode changed")
            except OSError:
                pass
        left_over = temp_files(home, backup_dir)
        totals["temp_files_left_by_kill"] += bool(left_over)
        if left_over and args.temp_files == "strict":
            problems.append("temporary file(s) left: " + ", ".join(os.path.relpath(p, round_dir) for p in left_over))

        # In write order: catalina-server.xml, authenticators.xml, then the trust store.
        phase = tuple(states[f] for f in kind.written)
        if not killed:
            totals["finished_before_kill"] += 1
            if code != 0:
                problems.append(f"finished before the kill with exit status {code}")
            if set(phase) != {"new"}:
                problems.append(f"finished with exit status {code} but files are {phase}")
        else:
            totals["killed"] += 1
            per_kind[kind.name]["killed"] += 1
            if set(phase) == {"old"}:
                bucket = "killed_before_any_write"
            elif set(phase) == {"new"}:
                bucket = "killed_after_both_writes"
            elif phase[:2] == ("new", "old") and set(phase[2:]) <= {"old"}:
                bucket = "killed_between_files"
            elif phase == ("new", "new", "old"):
                bucket = "killed_before_the_store"
            else:
                bucket = "killed_other_state"
            totals[bucket] += 1
            if kind.trust and phase[-1] in ("old", "new"):
                totals["store_killed_" + phase[-1]] += 1

        kept = False
        if problems and len(kept_rounds) < 20:  # as the kill left it, before the recovery run
            keep.mkdir(exist_ok=True)
            shutil.copytree(round_dir, keep / f"round-{n}", symlinks=True)
            kept_rounds.append(n)
            kept = True

        # Recovery: a normal run afterwards must converge to the new bytes (even past a stray temp file).
        if all(state in ("old", "new") for state in states.values()):
            rcode, _, err = run_to_completion(enable_args(args.binary, home, backup_mode, backup_dir, kind.extra))
            if rcode != 0:
                problems.append(f"re-run after the kill exited {rcode}: {err.strip()}")
            for f in FILES:
                if (home / f).read_bytes() != kind.new[f]:
                    problems.append(f"re-run after the kill left {f} without its new bytes")
            if kind.trust and store_state(kind, home, reader) != "new":
                problems.append(f"re-run after the kill left {TRUST_STORE} without the new entries")
        still = temp_files(home, backup_dir)
        totals["temp_files_left_after_rerun"] += bool(still)
        if still and args.temp_files == "next-run":
            problems.append("temporary file(s) still there after a re-run: "
                            + ", ".join(os.path.relpath(p, round_dir) for p in still))

        totals["rounds"] += 1
        per_kind[kind.name]["rounds"] += 1
        if problems:
            totals["violations"] += 1
            description = (f"round {n} ({kind.name}, {backup_mode}, delay {delay * 1000:.3f} ms, "
                           f"{'killed' if killed else f'exit {code}'}): " + "; ".join(problems))
            violations.append(description)
            for problem in problems:
                kinds_of[problem.split(":")[0] if problem.startswith("temporary") else problem] += 1
            print("VIOLATION " + description, file=sys.stderr)
            if not kept and len(kept_rounds) < 20:
                keep.mkdir(exist_ok=True)
                shutil.move(str(round_dir), keep / f"round-{n}")
                kept_rounds.append(n)
        if round_dir.exists():
            shutil.rmtree(round_dir)
        if args.progress and (n + 1) % args.progress == 0:
            print(f"  {n + 1}/{args.rounds} rounds, {totals['killed']} killed, {totals['violations']} violations",
                  file=sys.stderr)

    return {"totals": totals, "per_kind": per_kind, "violations": violations, "violation_kinds": dict(kinds_of),
            "delay_ms": {"min": min(delays) * 1000, "median": statistics.median(delays) * 1000,
                         "max": max(delays) * 1000}}


def bad_inputs(kinds: list[HomeKind], binary: str, work: Path) -> tuple[int, list[str], list[str]]:
    """Bad input reaching enable: exit 2, a message naming the file, nothing written."""
    sample = kinds[0]
    trust = next((k for k in kinds if k.trust), None)
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE Server [<!ENTITY x "y">]>\n<Server/>\n'
    cases = [
        ("catalina truncated mid-tag", CATALINA, lambda p: p.write_bytes(sample.old[CATALINA][:700])),
        ("authenticators malformed (catalina fine)", AUTHENTICATORS,
         lambda p: p.write_bytes(sample.old[AUTHENTICATORS].replace(b"</Authenticators>", b"</Authenticator>"))),
        ("catalina with a DOCTYPE", CATALINA, lambda p: p.write_bytes(doctype)),
        ("empty authenticators", AUTHENTICATORS, lambda p: p.write_bytes(b"")),
        ("catalina in UTF-16", CATALINA,
         lambda p: p.write_bytes(sample.old[CATALINA].decode().replace("utf-8", "utf-16").encode("utf-16"))),
        ("catalina without an HTTPS connector", CATALINA,
         lambda p: p.write_bytes(b'<?xml version="1.0"?>\n<Server port="8005"><Service name="Catalina">'
                                 b'<Connector port="9763"/></Service></Server>\n')),
        ("read-only catalina (mode 444)", CATALINA, lambda p: os.chmod(p, 0o444)),
        ("catalina is a FIFO", CATALINA, lambda p: (p.unlink(), os.mkfifo(p))),
    ]
    if trust:
        # Named in the error: the store, which does not open with the password the connector gives.
        cases.append(("--trust-client-cert, the connector's trust store password wrong", TRUST_STORE,
                      lambda p: (p.parents[3] / CATALINA).write_bytes(sample.old[CATALINA].replace(
                          f'truststorePass="{TRUST_STORE_PASSWORD}"'.encode(), b'truststorePass="not-the-password"'))))
    violations: list[str] = []
    notes: list[str] = []
    for i, (name, target, damage) in enumerate(cases):
        home = sample.fresh(work / f"bad-{i}")
        damage(home / target)
        extra = trust.extra if target == TRUST_STORE else []
        watched = FILES + ((TRUST_STORE,) if target == TRUST_STORE else ())
        before = {}
        for f in watched:
            st = (home / f).lstat()
            before[f] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_ino,
                         (home / f).read_bytes() if stat.S_ISREG(st.st_mode) else None)
        try:
            proc = subprocess.run([binary, "enable"] + extra + [str(home)], capture_output=True, timeout=30)
            code, err = proc.returncode, proc.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            code, err = None, "(timed out after 30 s)"
        problems = []
        if code != 2:
            problems.append(f"exit status {code}, expected 2")
        if "isconf: error:" not in err or target.split("/")[-1] not in err:
            problems.append(f"no error line naming {target}: {err.strip()!r}")
        for f in watched:
            st = (home / f).lstat()
            after = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_ino,
                     (home / f).read_bytes() if stat.S_ISREG(st.st_mode) else None)
            if after != before[f]:
                problems.append(f"{f} was changed")
        if (home / "backup").exists():
            problems.append("a backup folder was created")
        if temp_files(home):
            problems.append("temporary file left")
        if problems:
            violations.append(f"bad input '{name}': " + "; ".join(problems))
            print("VIOLATION " + violations[-1], file=sys.stderr)
        shutil.rmtree(home)

    # The same promise for an error at write time on the SECOND file, after the first was written:
    # authenticators.xml on a full file system (a 64 KiB tmpfs, filled). isconf must put
    # catalina-server.xml back (exit 2, both files as they were, no backup run left).
    home = sample.fresh(work / "bad-second-full-disk")
    security = home / AUTHENTICATORS.rsplit("/", 1)[0]
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(security)], capture_output=True).returncode != 0:
        notes.append("full disk on the second file: skipped (mount -t tmpfs not permitted)")
    else:
        try:
            (home / AUTHENTICATORS).write_bytes(sample.old[AUTHENTICATORS])
            with open(security / "filler", "wb", buffering=0) as filler:  # unbuffered: close has nothing left to flush
                try:
                    while True:
                        filler.write(b"\0" * 4096)
                except OSError:
                    pass
            proc = subprocess.run([binary, "enable", str(home)], capture_output=True, timeout=30)
            problems = []
            if proc.returncode != 2:
                problems.append(f"exit status {proc.returncode}, expected 2")
            for f in FILES:
                if (home / f).read_bytes() != sample.old[f]:
                    problems.append(f"{f} left changed")
            runs = [r for r in (home / "backup/isconf").iterdir()] if (home / "backup/isconf").exists() else []
            if runs:
                problems.append(f"backup runs left: {[r.name for r in runs]}")
            if problems:
                violations.append("full disk on the second file: " + "; ".join(problems))
                print("VIOLATION " + violations[-1], file=sys.stderr)
        finally:
            subprocess.run(["umount", str(security)], capture_output=True)
    cases.append(("full disk on the second file", AUTHENTICATORS, None))
    shutil.rmtree(home)
    return len(cases), violations, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / ".build-stress/release/isconf"))
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time-based, printed)")
    parser.add_argument("--factor", type=float, default=1.2, help="kill delay range, as a multiple of the median run time")
    parser.add_argument("--timing-runs", type=int, default=40, help="normal runs per home kind to measure the median")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--workdir", default=None, help="scratch folder (default: a new temporary folder, removed afterwards)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--progress", type=int, default=250)
    parser.add_argument("--no-bad-inputs", action="store_true")
    parser.add_argument("--temp-files", choices=("strict", "next-run"), default="strict",
                        help="strict (default): a *.isconf-*.tmp left by the kill is a violation; next-run: only "
                             "one still there after the re-run is (renaming a temp file over the original always "
                             "leaves a moment where a SIGKILL strands it)")
    args = parser.parse_args()

    if not os.access(args.binary, os.X_OK):
        fail_setup(f"no binary at {args.binary} (build it: swift build -c release --static-swift-stdlib)")
    args.binary = str(Path(args.binary).resolve())
    if args.rounds < 1:
        fail_setup("--rounds must be at least 1")
    if args.seed is None:
        args.seed = int(time.time())
    random.seed(args.seed)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="isconf-kill-"))
    work.mkdir(parents=True, exist_ok=True)
    checker = Checker()
    started = time.time()
    kinds = make_templates(work, Path(args.corpus), args.binary)
    reader = StoreReader(args.binary)
    for kind in kinds:
        prepare(kind, args.binary, work, args.timing_runs, reader)
        print(f"kill_test: {kind.name}: normal run {kind.median * 1000:.2f} ms median "
              f"(min {min(kind.times) * 1000:.2f}, max {max(kind.times) * 1000:.2f}, {len(kind.times)} runs); "
              f"kill delays 0..{args.factor * kind.median * 1000:.2f} ms", file=sys.stderr)
    print(f"kill_test: {args.rounds} rounds, seed {args.seed}, parse check by "
          f"{'xmllint' if checker.xmllint else 'expat (no xmllint)'}", file=sys.stderr)

    result = kill_rounds(kinds, args, checker, work, reader)
    bad_count, bad_violations, notes = (0, [], []) if args.no_bad_inputs else bad_inputs(kinds, args.binary, work)
    elapsed = time.time() - started

    t = result["totals"]
    violations = result["violations"] + bad_violations
    print()
    per_kind = ", ".join(f"{k}: {v['rounds']}" for k, v in result["per_kind"].items())
    print(f"rounds: {t['rounds']} ({per_kind})")
    print(f"median normal run: " + ", ".join(f"{k.name} {k.median * 1000:.2f} ms" for k in kinds))
    print(f"kill delays: {result['delay_ms']['min']:.3f}..{result['delay_ms']['max']:.3f} ms "
          f"(median {result['delay_ms']['median']:.3f} ms)")
    print(f"killed: {t['killed']}  (before any write: {t['killed_before_any_write']}, between the two files: "
          f"{t['killed_between_files']}, between the files and the trust store: {t['killed_before_the_store']}, "
          f"after every write: {t['killed_after_both_writes']}, other: {t['killed_other_state']})")
    if t["store_rounds"]:
        print(f"--trust-client-cert rounds: {t['store_rounds']}; stores left by kills with the old entries: "
              f"{t['store_killed_old']}, with the new: {t['store_killed_new']}; new stores also listed by keytool: "
              f"{t['stores_checked_by_keytool']}")
    print(f"finished before the kill: {t['finished_before_kill']}")
    print(f"rounds leaving a *.isconf-*.tmp: {t['temp_files_left_by_kill']} right after the kill, "
          f"{t['temp_files_left_after_rerun']} still after a re-run to completion (--temp-files {args.temp_files})")
    print(f"truncated backup copies left by kills (note): {t['truncated_backups_left']}")
    if not args.no_bad_inputs:
        print(f"bad inputs: {bad_count} cases, {len(bad_violations)} violations")
        for note in notes:
            print(f"note: {note}")
    print(f"violations: {len(violations)}")
    for what, count in sorted(result["violation_kinds"].items(), key=lambda item: -item[1]):
        print(f"  {count} x {what}")
    for v in violations[:20]:
        print(f"  {v}")
    if len(violations) > 20:
        print(f"  ... and {len(violations) - 20} more")
    if result["violations"]:
        print(f"(the first failing rounds are kept, as the kill left them, in {work / 'failures'})")
    print(f"elapsed: {elapsed:.1f} s")

    if args.json:
        figures = {"seed": args.seed, "elapsed_s": elapsed, "factor": args.factor,
                   "median_run_ms": {k.name: k.median * 1000 for k in kinds},
                   "delay_ms": result["delay_ms"], **t, "per_kind": result["per_kind"],
                   "violation_kinds": result["violation_kinds"],
                   "bad_input_cases": bad_count, "bad_input_violations": bad_violations,
                   "notes": notes, "violation_list": violations}
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")

    if not args.workdir and not result["violations"]:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
