"""The canonical observation table.

Every stage of datasat appends rows to one long table keyed by the dimensions of
ESTAT:NA_MAIN (in the DSD's order), TIME_PERIOD and the estimate's BOUND (low/high).
Each output format (CSV, SDMX-ML, SDMX-CSV, HTML) is a projection of this table.

Columns
-------
* ``DIMENSIONS``: the 14 NA_MAIN dimensions, in order, as strings.
* ``TIME_PERIOD``: string, e.g. ``"2020"`` (annual).
* ``BOUND``: ``"low"`` or ``"high"``: the scenario of the time-use shares (CBS 2020
  ch. 4.1; StatCan 2019). Figures that do not depend on the bound are repeated in
  both, so that each bound is a complete data set.
* ``OBS_VALUE``: float, in units of ``UNIT_MEASURE`` × 10^``UNIT_MULT``.
* ``ATTRIBUTES``: ``OBS_STATUS``, ``CONF_STATUS``, ``UNIT_MULT``, ``DECIMALS``,
  ``REF_YEAR_PRICE`` (base year of constant-price series, else empty) and
  ``COMMENT_OBS`` (provenance: the method and the inputs behind the figure).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals
from pandas.arrays import ArrowStringArray

DIMENSIONS: tuple[str, ...] = (
    "FREQ",
    "ADJUSTMENT",
    "REF_AREA",
    "COUNTERPART_AREA",
    "REF_SECTOR",
    "COUNTERPART_SECTOR",
    "ACCOUNTING_ENTRY",
    "STO",
    "INSTR_ASSET",
    "ACTIVITY",
    "EXPENDITURE",
    "UNIT_MEASURE",
    "PRICES",
    "TRANSFORMATION",
)
TIME = "TIME_PERIOD"
BOUND = "BOUND"
VALUE = "OBS_VALUE"
ATTRIBUTES: tuple[str, ...] = (
    "OBS_STATUS",
    "CONF_STATUS",
    "UNIT_MULT",
    "DECIMALS",
    "REF_YEAR_PRICE",
    "COMMENT_OBS",
)
KEY: tuple[str, ...] = (*DIMENSIONS, TIME, BOUND)
COLUMNS: tuple[str, ...] = (*KEY, VALUE, *ATTRIBUTES)
BOUNDS: tuple[str, ...] = ("low", "high")

#: Defaults for dimensions a stage leaves unset (NA_MAIN conventions, sdmx.md §5).
DIMENSION_DEFAULTS: Mapping[str, str] = {
    "FREQ": "A",
    "ADJUSTMENT": "N",
    "COUNTERPART_AREA": "W0",
    "REF_SECTOR": "S1",
    "COUNTERPART_SECTOR": "S1",
    "ACCOUNTING_ENTRY": "D",
    "INSTR_ASSET": "_Z",
    "ACTIVITY": "_T",
    "EXPENDITURE": "_Z",
    "UNIT_MEASURE": "XDC",
    "PRICES": "V",
    "TRANSFORMATION": "N",
}
#: Experimental estimates: OBS_STATUS G (sdmx.md §6.3), free for publication.
ATTRIBUTE_DEFAULTS: Mapping[str, str] = {
    "OBS_STATUS": "G",
    "CONF_STATUS": "F",
    "REF_YEAR_PRICE": "",
    "COMMENT_OBS": "",
}


class DuplicateKeyError(RuntimeError):
    """Two rows of the canonical table share a key: an internal error."""


def empty() -> pd.DataFrame:
    """An empty canonical table with the right columns and dtypes."""
    return coerce(pd.DataFrame({c: [] for c in COLUMNS}))


def make_rows(frame: pd.DataFrame, **fixed: Any) -> pd.DataFrame:
    """Turn a stage's result into canonical rows.

    ``frame`` holds at least ``TIME_PERIOD``, ``BOUND`` and ``OBS_VALUE`` plus any
    dimension or attribute columns that vary; ``fixed`` gives constant columns
    (``STO="P1"``, ``COMMENT_OBS="..."``). Columns that are neither take the defaults
    above; ``REF_AREA``, ``UNIT_MULT`` and ``DECIMALS`` must be given.
    """
    n = len(frame)
    index = frame.index
    columns: dict[str, Any] = {}
    for column in COLUMNS:
        if column in fixed:
            value = fixed[column]
        elif column in frame.columns:
            value = frame[column]
        elif column in _DEFAULTS:
            value = _DEFAULTS[column]
        else:
            continue
        if isinstance(value, pd.Series):
            if not value.index.equals(index):
                value = value.reindex(index)  # aligned on the index, as DataFrame.__setitem__ does
        elif np.ndim(value) == 0:
            value = _constant(column, value, n, index)
        else:  # an array or list of values, one per row
            value = pd.Series(value, index=index)
        columns[column] = _coerce_column(column, value)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"canonical rows lack columns {missing}")
    return pd.DataFrame(columns, index=index, copy=False).reset_index(drop=True)


#: Dimension and attribute defaults together (the columns a stage may leave unset).
_DEFAULTS: Mapping[str, str] = {**DIMENSION_DEFAULTS, **ATTRIBUTE_DEFAULTS}
_STRING_COLUMNS: tuple[str, ...] = (*KEY, "OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE", "COMMENT_OBS")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # the "str" dtype of pandas 3


def _constant(column: str, value: Any, n: int, index: pd.Index) -> pd.Series:
    """A column holding one value, already in its canonical dtype where that is cheap."""
    if column in _STRING_COLUMNS:
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        array = pa.chunked_array([pa.repeat(pa.scalar(text, pa.large_string()), n)])
        return pd.Series(ArrowStringArray(array, dtype=_STR), index=index, copy=False)
    return pd.Series(np.full(n, value), index=index) if n else pd.Series([], index=index, dtype=object)


def _has_missing(series: pd.Series) -> bool:
    array = series.array
    if isinstance(array, ArrowStringArray):
        return array.__arrow_array__().null_count > 0
    return bool(series.hasnans)


def _one_chunk(series: pd.Series) -> pd.Series:
    """A pyarrow-backed string column in one contiguous chunk.

    Concatenation leaves a column in several chunks, and pyarrow's ``take`` (row
    selection) then concatenates them on every call (even two chunks cost a copy of the
    column); one chunk makes the many selections of the later stages cheap.
    """
    array = series.array
    if not isinstance(array, ArrowStringArray):
        return series
    chunked = array.__arrow_array__()
    if chunked.num_chunks <= 1:
        return series
    combined = ArrowStringArray(pa.chunked_array([chunked.combine_chunks()]), dtype=series.dtype)
    return pd.Series(combined, index=series.index, name=series.name, copy=False)


def coerce(table: pd.DataFrame) -> pd.DataFrame:
    """Give every column its canonical dtype (strings; float value; int multipliers).

    Strings: missing values become ``""`` and anything else its ``str()``; columns that
    already have the ``str`` dtype only have their missing values replaced (the same
    result, without a round trip through Python objects).
    """
    columns = {column: _coerce_column(column, table[column]) for column in COLUMNS}
    extra = [c for c in table.columns if c not in columns]
    out = pd.DataFrame(columns, index=table.index, copy=False)
    if extra:
        out = pd.concat([out, table[extra]], axis=1)[list(table.columns)]
    elif list(table.columns) != list(COLUMNS):
        out = out[list(table.columns)]
    return out.reset_index(drop=True)


def _coerce_column(column: str, series: pd.Series) -> pd.Series:
    if column in _STRING_COLUMNS:
        if series.dtype == "str":
            if _has_missing(series):
                series = series.fillna("")
            return _one_chunk(series)
        return series.astype(object).where(series.notna(), "").astype(str)
    if column == VALUE:
        return series if series.dtype == "float64" else pd.to_numeric(series, errors="raise").astype("float64")
    return series if series.dtype == "int64" else pd.to_numeric(series, errors="raise").astype("int64")


def concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate canonical parts and check the key is unique."""
    parts = [p for p in parts if len(p)]
    table = coerce(pd.concat(parts, ignore_index=True)) if parts else empty()
    check_unique(table)
    return table


def check_unique(table: pd.DataFrame) -> None:
    """Raise :class:`DuplicateKeyError` naming the first duplicated keys."""
    if len(table) < 2 or _unique_key(table):
        return
    duplicated = table.duplicated(list(KEY), keep=False)
    if duplicated.any():
        keys = table.loc[duplicated, list(KEY)].drop_duplicates().head(5)
        shown = "; ".join(series_key(row) + f" {row[TIME]} {row[BOUND]}" for _, row in keys.iterrows())
        raise DuplicateKeyError(
            f"internal error: {int(duplicated.sum())} rows of the canonical table share a key, e.g. {shown}"
        )


#: Key columns, the most discriminating first (for early exits in the key checks).
_KEY_ORDER: tuple[str, ...] = (
    TIME, BOUND, "STO", "INSTR_ASSET", "ACTIVITY", "REF_SECTOR", "UNIT_MEASURE", "PRICES", "ACCOUNTING_ENTRY",
    "COUNTERPART_AREA", "REF_AREA", "EXPENDITURE", "TRANSFORMATION", "COUNTERPART_SECTOR", "ADJUSTMENT", "FREQ",
)
assert sorted(_KEY_ORDER) == sorted(KEY)
_MAX_RADIX = 2**62


def factorize(parts: list[pd.Series]) -> tuple[np.ndarray, int]:
    """Integer codes (int64, one numbering across ``parts``, concatenated) and their number.

    Equal values get equal codes (missing values one code of their own); the numbering
    is otherwise arbitrary. pyarrow string columns are dictionary-encoded directly.
    """
    arrays = [p.array for p in parts]
    if len(arrays) == 1 and isinstance(arrays[0], pd.Categorical) and not arrays[0].isna().any():
        return arrays[0].codes.astype(np.int64), len(arrays[0].categories)  # distinct categories: codes will do
    if arrays and all(isinstance(a, ArrowStringArray) for a in arrays):
        chunks = [c for a in arrays for c in a.__arrow_array__().chunks if len(c)]
        if not chunks:
            return np.zeros(0, dtype=np.int64), 0
        encoded = pa.chunked_array(chunks).dictionary_encode(null_encoding="encode")
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]).astype(np.int64, copy=False)
        return codes, len(encoded.chunks[0].dictionary)
    values = pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True) if len(parts) != 1 else parts[0]
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), len(uniques)


def _combine(code: np.ndarray, radix: int, codes: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """Mixed-radix combination of two codes, renumbered first if it would overflow."""
    if radix * k >= _MAX_RADIX:
        _, code = np.unique(code, return_inverse=True)
        code = code.reshape(-1).astype(np.int64, copy=False)
        radix = int(code.max()) + 1 if len(code) else 1
    return code * k + codes, radix * k


def key_codes(parts: list[pd.DataFrame], columns: tuple[str, ...] | list[str] = KEY) -> np.ndarray:
    """One int64 per row of the concatenated ``parts``: equal iff the ``columns`` are equal."""
    code, radix = np.zeros(sum(len(p) for p in parts), dtype=np.int64), 1
    for column in columns:
        codes, k = factorize([p[column] for p in parts])
        if k > 1:
            code, radix = _combine(code, radix, codes, k)
    return code


class ColumnCodes:
    """Integer codes of some columns of a frame, each column factorized once, and
    combinations of them: equal combined codes mean equal values in those columns."""

    def __init__(self, frame: pd.DataFrame, columns: list[str] | tuple[str, ...]):
        self.codes: dict[str, np.ndarray] = {}
        self.sizes: dict[str, int] = {}
        for column in columns:
            self.codes[column], self.sizes[column] = factorize([frame[column]])

    def combined(self, columns: list[str] | tuple[str, ...], rows: np.ndarray | None = None) -> np.ndarray:
        """One code per row (of ``rows``, positions, if given) for the values of ``columns``."""
        n = len(next(iter(self.codes.values()))) if rows is None else len(rows)
        code, radix = np.zeros(n, dtype=np.int64), 1
        for column in columns:
            k = self.sizes[column]
            if k > 1:  # a constant column does not split groups
                code, radix = _combine(code, radix, self.codes[column] if rows is None else self.codes[column][rows], k)
        return code


def group_sum(values: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups of equal ``code``, in order of first appearance: the position of each group's
    first row and the sum of its ``values`` (``groupby(...).sum(min_count=1)``: the same
    summation, so the same result as grouping by the columns behind ``code``)."""
    labels, _ = pd.factorize(code)
    _, first = np.unique(labels, return_index=True)
    sums = pd.Series(values).groupby(labels, sort=True).sum(min_count=1).to_numpy()
    return first, sums


def _has_repeats(code: np.ndarray) -> bool:
    ordered = np.sort(code)
    return bool((ordered[1:] == ordered[:-1]).any())


def _unique_key(table: pd.DataFrame) -> bool:
    """Whether the key of ``table`` is unique (exact; stops as soon as a prefix of the key is)."""
    code, radix, n = np.zeros(len(table), dtype=np.int64), 1, len(table)
    for i, column in enumerate(_KEY_ORDER):
        codes, k = factorize([table[column]])
        if k > 1:
            code, radix = _combine(code, radix, codes, k)
        if radix >= n and (i in (7, 9, 10) or i == len(_KEY_ORDER) - 1) and not _has_repeats(code):
            return True
    return False


def append(table: pd.DataFrame, new: pd.DataFrame, stage: str) -> pd.DataFrame:
    """``table`` and the rows a ``stage`` adds, the keys checked once, on what it adds: unique
    among themselves and new to ``table`` (the table's own keys were checked when added)."""
    if not len(new):
        return table
    new = coerce(new)
    check_unique(new)
    check_new_keys(new, table, stage)
    return coerce(pd.concat([table, new], ignore_index=True))


def check_new_keys(new: pd.DataFrame, table: pd.DataFrame, stage: str) -> None:
    """Raise :class:`DuplicateKeyError` if a row a ``stage`` adds repeats a key of ``table``
    (an internal error: a stage emits new keys only), naming the stage.

    ``new`` is compared only with the rows of ``table`` that share (STO, INSTR_ASSET,
    UNIT_MEASURE) with one of its rows: a repeated key needs all three, and a stage's new
    STOs or units are mostly absent from the table."""
    clash = keys_in(new, _sharing(new, table, ("STO", "INSTR_ASSET", "UNIT_MEASURE")))
    if clash.any():
        raise DuplicateKeyError(f"internal error: {stage} would repeat {int(clash.sum())} keys of the table")


def _sharing(new: pd.DataFrame, table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows of ``table`` whose values of ``columns`` are those of some row of ``new``."""
    if not len(new) or not len(table):
        return table.iloc[:0]
    candidates = select(table, **{c: tuple(pd.unique(new[c].to_numpy())) for c in columns})
    if not len(candidates):
        return candidates
    pairs = key_codes([new, candidates], columns)
    return candidates.iloc[np.flatnonzero(_isin(pairs[len(new):], pairs[: len(new)]))]


def keys_in(rows: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """For each row of ``rows``, whether ``table`` has a row with the same key (KEY columns)."""
    n = len(rows)
    if not n or not len(table):
        return np.zeros(n, dtype=bool)
    code, radix = np.zeros(n + len(table), dtype=np.int64), 1
    for i, column in enumerate(_KEY_ORDER):
        codes, k = factorize([rows[column], table[column]])
        if k > 1:
            code, radix = _combine(code, radix, codes, k)
        if i in (2, 5, 8) and not _isin(code[:n], code[n:]).any():
            return np.zeros(n, dtype=bool)  # no row matches on a part of the key already
    return _isin(code[:n], code[n:])


def _isin(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    return pd.Series(values).isin(among).to_numpy()  # a hash table: faster than sorting (np.isin)


def series_key(row: Mapping[str, Any]) -> str:
    """The dotted NA_MAIN series key of a row, e.g. ``A.N.CN.W0.S1.S1.D.P51G...``."""
    return ".".join(str(row[d]) for d in DIMENSIONS)


def sort(table: pd.DataFrame) -> pd.DataFrame:
    """Sort by key (series, then time, then bound): a stable order for every writer."""
    return table.sort_values(list((*DIMENSIONS, BOUND, TIME)), kind="stable").reset_index(drop=True)


def select(table: pd.DataFrame, **criteria: str | tuple[str, ...]) -> pd.DataFrame:
    """Rows whose columns equal (or, given a tuple, are among) the criteria.

    Each criterion after the first is tested only on the rows that passed the ones
    before it (put the most selective first, e.g. ``STO``).
    """
    rows: np.ndarray | None = None
    for column, wanted in criteria.items():
        if rows is not None and not len(rows):
            break
        match = _matches(table[column], wanted, rows)
        rows = np.flatnonzero(match) if rows is None else rows[match]
    return table.copy(deep=False) if rows is None else table.iloc[rows]


def _matches(series: pd.Series, wanted: Any, rows: np.ndarray | None) -> np.ndarray:
    """Boolean array: ``series`` (restricted to ``rows``) equals ``wanted`` or is among a tuple of them."""
    array = series.array
    if isinstance(array, ArrowStringArray) and (isinstance(wanted, str) or isinstance(wanted, tuple) and all(isinstance(w, str) for w in wanted)):
        values = array.__arrow_array__()
        if rows is not None:
            values = values.take(rows)
        if isinstance(wanted, tuple):
            match = pc.is_in(values, value_set=pa.array(wanted, values.type))
        else:
            match = pc.equal(values, pa.scalar(wanted, values.type))
        return np.asarray(pc.fill_null(match, False).to_numpy(zero_copy_only=False), dtype=bool)
    if rows is not None:
        series = series.take(rows)
    match = series.isin(list(wanted)) if isinstance(wanted, tuple) else series == wanted
    return match.to_numpy(dtype=bool, na_value=False)


def encode(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (canonical rows) dictionary-encoded: every string column categorical (each
    distinct text stored once, a 1-2 byte code a row); :func:`decode` gives the rows back."""
    columns = {c: _encode_column(frame[c]) if c in _STRING_COLUMNS else frame[c] for c in COLUMNS}
    return pd.DataFrame(columns, copy=False).reset_index(drop=True)


def _encode_column(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.reset_index(drop=True)
    array = series.array
    if isinstance(array, ArrowStringArray):
        chunked = array.__arrow_array__()
        dictionary = (chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)).dictionary_encode()
        categories = pd.Index(dictionary.dictionary.to_numpy(zero_copy_only=False).astype(object), dtype="str")
        codes_ = dictionary.indices.to_numpy(zero_copy_only=False)
        return pd.Series(pd.Categorical.from_codes(codes_, categories=categories), name=series.name)
    return pd.Series(pd.Categorical(series), name=series.name).reset_index(drop=True)


def encoded_rows(frame: pd.DataFrame, **fixed: Any) -> pd.DataFrame:
    """:func:`make_rows`, dictionary-encoded: string columns categorical (a constant one code)."""
    n = len(frame)
    columns: dict[str, Any] = {}
    for column in COLUMNS:
        value = fixed[column] if column in fixed else frame[column] if column in frame.columns else _DEFAULTS.get(column)
        if value is None:
            raise ValueError(f"canonical rows lack column {column}")
        if column not in _STRING_COLUMNS:
            value = value.to_numpy() if isinstance(value, pd.Series) else np.full(n, value) if np.ndim(value) == 0 else np.asarray(value)
            columns[column] = _coerce_column(column, pd.Series(value, copy=False))
        elif isinstance(value, pd.Series) and isinstance(value.dtype, pd.CategoricalDtype):
            columns[column] = pd.Series(value.array, copy=False)
        elif np.ndim(value) == 0:
            columns[column] = pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([str(value)], dtype="str")), copy=False)
        elif isinstance(value, pd.Series) and value.dtype == "str" and not _has_missing(value):
            columns[column] = _encode_column(value.reset_index(drop=True))
        else:
            columns[column] = _encode_column(pd.Series(np.asarray(value, dtype=object), dtype="str"))
    return pd.DataFrame(columns, copy=False)


def constant(value: str, n: int, like: pd.Series) -> Any:
    """``value`` for a column of ``n`` rows: one code of a categorical if ``like`` is encoded,
    else the text itself (for a column assignment)."""
    if isinstance(like.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype="str"))
    return value


def concat_encoded(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Encoded parts one under the other, each string column's categories united."""
    if not parts:
        return encode(empty())
    columns = {}
    for column in COLUMNS:
        if column in _STRING_COLUMNS:
            united = union_categoricals([p[column].array for p in parts])
            columns[column] = pd.Series(united, copy=False)
        else:
            columns[column] = pd.Series(np.concatenate([p[column].to_numpy() for p in parts]), copy=False)
    return pd.DataFrame(columns, copy=False)


def decode(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows of the canonical table, dictionary-encoded or not) in the canonical dtypes.

    Categorical (dictionary-encoded) columns become ``str`` columns, the value float64 and
    the multipliers int64; the columns in :data:`COLUMNS` order, the index 0..n-1. What the
    writers see: every output is a projection of decoded rows.
    """
    columns: dict[str, pd.Series] = {}
    for column in COLUMNS:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = _decode_categorical(series)
        columns[column] = _coerce_column(column, series)
    return pd.DataFrame(columns, copy=False).reset_index(drop=True)


def _decode_categorical(series: pd.Series) -> pd.Series:
    """A categorical column as a pyarrow ``str`` column (one ``take`` of its categories)."""
    categories = pa.array(series.cat.categories.astype(str).to_numpy(dtype=object), pa.large_string())
    codes_ = pa.array(series.cat.codes.to_numpy(), mask=series.cat.codes.to_numpy() < 0)
    values = categories.take(codes_)
    return pd.Series(ArrowStringArray(pa.chunked_array([values]), dtype=_STR), index=series.index, name=series.name, copy=False)


def partitions(table: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """The table country by country: ``(REF_AREA, rows)`` in the order of REF_AREA, each
    part decoded (:func:`decode`) and sorted as :func:`sort` sorts (series, bound, time).

    The one way a writer reads the combined table by country (dictionary-encoded or not).
    """
    if not len(table):
        return
    area_codes, areas = _ranks(table["REF_AREA"])
    order = np.argsort(area_codes, kind="stable")
    bounds = np.searchsorted(area_codes[order], np.arange(len(areas) + 1))
    for i, area in enumerate(areas):
        rows = table.iloc[order[bounds[i]:bounds[i + 1]]]
        yield area, decode(rows.iloc[sort_order(rows)])


def sort_order(frame: pd.DataFrame) -> np.ndarray:
    """Positions that sort ``frame`` as :func:`sort` does (a stable lexicographic sort on
    the ranks of each column's values: the same order, without comparing strings row by row)."""
    keys = [_ranks(frame[column])[0] for column in (*DIMENSIONS, BOUND, TIME)]
    return np.lexsort(keys[::-1])


def _ranks(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's rank among the distinct values present (sorted as strings), and those values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = np.unique(series.cat.codes.to_numpy())
        categories = series.cat.categories
        values = [str(categories[c]) for c in present]
        order = np.argsort(np.array(values, dtype=object), kind="stable")
        rank_of_code = np.zeros(len(categories), dtype=np.min_scalar_type(len(present)))  # 1-2 bytes a row, not 8
        rank_of_code[present[order]] = np.arange(len(present))
        return rank_of_code[series.cat.codes.to_numpy()], [values[i] for i in order]
    codes_, uniques = pd.factorize(series, sort=True)
    return codes_, [str(u) for u in uniques]


def kahan_group_sum(values: np.ndarray, ids: np.ndarray, ngroups: int) -> np.ndarray:
    """Sums by group of the rows of ``values`` (n or n × k), each group's rows added in their
    order with Kahan's compensation, NaN skipped, empty sums 0: what pandas' cython
    ``groupby(...).sum()`` computes (``pandas/_libs/groupby.pyx`` ``group_sum``), vectorised
    over groups (one step per position within a group, not per row)."""
    values = np.asarray(values, dtype=np.float64)
    shape = (ngroups, *values.shape[1:])
    total, compensation = np.zeros(shape), np.zeros(shape)
    order = np.argsort(ids, kind="stable")
    sizes = np.bincount(ids, minlength=ngroups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    by_size = np.argsort(-sizes, kind="stable")  # groups with at least k + 1 rows: a prefix
    counts = sizes[by_size]
    for k in range(int(sizes.max()) if ngroups else 0):
        groups = by_size[: np.searchsorted(-counts, -k, side="left")]
        val = values[order[starts[groups] + k]]
        s, c = total[groups], compensation[groups]
        y = val - c
        t = s + y
        new_c = (t - s) - y
        new_c[np.isnan(new_c)] = 0.0  # GH#53606: an infinite value
        present = ~np.isnan(val)
        total[groups] = np.where(present, t, s)
        compensation[groups] = np.where(present, new_c, c)
    return total
