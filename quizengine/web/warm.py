"""Warm a server process before it forks its workers (see ``wsgi``)."""

from __future__ import annotations

import gc
import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from quizengine.core.errors import QuizengineError
from quizengine.services import catalog

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> None:
    """Prepare the active templates and freeze the heap. A database that is not reachable or
    not migrated yet is not an error here: the workers prepare templates on first use."""
    database = app.extensions["quizengine.db"]
    try:
        with database.session() as session:
            count = catalog.warm_up(session)
        log.info("prepared %d templates before forking", count)
    except (SQLAlchemyError, QuizengineError) as error:
        log.warning("templates not prepared ahead (%s); workers prepare them on first use", error)
    finally:
        database.engine.dispose()  # no connection crosses the fork
    gc.collect()
    gc.freeze()
