#!/usr/bin/env bash
# make fuzz: runs the libFuzzer build of ISConfFuzz for FUZZ_SECONDS (default 300).
#
#   FUZZ_SECONDS=600 stress/fuzz.sh .build-fuzz/release/ISConfFuzz
#
# The working corpus lives outside the repository (FUZZ_WORK, default .build-fuzz/corpus) and
# grows from run to run; it starts from stress/fuzz-seeds/ plus, when present, the WSO2 XML files
# in ../shared/corpus/wso2/ (copied at run time, never into the repository). Crashes and broken
# promises (a fix accepted by the verifier that does not re-parse, lint clean or stay put) are
# saved to stress/fuzz-crashes/; replay one with: <binary> stress/fuzz-crashes/<file>.
# Exit status: libFuzzer's (0 when nothing was found).
set -uo pipefail

binary=${1:?usage: stress/fuzz.sh PATH/TO/ISConfFuzz}
seconds=${FUZZ_SECONDS:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-$root/.build-fuzz/corpus}
corpus=${FUZZ_CORPUS:-$root/../shared/corpus/wso2}
crashes=$root/stress/fuzz-crashes
log=$root/.build-fuzz/fuzz-$(date -u +%Y%m%dT%H%M%SZ).log

mkdir -p "$work" "$crashes" "$(dirname "$log")"
cp -n "$root"/stress/fuzz-seeds/* "$work"/ 2>/dev/null || true
if [ -d "$corpus" ]; then
  for f in "$corpus"/*.xml@*; do
    dest="$work/wso2-$(basename "$f")"
    [ -e "$dest" ] || { cp "$f" "$dest" && chmod u+w "$dest"; }
  done
else
  echo "fuzz: $corpus not found; fuzzing from stress/fuzz-seeds/ only"
fi

marker=$(mktemp)
echo "fuzz: $binary for $seconds s, corpus $work ($(ls "$work" | wc -l) files), log $log"
# Swift's own crash backtracer would take SIGABRT/SIGILL before libFuzzer could save the input.
SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -dict="$root/stress/fuzz.dict" -artifact_prefix="$crashes/" -print_final_stats=1 "$work" >"$log" 2>&1
status=$?
grep -E '^(INFO: Seed|Done|stat::|ISConfFuzz:|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' "$log"
executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
found=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'violation-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) -newer "$marker" 2>/dev/null | wc -l)
rm -f "$marker"
echo "fuzz: ${executions:-?} executions in $seconds s, exit status $status, $found new artifact(s) in stress/fuzz-crashes/"
exit $status
