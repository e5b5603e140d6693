"""The benchmark package's pure parts, without the release binary: statistics, interleaving, the
table and results files (rebuilt from the committed bench/results.json), the README section, and
the daemon driver against a stand-in daemon. Seconds, not minutes: `make bench` does the measuring.

Run: python3 -m pytest -q Tests/bench
"""

import json
import os
import re
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The repository root only while importing the package: it also holds a `packaging` folder, which
# must not stand in the way of the PyPI package of that name in the other test folders.
sys.path.insert(0, str(REPO))
try:
    import bench
    from bench import daemon, fixtures, measure, procfs, report, rows_enable, rows_lint, rows_truststore, rows_watch
    from bench.settings import AUTHENTICATORS, CATALINA, SAMPLE
finally:
    sys.path.remove(str(REPO))

RESULTS_JSON = REPO / "bench" / "results.json"
RESULTS_MD = REPO / "bench" / "results.md"
RERUN = "the committed bench/results.* no longer match what the code renders; run `make bench` to regenerate them"


def committed_results() -> dict:
    return json.loads(RESULTS_JSON.read_text(encoding="utf-8"))


def committed_rows(data: dict) -> list[report.Row]:
    return [report.Row(**row) for row in data["measurements"]]


def committed_row(data: dict, measurement: str) -> report.Row:
    return next(row for row in committed_rows(data) if row.measurement == measurement)


def test_the_package_map_names_every_module():
    documented = set(re.findall(r"^    (\w+) {2,}", bench.__doc__, re.M))
    on_disk = {p.stem for p in (REPO / "bench").glob("*.py")} - {"__init__", "bench"}
    assert documented == on_disk


def test_every_module_stays_small():
    for path in (REPO / "bench").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_median_and_percentiles():
    runs = [measure.Run(ms / 1000, 0) for ms in (10, 1, 9, 2, 8, 3, 7, 4, 6, 5)]
    assert measure.median_ms(runs) == pytest.approx(5.5)
    assert measure.p90_ms(runs) == pytest.approx(9.1)  # inclusive: inside the observed range
    assert measure.p99([float(v) for v in range(1, 101)]) == pytest.approx(99.01)


def test_a_job_stops_at_its_first_failing_process(tmp_path):
    never = tmp_path / "never"
    run = measure.run_once([["true"], ["false"], ["touch", str(never)]])
    assert run.status == 1 and run.seconds > 0
    assert not never.exists()


def test_interleave_alternates_the_contenders_after_their_warmups(tmp_path):
    log = tmp_path / "order"

    def job(name):
        return lambda i: [["sh", "-c", f'echo {name}{i} >> "$0"', str(log)]]

    runs_a, runs_b = measure.interleave(job("a"), job("b"), pairs=2, warmup=1)
    assert log.read_text().split() == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert [r.status for r in runs_a + runs_b] == [0, 0, 0, 0]


def test_an_unexpected_exit_status_stops_the_benchmark():
    with pytest.raises(SystemExit, match=r"isconf exited with \[2\] \(expected \[0, 1\]\)"):
        measure.check_statuses("isconf", [measure.Run(0.01, 1), measure.Run(0.01, 2)], {0, 1})
    measure.check_statuses("isconf", [measure.Run(0.01, 1)], {0, 1})


def test_ratios_never_round_onto_their_target():
    assert report.fmt_ratio(19.97, 20.0) == "19.97×"
    assert report.fmt_ratio(2.505, 2.5) == "2.505×"
    assert report.fmt_ratio(2.5, 2.5) == "2.50×"
    assert report.fmt_ratio(37.488) == "37.49×"


def test_a_reading_within_the_helpers_floor_is_a_bound():
    assert report.rss_bound_cell(5116, 5100) == "≤ 5.0 MiB"
    assert report.rss_bound_cell(15988, 5100) == "15.6 MiB"


def test_the_text_table_aligns_its_columns():
    rows = [report.Row("a long measurement", "1 ms", "2 ms", "0.50×", "≤ 2×", True),
            report.Row("short", "10 ms", "—", "—", "—", None)]
    assert report.render_text(rows).splitlines() == [
        "measurement         isconf  reference  ratio  target  met",
        "------------------  ------  ---------  -----  ------  ---",
        "a long measurement  1 ms    2 ms       0.50×  ≤ 2×    yes",
        "short               10 ms   —          —      —       —",
    ]


def test_the_results_files_are_rewritten_byte_for_byte_from_their_own_numbers(tmp_path):
    data = committed_results()
    meta = {k: v for k, v in data.items() if k not in ("ldd", "raw", "measurements")}
    table_md = report.write_results(committed_rows(data), meta, data["ldd"], data["raw"], bench_dir=tmp_path)
    assert (tmp_path / "results.md").read_text(encoding="utf-8") == RESULTS_MD.read_text(encoding="utf-8"), RERUN
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == RESULTS_JSON.read_text(encoding="utf-8"), RERUN
    assert table_md.startswith("| measurement | isconf | reference | ratio | target | met |\n|---|---:|---:|---:|---|---|\n")


def test_rows_rebuilt_from_the_committed_raw_numbers_are_the_committed_rows():
    data, raw = committed_results(), committed_results()["raw"]
    floor = data["rss_floor_kib"]
    names = {Path(rel).name: rel for rel in (CATALINA, AUTHENTICATORS)}
    enable = {**raw["enable"], "changes": {
        names[name]: (rows_enable.LineChanges(**c["isconf"]), rows_enable.LineChanges(**c["xmlstarlet"]))
        for name, c in raw["enable"]["changed_lines"].items()}}
    fleet = {**raw["fleet"], "isconf_peak_kib": raw["rss"]["isconf_fleet_peak_kib"]}
    rebuilt = [
        *rows_enable.enable_rows(enable),
        *rows_lint.fleet_rows(fleet, floor),
        rows_lint.single_rss_row(raw["rss"]["isconf_single_peak_kib"], raw["rss"]["xmllint_single_peak_kib"], floor),
        *rows_truststore.truststore_rows(data["truststore"]),
        *rows_lint.many_attributes_rows(data["many_attributes"]),
        *rows_watch.watch_rows(raw["watch"]),
    ]
    committed = {row.measurement: row for row in committed_rows(data)}
    for row in rebuilt:
        assert committed.get(row.measurement) == row, RERUN
    assert rows_enable.enable_raw(enable) == raw["enable"]
    assert rows_lint.fleet_raw(fleet) == raw["fleet"]


def test_the_readme_section_is_replaced_between_its_markers_only(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench:start -->\nold table\n<!-- bench:end -->\nafter\n", encoding="utf-8")
    assert report.update_readme("| new |\n", readme)
    assert readme.read_text(encoding="utf-8") == "intro\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\nafter\n"

    unmarked = tmp_path / "UNMARKED.md"
    unmarked.write_text("no markers here\n", encoding="utf-8")
    assert not report.update_readme("| new |\n", unmarked)
    assert unmarked.read_text(encoding="utf-8") == "no markers here\n"
    assert not report.update_readme("| new |\n", tmp_path / "missing.md")


def test_changed_lines_count_the_longer_side_of_each_block():
    changes = rows_enable.line_changes(b"a\nb\nc\n", b"a\nB\nc\nd\n")
    assert (changes.changed, changes.removed, changes.added) == (2, 1, 2)
    assert changes.cell() == "2 (−1/+2)"
    assert rows_enable.line_changes(b"same\n", b"same\n").changed == 0


def test_the_fleets_stores_go_where_the_samples_connector_names_them():
    stores = fixtures.connector_stores()
    assert stores["keystore"].relative == "repository/resources/security/wso2carbon.jks"
    assert stores["truststore"].relative == "repository/resources/security/client-truststore.jks"
    assert stores["keystore"].password and stores["truststore"].password


def test_homes_are_fresh_copies_of_the_sample(tmp_path):
    homes = fixtures.make_homes(str(tmp_path), "run", 2)
    assert [Path(h).name for h in homes] == ["run-0000", "run-0001"]
    for home in homes:
        assert (Path(home) / CATALINA).read_bytes() == (REPO / SAMPLE / CATALINA).read_bytes()


def test_both_save_styles_leave_the_new_bytes_and_nothing_else(tmp_path):
    path = tmp_path / "catalina-server.xml"
    path.write_bytes(b"old")
    inode = path.stat().st_ino
    daemon.save_in_place(path, b"in place")
    assert path.read_bytes() == b"in place" and path.stat().st_ino == inode
    daemon.save_by_rename(path, b"renamed")
    assert path.read_bytes() == b"renamed" and path.stat().st_ino != inode
    assert [p.name for p in tmp_path.iterdir()] == ["catalina-server.xml"]


def test_waiting_for_content_returns_when_seen_and_none_on_timeout(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"want")
    before = time.monotonic()
    seen = daemon.wait_for_content(path, b"want", timeout=1)
    assert seen is not None and before <= seen <= time.monotonic()
    assert daemon.wait_for_content(path, b"other", timeout=0.02) is None


def test_log_times_are_utc():
    assert daemon.log_time("2026-12-04T04:52:00.125Z") == pytest.approx(1796359920.125)


def test_proc_readings_of_this_process():
    pid = os.getpid()
    assert procfs.proc_cpu_ticks(pid) >= 0
    assert pid in procfs.proc_tasks(pid)
    assert procfs.proc_status_kib(pid, "VmHWM") > 0
    with pytest.raises(SystemExit, match="no NoSuchField"):
        procfs.proc_status_kib(pid, "NoSuchField")


# A stand-in for isconf that behaves as the driver expects of `isconf watch`: READY=1 on
# NOTIFY_SOCKET, JSON log lines on stderr, exit 0 on SIGTERM. FAKE_EXIT makes it die before READY.
FAKE_ISCONF = textwrap.dedent("""\
    #!{python}
    import json, os, signal, socket, sys, time
    if os.environ.get("FAKE_EXIT"):
        sys.exit(int(os.environ["FAKE_EXIT"]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({{"message": "watching", "files": 2, "argv": sys.argv[1:]}}), file=sys.stderr, flush=True)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.sendto(b"STATUS=checked\\nREADY=1", os.environ["NOTIFY_SOCKET"])
    while True:
        time.sleep(1)
""")


@pytest.fixture
def fake_isconf(tmp_path):
    path = tmp_path / "isconf"
    path.write_text(FAKE_ISCONF.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_the_daemon_driver_waits_for_ready_reads_the_log_and_stops_cleanly(fake_isconf, tmp_path):
    with daemon.WatchDaemon(fake_isconf, ["--no-backup", "HOME"], str(tmp_path), "fake") as watch:
        watch.start(timeout=10)
        assert watch.ready.is_set()
        watching = watch.first_event("watching")
        assert watching["files"] == 2
        assert watching["argv"] == ["watch", "--log-format", "json", "--no-backup", "HOME"]
        assert watch.first_event("corrected") is None
        watch.stop_checked()
    assert watch.status == 0
    assert not Path(watch.socket_dir).exists()


def test_the_daemon_driver_stops_the_benchmark_when_the_daemon_dies_before_ready(fake_isconf, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_EXIT", "3")
    with pytest.raises(SystemExit, match=r"isconf watch \(dying\) exited 3 before READY=1"):
        daemon.WatchDaemon(fake_isconf, [], str(tmp_path), "dying").start(timeout=10)


def test_a_daemon_that_ignores_sigterm_is_killed(fake_isconf, tmp_path):
    with daemon.WatchDaemon(fake_isconf, [], str(tmp_path), "stubborn") as watch:
        watch.start(timeout=10)
        os.kill(watch.pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
        assert watch.stop(timeout=0.2) == -signal.SIGKILL
