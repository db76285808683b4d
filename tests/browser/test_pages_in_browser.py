"""Click through every page in a real browser, upload a sample export, download rejected rows."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, shot, wait_for_app
from tests.conftest import ROOT

PAGES = ["Overview", "Move the middle", "Score versus text", "Segments", "Customers", "Customer base", "Themes", "Complaints", "Briefing", "Data", "Method"]


def _goto(page, app_url, title: str) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name=title).first.click()
    wait_for_app(page)


def test_first_start_builds_demo_and_every_page_renders(page, app_url):
    # The very first request is a page's own URL: it must still go through app.py
    # (first-start demo build with a progress bar, the sidebar filters, the navigation).
    page.goto(app_url + "/segments")
    page.get_by_role("heading", name="Segments").wait_for(timeout=180_000)
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Filters").count() == 1
    assert sidebar.get_by_role("link", name="Move the middle").count() == 1
    assert sidebar.get_by_role("link", name="app").count() == 0
    shot(page, "segments_by_url")
    page.goto(app_url)
    page.get_by_text("Responses and items").wait_for(timeout=60_000)
    wait_for_app(page)
    shot(page, "overview")
    for title in PAGES[1:]:
        _goto(page, app_url, title)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        shot(page, title.lower().replace(" ", "_"))


def test_upload_sample_and_download_rejected_rows(page, app_url):
    _goto(page, app_url, "Data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(ROOT / "data" / "sample_reviews.csv"))
    page.get_by_text("Which column fills each field?").wait_for()
    wait_for_app(page)
    page.get_by_role("button", name="Import").click()
    page.get_by_text("rows added").wait_for(timeout=120_000)
    wait_for_app(page)
    shot(page, "data_after_upload")
    assert page.locator('[data-testid="stException"]').count() == 0
    with page.expect_download() as info:
        page.get_by_role("button", name="Download rejected rows (CSV)").click()
    target = ARTIFACTS / "rejected_rows.csv"
    info.value.save_as(str(target))
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("import_id,file_name,line,column,reason")
    assert "sample_reviews.csv" in text
