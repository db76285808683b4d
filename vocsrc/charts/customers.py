"""Customer-base charts: retention after the latest answer by band, churn by band with
Wilson intervals, and customers joining and leaving per period.

Bands keep the palette's tones: promoters the good blue, passives the middle grey,
detractors vermillion; customers never heard from take a dark neutral grey, since
silence is neither good nor bad.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import altair as alt
import pandas as pd

from vocsrc.charts.style import LABEL_FONT, NEGATIVE, POSITIVE, TONE_COLOURS, WIDTH, finish

CUSTOMER_BANDS = ("promoter", "passive", "detractor", "unheard")
CUSTOMER_BAND_LABELS = {"promoter": "Promoters (9-10)", "passive": "Passives (7-8)",
                        "detractor": "Detractors (0-6)", "unheard": "Never heard from"}
CUSTOMER_BAND_COLOURS = {"promoter": TONE_COLOURS["good"], "passive": "#999999",  # a shade darker than
                         "detractor": TONE_COLOURS["very_bad"], "unheard": "#555555"}  # bars: lines need it


def _band_scale(bands: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=[CUSTOMER_BAND_LABELS[b] for b in bands],
                     range=[CUSTOMER_BAND_COLOURS[b] for b in bands])


def retention_curves(survival: Mapping[str, Sequence], caption: str,
                     title: str = "Still customers, by days since their latest answer") -> alt.TopLevelMixin:
    """Kaplan-Meier step curves per band with their 95% Greenwood bands (survival: band -> steps)."""
    rows = []
    for band in CUSTOMER_BANDS:
        for s in survival.get(band, ()):
            rows.append(dict(band=band, label=CUSTOMER_BAND_LABELS[band], days=s.time, survival=s.survival,
                             low=s.low, high=s.high, at_risk=s.at_risk, events=s.events))
    data = pd.DataFrame(rows)
    if data.empty:
        data = pd.DataFrame(columns=["band", "label", "days", "survival", "low", "high", "at_risk", "events"])
    bands = [b for b in CUSTOMER_BANDS if b in set(data["band"])] or list(CUSTOMER_BANDS[:3])
    low_y = max(0.0, min(0.9, float(data["low"].min()) - 0.02)) if len(data) else 0.0
    colour = alt.Color("label:N", scale=_band_scale(bands), sort=[CUSTOMER_BAND_LABELS[b] for b in bands],
                       legend=alt.Legend(title=None, orient="bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("label:N", title="Band"), alt.Tooltip("days:Q", title="Days after answer"),
               alt.Tooltip("survival:Q", title="Still customers", format=".1%"),
               alt.Tooltip("low:Q", title="95% from", format=".1%"), alt.Tooltip("high:Q", title="95% to", format=".1%"),
               alt.Tooltip("at_risk:Q", title="Followed at this point", format=",")]
    x = alt.X("days:Q", title="Days since the customer's latest answer")
    base = alt.Chart(data)
    area = base.mark_area(opacity=0.18, interpolate="step-after").encode(
        x=x, y=alt.Y("low:Q", scale=alt.Scale(domain=[low_y, 1])), y2="high:Q", color=colour, tooltip=tooltip)
    line = base.mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=x, y=alt.Y("survival:Q", title="Still customers", axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[low_y, 1])), color=colour, tooltip=tooltip)
    return finish(alt.layer(area, line).properties(width=WIDTH, height=320), title, caption)


def churn_by_band(frame: pd.DataFrame, caption: str, title: str = "Customers lost in the period, by band",
                  min_n: int = 30) -> alt.TopLevelMixin:
    """Churn rate bars per band (frame: group, churn_rate, churn_low, churn_high, customers, lost);
    faded where a band has fewer than ``min_n`` customers."""
    data = frame[frame["customers"] > 0].copy()
    data["label"] = data["group"].map(CUSTOMER_BAND_LABELS)
    data["solid"] = data["customers"] >= min_n
    data["text"] = [f"{r:.1%} ({lo:.1%}-{hi:.1%})" + ("" if s else ", too few")
                    for r, lo, hi, s in zip(data["churn_rate"], data["churn_low"], data["churn_high"], data["solid"])]
    bands = [b for b in CUSTOMER_BANDS if b in set(data["group"])]
    order = [CUSTOMER_BAND_LABELS[b] for b in bands]
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("label:N", title="Band"), alt.Tooltip("churn_rate:Q", title="Lost", format=".1%"),
               alt.Tooltip("churn_low:Q", title="95% from", format=".1%"),
               alt.Tooltip("churn_high:Q", title="95% to", format=".1%"),
               alt.Tooltip("lost:Q", title="Customers lost", format=","),
               alt.Tooltip("customers:Q", title="Customers", format=",")]
    base = alt.Chart(data)
    bars = base.mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        x=alt.X("churn_rate:Q", title="Share of the band's customers lost", axis=alt.Axis(format="%")),
        y=y, color=alt.Color("label:N", scale=_band_scale(bands), legend=None),
        opacity=alt.condition("datum.solid", alt.value(1.0), alt.value(0.35)), tooltip=tooltip)
    whiskers = base.mark_rule(color="#222222", strokeWidth=1.5).encode(
        x="churn_low:Q", x2="churn_high:Q", y=y, tooltip=tooltip)
    labels = base.mark_text(align="left", dx=6, fontSize=LABEL_FONT, color="#222222").encode(
        x="churn_high:Q", y=y, text="text:N", tooltip=tooltip)
    chart = alt.layer(bars, whiskers, labels).properties(width=WIDTH, height=46 * max(len(data), 1))
    return finish(chart, title, caption)


def joins_and_leavers(frame: pd.DataFrame, caption: str, title: str = "Customers joining and leaving",
                      partial: Collection[str] = ()) -> alt.TopLevelMixin:
    """Joined (up, blue) and lost (down, vermillion) per period (frame: period, joined, lost, customers_at_end).
    Periods in ``partial`` (the window covers them only in part) are labelled so."""
    frame = frame.assign(period=[f"{p} (partial)" if p in partial else p for p in frame["period"].astype(str)])
    data = frame.assign(lost_down=-frame["lost"])
    long = pd.concat([
        data.assign(what="joined", value=data["joined"]),
        data.assign(what="lost", value=data["lost_down"]),
    ])
    periods = list(frame["period"])
    tooltip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("joined:Q", title="Joined", format=","),
               alt.Tooltip("lost:Q", title="Lost", format=","),
               alt.Tooltip("customers_at_end:Q", title="Customers at the end", format=",")]
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("period:N", sort=periods, title=None, axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -40)),
        y=alt.Y("value:Q", title="Customers joined (up) and lost (down)"),
        color=alt.Color("what:N", scale=alt.Scale(domain=["joined", "lost"], range=[POSITIVE, NEGATIVE]),
                        legend=alt.Legend(title=None, orient="bottom", direction="horizontal")),
        tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#444444").encode(y="zero:Q")
    width = max(320, min(WIDTH, 60 * len(periods)))
    return finish(alt.layer(bars, zero).properties(width=width, height=260), title, caption)
