"""`python -m vocsrc brief --all`: a pack per function plus the leadership deck across them."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(scope="module")
def small_store(demo_store):
    return demo_store(0.1)


def test_all_writes_every_function_and_a_leadership_deck(small_store, tmp_path, capsys):
    from pptx import Presentation

    from vocsrc.cli import main

    assert main(["--db", str(small_store), "brief", "--all", "--period", "2026-Q3", "--format", "md",
                 "--out", str(tmp_path), "--no-text"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in names if n.endswith(".md")]) == 6
    assert "leadership-summary-2026-Q3.pptx" in names
    assert "briefing-online-app-2026-Q3.md" in names
    md = (tmp_path / "briefing-deliveries-2026-Q3.md").read_text()
    assert "Free text is left out of this pack." in md and "> " not in md
    deck = Presentation(io.BytesIO((tmp_path / "leadership-summary-2026-Q3.pptx").read_bytes()))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0] == "Customer briefing across functions, 2026-Q3"
    assert titles[1] == "Where each function stands"
    assert sum(t.startswith(("Billing:", "Claims:", "Customer service:", "Deliveries:", "Online & app:", "Stores:"))
               for t in titles) == 6
    assert any(t.startswith("Customer service: Complaints about 'Callback not made' rose") for t in titles)
    assert all(s.notes_slide.notes_text_frame.text for s in deck.slides)
    assert str(tmp_path) in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["brief", "--function", "Deliveries", "--period", "2026-13"], "not a month"),
    (["brief", "--function", "Deliveries", "--period", "2026-Q3", "--format", "docx"], "formats must be"),
])
def test_bad_arguments_are_refused_plainly(small_store, tmp_path, argv, message, capsys):
    from vocsrc.cli import main

    try:
        code = main(["--db", str(small_store), *argv, "--out", str(tmp_path)])
    except SystemExit as exc:
        code = exc.code
    assert code != 0
    captured = capsys.readouterr()
    assert message in captured.err + captured.out
