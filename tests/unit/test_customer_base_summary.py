"""The customer base's precomputed summary against the general path on the demo store: every
figure, list and median the page reads from the summary equals what the store gives directly."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from vocsrc.customer_base import customer_base, customers_json
from vocsrc.customer_base.lists import contact_list, thank_list
from vocsrc.filters import Filters


def test_demo_precomputed_path_equals_the_group_by_path(demo_con):
    # Naming every kind forces the group-by path; it must agree with the 'next answer' shortcut.
    for filters in (Filters(), Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2026, 3, 15))):
        every_kind = filters.with_(kind=("survey", "review", "complaint"))
        for by in ("band", "tenure"):
            assert _rounded(customers_json(demo_con, filters, by)) == _rounded(customers_json(demo_con, every_kind, by))


@pytest.mark.parametrize("dim", ["kind", "source", "function", "channel", "product", "region"])
def test_demo_per_value_timelines_equal_the_group_by_path(demo_con, monkeypatch, dim):
    # Values of a dimension read their timelines (everyone unheard, then the customers they
    # touched put back); the general path groups the answers by customer. Every value alone, two
    # and all of them, three windows, the groupings and the page's survival and tenure-by-band
    # figures must agree.
    from vocsrc.customer_base import queries

    names = [r[0] for r in demo_con.execute(
        f"SELECT DISTINCT {dim} FROM feedback WHERE {dim} IS NOT NULL AND customer_id IS NOT NULL").fetchall()]
    windows = (Filters(), Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2026, 3, 15)),
               Filters(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30)))
    by_value = queries._by_value_sql
    assert len(names) >= 3
    for chosen in [(name,) for name in names] + [tuple(names[:2]), tuple(names)]:
        for base in windows:
            filters = base.with_(**{dim: chosen})
            assert by_value(*_population_args(demo_con, filters)) is not None
            got = {}
            for path, pick in (("timeline", by_value), ("group-by", lambda *args: None)):
                monkeypatch.setattr(queries, "_by_value_sql", pick)
                got[path] = ([_rounded(customers_json(demo_con, filters, by)) for by in ("band", "tenure", "region")],
                             customer_base(demo_con, filters))
            fast, slow = got["timeline"], got["group-by"]
            assert fast[0] == slow[0]
            assert fast[1].survival == slow[1].survival
            pd.testing.assert_frame_equal(fast[1].tenure_bands, slow[1].tenure_bands)
            assert fast[1].totals == pytest.approx(slow[1].totals)


def _population_args(con, filters):
    from vocsrc.customer_base import queries
    from vocsrc.customer_base.summary import summary_cursor

    cur = summary_cursor(con)
    return cur, filters, queries.window(cur, filters), "all"


def _rounded(rows: list[dict]) -> list[dict]:
    # Sums of revenue may add up in a different order on the two paths.
    return [{k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2026, 3, 15)),
    Filters(function=("Deliveries",)),
    Filters(channel=("Phone",), date_to=dt.date(2026, 6, 30)),
])
def test_demo_lists_from_the_summary_equal_the_lists_from_the_store(demo_con, monkeypatch, filters):
    from vocsrc.customer_base import lists

    fast = (contact_list(demo_con, filters), thank_list(demo_con, filters))
    monkeypatch.setattr(lists, "_remarks_cover", lambda *args: False)
    slow = (contact_list(demo_con, filters), thank_list(demo_con, filters))
    for a, b in zip(fast, slow):
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)


def test_remarks_cover_only_the_standing_and_dates_the_summary_kept():
    from vocsrc.customer_base.lists import _remarks_cover

    joined_by = dt.date(2018, 10, 31)  # last feedback 2026-10-31, minus 8 years (2,922 days)
    assert _remarks_cover(joined_by, dt.date(2026, 10, 31), 8)
    assert _remarks_cover(joined_by, dt.date(2026, 1, 31), 10)
    assert not _remarks_cover(joined_by, dt.date(2026, 11, 30), 8)  # 'as of' after the last feedback
    assert not _remarks_cover(joined_by, dt.date(2026, 10, 31), 5)
    assert not _remarks_cover(None, dt.date(2026, 10, 31), 8)


def test_demo_respondent_medians_are_exact_below_the_sample_size(demo_con):
    from vocsrc.customer_base import queries
    from vocsrc.customer_base.summary import summary_cursor

    for filters in (Filters(date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30)),
                    Filters(function=("Deliveries",), date_to=dt.date(2026, 6, 30))):
        got = customer_base(demo_con, filters).respondents.set_index("group")
        cur = summary_cursor(demo_con)
        win, sql, params = queries.population_sql(cur, filters)
        exact = cur.execute(
            f"""SELECT CASE WHEN grouping(heard) = 1 THEN 'All active customers'
                            WHEN heard THEN 'Heard from in the period' ELSE 'Not heard from' END,
                       count(*), median(revenue), median(tenure_years)
                FROM ({sql}) WHERE active GROUP BY GROUPING SETS ((heard), ())""", params).fetchall()
        cur.close()
        assert len(exact) == 3
        for group, customers, revenue, tenure in exact:
            assert got.loc[group, "customers"] == customers
            assert got.loc[group, "median_tenure_years"] == pytest.approx(tenure, abs=1e-9)
            assert got.loc[group, "median_revenue"] == pytest.approx(revenue, abs=1e-9)


def test_demo_respondent_medians_from_a_sample_stay_close_and_counts_stay_exact(demo_con, tmp_path, monkeypatch):
    from vocsrc.customer_base import queries, summary

    filters = Filters(date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    exact = customer_base(demo_con, filters).respondents
    monkeypatch.setattr(summary, "SAMPLE_CUSTOMERS", 1_500)
    path = tmp_path / "sampled.duckdb"
    summary._build(demo_con, path)
    cur = duckdb.connect()
    cur.execute(f"ATTACH '{path}' AS {summary.ALIAS} (READ_ONLY)")
    every, people, sampled_people = cur.execute(
        f"""SELECT (SELECT sample_every FROM {summary.ALIAS}.meta), (SELECT count(*) FROM {summary.ALIAS}.people),
                   (SELECT count(*) FROM {summary.ALIAS}.people_sample)""").fetchall()[0]
    assert every == people // 1_500 > 1 and sampled_people == pytest.approx(people / every, rel=0.05)
    queries.build_population(cur, filters)
    sampled = queries.respondents_against_base(cur, filters)
    cur.close()
    assert list(sampled["customers"]) == list(exact["customers"])
    assert list(sampled["mean_revenue"]) == list(exact["mean_revenue"])
    pairs = [(s, e) for column in ("median_revenue", "median_tenure_years")
             for s, e in zip(sampled[column], exact[column])]
    assert all(abs(s - e) <= 0.15 * e for s, e in pairs)
    assert any(s != e for s, e in pairs)  # the sample was used


def test_demo_filter_codes_match_the_text_values(demo_con):
    # The summary filters on integer codes: naming every function is the same as naming none,
    # and a value the data never holds leaves everyone unheard.
    functions = tuple(r[0] for r in demo_con.execute(
        "SELECT DISTINCT function FROM feedback WHERE function IS NOT NULL AND customer_id IS NOT NULL").fetchall())
    with_ids = Filters(date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    everyone = customers_json(demo_con, with_ids, "band")
    named = customers_json(demo_con, with_ids.with_(function=functions), "band")
    assert demo_con.execute("SELECT count(*) FROM feedback WHERE function IS NULL AND customer_id IS NOT NULL"
                        ).fetchall()[0][0] == 0  # so naming every function names every answer
    assert _rounded(named) == _rounded(everyone)
    nobody = customers_json(demo_con, with_ids.with_(function=("No such function",)), "band")
    assert [r["group"] for r in nobody] == ["unheard"] and nobody[0]["heard_share"] == 0
    assert nobody[0]["customers"] == sum(r["customers"] for r in everyone)


def test_demo_list_heads_are_the_first_rows_of_the_full_lists(demo_con):
    from vocsrc.customer_base.lists import heads

    filters = Filters(date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    shown = heads(demo_con, filters, days=180, limit=25)
    for name, full in (("contact", contact_list(demo_con, filters, days=180)), ("thank", thank_list(demo_con, filters, days=180))):
        assert shown[name].total == len(full) > 25
        pd.testing.assert_frame_equal(shown[name].rows, full.head(25))


def test_demo_page_call_gives_the_figures_and_list_heads_of_the_separate_calls(demo_con):
    from vocsrc.customer_base.figures import page
    from vocsrc.customer_base.lists import heads

    filters = Filters(function=("Deliveries",), date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    cb, shown = page(demo_con, filters, "month", days=180, limit=30)
    alone = customer_base(demo_con, filters, "month")
    assert cb.totals == alone.totals
    pd.testing.assert_frame_equal(cb.by_band, alone.by_band)
    for name, head in heads(demo_con, filters, days=180, limit=30).items():
        assert shown[name].total == head.total > 0
        pd.testing.assert_frame_equal(shown[name].rows, head.rows)


def test_summary_build_reports_each_step_in_order(demo_con, tmp_path):
    from vocsrc.customer_base import summary

    heard: list[tuple[float, str]] = []
    summary._build(demo_con, tmp_path / "summary.duckdb", lambda f, m: heard.append((f, m)))
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1.0
    assert len(heard) == 7 + len(summary.STRETCH_DIMS)
    assert any(m.endswith("timeline by function") for _, m in heard)
    cur = duckdb.connect()
    cur.execute(f"ATTACH '{tmp_path / 'summary.duckdb'}' AS s (READ_ONLY)")
    tables = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 's'").fetchall()}
    cur.close()
    assert {f"timeline_{d}" for d in summary.STRETCH_DIMS} <= tables
