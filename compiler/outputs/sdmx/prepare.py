"""Vectorised preparation shared by the SDMX data writers.

Every writer streams one data set per bound in the order of
:func:`compiler.table.sort`, series by series (a series = rows sharing the 14
dimensions and ``BOUND``). The table is never sorted as a whole: each column is
dictionary-encoded once (Arrow), the dimension codes are ranked in string order and
packed into one integer key per row, and a stable ``argsort`` of that key (skipped
when the input is already in order) gives the writing order; the same codes give the
series boundaries. Text columns are escaped per distinct value only (cached per
table, shared by all writers) and expanded with Arrow ``take``.

Values are written in Python ``repr`` form (shortest round-trip text, so a reader
gets the same float64 bit for bit), missing as ``NaN`` and infinities as
``INF``/``-INF`` (``xs:double`` lexical space, XML Schema 1.0 part 2 §3.2.5). They
are formatted by Arrow's shortest round-trip cast and normalised to ``repr``'s
layout (``.0`` on integral values); values ``repr`` writes in exponent form
(``|x| < 1e-4`` or ``≥ 1e16``) and the rare values Arrow writes in exponent form in
``repr``'s fixed range fall back to ``repr`` itself.

The writers assemble each chunk of a few series as Arrow string columns joined
element-wise, and write the joined array's UTF-8 data buffer in one block, so
memory stays bounded by the chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from compiler import table as canon
from compiler.outputs.sdmx.decimals import decimal_text
from compiler.outputs.sdmx.structure import TIME_FORMATS

#: Optional column of pre-formatted OBS_VALUE text (e.g. values rescaled to another
#: UNIT_MULT by exact decimal arithmetic); without it values are formatted at DECIMALS.
VALUE_TEXT = "_OBS_VALUE_TEXT"
#: Observations per written chunk (rounded to whole series).
CHUNK = 65_536
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_XML_RE = re.compile('[&<>"\n\r\t]')
#: Characters XML 1.0 forbids (§2.2 Char), which no escape can carry.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_attr(text: str) -> str:
    """Escape ``text`` for a double-quoted XML attribute (newlines kept as ``&#10;``)."""
    return _XML_RE.sub(lambda m: _XML_ESCAPES[m.group()], text)


def csv_field(text: str) -> str:
    """Quote a CSV field when needed (RFC 4180 §2.6–2.7)."""
    if any(c in text for c in ',"\n\r') or text != text.strip(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


def _special(x: float) -> str:
    if x != x:
        return "NaN"
    if x == np.inf:
        return "INF"
    if x == -np.inf:
        return "-INF"
    return repr(x)


def format_values_arrow(values: np.ndarray) -> pa.StringArray:
    """``repr`` text of each float64 (``NaN``, ``INF``, ``-INF`` for the specials), as Arrow."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    text = pc.cast(pa.array(values), pa.string())
    if not len(values):
        return text
    magnitude = np.abs(values)
    # repr's fixed layout (decimal point position -4 < decpt <= 16); NaN compares False.
    fixed = ((magnitude >= 1e-4) & (magnitude < 1e16)) | (magnitude == 0)
    exponent = pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    slow = ~fixed | exponent
    dot = pc.match_substring(text, ".").to_numpy(zero_copy_only=False)
    need_dot = ~slow & ~dot
    if need_dot.any():
        text = pc.binary_join_element_wise(text, _SUFFIX.take(pa.array(need_dot.view(np.int8))), "")
    if slow.any():
        idx = np.flatnonzero(slow)
        fixes = pa.array([_special(x) for x in values[idx].tolist()], type=pa.string())
        text = pc.replace_with_mask(text, pa.array(slow), fixes)
    return text


_SUFFIX = pa.array(["", ".0"])


def format_values(values: np.ndarray) -> np.ndarray:
    """Shortest round-trip text of each float (``repr``), ``NaN``, ``INF``, ``-INF``."""
    return np.array(format_values_arrow(values).to_pylist(), dtype=object)


def mapped(column: pd.Series | np.ndarray, func: Callable[[str], str]) -> np.ndarray:
    """``func`` applied to each distinct value only; an object array."""
    codes, uniques = pd.factorize(np.asarray(column, dtype=object))
    done = np.array([func(str(u)) for u in uniques] + [""], dtype=object)
    return done[codes]


def write_joined(out: BinaryIO, *columns: pa.Array | pa.Scalar | str) -> None:
    """Write the element-wise concatenation of ``columns`` as one block of UTF-8 bytes."""
    joined = pc.binary_join_element_wise(*columns, "")
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    n = len(joined)
    if not n:
        return
    if joined.null_count:
        raise ValueError("internal error: a null in the text of an SDMX chunk")
    width = 8 if pa.types.is_large_string(joined.type) else 4
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32 if width == 4 else np.int64,
                            count=n + 1, offset=joined.offset * width)
    out.write(memoryview(joined.buffers()[2])[int(offsets[0]):int(offsets[-1])])


class Encoded:
    """Each column of ``table`` dictionary-encoded once: codes per row, distinct values.

    A missing value gets the code ``len(uniques)``. Texts derived from the distinct
    values (:meth:`pieces`) are cached by name, so every writer escapes each distinct
    value once per table.
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self._codes: dict[str, tuple[np.ndarray, list]] = {}
        self._pieces: dict[tuple[str, str], pa.Array] = {}

    def codes(self, column: str) -> tuple[np.ndarray, list]:
        if column not in self._codes:
            self._codes[column] = _encode(self.table[column])
        return self._codes[column]

    def ranked(self, column: str) -> tuple[np.ndarray, int]:
        """Codes renumbered so that their order is the values' sort order (missing last)."""
        codes, uniques = self.codes(column)
        order = np.argsort(np.array(uniques + [None], dtype=object)[:-1], kind="stable") if uniques else np.zeros(0, np.int64)
        rank = np.empty(len(uniques) + 1, dtype=np.int64)
        rank[order] = np.arange(len(uniques))
        rank[-1] = len(uniques)
        return rank[codes], len(uniques) + 1

    def pieces(self, column: str, name: str, func: Callable[[str], str], null: str = "") -> pa.Array:
        """``func(str(value))`` for each distinct value, then ``null`` (the missing value's text)."""
        key = (column, name)
        if key not in self._pieces:
            uniques = self.codes(column)[1]
            self._pieces[key] = pa.array([func(str(u)) for u in uniques] + [null], type=pa.string())
        return self._pieces[key]

    def text(self, column: str, name: str, func: Callable[[str], str], rows: np.ndarray, null: str = "") -> pa.Array:
        """The text of ``column`` at ``rows`` (table positions) through ``func``."""
        return self.pieces(column, name, func, null).take(pa.array(self.codes(column)[0][rows]))

    @cached_property
    def values(self) -> np.ndarray:
        return self.table[canon.VALUE].to_numpy(dtype=np.float64)

    @cached_property
    def decimals(self) -> np.ndarray:
        return self.table["DECIMALS"].to_numpy(dtype=np.int64)

    def value_text(self, rows: np.ndarray) -> pa.Array:
        """OBS_VALUE text of ``rows``: the ``VALUE_TEXT`` column when the table has one
        (a writer that rescaled the figures exactly), else each value at its DECIMALS
        (:func:`compiler.outputs.sdmx.decimals.decimal_text`)."""
        if VALUE_TEXT in self.table.columns:
            return pa.array(self.table[VALUE_TEXT].to_numpy(dtype=object)[rows], type=pa.string())
        return decimal_text(self.values[rows], self.decimals[rows])


def _encode(column: pd.Series) -> tuple[np.ndarray, list]:
    try:
        array = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        array = None
    if array is None or pa.types.is_floating(array.type) or pa.types.is_null(array.type):
        codes, uniques = pd.factorize(np.asarray(column, dtype=object))
        codes = codes.astype(np.int32)
        codes[codes < 0] = len(uniques)
        return codes, list(uniques)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    uniques = encoded.dictionary.to_pylist()
    codes = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes, uniques


@dataclass(frozen=True)
class BoundData:
    """One bound's rows, in writing order, with the series boundaries.

    ``rows`` are positions in ``encoded.table``; ``starts`` index ``rows``: each
    series' first row, then ``len(rows)``.
    """

    bound: str
    encoded: Encoded
    rows: np.ndarray
    starts: np.ndarray

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The bound's rows as a frame in writing order (built on first use)."""
        return self.encoded.table.take(self.rows).reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def n_series(self) -> int:
        return len(self.starts) - 1

    def chunks(self, size: int = CHUNK) -> Iterator[tuple[int, int, int, int]]:
        """``(row_start, row_stop, series_start, series_stop)`` of about ``size`` rows."""
        s = 0
        while s < self.n_series:
            target = self.starts[s] + size
            e = max(s + 1, int(np.searchsorted(self.starts, target, side="right")) - 1)
            e = min(e, self.n_series)
            yield int(self.starts[s]), int(self.starts[e]), s, e
            s = e

    def text(self, column: str, name: str, func: Callable[[str], str], r0: int, r1: int, null: str = "") -> pa.Array:
        """Text of ``column`` for the bound's rows ``r0:r1`` (writing order)."""
        return self.encoded.text(column, name, func, self.rows[r0:r1], null)

    def series_text(self, column: str, name: str, func: Callable[[str], str], s0: int, s1: int, null: str = "") -> pa.Array:
        """Text of ``column`` at the first row of series ``s0:s1``."""
        return self.encoded.text(column, name, func, self.rows[self.starts[s0:s1]], null)

    def values(self, r0: int, r1: int) -> np.ndarray:
        return self.encoded.values[self.rows[r0:r1]]

    def value_text(self, r0: int, r1: int) -> pa.Array:
        """OBS_VALUE text of rows ``r0:r1`` at their DECIMALS (:meth:`Encoded.value_text`)."""
        return self.encoded.value_text(self.rows[r0:r1])

    def around(self, r0: int, r1: int, s0: int, s1: int, opens: pa.Array, close: str) -> tuple[pa.Array, pa.Array]:
        """Per row of ``r0:r1``: the series' open tag on its first row (else ``""``) and
        ``close`` on its last row (else ``""``)."""
        m = r1 - r0
        local = self.starts[s0:s1] - r0
        head = np.zeros(m, dtype=np.int32)
        head[local] = np.arange(1, len(local) + 1, dtype=np.int32)
        heads = pa.concat_arrays([pa.array([""], type=pa.string()), opens.cast(pa.string())]).take(pa.array(head))
        tail = np.zeros(m, dtype=np.int8)
        tail[np.append(local[1:], m) - 1] = 1
        tails = pa.array(["", close], type=pa.string()).take(pa.array(tail))
        return heads, tails


def _series_break(starts_of: np.ndarray) -> np.ndarray:
    n = len(starts_of)
    if n == 0:
        return np.array([0], dtype=np.int64)
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(starts_of[1:], starts_of[:-1], out=change[1:])
    return np.append(np.flatnonzero(change), n).astype(np.int64)


def series_starts(frame: pd.DataFrame) -> np.ndarray:
    """Start of each run of equal 14-dimension keys in a sorted frame, plus ``len``."""
    encoded = Encoded(frame.reset_index(drop=True))
    return _series_break(_series_key(encoded))


def _pack(parts: list[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    """One int64 per row ordered as the tuple of ``parts`` (codes, cardinality)."""
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for codes, card in parts:
        if size * card >= 2**62:
            uniques, inverse = np.unique(key, return_inverse=True)
            key, size = inverse.astype(np.int64).ravel(), len(uniques)
        key = key * card + codes
        size *= card
    return key


def _series_key(encoded: Encoded) -> np.ndarray:
    n = len(encoded.table)
    return _pack([encoded.ranked(d) for d in canon.DIMENSIONS], n)


def series_codes(encoded: Encoded) -> np.ndarray:
    """One int64 per row, equal for the rows of one series (14 dimensions), ordered as the keys."""
    return _series_key(encoded)


def by_bound(table: pd.DataFrame, sort: bool = True) -> list[BoundData]:
    """The table split into bounds (``low`` then ``high``), each in canonical order.

    Same order as :func:`compiler.table.sort` (stable), computed on integer codes.
    """
    table = table.reset_index(drop=True)
    encoded = Encoded(table)
    n = len(table)
    series = _series_key(encoded)
    if sort:
        full = _pack([(series, int(series.max()) + 1 if n else 1), encoded.ranked(canon.TIME)], n)
    codes, uniques = encoded.codes(canon.BOUND)
    out = []
    for bound in canon.BOUNDS:
        if bound not in uniques:
            continue
        rows = np.flatnonzero(codes == uniques.index(bound))
        if sort:
            key = full[rows]
            if len(key) > 1 and not (key[1:] >= key[:-1]).all():
                rows = rows[np.argsort(key, kind="stable")]
        out.append(BoundData(bound, encoded, rows, _series_break(series[rows])))
    return out


def time_format(freq: np.ndarray) -> np.ndarray:
    """TIME_FORMAT from FREQ: P1Y for A, P3M for Q, P1M for M (SDMX:CL_TIME_FORMAT)."""
    return mapped(freq, lambda f: TIME_FORMATS.get(f, ""))


def int_text(values: pd.Series | np.ndarray) -> np.ndarray:
    return mapped(np.asarray(values).astype(np.int64).astype(str).astype(object), str)


def join(pieces: np.ndarray) -> bytes:
    """Concatenate a 2-D object array of strings row by row into UTF-8 bytes."""
    return "".join(pieces.ravel().tolist()).encode("utf-8")


__all__ = ["BoundData", "Encoded", "by_bound", "csv_field", "format_values", "format_values_arrow", "join", "mapped",
           "series_starts", "time_format", "write_joined", "xml_attr", "INVALID_XML"]
