"""Reading and writing the tables people exchange with spreadsheets: CSV (UTF-8, UTF-8 with BOM, or
GBK/GB18030 as Chinese Excel and WPS save it) and XLSX. Imports use `read_table`; exports describe
their layout as an `Export` (each app's `exports.py`) and answer with `Export.response`.

Every export writes text inertly (the OWASP CSV-injection rule): text starting with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading `'`, so that no spreadsheet runs it as a formula, and XLSX
text cells are strings, never formulas. Numbers and dates stay typed. Reading a file back drops that
one quote again (a quote followed by one of those characters), so an exported roster or test script
imports as it was: "-Li" is written as "'-Li" and read as "-Li".
"""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INERT_PREFIX = "'"


class TableError(ValueError):
    """The file as a whole cannot be read (not a row problem): wrong type, encoding, no header…"""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the user sees it, column → text)

    def require(self, columns: Iterable[str]) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise TableError(
                _("Missing columns: %(columns)s. The first row must name the columns; download the template.")
                % {"columns": ", ".join(missing)}
            )


def _normalise(name) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith(INERT_PREFIX) and text[1:2] in FORMULA_STARTS:
        return text[1:].strip()  # the quote an export added
    return text


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is not readable text: save it as CSV UTF-8 or as an Excel workbook (.xlsx)."))


def _rows_from_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise TableError(_("The file is not readable text: save it as CSV UTF-8 or as an Excel workbook (.xlsx)."))
    # Only the delimiter is guessed: a sniffed quote character would take the quote an export puts
    # before formula-like text ("'-Li") for a quoting character.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [row for row in csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)]
    except csv.Error as error:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError(_("The Excel file cannot be opened; it may be damaged or not an .xlsx file.")) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(data: bytes, *, filename: str) -> Table:
    """Read the first sheet (or the CSV) into a header of normalised column names and numbered rows.

    Row numbers are those a spreadsheet shows: the header is row 1. Blank rows are skipped.
    """
    if not data:
        raise TableError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _rows_from_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        raw = _rows_from_csv(data)
    else:
        raise TableError(_("Upload a .csv or .xlsx file."))
    numbered = [(n, row) for n, row in enumerate(raw, start=1) if any(_cell(v) for v in row)]
    if not numbered:
        raise TableError(_("The file is empty."))
    header_row = numbered[0][1]
    header = [_normalise(c) for c in header_row]
    while header and not header[-1]:
        header.pop()
    duplicates = sorted({c for c in header if c and header.count(c) > 1})
    if duplicates:
        raise TableError(_("Column named twice: %(columns)s.") % {"columns": ", ".join(duplicates)})
    rows = []
    for number, row in numbered[1:]:
        cells = [_cell(v) for v in row]
        if len([c for c in cells[len(header) :] if c]):
            raise TableError(_("Row %(row)s has more cells than the header has columns.") % {"row": number})
        rows.append((number, {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col}))
    return Table(header=[c for c in header if c], rows=rows)


def inert(text: str) -> str:
    """The text as a spreadsheet shows it without ever running it as a formula."""
    return INERT_PREFIX + text if text.startswith(FORMULA_STARTS) else text


def _typed(value):
    """A cell's value for the file: numbers and dates as they are, everything else as inert text."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal | datetime.date | datetime.time):
        return value
    return inert(str(value))


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    value = _typed(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    # openpyxl reads a string starting with "=" as a formula; the cell's type is set after the value.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def table_bytes(*, header: Sequence[str], rows: Iterable[Sequence], file_format: str) -> bytes:
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([_xlsx_cell(sheet, str(h)) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(str(h)) for h in header])
    writer.writerows([[str(_typed(v)) for v in row] for row in rows])
    # A BOM so that Excel, Chinese Excel and WPS open the UTF-8 file with the right characters.
    return buffer.getvalue().encode("utf-8-sig")


def table_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence], file_format: str) -> HttpResponse:
    """An attachment download of the table as CSV or XLSX; `filename` has no extension."""
    if file_format not in ("csv", "xlsx"):
        file_format = "csv"
    content_type = XLSX_MIME if file_format == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(table_bytes(header=header, rows=rows, file_format=file_format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@dataclass
class Export:
    """A download's layout: its file name (without extension), column titles and rows."""

    filename: str
    header: Sequence[str]
    rows: Iterable[Sequence]

    def response(self, *, file_format: str) -> HttpResponse:
        return table_response(filename=self.filename, header=self.header, rows=self.rows, file_format=file_format)
