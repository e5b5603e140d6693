#!/usr/bin/python
# -*- coding: utf-8 -*-
# An Ansible info module over the isconf binary: what `isconf lint` finds in a WSO2 Identity Server
# home on the managed host. Never changes anything and never fails on findings.
# MIT License (see galaxy.yml)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: isconf_mutual_ssl_info
short_description: What isconf lint finds about mutual SSL in a WSO2 Identity Server home
description:
  - Runs C(isconf lint) on the managed host against one IS_HOME (or a folder of IS_HOMEs, or one of
    the files) and returns its findings and counts. Nothing is ever changed.
  - Findings do not fail the task; compare them in an C(ansible.builtin.assert), or use
    M(wso2ops.isconf.isconf_mutual_ssl) with I(state=linted) and I(fail_on) to fail on them.
  - A missing binary, a bad IS_HOME, or a file that cannot be read or parsed fails the task with
    isconf's own message.
version_added: "0.1.0"
author:
  - isconf maintainers (!UNKNOWN)
requirements:
  - the isconf binary on the managed host (the role M(wso2ops.isconf.install) installs it)
options:
  is_home:
    description:
      - The IS_HOME (the folder holding C(repository/conf)), a folder of IS_HOMEs (two levels deep),
        or a single C(catalina-server.xml), C(authenticators.xml) or C(deployment.toml), on the
        managed host.
    type: path
    required: true
    aliases: [path]
  binary:
    description:
      - The isconf binary on the managed host; a bare name is looked up on C(PATH).
    type: path
    default: isconf
attributes:
  check_mode:
    description: Runs the same in check mode; it changes nothing either way.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
  platform:
    description: Runs on the managed host, where the IS_HOME is.
    support: full
    platforms: posix
notes:
  - The rules and the findings' fields are described in isconf's README and by C(isconf rules).
"""

EXAMPLES = r"""
- name: Read what isconf finds
  wso2ops.isconf.isconf_mutual_ssl_info:
    path: /opt/wso2is-5.10.0
  register: isconf_lint

- name: No error is left
  ansible.builtin.assert:
    that: isconf_lint.summary.errors == 0
    fail_msg: "{{ isconf_lint.findings | selectattr('severity', 'eq', 'error') | map(attribute='message') | list }}"
"""

RETURN = r"""
findings:
  description: The findings of C(isconf lint).
  returned: success
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
      description: 1-based line (absent for a finding about a whole file).
      type: int
    column:
      description: 1-based column (absent for a finding about a whole file).
      type: int
    message:
      description: What is wrong.
      type: str
    hint:
      description: How to fix it (may be null).
      type: str
    fixable:
      description: Whether C(isconf enable) (or M(wso2ops.isconf.isconf_mutual_ssl)) fixes it.
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
summary:
  description: C(isconf lint)'s counts (files, errors, warnings, notes, fixable, suppressed); suppressed findings are in none of the others.
  returned: success
  type: dict
  sample: {files: 2, errors: 2, warnings: 0, notes: 0, fixable: 2, suppressed: 0}
msg:
  description: The counts in one line, or isconf's own error message.
  returned: always
  type: str
  sample: "2 errors, 0 warnings, 0 notes in 2 files"
isconf_version:
  description: The version of the isconf binary that ran.
  returned: when the binary was found
  type: str
  sample: 0.1.0
cmd:
  description: The isconf command that ran.
  returned: when the binary was found
  type: list
  elements: str
errors:
  description: The files isconf could not read or parse, with its message.
  returned: on failure from isconf
  type: list
  elements: str
rc:
  description: The exit status of the isconf command that failed.
  returned: when an isconf command failed
  type: int
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.wso2ops.isconf.plugins.module_utils.isconf import lint, start, summary_line

ARGUMENT_SPEC = dict(
    is_home=dict(type="path", required=True, aliases=["path"]),
    binary=dict(type="path", default="isconf"),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    runner = start(module, module.params["binary"])
    findings, summary = lint(runner, module.params["is_home"])
    result = runner.base_result()
    result.update(changed=False, findings=findings, summary=summary, msg=summary_line(summary))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
