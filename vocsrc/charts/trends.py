"""Lines over time: the headline with its interval, the same per segment as
small multiples, and the volume of feedback per month by kind."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import altair as alt
import pandas as pd

from vocsrc.config import MIN_N_SHARE
from vocsrc.charts.style import INTERVAL_FILL, LABEL_FONT, NOT_SOLID, POSITIVE, WIDTH, finish, kind_scale
from vocsrc.stats.summary import MetricSummary

_AXIS_FORMAT = {"share": "%", "points": "d", "stars": ".1f"}
_TIP_FORMAT = {"share": ".1%", "points": ".1f", "stars": ".2f"}


def trend_frame(by_period: Mapping[str, MetricSummary], which: int = 0) -> pd.DataFrame:
    """period -> MetricSummary becomes the frame ``headline_trend`` draws.

    ``which`` picks the headline: 0 the main one, 1 the second (stars' % 4-5,
    sentiment's % negative).
    """
    rows = []
    for period, s in by_period.items():
        e = s.headlines[which]
        rows.append(dict(period=str(period), value=e.value, low=e.low, high=e.high, n=e.n,
                         solid=e.solid, unit=e.unit, method=e.method, label=e.label))
    return pd.DataFrame(rows)


def _prepare(df: pd.DataFrame, min_n: int, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    need = {"period", "value", "low", "high", "n", *extra}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(f"need columns {sorted(need)}; missing {sorted(missing)}")
    data = df.copy()
    data["period"] = data["period"].astype(str)
    if "solid" not in data.columns:
        data["solid"] = data["n"] >= min_n
    data["status"] = data["solid"].map({True: "", False: f"too few responses (under {min_n}): greyed"})
    return data


def _tooltip(unit: str, extra: list[alt.Tooltip] | None = None) -> list[alt.Tooltip]:
    fmt = _TIP_FORMAT.get(unit, ".2f")
    return [*(extra or []), alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title="Value", format=fmt),
            alt.Tooltip("low:Q", title="Interval from", format=fmt), alt.Tooltip("high:Q", title="Interval to", format=fmt),
            alt.Tooltip("n:Q", title="n", format=","), alt.Tooltip("status:N", title="Note")]


def _trend_layers(periods: list[str], unit: str, y_title: str, extra_tip: list[alt.Tooltip] | None = None,
                  few_labels: bool = True) -> list:
    """Interval band + line + points, greyed hollow where n is too small (labelled with
    their n when ``few_labels``); the caller supplies data (layer or facet)."""
    x = alt.X("period:N", sort=periods, title=None,
              axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -40))
    y_scale = alt.Scale(zero=False, domain=[0, 1] if unit == "share" else alt.Undefined)
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=_AXIS_FORMAT.get(unit, ".2f")), scale=y_scale)
    tip = _tooltip(unit, extra_tip)
    base = alt.Chart()
    band = base.mark_area(opacity=0.18, color=INTERVAL_FILL).encode(x=x, y=alt.Y("low:Q", scale=y_scale), y2="high:Q", tooltip=tip)
    line = base.mark_line(color=POSITIVE, strokeWidth=2.5).encode(x=x, y=y, tooltip=tip)
    points = base.mark_point(size=90, strokeWidth=2.5, filled=True, opacity=1).encode(
        x=x, y=y,
        stroke=alt.condition("datum.solid", alt.value(POSITIVE), alt.value(NOT_SOLID)),
        fill=alt.condition("datum.solid", alt.value(POSITIVE), alt.value("white")),
        tooltip=tip,
    )
    if not few_labels:
        return [band, line, points]
    # Say why a point is greyed, on the chart itself, so a PNG keeps the reason.
    few = base.transform_filter("!datum.solid").transform_calculate(
        few_label="'too few (n=' + datum.n + ')'"
    ).mark_text(dy=18, fontSize=LABEL_FONT - 1, color="#666666").encode(x=x, y=y, text="few_label:N", tooltip=tip)
    return [band, line, points, few]


def headline_trend(
    df: pd.DataFrame,
    caption: str,
    unit: str = "points",
    title: str = "Headline over time",
    y_title: str | None = None,
    min_n: int = MIN_N_SHARE,
) -> alt.TopLevelMixin:
    """Headline per period (df: period, value, low, high, n[, solid]) with its
    interval as a shaded band; hollow grey points where n < min_n.

    ``unit``: "points" (NPS), "share" (0..1, shown as %), "stars".
    """
    data = _prepare(df, min_n)
    periods = list(dict.fromkeys(data["period"]))
    layers = _trend_layers(periods, unit, y_title or {"points": "NPS (points)", "share": "Share", "stars": "Mean stars"}.get(unit, ""))
    chart = alt.layer(*layers, data=data).properties(width=max(WIDTH, 44 * len(periods)), height=300)
    return finish(chart, title, caption)


def segment_small_multiples(
    df: pd.DataFrame,
    caption: str,
    unit: str = "points",
    title: str = "By segment",
    columns: int = 3,
    min_n: int = MIN_N_SHARE,
) -> alt.TopLevelMixin:
    """One small trend per segment, shared axes, so segments compare at a glance.

    df: segment, period, value, low, high, n[, solid][, signal]. ``signal`` is
    "up"/"down" on a point whose change from the previous period survived the
    significance test *after* Benjamini-Hochberg across all segments, else
    empty; it is drawn as a large black triangle. Unmarked means within noise.
    """
    data = _prepare(df, min_n, extra=("segment",))
    if "signal" not in data.columns:
        data["signal"] = ""
    data["signal"] = data["signal"].fillna("").astype(str)
    data["segment"] = data["segment"].astype(str)
    data["verdict"] = data["signal"].map({"up": "rose, beyond noise", "down": "fell, beyond noise"}).fillna("")
    periods = list(dict.fromkeys(data["period"]))
    segments = list(dict.fromkeys(data["segment"]))
    tip_extra = [alt.Tooltip("segment:N", title="Segment"), alt.Tooltip("verdict:N", title="Change")]
    # a panel is too narrow for a label under each thin point (neighbours ran into each other):
    # the caller's caption says what a hollow grey point means, the tooltip gives its n
    layers = _trend_layers(periods, unit, {"points": "NPS", "share": "Share", "stars": "Mean stars"}.get(unit, ""),
                           tip_extra, few_labels=False)
    # Markers sit just above (rise) or below (fall) the point, not on it, so the
    # point's own colour (greyed or not) stays visible.
    markers = [
        alt.Chart().transform_filter(f"datum.signal == '{signal}'").mark_point(
            filled=True, size=150, opacity=1, yOffset=offset,
        ).encode(
            x=alt.X("period:N", sort=periods),
            y=alt.Y("value:Q"),
            color=alt.value("#000000"),
            shape=alt.Shape("verdict:N", title="Change from previous period, after Benjamini-Hochberg",
                            scale=alt.Scale(domain=["rose, beyond noise", "fell, beyond noise"],
                                            range=["triangle-up", "triangle-down"]),
                            legend=alt.Legend(orient="bottom", direction="horizontal", titleLimit=600)),
            tooltip=_tooltip(unit, tip_extra),
        )
        for signal, offset in (("up", -15), ("down", 15))
    ]
    chart = alt.layer(*layers, *markers, data=data).properties(width=220, height=150).facet(
        facet=alt.Facet("segment:N", sort=segments, title=None, header=alt.Header(labelFontSize=LABEL_FONT + 1, labelFontWeight="bold")),
        columns=columns,
    )
    return finish(chart, title, caption)


def volume_by_month(df: pd.DataFrame, caption: str, title: str = "Feedback received per month",
                    partial: Collection[str] = ()) -> alt.TopLevelMixin:
    """Stacked bars of responses per month by kind (df: month, kind, count).

    ``month`` may be dates (drawn as "Jan 2026") or already-formatted labels. Months in
    ``partial`` ("2026-10": the data covers them only in part) are labelled so.
    """
    missing = {"month", "kind", "count"} - set(df.columns)
    if missing:
        raise ValueError(f"need columns month, kind, count; missing {sorted(missing)}")
    data = df.copy()
    if pd.api.types.is_datetime64_any_dtype(data["month"]):
        data = data.sort_values("month")
        keys = data["month"].dt.strftime("%Y-%m")
        data["month"] = data["month"].dt.strftime("%b %Y")
        if partial:
            data["month"] = [f"{m} (partial)" if k in partial else m for m, k in zip(data["month"], keys)]
    data["month"] = data["month"].astype(str)
    months = list(dict.fromkeys(data["month"]))
    known = ("survey", "review", "complaint")  # the store's KINDS order; unknown kinds after, by name
    kinds = sorted(data["kind"].astype(str).unique(), key=lambda k: (known.index(k) if k in known else len(known), k))
    data["month_total"] = data.groupby("month", sort=False)["count"].transform("sum")
    data["kind_index"] = data["kind"].astype(str).map({k: i for i, k in enumerate(kinds)})
    x = alt.X("month:N", sort=months, title=None, axis=alt.Axis(labelAngle=0 if len(months) <= 8 else -40))
    chart = alt.Chart(data).mark_bar().encode(
        x=x,
        y=alt.Y("sum(count):Q", title="Responses", axis=alt.Axis(format=",d")),
        color=alt.Color("kind:N", scale=kind_scale(kinds), title=None,
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("kind_index:Q"),
        tooltip=[alt.Tooltip("month:N", title="Month"), alt.Tooltip("kind:N", title="Kind"),
                 alt.Tooltip("sum(count):Q", title="Responses", format=","),
                 alt.Tooltip("max(month_total):Q", title="All kinds this month", format=",")],
    ).properties(width=max(WIDTH, 40 * len(months)), height=300)
    return finish(chart, title, caption)
