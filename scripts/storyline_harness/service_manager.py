"""The service manager's side of sd_notify: the variables it sets, and a NOTIFY_SOCKET listener.

A child started by a harness that itself runs under systemd must not inherit the harness's own
NOTIFY_SOCKET or watchdog, or it would report to the real manager: `child_environment` strips them.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: Variables a service manager sets for the service it starts.
MANAGER_VARIABLES = (
    "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID",
    "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
)


def child_environment() -> dict[str, str]:
    """This process's environment without its service manager's variables, for a child to start from."""
    return {key: value for key, value in os.environ.items() if key not in MANAGER_VARIABLES}


@dataclass
class Notification:
    """One datagram the daemon sent to NOTIFY_SOCKET."""
    received: float  # time.monotonic() when it arrived
    text: str
    pid: int = 0  # the sender's, from SO_PASSCRED (0: the datagram carried no credentials)

    @property
    def fields(self) -> dict[str, str]:
        """The `KEY=value` assignments, one per line."""
        pairs = (line.split("=", 1) for line in self.text.split("\n") if line)
        return {key: value for key, value in pairs}


def has(key: str, value: str | None = None) -> Callable[[Notification], bool]:
    """A predicate: the notification assigns `key` (to `value`, if given)."""
    return lambda notification: key in notification.fields and (value is None or notification.fields[key] == value)


@dataclass
class Messages:
    """What one sender said, line by line, over all its datagrams."""
    ready_at: float | None = None
    readies: int = 0
    reloading: int = 0
    stopping: int = 0
    watchdog: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, notifications: Iterable[Notification]) -> Messages:
        messages = cls()
        for notification in notifications:
            now = notification.received
            for line in notification.text.split("\n"):
                key, _, value = line.partition("=")
                if key == "READY" and value == "1":
                    messages.readies += 1
                    messages.ready_at = messages.ready_at or now
                elif key == "STATUS":
                    messages.statuses.append(value)
                elif key == "WATCHDOG" and value == "1":
                    messages.watchdog.append(now)
                elif key == "RELOADING" and value == "1":
                    messages.reloading += 1
                elif key == "STOPPING" and value == "1":
                    messages.stopping += 1
        return messages


class NotifyListener:
    """A fake service manager: an AF_UNIX SOCK_DGRAM socket at a path, read by a background thread.

    Like systemd it learns each sender's pid from SO_PASSCRED, so one socket can serve daemons started
    one after another (a kill and a restart) and still tell their messages apart. The socket lives in
    its own short temporary directory: a socket address holds at most 107 bytes, and pytest's tmp_path
    can be longer than that.
    """

    def __init__(self, prefix: str = "sl-notify-") -> None:
        self._directory = tempfile.mkdtemp(prefix=prefix)
        self.path = os.path.join(self._directory, "notify.sock")
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)  # a burst of STATUS= under load
        self._socket.bind(self.path)
        self._socket.settimeout(0.05)
        self._notifications: list[Notification] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, name="notify-listener", daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        credentials_size = socket.CMSG_SPACE(struct.calcsize("3i"))
        while not self._closed.is_set():
            try:
                data, ancillary, _, _ = self._socket.recvmsg(65536, credentials_size)
            except TimeoutError:
                continue
            except OSError:
                return
            now = time.monotonic()
            pid = next((struct.unpack("3i", payload[:12])[0] for level, kind, payload in ancillary
                        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), 0)
            with self._lock:
                self._notifications.append(Notification(now, data.decode("utf-8", errors="replace"), pid))

    @property
    def notifications(self) -> list[Notification]:
        with self._lock:
            return list(self._notifications)

    def find(self, predicate: Callable[[Notification], bool], start: int = 0) -> tuple[int, Notification] | None:
        """The first notification from index `start` on that satisfies `predicate`, with its index."""
        for index, notification in enumerate(self.notifications[start:], start=start):
            if predicate(notification):
                return index, notification
        return None

    def messages(self, pid: int) -> Messages:
        """Everything process `pid` said so far."""
        return Messages.of(notification for notification in self.notifications if notification.pid == pid)

    def transcript(self) -> str:
        return "\n".join(repr(notification.text) for notification in self.notifications) or "(nothing)"

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2)
        self._socket.close()
        shutil.rmtree(self._directory, ignore_errors=True)
