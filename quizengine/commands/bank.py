"""``quizengine bank``: list, validate and preview the question templates.

Plain click, no Flask app context: the bank is read from ``QUIZENGINE_BANK_PATH`` or the
repository's ``question_bank/``. ``validate`` exits non-zero on any failure and ends with one
summary line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from quizengine.core.errors import TemplateError

__all__ = ["bank"]


def bank_path() -> Path:
    """Where the templates live: ``QUIZENGINE_BANK_PATH`` or ``<repo>/question_bank``."""
    configured = os.environ.get("QUIZENGINE_BANK_PATH")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "question_bank"


@click.group("bank")
def bank() -> None:
    """Question templates: list, validate, generate."""


@bank.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of templates.")
def list_templates(as_json: bool) -> None:
    """List templates (id, version, quiz, skills, difficulty, title)."""
    from quizengine.core.questions.loader import scan_bank

    templates, errors = scan_bank(bank_path())
    for error in errors:
        click.echo(f"error: {error.message}", err=True)
    rows = [t.summary() for t in templates.values()]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
    else:
        for row in rows:
            click.echo(f"{row['id']:<60} v{row['version']}  d{row['difficulty']}  {row['title']}")
    if errors:
        sys.exit(1)


@bank.command("validate")
@click.option(
    "--seeds",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Variants per template.",
)
@click.option("--template", "template_id", default=None, help="Only this template id.")
def validate(seeds: int, template_id: str | None) -> None:
    """Generate variants of every template and run every self-test; non-zero exit on failure."""
    from quizengine.core.questions import validate_template
    from quizengine.core.questions.loader import scan_bank

    started = time.perf_counter()
    templates, errors = scan_bank(bank_path())
    if template_id is not None:
        if template_id not in templates:
            for error in errors:
                click.echo(f"load: {error.message}", err=True)
            raise click.UsageError(f"no loadable template '{template_id}' in {bank_path()}")
        templates, errors = {template_id: templates[template_id]}, []
    failures = [f"load: {e.message}" for e in errors]
    failed = len(errors)
    for message in failures:
        click.echo(f"FAIL {message}")
    for tid, template in templates.items():
        found = validate_template(template, seeds=seeds)
        if found:
            failed += 1
            click.echo(f"FAIL {tid} ({len(found)} failures)")
            for message in found:
                click.echo(f"  {message}")
        failures += found
    seconds = time.perf_counter() - started
    status = "ok" if not failures else "FAILED"
    click.echo(
        f"bank validate: {status}: {len(templates)} templates x {seeds} seeds, "
        f"{failed} templates failing, {len(failures)} failures ({seconds:.1f} s)"
    )
    if failures:
        sys.exit(1)


@bank.command("generate")
@click.argument("template_id")
@click.option("--seed", default=0, show_default=True, type=int, help="Variant seed.")
@click.option("--json", "as_json", is_flag=True, help="The whole variant as JSON.")
@click.option("--no-plots", is_flag=True, help="Skip drawing plots.")
def generate_variant(template_id: str, seed: int, as_json: bool, no_plots: bool) -> None:
    """Show one variant: prompt, parts with kinds and expected answers, plots, solution."""
    from quizengine.core.questions import generate, load_template_text

    root = bank_path()
    files = [f for f in sorted(root.rglob("*.toml")) if f.stem == template_id.split("/")[-1]]
    template, problems = None, []
    for file in files:
        try:
            candidate = load_template_text(file.read_text(encoding="utf-8"))
        except TemplateError as exc:
            problems.append(f"{file.relative_to(root)}: {exc.message}")
            continue
        if candidate.id == template_id:
            template = candidate
    if template is None and problems:
        _fail(*problems)
    if template is None:
        raise click.UsageError(f"no template '{template_id}' in {root}")
    try:
        variant = generate(template, seed, plots=not no_plots)
    except TemplateError as exc:
        _fail(exc.message)
    if as_json:
        click.echo(json.dumps(variant.to_dict(), indent=1))
        return
    click.echo(f"{variant.template_id} v{variant.version} seed {variant.seed}: {variant.title}")
    click.echo(variant.prompt_html)
    for part in variant.parts:
        click.echo(f"[{part.part_id}] {part.kind}: expected {part.expected_text}")


def _fail(*messages: str) -> NoReturn:
    """A template problem, not a crash: ``error: <message>`` on stderr and exit status 1."""
    for message in messages:
        click.echo(f"error: {message}", err=True)
    sys.exit(1)
