"""The five metrics as data: scale, bands in a fixed order, headline, top box.

Everything else (summaries, charts, sentences) reads these definitions, so a
band's name, label, order and tone are decided here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vocsrc.sentiment.textscore import NEG_THRESHOLD, POS_THRESHOLD
from vocsrc.sentiment.textscore import label as sentiment_label  # noqa: F401  (re-exported by vocsrc.stats)

# A band's tone drives its colour in every chart: the palette maps tone ->
# colour, so "bad" is the same orange on the NPS, CSAT and CES pages.
Tone = Literal["very_bad", "bad", "middle", "good"]

# VADER authors' thresholds for labelling a compound score (methodology note): the ones
# scoring uses (textscore.py), whose label() is sentiment_label here
SENTIMENT_POSITIVE_AT = POS_THRESHOLD
SENTIMENT_NEGATIVE_AT = NEG_THRESHOLD
# "Really happy" text: there is no published cut-off, so we take 0.5, the
# midpoint of the positive range; it keeps roughly the clearly enthusiastic
# comments ("love it, brilliant staff") and drops the merely polite
# ("fine, thanks"). Change it here, and the label says so everywhere.
SENTIMENT_TOP_BOX_AT = 0.5


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    scores: tuple[int | str, ...]
    tone: Tone


@dataclass(frozen=True)
class Metric:
    """One metric: its scale, its bands (fixed order, worst first) and headline.

    ``headline`` is one of:
    - "nps": % top band minus % detractor bands, in points (-100..+100);
    - "share": share of ``headline_bands``;
    - "mean_and_share": the mean score, then the share of ``headline_bands``.
    ``top_box`` holds the "really happy" scores (empty for sentiment, whose top
    box is a compound threshold, see ``SENTIMENT_TOP_BOX_AT``).
    """

    key: str
    label: str
    scores: tuple[int | str, ...]
    bands: tuple[Band, ...]
    middle: str
    headline: Literal["nps", "share", "mean_and_share"]
    headline_label: str
    headline_bands: tuple[str, ...]
    top_box: tuple[int | str, ...]
    top_box_label: str
    numeric: bool = True

    def band_of(self, score: int | str) -> str:
        for band in self.bands:
            if score in band.scores:
                return band.key
        raise ValueError(f"{self.key}: score {score!r} is outside the scale {self.scores[0]}..{self.scores[-1]}")

    def band(self, key: str) -> Band:
        for band in self.bands:
            if band.key == key:
                return band
        raise KeyError(f"{self.key} has no band {key!r}; bands are {[b.key for b in self.bands]}")

    @property
    def band_keys(self) -> tuple[str, ...]:
        return tuple(b.key for b in self.bands)


def _r(lo: int, hi: int) -> tuple[int, ...]:
    return tuple(range(lo, hi + 1))


NPS = Metric(
    key="nps",
    label="Net Promoter Score",
    scores=_r(0, 10),
    bands=(
        # Detractors are split: 5-6 scorers are much easier to move than 0-4.
        Band("detractor_0_4", "Detractors (0-4)", _r(0, 4), "very_bad"),
        Band("detractor_5_6", "Detractors (5-6)", _r(5, 6), "bad"),
        Band("passive", "Passives (7-8)", _r(7, 8), "middle"),
        Band("promoter", "Promoters (9-10)", _r(9, 10), "good"),
    ),
    middle="passive",
    headline="nps",
    headline_label="NPS",
    headline_bands=("promoter",),
    top_box=_r(9, 10),
    top_box_label="9-10",
)

CSAT = Metric(
    key="csat",
    label="Customer satisfaction (CSAT)",
    scores=_r(1, 5),
    bands=(
        Band("unhappy", "Unhappy (1-2)", _r(1, 2), "very_bad"),
        Band("neutral", "Neutral (3)", (3,), "middle"),
        Band("happy", "Happy (4-5)", _r(4, 5), "good"),
    ),
    middle="neutral",
    headline="share",
    headline_label="CSAT (% scoring 4-5)",
    headline_bands=("happy",),
    top_box=(5,),
    top_box_label="5 out of 5",
)

# CES 2.0 only ("made it easy for me", agree = good). CES 1.0 asked about
# effort with low = good; the two must never be mixed, so there is no 1.0 here.
CES = Metric(
    key="ces",
    label="Customer effort (CES 2.0)",
    scores=_r(1, 7),
    bands=(
        Band("hard", "Hard (1-3)", _r(1, 3), "very_bad"),
        Band("neutral", "Neutral (4)", (4,), "middle"),
        Band("easy", "Easy (5-7)", _r(5, 7), "good"),
    ),
    middle="neutral",
    headline="share",
    headline_label="CES (% finding it easy, 5-7)",
    headline_bands=("easy",),
    top_box=_r(6, 7),
    top_box_label="6-7",
)

STARS = Metric(
    key="stars",
    label="Review stars",
    scores=_r(1, 5),
    bands=(
        Band("negative", "Negative (1-2 stars)", _r(1, 2), "very_bad"),
        Band("middle", "Middle (3 stars)", (3,), "middle"),
        Band("positive", "Positive (4-5 stars)", _r(4, 5), "good"),
    ),
    middle="middle",
    headline="mean_and_share",
    headline_label="Mean stars",
    headline_bands=("positive",),
    top_box=(5,),
    top_box_label="5 stars",
)

SENTIMENT = Metric(
    key="sentiment",
    label="Text sentiment (VADER)",
    scores=("negative", "neutral", "positive"),
    bands=(
        Band("negative", "Negative", ("negative",), "very_bad"),
        Band("neutral", "Neutral", ("neutral",), "middle"),
        Band("positive", "Positive", ("positive",), "good"),
    ),
    middle="neutral",
    headline="share",
    headline_label="% positive comments",
    headline_bands=("positive",),
    top_box=(),
    top_box_label=f"compound >= {SENTIMENT_TOP_BOX_AT}",
    numeric=False,
)

METRICS: dict[str, Metric] = {m.key: m for m in (NPS, CSAT, CES, STARS, SENTIMENT)}


def get_metric(key: str | Metric) -> Metric:
    if isinstance(key, Metric):
        return key
    try:
        return METRICS[key]
    except KeyError:
        raise ValueError(f"unknown metric {key!r}; known: {', '.join(METRICS)}") from None


def all_band_tones() -> dict[str, Tone]:
    """Band key -> tone across every metric; a shared key has one tone."""
    tones: dict[str, Tone] = {}
    for metric in METRICS.values():
        for band in metric.bands:
            if tones.setdefault(band.key, band.tone) != band.tone:
                raise AssertionError(f"band {band.key!r} has two tones")
    return tones
