"""The pack's sections computed from the store: headlines, theme impact, the middle, complaints.

Aggregation happens in DuckDB through the existing query modules (metrics, middle, complaints);
the little SQL here is theme impact and complaint drivers per period, which no other module
offers, with identifiers from constants and every value bound.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from vocsrc.briefing.pack import ComplaintsSection, DriverChange, Figure, Headline, MiddleTheme, ThemeImpact
from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import Filters
from vocsrc.stats import (MetricSummary, benjamini_hochberg, describe_nps_change, describe_share_change,
                          get_metric, nps_change_test, two_share_test)

HEADLINE_METRICS = ("nps", "csat", "ces", "stars")
METRIC_SHORT = {"nps": "NPS", "csat": "CSAT", "ces": "Customer effort", "stars": "Review stars"}
MIN_THEME_MENTIONS = 10


def estimate_figure(e, period: str, freshness: str) -> Figure:
    return Figure(e.label, e.value, e.low, e.high, e.n, period, e.method, freshness, e.solid, e.unit)


def summary_of(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str) -> MetricSummary | None:
    from vocsrc.metrics import summaries

    found = summaries(con, filters, metric)
    return found[0].summary if found and found[0].summary.n else None


def headline_k(s: MetricSummary) -> int:
    keys = get_metric(s.metric).headline_bands
    return sum(b.count for b in s.bands if b.key in keys)


def headline(metric: str, cur: MetricSummary, prev: MetricSummary | None, period: str,
             prev_period: str, freshness: str) -> Headline:
    """Plain words for one metric, with an honest verdict (adjusted-Wald z for NPS, else two shares)."""
    m = get_metric(metric)
    fig = estimate_figure(cur.headline, period, freshness)
    prev_fig = estimate_figure(prev.headline, prev_period, freshness) if prev else None
    extra: list[str] = []
    if metric == "nps":
        if prev is None:
            sentence, sig = f"NPS was {fig.fmt()} ({fig.text}); no responses in {prev_period} to compare with.", None
        else:
            change = nps_change_test(prev.nps, cur.nps)
            sentence = describe_nps_change(change)
            sig = change.significant if change.solid else None
    else:
        what = f"of responses were {m.band(m.headline_bands[0]).label.lower()}"
        k_prev, n_prev = (headline_k(prev), prev.n) if prev else (0, 0)
        change = two_share_test(k_prev, n_prev, headline_k(cur), cur.n)
        sentence = describe_share_change(change, what=what)
        sig = change.significant if change.solid else None
        if m.headline == "mean_and_share":
            extra.append(f"Mean stars {cur.mean:.2f}" + (f", against {prev.mean:.2f} in {prev_period}." if prev else "."))
    if cur.really_happy is not None and prev is not None and prev.really_happy is not None:
        ra, rb = prev.really_happy, cur.really_happy
        change = two_share_test(round(ra.value * ra.n), ra.n, round(rb.value * rb.n), rb.n)
        extra.append(describe_share_change(change, what=f"were really happy ({m.top_box_label})"))
    if metric != "nps":  # the NPS sentence names itself; the others need their metric in front
        sentence = f"{METRIC_SHORT[metric]}: {sentence}"
    return Headline(metric, sentence, fig, prev_fig, sig, tuple(extra))


def band_figures(s: MetricSummary, period: str, freshness: str) -> tuple[Figure, ...]:
    return tuple(estimate_figure(b.share, period, freshness) for b in s.bands)


def _impact_counts(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str) -> tuple[pd.DataFrame, tuple]:
    """Per theme: responses mentioning it, and how many were in the top and bottom bands."""
    m = get_metric(metric)
    good = m.band(m.bands[-1].key).scores if m.headline == "nps" else tuple(
        s for k in m.headline_bands for s in m.band(k).scores)
    bad = m.band(m.bands[0].key).scores + (m.band(m.bands[1].key).scores if m.headline == "nps" else ())
    where, params = filters.where()
    good_c = f"{metric} BETWEEN {min(good)} AND {max(good)}"
    bad_c = f"{metric} BETWEEN {min(bad)} AND {max(bad)}"
    frame = con.execute(
        f"""WITH base AS (SELECT feedback_id, text_hash, {metric} AS {metric} FROM feedback
                          WHERE {where} AND {metric} IS NOT NULL),
                tagged AS (SELECT DISTINCT b.feedback_id, t.theme, b.{metric} AS {metric}
                           FROM base b JOIN text_themes t USING (text_hash))
            SELECT theme, count(*) AS n, count(*) FILTER (WHERE {good_c}) AS good,
                   count(*) FILTER (WHERE {bad_c}) AS bad
            FROM tagged GROUP BY 1 ORDER BY 1""", params).df()
    totals = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE {good_c}), count(*) FILTER (WHERE {bad_c})
            FROM feedback WHERE {where} AND {metric} IS NOT NULL""", params).fetchone()
    return frame, tuple(int(t) for t in totals)


def theme_impacts(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, period: str,
                  freshness: str) -> tuple[ThemeImpact, ...]:
    """The score among responses mentioning each theme minus the score among the rest.

    NPS: points, tested with the adjusted-Wald z; other metrics: the headline share, two-share z.
    Benjamini-Hochberg across the themes, since every theme is scanned at once."""
    frame, (n_all, good_all, bad_all) = _impact_counts(con, filters, metric)
    frame = frame[(frame["n"] >= MIN_THEME_MENTIONS) & (frame["n"] < n_all)]
    rows = []
    for r in frame.itertuples():
        n_wo, g_wo, b_wo = n_all - r.n, good_all - r.good, bad_all - r.bad
        if metric == "nps":
            t = nps_change_test((g_wo, b_wo, n_wo), (int(r.good), int(r.bad), int(r.n)))
            rows.append((r.theme, t.diff, t.low, t.high, int(r.n), t.p_value, "points",
                         "NPS with the theme minus without, adjusted-Wald z test"))
        else:
            t = two_share_test(g_wo, n_wo, int(r.good), int(r.n))
            rows.append((r.theme, t.diff, t.low, t.high, int(r.n), t.p_value, "share",
                         "headline share with the theme minus without, two-proportion z test"))
    flags = benjamini_hochberg([r[5] for r in rows]) if rows else []
    return tuple(
        ThemeImpact(theme, Figure(f"Impact of {theme}", value, low, high, n, period,
                                  method + ", Benjamini-Hochberg across themes", freshness,
                                  n >= MIN_N_SHARE, unit), n, bool(flag))
        for (theme, value, low, high, n, _, unit, method), flag in zip(rows, flags))


def middle_themes(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, period: str,
                  freshness: str, limit: int = 5) -> tuple[MiddleTheme, ...]:
    """What holds the middle back: themes the middle mentions more than the top band."""
    from vocsrc.middle import middle_themes as query

    frame = query(con, filters, metric)
    if frame.empty:
        return ()
    frame = frame[frame["difference"] > 0].head(limit)
    method = "share of comments mentioning the theme, two-proportion z test, Benjamini-Hochberg"
    out = []
    for r in frame.itertuples():
        mid = Figure("Middle mentioning", float(r.middle_share), None, None, int(r.n_middle), period, method,
                     freshness, int(r.n_middle) >= MIN_N_SHARE)
        top = Figure("Top band mentioning", float(r.top_share), None, None, int(r.n_top), period, method,
                     freshness, int(r.n_top) >= MIN_N_SHARE)
        out.append(MiddleTheme(str(r.theme), mid, top, bool(r.over_represented)))
    return tuple(out)


def _driver_counts(con: duckdb.DuckDBPyConnection, f_cur: Filters, f_prev: Filters) -> pd.DataFrame:
    wc, pc = f_cur.where()
    wp, pp = f_prev.where()
    return con.execute(
        f"""SELECT coalesce(category, '(no category)') AS driver,
                   count(*) FILTER (WHERE {wc}) AS current, count(*) FILTER (WHERE {wp}) AS previous,
                   count(*) FILTER (WHERE {wc} AND timely) AS timely,
                   count(timely) FILTER (WHERE {wc}) AS timely_known
            FROM feedback WHERE kind = 'complaint' AND (({wc}) OR ({wp}))
            GROUP BY 1 ORDER BY current DESC, driver""", [*pc, *pp, *pc, *pc, *pc, *pp]).df()


ComplaintCounts = dict[str, tuple[int, int]]  # measure -> (count, base)
SHARE_MEASURES = (
    ("failure_demand", "Failure demand", "complaints classed failure demand, of those classed"),
    ("closed_in_time", "Closed in time", "closed within the source's deadline"),
    ("repeat", "Repeat complainants", "complained again within the repeat window"),
    ("broken_promise", "Broken-promise language", "complaint text reads as a broken promise"),
)


def complaint_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None) -> dict[str, ComplaintCounts]:
    """Per group ('All' without ``by``): (count, base) of each complaints measure, from the complaints
    module's own queries. Its repeat flag looks at every complaint ever received, so one call
    grouped by function costs what one function does: the CLI asks once for all packs."""
    from vocsrc.complaints.queries import summary_counts

    out: dict[str, ComplaintCounts] = {}
    for r in summary_counts(con, filters, by).itertuples():
        out[str(r.group)] = {"failure_demand": (int(r.failure), int(r.failure + r.value)),
                             "closed_in_time": (int(r.in_time), int(r.in_time_known)),
                             "repeat": (int(r.repeats), int(r.repeat_known)),
                             "timely": (int(r.timely), int(r.timely_known))}
    for group, flagged, with_text in _broken_promises(con, filters, by):
        out.setdefault(str(group), {})["broken_promise"] = (int(flagged), int(with_text))
    return out


def _broken_promises(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None) -> list[tuple]:
    """``complaints.promises.broken_promise_counts`` with its own rule, but each distinct text tested
    once: the rule reads only the text and its score, and the regexes are most of the cost, so
    repeated texts (templates, copies) are not matched again. Same counts, less work."""
    from vocsrc.complaints.config import load_config
    from vocsrc.complaints.promises import broken_promise_sql
    from vocsrc.complaints.queries import group_column

    cond, cparams = broken_promise_sql(load_config().broken_promise)
    where, params = filters.where()
    return con.execute(
        f"""WITH c AS (SELECT {group_column(by)} AS grp, coalesce(text_hash, hash(text)) AS th, text, cx_compound
                       FROM feedback_scored WHERE kind = 'complaint' AND text IS NOT NULL AND {where}),
                 d AS (SELECT th, text, any_value(cx_compound) AS cx_compound FROM c GROUP BY th, text),
                 f AS (SELECT th, text, {cond.replace("cx_compound", "d.cx_compound")} AS flagged FROM d)
            SELECT c.grp, count(*) FILTER (WHERE f.flagged), count(*)
            FROM c JOIN f USING (th, text) GROUP BY 1 ORDER BY 1""", [*params, *cparams]).fetchall()


def complaints_section(con: duckdb.DuckDBPyConnection, f_cur: Filters, f_prev: Filters, days: tuple[int, int],
                       period: str, prev_period: str, freshness: str,
                       counts: ComplaintCounts | None = None) -> ComplaintsSection | None:
    """Volume, drivers against the previous period (exact Poisson rate test per driver, BH), and the
    complaints module's shares (failure demand, closed in time, repeats, broken promises).
    ``counts``: this segment's ``complaint_counts`` when the caller computed them for all segments."""
    frame = _driver_counts(con, f_cur, f_prev)
    volume, previous = int(frame["current"].sum()), int(frame["previous"].sum())
    if not volume and not previous:
        return None
    try:  # the complaints module's rate test and measures; the fallback keeps packs working without it
        from vocsrc.complaints.signals import poisson_rate_test
        source = "vocsrc.complaints"
        if counts is None:
            counts = complaint_counts(con, f_cur).get("All", {})
    except ImportError:  # hook: without the complaints module, volume, drivers and timely share only
        poisson_rate_test, counts, source = None, {}, "feedback table (fallback)"
    d_cur, d_prev = days
    p_values = []
    for r in frame.itertuples():
        if poisson_rate_test is not None:
            p_values.append(poisson_rate_test(int(r.current), int(r.previous), d_cur / 30.4, d_prev / 30.4))
        else:
            t = two_share_test(int(r.previous), max(previous, 1), int(r.current), max(volume, 1))
            p_values.append(t.p_value)
    flags = benjamini_hochberg(p_values) if p_values else []
    drivers = tuple(
        DriverChange(str(r.driver), int(r.previous), int(r.current), float(p),
                     bool(flag) and r.current / d_cur > r.previous / d_prev and r.current >= 5,
                     (r.timely / r.timely_known) if r.timely_known else None)
        for r, p, flag in zip(frame.itertuples(), p_values, flags))
    method_rate = ("exact conditional Poisson rate test per driver against the previous period, "
                   "Benjamini-Hochberg across drivers")
    vol = Figure("Complaints", volume, None, None, volume, period, "count of complaints received", freshness,
                 True, "count")
    shares = [_share_figure(label, *counts[key], period, method, freshness)
              for key, label, method in SHARE_MEASURES if counts.get(key, (0, 0))[1]]
    known = int(frame["timely_known"].sum())
    if known and not any(f.label == "Closed in time" for f in shares):
        shares.append(_share_figure("Timely response", int(frame["timely"].sum()), known, period,
                                    "source's own timely flag", freshness))
    rising = [d for d in drivers if d.rising]
    sentences = [f"{volume:,} complaints in {period}, against {previous:,} in {prev_period}."]
    sentences += [f"Complaints about '{d.driver}' rose from {d.previous:,} to {d.current:,}, beyond noise "
                  f"({method_rate})." for d in rising]
    if not rising:
        sentences.append("No complaint driver rose beyond noise.")
    return ComplaintsSection(vol, previous, drivers, tuple(shares), tuple(sentences), source)


def _share_figure(label: str, k: int, n: int, period: str, method: str, freshness: str) -> Figure:
    from vocsrc.stats import wilson

    p, low, high = wilson(k, n)
    return Figure(label, p, low, high, n, period, f"{method}; Wilson 95% interval", freshness, n >= MIN_N_SHARE)


def disagreement_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, tuple[int, int]]:
    """Score-versus-text groups in the period: name -> (count, base)."""
    from vocsrc.middle import disagreement_totals, score_vs_text

    frame = score_vs_text(con, filters, period="quarter")
    if frame.empty:
        return {}
    totals = disagreement_totals(frame)
    return {g: (int(r["count"]), int(r["base"])) for g, r in totals.iterrows()}


def describe_disagreements(counts: dict[str, tuple[int, int]]) -> str:
    """One sentence on where comments contradict their score, e.g. 'at risk: 12 of 300 promoters
    with negative text'; empty when no group has any."""
    from vocsrc.middle import short_label

    def lower_first(label: str) -> str:  # "Promoters ..." -> "promoters ...", "CSAT 3 ..." stays
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]

    parts = [f"{name.split(':')[0]}: {k:,} of {n:,} {lower_first(short_label(name))}"
             for name, (k, n) in counts.items() if n and k]
    if not parts:
        return ""
    return ("Where words and scores disagree (of responses with text in each score range, CX-aware "
            "text sentiment): " + "; ".join(parts) + ".")
