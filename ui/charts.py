"""Vega-Lite charts with fixed scales: a percentage is drawn on 0–100 and a scaled score on 0–max, so an empty
start (all zeros, one attempt) still reads as a chart rather than a blank axis."""
from __future__ import annotations

import streamlit as st


def percent_bars(rows: list[dict], *, label: str, value: str) -> None:
    """Horizontal bars of ``value`` (0–100) per ``label``, full labels (objective titles are long)."""
    st.vega_lite_chart(rows, {
        "height": {"step": 34},
        "mark": {"type": "bar", "cornerRadiusEnd": 3, "tooltip": True},
        "encoding": {
            "y": {"field": label, "type": "nominal", "sort": None, "title": None,
                  "axis": {"labelLimit": 360}},
            "x": {"field": value, "type": "quantitative", "scale": {"domain": [0, 100]}, "title": value,
                  "axis": {"tickCount": 5}},
        },
    }, width="stretch")


def score_trend(rows: list[dict], *, pass_mark: int, max_score: int) -> None:
    """Scaled score per attempt (points joined by a line) against a rule at the pass mark."""
    st.vega_lite_chart(rows, {
        "height": 220,
        "layer": [
            {"mark": {"type": "line", "point": {"size": 70}, "tooltip": True},
             "encoding": {"x": {"field": "attempt", "type": "ordinal", "axis": {"labelAngle": 0}},
                          "y": {"field": "scaled score", "type": "quantitative",
                                "scale": {"domain": [0, max_score]}}}},
            {"mark": {"type": "rule", "strokeDash": [6, 4], "color": "#c0392b"},
             "encoding": {"y": {"datum": pass_mark}}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": "#c0392b"},
             "encoding": {"y": {"datum": pass_mark}, "x": {"value": 0}, "text": {"value": f"pass {pass_mark}"}}},
        ],
    }, width="stretch")
