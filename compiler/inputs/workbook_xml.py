"""What a cell reader does not say about an .xlsx sheet: hidden rows and columns, formulas
and Excel error values, read from the sheet's XML (ECMA-376 Part 1, §18.3.1: ``row``
``hidden``, ``col`` ``hidden``, ``c`` ``t="e"`` and its ``f`` and ``v`` children).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class SheetStructure:
    """0-based row and column indexes (row 0 = sheet row 1)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> "=A2*2"
    bad: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # cell -> (value, expected)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """(13, 2) -> C14."""
    return f"{column_letter(column)}{row + 1}"


def _position(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert match, ref
    column = 0
    for ch in match.group(1):
        column = column * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, column - 1


def read_structures(path: Path) -> dict[str, SheetStructure]:
    """The structure of every worksheet of the workbook at ``path``, by sheet name."""
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        return {name: _structure(archive, part) for name, part in parts.items() if part in archive.namelist()}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    book = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return parts


def _structure(archive: zipfile.ZipFile, part: str) -> SheetStructure:
    out = SheetStructure()
    with archive.open(part) as handle:
        for _, element in etree.iterparse(handle, events=("end",), tag=(f"{_MAIN}row", f"{_MAIN}col", f"{_MAIN}c")):
            tag = element.tag[len(_MAIN) :]
            if tag == "row" and element.get("hidden") in ("1", "true") and element.get("r"):
                out.hidden_rows.add(int(element.get("r")) - 1)
            elif tag == "col" and element.get("hidden") in ("1", "true"):
                out.hidden_columns.update(range(int(element.get("min")) - 1, int(element.get("max"))))
            elif tag == "c":
                _cell(element, out)
            if tag == "row":
                element.clear()
    return out


def _cell(element: etree._Element, out: SheetStructure) -> None:
    formula, value = element.find(f"{_MAIN}f"), element.find(f"{_MAIN}v")
    if formula is None and element.get("t") != "e":
        return
    if element.get("r") is None:
        return
    where = _position(element.get("r"))
    shown = "=" + formula.text if formula is not None and formula.text else "a shared formula"
    if element.get("t") == "e":
        error = value.text if value is not None else "#VALUE!"
        out.bad[where] = (error, f"a value, not the Excel error {error}" + (f" of the formula {shown}" if formula is not None else ""))
    elif value is None or value.text is None:
        out.bad[where] = (shown, "a value, not a formula without a stored result (open and save the workbook in a spreadsheet program, or paste values)")
    else:
        out.formulas[where] = shown
