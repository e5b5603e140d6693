#!/usr/bin/env bash
# Installs what testing isconf needs, and only what is missing (Debian/Ubuntu): `make test` runs
# it. What building needs is in setup-build.sh, which this runs first.
set -euo pipefail

"$(dirname "$0")/setup-build.sh" deb

packages=()
need() { dpkg -s "$1" >/dev/null 2>&1 || packages+=("$1"); }
need libxml2-utils    # xmllint: the benchmark's reference
need python3-jsonschema  # validates SARIF output against the 2.1.0 schema in tests
need openssl
need libtomcat9-java   # a real Tomcat 9 for the end-to-end proof of isconf enable (TomcatProofTests)
need python3-jinja2    # renders WSO2's real .j2 templates for the TOML-vs-XML verdict proof (TemplateProofTests)
need python3-venv      # python3 -m venv for .venv-ansible, where the Ansible module's tests run
need lintian           # the Debian package of `make deb` must have no lintian errors (Tests/packaging)
need man-db            # man -l renders the generated man pages (Tests/packaging)
need zsh               # the generated zsh and fish completions are loaded in them (Tests/packaging)
need fish
command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)  # verifies the sample unit (SystemdUnitTests)

if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# The tests call python3 (whichever is first on PATH) to validate SARIF (jsonschema) and to read the
# Kubernetes sample's manifest (PyYAML); make sure it has both.
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  echo "setup: installing jsonschema for $(command -v python3)"
  python3 -m pip install --quiet jsonschema
fi
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  echo "setup: installing PyYAML for $(command -v python3)"
  python3 -m pip install --quiet pyyaml
fi

# ... and jinja2, for Tests/render/render_templates.py.
if ! python3 -c 'import jinja2' >/dev/null 2>&1; then
  echo "setup: installing jinja2 for $(command -v python3)"
  python3 -m pip install --quiet jinja2
fi

# promtool checks the daemon's /metrics and the sample alert rules, and runs their unit tests
# (PrometheusSampleTests). Debian ships it only in the prometheus package, which would also install,
# enable and (under systemd) start a Prometheus server; only the promtool binary is taken from the
# package, into .build-tools/ (git-ignored), and nothing is installed.
tools="$(cd "$(dirname "$0")/.." && pwd)/.build-tools"
if [ ! -x "$tools/promtool" ] && ! command -v promtool >/dev/null 2>&1; then
  echo "setup: extracting promtool from Debian's prometheus package into .build-tools/"
  download="$(mktemp -d)"
  chmod 0755 "$download"  # apt-get download runs as _apt where it can
  (cd "$download" && { apt-get download -qq prometheus 2>/dev/null \
    || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get update -qq && apt-get download -qq prometheus; }; })
  mkdir -p "$tools"
  dpkg-deb --fsys-tarfile "$download"/prometheus_*.deb | tar -xO ./usr/bin/promtool > "$tools/promtool.partial"
  chmod 0755 "$tools/promtool.partial"
  mv "$tools/promtool.partial" "$tools/promtool"
  rm -rf "$download"
fi

# The Ansible collection's tests (Tests/ansible) run real ansible-core from PyPI, in a venv of its own,
# with ansible-lint for the sample playbook and role.
venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-ansible"
if [ ! -x "$venv/bin/ansible-playbook" ] || [ ! -x "$venv/bin/pytest" ]; then
  echo "setup: creating .venv-ansible (ansible-core, pytest)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'ansible-core>=2.15,<2.18' pytest
fi
if [ ! -x "$venv/bin/ansible-lint" ]; then
  echo "setup: installing ansible-lint into .venv-ansible"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'ansible-lint>=24,<26' 'ansible-core>=2.15,<2.18'
fi

# The pre-commit hook (.pre-commit-hooks.yaml) is tested through real pre-commit from PyPI
# (Tests/ISConfCLITests/PreCommitHookTests.swift), in a venv of its own.
precommit="$(cd "$(dirname "$0")/.." && pwd)/.venv-precommit"
if [ ! -x "$precommit/bin/pre-commit" ]; then
  echo "setup: creating .venv-precommit (pre-commit)"
  rm -rf "$precommit"
  python3 -m venv "$precommit"
  "$precommit/bin/python" -m pip install --quiet --disable-pip-version-check 'pre-commit>=3.5,<5'
fi
