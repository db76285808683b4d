"""Score-versus-text trend: the share of each score range whose comment disagrees."""

from __future__ import annotations

import altair as alt
import pandas as pd

from vocsrc.charts.style import LABEL_FONT, WIDTH, finish
from vocsrc.config import MIN_N_SHARE

# One colour per group family, so "at risk" reads as a warning across pages.
_FAMILY_COLOURS = {"at risk": "#D55E00", "hidden detractors": "#E69F00", "easy lifts": "#0072B2"}


def disagreement_trend(df: pd.DataFrame, caption: str, title: str = "Where words and scores disagree",
                       min_n: int = MIN_N_SHARE) -> alt.TopLevelMixin:
    """df: group, period, count, base, share -> one line per group, faded where base < min_n."""
    data = df.copy()
    data["family"] = data["group"].str.split(":").str[0]
    data["solid"] = data["base"] >= min_n
    periods = sorted(data["period"].astype(str).unique())
    groups = list(dict.fromkeys(data.sort_values("group")["group"]))
    colour = alt.Color("group:N", title=None, sort=groups,
                       scale=alt.Scale(domain=groups, range=[_FAMILY_COLOURS.get(g.split(":")[0], "#999999")
                                                             for g in groups]),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=420, labelFontSize=LABEL_FONT))
    dash = alt.StrokeDash("group:N", sort=groups, legend=None)
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("count:Q", title="Disagreeing", format=","),
               alt.Tooltip("base:Q", title="In the score range with a comment", format=","),
               alt.Tooltip("share:Q", title="Share", format=".1%")]
    x = alt.X("period:N", sort=periods, title=None, axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -40))
    y = alt.Y("share:Q", title="Share of the score range", axis=alt.Axis(format="%"))
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip)
    points = base.mark_point(filled=True, size=60).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        opacity=alt.condition("datum.solid", alt.value(1.0), alt.value(0.25)))
    chart = alt.layer(lines, points).properties(width=max(WIDTH, 44 * len(periods)), height=300)
    return finish(chart, title, caption + f"; faded points: fewer than {min_n} in the range")
