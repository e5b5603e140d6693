"""The results as people read them: the table as text (the console) and markdown (bench/results.md,
the README section), and bench/results.json for tooling."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .settings import (BENCH_DIR, FLEET_TRUSTED_CAS, MARK_END, MARK_START, README, RSS_FLOOR_SLACK_KIB, SAMPLE,
                       WATCH_DEBOUNCE_MS)


@dataclass
class Row:
    measurement: str
    isconf: str
    reference: str
    ratio: str
    target: str
    met: bool | None  # None: reported for information, no target


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


def write_results(rows: list[Row], meta: dict, ldd: str, raw: dict, bench_dir: Path = BENCH_DIR) -> str:
    """bench/results.md (the table and its notes) and bench/results.json (meta, raw numbers, rows);
    returns the markdown, which the README's section also holds."""
    table_md = render_markdown(rows, meta)
    (bench_dir / "results.md").write_text("# isconf benchmark\n\n" + table_md, encoding="utf-8")
    data = {
        **meta,
        "ldd": ldd,
        "raw": raw,  # numbers, so tooling need not parse the formatted cells
        "measurements": [asdict(r) for r in rows],
    }
    (bench_dir / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return table_md


def update_readme(table_md: str, readme: Path = README) -> bool:
    """Puts the table between the README's bench markers; False when there is no README or no markers."""
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start < 0 or end < start:
        return False
    new = text[: start + len(MARK_START)] + "\n" + table_md + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return True

