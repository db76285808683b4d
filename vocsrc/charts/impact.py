"""Theme impact: how much each theme moves the score, biggest drags first."""

from __future__ import annotations

import altair as alt
import pandas as pd

from vocsrc.charts.style import LABEL_FONT, NEGATIVE, POSITIVE, WIDTH, finish

_TIP = {"points": ".1f", "share": ".1%", "stars": ".2f"}


def theme_impact(
    df: pd.DataFrame,
    caption: str,
    unit: str = "points",
    title: str = "Theme impact on the score",
    top: int | None = 15,
) -> alt.TopLevelMixin:
    """Horizontal bars of impact per theme (df: theme, impact, n[, low, high][, significant]).

    Impact is the score with the theme minus without it (methodology note), so a
    negative bar is a theme that drags the score down. Sorted worst first; bars
    are vermillion below zero and blue above, the same bad/good as the bands.
    Themes whose ``significant`` is False are faded: the impact may be noise.
    """
    missing = {"theme", "impact", "n"} - set(df.columns)
    if missing:
        raise ValueError(f"need columns theme, impact, n; missing {sorted(missing)}")
    data = df.copy()
    data["theme"] = data["theme"].astype(str)
    data = data.sort_values("impact", key=lambda s: s.abs(), ascending=False)
    if top:
        data = data.head(top)
    data = data.sort_values("impact")
    if "significant" not in data.columns:
        data["significant"] = True
    data["direction"] = (data["impact"] >= 0).map({True: "raises the score", False: "lowers the score"})
    data["verdict"] = data["significant"].map({True: "beyond noise", False: "within noise"})
    fmt = _TIP.get(unit, ".1f")
    scale = 100 if unit == "share" else 1
    suffix = " pts" if unit in ("points", "share") else ""
    data["text"] = [f"{v * scale:+.1f}{suffix}" + ("" if sig else ", within noise")
                    for v, sig in zip(data["impact"], data["significant"])]
    order = list(data["theme"])
    y = alt.Y("theme:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("impact:Q", title="Impact", format="+" + fmt),
               alt.Tooltip("n:Q", title="Responses mentioning it", format=","),
               alt.Tooltip("direction:N", title="Effect"), alt.Tooltip("verdict:N", title="Verdict")]
    has_ci = {"low", "high"} <= set(data.columns)
    if has_ci:
        tooltip[2:2] = [alt.Tooltip("low:Q", title="Interval from", format="+" + fmt),
                        alt.Tooltip("high:Q", title="Interval to", format="+" + fmt)]
    base = alt.Chart(data)
    x_title = {"points": "Impact (points)", "share": "Impact (share)", "stars": "Impact (stars)"}.get(unit, "Impact")
    bars = base.mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        x=alt.X("impact:Q", title=x_title, axis=alt.Axis(format="+%" if unit == "share" else "+~f")),
        y=y,
        color=alt.Color("direction:N", title=None, legend=alt.Legend(orient="bottom", direction="horizontal"),
                        scale=alt.Scale(domain=["lowers the score", "raises the score"], range=[NEGATIVE, POSITIVE])),
        opacity=alt.condition("datum.significant", alt.value(1.0), alt.value(0.35)),
        tooltip=tooltip,
    )
    layers = [bars]
    if has_ci:
        layers.append(base.mark_rule(color="#222222", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y, tooltip=tooltip))
    layers.append(alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#444444").encode(
        x="zero:Q", tooltip=alt.value("0 = no effect on the score")))
    # Values go in a column right of the plot: next to the bars they collide
    # with the interval whiskers and, for long negative bars, with the axis.
    layers.append(base.mark_text(align="left", dx=10, fontSize=LABEL_FONT, color="#222222").encode(
        x=alt.value(WIDTH), y=y, text="text:N", tooltip=tooltip))
    chart = alt.layer(*layers).properties(width=WIDTH, height=max(120, 30 * len(data)))
    return finish(chart, title, caption)
