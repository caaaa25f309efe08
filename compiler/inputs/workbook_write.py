"""Write a package workbook with XlsxWriter (the layout of :mod:`compiler.inputs.workbook`).

Number and year columns are written as numbers, codes and text as text (so ``0110``
keeps its zero). Each header cell carries a note with the column's description, unit
and allowed codes; coded columns get a data validation list (industries and
occupations from their sheets, fixed code lists from the ``_codes`` sheet); number
columns get their documented range; the header row is frozen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import xlsxwriter

from compiler.inputs.load import fixed_code_sets
from compiler.inputs.manifest import FILE as TOML_SHEET
from compiler.inputs.schema import Column, TableSchema
from compiler.inputs.workbook import README_SHEET, TABLES
from compiler.inputs.workbook_xml import column_letter

CODES_SHEET = "_codes"
_LAST_ROW = 1_048_576
#: coded columns whose allowed values are a column of another table sheet
_FROM_SHEETS = {"industries": ("industries", "industry"), "occupations": ("occupations", "occupation")}


def write_workbook(path: Path, toml_text: str, tables: Mapping[str, pd.DataFrame], readme: str | None = None) -> None:
    """Write ``package.toml``, the tables (sheet name -> text frame, header order kept) and a README sheet."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    formats = {"header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}), "toml": book.add_format({"font_name": "Consolas"})}
    _write_lines(book.add_worksheet(TOML_SHEET), toml_text, formats["toml"], width=110)
    lists = _code_lists(tables)
    for name, frame in tables.items():
        _write_table(book.add_worksheet(name), TABLES[name], frame, formats["header"], lists, tables)
    if readme is not None:
        _write_lines(book.add_worksheet(README_SHEET), readme, None, width=120)
    _write_code_lists(book.add_worksheet(CODES_SHEET), lists, formats["header"])
    book.close()


def _write_lines(sheet, text: str, fmt, width: int) -> None:
    sheet.set_column(0, 0, width, fmt)
    for row, line in enumerate(text.rstrip("\n").split("\n")):
        if line:
            sheet.write_string(row, 0, line)


def _code_lists(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The fixed code lists that the coded columns of ``tables`` use, each sorted."""
    fixed = fixed_code_sets()
    wanted = {c.codes for name in tables for c in TABLES[name].columns if c.codes in fixed}
    return {key: sorted(fixed[key]) for key in sorted(wanted)}


def _write_code_lists(sheet, lists: Mapping[str, list[str]], header) -> None:
    for c, (key, values) in enumerate(lists.items()):
        sheet.write_string(0, c, key, header)
        for r, value in enumerate(values, start=1):
            sheet.write_string(r, c, value)
        sheet.set_column(c, c, max(12, len(key) + 2))


def _write_table(sheet, schema: TableSchema, frame: pd.DataFrame, header, lists: Mapping[str, list[str]], tables: Mapping[str, pd.DataFrame]) -> None:
    known = {c.name: c for c in schema.columns}
    for c, name in enumerate(frame.columns):
        column = known.get(name)
        sheet.write_string(0, c, name, header)
        sheet.write_comment(0, c, _note(column, name), {"x_scale": 2.2, "y_scale": 1.6})
        sheet.set_column(c, c, max(10, min(60, len(name) + 4, 4 + max((len(v) for v in frame[name]), default=0))))
        numeric = column is not None and column.kind in ("number", "year")
        for r, text in enumerate(frame[name].tolist(), start=1):
            _write_cell(sheet, r, c, text, numeric)
        if column is not None:
            _validate(sheet, c, column, lists, tables)
    sheet.freeze_panes(1, 0)


def _write_cell(sheet, row: int, col: int, text: str, numeric: bool) -> None:
    if text == "":
        return
    if numeric:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and text.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
            sheet.write_number(row, col, value)
            return
    sheet.write_string(row, col, text)


def _note(column: Column | None, name: str) -> str:
    if column is None:
        return f"{name}: free text, not read by datasat (source, note)"
    parts = [f"{name}: {column.description}"]
    if column.unit:
        parts.append(f"unit: {column.unit}")
    if column.codes:
        parts.append(f"codes: {column.codes}")
    parts.append("required" if column.required else "optional column")
    return "\n".join(parts)


def _validate(sheet, col: int, column: Column, lists: Mapping[str, list[str]], tables: Mapping[str, pd.DataFrame]) -> None:
    letter = column_letter(col)
    cells = f"{letter}2:{letter}{_LAST_ROW}"
    if column.codes in lists:
        index = list(lists).index(column.codes)
        end = len(lists[column.codes]) + 1
        ref = f"={CODES_SHEET}!${column_letter(index)}$2:${column_letter(index)}${end}"
        sheet.data_validation(cells, {"validate": "list", "source": ref, "error_title": column.name, "error_message": f"a code of {column.codes}"})
    elif column.codes in _FROM_SHEETS and _FROM_SHEETS[column.codes][0] in tables:
        other, key = _FROM_SHEETS[column.codes]
        frame = tables[other]
        if key in frame.columns:
            kc = column_letter(list(frame.columns).index(key))
            ref = f"={other}!${kc}$2:${kc}${_LAST_ROW}"
            sheet.data_validation(cells, {"validate": "list", "source": ref, "error_title": column.name, "error_message": f"a code of the sheet {other}"})
    elif column.kind in ("number", "year") and (column.minimum is not None or column.maximum is not None):
        low = column.minimum if column.minimum is not None else -1e300
        high = column.maximum if column.maximum is not None else 1e300
        sheet.data_validation(cells, {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": high, "error_title": column.name, "error_message": f"a number from {low:g} to {high:g}"})
    elif column.kind == "year":
        sheet.data_validation(cells, {"validate": "integer", "criteria": "between", "minimum": 1900, "maximum": 2100, "error_title": column.name, "error_message": "a whole-number year"})
