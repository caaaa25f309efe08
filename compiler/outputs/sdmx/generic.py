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

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from compiler import table as canon
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.ml21 import header_xml
from compiler.outputs.sdmx.prepare import BoundData, xml_attr
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import TIME_FORMATS

NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "gen": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


def _value(id_: str, v: str) -> str:
    return f'<gen:Value id="{id_}" value="{xml_attr(v)}"/>'


def _series_open(data: BoundData, s0: int, s1: int) -> pa.Array:
    pieces = [data.series_text(dim, f"gen.{dim}", lambda v, d=dim: _value(d, v), s0, s1) for dim in canon.DIMENSIONS]
    pieces += [
        data.series_text("FREQ", "gen.TIME_FORMAT", lambda f: _value("TIME_FORMAT", TIME_FORMATS.get(f, "")), s0, s1),
        data.series_text("REF_YEAR_PRICE", "gen.REF_YEAR_PRICE", lambda v: _value("REF_YEAR_PRICE", v) if v else "", s0, s1),
        data.series_text("DECIMALS", "gen.DECIMALS", lambda v: _value("DECIMALS", v), s0, s1),
        data.series_text("UNIT_MULT", "gen.UNIT_MULT", lambda v: _value("UNIT_MULT", v), s0, s1),
    ]
    return pc.binary_join_element_wise("<gen:Series>\n<gen:SeriesKey>", *pieces[:14], "</gen:SeriesKey>\n<gen:Attributes>",
                                       *pieces[14:], "</gen:Attributes>\n", "")


def body(data: BoundData, out: BinaryIO) -> None:
    for r0, r1, s0, s1 in data.chunks():
        heads, tails = data.around(r0, r1, s0, s1, _series_open(data, s0, s1), "</gen:Series>\n")
        prepare.write_joined(
            out,
            heads,
            data.text(canon.TIME, "gen.obs", lambda v: f'<gen:Obs><gen:ObsDimension value="{xml_attr(v)}"/><gen:ObsValue value="',
                      r0, r1, null='<gen:Obs><gen:ObsDimension value=""/><gen:ObsValue value="'),
            data.value_text(r0, r1),
            data.text("OBS_STATUS", "gen.OBS_STATUS", lambda v: f'"/><gen:Attributes>{_value("OBS_STATUS", v)}', r0, r1,
                      null='"/><gen:Attributes>'),
            data.text("CONF_STATUS", "gen.CONF_STATUS", lambda v: _value("CONF_STATUS", v), r0, r1),
            data.text("COMMENT_OBS", "gen.COMMENT_OBS",
                      lambda v: (_value("COMMENT_OBS", v) if v else "") + "</gen:Attributes></gen:Obs>\n", r0, r1,
                      null="</gen:Attributes></gen:Obs>\n"),
            tails,
        )


def head(settings: SdmxSettings, bounds: list[str]) -> bytes:
    """The XML declaration, the root element's open tag and the header."""
    return (b"<?xml version='1.0' encoding='UTF-8'?>\n"
            + f'<mes:GenericData xmlns:mes="{NS["mes"]}" xmlns:gen="{NS["gen"]}" xmlns:com="{NS["com"]}">\n'.encode()
            + header_xml(settings, bounds, "2.1", structure_specific=False).encode())


def data_set_open(settings: SdmxSettings, bound: str) -> bytes:
    return f'<mes:DataSet structureRef="{settings.dataflow(bound)}">\n'.encode()


def write_generic(data: list[BoundData], out: BinaryIO, settings: SdmxSettings) -> int:
    out.write(head(settings, [d.bound for d in data] or list(canon.BOUNDS)))
    for d in data:
        out.write(data_set_open(settings, d.bound))
        body(d, out)
        out.write(b"</mes:DataSet>\n")
    out.write(b"</mes:GenericData>\n")
    return sum(len(d) for d in data)


def write(table: pd.DataFrame | list[BoundData], path: Path, settings: SdmxSettings) -> int:
    """Write SDMX-ML 2.1 generic data to ``path``; the number of observations."""
    data = table if isinstance(table, list) else prepare.by_bound(table)
    with open(path, "wb", buffering=1 << 20) as out:
        return write_generic(data, out, settings)


__all__ = ["body", "data_set_open", "head", "write", "write_generic"]
