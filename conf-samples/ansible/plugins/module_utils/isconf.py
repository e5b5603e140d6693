# -*- coding: utf-8 -*-
# What the modules of wso2ops.isconf share: finding and running the isconf binary on the managed
# host, reading its JSON, and isconf lint's findings. Python 3, standard library only.
# MIT License (see galaxy.yml)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


def find_binary(module, binary):
    """The binary's path, or fail: a path is checked as it is, a bare name is looked up on PATH."""
    if os.sep in binary:
        if os.path.isfile(binary) and os.access(binary, os.X_OK):
            return binary
        module.fail_json(msg="isconf binary not found or not executable: %s" % binary)
    found = module.get_bin_path(binary, required=False)
    if not found:
        module.fail_json(
            msg="isconf binary %r not found on PATH of the managed host; install isconf or set binary: to its path"
            % binary
        )
    return found


class Runner:
    def __init__(self, module, binary):
        self.module = module
        self.binary = binary
        self.last_cmd = None
        self.last_rc = None
        self.version = None

    def run(self, args):
        cmd = [self.binary] + args
        self.last_cmd = cmd
        rc, out, err = self.module.run_command(cmd, check_rc=False, environ_update={"NO_COLOR": "1"})
        self.last_rc = rc
        return rc, out, err

    def base_result(self):
        result = {"changed": False}
        if self.version is not None:
            result["isconf_version"] = self.version
        if self.last_cmd is not None:
            result["cmd"] = self.last_cmd
        return result

    def fail(self, msg, **extra):
        result = self.base_result()
        if self.last_rc:
            result["rc"] = self.last_rc
        result.update(extra)
        self.module.fail_json(msg=msg, **result)

    def run_json(self, args, what):
        """Runs isconf; returns (rc, parsed JSON), or fails with isconf's own message."""
        rc, out, err = self.run(args)
        try:
            data = json.loads(out)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            self.fail(own_message(err, out, "isconf %s exited with status %d and printed no JSON" % (what, rc)),
                      stderr=err, stdout=out)
        return rc, data


def own_message(err, out, fallback):
    """isconf's first line of complaint (usage errors print 'Error: ...' then the usage)."""
    for text in (err, out):
        for line in (text or "").splitlines():
            line = line.strip()
            if line:
                return line
    return fallback


def lint(runner, is_home, **on_failure):
    """isconf lint's findings and summary; fails on a file it cannot read or parse (with on_failure
    added to the result, e.g. what enable changed just before)."""
    rc, data = runner.run_json(["lint", "--format", "json", "--fail-on", "never", "--", is_home], "lint")
    findings = data.get("findings") or []
    errors = ["%s: %s" % (e.get("file"), e.get("message")) for e in (data.get("errors") or [])]
    if rc not in (0, 1) or errors:
        # A file that cannot be read or parsed: errors, or *-malformed findings with exit status 2.
        malformed = [location(f) + ": " + f.get("message", "") for f in findings
                     if f.get("rule") in ("xml-malformed", "toml-malformed")]
        problems = errors + malformed
        runner.fail(
            "; ".join(problems) if problems else "isconf lint failed with exit status %d" % rc,
            errors=problems,
            findings=findings,
            **on_failure
        )
    return findings, data.get("summary") or {}


def location(finding):
    return "%s:%s:%s" % (finding.get("file"), finding.get("line"), finding.get("column"))


def at_or_above(findings, fail_on):
    if fail_on == "never":
        return []
    floor = SEVERITY_RANK[fail_on]
    return [f for f in findings if SEVERITY_RANK.get(f.get("severity"), 0) >= floor]


def describe_failing(failing, fail_on):
    head = "%s at or above %s" % (count(len(failing), "finding"), fail_on)
    shown = ["%s: %s: %s [%s]" % (location(f), f.get("severity"), f.get("message"), f.get("rule")) for f in failing[:5]]
    more = "; and %d more" % (len(failing) - 5) if len(failing) > 5 else ""
    return head + ": " + "; ".join(shown) + more


def count(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def summary_line(summary):
    return "%s, %s, %s in %s" % (
        count(summary.get("errors", 0), "error"), count(summary.get("warnings", 0), "warning"),
        count(summary.get("notes", 0), "note"), count(summary.get("files", 0), "file"))


def start(module, binary):
    """A Runner of the binary, which it has asked for its version; or fail with isconf's message."""
    runner = Runner(module, find_binary(module, binary))
    rc, out, err = runner.run(["--version"])
    if rc != 0:
        runner.fail(own_message(err, out, "%s --version exited with status %d" % (runner.binary, rc)),
                    stderr=err, stdout=out)
    runner.version = out.strip()
    return runner
