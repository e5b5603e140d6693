#!/usr/bin/python
# -*- coding: utf-8 -*-
# An Ansible module over the isconf binary: enables (or lints) mutual SSL in a WSO2 Identity Server
# home on the managed host. Python 3, standard library, ansible.module_utils.basic and the
# collection's module_utils only.
# MIT License (see galaxy.yml)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: isconf_mutual_ssl
short_description: Enable or lint mutual SSL in a WSO2 Identity Server home with isconf
description:
  - Runs the C(isconf) binary on the managed host against one IS_HOME (or a folder of IS_HOMEs).
  - >-
    With I(state=enabled) it runs C(isconf enable), which sets C(clientAuth="want") on the main HTTPS
    connector of C(repository/conf/tomcat/catalina-server.xml) (or C(certificateVerification="want")
    in the Tomcat 9 shape) and C(disabled="false") on C(MutualSSLAuthenticator) in
    C(repository/conf/security/authenticators.xml). Only the bytes that must change change; a second
    run changes nothing.
  - >-
    On IS 5.9 and later (an IS_HOME with C(repository/conf/deployment.toml)), which render both XML
    files from C(deployment.toml) at every start, it sets the keys there instead:
    C([admin_console.authenticator.mutual_ssl_authenticator] enable = true),
    C([transport.https.sslHostConfig.properties] certificateVerification = "want") where the product's
    defaults do not already give it, the whitelist and username header when asked, in the form the
    file already uses, and removes a C([transport.https.properties] clientAuth) that conflicts with the
    SSLHostConfig. Comments and every other line are kept. The change takes effect at the server's
    next start.
  - With I(state=linted) it runs C(isconf lint), changes nothing, returns the findings and fails when
    any finding is at or above I(fail_on). M(wso2ops.isconf.isconf_mutual_ssl_info) returns the
    findings without failing on them.
  - Check mode runs C(isconf enable --check); diff mode returns isconf's unified diff of each file
    that changes (or would change), with keystore, trust store and C(deployment.toml) passwords
    masked. The raw contents of the files, which hold passwords, are never returned.
  - A missing binary, a bad IS_HOME, a file that does not parse, or any other isconf error fails the
    task with isconf's own message; the IS_HOME is then left untouched.
version_added: "0.1.0"
author:
  - isconf maintainers (!UNKNOWN)
requirements:
  - the isconf binary on the managed host (the role M(wso2ops.isconf.install) installs it from the
    Debian package or the release binaries)
options:
  is_home:
    description:
      - The IS_HOME (the folder holding C(repository/conf)), a folder of IS_HOMEs (two levels deep),
        or a single C(catalina-server.xml) / C(authenticators.xml), on the managed host.
    type: path
    required: true
    aliases: [path]
  state:
    description:
      - C(enabled) makes mutual SSL enabled (C(isconf enable)).
      - C(linted) only reports (C(isconf lint)) and never changes anything.
    type: str
    choices: [enabled, linted]
    default: enabled
  whitelist:
    description:
      - SHA-1 or SHA-256 thumbprints of the client certificates allowed to log in (colons and upper
        case accepted). When given, C(WhiteListEnabled) is set to C(true) and C(WhiteList) to these.
      - An empty list is the same as leaving it out (the whitelist is left as it is).
      - Only with I(state=enabled).
    type: list
    elements: str
  username_header:
    description:
      - The HTTP header that names the user (the authenticator's C(UsernameHeader) parameter).
      - Only with I(state=enabled).
    type: str
  trust_client_cert:
    description:
      - A client certificate file on the managed host to import into the IS trust store
        (C(isconf enable --trust-client-cert)).
      - Needs an isconf with trust-store support. With an isconf without it the task fails (it is
        never silently ignored); import the certificate with keytool instead, as the sample
        playbook does.
      - Only with I(state=enabled).
    type: path
  backup:
    description:
      - Keep a backup of every file replaced, in C(IS_HOME/backup/isconf/<UTC time>/).
      - C(false) runs C(isconf enable --no-backup).
    type: bool
    default: true
  force_xml:
    description:
      - Edit the XML of an IS 5.9+ home (one with C(repository/conf/deployment.toml)) instead of
        C(deployment.toml). IS 5.9+ regenerates the XML from C(deployment.toml) at every start, so the
        edit lasts only with C(-DavoidConfigUpdate=true).
    type: bool
    default: false
  binary:
    description:
      - The isconf binary on the managed host; a bare name is looked up on C(PATH).
    type: path
    default: isconf
  fail_on:
    description:
      - The lowest severity of finding that fails the task.
      - With I(state=enabled) it applies to the findings left after enabling; in check mode, to the
        findings the planned change does not fix (findings that only appear once the authenticator
        is enabled, such as the whitelist warning, show after a real run).
      - Defaults to C(error) with I(state=linted) and C(never) with I(state=enabled).
    type: str
    choices: [error, warning, note, never]
attributes:
  check_mode:
    description: Runs C(isconf enable --check); reports what would change and changes nothing.
    support: full
  diff_mode:
    description: Returns isconf's unified diff of each changed file, passwords masked.
    support: full
  platform:
    description: Runs on the managed host, where the IS_HOME is.
    support: full
    platforms: posix
notes:
  - Restart the Identity Server after a change (for example from a handler); the files are read at
    start only (IS 5.9+ renders the XML from C(deployment.toml) then).
  - When I(fail_on) fails the task after a change, C(changed) is still true, but Ansible notifies no
    handler from a failed task (so a restart handler does not run; see C(--force-handlers)).
  - Findings come from C(isconf lint) and carry rule, severity, file, line, column, message, hint and
    fixable. The rules, C(isconf enable) and the exit codes are described in isconf's README and by
    C(isconf rules).
"""

EXAMPLES = r"""
- name: Enable mutual SSL
  wso2ops.isconf.isconf_mutual_ssl:
    path: /opt/wso2is-5.10.0

- name: Enable mutual SSL with a whitelist, no backups, a binary outside PATH
  wso2ops.isconf.isconf_mutual_ssl:
    is_home: /opt/wso2is-5.10.0
    whitelist:
      - 3f:2a:9c:11:5e:07:d4:b8:6c:90:1a:2b:3c:4d:5e:6f:70:81:92:a3
    username_header: X-User
    backup: false
    binary: /usr/local/bin/isconf
  notify: Restart WSO2 IS

- name: Lint only; fail on warnings too
  wso2ops.isconf.isconf_mutual_ssl:
    is_home: /opt/wso2is-5.10.0
    state: linted
    fail_on: warning
  register: lint

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ item.file }}:{{ item.line }}:{{ item.column }}: {{ item.severity }}: {{ item.message }} [{{ item.rule }}]"
  loop: "{{ lint.findings }}"
"""

RETURN = r"""
changed:
  description: Whether a file changed (in check mode, would change). Always false with I(state=linted).
  returned: always
  type: bool
msg:
  description: One line saying what happened (isconf's own, then the lint counts), or isconf's own error message.
  returned: always
  type: str
  sample: "mutual SSL enabled: 2 files changed; restart the server for it to take effect; lint: 0 errors, 1 warning, 0 notes in 2 files"
findings:
  description:
    - The findings of C(isconf lint) on I(is_home) after the task (in check mode, of the files as they
      are now, since nothing was changed).
  returned: success, and when I(fail_on) fails the task
  type: list
  elements: dict
  contains:
    rule:
      description: The rule id, for example C(client-auth-want).
      type: str
    severity:
      description: C(error), C(warning) or C(note).
      type: str
    file:
      description: The file the finding is in.
      type: str
    line:
      description: 1-based line.
      type: int
    column:
      description: 1-based column.
      type: int
    message:
      description: What is wrong.
      type: str
    hint:
      description: How to fix it (may be null).
      type: str
    fixable:
      description: Whether C(isconf enable) fixes it.
      type: bool
    suppressed:
      description:
        - Null, or how the finding was suppressed (an C(isconf-ignore) comment, or C(ignore) in
          C(.isconf.toml)), with C(kind) (C(inSource) or C(external)) and C(justification).
      type: dict
  sample:
    - rule: client-auth-want
      severity: error
      file: /opt/wso2is-5.10.0/repository/conf/tomcat/catalina-server.xml
      line: 23
      column: 20
      message: 'clientAuth="false" on the HTTPS connector means no client certificate is requested, so mutual SSL cannot work'
      hint: "set clientAuth=\"want\" on the Connector (run: isconf enable)"
      fixable: true
failing_findings:
  description: The findings at or above I(fail_on) that failed the task.
  returned: when I(fail_on) fails the task
  type: list
  elements: dict
summary:
  description: C(isconf lint)'s counts (files, errors, warnings, notes, fixable, suppressed); suppressed findings are in none of the others.
  returned: success
  type: dict
  sample: {files: 2, errors: 0, warnings: 1, notes: 0, fixable: 0, suppressed: 0}
files:
  description:
    - Per file seen by C(isconf enable) (I(state=enabled)), without the diff.
  returned: with I(state=enabled)
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    changed:
      description: Whether it changed (would change in check mode).
      type: bool
    written:
      description: Whether it was written.
      type: bool
    rules_fixed:
      description: The rules the change fixes.
      type: list
      elements: str
    changes:
      description: The changes in words.
      type: list
      elements: str
    backup:
      description: The backup of the original (absent when none was kept).
      type: str
backup_file:
  description:
    - The backups of the files the task replaced, as Ansible's file modules return C(backup_file);
      a list, since one task can replace several files (C(catalina-server.xml) and
      C(authenticators.xml)). Each is also in C(files[].backup).
  returned: when a file was replaced and I(backup=true)
  type: list
  elements: str
  sample:
    - /opt/wso2is-5.10.0/backup/isconf/20261129T003256.369Z/repository/conf/tomcat/catalina-server.xml
diff:
  description:
    - In diff mode, one entry per changed file, with isconf's unified diff (passwords masked) in
      C(prepared), which Ansible prints as it is.
  returned: in diff mode, when a file changed or would change
  type: list
  elements: dict
  contains:
    before_header:
      description: The file.
      type: str
    after_header:
      description: The file.
      type: str
    prepared:
      description: The unified diff.
      type: str
errors:
  description: isconf's error messages.
  returned: on failure from isconf
  type: list
  elements: str
isconf_version:
  description: The version of the isconf binary that ran.
  returned: when the binary was found
  type: str
  sample: 0.1.0
cmd:
  description: The isconf command that did the work (C(enable), or C(lint) with I(state=linted)), or the one that failed.
  returned: when the binary was found
  type: list
  elements: str
rc:
  description: The exit status of the isconf command that failed (absent when it exited 0).
  returned: when an isconf command failed
  type: int
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.wso2ops.isconf.plugins.module_utils.isconf import (
    at_or_above,
    count,
    describe_failing,
    lint,
    start,
    summary_line,
)

NO_TRUST_STORE_SUPPORT = (
    "trust_client_cert is set, but this isconf ({binary}, {version}) has no trust-store support "
    "(isconf enable has no --trust-client-cert); upgrade isconf or import the certificate with keytool"
)


ARGUMENT_SPEC = dict(
    is_home=dict(type="path", required=True, aliases=["path"]),
    state=dict(type="str", choices=["enabled", "linted"], default="enabled"),
    whitelist=dict(type="list", elements="str"),
    username_header=dict(type="str"),
    trust_client_cert=dict(type="path"),
    backup=dict(type="bool", default=True),
    force_xml=dict(type="bool", default=False),
    binary=dict(type="path", default="isconf"),
    fail_on=dict(type="str", choices=["error", "warning", "note", "never"]),
)


def same_file(a, b):
    return os.path.realpath(a or "") == os.path.realpath(b or "")


def enable(module, runner, params):
    args = ["enable", "--format", "json"]
    if module.check_mode:
        args.append("--check")
    if module._diff:
        args.append("--diff")
    if not params["backup"]:
        args.append("--no-backup")
    if params["force_xml"]:
        args.append("--force-xml")
    if params["whitelist"]:
        args += ["--whitelist", ",".join(tp.strip() for tp in params["whitelist"])]
    if params["username_header"] is not None:
        args += ["--username-header", params["username_header"]]
    if params["trust_client_cert"]:
        rc, out, err = runner.run(["enable", "--help"])
        if "--trust-client-cert" not in out + err:
            runner.fail(NO_TRUST_STORE_SUPPORT.format(binary=runner.binary, version=runner.version or "unknown version"))
        args += ["--trust-client-cert", params["trust_client_cert"]]
    args += ["--", params["is_home"]]

    rc, data = runner.run_json(args, "enable")
    errors = [str(e) for e in (data.get("errors") or [])]
    files = data.get("files") or []
    ok_codes = (0, 1) if module.check_mode else (0,)
    if errors or rc not in ok_codes:
        runner.fail("; ".join(errors) if errors else "isconf enable failed with exit status %d" % rc,
                    errors=errors, files=[without_diff(f) for f in files])

    changed = bool(data.get("changed"))
    changed_files = [f for f in files if f.get("changed")]
    result = runner.base_result()  # the cmd of enable, not of the lint that follows
    findings, summary = lint(runner, params["is_home"], changed=changed, files=[without_diff(f) for f in files])

    if module._diff and changed_files:
        result["diff"] = [
            {"before_header": f.get("path"), "after_header": f.get("path"), "prepared": f.get("diff") or ""}
            for f in changed_files
        ]

    msg = data.get("message") or older_isconf_message(module.check_mode, changed, len(changed_files))
    msg += ("; lint of the files as they are: " if module.check_mode else "; lint: ") + summary_line(summary)

    fail_on = params["fail_on"] or "never"
    counted = findings
    if module.check_mode:
        # rules_fixed: the rules whose findings in that file the planned change makes go away.
        fixed = [(f.get("path"), set(f.get("rules_fixed") or [])) for f in changed_files]
        counted = [
            x for x in findings
            if not any(same_file(x.get("file"), p) and x.get("rule") in rules for p, rules in fixed)
        ]
    failing = at_or_above(counted, fail_on)

    result.update(changed=changed, msg=msg, findings=findings, summary=summary,
                  files=[without_diff(f) for f in files])
    backups = [f["backup"] for f in files if f.get("backup")]
    if backups:
        result["backup_file"] = backups
    if failing:
        result.update(msg=msg + "; " + describe_failing(failing, fail_on), failing_findings=failing)
        module.fail_json(**result)
    module.exit_json(**result)


def older_isconf_message(check_mode, changed, n):
    """The summary of an isconf whose JSON has no "message" yet (one without IS 5.9+ support)."""
    if not changed:
        return "already compliant: nothing to change"
    if check_mode:
        return "%s would change" % count(n, "file")
    return "mutual SSL enabled: %s changed; restart the server for it to take effect" % count(n, "file")


def without_diff(entry):
    return dict((k, v) for k, v in entry.items() if k != "diff")


def linted(module, runner, params):
    for name in ("whitelist", "username_header", "trust_client_cert"):
        if params[name]:
            module.warn("%s has no effect with state=linted (nothing is changed)" % name)
    if params["force_xml"]:
        module.warn("force_xml has no effect with state=linted (nothing is changed)")
    findings, summary = lint(runner, params["is_home"])
    fail_on = params["fail_on"] or "error"
    failing = at_or_above(findings, fail_on)
    result = runner.base_result()
    result.update(changed=False, findings=findings, summary=summary)
    if failing:
        result.update(msg=summary_line(summary) + "; " + describe_failing(failing, fail_on), failing_findings=failing)
        module.fail_json(**result)
    msg = summary_line(summary)
    if fail_on != "never":
        msg += "; none at or above %s" % fail_on
    result["msg"] = msg
    module.exit_json(**result)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    runner = start(module, params["binary"])

    if params["state"] == "linted":
        linted(module, runner, params)
    else:
        enable(module, runner, params)


if __name__ == "__main__":
    main()
