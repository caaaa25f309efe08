"""SDMX-ML 2.1 generic data writer (streaming).

SDMX 2.1 section 3B (SDMX-ML, generic data): ``mes:GenericData``; header
``mes:Structure`` per bound (``structureID``, ``dimensionAtObservation="TIME_PERIOD"``,
``com:StructureUsage`` → the bound's dataflow); one ``mes:DataSet structureRef=…`` per
bound; each ``gen:Series`` has ``gen:SeriesKey`` (14 ``gen:Value``),
``gen:Attributes`` (series attributes) and ``gen:Obs`` (``gen:ObsDimension``,
``gen:ObsValue``, ``gen:Attributes``). Validates against the official XSDs alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.sdmx import prepare
from compiler.sdmx.ml21 import header_xml
from compiler.sdmx.prepare import BoundData, format_values, mapped, xml_attr
from compiler.sdmx.settings import SdmxSettings
from compiler.sdmx.structure import TIME_FORMATS

NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "gen": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


def _value(id_: str, v: str) -> str:
    return f'<gen:Value id="{id_}" value="{xml_attr(v)}"/>'


def _series_open(frame: pd.DataFrame, rows: np.ndarray) -> list[str]:
    first = frame.iloc[rows]
    pieces = [np.full(len(rows), "<gen:Series>\n<gen:SeriesKey>", dtype=object)]
    pieces += [mapped(first[dim], lambda v, d=dim: _value(d, v)) for dim in canon.DIMENSIONS]
    pieces.append(np.full(len(rows), "</gen:SeriesKey>\n<gen:Attributes>", dtype=object))
    pieces.append(mapped(first["FREQ"], lambda f: _value("TIME_FORMAT", TIME_FORMATS.get(f, ""))))
    pieces.append(mapped(first["REF_YEAR_PRICE"], lambda v: _value("REF_YEAR_PRICE", v) if v else ""))
    pieces.append(mapped(first["DECIMALS"].astype(str), lambda v: _value("DECIMALS", v)))
    pieces.append(mapped(first["UNIT_MULT"].astype(str), lambda v: _value("UNIT_MULT", v)))
    pieces.append(np.full(len(rows), "</gen:Attributes>\n", dtype=object))
    return ["".join(r) for r in np.stack(pieces, axis=1).tolist()]


def _body(data: BoundData, out: BinaryIO) -> None:
    frame, starts = data.frame, data.starts
    for r0, r1, s0, s1 in data.chunks():
        m = r1 - r0
        chunk = frame.iloc[r0:r1]
        local = starts[s0:s1] - r0
        opens = np.full(m, "", dtype=object)
        opens[local] = _series_open(frame, starts[s0:s1])
        closes = np.full(m, "", dtype=object)
        closes[np.append(local[1:], m) - 1] = "</gen:Series>\n"
        pieces = np.empty((m, 10), dtype=object)
        pieces[:, 0] = opens
        pieces[:, 1] = '<gen:Obs><gen:ObsDimension value="'
        pieces[:, 2] = mapped(chunk[canon.TIME], xml_attr)
        pieces[:, 3] = '"/><gen:ObsValue value="'
        pieces[:, 4] = format_values(chunk[canon.VALUE].to_numpy(dtype=np.float64))
        pieces[:, 5] = '"/><gen:Attributes>'
        pieces[:, 6] = mapped(chunk["OBS_STATUS"], lambda v: _value("OBS_STATUS", v))
        pieces[:, 7] = mapped(chunk["CONF_STATUS"], lambda v: _value("CONF_STATUS", v))
        pieces[:, 8] = mapped(chunk["COMMENT_OBS"], lambda v: _value("COMMENT_OBS", v) if v else "")
        pieces[:, 9] = "</gen:Attributes></gen:Obs>\n"
        out.write(prepare.join(np.column_stack([pieces, closes])))


def write_generic(data: list[BoundData], out: BinaryIO, settings: SdmxSettings) -> int:
    bounds = [d.bound for d in data] or list(canon.BOUNDS)
    out.write(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    out.write(f'<mes:GenericData xmlns:mes="{NS["mes"]}" xmlns:gen="{NS["gen"]}" xmlns:com="{NS["com"]}">\n'.encode())
    out.write(header_xml(settings, bounds, "2.1", structure_specific=False).encode())
    for d in data:
        out.write(f'<mes:DataSet structureRef="{settings.dataflow(d.bound)}">\n'.encode())
        _body(d, out)
        out.write(b"</mes:DataSet>\n")
    out.write(b"</mes:GenericData>\n")
    return sum(len(d.frame) for d in data)


def write(table: pd.DataFrame | list[BoundData], path: Path, settings: SdmxSettings) -> int:
    """Write SDMX-ML 2.1 generic data to ``path``; the number of observations."""
    data = table if isinstance(table, list) else prepare.by_bound(table)
    with open(path, "wb", buffering=1 << 20) as out:
        return write_generic(data, out, settings)


__all__ = ["write", "write_generic"]
