"""Each SDMX data message as its parts: a head, one data set per bound (open, body, close), a tail.

A message is ``head + Σ over its bounds (open + body + close) + tail``. A body writes each
series and each observation from its own row alone (chunks of whole series, texts per
distinct value), so the body of a bound is the concatenation, in key order, of the
bodies of any split of its series: what :mod:`compiler.outputs.sdmx.partitioned` uses to
write the countries of a large table in worker processes and join them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from compiler import table as canon
from compiler.outputs.sdmx import csv as sdmx_csv
from compiler.outputs.sdmx import generic, ml21
from compiler.outputs.sdmx.prepare import BoundData
from compiler.outputs.sdmx.settings import SdmxSettings


@dataclass(frozen=True)
class Layout:
    """The parts of one data message kind."""

    head: Callable[[SdmxSettings, list[str]], bytes]
    open: Callable[[SdmxSettings, str], bytes]
    body: Callable[[BoundData, BinaryIO, SdmxSettings], object]
    close: bytes
    tail: bytes


def _structure_specific(version: str) -> Layout:
    return Layout(lambda s, bounds: ml21.structure_specific_head(s, bounds, version),
                  lambda s, bound: ml21.data_set_open(s, bound, version),
                  lambda d, out, s: ml21.structure_specific_body(d, out), b"</mes:DataSet>\n",
                  b"</mes:StructureSpecificData>\n")


def _csv(version: str) -> Layout:
    return Layout(lambda s, bounds: sdmx_csv.head(version), lambda s, bound: b"",
                  lambda d, out, s: sdmx_csv.body(d, out, s, version), b"", b"")


#: data message kind (:data:`compiler.outputs.sdmx.write.FILES`) -> its layout
LAYOUTS: dict[str, Layout] = {
    "data": _structure_specific("2.1"),
    "data-generic": Layout(generic.head, generic.data_set_open, lambda d, out, s: generic.body(d, out), b"</mes:DataSet>\n",
                           b"</mes:GenericData>\n"),
    "data-3.0": _structure_specific("3.0"),
    "data-csv": _csv("2.0"),
    "data-csv1": _csv("1.0"),
}


def bounds_of(data: list[BoundData]) -> list[str]:
    """The bounds a message's header names: those of its data sets (both when it has none)."""
    return [d.bound for d in data] or list(canon.BOUNDS)


def write(kind: str, data: list[BoundData], out: BinaryIO, settings: SdmxSettings) -> int:
    """Write the whole message ``kind`` of ``data`` (one :class:`BoundData` per bound); obs count."""
    layout = LAYOUTS[kind]
    out.write(layout.head(settings, bounds_of(data)))
    for d in data:
        out.write(layout.open(settings, d.bound))
        layout.body(d, out, settings)
        out.write(layout.close)
    out.write(layout.tail)
    return sum(len(d) for d in data)
