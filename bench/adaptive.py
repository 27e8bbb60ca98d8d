"""Adaptive practice against fixed syllabus order and random order, on simulated learners.

Learners follow a hidden BKT process over the real skill graph. Per skill, the hidden parameters
are drawn once (p_init, p_transit, guess, slip and a forgetting rate per day); an item's hidden
difficulty δ shifts both emission probabilities in logits exactly as ``BKTParams.shifted`` does,
so the mastery model is right about the *form* of the process but must learn its numbers:

1. Calibration: training learners practise in syllabus order; ``fit_bkt`` (EM) fits the per-skill
   parameters from their score sequences and Elo fits item ratings (from the author-difficulty
   prior, against the product's prediction) by replaying the same log.
2. AUC: on held-out test learners, each answer is predicted before it is seen, once per (answer,
   skill) row, by the product's model (``auc``: an item needs every one of its skills, Elo
   offsets, conjunctive updates: ``predict_item``/``observe_item``), by the same without offsets
   (``auc_bkt_only``), by each skill alone without offsets (``auc_per_skill``, pyBKT's model), and
   by pyBKT fitted on the same training data (in its own venv, as a background subprocess;
   skipped with a message when missing). pyBKT's EM is pure Python here, so ``--quick`` compares
   on 4 skills with 1 restart; every AUC of the comparison is computed on the same rows of the
   same held-out learners (``auc_all_skills``: the product's model on every skill).
3. Policies, on the same learners (common random numbers): ``adaptive`` (``choose_next``),
   ``fixed`` (syllabus order, the same quota of N items for every skill, cycling again if the
   pass ends with some skill unknown) and ``random`` (any item). Figure: questions until every
   skill is truly known at once (censored at a cap). False mastery: the share of declarations
   (estimate crossing the threshold) made while the hidden state is *unknown*.

The quota N is the one a course would pick: the smallest N that is enough for 9 learners in 10 on
the average skill (mean over skills of 1-(1-p_init)(1-p_transit)^N ≥ 0.9, prerequisites known).
Learning a skill with an unknown prerequisite is slower (p_transit × 0.3). Sessions are 20
questions a day, 3 minutes apart; forgetting acts between them.

The fixed baseline is also swept over quotas N/2 .. 2N (``fixed_best_items``), so the adaptive
policy is compared with the strongest fixed order too. Update + selection time per answer is
measured in a separate pass after pyBKT has finished: CPU time (the JSON ``update_select_ms_*``)
and wall clock (``*_wall_*``, which on a shared machine includes time other processes held the CPU).

Usage: ``python bench/adaptive.py [--quick] [--seed N]``; ``--setup-pybkt`` creates the pyBKT venv
(.venv-pybkt: pyBKT, numpy<2.4, scikit-learn<1.8). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizengine.core.mastery import (  # noqa: E402
    PREREQUISITES,
    SKILLS,
    BKTParams,
    EloRating,
    Item,
    SkillState,
    bkt_update,
    choose_next,
    elo_update,
    fit_bkt,
    initial_item_rating,
    observe_item,
    predict_correct,
    predict_item,
)

PYBKT_VENV = ROOT / ".venv-pybkt"
PYBKT_PYTHON = PYBKT_VENV / "bin" / "python"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SESSION, MINUTES = 20, 3.0
THRESHOLD, PREREQ_FACTOR, RECENT = 0.95, 0.3, 3
S = len(SKILLS)
INDEX = {s: i for i, s in enumerate(SKILLS)}
PRE_IDX = [[INDEX[p] for p in PREREQUISITES[s]] for s in SKILLS]


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray | float) -> np.ndarray | float:
    return np.log(p / (1.0 - p))


@dataclass
class World:
    """Hidden truth: per-skill parameters as arrays, items with their true difficulty."""

    p_init: np.ndarray
    p_transit: np.ndarray
    guess: np.ndarray
    slip: np.ndarray
    forget: np.ndarray
    items: list[Item]  # ratings here are the *true* offsets
    source: str
    skill_idx: list[list[int]] = field(default_factory=list)
    by_skill: list[list[int]] = field(default_factory=list)
    emit: list[tuple[list[float], list[float]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.skill_idx = [[INDEX[s] for s in it.skills] for it in self.items]
        self.by_skill = [[k for k, it in enumerate(self.items) if s in it.skills] for s in SKILLS]
        for it, idx in zip(self.items, self.skill_idx, strict=True):
            delta = it.rating or 0.0  # P(right | known), P(right | unknown) on this item
            right = [float(_sigmoid(_logit(1.0 - self.slip[s]) - delta)) for s in idx]
            wrong = [float(_sigmoid(_logit(self.guess[s]) - delta)) for s in idx]
            self.emit.append((right, wrong))


def load_catalogue() -> tuple[list[tuple[str, tuple[str, ...], int]], str]:
    """Templates of question_bank/ when load_bank exists and covers every skill, else synthetic."""
    try:
        from quizengine.core.questions import load_bank  # type: ignore[attr-defined]
    except ImportError:
        load_bank = None
    if load_bank is not None:
        try:
            bank = load_bank(ROOT / "question_bank")
            rows = [(t.id, tuple(t.skills), int(t.difficulty)) for t in bank.values()
                    if t.skills and set(t.skills) <= set(SKILLS)]
            if {s for r in rows for s in r[1]} == set(SKILLS):
                return rows, f"question_bank ({len(rows)} templates)"
            why = "question_bank does not cover every skill"
        except Exception as exc:  # noqa: BLE001 - a bench reports why it fell back, then goes on
            why = f"load_bank failed: {exc}"
    else:
        why = "quizengine.core.questions.load_bank does not exist yet"
    rows = [(f"{s}-d{d}-{k}", (s,), d) for s in SKILLS for d in (1, 2, 3) for k in (1, 2)]
    return rows, f"synthetic (6 items per skill, difficulty 1..3; {why})"


def make_world(rng: np.random.Generator) -> World:
    rows, source = load_catalogue()
    items = [Item(tid, sk, d, rating=(d - 2) * 0.6 + float(rng.normal(0, 0.25)))
             for tid, sk, d in rows]
    return World(
        p_init=rng.uniform(0.05, 0.3, S), p_transit=rng.uniform(0.08, 0.3, S),
        guess=rng.uniform(0.05, 0.25, S), slip=rng.uniform(0.03, 0.15, S),
        forget=rng.uniform(0.001, 0.006, S), items=items, source=source,
    )  # fmt: skip


class SimLearner:
    """One learner's hidden knowledge, answering and learning by the world's BKT process.

    Plain Python lists rather than NumPy: the arrays are 22 long and this runs once per answer.
    """

    def __init__(self, world: World, rng: np.random.Generator) -> None:
        self.w, self.rng = world, rng
        self.known = [bool(x) for x in rng.random(S) < world.p_init]
        self.day = 0

    def all_known(self) -> bool:
        return all(self.known)

    def advance(self, day: float) -> None:
        """Forgetting between sessions: knowledge is redrawn at p_init, hazard ``forget``/day."""
        days = int(day) - self.day
        if days > 0:
            hazard = 1.0 - (1.0 - self.w.forget) ** days
            draws = self.rng.random((2, S))
            for s in range(S):
                if draws[0, s] < hazard[s]:
                    self.known[s] = bool(draws[1, s] < self.w.p_init[s])
            self.day = int(day)

    def answer(self, k: int) -> float:
        """Score 0/1 on item k (every skill must come through), then maybe learn each skill."""
        w, rng = self.w, self.rng
        right, wrong = w.emit[k]
        score = 1.0
        for j, s in enumerate(w.skill_idx[k]):
            if rng.random() >= (right[j] if self.known[s] else wrong[j]):
                score = 0.0
        for s in w.skill_idx[k]:
            if not self.known[s]:
                ready = all(self.known[p] for p in PRE_IDX[s])
                learn = w.p_transit[s] * (1.0 if ready else PREREQ_FACTOR)
                self.known[s] = bool(rng.random() < learn)
        return score


def fixed_quota(w: World, share: float = 0.9) -> int:
    """The smallest per-skill quota enough for ``share`` of learners on the average skill."""
    for n in range(1, 200):
        if np.mean(1.0 - (1.0 - w.p_init) * (1.0 - w.p_transit) ** n) >= share:
            return n
    return 200


def day_of(q: int) -> float:
    return q // SESSION + (q % SESSION) * MINUTES / 1440.0


# --- calibration and AUC ------------------------------------------------------------------------

def syllabus_log(w: World, learners: int, quota: int, seed: int) -> list[list[tuple[int, float]]]:
    """Per learner, (item, score) in time order: one pass through the syllabus, quota per skill."""
    logs = []
    for i in range(learners):
        rng = np.random.default_rng([seed, 1, i])
        sim, log = SimLearner(w, rng), []
        for q in range(S * quota):
            sim.advance(day_of(q))
            pool = w.by_skill[q // quota]
            k = pool[(q % quota) % len(pool)]
            log.append((k, sim.answer(k)))
        logs.append(log)
    return logs


def fit_model(w: World, logs: list[list[tuple[int, float]]], seed: int):
    """EM per skill on the score sequences, then Elo item ratings replayed over the same log."""
    seqs: dict[str, list[list[float]]] = {s: [] for s in SKILLS}
    for log in logs:
        per: dict[str, list[float]] = {}
        for k, score in log:
            for s in w.items[k].skills:
                per.setdefault(s, []).append(score)
        for s, seq in per.items():
            seqs[s].append(seq)
    params = fit_bkt(seqs, seed=seed)
    ratings = [initial_item_rating(it.difficulty) for it in w.items]
    for log in logs:
        p_l = {s: params[s].p_init for s in SKILLS}
        for k, score in log:
            it = w.items[k]
            item = Item(it.template_id, it.skills, it.difficulty, rating=ratings[k].value)
            expected = predict_item(item, p_l, params=params)
            ratings[k] = elo_update(EloRating(), ratings[k], score, expected=expected,
                                    update_learner=False).item
            conjunctive_update(p_l, item, score, params)
    items = [Item(it.template_id, it.skills, it.difficulty, rating=r.value)
             for it, r in zip(w.items, ratings, strict=True)]
    return params, items


def conjunctive_update(p_l: dict[str, float], item: Item, score: float, params) -> None:
    """``observe_item`` on bare masteries (no clock): each skill blamed as the others allow."""
    offset = item.offset()
    hits = {s: predict_correct(p_l[s], params[s], offset) for s in item.skills}
    for s in item.skills:
        others = float(np.prod([h for name, h in hits.items() if name != s]))
        p_l[s] = bkt_update(p_l[s], score, params[s], offset, others=others)


def predictions(logs, items: list[Item], params: dict[str, BKTParams], model: str):
    """P(correct) before each (answer, skill) row of held-out logs, the outcomes and skills.

    ``model``: ``product`` is what the product uses (every skill of the item must come through,
    Elo offsets, conjunctive update: ``predict_item``/``observe_item``); ``conjunctive`` the same
    without offsets; ``per_skill`` each skill alone, no offsets (what pyBKT does).
    """
    pred, outcome, skills = [], [], []
    for log in logs:
        p_l = {s: params[s].p_init for s in SKILLS}
        for k, score in log:
            it = items[k]
            if model == "per_skill":
                for s in it.skills:
                    pred.append(predict_correct(p_l[s], params[s]))
                    p_l[s] = bkt_update(p_l[s], score, params[s])
            else:
                item = it if model == "product" else Item(it.template_id, it.skills, rating=0.0)
                pred.extend([predict_item(item, p_l, params=params)] * len(it.skills))
                conjunctive_update(p_l, item, score, params)
            outcome.extend([score] * len(it.skills))
            skills.extend(it.skills)
    return np.asarray(pred), np.asarray(outcome), np.asarray(skills)


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    _, inv, counts = np.unique(p, return_inverse=True, return_counts=True)
    ranks = (np.bincount(inv, weights=ranks) / counts)[inv]
    pos = y >= 0.5
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


PYBKT_WORKER = """
import json, sys
import pandas as pd
from pyBKT.models import Model
train, test = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
model = Model(seed=int(sys.argv[4]), num_fits=int(sys.argv[5]), parallel=False)
model.fit(data=train)
out = model.predict(data=test).sort_values("row")
json.dump({"pred": out["correct_predictions"].tolist(), "correct": out["correct"].tolist()},
          open(sys.argv[3], "w"))
"""


def _csv(path: Path, w: World, logs, first_user: int, skills: set[str]) -> None:
    lines, order = ["row,order_id,user_id,skill_name,correct"], 0
    for u, log in enumerate(logs):
        for k, score in log:
            for s in w.items[k].skills:
                if s in skills:
                    lines.append(f"{order},{order},u{first_user + u},{s},{int(score)}")
                    order += 1
    path.write_text("\n".join(lines) + "\n")


def start_pybkt(w: World, train, test, *, seed: int, fits: int, skills: set[str]):
    """Launch pyBKT (fit on train, predict test) in the background; None when it cannot run."""
    if not PYBKT_PYTHON.exists():
        return None
    d = Path(tempfile.mkdtemp(prefix="adaptive-pybkt-"))
    _csv(d / "train.csv", w, train, 0, skills)
    _csv(d / "test.csv", w, test, len(train), skills)
    cmd = [str(PYBKT_PYTHON), "-c", PYBKT_WORKER, str(d / "train.csv"), str(d / "test.csv"),
           str(d / "out.json"), str(seed), str(fits)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, d


def finish_pybkt(handle) -> tuple[float | None, str]:
    """Wait for pyBKT; its AUC on the test rows, or None and why."""
    if handle is None:
        return None, f"skipped: no {PYBKT_VENV} (create it: python bench/adaptive.py --setup-pybkt)"
    proc, d = handle
    try:
        _, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            return None, f"skipped: pyBKT failed: {err.strip().splitlines()[-1:]}"
        got = json.loads((d / "out.json").read_text())
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return auc(np.asarray(got["correct"], float), np.asarray(got["pred"], float)), "ok"


# --- policies -------------------------------------------------------------------------------------

@dataclass
class Outcome:
    questions: int
    censored: bool
    declared: int
    false_declared: int
    latency_ns: list[int]
    cpu_ns: list[int]


Policy = Callable[[int, dict[str, SkillState], datetime, deque[str], np.random.Generator], int]


def adaptive_policy(items: list[Item], params) -> Policy:
    index = {it.template_id: k for k, it in enumerate(items)}

    def pick(q, states, now, recent, rng):
        choice = choose_next(states, items, now=now, rng=rng, recent=recent, params=params,
                             threshold=THRESHOLD)
        return index[choice.template_id] if choice else int(rng.integers(len(items)))

    return pick


def fixed_policy(w: World, quota: int) -> Policy:
    def pick(q, states, now, recent, rng):
        pool = w.by_skill[(q // quota) % S]
        return pool[(q % quota) % len(pool)]

    return pick


def random_policy(w: World) -> Policy:
    return lambda q, states, now, recent, rng: int(rng.integers(len(w.items)))


def run_learner(w: World, model_items, params, policy: Policy, i: int, cap: int, seed: int):
    sim = SimLearner(w, np.random.default_rng([seed, 2, i]))
    rng = np.random.default_rng([seed, 3, i])
    states: dict[str, SkillState] = {}
    recent: deque[str] = deque(maxlen=RECENT)
    out = Outcome(0, False, 0, 0, [], [])
    for q in range(cap):
        if sim.all_known():
            out.questions = q
            return out
        sim.advance(day_of(q))
        now = T0 + timedelta(days=day_of(q))
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        k = policy(q, states, now, recent, rng)
        t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        score = sim.answer(k)
        t2, c2 = time.perf_counter_ns(), time.thread_time_ns()
        item = model_items[k]
        for s, after in observe_item(states, item, score, now=now, params=params).items():
            before = states.get(s, SkillState(s, params[s].p_init))
            states[s] = after
            if before.mastery < THRESHOLD <= after.mastery:
                out.declared += 1
                out.false_declared += int(not sim.known[INDEX[s]])
        out.latency_ns.append(t1 - t0 + time.perf_counter_ns() - t2)
        out.cpu_ns.append(c1 - c0 + time.thread_time_ns() - c2)
        recent.append(item.template_id)
    out.questions, out.censored = cap, not sim.all_known()
    return out


def run_policy(name, w, items, params, policy, learners, cap, seed):
    outs = [run_learner(w, items, params, policy, i, cap, seed) for i in range(learners)]
    q = np.array([o.questions for o in outs])
    declared = sum(o.declared for o in outs)
    false = sum(o.false_declared for o in outs) / max(declared, 1)
    cens = sum(o.censored for o in outs)
    print(f"  {name:<9} questions mean {q.mean():7.1f}  median {np.median(q):6.0f}  "
          f"censored {cens:3d}/{learners}  false mastery {false:6.1%} ({declared} declared)")
    wall = [ns for o in outs for ns in o.latency_ns]
    return q.mean(), false, cens, wall, [ns for o in outs for ns in o.cpu_ns]


def best_fixed(w: World, items, params, quota: int, learners: int, cap: int, seed: int):
    """The fixed order's best quota on these learners: a baseline as strong as fixed can be."""
    means = {}
    for n in sorted({max(1, quota // 2), quota * 2 // 3, quota, quota * 3 // 2, quota * 2}):
        outs = [run_learner(w, items, params, fixed_policy(w, n), i, cap, seed)
                for i in range(learners)]
        means[n] = float(np.mean([o.questions for o in outs]))
    best = min(means, key=means.__getitem__)
    print("  fixed quota sweep: " + ", ".join(f"N={n}: {m:.1f}" for n, m in means.items()))
    return best, means[best]


def setup_pybkt() -> None:
    subprocess.run([sys.executable, "-m", "venv", str(PYBKT_VENV)], check=True)
    subprocess.run([str(PYBKT_PYTHON), "-m", "pip", "install", "-q", "pyBKT", "numpy<2.4",
                    "scikit-learn<1.8"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--setup-pybkt", action="store_true", help="create .venv-pybkt and exit")
    args = ap.parse_args()
    if args.setup_pybkt:
        setup_pybkt()
        return
    n_train, n_test, learners, cap = (200, 150, 60, 2000) if args.quick else (500, 300, 200, 4000)
    # pyBKT's EM is pure Python here (minutes for all skills), so --quick compares on 4 skills
    # with 1 restart; both AUCs of the comparison are always computed on the same rows.
    fits, compared = (1, set(SKILLS[::6])) if args.quick else (3, set(SKILLS))
    started = time.perf_counter()
    w = make_world(np.random.default_rng([args.seed, 0]))
    quota = fixed_quota(w)
    print(f"catalogue: {w.source}")
    print(f"learners: train {n_train}, test {n_test}, per policy {learners}; fixed quota N={quota}")
    train = syllabus_log(w, n_train, quota, args.seed)
    test = syllabus_log(w, n_test, quota, args.seed + 10_000)
    handle = start_pybkt(w, train, test, seed=args.seed, fits=fits, skills=compared)
    params, items = fit_model(w, train, args.seed)
    err = np.mean([abs(params[s].p_transit - w.p_transit[INDEX[s]]) for s in SKILLS])
    print(f"EM fit: mean |p_transit error| {err:.3f}")
    pred, y, row_skill = predictions(test, items, params, "product")
    plain_pred = predictions(test, items, params, "conjunctive")[0]
    alone_pred = predictions(test, items, params, "per_skill")[0]
    rows = np.isin(row_skill, sorted(compared))
    ours_all, ours, plain = auc(y, pred), auc(y[rows], pred[rows]), auc(y[rows], plain_pred[rows])
    alone = auc(y[rows], alone_pred[rows])
    print("policies (questions until every skill is truly known):")
    runs = {
        "adaptive": adaptive_policy(items, params),
        "fixed": fixed_policy(w, quota),
        "random": random_policy(w),
    }
    res = {n: run_policy(n, w, items, params, p, learners, cap, args.seed) for n, p in runs.items()}
    theirs, status = finish_pybkt(handle)
    shown = f"{theirs:.4f}" if theirs is not None else status
    print(f"AUC next answer on {len(compared)} skills, same rows: product (conjunctive BKT+Elo) "
          f"{ours:.4f}  conjunctive BKT only {plain:.4f}  per-skill BKT {alone:.4f}  pyBKT "
          f"({fits} fits) {shown}; product on all skills {ours_all:.4f}")
    # Timing pass after pyBKT has finished, so the background fit does not share the CPU.
    timing = run_policy("(timing)", w, items, params, runs["adaptive"], min(learners, 20), cap,
                        args.seed)
    wall, cpu = np.asarray(timing[3]) / 1e6, np.asarray(timing[4]) / 1e6
    p50, p99 = float(np.percentile(cpu, 50)), float(np.percentile(cpu, 99))
    w50, w99 = float(np.percentile(wall, 50)), float(np.percentile(wall, 99))
    fewer = 1.0 - res["adaptive"][0] / res["fixed"][0]
    best_n, best_items = best_fixed(w, items, params, quota, learners, cap, args.seed)
    print(f"adaptive vs fixed (N={quota}): {fewer:.1%} fewer questions; vs the best fixed quota "
          f"(N={best_n}, {best_items:.1f}): {1.0 - res['adaptive'][0] / best_items:.1%} fewer")
    print(f"update+select per answer: CPU p50 {p50:.3f} ms, p99 {p99:.3f} ms; wall clock p50 "
          f"{w50:.3f} ms, p99 {w99:.3f} ms (wall includes other processes on a shared machine)")
    print(f"total {time.perf_counter() - started:.1f} s")
    print(json.dumps({
        "adaptive_items": round(res["adaptive"][0], 1), "fixed_items": round(res["fixed"][0], 1),
        "random_items": round(res["random"][0], 1), "fewer_than_fixed": round(fewer, 3),
        "false_mastery": round(res["adaptive"][1], 4),
        "false_mastery_fixed": round(res["fixed"][1], 4),
        "false_mastery_random": round(res["random"][1], 4),
        "censored": {n: r[2] for n, r in res.items()}, "cap": cap,
        "auc": round(ours, 4), "auc_bkt_only": round(plain, 4),
        "auc_per_skill": round(alone, 4),
        "auc_all_skills": round(ours_all, 4),
        "auc_skills_compared": len(compared),
        "pybkt_auc": None if theirs is None else round(theirs, 4), "pybkt": status,
        "update_select_ms_p50": round(p50, 4), "update_select_ms_p99": round(p99, 4),
        "update_select_wall_ms_p50": round(w50, 4), "update_select_wall_ms_p99": round(w99, 4),
        "fixed_best_quota": best_n, "fixed_best_items": round(best_items, 1),
        "fixed_quota": quota, "catalogue": w.source.split(" ")[0], "quick": args.quick,
        "seed": args.seed,
    }))


if __name__ == "__main__":
    main()
