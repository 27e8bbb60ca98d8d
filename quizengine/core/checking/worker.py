"""A small pool of persistent worker processes for symbolic work that may not finish.

Signals cannot interrupt a computation in a web server's threads, so anything that may run
long (``sympy.simplify``, ``solveset``) runs in a child process that we can kill. The pool:

* starts lazily, on the first task (or :func:`start` to warm it at server start);
* uses the ``forkserver`` context with SymPy preloaded, so a replacement starts in tens of ms
  and no parent thread state is inherited;
* is thread-safe (one lock + condition) and fork-safe (a forked child starts with no pool);
* on a deadline kills the worker, starts a fresh one in the background and raises
  :class:`~quizengine.core.errors.CheckTimeoutError`, which the checker reports as
  "could not be checked in time" - never as a wrong answer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from quizengine.core.errors import CheckError, CheckTimeoutError

__all__ = ["POOL_SIZE", "run", "shutdown", "start"]

POOL_SIZE = 2
_CONTEXT = "forkserver"


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the child
    from quizengine.core.checking.symbolic import TASKS

    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", TASKS[name](*args))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
            reply = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


class _Worker:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context(_CONTEXT)
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def call(self, name: str, args: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
        self.conn.send((name, args))
        if not self.conn.poll(max(timeout, 0.0)):
            raise CheckTimeoutError("could not be checked in time")
        return self.conn.recv()  # type: ignore[no-any-return]

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=1.0)
        self.conn.close()


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.idle: list[_Worker] = []
        self.count = 0
        self.pid = os.getpid()

    def acquire(self, deadline: float | None) -> _Worker:
        with self.lock:
            while not self.idle and self.count >= POOL_SIZE:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise CheckTimeoutError("could not be checked in time (workers busy)")
                self.lock.wait(left)
            if self.idle:
                return self.idle.pop()
            self.count += 1
        try:
            return _Worker()
        except Exception:
            with self.lock:
                self.count -= 1
                self.lock.notify()
            raise

    def release(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)
            self.lock.notify()

    def discard(self, worker: _Worker) -> None:
        """Kill now (SIGKILL is immediate); reap it and start a fresh one in the background."""
        worker.process.kill()
        with self.lock:
            self.count -= 1
            self.lock.notify()

        def reap_and_refill() -> None:
            worker.kill()
            self.refill()

        threading.Thread(target=reap_and_refill, daemon=True).start()

    def refill(self) -> None:
        """Start workers until the pool is full again (in the background after a kill)."""
        while True:
            with self.lock:
                if self.count >= POOL_SIZE:
                    return
                self.count += 1
            try:
                self.release(_Worker())
            except (OSError, RuntimeError):
                with self.lock:
                    self.count -= 1
                return

    def close(self) -> None:
        with self.lock:
            workers, self.idle, self.count = self.idle, [], 0
        for w in workers:
            w.kill()


_pool: _Pool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None or _pool.pid != os.getpid():
            _configure()
            _pool = _Pool()
        return _pool


def _configure() -> None:
    with contextlib.suppress(ValueError, AttributeError):  # no forkserver on this platform
        multiprocessing.get_context(_CONTEXT).set_forkserver_preload(
            ["quizengine.core.checking.symbolic"]
        )


def _forget_after_fork() -> None:
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def run(name: str, args: tuple[Any, ...], *, deadline: float | None) -> Any:
    """Run task ``name`` of :mod:`.symbolic` in a worker, before ``deadline`` (monotonic).

    Raises CheckTimeoutError on the deadline and CheckError when the task itself failed.
    """
    pool = _get_pool()
    worker = pool.acquire(deadline)
    left = 3600.0 if deadline is None else deadline - time.monotonic()
    try:
        status, value = worker.call(name, args, left)
    except CheckTimeoutError:
        pool.discard(worker)
        raise
    except (OSError, EOFError) as exc:
        pool.discard(worker)
        raise CheckError(f"worker failed: {exc}") from exc
    pool.release(worker)
    if status != "ok":
        raise CheckError(f"symbolic check failed: {value}")
    return value


def start() -> None:
    """Warm the pool now (e.g. when a server starts), rather than on the first slow check."""
    pool = _get_pool()
    pool.refill()
    for _ in range(POOL_SIZE):
        run("ping", (), deadline=time.monotonic() + 60)


def shutdown() -> None:
    """Kill every idle worker (tests and benchmarks call this to leave nothing behind)."""
    with _pool_lock:
        pool = _pool
    if pool is not None:
        pool.close()
