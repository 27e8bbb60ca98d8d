"""``quizengine grade``: batch grading, JSON Lines in (stdin), JSON Lines out (stdout).

Needs no app context and no database: it is a thin I/O loop over
:func:`quizengine.core.checking.batch.grade_row`. One output line per input line, in order;
a line that is not JSON gets an ``invalid`` answer and the batch goes on.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from quizengine.core.checking.batch import grade_row


def grade_stream(source: TextIO, sink: TextIO) -> int:
    """Grade every non-blank line of ``source`` into ``sink``; returns the count."""
    count = 0
    for line in source:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            result = {"id": None, "verdict": "invalid", "score": 0.0,
                      "feedback": f"bad row: not JSON ({err.msg})", "interpreted": "",
                      "seconds": 0.0}
        else:
            result = grade_row(row)
        sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        sink.flush()
        count += 1
    return count


@click.command("grade")
def grade() -> None:
    """Grade answers: JSON Lines on stdin, one JSON line per answer on stdout."""
    grade_stream(sys.stdin, sys.stdout)
