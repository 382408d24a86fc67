"""Answer widgets shared by the study, review and exam pages: one widget kind per question type.

Every widget is keyed by the item (``<prefix>_<question id>_…``) so moving to the next item never carries an
answer over; a stored answer seeds the widget's state when the item is drawn again (after navigating back or
a refresh). ``answer_input`` returns the typed answer the widgets hold, or None while nothing is chosen.
"""
from __future__ import annotations

import streamlit as st

from engine.content.models import BLANK
from engine.quiz.answers import (Answer, CommandAnswer, DropdownAnswer, MatchAnswer, MultipleAnswer, OrderAnswer,
                                 SingleAnswer)
from engine.quiz.items import Item

CERTAINTIES = ("low", "medium", "high")


def md(text: str) -> str:
    """Text safe for Streamlit markdown: ``$`` would start LaTeX (PowerShell variables are full of it)."""
    return text.replace("$", r"\$")


def _seed(key: str, value) -> None:
    """Give a widget its stored value the first time it is drawn (never overwrite what the learner changed)."""
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


def item_header(item: Item) -> None:
    """The case study (when there is one) above the item, then the item's place and the stem."""
    question = item.question
    if item.scenario_text:
        with st.expander(f"Case study: {item.scenario_title}", icon=":material/description:", expanded=True):
            st.markdown(md(item.scenario_text))
    st.caption(f"Item {item.number} of {item.total} · {question.type} · ID {question.id}")
    if question.type == "dropdown":
        st.markdown(md(_stem_with_blanks(question)))
    else:
        st.markdown(md(question.stem))


def _stem_with_blanks(question) -> str:
    """The stem with each ``{{blank}}`` shown as a numbered gap that the selectboxes below refer to (plain
    text, because blanks often sit inside a code span where markdown emphasis would show literally)."""
    numbers = {b.id: n for n, b in enumerate(question.blanks, 1)}
    return BLANK.sub(lambda m: f"[ {numbers[m.group(1)]} ]", question.stem)


def answer_input(item: Item, prefix: str, stored: Answer | None, *, disabled: bool = False) -> Answer | None:
    """Draw the widget for ``item`` and return what it holds as a typed answer (None: nothing chosen yet)."""
    question, shown = item.question, item.presentation
    key = f"{prefix}_{question.id}"
    kind = question.type
    if kind == "single":
        texts = {o.id: o.text for o in question.options}
        _seed(key, stored.choice if stored else None)
        choice = st.radio("Choose one answer", list(shown.options), index=None, key=key, disabled=disabled,
                          format_func=lambda i: md(texts[i]))
        return SingleAnswer(choice) if choice else None
    if kind == "multiple":
        st.markdown(f"**Choose {question.choose}.**")
        chosen = []
        for option in (next(o for o in question.options if o.id == i) for i in shown.options):
            _seed(f"{key}_{option.id}", option.id in stored.choices if stored else None)
            if st.checkbox(md(option.text), key=f"{key}_{option.id}", disabled=disabled):
                chosen.append(option.id)
        return MultipleAnswer(tuple(chosen)) if chosen else None
    if kind == "order":
        texts = {o.id: o.text for o in question.options}
        _seed(key, list(stored.steps) if stored else None)
        steps = st.multiselect("Pick the steps you need, in order (type to filter, Enter to add)",
                               list(shown.options), key=key, disabled=disabled,
                               format_func=lambda i: texts[i], placeholder="First step…")
        if steps:
            st.markdown("\n".join(f"{n}. {md(texts[s])}" for n, s in enumerate(steps, 1)))
        return OrderAnswer(tuple(steps)) if steps else None
    if kind == "match":
        texts = {o.id: o.text for o in question.right}
        pairs = {}
        for left in question.left:
            _seed(f"{key}_{left.id}", stored.pairs.get(left.id) if stored else None)
            value = st.selectbox(md(left.text), list(shown.right), index=None, key=f"{key}_{left.id}",
                                 format_func=lambda i: texts[i], placeholder="Choose a match…", disabled=disabled)
            if value:
                pairs[left.id] = value
        return MatchAnswer(pairs) if pairs else None
    if kind == "dropdown":
        choices = {}
        for number, blank in enumerate(question.blanks, 1):
            texts = {o.id: o.text for o in blank.options}
            _seed(f"{key}_{blank.id}", stored.choices.get(blank.id) if stored else None)
            value = st.selectbox(f"Blank [ {number} ]", list(shown.blanks[blank.id]), index=None,
                                 key=f"{key}_{blank.id}", format_func=lambda i, t=texts: t[i],
                                 placeholder="Choose…", disabled=disabled)
            if value:
                choices[blank.id] = value
        return DropdownAnswer(choices) if choices else None
    _seed(key, stored.text if stored else None)
    st.info("Your PowerShell runs on a fresh emulated lab and the resulting state is checked: any command "
            "that gets there counts.", icon=":material/terminal:")
    text = st.text_area("PowerShell", key=key, height=120, disabled=disabled,
                        placeholder="Type the PowerShell you would run…")
    return CommandAnswer(text) if text.strip() else None


def certainty_input(key: str, stored: str | None, *, disabled: bool = False) -> str | None:
    """How sure the learner is (certainty-based marking: right 1/2/3, wrong 0/−2/−6)."""
    _seed(key, stored)
    return st.radio("How sure are you?", CERTAINTIES, index=None, key=key, horizontal=True, disabled=disabled,
                    format_func=str.capitalize,
                    help="Certainty-based marks: right scores 1/2/3 and wrong 0/−2/−6 at low/medium/high.")


def answer_text(question, answer: Answer | None) -> str:
    """An answer written out for people (markdown), in the question's own words."""
    if answer is None:
        return "_no answer_"
    if isinstance(answer, SingleAnswer):
        return md(_text(question.options, answer.choice))
    if isinstance(answer, MultipleAnswer):
        return "\n".join(f"- {md(_text(question.options, c))}" for c in answer.choices)
    if isinstance(answer, OrderAnswer):
        return "\n".join(f"{n}. {md(_text(question.options, s))}" for n, s in enumerate(answer.steps, 1))
    if isinstance(answer, MatchAnswer):
        return "\n".join(f"- {md(_text(question.left, left))} → {md(_text(question.right, right))}"
                         for left, right in answer.pairs.items())
    if isinstance(answer, DropdownAnswer):
        blanks = {b.id: (n, b) for n, b in enumerate(question.blanks, 1)}
        return "\n".join(f"- [ {blanks[b][0]} ] {md(_text(blanks[b][1].options, c))}"
                         for b, c in sorted(answer.choices.items(), key=lambda kv: blanks[kv[0]][0]))
    return f"```powershell\n{answer.text}\n```"


def _text(options, option_id: str) -> str:
    return next((o.text for o in options if o.id == option_id), option_id)
