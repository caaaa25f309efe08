"""SDMX output settings: the ``[sdmx]`` table of a country's ``package.toml``.

Keys (all optional): ``agency`` (maintenance agency of the structures, default
``DATASAT``), ``dsd_id`` (``DSD_DATA_ASSETS``), ``dataflow_id`` (base of the two
dataflow ids, ``DF_DATA_ASSETS`` → ``DF_DATA_ASSETS_LOW`` / ``_HIGH``), ``version``
(``1.0.0``, of every structure), ``sender`` (header ``Sender id``, default the
agency: set it to the compiling organisation's id) and ``receiver`` (header
``Receiver id`` of the NA_MAIN messages, default ``ESTAT``). ``prepared`` (header ``Prepared``) is not read from the table: it comes from
``--prepared``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else the clock, in UTC.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: SDMX 2.1 SDMXCommon.xsd ``IDType`` and ``NCNameIDType`` (agency ids may be nested
#: with dots, SDMX 2.1 section 2 §3.5.2.1); version: SDMX 3.0 semantic or legacy x.y.
_ID = re.compile(r"[A-Za-z0-9_@$\-]+\Z")
_AGENCY = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*\Z")
_VERSION = re.compile(r"[0-9]+\.[0-9]+(\.[0-9]+)?\Z")
#: The keys of ``[sdmx]``; to add one, add it here, as a field of SdmxSettings and to
#: the pattern check of :func:`_problems`.
_KEYS = ("agency", "dsd_id", "dataflow_id", "version", "sender", "receiver")
SDMX_KEYS = _KEYS  #: the keys of package.toml [sdmx] (compiler.inputs.manifest.section_keys)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class SdmxSettings:
    """Identifiers and header values shared by every SDMX output of one run."""

    agency: str = "DATASAT"
    dsd_id: str = "DSD_DATA_ASSETS"
    dataflow_id: str = "DF_DATA_ASSETS"
    version: str = "1.0.0"
    sender: str = ""
    receiver: str = "ESTAT"
    prepared: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        if not self.sender:
            object.__setattr__(self, "sender", self.agency)
        if self.prepared.tzinfo is None:
            object.__setattr__(self, "prepared", self.prepared.replace(tzinfo=UTC))
        else:
            object.__setattr__(self, "prepared", self.prepared.astimezone(UTC))
        problems = _problems(
            {"agency": self.agency, "dsd_id": self.dsd_id, "dataflow_id": self.dataflow_id,
             "version": self.version, "sender": self.sender, "receiver": self.receiver}
        )
        if problems:
            raise ValueError("invalid SDMX settings: " + "; ".join(problems))

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any] | None,
        where: str = "[sdmx]",
        *,
        prepared: str | datetime | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> SdmxSettings:
        """Settings from a ``[sdmx]`` table; ``ValueError`` lists every bad key.

        ``prepared`` is the ``--prepared`` option (ISO 8601 date-time or epoch seconds);
        without it ``SOURCE_DATE_EPOCH`` from ``environ`` (default ``os.environ``) is used.
        """
        mapping = dict(mapping or {})
        problems = [f"unknown key {k!r} (allowed: {', '.join(_KEYS)})" for k in mapping if k not in _KEYS]
        problems += [f"{k} must be a string, not {type(v).__name__}" for k, v in mapping.items()
                     if k in _KEYS and not isinstance(v, str)]
        values = {k: v for k, v in mapping.items() if k in _KEYS and isinstance(v, str)}
        problems += _problems(values)
        try:
            when = resolve_prepared(prepared, os.environ if environ is None else environ)
        except ValueError as error:
            problems.append(str(error))
        if problems:
            raise ValueError(f"{where}: " + "; ".join(problems))
        return cls(**values, prepared=when)

    # --- derived identifiers -----------------------------------------------------------
    def dataflow(self, bound: str) -> str:
        """The dataflow id of a bound: ``<dataflow_id>_LOW`` or ``_HIGH``."""
        return f"{self.dataflow_id}_{bound.upper()}"

    def dataflow_ref(self, bound: str) -> str:
        """``AGENCY:ID(VERSION)`` of a bound's dataflow (SDMX-CSV ``STRUCTURE_ID``)."""
        return f"{self.agency}:{self.dataflow(bound)}({self.version})"

    @property
    def dsd_ref(self) -> str:
        return f"{self.agency}:{self.dsd_id}({self.version})"

    @property
    def prepared_text(self) -> str:
        """``Prepared`` as an ``xs:dateTime`` in UTC, e.g. ``2020-01-01T00:00:00Z``."""
        return self.prepared.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def message_id(self) -> str:
        """Deterministic header ``ID``: the DSD id and the preparation time."""
        return f"{self.dsd_id}_{self.prepared:%Y%m%dT%H%M%S}"


def _problems(values: Mapping[str, str]) -> list[str]:
    out = []
    for key, value in values.items():
        pattern = {"agency": _AGENCY, "sender": _AGENCY, "receiver": _AGENCY, "version": _VERSION}.get(key, _ID)
        if key == "sender" and value == "":
            continue
        if not pattern.match(value):
            out.append(f"{key} {value!r} is not a valid SDMX {'version' if key == 'version' else 'id'}")
    return out


def resolve_prepared(value: str | datetime | None, environ: Mapping[str, str]) -> datetime:
    """``--prepared`` value, else ``SOURCE_DATE_EPOCH``, else now; always UTC, whole seconds."""
    if isinstance(value, datetime):
        when = value
    elif value not in (None, ""):
        text = str(value).strip()
        try:
            when = datetime.fromtimestamp(int(text), UTC) if text.isdigit() else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"--prepared {text!r} is neither an ISO 8601 date-time nor epoch seconds") from None
    elif environ.get("SOURCE_DATE_EPOCH", "").strip():
        text = environ["SOURCE_DATE_EPOCH"].strip()
        if not text.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH {text!r} is not a whole number of seconds")
        when = datetime.fromtimestamp(int(text), UTC)
    else:
        return _now()
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)


__all__ = ["SdmxSettings", "resolve_prepared"]
