"""SDMX-CSV 2.0 and 1.0 data writers (streaming).

* SDMX-CSV 2.0.0 (sdmx-twg/sdmx-csv tag v2.0.0): ``STRUCTURE,STRUCTURE_ID,ACTION``,
  then the dimensions in DSD order, ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes
  in DSD order; ``STRUCTURE`` = ``dataflow``, ``STRUCTURE_ID`` = the bound's dataflow
  ``AGENCY:ID(VERSION)``, ``ACTION`` = ``I`` (information; .Stat Suite loads it as merge).
* SDMX-CSV 1.0 (tag v1.0): ``DATAFLOW``, dimensions, ``TIME_PERIOD``, ``OBS_VALUE``,
  attributes; series attributes repeated on every row.

Both bounds share one file: the dataflow column tells them apart. Comma separator,
UTF-8 without BOM, ``\\n`` line ends, RFC 4180 quoting; values as in the XML
(``repr``, ``NaN``). TIME_FORMAT is derived from FREQ; TITLE is declared but empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.sdmx import prepare
from compiler.sdmx.prepare import BoundData, csv_field, format_values, mapped
from compiler.sdmx.settings import SdmxSettings
from compiler.sdmx.structure import ATTRIBUTES, TIME_FORMATS

ATTRIBUTE_COLUMNS: tuple[str, ...] = tuple(a.id for a in ATTRIBUTES)


def columns(version: str = "2.0") -> list[str]:
    lead = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] if version == "2.0" else ["DATAFLOW"]
    return [*lead, *canon.DIMENSIONS, canon.TIME, canon.VALUE, *ATTRIBUTE_COLUMNS]


def _attribute_text(chunk: pd.DataFrame, attr: str) -> np.ndarray | str:
    if attr == "TIME_FORMAT":
        return mapped(chunk["FREQ"], lambda f: TIME_FORMATS.get(f, ""))
    if attr == "TITLE":
        return ""
    if attr in ("DECIMALS", "UNIT_MULT"):
        return mapped(chunk[attr].astype(str), str)
    return mapped(chunk[attr], csv_field)


def write_rows(data: list[BoundData], out: BinaryIO, settings: SdmxSettings, version: str = "2.0") -> int:
    """Stream the header line and one line per observation; the row count."""
    out.write((",".join(columns(version)) + "\n").encode())
    count = 0
    for d in data:
        lead = (f"dataflow,{settings.dataflow_ref(d.bound)},I," if version == "2.0"
                else f"{settings.dataflow_ref(d.bound)},")
        for r0, r1, _, _ in d.chunks():
            chunk = d.frame.iloc[r0:r1]
            fields: list[np.ndarray | str] = [mapped(chunk[dim], csv_field) for dim in canon.DIMENSIONS]
            fields.append(mapped(chunk[canon.TIME], csv_field))
            fields.append(format_values(chunk[canon.VALUE].to_numpy(dtype=np.float64)))
            fields += [_attribute_text(chunk, a) for a in ATTRIBUTE_COLUMNS]
            pieces = np.empty((r1 - r0, 2 * len(fields) + 1), dtype=object)
            pieces[:, 0] = lead
            for i, value in enumerate(fields):
                pieces[:, 2 * i + 1] = value
                pieces[:, 2 * i + 2] = ","
            pieces[:, -1] = "\n"
            out.write(prepare.join(pieces))
            count += r1 - r0
    return count


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


__all__ = ["columns", "read", "write", "write_rows"]
