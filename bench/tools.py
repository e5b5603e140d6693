"""The reference tools the rows race against: xmlstarlet installed when missing, and each tool's version."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def ensure_xmlstarlet() -> None:
    """Install xmlstarlet (the enable benchmark's reference) when missing, as the project's
    files install what they need; without root, say what to run instead."""
    if shutil.which("xmlstarlet"):
        return
    hint = "run `apt-get install xmlstarlet` (as root), then run the benchmark again"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(f"bench: xmlstarlet not found; {hint}")
    print("bench: xmlstarlet not found; installing it with apt-get (apt-get update first) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "xmlstarlet"]):
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: `{' '.join(argv)}` failed (exit {proc.returncode}); {hint}\n{proc.stderr.strip()}")
    if shutil.which("xmlstarlet") is None:
        sys.exit(f"bench: apt-get installed xmlstarlet but it is not on PATH; {hint}")


def tool_version(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True)
    # xmllint prints its version on stderr; isconf and xmlstarlet on stdout.
    return (proc.stdout.strip() or proc.stderr.strip()).splitlines()[0]
