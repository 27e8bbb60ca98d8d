"""Golden variants: (template id, version, seed) must keep giving the very same variant.

Stored attempts are regenerated from (template version, seed), so an engine change (a speed-up,
a cache, a cheaper SymPy call) must not alter any variant. For every template of the bank and
seeds 0, 1, 2, ``golden_variants.json`` holds SHA-256 fingerprints of the prompt, of each
part's expected answer (its ``srepr``: the exact SymPy tree, plus its plain and LaTeX texts),
of each part as a whole (prompt, choices, mistakes, checking spec), of the solution, and of the
whole variant (hints and the drawn and derived values too). Figures are placeholders
(``plots=False``) but their alt texts are in the prompt.

The file is written from the engine as it is, only when a variant is meant to change (a new
template, a new template version)::

    .venv/bin/python -m tests.core.questions.test_golden_variants          # rewrite the file
    .venv/bin/python -m tests.core.questions.test_golden_variants --check  # compare, print diffs
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from quizengine.core.questions import Variant, generate, load_template_text

BANK = Path(__file__).resolve().parents[3] / "question_bank"
GOLDEN = Path(__file__).with_name("golden_variants.json")
FILES = sorted(BANK.rglob("*.toml"))
SEEDS = (0, 1, 2)


def _sha(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def canonical(value: Any) -> str:
    """The exact structure of a value: ``srepr`` for SymPy, ``repr`` for anything else.

    >>> canonical(sp.Integer(2) * sp.Symbol("x"))
    "Mul(Integer(2), Symbol('x'))"
    """
    if isinstance(value, sp.Basic | sp.MatrixBase):
        return str(sp.srepr(value))
    return repr(value)


def fingerprint(variant: Variant) -> dict[str, Any]:
    """Hashes of the prompt, each part's expected answer, each part, the solution, everything."""
    parts = {
        p.part_id: {
            "expected": _sha([canonical(p.expected), p.expected_text, p.expected_latex]),
            "part": _sha(
                [p.to_dict(), [canonical(m.answer) for m in p.spec.mistakes], p.spec.choices]
            ),
        }
        for p in variant.parts
    }
    values = [[name, canonical(value)] for name, value in variant.values]
    return {
        "prompt": _sha(variant.prompt_html),
        "parts": parts,
        "solution": _sha(variant.solution_html),
        "variant": _sha([variant.to_dict(), values]),
    }


def fingerprints(path: Path) -> dict[str, dict[str, Any]]:
    """``{"<id>@v<version>#<seed>": fingerprint}`` for one template file and every seed."""
    template = load_template_text(path.read_text(encoding="utf-8"))
    return {
        f"{template.id}@v{template.version}#{seed}": fingerprint(
            generate(template, seed, plots=False)
        )
        for seed in SEEDS
    }


def compute_all() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in FILES:
        out.update(fingerprints(path))
    return dict(sorted(out.items()))


def regenerate(check: bool = False) -> int:
    """Write ``golden_variants.json`` from the current engine (``check``: compare only)."""
    current = compute_all()
    if not check:
        GOLDEN.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(current)} fingerprints to {GOLDEN}")
        return 0
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in stored.keys() | current.keys() if stored.get(k) != current.get(k))
    for key in changed:
        print(f"differs: {key}")
    print(f"{len(current) - len(changed)} of {len(current)} fingerprints identical")
    return 1 if changed else 0


def _stored() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def test_golden_file_covers_every_template_and_seed() -> None:
    stored = _stored()
    ids = {load_template_text(p.read_text(encoding="utf-8")).id for p in FILES}
    assert {key.split("@")[0] for key in stored} == ids
    assert len(stored) == len(ids) * len(SEEDS)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_variants_match_golden(path: Path) -> None:
    stored = _stored()
    for key, print_ in fingerprints(path).items():
        assert key in stored, f"{key}: no golden fingerprint (new template or version?)"
        assert print_ == stored[key], key


if __name__ == "__main__":
    sys.exit(regenerate(check="--check" in sys.argv[1:]))
