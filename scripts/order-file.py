#!/usr/bin/env python3
"""Writes Sources/isconf/isconf.order: the functions isconf runs, in the order it first runs them.

The release link (Package.swift) hands this list to lld, which lays those functions out side by side
at the start of .text. Without it the code a start and a lint run is spread over the whole binary,
and the kernel maps 64 KiB around each page touched: a lint's peak RSS went from 15.6 to 13.4 MiB
(with `make release`, which compiles each function into a section of its own).
A stale list costs nothing but that layout: unknown names are ignored.

Run after changes that move much code (needs valgrind and a release build):
    make release && scripts/order-file.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "conf-samples", "is-home")


def workloads(scratch):
    """What operators run most, in that order: a start, a lint, a fleet, CI output, enable, help."""
    fleet = os.path.join(scratch, "fleet")
    for index in range(8):
        shutil.copytree(SAMPLE, os.path.join(fleet, f"home-{index}"))
    home = os.path.join(scratch, "home")
    shutil.copytree(SAMPLE, home)
    return [
        ["--version"],
        ["lint", SAMPLE],
        ["lint", fleet],
        ["lint", "--format", "sarif", SAMPLE],
        ["lint", "--format", "json", SAMPLE],
        ["enable", "--dry-run", home],
        ["enable", home],
        ["lint", "--help"],
        ["rules"],
    ]


def functions_run(binary, arguments, scratch):
    """The function names callgrind saw, in the order it first named them."""
    out = os.path.join(scratch, "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary, *arguments],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    names = []
    with open(out, encoding="utf-8", errors="replace") as profile:
        for line in profile:
            match = re.match(r"^c?fn=\(\d+\) (.+)$", line.rstrip("\n"))
            if match:
                names.append(match.group(1))
    return names


def main():
    built = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "isconf")
    with tempfile.TemporaryDirectory() as scratch:
        # valgrind cannot read the DWARF of a Swift release build; the symbol table is all it needs.
        binary = os.path.join(scratch, "isconf")
        subprocess.run(["strip", "--strip-debug", "-o", binary, built], check=True)
        defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", binary],
                                     capture_output=True, text=True, check=True).stdout.split())
        ordered, seen = [], set()
        for arguments in workloads(scratch):
            for name in functions_run(binary, arguments, scratch):
                if name in defined and name not in seen:
                    seen.add(name)
                    ordered.append(name)
    if not ordered:
        sys.exit("order-file: callgrind saw no function of isconf (is valgrind installed?)")
    target = os.path.join(ROOT, "Sources", "isconf", "isconf.order")
    with open(target, "w", encoding="utf-8") as order:
        order.write("".join(name + "\n" for name in ordered))
    print(f"order-file: {len(ordered)} functions in {os.path.relpath(target, ROOT)}")


if __name__ == "__main__":
    main()
