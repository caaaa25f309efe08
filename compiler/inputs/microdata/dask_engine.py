"""The Dask engine: the same aggregation, partition by partition, on a Dask cluster.

Each partition (a block of a CSV file or row groups of a Parquet file) is checked and
summed by :func:`summarise`, a vectorised pandas/Arrow twin of the DuckDB SQL, into a
small summary: exact integer sums per (year, occupation, industry), record counts per
rejection mask, Σ weight of the records used and of those out of scope, and the first
rejected records of each rule. Only the summaries travel
back to the client, which adds them up with Python integers and turns the positions of
the examples into rows of their file from the partition lengths.

Exact sums in int64: a fixed-point value v < 2^63 is split into three limbs of 21 bits,
v = v0 + v1·2^21 + v2·2^42; the product of two values is Σ_k P_k·2^(21k) with
P_k = Σ_{i+j=k} v_i·u_j < 3·2^42, so the sum of P_k over a chunk of at most 2^18 records
stays below 2^62: no int64 sum can overflow, and Python integers add the chunks.

The cluster: the client of ``DATASAT_DASK_SCHEDULER`` if set, else the current
``distributed`` client (so a test or a notebook chooses the cluster), else a
:class:`distributed.LocalCluster` in this process with one single-threaded worker per
core (``DATASAT_THREADS``), closed afterwards. Dask is imported only here, when
``--engine dask`` asks for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    NUMBER_RE,
    OUT_OF_SCOPE,
    REASONS,
    WEIGHT_SCALE,
    Example,
    Options,
    RawResult,
    WHITESPACE,
    SourceFile,
    Spec,
)

NAME = "dask"
LIMB_BITS = 21
CHUNK = 1 << 18  # records summed in int64 at a time (see the module docstring)
_LIMB = (1 << LIMB_BITS) - 1
_NUMBER = "^(?:" + NUMBER_RE + ")$"


def run(spec: Spec, options: Options) -> RawResult:
    import dask

    with _client(options) as client:
        futures = []
        for source in spec.files:
            tasks = [dask.delayed(summarise)(part, spec, source) for part in _read(source, options).to_delayed()]
            futures.append((source, client.compute(tasks)))
        owners, summaries, errors = [], [], []
        for source, pending in futures:
            try:
                done = client.gather(pending)
            except (pa.ArrowException, pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:  # a file the readers cannot parse
                errors.append(_file_error(source, exc))
                continue
            owners += [source.index] * len(done)
            summaries += done
    if errors:
        raise InputErrors(errors)
    return combine(spec, owners, summaries)


@contextlib.contextmanager
def _client(options: Options) -> Iterator["distributed.Client"]:  # noqa: F821
    from distributed import Client, LocalCluster, default_client

    if options.dask_scheduler:
        client = Client(options.dask_scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    try:
        current = default_client()
    except ValueError:  # no client in this session
        current = None
    if current is not None:
        yield current
        return
    # threads, not processes: no re-import of the caller's __main__, no port for a dashboard
    local = LocalCluster(
        n_workers=options.threads, threads_per_worker=1, processes=False, dashboard_address=None, scheduler_kwargs={"dashboard": False}
    )
    with local as cluster:
        with Client(cluster) as client:
            yield client


def _read(source: SourceFile, options: Options):
    import dask.dataframe as dd

    columns = sorted(set(source.source.values()), key=source.all_columns.index)
    if source.format == "csv":
        frame = dd.read_csv(
            str(source.path), header=0, names=list(source.all_columns), dtype=str, keep_default_na=False,
            engine="pyarrow", blocksize=options.csv_blocksize, encoding="utf-8",
        )
        return frame[columns]
    return dd.read_parquet(str(source.path), columns=columns, calculate_divisions=False, blocksize=options.parquet_blocksize)


# --- one partition -----------------------------------------------------------------------


def _strings(series: pd.Series) -> pa.Array:
    """Cells as Arrow strings, WHITESPACE trimmed, empty = null."""
    array = pa.array(series, from_pandas=True)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    trimmed = pc.utf8_trim(array, characters=WHITESPACE)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)


def _number(frame: pd.DataFrame, source: SourceFile, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(value as float64, NaN when not a number; missing?) as DuckDB's ``_number``."""
    n = len(frame)
    if column not in source.source:
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    series = frame[source.source[column]]
    if source.kinds[column] == "string":
        text = _strings(series)
        ok = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False)
        values = pc.cast(pc.if_else(ok, text, pa.scalar(None, text.type)), pa.float64())
        return values.to_numpy(zero_copy_only=False).astype(float), pc.is_null(text).to_numpy(zero_copy_only=False)
    values = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
    return values, np.isnan(values)


def _code(frame: pd.DataFrame, source: SourceFile, column: str) -> pa.Array | None:
    """Codes as Arrow text (null when missing), as DuckDB's ``_code``; None without the column."""
    if column not in source.source:
        return None
    series = frame[source.source[column]]
    if source.kinds[column] == "string":
        return _strings(series)
    return pc.cast(pa.array(pd.array(series, dtype="Int64")), pa.string())


def _index(codes: pa.Array | None, allowed: list[str], n: int) -> np.ndarray:
    """Position of each code in ``allowed``; -1 when missing or not allowed."""
    if codes is None:
        return np.full(n, -1, dtype=np.int64)
    index = pc.index_in(codes, value_set=pa.array(allowed, codes.type))
    return pc.fill_null(index, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _raw(frame: pd.DataFrame, source: SourceFile, column: str, i: int) -> object:
    if column not in source.source:
        return None
    value = frame[source.source[column]].iloc[i]
    value = value.item() if isinstance(value, np.generic) else value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if source.kinds[column] == "integer" and isinstance(value, float):
        return int(value)  # an integer column with nulls comes to pandas as float64
    return value


def _fixed(values: np.ndarray, scale: int) -> np.ndarray:
    return np.floor(values * float(scale) + 0.5).astype(np.int64)


def _limbs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return values & _LIMB, (values >> LIMB_BITS) & _LIMB, values >> (2 * LIMB_BITS)


def _products(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """P_k = Σ_{i+j=k} a_i·b_j, k = 0..4: each term < 2^42."""
    return [sum(a[i] * b[k - i] for i in range(3) if 0 <= k - i < 3) for k in range(5)]


def summarise(frame: pd.DataFrame, spec: Spec, source: SourceFile) -> dict:
    """Check and sum one partition: the pandas/Arrow twin of the DuckDB query."""
    n = len(frame)
    year, _ = _number(frame, source, "year")
    weight, _ = _number(frame, source, "weight")
    compensation, _ = _number(frame, source, "compensation")
    hours, hours_missing = _number(frame, source, "hours")
    industry_codes = _code(frame, source, "industry")
    industries = list(spec.sectors)
    occupation_codes = _code(frame, source, "occupation")
    occupation = _index(occupation_codes, list(spec.occupations), n)
    # out of scope: the occupation rule asks only for a code; other codes get OUT_OF_SCOPE
    has_occupation = pc.is_valid(occupation_codes).to_numpy(zero_copy_only=False) if occupation_codes is not None else np.zeros(n, dtype=bool)
    industry = _index(industry_codes, industries, n)
    first, last = spec.years.start, spec.years.stop - 1
    with np.errstate(invalid="ignore"):
        hours_ok = np.isfinite(hours) & (hours >= (MIN_FTE_HOURS if spec.fte else 0.0)) & (hours <= MAX_HOURS)
        ok = {
            "year": np.isfinite(year) & (year == np.floor(year)) & (year >= first) & (year <= last),
            "occupation": has_occupation if spec.out_of_scope else occupation >= 0,
            "industry": industry >= 0,
            "sector": _sector_ok(frame, source, spec, industry),
            "weight": np.isfinite(weight) & (weight >= MIN_WEIGHT) & (weight <= MAX_WEIGHT),
            "compensation": np.isfinite(compensation) & (compensation >= 0) & (compensation <= MAX_COMPENSATION),
            "hours": hours_ok if spec.fte else hours_missing | hours_ok,
        }
    mask = np.zeros(n, dtype=np.int64)
    for reason in REASONS:
        mask |= np.where(ok[reason], 0, BIT[reason])
    if spec.out_of_scope:
        mask |= np.where(has_occupation & (occupation < 0), OUT_OF_SCOPE, 0)
    values, counts = np.unique(mask, return_counts=True)
    valid = mask == 0
    cell = (np.where(valid, year, first).astype(np.int64) - first) * len(industries) * len(spec.occupations)
    cell += occupation * len(industries) + industry
    summary = {
        "n": n,
        "masks": {int(m): int(c) for m, c in zip(values, counts)},
        "groups": _sums(spec, valid, cell, weight, compensation, hours, hours_missing),
        "weights": {m: _weight(weight[mask == m]) for m in (0, OUT_OF_SCOPE) if (mask == m).any()},
        "examples": [],
    }
    for reason in REASONS:
        for i in np.flatnonzero(mask & BIT[reason])[: spec.max_examples]:
            code = industry_codes[int(i)].as_py() if industry_codes is not None else None
            summary["examples"].append((int(i), reason, _raw(frame, source, reason, int(i)), code))
    return summary


def _weight(weight: np.ndarray) -> int:
    """Exact Σ W in fixed-point units (valid weights), as a Python integer.

    Each limb is below 2^21, so its int64 sum cannot overflow below 2^42 records."""
    return sum(int(limb.sum()) << (LIMB_BITS * k) for k, limb in enumerate(_limbs(_fixed(weight, WEIGHT_SCALE))))


def _sector_ok(frame: pd.DataFrame, source: SourceFile, spec: Spec, industry: np.ndarray) -> np.ndarray:
    """No sector column, an unknown industry (its own rule), or the industry's sector."""
    if "sector" not in source.source:
        return np.ones(len(frame), dtype=bool)
    sectors = sorted(set(spec.sectors.values()))
    wanted = np.array([sectors.index(s) for s in spec.sectors.values()], dtype=np.int64)
    given = _index(_code(frame, source, "sector"), sectors, len(frame))
    return (industry < 0) | (given == wanted[np.maximum(industry, 0)])


def _sums(spec: Spec, valid, cell, weight, compensation, hours, hours_missing) -> dict:
    """Exact Σ W, Σ W·C, Σ W·H by (year, occupation, industry), as Python integers."""
    if not valid.any():
        return {}
    w = _fixed(weight[valid], WEIGHT_SCALE)
    c = _fixed(compensation[valid], COMPENSATION_SCALE)
    h = np.where(hours_missing[valid], 0, _fixed(np.nan_to_num(hours[valid]), HOURS_SCALE))
    wl = _limbs(w)
    columns = {"cell": cell[valid], "records": np.ones(len(w), dtype=np.int64)}
    columns.update({f"w{k}": v for k, v in enumerate(wl)})
    columns.update({f"wc{k}": v for k, v in enumerate(_products(wl, _limbs(c)))})
    columns.update({f"wh{k}": v for k, v in enumerate(_products(wl, _limbs(h)))})
    data = pd.DataFrame(columns)
    totals: dict[int, list[int]] = {}
    for start in range(0, len(data), CHUNK):
        chunk = data.iloc[start : start + CHUNK].groupby("cell", sort=False).sum()
        for key, row in zip(chunk.index, chunk.to_numpy().tolist()):
            sums = [
                row[0],
                sum(row[1 + k] << (LIMB_BITS * k) for k in range(3)),
                sum(row[4 + k] << (LIMB_BITS * k) for k in range(5)),
                sum(row[9 + k] << (LIMB_BITS * k) for k in range(5)),
            ]
            total = totals.setdefault(int(key), [0, 0, 0, 0])
            for k in range(4):
                total[k] += sums[k]
    industries, occupations = list(spec.sectors), spec.occupations
    out = {}
    for key, sums in totals.items():
        rest, i = divmod(key, len(industries))
        y, o = divmod(rest, len(occupations))
        out[spec.years.start + y, occupations[o], industries[i]] = sums
    return out


# --- combining the partitions ------------------------------------------------------------


def combine(spec: Spec, owners: list[int], summaries: list[dict]) -> RawResult:
    """Add the partition summaries; rows of examples from the partition lengths."""
    groups: dict[tuple[int, str, str], list[int]] = {}
    masks: dict[tuple[int, int], int] = {}
    weights: dict[tuple[int, int], int] = {}
    found: dict[tuple[int, str], list[Example]] = {}
    offsets: dict[int, int] = {}
    by_index = {s.index: s for s in spec.files}
    for owner, summary in zip(owners, summaries):
        offset = offsets.get(owner, 0)
        offsets[owner] = offset + summary["n"]
        for mask, count in summary["masks"].items():
            masks[owner, mask] = masks.get((owner, mask), 0) + count
        for mask, weight in summary["weights"].items():
            weights[owner, mask] = weights.get((owner, mask), 0) + weight
        for key, sums in summary["groups"].items():
            total = groups.setdefault(key, [0, 0, 0, 0])
            for k in range(4):
                total[k] += sums[k]
        first_row = by_index[owner].first_row()
        for position, reason, value, industry in summary["examples"]:
            found.setdefault((owner, reason), []).append(Example(owner, offset + position + first_row, reason, value, industry))
    examples = [e for (_, _), listed in sorted(found.items()) for e in sorted(listed, key=lambda e: e.row)[: spec.max_examples]]
    return RawResult(groups, masks, examples, weights)


def _file_error(source: SourceFile, exc: Exception) -> InputError:
    first = str(exc).split("\n", 1)[0]
    if isinstance(exc, (pd.errors.ParserError, UnicodeDecodeError)):
        return InputError(source.label, None, None, None, f"well-formed UTF-8 CSV ({first})")
    return InputError(source.label, None, None, None, f"a readable file of job records ({type(exc).__name__}: {first})")
