"""The customer-base figures in DuckDB SQL over the per-version summary (see summary.py).

Every figure starts from ``build_population``: the period's population (one customer each, with
their band, whether they were heard from, and whether they left) counted into the temp table
``cb_fine`` per combination of what the figures group by. Without feedback filters, or with values
of one dimension, that comes from the summary's timelines (``population_sql``, ``_by_value_sql``);
other filters take the general path, a group-by of the matching answers by customer. The page
reads ``cb_fine`` with ``page_aggregates`` (grouping sets) and ``respondents_against_base``, the
CLI with ``by_group``. Identifiers come only from the allow-lists here; values are bound."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.customer_base.summary import ALIAS, LONG_STANDING_YEARS, NO_DAY_BEFORE, STRETCH_DIMS
from vocsrc.filters import DIMENSIONS, Filters

BANDS = ("promoter", "passive", "detractor", "unheard")
BAND_LABELS = {"promoter": "Promoter (9-10)", "passive": "Passive (7-8)", "detractor": "Detractor (0-6)",
               "unheard": "Never heard from"}
TENURE_BANDS = ("<1 year", "1-3 years", "3-5 years", "5-8 years", "8+ years", "unknown")
GRAINS = ("month", "quarter")
_EPOCH = dt.date(1970, 1, 1)
_BAND = "CASE WHEN {nps} IS NULL THEN 3 WHEN {nps} >= 9 THEN 0 WHEN {nps} >= 7 THEN 1 ELSE 2 END::UTINYINT"
# The band and day of a latest answer packed as epoch_us * 16 + score (see summary.py, out.nps).
_UNPACKED = (_BAND.format(nps="(packed & 15)") + " AS band_code, "
             "date_diff('day', DATE '1970-01-01', make_timestamp(packed >> 4)::DATE)::INTEGER AS nps_day")

# Groupings a caller may ask for: the allow-list of SQL expressions over the population's columns.
GROUPS: dict[str, str] = {
    "all": "'all'",
    "band": "band_code",
    "segment": "coalesce(segment, 'unknown')",
    "tenure": "tenure_code",
    "region": "coalesce(region, 'unknown')",
}

@dataclass(frozen=True)
class Window:
    """The period a figure covers: from ``start`` to ``as_of``, both inclusive."""

    start: dt.date
    as_of: dt.date

    def describe(self) -> str:
        return f"{self.start} to {self.as_of}"


def window(cur: duckdb.DuckDBPyConnection, filters: Filters) -> Window | None:
    """The filter's dates, else the span of the feedback; None for a store with no feedback.
    ``cur`` is a summary cursor (see summary.summary_cursor), as for every function here."""
    lo, hi = cur.execute(f"SELECT first_feedback, last_feedback FROM {ALIAS}.meta").fetchall()[0]
    if lo is None and not (filters.date_from and filters.date_to):
        return None
    start = filters.date_from or lo
    as_of = filters.date_to or hi
    if filters.date_from and not filters.date_to and as_of < start:
        as_of = start
    return Window(start=min(start, as_of), as_of=as_of)


def feedback_condition(filters: Filters, alias: str = "a") -> tuple[str, list]:
    """Which answers count: every filter but the dates (the period is applied separately)."""
    return filters.with_(date_from=None, date_to=None).where(alias, date_column="received_at")


def build_population(cur: duckdb.DuckDBPyConnection, filters: Filters, by: str = "all") -> Window | None:
    """(Re)create the temp table ``cb_fine`` for these filters and return its window.

    ``cb_fine`` counts the population's customers (and sums their revenue, in cents) per combination of
    everything a figure groups or filters by: group, band, tenure, active, joined, lost, heard and
    days to leaving for Kaplan-Meier. One pass turns a million customers into a few thousand rows,
    and every figure is then a sum over those (materialising the million rows cost more than all
    the figures together)."""
    if by not in GROUPS:
        raise ValueError(f"cannot group customers by {by!r}; choose one of {', '.join(GROUPS)}")
    win = window(cur, filters)
    if win is None:
        return None
    found = _by_value_sql(cur, filters, win, by)
    if found is None:
        _, sql, params = population_sql(cur, filters, by)
        found = (f"""SELECT {GROUPS[by]} AS grp, band_code, tenure_code, active, joined, lost, heard, km_days,
                            count(*) AS n, sum(revenue_cents) AS revenue
                     FROM ({sql}) GROUP BY ALL""", params)
    # Sums of whole cents are exact, so no figure depends on the order rows are added in.
    cur.execute(f"CREATE OR REPLACE TEMP TABLE cb_fine AS {found[0]}", found[1])
    return win


def _columns(win: Window, by: str, band: str, nps_day: str, contact_day: str,
             per_customer: bool = True) -> tuple[str, list]:
    """Per customer, from integer days (see summary.py), the population query's columns: S = start,
    A = as_of; ``band``, ``nps_day`` and ``contact_day`` are the SQL for the customer's band code,
    latest NPS answer's day and latest contact's day. Without ``per_customer``, only what
    ``cb_fine`` counts (no revenue in pounds or tenure in years, which only medians need)."""
    start, as_of = day_number(win.start), day_number(win.as_of)
    keep = {"segment": "p.segment,", "region": "p.region,"}.get(by, "")
    # tenure_years < Y exactly when joined_day > A - ceil(365.25 Y), since days are whole.
    tenure_limits = [as_of - math.ceil(365.25 * y) for y in (1, 3, 5, LONG_STANDING_YEARS)]
    medians = f"""p.revenue, CASE WHEN p.joined_day > {NO_DAY_BEFORE} THEN (? - p.joined_day) / 365.25 END
                  AS tenure_years,""" if per_customer else ""
    sql = f"""{keep} {medians} p.revenue_cents, p.left_day > ? AS active, p.left_day BETWEEN ? AND ? AS lost,
              p.joined_day >= ? AS joined, {band} AS band_code, coalesce({contact_day} >= ?, false) AS heard,
              CASE WHEN p.joined_day = {NO_DAY_BEFORE} THEN 5 WHEN p.joined_day > ? THEN 0
                   WHEN p.joined_day > ? THEN 1 WHEN p.joined_day > ? THEN 2 WHEN p.joined_day > ? THEN 3
                   ELSE 4 END::UTINYINT AS tenure_code,
              CASE WHEN {band} < 3 AND {nps_day} >= ? THEN least(p.left_day, ?) - {nps_day} END AS km_days"""
    return sql, [*([as_of] if per_customer else []), as_of, start, as_of, start, start, *tenure_limits, start, as_of]


def _in_population(win: Window, filters: Filters) -> tuple[str, list]:
    """Customers who joined by 'as of' and had not left before the start (and, with a region
    filter, live there: region is a customer attribute too)."""
    sql, params = "p.joined_day <= ? AND p.left_day >= ?", [day_number(win.as_of), day_number(win.start)]
    if filters.region:
        sql += f" AND p.region IN ({', '.join('?' for _ in filters.region)})"
        params += list(filters.region)
    return sql, params


def population_sql(cur: duckdb.DuckDBPyConnection, filters: Filters,
                   by: str = "all", sample: bool = False) -> tuple[Window, str, list] | None:
    """The population query (one row per customer) and its parameters, or None without feedback.

    Text columns are selected only when grouping by them: at a million customers, carrying the
    segment along costs a fifth of the whole page. With ``sample``, only the summary's sample of
    customers (every k-th, see summary.SAMPLE_CUSTOMERS)."""
    win = window(cur, filters)
    if win is None:
        return None
    cb = ALIAS
    part = "_sample" if sample else ""
    _, dim_params = feedback_condition(filters)
    start, as_of = day_number(win.start), day_number(win.as_of)
    in_population, population_params = _in_population(win, filters)
    if dim_params:
        # The general path (any feedback filter; _by_value_sql covers values of one dimension):
        # find each touched customer's latest answer and whether they were heard from in one group-by.
        coded, coded_params = dims_condition(cur, filters)
        columns, columns_params = _columns(win, by, "coalesce(t.band_code, 3)::UTINYINT", "nps_day", "contact_day")
        sql = f"""WITH touched AS (
                      SELECT ck, max(packed) AS packed, max(contact_day) AS contact_day
                      FROM (SELECT ck, packed, NULL::INTEGER AS contact_day FROM {cb}.nps{part} a
                            WHERE day <= ? AND {coded}
                            UNION ALL
                            SELECT ck, NULL, day FROM {cb}.contacts{part} a
                            WHERE day BETWEEN ? AND ? AND {coded})
                      GROUP BY ck),
                  t AS (SELECT ck, {_UNPACKED}, contact_day FROM touched)
                  SELECT {columns} FROM {cb}.people{part} p LEFT JOIN t USING (ck)
                  WHERE {in_population}"""
        params = [as_of, *coded_params, start, as_of, *coded_params, *columns_params, *population_params]
    else:
        # The stretch in force at E (from_day < E <= to_day) holds each customer's latest answer and
        # latest contact before E: one scan, no join.
        columns, columns_params = _columns(win, by, "p.band_code", "p.nps_day", "p.contact_day")
        sql = f"""SELECT {columns} FROM {cb}.timeline{part} p
                  WHERE p.from_day <= ? AND p.to_day > ? AND {in_population}"""
        params = [*columns_params, as_of, as_of, *population_params]
    return win, sql, params


def _by_value_sql(cur: duckdb.DuckDBPyConnection, filters: Filters, win: Window, by: str) -> tuple[str, list] | None:
    """``cb_fine``'s query when the only feedback filter is on one dimension with a timeline per
    value (summary.STRETCH_DIMS), else None.

    Everyone in the population counts first as never heard from; then each customer with a
    stretch in force for a chosen value is taken out of that count and put back with their band
    and contact. With one value that is two scans and no join; with several, a customer's
    stretches for each value are combined first (latest answer by its packed time and score,
    as the general path picks it), where the general path groups every matching answer."""
    chosen = [(dim, getattr(filters, dim)) for dim in DIMENSIONS if getattr(filters, dim)]
    # Grouping by segment needs the segment, which the per-value timelines leave out to stay small.
    if len(chosen) != 1 or chosen[0][0] not in STRETCH_DIMS or by == "segment":
        return None
    dim, values = chosen[0]
    codes = [r[0] for r in cur.execute(
        f"SELECT code FROM {ALIAS}.dims WHERE dim = ? AND value IN ({', '.join('?' for _ in values)})",
        [dim, *values]).fetchall()]
    if not codes:
        return None  # the general path knows a value the data never holds matches nothing
    as_of = day_number(win.as_of)
    in_population, population_params = _in_population(win, filters)
    in_force = f"""{ALIAS}.timeline_{dim} p WHERE p.code IN ({', '.join('?' for _ in codes)})
                   AND p.from_day <= ? AND p.to_day > ? AND {in_population}"""
    in_force_params = [*codes, as_of, as_of, *population_params]
    if len(codes) == 1:
        touched = f"(SELECT * FROM {in_force})"
    else:
        touched = f"""(SELECT {_UNPACKED}, contact_day, joined_day, left_day, region, revenue_cents
                       FROM (SELECT max(p.nps_packed) AS packed, max(p.contact_day) AS contact_day,
                                    any_value(p.joined_day) AS joined_day, any_value(p.left_day) AS left_day,
                                    any_value(p.region) AS region, any_value(p.revenue_cents) AS revenue_cents
                             FROM {in_force} GROUP BY p.ck))"""
    unheard, unheard_params = _columns(win, by, "3::UTINYINT", "NULL::INTEGER", "NULL::INTEGER", False)
    heard, heard_params = _columns(win, by, "CASE WHEN s.sign = 1 THEN p.band_code ELSE 3 END::UTINYINT",
                                   "CASE WHEN s.sign = 1 THEN p.nps_day END",
                                   "CASE WHEN s.sign = 1 THEN p.contact_day END", False)
    sql = f"""SELECT {GROUPS[by]} AS grp, band_code, tenure_code, active, joined, lost, heard, km_days,
                     sum(sign)::BIGINT AS n, sum(sign * revenue_cents) AS revenue
              FROM (SELECT {unheard}, 1 AS sign FROM {ALIAS}.people p WHERE {in_population}
                    UNION ALL
                    SELECT {heard}, s.sign FROM {touched} p, (VALUES (1), (-1)) s(sign))
              GROUP BY ALL HAVING sum(sign) <> 0"""
    return sql, [*unheard_params, *population_params, *heard_params, *in_force_params]


def dims_condition(cur: duckdb.DuckDBPyConnection, filters: Filters, alias: str = "a") -> tuple[str, list]:
    """``feedback_condition`` for the summary's coded tables: each chosen value becomes its code
    (a value the data never holds matches nothing, as it would as text)."""
    parts, params = [], []
    for dim in DIMENSIONS:  # column names come only from this allow-list
        chosen = getattr(filters, dim)
        if not chosen:
            continue
        codes = [r[0] for r in cur.execute(
            f"SELECT code FROM {ALIAS}.dims WHERE dim = ? AND value IN ({', '.join('?' for _ in chosen)})",
            [dim, *chosen]).fetchall()]
        if not codes:
            return "false", []
        parts.append(f"{alias}.{dim}_code IN ({', '.join('?' for _ in codes)})")
        params.extend(codes)
    return " AND ".join(parts) or "true", params


def day_number(day: dt.date) -> int:
    """The summary's INTEGER day: days since 1970-01-01."""
    return (day - _EPOCH).days



# Sums over cb_fine, whose n counts customers.
_MEASURES = """coalesce(sum(n), 0)::BIGINT AS customers,
                   coalesce(sum(n) FILTER (WHERE active), 0)::BIGINT AS active,
                   coalesce(sum(n) FILTER (WHERE joined), 0)::BIGINT AS joined,
                   coalesce(sum(n) FILTER (WHERE lost), 0)::BIGINT AS lost,
                   coalesce(sum(revenue), 0)::DOUBLE / 100 AS revenue,
                   coalesce(sum(revenue) FILTER (WHERE active), 0)::DOUBLE / 100 AS revenue_active,
                   coalesce(sum(n) FILTER (WHERE active AND heard), 0)::BIGINT AS heard_active,
                   coalesce(sum(n) FILTER (WHERE band_code < 3), 0)::BIGINT AS with_nps,
                   coalesce(sum(n) FILTER (WHERE band_code = 0), 0)::BIGINT AS promoters,
                   coalesce(sum(n) FILTER (WHERE band_code = 1), 0)::BIGINT AS passives"""


def by_group(cur: duckdb.DuckDBPyConnection, by: str = "all") -> pd.DataFrame:
    """Per group of ``cb_fine`` (built with the same ``by``): customers, active, joined, lost,
    revenue, heard, promoters."""
    if by not in GROUPS:
        raise ValueError(f"cannot group customers by {by!r}; choose one of {', '.join(GROUPS)}")
    frame = cur.execute(f"""SELECT grp AS "group", {_MEASURES} FROM cb_fine GROUP BY grp ORDER BY 1""").df()
    labels = {"band": BANDS, "tenure": TENURE_BANDS}.get(by)
    if labels:  # codes come back in label order, since the frame is sorted by code
        frame["group"] = [labels[int(c)] for c in frame["group"]]
    return frame


def joins_and_leavers(cur: duckdb.DuckDBPyConnection, filters: Filters, win: Window,
                      grain: str = "month") -> pd.DataFrame:
    """Per period: customers at its end, joined in it and lost in it (from the customer file)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    cb = ALIAS
    region, params = "true", []
    if filters.region:
        region = f"region IN ({', '.join('?' for _ in filters.region)})"
        params = list(filters.region)
    frame = cur.execute(
        f"""SELECT day, sum(joined) AS joined, sum(lost) AS lost FROM {cb}.flows
            WHERE {region} AND day <= ? GROUP BY day ORDER BY day""", [*params, win.as_of]).df()
    freq = "M" if grain == "month" else "Q"
    periods = pd.period_range(win.start, win.as_of, freq=freq)
    days = pd.to_datetime(frame["day"])
    before = days < pd.Timestamp(win.start)
    # Everyone who joined or left before the window sets the opening count.
    opening = int(frame.loc[before, "joined"].sum() - frame.loc[before, "lost"].sum())
    inside = frame[~before].assign(period=pd.PeriodIndex(days[~before], freq=freq))
    out = (inside.groupby("period")[["joined", "lost"]].sum().reindex(periods, fill_value=0).astype(int))
    out["customers_at_end"] = opening + (out["joined"] - out["lost"]).cumsum()
    # "2026-Q1" and "2026-03", as every other page labels its periods (pandas writes "2026Q1")
    out.index = [str(p) if grain == "month" else f"{p.year}-Q{p.quarter}" for p in out.index]
    return out.rename_axis("period").reset_index()


def respondents_against_base(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Active customers heard from in the period against all active customers: value and tenure.

    Counts, means and the long-standing share are exact (from ``cb_fine``). Medians need each
    customer's value, so they come from the summary's sample of customers (all of them below
    about 100,000; above, every k-th customer key, about 50,000): close enough to compare groups,
    where reading every customer again would cost as much as all the other figures."""
    exact = cur.execute(
        """SELECT heard, grouping(heard) = 1 AS everyone, sum(n)::BIGINT AS customers,
                  sum(revenue)::DOUBLE / 100 / sum(n) AS mean_revenue,
                  sum(n) FILTER (WHERE tenure_code = 4) / sum(n) FILTER (WHERE tenure_code < 5) AS long_standing_share
           FROM cb_fine WHERE active GROUP BY GROUPING SETS ((heard), ())""").df()
    found = population_sql(cur, filters, "all", sample=True)
    medians = pd.DataFrame(columns=["heard", "everyone", "median_revenue", "median_tenure_years"])
    if found is not None:
        medians = cur.execute(
            f"""SELECT heard, grouping(heard) = 1 AS everyone, median(revenue) AS median_revenue,
                       median(tenure_years) AS median_tenure_years
                FROM ({found[1]}) WHERE active GROUP BY GROUPING SETS ((heard), ())""", found[2]).df()

    def name(row: dict) -> str:
        if row["everyone"]:
            return "All active customers"
        return "Heard from in the period" if row["heard"] else "Not heard from"

    sampled = {name(r): r for r in medians.to_dict("records")}
    rows = []
    for r in exact.to_dict("records"):
        m = sampled.get(name(r), {})
        rows.append({"group": name(r), "customers": int(r["customers"]), "mean_revenue": r["mean_revenue"],
                     "median_revenue": m.get("median_revenue"), "median_tenure_years": m.get("median_tenure_years"),
                     "long_standing_share": r["long_standing_share"]})
    order = {"Heard from in the period": 0, "Not heard from": 1, "All active customers": 2}
    frame = pd.DataFrame(rows, columns=["group", "customers", "mean_revenue", "median_revenue",
                                        "median_tenure_years", "long_standing_share"])
    return frame.sort_values("group", key=lambda g: g.map(order)).reset_index(drop=True)


def page_aggregates(cur: duckdb.DuckDBPyConnection) -> dict:
    """From ``cb_fine``: everyone, by band, by tenure, active customers by tenure x band, and
    Kaplan-Meier counts."""
    result = cur.execute(
        f"""SELECT grouping(band_code) AS gb, grouping(tenure_code) AS gt, grouping(km_days) AS gk,
                   band_code, tenure_code, km_days, lost AS km_left, {_MEASURES}
            FROM cb_fine
            GROUP BY GROUPING SETS ((), (band_code), (tenure_code), (tenure_code, band_code),
                                    (band_code, km_days, lost))
            ORDER BY band_code, tenure_code, km_days""")
    names = [d[0] for d in result.description]
    measures = names[7:]
    # Split in plain Python: a few thousand rows (mostly Kaplan-Meier days), where slicing one
    # frame five ways in pandas cost more than the query.
    parts: dict[tuple, list[tuple]] = {}
    for row in result.fetchall():
        parts.setdefault(row[:3], []).append(row)

    def frame(key: tuple, label: str | None = None, labels: tuple[str, ...] = (), code: int = 0) -> pd.DataFrame:
        rows = parts.get(key, [])
        groups = [label] * len(rows) if label else [labels[int(r[code])] for r in rows]
        out = pd.DataFrame([r[7:] for r in rows], columns=measures)
        out.insert(0, "group", groups)
        return out

    out = {"all": frame((1, 1, 1), "all"), "band": frame((0, 1, 1), labels=BANDS, code=3),
           "tenure": frame((1, 0, 1), labels=TENURE_BANDS, code=4)}
    active, revenue_active = names.index("active"), names.index("revenue_active")
    tb = [r for r in parts.get((0, 0, 1), []) if r[active] > 0]
    tenure_band = pd.DataFrame({"tenure_band": [TENURE_BANDS[int(r[4])] for r in tb],
                                "band": [BANDS[int(r[3])] for r in tb],
                                "customers": [int(r[active]) for r in tb],
                                "revenue": [float(r[revenue_active]) for r in tb]})
    tenure_band["tenure_customers"] = tenure_band.groupby("tenure_band")["customers"].transform("sum")
    tenure_band["share"] = tenure_band["customers"] / tenure_band["tenure_customers"]
    out["tenure_band"] = tenure_band
    customers = names.index("customers")
    km = [r for r in parts.get((0, 1, 0), []) if r[5] is not None]
    out["survival"] = pd.DataFrame({"band": [BANDS[int(r[3])] for r in km], "days": [int(r[5]) for r in km],
                                    "left_": [bool(r[6]) for r in km], "n": [int(r[customers]) for r in km]})
    return out


def unmatched(cur: duckdb.DuckDBPyConnection, filters: Filters, win: Window) -> dict:
    """Feedback whose customer id is not in the customer file: counted, never dropped."""
    cb = ALIAS
    dims, params = feedback_condition(filters)
    begin = dt.datetime.combine(win.start, dt.time())
    end = dt.datetime.combine(win.as_of + dt.timedelta(days=1), dt.time())
    rows, ids = cur.execute(
        f"""SELECT count(*), count(DISTINCT customer_id) FROM {cb}.unmatched a
            WHERE received_at >= ? AND received_at < ? AND {dims}""", [begin, end, *params]).fetchall()[0]
    no_id, customers = cur.execute(
        f"SELECT (SELECT feedback_without_id FROM {cb}.meta), (SELECT count(*) FROM {cb}.people)").fetchall()[0]
    return {"unmatched_rows": int(rows), "unmatched_ids": int(ids), "rows_without_id_in_store": int(no_id),
            "customers_on_file": int(customers)}
