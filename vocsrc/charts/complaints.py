"""Charts for the Complaints page: drivers over time, shares with intervals,
time to close against the deadline, and rising drivers against their baseline.

Drivers are categories, not good or bad, so they take the Okabe-Ito colours in
a fixed order; shares use the 'good' blue, greyed where n is below the floor.
"""

from __future__ import annotations

from collections.abc import Collection

import altair as alt
import pandas as pd

from vocsrc.charts.style import LABEL_FONT, NEGATIVE, NOT_SOLID, POSITIVE, WIDTH, finish

# Okabe-Ito, in an order that keeps neighbours distinguishable; grey for the rest.
DRIVER_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHER_COLOUR = "#BBBBBB"
OTHER_LABEL = "All other drivers"
# Grow the view around a fixed plot: under 'fit' a page's stretch squeezes the plot to
# make room for a long legend and a two-line caption, down to a flat strip.
_KEEP_SIZE = alt.AutoSizeParams(type="pad")


def _need(df: pd.DataFrame, cols: set[str]) -> None:
    missing = cols - set(df.columns)
    if missing:
        raise ValueError(f"need columns {sorted(cols)}; missing {sorted(missing)}")


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def driver_volume_over_time(df: pd.DataFrame, caption: str, title: str = "Complaints by driver",
                            partial: Collection[str] = ()) -> alt.TopLevelMixin:
    """Stacked bars per period (df: period, driver, count); 'All other drivers' last, in grey.
    Periods in ``partial`` (the data covers them only in part) are labelled so: their bars
    are short for lack of days."""
    _need(df, {"period", "driver", "count"})
    data = df.copy()
    data["period"] = [f"{p} (partial)" if p in partial else p for p in data["period"].astype(str)]
    data["label"] = data["driver"].astype(str).map(_short)
    totals = data.groupby("label")["count"].sum().sort_values(ascending=False)
    order = [d for d in totals.index if d != OTHER_LABEL] + ([OTHER_LABEL] if OTHER_LABEL in totals.index else [])
    colours = [OTHER_COLOUR if d == OTHER_LABEL else DRIVER_COLOURS[i % len(DRIVER_COLOURS)]
               for i, d in enumerate(order)]
    data["order"] = data["label"].map({d: i for i, d in enumerate(order)})
    periods = sorted(data["period"].astype(str).unique())
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("period:N", sort=periods, title=None, axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -40)),
        y=alt.Y("sum(count):Q", title="Complaints", axis=alt.Axis(format=",d")),
        color=alt.Color("label:N", title=None, scale=alt.Scale(domain=order, range=colours),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("driver:N", title="Driver"),
                 alt.Tooltip("sum(count):Q", title="Complaints", format=",")],
    ).properties(width=WIDTH, height=300, autosize=_KEEP_SIZE)
    return finish(chart, title, caption)


def share_bars(df: pd.DataFrame, caption: str, title: str, x_title: str = "Share",
               row: str = "group", facet: str | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of a share with its interval (df: row, share, low, high, n, solid[, facet]).

    Rows below the n floor are drawn grey and hollow with 'too few' on the bar.
    """
    _need(df, {row, "share", "low", "high", "n", "solid"})
    data = df.copy()
    data["label"] = data[row].astype(str).map(_short)
    data["status"] = data["solid"].map({True: "", False: "too few: greyed"})
    tip = [alt.Tooltip(f"{row}:N", title=row.replace("_", " ").capitalize()),
           alt.Tooltip("share:Q", title=x_title, format=".1%"),
           alt.Tooltip("low:Q", title="Interval from", format=".1%"), alt.Tooltip("high:Q", title="Interval to", format=".1%"),
           alt.Tooltip("n:Q", title="n", format=","), alt.Tooltip("status:N", title="Note")]
    if facet:
        tip.insert(1, alt.Tooltip(f"{facet}:N", title=facet.replace("_", " ").capitalize()))
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("share", order="descending"))
    x = alt.X("share:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = alt.Chart()
    bars = base.mark_bar(height=14).encode(
        x=x, y=y, tooltip=tip,
        color=alt.condition("datum.solid", alt.value(POSITIVE), alt.value("white")),
        stroke=alt.condition("datum.solid", alt.value(POSITIVE), alt.value(NOT_SOLID)))
    rule = base.mark_rule(color="#333333", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y, tooltip=tip)
    text = base.mark_text(align="left", dx=4, fontSize=LABEL_FONT - 1, color="#444444").encode(
        x="high:Q", y=y, text=alt.Text("n_label:N"))
    data["n_label"] = [f"n={n:,}" + ("" if s else " (too few)") for n, s in zip(data["n"], data["solid"])]
    chart = alt.layer(bars, rule, text, data=data).properties(width=WIDTH - 120, height=alt.Step(22))
    if facet:
        chart = chart.facet(row=alt.Row(f"{facet}:N", title=None, header=alt.Header(
            labelAngle=0, labelAlign="left", labelOrient="top", labelFontWeight="bold"))).resolve_scale(y="independent")
    return finish(chart, title, caption)


def close_time_histogram(df: pd.DataFrame, caption: str, title: str = "Days from opening to close") -> alt.TopLevelMixin:
    """Bars of complaints by days to close (df: days_to_close, count, deadline_days[, source]);
    a dashed line at each source's deadline; bars past it in vermillion."""
    _need(df, {"days_to_close", "count", "deadline_days"})
    data = df.copy()
    data["late"] = data["days_to_close"] > data["deadline_days"]
    data["when"] = data["late"].map({True: "after the deadline", False: "within the deadline"})
    x = alt.X("days_to_close:Q", bin=alt.Bin(step=7), title="Days to close (weeks of 7 days)")
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("sum(count):Q", title="Complaints", stack=True),
        color=alt.Color("when:N", title=None, scale=alt.Scale(domain=["within the deadline", "after the deadline"],
                                                             range=[POSITIVE, NEGATIVE]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("when:N", title="Closed"), alt.Tooltip("sum(count):Q", title="Complaints", format=",")])
    deadlines = data.drop_duplicates("deadline_days")[["deadline_days"]]
    rules = alt.Chart(deadlines).mark_rule(strokeDash=[6, 4], color="#333333", strokeWidth=2).encode(
        x="deadline_days:Q", tooltip=[alt.Tooltip("deadline_days:Q", title="Deadline (days)")])
    labels = alt.Chart(deadlines).transform_calculate(label="'deadline: ' + datum.deadline_days + ' days'").mark_text(
        align="left", dx=4, baseline="top", fontSize=LABEL_FONT, color="#333333").encode(
        x="deadline_days:Q", y=alt.value(2), text="label:N")
    chart = alt.layer(bars, rules, labels).properties(width=WIDTH, height=280, autosize=_KEEP_SIZE)
    return finish(chart, title, caption)


def rising_drivers_chart(df: pd.DataFrame, caption: str, title: str = "Latest month against its own baseline"
                         ) -> alt.TopLevelMixin:
    """Dumbbells per driver (df: driver, baseline_rate, recent_rate, recent, flagged, label): the
    baseline's monthly mean (grey dot) to the latest month's rate (a part month scaled to a whole one);
    black triangles are rises that survived Benjamini-Hochberg, named at the right edge."""
    _need(df, {"driver", "baseline_rate", "recent_rate", "recent", "flagged", "label"})
    data = df.copy()
    data["name"] = data["driver"].astype(str).map(_short)
    data["verdict"] = [("rising" + (f" ({lab})" if lab else "")) if f else "within noise"
                       for f, lab in zip(data["flagged"], data["label"])]
    width = WIDTH - 120
    y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("recent_rate", order="descending"))
    tip = [alt.Tooltip("driver:N", title="Driver"), alt.Tooltip("baseline_rate:Q", title="Baseline per month", format=".1f"),
           alt.Tooltip("recent_rate:Q", title="Latest month, per month", format=".1f"),
           alt.Tooltip("recent:Q", title="Latest month, complaints"), alt.Tooltip("verdict:N", title="Verdict")]
    base = alt.Chart(data)
    line = base.mark_rule(color="#BBBBBB", strokeWidth=3).encode(x="baseline_rate:Q", x2="recent_rate:Q", y=y, tooltip=tip)
    start = base.mark_point(filled=True, size=90, color="#999999").encode(x="baseline_rate:Q", y=y, tooltip=tip)
    end = base.mark_point(filled=True, size=140).encode(
        x=alt.X("recent_rate:Q", title="Complaints per month (grey: baseline mean; end: latest month)"), y=y,
        tooltip=tip, color=alt.condition("datum.flagged", alt.value("#000000"), alt.value("#999999")),
        shape=alt.condition("datum.flagged", alt.value("triangle-right"), alt.value("circle")))
    note = base.mark_text(align="left", dx=8, fontSize=LABEL_FONT).encode(
        x=alt.value(width), y=y, text="verdict:N",
        color=alt.condition("datum.flagged", alt.value("#000000"), alt.value("#888888")))
    chart = alt.layer(line, start, end, note).properties(width=width, height=alt.Step(24), autosize=_KEEP_SIZE)
    return finish(chart, title, caption)
