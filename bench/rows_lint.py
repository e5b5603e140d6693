"""`isconf lint` against xmllint: one IS_HOME (and start-up alone), its peak RSS, the fleet of
1,000 IS_HOMEs against the shell loop an operator would write, and a hostile element isconf must
refuse in milliseconds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .fixtures import fleet_stores, make_fleet
from .measure import check_statuses, interleave, median_ms, p90_ms, peak_rss_kib, run_once, same_job
from .report import Row, fmt_ratio, rss_bound_cell
from .settings import (FLEET_HOMES, LINT_OK, ROOT, RSS_FLOOR_SLACK_KIB, SAMPLE, SAMPLE_FILES, TARGET_FLEET_SPEEDUP,
                       TARGET_RSS_MIB, TARGET_SINGLE_RATIO, TARGET_VERSION_RATIO)

# The loop an operator would write; the directory is passed as $1 so no path is
# ever spliced into shell source.
XMLLINT_LOOP = (
    'for f in "$1"/*/repository/conf/tomcat/catalina-server.xml'
    ' "$1"/*/repository/conf/security/authenticators.xml;'
    ' do xmllint --noout "$f"; done'
)


def single_argvs(binary: str) -> tuple[list[str], list[str]]:
    """isconf's full lint of the sample and xmllint's well-formedness check of its two files."""
    return [binary, "lint", SAMPLE, "--format", "text"], ["xmllint", "--noout", *SAMPLE_FILES]


def bench_single(binary: str, pairs: int, warmup: int) -> dict:
    """One IS_HOME, then `--version` (start-up alone), each `pairs` interleaved pairs after `warmup`."""
    isconf_single, xmllint_single = single_argvs(binary)
    print(f"bench: one IS_HOME, {pairs} interleaved pairs ...", flush=True)
    iso_1, xml_1 = interleave(same_job(isconf_single), same_job(xmllint_single), pairs, warmup)
    check_statuses("isconf (one IS_HOME)", iso_1, LINT_OK)
    check_statuses("xmllint (one IS_HOME)", xml_1, {0})

    print(f"bench: --version, {pairs} interleaved pairs ...", flush=True)
    iso_v, xml_v = interleave(same_job([binary, "--version"]), same_job(["xmllint", "--version"]), pairs, warmup)
    check_statuses("isconf --version", iso_v, {0})
    check_statuses("xmllint --version", xml_v, {0})
    return {"isconf_median_ms": median_ms(iso_1), "xmllint_median_ms": median_ms(xml_1),
            "isconf_p90_ms": p90_ms(iso_1), "xmllint_p90_ms": p90_ms(xml_1),
            "ratio": median_ms(iso_1) / median_ms(xml_1),
            "version_isconf_median_ms": median_ms(iso_v), "version_xmllint_median_ms": median_ms(xml_v),
            "version_ratio": median_ms(iso_v) / median_ms(xml_v)}


def single_rows(s: dict) -> list[Row]:
    """Median and p90 wall time of one IS_HOME, then start-up alone."""
    r_single, r_version = s["ratio"], s["version_ratio"]
    return [
        Row("lint one IS_HOME, median wall", f"{s['isconf_median_ms']:.2f} ms", f"{s['xmllint_median_ms']:.2f} ms",
            fmt_ratio(r_single, TARGET_SINGLE_RATIO), f"≤ {TARGET_SINGLE_RATIO}×", r_single <= TARGET_SINGLE_RATIO),
        Row("lint one IS_HOME, p90 wall", f"{s['isconf_p90_ms']:.2f} ms", f"{s['xmllint_p90_ms']:.2f} ms",
            fmt_ratio(s["isconf_p90_ms"] / s["xmllint_p90_ms"]), "—", None),
        Row("--version, median wall (start-up alone)", f"{s['version_isconf_median_ms']:.2f} ms",
            f"{s['version_xmllint_median_ms']:.2f} ms", fmt_ratio(r_version, TARGET_VERSION_RATIO),
            f"≤ {TARGET_VERSION_RATIO}×", r_version <= TARGET_VERSION_RATIO),
    ]


def single_raw(s: dict) -> dict:
    """The one-IS_HOME numbers for results.json."""
    return {"isconf_median_ms": s["isconf_median_ms"], "xmllint_median_ms": s["xmllint_median_ms"],
            "isconf_p90_ms": s["isconf_p90_ms"], "xmllint_p90_ms": s["xmllint_p90_ms"], "ratio": s["ratio"],
            "target_max_ratio": TARGET_SINGLE_RATIO}


def single_rss_kib(binary: str, runs: int) -> tuple[int, int]:
    """Peak RSS of isconf's and xmllint's runs on one IS_HOME."""
    isconf_single, xmllint_single = single_argvs(binary)
    return peak_rss_kib(isconf_single, runs, LINT_OK), peak_rss_kib(xmllint_single, runs, {0})


def single_rss_row(rss_1: int, rss_xml_1: int, floor: int) -> Row:
    rss_ratio_cell = ("≥ " if rss_xml_1 <= floor + RSS_FLOOR_SLACK_KIB else "") + fmt_ratio(rss_1 / rss_xml_1)
    return Row("peak RSS, lint one IS_HOME", rss_bound_cell(rss_1, floor), rss_bound_cell(rss_xml_1, floor),
               rss_ratio_cell, f"≤ {TARGET_RSS_MIB:.0f} MiB", rss_1 / 1024 <= TARGET_RSS_MIB)


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


def fleet_raw(f: dict) -> dict:
    """The fleet's numbers for results.json."""
    return {"isconf_median_ms": f["isconf_median_ms"], "xmllint_loop_median_ms": f["xmllint_loop_median_ms"],
            "speedup": f["speedup"], "target_min_speedup": TARGET_FLEET_SPEEDUP, "stores": f["stores"]}


# A Connector start tag no XML parser should be handed: isconf must refuse it in milliseconds.
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

