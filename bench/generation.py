"""Variant generation speed across the question bank, against a no-cache baseline in the same run.

Measured: variants per second and p50/p99 latency per variant, without plots (what the quiz
start and the validator need) and with plots (SVG drawn, first time for each variant). Baseline:
the same generation with every cache emptied before each variant, i.e. re-parsing the TOML,
re-checking the schema, recompiling the Jinja texts and re-rendering all LaTeX per variant: what
a naive engine without per-template caching (and without the per-template precomputation of
forms, precompute.py) would do. Seeds are fresh (never generated before in the process) for
every measurement. The warm-up draws one variant of each template; its cost, which includes each
template's one-time precomputation, is printed on its own line, with the ten templates that cost
the most per variant. Last line: one JSON object with the figures.

    .venv/bin/python bench/generation.py [--variants 400] [--plot-variants 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizengine.core.questions import (  # noqa: E402
    author,
    drafting,
    expressions,
    generate,
    load_bank,
    loader,
    params,
    plots,
    precompute,
    printing,
    render,
    scope,
)
from quizengine.core.questions.model import Template  # noqa: E402


def clear_caches() -> None:
    """Empty every cache of the question layer (the baseline's 'no caching')."""
    loader._load.cache_clear()
    render._compile.cache_clear()
    render._render_markdown.cache_clear()
    expressions._evaluate.cache_clear()
    printing.clear_memos()
    drafting.constraint_schedule.cache_clear()
    author._CHAINS.clear()
    expressions.split_condition.cache_clear()
    params._integers.cache_clear()
    plots._CACHE.clear()
    scope._form.cache_clear()
    scope._placeholders.cache_clear()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def measure(
    jobs: list[tuple[Template, int]], make: Callable[[Template, int], object]
) -> dict[str, Any]:
    """Wall-clock figures, and CPU-time ones (this process only: robust on a busy machine)."""
    times, cpu = [], []
    started, cpu_started = time.perf_counter(), time.process_time()
    for template, seed in jobs:
        t0, c0 = time.perf_counter(), time.process_time()
        make(template, seed)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    total, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "per_s": len(jobs) / total,
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * percentile(times, 99),
        "cpu_per_s": len(jobs) / cpu_total,
        "cpu_p50_ms": 1000 * statistics.median(cpu),
        "cpu_p99_ms": 1000 * percentile(cpu, 99),
        "n": len(jobs),
        "cpu_each": cpu,  # per job, for the slowest-templates table
    }


def jobs_for(templates: list[Template], count: int, first_seed: int) -> list[tuple[Template, int]]:
    return [(templates[i % len(templates)], first_seed + i) for i in range(count)]


def naive(template: Template, seed: int) -> object:
    clear_caches()
    fresh = loader.load_template_text(template.source)
    with precompute.disabled():  # a naive engine does no per-template precomputation either
        return generate(fresh, seed, plots=False)


def print_slowest(jobs: list[tuple[Template, int]], cpu: list[float], top: int = 10) -> None:
    """The templates that cost the most CPU per variant in the no-plots run (mean, max)."""
    per: dict[str, list[float]] = {}
    for (template, _), seconds in zip(jobs, cpu, strict=True):
        per.setdefault(template.id, []).append(seconds)
    rows = sorted(per.items(), key=lambda item: -statistics.fmean(item[1]))[:top]
    print(f"slowest templates without plots (CPU ms per variant: mean, max over {len(cpu)} runs):")
    for template_id, seconds in rows:
        mean, worst = 1000 * statistics.fmean(seconds), 1000 * max(seconds)
        print(f"  {mean:7.2f} {worst:7.2f}  {template_id}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=400)
    parser.add_argument("--plot-variants", type=int, default=40)
    args = parser.parse_args()

    templates = list(load_bank(ROOT / "question_bank").values())
    with_plots = [
        t for t in templates if t.spec.plots or any(o.plot for p in t.spec.parts for o in p.options)
    ]
    # Warm-up: imports, the parser's tables, first compile, and each template's one-time
    # precomputation of its forms (precompute.py); timed separately and printed below.
    first = measure([(t, 10**6) for t in templates], lambda t, s: generate(t, s, plots=False))

    fast = measure(
        jobs_for(templates, args.variants, 1_000_000), lambda t, s: generate(t, s, plots=False)
    )
    base = measure(jobs_for(templates, args.variants, 2_000_000), naive)
    drawn = measure(
        jobs_for(with_plots or templates, args.plot_variants, 3_000_000),
        lambda t, s: generate(t, s),
    )

    print(f"templates: {len(templates)} ({len(with_plots)} with plots)")
    print(f"{'':<28}{'variants/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'n':>7}   (CPU: /s, p50, p99)")
    for name, row in (
        ("engine, no plots", fast),
        ("baseline (no caches)", base),
        ("engine, with plots", drawn),
    ):
        print(
            f"{name:<28}{row['per_s']:>12.1f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}"
            f"{row['n']:>7}   ({row['cpu_per_s']:.1f}, {row['cpu_p50_ms']:.2f}, "
            f"{row['cpu_p99_ms']:.2f})"
        )
    first_cpu = first["cpu_each"]
    print(
        f"first variant of each template (one-time precomputation included): "
        f"CPU mean {1000 * statistics.fmean(first_cpu):.1f} ms, "
        f"max {1000 * max(first_cpu):.1f} ms, total {sum(first_cpu):.2f} s"
    )
    print_slowest(jobs_for(templates, args.variants, 1_000_000), fast["cpu_each"])
    ratio = fast["per_s"] / base["per_s"]
    print(
        f"speed-up over baseline: {ratio:.2f}x; "
        "target >= 200 variants/s, p99 <= 50 ms without plots"
    )
    print(
        json.dumps(
            {
                "templates": len(templates),
                "variants_per_s": round(fast["per_s"], 1),
                "p50_ms": round(fast["p50_ms"], 3),
                "p99_ms": round(fast["p99_ms"], 3),
                "baseline_variants_per_s": round(base["per_s"], 1),
                "baseline_p50_ms": round(base["p50_ms"], 3),
                "baseline_p99_ms": round(base["p99_ms"], 3),
                "speedup": round(ratio, 2),
                "plots_variants_per_s": round(drawn["per_s"], 1),
                "plots_p50_ms": round(drawn["p50_ms"], 3),
                "plots_p99_ms": round(drawn["p99_ms"], 3),
                "cpu_variants_per_s": round(fast["cpu_per_s"], 1),
                "cpu_p50_ms": round(fast["cpu_p50_ms"], 3),
                "cpu_p99_ms": round(fast["cpu_p99_ms"], 3),
                "cpu_plots_p50_ms": round(drawn["cpu_p50_ms"], 3),
                "first_variant_cpu_mean_ms": round(1000 * statistics.fmean(first_cpu), 3),
                "first_variant_cpu_max_ms": round(1000 * max(first_cpu), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
