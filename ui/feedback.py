"""Feedback after an answer (study, review) and in the exam's answer review: the verdict, the right answer, why
each option is right or wrong, the references, and the way to the lab step that shows it."""
from __future__ import annotations

import streamlit as st

from engine.quiz.answers import Answer, key_of
from engine.quiz.grading import Grade
from ui.catalog import catalog
from ui.widgets import answer_text, md

RIGHT = ":green[:material/check_circle:]"
WRONG = ":red[:material/cancel:]"
NEUTRAL = ":gray[:material/radio_button_unchecked:]"


def verdict(grade: Grade | None, *, revealed: bool = False, mark: int | None = None) -> None:
    """One coloured line: right, partly right, wrong, not graded, or answer shown."""
    extra = f" · certainty mark {mark:+d}" if mark is not None else ""
    if grade is not None and grade.skipped:
        st.info(f"Not graded: {grade.reason}.", icon=":material/construction:")
    elif revealed:
        st.info("Answer shown: this item counts as not known and comes back for review soon." + extra,
                icon=":material/visibility:")
    elif grade is None or not grade.answered:
        st.warning("Not answered.", icon=":material/help:")
    elif grade.correct:
        st.success(f"Right.{extra}", icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(f"Partly right: {grade.score:.0%} of the points.{extra}", icon=":material/rule:")
        _reason(grade.reason)
    else:
        st.error(f"Wrong.{extra}", icon=":material/cancel:")
        _reason(grade.reason)


def _reason(reason: str) -> None:
    """Why the grade is what it is: a one-line note, or console text (failed checks, PowerShell errors) kept
    verbatim in a code block, where markdown would turn its ``+`` and ``~`` lines into lists and rules."""
    if "\n" in reason.strip():
        st.code(reason.strip(), language=None, wrap_lines=True)
    elif reason:
        st.caption(md(reason))


def explain(question, answer: Answer | None, *, show_yours: bool = True) -> None:
    """The learner's answer beside the key, the explanation, every option's note and the references."""
    key = key_of(question)
    left, right = st.columns(2) if show_yours else (None, st.container())
    if left is not None:
        with left:
            st.markdown("**Your answer**")
            st.markdown(answer_text(question, answer))
    with right:
        st.markdown("**Right answer**")
        st.markdown(answer_text(question, key))
    st.markdown(md(question.explanation))
    notes = _option_notes(question, key, answer)
    if notes:
        with st.expander("Why each option is right or wrong", icon=":material/list:", expanded=True):
            st.markdown("\n".join(notes))
    if question.references:
        st.markdown("**References:** " + " · ".join(f"[{md(r.title)}]({r.url})" for r in question.references))
    lab_button(question)


def lab_button(question) -> None:
    """"Open the lab step" for items linked to one (``lab: <lab id>#<step id>``): the Labs page opens there.
    A link to a lab the catalogue does not hold stays visible but disabled, naming the missing step."""
    if question.lab:
        lab_id, step_id = question.lab.split("#", 1)
        lab = catalog().lab(lab_id)
        missing = lab is None or lab.step(step_id) is None
        if st.button("Open the lab step", key=f"lab_{question.id}", icon=":material/science:", disabled=missing,
                     help=f"Lab step {question.lab}" + (" is not in the labs folder." if missing
                                                        else ": practise it on the lab.")):
            open_lab_step(lab_id, step_id)


def open_lab_step(lab_id: str, step_id: str) -> None:
    """Go to the Labs page with ``lab_id`` chosen and ``step_id`` as its current step."""
    st.session_state["lab_pick"] = lab_id
    st.session_state[f"lab_step_{lab_id}"] = step_id
    st.session_state.pop("lab_objective", None)
    st.session_state.pop("lab_skill", None)
    st.switch_page("ui/labs.py")


def _mark(is_key: bool, chosen: bool) -> str:
    if is_key:
        return RIGHT
    return WRONG if chosen else NEUTRAL


def _option_notes(question, key: Answer, answer: Answer | None) -> list[str]:
    """One markdown line per option (or left item, or blank option) with its mark and explanation."""
    notes = question.option_explanations
    kind = question.type
    if kind in ("single", "multiple"):
        right = {key.choice} if kind == "single" else set(key.choices)
        chosen = set() if answer is None else ({answer.choice} if kind == "single" else set(answer.choices))
        return [f"- {_mark(o.id in right, o.id in chosen)} {md(o.text)} — {md(notes.get(o.id, ''))}"
                for o in question.options]
    if kind == "order":
        # The mark says whether the learner used the step as the key does (needed or not); no answer, no mark.
        lines = []
        for o in question.options:
            place = f"step {key.steps.index(o.id) + 1}" if o.id in key.steps else "not needed"
            mark = NEUTRAL if answer is None else RIGHT if (o.id in answer.steps) == (o.id in key.steps) else WRONG
            lines.append(f"- {mark} {md(o.text)} ({place}) — {md(notes.get(o.id, ''))}")
        return lines
    if kind == "match":
        rights = {o.id: o.text for o in question.right}

        def pair_mark(left_id: str) -> str:
            if answer is None:
                return NEUTRAL
            return RIGHT if answer.pairs.get(left_id) == key.pairs[left_id] else WRONG
        lines = [f"- {pair_mark(o.id)} {md(o.text)} → {md(rights[key.pairs[o.id]])} — {md(notes.get(o.id, ''))}"
                 for o in question.left]
        lines += [f"- {NEUTRAL} {md(o.text)} — {md(notes[o.id])}" for o in question.right if notes.get(o.id)]
        return lines
    if kind == "dropdown":
        given = answer.choices if answer else {}
        return [f"- [ {n} ] {_mark(o.id == b.answer, given.get(b.id) == o.id)} {md(o.text)} — "
                f"{md(notes.get(o.id, ''))}" for n, b in enumerate(question.blanks, 1) for o in b.options]
    return []
