"""``quizengine mastery fit [--seed N] [--min-sequences K]``: refit the per-skill BKT parameters
from the stored submissions (EM), store them in ``skill_param`` and print them as a table."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from quizengine.services import mastery as mastery_service

COLUMNS = ("skill", "p_init", "p_learn", "p_guess", "p_slip", "sequences")


@click.group("mastery", help="The learner model: per-skill parameters.")
def mastery() -> None:
    pass


@mastery.command("fit")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the EM restarts: the same data and seed give the same parameters.")
@click.option("--min-sequences", default=1, show_default=True, type=click.IntRange(1),
              help="Skills answered by fewer learners keep their current parameters.")
@with_appcontext
def fit(seed: int, min_sequences: int) -> None:
    """Refit every skill's parameters by EM from graded parts, in time order per learner."""
    database = current_app.extensions["quizengine.db"]
    with database.session() as session, session.begin():
        rows = mastery_service.refit_params(session, seed=seed, min_sequences=min_sequences)
    click.echo(f"{COLUMNS[0]:<26}" + "".join(f"{c:>10}" for c in COLUMNS[1:]) + "  source")
    for row in rows:
        p = row.params
        source = "fitted" if row.fitted else "stored/default"
        click.echo(f"{row.skill:<26}{p.p_init:>10.3f}{p.p_transit:>10.3f}{p.guess:>10.3f}"
                   f"{p.slip:>10.3f}{row.sequences:>10d}  {source}")
    fitted = sum(r.fitted for r in rows)
    click.echo(f"fitted {fitted} skills from {sum(r.sequences for r in rows if r.fitted)} "
               f"sequences (seed {seed}); written to skill_param")
