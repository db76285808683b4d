"""`python -m vocsrc score`: raw and CX-aware scores for one text, stdin, and the identity check."""

from __future__ import annotations

import json
import subprocess
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tests.conftest import ROOT

ISSUE_SENTENCES = [
    "They promised a callback within 24 hours and never called.",
    "I am still waiting for my refund, nobody called me back.",
    "The agent was helpful but I had to call four times.",
]


def _run(*args: str, stdin: str | None = None, stdin_bytes: bytes | None = None) -> subprocess.CompletedProcess:
    if stdin_bytes is not None:  # exact bytes: text mode would translate line ends on the way in
        got = subprocess.run([sys.executable, "-m", "vocsrc", *args], input=stdin_bytes, cwd=ROOT,
                             capture_output=True, timeout=120)
        return subprocess.CompletedProcess(got.args, got.returncode, got.stdout.decode("utf-8"),
                                           got.stderr.decode("utf-8"))
    return subprocess.run([sys.executable, "-m", "vocsrc", *args], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_stdin_json_gives_raw_vader_and_a_cx_score_per_line():
    out = _run("score", "-", "--json", stdin="\n".join(ISSUE_SENTENCES) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    reference = SentimentIntensityAnalyzer()
    assert [r["text"] for r in rows] == ISSUE_SENTENCES
    for r in rows:
        assert r["vader"] == reference.polarity_scores(r["text"])["compound"]
        assert r["cx"] <= -0.05, r  # the CX layer reads these as negative; raw VADER does not
    assert rows[0]["vader"] > 0 and rows[1]["vader"] == 0


def test_stdin_lines_split_as_check_reads_a_file(tmp_path):
    # lines end in \n or \r\n; a lone \r inside a text stays in it (text mode split there)
    raw = "good\rbad\nfine\r\n\u2028both\u0085kept\nlast\r"
    out = _run("score", "-", "--json", stdin=None, stdin_bytes=raw.encode("utf-8"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")[:-1]  # (not splitlines: U+2028 and U+0085 stay raw in the JSON)
    texts = [json.loads(line)["text"] for line in lines]
    from vocsrc.sentiment.check import read_texts

    path = tmp_path / "texts.txt"
    path.write_bytes(raw.encode("utf-8"))
    assert texts == read_texts(path) == ["good\rbad", "fine", "\u2028both\u0085kept", "last"]
    reference = SentimentIntensityAnalyzer()
    assert [json.loads(line)["vader"] for line in lines] == [
        reference.polarity_scores(t)["compound"] for t in texts]


def test_single_text_plain_output():
    out = _run("score", "Lovely staff, quick delivery.")
    assert out.returncode == 0 and "vader +" in out.stdout and "(positive)" in out.stdout


def test_check_reports_identity_on_a_file(tmp_path):
    f = tmp_path / "texts.txt"
    f.write_text("\n".join(ISSUE_SENTENCES + ["GREAT!!! :) but not really", "meh 😐", ""]) + "\n", encoding="utf-8")
    out = _run("score", "--check", str(f))
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["n"] >= 5 and report["max_abs_diff"] == 0.0


def test_score_does_not_import_pandas_or_duckdb():
    # `score -` is a pipe filter: importing the feature subcommands (pandas, DuckDB) cost ~0.8 s
    code = ("import sys; from vocsrc.cli import main; main(['score', 'fine']); "
            "print(sorted(m for m in ('pandas', 'duckdb') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]"


def test_feature_commands_still_parse():
    from vocsrc.cli import _command_name, build_parser

    assert _command_name(["--db", "x.duckdb", "score", "-"]) == "score"
    assert _command_name(["--db=x.duckdb", "complaints"]) == "complaints"
    assert _command_name(["--help"]) is None
    args = build_parser("complaints").parse_args(["complaints", "--json", "--by", "driver"])
    assert args.command == "complaints" and args.by == "driver"


def test_json_lines_are_what_json_dumps_writes():
    from vocsrc.cli_more import _json_line
    from vocsrc.sentiment.document import score_document

    for text in ISSUE_SENTENCES + ['quote " back\\slash \t tab \x01 ctl', "caf\u00e9 \U0001F600 \u2028", "", "0"]:
        s = score_document(text)
        want = json.dumps({"text": text, "vader": s.vader_compound, "cx": s.cx_compound, "label": s.label,
                           "cx_label": s.cx_label, "pos": s.vader_pos, "neu": s.vader_neu, "neg": s.vader_neg},
                          ensure_ascii=False) + "\n"
        assert _json_line(text, s) == want


def test_ctrl_c_stops_score_at_once_and_leaves_no_worker(tmp_path):
    import os
    import signal

    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(ISSUE_SENTENCES * 100_000) + "\n", encoding="utf-8")  # ~10 s of work
    with open(texts, encoding="utf-8") as stdin:
        proc = subprocess.Popen([sys.executable, "-m", "vocsrc", "score", "-", "--json"], stdin=stdin, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            assert proc.stdout.readline()  # scoring on both cores, output flowing
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole group
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert err.decode() == "interrupted\n"  # no traceback, and no store to speak of
    try:
        os.killpg(proc.pid, 0)  # any forked worker left in the group?
    except ProcessLookupError:
        pass
    else:
        raise AssertionError("a scoring worker outlived the command")
