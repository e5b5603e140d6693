#!/usr/bin/env bash
# Installs what building isconf needs (Debian/Ubuntu), and only what is missing. `make build`,
# `make release` and `make install` run it; `make deb` runs it with `deb` (the Debian tools too).
# The test tooling is in setup.sh, which `make test` runs.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH; install a Swift 6 toolchain (swift.org) first" >&2
  exit 1
fi

packages=()
need() { dpkg -s "$1" >/dev/null 2>&1 || packages+=("$1"); }
need pkg-config
need libxml2-dev      # the C library isconf is built on
if [ "${1:-}" = deb ]; then
  need dpkg-dev       # dpkg-shlibdeps (Depends from the libraries linked) and dpkg-gencontrol
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
