"""One Excel workbook per country: every table of its page on a sheet of its own.

Each sheet opens with the table's title, its unit, the provenance note (when the
figures rest on calibrated or illustrative inputs) and the source; then the header
rows and the figures as numbers with the published decimals (a cell format per
DECIMALS), never as text; then the notes. A first sheet, "About", holds the key
figures, the method in words, the references and the input checksums. Written with
XlsxWriter; deterministic (fixed document properties) so that the same inputs give the
same file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import xlsxwriter

from compiler import __version__
from compiler.outputs.html.headline import Headline
from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.method_text import MethodItem
from compiler.outputs.html.model import TableView

SHEET_CHARS = 31  # Excel's limit on sheet names


def sheet_name(index: int, view: TableView, used: set[str]) -> str:
    """``"T3 gfcf-asset"``: short, unique, without the characters Excel forbids."""
    name = re.sub(r"[\[\]:*?/\\]", "-", f"T{index} {view.id}")[:SHEET_CHARS]
    while name in used:
        name = name[: SHEET_CHARS - 1] + "+"
    used.add(name)
    return name


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.muted = book.add_format({"font_color": "#555555", "text_wrap": False})
        self.status = book.add_format({"bold": True, "font_color": "#8a3b00"})
        self.head = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1, "align": "center", "text_wrap": True, "valign": "bottom"})
        self.stub = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
        self.group = book.add_format({"bold": True, "bg_color": "#E3EAF2"})
        self.text = book.add_format({})
        self.numbers: dict[int, object] = {}

    def number(self, decimals: int):
        if decimals not in self.numbers:
            pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
            self.numbers[decimals] = self.book.add_format({"num_format": pattern})
        return self.numbers[decimals]


def _write_table(sheet, view: TableView, fmt: _Formats) -> None:
    """Title, unit, provenance, source, header, body, notes."""
    row = 0
    sheet.write(row, 0, view.title, fmt.title)
    row += 1
    if view.unit:
        sheet.write(row, 0, f"Unit: {view.unit}", fmt.muted)
        row += 1
    if view.status_note:
        sheet.write(row, 0, f"{view.status.capitalize()}: {view.status_note}", fmt.status)
        row += 1
    if view.source:
        sheet.write(row, 0, f"Source: {view.source}", fmt.muted)
        row += 1
    row += 1
    header = view.header
    top = row
    taken: set[tuple[int, int]] = set()  # cells covered by a merged cell from a row above
    for level, cells in enumerate(header):
        col = 0
        for cell in cells:
            while (top + level, col) in taken:
                col += 1
            first_row, last_row, last_col = top + level, top + level + cell.rowspan - 1, col + cell.colspan - 1
            style = fmt.stub if col == 0 else fmt.head
            if first_row != last_row or col != last_col:
                sheet.merge_range(first_row, col, last_row, last_col, cell.label, style)
            else:
                sheet.write(first_row, col, cell.label, style)
            taken |= {(r, c) for r in range(first_row + 1, last_row + 1) for c in range(col, last_col + 1)}
            col = last_col + 1
    row = top + len(header)
    sheet.freeze_panes(row, 1)
    for group in view.groups:
        if group.label:
            sheet.write(row, 0, group.label, fmt.group)
            row += 1
        for r in group.rows:
            label = f"{r.label} ({r.code})" if r.code else r.label
            sheet.write_string(row, 0, ("   " * r.level) + label, fmt.text)
            col = 1
            for text in r.texts:
                sheet.write_string(row, col, text)
                col += 1
            for value, decimals in zip(r.values, r.decimals):
                if r.fill:
                    sheet.write_string(row, col, r.fill)
                elif value is not None and math.isfinite(value):
                    sheet.write_number(row, col, float(value), fmt.number(int(decimals)))
                else:
                    sheet.write_string(row, col, "–")
                col += 1
            row += 1
    row += 1
    for number, note in enumerate(view.notes, start=1):
        sheet.write(row, 0, f"{number}. {note}", fmt.muted)
        row += 1
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, max(1, len(view.columns)), 12)


def _write_about(sheet, meta: PackageMeta, headline: Headline | None, method: Sequence[MethodItem], references: Sequence[str], generated: str, fmt: _Formats) -> None:
    lines: list[tuple[str, object]] = [(f"{meta.name}: satellite account for data assets, {meta.first_year}–{meta.last_year}", fmt.title),
                                       (f"Experimental statistics, prepared {generated} with datasat {__version__}. Low and high bound.", fmt.muted), ("", None)]
    if headline is not None:
        lines += [("Key figures", fmt.title)]
        if headline.status_note:
            lines.append((f"{headline.status.capitalize()}: {headline.status_note}", fmt.status))
        lines += [(f"{f.label}: {f.value}" + (f" ({f.detail})" if f.detail else ""), None) for f in headline.figures]
        lines += [(" ".join(headline.sentences), None), ("", None)]
    lines += [("Method", fmt.title)] + [(f"{m.term}: {m.text}", None) for m in method] + [("", None), ("Sources", fmt.title)]
    lines += [(r, None) for r in references] + [("", None), ("Inputs (SHA-256)", fmt.title)]
    lines += [(f"{name}  {digest}", fmt.muted) for name, digest in meta.files.items()]
    for row, (text, style) in enumerate(lines):
        if text:
            sheet.write_string(row, 0, text, style) if style else sheet.write_string(row, 0, text)
    sheet.set_column(0, 0, 120)


def write_workbook(path: Path, meta: PackageMeta, tables: Sequence[TableView], headline: Headline | None, method: Sequence[MethodItem],
                   references: Sequence[str], generated: str) -> int:
    """Write the country's workbook; return the number of table sheets."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    when = datetime.strptime(generated, "%Y-%m-%d").replace(tzinfo=timezone.utc) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", generated) else datetime(2000, 1, 1, tzinfo=timezone.utc)
    book.set_properties({"title": f"{meta.name}: satellite account for data assets", "author": "datasat", "created": when.replace(tzinfo=None),
                         "comments": f"datasat {__version__}"})
    fmt = _Formats(book)
    _write_about(book.add_worksheet("About"), meta, headline, method, references, generated, fmt)
    used = {"About"}
    for index, view in enumerate(tables, start=1):
        _write_table(book.add_worksheet(sheet_name(index, view, used)), view, fmt)
    book.close()
    return len(tables)
