"""SDMX-ML 3.0 structure-specific data writer (streaming).

SDMX 3.0 section 3A (SDMX-ML 3.0 structure-specific data): same layout as the 2.1
writer (:mod:`compiler.outputs.sdmx.ml21`) in the ``v3_0`` namespaces; the header's
``com:StructureUsage`` is the dataflow URN and data sets carry no ``dataScope``.
Validate with the 3.0 DSD-specific schema (:func:`compiler.outputs.sdmx.dsd_schema.dsd_xsd`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.ml21 import write_structure_specific
from compiler.outputs.sdmx.prepare import BoundData
from compiler.outputs.sdmx.settings import SdmxSettings


def write(table: pd.DataFrame | list[BoundData], path: Path, settings: SdmxSettings) -> int:
    """Write SDMX-ML 3.0 structure-specific data to ``path``; the number of observations."""
    data = table if isinstance(table, list) else prepare.by_bound(table)
    with open(path, "wb", buffering=1 << 20) as out:
        return write_structure_specific(data, out, settings, "3.0")


__all__ = ["write"]
