"""One `storyline run` child process, started the way its service manager would start it."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from .service_manager import Notification, NotifyListener, child_environment, has


class DaemonFailed(Exception):
    """The daemon exited, or stayed silent, where the caller waited for it."""


class DaemonProcess:
    """`BINARY run --inbox --state --timeline ARGUMENTS`, its output in `log_path`.

    With a `listener` the child gets it as NOTIFY_SOCKET (the caller owns and closes the listener, which
    may serve several daemons in turn); with `watchdog_usec` it gets WATCHDOG_USEC and WATCHDOG_PID.
    `runner` comes before the command: `setpriv --reuid=...` runs the daemon as another user.
    """

    #: How much of the log's end a failure message quotes (None: all of it).
    log_excerpt: int | None = 3000

    def __init__(self, binary: Path | str, inbox: Path | str, state: Path | str, timeline: Path | str,
                 log_path: Path, *, arguments: Iterable[str] = (), listener: NotifyListener | None = None,
                 watchdog_usec: int | None = None, environment: dict[str, str] | None = None,
                 runner: Iterable[str] = ()) -> None:
        self.listener = listener
        self.log_path = Path(log_path)
        command = [*runner, str(binary), "run", "--inbox", str(inbox), "--state", str(state), "--timeline", str(timeline),
                   *arguments]
        env = child_environment()
        if listener:
            env["NOTIFY_SOCKET"] = listener.path
        if watchdog_usec is not None:
            # WATCHDOG_PID must be the daemon's own pid: the shell exports its pid and becomes the daemon.
            env["WATCHDOG_USEC"] = str(watchdog_usec)
            command = ["/bin/sh", "-c", 'export WATCHDOG_PID=$$; exec "$@"', "sh", *command]
        env.update(environment or {})
        # Where this daemon's notifications begin when the listener has served others before it.
        self._first_notification = len(listener.notifications) if listener else 0
        self.started_at = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            env=env)

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_bytes().decode("utf-8", errors="replace")

    def log_tail(self) -> str:
        text = self.log()
        return text if self.log_excerpt is None else text[-self.log_excerpt:]

    def send(self, signal_number: int) -> None:
        self.process.send_signal(signal_number)

    def ready(self) -> Notification | None:
        """This process's READY=1, if it has said it."""
        if self.listener is None:
            raise DaemonFailed("started without a notify socket")
        ready = has("READY", "1")
        found = self.listener.find(lambda n: n.pid == self.pid and ready(n), self._first_notification)
        return found[1] if found else None

    def wait_ready(self, timeout: float, interval: float = 0.01) -> Notification:
        """Waits for READY=1; DaemonFailed if the daemon exits first or the timeout passes."""
        deadline = time.monotonic() + timeout
        while (notification := self.ready()) is None:
            if not self.running():
                raise DaemonFailed(f"the daemon exited with {self.process.returncode} before READY=1; log:\n"
                                   f"{self.log_tail()}")
            if time.monotonic() >= deadline:
                raise DaemonFailed(f"no READY=1 within {timeout:g} s; log:\n{self.log_tail()}")
            time.sleep(interval)
        return notification

    def stop(self, timeout: float) -> int:
        """SIGTERM, then its exit status; subprocess.TimeoutExpired if it is still running at `timeout`."""
        self.send(signal.SIGTERM)
        return self.process.wait(timeout)

    def stop_or_kill(self, timeout: float) -> int:
        """SIGTERM if it runs, SIGKILL if it is still running at `timeout`; its exit status."""
        if self.running():
            self.send(signal.SIGTERM)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.wait()

    def kill(self) -> None:
        """SIGKILL: a crash at whatever moment this is."""
        if self.running():
            self.process.kill()
        self.process.wait()
