"""vocsrc.charts: valid specs, one colour per band everywhere, captions on
every chart, tooltips on every mark, fonts big enough for slides, PNG/SVG export."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from vocsrc import charts
from vocsrc.charts.style import LABEL_FONT, caption_lines
from vocsrc.stats import METRICS, footnote, summarize

CAPTION = footnote(1997, "Jan-Apr 2026", "adjusted Wald 95% interval", "2026-04-30")
NPS_DISTS = {
    "Jan 2026": {0: 30, 3: 40, 5: 60, 6: 70, 7: 100, 8: 90, 9: 110, 10: 100},
    "Feb 2026": {0: 5, 6: 4, 7: 5, 8: 3, 9: 3, 10: 2},  # n = 22: greyed
    "Mar 2026": {0: 20, 3: 30, 5: 50, 6: 50, 7: 80, 8: 70, 9: 140, 10: 130},
}


def nps_frame(periods: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        [dict(period=p, score=s, count=c) for p, d in NPS_DISTS.items() if not periods or p in periods
         for s, c in d.items()]
    )


def segment_frame() -> pd.DataFrame:
    rows = []
    for seg, vals in {"Billing": [20, 22, 35], "Claims": [5, -2, -8], "Branches": [30, 29, 31]}.items():
        for p, v in zip(["Jan", "Feb", "Mar"], vals):
            n = 25 if (seg, p) == ("Branches", "Feb") else 300
            m = 160 / math.sqrt(n)
            rows.append(dict(segment=seg, period=p, value=v, low=v - m, high=v + m, n=n,
                             signal="down" if (seg, p) == ("Claims", "Mar") else ""))
    return pd.DataFrame(rows)


def build_all() -> dict[str, Any]:
    summaries = {p: summarize("nps", d) for p, d in NPS_DISTS.items()}
    volume = pd.DataFrame([dict(month=m, kind=k, count=c)
                           for m in pd.date_range("2026-01-01", periods=3, freq="MS")
                           for k, c in (("survey", 900), ("review", 300), ("complaint", 120))])
    themes = pd.DataFrame(dict(theme=["Waiting", "Staff", "Price"], impact=[-6.2, 4.1, -1.0], n=[400, 300, 500],
                               low=[-9.0, 1.5, -3.9], high=[-3.4, 6.7, 1.9], significant=[True, True, False]))
    return {
        "distribution_over_time": charts.distribution_over_time(nps_frame(), "nps", CAPTION),
        "band_share_bars": charts.band_share_bars(summaries["Mar 2026"], CAPTION),
        "headline_trend": charts.headline_trend(charts.trend_frame(summaries), CAPTION),
        "segment_small_multiples": charts.segment_small_multiples(segment_frame(), CAPTION),
        "volume_by_month": charts.volume_by_month(volume, CAPTION),
        "migration_chart": charts.migration_chart(nps_frame(["Jan 2026", "Mar 2026"]), "nps", CAPTION),
        "theme_impact": charts.theme_impact(themes, CAPTION),
    }


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    return build_all()


@pytest.fixture(scope="module")
def specs(built: dict[str, Any]) -> dict[str, dict]:
    return {name: chart.to_dict() for name, chart in built.items()}  # to_dict validates against the schema


def walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def units(spec: dict) -> Iterator[dict]:
    """Every single-view spec (one with a mark)."""
    return (n for n in walk(spec) if "mark" in n)


def test_every_builder_is_covered(built: dict[str, Any]) -> None:
    public = {"distribution_over_time", "band_share_bars", "headline_trend", "segment_small_multiples",
              "volume_by_month", "migration_chart", "theme_impact"}
    assert set(built) == public


def test_caption_is_the_subtitle(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        title = spec["title"]
        assert title["text"], name
        assert title["subtitle"] == caption_lines(CAPTION), name
        assert " ".join(title["subtitle"]) == CAPTION


def test_fonts_are_readable_on_slides(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        cfg = spec["config"]
        assert cfg["axis"]["labelFontSize"] >= 12, name
        assert cfg["legend"]["labelFontSize"] >= 12, name
        assert spec["title"]["subtitleFontSize"] >= 12, name
        for unit in units(spec):
            mark = unit["mark"]
            if isinstance(mark, dict) and mark.get("type") == "text":
                assert mark.get("fontSize", 0) >= LABEL_FONT - 1, name


def test_every_mark_has_a_tooltip(specs: dict[str, dict]) -> None:
    for name, spec in specs.items():
        for unit in units(spec):
            assert "tooltip" in unit.get("encoding", {}), (name, unit["mark"])


def band_colours_in(spec: dict) -> dict[str, str]:
    """Label -> colour from every explicit scale whose domain is band labels."""
    labels = {b.label: b.key for m in METRICS.values() for b in m.bands}
    found: dict[str, str] = {}
    for node in walk(spec):
        scale = node.get("scale") if isinstance(node.get("scale"), dict) else None
        if scale and isinstance(scale.get("domain"), list) and isinstance(scale.get("range"), list):
            for label, colour in zip(scale["domain"], scale["range"]):
                if label in labels:
                    assert found.setdefault(label, colour) == colour
    return found


def test_band_colours_are_the_same_everywhere(specs: dict[str, dict]) -> None:
    labels = {b.label: b.key for m in METRICS.values() for b in m.bands}
    seen = 0
    for name, spec in specs.items():
        for label, colour in band_colours_in(spec).items():
            assert colour == charts.BAND_COLOURS[labels[label]], (name, label)
            seen += 1
    assert seen >= 12  # distribution, band bars and migration each carry all four NPS bands
    # A band name shared by metrics ("neutral", "negative", "positive") has one colour.
    for key in ("neutral", "negative", "positive"):
        colours = {dict(zip(charts.band_scale(m).domain, charts.band_scale(m).range))[m.band(key).label]
                   for m in METRICS.values() if key in m.band_keys}
        assert len(colours) == 1, key
    # The tones read bad -> good: detractor 0-4 and 5-6 differ, passives grey, promoters blue.
    c = charts.BAND_COLOURS
    assert len({c["detractor_0_4"], c["detractor_5_6"], c["passive"], c["promoter"]}) == 4
    assert c["unhappy"] == c["hard"] == c["detractor_0_4"] and c["happy"] == c["easy"] == c["promoter"]


@pytest.mark.parametrize("metric", ["csat", "ces", "stars", "sentiment"])
def test_other_metrics_draw(metric: str) -> None:
    m = METRICS[metric]
    df = pd.DataFrame([dict(period=p, band=b, count=10 + 5 * i + 3 * j)
                       for i, p in enumerate(["Q1", "Q2"]) for j, b in enumerate(m.band_keys)])
    charts.distribution_over_time(df, metric, CAPTION).to_dict()
    charts.migration_chart(df, metric, CAPTION).to_dict()
    dist = {s: 40 for s in m.scores}
    charts.band_share_bars(summarize(metric, dist), CAPTION).to_dict()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="caption"):
        charts.distribution_over_time(nps_frame(), "nps", " ")
    with pytest.raises(ValueError, match="exactly two periods"):
        charts.migration_chart(nps_frame(), "nps", CAPTION)
    with pytest.raises(ValueError, match="missing"):
        charts.headline_trend(pd.DataFrame({"period": ["a"], "value": [1]}), CAPTION)
    with pytest.raises(ValueError, match="no band"):
        charts.distribution_over_time(pd.DataFrame({"period": ["a"], "band": ["x"], "count": [1]}), "nps", CAPTION)


def test_png_and_svg_export(built: dict[str, Any], tmp_path) -> None:
    for name, chart in built.items():
        png = charts.chart_to_png(chart, scale=1)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        (tmp_path / f"{name}.png").write_bytes(png)
    svg = charts.chart_to_svg(built["band_share_bars"])
    assert svg.lstrip().startswith("<svg") and "Wilson" in svg


def test_charts_import_no_streamlit_and_vl_convert_lazily() -> None:
    import ast
    from pathlib import Path

    for path in Path(charts.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = [a.name for n in top_level if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in top_level if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] in ("streamlit", "vl_convert") for n in names), path


def test_migration_labels_have_room_right_of_their_arrows() -> None:
    from vocsrc.charts.bands import CHAR_PX, label_room
    from vocsrc.charts.style import WIDTH

    spec = charts.migration_chart(nps_frame(["Jan 2026", "Mar 2026"]), "nps", CAPTION).to_dict()
    layers = spec["layer"]
    x_max = layers[0]["encoding"]["x"]["scale"]["domain"][1]
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    for row in rows:
        # pixels between the arrow's right end and the plot's edge, against the label's width
        room = (x_max - row["right"]) / x_max * WIDTH
        assert room >= 14 + CHAR_PX * len(row["text"]), row["text"]
    assert label_room(0.37, "37% → 37%, within noise") > 0.5 > 0.37 + 0.08
    assert label_room(0.95, "x" * 200) == 1.0


def test_small_multiples_leave_thin_points_unlabelled() -> None:
    spec = json.dumps(charts.segment_small_multiples(segment_frame(), CAPTION).to_dict())
    assert "too few (n=" not in spec  # no label under each point: neighbours ran together
    assert '"n": 25' in spec and '"solid": false' in spec  # the thin point is still drawn hollow, n in its tooltip
    # the single trend keeps its labels: it has the room
    trend = charts.headline_trend(segment_frame()[lambda d: d["segment"] == "Branches"], CAPTION)
    assert "too few (n=" in json.dumps(trend.to_dict())
