"""`isconf truststore list` against `keytool -list` on the same JKS store, after a check that both
list the same aliases and fingerprints."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile

from .fixtures import make_listing_store
from .measure import check_statuses, interleave, median_ms, p90_ms, same_job
from .report import Row, fmt_ratio
from .settings import TRUSTSTORE_PASSWORD, TRUSTSTORE_TRUSTED


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
        store = make_listing_store(keytool, scratch)
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

