"""gunicorn settings for the reliability tests: each worker reports its pid once it has booted
(so the fixture waits for readiness without sleeping or polling)."""

from __future__ import annotations

import os
import socket
from typing import Any


def post_worker_init(worker: Any) -> None:
    path = os.environ.get("QUIZENGINE_TEST_READY_SOCKET", "")
    if not path:
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(path)
            sock.sendall(f"{os.getpid()}\n".encode())
    except OSError:  # the test stopped listening (a worker respawned late): nothing to report
        pass
