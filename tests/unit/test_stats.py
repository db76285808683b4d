"""vocsrc.stats against the methodology note's worked examples, hand-worked
cases and properties that must hold for any counts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vocsrc import stats
from vocsrc.config import MIN_N_COMPARE, MIN_N_SHARE
from vocsrc.stats import (
    METRICS,
    benjamini_hochberg,
    bh_adjusted_pvalues,
    decompose_nps_change,
    describe_band_change,
    describe_nps_change,
    describe_share_change,
    headroom,
    mean_interval,
    nps_adjusted_wald,
    nps_change_test,
    nps_wald_margin,
    summarize,
    t_quantile,
    two_share_test,
    wilson,
)

# --- worked examples from shared/docs/methodology.md -----------------------


def test_wilson_worked_example() -> None:
    p, low, high = wilson(210, 300)
    assert round(100 * p, 1) == 70.0
    assert round(100 * low, 1) == 64.6
    assert round(100 * high, 1) == 74.9


def test_nps_worked_example() -> None:
    r = nps_adjusted_wald(180, 80, 400)  # 45% promoters, 20% detractors
    assert r.nps == pytest.approx(25.0)
    assert nps_wald_margin(180, 80, 400) == pytest.approx(7.5, abs=0.05)
    # The adjusted interval is a touch narrower and centred on NPS' = 24.8.
    assert r.margin == pytest.approx(7.5, abs=0.1)
    assert r.nps_adj == pytest.approx(100 * (180.75 - 80.75) / 403)
    assert r.low == pytest.approx(r.nps_adj - r.margin)


def test_nps_change_worked_example_is_not_significant() -> None:
    c = nps_change_test((180, 80, 400), (200, 70, 400))  # 45/20 then 50/17.5
    assert (c.a.nps, c.b.nps) == pytest.approx((25.0, 32.5))
    assert c.z == pytest.approx(1.39, abs=0.005)
    assert not c.significant
    assert c.low < 0 < c.high
    assert describe_nps_change(c) == "NPS rose 8 points, from 25 to 33, within noise."


def test_adjusted_wald_by_hand() -> None:
    # n' = 13, p' = 5.75/13, d' = 2.75/13
    r = nps_adjusted_wald(5, 2, 10)
    p, d = 5.75 / 13, 2.75 / 13
    assert r.se_adj == pytest.approx(100 * math.sqrt((p + d - (p - d) ** 2) / 13))
    assert r.nps == pytest.approx(30.0)


# --- Benjamini-Hochberg, worked by hand --------------------------------------

BH_P = [0.039, 0.001, 0.216, 0.041, 0.008, 0.06, 0.042, 0.205, 0.074, 0.212]
# Sorted: .001 .008 .039 .041 .042 .06 .074 .205 .212 .216; thresholds k/10 * .05
# are .005 .01 .015 ...: the last p under its threshold is rank 2 (.008 <= .01).
BH_ADJ = {0.001: 0.01, 0.008: 0.04, 0.039: 0.084, 0.041: 0.084, 0.042: 0.084,
          0.06: 0.1, 0.074: 0.074 * 10 / 7, 0.205: 0.216, 0.212: 0.216, 0.216: 0.216}


def test_benjamini_hochberg_hand_worked() -> None:
    assert benjamini_hochberg(BH_P, q=0.05) == [p in (0.001, 0.008) for p in BH_P]
    assert bh_adjusted_pvalues(BH_P) == pytest.approx([BH_ADJ[p] for p in BH_P])
    # At q = 0.09 (thresholds .009 .018 .027 .036 .045 ...) the step-up rule
    # reaches rank 5 (.042 <= .045) and takes .039 and .041, above their own, with it.
    assert sum(benjamini_hochberg(BH_P, q=0.09)) == 5


def test_benjamini_hochberg_edge_cases() -> None:
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([0.04]) == [True]
    assert benjamini_hochberg([0.04, 0.04]) == [True, True]
    assert benjamini_hochberg([0.04, 0.9]) == [False, False]


@given(st.lists(st.floats(0, 1), max_size=30), st.floats(0.001, 0.2))
def test_benjamini_hochberg_properties(ps: list[float], q: float) -> None:
    adj = bh_adjusted_pvalues(ps)
    assert all(a >= p - 1e-12 and a <= 1 for a, p in zip(adj, ps))
    flags = benjamini_hochberg(ps, q)
    # Never more discoveries than uncorrected testing; more with a looser q.
    assert sum(flags) <= sum(p <= q for p in ps)
    assert sum(flags) <= sum(benjamini_hochberg(ps, min(1.0, 2 * q)))


# --- other intervals -------------------------------------------------------


def test_t_quantile_matches_tables() -> None:
    assert t_quantile(0.975, 1) == pytest.approx(12.706, abs=1e-3)
    assert t_quantile(0.975, 9) == pytest.approx(2.262, abs=1e-3)
    assert t_quantile(0.975, 29) == pytest.approx(2.045, abs=1e-3)
    assert t_quantile(0.025, 9) == pytest.approx(-2.262, abs=1e-3)


def test_mean_interval_by_hand() -> None:
    m = mean_interval({1: 1, 3: 1, 5: 1})  # mean 3, sd 2, t(0.975, 2) = 4.303
    assert (m.mean, m.sd) == pytest.approx((3.0, 2.0))
    assert m.high - m.mean == pytest.approx(4.303 * 2 / math.sqrt(3), abs=1e-3)
    clipped = mean_interval({1: 1, 3: 1, 5: 1}, bounds=(1, 5))
    assert (clipped.low, clipped.high) == (1, 5)


def test_wilson_edges() -> None:
    assert wilson(0, 10)[1] == 0.0 and wilson(10, 10)[2] == 1.0
    assert math.isnan(wilson(0, 0)[0])
    with pytest.raises(ValueError):
        wilson(5, 3)


@given(st.integers(0, 5000), st.integers(1, 5000))
def test_wilson_contains_estimate(k: int, n: int) -> None:
    k = min(k, n)
    p, low, high = wilson(k, n)
    assert 0 <= low <= p <= high <= 1


@given(st.integers(1, 99), st.integers(1, 50))
def test_wilson_narrows_with_n(pct: int, scale: int) -> None:
    _, l1, h1 = wilson(pct * scale, 100 * scale)
    _, l2, h2 = wilson(pct * scale * 4, 400 * scale)
    assert h2 - l2 < h1 - l1


@given(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 2000))
def test_nps_interval_properties(p: int, d: int, passive: int) -> None:
    n = p + d + passive
    if n == 0:
        return
    r = nps_adjusted_wald(p, d, n)
    assert -100 <= r.low <= r.nps_adj <= r.high <= 100
    bigger = nps_adjusted_wald(4 * p, 4 * d, 4 * n)
    assert bigger.se_adj < r.se_adj


@given(st.tuples(*[st.integers(0, 300)] * 4), st.tuples(*[st.integers(0, 300)] * 4))
def test_decomposition_adds_up(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    keys = ("detractor_0_4", "detractor_5_6", "passive", "promoter")
    ca, cb = dict(zip(keys, a)), dict(zip(keys, b))
    if not sum(a) or not sum(b):
        return
    dec = decompose_nps_change(ca, cb)
    assert sum(bc.nps_effect for bc in dec.bands) == pytest.approx(dec.change.diff, abs=1e-9)
    assert sum(bc.change.diff for bc in dec.bands) == pytest.approx(0, abs=1e-9)
    for bc in dec.bands:
        assert bc.change.low <= bc.change.diff <= bc.change.high


def test_change_tests_are_antisymmetric() -> None:
    ab, ba = nps_change_test((180, 80, 400), (200, 70, 400)), nps_change_test((200, 70, 400), (180, 80, 400))
    assert ab.z == pytest.approx(-ba.z)
    s1, s2 = two_share_test(174, 300, 210, 300), two_share_test(210, 300, 174, 300)
    assert s1.z == pytest.approx(-s2.z) and s1.p_value == pytest.approx(s2.p_value)


def test_two_share_test_by_hand() -> None:
    # pooled p = 0.6, se = sqrt(.24 * 2/1000) = 0.02191; z = .04/.02191 = 1.826
    s = two_share_test(580, 1000, 620, 1000)
    assert s.z == pytest.approx(1.826, abs=1e-3)
    assert not s.significant
    assert two_share_test(500, 1000, 600, 1000).significant


# --- metric definitions and summaries --------------------------------------


def test_metric_bands_cover_each_scale_once() -> None:
    for m in METRICS.values():
        covered = [s for b in m.bands for s in b.scores]
        assert sorted(covered, key=str) == sorted(m.scores, key=str), m.key
        assert m.middle in m.band_keys
    assert stats.NPS.band_keys == ("detractor_0_4", "detractor_5_6", "passive", "promoter")
    assert stats.all_band_tones()  # a band name shared by two metrics has one tone


def test_summary_nps() -> None:
    dist = {10: 100, 9: 80, 8: 80, 7: 60, 6: 30, 5: 20, 3: 20, 0: 10}
    s = summarize("nps", dist)
    assert s.n == 400 and s.solid
    assert s.headline.value == pytest.approx(25.0) and s.headline.unit == "points"
    assert [b.count for b in s.bands] == [30, 50, 140, 180]
    assert sum(b.share.value for b in s.bands) == pytest.approx(1.0)
    assert s.really_happy is not None and s.really_happy.value == pytest.approx(0.45)
    assert s.mean == pytest.approx(sum(k * v for k, v in dist.items()) / 400)


@pytest.mark.parametrize(
    ("metric", "dist", "headline", "top"),
    [
        ("csat", {1: 5, 2: 5, 3: 10, 4: 40, 5: 40}, 0.8, 0.4),
        ("ces", {1: 10, 4: 10, 5: 30, 6: 30, 7: 20}, 0.8, 0.5),
        ("stars", {1: 10, 3: 10, 4: 40, 5: 40}, 4.0, 0.4),
    ],
)
def test_summary_headlines(metric: str, dist: dict[int, int], headline: float, top: float) -> None:
    s = summarize(metric, dist)
    assert s.headline.value == pytest.approx(headline)
    assert s.really_happy is not None and s.really_happy.value == pytest.approx(top)
    if metric == "stars":
        assert s.headlines[1].value == pytest.approx(0.8)  # % 4-5 beside the mean
        assert s.headline.low < 4.0 < s.headline.high


def test_summary_sentiment_and_small_n() -> None:
    dist, top = stats.sentiment_distribution([0.9, 0.6, 0.2, 0.0, -0.3, float("nan")])
    assert dist == {"negative": 1, "neutral": 1, "positive": 3} and top == 2
    s = summarize("sentiment", dist, top_box_count=top)
    assert s.headline.value == pytest.approx(0.6) and s.headlines[1].value == pytest.approx(0.2)
    assert not s.solid and s.n < MIN_N_SHARE and not s.headline.solid
    assert summarize("sentiment", dist).really_happy is None
    assert "too few" in stats.describe_summary(s)


def test_summary_rejects_scores_off_the_scale() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        summarize("csat", {0: 3})


def test_summary_of_nothing() -> None:
    s = summarize("nps", {})
    assert s.n == 0 and not s.solid and math.isnan(s.headline.value)


# --- headroom and sentences -----------------------------------------------


def test_headroom() -> None:
    h = headroom("nps", {"promoter": 180, "passive": 140, "detractor_5_6": 50, "detractor_0_4": 30}, 0.1)
    assert h.gain == pytest.approx(3.5)  # 14 passives of 400 move up: +3.5 points
    h56 = headroom("nps", {"promoter": 180, "passive": 140, "detractor_5_6": 50, "detractor_0_4": 30},
                   0.2, "detractor_5_6", "passive")
    assert h56.gain == pytest.approx(2.5)
    assert stats.describe_headroom(h).startswith("If 10% of passives became promoters, NPS would rise by 3.5 points")
    assert headroom("csat", {3: 50, 5: 50}, 0.5).gain == pytest.approx(25.0)


def test_sentences_are_honest() -> None:
    a = {"promoter": 450, "passive": 310, "detractor_5_6": 140, "detractor_0_4": 100}
    b = {"promoter": 520, "passive": 250, "detractor_5_6": 130, "detractor_0_4": 100}
    dec = decompose_nps_change(a, b)
    assert describe_band_change(dec.band("passive"), dec) == "Passives fell from 31% to 25%, beyond noise, mostly to promoters."
    assert describe_band_change(dec.band("detractor_5_6"), dec).endswith("within noise.")
    assert "beyond noise" in describe_nps_change(dec)
    assert describe_share_change(two_share_test(174, 300, 186, 300)) == (
        "62% of our customers were really happy, up from 58%; this change is within noise."
    )
    small = two_share_test(10, 20, 18, 20)
    assert "cannot tell" in describe_share_change(small) and str(MIN_N_COMPARE) in describe_share_change(small)
    assert "cannot tell" in describe_nps_change(nps_change_test((18, 8, 40), (25, 5, 40)))
    # A BH verdict overrides the single test's.
    assert "within noise" in describe_share_change(two_share_test(500, 1000, 600, 1000), significant=False)


def test_rounding_half_up_keeps_sentences_consistent() -> None:
    assert stats.round_half_up(32.5) == 33 and stats.round_half_up(-32.5) == -33
    assert stats.fmt_pct(0.004) == "<1%" and stats.fmt_pct(0.996) == ">99%"


def test_stats_has_no_pandas_or_streamlit() -> None:
    import ast
    from pathlib import Path

    for path in Path(stats.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("pandas", "streamlit", "numpy") for n in names), path
