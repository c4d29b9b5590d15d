"""Cells of the spreadsheets we write (XLSX and CSV): text stays text, never a formula.

A title, a name or a note is typed by someone; if it starts with "=" (or "+", "-", "@",
a tab, a carriage return), a spreadsheet opening the file would run it as a formula
(CSV/formula injection). Every XLSX and CSV writer of the application goes through
``xlsx_cell`` or ``csv_cell``; numbers stay numbers.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A CSV cell: text that would be read as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row, each cell through ``csv_cell``."""
    return [csv_cell(value) for value in values]


def xlsx_cell(sheet: Worksheet, row: int, column: int, value: Any = None) -> Cell:
    """Write one cell of an XLSX sheet; text is always a string cell, never a formula.

    openpyxl reads a string that starts with "=" as a formula: here the cell type is set
    to string after the value, and characters XML cannot hold are dropped (they would
    make openpyxl refuse the whole file). Numbers and dates are written as they are;
    ``None`` leaves the cell as it is.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    elif value is not None:
        cell.value = value
    return cell
