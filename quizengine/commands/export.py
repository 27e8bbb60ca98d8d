"""``quizengine export grades [--quiz ID] [--format csv|xlsx] [-o FILE]``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from quizengine.services import reports


@click.group("export", help="Export reports.")
def export() -> None:
    pass


@export.command("grades")
@click.option("--quiz", "quiz_id", default=None, help="Only this quiz id.")
@click.option("--format", "fmt", type=click.Choice(reports.FORMATS), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: standard output).")
@with_appcontext
def grades(quiz_id: str | None, fmt: str, output: str | None) -> None:
    """Grades per student and quiz: best, latest, mean, attempts, last activity."""
    _write(reports.grade_rows, reports.GRADE_COLUMNS, "grades", quiz_id, fmt, output)


@export.command("submissions")
@click.option("--quiz", "quiz_id", default=None, help="Only this quiz id.")
@click.option("--format", "fmt", type=click.Choice(reports.FORMATS), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@with_appcontext
def submissions(quiz_id: str | None, fmt: str, output: str | None) -> None:
    """Every stored submission part (for audits)."""
    _write(reports.submission_rows, reports.SUBMISSION_COLUMNS, "submissions", quiz_id, fmt,
           output)


def _write(rows_of, columns, title, quiz_id, fmt, output) -> None:  # type: ignore[no-untyped-def]
    with current_app.extensions["quizengine.db"].session() as session:
        data = reports.export(rows_of(session, quiz_id=quiz_id), columns, fmt=fmt, title=title)
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        click.echo(f"wrote {output}", err=True)
    elif fmt == "xlsx" and sys.stdout.isatty():
        raise click.UsageError("XLSX is binary: give -o FILE.")
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream
