"""Customer figures from the ``customer_answers`` rollup equal the plain query over ``feedback``,
and the rollup is left alone whenever it no longer matches the store."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from vocsrc import customers, rollup
from vocsrc.filters import Filters

FILTER_SETS = [
    Filters(),
    Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2026, 5, 31)),
    Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2026, 10, 31), function=("Billing",)),
    Filters(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 12, 31), function=("Deliveries", "Stores"),
            channel=("Web", "App")),
    # Not month-aligned: the count rollups cannot answer it, the per-answer one can.
    Filters(date_from=dt.date(2025, 3, 14), date_to=dt.date(2026, 2, 2)),
    Filters(date_from=dt.date(2025, 11, 9), date_to=dt.date(2026, 4, 20), region=("North",), kind=("survey",)),
    Filters(product=("no such product",)),
]


def _plain(con, *args, **kw):
    """The figures without the rollup, as a store without one gets them."""
    real = rollup.customers_current
    rollup.customers_current = lambda _con: False
    try:
        return customers.customer_view(con, *args, **kw)
    finally:
        rollup.customers_current = real


def _assert_same(con, filters: Filters, metric: str, by: str | None) -> None:
    fast = customers.customer_view(con, filters, metric, by)
    pd.testing.assert_frame_equal(fast, _plain(con, filters, metric, by))


class Spy:
    """A connection that remembers the SQL it ran."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.sql = con, []

    def execute(self, sql: str, params=None):
        self.sql.append(sql)
        return self.con.execute(sql, params)


@pytest.fixture(scope="module")
def con(demo_store):
    c = duckdb.connect(str(demo_store(0.1)), read_only=True)
    yield c
    c.close()


@pytest.fixture
def writable(demo_store, tmp_path):
    path = tmp_path / "voc.duckdb"
    shutil.copy(demo_store(0.1), path)
    c = duckdb.connect(str(path))
    yield c
    c.close()


def test_demo_store_has_a_current_customer_rollup(con):
    assert rollup.customers_current(con)
    spy = Spy(con)
    customers.customer_view(spy, FILTER_SETS[1], "nps", "function")
    [query] = [s for s in spy.sql if "per_customer" in s]
    assert "FROM customer_answers" in query and "FROM feedback" not in query


@pytest.mark.parametrize("filters", FILTER_SETS, ids=range(len(FILTER_SETS)))
@pytest.mark.parametrize("metric", customers.SCORED)
def test_rollup_figures_equal_the_plain_query(con, filters, metric):
    for by in ("function", "channel", None):
        _assert_same(con, filters, metric, by)


def test_summary_equal_both_ways(con):
    f = FILTER_SETS[2]
    fast_total, fast_groups = customers.customer_summary(con, f, "nps", "function")
    real = rollup.customers_current
    rollup.customers_current = lambda _con: False
    try:
        plain_total, plain_groups = customers.customer_summary(con, f, "nps", "function")
    finally:
        rollup.customers_current = real
    assert fast_total == plain_total and fast_total["customers"] > 0
    pd.testing.assert_frame_equal(fast_groups, plain_groups)


def test_period_grouping_reads_feedback(con):
    spy = Spy(con)
    customers.customer_view(spy, FILTER_SETS[1], "nps", "month")
    [query] = [s for s in spy.sql if "per_customer" in s]
    assert "FROM feedback" in query and "customer_answers" not in query


def _add_answers(con, rows: list[tuple]) -> None:
    """Answers (id, customer, received_at, nps, function) added as an import would."""
    for feedback_id, customer, at, nps, function in rows:
        con.execute("""INSERT INTO feedback (feedback_id, kind, source, customer_id, received_at, nps, function, channel,
                                             import_id)
                       VALUES (?, 'survey', 'demo', ?, ?, ?, ?, 'Web', 1)""", [feedback_id, customer, at, nps, function])


def test_an_import_makes_the_rollup_stale_until_refreshed(writable):
    f = Filters(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31))
    before = customers.customer_view(writable, f, "nps")
    # A new customer really happy in the period, a tie at the same moment for another, and an
    # undated answer: the stale rollup must not be read, and the rebuilt one must agree.
    _add_answers(writable, [("t-1", "NEW-1", dt.datetime(2026, 2, 3, 10), 10, "Billing"),
                            ("t-2", "NEW-2", dt.datetime(2026, 2, 4, 9), 3, "Stores"),
                            ("t-3", "NEW-2", dt.datetime(2026, 2, 4, 9), 10, "Claims"),
                            ("t-4", "NEW-2", None, 7, "Billing")])
    assert not rollup.customers_current(writable)
    stale = customers.customer_view(writable, f, "nps")
    assert stale.loc[stale["is_total"], "customers"].iloc[0] == before.loc[before["is_total"], "customers"].iloc[0] + 2
    pd.testing.assert_frame_equal(stale, _plain(writable, f, "nps"))
    rollup.refresh(writable)
    assert rollup.customers_current(writable)
    pd.testing.assert_frame_equal(customers.customer_view(writable, f, "nps"), stale)
    everything = Filters()
    _assert_same(writable, everything, "nps", "function")


def test_rollup_from_an_older_writer_is_not_used(writable):
    # An older version's refresh writes cube_state without the customer columns.
    writable.execute("CREATE OR REPLACE TABLE cube_state AS SELECT feedback_rows, scored_texts, cube_rows FROM cube_state")
    assert rollup.current(writable)
    assert not rollup.customers_current(writable)
    # So a writer rebuilds it (the CLI does after an import or rescore), and then it is used.
    assert rollup.outdated(writable)
    rollup.refresh(writable)
    assert not rollup.outdated(writable) and rollup.customers_current(writable)


def test_hash_collisions_turn_the_rollup_off(writable):
    writable.execute("UPDATE cube_state SET key_collisions = 1")
    assert not rollup.customers_current(writable)
