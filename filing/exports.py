"""Spreadsheet and PDF exports of rosters and statistics.

Spreadsheet formula injection: a cell whose text starts with =, +, -, @ (or a tab or
carriage return) would run as a formula when the file is opened. Every text cell is
written as a string cell with Excel's quote prefix, so "=HYPERLINK(...)" in a name stays
text."""

import io
from decimal import Decimal

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_row(sheet, row_number: int, values) -> None:
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row_number, column=column)
        if isinstance(value, Decimal):
            cell.value = float(value)
            cell.number_format = "0.00"
        elif isinstance(value, (int, float)) or value is None:
            cell.value = value
        else:
            text = str(value)
            cell.value = text
            cell.data_type = "s"  # never "f", whatever the text starts with
            if text.startswith(FORMULA_STARTS):
                cell.quotePrefix = True


def workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """An XLSX file of (title, header, rows) sheets."""
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import Workbook

    # deferred: a heavy library, loaded only when this runs
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        write_row(sheet, 1, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, values in enumerate(rows, 2):
            write_row(sheet, number, values)
        for index, name in enumerate(header, 1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = \
                max(10, len(str(name)) * 2 + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
