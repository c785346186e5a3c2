"""Start, wait for and stop the servers and browsers some tests need: on 127.0.0.1, on a free
port, each in its own process group and stopped by PID."""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def die_with_pytest() -> None:
    """In a child process before it starts: on Linux, be sent SIGTERM if pytest dies first
    (killed, say), so that no server or browser outlives the test run."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def start(command: list[str], **kwargs) -> subprocess.Popen:
    """Start a server or browser in its own process group, tied to this process's life."""
    return subprocess.Popen(command, start_new_session=True, preexec_fn=die_with_pytest, **kwargs)


def stop(process: subprocess.Popen, name: str) -> None:
    """Stop ``process`` by its PID (SIGTERM, then SIGKILL), then whatever it started in its
    own process group (kernels, renderer processes)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print(f"{name} (pid {process.pid}) ignored SIGTERM; killing it")
            process.kill()
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def wait_for(condition, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
