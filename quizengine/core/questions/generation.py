"""``generate(template, seed)``: a deterministic variant, with text rendered and plots drawn.

Draws are retried up to ``MAX_DRAWS`` times from the same generator (so retries are
deterministic too); a template that still has no acceptable variant raises ``TemplateError``
naming the most frequent reason. Choice options are shuffled with the same generator after the
values are accepted.
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import numpy as np

from quizengine.core.checking import AnswerSpec, Mistake, Tolerance
from quizengine.core.errors import TemplateError
from quizengine.core.questions.drafting import Draft, PartDraft, Rejected, draft_variant
from quizengine.core.questions.model import Choice, Template, Variant, VariantPart
from quizengine.core.questions.params import rng_for
from quizengine.core.questions.plots import Plot, PlotData, default_alt, figure_html, render_svg
from quizengine.core.questions.precompute import prepare
from quizengine.core.questions.render import TextRenderer, latex_of, text_of
from quizengine.core.questions.schema import PlotSpec

__all__ = ["MAX_DRAWS", "generate", "generate_with_draft"]

MAX_DRAWS = 50


def generate(template: Template, seed: int, *, plots: bool = True) -> Variant:
    """The variant of ``template`` for ``seed``: the same on every machine and in every process.

    With ``plots=False`` figures are placeholders carrying their alt text (faster; used by
    validation and the benchmark).
    """
    return generate_with_draft(template, seed, plots=plots)[0]


def generate_with_draft(
    template: Template, seed: int, *, plots: bool = True
) -> tuple[Variant, Draft]:
    """The variant and the values behind it (self-tests need both)."""
    spec = template.spec
    prepare(spec)  # once per template: the symbolic work of all its variants (precompute.py)
    rng = rng_for(spec.id, spec.version, seed)
    reasons: Counter[str] = Counter()
    for _ in range(MAX_DRAWS):
        try:
            draft = draft_variant(spec, rng)
            break
        except Rejected as rejected:
            reasons[rejected.reason] += 1
    else:
        reason, count = reasons.most_common(1)[0]
        raise TemplateError(
            f"{spec.id}: seed {seed}: no acceptable variant in {MAX_DRAWS} draws "
            f"(most often rejected by: {reason}, {count} times)",
            code="template_degenerate",
        )
    return _Assembler(template, seed, draft, rng, plots).variant(), draft


class _Assembler:
    """Renders an accepted draft into a ``Variant`` (text, figures, shuffled options)."""

    def __init__(
        self, template: Template, seed: int, draft: Draft, rng: np.random.Generator, plots: bool
    ) -> None:
        self.template, self.seed, self.draft, self.draw_plots = template, seed, draft, plots
        self.orders = [self._order(p, rng) for p in draft.parts]
        self.plots: list[Plot] = []
        self.owner = template.id

    @staticmethod
    def _order(part: PartDraft, rng: np.random.Generator) -> list[int]:
        count = len(part.options)
        if part.spec.kind == "choice" and part.spec.shuffle:
            return [int(i) for i in rng.permutation(count)]
        return list(range(count))

    def _figure(self, data: PlotData, spec: PlotSpec, renderer: TextRenderer, where: str) -> str:
        alt = renderer.plain(spec.alt, f"{where}.alt") if spec.alt else default_alt(data)
        index = len(self.plots)
        svg = None
        if self.draw_plots:
            key = (self.template.id, self.template.version, self.seed, index)
            svg = render_svg(data, key=key, alt=alt)
            self.plots.append(Plot(svg=svg, alt=alt))
        else:
            self.plots.append(Plot(svg="", alt=alt))
        return figure_html(svg, alt)

    def variant(self) -> Variant:
        spec, values = self.template.spec, self.draft.values
        plain = TextRenderer(self.owner, values, {})
        figures = {
            p.id: self._figure(data, p, plain, f"plots[{i}]")
            for i, (p, data) in enumerate(zip(spec.plots, self.draft.plots, strict=True))
        }
        prompt = TextRenderer(self.owner, values, figures)
        parts = tuple(
            self._part(prompt, part, order)
            for part, order in zip(self.draft.parts, self.orders, strict=True)
        )
        answers = {p.part_id: p.expected for p in parts}
        helped = TextRenderer(self.owner, values, figures, answers)
        plots = tuple(self.plots) if self.draw_plots else ()
        return Variant(
            template_id=spec.id,
            version=spec.version,
            seed=self.seed,
            title=spec.title,
            quiz=spec.quiz,
            prompt_html=prompt.markdown(spec.prompt, "prompt"),
            parts=parts,
            hints=tuple(helped.markdown(h, f"hints[{k}]") for k, h in enumerate(spec.hints)),
            solution_html=helped.markdown(spec.solution, "solution") if spec.solution else "",
            plots=plots,
            values=tuple(values.items()),
        )

    def _part(self, renderer: TextRenderer, part: PartDraft, order: list[int]) -> VariantPart:
        p = part.spec
        where = f"parts.{p.id}"
        prompt_html = renderer.markdown(p.prompt, f"{where}.prompt") if p.prompt else ""
        if p.kind == "choice":
            return self._choice_part(renderer, part, order, prompt_html)
        mistakes = tuple(
            Mistake(
                answer=value,
                feedback=renderer.plain(m.feedback, f"{where}.mistakes[{k}].feedback"),
                code=m.code,
            )
            for k, (m, value) in enumerate(zip(p.mistakes, part.mistakes, strict=True))
        )
        answer_spec = AnswerSpec(
            kind=p.kind,
            variables=p.variables,
            domain=None if p.domain is None else dict(p.domain),
            tolerance=None if p.tolerance is None else Tolerance(**dict(p.tolerance)),
            forms=p.forms,
            mistakes=mistakes,
            forbidden_functions=frozenset(p.forbidden),
            allow_complex=p.allow_complex,
            timeout=p.timeout,
        )
        return VariantPart(
            part_id=p.id,
            kind=p.kind,
            prompt_html=prompt_html,
            expected=part.expected,
            expected_latex=latex_of(part.expected),
            expected_text=text_of(part.expected),
            spec=answer_spec,
            weight=p.weight,
        )

    def _choice_part(
        self, renderer: TextRenderer, part: PartDraft, order: list[int], prompt_html: str
    ) -> VariantPart:
        p, ids = part.spec, string.ascii_uppercase[: len(order)]
        choices, correct, mistakes = [], [], []
        for letter, index in zip(ids, order, strict=True):
            option = part.options[index]
            where = f"parts.{p.id}.options[{index}]"
            choices.append(
                Choice(
                    id=letter, label_html=self._label(renderer, option.value, option.spec, where)
                )
            )
            if option.correct:
                correct.append(letter)
            elif option.spec.feedback:
                feedback = renderer.plain(option.spec.feedback, f"{where}.feedback")
                mistakes.append(Mistake(answer=letter, feedback=feedback, code="wrong-option"))
        expected = ",".join(correct)
        answer_spec = AnswerSpec(
            kind="choice", choices=tuple(ids), mistakes=tuple(mistakes), timeout=p.timeout
        )
        return VariantPart(
            part_id=p.id,
            kind="choice",
            prompt_html=prompt_html,
            expected=expected,
            expected_latex=expected,
            expected_text=expected,
            spec=answer_spec,
            weight=p.weight,
            choices=tuple(choices),
        )

    def _label(self, renderer: TextRenderer, value: Any, option: Any, where: str) -> str:
        if isinstance(value, PlotData):
            return self._figure(value, option.plot, renderer, f"{where}.plot")
        if option.expr is not None:
            return f"\\({latex_of(value)}\\)"
        return renderer.inline(option.text, f"{where}.text")
