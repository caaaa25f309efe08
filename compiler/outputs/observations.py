"""Writers of the output files: the canonical table as CSV and Parquet, JSON.

They write into the staging folder of :class:`compiler.outputs.publish.OutputFolder`, which
replaces ``OUT`` as a whole once every file is written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pandas.arrays import ArrowStringArray

from compiler import table as tbl
from compiler.outputs import arrow_frames
from compiler.outputs.csv_safety import neutralise
from compiler.outputs.sdmx.prepare import format_values_arrow


def write_observations(table: pd.DataFrame, path: Path) -> None:
    """The canonical table as CSV: full float precision, NaN for missing values; text cells
    neutralised against CSV injection (compiler.outputs.csv_safety), numbers as they are.

    The bytes are those of (the neutralised) ``table.to_csv(path, index=False, float_format=None,
    na_rep="NaN", lineterminator="\\n", encoding="utf-8")``; a canonical table is written
    column-wise with pyarrow instead (about 10 times faster), anything else by pandas.
    """
    if not _canonical(table):
        text = table.select_dtypes(include=["object", "string"]).columns
        table = table.assign(**{c: table[c].map(lambda v: neutralise(v) if isinstance(v, str) else v) for c in text})
        table.to_csv(path, index=False, float_format=None, na_rep="NaN", lineterminator="\n", encoding="utf-8")
        return
    with open(path, "wb") as out:
        out.write(_csv_line(list(table.columns)).encode("utf-8"))
        for start in range(0, len(table), _CSV_CHUNK):
            out.write(_csv_chunk(table.iloc[start : start + _CSV_CHUNK]))


_CSV_CHUNK = 1_000_000


def _canonical(table: pd.DataFrame) -> bool:
    """The canonical columns, in order, with their canonical dtypes (str, float64, int64)."""
    if list(table.columns) != list(tbl.COLUMNS) or not len(table):
        return False
    for column in tbl.COLUMNS:
        dtype = table[column].dtype
        wanted = "float64" if column == tbl.VALUE else "int64" if column in ("UNIT_MULT", "DECIMALS") else "str"
        if dtype != wanted or (wanted == "str" and not isinstance(table[column].array, ArrowStringArray)):
            return False
    return True


def _csv_line(fields: list[str]) -> str:
    """One row as Python's csv module writes it (QUOTE_MINIMAL, as pandas does)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _csv_field(value: str) -> str:
    """``value`` quoted as csv.writer quotes a field among others."""
    return _csv_line([value, ""])[:-2]


def _csv_chunk(rows: pd.DataFrame) -> memoryview:
    """The CSV lines of ``rows`` (canonical dtypes): each column formatted as pandas
    formats it for CSV (strings quoted by the csv module's rules, floats by
    ``numpy.ndarray.astype(str)``, i.e. ``repr``, with NaN as "NaN": here by
    :func:`compiler.outputs.sdmx.prepare.format_values_arrow`; integers by ``astype(str)``),
    then joined with pyarrow. The 14 dimensions are joined once per run of rows that share
    them (a series: about 30 rows in a sorted table) and repeated by ``take``."""
    texts = [_text_column(rows[c]) for c in tbl.DIMENSIONS]
    change = np.zeros(len(rows), dtype=bool)
    change[:1] = True
    for _, codes in texts:
        change[1:] |= codes[1:] != codes[:-1]
    starts = np.flatnonzero(change)
    comma = pa.scalar(",", pa.large_string())
    keys = pc.binary_join_element_wise(*[quoted.take(pa.array(codes[starts])) for quoted, codes in texts], comma)
    columns = [keys.take(pa.array(np.cumsum(change) - 1))]
    for column in tbl.COLUMNS[len(tbl.DIMENSIONS):]:
        series = rows[column]
        if column == tbl.VALUE:
            columns.append(_value_text(series.to_numpy(dtype=np.float64)))
        elif column in ("UNIT_MULT", "DECIMALS"):  # a few distinct values: format each once
            codes, uniques = pd.factorize(series.to_numpy())
            columns.append(pa.array(uniques.astype(str), pa.large_string()).take(pa.array(codes)))
        else:
            quoted, codes = _text_column(series)
            columns.append(quoted.take(pa.array(codes)))
    newline = pa.scalar("\n", pa.large_string())
    columns[-1] = pc.binary_join_element_wise(columns[-1], pa.repeat(newline, len(rows)), pa.scalar("", pa.large_string()))
    lines = pc.binary_join_element_wise(*columns, comma)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]


def _text_column(series: pd.Series) -> tuple[pa.Array, np.ndarray]:
    """A text column's distinct values neutralised and quoted as CSV fields, and each row's code."""
    encoded = series.array.__arrow_array__().combine_chunks().dictionary_encode()
    quoted = pa.array([_csv_field(neutralise(v)) for v in encoded.dictionary.to_pylist()], pa.large_string())
    return quoted, encoded.indices.to_numpy(zero_copy_only=False)


def _value_text(values: np.ndarray) -> pa.Array:
    """repr text (= numpy's astype(str)), formatted by Arrow; NaN as na_rep "NaN", infinities "inf"/"-inf"."""
    text = format_values_arrow(values)
    infinite = np.isinf(values)
    if infinite.any():  # "INF"/"-INF" (xs:double) -> numpy's "inf"/"-inf"
        text = pc.replace_with_mask(text, pa.array(infinite), pa.array(["inf" if v > 0 else "-inf" for v in values[infinite]], pa.string()))
    return pc.cast(text, pa.large_string())


def read_observations(path: Path) -> pd.DataFrame:
    """Read ``observations.csv`` back into a canonical table."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame[tbl.VALUE] = pd.to_numeric(frame[tbl.VALUE].replace("NaN", "nan"))
    return tbl.coerce(frame)


#: Parquet compression of observations.parquet (benchmarks/bench_outputs.py; 1.13 M rows:
#: zstd 6.0 MB, snappy 6.5 MB, lz4 6.3 MB, none 8.0 MB, each written in about 0.3 CPU s:
#: the dictionary encoding does most of it, zstd is the smallest at the same speed)
PARQUET_COMPRESSION = "zstd"


class ParquetObservations:
    """observations.parquet written country by country: :meth:`write` takes each REF_AREA's
    rows as Arrow (:func:`compiler.outputs.arrow_frames.to_arrow`), in REF_AREA order, as
    one row group; so a pass over the partitions that converts them anyway (the SDMX
    writers by country) writes the file on the way."""

    def __init__(self, path: Path, compression: str = PARQUET_COMPRESSION):
        self.path, self.rows = path, 0
        self.writer = pq.ParquetWriter(path, arrow_frames.schema(), compression=compression)

    def write(self, part: pa.Table) -> None:
        self.writer.write_table(part, row_group_size=max(1, part.num_rows))
        self.rows += part.num_rows

    def __enter__(self) -> ParquetObservations:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.rows:
            self.writer.write_table(arrow_frames.schema().empty_table())
        self.writer.close()


def write_observations_parquet(table: pd.DataFrame, path: Path, compression: str = PARQUET_COMPRESSION) -> None:
    """The canonical table as Parquet, one row group per REF_AREA (``compiler.table.partitions``),
    in the table's order; text exactly as in the table (a spreadsheet does not open Parquet,
    so nothing is neutralised), values as float64 bit for bit."""
    with ParquetObservations(path, compression) as out:
        for _, part in tbl.partitions(table):
            out.write(arrow_frames.to_arrow(part))


def read_observations_parquet(path: Path) -> pd.DataFrame:
    """Read ``observations.parquet`` back into a canonical table."""
    return arrow_frames.from_arrow(pq.read_table(path))


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
