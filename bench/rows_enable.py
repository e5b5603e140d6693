"""`isconf enable` against the same two edits made with `xmlstarlet ed -L`: both checked to do the
whole job and the same one, then timed interleaved, each run on its own fresh IS_HOME; and how
many lines each changed."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .fixtures import make_homes
from .measure import check_statuses, interleave, median_ms, p90_ms
from .report import Row, fmt_ratio
from .settings import AUTHENTICATORS, CATALINA, LINT_OK, MIN_CHANGED_LINES, ROOT, SAMPLE, TARGET_ENABLE_RATIO

AUTH_NS = "http://wso2.org/projects/carbon/authenticators.xml"


def xmlstarlet_enable(home: str) -> list[list[str]]:
    """The same two edits as `isconf enable`, the way an operator would script them with
    xmlstarlet: one in-place edit per file, run one after the other.

    xmlstarlet cannot uncomment a comment, so in authenticators.xml it does the equivalent:
    it appends the element the comment holds (Priority 5, the three Config parameters) to
    the root. New elements carry no namespace of their own and so serialise unprefixed, in
    the document's default namespace; `$prev` and `--var` address the node just added.
    """
    return [
        ["xmlstarlet", "ed", "-L", "-u", '//Connector[@port="9443"]/@clientAuth', "-v", "want",
         f"{home}/{CATALINA}"],
        ["xmlstarlet", "ed", "-L", "-N", f"a={AUTH_NS}",
         "-s", "/a:Authenticators", "-t", "elem", "-n", "Authenticator", "-v", "", "--var", "auth", "$prev",
         "-s", "$auth", "-t", "attr", "-n", "name", "-v", "MutualSSLAuthenticator",
         "-s", "$auth", "-t", "attr", "-n", "disabled", "-v", "false",
         "-s", "$auth", "-t", "elem", "-n", "Priority", "-v", "5",
         "-s", "$auth", "-t", "elem", "-n", "Config", "-v", "", "--var", "config", "$prev",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "UserName",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "UsernameHeader",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "false",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "WhiteListEnabled",
         "-s", "$config", "-t", "elem", "-n", "Parameter", "-v", "",
         "-s", "$prev", "-t", "attr", "-n", "name", "-v", "WhiteList",
         f"{home}/{AUTHENTICATORS}"],
    ]


def isconf_enable(binary: str, home: str) -> list[list[str]]:
    return [[binary, "enable", "--no-backup", home]]


@dataclass
class LineChanges:
    changed: int  # a side-by-side diff's differing lines: per changed block, the longer side
    removed: int  # a unified diff's "-" lines
    added: int  # and its "+" lines

    def cell(self) -> str:
        return f"{self.changed} (−{self.removed}/+{self.added})"


def line_changes(old: bytes, new: bytes) -> LineChanges:
    """How many lines an edit touched, as diff counts them (line endings included)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    changed = removed = added = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed += max(i2 - i1, j2 - j1)
            removed += i2 - i1
            added += j2 - j1
    return LineChanges(changed, removed, added)


def lint_findings(binary: str, home: str) -> tuple[int, list[tuple[str, str, str]]]:
    """Errors and findings (rule, severity, file name) of an edited IS_HOME, from isconf's JSON."""
    proc = subprocess.run([binary, "lint", home, "--format", "json"], cwd=ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode not in LINT_OK:
        sys.exit(f"bench: isconf lint of the edited {home} exited {proc.returncode}\n{proc.stderr.strip()}")
    report = json.loads(proc.stdout)
    findings = sorted((f["rule"], f["severity"], Path(f["file"]).name) for f in report["findings"])
    return report["summary"]["errors"], findings


def validate_enable(binary: str, iso_home: str, xml_home: str) -> dict[str, tuple[LineChanges, LineChanges]]:
    """One untimed run of each contender, to prove both did the whole job, and the same one.

    Both must exit 0 and leave an IS_HOME that isconf lints with no error and the same
    findings (the whitelist-off warning: both enable it as the kernel's comment has it).
    Returns the changed lines per file, isconf's then xmlstarlet's.
    """
    for name, job in (("isconf enable", isconf_enable(binary, iso_home)), ("xmlstarlet", xmlstarlet_enable(xml_home))):
        for argv in job:
            proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"bench: {name} exited {proc.returncode} on a fresh IS_HOME\n{proc.stderr.strip()}")
    iso_lint, xml_lint = lint_findings(binary, iso_home), lint_findings(binary, xml_home)
    if iso_lint[0] != 0 or iso_lint != xml_lint:
        sys.exit(f"bench: the two enabled IS_HOMEs do not lint alike (errors, findings): "
                 f"isconf {iso_lint}, xmlstarlet {xml_lint}; the comparison would be unfair")
    changes = {}
    for rel in (CATALINA, AUTHENTICATORS):
        old = (ROOT / SAMPLE / rel).read_bytes()
        changes[rel] = (line_changes(old, (Path(iso_home) / rel).read_bytes()),
                        line_changes(old, (Path(xml_home) / rel).read_bytes()))
    return changes


def check_all_edited(name: str, reference: str, homes: list[str]) -> None:
    """Every run's copy must end byte-identical to the validated result: no run did less."""
    for rel in (CATALINA, AUTHENTICATORS):
        want = (Path(reference) / rel).read_bytes()
        bad = [home for home in homes if (Path(home) / rel).read_bytes() != want]
        if bad:
            sys.exit(f"bench: {name} left {len(bad)} of {len(homes)} copies of {rel} unlike its validated result "
                     f"(first: {bad[0]}); timings would be meaningless")


def bench_enable(binary: str, pairs: int, warmup: int) -> dict:
    """Validates one run of each contender, then times `pairs` interleaved ones after `warmup`."""
    # Each enable run edits, so each gets its own fresh copy, all made (and synced, so their
    # write-back is not charged to the first timed fsync) before timing starts.
    enable_runs = warmup + pairs
    print(f"bench: copying the sample into {2 * (enable_runs + 1)} IS_HOMEs to enable ...", flush=True)
    scratch = tempfile.mkdtemp(prefix="isconf-bench-enable-")
    try:
        iso_homes = make_homes(scratch, "isconf", enable_runs + 1)
        xml_homes = make_homes(scratch, "xmlstarlet", enable_runs + 1)
        os.sync()
        # Copy 0 of each is the untimed check run; the others are the warm-ups, then the pairs.
        changes = validate_enable(binary, iso_homes[0], xml_homes[0])
        print(f"bench: enable on one IS_HOME, {pairs} interleaved pairs ...", flush=True)
        iso_e, xml_e = interleave(lambda i: isconf_enable(binary, iso_homes[i + 1]),
                                  lambda i: xmlstarlet_enable(xml_homes[i + 1]), pairs, warmup)
        check_statuses("isconf enable (one IS_HOME)", iso_e, {0})
        check_statuses("xmlstarlet ed -L (one IS_HOME)", xml_e, {0})
        check_all_edited("isconf enable", iso_homes[0], iso_homes[1:])
        check_all_edited("xmlstarlet", xml_homes[0], xml_homes[1:])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"isconf_median_ms": median_ms(iso_e), "xmlstarlet_median_ms": median_ms(xml_e),
            "isconf_p90_ms": p90_ms(iso_e), "xmlstarlet_p90_ms": p90_ms(xml_e),
            "ratio": median_ms(iso_e) / median_ms(xml_e), "changes": changes}


def enable_rows(e: dict) -> list[Row]:
    """Median and p90 wall time, then the changed lines of each file."""
    return [
        Row("enable one IS_HOME, median wall", f"{e['isconf_median_ms']:.2f} ms", f"{e['xmlstarlet_median_ms']:.2f} ms (xmlstarlet)",
            fmt_ratio(e["ratio"], TARGET_ENABLE_RATIO), f"≤ {TARGET_ENABLE_RATIO}×", e["ratio"] <= TARGET_ENABLE_RATIO),
        Row("enable one IS_HOME, p90 wall", f"{e['isconf_p90_ms']:.2f} ms", f"{e['xmlstarlet_p90_ms']:.2f} ms (xmlstarlet)",
            fmt_ratio(e["isconf_p90_ms"] / e["xmlstarlet_p90_ms"]), "—", None),
        *(Row(f"enable, changed lines in {Path(rel).name}", iso.cell(), f"{xml.cell()} (xmlstarlet)", "—",
              f"{MIN_CHANGED_LINES[rel]}, the fewest",
              iso.changed == MIN_CHANGED_LINES[rel] and iso.changed <= xml.changed)
          for rel, (iso, xml) in e["changes"].items()),
    ]


def enable_raw(e: dict) -> dict:
    """The enable numbers for results.json."""
    return {"isconf_median_ms": e["isconf_median_ms"], "xmlstarlet_median_ms": e["xmlstarlet_median_ms"],
            "isconf_p90_ms": e["isconf_p90_ms"], "xmlstarlet_p90_ms": e["xmlstarlet_p90_ms"], "ratio": e["ratio"],
            "target_max_ratio": TARGET_ENABLE_RATIO,
            "changed_lines": {Path(rel).name: {"isconf": asdict(iso), "xmlstarlet": asdict(xml),
                                               "minimum": MIN_CHANGED_LINES[rel]}
                              for rel, (iso, xml) in e["changes"].items()}}
