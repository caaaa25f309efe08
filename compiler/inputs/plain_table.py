"""The common path of reading a CSV table: a plain, valid file checked column by column.

Most tables of a bulk run are plain (no quotes, no blank lines, no control characters,
every line with the header's number of commas) and valid. :func:`read_plain` reads such a
file with pyarrow's CSV reader, every column as text, and runs each check of
:func:`compiler.inputs.schema.check_table` as one vectorised operation per column (blank,
number, bound, whole year, year span, code, length, repeated key), with no Python call per
cell. It returns ``None`` as soon as the file is not plain or any of those checks fails:
the exact reader then reads the file again and words every message. So every message
comes from one implementation whichever path a table takes, and a plain valid table gives
the same typed table on both (tests/test_plain_table.py).

Numbers: pandas parses text with its own ``precise_xstrtod``; pyarrow's cast is correctly
rounded. They agree whenever the digits form an integer below 2**53 and the power of ten
is at most 22 (one correctly rounded product or quotient of two exact doubles), so a
column is cast by pyarrow only when every cell is a plain decimal of at most 15 digits
without exponent and none is a negative zero (pandas reads ``-0`` as +0 in a column of
integers); other columns are parsed exactly as the exact reader does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from compiler.inputs.errors import InputError
from compiler.inputs.schema import (
    LINE, MAX_NOTE, MAX_TEXT, NOTE_COLUMNS, YEARS, Column, TableSchema,
    allowed_years, check_header, check_years, header_problem, parse_numbers, repeats,
)

#: bytes that make a file not plain: C0 controls but the line feed, DEL
_NOT_PLAIN_BYTES = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
#: C1 controls (U+0080-U+009F) and the Unicode line and paragraph separators, as UTF-8
#: (``str.splitlines`` breaks lines there, so the exact reader's line numbers would differ)
_NOT_PLAIN_UNICODE = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")
#: a whole cell in quotes, holding no quote and no line break: pandas and pyarrow read it alike
_QUOTED = re.compile(rb'(?:^|(?<=,))"[^"\n]*"(?=,|\n|$)', re.MULTILINE)
#: characters of a plain number cell: pyarrow and pandas read the same decimal (module note)
_NUMBER_BYTES = b"0123456789+-."
_MAX_NUMBER_LENGTH = 15


def read_plain(
    raw: bytes, schema: TableSchema, codes: Mapping[str, Collection[str] | None], years: range | None, name: str
) -> tuple[pd.DataFrame, list[InputError]] | None:
    """The typed table and the year-coverage errors of a plain valid file; ``None`` otherwise.

    ``raw`` is the file's bytes, already known to be UTF-8 text without a byte-order mark.
    """
    header = _plain_header(raw, schema, name)
    if header is None:
        return None
    cells = _arrow_cells(raw, header)
    if cells is None or not _texts_fit(cells):
        return None
    if any(c.kind == "year" and c.name not in cells for c in schema.columns):
        return None  # no schema has an optional year column: left to the exact reader
    typed = _typed_columns(cells, schema, codes, allowed_years(schema, years))
    if typed is None:
        return None
    frame = _frame(cells, typed, schema)
    if repeats(frame, list(schema.key)):
        return None
    if years is not None and schema.complete_years_by is not None and "year" in frame:
        return frame, check_years(frame, schema.complete_years_by, years, name)
    return frame, []


def _plain_header(raw: bytes, schema: TableSchema, name: str) -> list[str] | None:
    """The stripped column names of a plain file whose header is right, else ``None``."""
    if raw.translate(None, _NOT_PLAIN_BYTES) != raw or raw.startswith(b"\n") or b"\n\n" in raw:
        return None
    if not raw.isascii() and _NOT_PLAIN_UNICODE.search(raw):
        return None
    first = raw.split(b"\n", 1)[0]
    if b'"' in first or (b'"' in raw and b'"' in _QUOTED.sub(b"", raw)):
        return None  # a quote anywhere but around a whole cell, or in the header
    header = first.decode("utf-8").split(",")
    names = [h.strip() for h in header]
    if len(names) < 2 or "" in names or header_problem(header, name) is not None:
        return None
    if check_header(names, schema, name):
        return None
    return names


def _arrow_cells(raw: bytes, names: list[str]) -> dict[str, pa.Array] | None:
    """Every column as stripped text (pandas' ``str.strip`` is Arrow's ``utf8_trim_whitespace``)."""
    dummy = [f"c{i}" for i in range(len(names))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(column_names=dummy, skip_rows=1, use_threads=False, block_size=1 << 26),
            parse_options=pacsv.ParseOptions(quote_char='"', double_quote=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.large_string() for c in dummy}, strings_can_be_null=False),
        )
    except pa.ArrowInvalid:  # a line with another number of fields: the exact reader says which
        return None
    if table.num_rows == 0:
        return None
    columns = {n: table.column(d).combine_chunks() for n, d in zip(names, dummy)}
    if raw.isascii() and b" " not in raw:
        return columns  # no whitespace at all (control characters are excluded already)
    return {n: pc.utf8_trim_whitespace(values) for n, values in columns.items()}


def _texts_fit(cells: Mapping[str, pa.Array]) -> bool:
    """No cell longer than its column allows (control characters are excluded already)."""
    for column, values in cells.items():
        limit = MAX_NOTE if column in NOTE_COLUMNS else MAX_TEXT
        _, lengths = _bytes(values)  # bytes >= characters: count characters only if needed
        if lengths.max() > limit and pc.max(pc.utf8_length(values)).as_py() > limit:
            return False
    return True


def _typed_columns(
    cells: Mapping[str, pa.Array], schema: TableSchema, codes: Mapping[str, Collection[str] | None], years: range | None
) -> dict[str, np.ndarray] | None:
    """Numbers of the number and year columns present, if every checked cell is valid; else ``None``."""
    typed: dict[str, np.ndarray] = {}
    for column in schema.columns:
        values = cells.get(column.name)
        if values is None:
            continue  # absent: filled with its default, not checked
        if pc.any(pc.equal(values, "")).as_py():
            return None
        if column.kind in ("number", "year"):
            numbers = _valid_numbers(values, column, years)
            if numbers is None:
                return None
            typed[column.name] = numbers
        elif column.kind == "code" and column.codes is not None:
            allowed = codes[column.codes]
            if allowed is None or not pc.all(pc.is_in(values, value_set=pa.array(list(allowed), pa.large_string()))).as_py():
                return None
    return typed


def _valid_numbers(values: pa.Array, column: Column, years: range | None) -> np.ndarray | None:
    """The cells as doubles if all are finite and allowed (bounds, whole years in the span)."""
    numbers = _parsed(values)
    if not np.isfinite(numbers).all():
        return None
    if column.kind == "year":
        first, last = (years.start, years.stop - 1) if years is not None else YEARS
        plausible = (numbers >= YEARS[0] - 1) & (numbers <= YEARS[1])
        ok = (numbers == np.round(numbers)) & (numbers >= first) & (numbers <= last) & plausible
    else:
        low, high = column.bounds()
        ok = (numbers >= low) & (numbers <= high)
    return numbers if ok.all() else None


def _parsed(values: pa.Array) -> np.ndarray:
    """Doubles equal to the exact reader's (:func:`compiler.inputs.schema.parse_numbers`), see the module note."""
    data, lengths = _bytes(values)
    if lengths.max() <= _MAX_NUMBER_LENGTH and not data.tobytes().translate(None, _NUMBER_BYTES):
        try:
            numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:  # not a number, as the exact reader says
            numbers = None
        if numbers is not None and not (np.signbit(numbers) & (numbers == 0)).any():
            return numbers
    return parse_numbers(pd.Series(values, dtype="str"))


def _bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of all cells of a (large) string array, and each cell's length in bytes."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset : values.offset + len(values) + 1]
    buffer = values.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8)[offsets[0] : offsets[-1]] if buffer is not None else np.zeros(0, np.uint8)
    return data, np.diff(offsets)


def _frame(cells: Mapping[str, pa.Array], typed: Mapping[str, np.ndarray], schema: TableSchema) -> pd.DataFrame:
    """The table as the exact reader types it: file columns, the line, then absent columns' defaults."""
    n_rows = len(next(iter(cells.values())))
    out: dict[str, object] = {}
    for column, values in cells.items():
        out[column] = typed[column] if column in typed else pd.Series(values, dtype="str")
    out[LINE] = np.arange(2, n_rows + 2, dtype=np.int64)  # no blank line, no line break in a cell
    for column in schema.columns:
        if column.name not in cells:
            out[column.name] = _default(column, n_rows)
    frame = pd.DataFrame(out)
    for column in schema.columns:
        if column.kind == "year" and column.name in cells:
            frame[column.name] = frame[column.name].astype("Int64")
    return frame


def _default(column: Column, n_rows: int) -> pd.Series | np.ndarray:
    """An absent text or number column as the exact reader fills and types it (``_add_defaults``, ``_typed``)."""
    text = "" if column.default is None else str(column.default)
    if column.kind != "number":
        return pd.Series([text] * n_rows, dtype="str")
    return np.full(n_rows, _default_number(text, column.default))


@cache
def _default_number(text: str, default: float | str | None) -> float:
    """The number an absent column's default text types to (NaN when it has none)."""
    value = parse_numbers(pd.Series([text], dtype="str"))[0]
    if not np.isfinite(value):
        return np.nan if default is None else float(default)
    return float(value)
