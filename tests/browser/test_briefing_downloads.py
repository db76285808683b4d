"""Download the briefing pack in every format from the Briefing page in a real browser."""

from __future__ import annotations

import io
import zipfile

from tests.browser.conftest import ARTIFACTS, shot, wait_for_app

CHECKS = {
    "HTML": ("html", lambda b: b.lstrip().startswith(b"<!DOCTYPE html>") and b"data:image/png;base64," in b
             and b"<script" not in b),
    "PDF": ("pdf", lambda b: b.startswith(b"%PDF-") and b.rstrip().endswith(b"%%EOF")),
    "PowerPoint": ("pptx", lambda b: b.startswith(b"PK\x03\x04")
                   and any(n.startswith("ppt/slides/slide") for n in zipfile.ZipFile(io.BytesIO(b)).namelist())),
    "Markdown": ("md", lambda b: b.startswith(b"# ") and b"## Headlines" in b),
}


def test_download_every_format_from_the_briefing_page(page, app_url):
    page.goto(app_url)
    # A first start builds the demo store before any page shows.
    page.get_by_text("Responses and items").wait_for(timeout=180_000)
    wait_for_app(page)
    page.get_by_role("link", name="Briefing").first.click()
    wait_for_app(page)
    shot(page, "briefing")
    page.get_by_text("Questions to take back to your team").first.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    for label, (ext, check) in CHECKS.items():
        with page.expect_download(timeout=180_000) as info:
            page.get_by_role("button", name=label, exact=True).click()
        target = ARTIFACTS / f"briefing.{ext}"
        info.value.save_as(str(target))
        data = target.read_bytes()
        assert info.value.suggested_filename.endswith(f".{ext}")
        assert check(data), (label, data[:80])
