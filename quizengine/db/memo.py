"""Per-process memos kept per database: values read from one database are never served for
another (tests and tools open several), and each memo is a bounded LRU.

A memo is keyed on the engine's connection pool, which every engine made from it with other
options (the read-only sessions' autocommit engine) shares, and is dropped with it.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from sqlalchemy import Engine, Pool
from sqlalchemy.orm import Session

from quizengine.core.lru import LRU

_MEMOS: weakref.WeakKeyDictionary[Pool, dict[str, LRU[Any]]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def memo(session: Session, name: str, size: int) -> LRU[Any]:
    """The memo ``name`` (at most ``size`` entries) of the database ``session`` is bound to."""
    pool = session.get_bind().engine.pool
    memos = _MEMOS.get(pool)
    if memos is None or name not in memos:
        with _LOCK:
            memos = _MEMOS.setdefault(pool, {})
            memos.setdefault(name, LRU(size))
    return memos[name]


def forget(engine: Engine) -> None:
    """Drop every memo of ``engine``'s database (tests that empty their tables call this)."""
    with _LOCK:
        _MEMOS.pop(engine.pool, None)
