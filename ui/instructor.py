"""Instructor: the class roster (readiness per objective, exam attempts, lab steps), per-item statistics, CSV
export, and "reset this learner's lab".

Only learners whose store role is ``instructor`` may open it. The first instructor is named by the environment
variable ``TRAINER_INSTRUCTORS`` (comma-separated profile names, e.g. ``TRAINER_INSTRUCTORS=alice,bob``): such a
profile is given the instructor role the first time it opens this page; instructors then promote others here.
"""
import csv
import io
import os

import streamlit as st

from engine.quiz.review import FORMAT as CARDS_FORMAT, ReviewState, default_scheduler
from ui import lab_session
from ui.catalog import catalog
from ui.state import learner, now, store

INSTRUCTORS_ENV = "TRAINER_INSTRUCTORS"


def _named_instructors() -> set[str]:
    return {n.strip() for n in os.environ.get(INSTRUCTORS_ENV, "").split(",") if n.strip()}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def roster(cat) -> list[dict]:
    """One row per learner: readiness per objective (%), exam attempts and best score, lab steps done."""
    questions = cat.question_list()
    moment = now()
    rows = []
    for person in store().learners():
        cards = ReviewState.from_dict({"format": CARDS_FORMAT, "scheduler": default_scheduler().to_dict(),
                                       "cards": store().cards(person.id)})
        readiness = cards.readiness(questions, moment)
        exams = store().finished_sessions(person.id, "exam")
        steps = [s for lab_id in cat.labs for s in lab_session.progress(person.id, lab_id).values()]
        # Counts first, readiness after: the objectives make the table wide, and what scrolls out of view
        # should be the columns that read alike.
        row = {"learner": person.name, "role": person.role, "lab steps passed": steps.count("passed"),
               "lab steps assisted": steps.count("assisted"), "exam attempts": len(exams),
               "best exam score": max((e.scaled_score or 0 for e in exams), default=None)}
        row.update({f"ready {o} %": round(100 * v, 1) for o, v in sorted(readiness.items())})
        rows.append(row)
    return rows


def _chosen(answer: dict | None) -> list[str]:
    """What an answer picked, as countable labels: option ids (single, multiple, order), ``left→right`` pairs
    (match) and ``blank:option`` (dropdown); a typed command has no options."""
    if not answer:
        return []
    if "choice" in answer:
        return [answer["choice"]]
    if isinstance(answer.get("pairs"), dict):
        return [f"{left}→{right}" for left, right in answer["pairs"].items()]
    picked = answer.get("choices", answer.get("steps"))
    if isinstance(picked, dict):
        return [f"{blank}:{option}" for blank, option in picked.items()]
    return list(picked) if isinstance(picked, list) else []


def item_stats(cat) -> list[dict]:
    """Per answered item: how many answers, the share right (its difficulty) and how often each option was
    chosen."""
    by_item: dict[str, list[dict]] = {}
    for row in store().answers():
        by_item.setdefault(row["question_id"], []).append(row)
    rows = []
    for qid, answers in sorted(by_item.items()):
        question = cat.question(qid)
        counts: dict[str, int] = {}
        for a in answers:
            for option in _chosen(a["answer"]):
                counts[option] = counts.get(option, 0) + 1
        rows.append({"item": qid, "type": question.type if question else "?", "answers": len(answers),
                     "right %": round(100 * sum(bool(a["correct"]) for a in answers) / len(answers), 1),
                     "options chosen": ", ".join(f"{o}: {n}" for o, n in sorted(counts.items()))})
    return rows


me = learner()
if me.role != "instructor" and me.name in _named_instructors():
    me = store().set_role(me.name, "instructor")
    st.session_state["learner"] = me
st.title("Instructor")
if me.role != "instructor":
    st.error(f"This page is for instructors. The profile **{me.name}** is a learner: an instructor can give it "
             f"the instructor role, or the first instructor is named by `{INSTRUCTORS_ENV}`.",
             icon=":material/lock:")
    st.stop()

cat = catalog()
class_rows = roster(cat)
st.subheader("Class roster")
st.dataframe(class_rows, hide_index=True, key="inst_roster")
st.download_button("Roster as CSV", _csv(class_rows), "roster.csv", "text/csv", key="inst_roster_csv",
                   icon=":material/download:")

st.subheader("Items")
stats = item_stats(cat)
if stats:
    st.dataframe(stats, hide_index=True, key="inst_items")
    st.download_button("Item statistics as CSV", _csv(stats), "items.csv", "text/csv", key="inst_items_csv",
                       icon=":material/download:")
else:
    st.caption("No answers recorded yet.")

st.subheader("Learners")
people = {p.name: p for p in store().learners()}
who = people[st.selectbox("Learner", list(people), key="inst_learner")]
lab_names = {lab_id: cat.lab(lab_id).title for lab_id in cat.labs}
which = st.selectbox("Lab", [None, *lab_names], key="inst_lab", format_func=lambda i: "All labs" if i is None
                     else lab_names[i])
if st.button("Reset this learner's lab", key="inst_reset", icon=":material/restart_alt:"):
    count = store().delete_lab_sessions(who.id, which)
    st.success(f"Removed {count} lab session(s) of {who.name}; the lab starts afresh on their next visit.",
               icon=":material/check:")
if who.role != "instructor" and st.button(f"Make {who.name} an instructor", key="inst_promote",
                                          icon=":material/admin_panel_settings:"):
    store().set_role(who.name, "instructor")
    st.rerun()
