"""A package as one workbook (.xlsx): ``package.toml`` and every table as sheets.

Layout (docs/inputs.md, "A package as a workbook"):

- sheet ``package.toml``: the TOML text, one line per row, in column A;
- one sheet per table, named after its CSV file without ``.csv`` (``employment``):
  the header in row 1 from A1, one record per row below, the columns of the CSV table;
- sheet ``README.md`` and sheets whose names begin with ``_`` hold notes and code
  lists; they are not read.

Each cell becomes the text a CSV file would hold (:func:`cell_texts`): numbers in
shortest round-trip form (whole numbers without ``.0``), text as typed. The same
validator as for CSV files (:func:`compiler.inputs.schema.check_table`) then checks
the table, and :meth:`WorkbookSource.locate` renders each message's location as the
sheet and cell (``employment!C14``). Cells that cannot stand for what a CSV file would
hold are input errors: dates, logical values and Excel errors in number or code
columns; formulas without a stored result; merged cells; hidden rows, columns or
sheets (a reviewer of the sheet would not see what is compiled). A formula's stored
result (as last calculated by the spreadsheet program) is used, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from compiler.inputs import tables as t
from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.manifest import FILE as TOML_SHEET
from compiler.inputs.manifest import Manifest, parse_manifest
from compiler.inputs.schema import LINE, TableSchema, check_table
from compiler.inputs.digest import sha256
from compiler.inputs.workbook_xml import SheetStructure, cell_name, column_letter, read_structures

README_SHEET = "README.md"
#: every table a workbook may hold, by sheet name (the job records stay in files)
TABLES: dict[str, TableSchema] = {
    s.name.removesuffix(".csv"): s for s in (*t.ALL_TABLES, *t.OPTIONAL_TABLES) if s is not t.JOB_RECORDS
}
_ENCRYPTED = (b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e", b"EncryptionInfo")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sheet_name(table_file: str) -> str:
    """``employment.csv`` -> ``employment``."""
    return table_file.removesuffix(".csv")


@dataclass
class Sheet:
    """One table sheet as text cells: the header, the rows that hold data, their problems."""

    name: str
    header: list[str]
    frame: pd.DataFrame | None  # text cells and LINE (the sheet row), or None if unreadable
    problems: list[InputError] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)  # cells whose stored formula result was used


class WorkbookSource:
    """A package workbook, read once with python-calamine; picklable after reading."""

    def __init__(self, path: Path, sheets: dict[str, Sheet], toml: list[str] | None, problems: list[InputError]):
        self.path = path
        self.sheets = sheets  # table sheet name -> Sheet
        self.toml = toml  # lines of the package.toml sheet, or None if missing
        self.problems = problems  # workbook-level problems (unknown sheets, hidden sheets …)

    @classmethod
    def open(cls, path: Path) -> WorkbookSource:
        """Read every sheet of the workbook at ``path``; raises InputErrors if it is no workbook."""
        from python_calamine import CalamineWorkbook

        _check_container(path)
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # noqa: BLE001 - calamine's errors: the file is not a readable workbook
            raise InputErrors([InputError(path.name, None, None, None, f"an Excel workbook (.xlsx) that can be read ({type(exc).__name__}: {exc})")]) from None
        try:
            structures = read_structures(path)
            return _read_book(path, book, structures)
        finally:
            book.close()

    # -- the PackageSource interface -------------------------------------------------

    def manifest(self, areas: frozenset[str], sectors: frozenset[str]) -> tuple[Manifest | None, list[InputError]]:
        problems = list(self.problems)
        if self.toml is None:
            return None, problems + [InputError(TOML_SHEET, None, None, None, "a sheet package.toml with the package settings, one TOML line per row in column A (it is missing)")]
        text = "\n".join(self.toml) + "\n"
        manifest, errors = parse_manifest(text.encode("utf-8"), areas, sectors)
        if _labour_input(text) == "microdata":
            errors.append(InputError(TOML_SHEET, None, "package.labour_input", "microdata", "\"occupations\" or \"industry_shares\" in a workbook package (job records stay in files: keep such a package as a folder)"))
            manifest = None
        return manifest, problems + errors

    def read(self, schema: TableSchema, codes: Mapping[str, Collection[str]], years: range | None, label: str) -> tuple[pd.DataFrame | None, list[InputError]]:
        name = sheet_name(schema.name)
        sheet = self.sheets.get(name)
        if sheet is None:
            return None, [InputError(label, None, None, None, f"a sheet {name} in the workbook (it is missing): {schema.description}")]
        problems = [_relabel(p, label) for p in sheet.problems]
        if sheet.frame is None:
            return None, problems
        typed, errors = check_table(sheet.frame.copy(), schema, codes, years, label)
        seen = {(p.row, p.column) for p in problems}
        errors = [e for e in errors if (e.row, e.column) not in seen]  # a bad cell is reported once
        return typed, problems + errors  # as for a CSV file: bad cells are errors, the table is still checked further

    def has(self, name: str) -> bool:
        return sheet_name(name) in self.sheets

    def hashes(self) -> dict[str, str]:
        return {self.path.name: sha256(self.path)}

    def warnings(self) -> list[str]:
        """Formula cells whose stored result was used, one line per sheet."""
        return [
            f"{self.path.name}, {s.name}: {len(s.formulas)} cell(s) hold formulas ({', '.join(s.formulas[:5])}{', ...' if len(s.formulas) > 5 else ''}); "
            "their results as last calculated by the spreadsheet program were used"
            for s in self.sheets.values()
            if s.formulas
        ]

    def locate(self, errors: list[InputError]) -> list[InputError]:
        """Each error with the workbook as its file and the sheet and cell as its location."""
        return [self._locate(e) for e in errors]

    def _locate(self, error: InputError) -> InputError:
        if error.cell is not None:
            return error
        part = error.file.rsplit("/", 1)[-1]
        expected = _sheet_words(error.expected)
        if part == TOML_SHEET:
            row = error.row or _toml_line(self.toml or [], error.column)
            return InputError(self.path.name, row, error.column, error.value, expected, f"{TOML_SHEET}!A{row}" if row else TOML_SHEET)
        name = sheet_name(part)
        if name not in TABLES:  # not a sheet of this workbook
            return InputError(self.path.name, error.row, error.column, error.value, expected, part)
        sheet = self.sheets.get(name)
        header = sheet.header if sheet is not None else []
        return InputError(self.path.name, error.row, error.column, error.value, expected, _cell(name, header, error.row, error.column))


def _labour_input(text: str) -> object:
    try:
        package = tomllib.loads(text).get("package")
    except tomllib.TOMLDecodeError:
        return None  # reported by parse_manifest
    return package.get("labour_input") if isinstance(package, dict) else None


def _check_container(path: Path) -> None:
    """A zip (xlsx) file, not an encrypted (password-protected) or legacy .xls one."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE):
        data = path.read_bytes()
        if any(marker in data for marker in _ENCRYPTED):
            raise InputErrors([InputError(path.name, None, None, None, "a workbook without a password (this one is encrypted: open it in Excel, remove the password under File > Info > Protect Workbook, and save it)")])
        raise InputErrors([InputError(path.name, None, None, None, "an .xlsx workbook (this is an Excel 97-2003 .xls file: save it as .xlsx)")])
    if not zipfile.is_zipfile(path):
        raise InputErrors([InputError(path.name, None, None, None, "a package folder or an Excel workbook (.xlsx); this file is neither")])


def _read_book(path: Path, book, structures: dict[str, SheetStructure]) -> WorkbookSource:
    from python_calamine import SheetVisibleEnum

    problems: list[InputError] = []
    sheets: dict[str, Sheet] = {}
    toml: list[str] | None = None
    for meta in book.sheets_metadata:
        name = meta.name
        if name == README_SHEET or name.startswith("_"):
            continue
        if name != TOML_SHEET and name not in TABLES:
            problems.append(InputError(path.name, None, None, name, f"sheets named package.toml, {', '.join(TABLES)} or README.md (notes go in sheets whose names begin with _)", name))
            continue
        if meta.visible != SheetVisibleEnum.Visible:
            problems.append(InputError(path.name, None, None, name, "a visible sheet (this one is hidden: unhide it, or delete it)", name))
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        merged = book.get_sheet_by_name(name).merged_cell_ranges or []
        structure = structures.get(name, SheetStructure())
        if name == TOML_SHEET:
            toml, more = _toml_lines(path.name, rows, structure)
            problems.extend(more)
        else:
            sheets[name] = read_sheet(name, rows, structure, merged, TABLES[name])
    return WorkbookSource(path, sheets, toml, problems)


def _toml_lines(book: str, rows: list[list], structure: SheetStructure) -> tuple[list[str], list[InputError]]:
    """Column A as TOML lines; anything in other columns is an error."""
    problems = []
    lines = []
    for r, row in enumerate(rows):
        first = row[0] if row else ""
        lines.append(_plain(first))
        for c in np.flatnonzero([v != "" for v in row[1:]]):
            problems.append(InputError(book, r + 1, None, _plain(row[c + 1]), "TOML text in column A only", f"{TOML_SHEET}!{cell_name(r, c + 1)}"))
        if (r, 0) in structure.formulas:
            problems.append(InputError(book, r + 1, None, structure.formulas[r, 0], "TOML text, not a formula", f"{TOML_SHEET}!A{r + 1}"))
    while lines and not lines[-1].strip():
        lines.pop()
    return lines, problems


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(name: str, grid_rows: list[list], structure: SheetStructure, merged: list, schema: TableSchema) -> Sheet:
    """One table sheet as the text frame the validator takes (cells as CSV would hold them)."""
    label = name
    if not grid_rows or not any(v != "" for v in grid_rows[0]):
        empty = not any(any(v != "" for v in r) for r in grid_rows)
        expected = "a header in row 1 from A1 and at least one data row (the sheet is empty)" if empty else "the column names in row 1, from A1"
        return Sheet(name, [], None, [InputError(label, None if empty else 1, None, None, expected)])
    width = max(len(r) for r in grid_rows)
    grid = np.array([list(r) + [""] * (width - len(r)) for r in grid_rows], dtype=object)
    header = [_plain(v).strip() for v in grid[0]]
    used = np.array([(grid[1:, c] != "").any() for c in range(width)], dtype=bool) if len(grid) > 1 else np.zeros(width, bool)
    last = max([c for c in range(width) if header[c] or used[c]], default=-1)
    header = header[: last + 1]
    problems = []
    for c, column in enumerate(header):
        if not column and used[c]:
            first = int(np.flatnonzero(grid[1:, c] != "")[0]) + 2
            problems.append(InputError(label, 1, None, None, f"a column name in {cell_name(0, c)} (the column holds values, e.g. in {cell_name(first - 1, c)})"))
        elif column and header.index(column) != c:
            problems.append(InputError(label, 1, column, column, f"each column once (it is also column {column_letter(header.index(column))})"))
    data = grid[1:, : last + 1]
    keep = np.flatnonzero((data != "").any(axis=1)) if data.size else np.array([], dtype=int)
    if problems:  # no table can be read under an unnamed or repeated column
        return Sheet(name, header, None, problems)
    problems += _structure_problems(label, header, grid, structure, merged)
    kinds = {c.name: c.kind for c in schema.columns}
    cells: dict[str, list[str]] = {}
    for c, column in enumerate(header):
        if not column:  # an empty column between the table's columns
            continue
        texts, bad = cell_texts(data[keep, c], kinds.get(column, "text"))
        cells[column] = texts
        problems.extend(InputError(label, int(keep[i]) + 2, column, _plain(data[keep[i], c]), expected) for i, expected in bad)
    rows = set((keep + 1).tolist())  # 0-based sheet rows holding data
    in_table = {k: v for k, v in structure.bad.items() if k[0] in rows and k[1] < len(header)}
    problems.extend(InputError(label, r + 1, header[c], value, expected) for (r, c), (value, expected) in sorted(in_table.items()))
    formulas = [cell_name(r, c) for (r, c) in sorted(structure.formulas) if r in rows and c < len(header)]
    frame = pd.DataFrame({**cells, LINE: keep + 2})
    if frame.empty:
        problems.append(InputError(label, None, None, None, "at least one data row below the header (the table is empty)"))
        return Sheet(name, header, None, problems)
    return Sheet(name, header, frame, problems, formulas)


def _structure_problems(label: str, header: list[str], grid: np.ndarray, structure: SheetStructure, merged: list) -> list[InputError]:
    """Merged cells and hidden rows or columns within the table's range."""
    width = len(header)
    problems = []
    for (r0, c0), (r1, c1) in merged:
        if c0 < width or any(grid[r0 : r1 + 1, c0 : c1 + 1].ravel() != ""):
            span = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
            problems.append(InputError(label, r0 + 1, header[c0] if c0 < width else None, span, f"cells that are not merged ({span} is merged: unmerge it and give each cell its own value)"))
    for r in sorted(structure.hidden_rows):
        if r < len(grid) and (grid[r, :width] != "").any():
            problems.append(InputError(label, r + 1, None, None, f"visible rows (row {r + 1} is hidden and holds data: unhide it, or delete the row)"))
    for c in sorted(structure.hidden_columns):
        if c < width:
            problems.append(InputError(label, 1, header[c] or None, None, f"visible columns (column {column_letter(c)} is hidden: unhide it, or delete the column)"))
    return problems


def cell_texts(values: np.ndarray, kind: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The text a CSV file would hold for each cell of a column, and the cells that cannot be read.

    Numbers: whole numbers without a decimal point (2020, not 2020.0), others in the
    shortest form that reads back as the same float. Text: stripped, as typed (a number
    stored as text is read as that number, as in a CSV file). Dates and logical values
    are errors in number, year and code columns, and ISO text (dates) or TRUE/FALSE in
    text columns.
    """
    texts: list[str] = []
    bad: list[tuple[int, str]] = []
    wanted = {"year": "a whole-number year", "number": "a number", "code": "a code"}.get(kind)
    for i, value in enumerate(values):
        if isinstance(value, str):
            texts.append(value.strip())
        elif isinstance(value, bool):
            texts.append("TRUE" if value else "FALSE")
            if wanted:
                bad.append((i, f"{wanted}, not the logical value {texts[-1]}"))
        elif isinstance(value, int | float):
            texts.append(_number_text(float(value)))
        elif isinstance(value, dt.date | dt.time | dt.timedelta):
            texts.append(value.isoformat() if not isinstance(value, dt.timedelta) else str(value))
            if wanted:
                bad.append((i, f"{wanted}, not a date or time (format the cell as a number or as text)"))
        else:
            texts.append(str(value))
    return texts, bad


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _relabel(error: InputError, label: str) -> InputError:
    return InputError(label, error.row, error.column, error.value, error.expected, error.cell)


def _cell(sheet: str, header: list[str], row: int | None, column: str | None) -> str:
    """``sheet!C14``, ``sheet!A14:C14`` (several columns), ``sheet!C:C``, ``sheet!14:14`` or ``sheet``."""
    names = re.split(r"[,+]", column) if column else []
    letters = [column_letter(header.index(n)) for n in names if n in header]
    if row is not None and letters:
        return f"{sheet}!{letters[0]}{row}" if len(letters) == 1 else f"{sheet}!{letters[0]}{row}:{letters[-1]}{row}"
    if letters:
        return f"{sheet}!{letters[0]}:{letters[-1]}"
    if row is not None:
        return f"{sheet}!{row}:{row}"
    return sheet


def _sheet_words(expected: str) -> str:
    """``industries.csv`` -> ``sheet industries`` in a message about a workbook."""
    return re.sub(r"\b([a-z_]+)\.csv\b", lambda m: f"sheet {m.group(1)}" if m.group(1) in TABLES else m.group(0), expected)


def _toml_line(lines: list[str], key: str | None) -> int | None:
    """The line of ``section.key`` (or of the ``[section]`` header) in the TOML text."""
    if not key:
        return None
    parts = key.split(".")
    for split in range(len(parts) - 1, 0, -1):
        section, rest = ".".join(parts[:split]), parts[split]
        start = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
        if start is None:
            continue
        for i in range(start + 1, len(lines)):
            text = lines[i].strip()
            if text.startswith("["):
                break
            if re.match(rf"{re.escape(rest)}\s*=", text):
                return i + 1
        return start + 1
    start = next((i for i, line in enumerate(lines) if re.fullmatch(rf"\[{re.escape(key)}(\..*)?\]", line.strip())), None)
    return start + 1 if start is not None else None
