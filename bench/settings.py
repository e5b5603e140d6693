"""Where the benchmark's inputs are, how large its fleets are, and the targets each row is judged by."""

from __future__ import annotations

from pathlib import Path

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
# Readings this close to the RSS helper's own footprint (see measure.RSS_HELPER) are only bounds.
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

# `isconf truststore list` against `keytool -list`: a store like an IS client-truststore.jks.
TRUSTSTORE_TRUSTED = 10  # trusted certificates beside the key pair in the benchmark's store
TRUSTSTORE_PASSWORD = "bench-store-pass"
