#!/usr/bin/env bash
# The time a build says it was made (seconds since 1970), so that the man pages and the Debian
# changelog are the same for the same commit: SOURCE_DATE_EPOCH when set (the reproducible-builds
# convention), else the time of the last commit, else now (a copy without git history).
set -euo pipefail
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  echo "$SOURCE_DATE_EPOCH"
elif commit_time="$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null)" && [ -n "$commit_time" ]; then
  echo "$commit_time"
else
  date +%s
fi
