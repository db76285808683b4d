"""One palette, one band order, one look for every chart.

Colours come from Okabe & Ito's colour-blind-safe set. A band's colour follows
its tone (see ``vocsrc.stats.metrics``), so detractors 0-4, unhappy CSAT, hard
CES and 1-2 star reviews are the same vermillion on every page and slide, and
"good" is always the same blue. Red/green is never used to mean bad/good.
"""

from __future__ import annotations

import textwrap

import altair as alt

from vocsrc.stats.metrics import Metric, Tone, all_band_tones, get_metric

TONE_COLOURS: dict[Tone, str] = {
    "very_bad": "#D55E00",  # Okabe-Ito vermillion
    "bad": "#E69F00",  # Okabe-Ito orange: lighter, so 5-6 reads as "less bad"
    "middle": "#BBBBBB",  # neutral grey: the middle is neither good nor bad
    "good": "#0072B2",  # Okabe-Ito blue
}
# Text drawn on top of a band's colour: white on the dark ones, near-black otherwise.
TONE_TEXT: dict[Tone, str] = {"very_bad": "white", "bad": "#222222", "middle": "#222222", "good": "white"}

BAND_COLOURS: dict[str, str] = {band: TONE_COLOURS[tone] for band, tone in all_band_tones().items()}

# Feedback kinds are not good or bad, so they take the Okabe-Ito colours the
# bands do not use; an unknown kind falls back to black, then a dark grey.
KIND_COLOURS: dict[str, str] = {"survey": "#009E73", "review": "#CC79A7", "complaint": "#56B4E9"}
EXTRA_KIND_COLOURS = ("#000000", "#666666", "#F0E442")

POSITIVE = TONE_COLOURS["good"]
NEGATIVE = TONE_COLOURS["very_bad"]
NOT_SOLID = "#9A9A9A"  # greyed-out figures from too few responses
INTERVAL_FILL = "#0072B2"  # interval bands: the good blue, faded by opacity

LABEL_FONT = 12  # readable on a projected slide; the brief's floor
TITLE_FONT = 13
WIDTH = 560
CAPTION_WRAP = 95  # characters per subtitle line before wrapping


def band_scale(metric: str | Metric) -> alt.Scale:
    """Colour scale over a metric's band labels, in the fixed band order."""
    m = get_metric(metric)
    return alt.Scale(domain=[b.label for b in m.bands], range=[BAND_COLOURS[b.key] for b in m.bands])


def kind_scale(kinds: list[str]) -> alt.Scale:
    extra = iter(EXTRA_KIND_COLOURS * (1 + len(kinds)))
    return alt.Scale(domain=kinds, range=[KIND_COLOURS.get(k) or next(extra) for k in kinds])


def caption_lines(caption: str) -> list[str]:
    return textwrap.wrap(caption, CAPTION_WRAP) or [""]


def finish(chart: alt.TopLevelMixin, title: str, caption: str) -> alt.TopLevelMixin:
    """Title, caption as subtitle (so an exported PNG carries n, period, method),
    and the shared fonts. Call last: configured charts cannot be layered again."""
    if not caption or not caption.strip():
        raise ValueError("every chart needs a caption (n, period, method)")
    # Fit the width only: with Streamlit's default "fit" the title, caption and legend
    # eat into the given height and a four-row chart shrinks to a strip. Facets and
    # concatenations cannot fit at all, so they keep their natural size.
    composite = isinstance(chart, (alt.FacetChart, alt.ConcatChart, alt.HConcatChart, alt.VConcatChart))
    autosize = alt.AutoSizeParams(type="pad" if composite else "fit-x", contains="padding")
    return (
        chart.properties(
            autosize=autosize,
            title=alt.TitleParams(
                text=title, subtitle=caption_lines(caption), anchor="start",
                fontSize=16, subtitleFontSize=LABEL_FONT, subtitleColor="#444444", offset=12,
            )
        )
        # configure() replaces the whole config, so it must come before the rest.
        .configure(padding=16, background="white")
        .configure_axis(labelFontSize=LABEL_FONT, titleFontSize=TITLE_FONT, gridColor="#EEEEEE")
        .configure_legend(labelFontSize=LABEL_FONT, titleFontSize=TITLE_FONT, symbolSize=140)
        .configure_header(labelFontSize=TITLE_FONT, titleFontSize=TITLE_FONT)
        .configure_view(stroke=None)
    )
