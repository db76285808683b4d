"""The streaming readers: awkward files built here, and the real exports in shared/data/external."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from vocsrc.errors import ImportFailed
from vocsrc.ingest.readers import RawTable, file_checksum, open_table, preview


def read_all(table: RawTable) -> tuple[list[int], list[list[str | None]]]:
    lines: list[int] = []
    rows: list[list[str | None]] = []
    for batch in table.batches():
        assert len(batch.lines) == len(batch.rows)
        assert all(len(r) == len(table.columns) for r in batch.rows)
        lines += batch.lines
        rows += batch.rows
    return lines, rows


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# --- encodings -------------------------------------------------------------


def test_cp1252_smart_quotes_and_euro(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"Name,Comment\r\nAnn,\x93great\x94 for \x80 5\r\nBob,ok\r\n")
    table = open_table(path)
    assert table.encoding == "cp1252"
    _, rows = read_all(table)
    assert rows == [["Ann", "\u201cgreat\u201d for \u20ac 5"], ["Bob", "ok"]]


def test_latin1_when_cp1252_has_undefined_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"city,code\nCaf\xe9 M\xfcnchen,\x8d\n")
    table = open_table(path)
    assert table.encoding == "latin-1"
    assert read_all(table)[1] == [["Caf\xe9 M\xfcnchen", "\x8d"]]


def test_utf16_le_bom_tab_delimited_as_excel_unicode_text(tmp_path: Path) -> None:
    text = "Name\tComment\tScore\r\nZoë\tsehr gut, danke\t9\r\n李\t\u201cfine\u201d\t7\r\n"
    path = write(tmp_path, "export.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    table = open_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.columns == ["Name", "Comment", "Score"]
    assert read_all(table) == ([2, 3], [["Zoë", "sehr gut, danke", "9"], ["李", "\u201cfine\u201d", "7"]])


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "\ufeffid,text\n1,héllo\n".encode())
    table = open_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.columns == ["id", "text"]


def test_utf8_with_stray_cp1252_bytes_keeps_both(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,text\n1,café\n".encode() + b"2,\x93quoted\x94\n")
    table = open_table(path)
    assert table.encoding == "utf-8+cp1252"
    assert read_all(table)[1] == [["1", "café"], ["2", "\u201cquoted\u201d"]]


# --- delimiters, quoting, line numbers ---------------------------------------


def test_semicolon_with_decimal_commas(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id;score;comment\n1;3,5;ok, fine\n2;4,0;good\n3;1,5;bad, slow, rude\n")
    table = open_table(path)
    assert table.delimiter == ";"
    assert read_all(table)[1][2] == ["3", "1,5", "bad, slow, rude"]


def test_pipe_delimited(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a|b|c\n1|x, y|3\n4|z|6\n")
    assert open_table(path).delimiter == "|"


def test_crlf_embedded_newlines_and_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    data = 'id,text\r\n1,"a\r\nb"\r\n2,c\r\n\r\n3,"x\ny\nz"\r\n,\r\n4,d\r\n\r\n'
    table = open_table(write(tmp_path, "a.csv", data))
    lines, rows = read_all(table)
    assert lines == [2, 4, 6, 10]
    assert rows == [["1", "a\r\nb"], ["2", "c"], ["3", "x\ny\nz"], ["4", "d"]]
    assert table.blank_records == 3 and table.problems == []


def test_cr_only_line_endings(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", "a;b\r1;2\r3;4\r"))
    assert table.delimiter == ";"
    assert read_all(table) == ([2, 3], [["1", "2"], ["3", "4"]])


def test_line_numbers_across_runs_of_mixed_records(tmp_path: Path) -> None:
    parts = ["id,text,score\r\n"]
    for i in range(3000):
        if i % 101 == 0:
            parts.append("\r\n")
        text = f'"para {i}\r\nmore, text\nend"' if i % 37 == 0 else f"text {i}"
        parts.append(f"{i},{text},{i % 11}\r\n" if i % 53 else f"{i},{text}\r\n")
    path = write(tmp_path, "m.csv", "".join(parts))
    table = open_table(path, batch_size=700)
    lines, rows = read_all(table)
    expected, _ = independent_count(path)
    assert len(rows) == 3000 and table.blank_records == expected - 3000
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        truth, prev = [], reader.line_num
        for record in reader:
            if record:
                truth.append(prev + 1)
            prev = reader.line_num
    assert lines == truth
    assert rows[37] == ["37", "para 37\r\nmore, text\nend", "4"] and rows[53][2] is None


def test_cr_only_multiline_field(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", 'a,b\r1,"x\ry"\r2,z\r'))
    assert read_all(table) == ([2, 4], [["1", "x\ry"], ["2", "z"]])


def test_collector_state_is_restored(tmp_path: Path) -> None:
    import gc

    table = open_table(write(tmp_path, "a.csv", "a\n" + "x\n" * 100), batch_size=10)
    batches = table.batches()
    next(batches)
    batches.close()  # type: ignore[attr-defined]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_one_column_of_comments_is_not_split_on_their_commas(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "c.txt", "comment\nhello, world\nfine; thanks, bye\n"))
    assert table.columns == ["comment"]
    assert read_all(table)[1] == [["hello, world"], ["fine; thanks, bye"]]


def test_header_cells_with_line_breaks(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", '"Overall\r\nscore",Comment\n9,ok\n'))
    assert table.columns == ["Overall score", "Comment"]
    assert read_all(table)[0] == [3]


def test_non_western_legacy_encoding_is_refused_not_garbled(tmp_path: Path) -> None:
    path = write(tmp_path, "ru.csv", "имя,отзыв\nИван,Очень хорошо\n".encode("cp1251"))
    with pytest.raises(ImportFailed, match="not UTF-8"):
        open_table(path)
    assert read_all(open_table(path, encoding="cp1251"))[1] == [["Иван", "Очень хорошо"]]


def test_nel_in_a_field_is_data_not_a_line_break(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.tsv", "text\tlabel\nbad\u0085 really bad\t0\ngood\t1\n"))
    assert read_all(table) == ([2, 3], [["bad\u0085 really bad", "0"], ["good", "1"]])


def test_empty_and_whitespace_cells_are_none(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", "a,b,c\n1,, \n\t,x,\u00a0\n"))
    assert read_all(table)[1] == [["1", None, None], [None, "x", None]]


def test_ragged_rows(tmp_path: Path) -> None:
    data = "a,b,c\n1,2\n3,4,5,,\n6,7,8,9\n10\n"
    table = open_table(write(tmp_path, "a.csv", data))
    lines, rows = read_all(table)
    assert lines == [2, 3, 5]
    assert rows == [["1", "2", None], ["3", "4", "5"], ["10", None, None]]
    [problem] = table.problems
    assert (problem.line, problem.raw) == (4, "6,7,8,9")
    assert problem.reason == "row has 4 fields but the header has 3"


def test_a_10_mb_field_is_read(tmp_path: Path) -> None:
    big = "x" * (10 * 1024 * 1024)
    table = open_table(write(tmp_path, "a.csv", f'id,text\n1,"{big}\nend"\n2,small\n'))
    lines, rows = read_all(table)
    assert lines == [2, 4]
    assert len(rows[0][1]) == len(big) + 4 and rows[1] == ["2", "small"]


def test_a_field_over_the_limit_fails_plainly(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", 'id,text\n1,"' + "x" * 300_000 + "\n")
    limit = csv.field_size_limit(100_000)  # stands in for 64 MB, to keep the test fast
    try:
        with pytest.raises(ImportFailed, match="line 2: a field is larger than"):
            read_all(open_table(path))
    finally:
        csv.field_size_limit(limit)


def test_problem_raw_text_is_exact_for_multiline_records(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", 'a,b\n1,"x\ny",extra\n2,3\n'))
    assert read_all(table)[0] == [4]
    assert table.problems[0].raw == '1,"x\ny",extra'
    assert table.problems[0].line == 2


def test_batches_can_be_read_again(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", "a,b\n" + "".join(f"{i},x\n" for i in range(25)) + "1,2,3\n"), batch_size=10)
    first = read_all(table)
    assert [len(b.rows) for b in table.batches()] == [10, 10, 5]
    assert read_all(table) == first and len(table.problems) == 1


def test_empty_file_and_headers_only(tmp_path: Path) -> None:
    for data in (b"", b"\n\n  \n", b"\xef\xbb\xbf"):
        with pytest.raises(ImportFailed, match="empty file"):
            open_table(write(tmp_path, "e.csv", data))
    with pytest.raises(ImportFailed, match="headers only: no data rows"):
        open_table(write(tmp_path, "h.csv", "a,b,c\r\n\r\n,,\r\n"))
    with pytest.raises(ImportFailed, match="headers only"):
        open_table(write(tmp_path, "q.csv", "a,b\nq1,q2\nid1,id2\n"), skip_after_header=2)


def test_column_names(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", " Score ,,Score,score\n1,2,3,4\n"))
    assert table.columns == ["Score", "column_2", "Score_2", "score_3"]


def test_two_header_rows_join_grouped_headers(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", ",Scores,,\nID,NPS,CSAT,\n1,9,4,\n"), header_rows=2)
    assert table.columns == ["ID", "Scores / NPS", "Scores / CSAT", "column_4"]
    assert read_all(table) == ([3], [["1", "9", "4", None]])


def test_qualtrics_layout_skips_question_and_import_id_rows(tmp_path: Path) -> None:
    data = (
        "ResponseId,Q1,Q2\n"
        '"Response ID","How likely are you\nto recommend us?","Why?"\n'
        '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
        "R_1,9,great\nR_2,3,slow\n"
    )
    table = open_table(write(tmp_path, "q.csv", data), skip_after_header=2)
    assert table.columns == ["ResponseId", "Q1", "Q2"]
    assert read_all(table) == ([5, 6], [["R_1", "9", "great"], ["R_2", "3", "slow"]])


def test_no_header(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.txt", "1\t0.5\tnice\n2\t-1\tbad\n"), header_rows=0)
    assert table.columns == ["column_1", "column_2", "column_3"]
    assert read_all(table)[0] == [1, 2]


def test_literal_quotes_in_a_tsv_do_not_swallow_lines(tmp_path: Path) -> None:
    # As in the VADER files: a snippet that starts with a quote it never closes.
    clean = "".join(f"{i}\t0.5\tline {i}\r\n" for i in range(300))
    early = '1\t0.1\t" mirror " finish\r\n2\t0.2\t" opened never closed\r\n3\t0.3\tnext\r\n'
    late = '900\t0.9\t" opened late\r\n901\t0.1\tswallowed?\r\n902\t0.2\tclosing " here\r\n903\t0\tend\r\n'
    for data, expected in ((early + clean, 303), (clean + late, 304)):
        table = open_table(write(tmp_path, "v.txt", data), header_rows=0)
        lines, rows = read_all(table)
        assert len(rows) == expected and lines == list(range(1, expected + 1))
        assert table.problems == []


def test_unclosed_quote_in_a_wide_csv_does_not_swallow_rows(tmp_path: Path) -> None:
    data = "id,a,b,c,text\n1,x,y,z,fine\n2,x,y,z,\"opened, never closed\n3,x,y,z,next\n4,x,y,z,\"ok\"\n"
    table = open_table(write(tmp_path, "a.csv", data))
    lines, rows = read_all(table)
    assert lines == [2, 4, 5]
    assert rows[1:] == [["3", "x", "y", "z", "next"], ["4", "x", "y", "z", "ok"]]
    [problem] = table.problems
    assert (problem.line, problem.raw) == (3, '2,x,y,z,"opened, never closed')


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "a.csv", "sep=;\r\na;b\r\n1;2,5\r\n"))
    assert (table.delimiter, table.columns) == (";", ["a", "b"])
    assert read_all(table) == ([3], [["1", "2,5"]])


def test_stray_nul_and_explicit_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"\xef\xbb\xbfid,text\n1,a\x00b\n")
    table = open_table(path, encoding="utf-8")
    assert table.columns == ["id", "text"]
    assert read_all(table)[1] == [["1", "a\x00b"]]


def test_binary_and_unsupported_files_fail_plainly(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="binary"):
        open_table(write(tmp_path, "junk.csv", bytes(range(256)) * 10))
    with pytest.raises(ImportFailed, match="old Excel .xls"):
        open_table(write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    with pytest.raises(ImportFailed, match="unsupported format"):
        open_table(write(tmp_path, "page.html", "<html><body>hi</body></html>"))
    with pytest.raises(ImportFailed, match="not a readable Excel workbook"):
        open_table(write(tmp_path, "broken.xlsx", b"this is not a workbook"))
    with pytest.raises(ImportFailed, match="file not found"):
        open_table(tmp_path / "missing.csv")


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    assert open_table(write(tmp_path, "export.dump", "a;b\n1;2\n")).format == "csv"
    assert open_table(write(tmp_path, "export.data", '[{"a": 1}]')).format == "json"


def test_preview_and_checksum(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a,b\n" + "".join(f"{i},x\n" for i in range(100)))
    columns, rows = preview(path, n=5)
    assert columns == ["a", "b"] and rows[-1] == ["4", "x"] and len(rows) == 5
    assert file_checksum(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# --- real exports ---------------------------------------------------------------


def independent_count(path: Path, **fmt: object) -> tuple[int, list[int]]:
    """Records after the header, and where each starts, by the csv module alone."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, **fmt)  # type: ignore[arg-type]
        next(reader)
        starts, prev = [], reader.line_num
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
    return len(starts), starts


def test_cfpb_complaints_every_record_accounted_for(external: Path) -> None:
    path = external / "cfpb_complaints_sample" / "complaints_sample.csv"
    table = open_table(path, batch_size=1000)
    lines, rows = read_all(table)
    expected, starts = independent_count(path)
    assert expected == 6623 and len(table.columns) == 18
    assert len(rows) + len(table.problems) + table.blank_records == expected
    assert len(rows) == 6623 and lines == starts
    narrative = table.columns.index("Consumer complaint narrative")
    assert sum(1 for r in rows if r[narrative]) == 1532


@pytest.mark.parametrize(
    ("relative", "records", "delimiter"),
    [
        ("twitter_us_airline_sentiment/Tweets.csv", 14640, ","),
        ("amazon_alexa_reviews/amazon_alexa.tsv", 3150, "\t"),
        ("ucsb_carpentry_workshop_survey/all_workshops.csv", 343, ","),
        # Narrow (3 columns) with multi-paragraph narratives whose lines hold
        # exactly 2 commas: must not be mistaken for swallowed records.
        ("cfpb_narratives_2015/Consumer_Complaints.csv", 3947, ","),
    ],
)
def test_real_exports_match_an_independent_count(external: Path, relative: str, records: int, delimiter: str) -> None:
    path = external / relative
    table = open_table(path)
    assert table.delimiter == delimiter
    _, rows = read_all(table)
    expected, _ = independent_count(path, delimiter=delimiter)
    assert expected == records == len(rows) == len(pd.read_csv(path, sep=delimiter, dtype=str))
    assert table.problems == []


@pytest.mark.parametrize(
    ("relative", "records"),
    [
        ("vader_icwsm2014/tweets_GroundTruth.txt", 4200),
        # These two hold snippets starting with a quote that is never closed.
        ("vader_icwsm2014/amazonReviewSnippets_GroundTruth.txt", 3708),
        ("vader_icwsm2014/nytEditorialSnippets_GroundTruth.txt", 5190),
        ("uci_sentiment_labelled_sentences/imdb_labelled.txt", 1000),  # has NEL characters
    ],
)
def test_headerless_tab_files(external: Path, relative: str, records: int) -> None:
    path = external / relative
    table = open_table(path, header_rows=0)
    assert table.delimiter == "\t" and table.columns[:2] == ["column_1", "column_2"]
    lines, rows = read_all(table)
    frame = pd.read_csv(path, sep="\t", header=None, quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    assert len(rows) == len(frame) == records and table.problems == []
    assert lines == list(range(1, records + 1))
    assert [r[-1] for r in rows[:50]] == [v or None for v in frame.iloc[:50, -1]]
