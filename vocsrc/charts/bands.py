"""Band charts: the distribution over time, band shares with intervals, and
how the bands moved between two periods ("where did the middle go")."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from vocsrc.config import MIN_N_COMPARE, MIN_N_SHARE
from vocsrc.charts.style import LABEL_FONT, TONE_TEXT, WIDTH, band_scale, finish
from vocsrc.stats.compare import two_share_test
from vocsrc.stats.intervals import Z95
from vocsrc.stats.metrics import Metric, get_metric
from vocsrc.stats.sentences import fmt_pct
from vocsrc.stats.summary import MetricSummary

_LEGEND = alt.Legend(title=None, orient="bottom", direction="horizontal", labelLimit=260)
SHOW_LABEL_FROM = 0.06  # segments thinner than this get no % label: it would not fit


def band_table(df: pd.DataFrame, metric: str | Metric) -> pd.DataFrame:
    """period, band|score, count -> one row per period x band (every band, fixed
    order) with n, share and labels. Periods keep their order of first appearance."""
    m = get_metric(metric)
    missing = {"period", "count"} - set(df.columns)
    if missing or not ({"band", "score"} & set(df.columns)):
        raise ValueError(f"need columns period, band (or score) and count; missing {sorted(missing) or 'band'}")
    keys = df["band"] if "band" in df.columns else df["score"].map(m.band_of)
    unknown = set(keys) - set(m.band_keys)
    if unknown:
        raise ValueError(f"{m.key} has no band {sorted(map(str, unknown))}; bands are {list(m.band_keys)}")
    periods = list(dict.fromkeys(df["period"].astype(str)))
    counts = df.assign(period=df["period"].astype(str), band=keys).groupby(["period", "band"])["count"].sum()
    rows = []
    for period in periods:
        n = int(sum(counts.get((period, k), 0) for k in m.band_keys))
        below = 0.0
        for i, band in enumerate(m.bands):
            c = int(counts.get((period, band.key), 0))
            share = c / n if n else 0.0
            rows.append(
                dict(period=period, band=band.key, label=band.label, band_index=i, count=c, n=n, share=share,
                     mid=below + share / 2, pct=fmt_pct(share), text_colour=TONE_TEXT[band.tone],
                     show_label=share >= SHOW_LABEL_FROM)
            )
            below += share
    return pd.DataFrame(rows)


def distribution_over_time(
    df: pd.DataFrame,
    metric: str | Metric,
    caption: str,
    title: str | None = None,
    min_n: int = MIN_N_SHARE,
) -> alt.TopLevelMixin:
    """100%-stacked bands per period; faded where the period has fewer than min_n."""
    m = get_metric(metric)
    data = band_table(df, m)
    data["solid"] = data["n"] >= min_n
    data["status"] = data["solid"].map({True: "", False: f"too few responses (under {min_n})"})
    periods = list(dict.fromkeys(data["period"]))
    labelled = len(periods) <= 14  # beyond that the % labels crowd out the bars
    x = alt.X("period:N", sort=periods, title=None, axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -40))
    tooltip = [
        alt.Tooltip("period:N", title="Period"), alt.Tooltip("label:N", title="Band"),
        alt.Tooltip("count:Q", title="Responses", format=","), alt.Tooltip("share:Q", title="Share", format=".1%"),
        alt.Tooltip("n:Q", title="n (period)", format=","), alt.Tooltip("status:N", title="Note"),
    ]
    base = alt.Chart(data)
    bars = base.mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=x,
        y=alt.Y("share:Q", stack="zero", title="Share of responses", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("label:N", scale=band_scale(m), legend=_LEGEND, sort=[b.label for b in m.bands]),
        order=alt.Order("band_index:Q"),
        opacity=alt.condition("datum.solid", alt.value(1.0), alt.value(0.35)),
        tooltip=tooltip,
    )
    layers = [bars]
    if labelled:
        layers.append(
            base.transform_filter("datum.show_label").mark_text(fontSize=LABEL_FONT).encode(
                x=x, y="mid:Q", text="pct:N", color=alt.Color("text_colour:N", scale=None), tooltip=tooltip,
            )
        )
    totals = data.drop_duplicates("period")
    layers.append(
        alt.Chart(totals).mark_text(dy=-9, fontSize=LABEL_FONT, color="#444444").encode(
            x=x, y=alt.datum(1.0), text=alt.Text("n_label:N"),
            tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("n:Q", title="n", format=","),
                     alt.Tooltip("status:N", title="Note")],
        ).transform_calculate(n_label=f"'n=' + format(datum.n, ',') + (datum.solid ? '' : ' (too few)')")
    )
    # Few periods: keep bars slide-shaped, not slabs; many: 44 px each.
    width = max(320, min(WIDTH, 130 * len(periods))) if 44 * len(periods) <= WIDTH else 44 * len(periods)
    chart = alt.layer(*layers).properties(width=width, height=320)
    return finish(chart, title or f"{m.label}: distribution by period", caption)


def band_share_bars(summary: MetricSummary, caption: str, title: str | None = None) -> alt.TopLevelMixin:
    """One bar per band with its Wilson interval; faded and said so when n is small."""
    m = get_metric(summary.metric)
    rows = [
        dict(label=b.label, band=b.key, share=b.share.value, low=b.share.low, high=b.share.high, count=b.count,
             n=summary.n, text=f"{fmt_pct(b.share.value)}  ({fmt_pct(b.share.low)}-{fmt_pct(b.share.high)})",
             method=b.share.method)
        for b in summary.bands
    ]
    data = pd.DataFrame(rows).fillna({"share": 0.0})
    order = [b.label for b in m.bands]
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [
        alt.Tooltip("label:N", title="Band"), alt.Tooltip("share:Q", title="Share", format=".1%"),
        alt.Tooltip("low:Q", title="Interval from", format=".1%"), alt.Tooltip("high:Q", title="Interval to", format=".1%"),
        alt.Tooltip("count:Q", title="Responses", format=","), alt.Tooltip("n:Q", title="n", format=","),
        alt.Tooltip("method:N", title="Method"),
    ]
    opacity = 1.0 if summary.solid else 0.35
    base = alt.Chart(data)
    bars = base.mark_bar(opacity=opacity, height=alt.RelativeBandSize(0.7)).encode(
        # every 20%: eleven labels ran together ("90%100%") in an exported PNG
        x=alt.X("share:Q", title="Share of responses", axis=alt.Axis(format="%", tickCount=5),
                scale=alt.Scale(domain=[0, 1])),
        y=y, color=alt.Color("label:N", scale=band_scale(m), legend=None), tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="#222222", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y, tooltip=tooltip)
    caps = base.transform_fold(["low", "high"], as_=["end", "at"]).mark_tick(
        color="#222222", thickness=1.5, size=14).encode(x="at:Q", y=y, tooltip=tooltip)
    labels = base.mark_text(align="left", dx=6, fontSize=LABEL_FONT, color="#222222").encode(
        x="high:Q", y=y, text="text:N", tooltip=tooltip)
    chart = alt.layer(bars, whiskers, caps, labels).properties(width=WIDTH, height=44 * len(rows))
    heading = title or f"{m.label}: share in each band"
    if not summary.solid:
        heading += f" (only {summary.n} responses: too few to rely on)"
    return finish(chart, heading, caption)


# a generous average width of a LABEL_FONT character in pixels (Vega's default sans-serif)
CHAR_PX = 0.62 * LABEL_FONT
_LABEL_DX = 14


def label_room(right: float, text: str, width: int = WIDTH) -> float:
    """The axis maximum (as a share) that leaves ``text`` room to the right of ``right`` on a
    plot ``width`` pixels wide, at least 0.08 beyond ``right``."""
    need = (_LABEL_DX + CHAR_PX * len(text)) / width
    if need >= 1:
        return 1.0
    return max(right + 0.08, right / (1 - need))


def migration_chart(
    df: pd.DataFrame,
    metric: str | Metric,
    caption: str,
    title: str | None = None,
    z: float = Z95,
    min_n: int = MIN_N_COMPARE,
) -> alt.TopLevelMixin:
    """Each band's share in period A (hollow dot) and B (arrow head), one row per band.

    The line is solid when the band's change is beyond noise (two-share test),
    dashed when within noise, dotted when either period is too small to tell.
    ``df`` has period, band (or score), count for exactly two periods, A first.
    """
    m = get_metric(metric)
    table = band_table(df, m)
    periods = list(dict.fromkeys(table["period"]))
    if len(periods) != 2:
        raise ValueError(f"migration_chart needs exactly two periods, got {periods}")
    pa, pb = periods
    a = table[table["period"] == pa].set_index("band")
    b = table[table["period"] == pb].set_index("band")
    rows = []
    for band in m.bands:
        ca, cb = a.loc[band.key], b.loc[band.key]
        test = two_share_test(int(ca["count"]), int(ca["n"]), int(cb["count"]), int(cb["n"]), z=z, min_n=min_n)
        status = "too few to tell" if not test.solid else ("beyond noise" if test.significant else "within noise")
        rows.append(dict(
            label=band.label, band=band.key, share_a=ca["share"], share_b=cb["share"],
            change_pts=100 * (cb["share"] - ca["share"]), status=status, n_a=int(ca["n"]), n_b=int(cb["n"]),
            shape="triangle-right" if cb["share"] > ca["share"] else "triangle-left" if cb["share"] < ca["share"] else "circle",
            text=f"{fmt_pct(ca['share'])} → {fmt_pct(cb['share'])}, {status}",
            right=max(ca["share"], cb["share"]),
        ))
    data = pd.DataFrame(rows)
    # Zoom the axis to the shares, not always 0-100%: a 5-point move must be visible as an
    # arrow, not a dot. But leave each label its width to the right of its arrow: at 0.08 of
    # the axis, "37% -> 37%, within noise" was cut off at the chart's edge.
    x_max = min(1.0, math.ceil(max(label_room(r["right"], r["text"]) for r in rows) * 10) / 10)
    y = alt.Y("label:N", sort=[b.label for b in m.bands], title=None, axis=alt.Axis(labelLimit=220))
    colour = alt.Color("label:N", scale=band_scale(m), legend=None)
    tooltip = [
        alt.Tooltip("label:N", title="Band"), alt.Tooltip("share_a:Q", title=pa, format=".1%"),
        alt.Tooltip("share_b:Q", title=pb, format=".1%"),
        alt.Tooltip("change_pts:Q", title="Change (points)", format="+.1f"), alt.Tooltip("status:N", title="Verdict"),
        alt.Tooltip("n_a:Q", title=f"n {pa}", format=","), alt.Tooltip("n_b:Q", title=f"n {pb}", format=","),
    ]
    base = alt.Chart(data)
    line = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("share_a:Q", title=f"Share of responses ({pa} → {pb})", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, x_max])),
        x2="share_b:Q", y=y, color=colour,
        strokeDash=alt.StrokeDash("status:N", title=None, legend=alt.Legend(
            orient="bottom", direction="horizontal", symbolType="stroke", symbolStrokeWidth=3, symbolSize=500,
            symbolStrokeColor="#555555"),
                                  scale=alt.Scale(domain=["beyond noise", "within noise", "too few to tell"],
                                                  range=[[1, 0], [6, 4], [2, 3]])),
        tooltip=tooltip,
    )
    # Hollow (white-filled) dot for where the band started; the filled arrow head is where it ended.
    start = base.mark_point(size=150, filled=True, fill="white", strokeWidth=3, opacity=1).encode(
        x="share_a:Q", y=y, stroke=alt.Stroke("label:N", scale=band_scale(m), legend=None), tooltip=tooltip)
    end = base.mark_point(size=260, filled=True, opacity=1).encode(
        x="share_b:Q", y=y, color=colour, shape=alt.Shape("shape:N", scale=None), tooltip=tooltip)
    labels = base.mark_text(align="left", dx=_LABEL_DX, fontSize=LABEL_FONT, color="#222222").encode(
        x="right:Q", y=y, text="text:N", tooltip=tooltip)
    chart = alt.layer(line, start, end, labels).properties(width=WIDTH, height=56 * len(rows))
    return finish(chart, title or f"{m.label}: how the bands moved, {pa} to {pb}", caption)

