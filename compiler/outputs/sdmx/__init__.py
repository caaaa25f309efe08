"""SDMX output of the canonical table: structures, DSD-specific schemas, data messages.

Public API: :class:`SdmxSettings`, :func:`write_sdmx`, :class:`SdmxInputError`,
:func:`build_structures`. One DSD (ESTAT:NA_MAIN's 14 dimensions + TIME_PERIOD) and
two dataflows, ``<dataflow_id>_LOW`` / ``_HIGH``: the bound is chosen by the dataflow
(see ``docs/sdmx.md``).
"""

from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import build_structures
from compiler.outputs.sdmx.write import SdmxInputError, SdmxOutputError, write_sdmx

__all__ = ["SdmxInputError", "SdmxOutputError", "SdmxSettings", "build_structures", "write_sdmx"]
