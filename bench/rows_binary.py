"""What operators install: the binaries' sizes as built and stripped, and whether isconf carries the
Swift standard library inside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .report import Row
from .settings import TARGET_STRIPPED_MIB


def stripped_size(binary: str) -> int:
    """The size of a copy stripped of symbols and debug information, as a package ships it."""
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench: no executable at {binary}; `make release` builds isconf and isconf-watch")
    with tempfile.TemporaryDirectory(prefix="isconf-bench-strip-") as scratch:
        copy = os.path.join(scratch, "stripped")
        subprocess.run(["strip", "-o", copy, binary], check=True)
        return os.path.getsize(copy)


def static_stdlib(binary: str) -> tuple[bool, str]:
    """The release binary must run on an IS server with no Swift runtime installed."""
    proc = subprocess.run(["ldd", binary], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    swift_libs = sorted(set(re.findall(r"libswift\w*\.so", out)))
    if swift_libs:
        return False, "links " + ", ".join(swift_libs)
    if "not a dynamic executable" in out:
        return True, "fully static"
    return True, "no libswift*.so in ldd"


def bench_binary(binary: str) -> dict:
    """isconf's size as built and stripped, isconf-watch's stripped (beside it), and ldd's verdict."""
    is_static, static_note = static_stdlib(binary)
    size_bytes = os.path.getsize(binary)
    stripped_bytes = stripped_size(binary)
    daemon = str(Path(binary).with_name("isconf-watch"))
    daemon_stripped_bytes = stripped_size(daemon)
    return {"static_swift_stdlib": is_static, "ldd": static_note, "size_bytes": size_bytes,
            "stripped_bytes": stripped_bytes, "daemon_stripped_bytes": daemon_stripped_bytes}


def binary_rows(b: dict) -> list[Row]:
    return [
        Row("binary size, isconf as built", f"{b['size_bytes'] / 2**20:.1f} MiB", "—", "—", "—", None),
        Row("binary size, isconf stripped", f"{b['stripped_bytes'] / 2**20:.1f} MiB", "—", "—",
            f"≤ {TARGET_STRIPPED_MIB:.0f} MiB", b["stripped_bytes"] / 2**20 <= TARGET_STRIPPED_MIB),
        Row("binary size, isconf-watch stripped", f"{b['daemon_stripped_bytes'] / 2**20:.1f} MiB", "—", "—", "—", None),
        Row("Swift stdlib statically linked", "yes" if b["static_swift_stdlib"] else "no", "—", "—", "yes",
            b["static_swift_stdlib"]),
    ]
