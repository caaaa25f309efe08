"""The canonical table as Arrow and back: for observations.parquet and for handing
partitions to worker processes (Arrow IPC files, memory-mapped).

Text columns are dictionary-encoded (a country's 100 k rows hold a few hundred distinct
texts), OBS_VALUE float64 and UNIT_MULT, DECIMALS int64: the values bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from compiler import table as tbl

TEXT = pa.dictionary(pa.int32(), pa.string())
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def schema() -> pa.Schema:
    """The canonical columns: text dictionary-encoded, OBS_VALUE float64, UNIT_MULT and DECIMALS int64."""
    return pa.schema([(c, pa.float64() if c == tbl.VALUE else pa.int64() if c in ("UNIT_MULT", "DECIMALS") else TEXT)
                      for c in tbl.COLUMNS])


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A canonical frame as an Arrow table of :func:`schema` (text dictionary-encoded)."""
    target = schema()
    columns = []
    for field in target:
        series = frame[field.name]
        if field.type == TEXT:
            array = series.array.__arrow_array__() if isinstance(series.array, ArrowStringArray) else pa.array(series, pa.string())
            columns.append(pc.cast(array, pa.string()).dictionary_encode())
        else:
            columns.append(pa.array(series.to_numpy(dtype=field.type.to_pandas_dtype()), field.type))
    return pa.Table.from_arrays(columns, schema=target)


def from_arrow(data: pa.Table) -> pd.DataFrame:
    """An Arrow table of canonical columns (text plain or dictionary-encoded) as a canonical frame."""
    columns = {}
    for field in data.schema:
        column = data.column(field.name)
        if pa.types.is_dictionary(field.type) or pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = pc.cast(column, pa.large_string())
            columns[field.name] = pd.Series(ArrowStringArray(column, dtype=_STR), copy=False)
        else:
            columns[field.name] = pd.Series(column.to_numpy(), copy=False)
    return tbl.coerce(pd.DataFrame(columns, copy=False))


def write_ipc(frame: pd.DataFrame | pa.Table, path: Path, metadata: dict[str, str] | None = None) -> None:
    """``frame`` (or its :func:`to_arrow`) as an Arrow IPC file (uncompressed: read back
    memory-mapped, without a copy); ``metadata`` comes back as the frame's ``attrs``."""
    data = frame if isinstance(frame, pa.Table) else to_arrow(frame)
    if metadata:
        data = data.replace_schema_metadata(metadata)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)


def read_ipc(path: Path) -> pd.DataFrame:
    """An Arrow IPC file of :func:`write_ipc`, memory-mapped, as a canonical frame."""
    data = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    frame = from_arrow(data)
    frame.attrs.update({k.decode(): v.decode() for k, v in (data.schema.metadata or {}).items()})
    return frame
