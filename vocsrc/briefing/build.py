"""Build one briefing pack from the store: the same query modules the pages use, no clock.

``build_pack(con, "Deliveries", "2026-Q3")`` compares July-September with April-June for the
Deliveries function; any other segment column works through ``dimension``.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from vocsrc.briefing import pack_charts, sections
from vocsrc.briefing.actions import list_actions
from vocsrc.briefing.pack import ChartSpec, Pack
from vocsrc.briefing.periods import parse_period, previous_period
from vocsrc.briefing.questions import derive_questions
from vocsrc.config import MIN_N_SHARE
from vocsrc.customer_base import briefing_section
from vocsrc.errors import VocError
from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.stats import decompose_nps_change, describe_band_change, describe_share_change, get_metric, two_share_test
from vocsrc.stats.sentences import BAND_NOUNS

STEP_LOOKBACK_MONTHS = 12
NOTHING_CHANGED = "Nothing changed beyond noise"  # report a step in the middle only if it began this recently


def _freshness(con: duckdb.DuckDBPyConnection) -> tuple[str, dt.date | None]:
    from vocsrc.queries import freshness

    fresh = freshness(con)
    latest = fresh["latest_feedback"]
    if latest is None:
        return "no data", None
    return f"{latest:%Y-%m-%d}", latest.date() if hasattr(latest, "date") else latest


def _band_moves(metric: str, prev, cur) -> tuple[list[str], list[tuple[str, float, float, bool]]]:
    """Sentences and (noun, before, after, significant) for every band of the primary metric."""
    m = get_metric(metric)
    sentences, moves = [], []
    if metric == "nps":
        dec = decompose_nps_change(prev.distribution, cur.distribution)
        for bc in dec.bands:
            sentences.append(describe_band_change(bc, dec))
            moves.append((BAND_NOUNS.get(bc.band, bc.label.lower()), bc.change.share_a, bc.change.share_b,
                          bc.change.significant and bc.change.solid))
        return sentences, moves
    for band in m.bands:
        t = two_share_test(prev.band(band.key).count, prev.n, cur.band(band.key).count, cur.n)
        sentences.append(describe_share_change(t, what=f"of responses were {band.label.lower()}"))
        moves.append(("passives" if band.key == m.middle else band.label.lower(), t.share_a, t.share_b,
                      t.significant and t.solid))
    return sentences, moves


def _step_sentences(con: duckdb.DuckDBPyConnection, base: Filters, metric: str, end: dt.date) -> list[str]:
    """Did the middle step up or down recently? Six months against six, BH across months."""
    from vocsrc.middle import describe_steps, step_change

    steps = step_change(con, base.with_(date_to=end), metric)
    if steps.empty:
        return []
    import pandas as pd

    since = str(pd.Period(end, "M") - (STEP_LOOKBACK_MONTHS - 1))
    recent = steps[steps["month"] >= since]
    found = describe_steps(recent, metric, limit=1) if not recent.empty else []
    if not found or metric != "nps":
        return found
    # Did NPS move over the same two windows? "The middle moved while NPS held" is the story
    # NPS alone would miss; the quarter comparison above is not the same windows.
    real = recent[recent["beyond_noise"].astype(bool)]
    month = real.loc[real["change"].abs().idxmax(), "month"]
    start = pd.Period(month, "M")
    windows = []
    for first, last in ((start - 6, start - 1), (start, start + 5)):
        windows.append(base.with_(date_from=first.start_time.date(), date_to=min(last.end_time.date(), end)))
    before, after = (sections.summary_of(con, f, "nps") for f in windows)
    if before is not None and after is not None:
        from vocsrc.stats import describe_nps_change, nps_change_test

        found.append("Over the same months, " + describe_nps_change(nps_change_test(before.nps, after.nps)))
    return found


def build_pack(con: duckdb.DuckDBPyConnection, function: str, period: str, seed: int = 7,
               include_text: bool = True, today: dt.date | None = None, dimension: str = "function",
               verbatim_count: int = 8, complaint_counts: sections.ComplaintCounts | None = None) -> Pack:
    """The pack for one segment value and one period ('YYYY-MM' or 'YYYY-Qn') against the previous one.

    ``today`` only labels the pack (default: the newest feedback date, never the clock); ``seed``
    makes the verbatim sample reproducible; ``include_text=False`` leaves every comment out;
    ``complaint_counts`` is this segment's entry of ``shared_complaint_counts`` when packs for many
    segments are built together."""
    if dimension not in DIMENSIONS:
        raise VocError(f"cannot brief by {dimension!r}; choose one of {', '.join(DIMENSIONS)}")
    p = parse_period(period)
    prev = previous_period(p)
    base = Filters(**{dimension: (function,)})
    f_cur = base.with_(date_from=p.start, date_to=p.end)
    f_prev = base.with_(date_from=prev.start, date_to=prev.end)
    freshness, latest = _freshness(con)
    today = today or latest or p.end

    headlines, current, previous = [], {}, {}
    for metric in sections.HEADLINE_METRICS:
        cur = sections.summary_of(con, f_cur, metric)
        if cur is None:
            continue
        before = sections.summary_of(con, f_prev, metric)
        current[metric], previous[metric] = cur, before
        headlines.append(sections.headline(metric, cur, before, p.label, prev.label, freshness))
    primary = None
    if current:
        primary = "nps" if "nps" in current and current["nps"].n >= MIN_N_SHARE else \
            max(current, key=lambda k: current[k].n)

    distribution, middle_sentences, moves, band_sentences = (), [], [], []
    chart_list: list[ChartSpec | None] = []
    themes_neg, themes_pos, middle = (), (), ()
    if primary:
        cur, before = current[primary], previous[primary]
        distribution = sections.band_figures(cur, p.label, freshness)
        chart_list.append(pack_charts.distribution_chart(cur, p.label, freshness))
        if before is not None:
            band_sentences, moves = _band_moves(primary, before, cur)
            middle_sentences += band_sentences
            from vocsrc.middle import compare_ranges

            cmp = compare_ranges(con, f_prev, f_cur, primary, prev.label, p.label)
            chart_list.append(pack_charts.migration_chart(cmp.migration, primary, prev.label, p.label,
                                                          before.n, cur.n, freshness))
        middle_sentences += _step_sentences(con, base, primary, p.end)
        chart_list.append(pack_charts.trend_chart(con, base, primary, p, freshness))
        impacts = sections.theme_impacts(con, f_cur, primary, p.label, freshness)
        themes_neg = tuple(sorted((t for t in impacts if t.impact.value < 0), key=lambda t: t.impact.value)[:5])
        themes_pos = tuple(sorted((t for t in impacts if t.impact.value > 0), key=lambda t: -t.impact.value)[:5])
        chart_list.append(pack_charts.themes_chart([*themes_neg, *themes_pos], primary, p.label, freshness))
        middle = sections.middle_themes(con, f_cur, primary, p.label, freshness)

    complaints = sections.complaints_section(
        con, f_cur, f_prev, ((p.end - p.start).days + 1, (prev.end - prev.start).days + 1),
        p.label, prev.label, freshness, complaint_counts)
    chart_list.append(pack_charts.complaints_chart(complaints, prev.label, p.label, freshness))
    # 'Our customers' for this segment and period (available=False without a customer file). The
    # first call per store version builds the customer summary beside the store (about 7 s at 10M
    # rows, shared with the Customer base page); each pack after that adds about 0.1-0.2 s.
    customers = briefing_section(con, f_cur)

    changes = [h.sentence for h in headlines if h.significant]
    changes += [s for s, mv in zip(band_sentences, moves) if mv[3]]
    changes += [s for s in middle_sentences[len(band_sentences):] if "beyond noise" in s]
    if complaints:
        changes += [s for s in complaints.sentences if s.startswith("Complaints about")]
    if not changes:
        changes = [f"{NOTHING_CHANGED} between {prev.label} and {p.label}."]

    verbatims = ()
    if include_text:
        from vocsrc.briefing.verbatims import sample_verbatims

        verbatims = sample_verbatims(con, f_cur, seed=seed, total=verbatim_count)
    actions = list_actions(con, function)
    disagreements = sections.disagreement_counts(con, f_cur)
    if said := sections.describe_disagreements(disagreements):
        middle_sentences.append(said)
    questions = derive_questions(function, p.label, headlines, middle_sentences, moves, themes_neg, middle,
                                 complaints, disagreements, actions)
    notes = (
        "NPS intervals: adjusted Wald (Rocks 2016); shares: Wilson; changes: adjusted-Wald z for NPS and "
        "two-proportion z for shares, 95%. 'Within noise' means the change could be chance.",
        f"Figures from fewer than {MIN_N_SHARE} responses are marked as too few to rely on.",
        "Theme impact: the score among responses mentioning a theme minus the rest, Benjamini-Hochberg "
        "across themes. Each period holds different people: band moves describe the mix, not individuals.",
        "Comments are sampled evenly from good and bad scores across sources (seed "
        f"{seed}); personal data is redacted." if include_text else "Free text left out of this pack by request.",
    )
    return Pack(
        function=function, dimension=dimension, period=p.label, previous_period=prev.label,
        period_range=p.range_text, freshness=freshness, generated_for=today, seed=seed,
        include_text=include_text, metric=primary or "", headlines=tuple(headlines), distribution=distribution,
        middle_sentences=tuple(middle_sentences), changes=tuple(changes), themes_negative=themes_neg,
        themes_positive=themes_pos, middle_themes=middle, complaints=complaints, verbatims=verbatims,
        questions=questions, actions=actions, charts=tuple(c for c in chart_list if c is not None), notes=notes,
        customers=customers)


def shared_complaint_counts(con: duckdb.DuckDBPyConnection, period: str,
                            dimension: str = "function") -> dict[str, sections.ComplaintCounts] | None:
    """Complaint measures for every segment value in one pass (None if the complaints module
    cannot group by ``dimension``): pass each value's entry to ``build_pack``."""
    try:
        from vocsrc.complaints.queries import GROUPS
    except ImportError:
        return None
    if dimension not in GROUPS:
        return None
    p = parse_period(period)
    return sections.complaint_counts(con, Filters(date_from=p.start, date_to=p.end), dimension)
