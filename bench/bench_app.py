"""The app's server-side rerun time: the Study and Exam pages with the repository's whole bank, measured as
AppTest reruns (the script run a click causes, without the browser), against an empty page as the baseline.

A study session over every item and a started exam form are open, so each rerun draws an item with its widgets,
reads the session from Streamlit's session state and checks the clock — what every click on those pages costs.
"Show answer" + "Next" adds the store writes of a real click. The progress store is a throwaway SQLite file.
"""
from __future__ import annotations

from pathlib import Path

from bench.harness import ratio_vs, summarise, throwaway_app_data, time_ms

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def _app(page: str, start_key: str, **values):
    """The app on ``page`` after setting number inputs ``values`` and pressing ``start_key``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    for key, value in values.items():
        at.number_input(key=key).set_value(value).run()
    at.button(key=start_key).click().run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return at


def _reveal_and_next(at) -> None:
    """Two clicks that write to the store: "Show answer" saves the session, "Next" records the result with its
    FSRS card and saves the session again."""
    at.button(key="study_reveal").click().run()
    at.button(key="study_next").click().run()


def run(quick: bool) -> list[dict]:
    """p50/p95 milliseconds per rerun; the target is a p95 under 150 ms for the study and exam pages."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from engine.content.loader import load_catalog

    repeat = 15 if quick else 60
    bank = len(load_catalog().questions)
    with throwaway_app_data():
        st.cache_resource.clear()  # the store is per process: open it in the throwaway folder
        try:
            empty = AppTest.from_string("import streamlit as st\nst.write('baseline')", default_timeout=TIMEOUT)
            study = _app("ui/study.py", "study_start", study_limit=bank)
            exam = _app("ui/exam.py", "exam_start")
            baseline, study_ms, exam_ms = [], [], []
            for page in (empty, study, exam):
                time_ms(page.run, repeat=0, warmup=2)
            for _ in range(repeat):  # interleaved, so that the pages and the baseline see the same load
                baseline += time_ms(empty.run, repeat=1, warmup=0)
                study_ms += time_ms(study.run, repeat=1, warmup=0)
                exam_ms += time_ms(exam.run, repeat=1, warmup=0)
            clicks_ms = time_ms(lambda: _reveal_and_next(study), repeat=repeat)
        finally:
            st.cache_resource.clear()
    base = "app: empty page rerun (AppTest baseline)"

    return [
        summarise(base, baseline, "ms"),
        summarise("app: study page rerun, whole bank in the session", study_ms, "ms", target=150, on="p95",
                  bank=bank, baseline=base, ratio_vs_baseline=ratio_vs(study_ms, baseline)),
        summarise("app: study Show answer + Next (2 reruns, 3 store writes)", clicks_ms, "ms", bank=bank),
        summarise("app: exam page rerun, form in progress", exam_ms, "ms", target=150, on="p95", bank=bank,
                  baseline=base, ratio_vs_baseline=ratio_vs(exam_ms, baseline)),
    ]
