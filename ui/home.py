"""Home: what the trainer holds, objective by objective."""
import streamlit as st

from ui.catalog import catalog

cat = catalog()
st.title("70-412 trainer")
st.caption("Windows Server 2012 R2 advanced services — domain 1, with a focus on objective 1.4 "
           "“Manage VM movement”. Labs run on a built-in emulated Hyper-V lab.")

if cat.problems:
    st.error(f"{len(cat.problems)} problem(s) in the content files — see the Content page.")

if cat.exam is not None:
    counts: dict[str, int] = {}
    for q in cat.question_list():
        counts[q.objective] = counts.get(q.objective, 0) + 1
    cols = st.columns(len(cat.exam.objectives))
    for col, obj in zip(cols, cat.exam.objectives):
        with col:
            st.metric(f"{obj.id} {obj.title}", f"{counts.get(obj.id, 0)} questions", help=f"{obj.weight:g} % of a form")
st.write(f"**{len(cat.labs)}** guided labs · **{len(cat.topologies)}** lab topologies · "
         f"**{len(cat.scenarios)}** case studies")
