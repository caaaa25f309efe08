"""SDMX-CSV 2.0 and 1.0 data writers (streaming).

* SDMX-CSV 2.0.0 (sdmx-twg/sdmx-csv tag v2.0.0): ``STRUCTURE,STRUCTURE_ID,ACTION``,
  then the dimensions in DSD order, ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes
  in DSD order; ``STRUCTURE`` = ``dataflow``, ``STRUCTURE_ID`` = the bound's dataflow
  ``AGENCY:ID(VERSION)``, ``ACTION`` = ``I`` (information; .Stat Suite loads it as merge).
* SDMX-CSV 1.0 (tag v1.0): ``DATAFLOW``, dimensions, ``TIME_PERIOD``, ``OBS_VALUE``,
  attributes; series attributes repeated on every row.

Both bounds share one file: the dataflow column tells them apart. Comma separator,
UTF-8 without BOM, CRLF record ends and quoting as RFC 4180; values as in the XML
(at DECIMALS digits, ``NaN``). TIME_FORMAT is derived from FREQ; TITLE is declared but empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from compiler import table as canon
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.prepare import BoundData, csv_field
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import ATTRIBUTES, TIME_FORMATS

ATTRIBUTE_COLUMNS: tuple[str, ...] = tuple(a.id for a in ATTRIBUTES)
#: Record separator: CRLF (RFC 4180 §2.1). A line break inside a quoted field
#: (COMMENT_OBS) stays as written, ``\n``, which §2.6 allows.
EOL = "\r\n"


def columns(version: str = "2.0") -> list[str]:
    lead = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] if version == "2.0" else ["DATAFLOW"]
    return [*lead, *canon.DIMENSIONS, canon.TIME, canon.VALUE, *ATTRIBUTE_COLUMNS]


def _attribute_text(data: BoundData, attr: str, r0: int, r1: int, end: str = "") -> pa.Array | str:
    """The CSV field of ``attr`` for rows ``r0:r1``, followed by ``end``."""
    if attr == "TIME_FORMAT":
        return data.text("FREQ", f"csv.TIME_FORMAT{end}", lambda f: TIME_FORMATS.get(f, "") + end, r0, r1, null=end)
    if attr == "TITLE":
        return end
    if attr in ("DECIMALS", "UNIT_MULT"):
        return data.text(attr, f"csv.str{end}", lambda v: v + end, r0, r1, null=end)
    return data.text(attr, f"csv{end}", lambda v: csv_field(v) + end, r0, r1, null=end)


def head(version: str = "2.0") -> bytes:
    """The header line."""
    return (",".join(columns(version)) + EOL).encode()


def body(d: BoundData, out: BinaryIO, settings: SdmxSettings, version: str = "2.0") -> int:
    """One line per observation of one bound; the row count."""
    lead = f"dataflow,{settings.dataflow_ref(d.bound)},I" if version == "2.0" else settings.dataflow_ref(d.bound)
    for r0, r1, s0, s1 in d.chunks():
        # the dimensions are constant within a series: joined once per series
        keys = pc.binary_join_element_wise(*[d.series_text(dim, "csv", csv_field, s0, s1) for dim in canon.DIMENSIONS], ",")
        local = d.starts[s0:s1 + 1] - r0
        series = pa.array(np.repeat(np.arange(s1 - s0, dtype=np.int32), np.diff(local)))
        fields: list[pa.Array | str] = [keys.take(series), d.text(canon.TIME, "csv", csv_field, r0, r1), d.value_text(r0, r1)]
        fields += [_attribute_text(d, a, r0, r1) for a in ATTRIBUTE_COLUMNS[:-1]]
        fields.append(_attribute_text(d, ATTRIBUTE_COLUMNS[-1], r0, r1, end=EOL))
        prepare.write_joined(out, pc.binary_join_element_wise(lead, *fields, ","))
    return len(d)


def write_rows(data: list[BoundData], out: BinaryIO, settings: SdmxSettings, version: str = "2.0") -> int:
    """Stream the header line and one line per observation; the row count."""
    out.write(head(version))
    return sum(body(d, out, settings, version) for d in data)


def write(table: pd.DataFrame | list[BoundData], path: Path, settings: SdmxSettings, version: str = "2.0") -> int:
    """Write SDMX-CSV ``version`` ("2.0" or "1.0") to ``path``; the row count."""
    data = table if isinstance(table, list) else prepare.by_bound(table)
    with open(path, "wb", buffering=1 << 20) as out:
        return write_rows(data, out, settings, version)


def read(path: Path) -> pd.DataFrame:
    """Read an SDMX-CSV file written here back into canonical columns (plus BOUND)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    flow = frame["STRUCTURE_ID"] if "STRUCTURE_ID" in frame else frame["DATAFLOW"]
    bound = flow.str.extract(r":[^:(]*_(LOW|HIGH)\(")[0].str.lower()
    out = frame.reindex(columns=[*canon.DIMENSIONS, canon.TIME]).copy()
    out[canon.BOUND] = bound
    out[canon.VALUE] = frame[canon.VALUE].map(float)
    for attr in ("OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE", "COMMENT_OBS"):
        out[attr] = frame[attr]
    for attr in ("UNIT_MULT", "DECIMALS"):
        out[attr] = frame[attr].astype("int64")
    return canon.coerce(out[list(canon.COLUMNS)])


__all__ = ["body", "columns", "head", "read", "write", "write_rows"]
