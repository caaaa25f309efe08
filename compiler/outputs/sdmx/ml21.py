"""SDMX-ML 2.1 structure-specific data writer (streaming).

SDMX 2.1 section 3B (SDMX-ML, structure-specific data): message
``mes:StructureSpecificData``; the header holds one ``mes:Structure`` per bound
(``structureID`` = the dataflow id, ``namespace`` = the DSD-specific namespace of
:mod:`compiler.outputs.sdmx.dsd_schema`, ``dimensionAtObservation="TIME_PERIOD"``,
``com:StructureUsage`` = the bound's dataflow); one ``mes:DataSet`` per bound
(``ss:structureRef`` → that header entry, ``ss:dataScope="Dataflow"``,
``xsi:type="ns1:DataSetType"``); ``Series`` carry the 14 dimensions and the series
attributes (TIME_FORMAT, REF_YEAR_PRICE, DECIMALS, UNIT_MULT), ``Obs`` carry
TIME_PERIOD, OBS_VALUE and the observation attributes (OBS_STATUS, CONF_STATUS,
COMMENT_OBS).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from compiler import table as canon
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.dsd_schema import namespace
from compiler.outputs.sdmx.prepare import BoundData, xml_attr
from compiler.outputs.sdmx.settings import SdmxSettings

NS = {
    "2.1": {
        "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
        "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
        "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    },
    "3.0": {
        "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
        "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific",
        "com": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common",
    },
}
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def header_xml(settings: SdmxSettings, bounds: list[str], version: str, structure_specific: bool = True) -> str:
    """``mes:Header``: ID, Test, Prepared, Sender and one Structure per bound."""
    out = [
        "<mes:Header>\n",
        f"<mes:ID>{settings.message_id}</mes:ID>\n<mes:Test>false</mes:Test>\n",
        f"<mes:Prepared>{settings.prepared_text}</mes:Prepared>\n<mes:Sender id=\"{xml_attr(settings.sender)}\"/>\n",
    ]
    for bound in bounds:
        flow = settings.dataflow(bound)
        ns_attr = f' namespace="{xml_attr(namespace(settings))}"' if structure_specific else ""
        if version == "2.1":
            usage = (f'<com:StructureUsage><Ref agencyID="{settings.agency}" id="{flow}" version="{settings.version}" '
                     f'class="Dataflow" package="datastructure"/></com:StructureUsage>')
        else:
            usage = (f"<com:StructureUsage>urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow="
                     f"{settings.agency}:{flow}({settings.version})</com:StructureUsage>")
        out.append(f'<mes:Structure structureID="{flow}"{ns_attr} dimensionAtObservation="{canon.TIME}">{usage}</mes:Structure>\n')
    out.append("</mes:Header>\n")
    return "".join(out)


def series_attribute_pieces(data: BoundData, s0: int, s1: int) -> list[pa.Array]:
    """Per series ``s0:s1``: the text of each series attribute, or ``""``."""
    return [
        data.series_text("FREQ", "ss.TIME_FORMAT", lambda f: f' TIME_FORMAT="{prepare.TIME_FORMATS.get(f, "")}"', s0, s1),
        data.series_text("REF_YEAR_PRICE", "ss.REF_YEAR_PRICE", lambda v: f' REF_YEAR_PRICE="{xml_attr(v)}"' if v else "", s0, s1),
        data.series_text("DECIMALS", "ss.DECIMALS", lambda v: f' DECIMALS="{v}"', s0, s1),
        data.series_text("UNIT_MULT", "ss.UNIT_MULT", lambda v: f' UNIT_MULT="{v}"', s0, s1),
    ]


def series_open_tags(data: BoundData, s0: int, s1: int) -> pa.Array:
    """``<Series FREQ=".." … UNIT_MULT="..">`` for the series ``s0:s1`` of ``data``."""
    pieces = [data.series_text(dim, f"ss.{dim}", lambda v, d=dim: f' {d}="{xml_attr(v)}"', s0, s1)
              for dim in canon.DIMENSIONS]
    pieces += series_attribute_pieces(data, s0, s1)
    return pc.binary_join_element_wise("<Series", *pieces, ">\n", "")


def structure_specific_body(data: BoundData, out: BinaryIO) -> int:
    """Write the ``Series``/``Obs`` of one data set; the number of observations."""
    for r0, r1, s0, s1 in data.chunks():
        heads, tails = data.around(r0, r1, s0, s1, series_open_tags(data, s0, s1), "</Series>\n")
        prepare.write_joined(
            out,
            heads,
            data.text(canon.TIME, "ss.obs", lambda v: f'<Obs TIME_PERIOD="{xml_attr(v)}" OBS_VALUE="', r0, r1,
                      null='<Obs TIME_PERIOD="" OBS_VALUE="'),
            data.value_text(r0, r1),
            data.text("OBS_STATUS", "ss.OBS_STATUS", lambda v: f'" OBS_STATUS="{xml_attr(v)}" CONF_STATUS="', r0, r1,
                      null='" OBS_STATUS="" CONF_STATUS="'),
            data.text("CONF_STATUS", "ss.CONF_STATUS", xml_attr, r0, r1),
            data.text("COMMENT_OBS", "ss.COMMENT_OBS", lambda v: f'" COMMENT_OBS="{xml_attr(v)}"/>\n' if v else '"/>\n',
                      r0, r1, null='"/>\n'),
            tails,
        )
    return len(data)


def structure_specific_head(settings: SdmxSettings, bounds: list[str], version: str = "2.1") -> bytes:
    """The XML declaration, the root element's open tag and the header."""
    ns = NS[version]
    return (b"<?xml version='1.0' encoding='UTF-8'?>\n"
            + (f'<mes:StructureSpecificData xmlns:mes="{ns["mes"]}" xmlns:ss="{ns["ss"]}" xmlns:com="{ns["com"]}" '
               f'xmlns:xsi="{XSI}" xmlns:ns1="{xml_attr(namespace(settings))}">\n').encode()
            + header_xml(settings, bounds, version).encode())


def data_set_open(settings: SdmxSettings, bound: str, version: str = "2.1") -> bytes:
    """``<mes:DataSet …>`` of the data set of ``bound``."""
    scope = ' ss:dataScope="Dataflow"' if version == "2.1" else ""
    return f'<mes:DataSet ss:structureRef="{settings.dataflow(bound)}"{scope} xsi:type="ns1:DataSetType">\n'.encode()


def write_structure_specific(data: list[BoundData], out: BinaryIO, settings: SdmxSettings, version: str = "2.1") -> int:
    """Stream a structure-specific message (SDMX-ML ``version`` 2.1 or 3.0)."""
    out.write(structure_specific_head(settings, [d.bound for d in data] or list(canon.BOUNDS), version))
    count = 0
    for d in data:
        out.write(data_set_open(settings, d.bound, version))
        count += structure_specific_body(d, out)
        out.write(b"</mes:DataSet>\n")
    out.write(b"</mes:StructureSpecificData>\n")
    return count


def write(table: pd.DataFrame | list[BoundData], path: Path, settings: SdmxSettings) -> int:
    """Write SDMX-ML 2.1 structure-specific data for ``table`` to ``path``; obs count."""
    data = table if isinstance(table, list) else prepare.by_bound(table)
    with open(path, "wb", buffering=1 << 20) as out:
        return write_structure_specific(data, out, settings, "2.1")


__all__ = ["data_set_open", "header_xml", "series_open_tags", "structure_specific_body", "structure_specific_head", "write",
           "write_structure_specific"]
