"""The shared CSV reader and writer (issue 25, cases 3 and 9)."""

import csv
import io

import pandas as pd
import pytest

from vnpress.util import csvio

MANIFEST = ("file,title,outlet,published\n"
            "001.txt,\"Lễ ký Công ước Hà Nội, ngày đầu\",VTV,2025-10-25\n"
            "002.txt,\"Tiêu đề có dấu ngoặc lạc,Thanh Niên,2025-10-26\n"
            "003.txt,Bộ trưởng Công an ký thay mặt Việt Nam,\"Nhân Dân\",2025-10-25\n"
            "004.txt,\"Hai dòng\ntrong một ô\",Dân trí,2025-10-27\n")


def test_a_stray_quote_costs_one_line_and_is_reported_with_its_line():
    header, rows, problems = csvio.read_rows(MANIFEST, "manifest.csv")
    assert header == ["file", "title", "outlet", "published"]
    by_file = {row["file"]: row for _, row in rows}
    assert list(by_file) == ["001.txt", "002.txt", "003.txt", "004.txt"]
    assert by_file["002.txt"]["outlet"] == "Thanh Niên" and by_file["002.txt"]["published"] == "2025-10-26"
    assert by_file["003.txt"]["outlet"] == "Nhân Dân"
    assert by_file["004.txt"]["title"] == "Hai dòng\ntrong một ô"  # a quoted line break is not a problem
    assert [(where, level) for where, level, _ in problems] == [("manifest.csv:3", "warning")]
    assert [line for line, _ in rows] == [2, 3, 4, 5]


def test_the_standard_reader_loses_the_rows_that_csvio_keeps():
    """The failure of case 3 as Python's csv module shows it: everything after the stray quote is one title."""
    rows = list(csv.DictReader(io.StringIO(MANIFEST)))
    assert len(rows) < 4


def test_a_field_over_128_kb_is_read():
    body = "Công ước Hà Nội về chống tội phạm mạng. " * 5000
    _, rows, problems = csvio.read_rows(f"id,text\nx,\"{body}\"\n", "big.csv")
    assert rows[0][1]["text"] == body and not problems


def test_extra_fields_are_reported_and_missing_ones_are_empty():
    _, rows, problems = csvio.read_rows("a,b\n1,2,3\n4\n", "x.csv")
    assert [r for _, r in rows] == [{"a": "1", "b": "2"}, {"a": "4", "b": ""}]
    assert problems[0][0] == "x.csv:2" and "3 fields for 2 columns" in problems[0][2]


def test_written_cells_cannot_become_formulas_and_read_back_as_written(tmp_path):
    df = pd.DataFrame({"article_id": ["=HYPERLINK(\"http://x\",\"bấm\")", "d001"],
                       "sentence": ["- Chúng tôi ủng hộ Công ước.", "+ Việt Nam ký."],
                       "count": [-3, 4]})
    path = tmp_path / "t.csv"
    csvio.write_csv(df, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet programs
    _, rows, _ = csvio.read_file(path)
    cells = [cell for _, row in rows for cell in row.values()]
    assert not any(cell.startswith(csvio.FORMULA_LEADS) for cell in cells if not cell.lstrip("-").isdigit())
    assert [csvio.unquote_cell(row["sentence"]) for _, row in rows] == list(df["sentence"])
    assert csvio.unquote_cell(rows[0][1]["article_id"]) == df["article_id"][0]
    assert [row["count"] for _, row in rows] == ["-3", "4"]  # numbers stay numbers
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    csvio.write_csv(pd.DataFrame({"a": ["cũ"]}), path)
    before = path.read_bytes()

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(OSError):
        csvio.write_csv(pd.DataFrame({"a": ["mới"]}), path)
    assert path.read_bytes() == before and not list(tmp_path.glob(".*.tmp"))
