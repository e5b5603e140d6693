"""The one driver of `isconf watch` every watch row uses: start it with its own NOTIFY_SOCKET and
wait for READY=1, save files the way editors do, wait for the corrected bytes on disk, read its JSON
log, stop it as systemd would."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .settings import ROOT


class WatchDaemon:
    """One `isconf watch` process with JSON logs in a file and its own NOTIFY_SOCKET.

    Ready means READY=1 arrived on the socket (sent after the first full check), not a log line.
    The socket is drained for the daemon's whole life: sd_notify datagrams to a socket nobody reads
    pile up, and past net.unix.max_dgram_qlen the daemon's next notification would block it.
    Used as a context manager, so the process is stopped (SIGTERM, then SIGKILL) whatever happens.
    """

    def __init__(self, binary: str, args: list[str], scratch: str, name: str):
        self.argv = [binary, "watch", "--log-format", "json", *args]
        self.name = name
        self.log_path = Path(scratch) / f"{name}.log"
        # sun_path holds 108 bytes: a short folder of its own, whatever TMPDIR is.
        self.socket_dir = tempfile.mkdtemp(prefix="isw-", dir="/tmp")
        self.socket_path = self.socket_dir + "/notify"
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.socket_path)
        self.notify.settimeout(0.2)
        self.messages: list[str] = []
        self.ready = threading.Event()
        self.closing = threading.Event()
        self.proc: subprocess.Popen | None = None
        self.status: int | None = None
        self.drainer = threading.Thread(target=self._drain, daemon=True)

    def _drain(self) -> None:
        while not self.closing.is_set():
            try:
                message = self.notify.recv(65536).decode("utf-8", "replace")
            except socket.timeout:
                continue
            except OSError:
                return
            self.messages.append(message)
            if "READY=1" in message.split("\n"):
                self.ready.set()

    def __enter__(self) -> "WatchDaemon":
        return self

    def start(self, timeout: float = 30.0) -> "WatchDaemon":
        env = {k: v for k, v in os.environ.items() if k not in ("WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS")}
        env["NOTIFY_SOCKET"] = self.socket_path
        self.drainer.start()
        try:
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=log)
        except BaseException:
            self.stop()
            raise
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.05):
            if self.proc.poll() is not None:
                self.fail(f"exited {self.proc.returncode} before READY=1")
            if time.monotonic() > deadline:
                self.fail(f"sent no READY=1 within {timeout:.0f} s")
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> list[dict]:
        events = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                events.append({"message": line, "level": "unparsed"})
        return events

    def first_event(self, message: str) -> dict | None:
        """The first log line with this message ("watching", "metrics listening"), or None."""
        return next((e for e in self.log() if e.get("message") == message), None)

    def fail(self, what: str) -> None:
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-10:] if self.log_path.exists() else []
        self.stop()
        sys.exit(f"bench: isconf watch ({self.name}) {what}\n" + "\n".join(tail))

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, as systemd stops it; SIGKILL if it is still there after `timeout`."""
        if self.proc is not None and self.status is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    self.status = -signal.SIGKILL
            if self.status is None:
                self.status = self.proc.returncode
        self.closing.set()
        if self.drainer.is_alive():
            self.drainer.join(1)
        self.notify.close()
        shutil.rmtree(self.socket_dir, ignore_errors=True)
        return self.status

    def __exit__(self, *_exc) -> None:
        self.stop()

    def stop_checked(self) -> None:
        status = self.stop()
        if status != 0:
            tail = self.log_path.read_text(errors="replace").strip().splitlines()[-10:]
            sys.exit(f"bench: isconf watch ({self.name}) exited {status} on SIGTERM (expected 0)\n" + "\n".join(tail))


def wait_for_content(path: Path, want: bytes, timeout: float) -> float | None:
    """Re-reads `path` every millisecond (no inotify, so the benchmark cannot race the daemon for
    events) until it holds `want`; the time.monotonic() of the read that saw it, or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:  # never expected: both save styles and the daemon replace atomically
            data = b""
        now = time.monotonic()
        if data == want:
            return now
        if now > deadline:
            return None
        time.sleep(0.001)


def save_in_place(path: Path, data: bytes) -> None:
    """What most editors and `sed -i`-less scripts do: truncate and rewrite the same inode."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def save_by_rename(path: Path, data: bytes) -> None:
    """What careful editors and config managers do: a new file beside it, renamed over it."""
    temporary = path.with_name(path.name + ".bench-new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(temporary, path)


SAVE_STYLES = (("in place", save_in_place), ("temp+rename", save_by_rename))


def log_time(stamp: str) -> float:
    """The daemon's log time (RFC 3339, UTC, milliseconds) as seconds since the epoch."""
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
