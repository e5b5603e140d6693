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
import os
import platform
import shutil
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as `python3 bench/bench.py`: the repository root goes first on the path, so `bench` is
    # this folder's package and not this file.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.measure import rss_floor_kib
from bench.report import render_text, update_readme, write_results
from bench.rows_binary import bench_binary, binary_rows
from bench.rows_enable import bench_enable, enable_raw, enable_rows
from bench.rows_lint import (bench_fleet, bench_many_attributes, bench_single, fleet_raw, fleet_rows,
                             many_attributes_rows, single_raw, single_rows, single_rss_kib, single_rss_row)
from bench.rows_truststore import bench_truststore, truststore_rows
from bench.rows_watch import bench_watch, watch_rows, watch_summary
from bench.settings import (FLEET_HOMES, ROOT, TARGET_RSS_MIB, TARGET_WATCH_RSS_MIB, TARGET_WATCH_SLACK_MS,
                            WATCH_DEBOUNCE_MS)
from bench.tools import ensure_xmlstarlet, tool_version


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
        floor = rss_floor_kib()
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

    load_before = os.getloadavg()[0]
    single = bench_single(binary, single_pairs, single_warmup)
    enable = bench_enable(binary, enable_pairs, enable_warmup)

    print("bench: peak RSS ...", flush=True)
    floor = rss_floor_kib()
    rss_1, rss_xml_1 = single_rss_kib(binary, single_rss_runs)

    fleet = bench_fleet(binary, fleet_pairs, fleet_warmup, fleet_rss_runs)

    truststore = bench_truststore(binary, args.quick)
    many_attributes = bench_many_attributes(binary, args.quick)
    watch = bench_watch(binary, args.quick)
    binary_facts = bench_binary(binary)

    fleet_speed_row, fleet_rss_row = fleet_rows(fleet, floor)
    rows = [
        *single_rows(single),
        *enable_rows(enable),
        fleet_speed_row,
        single_rss_row(rss_1, rss_xml_1, floor),
        fleet_rss_row,
        *binary_rows(binary_facts),
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
          f"ldd: {binary_facts['ldd']}; "
          f"RSS helper floor {floor / 1024:.1f} MiB")
    print(watch_summary(watch))

    if args.quick:
        # A handful of runs is too noisy to publish; keep the committed figures.
        print("bench: --quick, results files left untouched")
        return 0

    raw = {
        "single": single_raw(single),
        "enable": enable_raw(enable),
        "fleet": fleet_raw(fleet),
        "rss": {"isconf_single_peak_kib": rss_1, "xmllint_single_peak_kib": rss_xml_1,
                "isconf_fleet_peak_kib": fleet["isconf_peak_kib"], "target_max_mib": TARGET_RSS_MIB},
        "binary": {"size_bytes": binary_facts["size_bytes"], "static_swift_stdlib": binary_facts["static_swift_stdlib"]},
        "watch": {**watch, "target_p99_ms": WATCH_DEBOUNCE_MS + TARGET_WATCH_SLACK_MS,
                  "target_idle_cpu_ticks": 0, "target_idle_wakeups": 0, "target_rss_max_mib": TARGET_WATCH_RSS_MIB},
    }
    table_md = write_results(rows, meta, binary_facts["ldd"], raw)
    if args.no_readme:
        print("bench: wrote bench/results.md, bench/results.json (--no-readme: README.md left alone)")
        return 0
    readme = update_readme(table_md)
    print("bench: wrote bench/results.md, bench/results.json"
          + (", README.md bench section" if readme else " (README.md has no bench markers; left alone)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
