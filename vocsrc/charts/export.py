"""PNG and SVG export through vl-convert, which runs Vega offline (no browser)."""

from __future__ import annotations

import altair as alt


def _vl_version() -> str | None:
    import vl_convert as vlc

    # Render with the Vega-Lite version Altair wrote the spec for, if bundled.
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def chart_to_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """PNG bytes; scale 2 is sharp enough for a slide. vl_convert is imported
    here, not at module load, so pages that only show charts never pay for it."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), vl_version=_vl_version(), scale=scale)


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())
