# A callback plugin for the tests only: records every task's result per host, and the play recap,
# as JSON in the file named by ISCONF_RECORD, next to the default output. (ansible-core ships no
# json callback; that one lives in the ansible.posix collection, which is not on PyPI.)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: isconf_record
type: aggregate
short_description: Records task results and stats as JSON, for the isconf module's tests
description:
  - Writes the results of every task per host and the play recap to the file in ISCONF_RECORD.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "isconf_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.tasks = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.tasks.append({"name": task.get_name(), "hosts": {}})

    v2_playbook_on_handler_task_start = lambda self, task: self.v2_playbook_on_task_start(task, False)

    def _record(self, result, **flags):
        if not self.tasks:
            return
        entry = dict(result._result)
        entry.update(flags)
        self.tasks[-1]["hosts"][result._host.get_name()] = entry

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        record = {
            "tasks": self.tasks,
            "stats": dict((host, stats.summarize(host)) for host in sorted(stats.processed)),
        }
        with open(os.environ["ISCONF_RECORD"], "w") as f:
            json.dump(record, f, default=str)
