"""The real app behind gunicorn, plus a test-only hook to hold one request where a test wants a
worker to die (loaded only by tests/reliability/conftest.py; never part of the package).

A request carrying ``X-Test-Hold: before`` stops before the app sees it; ``X-Test-Hold: after``
runs the app to the end (the view has committed, the session is closed) and stops before a byte
of the response is sent. Holding means: connect to the Unix socket named by
``QUIZENGINE_TEST_HOLD_SOCKET``, send this worker's pid, and block until the test kills the
worker (or closes the socket, which releases the request so that nothing hangs).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from typing import Any

from quizengine.web import create_app

_inner = create_app()


def _hold(path: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        sock.sendall(f"{os.getpid()}\n".encode())
        sock.recv(1)  # returns only when the test closes its end


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    mode = environ.get("HTTP_X_TEST_HOLD", "")
    path = os.environ.get("QUIZENGINE_TEST_HOLD_SOCKET", "")
    if not path or mode not in ("before", "after"):
        return _inner(environ, start_response)
    if mode == "before":
        _hold(path)
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured.update(status=status, headers=headers)
        return lambda _data: None

    result = _inner(environ, capture)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    if mode == "after":
        _hold(path)
    start_response(captured["status"], captured["headers"])
    return [body]
