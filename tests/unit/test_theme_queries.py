"""vocsrc.themes.queries on a real small demo store, checked against pandas computed here."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from vocsrc.filters import Filters
from vocsrc.stats import nps_adjusted_wald
from vocsrc.themes import queries as tq


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from vocsrc.demo_store import build_demo_store

    path = tmp_path_factory.mktemp("themes") / "voc.duckdb"
    build_demo_store(path, scale=0.05)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def frames(con):
    feedback = con.execute("SELECT * FROM feedback").df()
    scores = con.execute("SELECT text_hash, cx_label FROM text_scores").df()
    themes = con.execute("SELECT DISTINCT text_hash, theme FROM text_themes").df()
    return feedback, scores, themes


def _comments(feedback, scores, mask=None):
    rows = feedback[feedback["text"].notna()]
    if mask is not None:
        rows = rows[mask(rows)]
    return rows.merge(scores, on="text_hash", how="left")


def test_volume_by_function_matches_pandas(con, frames):
    feedback, scores, themes = frames
    got = tq.theme_volume(con, Filters(), "function").set_index(["theme", "group"])
    rows = _comments(feedback, scores)
    rows["group"] = rows["function"].fillna("(not given)")
    tagged = rows.merge(themes, on="text_hash")
    want = tagged.groupby(["theme", "group"]).agg(
        mentions=("text_hash", "size"), negative=("cx_label", lambda s: int((s == "negative").sum())),
        positive=("cx_label", lambda s: int((s == "positive").sum())), labelled=("cx_label", "count"))
    assert len(got) == len(want) > 10
    for col in ("mentions", "negative", "positive", "labelled"):
        assert got[col].to_dict() == want[col].astype("int64").to_dict(), col
    per_group = rows.groupby("group").size()
    assert (got["comments"] == per_group.reindex(got.index.get_level_values("group")).to_numpy()).all()
    assert got["share_negative"].between(0, 1).all()


def test_filters_and_quarters(con, frames):
    feedback, scores, themes = frames
    one = tq.theme_volume(con, Filters(function=("Billing",)), "quarter")
    assert set(one["group"]) <= {f"{y}-Q{q}" for y in range(2020, 2031) for q in range(1, 5)}
    rows = _comments(feedback, scores, lambda r: r["function"] == "Billing").merge(themes, on="text_hash")
    assert int(one["mentions"].sum()) == len(rows)
    everyone = tq.theme_volume(con, Filters(), None)
    assert set(everyone["group"]) == {"All"}
    assert int(everyone["mentions"].sum()) > int(one["mentions"].sum())
    assert tq.comment_count(con, Filters()) == int(feedback["text"].notna().sum())
    with pytest.raises(ValueError):
        tq.theme_volume(con, Filters(), "text")


def test_nps_impact_is_all_minus_without(con, frames):
    feedback, _, themes = frames
    got = tq.nps_impact(con, Filters()).set_index("theme")
    rated = feedback[feedback["nps"].notna()]

    def nps(part: pd.DataFrame) -> float:
        return 100.0 * ((part["nps"] >= 9).mean() - (part["nps"] <= 6).mean())

    assert len(got) >= 5
    for theme, row in got.iterrows():
        mentioning = set(themes.loc[themes["theme"] == theme, "text_hash"])
        inside = rated["text_hash"].isin(mentioning)
        assert row["n"] == int(inside.sum())
        assert row["impact"] == pytest.approx(nps(rated) - nps(rated[~inside]), abs=1e-9)
        assert row["nps_with"] == pytest.approx(nps(rated[inside]), abs=1e-9)
        assert row["low"] <= row["high"]
    # the interval is the two groups' adjusted-Wald gap (independent groups) scaled by the theme's share
    theme, row = next(iter(got.iterrows()))
    inside = rated["text_hash"].isin(set(themes.loc[themes["theme"] == theme, "text_hash"]))
    w, wo = rated[inside], rated[~inside]
    a = nps_adjusted_wald(int((wo["nps"] >= 9).sum()), int((wo["nps"] <= 6).sum()), len(wo))
    b = nps_adjusted_wald(int((w["nps"] >= 9).sum()), int((w["nps"] <= 6).sum()), len(w))
    share = len(w) / len(rated)
    se = (a.se_adj**2 + b.se_adj**2) ** 0.5
    assert row["low"] == pytest.approx(share * (b.nps_adj - a.nps_adj - 1.959964 * se), abs=1e-3)
    assert row["high"] == pytest.approx(share * (b.nps_adj - a.nps_adj + 1.959964 * se), abs=1e-3)


def test_balanced_verbatims(con):
    frame = tq.balanced_verbatims(con, Filters(), "refunds", per_side=3)
    neg, pos = (frame["side"] == "negative").sum(), (frame["side"] == "positive").sum()
    assert neg == pos == 3
    assert (frame.loc[frame["side"] == "negative", "sentiment"] <= -0.05).all()
    assert (frame.loc[frame["side"] == "positive", "sentiment"] >= 0.05).all()
    again = tq.balanced_verbatims(con, Filters(), "refunds", per_side=3)
    assert frame["text"].tolist() == again["text"].tolist()  # reproducible
    assert tq.balanced_verbatims(con, Filters(), "no_such_theme").empty


def test_discovery_sample_is_bounded_and_reproducible(con, frames):
    feedback, scores, _ = frames
    neg, pos = tq.discovery_sample(con, Filters(), per_side=200, seed=3)
    assert len(neg) == len(pos) == 200
    assert tq.discovery_sample(con, Filters(), per_side=200, seed=3) == (neg, pos)
    assert tq.discovery_sample(con, Filters(), per_side=200, seed=4)[0] != neg
    labels = _comments(feedback, scores).drop_duplicates("text_hash").set_index("text")["cx_label"]
    assert set(labels.reindex(neg)) == {"negative"}
    found = tq.suggest_themes(con, Filters(), n=10, per_side=500, exclude=("nobody",))
    assert 0 < len(found.candidates) <= 10 and "nobody" not in set(found.candidates["phrase"])
    assert found.candidates["z"].is_monotonic_decreasing
