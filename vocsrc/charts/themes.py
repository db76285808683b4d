"""Theme heatmap: themes down, periods (or functions, or sources) across.

A cell's colour is one chosen value (mentions, or the share of those comments
that read negative or positive); its text repeats the value, and the tooltip
carries all of them with n. Shares from fewer than MIN_N_SHARE labelled
comments are greyed out, like every thin figure in the app.
"""

from __future__ import annotations

from collections.abc import Collection

import altair as alt
import pandas as pd

from vocsrc.charts.style import LABEL_FONT, NEGATIVE, POSITIVE, finish

THIN = "#E4E4E4"  # cells whose share rests on too few comments

# value column -> (legend title, number format, colour range from empty to full)
VALUES = {
    "mentions": ("Comments mentioning the theme", ",d", ["#F2F2F2", "#333333"]),
    "share_negative": ("Share negative", ".0%", ["#FFFFFF", NEGATIVE]),
    "share_positive": ("Share positive", ".0%", ["#FFFFFF", POSITIVE]),
}


def theme_heatmap(frame: pd.DataFrame, caption: str, value: str = "mentions", title: str = "Themes",
                  labels: dict[str, str] | None = None, by_label: str = "Period",
                  partial: Collection[str] = ()) -> alt.TopLevelMixin:
    """Heatmap of ``frame`` (vocsrc.themes.queries.theme_volume): theme x group, coloured by ``value``.
    Groups in ``partial`` (periods the data covers only in part) are labelled so."""
    if value not in VALUES:
        raise ValueError(f"value must be one of {', '.join(VALUES)}")
    missing = {"theme", "group", "mentions", "labelled", "share_negative", "share_positive", "solid"} - set(frame.columns)
    if missing:
        raise ValueError(f"missing columns {sorted(missing)}")
    legend, fmt, colours = VALUES[value]
    data = frame.copy()
    data["theme_label"] = data["theme"].map(lambda k: (labels or {}).get(k, k))
    # the busiest theme first: the reader's eye starts at the top
    order = data.groupby("theme_label")["mentions"].sum().sort_values(ascending=False).index.tolist()
    # a partial period reads pale beside full ones for lack of days, not of mentions: say so
    data["group"] = [f"{g} (partial)" if g in partial else g for g in data["group"].astype(str)]
    groups = sorted(data["group"].unique())
    data["faded"] = (~data["solid"]) if value != "mentions" else False
    data["cell_text"] = [("" if pd.isna(v) else format(v, fmt)) for v in data[value]]
    # shares always run 0-100%, so two charts (or two filters) read alike; counts run to the largest
    top = 1.0 if value != "mentions" else float(data[value].max() or 1) if len(data) else 1.0
    # dark cells take white text
    data["dark"] = (data[value].fillna(0) > top * 0.72) & ~data["faded"]
    x = alt.X("group:N", sort=groups, title=by_label, axis=alt.Axis(labelAngle=-40 if len(groups) > 6 else 0))
    y = alt.Y("theme_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("theme_label:N", title="Theme"), alt.Tooltip("group:N", title=by_label),
               alt.Tooltip("mentions:Q", title="Comments mentioning it", format=","),
               alt.Tooltip("labelled:Q", title="n (with a sentiment label)", format=","),
               alt.Tooltip("share_negative:Q", title="Share negative", format=".1%"),
               alt.Tooltip("share_positive:Q", title="Share positive", format=".1%")]
    base = alt.Chart(data)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tooltip,
        # a thin cell is grey, not a pale colour that would read as a low value
        color=alt.condition("datum.faded", alt.value(THIN), alt.Color(
            f"{value}:Q", title=legend, scale=alt.Scale(domain=[0, top], range=colours, interpolate="rgb"),
            legend=alt.Legend(format=fmt, orient="bottom", gradientLength=240, titleLimit=320))),
    )
    text = base.mark_text(fontSize=LABEL_FONT - 1).encode(
        x=x, y=y, text="cell_text:N", tooltip=tooltip,
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#222222")),
    )
    width = max(260, min(60 * len(groups), 900))
    chart = alt.layer(cells, text).properties(width=width, height=max(120, 28 * len(order)))
    return finish(chart, title, caption)


def impact_chart(frame: pd.DataFrame, caption: str, title: str = "What each theme does to NPS") -> alt.TopLevelMixin:
    """``vocsrc.charts.theme_impact`` (bars, intervals, faded when within noise), labels right of the plot."""
    from vocsrc.charts.impact import theme_impact

    chart = theme_impact(frame, caption, title=title)
    # theme_impact puts its value labels at x = WIDTH pixels, inside the plot once a page
    # stretches it; "width" is the plot's right edge at whatever width it is drawn
    for layer in chart.layer:
        if layer.mark == "text" or getattr(layer.mark, "type", None) == "text":
            layer.encoding.x = alt.value("width")
    return chart
