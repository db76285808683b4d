"""Move-the-middle page on the demo store: renders every section and follows the filters."""

from __future__ import annotations

from tests.pages.conftest import metric_value, open_page


def test_page_renders_sections_and_changes_with_a_filter(store):
    at = open_page("pages/move_the_middle.py")
    headers = [h.value for h in at.header]
    assert headers == ["What changed between two periods", "The movable middle", "Headroom",
                       "What holds the middle back"]
    everyone = metric_value(at, "Middle responses")
    assert any("NPS" in m.value and "noise" in m.value for m in at.markdown)
    assert any(m.value.startswith("If 10% of passives became promoters") for m in at.markdown)
    one = open_page("pages/move_the_middle.py", function=["Deliveries"])
    assert int(metric_value(one, "Middle responses").replace(",", "")) < int(everyone.replace(",", ""))


def test_other_metrics_render(store):
    at = open_page("pages/move_the_middle.py")
    for metric in ("csat", "ces", "stars", "sentiment"):
        at.selectbox(key="metric").set_value(metric).run()
        assert not at.exception, (metric, [e.value for e in at.exception])
        assert at.header[0].value == "What changed between two periods"


def test_score_vs_text_segments_and_customers_pages_render(store):
    svt = open_page("pages/score_vs_text.py")
    assert int(metric_value(svt, "Promoters with negative text").replace(",", "")) > 0
    assert len(svt.markdown) > 5  # verbatims
    seg = open_page("pages/segments.py")
    table = seg.dataframe[0].value
    assert {"Deliveries", "Billing", "Online & app"} <= set(table["group"])
    seg.radio(key="seg_sort").set_value("Lean of the middle").run()
    assert not seg.exception
    # thin points are explained once in the caption, not labelled one by one in narrow panels
    panels = seg.get("vega_lite_chart")[0].proto.spec
    assert "hollow grey points" in panels
    assert "too few (n=" not in panels
    cust = open_page("pages/customers.py")
    everyone = int(metric_value(cust, "Customers heard from").replace(",", ""))
    billing = open_page("pages/customers.py", function=["Billing"])
    assert 0 < int(metric_value(billing, "Customers heard from").replace(",", "")) < everyone
