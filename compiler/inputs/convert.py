"""``datasat convert SRC DST``: a CSV package folder to a workbook and back.

The round trip keeps every table (same columns, same cells; numbers as the same
floats, written in shortest form), the ``package.toml`` text line by line (comments
too) and ``README.md``. Conversion does not validate the package (``datasat validate``
does); it refuses what a workbook cannot hold (job records, ``national_accounts.xml``)
and cells it cannot carry over unchanged. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import pandas as pd

from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.manifest import FILE as TOML_FILE
from compiler.inputs.schema import LINE, _decode, _parse
from compiler.inputs.source import WORKBOOK_SUFFIXES
from compiler.inputs.workbook import README_SHEET, TABLES, WorkbookSource
from compiler.inputs.workbook_write import write_workbook

#: files of a folder package that a workbook cannot hold
_FOLDER_ONLY = ("national_accounts.xml",)


def convert(src: Path, dst: Path, force: bool = False) -> str:
    """Convert ``src`` (folder or workbook) to ``dst`` (the other form); return what was done."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and not force:
        raise InputErrors([InputError(str(dst), None, None, None, "a destination that does not exist yet (use --force to replace it)")])
    if src.is_dir():
        if dst.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise InputErrors([InputError(str(dst), None, None, None, "a workbook name ending in .xlsx (the source is a folder)")])
        tables = folder_to_workbook(src, dst)
        return f"{src} -> {dst}: package.toml and {len(tables)} table(s) as sheets ({', '.join(tables)})"
    if src.is_file():
        tables, warnings = workbook_to_folder(src, dst)
        return "\n".join([f"{src} -> {dst}/: package.toml and {len(tables)} table(s) as CSV files", *warnings])
    raise InputErrors([InputError(str(src), None, None, None, "a package folder or a package workbook (.xlsx) to convert")])


def folder_to_workbook(src: Path, dst: Path) -> list[str]:
    """Write the folder package ``src`` as the workbook ``dst``; the sheet names written."""
    prefix = src.name + "/"
    errors: list[InputError] = []
    toml = _toml_text(src, prefix, errors)
    errors += [InputError(prefix + name, None, None, None, "a folder package: a workbook cannot hold this file (keep the package as a folder)") for name in _FOLDER_ONLY if (src / name).exists()]
    tables: dict[str, pd.DataFrame] = {}
    for sheet, schema in TABLES.items():
        path = src / schema.name
        if not path.is_file():
            continue
        text, problems = _decode(path, prefix + schema.name)
        frame, more = _parse(text, prefix + schema.name) if text is not None else (None, [])
        errors += problems + more
        if frame is not None:
            tables[sheet] = frame.drop(columns=[LINE])
    if errors:
        raise InputErrors(errors)
    readme = (src / "README.md").read_text(encoding="utf-8") if (src / "README.md").is_file() else None
    atomic_file(dst, lambda path: write_workbook(path, toml, tables, readme))
    return list(tables)


def _toml_text(src: Path, prefix: str, errors: list[InputError]) -> str:
    path = src / TOML_FILE
    if not path.is_file():
        errors.append(InputError(prefix + TOML_FILE, None, None, None, "a package.toml file in the package folder (it is missing)"))
        return ""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        errors.append(InputError(prefix + TOML_FILE, None, None, None, f"UTF-8 text in valid TOML ({exc})"))
        return ""
    if isinstance(data.get("package"), dict) and data["package"].get("labour_input") == "microdata":
        errors.append(InputError(prefix + TOML_FILE, None, "package.labour_input", "microdata", "a package without job records (they stay in files: keep such a package as a folder)"))
    return text


def workbook_to_folder(src: Path, dst: Path) -> tuple[list[str], list[str]]:
    """Write the workbook package ``src`` as the folder ``dst``; the CSV files written, and
    warnings (formula cells, whose stored results are written as values)."""
    source = WorkbookSource.open(src)
    errors = list(source.problems)
    if source.toml is None:
        errors.append(InputError(src.name, None, None, None, "a sheet package.toml (it is missing)", TOML_FILE))
    for name, sheet in source.sheets.items():
        errors += source.locate([InputError(f"{src.name}/{name}.csv", e.row, e.column, e.value, e.expected, e.cell) for e in sheet.problems])
    if errors:
        raise InputErrors(errors)
    if dst.exists() and not dst.is_dir():
        raise InputErrors([InputError(str(dst), None, None, None, "a folder to write the package into (it is a file)")])
    readme = _readme(src)

    def write(stage: Path) -> None:
        (stage / TOML_FILE).write_text("\n".join(source.toml or []) + "\n", encoding="utf-8")
        for name, sheet in source.sheets.items():
            assert sheet.frame is not None
            (stage / TABLES[name].name).write_bytes(csv_bytes(sheet.frame.drop(columns=[LINE])))
        if readme is not None:
            (stage / "README.md").write_text(readme, encoding="utf-8")

    atomic_folder(dst, write)
    return [TABLES[name].name for name in source.sheets], [f"warning: {w} (written as values)" for w in source.warnings()]


def _readme(src: Path) -> str | None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(src))
    try:
        if README_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(README_SHEET).to_python(skip_empty_area=False)
    finally:
        book.close()
    lines = [str(r[0]) if r else "" for r in rows]
    return "\n".join(lines).rstrip("\n") + "\n"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV: comma-separated, quoted only where needed, "\\n" line ends, UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(frame.columns))
    writer.writerows(frame.itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def atomic_file(dst: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``dst``, then move it into place."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent)
    os.close(handle)
    try:
        write(Path(name))
        os.replace(name, dst)
    finally:
        if os.path.exists(name):
            os.remove(name)


def atomic_folder(dst: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary folder beside ``dst``, then rename it to ``dst``
    (a folder ``dst`` that exists, with --force, is replaced as a whole)."""
    dst = dst.absolute()
    dst.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent))
    old = dst.with_name(f".{dst.name}.{os.getpid()}.old")
    try:
        write(stage)
        if dst.exists():
            os.rename(dst, old)
        os.rename(stage, dst)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
