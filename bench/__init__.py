"""The benchmark behind `make bench`, one module per job; `bench/bench.py` is the entry point.

    settings         where the inputs are, how many runs, and the targets each row is judged by
    measure          whole-process timing, interleaving, statistics, peak RSS
    fixtures         IS_HOMEs copied from the sample, the fleet and its real-sized key stores
    tools            the reference tools (xmllint, xmlstarlet) and their versions
    procfs           what /proc says about a running daemon: CPU ticks, wake-ups, memory
    daemon           the one `isconf watch` driver: start, READY=1, saves, corrected files, stop
    rows_lint        lint of one IS_HOME, start-up, the 1,000-home fleet, a hostile element
    rows_enable      `isconf enable` against xmlstarlet, and the lines each changed
    rows_truststore  `isconf truststore list` against keytool
    rows_binary      the binaries' sizes and their static Swift standard library
    rows_watch       the daemon: drift → corrected, idle cost, memory over a fleet
    report           the table as text and markdown, results.md, results.json, the README section

Standard library only, so it runs wherever the release binary is built.
"""
