"""Real `rounds` processes for tests: started with an environment, waited for, their output read back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`rounds serve` on loopback; stdout and stderr kept apart (JSON logs go to stderr)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_until(
    condition: Callable[[], bool], what: str, processes: Iterable[subprocess.Popen[bytes]]
) -> None:
    """Poll `condition` until it holds; fail at once (with its output) if a process exits meanwhile."""
    deadline = time.monotonic() + 60
    while not condition():
        for p in processes:
            if p.poll() is not None:
                out, err = p.communicate()
                raise AssertionError(f"a process exited early:\n{out.decode()}\n{err.decode()}")
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    """SIGTERM, then what it printed (stdout, stderr)."""
    process.terminate()
    out, err = process.communicate(timeout=15)
    return out.decode(), err.decode()
