"""The DuckDB engine: one SQL aggregation straight over the Parquet and CSV files.

DuckDB is embedded and out of core: the scan streams the files, the hash aggregate
holds one row per (file, rejection mask, year, occupation, industry), and anything
beyond ``memory_limit`` spills to ``temp_directory``. Only that small aggregate comes
back to Python. Validation is in the same SQL: every record gets a rejection mask
(:data:`~compiler.inputs.microdata.spec.BIT`, plus :data:`~compiler.inputs.microdata.spec.OUT_OF_SCOPE`
for an occupation not in occupations.csv with ``other_occupations = "out_of_scope"``),
and the sums cover the records whose mask is 0 (and Σ weight those out of scope).

A second query runs only when records were rejected: it finds, per file, the first
rejected records of each rule with their row (Parquet ``file_row_number``; CSV ``WITH
ORDINALITY``, which DuckDB numbers in file order).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.microdata.spec import (
    BIT,
    COMPENSATION_SCALE,
    HOURS_SCALE,
    MAX_COMPENSATION,
    MAX_HOURS,
    MAX_WEIGHT,
    MIN_FTE_HOURS,
    MIN_WEIGHT,
    OUT_OF_SCOPE,
    REASONS,
    REJECTED,
    WEIGHT_SCALE,
    Example,
    Options,
    RawResult,
    WHITESPACE,
    SourceFile,
    Spec,
)

NAME = "duckdb"


@contextmanager
def connect(options: Options) -> Iterator["duckdb.DuckDBPyConnection"]:  # noqa: F821
    """An in-memory DuckDB with bounded memory, a spill folder and the thread count set."""
    import duckdb

    temp = options.temp_directory or tempfile.mkdtemp(prefix="datasat-duckdb-")
    try:
        con = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": options.memory_limit,
                "threads": options.threads,
                "temp_directory": temp,
                "preserve_insertion_order": False,
            },
        )
        try:
            con.execute("SET enable_progress_bar = false")
            yield con
        finally:
            con.close()
    finally:
        if options.temp_directory is None:
            shutil.rmtree(temp, ignore_errors=True)


def run(spec: Spec, options: Options) -> RawResult:
    import duckdb

    with connect(options) as con:
        # errors of the data (not of the SQL, which stay internal errors)
        data_errors = (duckdb.InvalidInputException, duckdb.IOException, duckdb.OutOfRangeException, duckdb.ConversionException)
        try:
            rows = con.execute(_aggregate_sql(spec)).fetchall()
        except data_errors as exc:
            raise InputErrors(_file_errors(con, spec, exc, data_errors)) from None
        groups: dict[tuple[int, str, str], list[int]] = {}
        masks: dict[tuple[int, int], int] = {}
        weights: dict[tuple[int, int], int] = {}
        for f, mask, year, occupation, industry, records, sw, swc, swh in rows:
            masks[f, mask] = masks.get((f, mask), 0) + records
            if mask in (0, OUT_OF_SCOPE):
                weights[f, mask] = weights.get((f, mask), 0) + int(sw)
            if mask == 0:
                sums = groups.setdefault((int(year), occupation, industry), [0, 0, 0, 0])
                for k, value in enumerate((records, sw, swc, swh or 0)):
                    sums[k] += int(value)
        examples: list[Example] = []
        for source in spec.files:
            if any(mask & REJECTED for (f, mask), n in masks.items() if f == source.index and n):
                con.execute("SET preserve_insertion_order = true")
                examples += _examples(con, spec, source)
    return RawResult(groups, masks, examples, weights)


# --- SQL ---------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _double(value: float) -> str:
    """A DOUBLE constant equal to the Python float (text parsing is correctly rounded)."""
    return f"CAST('{float(value)!r}' AS DOUBLE)"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reader(source: SourceFile, numbered: bool) -> str:
    path = _literal(str(source.path))
    if source.format == "parquet":
        return f"read_parquet({path}{', file_row_number = true' if numbered else ''})"
    columns = "{" + ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in source.all_columns) + "}"
    reader = (
        f"read_csv({path}, header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"strict_mode = true, columns = {columns})"
    )
    return reader + (" WITH ORDINALITY" if numbered else "")


_WHITESPACE = " || ".join(f"chr({ord(c)})" for c in WHITESPACE)


def _trim(q: str) -> str:
    return f"nullif(trim({q}, {_WHITESPACE}), '')"


def _number(source: SourceFile, column: str) -> tuple[str, str]:
    """(value as DOUBLE or NULL when not a number, missing?) of a canonical number column."""
    if column not in source.source:
        return "CAST(NULL AS DOUBLE)", "true"
    q = _ident(source.source[column])
    if source.kinds[column] == "string":
        # TRY_CAST trims WHITESPACE and reads what NUMBER_RE accepts (correctly rounded) and,
        # besides, digits with underscores, a "+-" sign and inf/nan: the guards and the
        # rules' isfinite() reject those, so the finite numbers are exactly NUMBER_RE's
        # (tests/test_microdata.py checks every short string), at a fraction of the cost of
        # a regular expression; cells are trimmed only when they are not numbers.
        value = f"CASE WHEN NOT contains({q}, '_') AND NOT contains({q}, '+-') THEN TRY_CAST({q} AS DOUBLE) END"
        return value, f"CASE WHEN {value} IS NOT NULL THEN false ELSE {_trim(q)} IS NULL END"
    return f"CAST({q} AS DOUBLE)", f"({q} IS NULL OR isnan(CAST({q} AS DOUBLE)))"


def _code(source: SourceFile, column: str, allowed: list[str]) -> str:
    """Codes as text, WHITESPACE trimmed, NULL when missing.

    A cell is trimmed only when it is not an allowed code as it stands (rare): the
    ``IN`` is one hash lookup, and DuckDB evaluates the ELSE branch for those rows only.
    """
    if column not in source.source:
        return "CAST(NULL AS VARCHAR)"
    q = _ident(source.source[column])
    if source.kinds[column] != "string":
        return f"CAST({q} AS VARCHAR)"
    listed = ", ".join(_literal(code) for code in allowed) or "NULL"
    return f"CASE WHEN {q} IN ({listed}) THEN {q} ELSE {_trim(q)} END"


def _branch(spec: Spec, source: SourceFile, numbered: bool) -> str:
    """One file's records in canonical columns (and raw cells and the row, for examples)."""
    year, _ = _number(source, "year")
    weight, _ = _number(source, "weight")
    compensation, _ = _number(source, "compensation")
    hours, hours_missing = _number(source, "hours")
    parts = [
        f"{source.index} AS f",
        f"{year} AS y",
        f"{_code(source, 'occupation', list(spec.occupations))} AS o",
        f"{_code(source, 'industry', list(spec.sectors))} AS i",
        f"{_code(source, 'sector', sorted(set(spec.sectors.values())))} AS s",
        f"{'true' if 'sector' in source.source else 'false'} AS has_s",
        f"{weight} AS w",
        f"{compensation} AS c",
        f"{hours} AS h",
        f"{hours_missing} AS h_missing",
    ]
    if numbered:
        row = "file_row_number + 1" if source.format == "parquet" else "ordinality + 1"
        parts.append(f"{row} AS r")
        for column in REASONS:
            raw = _ident(source.source[column]) if column in source.source else "NULL"
            parts.append(f"{raw} AS raw_{column}")
    return f"SELECT {', '.join(parts)} FROM {_reader(source, numbered)}"


def _checked(spec: Spec, sources: tuple[SourceFile, ...], numbered: bool) -> str:
    """CTEs ``src`` (all files) and ``checked`` (with the rejection mask ``mask``)."""
    union = "\nUNION ALL\n".join(_branch(spec, s, numbered) for s in sources)
    occupations = ", ".join(_literal(o) for o in spec.occupations) or "NULL"
    industries = ", ".join(_literal(i) for i in spec.sectors) or "NULL"
    # the industry's sector; NULL for a missing or unknown industry (the industry rule's case)
    sector_of = "CASE i " + " ".join(f"WHEN {_literal(i)} THEN {_literal(s)}" for i, s in spec.sectors.items()) + " END"
    first, last = spec.years.start, spec.years.stop - 1
    low = f"h >= {_double(MIN_FTE_HOURS)}" if spec.fte else "h >= 0"
    hours_ok = f"isfinite(h) AND {low} AND h <= {_double(MAX_HOURS)}"
    hours_rule = hours_ok if spec.fte else f"h_missing OR ({hours_ok})"
    # out of scope: the occupation rule asks only for a code; other codes get OUT_OF_SCOPE
    rules = {
        "year": f"isfinite(y) AND y = floor(y) AND y >= {first} AND y <= {last}",
        "occupation": "o IS NOT NULL" if spec.out_of_scope else f"o IN ({occupations})",
        "industry": f"i IN ({industries})",
        "sector": f"NOT has_s OR {sector_of} IS NULL OR s = {sector_of}",
        "weight": f"isfinite(w) AND w >= {_double(MIN_WEIGHT)} AND w <= {_double(MAX_WEIGHT)}",
        "compensation": f"isfinite(c) AND c >= 0 AND c <= {_double(MAX_COMPENSATION)}",
        "hours": hours_rule,
    }
    mask = " + ".join(f"(CASE WHEN {rules[r]} THEN 0 ELSE {BIT[r]} END)" for r in REASONS)
    if spec.out_of_scope:
        mask += f" + (CASE WHEN o IS NOT NULL AND NOT (o IN ({occupations})) THEN {OUT_OF_SCOPE} ELSE 0 END)"
    return f"WITH src AS (\n{union}\n),\nchecked AS (SELECT *, {mask} AS mask FROM src)"


def _fixed(column: str, scale: int) -> str:
    return f"CAST(floor({column} * CAST({scale} AS DOUBLE) + CAST(0.5 AS DOUBLE)) AS BIGINT)"


def _aggregate_sql(spec: Spec) -> str:
    ok = "mask = 0"
    w, c, h = _fixed("w", WEIGHT_SCALE), _fixed("c", COMPENSATION_SCALE), _fixed("h", HOURS_SCALE)
    return f"""{_checked(spec, spec.files, numbered=False)}
SELECT f, mask,
       CASE WHEN {ok} THEN CAST(y AS INTEGER) END AS year,
       CASE WHEN {ok} THEN o END AS occupation,
       CASE WHEN {ok} THEN i END AS industry,
       count(*) AS records,
       sum(CASE WHEN {ok} OR mask = {OUT_OF_SCOPE} THEN {w} END) AS sw,
       sum(CASE WHEN {ok} THEN CAST({w} AS HUGEINT) * {c} END) AS swc,
       sum(CASE WHEN {ok} AND NOT h_missing THEN CAST({w} AS HUGEINT) * {h} END) AS swh
FROM checked
GROUP BY ALL"""


def _examples(con, spec: Spec, source: SourceFile) -> list[Example]:
    ranks = ", ".join(
        f"CASE WHEN (mask & {BIT[r]}) <> 0 THEN row_number() OVER (PARTITION BY (mask & {BIT[r]}) <> 0 ORDER BY r) END AS rank_{r}"
        for r in REASONS
    )
    keep = " OR ".join(f"rank_{r} <= {spec.max_examples}" for r in REASONS)
    raw = ", ".join(f"raw_{r}" for r in REASONS)
    sql = f"""{_checked(spec, (source,), numbered=True)},
ranked AS (SELECT r, mask, i, {raw}, {ranks} FROM checked WHERE (mask & {REJECTED}) <> 0)
SELECT r, mask, i, {raw}, {', '.join(f'rank_{r}' for r in REASONS)} FROM ranked WHERE {keep} ORDER BY r"""
    examples = []
    for row in con.execute(sql).fetchall():
        r, _mask, industry, *rest = row
        raws, ranks_ = rest[: len(REASONS)], rest[len(REASONS) :]
        for reason, value, rank in zip(REASONS, raws, ranks_):
            if rank is not None and rank <= spec.max_examples:
                examples.append(Example(source.index, int(r), reason, value, industry))
    return examples


def _file_errors(con, spec: Spec, exc: Exception, data_errors: tuple) -> list[InputError]:
    """The files DuckDB cannot read (malformed CSV, bad encoding, broken Parquet), each
    read alone to name them all; else the error of the whole query (an overflow)."""
    errors = []
    if len(spec.files) > 1:
        for source in spec.files:
            try:
                con.execute(f"SELECT min(y), min(o), min(i), min(s), min(w), min(c), min(h) FROM ({_branch(spec, source, numbered=False)})").fetchall()
            except data_errors as problem:
                errors.append(_file_error(source, problem))
    return errors or [_file_error(spec.files[0] if len(spec.files) == 1 else None, exc, spec)]


def _file_error(source: SourceFile | None, exc: Exception, spec: Spec | None = None) -> InputError:
    text = str(exc)
    label = source.label if source is not None else ", ".join(s.label for s in spec.files)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    first = text.split("\n", 1)[0]
    if line:
        reason = text.split("\n")[2] if len(text.split("\n")) > 2 else first
        return InputError(label, int(line.group(1)), None, None, f"well-formed UTF-8 CSV ({reason.strip()})")
    if "Overflow" in text:
        return InputError(label, None, None, None, f"sums within the exact integer range ({first})")
    return InputError(label, None, None, None, f"a readable file of job records ({first})")
