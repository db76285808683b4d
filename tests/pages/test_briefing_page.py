"""Briefing page on the demo store: the pack renders, the text toggle works, actions are saved."""

from __future__ import annotations

import duckdb

from tests.pages.conftest import open_page


def test_pack_renders_with_every_section(store):
    at = open_page("pages/briefing.py")
    headers = [h.value for h in at.header]
    assert headers == ["Headlines", "The whole distribution and how the middle moved",
                       "What changed (beyond noise only)", "Themes by impact", "Complaints", "Our customers",
                       "In their words",
                       "Questions to take back to your team", "You said, we did"]
    assert any("NPS" in m.value for m in at.markdown)
    assert any(c.value.startswith("n = ") for c in at.caption)
    assert any(m.value.startswith("> ") for m in at.markdown)  # verbatims shown
    assert any(m.value.startswith("Customers heard from: ") for m in at.markdown)
    assert any("not a promise of cause" in i.value for i in at.info)  # the association caveat
    assert any("Churn (95% Wilson interval)" in d.value.columns for d in at.dataframe)


def test_leave_free_text_out_and_pick_another_period(store):
    at = open_page("pages/briefing.py")
    at.toggle(key="brief_no_text").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any(m.value.startswith("> ") for m in at.markdown)
    assert any(c.value == "Free text is left out." for c in at.caption)
    at.selectbox(key="brief_function").set_value("Customer service").run()
    at.selectbox(key="brief_period").set_value("2026-Q3").run()
    assert not at.exception
    assert any("Callback not made" in m.value for m in at.markdown)


def test_actions_are_saved_to_the_store(store):
    at = open_page("pages/briefing.py")
    at.selectbox(key="brief_function").set_value("Deliveries").run()
    at.selectbox(key="brief_period").set_value("2026-Q3").run()
    editor_key = "actions_Deliveries_2026-Q3"
    at.session_state[editor_key] = {"edited_rows": {}, "deleted_rows": [],
                                    "added_rows": [{"you_said": "Nobody told me the van was late",
                                                    "we_did": "Texts when a van is running late",
                                                    "owner": "Deliveries ops", "status": "in progress"}]}
    at.button(key="brief_save_actions").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 added" in s.value for s in at.success)
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT function, period, you_said, status FROM briefing_actions").fetchall()
    assert rows == [("Deliveries", "2026-Q3", "Nobody told me the van was late", "in progress")]
