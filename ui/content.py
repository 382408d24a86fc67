"""Content: the exam blueprint, question counts by sub-skill and type, labs, and any content problems."""
import streamlit as st

from ui.catalog import catalog

cat = catalog()
st.title("Content")
if cat.problems:
    st.subheader("Problems")
    st.code("\n".join(str(p) for p in cat.problems), language=None)

if cat.exam is not None:
    questions = cat.question_list()
    for obj in cat.exam.objectives:
        with st.expander(f"{obj.id} {obj.title} — {obj.weight:g} %", expanded=obj.id == "1.4"):
            rows = []
            for skill in obj.skills:
                items = [q for q in questions if q.skill == skill.id]
                types = sorted({q.type for q in items})
                rows.append({"sub-skill": skill.title, "questions": len(items), "types": ", ".join(types)})
            st.dataframe(rows, hide_index=True, width="stretch")

st.subheader("Labs")
if not cat.labs:
    st.info("No labs yet.")
for loc in cat.labs.values():
    lab = loc.model
    st.markdown(f"**{lab.title}** · {lab.estimated_minutes} min · {len(lab.steps)} steps")
