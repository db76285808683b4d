"""Briefing packs on a real demo store: planted stories land in the right function's pack,
verbatims are balanced, reproducible, de-duplicated and redacted, and every export is what it
claims to be (PPTX opened with python-pptx, PDF text extracted, HTML parsed)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from html.parser import HTMLParser

import pytest

from vocsrc.briefing.build import build_pack
from vocsrc.store import open_store
from tests.unit.pdftext import pdf_text  # noqa: F401 - test_briefing_customers imports it from here

SCRIPT = "<script>alert(1)</script>"
PLANTED = [  # (id, stars, text): a function of its own so both rows are certainly sampled
    ("t-bad", 1, f"{SCRIPT} Awful. My name is Jane Doe, write to jane.doe+x@example.co.uk or call 07700 900123. "
                 "Card 4111 1111 1111 1111 was charged twice, account number 12345678, SW1A 1AA. XXXX kept."),
    ("t-good", 5, "=SUM(A1:A9) Lovely service from start to finish, the driver was early and very helpful."),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from vocsrc.demo_store import build_demo_store

    path = tmp_path_factory.mktemp("brief") / "voc.duckdb"
    build_demo_store(path, scale=0.3)
    with open_store(path) as con:
        for fid, stars, text in PLANTED:
            con.execute("""INSERT INTO feedback (feedback_id, kind, source, function, received_at, stars, text,
                                                 text_hash, import_id)
                           VALUES (?, 'review', 'Test reviews', 'Test function', TIMESTAMP '2026-08-10 10:00',
                                   ?, ?, hash(?), 1)""", [fid, stars, text, text])
    return path


@pytest.fixture(scope="module")
def con(demo):
    with open_store(demo, read_only=True) as c:
        yield c


def test_deliveries_pack_tells_the_middle_slipping_while_nps_holds(con):
    pack = build_pack(con, "Deliveries", "2026-Q3")
    nps = next(h for h in pack.headlines if h.metric == "nps")
    assert not nps.significant and "within noise" in nps.sentence
    moved = [s for s in pack.middle_sentences if "passives" in s.lower() and "fell" in s and "beyond noise" in s]
    assert moved, pack.middle_sentences
    assert any("passives" in c.lower() for c in pack.changes)
    same = next(s for s in pack.middle_sentences if s.startswith("Over the same months, NPS"))
    assert "within noise" in same  # the middle moved, NPS did not: what NPS alone would miss
    assert "passives" in pack.questions[0].text and "NPS did not move beyond noise" in pack.questions[0].text
    assert pack.period_range == "2026-07-01 to 2026-09-30" and pack.previous_period == "2026-Q2"


def test_online_pack_shows_passives_moving_up_after_the_app_fix(con):
    pack = build_pack(con, "Online & app", "2026-Q2")
    assert any("passives" in s.lower() and "fell" in s and "beyond noise" in s for s in pack.middle_sentences)
    promoters = next(s for s in pack.middle_sentences if s.startswith("Promoters"))
    assert "rose" in promoters
    stars = next(h for h in pack.headlines if h.metric == "stars")
    assert stars.current.value > stars.previous.value
    later = build_pack(con, "Online & app", "2026-Q3", include_text=False)
    step = next(s for s in later.middle_sentences if s.startswith("From "))
    assert step.startswith("From 2026-03, passives") and "fell" in step  # the fix month
    assert any(s.startswith("Over the same months, NPS rose") and s.endswith("beyond noise.") for s in later.changes)


def test_callback_spike_is_in_customer_service_pack_only(con):
    cs = build_pack(con, "Customer service", "2026-Q3", include_text=False)
    rising = [d.driver for d in cs.complaints.drivers if d.rising]
    assert rising == ["Callback not made"]
    assert any("Callback not made" in c for c in cs.changes)
    assert any("Callback not made" in q.text for q in cs.questions)
    deliveries = build_pack(con, "Deliveries", "2026-Q3", include_text=False)
    assert not any(d.rising and d.driver == "Callback not made" for d in deliveries.complaints.drivers)


def test_reviews_whose_words_disagree_with_their_stars_are_named(con):
    pack = build_pack(con, "Deliveries", "2026-Q3", include_text=False)
    said = next(s for s in pack.middle_sentences if s.startswith("Where words and scores disagree"))
    assert re.search(r"at risk: \d+ of \d+ 4-5 star reviews with negative text", said)
    assert re.search(r"hidden detractors: \d+ of \d+ 3-star reviews with negative text", said)
    assert any("high score with negative words" in q.text for q in pack.questions)


def test_every_figure_carries_n_period_method_and_freshness(con):
    pack = build_pack(con, "Billing", "2026-08", include_text=False)
    figures = [h.current for h in pack.headlines] + list(pack.distribution) + [t.impact for t in pack.themes_negative]
    assert figures
    for f in figures:
        assert f.n > 0 and f.period == "2026-08" and f.method and f.freshness == "2026-10-31"
        assert f.footnote.startswith(f"n = {f.n:,} · 2026-08 · ") and "data to 2026-10-31" in f.footnote
    for chart in pack.charts:
        assert "n = " in chart.footnote and "data to" in chart.footnote


def test_verbatims_are_balanced_reproducible_and_not_near_duplicates(con):
    from vocsrc.briefing.verbatims import jaccard, shingles

    a = build_pack(con, "Stores", "2026-Q3", seed=7)
    b = build_pack(con, "Stores", "2026-Q3", seed=7)
    c = build_pack(con, "Stores", "2026-Q3", seed=8)
    tones = [v.tone for v in a.verbatims]
    assert tones.count("good") == tones.count("bad") >= 2
    assert len({v.source for v in a.verbatims}) >= 2
    assert [v.feedback_id for v in a.verbatims] == [v.feedback_id for v in b.verbatims]
    assert [v.feedback_id for v in a.verbatims] != [v.feedback_id for v in c.verbatims]
    texts = [shingles(v.text) for v in a.verbatims]
    assert all(jaccard(x, y) < 0.5 for i, x in enumerate(texts) for y in texts[i + 1:])
    assert all(len(v.text) <= 420 for v in a.verbatims)
    assert build_pack(con, "Stores", "2026-Q3", include_text=False).verbatims == ()


def test_near_duplicates_are_dropped():
    from vocsrc.briefing.verbatims import balanced_sample

    rows = [{"feedback_id": str(i), "tone": tone, "source": "S", "text": text}
            for i, (tone, text) in enumerate([
                ("bad", "Delivery was late and nobody told me, wasted a day off work."),
                ("bad", "Delivery was late and nobody told me, wasted a day off work!"),
                ("bad", "The van never came and the phone line rang out for an hour."),
                ("good", "Great price and the installers were tidy and quick."),
                ("good", "Friendly staff in the store who knew the products well.")])]
    picked = balanced_sample(rows, total=4)
    assert [r["feedback_id"] for r in picked] == ["0", "3", "2", "4"]


@pytest.mark.parametrize("raw, gone, kept", [
    ("My name is Jane O'Neil and I waited", ["Jane", "O'Neil"], ["I waited"]),
    ("write to a.b+c@x.co.uk please", ["a.b+c@x.co.uk"], ["[email]"]),
    ("call me on 020 7946 0958 or 07700 900123", ["7946", "900123"], ["[phone]"]),
    ("card 4111-1111-1111-1111 was charged", ["4111"], ["[card]"]),
    ("account number 12345678 frozen, ref: AB123456", ["12345678", "AB123456"], ["[account]"]),
    ("I live at SW1A 1AA and m1 1ae", ["SW1A", "m1 1ae"], ["[postcode]"]),
    ("XXXX told me on XX/XX/XXXX that $1,200 was due on 05/06/2026", [], ["XXXX", "XX/XX/XXXX", "$1,200", "05/06/2026"]),
    ("my name is not important, the service is", [], ["not important"]),
])
def test_verbatims_are_redacted(raw, gone, kept):
    from vocsrc.briefing.verbatims import to_verbatim

    v = to_verbatim({"feedback_id": "x", "tone": "bad", "band": "1 star", "source": "S", "text": raw,
                     "neg_sentence": raw, "stars": 1})
    for g in gone:
        assert g not in v.text
    for k in kept:
        assert k in v.text


def test_lower_case_full_name_is_redacted():
    from vocsrc.briefing.verbatims import to_verbatim

    v = to_verbatim({"feedback_id": "x", "tone": "bad", "band": "", "source": "S", "text": "my name's bob smith, hi"})
    assert "smith" not in v.text


@pytest.fixture(scope="module")
def planted_exports(con):
    from vocsrc.briefing.cli import render

    pack = build_pack(con, "Test function", "2026-Q3")
    return pack, render(pack, ("html", "pdf", "pptx", "md"))


def test_planted_review_is_redacted_and_escaped_everywhere(planted_exports):
    pack, files = planted_exports
    assert {v.feedback_id for v in pack.verbatims} == {"t-bad", "t-good"}
    html, md = files["html"].decode(), files["md"].decode()
    for text in (html, md, pdf_text(files["pdf"]), pptx_text(files["pptx"])):
        for secret in ("Jane Doe", "jane.doe", "900123", "4111", "12345678", "SW1A"):
            assert secret not in text
    assert "XXXX" in html and "[email]" in html
    assert SCRIPT not in html and SCRIPT not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.data.append(data)


def test_html_is_self_contained_and_holds_no_script(planted_exports):
    _, files = planted_exports
    parser = _Tags()
    parser.feed(files["html"].decode())
    names = [t for t, _ in parser.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    assert any(SCRIPT in d for d in parser.data)  # shown as text
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            assert not attrs.get(key) or attrs[key].startswith("data:image/png;base64,"), (tag, attrs)
    assert "@media print" in files["html"].decode()


def test_actions_csv_neutralises_formulas():
    import csv

    from vocsrc.briefing.actions import actions_csv
    from vocsrc.briefing.pack import Action

    log = [Action(i, "=cmd|' /C calc'!A0", "2026-Q3", said, "-2+3", "@owner", "planned", None)
           for i, said in enumerate(["=SUM(A1:A9)", "+1", "fine"], 1)]
    rows = list(csv.reader(actions_csv(log).decode("utf-8-sig").splitlines()))
    assert [r[3] for r in rows[1:]] == ["'=SUM(A1:A9)", "'+1", "fine"]
    assert rows[1][1].startswith("'=") and rows[1][4] == "'-2+3" and rows[1][5] == "'@owner"


def test_neutralise_formulas_on_pandas_strings():
    import pandas as pd

    from vocsrc.privacy import neutralise_formulas

    frame = pd.DataFrame({"you_said": ["=SUM(A1:A9)", "fine"]})
    assert neutralise_formulas(frame)["you_said"].tolist() == ["'=SUM(A1:A9)", "fine"]


@pytest.fixture(scope="module")
def deliveries_files(con):
    from vocsrc.briefing.cli import render

    pack = build_pack(con, "Deliveries", "2026-Q3")
    return pack, render(pack, ("pdf", "pptx"))


def pptx_text(data: bytes) -> str:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    out = []
    for slide in prs.slides:
        out += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        out.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(out)


def test_pptx_has_titles_notes_with_numbers_and_pictures(deliveries_files):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    pack, files = deliveries_files
    prs = Presentation(io.BytesIO(files["pptx"]))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == pack.title
    titles = [s.shapes.title.text for s in slides]
    assert all(titles) and "Questions to take back to your team" in titles
    assert any("passives" in t.lower() and "fell" in t for t in titles)  # the message, not a label
    pictures = sum(1 for s in slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert pictures == len(pack.charts)
    for s in slides[1:]:
        notes = s.notes_slide.notes_text_frame.text
        assert re.search(r"\d", notes), s.shapes.title.text
    assert sum("n = " in s.notes_slide.notes_text_frame.text for s in slides) >= 4
    footnotes = [sh.text_frame.text for s in slides for sh in s.shapes if sh.has_text_frame and
                 sh.text_frame.text.startswith("n = ")]
    assert footnotes


def test_pdf_text_holds_the_pack(deliveries_files):
    pack, files = deliveries_files
    assert files["pdf"].startswith(b"%PDF-")
    text = pdf_text(files["pdf"])
    for needle in (pack.title, "Headlines", "Questions to take back to your team", "NPS", "n = ",
                   "data to 2026-10-31", "beyond noise"):
        assert needle in text, needle
    assert files["pdf"].count(b"/Subtype /Image") >= len(pack.charts)


def test_to_latin1_keeps_meaning():
    from vocsrc.briefing.render_common import to_latin1

    assert to_latin1("“Late” — café… ő → ✓") == '"Late" - café... o -> ?'


def test_actions_log_round_trip(demo, tmp_path):
    from vocsrc.briefing import actions

    db = tmp_path / "voc.duckdb"
    shutil.copy(demo, db)
    now = dt.datetime(2026, 11, 2, 9, 0)
    with open_store(db) as c:
        first = actions.add_action(c, "Deliveries", "2026-Q3", "Nobody told me the van was late", now)
        actions.update_action(c, first, now, we_did="Texts when a van runs late", status="done")
        counts = actions.save_edits(c, "Deliveries", "2026-Q3", [
            {"action_id": first, "you_said": "Nobody told me the van was late", "we_did": "Texts when a van runs late",
             "owner": "", "status": "done"},
            {"action_id": None, "you_said": "=HYPERLINK(\"x\")", "we_did": "", "owner": "Ops", "status": None}], now)
        assert counts == {"added": 1, "updated": 0, "deleted": 0}
        log = actions.list_actions(c, "Deliveries")
        assert [(a.we_did, a.status) for a in log] == [("Texts when a van runs late", "done"), ("", "planned")]
        with pytest.raises(Exception):
            actions.add_action(c, "Deliveries", "2026-Q3", "x", now, status="maybe")
        pack = build_pack(c, "Deliveries", "2026-Q3", include_text=False)
        assert len(pack.actions) == 2 and any("still open" in q.text for q in pack.questions)
        actions.save_edits(c, "Deliveries", "2026-Q3", [], now)
        assert actions.list_actions(c, "Deliveries") == ()


def test_periods():
    from vocsrc.briefing.periods import parse_period, previous_period, recent_periods
    from vocsrc.errors import VocError

    assert previous_period(parse_period("2026-Q1")).label == "2025-Q4"
    assert previous_period(parse_period("2026-01")).label == "2025-12"
    assert parse_period("2024-Q1").end == dt.date(2024, 3, 31)
    assert recent_periods(dt.date(2026, 10, 31), "quarter", 3) == ["2026-Q4", "2026-Q3", "2026-Q2"]
    with pytest.raises(VocError):
        parse_period("2026-13")


def test_cli_writes_the_files(demo, tmp_path):
    from vocsrc.cli import main

    assert main(["--db", str(demo), "brief", "--function", "Claims", "--period", "2026-Q3",
                 "--format", "md,html", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["briefing-claims-2026-Q3.html", "briefing-claims-2026-Q3.md"]


def test_briefing_package_imports_no_streamlit():
    import ast
    from pathlib import Path

    import vocsrc.briefing as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "streamlit" or n.startswith("vocsrc.ui") for n in names), path


def test_editor_blanks_arrive_as_none_nan_or_na(demo, tmp_path):
    import pandas as pd

    from vocsrc.briefing import actions

    db = tmp_path / "voc.duckdb"
    shutil.copy(demo, db)
    now = dt.datetime(2026, 11, 2, 9, 0)
    with open_store(db) as c:
        first = actions.add_action(c, "Claims", "2026-Q3", "Too many forms", now, we_did="One form")
        rows = [{"action_id": first, "you_said": "Too many forms", "we_did": "One form", "owner": float("nan"),
                 "status": "planned"},
                {"action_id": pd.NA, "you_said": "Slow payout", "we_did": None, "owner": pd.NA, "status": pd.NA},
                {"action_id": float("nan"), "you_said": float("nan"), "we_did": "", "owner": "", "status": ""}]
        assert actions.save_edits(c, "Claims", "2026-Q3", rows, now) == {"added": 1, "updated": 0, "deleted": 0}
        log = actions.list_actions(c, "Claims")
        assert [(a.you_said, a.we_did, a.owner, a.status) for a in log] == [
            ("Too many forms", "One form", "", "planned"), ("Slow payout", "", "", "planned")]


def test_a_pdf_heading_moves_to_the_next_page_with_what_it_keeps():
    from types import SimpleNamespace

    from vocsrc.briefing.render_pdf import _Writer

    w = _Writer(SimpleNamespace(title="Billing: customer briefing", freshness="2026-10-31"))
    w.pdf.set_y(240)
    w.heading("Room for a few lines", keep=10)
    assert w.pdf.page_no() == 1
    w.pdf.set_y(200)
    w.heading("Themes by impact", keep=90)  # its chart would not fit under it: both go over
    assert w.pdf.page_no() == 2 and w.pdf.get_y() < 40
    w.pdf.set_y(251)
    w.heading("Complaints")  # the default keeps a few lines: as before, no heading below y = 250
    assert w.pdf.page_no() == 3
