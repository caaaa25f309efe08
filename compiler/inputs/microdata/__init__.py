"""Labour input from job records (microdata), aggregated by DuckDB or by Dask.

``package.toml`` ``labour_input = "microdata"`` replaces employment.csv with worker or
job records (Parquet or CSV; docs/inputs.md): one row per job and year with occupation,
industry, optional sector, weight (persons the record stands for), annual compensation
and optional hours. :func:`aggregate` checks every record and sums them into the
employment.csv table (year × occupation × industry: employment, compensation per person
employed), the same whichever engine runs it:

* ``duckdb`` (default): embedded, out of core (compiler.inputs.microdata.duckdb_engine);
* ``dask``: a Dask cluster, local or remote (compiler.inputs.microdata.dask_engine).

Rejected records (a rule of :data:`~.spec.REASONS` broken) are an input error, each
example named by file, row, column and value, unless ``[microdata]
max_rejected_share`` tolerates them; then they are dropped and counted. With ``[microdata]
other_occupations = "out_of_scope"`` a valid record whose occupation is not in
occupations.csv is not an error: it is *out of scope*, counted with its Σ weight and not
used (a record that breaks a rule is rejected whatever its occupation). The counts of
records read = used + out of scope + rejected (by rule), per file and in total, and
Σ weight used and out of scope go to ``Inputs.microdata`` and report.json.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from compiler.inputs.confine import glob_files, outside_error
from compiler.inputs.digest import sha256
from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.microdata.spec import (
    BIT,
    COLUMNS,
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
    REQUIRED_COLUMNS,
    WEIGHT_SCALE,
    Example,
    Options,
    RawResult,
    SourceFile,
    Spec,
)

__all__ = ["ENGINES", "MicrodataResult", "Options", "aggregate", "run_engine"]


def _duckdb(spec: Spec, options: Options) -> RawResult:
    from compiler.inputs.microdata import duckdb_engine

    return duckdb_engine.run(spec, options)


def _dask(spec: Spec, options: Options) -> RawResult:
    from compiler.inputs.microdata import dask_engine  # imports dask only now

    return dask_engine.run(spec, options)


#: Engine name -> runner. Dask is imported only when its engine runs.
ENGINES: dict[str, Callable[[Spec, Options], RawResult]] = {"duckdb": _duckdb, "dask": _dask}

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


@dataclass
class MicrodataResult:
    employment: pd.DataFrame | None  # year, occupation, industry, employment, compensation, _line
    counts: dict[str, Any] = field(default_factory=dict)  # -> Inputs.microdata, report.json
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path inside the package -> sha256


def aggregate(
    settings,
    folder: Path,
    prefix: str,
    occupations: list[str],
    sectors: dict[str, str],
    years: range,
    engine: str = "duckdb",
    options: Options | None = None,
) -> MicrodataResult:
    """Check and aggregate the job records of ``settings`` (a ``MicrodataSettings``).

    ``prefix`` is the package name + "/" that errors put before file names;
    ``sectors`` maps every industry of industries.csv to its sector.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    options = options or Options.from_environment()
    files, errors = inspect_files(settings, folder, prefix)
    if errors:
        return MicrodataResult(None, errors=errors)
    spec = Spec(
        tuple(files), years, tuple(occupations), dict(sectors), settings.employment == "fte",
        other_occupations=settings.other_occupations,
    )
    try:
        raw = run_engine(spec, engine, options)
    except InputErrors as exc:
        return MicrodataResult(None, errors=list(exc.errors))
    result = finish(spec, raw, settings, prefix)
    result.counts["engine"] = engine
    result.files = {s.path.relative_to(folder).as_posix(): sha256(s.path) for s in files}
    return result


def run_engine(spec: Spec, engine: str, options: Options | None = None) -> RawResult:
    return ENGINES[engine](spec, options or Options.from_environment())


# --- the files ---------------------------------------------------------------------------


def inspect_files(settings, folder: Path, prefix: str) -> tuple[list[SourceFile], list[InputError]]:
    """Resolve the globs; read each file's header or Parquet schema; map the columns."""
    errors: list[InputError] = []
    paths: list[Path] = []
    for pattern in settings.files:
        matches = glob_files(folder, pattern)  # directory links not followed (compiler.inputs.confine)
        if not matches:
            errors.append(InputError(prefix + "package.toml", None, "microdata.files", pattern, "a glob matching at least one file of job records in the package"))
        for path in matches:
            outside = outside_error(path, folder, prefix + path.relative_to(folder).as_posix())
            if outside is not None:
                errors.append(outside)
            elif path not in paths:
                paths.append(path)
    files = []
    for path in paths:
        label = prefix + path.relative_to(folder).as_posix()
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            errors.append(InputError(label, None, None, path.suffix, "a .parquet or .csv file of job records"))
            continue
        names, kinds, problem = _csv_header(path) if fmt == "csv" else _parquet_schema(path)
        if problem is not None:
            errors.append(InputError(label, 1 if fmt == "csv" else None, None, None, problem))
            continue
        source, source_kinds = {}, {}
        wanted = [*REQUIRED_COLUMNS, *(["hours"] if settings.employment == "fte" else [])]
        for column in COLUMNS:
            name = settings.columns.get(column, column)
            if name in names:
                source[column], source_kinds[column] = name, kinds[names.index(name)]
                expected = _KINDS[column]
                if source_kinds[column] not in expected:
                    errors.append(InputError(label, None, name, source_kinds[column], f"a column of {' or '.join(expected)} values ({column})"))
            elif column in wanted:
                why = " (employment = \"fte\")" if column == "hours" else ""
                errors.append(InputError(label, 1 if fmt == "csv" else None, name, None, f"a column {name!r}: {_description(column)}{why}"))
        files.append(SourceFile(len(files), path, label, fmt, tuple(names), source, source_kinds))
    return files, errors


_KINDS = {c: ("string", "integer") for c in ("occupation", "industry", "sector")} | {
    c: ("string", "integer", "float") for c in ("year", "weight", "compensation", "hours")
}


def _description(column: str) -> str:
    from compiler.inputs.tables import JOB_RECORDS

    return JOB_RECORDS.column(column).description


def _csv_header(path: Path) -> tuple[list[str], list[str], str | None]:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(b"\xef\xbb\xbf"):
        return [], [], "UTF-8 text without a byte-order mark"
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return [], [], "UTF-8 text (the header is in another encoding)"
    if not text.strip():
        return [], [], "a header line naming the columns (the file is empty)"
    names = [n.strip() for n in next(csv.reader(io.StringIO(text)))]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return [], [], f"distinct column names (repeated: {', '.join(duplicates)})"
    return names, ["string"] * len(names), None


def _parquet_schema(path: Path) -> tuple[list[str], list[str], str | None]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file
        return [], [], f"a readable Parquet file ({exc})"
    kinds = []
    for f in schema:
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        kinds.append(
            "string" if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
            else "integer" if pa.types.is_integer(t)
            else "float" if pa.types.is_floating(t)
            else str(t)
        )
    return list(schema.names), kinds, None


# --- from the engine's sums to the table -------------------------------------------------

EXPECTED = {
    "occupation": "a code of occupations.csv",
    "industry": "a code of industries.csv",
    "weight": f"a number of persons from {MIN_WEIGHT:g} to {MAX_WEIGHT:g} (the record's weight)",
    "compensation": f"a non-negative number of currency units, at most {MAX_COMPENSATION:g} (annual compensation)",
}


def _expected(spec: Spec, reason: str, example: Example | None = None) -> str:
    if reason == "year":
        return f"a whole-number year from {spec.years.start} to {spec.years.stop - 1} (package.toml first_year..last_year)"
    if reason == "sector":
        if example is not None and example.industry in spec.sectors:
            return f"{spec.sectors[example.industry]}, the sector of industry {example.industry} in industries.csv"
        return "the sector of the record's industry in industries.csv"
    if reason == "hours":
        return (
            f"a number of hours from {MIN_FTE_HOURS:g} to {MAX_HOURS:g} (employment = \"fte\")"
            if spec.fte
            else f"empty, or a number of hours from 0 to {MAX_HOURS:g}"
        )
    if reason == "occupation" and spec.out_of_scope:
        return (
            "an occupation code (a record in an occupation not in occupations.csv is out of scope, "
            "microdata.other_occupations = \"out_of_scope\")"
        )
    if reason in ("occupation", "industry"):
        codes = spec.occupations if reason == "occupation" else tuple(spec.sectors)
        listed = sorted(codes)
        return EXPECTED[reason] + f" ({', '.join(listed[:12])}{', ...' if len(listed) > 12 else ''})"
    return EXPECTED[reason]


def show(value: object) -> str | None:
    """A raw cell as errors show it; empty and NaN are missing (None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    return repr(value) if isinstance(value, float) else str(value)


def _status(mask: int) -> str:
    """What happens to a record with this mask: "used", "out_of_scope" or "rejected"."""
    return "rejected" if mask & REJECTED else "out_of_scope" if mask == OUT_OF_SCOPE else "used"


def _persons(weight: int) -> float:
    """Σ weight in fixed-point units -> persons (correctly rounded)."""
    return float(Fraction(weight, WEIGHT_SCALE))


def _tally(masks: dict[tuple[int, int], int], weights: dict[tuple[int, int], int], file: int | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Records read / used / out of scope / rejected, and Σ W (fixed point) used / out of scope."""
    records = {"read": 0, "used": 0, "out_of_scope": 0, "rejected": 0}
    for (f, mask), n in masks.items():
        if file is None or f == file:
            records["read"] += n
            records[_status(mask)] += n
    weight = {
        status: sum(w for (f, mask), w in weights.items() if (file is None or f == file) and mask == bits)
        for status, bits in (("used", 0), ("out_of_scope", OUT_OF_SCOPE))
    }
    return records, weight


def summary(counts: dict[str, Any]) -> str:
    """One line of report.json on what the job records gave."""
    r, w = counts["records"], counts["weight"]
    text = f"{r['read']} job records read: {r['used']} used"
    if counts["other_occupations"] == "out_of_scope":
        text += f", {r['out_of_scope']} out of scope (occupations not in occupations.csv)"
    text += f", {r['rejected']} rejected"
    if counts["other_occupations"] == "out_of_scope":
        text += f"; weight {w['used']:.6g} persons used, {w['out_of_scope']:.6g} out of scope"
        if w["used_share"] is not None:
            text += f": {100 * w['used_share']:.4g} % of the weight of valid records is in the data occupations"
    return text


def finish(spec: Spec, raw: RawResult, settings, prefix: str) -> MicrodataResult:
    """Counts, the rejection policy and the employment table from the exact sums.

    A record is used (mask 0), out of scope (mask OUT_OF_SCOPE: valid, in an occupation
    not in occupations.csv, with other_occupations = "out_of_scope") or rejected (a
    rule bit set, whatever its occupation); read = used + out_of_scope + rejected.
    """
    by_file = {s.index: s for s in spec.files}
    totals, weight = _tally(raw.masks, raw.weights)
    read, used, out_of_scope, rejected = (totals[k] for k in ("read", "used", "out_of_scope", "rejected"))
    by_reason = {r: sum(n for (_, mask), n in raw.masks.items() if mask & BIT[r]) for r in REASONS}
    files = []
    for source in spec.files:
        records, file_weight = _tally(raw.masks, raw.weights, source.index)
        files.append(
            {
                "file": source.label.removeprefix(prefix),
                "format": source.format,
                "records": records["read"],
                "used": records["used"],
                "out_of_scope": records["out_of_scope"],
                "rejected": records["rejected"],
                "weight": {k: _persons(v) for k, v in file_weight.items()},
            }
        )
    valid = weight["used"] + weight["out_of_scope"]
    counts: dict[str, Any] = {
        "files": files,
        "records": totals,
        # Σ weight (persons) of the records used and out of scope; used_share = used / (used + out of scope):
        # the share of the (valid records') employment in the data occupations of occupations.csv
        "weight": {
            **{k: _persons(v) for k, v in weight.items()},
            "used_share": float(Fraction(weight["used"], valid)) if valid else None,
        },
        "rejected_by_reason": by_reason,
        "other_occupations": spec.other_occupations,
        "employment": settings.employment,
        "max_rejected_share": settings.max_rejected_share,
        "cells": len(raw.groups),
    }
    counts["summary"] = summary(counts)
    result = MicrodataResult(None, counts)
    problems = _rejections(spec, raw, by_file, prefix)
    toml = prefix + "package.toml"
    if used == 0 and out_of_scope:
        listed = sorted(spec.occupations)
        result.errors.append(
            InputError(
                toml, None, "microdata.other_occupations", f"{out_of_scope} of {read} records out of scope, none used",
                f"job records in the occupations of occupations.csv ({', '.join(listed[:12])}{', ...' if len(listed) > 12 else ''})",
            )
        )
    if read == 0:
        result.errors.append(InputError(toml, None, "microdata.files", None, "at least one job record in the files"))
    elif rejected and rejected > settings.max_rejected_share * read:
        result.errors += [e for e, _ in problems]
        result.errors.append(
            InputError(
                toml, None, "microdata.max_rejected_share", f"{rejected} of {read} records rejected",
                f"no rejected records, or at most a share microdata.max_rejected_share = {settings.max_rejected_share:g} of them "
                "(rejected records are then dropped and counted)",
            )
        )
    elif rejected:
        result.warnings.append(
            f"{prefix.rstrip('/')}: {rejected} of {read} job records rejected and dropped "
            f"(microdata.max_rejected_share = {settings.max_rejected_share:g}): "
            + ", ".join(f"{r} {n}" for r, n in by_reason.items() if n)
        )
        result.warnings += [w for _, w in problems]
    if result.errors:
        return result
    result.employment = _table(raw.groups, settings)
    return result


def _rejections(spec: Spec, raw: RawResult, by_file: dict[int, SourceFile], prefix: str) -> list[tuple[InputError, str]]:
    """Each example as an error and as a warning text, plus a count per file and rule."""
    out = []
    for source in spec.files:
        for reason in REASONS:
            count = sum(n for (f, mask), n in raw.masks.items() if f == source.index and mask & BIT[reason])
            if not count:
                continue
            column = source.source.get(reason, reason)
            listed = [e for e in raw.examples if e.file == source.index and e.reason == reason]
            for e in listed:
                error = InputError(source.label, e.row, column, show(e.value), _expected(spec, reason, e))
                out.append((error, f"{error} (record dropped)"))
            if count > len(listed):
                error = InputError(
                    source.label, None, column, f"{count} records",
                    f"{_expected(spec, reason)} ({count} records break this rule; the first {len(listed)} are listed)",
                )
                out.append((error, f"{error} (records dropped)"))
    return out


def _table(groups: dict[tuple[int, str, str], list[int]], settings) -> pd.DataFrame:
    """employment = Σ weight (or Σ weight·hours / full-time hours); compensation = wage bill / employment.

    The sums are exact integers in fixed-point units; each figure is one correctly
    rounded division of rationals (:class:`fractions.Fraction`).
    """
    rows = []
    for (year, occupation, industry), (records, sw, swc, swh) in sorted(groups.items()):
        wage_bill = Fraction(swc, WEIGHT_SCALE * COMPENSATION_SCALE)
        if settings.employment == "fte":
            employment = Fraction(swh, WEIGHT_SCALE * HOURS_SCALE) / Fraction(settings.full_time_hours)
        else:
            employment = Fraction(sw, WEIGHT_SCALE)
        compensation = wage_bill / employment
        rows.append((year, occupation, industry, float(employment), float(compensation)))
    frame = pd.DataFrame(rows, columns=["year", "occupation", "industry", "employment", "compensation"])
    frame["year"] = frame["year"].astype("Int64")
    frame["occupation"] = frame["occupation"].astype("str")
    frame["industry"] = frame["industry"].astype("str")
    frame["_line"] = 0
    return frame
