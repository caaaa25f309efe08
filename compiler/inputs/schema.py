"""Table schemas and the exact CSV reader that checks a table against its schema.

Every problem becomes an :class:`InputError` naming file, line, column, value and what
was expected; the reader collects them all instead of stopping at the first. Line
numbers are those of a text editor (header = line 1), assuming no line breaks inside
quoted cells. Packages are read through :func:`compiler.inputs.read.read_table`, which
leaves to this reader only the files that are not plain or hold a problem
(:mod:`compiler.inputs.plain_table` checks the others column by column with the helpers
made public here: ``allowed_years``, ``check_header``, ``check_years``, ``parse_numbers``...).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from compiler.inputs.confine import outside_error
from compiler.inputs.errors import InputError

Kind = Literal["code", "number", "year", "text"]
LINE = "_line"  # column added to every table read: the line in the source file

_BOMS = {b"\xef\xbb\xbf": "UTF-8", b"\xff\xfe": "UTF-16 (LE)", b"\xfe\xff": "UTF-16 (BE)"}
_NOT_NUMBERS = {"nan", "inf", "+inf", "-inf", "infinity", "-infinity"}
#: Default bound of every number's magnitude: products of a few inputs stay far below the
#: largest double (1.8e308); larger money values are a unit mistake (world GDP is ~1e14 USD,
#: the largest GDP in any currency ~1e17).
MAX_MAGNITUDE = 1e20
YEARS = (1900, 2100)  # the years a package may cover (package.toml first_year..last_year)
#: Longest text cell (labels, codes); the free-text source and note columns may be longer.
MAX_TEXT, MAX_NOTE = 500, 2000
NOTE_COLUMNS = ("source", "note")
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"  # C0 and C1 control characters, DEL (line breaks and tabs too)


@dataclass(frozen=True)
class Column:
    """One column of an input table, documented in ``docs/inputs.md``."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    default: float | str | None = None  # value for an absent optional column
    minimum: float | None = None
    maximum: float | None = None
    codes: str | None = None  # name of the code set the values must belong to

    def bounds(self) -> tuple[float, float]:
        """(lowest, highest) value of a number column; unset bounds are ∓MAX_MAGNITUDE."""
        low = -MAX_MAGNITUDE if self.minimum is None else self.minimum
        return low, MAX_MAGNITUDE if self.maximum is None else self.maximum

    def range_text(self) -> str:
        """The allowed values in words, as the error messages give them."""
        low, high = self.bounds()
        return f"a number from {low:g} to {high:g}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class TableSchema:
    name: str  # file name inside the package, e.g. "occupations.csv"
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    example: str = ""
    #: the key columns (besides ``year``) for which every year must be present
    complete_years_by: tuple[str, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    #: a row for the year before first_year is allowed (macro.csv: values the opening stock)
    year_before_allowed: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def read_table_exact(
    path: Path,
    schema: TableSchema,
    codes: Mapping[str, Collection[str]],
    years: range | None = None,
    label: str | None = None,
) -> tuple[pd.DataFrame | None, list[InputError]]:
    """Read ``path`` and check it against ``schema``: the exact path, wording every message.

    ``codes`` maps code-set names to allowed values; ``years`` is the package's span
    (``year`` values outside it are errors, and with ``complete_years_by`` every year
    must be present). Returns the typed table (with a ``_line`` column) or ``None``
    when the file cannot be read as a table at all, plus every error found.
    :func:`compiler.inputs.read.read_table` takes a faster path for plain valid files.
    """
    name = label or schema.name
    text, errors = _decode(path, name)
    if text is None:
        return None, errors
    return parse_and_check(text, schema, codes, years, name)


def parse_and_check(
    text: str, schema: TableSchema, codes: Mapping[str, Collection[str]], years: range | None, name: str
) -> tuple[pd.DataFrame | None, list[InputError]]:
    """Parse decoded CSV text with pandas and check it (:func:`check_table`)."""
    frame, errors = _parse(text, name)
    if frame is None:
        return None, errors
    return check_table(frame, schema, codes, years, name)


def check_table(
    frame: pd.DataFrame,
    schema: TableSchema,
    codes: Mapping[str, Collection[str]],
    years: range | None,
    name: str,
) -> tuple[pd.DataFrame | None, list[InputError]]:
    """Check a table of stripped text cells with a ``_line`` column against ``schema``.

    The one validator of every table, whatever its source: a CSV file (:func:`read_table`)
    or a workbook sheet (:mod:`compiler.inputs.workbook`).
    """
    errors = check_header([c for c in frame.columns if c != LINE], schema, name)
    if errors:
        return None, errors
    absent = {c.name for c in schema.columns if c.name not in frame.columns}
    errors += _check_text(frame, name)
    frame = _add_defaults(frame, schema)
    errors += _check_cells(frame, schema, codes, allowed_years(schema, years), name, skip=absent)
    typed = _typed(frame, schema)
    errors += _check_duplicates(typed, schema, name)
    if years is not None and schema.complete_years_by is not None and "year" in typed:
        errors += check_years(typed, schema.complete_years_by, years, name)
    return typed, errors


def allowed_years(schema: TableSchema, years: range | None) -> range | None:
    """The years a table's ``year`` column may hold: the package's span, and the year before if allowed."""
    return range(years.start - 1, years.stop) if years is not None and schema.year_before_allowed else years


def _decode(path: Path, name: str) -> tuple[str | None, list[InputError]]:
    """The file's text, or ``None`` and the error when it is missing, outside, not UTF-8 or empty."""
    _, text, errors = read_text(path, name)
    return text, errors


def read_text(path: Path, name: str) -> tuple[bytes | None, str | None, list[InputError]]:
    """The file's bytes and text (both ``None`` with the error when the file cannot be a table)."""
    outside = outside_error(path, path.parent, name)  # tables lie in the package folder itself
    if outside is not None:
        return None, None, [outside]
    if not path.is_file():
        return None, None, [InputError(name, None, None, None, f"a file {path.name} in the package (it is missing)")]
    raw = path.read_bytes()
    for bom, encoding in _BOMS.items():
        if raw.startswith(bom):
            return None, None, [InputError(name, 1, None, repr(bom)[2:-1], f"UTF-8 text without a byte-order mark (found a {encoding} BOM)", first=True)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.end + 2]
        return None, None, [InputError(name, line, None, repr(bad)[2:-1], "UTF-8 text (the file is in another encoding; save it as UTF-8)", first=True)]
    if not text.strip():
        return None, None, [InputError(name, None, None, None, "a header line and at least one data row (the file is empty)")]
    return raw, text, []


def _parse(text: str, name: str) -> tuple[pd.DataFrame | None, list[InputError]]:
    header = next(csv.reader(io.StringIO(text.lstrip("\r\n"))), [])
    problem = header_problem(header, name)
    if problem is not None:
        return None, [problem]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True, engine="c")
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        expected = re.search(r"Expected (\d+) fields", str(exc))
        row = int(match.group(1)) if match else None
        msg = f"{expected.group(1)} comma-separated fields as in the header" if expected else "well-formed CSV"
        return None, [InputError(name, row, None, f"{match.group(2)} fields" if match else str(exc), msg)]
    if frame.empty:
        return None, [InputError(name, None, None, None, "at least one data row below the header (the table is empty)")]
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip())
    frame[LINE] = _line_numbers(text, len(frame))
    return frame, []


def header_problem(header: list[str], name: str) -> InputError | None:
    """A header that is not comma-separated (another delimiter) or repeats a column, as written."""
    if len(header) == 1:
        for delimiter, called in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if delimiter in header[0]:
                return InputError(
                    name, 1, None, header[0][:60], f"comma-separated values (the file is separated by {called}; save it as CSV with commas)", first=True
                )
    names = [h.strip() for h in header]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        return InputError(name, 1, repeated[0], repeated[0], f"distinct column names (the header has {repeated[0]!r} {names.count(repeated[0])} times)")
    return None


def _line_numbers(text: str, n_rows: int) -> np.ndarray:
    """Editor line where each data row begins, skipping blank lines as pandas does.

    Quoted cells may hold line breaks: then the lines are counted by Python's csv reader.
    """
    lines = text.splitlines()
    nonblank = [i + 1 for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) == n_rows + 1:  # one line per record: the fast path
        return np.asarray(nonblank[1:], dtype=np.int64)
    try:
        starts = _record_starts(csv.reader(io.StringIO(text)), lines)
    except csv.Error:  # a carriage return in an unquoted cell: read it as the line break it is to pandas
        starts = _record_starts(csv.reader(io.StringIO(text, newline="")), lines)
    return np.asarray((starts[1:] + [0] * n_rows)[:n_rows], dtype=np.int64)


def _record_starts(reader: Iterator[list[str]], lines: list[str]) -> list[int]:
    """The line where each non-blank record of ``reader`` (a csv.reader) begins."""
    starts, end = [], 0
    for record in reader:
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in record):
            starts.append(start + _leading_blank_lines(lines, start))
    return starts


def _leading_blank_lines(lines: list[str], start: int) -> int:
    """Blank lines before the record that begins at line ``start`` (csv skips them)."""
    skipped = 0
    while start - 1 + skipped < len(lines) and not lines[start - 1 + skipped].strip():
        skipped += 1
    return skipped


def check_header(present: list[str], schema: TableSchema, name: str) -> list[InputError]:
    """Unknown or repeated-and-renamed columns, and missing required ones, of the stripped header."""
    errors = []
    known = {c.name for c in schema.columns} | {"source", "note"}
    allowed = ", ".join(c.name for c in schema.columns)
    for column in present:
        if column not in known or re.fullmatch(r".+\.\d+", column) and column.rsplit(".", 1)[0] in known:
            errors.append(InputError(name, 1, column, column, f"only the columns {allowed} (plus optional source, note)"))
    for column in schema.columns:
        if column.required and column.name not in present:
            errors.append(InputError(name, 1, column.name, None, f"a column {column.name!r}: {column.description}"))
    return errors


def _add_defaults(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    for column in schema.columns:
        if column.name not in frame.columns:
            frame[column.name] = "" if column.default is None else str(column.default)
    return frame


def _check_cells(
    frame: pd.DataFrame,
    schema: TableSchema,
    codes: Mapping[str, Collection[str]],
    years: range | None,
    name: str,
    skip: Collection[str] = (),
) -> list[InputError]:
    errors: list[InputError] = []
    lines = frame[LINE].to_numpy()

    def report(mask: np.ndarray, column: str, expected: str) -> None:
        values = frame[column].to_numpy()
        errors.extend(InputError(name, int(lines[i]), column, str(values[i]), expected) for i in np.flatnonzero(mask))

    for column in schema.columns:
        if column.name in skip:
            continue
        values = frame[column.name]
        blank = (values == "").to_numpy()
        report(blank, column.name, f"a value ({column.description})")
        if column.kind in ("number", "year"):
            numbers = parse_numbers(values)
            bad = ~blank & ~np.isfinite(numbers)
            kind = "a whole-number year" if column.kind == "year" else f"a finite number{' in ' + column.unit if column.unit else ''}"
            report(bad, column.name, kind)
            ok = ~blank & ~bad
            if column.kind == "year":
                report(ok & (numbers != np.round(numbers)), column.name, "a whole-number year")
                first, last = (years.start, years.stop - 1) if years is not None else YEARS
                out = ok & ((numbers < first) | (numbers > last))
                report(out, column.name, f"a year from {first} to {last}" + (" (package.toml first_year..last_year)" if years is not None else ""))
            else:
                low, high = column.bounds()
                outside = (numbers < low) | (numbers > high)
                report(ok & outside, column.name, column.range_text())
        elif column.kind == "code" and column.codes is not None:
            allowed = codes[column.codes]
            if allowed is None:  # the table defining these codes could not be read: say so once
                count = int((~blank).sum())
                errors.append(InputError(name, None, column.name, f"{count} cells", f"codes of {column.codes}: not checked, as that table could not be read (its error is listed first)"))
                continue
            unknown = ~blank & ~values.isin(list(allowed)).to_numpy()
            report(unknown, column.name, f"a code of {column.codes}" + _sample(allowed))
    return errors


def _check_text(frame: pd.DataFrame, name: str) -> list[InputError]:
    """No control characters (NUL, line breaks, tabs...) and no overlong cell, in any column.

    Labels end up in HTML, CSV and SDMX: a control character breaks or hides text there,
    a 10 MB label multiplies the output (issue 13).
    """
    errors = []
    lines = frame[LINE].to_numpy()
    for column in (c for c in frame.columns if c != LINE):
        values = frame[column]
        control = values.str.contains(_CONTROL, regex=True).to_numpy()
        limit = MAX_NOTE if column in NOTE_COLUMNS else MAX_TEXT
        long = (values.str.len() > limit).to_numpy()
        for i in np.flatnonzero(control):
            found = re.search(_CONTROL, values.iloc[i]).group()
            errors.append(InputError(name, int(lines[i]), column, _clip(values.iloc[i]), f"text without control characters (found U+{ord(found):04X})"))
        for i in np.flatnonzero(long & ~control):
            errors.append(InputError(name, int(lines[i]), column, _clip(values.iloc[i]), f"at most {limit} characters (found {len(values.iloc[i])})"))
    return errors


def _clip(text: str, keep: int = 60) -> str:
    """A long or odd cell as shown in a message: its start, control characters escaped."""
    shown = text if len(text) <= keep else text[:keep] + "..."
    return shown.encode("unicode_escape").decode("ascii") if re.search(_CONTROL, shown) else shown


def parse_numbers(values: pd.Series) -> np.ndarray:
    """The cells as doubles: NaN where not a number (also "nan"/"inf" spelled out); "1e999" is inf."""
    lowered = values.str.lower()
    return pd.to_numeric(values.where(~lowered.isin(_NOT_NUMBERS)), errors="coerce").to_numpy(dtype=float)


def _sample(allowed: Collection[str]) -> str:
    listed = sorted(allowed)
    shown = ", ".join(listed[:12])
    return f" ({shown}{', ...' if len(listed) > 12 else ''})"


def _typed(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    out = frame.copy()
    for column in schema.columns:
        if column.kind in ("number", "year"):
            numbers = pd.Series(parse_numbers(out[column.name]), index=out.index)
            numbers = numbers.where(np.isfinite(numbers))  # reported by _check_cells; typed as missing
            if column.default is not None:
                numbers = numbers.fillna(float(column.default))
            if column.kind == "year":
                plausible = (numbers == np.round(numbers)) & (numbers >= YEARS[0] - 1) & (numbers <= YEARS[1])
                numbers = numbers.where(plausible).astype("Int64")  # others are reported by _check_cells
            out[column.name] = numbers
    return out


def _check_duplicates(frame: pd.DataFrame, schema: TableSchema, name: str) -> list[InputError]:
    key = list(schema.key)
    duplicated = frame.duplicated(key, keep="first")
    if not duplicated.any():
        return []
    first = frame.loc[~frame.duplicated(key, keep="first")].set_index(key)[LINE]
    errors = []
    for _, row in frame.loc[duplicated].iterrows():
        values = tuple(row[k] for k in key)
        first_line = first.loc[values if len(key) > 1 else values[0]]
        shown = ", ".join(f"{k}={v}" for k, v in zip(key, values))
        errors.append(InputError(name, int(row[LINE]), ",".join(key), shown, f"one row per ({', '.join(key)}); this repeats line {int(first_line)}"))
    return errors


def check_years(frame: pd.DataFrame, by: tuple[str, ...], years: range, name: str) -> list[InputError]:
    """A message per group of ``by`` (in sorted order) that lacks a row for some year of ``years``.

    Vectorised: the distinct years of the span are counted per group, and only the groups
    short of some year are listed one by one (:func:`_missing_years`).
    """
    if not by:
        return _missing_years([((), frame["year"].dropna())], by, years, name)
    known = frame["year"].notna().to_numpy() & frame[list(by)].notna().all(axis=1).to_numpy()
    present = frame[[*by, "year"]] if known.all() else frame.loc[known, [*by, "year"]]  # groupby leaves missing keys out
    group, size = group_ids(present, list(by))
    year = present["year"].astype("int64").to_numpy()
    inside = (year >= years.start) & (year < years.stop)
    pairs = _distinct(group[inside] * len(years) + (year[inside] - years.start), size * len(years))
    counts = np.bincount(pairs // len(years), minlength=size)
    groups = _distinct(group, size)
    short = groups[counts[groups] < len(years)]
    if not len(short):
        return []
    rows = present.loc[np.isin(group, short)]
    return _missing_years(rows.groupby(list(by), sort=True)["year"], by, years, name)


def _distinct(ids: np.ndarray, bound: int) -> np.ndarray:
    """The sorted distinct values of ``ids`` (all in ``0 <= id < bound``): counted when the bound is small."""
    if bound <= 4 * len(ids) + 1024:
        return np.flatnonzero(np.bincount(ids, minlength=bound))
    return np.unique(ids)


def group_ids(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, int]:
    """An id per row, equal where the rows' values in ``columns`` are (NaN = NaN), and the ids' bound.

    The ids are ``0 <= id < bound``; the bound is the product of the columns' numbers of
    distinct values (renumbered densely beyond 2**31, so that it never overflows).
    """
    ids, size = np.zeros(len(frame), dtype=np.int64), 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        ids, size = ids * len(uniques) + codes, size * len(uniques)
        if size > 2**31:
            ids, dense = pd.factorize(ids)
            size = len(dense)
    return ids, size


def repeats(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Whether two rows have the same values in ``columns`` (as ``frame.duplicated(columns).any()``)."""
    ids, size = group_ids(frame, columns)
    return len(_distinct(ids, size)) < len(ids)


def _missing_years(groups: Iterable[tuple[Any, pd.Series]], by: tuple[str, ...], years: range, name: str) -> list[InputError]:
    """The message of each group of years that misses some year of ``years``."""
    errors = []
    wanted = set(years)
    for group, values in groups:
        missing = sorted(wanted - set(values.astype(int)))
        if missing:
            group = group if isinstance(group, tuple) else (group,)
            label = ", ".join(f"{k}={v}" for k, v in zip(by, group))
            errors.append(
                InputError(name, None, "year", compress_years(missing), f"a row for every year {years.start}-{years.stop - 1}" + (f" for {label}" if label else ""))
            )
    return errors


def compress_years(years: list[int]) -> str:
    """2010, 2011, 2012, 2015 -> '2010-2012, 2015' (the missing years, readably)."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
