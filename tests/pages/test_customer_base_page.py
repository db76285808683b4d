"""The Customer base page on the demo store: renders, follows the filters, exports safe CSV."""

from __future__ import annotations

import duckdb
import pytest

from tests.pages.conftest import metric_value, open_page

PAGE = "pages/customer_base.py"


@pytest.fixture
def downloads(monkeypatch):
    """What each download button would hand the browser (AppTest keeps it in a throwaway runtime)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, (bytes, str)):
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            seen.append((filename or "", data))
        return original(self, path_or_data, mimetype, kind, filename)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        # A deferred download runs when clicked: run it now, as the click would.
        data = data_callable()
        seen.append((file_name or "", data.encode() if isinstance(data, str) else data))
        return original_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    original_deferred = MediaFileManager.add_deferred
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return seen


def test_page_renders_every_section(store):
    at = open_page(PAGE)
    assert at.title[0].value == "Customer base"
    assert int(metric_value(at, "Active customers").replace(",", "")) > 1000
    subheaders = [s.value for s in at.main.subheader]
    assert subheaders == ["Do the customers we hear from look like the base?", "Experience and value",
                          "Loyalty and tenure"]
    captions = " ".join(c.value for c in at.caption)
    assert "n = " in captions and "Wilson" in captions and "association, not cause" in captions
    assert "matches the customer file" in captions  # the demo has no unmatched ids; see the unit tests
    specs = " ".join(str(c.proto) for c in at.get("vega_lite_chart"))
    assert all(t in specs for t in ("Customers joining and leaving", "Customers lost in the period, by band",
                                    "Still customers", "Greenwood"))
    # the demo's window starts and ends inside a quarter: those are labelled and named as partial
    assert "2024-Q4 (partial)" in specs and "2026-Q4 (partial)" in specs and "are partial" in specs


def test_region_filter_changes_the_figures(store):
    everyone = open_page(PAGE)
    con = duckdb.connect(str(store), read_only=True)
    region = con.execute("SELECT region FROM customers GROUP BY 1 ORDER BY count(*) LIMIT 1").fetchone()[0]
    expected = con.execute("SELECT count(*) FROM customers WHERE region = ? AND left_at IS NULL", [region]).fetchone()[0]
    con.close()
    one = open_page(PAGE, region=[region])
    shown = int(metric_value(one, "Active customers").replace(",", ""))
    assert shown != int(metric_value(everyone, "Active customers").replace(",", ""))
    # Nobody in the demo leaves after its last day, so 'active' is everyone not yet gone.
    assert shown == expected


def test_contact_list_csv_is_formula_safe(store, downloads):
    # Plant a long-standing customer's recent complaint whose text is a spreadsheet formula.
    con = duckdb.connect(str(store))
    cid, last = con.execute(
        """SELECT c.customer_id, (SELECT max(received_at) FROM feedback) FROM customers c
           WHERE c.joined_at < DATE '2015-01-01' AND c.left_at IS NULL ORDER BY c.customer_id LIMIT 1""").fetchone()
    con.execute(
        """INSERT INTO feedback (feedback_id, kind, source, customer_id, received_at, nps, text, import_id)
           VALUES ('planted-1', 'survey', 'Relationship survey', ?, ?, 2,
                   '=HYPERLINK("http://evil.example","click") call me on 07700 900123', 1)""", [cid, last])
    con.close()
    open_page(PAGE)
    text = next(data.decode("utf-8") for name, data in downloads if name == "customers_to_contact.csv")
    line = next(line for line in text.splitlines() if line.startswith(cid))
    assert "'=HYPERLINK" in line and ",=HYPERLINK" not in line
    assert "07700 900123" not in line and "[phone]" in line
